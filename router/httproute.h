/*
 * The Gateway API router: which backend a request reaches through HTTPRoutes
 * attached to Gateway listeners, per tests/corpus/gateway-SEMANTICS.md (a
 * copy of /work/shared/corpus/gateway/SEMANTICS.md, which quotes
 * kubernetes-sigs/gateway-api apis/v1/httproute_types.go and
 * gateway_types.go), decided under a profile where the specification leaves
 * the choice to the implementation.
 *
 * It shares with the Ingress routers (router/router.h) the request
 * normalisation (router/norm.h: rt_norm_request), the explanation format
 * (request lines, notes, the selection step, every candidate and why it
 * lost, the decision, the reason; "[spec silent]" on the steps the
 * specification leaves open, "[<profile>]" on the steps a profile decides
 * its own way) and its pieces (rt_text_changes).  Its request and decision
 * are its own: a request has a method, headers, query parameters and the
 * listener port; a decision has a status (200, 404, 500, a redirect's
 * 30x), a Location, and a weighted list of backends.
 *
 * Profiles (enum gw_profile), each as its source says (docs/gateway.md
 * cites them):
 *   spec                  the corpus's reading of the specification: the
 *                         route hostname ranks first, then Exact > PathPrefix
 *                         (longest) > RegularExpression, method, header
 *                         count, query count, age, namespace/name, rule
 *                         order; a route whose hostname matches but whose
 *                         rules do not lets less specific routes serve.
 *   envoy-gateway         one virtual host per hostname (the most specific
 *                         matching hostname decides, no fall-through);
 *                         Exact > RegularExpression > PathPrefix, then
 *                         characters of the value, header count (a method
 *                         match is a ":method" header), exact headers, query
 *                         count, exact query params (internal/gatewayapi/
 *                         sort.go); RE2 whole-path regexes.
 *   istio                 one VirtualService per hostname (no fall-through);
 *                         Exact > PathPrefix > RegularExpression, then
 *                         characters (a PathPrefix without its trailing '/'),
 *                         method, headers, query params (pilot/pkg/config/
 *                         kube/gateway/conversion.go sortHTTPRoutes).
 *   nginx-gateway-fabric  one nginx server per hostname (no fall-through);
 *                         the location is chosen by the path alone as nginx
 *                         does (exact '=', else the first regex location
 *                         '~ ^<regex>' in order of decreasing pattern length,
 *                         else the longest prefix), then the first match of
 *                         that location that the request satisfies (method,
 *                         headers, query, age, name), else 404
 *                         (internal/controller/state/dataplane/sort.go,
 *                         nginx/config/servers.go, modules/src/httpmatches.js);
 *                         header and query regexes are searched (JavaScript
 *                         RegExp.test), not anchored.
 *
 * Ownership: the table borrows the models it is built from (they must
 * outlive it) and owns the rest (compiled regular expressions, indexes).
 * A built table is read-only: several threads may route with it.
 *
 * Pure: libc, jansson (gw_decision_json), the model; no I/O, no globals.
 */
#ifndef IW_ROUTER_HTTPROUTE_H
#define IW_ROUTER_HTTPROUTE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "model/gateway.h"
#include "model/service.h"
#include "router/norm.h"

enum gw_profile {
	GW_PROFILE_SPEC = 0,
	GW_PROFILE_ENVOY_GATEWAY,
	GW_PROFILE_ISTIO,
	GW_PROFILE_NGINX_GATEWAY_FABRIC,
	GW_NPROFILES
};
/* "spec", "envoy-gateway", "istio", "nginx-gateway-fabric"; gw_profile_parse
 * returns -1 for another name. */
const char *gw_profile_name(enum gw_profile p);
int gw_profile_parse(const char *name);

struct gw_input {
	const struct gateway *const *gateways;
	size_t ngateways;
	const struct httproute *const *routes;
	size_t nroutes;
	const struct reference_grant *const *grants;
	size_t ngrants;
	const struct gw_namespace *const *namespaces;   /* labels for allowedRoutes selectors */
	size_t nnamespaces;
	/* Services: when there is at least one, a backendRef to a Service that is
	 * not among them is invalid (BackendNotFound); with none, every Service
	 * is taken to exist. */
	const struct iw_service *const *services;
	size_t nservices;
	/* The Gateway that receives the requests ("namespace/name" or "name" in
	 * "default"); NULL: every Gateway given (their listeners together). */
	const char *gateway;
	enum gw_profile profile;
};

struct gw_table;

/*
 * Builds a table: the routes attached to each HTTP/HTTPS listener with their
 * effective hostnames, compiled regular expressions, hostname indexes.
 * Returns NULL only when out of memory.  What the build could not use (a
 * regular expression that does not compile, a route attached nowhere) is
 * kept as notes: gw_build_notes().
 */
struct gw_table *gw_build(const struct gw_input *in);
void gw_free(struct gw_table *t);   /* NULL is a no-op */
/* One line per note ("" when none); valid while the table lives. */
const char *gw_build_notes(const struct gw_table *t);
/* IW_ENOTFOUND when in->gateway named no Gateway of the input (the table
 * then routes nothing), else IW_OK. */
int gw_build_status(const struct gw_table *t);
size_t gw_nattached(const struct gw_table *t);   /* (route, listener) attachments */

struct gw_kv {
	const char *name, *value;
};

#define GW_MAX_REQ_FIELDS 64   /* headers, query parameters */

struct gw_request {
	const char *host;            /* the Host header (a port in it is ignored) */
	size_t host_len;
	const char *path;            /* the request-target; a "?query" adds query parameters */
	size_t path_len;
	const char *method;          /* NULL: GET */
	const struct gw_kv *headers; /* names case-insensitive; the first of a name counts */
	size_t nheaders;
	const struct gw_kv *query;   /* names case-sensitive; the first of a name counts */
	size_t nquery;
	long port;                   /* the listener port; 0: 80 if a listener has it, else the lowest */
};

/* What separated the winner from the best other candidate. */
enum gw_key {
	GW_K_NONE = 0,       /* no other candidate */
	GW_K_HOST_EXACT,     /* characters of a matching non-wildcard hostname */
	GW_K_HOST_CHARS,     /* characters of a matching hostname */
	GW_K_PATH_TYPE,      /* Exact > PathPrefix > RegularExpression (profile order) */
	GW_K_PATH_CHARS,     /* longer path value */
	GW_K_METHOD,         /* a method match */
	GW_K_HEADERS,        /* more header matches */
	GW_K_EXACT_HEADERS,  /* more Exact header matches (envoy-gateway) */
	GW_K_QUERY,          /* more query parameter matches */
	GW_K_EXACT_QUERY,    /* more Exact query matches (envoy-gateway) */
	GW_K_AGE,            /* the older route */
	GW_K_TIMESTAMP,      /* one route has a creationTimestamp, the other not */
	GW_K_NAME,           /* namespace, then name */
	GW_K_RULE_ORDER,     /* the first rule of the route */
	GW_K_REGEX_ORDER,    /* nginx-gateway-fabric: regex locations by length, then text */
	GW_K_LOCATION,       /* nginx-gateway-fabric: the path chose another location */
	GW_K_VHOST,          /* an Envoy / nginx profile: another hostname's virtual host */
};
/* The criterion in words, as the profile applies it ("[profile]" marks its own steps). */
const char *gw_key_text(enum gw_key k, enum gw_profile p);

/* Why a request got no rule. */
enum gw_none {
	GW_NONE_MATCHED = 0,     /* (a rule matched) */
	GW_NONE_NO_GATEWAY,      /* the named Gateway is not in the input */
	GW_NONE_NO_LISTENER,     /* no HTTP/HTTPS listener on the port */
	GW_NONE_NO_HOST,         /* no listener of the port takes the host */
	GW_NONE_NO_RULE,         /* listeners chosen, no attached rule matches */
	GW_NONE_LOCATION,        /* nginx-gateway-fabric: the path's location has no match for it */
};

struct gw_backend_out {
	const struct gw_backend_ref *ref;
	const char *group, *kind, *namespace_, *name;
	bool has_port;
	long long port;
	long long weight;
	const char *invalid;     /* NULL, or "InvalidKind", "RefNotPermitted", "BackendNotFound" */
};

#define GW_MAX_BACKENDS 16   /* the CRD's maxItems for backendRefs */
#define GW_MAX_LOCATION (RT_MAX_HOST + RT_MAX_PATH + 1300)

struct gw_decision {
	bool matched;                       /* a rule won */
	enum gw_profile profile;
	int status;                         /* 200, 404, 500, 301/302/303/307/308 */
	enum gw_none none;
	/* the rule that won */
	const struct httproute *route;
	const char *namespace_, *name;      /* the route's (namespace defaulted) */
	size_t rule_index, match_index;
	const struct gw_rule *rule;
	const struct gw_match *match;
	const char *hostname;               /* the effective hostname that matched; NULL: any host */
	const char *virtual_host;           /* the profiles' virtual host (NULL: spec, or any host) */
	/* where it arrived */
	const struct gateway *gateway;
	const struct gw_listener *listener;
	long port;                          /* the listener port used */
	/* what happens */
	size_t nbackends;                   /* the winning rule's backendRefs (at most 16) */
	struct gw_backend_out backends[GW_MAX_BACKENDS];
	long single;                        /* the backend receiving everything, or -1 */
	bool redirected;
	/* how it was decided */
	enum gw_key key;
	unsigned changes;                   /* RT_N_* bits of host and path normalisation */
	size_t ncandidates;                 /* matching candidates */
	char location[GW_MAX_LOCATION];     /* the Location of a redirect (last: not cleared) */
};

/*
 * Decides where the request goes.  Returns IW_OK, IW_ETOOBIG when the host
 * or path exceeds RT_MAX_HOST / RT_MAX_PATH, or more than GW_MAX_REQ_FIELDS
 * headers or query parameters are given (then d says none), IW_ENOMEM when
 * a work area could not be allocated.
 */
int gw_route(const struct gw_table *t, const struct gw_request *req, struct gw_decision *d);

/*
 * The same with an explanation: *reason (may be NULL) gets a one-line
 * reason, and the return value the text (see the top).  Both new strings
 * the caller frees; NULL on OOM or when gw_route fails (then *reason is
 * NULL).
 */
char *gw_explain(const struct gw_table *t, const struct gw_request *req, struct gw_decision *d,
                 char **reason);

/*
 * The `route --gateway-api -o json` object: match ("rule" / "none"), kind
 * "HTTPRoute" and name (as rt_decision_json names a non-Ingress object),
 * route, route_namespace, namespace / service / port (the one
 * backend Service that receives the request, else null), status, redirect,
 * backends (all backendRefs of the winning rule, resolved: namespace,
 * service, port, weight, and "invalid" when so), rule {host and hostname
 * (the effective hostname that matched), path, pathType, index, match},
 * listener {gateway, gateway_namespace, name, port}, profile, reason
 * (when reason != NULL).  New reference; NULL on OOM.
 */
json_t *gw_decision_json(const struct gw_decision *d, const char *reason);

/* For people: "service NS/NAME:PORT", "redirect 302 LOCATION", "404 (no rule)",
 * "500 (NS/NAME:PORT weight 1 RefNotPermitted)", "split NS/A:P weight 1, ...". */
void gw_outcome_text(const struct gw_decision *d, char *buf, size_t size);
/* "NAMESPACE/SERVICE:PORT", "redirect 302 LOCATION", "500", "404", or
 * "split NS/A:P*W+NS/B:P*W" into buf: what a request gets, for comparing
 * outcomes (always terminated, cut to size). */
void gw_outcome_id(const struct gw_decision *d, char *buf, size_t size);

/* ---- for the checks: claims, attachment ---- */

/* One match of a rule, on one listener and effective hostname. */
struct gw_claim {
	const struct httproute *route;
	size_t rule, match;
	const struct gateway *gateway;
	const struct gw_listener *listener;
	const char *hostname;        /* NULL: any host */
};
typedef void (*gw_claim_fn)(void *arg, const struct gw_claim *loser, const struct gw_claim *winner,
                            enum gw_key key);
/*
 * Calls fn for every match that another claims in full: the same listener,
 * the same effective hostname and the same conditions (path type and
 * normalised value, method, the header and query conditions that count).
 * 'winner' serves those requests (the older route, then namespace/name,
 * then the first rule: the specification's tie-breaks) and 'key' says why;
 * the loser serves none of them.  Each losing (route, rule, match) once;
 * broken matches (a regex that does not compile) are left out.  Returns
 * IW_OK or IW_ENOMEM.
 */
int gw_conflicts(const struct gw_table *t, gw_claim_fn fn, void *arg);
/* true when two matches have the same conditions: path type and value
 * (normalised as requests are), method, and the header and query
 * conditions that count (header names case-insensitive). */
bool gw_same_conditions(const struct gw_match *a, const struct gw_match *b);
/* The listeners the route is attached to (0: none). */
size_t gw_route_attachments(const struct gw_table *t, const struct httproute *r);
/* true when a parentRef of the route names a Gateway of the table's input */
bool gw_route_names_known_gateway(const struct gw_table *t, const struct httproute *r);

#endif
