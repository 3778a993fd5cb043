/* ingress-warden lint: manifests checked offline, with file:line positions. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "load/jarena.h"
#include "lint/lint.h"
#include "src/files.h"
#include "load/yamldoc.h"
#include "src/cmd.h"
#include "model/model.h"
#include "checks/policy.h"
#include "checks/state.h"

#define LINT_MAX_FILE (256u << 20)

#define LINT_USAGE \
	"usage: ingress-warden lint [-o text|json|sarif] [--kube-version V] [--config FILE]\n" \
	"                           [--controller P] [--against STATE] PATH...\n" \
	"       ingress-warden lint [OPTIONS] --against STATE     (audit of the snapshot)\n"

static void lint_help(void)
{
	printf(LINT_USAGE
	       "\nChecks Ingress and IngressClass manifests offline: the API server's own\n"
	       "validation (what `kubectl apply` would answer, unknown fields included) and the\n"
	       "checks beyond it (conflicts, dangling references, deprecated APIs, ...).\n\n"
	       "  PATH                a YAML or JSON file (many documents, List/IngressList\n"
	       "                      expanded), a directory (walked for .yaml/.yml/.json in\n"
	       "                      sorted order) or '-' for stdin\n"
	       "  -o text|json|sarif  output (default text: file:line:col: severity: message)\n"
	       "  --kube-version V    Kubernetes version whose rules apply, 1.%d..1.%d (default 1.%d)\n"
	       "  --config FILE       policy configuration (check severities and scopes, the\n"
	       "                      controller profile of IngressClass names)\n"
	       "  --controller P      judge every Ingress under controller profile P; without\n"
	       "                      it, each Ingress's class decides (docs/profiles.md)\n"
	       "                      profiles: %s\n"
	       "  --against STATE     objects already in the cluster (files or directories like\n"
	       "                      PATH: Ingresses, IngressClasses, Services), for the\n"
	       "                      cross-object checks (repeatable); without PATH the\n"
	       "                      snapshot itself is checked, every object against the\n"
	       "                      rest (an audit of what is already in the cluster)\n\n"
	       "Colour in text output when stdout is a terminal and NO_COLOR is unset.\n"
	       "Exit status: 0 nothing denied, 1 something denied, 2 usage or input error\n"
	       "(unreadable file, syntax error: reported with its position, the rest is still\n"
	       "checked).\n",
	       IW_KUBE_MINOR_MIN, IW_KUBE_MINOR_MAX, IW_KUBE_MINOR_DEFAULT, iw_profile_names());
}

static int usage_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_err(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "ingress-warden lint: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	return 2;
}

/* Reads a whole file (or stdin for "-"); NULL with errno set. */
static char *read_all(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	struct stat st;
	if (f != stdin && fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (unsigned long long)st.st_size < LINT_MAX_FILE)
		cap = (size_t)st.st_size + 1;   /* one read, no copies; +1 to see the end */
	char *buf = malloc(cap);
	int err = 0;
	while (buf) {
		if (n == cap) {
			if (cap >= LINT_MAX_FILE) {
				err = EFBIG;
				break;
			}
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				err = ENOMEM;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		size_t k = fread(buf + n, 1, cap - n, f);
		n += k;
		if (k == 0) {
			if (ferror(f))
				err = errno ? errno : EIO;
			break;
		}
	}
	if (f != stdin)
		fclose(f);
	if (!buf || err) {
		free(buf);
		errno = err ? err : ENOMEM;
		return NULL;
	}
	*len = n;
	return buf;
}

static bool has_ext(const char *name, const char *ext)
{
	size_t n = strlen(name), e = strlen(ext);
	return n > e && !strcmp(name + n - e, ext);
}

static enum yd_format format_of(const char *path)
{
	if (has_ext(path, ".json"))
		return YD_JSON;
	if (has_ext(path, ".yaml") || has_ext(path, ".yml"))
		return YD_YAML;
	return YD_AUTO;
}

/* Paths to read, expanded from directories. */
struct files {
	char **v;
	size_t n, cap;
};

static int add_file(struct files *fs, const char *path)
{
	if (fs->n == fs->cap) {
		size_t cap = fs->cap ? fs->cap * 2 : 16;
		char **v = realloc(fs->v, cap * sizeof *v);
		if (!v)
			return -1;
		fs->v = v;
		fs->cap = cap;
	}
	if (!(fs->v[fs->n] = strdup(path)))
		return -1;
	fs->n++;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Walks a directory (sorted, recursive); unreadable entries become problems. */
static int walk_dir(struct files *fs, const char *dir, struct lint_report *r, int depth)
{
	if (depth > 64) {
		lint_add_problem(r, dir, 0, 0, "directories nested too deeply");
		return 0;
	}
	DIR *d = opendir(dir);
	if (!d) {
		char msg[256];
		snprintf(msg, sizeof msg, "cannot read directory: %s", strerror(errno));
		lint_add_problem(r, dir, 0, 0, msg);
		return 0;
	}
	struct files here = { 0 };
	struct dirent *e;
	int rc = 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;   /* ., .., hidden files and directories */
		size_t len = strlen(dir) + strlen(e->d_name) + 2;
		char *p = malloc(len);
		if (!p) {
			rc = -1;
			break;
		}
		snprintf(p, len, "%s%s%s", dir, has_ext(dir, "/") ? "" : "/", e->d_name);
		if (add_file(&here, p))
			rc = -1;
		free(p);
	}
	closedir(d);
	if (here.n)
		qsort(here.v, here.n, sizeof *here.v, cmp_str);
	for (size_t i = 0; i < here.n; i++) {
		struct stat st;
		if (rc == 0 && stat(here.v[i], &st) == 0) {
			if (S_ISDIR(st.st_mode))
				rc = walk_dir(fs, here.v[i], r, depth + 1);
			else if (has_ext(here.v[i], ".yaml") || has_ext(here.v[i], ".yml") ||
			         has_ext(here.v[i], ".json"))
				rc = add_file(fs, here.v[i]);
		}
		free(here.v[i]);
	}
	free(here.v);
	return rc;
}

static int expand(struct files *fs, const char *path, struct lint_report *r)
{
	struct stat st;
	if (strcmp(path, "-") && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return walk_dir(fs, path, r, 0);
	return add_file(fs, path);
}

/* --against: objects of the cluster, into a state. */
struct against {
	struct iw_state *st;
	const char *src;
	int bad;
};

static enum iw_err against_doc(void *ctx, struct yd_doc *d)
{
	struct against *a = ctx;
	if (d->error) {
		fprintf(stderr, "ingress-warden lint: %s:%u:%u: %s\n", a->src, d->err_line, d->err_col,
		        d->error);
		a->bad = 1;
		return IW_OK;
	}
	if (!d->empty && json_is_object(d->root))
		return iw_state_add_json(a->st, d->root, NULL);
	return IW_OK;
}

static struct iw_state *load_against(char **paths, size_t n)
{
	struct iw_state *st = iw_state_new(ingress_free, ingress_class_free);
	struct lint_report *tmp = lint_report_new();
	struct files fs = { 0 };
	int bad = !st || !tmp;
	for (size_t i = 0; !bad && i < n; i++)
		if (expand(&fs, paths[i], tmp))
			bad = 1;
	if (tmp && tmp->nproblems) {
		fprintf(stderr, "ingress-warden lint: --against %s: %s\n", tmp->sources[tmp->problems[0].source],
		        tmp->problems[0].message);
		bad = 1;
	}
	for (size_t i = 0; i < fs.n; i++) {
		if (!bad) {
			size_t len;
			char *buf = read_all(fs.v[i], &len);
			if (!buf) {
				fprintf(stderr, "ingress-warden lint: cannot read '%s': %s\n", fs.v[i], strerror(errno));
				bad = 1;
			} else {
				struct against a = { st, fs.v[i], 0 };
				if (yd_parse(buf, len, format_of(fs.v[i]), NULL, against_doc, &a) || a.bad)
					bad = 1;
				free(buf);
			}
		}
		free(fs.v[i]);
	}
	free(fs.v);
	lint_report_free(tmp);
	if (bad) {
		iw_state_free(st);
		return NULL;
	}
	return st;
}

int cmd_lint(int argc, char **argv)
{
	enum lint_out out = LINT_OUT_TEXT;
	struct lint_opts o;
	const char *config = NULL;
	const struct iw_profile *controller = NULL;
	char **against = calloc((size_t)argc, sizeof *against);
	char **paths = calloc((size_t)argc, sizeof *paths);
	size_t nagainst = 0, npaths = 0;
	int rc = 2;
	struct iw_policy *policy = NULL;
	struct iw_state *state = NULL;
	struct lint_report *r = NULL;
	struct files fs = { 0 };
	char **bufs = NULL;
	struct iw_policy *defpolicy = NULL;
	struct jarena *arena = NULL;
	lint_opts_init(&o);
	if (!against || !paths) {
		fprintf(stderr, "ingress-warden lint: out of memory\n");
		goto out;
	}
	bool only_paths = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!only_paths && (!strcmp(a, "-h") || !strcmp(a, "--help"))) {
			lint_help();
			rc = 0;
			goto out;
		} else if (!only_paths && !strcmp(a, "--")) {
			only_paths = true;
		} else if (!only_paths && (!strcmp(a, "-o") || !strcmp(a, "--output"))) {
			if (++i >= argc) {
				rc = usage_err("%s needs a value (text, json or sarif)", a);
				goto out;
			}
			if (!strcmp(argv[i], "text"))
				out = LINT_OUT_TEXT;
			else if (!strcmp(argv[i], "json"))
				out = LINT_OUT_JSON;
			else if (!strcmp(argv[i], "sarif"))
				out = LINT_OUT_SARIF;
			else {
				rc = usage_err("unknown output '%s' (text, json or sarif)", argv[i]);
				goto out;
			}
		} else if (!only_paths && !strcmp(a, "--kube-version")) {
			if (++i >= argc) {
				rc = usage_err("%s needs a value", a);
				goto out;
			}
			if (!iw_vopts_set_version(&o.v, argv[i])) {
				rc = usage_err("unsupported --kube-version '%s' (1.34 to 1.37)", argv[i]);
				goto out;
			}
		} else if (!only_paths && !strcmp(a, "--config")) {
			if (++i >= argc) {
				rc = usage_err("%s needs a file", a);
				goto out;
			}
			config = argv[i];
		} else if (!only_paths && !strcmp(a, "--controller")) {
			if (++i >= argc) {
				rc = usage_err("%s needs a profile (%s)", a, iw_profile_names());
				goto out;
			}
			if (!(controller = iw_profile_lookup(argv[i]))) {
				rc = usage_err("unknown controller profile '%s' (%s)", argv[i],
				               iw_profile_names());
				goto out;
			}
		} else if (!only_paths && !strcmp(a, "--against")) {
			if (++i >= argc) {
				rc = usage_err("%s needs a path", a);
				goto out;
			}
			against[nagainst++] = argv[i];
		} else if (!only_paths && a[0] == '-' && a[1]) {
			rc = usage_err("unknown option '%s' (see --help)", a);
			goto out;
		} else {
			paths[npaths++] = argv[i];
		}
	}
	if (!npaths && nagainst) {
		/* audit: the snapshot itself, every object against the rest */
		for (size_t i = 0; i < nagainst; i++)
			paths[npaths++] = against[i];
	}
	if (!npaths) {
		rc = usage_err("no PATH given (a file, a directory or '-')");
		goto out;
	}
	if (config) {
		char msg[512];
		if (iw_policyconf_load(config, &policy, msg, sizeof msg)) {
			fprintf(stderr, "ingress-warden lint: %s\n", msg);
			goto out;
		}
		o.policy = policy;
	}
	if (nagainst) {
		if (!(state = load_against(against, nagainst)))
			goto out;
		o.state = state;
	}
	enum iw_err err = IW_ENOMEM;
	if (!(r = lint_report_new()))
		goto fail;
	for (size_t i = 0; i < npaths; i++)
		if (expand(&fs, paths[i], r))
			goto fail;
	/* Every object of every file given joins the state (over --against: a
	 * file's version replaces the cluster's), so that each object is checked
	 * against the others; an object is never checked against itself. */
	if (!state && !(state = iw_state_new(ingress_free, ingress_class_free)))
		goto fail;
	o.state = state;
	if (!(bufs = calloc(fs.n ? fs.n : 1, sizeof *bufs)))
		goto fail;
	if (!o.policy) {
		if (!(defpolicy = iw_policy_new()))
			goto fail;
		o.policy = defpolicy;
	}
	if (controller) {
		struct iw_policy *pw = policy ? policy : defpolicy;
		pw->profiles.forced = true;
		pw->profiles.force = controller->id;
	}
	/* Files are a partial view: a Service or IngressClass in them does not
	 * make the state a full list of the cluster's (only --against does),
	 * so the reference checks stay as --against left them. */
	bool knows_svc = iw_state_knows_services(state), knows_cls = iw_state_knows_classes(state);
	/* Pass one validates each object as it is read and puts it into the
	 * state; pass two (lint_finish) runs the policy checks of every Ingress
	 * against all the others.  The buffers stay until then: positions of
	 * findings are computed from their text. */
	o.collect = state;
	/* Each document's JSON is built in an arena and dropped after it is
	 * read (load/jarena.h); without the address space, jansson's heap. */
	jarena_install();
	if ((arena = jarena_new(256u << 20))) {
		jarena_bind(arena);
		o.limits.arena = arena;
	}
	for (size_t i = 0; i < fs.n; i++) {
		const char *p = fs.v[i];
		const char *name = strcmp(p, "-") ? p : "<stdin>";
		size_t len;
		if (!(bufs[i] = read_all(p, &len))) {
			char msg[256];
			snprintf(msg, sizeof msg, "cannot read: %s", strerror(errno));
			if ((err = lint_add_problem(r, name, 0, 0, msg)))
				goto fail;
			continue;
		}
		o.format = strcmp(p, "-") ? format_of(p) : YD_AUTO;
		if ((err = lint_buffer(r, name, bufs[i], len, &o)))
			goto fail;
	}
	iw_state_set_knows(state, knows_svc, knows_cls);
	if ((err = lint_finish(r, &o)))
		goto fail;
	for (size_t i = 0; i < fs.n; i++) {
		free(bufs[i]);
		bufs[i] = NULL;
	}
	unsigned flags = 0;
	if (out == LINT_OUT_TEXT && isatty(STDOUT_FILENO) && !getenv("NO_COLOR"))
		flags |= LINT_COLOR;
	size_t len;
	char *text;
	if ((err = lint_render(r, out, flags, &text, &len)))
		goto fail;
	fwrite(text, 1, len, stdout);
	free(text);
	rc = fflush(stdout) ? 2 : lint_exit_status(r);
	goto out;
fail:
	fprintf(stderr, "ingress-warden lint: %s\n", iw_strerror(err));
	rc = 2;
out:
	for (size_t i = 0; i < fs.n; i++) {
		free(fs.v[i]);
		if (bufs)
			free(bufs[i]);
	}
	free(bufs);
	iw_policy_free(defpolicy);
	free(fs.v);
	lint_report_free(r);
	iw_state_free(state);
	iw_policy_free(policy);
	free(against);
	free(paths);
	jarena_bind(NULL);
	jarena_free(arena);
	return rc;
}
