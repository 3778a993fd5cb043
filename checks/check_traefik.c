/*
 * host-path-conflict and shadowed-path under the Traefik profile (the
 * kubernetesIngress provider of traefik/traefik fd5a576df2e8), which routes
 * unlike the specification in two ways:
 *
 *   - every path becomes a router whose rule is `Host("h") && PathPrefix("p")`
 *     (Prefix and ImplementationSpecific; `Path("p")` for Exact; no Host part
 *     for a host-less rule; pkg/provider/kubernetes/ingress/kubernetes.go
 *     loadRouter :755-815, buildRule :948-966), and PathPrefix matches
 *     character-wise (/foo takes /foobar) unless the provider runs with
 *     strictPrefixMatching (not the default);
 *   - of the routers that match a request, the one with the highest priority
 *     serves it, and a router's priority is the LENGTH OF ITS RULE STRING
 *     (pkg/muxer/http/mux.go GetRulePriority :73-77) unless the annotation
 *     traefik.ingress.kubernetes.io/router.priority sets one; equal priorities
 *     are not ordered (sort.Sort, mux.go :215-219).  So PathPrefix("/foo")
 *     (18 characters) outranks Path("/foobar") (15): an Exact path can be
 *     shadowed by a shorter Prefix, and a host-less rule with a long path can
 *     outrank a host's rule with a short one.
 *
 * For each host the object names (exact hosts; wildcard hosts are left to
 * the reference checks), the routers of that host and the host-less ones of
 * the class are decided for probe requests derived from the object's paths
 * and from the other paths that extend them: p, p<fresh>, p/<fresh>.  A probe
 * another Ingress's router serves without the object and the object's router
 * serves with it is host-path-conflict (so is an equal priority with another
 * Ingress's router: Traefik does not say which); a path of the object whose
 * router serves none of the probes it matches is shadowed-path.  The work is
 * bounded (MAX_EVAL router tests per object); past it the rest is not judged.
 */
#include "checks/checkctx.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TRF "traefik.ingress.kubernetes.io/"
#define FRESH "\x01"                /* stands for any continuation; never printed */
#define MAX_EVAL 50000000ULL
#define MAX_PAIRS 256

enum { M_PATH, M_PREFIX, M_ANY };   /* Path("p"), PathPrefix("p"), no path matcher */

struct tent {
	const struct ingress *ing;
	size_t rule, path;
	const char *host, *p;
	int m;
	long long prio;
	bool annotated;             /* prio from router.priority, not the rule's length */
	bool mine;
};

/* The length Go's %q gives a string (strconv.Quote): the quotes, '\"' and
 * '\\' escaped, \a\b\f\n\r\t\v two bytes, other control bytes four (\xNN),
 * the rest as they are (UTF-8 assumed printable). */
static size_t qlen(const char *s)
{
	size_t n = 2;
	for (const unsigned char *u = (const unsigned char *)s; *u; u++)
		n += *u == '"' || *u == '\\' || (*u >= 7 && *u <= 13) ? 2
		   : *u < 0x20 || *u == 0x7f ? 4 : 1;
	return n;
}

static const char *rule_text(const struct tent *e, char *buf, size_t size)
{
	const char *mt = e->m == M_PATH ? "Path" : "PathPrefix";
	if (*e->host && e->m != M_ANY)
		snprintf(buf, size, "Host(\"%s\") && %s(\"%s\")", e->host, mt, e->p);
	else if (*e->host)
		snprintf(buf, size, "Host(\"%s\")", e->host);
	else
		snprintf(buf, size, "%s(\"%s\")", mt, e->p);
	return buf;
}

static bool go_atoll(const char *v, long long *out)
{
	char *end;
	if (!v || !*v)
		return false;
	long long x = strtoll(v, &end, 10);
	if (*end)
		return false;
	*out = x;
	return true;
}

/* The router of one path, or false when it has none this check can judge
 * (a PathRegexp matcher). */
static bool entry(const struct ingress *ing, size_t r, size_t j, bool mine, struct tent *e)
{
	const struct iw_path *ip = &ing->rules[r].paths[j];
	if (!ip->has_backend)
		return false;
	const char *t = ip->path_type ? ip->path_type : "ImplementationSpecific";
	const char *p = iw_nz(ip->path);
	int m = M_PREFIX;
	if (!strcmp(t, "Exact"))
		m = M_PATH;
	else if (strcmp(t, "Prefix")) {
		const char *pm = iw_meta_annotation(&ing->meta, TRF "router.pathmatcher");
		if (pm && !strcmp(pm, "Path"))
			m = M_PATH;
		else if (pm && strcmp(pm, "PathPrefix"))
			return false;   /* PathRegexp (or an invalid matcher: the router fails) */
	}
	if (!*p)
		m = M_ANY;
	const char *h = iw_nz(ing->rules[r].host);
	size_t len = (*h ? 6 + qlen(h) : 0) + (m == M_ANY ? 0 : (m == M_PATH ? 6 : 12) + qlen(p)) +
	             (*h && m != M_ANY ? 4 : 0);
	long long prio = 0;
	bool ann = go_atoll(iw_meta_annotation(&ing->meta, TRF "router.priority"), &prio) && prio;
	if (!ann)
		prio = (long long)len;
	*e = (struct tent){ ing, r, j, h, p, m, prio, ann, mine };
	return true;
}

static const char *prio_src(const struct tent *e)
{
	return e->annotated ? ", router.priority" : "";
}

static bool matches(const struct tent *e, const char *probe, size_t pl)
{
	size_t l = strlen(e->p);
	switch (e->m) {
	case M_PATH: return pl == l && !memcmp(probe, e->p, l);
	case M_PREFIX: return pl >= l && !memcmp(probe, e->p, l);
	default: return true;
	}
}

struct probes {
	char **v;
	size_t n, cap;
};

static int add_probe(struct probes *ps, const char *a, const char *b)
{
	if (ps->n == ps->cap) {
		size_t nc = ps->cap ? 2 * ps->cap : 32;
		char **nv = realloc(ps->v, nc * sizeof *nv);
		if (!nv)
			return -1;
		ps->v = nv;
		ps->cap = nc;
	}
	size_t al = strlen(a), bl = strlen(b);
	char *s = malloc(al + bl + 1);
	if (!s)
		return -1;
	memcpy(s, a, al);
	memcpy(s + al, b, bl + 1);
	ps->v[ps->n++] = s;
	return 0;
}

static int probes_of(struct probes *ps, const struct tent *e)
{
	const char *p = *e->p ? e->p : "/";
	if (add_probe(ps, p, ""))
		return -1;
	if (e->m == M_PATH)
		return 0;
	size_t l = strlen(p);
	return add_probe(ps, p, FRESH) || add_probe(ps, p, p[l - 1] == '/' ? FRESH : "/" FRESH);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct pair {
	size_t mine;
	const struct ingress *other;
};

static bool seen_pair(struct pair *v, size_t *n, size_t mine, const struct ingress *other)
{
	for (size_t i = 0; i < *n; i++)
		if (v[i].mine == mine && v[i].other == other)
			return true;
	if (*n < MAX_PAIRS)
		v[(*n)++] = (struct pair){ mine, other };
	return false;
}

static void one_host(struct chk_ctx *c, const char *h, const struct tent *e, size_t ne,
                     unsigned long long *budget)
{
	struct probes ps = { 0 };
	bool *won = calloc(ne ? ne : 1, sizeof *won);
	struct pair *pairs = malloc(MAX_PAIRS * sizeof *pairs);
	size_t npairs = 0;
	if (!won || !pairs)
		goto oom;
	for (size_t i = 0; i < ne; i++) {
		if (!e[i].mine)
			continue;
		if (probes_of(&ps, &e[i]))
			goto oom;
		if (e[i].m == M_PATH)
			continue;
		for (size_t k = 0; k < ne; k++)   /* the paths that extend it */
			if (!e[k].mine && k != i && e[k].m != M_ANY &&
			    matches(&e[i], e[k].p, strlen(e[k].p)) && probes_of(&ps, &e[k]))
				goto oom;
	}
	if (ps.n)   /* qsort must not be given NULL, even for no element */
		qsort(ps.v, ps.n, sizeof *ps.v, cmp_str);
	bool complete = true;
	for (size_t q = 0; q < ps.n; q++) {
		if (q && !strcmp(ps.v[q], ps.v[q - 1]))
			continue;
		if (*budget < ne) {
			complete = false;   /* bounded: the rest is not judged */
			break;
		}
		const char *pr = ps.v[q];
		size_t pl = strlen(pr);
		/* the top priority with the object (a) and without it (b): the
		 * entries are in descending priority (chk_traefik sorts them), the
		 * first matches decide */
		long long pa = 0, pb = 0;
		size_t ia = SIZE_MAX, ib = SIZE_MAX, tested = 0;
		for (size_t i = 0; i < ne && ib == SIZE_MAX; i++) {
			tested++;
			if (!matches(&e[i], pr, pl))
				continue;
			if (ia == SIZE_MAX)
				pa = e[i].prio, ia = i;
			if (!e[i].mine)
				pb = e[i].prio, ib = i;
		}
		*budget -= tested < *budget ? tested : *budget;
		if (ia == SIZE_MAX)
			continue;
		char pt[300], ra[600], rb[600];
		for (size_t i = ia; i < ne && e[i].prio == pa; i++) {
			if (!e[i].mine || !matches(&e[i], pr, pl))
				continue;
			won[i] = true;
			const struct iw_path *ip = &c->ing->rules[e[i].rule].paths[e[i].path];
			const char *type = ip->path_type ? ip->path_type : "ImplementationSpecific";
			if (ib != SIZE_MAX && pb == pa && !seen_pair(pairs, &npairs, i, e[ib].ing))
				chk_emit(c, IW_CHK_HOST_PATH_CONFLICT,
				         !strcmp(iw_namespace(&e[ib].ing->meta), c->ns),
				         CHK_PATH_FP(e[i].rule, e[i].path),
				         "%s %s on host \"%s\": for %s, Traefik's router %s and the router %s of "
				         "ingress %s/%s (spec.rules[%zu].http.paths[%zu]) have the same priority "
				         "%lld%s: which one serves them is not defined",
				         type, *e[i].p ? e[i].p : "(no path)", *h ? h : "(any)",
				         chk_probe_text(pr, FRESH, pt, sizeof pt), rule_text(&e[i], ra, sizeof ra),
				         rule_text(&e[ib], rb, sizeof rb), iw_namespace(&e[ib].ing->meta),
				         iw_nz(e[ib].ing->meta.name), e[ib].rule, e[ib].path, pa,
				         e[i].annotated || e[ib].annotated ? " (router.priority)"
				                                           : " (the length of the rule)");
			else if (ib != SIZE_MAX && pb < pa && !seen_pair(pairs, &npairs, i, e[ib].ing))
				chk_emit(c, IW_CHK_HOST_PATH_CONFLICT,
				         !strcmp(iw_namespace(&e[ib].ing->meta), c->ns),
				         CHK_PATH_FP(e[i].rule, e[i].path),
				         "%s %s on host \"%s\" takes %s from ingress %s/%s "
				         "(spec.rules[%zu].http.paths[%zu]): Traefik serves a request with the "
				         "router of the highest priority, the length of its rule unless "
				         "router.priority sets one: %s is %lld%s, %s %lld%s (PathPrefix matches "
				         "character-wise)",
				         type, *e[i].p ? e[i].p : "(no path)", *h ? h : "(any)",
				         chk_probe_text(pr, FRESH, pt, sizeof pt), iw_namespace(&e[ib].ing->meta),
				         iw_nz(e[ib].ing->meta.name), e[ib].rule, e[ib].path,
				         rule_text(&e[i], ra, sizeof ra), pa,
				         e[i].annotated ? " (router.priority)" : "",
				         rule_text(&e[ib], rb, sizeof rb), pb,
				         e[ib].annotated ? " (router.priority)" : "");
		}
	}
	/* shadowed: a path of the object whose router tops no probe it matches
	 * (only when every probe was decided); the router that beats it on its
	 * own path names why */
	for (size_t i = 0; complete && i < ne && *budget >= ne; i++) {
		if (!e[i].mine || won[i])
			continue;
		const char *own = *e[i].p ? e[i].p : "/";
		size_t ol = strlen(own), best = SIZE_MAX;
		*budget -= ne;
		for (size_t k = 0; k < ne; k++)
			if (k != i && matches(&e[k], own, ol) && (best == SIZE_MAX || e[k].prio > e[best].prio))
				best = k;
		if (best == SIZE_MAX || e[best].prio <= e[i].prio)
			continue;   /* a tie: host-path-conflict said so */
		const struct iw_path *ip = &c->ing->rules[e[i].rule].paths[e[i].path];
		char ra[600], rb[600];
		chk_emit(c, IW_CHK_SHADOWED_PATH, false, CHK_PATH_FP(e[i].rule, e[i].path),
		         "%s %s on host \"%s\" never receives traffic: Traefik serves a request with the "
		         "router of the highest priority, the length of its rule unless router.priority "
		         "sets one, and %s (%lld%s) of %s %s/%s (spec.rules[%zu].http.paths[%zu]) outranks "
		         "this path's %s (%lld%s) on every request it matches (PathPrefix matches "
		         "character-wise)",
		         ip->path_type ? ip->path_type : "ImplementationSpecific",
		         *e[i].p ? e[i].p : "(no path)", *h ? h : "(any)",
		         rule_text(&e[best], rb, sizeof rb), e[best].prio, prio_src(&e[best]),
		         e[best].ing == c->ing ? "this Ingress," : "ingress",
		         iw_namespace(&e[best].ing->meta), iw_nz(e[best].ing->meta.name), e[best].rule,
		         e[best].path, rule_text(&e[i], ra, sizeof ra), e[i].prio, prio_src(&e[i]));
	}
	goto out;
oom:
	c->out->err = IW_ENOMEM;
out:
	for (size_t q = 0; q < ps.n; q++)
		free(ps.v[q]);
	free(ps.v);
	free(won);
	free(pairs);
}

/* descending priority; ties in a fixed order (namespace/name, rule, path) */
static int cmp_prio(const void *pa, const void *pb)
{
	const struct tent *a = pa, *b = pb;
	if (a->prio != b->prio)
		return a->prio > b->prio ? -1 : 1;
	int r = strcmp(iw_namespace(&a->ing->meta), iw_namespace(&b->ing->meta));
	if (!r)
		r = strcmp(iw_nz(a->ing->meta.name), iw_nz(b->ing->meta.name));
	if (!r)
		r = a->rule != b->rule ? (a->rule < b->rule ? -1 : 1)
		  : a->path != b->path ? (a->path < b->path ? -1 : 1) : 0;
	return r;
}

static int add_entries(struct tent **v, size_t *n, size_t *cap, const struct ingress *ing,
                       const char *h, bool mine)
{
	for (size_t r = 0; r < ing->nrules; r++) {
		const char *rh = iw_nz(ing->rules[r].host);
		if (*rh && strcasecmp(rh, h))
			continue;
		if (mine && strcmp(rh, h))
			continue;   /* the object's rules for this host, as written */
		for (size_t j = 0; j < ing->rules[r].npaths; j++) {
			struct tent e;
			if (!entry(ing, r, j, mine, &e))
				continue;
			if (*n == *cap) {
				size_t nc = *cap ? 2 * *cap : 32;
				struct tent *nv = realloc(*v, nc * sizeof *nv);
				if (!nv)
					return -1;
				*v = nv;
				*cap = nc;
			}
			(*v)[(*n)++] = e;
		}
	}
	return 0;
}

void chk_traefik(struct chk_ctx *c, const struct ingress *const *nb, size_t nn)
{
	/* the host-less Ingresses of the class compete on every host */
	size_t nhl = 0;
	const struct ingress *const *hl = c->st ? iw_state_by_host(c->st, "", &nhl) : NULL;
	unsigned long long budget = MAX_EVAL;
	struct tent *v = NULL;
	size_t cap = 0;
	for (size_t k = 0; k < c->nhosts && !c->out->err; k++) {
		const char *h = iw_nz(c->ing->rules[c->host_rules[k]].host);
		if (*h == '*')
			continue;   /* wildcard hosts: not judged here */
		size_t n = 0;
		bool oom = add_entries(&v, &n, &cap, c->ing, h, true) != 0;
		/* for a host-less object rule (h ""), only the host-less routers */
		for (size_t i = 0; i < nn && !oom; i++)
			oom = add_entries(&v, &n, &cap, nb[i], h, false) != 0;
		for (size_t i = 0; i < nhl && !oom && *h; i++) {
			bool dup = hl[i] == c->ing || iw_same_object(&hl[i]->meta, &c->ing->meta) ||
			           !chk_same_domain(c, hl[i]);
			for (size_t j = 0; j < nn && !dup; j++)
				dup = nb[j] == hl[i];
			if (!dup)
				oom = add_entries(&v, &n, &cap, hl[i], "", false) != 0;
		}
		if (oom) {
			c->out->err = IW_ENOMEM;
			break;
		}
		if (n)
			qsort(v, n, sizeof *v, cmp_prio);
		one_host(c, h, v, n, &budget);
	}
	free(v);
}
