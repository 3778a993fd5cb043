/* Probe generation for conformance runs (see probes.h). */
#include "router/probes.h"

#include "base/map.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>   /* snprintf only */
#include <stdlib.h>
#include <string.h>

#define UNMATCHED_PATH "/ingress-warden-probe-unmatched"
#define UNRELATED_HOST "unrelated.ingress-warden.invalid"

void rt_probes_release(struct rt_probes *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].host);
		free(p->v[i].path);
		free(p->v[i].note);
	}
	free(p->v);
	memset(p, 0, sizeof *p);
}

static char *dupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *dupf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *s = malloc((size_t)n + 1);
	if (!s)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* Deduplication: the probes' hash (host and path) -> probe index, in the
 * one map index of base/map.h; the keys are the probes themselves. */
static uint64_t probe_hash(const char *host, const char *path)
{
	return map_hash(host, strlen(host)) ^ (map_hash(path, strlen(path)) * 0x9e3779b97f4a7c15ull);
}

/* Records p's failure (sticky); frees what the probe would have owned. */
static void fail(struct rt_probes *p, enum iw_err e, char *note)
{
	if (!p->err)
		p->err = e;
	free(note);
}

static void add(struct rt_probes *p, struct map_index *s, const char *host, const char *path,
                char *note)
{
	if (p->err || !note) {
		fail(p, IW_ENOMEM, note);
		return;
	}
	if (p->n >= RT_PROBES_MAX) {
		p->truncated = true;
		free(note);
		return;
	}
	uint64_t h = probe_hash(host, path);
	struct map_it it;
	uint32_t k;
	for (bool ok = map_index_first(s, h, &it, &k); ok; ok = map_index_next(s, &it, &k))
		if (!strcmp(p->v[k].host, host) && !strcmp(p->v[k].path, path)) {
			free(note);
			return;
		}
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct rt_probe *nv = realloc(p->v, cap * sizeof *nv);
		if (!nv) {
			fail(p, IW_ENOMEM, note);
			return;
		}
		p->v = nv;
		p->cap = cap;
	}
	struct rt_probe *pr = &p->v[p->n];
	pr->host = strdup(host);
	pr->path = strdup(path);
	pr->note = note;
	if (!pr->host || !pr->path || map_index_put(s, h, (uint32_t)p->n)) {
		free(pr->host);
		free(pr->path);
		fail(p, IW_ENOMEM, note);
		return;
	}
	p->n++;
}

/* The host a probe of group (kind, host) uses: "*.foo.com" -> "probe.foo.com". */
static char *probe_host(enum rt_group_kind kind, const char *host)
{
	if (kind == RT_G_WILDCARD)
		return dupf("probe%s", host + 1);
	return strdup(host);
}

static bool regex_meta(char c)
{
	return c && strchr("^$.[]()*+?{}|\\", c) != NULL;
}

/* RT_PROBE_* variants of one path */
static void variant_probes(struct rt_probes *p, struct map_index *s, const char *h,
                           const char *tn, const char *pa, unsigned flags)
{
	size_t n = strlen(pa);
	if (n < 2 || pa[0] != '/')
		return;
	if (flags & RT_PROBE_CASE) {
		char *up = strdup(pa), *sw = strdup(pa);
		if (!up || !sw) {
			fail(p, IW_ENOMEM, NULL);
		} else {
			bool swapped = false;
			for (char *c = up; *c; c++)
				if (*c >= 'a' && *c <= 'z')
					*c = (char)(*c - 'a' + 'A');
			for (char *c = sw; *c && !swapped; c++)
				if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')) {
					*c = (char)(*c ^ 0x20);
					swapped = true;
				}
			if (strcmp(up, pa))
				add(p, s, h, up, dupf("%s %s in upper case", tn, pa));
			if (swapped)
				add(p, s, h, sw, dupf("%s %s with one letter's case changed", tn, pa));
		}
		free(up);
		free(sw);
	}
	if (flags & RT_PROBE_ENCODING) {
		const char *ls = strrchr(pa + 1, '/');
		const char *letter = pa + 1;
		while (*letter && !((*letter >= 'a' && *letter <= 'z') || (*letter >= 'A' && *letter <= 'Z')))
			letter++;
		char *v[4] = {
			ls && ls[1] ? dupf("%.*s%%2F%s", (int)(ls - pa), pa, ls + 1)
			            : pa[n - 1] != '/' ? dupf("%s%%2Fsub", pa) : NULL,
			*letter ? dupf("%.*s%%%02X%s", (int)(letter - pa), pa, (unsigned char)*letter,
			               letter + 1) : NULL,
			dupf("/%s", pa),
			dupf("/.%s", pa),
		};
		static const char *const what[4] = {
			"a '/' written %2F", "a letter percent-encoded",
			"a doubled leading slash", "a \"/./\" segment",
		};
		for (int i = 0; i < 4; i++)
			if (v[i])
				add(p, s, h, v[i], dupf("%s %s with %s", tn, pa, what[i]));
		for (int i = 0; i < 4; i++)
			free(v[i]);
	}
	if (flags & RT_PROBE_REGEX) {
		size_t lit = 0;
		while (lit < n && !regex_meta(pa[lit]))
			lit++;
		if (lit == n)
			return;
		static const char *const tails[5] = { "", "abc", "ABC", "123", "/x" };
		for (int i = 0; i < 5; i++) {
			char *v = dupf("%.*s%s", (int)lit, pa, tails[i]);
			if (v && *v == '/')
				add(p, s, h, v, dupf("%s %s: its literal prefix%s%s", tn, pa,
				                     *tails[i] ? " + " : "", tails[i]));
			else if (!v)
				fail(p, IW_ENOMEM, NULL);
			free(v);
		}
	}
}

static void path_probes(struct rt_probes *p, struct map_index *s, const char *h, const struct rt_entry *e)
{
	const char *tn = rt_path_type_name(e->path_type);
	const char *pa = e->path;
	size_t n = strlen(pa);
	/* q: the path without its trailing '/' */
	size_t q = n > 0 && pa[n - 1] == '/' ? n - 1 : n;
	add(p, s, h, *pa ? pa : "/", dupf("%s %s itself", tn, pa));
	char *toggled = q < n ? (q ? dupf("%.*s", (int)q, pa) : NULL) : n ? dupf("%s/", pa) : NULL;
	if (toggled)
		add(p, s, h, toggled, q < n ? dupf("%s %s without its trailing slash", tn, pa)
		                            : dupf("%s %s with a trailing slash", tn, pa));
	free(toggled);
	char *sub = dupf("%.*s/sub", (int)q, pa);
	char *sib = q ? dupf("%.*sx", (int)q, pa) : NULL;
	char *parent = NULL;
	if (q) {
		const char *ls = pa + q;
		while (ls > pa && ls[-1] != '/')
			ls--;
		/* ls points after the last '/' before the last element */
		size_t pl = (size_t)(ls - pa);
		parent = pl > 1 ? dupf("%.*s", (int)(pl - 1), pa) : strdup("/");
	}
	if (sub)
		add(p, s, h, sub, dupf("%s %s: a sub-path", tn, pa));
	if (sib)
		add(p, s, h, sib, dupf("%s %s: a sibling with the same string prefix", tn, pa));
	if (parent)
		add(p, s, h, parent, dupf("%s %s: the parent", tn, pa));
	if (!sub || (q && (!sib || !parent)))
		fail(p, IW_ENOMEM, NULL);
	free(sub);
	free(sib);
	free(parent);
}

enum iw_err rt_probes_generate(const struct rt_table *t, struct rt_probes *p)
{
	return rt_probes_generate_ex(t, 0, p);
}

enum iw_err rt_probes_generate_ex(const struct rt_table *t, unsigned flags, struct rt_probes *p)
{
	struct map_index s = { 0 };
	/* the probes already in the list (another table's) are not repeated */
	for (size_t i = 0; i < p->n && !p->err; i++)
		if (map_index_put(&s, probe_hash(p->v[i].host, p->v[i].path), (uint32_t)i))
			fail(p, IW_ENOMEM, NULL);
	for (size_t gi = 0; gi < rt_ngroups(t) && !p->err; gi++) {
		enum rt_group_kind kind;
		const char *host;
		size_t first, n;
		rt_group_get(t, gi, &kind, &host, &first, &n);
		char *h = probe_host(kind, host);
		if (!h) {
			fail(p, IW_ENOMEM, NULL);
			break;
		}
		for (size_t i = first; i < first + n && !p->err; i++) {
			struct rt_entry e;
			rt_entry_get(t, i, &e);
			path_probes(p, &s, h, &e);
			if (flags)
				variant_probes(p, &s, h, rt_path_type_name(e.path_type), e.path, flags);
		}
		/* the first path of the host, with variants of the host */
		const char *fp = "/";
		if (n) {
			struct rt_entry e;
			rt_entry_get(t, first, &e);
			fp = *e.path ? e.path : "/";
		}
		add(p, &s, h, UNMATCHED_PATH, dupf("host %s: a path no rule matches", host));
		if (kind != RT_G_HOSTLESS) {
			char *up = strdup(h);
			if (up)
				for (char *c = up; *c; c++)
					if (*c >= 'a' && *c <= 'z')
						*c = (char)(*c - 'a' + 'A');
			char *port = dupf("%s:8080", h), *dot = dupf("%s.", h);
			if (up)
				add(p, &s, up, fp, dupf("host %s in upper case", host));
			if (port)
				add(p, &s, port, fp, dupf("host %s with a port", host));
			if (dot)
				add(p, &s, dot, fp, dupf("host %s with a trailing dot", host));
			if (!up || !port || !dot)
				fail(p, IW_ENOMEM, NULL);
			free(up);
			free(port);
			free(dot);
		}
		if (kind == RT_G_WILDCARD) {
			char *deep = dupf("a.%s", h);
			if (deep)
				add(p, &s, deep, fp, dupf("wildcard %s: one label too many", host));
			else
				fail(p, IW_ENOMEM, NULL);
			free(deep);
			add(p, &s, host + 2, fp, dupf("wildcard %s: the bare suffix", host));
		}
		free(h);
	}
	add(p, &s, UNRELATED_HOST, "/", dupf("an unrelated host"));
	add(p, &s, UNRELATED_HOST, UNMATCHED_PATH, dupf("an unrelated host, unmatched path"));
	map_index_release(&s);
	return p->err;
}
