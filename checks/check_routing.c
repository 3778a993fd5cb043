/*
 * host-path-conflict and shadowed-path, decided with the reference router.
 *
 * Two routing tables are built from the object's neighbours (the Ingresses of
 * the same class that name one of its hosts): "before" without the object,
 * "after" with it.  For every host group the object names, probe requests are
 * derived from every path of the group (for a path p: p itself; for Prefix
 * also p/ and p/<fresh>; for ImplementationSpecific p<fresh> and p/<fresh>),
 * which covers every distinct set of matching paths.  A probe that another
 * Ingress wins before and the object wins after is a request the object takes
 * away: host-path-conflict.  A path of the object with the same host, path and
 * pathType as a path another Ingress wins is shadowed now and takes over when
 * that Ingress goes away: host-path-conflict too.  A path of the object that
 * wins no probe at all never receives traffic: shadowed-path.
 *
 * Under a profile (profile/profile.h) the neighbours are the object's merge
 * domain (chk_neighbours): none for GKE, one IngressGroup for ALB, where
 * check_alb.c decides instead (the first matching rule wins there).  Under
 * ingress-nginx, canaries take no part (they create no locations;
 * check_nginx.c checks them), a host in regex mode is left out (the
 * reference router would compare its regexes as literal strings; the
 * ingress-nginx emulation of the router is the place to decide them), and
 * the duplicate locations nginx refuses are looked for on the other hosts.
 * Paths a profile matches as patterns (GKE and Application Gateway '*') are
 * not probed.  Under NGINX Inc, one Ingress holds a host (check_nic.c says
 * which): the paths of the object are compared among themselves only.
 * Under Traefik, check_traefik.c decides instead (router priorities by rule
 * length, character-wise PathPrefix).
 */
#include "checks/checkctx.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/map.h"
#include "profile/ingress_nginx.h"
#include "router/router.h"

#define FRESH "~iw-probe~"
#define WILD_LABEL "iw-probe--x"


static const char *key_reason(enum rt_key k)
{
	switch (k) {
	case RT_K_LENGTH: return "longer path";
	case RT_K_TYPE: return "Exact beats Prefix beats ImplementationSpecific at equal length";
	case RT_K_AGE: return "older creationTimestamp";
	case RT_K_TIMESTAMP: return "the other has no creationTimestamp";
	case RT_K_NAME: return "equal age: namespace/name order";
	case RT_K_ORDER: return "list order";
	default: return "only candidate";
	}
}

/* dst = a b c (the parts' lengths given); returns the length.  The callers
 * keep the total below PROBE_MAX. */
static size_t cat3(char *dst, const char *a, size_t al, const char *b, size_t bl,
                   const char *c, size_t cl)
{
	memcpy(dst, a, al);
	memcpy(dst + al, b, bl);
	memcpy(dst + al + bl, c, cl);
	dst[al + bl + cl] = '\0';
	return al + bl + cl;
}

#define PROBE_MAX 1100
#define FRESH_LEN (sizeof FRESH - 1)

/* Builds the probe path(s) of entry e into out[] (each < PROBE_MAX) and their
 * lengths into len[]; returns the count. */
static int probes(const struct rt_entry *e, char out[3][PROBE_MAX], size_t len[3])
{
	size_t l = strlen(e->path);
	if (l > 1000)
		return 0;
	switch (e->path_type) {
	case RT_EXACT:
		len[0] = cat3(out[0], e->path, l, "", 0, "", 0);
		return 1;
	case RT_PREFIX: {
		size_t q = l > 1 && e->path[l - 1] == '/' ? l - 1 : l;
		if (l == 1) {
			len[0] = cat3(out[0], "/", 1, "", 0, "", 0);
			len[1] = cat3(out[1], "/", 1, FRESH, FRESH_LEN, "", 0);
			return 2;
		}
		len[0] = cat3(out[0], e->path, q, "", 0, "", 0);
		len[1] = cat3(out[1], e->path, q, "/", 1, "", 0);
		len[2] = cat3(out[2], e->path, q, "/", 1, FRESH, FRESH_LEN);
		return 3;
	}
	default: {
		bool slash = l && e->path[l - 1] == '/';
		len[0] = cat3(out[0], e->path, l, "", 0, "", 0);
		len[1] = cat3(out[1], e->path, l, FRESH, FRESH_LEN, "", 0);
		len[2] = cat3(out[2], e->path, l, "/", slash ? 0 : 1, FRESH, FRESH_LEN);
		return 3;
	}
	}
}

/* Host header that selects the group of rule host 'h', cut to size - 1
 * bytes; returns its length */
static size_t probe_host(const char *h, char *buf, size_t size)
{
	size_t hl = strlen(h), n;
	if (h[0] == '*') {
		size_t wl = sizeof WILD_LABEL - 1;
		n = cat3(buf, WILD_LABEL, wl, "", 0, "", 0);
		hl--;
		h++;
	} else {
		n = 0;
	}
	if (n + hl > size - 1)
		hl = size - 1 - n;
	return n + cat3(buf + n, h, hl, "", 0, "", 0);
}

/* ---- the "after" table, its host groups sorted by host ------------------- */

struct gidx {
	const char *host;
	size_t first, n;
};

static int cmp_gidx(const void *a, const void *b)
{
	const struct gidx *x = a, *y = b;
	int r = strcmp(x->host, y->host);
	return r ? r : (x->first > y->first) - (x->first < y->first);
}

static int cmp_ghost(const void *a, const void *b)
{
	return strcmp(((const struct gidx *)a)->host, ((const struct gidx *)b)->host);
}

/* A decision kept for a key's probe (what the won test and shadowed-path read). */
struct kept {
	const struct ingress *ing;
	const struct iw_path *path;
	size_t rule, pidx;
	enum rt_match match;         /* RT_NONE when the probe could not be decided */
	enum rt_path_type path_type;
	enum rt_key key;
};

/* Per distinct (pathType, path) of a group: its probes are decided once (a
 * decision depends on the probe and the table alone), however many
 * Ingresses have that path: 1,000 Ingresses on one host and path probe it
 * 3 times, not 3,000.  And only when asked: a path that wins its first
 * probe needs no other when no Ingress shares its host. */
struct gkey {
	bool counted;              /* np is set */
	uint8_t decided;           /* bit k: d[k] is decided */
	int np;
	struct kept d[3];
};

/* An entry of a group.  Grouped by (pathType, path), the entries of one key
 * are a run in position (precedence) order, so "the same path earlier in
 * the group" is a prefix of the run: counted, not searched. */
struct gent {
	const struct ingress *ing;   /* its Ingress (the entry itself: rt_entry_get) */
	size_t sidx;           /* index in the sorted order */
	size_t run;            /* sorted index of the first entry of its run */
	size_t key;            /* the run's number */
};

/* What does not depend on the object checked: a group's entries, their
 * sorted order and runs, its keys' decisions (built on first use). */
struct gsort {
	bool ready;
	size_t first;          /* the group's first entry in the table */
	size_t n, nkeys;
	struct gent *ent;      /* by position in the group */
	size_t *srt;           /* the runs one after the other: positions */
	struct gkey *keys;
};

/* A built "after" table and what is derived from it. */
struct rtab {
	const struct ingress **set;   /* its Ingresses, sorted by address (the memo's key) */
	size_t nset;
	struct rt_table *t;
	struct gidx *gi;              /* host groups sorted by host */
	size_t ngi;
	struct gsort *gs;             /* per gi entry */
};

struct iw_check_memo {
	struct rtab tab;              /* valid when tab.t */
	/* ingress-nginx: host (as written) -> struct chk_ngx_host * among
	 * tab's set; emptied whenever tab changes */
	struct map ngx;
	/* (host, class, profile, policy) -> struct nbc *: the neighbours
	 * of the objects with one host (neighbours()) */
	struct map nb;
};

/* The Ingresses of the state on one host that share the routing table of
 * the objects of one class and profile: sorted by address, each once. */
struct nbc {
	const struct ingress **v;
	size_t n;
	unsigned char *canary;        /* ingress-nginx: v[i] is a canary */
};

static void memo_nb_clear(struct iw_check_memo *m)
{
	for (size_t i = 0; i < map_end(&m->nb); i++) {
		void *v;
		if (map_at(&m->nb, i, NULL, NULL, &v)) {
			struct nbc *x = v;
			free(x->v);
			free(x->canary);
			free(x);
		}
	}
	map_release(&m->nb);
}

static void memo_ngx_clear(struct iw_check_memo *m)
{
	for (size_t i = 0; i < map_end(&m->ngx); i++) {
		void *v;
		if (map_at(&m->ngx, i, NULL, NULL, &v))
			chk_ngx_host_free(v);
	}
	map_release(&m->ngx);
}

static void rtab_release(struct rtab *r)
{
	for (size_t g = 0; r->gs && g < r->ngi; g++) {
		free(r->gs[g].ent);
		free(r->gs[g].srt);
		free(r->gs[g].keys);
	}
	free(r->gs);
	free(r->gi);
	rt_free(r->t);
	free(r->set);
	*r = (struct rtab){ 0 };
}

struct iw_check_memo *chk_memo_new(void)
{
	struct iw_check_memo *m = calloc(1, sizeof *m);
	if (m) {
		m->ngx = (struct map)MAP_INIT;
		m->nb = (struct map)MAP_INIT;
	}
	return m;
}

void chk_memo_release(struct iw_check_memo *m)
{
	if (m) {
		rtab_release(&m->tab);
		memo_ngx_clear(m);
		memo_nb_clear(m);
	}
}

/* Builds the table of set[0..n) (taken: r owns it) with its sorted groups. */
static enum iw_err rtab_build(struct rtab *r, const struct ingress **set, size_t n)
{
	*r = (struct rtab){ .set = set, .nset = n };
	struct rt_input in = { .ingresses = set, .ningresses = n };
	if (!(r->t = rt_build(&in)))
		return IW_ENOMEM;
	size_t ng = rt_ngroups(r->t), k = 0;
	if (!(r->gi = malloc((ng ? ng : 1) * sizeof *r->gi)) ||
	    !(r->gs = calloc(ng ? ng : 1, sizeof *r->gs)))
		return IW_ENOMEM;
	for (size_t g = 0; g < ng; g++) {
		enum rt_group_kind kind;
		if (rt_group_get(r->t, g, &kind, &r->gi[k].host, &r->gi[k].first, &r->gi[k].n))
			k++;
	}
	qsort(r->gi, k, sizeof *r->gi, cmp_gidx);
	r->ngi = k;
	return IW_OK;
}

/* The group of host h (the first of equal hosts, as a scan in table order
 * found it), or NULL: one search per host of the object, where a scan of
 * every group for every host cost 10,000 x 10,000. */
static const struct gidx *find_group(const struct rtab *r, const char *h)
{
	struct gidx key = { h, 0, 0 };
	const struct gidx *g = r->ngi ? bsearch(&key, r->gi, r->ngi, sizeof *r->gi, cmp_ghost) : NULL;
	while (g && g > r->gi && !strcmp(g[-1].host, h))
		g--;
	return g;
}

static uint64_t gent_hash(const struct rt_entry *e)
{
	return map_hash(e->path, strlen(e->path)) * 31 + (uint64_t)e->path_type;
}

/* Fills the object-independent view of group g of table r.  The entries of
 * one (pathType, path) form a run, in position order; the runs are laid out
 * in the order of their first entries, found by hashing (sorting the paths
 * was a third of the check for 30,000 paths). */
static enum iw_err gsort_build(const struct rtab *r, const struct gidx *g, struct gsort *gs)
{
	size_t n = g->n;
	/* per position: the next position of its run; per run head: its last */
	size_t *next = malloc(2 * (n ? n : 1) * sizeof *next), *last = next + (n ? n : 1);
	struct map_index ix = { 0 };
	gs->n = n;
	gs->ent = malloc((n ? n : 1) * sizeof *gs->ent);
	gs->srt = malloc((n ? n : 1) * sizeof *gs->srt);
	if (!next || !gs->ent || !gs->srt || n > UINT32_MAX || map_index_reserve(&ix, n)) {
		free(next);
		map_index_release(&ix);
		return IW_ENOMEM;
	}
	size_t nkeys = 0;
	gs->first = g->first;
	for (size_t i = 0; i < n; i++) {
		struct gent *x = &gs->ent[i];
		struct rt_entry e, y;
		rt_entry_get(r->t, g->first + i, &e);
		x->ing = e.ingress;
		next[i] = SIZE_MAX;
		uint64_t h = gent_hash(&e);
		struct map_it it;
		uint32_t v;
		bool found = false;
		for (bool ok = map_index_first(&ix, h, &it, &v); ok && !found;
		     ok = map_index_next(&ix, &it, &v)) {
			rt_entry_get(r->t, g->first + v, &y);
			if (y.path_type == e.path_type && !strcmp(y.path, e.path)) {
				found = true;
				next[last[v]] = i;   /* v heads the run */
				last[v] = i;
				x->key = gs->ent[v].key;
			}
		}
		if (!found) {
			map_index_put(&ix, h, (uint32_t)i);   /* room reserved: no failure */
			last[i] = i;
			x->key = nkeys++;
		}
	}
	map_index_release(&ix);
	/* the runs one after the other, each in position order: key numbers
	 * were given in the order of the runs' first entries (their heads) */
	for (size_t i = 0, s = 0, k = 0; i < n; i++) {
		if (gs->ent[i].key != k)
			continue;   /* not the head of the next key */
		k++;
		size_t run = s;
		for (size_t p = i; p != SIZE_MAX; p = next[p]) {
			gs->ent[p].sidx = s;
			gs->ent[p].run = run;
			gs->srt[s++] = p;
		}
	}
	free(next);
	gs->nkeys = nkeys;
	if (!(gs->keys = calloc(nkeys ? nkeys : 1, sizeof *gs->keys)))
		return IW_ENOMEM;
	gs->ready = true;
	return IW_OK;
}

/* ---- (other Ingress, our path) pairs already reported -------------------- */

struct taken {
	const struct ingress *other;
	size_t rule, path;
};

struct taken_set {   /* the pairs, and base/map's index over them */
	struct taken *v;
	size_t n, cap;
	struct map_index ix;
};

/* true when (o, r, p) was already seen; records it otherwise.  -1 on OOM. */
static int seen_pair(struct taken_set *s, const struct ingress *o, size_t r, size_t p)
{
	struct taken key = { o, r, p };
	uint64_t h = map_hash(&key, sizeof key);
	struct map_it it;
	uint32_t v;
	for (bool ok = map_index_first(&s->ix, h, &it, &v); ok; ok = map_index_next(&s->ix, &it, &v))
		if (s->v[v].other == o && s->v[v].rule == r && s->v[v].path == p)
			return 1;
	if (s->n == s->cap) {
		size_t nc = s->cap ? 2 * s->cap : 16;
		struct taken *nv = realloc(s->v, nc * sizeof *nv);
		if (!nv)
			return -1;
		s->v = nv;
		s->cap = nc;
	}
	if (s->n >= UINT32_MAX || map_index_put(&s->ix, h, (uint32_t)s->n))
		return -1;
	s->v[s->n++] = key;
	return 0;
}

static void taken_release(struct taken_set *s)
{
	free(s->v);
	map_index_release(&s->ix);
}

/* Whether the profile matches entry e as the reference router does: GKE and
 * Application Gateway read a '*' of an ImplementationSpecific path as a
 * wildcard. */
static bool literal(const struct chk_ctx *c, const struct rt_entry *e)
{
	return e->path_type != RT_IS ||
	       (c->prof->is != IW_IS_GCE_URLMAP && c->prof->is != IW_IS_APPGW &&
	        c->prof->is != IW_IS_ALB_PATTERN) ||
	       !strpbrk(e->path, "*?");
}

/* ---- one host group, for one object ------------------------------------------ */

/* Ingresses named in a grouped finding after the one that keeps the path. */
#define OTHERS_LISTED 5

static const char *keep_reason(const struct rt_entry *o, const struct rt_entry *e)
{
	return o->rank < e->rank ? (o->has_timestamp && !e->has_timestamp
	                            ? "it has a creationTimestamp, this object none yet"
	                            : "older, or first by namespace/name")
	                         : "list order";
}

/* What a group says about one object: per sorted index, the entries of the
 * object and of others earlier in the run, and the chain of other
 * Ingresses' entries through the run. */
struct gview {
	const struct gsort *gs;
	size_t *ours_before, *others_before;
	size_t *next_other;    /* sorted index of the next other entry in the run, or SIZE_MAX */
	size_t *first_other;   /* at a run's first sorted index: its first other entry, or SIZE_MAX */
};

static bool is_ours(const struct chk_ctx *c, const struct gsort *gs, size_t s)
{
	return gs->ent[gs->srt[s]].ing == c->ing;
}

static enum iw_err gview_build(const struct chk_ctx *c, const struct gsort *gs, struct gview *v)
{
	size_t n = gs->n ? gs->n : 1;
	v->gs = gs;
	v->ours_before = malloc(4 * n * sizeof *v->ours_before);
	if (!v->ours_before)
		return IW_ENOMEM;
	v->others_before = v->ours_before + n;
	v->next_other = v->others_before + n;
	v->first_other = v->next_other + n;
	size_t ours = 0, others = 0;
	for (size_t s = 0; s < gs->n; s++) {
		if (gs->ent[gs->srt[s]].run == s)
			ours = others = 0;
		v->ours_before[s] = ours;
		v->others_before[s] = others;
		if (is_ours(c, gs, s))
			ours++;
		else
			others++;
	}
	for (size_t s = gs->n, nxt = SIZE_MAX; s-- > 0;) {
		v->next_other[s] = nxt;
		if (!is_ours(c, gs, s))
			nxt = s;
		if (gs->ent[gs->srt[s]].run == s) {
			v->first_other[s] = nxt;
			nxt = SIZE_MAX;
		}
	}
	return IW_OK;
}

/* "; N more paths of other Ingresses ... (a/b, c/d and K more)" for the
 * 'count' other entries from sorted index 'from' on, or "" when count is 0. */
static void more_others(const struct gview *v, size_t from, size_t count, char *buf, size_t size)
{
	buf[0] = 0;
	if (!count)
		return;
	int w = snprintf(buf, size, "; %zu more path%s of other Ingresses with the same host, path "
	                 "and pathType come%s before this one (", count, count == 1 ? "" : "s",
	                 count == 1 ? "s" : "");
	size_t o = w > 0 ? (size_t)w : 0, shown = 0;
	for (size_t s = from; s != SIZE_MAX && shown < count && shown < OTHERS_LISTED && o < size;
	     s = v->next_other[s], shown++) {
		const struct ingress *x = v->gs->ent[v->gs->srt[s]].ing;
		w = snprintf(buf + o, size - o, "%s%s/%s", shown ? ", " : "", iw_namespace(&x->meta),
		             iw_nz(x->meta.name));
		o += w > 0 ? (size_t)w : 0;
	}
	if (o < size && count > shown)
		o += (size_t)snprintf(buf + o, size - o, " and %zu more", count - shown);
	if (o < size)
		snprintf(buf + o, size - o, ")");
}

/* The "before" table (the neighbours without the object), built on first
 * use: only an object that wins some probe needs it; of 1,000 Ingresses on
 * one host and path that is one. */
struct before {
	struct rt_input in;
	struct rt_table *t;
	bool built;
};

static const struct rt_table *before_get(struct chk_ctx *c, struct before *b)
{
	if (!b->built && b->in.ningresses) {
		b->built = true;
		if (!(b->t = rt_build(&b->in)))
			c->out->err = IW_ENOMEM;
	}
	return b->t;
}

/* The host being probed, prepared once per table. */
struct probe_host {
	const char *h;                   /* the rule host as written */
	char host[600];                  /* the Host header that selects its group */
	size_t hl;
	struct rt_host ha, hb;
	bool hb_ready;
};

/* The number of probes of key K (e: any entry of K). */
static int key_np(const struct rt_entry *e, struct gkey *K)
{
	if (!K->counted) {
		char pr[3][PROBE_MAX];
		size_t prl[3];
		K->np = probes(e, pr, prl);
		K->counted = true;
	}
	return K->np;
}

/* Probe k (< key_np) of key K decided in the after table, once. */
static const struct kept *key_probe(const struct rtab *r, const struct probe_host *ph,
                                    const struct rt_entry *e, struct gkey *K, int k)
{
	if (!(K->decided & (1u << k))) {
		char pr[3][PROBE_MAX];
		size_t prl[3];
		struct rt_decision da;
		K->np = probes(e, pr, prl);
		K->counted = true;
		K->d[k].match = RT_NONE;
		if (!rt_match_host(r->t, &ph->ha, pr[k], prl[k], &da))
			K->d[k] = (struct kept){ da.ingress, da.path, da.rule_index, da.path_index,
			                         da.match, da.path_type, da.key };
		K->decided |= (uint8_t)(1u << k);
	}
	return &K->d[k];
}

/* The requests of key K's probes that the object wins after and another
 * Ingress wins before: host-path-conflict. */
static void taken_requests(struct chk_ctx *c, const struct rtab *r, struct before *bf,
                           struct probe_host *ph, const struct rt_entry *e,
                           struct gkey *K, struct taken_set *tk)
{
	if (!bf->in.ningresses)
		return;   /* no other Ingress on the host: none to take from */
	const char *h = ph->h;
	enum rt_group_kind want = h[0] == '*' ? RT_G_WILDCARD : *h ? RT_G_EXACT : RT_G_HOSTLESS;
	char pr[3][PROBE_MAX], what[PROBE_MAX + 40];
	size_t prl[3];
	int np = 0;
	for (int k = 0; k < key_np(e, K) && !c->out->err; k++) {
		const struct kept *d = key_probe(r, ph, e, K, k);
		if (d->match != RT_RULE || d->ing != c->ing)
			continue;
		const struct rt_table *before = before_get(c, bf);
		if (!before)
			return;
		if (!np)
			np = probes(e, pr, prl);
		/* served today by another Ingress's rule on this host, or by the
		 * defaultBackend of an Ingress that claims the host (sec. 8.1) */
		struct rt_decision da, db = { 0 };
		if (rt_match_host(r->t, &ph->ha, pr[k], prl[k], &da))
			continue;
		if (!ph->hb_ready) {
			rt_host_prepare(before, ph->host, ph->hl, &ph->hb);
			ph->hb_ready = true;
		}
		if (rt_match_host(before, &ph->hb, pr[k], prl[k], &db) ||
		    (db.match != RT_RULE && db.match != RT_DEFAULT) || db.group != want)
			continue;
		int seen = seen_pair(tk, db.ingress, da.rule_index, da.path_index);
		if (seen) {
			if (seen < 0)
				c->out->err = IW_ENOMEM;
			continue;
		}
		const char *ons = iw_namespace(&db.ingress->meta);
		if (db.match == RT_DEFAULT) {
			chk_emit(c, IW_CHK_HOST_PATH_CONFLICT, !strcmp(ons, c->ns),
			         CHK_PATH_FP(da.rule_index, da.path_index),
			         "%s %s on host \"%s\" takes requests for %s from the "
			         "spec.defaultBackend of ingress %s/%s, which serves the unmatched "
			         "paths of that host today",
			         rt_path_type_name(da.path_type), da.path->path && *da.path->path
			                                          ? da.path->path : "/",
			         *h ? h : "(any)", chk_probe_text(pr[k], FRESH, what, sizeof what), ons,
			         iw_nz(db.ingress->meta.name));
			continue;
		}
		chk_emit(c, IW_CHK_HOST_PATH_CONFLICT, !strcmp(ons, c->ns),
		         CHK_PATH_FP(da.rule_index, da.path_index),
		         "%s %s on host \"%s\" takes requests for %s from ingress %s/%s "
		         "(%s %s, spec.rules[%zu].http.paths[%zu]); while both exist %s/%s "
		         "serves them (%s)",
		         rt_path_type_name(da.path_type), da.path->path && *da.path->path
		                                          ? da.path->path : "/",
		         *h ? h : "(any)", chk_probe_text(pr[k], FRESH, what, sizeof what), ons,
		         iw_nz(db.ingress->meta.name),
		         rt_path_type_name(db.path_type),
		         db.path->path && *db.path->path ? db.path->path : "/",
		         db.rule_index, db.path_index, c->ns, c->name, key_reason(da.key));
	}
}

/*
 * The group of rule host 'h'.  Entries are visited in position order, as
 * the findings appear; the probes of each distinct path are decided at its
 * first entry (and kept with the table), and each path of the object learns
 * from the sorted runs whether it repeats another path of the group: O(n)
 * per object once the group is sorted (the nested scan it replaces was
 * O(n^2): 3.3 s for 30,000 paths).
 */
static void check_group(struct chk_ctx *c, const struct rtab *r, struct before *bf,
                        const char *h, struct taken_set *tk, bool no_shadow)
{
	const struct gidx *g = find_group(r, h);
	if (!g || !g->n)
		return;
	struct gsort *gs = &r->gs[g - r->gi];
	if (!gs->ready && (c->out->err = gsort_build(r, g, gs)))
		return;
	struct gview v;
	if ((c->out->err = gview_build(c, gs, &v)))
		return;
	struct probe_host ph = { .h = h };
	ph.hl = probe_host(h, ph.host, sizeof ph.host);
	/* the host is normalised and its group chosen once per table */
	rt_host_prepare(r->t, ph.host, ph.hl, &ph.ha);

	for (size_t i = 0; i < gs->n && !c->out->err; i++) {
		const struct gent *x = &gs->ent[i];
		bool first = gs->srt[x->run] == i;   /* the key's first entry */
		if (x->ing != c->ing && !(first && chk_enabled(c, IW_CHK_HOST_PATH_CONFLICT)))
			continue;   /* nothing to do here for another Ingress's entry */
		struct rt_entry ent;
		rt_entry_get(r->t, gs->first + i, &ent);
		const struct rt_entry *e = &ent;
		struct gkey *K = &gs->keys[x->key];
		if (!literal(c, e))
			continue;   /* all the entries of a key alike: they have one path and type */
		if (first && chk_enabled(c, IW_CHK_HOST_PATH_CONFLICT))
			taken_requests(c, r, bf, &ph, e, K, tk);
		if (e->ingress != c->ing)
			continue;
		bool won = false;
		for (int k = 0; k < key_np(e, K) && !won; k++) {
			const struct kept *d = key_probe(r, &ph, e, K, k);
			won = d->match == RT_RULE && d->ing == c->ing && d->rule == e->rule_index &&
			      d->pidx == e->path_index;
		}
		/* the same host+path+pathType already served by another Ingress: the
		 * first of them keeps it; the others are counted and a few named */
		size_t s = x->sidx;
		bool dup_self = v.ours_before[s] > 0, dup_other = v.others_before[s] > 0;
		if (dup_other) {
			size_t fs = v.first_other[x->run];
			struct rt_entry oe;
			rt_entry_get(r->t, gs->first + gs->srt[fs], &oe);
			const struct rt_entry *o = &oe;
			int seen = seen_pair(tk, o->ingress, e->rule_index, e->path_index);
			if (seen < 0) {
				c->out->err = IW_ENOMEM;
				break;
			}
			if (!seen) {
				char more[400];
				const char *ons = iw_namespace(&o->ingress->meta);
				more_others(&v, v.next_other[fs], v.others_before[s] - 1, more, sizeof more);
				chk_emit(c, IW_CHK_HOST_PATH_CONFLICT, !strcmp(ons, c->ns),
				         CHK_PATH_FP(e->rule_index, e->path_index),
				         "%s %s on host \"%s\" is already served by ingress %s/%s "
				         "(spec.rules[%zu].http.paths[%zu]): while both exist %s/%s keeps "
				         "it (%s); this path takes over when that Ingress goes away%s",
				         rt_path_type_name(e->path_type), e->path, *h ? h : "(any)", ons,
				         iw_nz(o->ingress->meta.name), o->rule_index, o->path_index, ons,
				         iw_nz(o->ingress->meta.name), keep_reason(o, e), more);
			}
		}
		if (!won && !dup_other && !dup_self && !no_shadow && key_np(e, K) > 0 &&
		    key_probe(r, &ph, e, K, 0)->match == RT_RULE) {
			/* who wins the path's own request instead */
			const struct kept *d = &K->d[0];
			chk_emit(c, IW_CHK_SHADOWED_PATH, false, CHK_PATH_FP(e->rule_index, e->path_index),
			         "%s %s on host \"%s\" never receives traffic: every request it "
			         "matches goes to %s %s of %s %s/%s (%s)",
			         rt_path_type_name(e->path_type), e->path, *h ? h : "(any)",
			         rt_path_type_name(d->path_type),
			         d->path->path && *d->path->path ? d->path->path : "/",
			         d->ing == c->ing ? "this Ingress," : "ingress",
			         iw_namespace(&d->ing->meta), iw_nz(d->ing->meta.name),
			         key_reason(d->key));
		}
	}
	free(v.ours_before);
}

static int cmp_addr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(const void *const *)a, y = (uintptr_t)*(const void *const *)b;
	return (x > y) - (x < y);
}

/*
 * chk_neighbours, through the memo when there is one: the objects of one
 * host, class and profile have the same neighbours but themselves, so the
 * host's Ingresses are filtered once (chk_same_domain) and each object
 * copies the list without itself.  Lint's second pass and the audit check
 * N Ingresses of one host against one state: each filtered the N others
 * (class and profile lookups, N^2 of them: 4,000 Ingresses 3.4 s).  Sorted
 * by address, each once, with room for one more, as chk_neighbours.
 */
static enum iw_err neighbours(const struct chk_ctx *c, bool no_canaries,
                              const struct ingress ***out, size_t *n, bool *dropped)
{
	*dropped = false;
	if (!c->memo || !c->st || c->nhosts != 1 || c->prof->merge != IW_MERGE_CLASS)
		return chk_neighbours(c, out, n);
	*out = NULL;
	*n = 0;
	const char *h = iw_nz(c->ing->rules[c->host_rules[0]].host);
	/* the key: the host, the class (or none), the profile and the policy */
	size_t hl = strlen(h), cl = c->cls ? strlen(c->cls) : 0;
	size_t kl = hl + 1 + cl + 1 + sizeof c->prof + sizeof c->p;
	char *key = malloc(kl);
	if (!key)
		return IW_ENOMEM;
	memcpy(key, h, hl);
	key[hl] = '\0';
	if (cl)
		memcpy(key + hl + 1, c->cls, cl);
	key[hl + 1 + cl] = c->cls ? '\0' : '\1';
	memcpy(key + hl + 2 + cl, &c->prof, sizeof c->prof);
	memcpy(key + hl + 2 + cl + sizeof c->prof, &c->p, sizeof c->p);
	bool added;
	void **slot = map_put(&c->memo->nb, key, kl, &added);
	if (slot && added) {
		struct nbc *x = calloc(1, sizeof *x);
		size_t m;
		const struct ingress *const *l = iw_state_by_host(c->st, h, &m);
		if (x && (x->v = malloc((m ? m : 1) * sizeof *x->v))) {
			for (size_t j = 0; j < m; j++)
				if (chk_same_domain(c, l[j]))
					x->v[x->n++] = l[j];
			qsort(x->v, x->n, sizeof *x->v, cmp_addr);
			size_t w = 0;
			for (size_t j = 0; j < x->n; j++)
				if (!w || x->v[j] != x->v[w - 1])
					x->v[w++] = x->v[j];
			x->n = w;
			if (c->prof->id == IW_PROFILE_INGRESS_NGINX && (x->canary = malloc(w ? w : 1)))
				for (size_t j = 0; j < w; j++)
					x->canary[j] = iw_ngx_is_canary(x->v[j]);
			*slot = x;
		} else {
			free(x);
			map_del(&c->memo->nb, key, kl, NULL);
			slot = NULL;
		}
	}
	free(key);
	if (!slot)
		return IW_ENOMEM;
	const struct nbc *x = *slot;
	const struct ingress **v = malloc((x->n + 1) * sizeof *v);
	if (!v)
		return IW_ENOMEM;
	size_t len = 0;
	*dropped = no_canaries && x->canary;
	for (size_t j = 0; j < x->n; j++)
		if (x->v[j] != c->ing && !(*dropped && x->canary[j]) &&
		    !iw_same_object(&x->v[j]->meta, &c->ing->meta))
			v[len++] = x->v[j];
	*out = v;
	*n = len;
	return IW_OK;
}

/* set[0..n] = nb[0..n) and the object, by address: nb comes sorted
 * (neighbours(), chk_neighbours), the object goes in its place. */
static void sorted_set(const struct ingress **set, const struct ingress *const *nb, size_t n,
                       const struct ingress *self)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if ((uintptr_t)nb[mid] < (uintptr_t)self)
			lo = mid + 1;
		else
			hi = mid;
	}
	memcpy(set, nb, lo * sizeof *set);
	set[lo] = self;
	memcpy(set + lo + 1, nb + lo, (n - lo) * sizeof *set);
}

void chk_routing(struct chk_ctx *c)
{
	bool ngx = c->prof->id == IW_PROFILE_INGRESS_NGINX;
	bool alb = c->prof->merge == IW_MERGE_ALB_GROUP;
	bool canary = ngx && iw_ngx_is_canary(c->ing);
	bool nic = c->prof->id == IW_PROFILE_NGINX_INC;
	bool routes = chk_enabled(c, IW_CHK_HOST_PATH_CONFLICT) || chk_enabled(c, IW_CHK_SHADOWED_PATH);
	bool rejects = (ngx || alb) && chk_enabled(c, IW_CHK_CONTROLLER_REJECTS);
	if (canary ? !chk_enabled(c, IW_CHK_CANARY_WITHOUT_MAIN) &&
	             !chk_enabled(c, IW_CHK_HOST_PATH_CONFLICT)
	           : !routes && !rejects && !(nic && chk_enabled(c, IW_CHK_MINION_WITHOUT_MASTER)))
		return;
	if (!c->ing->nrules && !alb)
		return;
	size_t nn = 0;
	const struct ingress **nb, **set = NULL;
	bool dropped;   /* the canaries are left out already */
	if ((c->out->err = neighbours(c, ngx && !canary, &nb, &nn, &dropped)))
		return;
	/* chk_neighbours leaves room for one more: the object itself */
	const struct ingress *self[1];
	const struct ingress **all = nn ? nb : self;
	struct taken_set tk = { 0 };
	struct rtab local = { 0 }, *r = &local;
	struct before bf = { 0 };
	if (alb) {
		chk_alb(c, nb, nn);
		goto out;
	}
	if (canary) {
		chk_canary(c, nb, nn);
		goto out;
	}
	if (c->prof->id == IW_PROFILE_TRAEFIK) {
		if (routes)
			chk_traefik(c, nb, nn);
		goto out;
	}
	if (nic) {
		/* one Ingress per host (minions: per path): check_nic.c; the paths of
		 * the object among themselves below */
		chk_nic(c, nb, nn);
		nn = 0;
		all = nb ? nb : self;
	}
	if (ngx && !dropped) {   /* canaries create no locations (SEMANTICS-ingress-nginx sec. 5.2, 6.3) */
		size_t w = 0;
		for (size_t i = 0; i < nn; i++)
			if (!iw_ngx_is_canary(nb[i]))
				nb[w++] = nb[i];
		nn = w;
	}
	all[nn] = c->ing;
	bf.in = (struct rt_input){ .ingresses = all, .ningresses = nn };
	if (routes) {
		/* the "after" table: the neighbours and the object, in address
		 * order (the memo's key: equal sets give equal tables) */
		if (!(set = malloc((nn + 1) * sizeof *set)))
			goto oom;
		sorted_set(set, all, nn, c->ing);
		if (c->memo && c->memo->tab.t && c->memo->tab.nset == nn + 1 &&
		    !memcmp(c->memo->tab.set, set, (nn + 1) * sizeof *set)) {
			r = &c->memo->tab;
			free(set);
		} else {
			enum iw_err e = rtab_build(&local, set, nn + 1);   /* takes set */
			if (e) {
				c->out->err = e;
				set = NULL;
				goto out;
			}
			if (c->memo) {
				rtab_release(&c->memo->tab);
				memo_ngx_clear(c->memo);
				c->memo->tab = local;
				local = (struct rtab){ 0 };
				r = &c->memo->tab;
			}
		}
		set = NULL;
	}
	for (size_t k = 0; k < c->nhosts && !c->out->err; k++) {
		const char *h = iw_nz(c->ing->rules[c->host_rules[k]].host);
		bool refused = false;
		if (ngx && c->memo && r == &c->memo->tab) {
			/* the host's locations among this set, once for all its objects */
			bool added;
			void **slot = map_put(&c->memo->ngx, h, strlen(h), &added);
			if (slot && added && !(*slot = chk_ngx_host_new(all, nn + 1, h))) {
				map_del(&c->memo->ngx, h, strlen(h), NULL);
				slot = NULL;
			}
			if (!slot)
				goto oom;
			if (chk_ngx_host_regex(*slot)) {
				chk_ngx_regex_refused(c, all, nn + 1, h);
				continue;   /* regex mode: not literal strings */
			}
			refused = chk_ngx_host_locations(c, *slot, h);
		} else if (ngx) {
			if (chk_ngx_regex_host(all, nn + 1, h)) {
				chk_ngx_regex_refused(c, all, nn + 1, h);
				continue;   /* regex mode: not literal strings */
			}
			/* when nginx refuses the host's locations, which path is shadowed
			 * is moot */
			refused = chk_ngx_locations(c, all, nn + 1, h);
		}
		if (routes)
			check_group(c, r, &bf, h, &tk, refused);
	}
	goto out;
oom:
	c->out->err = IW_ENOMEM;
out:
	free(set);
	rtab_release(&local);
	taken_release(&tk);
	rt_free(bf.t);
	free(nb);
}
