/*
 * The Gateway API routing table (see httproute.h; its shapes are gwtable.h):
 * which routes attach to which listener with which effective hostnames
 * (SEMANTICS.md 3-4), the
 * matches prepared for matching (normalised values, compiled regular
 * expressions) and the hostname indexes.  Matching is gwmatch.c.
 */
#include "router/gwtable.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "model/meta.h"

static const char *const profile_names[GW_NPROFILES] = {
	"spec", "envoy-gateway", "istio", "nginx-gateway-fabric",
};

const char *gw_profile_name(enum gw_profile p)
{
	return (unsigned)p < GW_NPROFILES ? profile_names[p] : "?";
}

int gw_profile_parse(const char *name)
{
	for (int i = 0; i < GW_NPROFILES; i++)
		if (!strcmp(name, profile_names[i]))
			return i;
	return -1;
}

bool gw_hostmatch(const char *pattern, const char *host, size_t host_len)
{
	if (pattern[0] == '*' && pattern[1] == '.') {
		size_t sl = strlen(pattern + 1);   /* ".S" */
		return host_len > sl && !memcmp(host + host_len - sl, pattern + 1, sl);
	}
	return strlen(pattern) == host_len && !memcmp(pattern, host, host_len);
}

/* ---------- memory ---------- */

static void *talloc(struct gw_table *t, size_t n)
{
	return arena_zalloc(&t->mem, n);
}

static void note(struct gw_table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct gw_table *t, const char *fmt, ...)
{
	if (t->notes.len > 64 * 1024)
		return;   /* enough to read; the rest would repeat */
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&t->notes, fmt, ap);
	va_end(ap);
	buf_putc(&t->notes, '\n');
}

/* ---------- listeners and attachment (SEMANTICS.md 3, 4) ---------- */

static bool http_protocol(const char *p, bool *https)
{
	*https = !strcmp(p, "HTTPS");
	return *https || !strcmp(p, "HTTP");
}

static bool gateway_selected(const struct gw_input *in, const struct gateway *g)
{
	if (!in->gateway)
		return true;
	const char *slash = strchr(in->gateway, '/');
	const char *ns = "default", *name = in->gateway;
	size_t nsl = 7;
	if (slash) {
		ns = in->gateway;
		nsl = (size_t)(slash - in->gateway);
		name = slash + 1;
	}
	const char *gns = iw_namespace(&g->meta);
	return strlen(gns) == nsl && !memcmp(gns, ns, nsl) && !strcmp(iw_nz(g->meta.name), name);
}

static const struct gw_namespace *find_namespace(const struct gw_input *in, const char *name)
{
	for (size_t i = 0; i < in->nnamespaces; i++)
		if (!strcmp(iw_nz(in->namespaces[i]->meta.name), name))
			return in->namespaces[i];
	return NULL;
}

/* allowedRoutes: namespaces (from) and kinds */
static bool listener_admits(const struct gw_input *in, const struct gateway *g,
                            const struct gw_listener *l, const struct httproute *r)
{
	const char *rns = iw_namespace(&r->meta);
	switch (l->from) {
	case GW_FROM_ALL:
		break;
	case GW_FROM_SAME:
		if (strcmp(rns, iw_namespace(&g->meta)))
			return false;
		break;
	case GW_FROM_SELECTOR: {
		/* the Namespace's labels, and the one the API server puts on every
		 * namespace (kubernetes.io/metadata.name, immutable since 1.22)
		 * even when the Namespace object is not among the inputs */
		const struct gw_namespace *ns = find_namespace(in, rns);
		size_t n = ns ? ns->meta.nlabels : 0;
		if (!l->has_selector || n > 256)
			return false;
		struct iw_kv labels[257];
		if (n)
			memcpy(labels, ns->meta.labels, n * sizeof *labels);
		if (!ns || !iw_meta_label(&ns->meta, "kubernetes.io/metadata.name"))
			labels[n++] = (struct iw_kv){ "kubernetes.io/metadata.name", rns, 27, strlen(rns) };
		if (!gw_selector_matches(&l->selector, labels, n))
			return false;
		break;
	}
	default:
		return false;
	}
	if (!l->has_kinds)
		return true;
	for (size_t i = 0; i < l->nkinds; i++)
		if (!strcmp(l->kinds[i].group, GW_GROUP) && !strcmp(l->kinds[i].kind, "HTTPRoute"))
			return true;
	return false;
}

static bool is_wild(const char *h)
{
	return h[0] == '*' && h[1] == '.';
}

/* The effective hostname of route hostname r on listener hostname lh
 * (both set), or NULL when they do not intersect. */
static const char *intersect(const char *r, const char *lh)
{
	bool rw = is_wild(r), lw = is_wild(lh);
	if (!rw && !lw)
		return strcmp(r, lh) ? NULL : r;
	if (!rw && lw)
		return gw_hostmatch(lh, r, strlen(r)) ? r : NULL;
	if (rw && !lw)
		return gw_hostmatch(r, lh, strlen(lh)) ? lh : NULL;
	/* both wildcards: the more specific one, if one's suffix ends with the other's */
	size_t a = strlen(r), b = strlen(lh);
	const char *longer = a >= b ? r : lh, *shorter = a >= b ? lh : r;
	size_t ls = strlen(longer + 1), ss = strlen(shorter + 1);
	return ls >= ss && !memcmp(longer + 1 + ls - ss, shorter + 1, ss) ? longer : NULL;
}

static int add_attachment(struct gw_table *t, size_t *cap, size_t li, size_t ri,
                          const struct httproute *r, const struct gw_listener *l)
{
	for (size_t i = 0; i < t->natt; i++)   /* two parentRefs naming one listener */
		if (t->att[i].listener == li && t->att[i].route == ri)
			return IW_OK;
	struct gw_attach a = { li, ri, false, NULL, 0 };
	if (!l->hostname && !r->nhostnames) {
		a.any = true;
	} else if (!r->nhostnames) {
		if (!(a.hosts = talloc(t, sizeof *a.hosts)))
			return IW_ENOMEM;
		a.hosts[a.nhosts++] = l->hostname;
	} else {
		if (!(a.hosts = talloc(t, r->nhostnames * sizeof *a.hosts)))
			return IW_ENOMEM;
		for (size_t i = 0; i < r->nhostnames; i++) {
			const char *h = l->hostname ? intersect(r->hostnames[i], l->hostname)
			                            : r->hostnames[i];
			bool dup = false;
			for (size_t j = 0; h && j < a.nhosts && !dup; j++)
				dup = !strcmp(a.hosts[j], h);
			if (h && !dup && *h)
				a.hosts[a.nhosts++] = h;
		}
		if (!a.nhosts)
			return IW_OK;   /* "the HTTPRoute is not accepted" by this listener */
	}
	if (t->natt == *cap) {
		size_t nc = *cap ? 2 * *cap : 64;
		struct gw_attach *v = realloc(t->att, nc * sizeof *v);
		if (!v)
			return IW_ENOMEM;
		t->att = v;
		*cap = nc;
	}
	t->att[t->natt++] = a;
	return IW_OK;
}

static int attach_route(struct gw_table *t, const struct gw_input *in, size_t ri, size_t *cap)
{
	const struct httproute *r = t->routes[ri].r;
	size_t before = t->natt;
	bool named_any = false;
	for (size_t p = 0; p < r->nparents; p++) {
		const struct gw_parent_ref *pr = &r->parents[p];
		if (!gw_parent_is_gateway(pr))
			continue;
		const char *pns = gw_parent_namespace(r, pr);
		for (size_t li = 0; li < t->nlisteners; li++) {
			const struct gw_clistener *cl = &t->listeners[li];
			if (strcmp(iw_nz(cl->g->meta.name), pr->name) ||
			    strcmp(iw_namespace(&cl->g->meta), pns))
				continue;
			named_any = true;
			if (pr->section_name && strcmp(pr->section_name, cl->l->name))
				continue;
			if (pr->has_port && (!cl->l->has_port || pr->port != cl->l->port))
				continue;
			if (!listener_admits(in, cl->g, cl->l, r))
				continue;
			int rc = add_attachment(t, cap, li, ri, r, cl->l);
			if (rc)
				return rc;
		}
	}
	if (t->natt == before)
		note(t, "HTTPRoute %s/%s attaches to no listener%s", t->routes[ri].ns, t->routes[ri].name,
		     named_any ? " (sectionName, port, allowedRoutes or hostnames refuse it)"
		               : " of the Gateways given");
	return IW_OK;
}

/* ---------- matches ---------- */

/* case-insensitive equality of header names */
static bool same_name_ci(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if ((*a | 0x20) != (*b | 0x20) || ((*a ^ *b) & ~0x20))
			return false;
	return !*a && !*b;
}

static size_t chars_of(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static int prepare_match(struct gw_table *t, struct gw_cmatch *cm, const struct gw_croute *cr)
{
	const struct gw_match *m = cm->m;
	cm->chars = chars_of(m->path);
	if (m->path_type == GW_PATH_EXACT || m->path_type == GW_PATH_PREFIX) {
		/* the request's normalisation applied to the value (SEMANTICS.md 5.3) */
		size_t n = strlen(m->path);
		char *buf = talloc(t, n + 2);
		if (!buf)
			return IW_ENOMEM;
		long k = n <= RT_MAX_PATH ? rt_norm_path(m->path, n, buf, n + 2, NULL) : -1;
		if (k < 0) {
			memcpy(buf, m->path, n + 1);
			k = (long)n;
		}
		if (m->path_type == GW_PATH_PREFIX && k > 0 && buf[k - 1] == '/')
			buf[--k] = '\0';
		cm->path = buf;
		cm->path_len = (size_t)k;
	} else if (m->path_type == GW_PATH_REGEX) {
		char err[160];
		cm->path = m->path;
		cm->path_len = strlen(m->path);
		enum iw_err rc = iw_re_compile_r(m->path, cm->path_len, 0, &cm->path_re, err, sizeof err);
		if (rc == IW_ENOMEM)
			return rc;
		if (rc) {
			cm->broken = true;
			note(t, "HTTPRoute %s/%s spec.rules[%zu].matches[%zu].path.value: regular expression "
			     "%s: %s: the match never matches (implementations refuse the rule)",
			     cr->ns, cr->name, cm->rule, cm->index, m->path, err);
		}
	} else {
		cm->broken = true;   /* an unknown path type (refused by the CRD) */
	}
	size_t nv = m->nheaders + m->nquery;
	if (nv) {
		cm->value_re = talloc(t, nv * sizeof *cm->value_re);
		cm->header_counts = talloc(t, (m->nheaders + 1) * sizeof(bool));
		cm->query_counts = talloc(t, (m->nquery + 1) * sizeof(bool));
		if (!cm->value_re || !cm->header_counts || !cm->query_counts)
			return IW_ENOMEM;
	}
	for (size_t i = 0; i < nv; i++) {
		bool hdr = i < m->nheaders;
		const struct gw_value_match *v = hdr ? &m->headers[i] : &m->query[i - m->nheaders];
		size_t idx = hdr ? i : i - m->nheaders;
		bool first = true;
		for (size_t j = 0; j < idx && first; j++)
			first = hdr ? !same_name_ci(m->headers[j].name, v->name)
			            : strcmp(m->query[j].name, v->name) != 0;
		(hdr ? cm->header_counts : cm->query_counts)[idx] = first;
		if (!first)
			continue;   /* "Subsequent entries with an equivalent name MUST be ignored" */
		if (hdr) {
			cm->nheaders++;
			cm->exact_headers += v->type == GW_VALUE_EXACT;
		} else {
			cm->nquery++;
			cm->exact_query += v->type == GW_VALUE_EXACT;
		}
		if (v->type == GW_VALUE_REGEX) {
			char err[160];
			enum iw_err rc = iw_re_compile_r(v->value, strlen(v->value), 0, &cm->value_re[i], err,
			                                 sizeof err);
			if (rc == IW_ENOMEM)
				return rc;
			if (rc) {
				cm->broken = true;
				note(t, "HTTPRoute %s/%s spec.rules[%zu].matches[%zu]: %s %s regular "
				     "expression %s: %s: the match never matches", cr->ns, cr->name, cm->rule,
				     cm->index, hdr ? "header" : "query parameter", v->name, v->value, err);
			}
		} else if (v->type != GW_VALUE_EXACT) {
			cm->broken = true;
		}
	}
	return IW_OK;
}

/* ---------- indexes ---------- */

static int hkey_cmp(const void *a, const void *b)
{
	const struct gw_hkey *x = a, *y = b;
	int r = strcmp(x->key, y->key);
	return r ? r : (x->att > y->att) - (x->att < y->att);
}

static int build_indexes(struct gw_table *t)
{
	size_t ne = 0, nw = 0, na = 0;
	for (size_t i = 0; i < t->natt; i++) {
		if (t->att[i].any)
			na++;
		for (size_t h = 0; h < t->att[i].nhosts; h++)
			is_wild(t->att[i].hosts[h]) ? nw++ : ne++;
	}
	t->exact = calloc(ne + 1, sizeof *t->exact);
	t->wild = calloc(nw + 1, sizeof *t->wild);
	t->any = calloc(na + 1, sizeof *t->any);
	if (!t->exact || !t->wild || !t->any)
		return IW_ENOMEM;
	for (size_t i = 0; i < t->natt; i++) {
		if (t->att[i].any)
			t->any[t->nany++] = i;
		for (size_t h = 0; h < t->att[i].nhosts; h++) {
			const char *k = t->att[i].hosts[h];
			if (is_wild(k))
				t->wild[t->nwild++] = (struct gw_hkey){ k + 2, i };
			else
				t->exact[t->nexact++] = (struct gw_hkey){ k, i };
		}
	}
	qsort(t->exact, t->nexact, sizeof *t->exact, hkey_cmp);
	qsort(t->wild, t->nwild, sizeof *t->wild, hkey_cmp);
	return IW_OK;
}

static int svc_cmp(const void *a, const void *b)
{
	const struct gw_svc *x = a, *y = b;
	int r = strcmp(x->ns, y->ns);
	return r ? r : strcmp(x->name, y->name);
}

/* age order: spec puts routes without a creationTimestamp last; the
 * implementations sort Go's zero time first */
static int croute_cmp(const struct gw_croute *x, const struct gw_croute *y, bool missing_first)
{
	if (x->has_ts != y->has_ts)
		return (x->has_ts ? -1 : 1) * (missing_first ? -1 : 1);
	if (x->has_ts && x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	int r = strcmp(x->ns, y->ns);
	return r ? r : strcmp(x->name, y->name);
}

/* ---------- build ---------- */

struct gw_table *gw_build(const struct gw_input *in)
{
	struct gw_table *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->profile = in->profile;
	t->gateways = in->gateways;
	t->ngateways = in->ngateways;
	t->mem = (struct arena)ARENA_INIT(64 * 1024, 16 * 1024);
	buf_init(&t->notes, 1 << 20);
	int rc = IW_OK;

	/* listeners of the Gateways that receive requests */
	size_t nl = 0, selected = 0;
	for (size_t g = 0; g < in->ngateways; g++)
		if (gateway_selected(in, in->gateways[g])) {
			nl += in->gateways[g]->nlisteners;
			selected++;
		}
	if (in->gateway && !selected)
		t->status = IW_ENOTFOUND;
	if (!(t->listeners = calloc(nl + 1, sizeof *t->listeners)))
		goto oom;
	for (size_t g = 0; g < in->ngateways; g++) {
		const struct gateway *gw = in->gateways[g];
		if (!gateway_selected(in, gw))
			continue;
		for (size_t i = 0; i < gw->nlisteners; i++) {
			bool https;
			if (!http_protocol(gw->listeners[i].protocol, &https) || !gw->listeners[i].has_port)
				continue;
			t->listeners[t->nlisteners++] = (struct gw_clistener){ gw, &gw->listeners[i], i, https };
		}
	}

	/* routes and their matches */
	size_t nm = 0;
	for (size_t r = 0; r < in->nroutes; r++)
		for (size_t i = 0; i < in->routes[r]->nrules; i++)
			nm += in->routes[r]->rules[i].nmatches;
	t->routes = calloc(in->nroutes + 1, sizeof *t->routes);
	t->matches = calloc(nm + 1, sizeof *t->matches);
	if (!t->routes || !t->matches)
		goto oom;
	for (size_t r = 0; r < in->nroutes; r++) {
		const struct httproute *hr = in->routes[r];
		struct gw_croute *cr = &t->routes[t->nroutes++];
		cr->r = hr;
		cr->ns = iw_namespace(&hr->meta);
		cr->name = iw_nz(hr->meta.name);
		cr->has_ts = iw_parse_time(hr->meta.creation_timestamp, &cr->ts);
		cr->first = t->nmatches;
		for (size_t i = 0; i < hr->nrules; i++)
			for (size_t j = 0; j < hr->rules[i].nmatches; j++) {
				struct gw_cmatch *cm = &t->matches[t->nmatches++];
				cm->m = &hr->rules[i].matches[j];
				cm->route = r;
				cm->rule = i;
				cm->index = j;
				if ((rc = prepare_match(t, cm, cr)))
					goto fail;
			}
		cr->n = t->nmatches - cr->first;
	}
	/* age order of the routes (for the explanation and the implementations' sort) */
	{
		size_t *ord = malloc((t->nroutes + 1) * sizeof *ord);
		if (!ord)
			goto oom;
		for (size_t i = 0; i < t->nroutes; i++)
			ord[i] = i;
		bool missing_first = t->profile != GW_PROFILE_SPEC;
		/* qsort takes no context: a bottom-up merge sort of the indexes */
		size_t *tmp = malloc((t->nroutes + 1) * sizeof *tmp);
		if (!tmp) {
			free(ord);
			goto oom;
		}
		for (size_t w = 1; w < t->nroutes; w *= 2)
			for (size_t lo = 0; lo < t->nroutes; lo += 2 * w) {
				size_t mid = lo + w < t->nroutes ? lo + w : t->nroutes;
				size_t hi = lo + 2 * w < t->nroutes ? lo + 2 * w : t->nroutes;
				size_t a = lo, b = mid, k = lo;
				while (a < mid || b < hi)
					tmp[k++] = b >= hi || (a < mid && croute_cmp(&t->routes[ord[a]],
					                                             &t->routes[ord[b]],
					                                             missing_first) <= 0)
					           ? ord[a++] : ord[b++];
				memcpy(ord + lo, tmp + lo, (hi - lo) * sizeof *ord);
			}
		for (size_t i = 0; i < t->nroutes; i++)
			t->routes[ord[i]].order = i;
		free(tmp);
		free(ord);
	}

	/* attachment */
	size_t cap = 0;
	for (size_t r = 0; r < t->nroutes; r++)
		if ((rc = attach_route(t, in, r, &cap)))
			goto fail;
	if ((rc = build_indexes(t)))
		goto fail;

	/* Services and grants */
	t->check_services = in->nservices > 0;
	if (!(t->svcs = calloc(in->nservices + 1, sizeof *t->svcs)))
		goto oom;
	for (size_t i = 0; i < in->nservices; i++)
		t->svcs[t->nsvcs++] = (struct gw_svc){ in->services[i]->namespace_, in->services[i]->name };
	qsort(t->svcs, t->nsvcs, sizeof *t->svcs, svc_cmp);
	t->grants = in->grants;
	t->ngrants = in->ngrants;
	if (t->notes.err)
		goto oom;
	return t;
oom:
fail:
	gw_free(t);
	return NULL;
}

void gw_free(struct gw_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nmatches; i++) {
		struct gw_cmatch *cm = &t->matches[i];
		iw_re_free(cm->path_re);
		for (size_t k = 0; cm->value_re && k < cm->m->nheaders + cm->m->nquery; k++)
			iw_re_free(cm->value_re[k]);
	}
	free(t->listeners);
	free(t->routes);
	free(t->matches);
	free(t->att);
	free(t->exact);
	free(t->wild);
	free(t->any);
	free(t->svcs);
	buf_release(&t->notes);
	arena_release(&t->mem);
	free(t);
}

const char *gw_build_notes(const struct gw_table *t)
{
	return t->notes.p ? t->notes.p : "";
}

int gw_build_status(const struct gw_table *t)
{
	return t->status;
}

size_t gw_nattached(const struct gw_table *t)
{
	return t->natt;
}
