/*
 * Gateway API routing of one request (see httproute.h): listener, host,
 * candidates, precedence under the profile, action.  One code path decides
 * and, when asked, writes the explanation as it goes (gw_explain), so the
 * text can never tell another story than the decision.
 */
#include "router/gwtable.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "router/router.h"

/* ---------- candidates ---------- */

static bool push_att(struct work *w, size_t a)
{
	if (w->natts == w->capatts) {
		size_t nc = w->capatts ? 2 * w->capatts : 64;
		size_t *v = realloc(w->atts, nc * sizeof *v);
		if (!v)
			return false;
		w->atts = v;
		w->capatts = nc;
	}
	w->atts[w->natts++] = a;
	return true;
}

/* [lo, hi) of the entries of a sorted index with this key */
static void range(const struct gw_hkey *v, size_t n, const char *key, size_t len, size_t *lo,
                  size_t *hi)
{
	size_t a = 0, b = n;
	while (a < b) {
		size_t mid = a + (b - a) / 2;
		int c = strncmp(v[mid].key, key, len);
		if (c == 0 && v[mid].key[len])
			c = 1;
		if (c < 0)
			a = mid + 1;
		else
			b = mid;
	}
	*lo = a;
	b = a;
	while (b < n && !strncmp(v[b].key, key, len) && !v[b].key[len])
		b++;
	*hi = b;
}

static int size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return (x > y) - (x < y);
}

/* The attachments on a selected listener whose hostnames take the host. */
static bool gather(struct work *w, const bool *sel)
{
	const struct gw_table *t = w->t;
	const char *h = w->r->n.host;
	size_t hl = w->r->n.host_len, lo, hi;
	range(t->exact, t->nexact, h, hl, &lo, &hi);
	for (size_t i = lo; i < hi; i++)
		if (sel[t->att[t->exact[i].att].listener] && !push_att(w, t->exact[i].att))
			return false;
	for (size_t k = 0; k < hl; k++) {
		if (h[k] != '.' || k == 0)
			continue;
		range(t->wild, t->nwild, h + k + 1, hl - k - 1, &lo, &hi);
		for (size_t i = lo; i < hi; i++)
			if (sel[t->att[t->wild[i].att].listener] && !push_att(w, t->wild[i].att))
				return false;
	}
	for (size_t i = 0; i < t->nany; i++)
		if (sel[t->att[t->any[i]].listener] && !push_att(w, t->any[i]))
			return false;
	if (w->natts > 16) {
		qsort(w->atts, w->natts, sizeof *w->atts, size_cmp);
	} else {   /* the usual few: insertion */
		for (size_t i = 1; i < w->natts; i++) {
			size_t x = w->atts[i], j = i;
			for (; j > 0 && w->atts[j - 1] > x; j--)
				w->atts[j] = w->atts[j - 1];
			w->atts[j] = x;
		}
	}
	size_t k = 0;
	for (size_t i = 0; i < w->natts; i++)
		if (!k || w->atts[k - 1] != w->atts[i])
			w->atts[k++] = w->atts[i];
	w->natts = k;
	return true;
}

/* The best effective hostname of an attachment for the host: rank and name. */
static const char *best_host(const struct gw_attach *a, const char *h, size_t hl, size_t *ex,
                             size_t *chars)
{
	*ex = *chars = 0;
	if (a->any)
		return NULL;
	const char *best = NULL;
	for (size_t i = 0; i < a->nhosts; i++) {
		const char *p = a->hosts[i];
		if (!gw_hostmatch(p, h, hl))
			continue;
		size_t len = strlen(p), e = p[0] == '*' ? 0 : len;
		if (!best || e > *ex || (e == *ex && len > *chars)) {
			best = p;
			*ex = e;
			*chars = len;
		}
	}
	return best;
}

/* ---------- precedence ---------- */

static int type_rank(enum gw_profile p, enum gw_path_type pt)
{
	switch (p) {
	case GW_PROFILE_ENVOY_GATEWAY:   /* Exact > RegularExpression > PathPrefix */
		return pt == GW_PATH_EXACT ? 3 : pt == GW_PATH_REGEX ? 2 : 1;
	default:                         /* Exact > PathPrefix > RegularExpression */
		return pt == GW_PATH_EXACT ? 3 : pt == GW_PATH_PREFIX ? 2 : 1;
	}
}

/* The characters of the value each profile compares. */
static size_t path_chars(enum gw_profile p, const struct gw_cmatch *cm)
{
	const char *v = cm->m->path;
	size_t n = cm->chars;
	switch (p) {
	case GW_PROFILE_SPEC:
		return cm->m->path_type == GW_PATH_REGEX ? 0 : n;
	case GW_PROFILE_ENVOY_GATEWAY:   /* pathMatchCount: a "/" prefix counts 0 */
		return cm->m->path_type == GW_PATH_PREFIX && !strcmp(v, "/") ? 0 : strlen(v);
	case GW_PROFILE_ISTIO:           /* createURIMatch trims a PathPrefix's trailing '/' */
		return cm->m->path_type == GW_PATH_PREFIX && strcmp(v, "/") && v[strlen(v) - 1] == '/'
		       ? strlen(v) - 1 : strlen(v);
	default:
		return n;
	}
}

#define CMP(x, y, k) do { if ((x) != (y)) { *key = (k); return (x) > (y) ? -1 : 1; } } while (0)

/* route order: age, then namespace/name (the table's order) */
static int cmp_route(const struct gw_table *t, const struct gw_cmatch *a, const struct gw_cmatch *b,
                     enum gw_key *key)
{
	if (a->route != b->route) {
		const struct gw_croute *x = &t->routes[a->route], *y = &t->routes[b->route];
		*key = x->has_ts != y->has_ts ? GW_K_TIMESTAMP
		     : x->has_ts && x->ts != y->ts ? GW_K_AGE : GW_K_NAME;
		return x->order < y->order ? -1 : 1;
	}
	*key = GW_K_RULE_ORDER;
	if (a->rule != b->rule)
		return a->rule < b->rule ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index ? 1 : 0;
}

/* < 0 when candidate a wins over b; *key the criterion that separated them. */
static int cmp_cand(const struct gw_table *t, const struct cand *ca, const struct cand *cb,
                    enum gw_key *key)
{
	const struct gw_cmatch *a = &t->matches[ca->cm], *b = &t->matches[cb->cm];
	enum gw_profile p = t->profile;
	const struct gw_match *ma = a->m, *mb = b->m;
	switch (p) {
	case GW_PROFILE_SPEC:
		CMP(ca->host_exact, cb->host_exact, GW_K_HOST_EXACT);
		CMP(ca->host_chars, cb->host_chars, GW_K_HOST_CHARS);
		CMP(type_rank(p, ma->path_type), type_rank(p, mb->path_type), GW_K_PATH_TYPE);
		CMP(path_chars(p, a), path_chars(p, b), GW_K_PATH_CHARS);
		CMP(ma->method != NULL, mb->method != NULL, GW_K_METHOD);
		CMP(a->nheaders, b->nheaders, GW_K_HEADERS);
		CMP(a->nquery, b->nquery, GW_K_QUERY);
		break;
	case GW_PROFILE_ENVOY_GATEWAY:
		CMP(type_rank(p, ma->path_type), type_rank(p, mb->path_type), GW_K_PATH_TYPE);
		CMP(path_chars(p, a), path_chars(p, b), GW_K_PATH_CHARS);
		CMP(ma->nheaders + (ma->method != NULL), mb->nheaders + (mb->method != NULL), GW_K_HEADERS);
		CMP(a->exact_headers + (ma->method != NULL), b->exact_headers + (mb->method != NULL),
		    GW_K_EXACT_HEADERS);
		CMP(ma->nquery, mb->nquery, GW_K_QUERY);
		CMP(a->exact_query, b->exact_query, GW_K_EXACT_QUERY);
		break;
	case GW_PROFILE_ISTIO:
		CMP(type_rank(p, ma->path_type), type_rank(p, mb->path_type), GW_K_PATH_TYPE);
		CMP(path_chars(p, a), path_chars(p, b), GW_K_PATH_CHARS);
		CMP(ma->method != NULL, mb->method != NULL, GW_K_METHOD);
		CMP(ma->nheaders, mb->nheaders, GW_K_HEADERS);
		CMP(ma->nquery, mb->nquery, GW_K_QUERY);
		break;
	default:   /* nginx-gateway-fabric, inside one location (httpmatches order) */
		CMP(ma->method != NULL, mb->method != NULL, GW_K_METHOD);
		CMP(ma->nheaders, mb->nheaders, GW_K_HEADERS);
		CMP(ma->nquery, mb->nquery, GW_K_QUERY);
		break;
	}
	return cmp_route(t, a, b, key);
}

/* ---------- nginx-gateway-fabric: the location of a path ---------- */

/* What location a match's PathRule owns for the request path, nginx's way:
 * 3 exact ("= v"), 2 regex ("~ ^v"), 1 prefix ("v/" or a written "v/"), 0 none. */
static int ngf_location(const struct work *w, const struct gw_cmatch *cm, const char *p, size_t n,
                        size_t *prefix_len)
{
	const struct gw_table *t = w->t;
	const struct gw_match *m = cm->m;
	*prefix_len = 0;
	if (m->path_type == GW_PATH_EXACT)
		return n == cm->path_len && !memcmp(p, cm->path, n) ? 3 : 0;
	if (m->path_type == GW_PATH_REGEX)
		return cm->path_re && iw_re_prefix(cm->path_re, p, n) ? 2 : 0;
	if (m->path_type != GW_PATH_PREFIX)
		return 0;
	size_t wl = strlen(m->path);
	bool slashed = wl && m->path[wl - 1] == '/';
	/* another PathRule owns "= v" (an Exact v) or "v/" (a PathPrefix "v/") */
	bool exact_owned = false, slash_owned = false;
	for (size_t i = 0; !slashed && i < w->n; i++) {
		const struct gw_cmatch *o = &t->matches[w->c[i].cm];
		if (o->m->path_type == GW_PATH_EXACT && o->path_len == cm->path_len &&
		    !memcmp(o->path, cm->path, cm->path_len))
			exact_owned = true;
		if (o->m->path_type == GW_PATH_PREFIX && o != cm && o->path_len == cm->path_len &&
		    !memcmp(o->path, cm->path, cm->path_len) && o->m->path[strlen(o->m->path) - 1] == '/')
			slash_owned = true;
	}
	if (!slashed && !exact_owned && n == cm->path_len && !memcmp(p, cm->path, n))
		return 3;
	if (slashed || !slash_owned) {
		/* location "v/": a string prefix (for "/" every path) */
		size_t l = cm->path_len;
		if (n > l && !memcmp(p, cm->path, l) && p[l] == '/') {
			*prefix_len = l + 1;
			return 1;
		}
		if (!l) {
			*prefix_len = 1;
			return 1;
		}
	}
	return 0;
}

/* ---------- the decision ---------- */

static void none(struct gw_decision *d, enum gw_none why)
{
	d->matched = false;
	d->none = why;
	d->status = 404;
}

/* listener selection key (SEMANTICS.md 3.3): larger wins */
static void listener_key(const struct gw_listener *l, long k[3])
{
	k[0] = k[1] = k[2] = 0;
	if (!l->hostname)
		return;
	size_t len = strlen(l->hostname);
	if (l->hostname[0] == '*') {
		long dots = 0;
		for (const char *s = l->hostname; *s; s++)
			dots += *s == '.';
		k[0] = 1, k[1] = dots, k[2] = (long)len;
	} else {
		k[0] = 2, k[1] = (long)len;
	}
}

static int key_cmp(const long a[3], const long b[3])
{
	for (int i = 0; i < 3; i++)
		if (a[i] != b[i])
			return a[i] > b[i] ? 1 : -1;
	return 0;
}

static const char *profile_tag(const struct gw_table *t)
{
	return gw_profile_name(t->profile);
}

static void write_request(struct buf *tx, const struct gw_table *t, const struct gw_request *in,
                          const struct req *r)
{
	buf_printf(tx, "request: host \"%.*s\" -> \"%s\"", (int)(in->host ? in->host_len : 0),
	           in->host ? in->host : "", r->n.host);
	if (r->n.host_changes) {
		buf_puts(tx, " (");
		rt_text_changes(tx, r->n.host_changes);
		buf_puts(tx, ")");
	}
	buf_printf(tx, "\n         path \"%.*s\" -> \"%s\"", (int)(in->path ? in->path_len : 1),
	           in->path ? in->path : "/", r->n.path);
	if (r->n.path_changes) {
		buf_puts(tx, " (");
		rt_text_changes(tx, r->n.path_changes);
		buf_puts(tx, ")");
	}
	buf_printf(tx, "\n         method %s", r->method);
	for (size_t i = 0; i < r->nheaders; i++)
		buf_printf(tx, ", header %s: %s", r->headers[i].name, r->headers[i].value);
	for (size_t i = 0; i < r->nquery; i++)
		buf_printf(tx, ", query %s=%s", r->query[i].name, r->query[i].value);
	buf_putc(tx, '\n');
	if (t->profile != GW_PROFILE_SPEC)
		buf_printf(tx, "profile: %s (where the specification leaves a choice, this "
		               "implementation's; steps marked [%s])\n", profile_tag(t), profile_tag(t));
}

/* Step 1 (SEMANTICS.md 0, 3): the port, and the most specific listeners of
 * that port that take the host, into sel.  GW_NONE_MATCHED when some are. */
static enum gw_none select_listeners(struct work *w, bool *sel, struct gw_decision *d)
{
	const struct gw_table *t = w->t;
	const struct req *r = w->r;
	long port = r->port;
	if (port <= 0) {
		long lowest = 0;
		bool has80 = false;
		for (size_t i = 0; i < t->nlisteners; i++) {
			long p = (long)t->listeners[i].l->port;
			has80 |= p == 80;
			if (!lowest || p < lowest)
				lowest = p;
		}
		port = has80 ? 80 : lowest;
	}
	d->port = port;
	long best[3] = { -1, 0, 0 };
	size_t onport = 0, nsel = 0;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < t->nlisteners; i++) {
			const struct gw_listener *l = t->listeners[i].l;
			if (l->port != port)
				continue;
			onport += !pass;
			if (l->hostname && !gw_hostmatch(l->hostname, r->n.host, r->n.host_len))
				continue;
			long k[3];
			listener_key(l, k);
			if (!pass && key_cmp(k, best) > 0)
				memcpy(best, k, sizeof best);
			if (pass && !key_cmp(k, best)) {
				sel[i] = true;
				nsel++;
			}
		}
	for (size_t i = 0; w->tx && i < t->nlisteners; i++) {
		const struct gw_clistener *cl = &t->listeners[i];
		if (cl->l->port != port)
			continue;
		bool takes = !cl->l->hostname || gw_hostmatch(cl->l->hostname, r->n.host, r->n.host_len);
		buf_printf(w->tx, "listener: %c %s/%s %s (%s, port %lld, hostname %s): %s\n",
		           sel[i] ? '*' : '-', iw_namespace(&cl->g->meta), iw_nz(cl->g->meta.name),
		           cl->l->name, cl->l->protocol, cl->l->port,
		           cl->l->hostname ? cl->l->hostname : "(none)",
		           sel[i] ? "chosen" : takes ? "takes the host, a more specific listener wins"
		                                     : "does not take the host");
	}
	if (!onport) {
		if (w->tx)
			buf_printf(w->tx, "listener: no HTTP/HTTPS listener on port %ld\n", port);
		return GW_NONE_NO_LISTENER;
	}
	return nsel ? GW_NONE_MATCHED : GW_NONE_NO_HOST;
}

struct rank {
	size_t ex, ch;
	const char *h;
};

/* Step 2 (SEMANTICS.md 4, 5.1): the routes of the chosen listeners that take
 * the host, one attachment per route (its best hostname), into w->atts and
 * ranks; then the virtual host of the Envoy- and nginx-based profiles. */
static int routes_for_host(struct work *w, const bool *sel, struct rank **ranksp,
                           const char **vhost, bool *vhost_any)
{
	const struct gw_table *t = w->t;
	const struct req *r = w->r;
	if (!gather(w, sel))
		return IW_ENOMEM;
	struct rank *ranks = calloc(w->natts + 1, sizeof *ranks);
	if (!ranks)
		return IW_ENOMEM;
	size_t kept = 0;
	for (size_t i = 0; i < w->natts; i++) {
		const struct gw_attach *a = &t->att[w->atts[i]];
		size_t ex, ch;
		const char *h = best_host(a, r->n.host, r->n.host_len, &ex, &ch);
		if (!h && !a->any)
			continue;
		bool dup = false;
		for (size_t k = 0; k < kept && !dup; k++)
			if (t->att[w->atts[k]].route == a->route) {
				dup = true;
				if (ex > ranks[k].ex || (ex == ranks[k].ex && ch > ranks[k].ch)) {
					w->atts[k] = w->atts[i];
					ranks[k] = (struct rank){ ex, ch, h };
				}
			}
		if (!dup) {
			w->atts[kept] = w->atts[i];
			ranks[kept++] = (struct rank){ ex, ch, h };
		}
	}
	w->natts = kept;
	*ranksp = ranks;
	*vhost = NULL;
	*vhost_any = false;
	if (t->profile == GW_PROFILE_SPEC || !w->natts)
		return IW_OK;
	/* one virtual host per hostname: the most specific alone serves */
	bool found = false;
	size_t bex = 0, bch = 0;
	for (size_t i = 0; i < w->natts; i++)
		if (ranks[i].h && (!found || ranks[i].ex > bex || (ranks[i].ex == bex && ranks[i].ch > bch))) {
			found = true;
			bex = ranks[i].ex, bch = ranks[i].ch;
			*vhost = ranks[i].h;
		}
	*vhost_any = !found;
	if (w->tx)
		buf_printf(w->tx, "virtual host: %s%s%s [%s]: one per hostname; only its routes are "
		                  "considered, no fall-through to less specific hostnames\n",
		           *vhost ? "\"" : "", *vhost ? *vhost : "(any host)", *vhost ? "\"" : "",
		           profile_tag(t));
	return IW_OK;
}

/* Step 3 (SEMANTICS.md 5): every match of those routes, tried. */
static int try_matches(struct work *w, const struct rank *ranks, const char *vhost, bool vhost_any)
{
	const struct gw_table *t = w->t;
	const struct req *r = w->r;
	for (size_t i = 0; i < w->natts; i++) {
		const struct gw_attach *a = &t->att[w->atts[i]];
		if (t->profile != GW_PROFILE_SPEC) {
			bool inside = vhost_any && a->any;
			for (size_t k = 0; !vhost_any && k < a->nhosts && !inside; k++)
				inside = !strcmp(a->hosts[k], vhost);
			if (!inside)
				continue;
		}
		const struct gw_croute *cr = &t->routes[a->route];
		for (size_t j = 0; j < cr->n; j++) {
			if (w->n == w->cap) {
				size_t nc = w->cap ? 2 * w->cap : 64;
				struct cand *v = realloc(w->c, nc * sizeof *v);
				if (!v)
					return IW_ENOMEM;
				w->c = v;
				w->cap = nc;
			}
			struct cand *c = &w->c[w->n++];
			*c = (struct cand){ w->atts[i], cr->first + j, ranks[i].ex, ranks[i].ch, ranks[i].h,
			                    M_OK, NULL, false };
			if (t->profile != GW_PROFILE_SPEC && !vhost_any)
				c->hostname = vhost;
			const struct gw_cmatch *cm = &t->matches[c->cm];
			if (cm->broken)
				c->miss = M_BROKEN;
			else if (!gw_path_ok(t, cm, r->n.path, r->n.path_len))
				c->miss = M_PATH;
			else
				c->miss = gw_rest_ok(t, cm, r, &c->which);
		}
	}
	return IW_OK;
}

/* Step 4: the best and the second best of the candidates that hold
 * (and, for nginx-gateway-fabric, sit in the chosen location). */
static void best_two(const struct work *w, bool ngf, long *win, long *second)
{
	*win = *second = -1;
	for (size_t i = 0; i < w->n; i++) {
		if (w->c[i].miss || (ngf && !w->c[i].location))
			continue;
		enum gw_key k;
		if (*win < 0 || cmp_cand(w->t, &w->c[i], &w->c[*win], &k) < 0) {
			*second = *win;
			*win = (long)i;
		} else if (*second < 0 || cmp_cand(w->t, &w->c[i], &w->c[*second], &k) < 0) {
			*second = (long)i;
		}
	}
}

/* nginx-gateway-fabric: the location by the path alone (exact, else the
 * first regex by pattern length, else the longest prefix); marks its
 * candidates.  Returns the kind: 3 exact, 2 regex, 1 prefix, 0 none. */
static int ngf_choose_location(struct work *w)
{
	const struct gw_table *t = w->t;
	const struct req *r = w->r;
	int kind = 0;
	size_t best_prefix = 0;
	long regex_pick = -1;
	for (size_t i = 0; i < w->n; i++) {
		const struct gw_cmatch *cm = &t->matches[w->c[i].cm];
		if (cm->broken)
			continue;
		size_t pl;
		int k = ngf_location(w, cm, r->n.path, r->n.path_len, &pl);
		if (k == 3) {
			kind = 3;
		} else if (k == 2) {
			const struct gw_cmatch *o = regex_pick >= 0 ? &t->matches[w->c[regex_pick].cm] : NULL;
			if (!o || cm->path_len > o->path_len ||
			    (cm->path_len == o->path_len && strcmp(cm->path, o->path) < 0))
				regex_pick = (long)i;
			if (kind < 2)
				kind = 2;
		} else if (k == 1 && pl > best_prefix) {
			best_prefix = pl;
			if (kind < 1)
				kind = 1;
		}
	}
	for (size_t i = 0; i < w->n; i++) {
		const struct gw_cmatch *cm = &t->matches[w->c[i].cm];
		if (cm->broken)
			continue;
		size_t pl;
		int k = ngf_location(w, cm, r->n.path, r->n.path_len, &pl);
		w->c[i].location = (kind == 3 && k == 3) ||
		                   (kind == 2 && k == 2 &&
		                    !strcmp(cm->path, t->matches[w->c[regex_pick].cm].path)) ||
		                   (kind == 1 && k == 1 && pl == best_prefix);
	}
	if (w->tx) {
		static const char *const kinds[] = { "none", "prefix", "regex (the first in order of "
		                                     "pattern length)", "exact" };
		buf_printf(w->tx, "location: %s [%s]: nginx chooses the location by the path alone; "
		                  "only the matches of that location are tried\n", kinds[kind],
		           profile_tag(t));
	}
	return kind;
}

static void write_candidates(const struct work *w, long win)
{
	const struct gw_table *t = w->t;
	struct buf *tx = w->tx;
	bool ngf = t->profile == GW_PROFILE_NGINX_GATEWAY_FABRIC;
	buf_puts(tx, "candidates:\n");
	if (!w->n)
		buf_puts(tx, "    (no route attached to the chosen listener takes this host)\n");
	for (size_t i = 0; i < w->n; i++) {
		const struct cand *c = &w->c[i];
		bool chosen = (long)i == win;
		buf_printf(tx, "  %c ", chosen ? '*' : (!c->miss && (!ngf || c->location)) ? '-' : ' ');
		gw_text_match(tx, t, c);
		if (chosen) {
			buf_puts(tx, ": matches; chosen\n");
		} else if (c->miss) {
			buf_printf(tx, ": does not match (%s%s%s)\n", gw_miss_text(c->miss),
			           c->which ? " " : "", c->which ? c->which : "");
		} else if (ngf && !c->location) {
			buf_printf(tx, ": matches, but nginx chose another location for the path [%s]\n",
			           profile_tag(t));
		} else {
			enum gw_key k;
			cmp_cand(t, &w->c[win], c, &k);
			buf_printf(tx, ": matches, loses: %s\n", gw_key_text(k, t->profile));
		}
	}
}

static void write_reason(const struct gw_table *t, const struct req *r,
                         const struct gw_decision *d, struct buf *tx, struct buf *reason)
{
	static const char *const why[] = {
		[GW_NONE_MATCHED] = "",
		[GW_NONE_NO_GATEWAY] = "the Gateway asked for is not in the input: 404",
		[GW_NONE_NO_LISTENER] = "no HTTP/HTTPS listener on the port: 404",
		[GW_NONE_NO_HOST] = "no listener of the port takes the host: 404",
		[GW_NONE_NO_RULE] = "no rule of the routes attached to the chosen listener matches: "
		                    "404 (HTTPRoute has no default backend)",
		[GW_NONE_LOCATION] = "nginx chose the location by the path and none of its matches "
		                     "holds: 404 [nginx-gateway-fabric]",
	};
	struct buf line;
	buf_init(&line, 1 << 16);
	if (d->matched) {
		buf_printf(&line, "%s %s matches %s", gw_path_type_name(d->match), d->match->path,
		           r->n.path);
		if (d->hostname)
			buf_printf(&line, " on hostname %s", d->hostname);
		if (d->key != GW_K_NONE)
			buf_printf(&line, "; %s", gw_key_text(d->key, t->profile));
		char tag[48];
		snprintf(tag, sizeof tag, "[%s]", profile_tag(t));
		if (t->profile != GW_PROFILE_SPEC && (!line.p || !strstr(line.p, tag)))
			buf_printf(&line, " %s", tag);
	} else if (d->none == GW_NONE_NO_RULE && t->profile != GW_PROFILE_SPEC) {
		buf_printf(&line, "no rule of the virtual host %s%s%s matches, and there is no "
		                  "fall-through to less specific hostnames: 404 [%s]",
		           d->virtual_host ? "\"" : "", d->virtual_host ? d->virtual_host : "(any host)",
		           d->virtual_host ? "\"" : "", profile_tag(t));
	} else {
		buf_puts(&line, why[d->none]);
	}
	if (d->changes) {
		buf_puts(&line, " (request: ");
		rt_text_changes(&line, d->changes);
		buf_puts(&line, ")");
	}
	if (tx) {
		char id[GW_MAX_LOCATION + 64];
		gw_outcome_text(d, id, sizeof id);
		if (d->matched)
			buf_printf(tx, "decision: rule %s/%s spec.rules[%zu] -> %s\n", d->namespace_, d->name,
			           d->rule_index, id);
		else
			buf_puts(tx, "decision: none -> 404\n");
		buf_printf(tx, "reason: %s\n", line.p ? line.p : "");
	}
	if (reason)
		buf_puts(reason, line.p ? line.p : "");
	if (line.err && reason && !reason->err)
		reason->err = line.err;
	buf_release(&line);
}

static int decide(const struct gw_table *t, const struct gw_request *in, struct gw_decision *d,
                  struct buf *tx, struct buf *reason)
{
	memset(d, 0, offsetof(struct gw_decision, location));
	d->location[0] = '\0';
	d->profile = t->profile;
	d->single = -1;
	none(d, GW_NONE_NO_RULE);
	struct req *r = malloc(sizeof *r);
	bool *sel = calloc(t->nlisteners + 1, sizeof *sel);
	struct rank *ranks = NULL;
	struct work w = { t, r, NULL, 0, 0, NULL, 0, 0, tx };
	int rc = r && sel ? gw_read_request(in, r) : IW_ENOMEM;
	if (rc)
		goto out;
	d->changes = r->n.host_changes | r->n.path_changes;
	if (tx)
		write_request(tx, t, in, r);
	enum gw_none why = GW_NONE_NO_GATEWAY;
	if (t->status == IW_ENOTFOUND) {
		if (tx)
			buf_puts(tx, "listener: the Gateway asked for is not in the input\n");
	} else {
		why = select_listeners(&w, sel, d);
	}
	if (why != GW_NONE_MATCHED) {
		none(d, why);
		goto explain;
	}
	const char *vhost;
	bool vhost_any;
	if ((rc = routes_for_host(&w, sel, &ranks, &vhost, &vhost_any)) ||
	    (rc = try_matches(&w, ranks, vhost, vhost_any)))
		goto out;
	d->virtual_host = vhost;
	bool ngf = t->profile == GW_PROFILE_NGINX_GATEWAY_FABRIC;
	int loc = ngf ? ngf_choose_location(&w) : 0;
	long win, second;
	best_two(&w, ngf, &win, &second);
	for (size_t i = 0; i < w.n; i++)
		d->ncandidates += !w.c[i].miss && (!ngf || w.c[i].location);
	if (win >= 0) {
		gw_act(t, r, &w.c[win], d);
		if (second >= 0)
			cmp_cand(t, &w.c[win], &w.c[second], &d->key);
	} else {
		none(d, ngf && loc ? GW_NONE_LOCATION : GW_NONE_NO_RULE);
	}
	if (tx)
		write_candidates(&w, win);
explain:
	if (tx || reason)
		write_reason(t, r, d, tx, reason);
out:
	free(ranks);
	free(w.c);
	free(w.atts);
	free(sel);
	free(r);
	return rc;
}

int gw_route(const struct gw_table *t, const struct gw_request *req, struct gw_decision *d)
{
	return decide(t, req, d, NULL, NULL);
}

char *gw_explain(const struct gw_table *t, const struct gw_request *req, struct gw_decision *d,
                 char **reason)
{
	struct buf tx, rs;
	buf_init(&tx, 16u << 20);
	buf_init(&rs, 1 << 16);
	if (reason)
		*reason = NULL;
	int rc = decide(t, req, d, &tx, &rs);
	char *text = rc ? NULL : buf_steal(&tx, NULL);
	char *why = rc ? NULL : buf_steal(&rs, NULL);
	buf_release(&tx);
	buf_release(&rs);
	if (!text || !why) {
		free(text);
		free(why);
		return NULL;
	}
	if (reason)
		*reason = why;
	else
		free(why);
	return text;
}
