/*
 * Which HTTPRoute matches claim the very same requests (see httproute.h,
 * gw_conflicts): a key per (listener, effective hostname, match
 * conditions), sorted; in each group of equal keys the first by the
 * router's precedence (the longer value as written, for PathPrefix values
 * that differ by a trailing '/'; then the older route, namespace/name, rule
 * order) serves them and every other claim serves none.
 */
#include "router/gwtable.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"

struct claimrec {
	char *key;                     /* malloc'd */
	size_t att, cm;
	const char *host;              /* NULL: any host */
};

/* Canonical text of a value match list: entries that count, names
 * lower-cased for headers, sorted. */
static int vcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool put(struct buf *b, const struct gw_value_match *v, size_t n, const bool *counts,
                bool headers)
{
	char **items = n ? calloc(n, sizeof *items) : NULL;
	if (n && !items)
		return false;
	size_t k = 0;
	bool ok = true;
	for (size_t i = 0; i < n && ok; i++) {
		if (!counts[i])
			continue;
		struct buf e;
		buf_init(&e, 1 << 16);
		for (const char *s = v[i].name; *s; s++)
			buf_putc(&e, headers && *s >= 'A' && *s <= 'Z' ? (char)(*s + 32) : *s);
		buf_printf(&e, "%c%s%c", 0x1e, v[i].type == GW_VALUE_REGEX ? "~" : "=", 0x1e);
		buf_puts(&e, v[i].value);
		items[k] = buf_steal(&e, NULL);
		buf_release(&e);
		ok = items[k++] != NULL;
	}
	if (ok && k > 1)
		qsort(items, k, sizeof *items, vcmp);
	for (size_t i = 0; i < k; i++) {
		if (items[i]) {
			buf_putc(b, 0x1d);
			buf_puts(b, items[i]);
		}
		free(items[i]);
	}
	free(items);
	return ok;
}

static char *claim_key(const struct gw_table *t, const struct gw_attach *a,
                       const struct gw_cmatch *cm, const char *host)
{
	struct buf b;
	buf_init(&b, 1 << 20);
	buf_printf(&b, "%zu%c%s%c%d%c", a->listener, 0x1f, host ? host : "", 0x1f,
	           (int)cm->m->path_type, 0x1f);
	buf_add(&b, cm->path, cm->path_len);
	buf_printf(&b, "%c%s%c", 0x1f, cm->m->method ? cm->m->method : "", 0x1f);
	bool ok = put(&b, cm->m->headers, cm->m->nheaders, cm->header_counts, true);
	buf_putc(&b, 0x1f);
	ok = ok && put(&b, cm->m->query, cm->m->nquery, cm->query_counts, false);
	(void)t;
	char *s = ok ? buf_steal(&b, NULL) : NULL;
	buf_release(&b);
	return s;
}

/* order within a group: < 0 when x serves before y */
static int claim_prec(const struct gw_table *t, const struct claimrec *x, const struct claimrec *y,
                      enum gw_key *key)
{
	const struct gw_cmatch *a = &t->matches[x->cm], *b = &t->matches[y->cm];
	/* the same requests, values that differ only by a PathPrefix's trailing
	 * '/': the router ranks the value with more characters as written first
	 * (gwmatch.c, path_chars of the spec profile) */
	if (a->chars != b->chars) {
		*key = GW_K_PATH_CHARS;
		return a->chars > b->chars ? -1 : 1;
	}
	if (a->route != b->route) {
		const struct gw_croute *p = &t->routes[a->route], *q = &t->routes[b->route];
		*key = p->has_ts != q->has_ts ? GW_K_TIMESTAMP
		     : p->has_ts && p->ts != q->ts ? GW_K_AGE : GW_K_NAME;
		return p->order < q->order ? -1 : 1;
	}
	*key = GW_K_RULE_ORDER;
	if (a->rule != b->rule)
		return a->rule < b->rule ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

int gw_conflicts(const struct gw_table *t, gw_claim_fn fn, void *arg)
{
	size_t n = 0, cap = 0;
	struct claimrec *v = NULL;
	int rc = IW_OK;
	for (size_t i = 0; i < t->natt && !rc; i++) {
		const struct gw_attach *a = &t->att[i];
		const struct gw_croute *cr = &t->routes[a->route];
		size_t nh = a->any ? 1 : a->nhosts;
		for (size_t j = 0; j < cr->n && !rc; j++) {
			const struct gw_cmatch *cm = &t->matches[cr->first + j];
			if (cm->broken)
				continue;
			for (size_t h = 0; h < nh; h++) {
				if (n == cap) {
					size_t nc = cap ? 2 * cap : 256;
					struct claimrec *nv = realloc(v, nc * sizeof *nv);
					if (!nv) {
						rc = IW_ENOMEM;
						break;
					}
					v = nv;
					cap = nc;
				}
				const char *host = a->any ? NULL : a->hosts[h];
				char *key = claim_key(t, a, cm, host);
				if (!key) {
					rc = IW_ENOMEM;
					break;
				}
				v[n++] = (struct claimrec){ key, i, cr->first + j, host };
			}
		}
	}
	if (!rc) {
		/* sort by key, then precedence: a bottom-up merge sort (qsort takes no
		 * context) */
		struct claimrec *tmp = malloc((n + 1) * sizeof *tmp);
		if (!tmp) {
			rc = IW_ENOMEM;
		} else {
			for (size_t w = 1; w < n; w *= 2)
				for (size_t lo = 0; lo < n; lo += 2 * w) {
					size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
					size_t p = lo, q = mid, k = lo;
					while (p < mid || q < hi) {
						bool left = q >= hi;
						if (!left && p < mid) {
							int c = strcmp(v[p].key, v[q].key);
							enum gw_key key;
							left = c < 0 || (c == 0 && claim_prec(t, &v[p], &v[q], &key) <= 0);
						}
						tmp[k++] = left ? v[p++] : v[q++];
					}
					memcpy(v + lo, tmp + lo, (hi - lo) * sizeof *v);
				}
			free(tmp);
		}
	}
	/* each losing (route, rule, match) once */
	bool *done = rc ? NULL : calloc(t->nmatches + 1, sizeof *done);
	if (!rc && !done)
		rc = IW_ENOMEM;
	for (size_t i = 0; !rc && i < n;) {
		size_t j = i + 1;
		while (j < n && !strcmp(v[j].key, v[i].key))
			j++;
		for (size_t k = i + 1; k < j; k++) {
			if (done[v[k].cm] || v[k].cm == v[i].cm)
				continue;
			done[v[k].cm] = true;
			enum gw_key key;
			claim_prec(t, &v[i], &v[k], &key);
			const struct gw_cmatch *lm = &t->matches[v[k].cm], *wm = &t->matches[v[i].cm];
			const struct gw_clistener *cl = &t->listeners[t->att[v[k].att].listener];
			struct gw_claim loser = { t->routes[lm->route].r, lm->rule, lm->index, cl->g, cl->l,
			                          v[k].host };
			struct gw_claim winner = { t->routes[wm->route].r, wm->rule, wm->index, cl->g, cl->l,
			                           v[i].host };
			fn(arg, &loser, &winner, key);
		}
		i = j;
	}
	free(done);
	for (size_t i = 0; i < n; i++)
		free(v[i].key);
	free(v);
	return rc;
}

size_t gw_route_attachments(const struct gw_table *t, const struct httproute *r)
{
	size_t n = 0;
	for (size_t i = 0; i < t->natt; i++)
		n += t->routes[t->att[i].route].r == r;
	return n;
}

bool gw_route_names_known_gateway(const struct gw_table *t, const struct httproute *r)
{
	for (size_t p = 0; p < r->nparents; p++) {
		const struct gw_parent_ref *pr = &r->parents[p];
		if (!gw_parent_is_gateway(pr))
			continue;
		const char *ns = gw_parent_namespace(r, pr);
		for (size_t g = 0; g < t->ngateways; g++)
			if (!strcmp(iw_nz(t->gateways[g]->meta.name), pr->name) &&
			    !strcmp(iw_namespace(&t->gateways[g]->meta), ns))
				return true;
	}
	return false;
}

/* a value with the request's normalisation (a PathPrefix without its
 * trailing '/'), into buf; the value itself when it cannot be normalised */
static const char *norm_value(const struct gw_match *m, char *buf, size_t size, size_t *len)
{
	size_t n = strlen(m->path);
	if (m->path_type == GW_PATH_REGEX || n > RT_MAX_PATH || size < n + 2) {
		*len = n;
		return m->path;
	}
	long k = rt_norm_path(m->path, n, buf, size, NULL);
	if (k < 0) {
		*len = n;
		return m->path;
	}
	if (m->path_type == GW_PATH_PREFIX && k > 0 && buf[k - 1] == '/')
		buf[--k] = '\0';
	*len = (size_t)k;
	return buf;
}

static bool ci_same(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
		char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
		if (x != y)
			return false;
	}
	return *a == *b;
}

/* the first entry of its name (the ones that count) */
static bool counts(const struct gw_value_match *v, size_t i, bool headers)
{
	for (size_t j = 0; j < i; j++)
		if (headers ? ci_same(v[j].name, v[i].name) : !strcmp(v[j].name, v[i].name))
			return false;
	return true;
}

/* every counting condition of a is one of b */
static bool covered(const struct gw_value_match *a, size_t na, const struct gw_value_match *b,
                    size_t nb, bool headers)
{
	for (size_t i = 0; i < na; i++) {
		if (!counts(a, i, headers))
			continue;
		bool found = false;
		for (size_t j = 0; j < nb && !found; j++)
			found = counts(b, j, headers) && a[i].type == b[j].type &&
			        !strcmp(a[i].value, b[j].value) &&
			        (headers ? ci_same(a[i].name, b[j].name) : !strcmp(a[i].name, b[j].name));
		if (!found)
			return false;
	}
	return true;
}

bool gw_same_conditions(const struct gw_match *a, const struct gw_match *b)
{
	if (a->path_type != b->path_type || !!a->method != !!b->method ||
	    (a->method && strcmp(a->method, b->method)))
		return false;
	char ba[RT_MAX_PATH + 2], bb[RT_MAX_PATH + 2];
	size_t la, lb;
	const char *va = norm_value(a, ba, sizeof ba, &la), *vb = norm_value(b, bb, sizeof bb, &lb);
	if (la != lb || memcmp(va, vb, la))
		return false;
	return covered(a->headers, a->nheaders, b->headers, b->nheaders, true) &&
	       covered(b->headers, b->nheaders, a->headers, a->nheaders, true) &&
	       covered(a->query, a->nquery, b->query, b->nquery, false) &&
	       covered(b->query, b->nquery, a->query, a->nquery, false);
}
