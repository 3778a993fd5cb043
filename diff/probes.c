/*
 * The requests diff decides (see diff.h): from both sides' boundaries.
 *
 * Every rule of both sides gives an item (host pattern, path type and value,
 * and for an HTTPRoute match its method, headers and query parameters).
 * Each host pattern gives concrete hosts (an exact name; a wildcard as one
 * label, two labels and its bare suffix; no host as an unknown name), and
 * each concrete host is probed with the paths of every item whose pattern
 * takes it (its own, the wildcards above it, the host-less ones), each path
 * with its neighbours.  Probes are deduplicated.
 */
#include "diff/probes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { T_EXACT = 0, T_PREFIX, T_STRING, T_REGEX };

struct item {
	const char *host;               /* "" any, "*.s", or a name (lower case) */
	int type;
	const char *path;
	const struct gw_match *m;       /* HTTPRoute match, or NULL */
};

struct gen {
	struct df_probes *p;
	size_t max;
	int host_kind;                  /* of the host being probed */
	const char *base;               /* the configured path being probed */
	struct item *items;
	size_t n, cap;
	bool slash2f;                   /* a side decodes %2F (ingress-nginx): probe it */
};

/* ---------- memory and dedupe ---------- */

static char *sdup(struct df_probes *p, const char *s, size_t n)
{
	char *d = arena_strndup(&p->mem, s, n);
	if (!d)
		p->err = IW_ENOMEM;
	return d;
}

static uint64_t fnv(uint64_t h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return (h ^ 0xff) * 0x100000001b3ULL;
}

static uint64_t probe_hash(const struct df_probe *q)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	h = fnv(h, q->host);
	h = fnv(h, q->path);
	h = fnv(h, q->method);
	h = fnv(h, q->has_hdr ? q->hdr.name : "");
	h = fnv(h, q->has_hdr ? q->hdr.value : "");
	h = fnv(h, q->has_q ? q->q.name : "");
	return fnv(h, q->has_q ? q->q.value : "");
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static bool probe_eq(const struct df_probe *a, const struct df_probe *b)
{
	return same(a->host, b->host) && same(a->path, b->path) && same(a->method, b->method) &&
	       a->has_hdr == b->has_hdr && a->has_q == b->has_q &&
	       (!a->has_hdr || (same(a->hdr.name, b->hdr.name) && same(a->hdr.value, b->hdr.value))) &&
	       (!a->has_q || (same(a->q.name, b->q.name) && same(a->q.value, b->q.value)));
}

static bool rehash(struct df_probes *p)
{
	size_t ns = p->nslots ? 2 * p->nslots : 1024;
	uint32_t *slots = calloc(ns, sizeof *slots);
	if (!slots)
		return false;
	for (size_t i = 0; i < p->n; i++) {
		size_t s = p->hashes[i] & (ns - 1);
		while (slots[s])
			s = (s + 1) & (ns - 1);
		slots[s] = (uint32_t)(i + 1);
	}
	free(p->slots);
	p->slots = slots;
	p->nslots = ns;
	return true;
}

/* Adds the probe unless it is there; strings must already be owned. */
static void add(struct gen *g, const struct df_probe *q)
{
	struct df_probes *p = g->p;
	if (p->err || !q->host || !q->path)
		return;
	if (p->n >= g->max) {
		p->truncated = true;
		return;
	}
	if ((p->n + 1) * 2 > p->nslots && !rehash(p)) {
		p->err = IW_ENOMEM;
		return;
	}
	uint64_t h = probe_hash(q);
	size_t s = h & (p->nslots - 1);
	while (p->slots[s]) {
		size_t i = p->slots[s] - 1;
		if (p->hashes[i] == h && probe_eq(&p->v[i], q))
			return;
		s = (s + 1) & (p->nslots - 1);
	}
	if (p->n == p->cap) {
		size_t nc = p->cap ? 2 * p->cap : 1024;
		struct df_probe *v = realloc(p->v, nc * sizeof *v);
		uint64_t *hs = realloc(p->hashes, nc * sizeof *hs);
		if (v)
			p->v = v;
		if (hs)
			p->hashes = hs;
		if (!v || !hs) {
			p->err = IW_ENOMEM;
			return;
		}
		p->cap = nc;
	}
	p->v[p->n] = *q;
	p->hashes[p->n] = h;
	p->slots[s] = (uint32_t)(p->n + 1);
	p->n++;
}

/* ---------- items of the two sides ---------- */

static void item(struct gen *g, const char *host, int type, const char *path,
                 const struct gw_match *m)
{
	if (g->p->err)
		return;
	if (g->n == g->cap) {
		size_t nc = g->cap ? 2 * g->cap : 256;
		struct item *v = realloc(g->items, nc * sizeof *v);
		if (!v) {
			g->p->err = IW_ENOMEM;
			return;
		}
		g->items = v;
		g->cap = nc;
	}
	/* host patterns compare in lower case */
	size_t hl = strlen(host);
	char *h = sdup(g->p, host, hl);
	for (size_t i = 0; h && i < hl; i++)
		if (h[i] >= 'A' && h[i] <= 'Z')
			h[i] += 32;
	if (h)
		g->items[g->n++] = (struct item){ h, type, *path ? path : "/", m };
}

static void ingress_items(struct gen *g, const struct df_side *s)
{
	for (size_t i = 0; i < s->nings; i++) {
		const struct ingress *ing = s->ings[i];
		if (ing->has_default_backend)
			item(g, "", T_PREFIX, "/", NULL);
		for (size_t r = 0; r < ing->nrules; r++) {
			const struct iw_rule *ru = &ing->rules[r];
			if (!ru->npaths)
				item(g, ru->host, T_PREFIX, "/", NULL);
			for (size_t k = 0; k < ru->npaths; k++) {
				const struct iw_path *pa = &ru->paths[k];
				const char *t = iw_nz(pa->path_type);
				int type = !strcmp(t, "Exact") ? T_EXACT : !strcmp(t, "Prefix") ? T_PREFIX : T_STRING;
				item(g, ru->host, type, pa->path, NULL);
			}
		}
	}
}

static void gateway_items(struct gen *g, const struct df_side *s)
{
	const struct gw_input *in = &s->gw;
	for (size_t i = 0; i < in->ngateways; i++)
		for (size_t l = 0; l < in->gateways[i]->nlisteners; l++)
			if (in->gateways[i]->listeners[l].hostname)
				item(g, in->gateways[i]->listeners[l].hostname, T_PREFIX, "/", NULL);
	for (size_t i = 0; i < in->nroutes; i++) {
		const struct httproute *r = in->routes[i];
		size_t nh = r->nhostnames ? r->nhostnames : 1;
		for (size_t h = 0; h < nh; h++) {
			const char *host = r->nhostnames ? r->hostnames[h] : "";
			for (size_t k = 0; k < r->nrules; k++)
				for (size_t j = 0; j < r->rules[k].nmatches; j++) {
					const struct gw_match *m = &r->rules[k].matches[j];
					int type = m->path_type == GW_PATH_EXACT ? T_EXACT
					         : m->path_type == GW_PATH_REGEX ? T_REGEX : T_PREFIX;
					item(g, host, type, m->path, m);
				}
		}
	}
}

static int item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	int r = strcmp(x->host, y->host);
	if (r)
		return r;
	r = strcmp(x->path, y->path);
	return r ? r : x->type - y->type;
}

/* ---------- probes of one host ---------- */

static void probe(struct gen *g, const char *host, const char *path, size_t plen, int kind,
                  const char *note)
{
	char *p = sdup(g->p, path, plen);
	struct df_probe q = { host, p, "GET", { NULL, NULL }, { NULL, NULL }, false, false, kind,
	                      g->host_kind, g->base, note };
	add(g, &q);
}

static bool is_meta(char c)
{
	return strchr(".[]()*+?{}|^$\\", c) != NULL;
}

/* The neighbours of one path on one host. */
static void path_probes(struct gen *g, const char *host, const struct item *it, bool variants)
{
	const char *v = it->path;
	size_t n = strlen(v);
	char buf[RT_MAX_PATH + 16];
	if (n > RT_MAX_PATH)
		return;
	g->base = it->type == T_REGEX ? NULL : v;
	if (it->type == T_REGEX) {
		/* the literal start of the pattern, then one character more */
		size_t k = 0;
		while (k < n && !is_meta(v[k]))
			k++;
		memcpy(buf, v, k);
		probe(g, host, k ? buf : "/", k ? k : 1, PK_REGEX, "the literal start of a RegularExpression");
		buf[k] = '1';
		probe(g, host, buf, k + 1, PK_REGEX, "a RegularExpression's literal start and a digit");
		buf[k] = 'x';
		memcpy(buf + k + 1, "/y", 2);
		probe(g, host, buf, k + 3, PK_REGEX, "a RegularExpression's literal start and more");
		return;
	}
	probe(g, host, v, n, PK_PATH, "a configured path");
	if (!variants)
		return;
	bool slash = n > 0 && v[n - 1] == '/';
	if (slash && n > 1) {
		probe(g, host, v, n - 1, PK_SLASH, "the path without its trailing slash");
	} else if (!slash) {
		memcpy(buf, v, n);
		buf[n] = '/';
		probe(g, host, buf, n + 1, PK_SLASH, "the path with a trailing slash");
	}
	size_t base = slash ? n - 1 : n;
	memcpy(buf, v, base);
	memcpy(buf + base, "/x", 2);
	probe(g, host, buf, base + 2, PK_SUBPATH, "a path below");
	if (base > 1) {
		memcpy(buf, v, base);
		buf[base] = 'x';
		probe(g, host, buf, base + 1, PK_SIBLING, "a sibling with the same string prefix");
		size_t k = base;
		while (k > 0 && v[k - 1] != '/')
			k--;
		if (k > 1)
			probe(g, host, v, k - 1, PK_PARENT, "the parent path");
	}
	bool letters = false;
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		buf[i] = c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
		letters |= buf[i] != c;
	}
	if (letters)
		probe(g, host, buf, n, PK_CASE, "the path in upper case");
	for (size_t i = 1; i < n; i++) {
		char c = v[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
			size_t k = (size_t)snprintf(buf, sizeof buf, "%.*s%%%02X%s", (int)i, v,
			                            (unsigned)(unsigned char)c, v + i + 1);
			probe(g, host, buf, k, PK_PCT, "a letter of the path percent-encoded");
			break;
		}
	}
	/* nginx decodes every %XX before it reads the path's structure; Gateway API
	 * implementations and the specification keep %2F as data */
	for (size_t i = base; g->slash2f && i-- > 1;)
		if (v[i] == '/') {
			size_t k = (size_t)snprintf(buf, sizeof buf, "%.*s%%2F%s", (int)i, v, v + i + 1);
			probe(g, host, buf, k, PK_PCT, "a '/' of the path written %2F");
			break;
		}
	/* the method, header and query conditions of an HTTPRoute match */
	const struct gw_match *m = it->m;
	if (!m)
		return;
	char *p = sdup(g->p, v, n);
	if (m->method) {
		struct df_probe q = { host, p, m->method, { 0 }, { 0 }, false, false, PK_METHOD,
		                      g->host_kind, g->base, "a method an HTTPRoute match tests" };
		add(g, &q);
	}
	for (size_t i = 0; i < m->nheaders && i < 1; i++)
		if (m->headers[i].type == GW_VALUE_EXACT) {
			struct df_probe q = { host, p, m->method ? m->method : "GET",
			                      { m->headers[i].name, m->headers[i].value }, { 0 }, true, false,
			                      PK_HEADER, g->host_kind, g->base,
			                      "a header an HTTPRoute match tests" };
			add(g, &q);
		}
	for (size_t i = 0; i < m->nquery && i < 1; i++)
		if (m->query[i].type == GW_VALUE_EXACT) {
			struct df_probe q = { host, p, m->method ? m->method : "GET", { 0 },
			                      { m->query[i].name, m->query[i].value }, false, true, PK_QUERY,
			                      g->host_kind, g->base,
			                      "a query parameter an HTTPRoute match tests" };
			add(g, &q);
		}
}

/* [lo, hi) of the items whose host pattern is exactly 'h' */
static void host_range(const struct gen *g, const char *h, size_t *lo, size_t *hi)
{
	size_t a = 0, b = g->n;
	while (a < b) {
		size_t mid = a + (b - a) / 2;
		if (strcmp(g->items[mid].host, h) < 0)
			a = mid + 1;
		else
			b = mid;
	}
	*lo = a;
	while (b < g->n && !strcmp(g->items[b].host, h))
		b++;
	*hi = b < a ? a : b;
}

#define HOSTLESS_MAX 256   /* host-less paths probed on each named host */

/* Every probe of one concrete host: the paths of every pattern that takes it. */
static void host_probes(struct gen *g, const char *host, int kind)
{
	char pat[RT_MAX_HOST + 3];
	if (!host)
		return;
	g->host_kind = kind;
	size_t hl = strlen(host), lo, hi;
	host_range(g, host, &lo, &hi);
	for (size_t i = lo; i < hi; i++)
		path_probes(g, host, &g->items[i], true);
	for (size_t k = 0; k < hl; k++) {   /* the wildcards above it, any depth */
		if (host[k] != '.' || k == 0)
			continue;
		snprintf(pat, sizeof pat, "*%s", host + k);
		host_range(g, pat, &lo, &hi);
		for (size_t i = lo; i < hi; i++)
			path_probes(g, host, &g->items[i], true);
	}
	host_range(g, "", &lo, &hi);
	for (size_t i = lo; i < hi && i < lo + HOSTLESS_MAX; i++)
		path_probes(g, host, &g->items[i], false);
	g->base = NULL;
	probe(g, host, "/iw-no-such-path", 16, PK_UNKNOWN_PATH, "a path no rule names");
}

enum iw_err df_probes_generate(const struct df_side *a, const struct df_side *b, size_t max,
                               struct df_probes *p)
{
	p->mem = (struct arena)ARENA_INIT(256 * 1024, 16 * 1024);
	struct gen g = { p, max ? max : DF_MAX_PROBES, PK_PATH, NULL, NULL, 0, 0, false };
	const struct df_side *sides[2] = { a, b };
	for (int s = 0; s < 2; s++)
		g.slash2f |= sides[s]->kind == DF_INGRESS &&
		             sides[s]->ingress_profile == IW_PROFILE_INGRESS_NGINX;
	for (int s = 0; s < 2; s++) {
		if (sides[s]->kind == DF_INGRESS)
			ingress_items(&g, sides[s]);
		else
			gateway_items(&g, sides[s]);
	}
	if (!p->err && g.n > 1)
		qsort(g.items, g.n, sizeof *g.items, item_cmp);
	/* each host pattern once */
	for (size_t i = 0; i < g.n && !p->err && !p->truncated; i++) {
		if (i && !strcmp(g.items[i].host, g.items[i - 1].host))
			continue;
		const char *h = g.items[i].host;
		size_t hl = strlen(h);
		char buf[RT_MAX_HOST + 16];
		if (hl > RT_MAX_HOST)
			continue;
		if (!*h) {
			host_probes(&g, sdup(p, "no-such-host.invalid", 20), PK_UNKNOWN_HOST);
		} else if (h[0] == '*' && h[1] == '.') {
			snprintf(buf, sizeof buf, "x%s", h + 1);
			host_probes(&g, sdup(p, buf, strlen(buf)), PK_WILD_ONE);
			snprintf(buf, sizeof buf, "y.x%s", h + 1);
			host_probes(&g, sdup(p, buf, strlen(buf)), PK_WILD_DEEP);
			host_probes(&g, sdup(p, h + 2, hl - 2), PK_WILD_BARE);
		} else {
			host_probes(&g, h, PK_PATH);
			for (size_t k = 0; k < hl; k++)
				buf[k] = h[k] >= 'a' && h[k] <= 'z' ? (char)(h[k] - 32) : h[k];
			buf[hl] = '\0';
			g.host_kind = PK_HOST_CASE;
			g.base = NULL;
			probe(&g, sdup(p, buf, hl), "/", 1, PK_PATH, "the host in upper case");
		}
	}
	/* a host nobody names, for the default backends and 404s */
	if (!p->err)
		host_probes(&g, sdup(p, "no-such-host.invalid", 20), PK_UNKNOWN_HOST);
	free(g.items);
	return p->err;
}

void df_probes_release(struct df_probes *p)
{
	free(p->v);
	free(p->hashes);
	free(p->slots);
	arena_release(&p->mem);
	memset(p, 0, sizeof *p);
}
