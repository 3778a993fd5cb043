/*
 * The checks of Gateway API HTTPRoutes (see policy.h,
 * iw_policy_check_httproutes), where the Ingress checks have a counterpart:
 *
 *   httproute-conflict          the same hostname and match claimed by
 *                               another route on one listener (the Ingress
 *                               host-path-conflict): the loser serves none
 *                               of those requests; error across namespaces,
 *                               the sameNamespaceSeverity variant inside one
 *   httproute-shadowed-match    the same within one route: a later rule
 *                               repeats an earlier rule's match (shadowed-path)
 *   httproute-not-attached      the Gateway it names is among the objects
 *                               but no listener accepts the route
 *   httproute-dangling-backend  a backendRef to a Service that does not exist
 *                               or lacks the port (dangling-service, with a
 *                               state that knows Services: lint --against),
 *                               or to another kind than Service (InvalidKind
 *                               where the implementation does not document it)
 *   httproute-backend-not-permitted  a backendRef to another namespace that
 *                               no ReferenceGrant among the objects permits
 *   httproute-invalid-regex     a RegularExpression that does not compile as
 *                               RE2: implementations refuse the rule
 *
 * Decisions come from the HTTPRoute router (router/httproute.h: one table
 * for all the routes, so the conflicts are found once, in O(n log n)).
 */
#include "checks/checkctx.h"
#include "checks/policy.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/regex.h"
#include "router/httproute.h"

struct route_out {
	struct chk_ctx c;
	struct findings fl;
};

struct run {
	const struct iw_policy *p;
	const struct iw_gw_world *w;
	struct route_out *out;       /* per route of the world */
};

static size_t route_index(const struct iw_gw_world *w, const struct httproute *r)
{
	for (size_t i = 0; i < w->nroutes; i++)
		if (w->routes[i] == r)
			return i;
	return SIZE_MAX;
}

#define MATCH_FP(i, j) \
	FP_IDX(FP_KEY(FP_IDX(FP_KEY(FP_KEY(NULL, "spec"), "rules"), (i)), "matches"), (j))
#define BACKEND_FP(i, j) \
	FP_IDX(FP_KEY(FP_IDX(FP_KEY(FP_KEY(NULL, "spec"), "rules"), (i)), "backendRefs"), (j))

static void describe(char *buf, size_t size, const struct gw_match *m)
{
	int n = snprintf(buf, size, "%s %s", gw_path_type_name(m), m->path);
	if (m->method && n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, " method %s", m->method);
	for (size_t i = 0; i < m->nheaders && n >= 0 && (size_t)n < size; i++)
		n += snprintf(buf + n, size - (size_t)n, " header %s", m->headers[i].name);
	for (size_t i = 0; i < m->nquery && n >= 0 && (size_t)n < size; i++)
		n += snprintf(buf + n, size - (size_t)n, " query %s", m->query[i].name);
}

static void on_claim(void *arg, const struct gw_claim *loser, const struct gw_claim *winner,
                     enum gw_key key)
{
	struct run *run = arg;
	size_t li = route_index(run->w, loser->route);
	if (li == SIZE_MAX)
		return;
	struct chk_ctx *c = &run->out[li].c;
	const struct gw_match *m = &loser->route->rules[loser->rule].matches[loser->match];
	char what[512];
	describe(what, sizeof what, m);
	char where[600];
	snprintf(where, sizeof where, "%s%s on listener %s/%s %s",
	         loser->hostname ? "hostname " : "", loser->hostname ? loser->hostname : "any host",
	         iw_namespace(&loser->gateway->meta), iw_nz(loser->gateway->meta.name),
	         loser->listener->name);
	if (winner->route == loser->route)
		return;   /* shadowed(): the same without a Gateway */
	const char *wns = iw_namespace(&winner->route->meta), *lns = iw_namespace(&loser->route->meta);
	chk_emit(c, IW_CHK_HTTPROUTE_CONFLICT, !strcmp(wns, lns), MATCH_FP(loser->rule, loser->match),
	         "HTTPRoute %s/%s spec.rules[%zu].matches[%zu] claims the same requests (%s, %s) "
	         "and serves them (%s): this match serves none of them", wns,
	         iw_nz(winner->route->meta.name), winner->rule, winner->match, what, where,
	         gw_key_text(key, GW_PROFILE_SPEC));
}

/* A match that another match of the same route beats for every request it
 * takes (the route's own hostnames and listeners are the same for both): the
 * same conditions, and the other ranks first as the router ranks them: a
 * longer value as written (PathPrefix values that differ by a trailing '/'),
 * else the earlier rule. */
static bool beats(const struct gw_match *x, size_t xi, const struct gw_match *y, size_t yi)
{
	if (!gw_same_conditions(x, y))
		return false;
	size_t lx = strlen(x->path), ly = strlen(y->path);
	if (x->path_type != GW_PATH_REGEX && lx != ly)
		return lx > ly;
	return xi < yi;
}

static void shadowed(struct chk_ctx *c, const struct httproute *r)
{
	for (size_t i = 0; i < r->nrules; i++)
		for (size_t j = 0; j < r->rules[i].nmatches; j++) {
			const struct gw_match *m = &r->rules[i].matches[j];
			bool found = false;
			for (size_t k = 0; k < r->nrules && !found; k++)
				for (size_t l = 0; l < r->rules[k].nmatches && !found; l++) {
					if (k == i || !beats(&r->rules[k].matches[l], k, m, i))
						continue;
					found = true;
					char what[512];
					describe(what, sizeof what, m);
					chk_emit(c, IW_CHK_HTTPROUTE_SHADOWED_MATCH, false, MATCH_FP(i, j),
					         "never serves a request: spec.rules[%zu].matches[%zu] of this "
					         "route has the same conditions (%s) and %s", k, l, what,
					         k < i ? "the first matching rule wins"
					               : "its longer value as written ranks first");
				}
		}
}

static bool grant_permits(const struct iw_gw_world *w, const char *from_ns, const char *to_ns,
                          const char *name)
{
	for (size_t i = 0; i < w->ngrants; i++) {
		const struct reference_grant *g = w->grants[i];
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

static void backends(struct chk_ctx *c, const struct iw_gw_world *w, const struct httproute *r)
{
	const char *rns = iw_namespace(&r->meta);
	bool knows = c->st && iw_state_knows_services(c->st);
	for (size_t i = 0; i < r->nrules; i++)
		for (size_t j = 0; j < r->rules[i].nbackends; j++) {
			const struct gw_backend_ref *b = &r->rules[i].backends[j];
			if (!gw_backend_is_service(b)) {
				/* Service is the one kind every implementation routes to (core
				 * support); the router answers 500 for the others */
				chk_emit(c, IW_CHK_HTTPROUTE_DANGLING_BACKEND, false,
				         FP_KEY(BACKEND_FP(i, j), "kind"),
				         "backendRef of kind %s%s%s: Gateway API implementations route to "
				         "Services (core); another kind only where the implementation "
				         "documents it, else its share of the requests gets 500 (InvalidKind)",
				         *iw_nz(b->group) ? b->group : "", *iw_nz(b->group) ? "/" : "",
				         iw_nz(b->kind));
				continue;
			}
			const char *ns = gw_backend_namespace(r, b);
			if (strcmp(ns, rns) && !grant_permits(w, rns, ns, b->name))
				chk_emit(c, IW_CHK_HTTPROUTE_BACKEND_NOT_PERMITTED, false, BACKEND_FP(i, j),
				         "Service %s/%s is in another namespace and no ReferenceGrant among "
				         "the objects given lets HTTPRoutes of namespace %s use it: its share "
				         "of the requests gets 500 (RefNotPermitted)", ns, b->name, rns);
			if (!knows)
				continue;
			const struct iw_service *svc = iw_state_get_service(c->st, ns, b->name);
			if (!svc) {
				chk_emit(c, IW_CHK_HTTPROUTE_DANGLING_BACKEND, false, BACKEND_FP(i, j),
				         "Service %s/%s does not exist: its share of the requests gets 500 "
				         "(BackendNotFound)", ns, b->name);
				continue;
			}
			bool port = !b->has_port;
			for (size_t k = 0; k < svc->nports && !port; k++)
				port = svc->ports[k].port == b->port;
			if (!port)
				chk_emit(c, IW_CHK_HTTPROUTE_DANGLING_BACKEND, false,
				         FP_KEY(BACKEND_FP(i, j), "port"),
				         "Service %s/%s has no port %lld: its share of the requests fails", ns,
				         b->name, b->port);
		}
}

static void regexes(struct chk_ctx *c, const struct httproute *r)
{
	for (size_t i = 0; i < r->nrules; i++)
		for (size_t j = 0; j < r->rules[i].nmatches; j++) {
			const struct gw_match *m = &r->rules[i].matches[j];
			char err[160];
			if (m->path_type == GW_PATH_REGEX) {
				struct iw_re *re = NULL;
				enum iw_err rc = iw_re_compile_r(m->path, strlen(m->path), 0, &re, err, sizeof err);
				if (rc == IW_ENOMEM)
					c->out->err = IW_ENOMEM;
				else if (rc)
					chk_emit(c, IW_CHK_HTTPROUTE_INVALID_REGEX, false,
					         FP_KEY(FP_KEY(MATCH_FP(i, j), "path"), "value"),
					         "the RegularExpression does not compile as RE2 (%s): "
					         "implementations refuse the rule", err);
				iw_re_free(re);
			}
			for (size_t k = 0; k < m->nheaders + m->nquery; k++) {
				bool hdr = k < m->nheaders;
				const struct gw_value_match *v = hdr ? &m->headers[k] : &m->query[k - m->nheaders];
				if (v->type != GW_VALUE_REGEX)
					continue;
				struct iw_re *re = NULL;
				enum iw_err rc = iw_re_compile_r(v->value, strlen(v->value), 0, &re, err, sizeof err);
				if (rc == IW_ENOMEM)
					c->out->err = IW_ENOMEM;
				else if (rc)
					chk_emit(c, IW_CHK_HTTPROUTE_INVALID_REGEX, false,
					         FP_KEY(FP_IDX(FP_KEY(MATCH_FP(i, j), hdr ? "headers" : "queryParams"),
					                       hdr ? k : k - m->nheaders), "value"),
					         "the RegularExpression does not compile as RE2 (%s): "
					         "implementations refuse the rule", err);
				iw_re_free(re);
			}
		}
}

/* true when an object later in the list has the same namespace/name: a
 * later document replaces an earlier one, as kubectl apply would */
static bool replaced(const void *const *v, size_t n, size_t i, const struct iw_meta *(*meta)(const void *))
{
	const struct iw_meta *m = meta(v[i]);
	for (size_t j = i + 1; j < n; j++)
		if (iw_same_object(m, meta(v[j])))
			return true;
	return false;
}

static const struct iw_meta *route_meta(const void *o) { return &((const struct httproute *)o)->meta; }
static const struct iw_meta *gateway_meta(const void *o) { return &((const struct gateway *)o)->meta; }
static const struct iw_meta *grant_meta(const void *o) { return &((const struct reference_grant *)o)->meta; }

/* v without its replaced objects, into out (room for n) */
static size_t current(const void *const *v, size_t n, const void **out,
                      const struct iw_meta *(*meta)(const void *))
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!replaced(v, n, i, meta))
			out[k++] = v[i];
	return k;
}

/* Whether attachment can be judged: a listener that selects namespaces by
 * labels, for a route whose Namespace object is not among the objects,
 * cannot be (only the kubernetes.io/metadata.name label is known). */
static bool attachment_known(const struct iw_gw_world *w, const struct httproute *r)
{
	const char *rns = iw_namespace(&r->meta);
	for (size_t i = 0; i < w->nnamespaces; i++)
		if (!strcmp(iw_nz(w->namespaces[i]->meta.name), rns))
			return true;
	for (size_t p = 0; p < r->nparents; p++)
		for (size_t g = 0; g < w->ngateways; g++) {
			const struct gateway *gw = w->gateways[g];
			if (strcmp(iw_nz(gw->meta.name), r->parents[p].name) ||
			    strcmp(iw_namespace(&gw->meta), gw_parent_namespace(r, &r->parents[p])))
				continue;
			for (size_t l = 0; l < gw->nlisteners; l++)
				if (gw->listeners[l].from == GW_FROM_SELECTOR)
					return false;
		}
	return true;
}

enum iw_err iw_policy_check_httproutes(const struct iw_policy *p, const struct iw_gw_world *w,
                                       const struct iw_state *state, iw_route_findings_fn fn,
                                       void *arg)
{
	struct route_out *out = calloc(w->nroutes + 1, sizeof *out);
	if (!out)
		return IW_ENOMEM;
	for (size_t i = 0; i < w->nroutes; i++) {
		const struct httproute *r = w->routes[i];
		out[i].c = (struct chk_ctx){ .p = p, .kind = IW_KIND_OTHER, .st = state,
		                             .ns = iw_namespace(&r->meta), .name = iw_nz(r->meta.name),
		                             .out = &out[i].fl };
	}
	/* the objects a cluster would hold: a later version replaces an earlier one */
	const void **gws = calloc(w->ngateways + 1, sizeof *gws);
	const void **rts = calloc(w->nroutes + 1, sizeof *rts);
	const void **grs = calloc(w->ngrants + 1, sizeof *grs);
	struct gw_table *t = NULL;
	if (gws && rts && grs) {
		struct gw_input in = {
			(const struct gateway *const *)gws,
			current((const void *const *)w->gateways, w->ngateways, gws, gateway_meta),
			(const struct httproute *const *)rts,
			current((const void *const *)w->routes, w->nroutes, rts, route_meta),
			(const struct reference_grant *const *)grs,
			current((const void *const *)w->grants, w->ngrants, grs, grant_meta),
			w->namespaces, w->nnamespaces, NULL, 0, NULL, GW_PROFILE_SPEC,
		};
		t = gw_build(&in);
	}
	struct run run = { p, w, out };
	enum iw_err rc = t ? (enum iw_err)gw_conflicts(t, on_claim, &run) : IW_ENOMEM;
	for (size_t i = 0; !rc && i < w->nroutes; i++) {
		const struct httproute *r = w->routes[i];
		struct chk_ctx *c = &out[i].c;
		bool last = !replaced((const void *const *)w->routes, w->nroutes, i, route_meta);
		if (last && !gw_route_attachments(t, r) && gw_route_names_known_gateway(t, r) &&
		    attachment_known(w, r))
			chk_emit(c, IW_CHK_HTTPROUTE_NOT_ATTACHED, false,
			         FP_KEY(FP_KEY(NULL, "spec"), "parentRefs"),
			         "no listener of the Gateways it names accepts this route (sectionName, "
			         "port, protocol, allowedRoutes namespaces and kinds, hostnames): it "
			         "serves no request");
		shadowed(c, r);
		backends(c, w, r);
		regexes(c, r);
		rc = out[i].fl.err;
	}
	for (size_t i = 0; !rc && i < w->nroutes; i++)
		if (out[i].fl.n)
			fn(arg, i, &out[i].fl);
	for (size_t i = 0; i < w->nroutes; i++)
		findings_release(&out[i].fl);
	free(out);
	gw_free(t);
	free(gws);
	free(rts);
	free(grs);
	return rc;
}
