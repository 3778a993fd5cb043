/* ingress-warden lint: manifests checked offline, with file:line positions. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/err.h"
#include "checks/policy.h"
#include "checks/state.h"
#include "lint/lint.h"
#include "load/jarena.h"
#include "model/model.h"
#include "profile/profile.h"
#include "src/cliopt.h"
#include "src/cmd.h"
#include "src/files.h"

#define LINT_USAGE \
	"usage: ingress-warden lint [-o text|json|sarif|junit|codequality] [--kube-version V]\n" \
	"                           [--config FILE] [--controller P] [--against STATE]...\n" \
	"                           [--exclude GLOB]... [--max-file-bytes N] [--skip-non-k8s] PATH...\n" \
	"       ingress-warden lint [OPTIONS] --against STATE     (audit of the snapshot)\n"

static void lint_help(void)
{
	printf(LINT_USAGE
	       "\nChecks Ingress and IngressClass manifests offline: the API server's own\n"
	       "validation (what `kubectl apply` would answer, unknown fields included) and the\n"
	       "checks beyond it (conflicts, dangling references, deprecated APIs, ...).\n\n"
	       "  PATH                a YAML or JSON file (many documents, NDJSON, kubectl's Lists\n"
	       "                      in JSON or YAML), a directory (walked for .yaml/.yml/.json\n"
	       "                      in any case, in name order, each file once) or '-' for stdin\n"
	       "  -o, --output F      text (default: FILE:LINE:COL: SEVERITY: KIND NS/NAME: MESSAGE),\n"
	       "                      json, sarif (code scanning), junit (CI test reports) or\n"
	       "                      codequality (GitLab merge requests); always a whole\n"
	       "                      document, input errors included\n"
	       "  --kube-version V    Kubernetes version whose rules apply, 1.%d..1.%d (default 1.%d)\n"
	       "  --config FILE       policy configuration (check severities and scopes, the\n"
	       "                      controller profile of IngressClass names)\n"
	       "  --controller P      judge every Ingress under controller profile P; without\n"
	       "                      it, each Ingress's class decides (docs/profiles.md)\n"
	       "                      profiles: %s\n"
	       "  --against STATE     objects already in the cluster (files or directories like\n"
	       "                      PATH, e.g. `kubectl get ingress,ingressclass,service -A -o\n"
	       "                      json`), for the cross-object checks (repeatable); without\n"
	       "                      PATH the snapshot itself is checked, every object against\n"
	       "                      the rest (an audit of what is already in the cluster)\n"
	       "  --exclude GLOB      skip files and directories whose path or name matches\n"
	       "                      (repeatable; e.g. --exclude 'vendor' --exclude '*.test.yaml')\n"
	       "  --max-file-bytes N  largest file read (default 1Gi; Ki, Mi, Gi suffixes); one\n"
	       "                      object may have at most 3 MiB, a List any number of them\n"
	       "  --skip-non-k8s      documents that are no Kubernetes object (no kind or\n"
	       "                      apiVersion, not a mapping: CI workflows, Helm values;\n"
	       "                      Helm templates) are skipped, not input errors: for every\n"
	       "                      YAML file of a repository (the pre-commit hook)\n\n"
	       "Helm charts and Kustomize directories are not read as they are: render them\n"
	       "first (`helm template NAME DIR | ingress-warden lint -`, `kubectl kustomize DIR |\n"
	       "ingress-warden lint -`).  Colour in text output when stdout is a terminal and\n"
	       "NO_COLOR is unset.\n"
	       "Exit status: 0 nothing denied, 1 something denied, 2 usage or input error\n"
	       "(unreadable file, syntax error: reported with its position, the rest is still\n"
	       "checked).\n",
	       IW_KUBE_MINOR_MIN, IW_KUBE_MINOR_MAX, IW_KUBE_MINOR_DEFAULT, iw_profile_names());
}

enum { O_HELP = 1, O_OUT, O_KUBE, O_CONFIG, O_AGAINST, O_EXCLUDE, O_MAXFILE, O_CONTROLLER,
       O_SKIP_OTHER };
static const struct cli_opt lint_opts_table[] = {
	{ "--help", "-h", false, O_HELP },
	{ "--output", "-o", true, O_OUT },
	{ "--kube-version", NULL, true, O_KUBE },
	{ "--config", NULL, true, O_CONFIG },
	{ "--against", NULL, true, O_AGAINST },
	{ "--exclude", NULL, true, O_EXCLUDE },
	{ "--max-file-bytes", NULL, true, O_MAXFILE },
	{ "--controller", NULL, true, O_CONTROLLER },
	{ "--skip-non-k8s", NULL, false, O_SKIP_OTHER },
	{ NULL, NULL, false, 0 },
};

/* The output asked for, looked up before the options are read one by one:
 * a usage error is reported in that format too. */
static enum lint_out output_of(int argc, char **argv)
{
	enum lint_out out = LINT_OUT_TEXT;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = NULL;
		if (!strcmp(a, "--"))
			break;
		if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && i + 1 < argc)
			v = argv[++i];
		else if (!strncmp(a, "--output=", 9))
			v = a + 9;
		if (v && !strcmp(v, "json"))
			out = LINT_OUT_JSON;
		else if (v && !strcmp(v, "sarif"))
			out = LINT_OUT_SARIF;
		else if (v && !strcmp(v, "junit"))
			out = LINT_OUT_JUNIT;
		else if (v && !strcmp(v, "codequality"))
			out = LINT_OUT_CODEQUALITY;
		else if (v)
			out = LINT_OUT_TEXT;
	}
	return out;
}

/* "NAME:LINE:COL: message" (or "NAME: message") as a problem of NAME. */
static void located_problem(struct lint_report *r, const char *name, const char *msg)
{
	size_t n = strlen(name);
	unsigned line = 0, col = 0;
	int used = 0;
	if (!strncmp(msg, name, n) && msg[n] == ':') {
		const char *rest = msg + n + 1;
		if (sscanf(rest, "%u:%u: %n", &line, &col, &used) == 2 && used > 0)
			msg = rest + used;
		else if (rest[0] == ' ')
			msg = rest + 1, line = col = 0;
	}
	lint_add_problem(r, name, line, col, msg);
}

static void read_problem(void *ctx, const char *name, unsigned line, unsigned col, const char *msg)
{
	lint_add_problem(ctx, name, line, col, msg);
}

/* Renders r on stdout; the exit status. */
static int finish(struct lint_report *r, enum lint_out out)
{
	unsigned flags = 0;
	if (out == LINT_OUT_TEXT && isatty(STDOUT_FILENO) && !getenv("NO_COLOR"))
		flags |= LINT_COLOR;
	size_t len;
	char *text;
	enum iw_err err = lint_render(r, out, flags, &text, &len);
	if (err) {
		fprintf(stderr, "ingress-warden lint: %s\n", iw_strerror(err));
		return 2;
	}
	fwrite(text, 1, len, stdout);
	free(text);
	return fflush(stdout) ? 2 : lint_exit_status(r);
}

/* A usage error: on stderr, and as a whole document when one was asked for. */
static int usage_err(struct lint_report *r, enum lint_out out, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int usage_err(struct lint_report *r, enum lint_out out, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "ingress-warden lint: %s\n", msg);
	if (out != LINT_OUT_TEXT && r) {
		lint_add_problem(r, "command line", 0, 0, msg);
		finish(r, out);
	}
	return 2;
}

int cmd_lint(int argc, char **argv)
{
	enum lint_out out = output_of(argc, argv);
	struct lint_opts o;
	const char *config = NULL;
	const struct iw_profile *controller = NULL;
	char **against = calloc((size_t)argc, sizeof *against);
	char **paths = calloc((size_t)argc, sizeof *paths);
	char **exclude = calloc((size_t)argc, sizeof *exclude);
	size_t nagainst = 0, npaths = 0, nexclude = 0;
	int rc = 2;
	struct iw_policy *policy = NULL, *defpolicy = NULL;
	struct iw_state *state = NULL;
	struct lint_report *r = lint_report_new();
	struct iw_files fs = { 0 };
	struct jarena *arena = NULL;
	struct iw_read_opts ro = { .flag = "--max-file-bytes" };
	lint_opts_init(&o);
	if (!against || !paths || !exclude || !r) {
		fprintf(stderr, "ingress-warden lint: out of memory\n");
		goto out;
	}
	struct cli cl;
	cli_init(&cl, "lint", argc, argv, lint_opts_table);
	const char *v;
	int id;
	while ((id = cli_next(&cl, &v)) != CLI_END) {
		switch (id) {
		case CLI_ERROR:
			rc = usage_err(r, out, "%s", cl.error);
			goto out;
		case CLI_ARG:
			paths[npaths++] = (char *)v;
			break;
		case O_HELP:
			lint_help();
			rc = 0;
			goto out;
		case O_OUT:
			if (strcmp(v, "text") && strcmp(v, "json") && strcmp(v, "sarif") && strcmp(v, "junit") &&
			    strcmp(v, "codequality")) {
				rc = usage_err(r, out, "unknown output '%s' (text, json, sarif, junit or codequality)", v);
				goto out;
			}
			break;
		case O_KUBE:
			if (!iw_vopts_set_version(&o.v, v)) {
				rc = usage_err(r, out, "unsupported --kube-version '%s' (1.%d to 1.%d)", v,
				               IW_KUBE_MINOR_MIN, IW_KUBE_MINOR_MAX);
				goto out;
			}
			break;
		case O_CONFIG:
			config = v;
			break;
		case O_CONTROLLER:
			if (!(controller = iw_profile_lookup(v))) {
				rc = usage_err(r, out, "unknown controller profile '%s' (%s)", v, iw_profile_names());
				goto out;
			}
			break;
		case O_AGAINST:
			against[nagainst++] = (char *)v;
			break;
		case O_SKIP_OTHER:
			o.skip_non_k8s = true;
			ro.skip_unrendered = true;
			break;
		case O_EXCLUDE:
			exclude[nexclude++] = (char *)v;
			break;
		case O_MAXFILE:
			if (iw_parse_size(v, &ro.max_file_bytes) || !ro.max_file_bytes) {
				rc = usage_err(r, out, "--max-file-bytes takes a size such as 1Gi or 500Mi, not '%s'", v);
				goto out;
			}
			break;
		}
	}
	ro.exclude = exclude;
	ro.nexclude = nexclude;
	bool audit = !npaths && nagainst;
	if (audit) {
		/* the snapshot itself, every object against the rest */
		for (size_t i = 0; i < nagainst; i++)
			paths[npaths++] = against[i];
		o.strip = true;   /* objects as the API server stored them */
	}
	if (!npaths) {
		rc = usage_err(r, out, "no PATH given (a file, a directory or '-')");
		goto out;
	}
	if (config) {
		char msg[700];
		if (iw_policyconf_load(config, &policy, msg, sizeof msg)) {
			located_problem(r, config, msg);
			rc = finish(r, out);
			goto out;
		}
		o.policy = policy;
	}
	enum iw_err err = IW_ENOMEM;
	if (!(state = iw_state_new(ingress_free, ingress_class_free)))
		goto fail;
	if (nagainst && !audit &&
	    (err = iw_state_load_paths(state, against, nagainst, &ro, read_problem, r, NULL, NULL)))
		goto fail;
	if ((err = iw_files_expand(&fs, paths, npaths, &ro, read_problem, r)))
		goto fail;
	/* Every object of every file given joins the state (over --against: a
	 * file's version replaces the cluster's), so that each object is checked
	 * against the others; an object is never checked against itself. */
	o.state = state;
	if (!o.policy) {
		err = IW_ENOMEM;
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
		struct iw_file *f = &fs.v[i];
		char why[300];
		err = iw_file_read(f, &ro, why, sizeof why);
		if (err == IW_ENOMEM)
			goto fail;
		if (err) {
			if ((err = lint_add_problem(r, f->name, 0, 0, why)))
				goto fail;
			continue;
		}
		o.format = f->format;
		if ((err = lint_buffer(r, f->name, f->buf, f->len, &o)))
			goto fail;
	}
	if (!audit)   /* in an audit the files are the cluster: what they hold is all of it */
		iw_state_set_knows(state, knows_svc, knows_cls);
	if ((err = lint_finish(r, &o)))
		goto fail;
	for (size_t i = 0; i < fs.n; i++)
		iw_file_drop(&fs.v[i]);
	rc = finish(r, out);
	goto out;
fail:
	fprintf(stderr, "ingress-warden lint: %s\n", iw_strerror(err));
	rc = 2;
out:
	iw_files_release(&fs);
	iw_policy_free(defpolicy);
	lint_report_free(r);
	iw_state_free(state);
	iw_policy_free(policy);
	free(against);
	free(paths);
	free(exclude);
	jarena_bind(NULL);
	jarena_free(arena);
	return rc;
}
