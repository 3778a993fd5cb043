/*
 * The checks only the nginx-based profiles have.  Sources: SEMANTICS-
 * ingress-nginx.md (tests/corpus; sections cited), ingress-nginx
 * controller-v1.15.1, docs/profile-evidence/CVES.md, NGINX Inc
 * internal/k8s/validation.go.
 *
 *   controller-rejects (ingress-nginx)  locations nginx refuses as
 *       duplicates on a host that is not in regex mode (sec. 10): Prefix /foo
 *       and Prefix /foo/ both become `location /foo/`; Exact /a then two
 *       Prefix /a from newer Ingresses (the controller's duplicate test stops
 *       at the Exact, sec. 6.4).  nginx refuses the reload and the controller
 *       keeps its previous configuration for the whole class.  The same path
 *       and pathType twice is not one: the newer is ignored (sec. 6.4),
 *       duplicate-path / host-path-conflict say so.
 *       On a host in regex mode: a path PCRE refuses (nginx refuses the
 *       configuration; sec. 10).
 *   controller-rejects (nginx-inc)      paths its validation refuses.
 *   canary-without-main                 a canary whose host, path and
 *       pathType no non-canary Ingress serves: its upstream is dropped
 *       (sec. 7); two canaries on one host and path: host-path-conflict (the
 *       admission webhook refuses the second; only the oldest counts).
 *   dangerous-path (ingress-nginx)      a path or host that can leave its
 *       nginx.conf token (CVE-2026-24512, CVE-2026-3288, CVE-2026-4342) or
 *       that deep inspection refuses (the Ingress is ignored).
 */
#include "checks/checkctx.h"
#include "profile/ingress_nginx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- regex mode, duplicate locations ---------------------------------------- */

static bool names_host(const struct ingress *ing, const char *h)
{
	for (size_t r = 0; r < ing->nrules; r++)
		if (!strcmp(iw_nz(ing->rules[r].host), h))
			return true;
	return false;
}

bool chk_ngx_regex_host(const struct ingress *const *all, size_t n, const char *h)
{
	for (size_t i = 0; i < n; i++) {
		const struct ingress *ing = all[i];
		if (!names_host(ing, h) || iw_ngx_is_canary(ing))
			continue;
		if (iw_ngx_regex_location(ing, NULL))
			return true;
		for (size_t r = 0; r < ing->nrules; r++) {
			if (strcmp(iw_nz(ing->rules[r].host), h))
				continue;
			for (size_t j = 0; j < ing->rules[r].npaths; j++)
				if (iw_ngx_regex_location(ing, iw_nz(ing->rules[r].paths[j].path)))
					return true;
		}
	}
	return false;
}

/* The order of Ingresses (sec. 3, iw_ngx_order): an Ingress without a
 * creationTimestamp (the object under review, a manifest) is about to be
 * created, after every stored one. */
static int cmp_age(const void *a, const void *b)
{
	return iw_ngx_order(a, b, true);
}

struct occ {                    /* one path of one Ingress on the host */
	const struct ingress *ing;  /* NULL: the server's root location */
	size_t rule, path, order;
	const char *p;              /* "" is "/" */
	bool exact;
};

struct loc {                    /* one rendered nginx location */
	const char *name;
	size_t len;                 /* Prefix p: p + "/" (len counts it) */
	bool exact, slash;          /* "= name"; 'slash': a '/' follows name[0..len-1) */
	const struct occ *from;
};

static int cmp_occ(const void *a, const void *b)
{
	const struct occ *x = a, *y = b;
	int r = strcmp(x->p, y->p);
	return r ? r : x->order < y->order ? -1 : x->order > y->order;
}

/* compares the rendered names (p, or p + "/") */
static int cmp_loc(const void *a, const void *b)
{
	const struct loc *x = a, *y = b;
	if (x->exact != y->exact)
		return x->exact ? -1 : 1;
	size_t n = x->len < y->len ? x->len : y->len;
	for (size_t i = 0; i < n; i++) {
		unsigned char cx = (unsigned char)(x->slash && i == x->len - 1 ? '/' : x->name[i]);
		unsigned char cy = (unsigned char)(y->slash && i == y->len - 1 ? '/' : y->name[i]);
		if (cx != cy)
			return cx < cy ? -1 : 1;
	}
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->from->order < y->from->order ? -1 : x->from->order > y->from->order;
}

/* The locations of one host among a set of Ingresses, sorted by name (see
 * checkctx.h: struct chk_ngx_host). */
struct chk_ngx_host {
	bool regex;                 /* the host is in regex mode */
	struct occ *o;              /* NULL when fewer than 3 locations: no clash */
	struct loc *l;
	size_t nl;
};

void chk_ngx_host_free(struct chk_ngx_host *p)
{
	if (!p)
		return;
	free(p->o);
	free(p->l);
	free(p);
}

bool chk_ngx_host_regex(const struct chk_ngx_host *p)
{
	return p->regex;
}

struct chk_ngx_host *chk_ngx_host_new(const struct ingress *const *all, size_t n, const char *h)
{
	struct chk_ngx_host *ph = calloc(1, sizeof *ph);
	if (!ph)
		return NULL;
	if ((ph->regex = chk_ngx_regex_host(all, n, h)))
		return ph;
	size_t np = 1;
	for (size_t i = 0; i < n; i++)
		for (size_t r = 0; r < all[i]->nrules; r++)
			if (!strcmp(iw_nz(all[i]->rules[r].host), h))
				np += all[i]->rules[r].npaths;
	if (np < 3)
		return ph;   /* the root and one path cannot clash */
	struct occ *o = malloc(np * sizeof *o);
	struct loc *l = malloc(2 * np * sizeof *l);
	struct iw_ngx_age *sorted = malloc((n ? n : 1) * sizeof *sorted);
	if (!o || !l || !sorted) {
		free(o);
		free(l);
		free(sorted);
		free(ph);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)   /* each timestamp read once, not in the comparator */
		sorted[i] = iw_ngx_age_of(all[i]);
	qsort(sorted, n, sizeof *sorted, cmp_age);
	size_t k = 0;
	o[k] = (struct occ){ NULL, 0, 0, k, "/", false };   /* the server's root location */
	k++;
	for (size_t i = 0; i < n; i++) {
		const struct ingress *ing = sorted[i].ing;
		if (iw_ngx_is_canary(ing))
			continue;
		for (size_t r = 0; r < ing->nrules; r++) {
			if (strcmp(iw_nz(ing->rules[r].host), h))
				continue;
			for (size_t j = 0; j < ing->rules[r].npaths; j++) {
				const struct iw_path *p = &ing->rules[r].paths[j];
				if (!p->has_backend || p->backend.has_resource)
					continue;   /* sec. 6.2 */
				const char *t = p->path_type;
				o[k] = (struct occ){ ing, r, j, k, *iw_nz(p->path) ? p->path : "/",
				                     t && !strcmp(t, "Exact") };
				k++;
			}
		}
	}
	free(sorted);
	qsort(o, k, sizeof *o, cmp_occ);
	/* sec. 6.4: a path's first location decides; a later one of another
	 * pathType is added, one of the same pathType is ignored */
	size_t nl = 0;
	for (size_t i = 0; i < k;) {
		size_t g = i;
		bool has_exact = false;
		while (g < k && !strcmp(o[g].p, o[i].p))
			g++;
		for (size_t x = i; x < g; x++)
			if (x == i || o[x].exact != o[i].exact)
				has_exact |= o[x].exact;
		for (size_t x = i; x < g; x++) {
			if (x != i && o[x].exact == o[i].exact)
				continue;
			size_t pl = strlen(o[x].p);
			if (o[x].exact) {
				l[nl++] = (struct loc){ o[x].p, pl, true, false, &o[x] };
			} else if (pl == 1) {
				l[nl++] = (struct loc){ o[x].p, 1, false, false, &o[x] };   /* "/" */
			} else {
				/* sec. 6.7: Prefix p -> "p/" (and "= p" unless an Exact p exists) */
				bool sl = o[x].p[pl - 1] != '/';
				l[nl++] = (struct loc){ o[x].p, pl + sl, false, sl, &o[x] };
				if (!has_exact)
					l[nl++] = (struct loc){ o[x].p, pl, true, false, &o[x] };
			}
		}
		i = g;
	}
	qsort(l, nl, sizeof *l, cmp_loc);
	ph->o = o;
	ph->l = l;
	ph->nl = nl;
	return ph;
}

bool chk_ngx_host_locations(struct chk_ctx *c, const struct chk_ngx_host *ph, const char *h)
{
	bool found = false;
	if (!chk_enabled(c, IW_CHK_CONTROLLER_REJECTS) || !ph->l)
		return false;
	const struct loc *l = ph->l;
	size_t nl = ph->nl;
	for (size_t i = 1; i < nl; i++) {
		const struct loc *a = &l[i - 1], *b = &l[i];
		struct loc tmp = *b;
		tmp.from = a->from;   /* compare the names only */
		if (cmp_loc(a, &tmp) || !a->from->ing || !b->from->ing ||
		    (a->from->ing != c->ing && b->from->ing != c->ing))
			continue;
		const struct occ *mine = b->from->ing == c->ing ? b->from : a->from;
		const struct occ *other = mine == b->from ? a->from : b->from;
		const struct iw_path *op = &other->ing->rules[other->rule].paths[other->path];
		char who[600];
		if (other->ing == c->ing)
			snprintf(who, sizeof who, "of this Ingress");
		else
			snprintf(who, sizeof who, "of ingress %s/%s", iw_namespace(&other->ing->meta),
			         iw_nz(other->ing->meta.name));
		found = true;
		chk_emit(c, IW_CHK_CONTROLLER_REJECTS, false, CHK_PATH_FP(mine->rule, mine->path),
		         "%s %s on host \"%s\" and %s %s %s (spec.rules[%zu].http.paths[%zu]) "
		         "both become nginx `location %s%.*s%s`: nginx refuses the configuration "
		         "(duplicate location), ingress-nginx keeps running the previous one and no "
		         "later change of an Ingress of the class takes effect (SEMANTICS-ingress-nginx "
		         "sec. 10)",
		         mine->exact ? "Exact" : "Prefix", mine->p, *h ? h : "(any)",
		         op->path_type ? op->path_type : "ImplementationSpecific", other->p, who,
		         other->rule, other->path, b->exact ? "= " : "", (int)(b->len - b->slash), b->name,
		         b->slash ? "/" : "");
		while (i + 1 < nl && (tmp = l[i + 1], tmp.from = a->from, !cmp_loc(a, &tmp)))
			i++;   /* one finding per name */
	}
	return found;
}

bool chk_ngx_locations(struct chk_ctx *c, const struct ingress *const *all, size_t n,
                       const char *h)
{
	if (!chk_enabled(c, IW_CHK_CONTROLLER_REJECTS))
		return false;
	struct chk_ngx_host *ph = chk_ngx_host_new(all, n, h);
	if (!ph) {
		c->out->err = IW_ENOMEM;
		return false;
	}
	bool found = chk_ngx_host_locations(c, ph, h);
	chk_ngx_host_free(ph);
	return found;
}

/* Regex mode (sec. 6, 10): every path of the host becomes `location ~* "^PATH"`
 * and nginx refuses the configuration when PCRE refuses one of them.  The
 * object's own paths, and the other Ingresses' paths when the object is what
 * puts the host in regex mode. */
bool chk_ngx_regex_refused(struct chk_ctx *c, const struct ingress *const *all, size_t n,
                           const char *h)
{
	if (!chk_enabled(c, IW_CHK_CONTROLLER_REJECTS))
		return false;
	bool found = false, mine_only = true;
	size_t myrule = 0;
	for (size_t r = 0; r < c->ing->nrules; r++)
		if (!strcmp(iw_nz(c->ing->rules[r].host), h)) {
			myrule = r;
			break;
		}
	for (size_t i = 0; i < n && !c->out->err; i++) {
		const struct ingress *ing = all[i];
		if (iw_ngx_is_canary(ing))
			continue;
		if (ing != c->ing && mine_only) {
			/* only when the host is not in regex mode without the object */
			const struct ingress **rest = malloc((n ? n : 1) * sizeof *rest);
			if (!rest) {
				c->out->err = IW_ENOMEM;
				return found;
			}
			size_t w = 0;
			for (size_t k = 0; k < n; k++)
				if (all[k] != c->ing)
					rest[w++] = all[k];
			bool before = chk_ngx_regex_host(rest, w, h);
			free(rest);
			if (before)
				continue;
			mine_only = false;
		}
		for (size_t r = 0; r < ing->nrules; r++) {
			if (strcmp(iw_nz(ing->rules[r].host), h))
				continue;
			for (size_t j = 0; j < ing->rules[r].npaths; j++) {
				const struct iw_path *p = &ing->rules[r].paths[j];
				if (!p->has_backend || p->backend.has_resource)
					continue;   /* sec. 6.2: no location */
				const char *path = *iw_nz(p->path) ? p->path : "/";
				char why[400];
				if (!iw_ngx_pcre_error(path, strlen(path), why, sizeof why))
					continue;
				if (!strcmp(why, "out of memory")) {
					c->out->err = IW_ENOMEM;
					return found;
				}
				found = true;
				if (ing == c->ing)
					chk_emit(c, IW_CHK_CONTROLLER_REJECTS, false, CHK_PATH_FP(r, j),
					         "path \"%s\" on host \"%s\" is in regex mode (use-regex or "
					         "rewrite-target on the host) and becomes nginx `location ~* "
					         "\"^%s\"`, which nginx refuses: %s; the admission webhook denies "
					         "the Ingress, or ingress-nginx keeps running the previous "
					         "configuration and no later change of an Ingress of the class "
					         "takes effect (SEMANTICS-ingress-nginx sec. 10)",
					         path, *h ? h : "(any)", path, why);
				else
					chk_emit(c, IW_CHK_CONTROLLER_REJECTS, false, CHK_RULE_FP(myrule),
					         "this Ingress puts host \"%s\" in regex mode (use-regex or "
					         "rewrite-target), so path \"%s\" of ingress %s/%s "
					         "(spec.rules[%zu].http.paths[%zu]) becomes nginx `location ~* "
					         "\"^%s\"`, which nginx refuses: %s; the admission webhook denies "
					         "this Ingress, or ingress-nginx keeps running the previous "
					         "configuration and no later change of an Ingress of the class "
					         "takes effect (SEMANTICS-ingress-nginx sec. 10)",
					         *h ? h : "(any)", path, iw_namespace(&ing->meta),
					         iw_nz(ing->meta.name), r, j, path, why);
			}
		}
	}
	return found;
}

/* ---- canaries --------------------------------------------------------------- */

/* A path of the canary's host in a neighbour: the path and pathType a canary
 * pairs with ("" -> "/", ImplementationSpecific and none -> Prefix). */
struct mainpath {
	const char *p;
	bool exact, canary;
	const struct ingress *ing;
};

static const char *loc_path(const struct iw_path *p)
{
	return *iw_nz(p->path) ? p->path : "/";
}

static int cmp_main(const void *a, const void *b)
{
	const struct mainpath *x = a, *y = b;
	int r = strcmp(x->p, y->p);
	if (r)
		return r;
	if (x->canary != y->canary)
		return x->canary ? 1 : -1;
	return x->exact == y->exact ? 0 : x->exact ? 1 : -1;
}

/* the first entry of v[0..n) not ordered before (p, canary, exact) */
static size_t lower(const struct mainpath *v, size_t n, const struct mainpath *key)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cmp_main(&v[mid], key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The canary paths of rule host h against the sorted paths of the
 * neighbours on h. */
static void canary_host(struct chk_ctx *c, const char *h, const struct mainpath *v, size_t n)
{
	const struct ingress *ing = c->ing;
	for (size_t r = 0; r < ing->nrules; r++) {
		if (strcmp(iw_nz(ing->rules[r].host), h))
			continue;
		for (size_t j = 0; j < ing->rules[r].npaths; j++) {
			const struct iw_path *p = &ing->rules[r].paths[j];
			if (!p->has_backend || !p->backend.has_service)
				continue;
			const char *lp = loc_path(p);
			bool exact = p->path_type && !strcmp(p->path_type, "Exact");
			struct mainpath key = { lp, exact, false, NULL };
			size_t at = lower(v, n, &key);
			if (at == n || cmp_main(&v[at], &key))
				chk_emit(c, IW_CHK_CANARY_WITHOUT_MAIN, false, CHK_PATH_FP(r, j),
				         "canary path %s (%s) on host \"%s\" has no main Ingress: no "
				         "non-canary Ingress of the class serves this host, path and pathType, "
				         "so ingress-nginx drops the canary's upstream and it receives no "
				         "traffic (SEMANTICS-ingress-nginx sec. 7)", lp,
				         p->path_type ? p->path_type : "ImplementationSpecific", *h ? h : "(any)");
			/* the admission webhook compares path strings (checkOverlap) */
			struct mainpath tk = { lp, false, true, NULL };
			at = lower(v, n, &tk);
			if (at < n && !strcmp(v[at].p, lp) && v[at].canary) {
				const struct ingress *twin = v[at].ing;
				const char *ons = iw_namespace(&twin->meta);
				chk_emit(c, IW_CHK_HOST_PATH_CONFLICT, !strcmp(ons, c->ns), CHK_PATH_FP(r, j),
				         "canary path %s on host \"%s\" is also a canary path of ingress %s/%s: "
				         "ingress-nginx's admission refuses a second canary for a host and path, "
				         "and only the oldest canary of an upstream receives traffic", lp,
				         *h ? h : "(any)", ons, iw_nz(twin->meta.name));
			}
		}
	}
}

void chk_canary(struct chk_ctx *c, const struct ingress *const *nb, size_t nn)
{
	const struct ingress *ing = c->ing;
	for (size_t r = 0; r < ing->nrules && !c->out->err; r++) {
		const char *h = iw_nz(ing->rules[r].host);
		bool seen = false;
		for (size_t k = 0; k < r && !seen; k++)
			seen = !strcmp(h, iw_nz(ing->rules[k].host));
		if (seen)
			continue;
		size_t n = 0;
		for (size_t i = 0; i < nn; i++)
			for (size_t rr = 0; rr < nb[i]->nrules; rr++)
				if (!strcmp(iw_nz(nb[i]->rules[rr].host), h))
					n += nb[i]->rules[rr].npaths;
		struct mainpath *v = malloc((n ? n : 1) * sizeof *v);
		if (!v) {
			c->out->err = IW_ENOMEM;
			return;
		}
		n = 0;
		for (size_t i = 0; i < nn; i++) {
			bool canary = iw_ngx_is_canary(nb[i]);
			for (size_t rr = 0; rr < nb[i]->nrules; rr++) {
				if (strcmp(iw_nz(nb[i]->rules[rr].host), h))
					continue;
				for (size_t jj = 0; jj < nb[i]->rules[rr].npaths; jj++) {
					const struct iw_path *q = &nb[i]->rules[rr].paths[jj];
					if (!canary && (!q->has_backend || !q->backend.has_service))
						continue;
					/* a canary twin is found by its path alone (its pathType aside) */
					v[n++] = (struct mainpath){ loc_path(q),
					                            !canary && q->path_type &&
					                            !strcmp(q->path_type, "Exact"), canary, nb[i] };
				}
			}
		}
		qsort(v, n, sizeof *v, cmp_main);
		canary_host(c, h, v, n);
		free(v);
	}
}

/* ---- dangerous-path, NGINX Inc path validation ---------------------------------- */

static void deep(struct chk_ctx *c, const char *s, const struct fpath *at, const char *what)
{
	const char *m = iw_ngx_deep_inspect(s, strlen(s));
	if (m)
		chk_emit(c, IW_CHK_DANGEROUS_PATH, false, at,
		         "%s \"%s\" matches ingress-nginx's deep inspection pattern %s (an attempt to "
		         "escape nginx.conf): the controller ignores the whole Ingress", what, s, m);
}

/* NGINX Inc's path validation (internal/k8s/validation.go:1300-1420), the
 * parts that need no regex engine; the reason, or NULL */
static const char *nic_path_refused(const char *p)
{
	size_t n = strlen(p);
	if (p[0] != '/')
		return "a path must start with '/'";
	if (p[1] == '/')
		return "a path must not start with \"//\"";
	if (strpbrk(p, " \t\n\r\f\v;"))
		return "a path must match /[^\\s;]*";
	if (!strncmp(p, "/etc/", 5) || (!strncmp(p, "/root", 5) && (p[5] == '/' || !p[5])) ||
	    (!strncmp(p, "/var", 4) && (p[4] == '/' || !p[4])))
		return "a path must not be under /etc/, /root or /var";
	for (size_t i = 0; i + 1 < n; i++)
		if (p[i] == '.' && p[i + 1] == '.' && (i == 0 || p[i - 1] == '/') &&
		    (i + 2 == n || p[i + 2] == '/'))
			return "a path must not have a \"..\" segment";
	for (size_t i = 0; i < n; i++)
		if (p[i] == '"' && (i == 0 || p[i - 1] != '\\'))
			return "a '\"' in a path must be escaped";
	return NULL;
}

void chk_dangerous_path(struct chk_ctx *c)
{
	const struct ingress *ing = c->ing;
	bool ngx = c->prof->id == IW_PROFILE_INGRESS_NGINX;
	if (c->prof->id == IW_PROFILE_NGINX_INC) {
		if (!chk_enabled(c, IW_CHK_CONTROLLER_REJECTS))
			return;
		for (size_t r = 0; r < ing->nrules; r++)
			for (size_t j = 0; j < ing->rules[r].npaths; j++) {
				const char *p = iw_nz(ing->rules[r].paths[j].path), *why;
				if (*p && (why = nic_path_refused(p)))
					chk_emit(c, IW_CHK_CONTROLLER_REJECTS, false,
					         FP_KEY(CHK_PATH_FP(r, j), "path"),
					         "path \"%s\": the NGINX Ingress Controller refuses the Ingress "
					         "(%s)", p, why);
			}
		chk_nic_spec(c);   /* check_nic.c */
		return;
	}
	if (!ngx || !chk_enabled(c, IW_CHK_DANGEROUS_PATH))
		return;
	bool auth_upstream = iw_ngx_annotation_value(ing, "auth-url") &&
	                     iw_ngx_annotation_value(ing, "auth-keepalive");
	for (size_t r = 0; r < ing->nrules; r++) {
		const char *h = iw_nz(ing->rules[r].host);
		if (*h)
			deep(c, h, FP_KEY(CHK_RULE_FP(r), "host"), "host");
		for (size_t j = 0; j < ing->rules[r].npaths; j++) {
			const char *p = iw_nz(ing->rules[r].paths[j].path);
			size_t pl = strlen(p);
			long at = iw_ngx_path_injection(p, pl);
			if (at >= 0) {
				unsigned char ch = (unsigned char)p[at];
				char what[40];
				if (ch < 0x20 || ch == 0x7f)
					snprintf(what, sizeof what, "the control character 0x%02x", ch);
				else
					snprintf(what, sizeof what, "'%c'", ch);
				chk_emit(c, IW_CHK_DANGEROUS_PATH, false, FP_KEY(CHK_PATH_FP(r, j), "path"),
				         "path holds %s at offset %ld: ingress-nginx writes the path into "
				         "nginx.conf (location lines; the rewrite directive with rewrite-target; "
				         "a comment with auth-url and auth-keepalive), where it ends the token "
				         "and injects directives before v1.13.7 / v1.14.3 / v1.15.1 "
				         "(CVE-2026-24512, CVE-2026-3288, CVE-2026-4342)%s", what, at,
				         auth_upstream && (ch == '\n' || ch == '\r')
				         ? "; this Ingress sets auth-url and auth-keepalive, the combination of "
				           "CVE-2026-4342" : "");
				continue;
			}
			deep(c, p, FP_KEY(CHK_PATH_FP(r, j), "path"), "path");
		}
	}
	for (size_t i = 0; i < ing->ntls; i++) {
		const char *s = iw_nz(ing->tls[i].secret_name);
		deep(c, s, FP_KEY(FP_IDX(FP_KEY(FP_KEY(NULL, "spec"), "tls"), i), "secretName"),
		     "secret name");
		for (size_t j = 0; j < ing->tls[i].nhosts; j++)
			deep(c, iw_nz(ing->tls[i].hosts[j]),
			     FP_IDX(FP_KEY(FP_IDX(FP_KEY(FP_KEY(NULL, "spec"), "tls"), i), "hosts"), j),
			     "TLS host");
	}
}
