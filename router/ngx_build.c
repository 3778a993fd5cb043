/*
 * The ingress-nginx emulation, build side (router/ngx.h): what the
 * controller writes into nginx.conf for a set of Ingresses, and what nginx
 * makes of it.  SEMANTICS-ingress-nginx.md sections are cited as "sec. N",
 * the controller's sources as in that document (ctl = controller.go,
 * loc = location.go, tg = template.go, tmpl = nginx.tmpl).
 */
#include <stdio.h>   /* snprintf only */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "profile/ingress_nginx.h"
#include "profile/profile.h"
#include "router/ngx.h"


/* ---- a small string map: (server, bytes) -> uint32, open addressing ------- */

struct smap_ent {
	uint64_t h;                 /* 0: empty */
	uint32_t sid;
	const char *k;
	size_t kl;
	uint32_t v;
};
struct smap {
	struct smap_ent *e;
	size_t mask;
};

static uint64_t hash_key(uint32_t sid, const char *k, size_t kl)
{
	uint64_t h = 0xCBF29CE484222325ULL ^ sid;
	for (size_t i = 0; i < kl; i++)
		h = (h ^ (unsigned char)k[i]) * 0x100000001B3ULL;
	h ^= h >> 29;
	return h ? h : 1;
}

static bool smap_init(struct smap *m, size_t n)
{
	size_t cap = 16;
	while (cap < 2 * n + 2)
		cap *= 2;
	m->e = calloc(cap, sizeof *m->e);
	m->mask = cap - 1;
	return m->e != NULL;
}

/* The slot of the key: its entry, or the empty slot where it belongs. */
static struct smap_ent *smap_slot(const struct smap *m, uint32_t sid, const char *k, size_t kl)
{
	uint64_t h = hash_key(sid, k, kl);
	for (size_t i = h & m->mask;; i = (i + 1) & m->mask) {
		struct smap_ent *e = &m->e[i];
		if (!e->h || (e->h == h && e->sid == sid && e->kl == kl && !memcmp(e->k, k, kl)))
			return e;
	}
}

static uint32_t smap_get(const struct smap *m, uint32_t sid, const char *k, size_t kl)
{
	struct smap_ent *e = smap_slot(m, sid, k, kl);
	return e->h ? e->v : NGX_NONE;
}

/* Sets the value (the map was sized for every key it gets). */
static void smap_put(struct smap *m, uint32_t sid, const char *k, size_t kl, uint32_t v)
{
	struct smap_ent *e = smap_slot(m, sid, k, kl);
	e->h = hash_key(sid, k, kl);
	e->sid = sid;
	e->k = k;
	e->kl = kl;
	e->v = v;
}

/* ---- the build state ------------------------------------------------------- */

struct vec {                    /* a growable list of uint32 (location indexes) */
	uint32_t *v;
	size_t n, cap;
};

struct st {
	struct ngx_table *x;
	const struct rt_input *in;
	struct ngx_loc *locs;       /* every location, malloc'd, grows */
	size_t nlocs, loc_cap;
	struct vec *srv_locs;       /* per server (build index): locations in insertion order */
	const char **srv_host;      /* per server (build index) */
	uint32_t *srv_creator;
	size_t nsrv;
	struct smap servers;        /* host -> build index */
	struct smap upstreams;      /* upstream name -> index */
	struct smap first_loc;      /* (server, path) -> first location with that path */
	int err;
};

static void *take(struct st *s, size_t n)
{
	if (n == 0)
		n = 1;
	void *p = arena_alloc(&s->x->mem, (n + 15) & ~(size_t)15);
	if (!p)
		s->err = IW_ENOMEM;
	return p;
}

static char *take_str(struct st *s, const char *a, size_t al, const char *b, size_t bl)
{
	char *p = take(s, al + bl + 1);
	if (!p)
		return NULL;
	memcpy(p, a, al);
	memcpy(p + al, b, bl);
	p[al + bl] = '\0';
	return p;
}

static bool vec_push(struct st *s, struct vec *v, uint32_t x)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		uint32_t *nv = realloc(v->v, cap * sizeof *nv);
		if (!nv) {
			s->err = IW_ENOMEM;
			return false;
		}
		v->v = nv;
		v->cap = cap;
	}
	v->v[v->n++] = x;
	return true;
}

static uint32_t new_loc(struct st *s)
{
	if (s->nlocs == s->loc_cap) {
		size_t cap = s->loc_cap ? s->loc_cap * 2 : 64;
		struct ngx_loc *nl = realloc(s->locs, cap * sizeof *nl);
		if (!nl) {
			s->err = IW_ENOMEM;
			return NGX_NONE;
		}
		s->locs = nl;
		s->loc_cap = cap;
	}
	struct ngx_loc *l = &s->locs[s->nlocs];
	memset(l, 0, sizeof *l);
	l->ing = l->ann = l->rule = l->pidx = l->ups = l->taken_by = NGX_NONE;
	return (uint32_t)s->nlocs++;
}

/* ---- sec. 2, 4: paths and upstreams ------------------------------------------- */

/* store:936-944, internal/k8s/main.go:165-185: "" is "/"; no pathType or
 * ImplementationSpecific is Prefix. */
static enum ngx_ltype path_type(const struct iw_path *p, const char **other, bool *defaulted)
{
	const char *t = p->path_type;
	*other = NULL;
	*defaulted = !t || !strcmp(t, "ImplementationSpecific");
	if (*defaulted || !strcmp(t, "Prefix"))
		return NGX_T_PREFIX;
	if (!strcmp(t, "Exact"))
		return NGX_T_EXACT;
	*other = t;
	return NGX_T_OTHER;
}

static const char *ing_path(const struct iw_path *p)
{
	return p->path && *p->path ? p->path : "/";
}

/* util.go:50 upstreamName: "<namespace>-<service>-<port number or name>" */
static uint32_t upstream(struct st *s, uint32_t r, const struct iw_backend *be, bool *created)
{
	const struct ngx_ing *n = &s->x->ings[r];
	const struct iw_service_backend *sv = &be->service;
	char port[32];
	const char *pp = port;
	if (sv->port_number > 0)
		snprintf(port, sizeof port, "-%lld", sv->port_number);
	else if (sv->port_name && *sv->port_name)
		pp = NULL;
	else
		snprintf(port, sizeof port, "-INVALID");
	size_t nl = strlen(n->ns), sl = strlen(iw_nz(sv->name));
	size_t pl = pp ? strlen(pp) : strlen(sv->port_name) + 1;
	char *name = take(s, nl + sl + pl + 3);
	if (!name)
		return NGX_NONE;
	if (pp && !strcmp(pp, "-INVALID"))
		snprintf(name, nl + sl + pl + 3, "%s-INVALID", n->ns);
	else
		snprintf(name, nl + sl + pl + 3, "%s-%s%s%s", n->ns, iw_nz(sv->name), pp ? "" : "-",
		         pp ? pp : sv->port_name);
	uint32_t u = smap_get(&s->upstreams, 0, name, strlen(name));
	*created = u == NGX_NONE;
	if (u == NGX_NONE) {
		u = (uint32_t)s->x->nups++;
		smap_put(&s->upstreams, 0, name, strlen(name), u);
		s->x->ups[u].name = name;
	}
	return u;
}

/* ctl:1020-1161 createUpstreams.  path_ups[r][flat path] and dflt_ups[r]. */
static void create_upstreams(struct st *s, uint32_t **path_ups, uint32_t *dflt_ups)
{
	struct ngx_table *x = s->x;
	for (uint32_t r = 0; r < x->nings && !s->err; r++) {
		const struct ngx_ing *n = &x->ings[r];
		const struct ingress *ing = n->ing;
		bool created;
		dflt_ups[r] = NGX_NONE;
		if (ing->has_default_backend && ing->default_backend.has_service) {
			/* every Ingress naming a defaultBackend (re)creates its upstream */
			uint32_t u = upstream(s, r, &ing->default_backend, &created);
			if (u == NGX_NONE)
				return;
			struct ngx_ups *up = &x->ups[u];
			up->no_server = n->canary;
			up->creator = r;
			up->backend = &ing->default_backend;
			up->creator_default = true;
			up->alt = NGX_NONE;
			up->deleted = false;
			dflt_ups[r] = u;
		}
		size_t k = 0;
		for (size_t j = 0; j < ing->nrules; j++) {
			const struct iw_rule *ru = &ing->rules[j];
			for (size_t p = 0; ru->has_http && p < ru->npaths; p++, k++) {
				path_ups[r][k] = NGX_NONE;
				if (!ru->paths[p].backend.has_service)
					continue;   /* resource backends make no upstream */
				uint32_t u = upstream(s, r, &ru->paths[p].backend, &created);
				if (u == NGX_NONE)
					return;
				path_ups[r][k] = u;
				if (!created)
					continue;
				struct ngx_ups *up = &x->ups[u];
				up->no_server = n->canary;
				up->creator = r;
				up->backend = &ru->paths[p].backend;
				up->creator_default = false;
				up->alt = NGX_NONE;
				up->deleted = false;
			}
		}
	}
}

/* ---- sec. 5: servers ---------------------------------------------------------- */

static uint32_t add_server(struct st *s, const char *host, uint32_t creator)
{
	uint32_t sid = (uint32_t)s->nsrv++;
	s->srv_host[sid] = host;
	s->srv_creator[sid] = creator;
	smap_put(&s->servers, 0, host, strlen(host), sid);
	return sid;
}

static uint32_t add_root(struct st *s, uint32_t sid)
{
	uint32_t li = new_loc(s);
	if (li == NGX_NONE)
		return li;
	struct ngx_loc *l = &s->locs[li];
	l->kind = NGX_L_ROOT;
	l->path = l->ing_path = "/";
	l->plen = 1;
	l->type = NGX_T_PREFIX;
	l->order = (uint32_t)s->srv_locs[sid].n;
	vec_push(s, &s->srv_locs[sid], li);
	smap_put(&s->first_loc, sid, "/", 1, li);
	return li;
}

/* ctl:1269-1532 createServers */
static void create_servers(struct st *s, const uint32_t *dflt_ups)
{
	struct ngx_table *x = s->x;
	uint32_t any = add_server(s, "_", NGX_NONE);
	uint32_t catchall = add_root(s, any);
	if (catchall == NGX_NONE)
		return;
	bool catchall_taken = false;   /* "_"'s root is no longer IsDefBackend */
	for (uint32_t r = 0; r < x->nings && !s->err; r++) {
		const struct ngx_ing *n = &x->ings[r];
		const struct ingress *ing = n->ing;
		if (n->canary)
			continue;   /* ctl:1330-1333 */
		uint32_t un = dflt_ups[r];
		if (un != NGX_NONE && !catchall_taken && ing->nrules == 0) {
			/* ctl:1342-1357: a defaultBackend and no rules: the catch-all;
			 * its rewrite annotations are reset */
			struct ngx_loc *l = &s->locs[catchall];
			l->kind = NGX_L_CATCHALL;
			l->ing = r;
			l->backend = &ing->default_backend;
			l->ups = un;
			catchall_taken = true;
		}
		for (size_t j = 0; j < ing->nrules; j++) {
			const char *h = iw_nz(ing->rules[j].host);
			if (!*h)
				h = "_";
			if (smap_get(&s->servers, 0, h, strlen(h)) != NGX_NONE)
				continue;   /* the oldest Ingress naming the host creates it */
			uint32_t sid = add_server(s, h, r);
			uint32_t li = add_root(s, sid);
			if (li == NGX_NONE)
				return;
			struct ngx_loc *l = &s->locs[li];
			l->ing = l->ann = r;
			l->ups = un;
			l->backend = un != NGX_NONE ? &ing->default_backend : NULL;
		}
	}
}

/* ---- sec. 6: locations ----------------------------------------------------------- */

static bool same_type(const struct ngx_loc *l, enum ngx_ltype t, const char *other)
{
	return l->type == t && (t != NGX_T_OTHER || !strcmp(l->ptype, other));
}

/* ctl:730-990 getBackendServers, the location loop */
static void add_locations(struct st *s, uint32_t *const *path_ups)
{
	struct ngx_table *x = s->x;
	uint32_t any = smap_get(&s->servers, 0, "_", 1);
	for (uint32_t r = 0; r < x->nings && !s->err; r++) {
		const struct ingress *ing = x->ings[r].ing;
		size_t k = 0;
		for (uint32_t j = 0; j < ing->nrules; j++) {
			const struct iw_rule *ru = &ing->rules[j];
			const char *h = iw_nz(ru->host);
			if (!*h)
				h = "_";
			uint32_t sid = smap_get(&s->servers, 0, h, strlen(h));
			if (sid == NGX_NONE)
				sid = any;   /* only canaries: their hosts may have no server */
			for (uint32_t p = 0; ru->has_http && p < ru->npaths; p++, k++) {
				const struct iw_path *pa = &ru->paths[p];
				uint32_t u = path_ups[r][k];
				if (u == NGX_NONE || x->ups[u].no_server)
					continue;   /* resource backend; upstream of a canary */
				const char *other;
				bool defaulted;
				enum ngx_ltype t = path_type(pa, &other, &defaulted);
				const char *path = ing_path(pa);
				size_t plen = strlen(path);
				uint32_t f = smap_get(&s->first_loc, sid, path, plen);
				if (f != NGX_NONE && same_type(&s->locs[f], t, other)) {
					struct ngx_loc *l = &s->locs[f];
					if (l->kind != NGX_L_ROOT)
						continue;   /* "already configured": the older one stays */
					/* the server's root (IsDefBackend) is taken over */
					l->taken_by = r;
				} else {
					f = new_loc(s);
					if (f == NGX_NONE)
						return;
					if (smap_get(&s->first_loc, sid, path, plen) == NGX_NONE)
						smap_put(&s->first_loc, sid, path, plen, f);
					s->locs[f].order = (uint32_t)s->srv_locs[sid].n;
					if (!vec_push(s, &s->srv_locs[sid], f))
						return;
				}
				struct ngx_loc *l = &s->locs[f];
				l->kind = NGX_L_PATH;
				l->path = l->ing_path = path;
				l->plen = plen;
				l->type = t;
				l->ptype = other;
				l->defaulted = defaulted;
				l->ing = l->ann = r;
				l->rule = j;
				l->pidx = p;
				l->backend = &pa->backend;
				l->ups = u;
			}
		}
	}
}

/* ---- sec. 7: canaries ------------------------------------------------------------ */

/* ctl:1570-1715 mergeAlternativeBackends for one backend of a canary.
 * 'path' NULL: the canary's defaultBackend against every location of "_". */
static void merge_canary(struct st *s, uint32_t sid, uint32_t alt, const char *path,
                         enum ngx_ltype t, const char *other)
{
	struct ngx_table *x = s->x;
	if (x->ups[alt].deleted)
		return;   /* "has already been removed" */
	bool merged = false, alt_is_pri = false;
	const struct vec *v = &s->srv_locs[sid];
	for (size_t i = 0; i < v->n; i++) {
		const struct ngx_loc *l = &s->locs[v->v[i]];
		uint32_t pri = l->ups;   /* NGX_NONE: upstream-default-backend */
		if (pri != NGX_NONE && x->ups[pri].deleted)
			continue;   /* "cannot find primary backend" */
		if ((alt_is_pri = pri == alt))
			break;
		/* canMergeBackend: not the default upstream, the primary has a server */
		if (pri == NGX_NONE || x->ups[pri].no_server)
			continue;
		if (path && !(!strcmp(l->ing_path, path) && same_type(l, t, other)))
			continue;
		if (x->ups[pri].alt == NGX_NONE)
			x->ups[pri].alt = alt;   /* only alternative_backends[1] is used */
		merged = true;
	}
	if (!alt_is_pri && !merged)
		x->ups[alt].deleted = true;
}

static void merge_canaries(struct st *s, uint32_t *const *path_ups, const uint32_t *dflt_ups)
{
	struct ngx_table *x = s->x;
	size_t ncanary = 0;
	for (size_t r = 0; r < x->nings; r++)
		ncanary += x->ings[r].canary;
	if (ncanary == x->nings)
		return;   /* nonCanaryIngressExists */
	uint32_t any = smap_get(&s->servers, 0, "_", 1);
	for (uint32_t r = 0; r < x->nings; r++) {
		if (!x->ings[r].canary)
			continue;
		const struct ingress *ing = x->ings[r].ing;
		if (dflt_ups[r] != NGX_NONE)
			merge_canary(s, any, dflt_ups[r], NULL, NGX_T_PREFIX, NULL);
		size_t k = 0;
		for (size_t j = 0; j < ing->nrules; j++) {
			const struct iw_rule *ru = &ing->rules[j];
			const char *h = iw_nz(ru->host);
			if (!*h)
				h = "_";
			uint32_t sid = smap_get(&s->servers, 0, h, strlen(h));
			for (size_t p = 0; ru->has_http && p < ru->npaths; p++, k++) {
				uint32_t u = path_ups[r][k];
				if (u == NGX_NONE || sid == NGX_NONE)
					continue;
				const char *other;
				bool defaulted;
				enum ngx_ltype t = path_type(&ru->paths[p], &other, &defaulted);
				merge_canary(s, sid, u, ing_path(&ru->paths[p]), t, other);
			}
		}
	}
}

/* ---- sec. 5.4, 5.5: aliases and certificates ------------------------------------------ */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* alias/main.go:65-88: comma-separated, trimmed, deduplicated, sorted */
static void parse_aliases(struct st *s, const char *v, const char ***out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!v || !*v)
		return;
	size_t max = 1;
	for (const char *p = v; *p; p++)
		max += *p == ',';
	const char **a = take(s, max * sizeof *a);
	if (!a)
		return;
	size_t k = 0;
	for (const char *p = v;;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		const char *b = p;
		while (l && (*b == ' ' || *b == '\t' || *b == '\n' || *b == '\r' || *b == '\v' ||
		             *b == '\f')) {
			b++;
			l--;
		}
		while (l && (b[l - 1] == ' ' || b[l - 1] == '\t' || b[l - 1] == '\n' ||
		             b[l - 1] == '\r' || b[l - 1] == '\v' || b[l - 1] == '\f'))
			l--;
		if (l) {
			char *c = take_str(s, b, l, "", 0);
			if (!c)
				return;
			a[k++] = c;
		}
		if (!e)
			break;
		p = e + 1;
	}
	qsort(a, k, sizeof *a, cmp_str);
	size_t w = 0;
	for (size_t i = 0; i < k; i++)
		if (!w || strcmp(a[w - 1], a[i]))
			a[w++] = a[i];
	*out = a;
	*n = w;
}

/* ctl:1396-1530: the first Ingress (in order) with aliases for a host sets
 * them; aliases naming the host itself or another server are dropped.  A
 * server gets a certificate from the first Ingress with a non-empty
 * spec.tls that has a rule for it; "_" always has one. */
static void configure_servers(struct st *s, const char ***aliases, size_t *naliases, bool *cert)
{
	struct ngx_table *x = s->x;
	cert[smap_get(&s->servers, 0, "_", 1)] = true;
	for (uint32_t r = 0; r < x->nings && !s->err; r++) {
		const struct ngx_ing *n = &x->ings[r];
		if (n->canary)
			continue;
		const char **al = NULL;
		size_t nal = 0;
		bool parsed = false;
		for (size_t j = 0; j < n->ing->nrules; j++) {
			const char *h = iw_nz(n->ing->rules[j].host);
			if (!*h)
				h = "_";
			uint32_t sid = smap_get(&s->servers, 0, h, strlen(h));
			if (sid == NGX_NONE)
				continue;
			if (!naliases[sid]) {
				if (!parsed) {
					parse_aliases(s, n->server_alias, &al, &nal);
					parsed = true;
				}
				aliases[sid] = al;
				naliases[sid] = nal;
			}
			if (n->has_tls)
				cert[sid] = true;
		}
	}
	for (size_t sid = 0; sid < s->nsrv; sid++) {
		size_t w = 0;
		for (size_t i = 0; i < naliases[sid]; i++) {
			const char *a = aliases[sid][i];
			if (!strcmp(a, s->srv_host[sid]) || smap_get(&s->servers, 0, a, strlen(a)) != NGX_NONE)
				continue;
			aliases[sid][w++] = a;   /* already sorted and unique */
		}
		naliases[sid] = w;
	}
}

/* ---- sec. 6.6, 6.7: the rendered order ---------------------------------------------- */

bool ngx_loc_regex(const struct ngx_table *x, const struct ngx_loc *l, const char *path)
{
	if (l->ann == NGX_NONE)
		return false;
	const struct ngx_ing *n = &x->ings[l->ann];
	return n->use_regex || (n->rewrite && strcmp(n->rewrite, path) != 0);
}

struct sortent {
	const char *path;
	size_t plen;
	uint32_t order, li;
};

/* ctl:995-1005: stable sorts by path descending, then by length descending */
static int cmp_rendered(const void *pa, const void *pb)
{
	const struct sortent *a = pa, *b = pb;
	if (a->plen != b->plen)
		return a->plen > b->plen ? -1 : 1;
	int c = memcmp(a->path, b->path, a->plen);
	if (c)
		return c > 0 ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

/* loc:34-88 updateServerLocations: the server's locations in rendered order
 * (a malloc'd list of location indexes, *n of them). */
static uint32_t *render_order(struct st *s, uint32_t sid, size_t *n)
{
	const struct vec *v = &s->srv_locs[sid];
	struct sortent *se = malloc((v->n ? v->n : 1) * sizeof *se);
	uint32_t *out = malloc((2 * v->n + 2) * sizeof *out);
	struct smap exact = { 0 };
	*n = 0;
	if (!se || !out || !smap_init(&exact, v->n)) {
		s->err = IW_ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < v->n; i++) {
		const struct ngx_loc *l = &s->locs[v->v[i]];
		se[i] = (struct sortent){ l->path, l->plen, l->order, v->v[i] };
		if (l->type == NGX_T_EXACT)
			smap_put(&exact, 0, l->path, l->plen, 1);
	}
	qsort(se, v->n, sizeof *se, cmp_rendered);
	for (size_t i = 0; i < v->n && !s->err; i++) {
		uint32_t li = se[i].li;
		struct ngx_loc *l = &s->locs[li];
		out[(*n)++] = li;
		if (!strcmp(l->path, "/") || l->type != NGX_T_PREFIX || ngx_loc_regex(s->x, l, l->path))
			continue;
		bool has_exact = smap_get(&exact, 0, l->path, l->plen) != NGX_NONE;
		const char *orig = l->path;
		size_t olen = l->plen;
		if (orig[olen - 1] != '/') {
			char *p = take_str(s, orig, olen, "/", 1);
			if (!p)
				break;
			l->path = p;
			l->plen = olen + 1;
			l->expanded = true;
		}
		if (has_exact)
			continue;
		uint32_t ci = new_loc(s);   /* may move s->locs */
		if (ci == NGX_NONE)
			break;
		struct ngx_loc *c = &s->locs[ci];
		*c = s->locs[li];
		c->path = orig;
		c->plen = olen;
		c->type = NGX_T_EXACT;
		c->copy = true;
		c->expanded = false;
		out[(*n)++] = ci;
	}
	free(se);
	free(exact.e);
	return out;
fail:
	free(se);
	free(out);
	free(exact.e);
	return NULL;
}

/* ---- the build ---------------------------------------------------------------------- */

void rt_ngx_free(struct ngx_table *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->nlocs; i++)
		iw_re_free(x->locs[i].re);
	struct arena mem = x->mem;   /* x lives in this arena */
	arena_release(&mem);
}

static int cmp_host(const void *pa, const void *pb, const char *const *hosts)
{
	return strcmp(hosts[*(const uint32_t *)pa], hosts[*(const uint32_t *)pb]);
}

/* insertion sort of server indexes by host (Go sort.SliceStable on
 * Hostname; hosts are distinct) */
static void sort_servers(uint32_t *perm, size_t n, const char *const *hosts)
{
	for (size_t i = 1; i < n; i++) {
		uint32_t v = perm[i];
		size_t j = i;
		while (j > 0 && cmp_host(&perm[j - 1], &v, hosts) > 0) {
			perm[j] = perm[j - 1];
			j--;
		}
		perm[j] = v;
	}
}

static void finish(struct st *s, const char ***aliases, const size_t *naliases, const bool *cert)
{
	struct ngx_table *x = s->x;
	uint32_t **order = calloc(s->nsrv, sizeof *order);
	size_t *norder = calloc(s->nsrv, sizeof *norder);
	uint32_t *perm = malloc(s->nsrv * sizeof *perm);
	if (!order || !norder || !perm) {
		s->err = IW_ENOMEM;
		goto out;
	}
	size_t total = 2;   /* the two built-in locations of "_" */
	for (size_t i = 0; i < s->nsrv && !s->err; i++) {
		order[i] = render_order(s, (uint32_t)i, &norder[i]);
		total += norder[i];
		perm[i] = (uint32_t)i;
	}
	if (s->err)
		goto out;
	sort_servers(perm, s->nsrv, s->srv_host);
	x->servers = take(s, s->nsrv * sizeof *x->servers);
	x->locs = take(s, total * sizeof *x->locs);
	if (s->err)
		goto out;
	x->nservers = s->nsrv;
	for (size_t o = 0; o < s->nsrv; o++) {
		uint32_t b = perm[o];   /* build index */
		struct ngx_server *sv = &x->servers[o];
		memset(sv, 0, sizeof *sv);
		sv->host = s->srv_host[b];
		sv->hlen = strlen(sv->host);
		sv->wildcard = sv->hlen > 2 && sv->host[0] == '*' && sv->host[1] == '.';
		sv->creator = s->srv_creator[b];
		sv->aliases = aliases[b];
		sv->naliases = naliases[b];
		sv->cert = cert[b];
		sv->app_root = NGX_NONE;
		sv->first = (uint32_t)x->nlocs;
		if (!strcmp(sv->host, "_"))
			x->dflt = (uint32_t)o;
		for (size_t k = 0; k < norder[b]; k++) {
			struct ngx_loc *l = &x->locs[x->nlocs++];
			*l = s->locs[order[b][k]];
			l->regex_self = ngx_loc_regex(x, l, l->path);
			sv->regex = sv->regex || l->regex_self;   /* enforceRegexModifier */
			/* tmpl:1000-1004: the first `if ($uri = /)` written wins */
			if (sv->app_root == NGX_NONE && l->ann != NGX_NONE && x->ings[l->ann].app_root)
				sv->app_root = (uint32_t)(x->nlocs - 1);
		}
		if (!strcmp(sv->host, "_")) {   /* tmpl:1455-1489 */
			static const char *const names[2] = { "/healthz", "/nginx_status" };
			for (int k = 0; k < 2; k++) {
				struct ngx_loc *l = &x->locs[x->nlocs++];
				memset(l, 0, sizeof *l);
				l->kind = k ? NGX_L_STATUS : NGX_L_HEALTHZ;
				l->path = l->ing_path = names[k];
				l->plen = strlen(names[k]);
				l->type = NGX_T_PREFIX;
				l->ing = l->ann = l->rule = l->pidx = l->ups = l->taken_by = NGX_NONE;
			}
		}
		sv->n = (uint32_t)x->nlocs - sv->first;
	}
	s->err = ngx_load_config(x);
out:
	for (size_t i = 0; order && i < s->nsrv; i++)
		free(order[i]);
	free(order);
	free(norder);
	free(perm);
}

#define TABLE_BLOCK (16 * 1024)

int rt_ngx_build(const struct rt_input *in, struct ngx_table **out)
{
	struct arena mem = ARENA_INIT(TABLE_BLOCK, TABLE_BLOCK / 2);
	struct ngx_table *x = arena_alloc(&mem, sizeof *x);
	*out = NULL;
	if (!x) {
		arena_release(&mem);
		return IW_ENOMEM;
	}
	memset(x, 0, sizeof *x);
	x->mem = mem;
	struct st s = { .x = x, .in = in };
	uint32_t **path_ups = NULL, *flat = NULL, *dflt_ups = NULL;
	const char ***aliases = NULL;
	size_t *naliases = NULL;
	bool *cert = NULL;
	if ((s.err = ngx_select(x, in)))
		goto fail;                                        /* sec. 1-3 */

	size_t npaths = 0, nrules = 0;
	for (size_t r = 0; r < x->nings; r++) {
		const struct ingress *ing = x->ings[r].ing;
		nrules += ing->nrules;
		for (size_t j = 0; j < ing->nrules; j++)
			npaths += ing->rules[j].has_http ? ing->rules[j].npaths : 0;
	}
	path_ups = malloc((x->nings + 1) * sizeof *path_ups);
	flat = malloc((npaths + 1) * sizeof *flat);
	dflt_ups = malloc((x->nings + 1) * sizeof *dflt_ups);
	s.srv_locs = calloc(nrules + 1, sizeof *s.srv_locs);
	s.srv_host = calloc(nrules + 1, sizeof *s.srv_host);
	s.srv_creator = calloc(nrules + 1, sizeof *s.srv_creator);
	aliases = calloc(nrules + 1, sizeof *aliases);
	naliases = calloc(nrules + 1, sizeof *naliases);
	cert = calloc(nrules + 1, sizeof *cert);
	x->ups = take(&s, (npaths + x->nings + 1) * sizeof *x->ups);
	if (!path_ups || !flat || !dflt_ups || !s.srv_locs || !s.srv_host || !s.srv_creator ||
	    !aliases || !naliases || !cert || s.err ||
	    !smap_init(&s.upstreams, npaths + x->nings) || !smap_init(&s.servers, nrules + 1) ||
	    !smap_init(&s.first_loc, npaths + nrules + 1)) {
		s.err = IW_ENOMEM;
		goto fail;
	}
	for (size_t r = 0, k = 0; r < x->nings; r++) {
		path_ups[r] = flat + k;
		const struct ingress *ing = x->ings[r].ing;
		for (size_t j = 0; j < ing->nrules; j++)
			k += ing->rules[j].has_http ? ing->rules[j].npaths : 0;
	}
	create_upstreams(&s, path_ups, dflt_ups);             /* sec. 4 */
	if (!s.err)
		create_servers(&s, dflt_ups);                     /* sec. 5 */
	if (!s.err)
		add_locations(&s, path_ups);                      /* sec. 6.1-6.5 */
	if (!s.err)
		merge_canaries(&s, path_ups, dflt_ups);           /* sec. 7 */
	if (!s.err)
		configure_servers(&s, aliases, naliases, cert);   /* sec. 5.4, 5.5 */
	if (!s.err)
		finish(&s, aliases, naliases, cert);              /* sec. 6.6, 6.7, 9 */
	if (s.err)
		goto fail;
	*out = x;
	goto done;
fail:
	x->nlocs = x->locs ? x->nlocs : 0;
	rt_ngx_free(x);
done:
	for (size_t i = 0; s.srv_locs && i < s.nsrv; i++)
		free(s.srv_locs[i].v);
	free(s.srv_locs);
	free(s.srv_host);
	free(s.srv_creator);
	free(s.locs);
	free(s.upstreams.e);
	free(s.servers.e);
	free(s.first_loc.e);
	free(path_ups);
	free(flat);
	free(dflt_ups);
	free(aliases);
	free(naliases);
	free(cert);
	return s.err ? s.err : IW_OK;
}
