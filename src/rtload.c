/* Loading Ingress sets for route / router / conformance; decision rendering. */
#include "src/rtload.h"

#include "load/yamldoc.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>


#define MAX_FILE_BYTES (64u << 20)   /* one manifest file */
#define MAX_LIST_DEPTH 8             /* List in a List ... */
#define MAX_DIR_DEPTH 16

static void seterr(char *err, size_t errsz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

/* Appends obj (borrowed) to out, expanding Lists. */
static int collect(json_t *out, json_t *obj, const char *src, int depth, char *err, size_t errsz)
{
	if (!json_is_object(obj)) {
		seterr(err, errsz, "%s: a document is not an object", src);
		return -1;
	}
	enum iw_kind kind;
	enum iw_api api;
	iw_object_type(obj, &kind, &api);
	if (kind == IW_KIND_LIST) {
		if (depth >= MAX_LIST_DEPTH) {
			seterr(err, errsz, "%s: Lists nested deeper than %d", src, MAX_LIST_DEPTH);
			return -1;
		}
		json_t *items = json_object_get(obj, "items");
		size_t i;
		json_t *it;
		if (items && !json_is_array(items) && !json_is_null(items)) {
			seterr(err, errsz, "%s: List items is not an array", src);
			return -1;
		}
		json_array_foreach(items, i, it)
			if (collect(out, it, src, depth + 1, err, errsz) < 0)
				return -1;
		return 0;
	}
	return json_array_append(out, obj) == 0 ? 0 : (seterr(err, errsz, "out of memory"), -1);
}

/* Every document of the buffer (YAML or JSON, through load/yamldoc); a
 * top-level array is a list of objects. */
static int load_buffer(json_t *out, const char *buf, size_t len, const char *src, char *err,
                       size_t errsz)
{
	char yerr[512] = "";
	json_t *docs;
	if (yd_load_all(buf, len, YD_AUTO, NULL, &docs, yerr, sizeof yerr)) {
		seterr(err, errsz, "%s:%s", src, yerr);
		return -1;
	}
	int rc = 0;
	size_t d;
	json_t *doc;
	json_array_foreach(docs, d, doc) {
		if (json_is_array(doc)) {
			size_t i;
			json_t *it;
			json_array_foreach(doc, i, it)
				if ((rc = collect(out, it, src, 0, err, errsz)) < 0)
					break;
		} else {
			rc = collect(out, doc, src, 0, err, errsz);
		}
		if (rc < 0)
			break;
	}
	json_decref(docs);
	return rc;
}

static int read_all(FILE *f, char **buf, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *b = malloc(cap);
	if (!b)
		return -ENOMEM;
	for (;;) {
		if (n == cap) {
			if (cap >= MAX_FILE_BYTES) {
				free(b);
				return -EFBIG;
			}
			cap *= 2;
			char *nb = realloc(b, cap);
			if (!nb) {
				free(b);
				return -ENOMEM;
			}
			b = nb;
		}
		size_t k = fread(b + n, 1, cap - n, f);
		n += k;
		if (k == 0) {
			if (ferror(f)) {
				free(b);
				return -EIO;
			}
			break;
		}
	}
	*buf = b;
	*len = n;
	return 0;
}

static bool manifest_name(const char *n)
{
	size_t l = strlen(n);
	return (l > 5 && !strcmp(n + l - 5, ".yaml")) || (l > 4 && !strcmp(n + l - 4, ".yml")) ||
	       (l > 5 && !strcmp(n + l - 5, ".json"));
}

static int load_path(json_t *out, const char *path, int depth, char *err, size_t errsz)
{
	if (!strcmp(path, "-")) {
		char *buf;
		size_t len;
		int rc = read_all(stdin, &buf, &len);
		if (rc < 0) {
			seterr(err, errsz, "cannot read stdin: %s", strerror(-rc));
			return -1;
		}
		rc = load_buffer(out, buf, len, "<stdin>", err, errsz);
		free(buf);
		return rc;
	}
	struct stat st;
	if (stat(path, &st) < 0) {
		seterr(err, errsz, "cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		if (depth >= MAX_DIR_DEPTH) {
			seterr(err, errsz, "'%s': directories nested deeper than %d", path, MAX_DIR_DEPTH);
			return -1;
		}
		struct dirent **ents;
		int n = scandir(path, &ents, NULL, alphasort);
		if (n < 0) {
			seterr(err, errsz, "cannot read '%s': %s", path, strerror(errno));
			return -1;
		}
		int rc = 0;
		for (int i = 0; i < n; i++) {
			const char *nm = ents[i]->d_name;
			if (rc == 0 && nm[0] != '.') {
				size_t pl = strlen(path) + strlen(nm) + 2;
				char *sub = malloc(pl);
				if (!sub) {
					seterr(err, errsz, "out of memory");
					rc = -1;
				} else {
					snprintf(sub, pl, "%s/%s", path, nm);
					struct stat ss;
					if (stat(sub, &ss) == 0 &&
					    (S_ISDIR(ss.st_mode) || (S_ISREG(ss.st_mode) && manifest_name(nm))))
						rc = load_path(out, sub, depth + 1, err, errsz);
					free(sub);
				}
			}
			free(ents[i]);
		}
		free(ents);
		return rc;
	}
	FILE *f = fopen(path, "rb");
	if (!f) {
		seterr(err, errsz, "cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	char *buf;
	size_t len;
	int rc = read_all(f, &buf, &len);
	fclose(f);
	if (rc < 0) {
		seterr(err, errsz, "cannot read '%s': %s", path,
		       rc == -EFBIG ? "file larger than 64 MiB" : strerror(-rc));
		return -1;
	}
	rc = load_buffer(out, buf, len, path, err, errsz);
	free(buf);
	return rc;
}

void rtset_free(struct rtset *s)
{
	if (!s)
		return;
	rt_free(s->table);
	for (size_t i = 0; i < s->nings; i++)
		ingress_free(s->ings[i]);
	for (size_t i = 0; i < s->nclasses; i++)
		ingress_class_free(s->classes[i]);
	free(s->ings);
	free(s->classes);
	json_decref(s->objects);
	free(s);
}

struct rtset *rtset_load(char *const *paths, size_t npaths, const char *cls, char *err,
                         size_t errsz)
{
	struct rtset *s = calloc(1, sizeof *s);
	json_t *all = json_array();
	if (!s || !all) {
		free(s);
		json_decref(all);
		seterr(err, errsz, "out of memory");
		return NULL;
	}
	s->objects = all;
	for (size_t i = 0; i < npaths; i++)
		if (load_path(all, paths[i], 0, err, errsz) < 0)
			goto fail;
	size_t n = json_array_size(all);
	s->ings = calloc(n ? n : 1, sizeof *s->ings);
	s->classes = calloc(n ? n : 1, sizeof *s->classes);
	if (!s->ings || !s->classes)
		goto oom;
	size_t i;
	json_t *obj;
	json_array_foreach(all, i, obj) {
		enum iw_kind kind;
		enum iw_api api;
		iw_object_type(obj, &kind, &api);
		struct errlist el = { 0 };
		if (kind == IW_KIND_INGRESS) {
			struct ingress *ing;
			if (ingress_parse(obj, 0, &el, &ing) == IW_ENOMEM) {
				errlist_release(&el);
				goto oom;
			}
			if (ing)
				s->ings[s->nings++] = ing;
		} else if (kind == IW_KIND_INGRESSCLASS) {
			struct ingress_class *ic;
			if (ingress_class_parse(obj, 0, &el, &ic) == IW_ENOMEM) {
				errlist_release(&el);
				goto oom;
			}
			if (ic)
				s->classes[s->nclasses++] = ic;
		} else {
			s->ignored++;
		}
		if (el.n) {
			s->decode_errors++;
			const char *nm = json_string_value(json_object_get(json_object_get(obj, "metadata"),
			                                                   "name"));
			char *m = fe_string(&el.v[0]);
			fprintf(stderr, "ingress-warden: warning: %s: %s%s\n", nm ? nm : "(no name)",
			        m ? m : "decode error", el.n > 1 ? " (and more)" : "");
			free(m);
		}
		errlist_release(&el);
	}
	struct rt_input in = {
		.ingresses = (const struct ingress *const *)s->ings, .ningresses = s->nings,
		.classes = (const struct ingress_class *const *)s->classes, .nclasses = s->nclasses,
		.ingress_class = cls,
	};
	s->table = rt_build(&in);
	if (!s->table)
		goto oom;
	return s;
oom:
	seterr(err, errsz, "out of memory");
fail:
	rtset_free(s);
	return NULL;
}
