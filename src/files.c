/* The commands' file input (see files.h). */
#include "src/files.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/err.h"
#include "load/manifest.h"
#include "model/model.h"

#define MAX_DIR_DEPTH 64

/* ---------------------------------------------------------------- seen */

/* Devices and inodes taken so far: open addressing, grown at half full. */
struct seen_slot {
	dev_t dev;
	ino_t ino;
	bool used;
};

struct iw_seen_ {
	struct seen_slot *v;
	size_t n, cap;
};

/* true when (dev, ino) is new (and is now taken); false when seen, or on OOM (*oom) */
static bool seen_add(struct iw_files *fs, const struct stat *st, bool *oom)
{
	struct iw_seen_ *s = fs->seen_;
	if (!s && !(s = fs->seen_ = calloc(1, sizeof *s))) {
		*oom = true;
		return false;
	}
	if (2 * (s->n + 1) > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct seen_slot *v = calloc(cap, sizeof *v);
		if (!v) {
			*oom = true;
			return false;
		}
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->v[i].used)
				continue;
			size_t h = ((size_t)s->v[i].ino * 0x9E3779B97F4A7C15ull ^ (size_t)s->v[i].dev) & (cap - 1);
			while (v[h].used)
				h = (h + 1) & (cap - 1);
			v[h] = s->v[i];
		}
		free(s->v);
		s->v = v;
		s->cap = cap;
	}
	size_t h = ((size_t)st->st_ino * 0x9E3779B97F4A7C15ull ^ (size_t)st->st_dev) & (s->cap - 1);
	while (s->v[h].used) {
		if (s->v[h].dev == st->st_dev && s->v[h].ino == st->st_ino)
			return false;
		h = (h + 1) & (s->cap - 1);
	}
	s->v[h].dev = st->st_dev;
	s->v[h].ino = st->st_ino;
	s->v[h].used = true;
	s->n++;
	return true;
}

/* ---------------------------------------------------------------- walk */

static bool has_ext(const char *name, const char *ext)
{
	size_t n = strlen(name), e = strlen(ext);
	return n > e && !strcasecmp(name + n - e, ext);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static enum yd_format format_of(const char *path)
{
	if (has_ext(path, ".json"))
		return YD_JSON;
	if (has_ext(path, ".yaml") || has_ext(path, ".yml"))
		return YD_YAML;
	return YD_AUTO;
}

static enum iw_err add_file(struct iw_files *fs, const char *path)
{
	if (fs->n == fs->cap) {
		size_t cap = fs->cap ? fs->cap * 2 : 16;
		struct iw_file *v = realloc(fs->v, cap * sizeof *v);
		if (!v)
			return IW_ENOMEM;
		fs->v = v;
		fs->cap = cap;
	}
	struct iw_file *f = &fs->v[fs->n];
	memset(f, 0, sizeof *f);
	if (!(f->path = strdup(path)))
		return IW_ENOMEM;
	f->name = strcmp(path, "-") ? f->path : "<stdin>";
	f->format = strcmp(path, "-") ? format_of(path) : YD_AUTO;
	fs->n++;
	return IW_OK;
}

static bool excluded(const struct iw_read_opts *o, const char *path)
{
	for (size_t i = 0; o && i < o->nexclude; i++)
		if (!fnmatch(o->exclude[i], path, 0) || !fnmatch(o->exclude[i], base_name(path), 0))
			return true;
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s%s%s", dir, has_ext(dir, "/") ? "" : "/", name);
	return p;
}

static bool exists_in(const char *dir, const char *name)
{
	char *p = join(dir, name);
	struct stat st;
	bool yes = p && stat(p, &st) == 0 && S_ISREG(st.st_mode);
	free(p);
	return yes;
}

struct walk {
	struct iw_files *fs;
	const struct iw_read_opts *o;
	iw_read_problem_fn fn;
	void *ctx;
	bool oom;
};

static void walk_problem(struct walk *w, const char *name, const char *fmt, const char *arg)
	__attribute__((format(printf, 3, 0)));
static void walk_problem(struct walk *w, const char *name, const char *fmt, const char *arg)
{
	char msg[512];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(msg, sizeof msg, fmt, arg);
#pragma GCC diagnostic pop
	if (w->fn)
		w->fn(w->ctx, name, 0, 0, msg);
}

/* A directory that is not manifests to read as they are: a chart or a kustomization. */
static bool rendered_elsewhere(struct walk *w, const char *dir)
{
	if (exists_in(dir, "Chart.yaml")) {
		if (!w->o->skip_unrendered)
			walk_problem(w, dir, "a Helm chart (Chart.yaml): render it with `helm template` first, "
			             "e.g. `helm template NAME %s | ingress-warden lint -`", dir);
		return true;
	}
	static const char *const kust[] = { "kustomization.yaml", "kustomization.yml", "Kustomization" };
	for (size_t i = 0; i < 3; i++)
		if (exists_in(dir, kust[i])) {
			if (!w->o->skip_unrendered)
				walk_problem(w, dir, "a Kustomize directory (kustomization.yaml): render it with "
				             "`kubectl kustomize` first, e.g. `kubectl kustomize %s | ingress-warden lint -`",
				             dir);
			return true;
		}
	return false;
}

/* A file given alone that is part of a chart or a kustomization. */
static bool rendered_file(struct walk *w, const char *path)
{
	const char *b = base_name(path);
	if (!strcmp(b, "Chart.yaml") || !strcmp(b, "values.yaml") || !strcmp(b, "values.yml")) {
		if (!w->o->skip_unrendered)
			walk_problem(w, path, "part of a Helm chart (%s): render the chart with `helm template` "
			             "first, e.g. `helm template NAME CHART_DIR | ingress-warden lint -`", b);
		return true;
	}
	if (!strcmp(b, "kustomization.yaml") || !strcmp(b, "kustomization.yml") ||
	    !strcmp(b, "Kustomization")) {
		if (!w->o->skip_unrendered)
			walk_problem(w, path, "a Kustomize file (%s): render its directory with `kubectl kustomize` "
			             "first, e.g. `kubectl kustomize DIR | ingress-warden lint -`", b);
		return true;
	}
	return false;
}

static void walk_dir(struct walk *w, const char *dir, int depth)
{
	if (depth > MAX_DIR_DEPTH) {
		walk_problem(w, dir, "directories nested deeper than %s levels", "64");
		return;
	}
	if (rendered_elsewhere(w, dir))
		return;
	DIR *d = opendir(dir);
	if (!d) {
		walk_problem(w, dir, "cannot read the directory: %s", strerror(errno));
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;   /* ., .., hidden files and directories */
		if (n == cap) {
			size_t c = cap ? cap * 2 : 32;
			char **v = realloc(names, c * sizeof *v);
			if (!v) {
				w->oom = true;
				break;
			}
			names = v;
			cap = c;
		}
		if (!(names[n] = join(dir, e->d_name))) {
			w->oom = true;
			break;
		}
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		const char *p = names[i];
		if (!w->oom && !excluded(w->o, p) && stat(p, &st) == 0) {
			if (S_ISDIR(st.st_mode)) {
				if (seen_add(w->fs, &st, &w->oom))
					walk_dir(w, p, depth + 1);
			} else if (S_ISREG(st.st_mode) &&
			           (has_ext(p, ".yaml") || has_ext(p, ".yml") || has_ext(p, ".json"))) {
				if (seen_add(w->fs, &st, &w->oom) && add_file(w->fs, p))
					w->oom = true;
			}
		}
		free(names[i]);
	}
	free(names);
}

enum iw_err iw_files_expand(struct iw_files *fs, char *const *paths, size_t n,
                            const struct iw_read_opts *o, iw_read_problem_fn fn, void *ctx)
{
	struct walk w = { fs, o, fn, ctx, false };
	for (size_t i = 0; i < n && !w.oom; i++) {
		const char *p = paths[i];
		struct stat st;
		if (strcmp(p, "-") && stat(p, &st) == 0) {
			if (!seen_add(fs, &st, &w.oom))
				continue;   /* the same file or directory again */
			if (S_ISDIR(st.st_mode)) {
				walk_dir(&w, p, 0);
				continue;
			}
			if (rendered_file(&w, p))
				continue;
		}
		if (add_file(fs, p))
			w.oom = true;
	}
	return w.oom ? IW_ENOMEM : IW_OK;
}

void iw_file_drop(struct iw_file *f)
{
	free(f->buf);
	f->buf = NULL;
	f->len = 0;
}

void iw_files_release(struct iw_files *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		iw_file_drop(&fs->v[i]);
		free(fs->v[i].path);
	}
	free(fs->v);
	if (fs->seen_)
		free(fs->seen_->v);
	free(fs->seen_);
	memset(fs, 0, sizeof *fs);
}

/* ---------------------------------------------------------------- read */

enum iw_err iw_file_read(struct iw_file *f, const struct iw_read_opts *o, char *err,
                         size_t errsize)
{
	size_t max = o && o->max_file_bytes ? o->max_file_bytes : IW_MAX_FILE_BYTES;
	char lim[80];
	iw_size_text(max, lim, sizeof lim);
	if (o && o->flag) {
		size_t l = strlen(lim);
		snprintf(lim + l, sizeof lim - l, " (%s)", o->flag);
	}
	iw_file_drop(f);
	bool is_stdin = !strcmp(f->path, "-");
	FILE *in = is_stdin ? stdin : fopen(f->path, "rb");
	if (!in) {
		snprintf(err, errsize, "cannot read: %s", strerror(errno));
		return IW_EIO;
	}
	size_t cap = 1 << 16, len = 0;
	struct stat st;
	if (fstat(fileno(in), &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			snprintf(err, errsize, "cannot read: %s", strerror(EISDIR));
			if (!is_stdin)
				fclose(in);
			return IW_EIO;
		}
		if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > max) {
			snprintf(err, errsize, "file too large: %lld bytes, larger than the limit of %s",
			         (long long)st.st_size, lim);
			if (!is_stdin)
				fclose(in);
			return IW_ETOOBIG;
		}
		if (S_ISREG(st.st_mode) && st.st_size > 0)
			cap = (size_t)st.st_size + 1;   /* one read; +1 sees the end */
	}
	char *buf = malloc(cap);
	enum iw_err rc = buf ? IW_OK : IW_ENOMEM;
	while (rc == IW_OK) {
		if (len == cap) {
			if (cap > max) {
				snprintf(err, errsize, "file too large: larger than the limit of %s", lim);
				rc = IW_ETOOBIG;
				break;
			}
			size_t nc = cap * 2 > max + 1 ? max + 1 : cap * 2;
			char *nb = realloc(buf, nc);
			if (!nb) {
				rc = IW_ENOMEM;
				break;
			}
			buf = nb;
			cap = nc;
		}
		size_t k = fread(buf + len, 1, cap - len, in);
		len += k;
		if (k == 0) {
			if (ferror(in)) {
				snprintf(err, errsize, "cannot read: %s", strerror(errno ? errno : EIO));
				rc = IW_EIO;
			}
			break;
		}
	}
	if (rc == IW_OK && len > max) {
		snprintf(err, errsize, "file too large: larger than the limit of %s", lim);
		rc = IW_ETOOBIG;
	}
	if (!is_stdin)
		fclose(in);
	if (rc == IW_ENOMEM)
		snprintf(err, errsize, "out of memory");
	if (rc) {
		free(buf);
		return rc;
	}
	char *u8 = NULL;
	size_t u8len = 0;
	if ((rc = mf_to_utf8(buf, len, &u8, &u8len, err, errsize))) {
		if (rc == IW_ENOMEM)
			snprintf(err, errsize, "out of memory");
		free(buf);
		return rc;
	}
	if (u8) {
		free(buf);
		buf = u8;
		len = u8len;
	} else {
		char *nb = len + 1 > cap ? realloc(buf, len + 1) : buf;
		if (!nb) {
			free(buf);
			snprintf(err, errsize, "out of memory");
			return IW_ENOMEM;
		}
		buf = nb;
		buf[len] = 0;
	}
	f->buf = buf;
	f->len = len;
	return IW_OK;
}

/* ---------------------------------------------------------------- policy */

enum iw_err iw_policyconf_load(const char *path, struct iw_policy **out, char *msg,
                               size_t msgsize)
{
	*out = NULL;
	struct iw_file f = { .path = (char *)path, .name = path, .format = YD_AUTO };
	struct iw_read_opts o = { .max_file_bytes = IW_POLICYCONF_MAX_BYTES };
	char why[300];
	enum iw_err rc = iw_file_read(&f, &o, why, sizeof why);
	if (rc) {
		snprintf(msg, msgsize, "%s: %s", path, why);
		return rc;
	}
	rc = iw_policyconf_parse(f.buf, f.len, path, out, msg, msgsize);
	iw_file_drop(&f);
	return rc;
}

/* ---------------------------------------------------------------- state */

struct state_ctx {
	struct iw_state *st;
	struct iw_load_counts *n;
	const char *name;
	iw_read_problem_fn fn;
	void *ctx;
	enum iw_err problem;   /* the first problem's kind */
};

static enum iw_err state_obj(void *ctx, struct mf_object *o)
{
	struct state_ctx *c = ctx;
	return iw_state_add_json(c->st, o->obj, c->n);
}

static void state_problem(void *ctx, const struct mf_problem *p)
{
	struct state_ctx *c = ctx;
	if (!c->problem)
		c->problem = IW_ESYNTAX;
	if (c->fn)
		c->fn(c->ctx, c->name, p->line, p->col, p->message);
}

static void state_read_problem(void *ctx, const char *name, unsigned line, unsigned col,
                               const char *msg)
{
	struct state_ctx *c = ctx;
	if (!c->problem)
		c->problem = IW_EIO;
	if (c->fn)
		c->fn(c->ctx, name, line, col, msg);
}

enum iw_err iw_state_load_paths(struct iw_state *st, char *const *paths, size_t npaths,
                                const struct iw_read_opts *o, iw_read_problem_fn fn, void *ctx,
                                struct iw_load_counts *n, enum iw_err *problem)
{
	struct iw_load_counts dummy = { 0 };
	struct state_ctx c = { st, n ? n : &dummy, NULL, fn, ctx, IW_OK };
	struct iw_files fs = { 0 };
	enum iw_err rc = iw_files_expand(&fs, paths, npaths, o, state_read_problem, &c);
	struct mf_opts mo;
	mf_opts_init(&mo);
	mo.strip = true;   /* a snapshot is mostly managedFields; no check reads them */
	struct mf_sink sink = { state_obj, state_problem, &c };
	for (size_t i = 0; rc == IW_OK && i < fs.n; i++) {
		struct iw_file *f = &fs.v[i];
		char why[300];
		c.name = f->name;
		enum iw_err r = iw_file_read(f, o, why, sizeof why);
		if (r == IW_ENOMEM) {
			rc = r;
			break;
		}
		if (r) {
			state_read_problem(&c, f->name, 0, 0, why);
			if (c.problem == IW_EIO)
				c.problem = r;
			continue;
		}
		mo.format = f->format;
		rc = mf_parse(f->buf, f->len, &mo, &sink);
		iw_file_drop(f);
	}
	iw_files_release(&fs);
	if (problem)
		*problem = c.problem;
	return rc;
}

struct first_problem {
	char *err;
	size_t size;
	bool set;
};

static void keep_first(void *ctx, const char *name, unsigned line, unsigned col, const char *msg)
{
	struct first_problem *f = ctx;
	if (f->set)
		return;
	f->set = true;
	if (line)
		snprintf(f->err, f->size, "%s:%u:%u: %s", name, line, col, msg);
	else
		snprintf(f->err, f->size, "%s: %s", name, msg);
}

enum iw_err iw_state_load_file(struct iw_state *st, const char *path, struct iw_load_counts *n,
                               char *msg, size_t msgsize)
{
	struct first_problem fp = { msg, msgsize, false };
	char *p[1] = { (char *)path };
	enum iw_err problem = IW_OK;
	enum iw_err rc = iw_state_load_paths(st, p, 1, NULL, keep_first, &fp, n, &problem);
	if (rc) {
		snprintf(msg, msgsize, "%s: %s", path, iw_strerror(rc));
		return rc;
	}
	return problem;
}
