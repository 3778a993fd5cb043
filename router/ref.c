/*
 * The reference matcher: the decision tests/corpus/ROUTING-SEMANTICS.md
 * describes, by plain scans, written to be read side by side with that
 * document (its sections are cited as "sec. N").  It reads the table's list
 * of served Ingresses, its host groups and its entries, never the hash
 * indexes nor the order of the entries; rt_match (match.c) must decide
 * exactly as it does (tests/unit/router/test_router_ref.c), and rt_explain
 * (explain.c) shows its steps.  Its cost grows with the table: it is for
 * tests and explanations, not for traffic.
 *
 * What rt_build (build.c) decided before and the reference takes as given:
 * which Ingresses are served (sec. 2), which of their paths can be routed
 * (a known pathType and a backend: rt_skipped counts the others), and the
 * host groups: one per rule host, lower-cased without its trailing dot
 * (sec. 5, first paragraph).
 */
#include <string.h>

#include "base/err.h"
#include "router/ngx.h"
#include "router/table.h"

/* ---- sec. 7: precedence ----------------------------------------------------- */

/* "namespace/name" of a and b compared byte-wise, without building them */
static int cmp_nsname(const struct rt_ing *a, const struct rt_ing *b)
{
	const char *pa[3] = { a->ns, "/", a->name }, *pb[3] = { b->ns, "/", b->name };
	int ia = 0, ib = 0;
	const char *ca = pa[0], *cb = pb[0];
	for (;;) {
		while (ia < 3 && !*ca && ++ia < 3)
			ca = pa[ia];
		while (ib < 3 && !*cb && ++ib < 3)
			cb = pb[ib];
		bool ea = ia >= 3, eb = ib >= 3;
		if (ea || eb)
			return ea && eb ? 0 : ea ? -1 : 1;
		if (*ca != *cb)
			return (unsigned char)*ca < (unsigned char)*cb ? -1 : 1;
		ca++;
		cb++;
	}
}

int rt_ref_cmp_age(const struct rt_ing *a, const struct rt_ing *b, enum rt_key *key)
{
	/* key 3: an Ingress without a creationTimestamp sorts after every
	 * Ingress that has one [reference choice] ... */
	*key = RT_K_TIMESTAMP;
	if (a->has_ts != b->has_ts)
		return a->has_ts ? -1 : 1;
	/* ... else the oldest creationTimestamp wins */
	*key = RT_K_AGE;
	if (a->has_ts && a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	/* key 4: the first namespace/name in ascending byte order */
	*key = RT_K_NAME;
	int c = cmp_nsname(a, b);
	if (c)
		return c;
	/* the same namespace/name twice in the input: list order */
	*key = RT_K_ORDER;
	return a->input_idx < b->input_idx ? -1 : a->input_idx > b->input_idx;
}

bool rt_ref_before(const struct rt_table *t, const struct rt_ent *a, const struct rt_ent *b,
                   enum rt_key *key)
{
	/* key 1: the longest path p, in raw characters, a trailing '/'
	 * included (an empty IS path counts as "/": rt_ent.path) */
	*key = RT_K_LENGTH;
	if (a->plen != b->plen)
		return a->plen > b->plen;
	/* key 2: on equal length, Exact > Prefix > ImplementationSpecific */
	*key = RT_K_TYPE;
	if (a->type != b->type)
		return a->type < b->type;
	/* keys 3-4: across Ingresses, the oldest, then namespace/name */
	if (a->rank != b->rank)
		return rt_ref_cmp_age(&t->ings[a->rank], &t->ings[b->rank], key) < 0;
	/* key 5: in one Ingress, the first rule, then the first path */
	*key = RT_K_ORDER;
	if (a->rule != b->rule)
		return a->rule < b->rule;
	return a->pidx < b->pidx;
}

/* ---- sec. 5: the host group ------------------------------------------------- */

long rt_ref_group(const struct rt_table *t, const struct rt_nreq *r)
{
	const char *h = r->host;
	size_t n = r->host_len;
	/* sec. 3.4: an empty Host or an IP literal never equals a rule host */
	if (r->host_kind == RT_HOST_NAME) {
		/* 1. the exact group equal to the normalised host */
		for (size_t g = 0; g < t->ngroups; g++) {
			const struct rt_group *gr = &t->groups[g];
			if (gr->kind == RT_G_EXACT && gr->hlen == n && !memcmp(gr->host, h, n))
				return (long)g;
		}
		/* 2. otherwise the wildcard group "*." + the host without its
		 * first label, if the host has at least two labels and a
		 * non-empty first label */
		const char *dot = memchr(h, '.', n);
		if (dot && dot > h && dot + 1 < h + n) {
			const char *rest = dot + 1;
			size_t rl = n - (size_t)(rest - h);
			for (size_t g = 0; g < t->ngroups; g++) {
				const struct rt_group *gr = &t->groups[g];
				if (gr->kind == RT_G_WILDCARD && gr->hlen == rl + 2 &&
				    !memcmp(gr->host + 2, rest, rl))
					return (long)g;
			}
		}
	}
	/* 3. otherwise the group of rules without a host, if any */
	for (size_t g = 0; g < t->ngroups; g++)
		if (t->groups[g].kind == RT_G_HOSTLESS)
			return (long)g;
	/* 4. otherwise no group */
	return -1;
}

/* ---- sec. 6: does a path match ---------------------------------------------- */

bool rt_ref_matches(const struct rt_ent *e, const char *np, size_t n)
{
	const char *p = e->path;
	size_t pl = e->plen;
	switch (e->type) {
	case RT_EXACT:
		/* np == p */
		return pl == n && !memcmp(p, np, n);
	case RT_PREFIX: {
		/* p == "/" matches everything.  Otherwise q is p without its
		 * trailing '/', and np matches when np == q or np starts with
		 * q + "/" */
		if (pl == 1 && p[0] == '/')
			return true;
		size_t q = pl > 0 && p[pl - 1] == '/' ? pl - 1 : pl;
		return q <= n && !memcmp(p, np, q) && (q == n || np[q] == '/');
	}
	case RT_IS:
		/* a case-sensitive string prefix: np starts with p (an empty or
		 * absent IS path is "/": rt_ent.path) */
		return pl <= n && !memcmp(p, np, pl);
	}
	return false;
}

/* ---- sec. 6 and 7: the best matching path of a group ------------------------ */

void rt_ref_best(const struct rt_table *t, long g, const char *np, size_t n, long *best,
                 long *second)
{
	*best = *second = -1;
	if (g < 0)
		return;
	/* once a group is chosen, only its paths are matched (no
	 * fall-through, sec. 5) */
	for (size_t i = 0; i < t->nents; i++) {
		const struct rt_ent *e = &t->ents[i];
		enum rt_key k;
		if (e->group != (size_t)g || !rt_ref_matches(e, np, n))
			continue;
		if (*best < 0 || rt_ref_before(t, e, &t->ents[*best], &k)) {
			*second = *best;
			*best = (long)i;
		} else if (*second < 0 || rt_ref_before(t, e, &t->ents[*second], &k)) {
			*second = (long)i;
		}
	}
}

/* ---- sec. 8: default backends ----------------------------------------------- */

/* Does rule host h fall into group g?  Rule hosts are grouped as request
 * hosts are normalised: ASCII lower case (sec. 3.2), one trailing dot
 * dropped (sec. 3.3). */
static bool rule_host_in(const char *h, const struct rt_group *g)
{
	size_t n = strlen(h);
	if (n > 0 && h[n - 1] == '.')
		n--;
	if (n != g->hlen)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = h[i] >= 'A' && h[i] <= 'Z' ? (char)(h[i] - 'A' + 'a') : h[i];
		if (c != g->host[i])
			return false;
	}
	return true;
}

static bool has_rule_in(const struct ingress *ing, const struct rt_group *g)
{
	for (size_t j = 0; j < ing->nrules; j++)
		if (rule_host_in(iw_nz(ing->rules[j].host), g))
			return true;
	return false;
}

long rt_ref_default(const struct rt_table *t, long g)
{
	/* 1. an exact or wildcard group: only the Ingresses that have a rule
	 * in that group; 2. no group, or the host-less one: every served
	 * Ingress.  Of those with a spec.defaultBackend, the oldest wins
	 * (sec. 7 keys 3-4). */
	bool host_claimed = g >= 0 && t->groups[g].kind != RT_G_HOSTLESS;
	long best = -1;
	for (size_t r = 0; r < t->nings; r++) {
		const struct rt_ing *ii = &t->ings[r];
		enum rt_key k;
		if (!ii->ing->has_default_backend)
			continue;
		if (host_claimed && !has_rule_in(ii->ing, &t->groups[g]))
			continue;
		if (best < 0 || rt_ref_cmp_age(ii, &t->ings[best], &k) < 0)
			best = (long)r;
	}
	return best;
}

/* ---- the decision ----------------------------------------------------------- */

void rt_decision_init(struct rt_decision *d)
{
	memset(d, 0, sizeof *d);
	d->profile = IW_PROFILE_SPEC;
	d->winner = d->runner_up = -1;
}

void rt_decision_fill(const struct rt_table *t, long g, long best, long second, long dflt,
                      struct rt_decision *d)
{
	d->group = g >= 0 ? t->groups[g].kind : RT_G_NONE;
	d->kind = "Ingress";
	if (best >= 0) {
		const struct rt_ent *e = &t->ents[best];
		d->match = RT_RULE;
		d->ingress = e->ing;
		d->namespace_ = e->ns;
		d->name = e->name;
		d->backend = e->backend;
		d->rule = e->rule_p;
		d->path = e->path_p;
		d->rule_host = e->rule_host;
		d->rule_path = e->rule_path;
		d->path_type = e->type;
		d->rule_index = e->rule;
		d->path_index = e->pidx;
		d->winner = best;
		d->runner_up = second;
		d->key = RT_K_NONE;
		if (second >= 0)
			rt_ref_before(t, e, &t->ents[second], &d->key);
	} else if (dflt >= 0) {
		const struct rt_ing *ii = &t->ings[dflt];
		d->match = RT_DEFAULT;
		d->backend = &ii->ing->default_backend;
		d->ingress = ii->ing;
		d->namespace_ = ii->ns;
		d->name = ii->name;
	} else {
		d->kind = NULL;   /* RT_NONE */
	}
}

int rt_match_ref(const struct rt_table *t, const char *host, size_t host_len, const char *path,
                 size_t path_len, struct rt_decision *d)
{
	if (t->ngx)   /* the emulation is itself a plain walk of nginx's structures */
		return rt_ngx_match(t->ngx, host, host_len, path, path_len, d);
	struct rt_nreq r;
	rt_decision_init(d);
	/* sec. 3 and 4: the request's host and path */
	if (rt_norm_request(host, host_len, path, path_len, &r) != IW_OK)
		return IW_ETOOBIG;
	d->changes = r.host_changes | r.path_changes;
	/* sec. 5: first the host group, ... */
	long g = rt_ref_group(t, &r);
	/* sec. 6 and 7: ... then the best matching path of that group, ... */
	long best, second;
	rt_ref_best(t, g, r.path, r.path_len, &best, &second);
	/* sec. 8: ... or, when none matches, a default backend */
	long dflt = best < 0 ? rt_ref_default(t, g) : -1;
	rt_decision_fill(t, g, best, second, dflt, d);
	return IW_OK;
}
