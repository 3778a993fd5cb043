/*
 * The Gateway API router's request reading, one match against a request,
 * the action of the winning rule (SEMANTICS.md 7: redirects, backendRefs,
 * ReferenceGrants, Services) and the candidate lines of the explanation.
 * gwmatch.c decides which rule wins.
 */
#include "router/gwtable.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "router/router.h"

/* ---------- the request ---------- */


static bool ci_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a, y = *b;
		if (x >= 'A' && x <= 'Z')
			x += 32;
		if (y >= 'A' && y <= 'Z')
			y += 32;
		if (x != y)
			return false;
	}
	return !*a && !*b;
}

int gw_read_request(const struct gw_request *in, struct req *r)
{
	if (in->nheaders > GW_MAX_REQ_FIELDS || in->nquery > GW_MAX_REQ_FIELDS)
		return IW_ETOOBIG;
	int rc = rt_norm_request(in->host ? in->host : "", in->host ? in->host_len : 0,
	                         in->path ? in->path : "/", in->path ? in->path_len : 1, &r->n);
	if (rc)
		return rc;
	r->method = in->method && *in->method ? in->method : "GET";
	r->nheaders = in->nheaders;
	if (in->nheaders)
		memcpy(r->headers, in->headers, in->nheaders * sizeof *r->headers);
	r->nquery = 0;
	for (size_t i = 0; i < in->nquery; i++)
		r->query[r->nquery++] = in->query[i];
	/* a query string in the request-target adds parameters after the given ones */
	const char *p = in->path ? memchr(in->path, '?', in->path_len) : NULL;
	if (p) {
		size_t n = in->path_len - (size_t)(p + 1 - in->path);
		const char *hash = memchr(p + 1, '#', n);
		if (hash)
			n = (size_t)(hash - (p + 1));
		memcpy(r->qbuf, p + 1, n);
		r->qbuf[n] = '\0';
		char *s = r->qbuf;
		while (*s && r->nquery < 2 * GW_MAX_REQ_FIELDS) {
			char *amp = strchr(s, '&');
			if (amp)
				*amp = '\0';
			char *eq = strchr(s, '=');
			if (eq)
				*eq = '\0';
			if (*s)
				r->query[r->nquery++] = (struct gw_kv){ s, eq ? eq + 1 : "" };
			if (!amp)
				break;
			s = amp + 1;
		}
	}
	r->port = in->port;
	return IW_OK;
}

static const char *header_of(const struct req *r, const char *name)
{
	for (size_t i = 0; i < r->nheaders; i++)
		if (ci_eq(r->headers[i].name, name))
			return r->headers[i].value ? r->headers[i].value : "";
	return NULL;
}

static const char *query_of(const struct req *r, const char *name)
{
	for (size_t i = 0; i < r->nquery; i++)
		if (!strcmp(r->query[i].name, name))
			return r->query[i].value ? r->query[i].value : "";
	return NULL;
}

/* ---------- one match against the request ---------- */


bool gw_path_ok(const struct gw_table *t, const struct gw_cmatch *cm, const char *p, size_t n)
{
	switch (cm->m->path_type) {
	case GW_PATH_EXACT:
		return n == cm->path_len && !memcmp(p, cm->path, n);
	case GW_PATH_PREFIX:
		return !cm->path_len || (n >= cm->path_len && !memcmp(p, cm->path, cm->path_len) &&
		                         (n == cm->path_len || p[cm->path_len] == '/'));
	case GW_PATH_REGEX:
		if (!cm->path_re)
			return false;
		return t->profile == GW_PROFILE_NGINX_GATEWAY_FABRIC ? iw_re_prefix(cm->path_re, p, n)
		                                                      : iw_re_full(cm->path_re, p, n);
	default:
		return false;
	}
}

static bool value_ok(const struct gw_table *t, const struct gw_value_match *v,
                     const struct iw_re *re, const char *got)
{
	if (!got)
		return false;
	if (v->type == GW_VALUE_EXACT)
		return !strcmp(got, v->value);
	if (!re)
		return false;
	return t->profile == GW_PROFILE_NGINX_GATEWAY_FABRIC ? iw_re_search(re, got, strlen(got))
	                                                      : iw_re_full(re, got, strlen(got));
}

/* Everything but the path; *which gets the header / query name that failed. */
enum miss gw_rest_ok(const struct gw_table *t, const struct gw_cmatch *cm, const struct req *r,
                         const char **which)
{
	const struct gw_match *m = cm->m;
	if (m->method && strcmp(m->method, r->method))
		return M_METHOD;
	for (size_t i = 0; i < m->nheaders; i++) {
		if (!cm->header_counts[i])
			continue;
		if (!value_ok(t, &m->headers[i], cm->value_re[i], header_of(r, m->headers[i].name))) {
			*which = m->headers[i].name;
			return M_HEADER;
		}
	}
	for (size_t i = 0; i < m->nquery; i++) {
		if (!cm->query_counts[i])
			continue;
		if (!value_ok(t, &m->query[i], cm->value_re[m->nheaders + i], query_of(r, m->query[i].name))) {
			*which = m->query[i].name;
			return M_QUERY;
		}
	}
	return M_OK;
}

/* ---------- text pieces ---------- */

static void text_backend_ref(struct buf *b, const struct gw_backend_out *o)
{
	if (*o->group || strcmp(o->kind, "Service"))
		buf_printf(b, "%s%s%s %s/%s", o->group, *o->group ? "." : "", o->kind, o->namespace_,
		           o->name);
	else
		buf_printf(b, "service %s/%s", o->namespace_, o->name);
	if (o->has_port)
		buf_printf(b, ":%lld", o->port);
}

void gw_text_match(struct buf *b, const struct gw_table *t, const struct cand *c)
{
	const struct gw_cmatch *cm = &t->matches[c->cm];
	const struct gw_croute *cr = &t->routes[cm->route];
	const struct gw_match *m = cm->m;
	buf_printf(b, "%s/%s spec.rules[%zu].matches[%zu] %s %s", cr->ns, cr->name, cm->rule, cm->index,
	           gw_path_type_name(m), m->path);
	if (m->method)
		buf_printf(b, " method %s", m->method);
	for (size_t i = 0; i < m->nheaders; i++)
		buf_printf(b, " header %s%s%s", m->headers[i].name,
		           m->headers[i].type == GW_VALUE_REGEX ? "~" : "=", m->headers[i].value);
	for (size_t i = 0; i < m->nquery; i++)
		buf_printf(b, " query %s%s%s", m->query[i].name,
		           m->query[i].type == GW_VALUE_REGEX ? "~" : "=", m->query[i].value);
	if (c->hostname)
		buf_printf(b, " (hostname %s)", c->hostname);
	const struct gw_rule *ru = &cr->r->rules[cm->rule];
	if (gw_rule_redirect(ru->filters, ru->nfilters))
		buf_puts(b, " -> redirect");
	else if (!ru->nbackends)
		buf_puts(b, " -> no backendRefs");
	else if (ru->nbackends == 1) {
		const struct gw_backend_ref *br = &ru->backends[0];
		struct gw_backend_out o = { br, br->group, br->kind, gw_backend_namespace(cr->r, br),
		                            br->name, br->has_port, br->port, br->weight, NULL };
		buf_puts(b, " -> ");
		text_backend_ref(b, &o);
	} else
		buf_printf(b, " -> %zu backendRefs", ru->nbackends);
}

const char *gw_miss_text(enum miss m)
{
	switch (m) {
	case M_PATH: return "path";
	case M_METHOD: return "method";
	case M_HEADER: return "header";
	case M_QUERY: return "query parameter";
	case M_BROKEN: return "its regular expression does not compile";
	default: return "";
	}
}

/* ---------- the action of the winning rule (SEMANTICS.md 7) ---------- */

static bool grant_permits(const struct gw_table *t, const char *from_ns, const char *to_ns,
                          const char *name)
{
	for (size_t i = 0; i < t->ngrants; i++) {
		const struct reference_grant *g = t->grants[i];
		if (strcmp(iw_namespace(&g->meta), to_ns))
			continue;
		bool from = false, to = false;
		for (size_t k = 0; k < g->nfrom && !from; k++)
			from = !strcmp(g->from[k].group, GW_GROUP) && !strcmp(g->from[k].kind, "HTTPRoute") &&
			       !strcmp(g->from[k].namespace_, from_ns);
		for (size_t k = 0; k < g->nto && !to; k++)
			to = !*g->to[k].group && !strcmp(g->to[k].kind, "Service") &&
			     (!g->to[k].name || !strcmp(g->to[k].name, name));
		if (from && to)
			return true;
	}
	return false;
}

static bool service_exists(const struct gw_table *t, const char *ns, const char *name)
{
	size_t lo = 0, hi = t->nsvcs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(t->svcs[mid].ns, ns);
		if (!c)
			c = strcmp(t->svcs[mid].name, name);
		if (!c)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static void redirect(const struct gw_table *t, const struct req *r, const struct gw_cmatch *cm,
                     const struct gw_redirect *rd, const struct gw_clistener *cl, struct gw_decision *d)
{
	(void)t;
	const char *scheme = rd->scheme ? rd->scheme : cl->https ? "https" : "http";
	const char *host = rd->hostname ? rd->hostname : r->n.host;
	long long port = rd->has_port ? rd->port
	               : rd->scheme ? (strcmp(rd->scheme, "https") ? 80 : 443) : cl->l->port;
	bool omit = (port == 80 && !strcmp(scheme, "http")) || (port == 443 && !strcmp(scheme, "https"));
	char portbuf[24] = "";
	if (!omit)
		snprintf(portbuf, sizeof portbuf, ":%lld", port);
	const char *path = r->n.path;
	char pbuf[RT_MAX_PATH + 1100];
	if (rd->has_path && rd->path.type == GW_PM_FULL && rd->path.full) {
		path = rd->path.full;
	} else if (rd->has_path && rd->path.type == GW_PM_PREFIX && rd->path.prefix) {
		size_t rl = strlen(rd->path.prefix);
		while (rl && rd->path.prefix[rl - 1] == '/')
			rl--;
		size_t ml = cm->m->path_type == GW_PATH_PREFIX ? cm->path_len : 0;
		if (ml > r->n.path_len)
			ml = r->n.path_len;
		snprintf(pbuf, sizeof pbuf, "%.*s%s", (int)rl, rd->path.prefix, r->n.path + ml);
		path = *pbuf ? pbuf : "/";
	}
	snprintf(d->location, sizeof d->location, "%s://%s%s%s", scheme, host, portbuf, path);
	d->redirected = true;
	d->status = (int)rd->status_code;
}

void gw_act(const struct gw_table *t, const struct req *r, const struct cand *c,
                struct gw_decision *d)
{
	const struct gw_cmatch *cm = &t->matches[c->cm];
	const struct gw_croute *cr = &t->routes[cm->route];
	const struct gw_rule *ru = &cr->r->rules[cm->rule];
	const struct gw_clistener *cl = &t->listeners[t->att[c->att].listener];
	d->matched = true;
	d->none = GW_NONE_MATCHED;
	d->route = cr->r;
	d->namespace_ = cr->ns;
	d->name = cr->name;
	d->rule_index = cm->rule;
	d->match_index = cm->index;
	d->rule = ru;
	d->match = cm->m;
	d->hostname = c->hostname;
	d->gateway = cl->g;
	d->listener = cl->l;
	const struct gw_filter *rf = gw_rule_redirect(ru->filters, ru->nfilters);
	if (rf) {
		redirect(t, r, cm, &rf->redirect, cl, d);
		return;
	}
	size_t live = 0, valid_live = 0;
	for (size_t i = 0; i < ru->nbackends && i < GW_MAX_BACKENDS; i++) {
		const struct gw_backend_ref *br = &ru->backends[i];
		struct gw_backend_out *o = &d->backends[d->nbackends++];
		*o = (struct gw_backend_out){ br, br->group, br->kind, gw_backend_namespace(cr->r, br),
		                              br->name, br->has_port, br->port, br->weight, NULL };
		if (!gw_backend_is_service(br))
			o->invalid = "InvalidKind";
		else if (strcmp(o->namespace_, cr->ns) && !grant_permits(t, cr->ns, o->namespace_, o->name))
			o->invalid = "RefNotPermitted";
		else if (t->check_services && !service_exists(t, o->namespace_, o->name))
			o->invalid = "BackendNotFound";
		if (br->weight > 0) {
			live++;
			valid_live += !o->invalid;
			d->single = (long)i;
		}
	}
	if (live != 1)
		d->single = -1;
	if (!valid_live) {
		d->status = 500;
		d->single = -1;
		return;
	}
	if (d->single >= 0) {
		const struct gw_backend_ref *br = d->backends[d->single].ref;
		const struct gw_filter *bf = gw_rule_redirect(br->filters, br->nfilters);
		if (bf) {   /* a backendRef's RequestRedirect (implementation-specific: honoured) */
			redirect(t, r, cm, &bf->redirect, cl, d);
			d->single = -1;
			return;
		}
	}
	d->status = 200;
}

