/*
 * The Gateway API model: Gateway, HTTPRoute and ReferenceGrant objects of
 * gateway.networking.k8s.io (v1 and v1beta1: the same schema), and the
 * labels of core v1 Namespaces (for allowedRoutes selectors), decoded as the
 * API server decodes them (model/decode.h: decode errors with field paths,
 * unknown fields with IW_PARSE_STRICT) and defaulted as the CRDs of
 * kubernetes-sigs/gateway-api (config/crd/standard/ (one YAML per kind)) default them.
 *
 * The CRD's validation rules (patterns, limits, CEL rules) are in
 * validate/gwvalidate.h; routing is router/httproute.h.
 *
 * Ownership as the Ingress model (model.h): strings are borrowed from the
 * source json_t, which the model holds a reference to until *_free; arrays
 * and structs come from one arena owned by the model.  A NULL string is an
 * absent field.  Defaults are filled in where the CRD has one, and a flag
 * says whether the field was written (validation needs to know).
 *
 * Pure: libc + jansson, no I/O, no globals.
 */
#ifndef IW_MODEL_GATEWAY_H
#define IW_MODEL_GATEWAY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "model/fielderr.h"
#include "model/meta.h"

#define GW_GROUP "gateway.networking.k8s.io"

enum gw_kind {
	GW_KIND_OTHER = 0,
	GW_KIND_GATEWAY,
	GW_KIND_HTTPROUTE,
	GW_KIND_REFERENCEGRANT,
	GW_KIND_NAMESPACE,          /* core v1 Namespace (its labels) */
};

enum gw_api {
	GW_API_UNKNOWN = 0,
	GW_API_V1,                  /* gateway.networking.k8s.io/v1 */
	GW_API_V1BETA1,             /* gateway.networking.k8s.io/v1beta1 */
	GW_API_CORE_V1,             /* v1 (Namespace) */
};

/*
 * Reads apiVersion and kind: the kinds above in a served version (Gateway and
 * HTTPRoute: v1, v1beta1; ReferenceGrant: v1, v1beta1; Namespace: v1).
 * Anything else gives GW_KIND_OTHER; *api is then the group's version when
 * the group is gateway.networking.k8s.io (an unserved kind or version can be
 * reported), else GW_API_UNKNOWN.
 */
void gw_object_type(const json_t *obj, enum gw_kind *kind, enum gw_api *api);
/* "Gateway", "HTTPRoute", "ReferenceGrant", "Namespace", "" */
const char *gw_kind_name(enum gw_kind k);

/* ---- shared pieces ---- */

/* metav1.LabelSelector */
struct gw_label_req {
	const char *key, *op;        /* "" when absent */
	const char **values;
	size_t nvalues;
};
struct gw_selector {
	struct iw_kv *match_labels;  /* sorted by key */
	size_t nmatch_labels;
	struct gw_label_req *exprs;
	size_t nexprs;
};

/*
 * true when 'labels' (a sorted map: iw_meta.labels) satisfy the selector
 * (matchLabels all equal, every matchExpression holds: In, NotIn, Exists,
 * DoesNotExist).  An empty selector matches everything.  An expression with
 * an unknown operator matches nothing (the API server refuses it).
 */
bool gw_selector_matches(const struct gw_selector *s, const struct iw_kv *labels, size_t nlabels);

/* ---- Gateway ---- */

enum gw_from { GW_FROM_SAME = 0, GW_FROM_ALL, GW_FROM_SELECTOR, GW_FROM_OTHER };

struct gw_route_kind {
	const char *group;           /* defaulted: "gateway.networking.k8s.io" */
	const char *kind;            /* "" when absent */
};

struct gw_listener {
	const char *name;            /* "" when absent */
	const char *hostname;        /* NULL: none (matches every host) */
	bool has_port;
	long long port;
	const char *protocol;        /* "" when absent ("HTTP", "HTTPS", ...) */
	enum gw_from from;           /* allowedRoutes.namespaces.from, defaulted Same */
	const char *from_str;        /* as written, NULL when defaulted */
	bool has_selector;
	struct gw_selector selector;
	bool has_kinds;              /* allowedRoutes.kinds given */
	struct gw_route_kind *kinds;
	size_t nkinds;
	bool has_tls;
	const char *tls_mode;        /* NULL when absent */
	size_t ncertificate_refs;
};

struct gateway {
	enum gw_api api;
	struct iw_meta meta;
	const char *class_name;      /* spec.gatewayClassName; NULL when absent */
	bool has_listeners;
	struct gw_listener *listeners;
	size_t nlisteners;
	json_t *src;
	void *mem_;
};

/* ---- HTTPRoute ---- */

struct gw_parent_ref {
	const char *group;           /* defaulted "gateway.networking.k8s.io" ("" = core) */
	const char *kind;            /* defaulted "Gateway" */
	const char *namespace_;      /* NULL: the route's namespace */
	const char *name;            /* "" when absent */
	const char *section_name;    /* NULL when absent */
	bool has_port;
	long long port;
};

enum gw_path_type { GW_PATH_EXACT = 0, GW_PATH_PREFIX, GW_PATH_REGEX, GW_PATH_OTHER };
enum gw_value_type { GW_VALUE_EXACT = 0, GW_VALUE_REGEX, GW_VALUE_OTHER };

/* A header or query parameter match. */
struct gw_value_match {
	enum gw_value_type type;     /* defaulted Exact */
	const char *type_str;        /* as written; NULL when defaulted */
	const char *name, *value;    /* "" when absent */
};

struct gw_match {
	enum gw_path_type path_type; /* defaulted PathPrefix */
	const char *path_type_str;   /* as written; NULL when defaulted */
	const char *path;            /* defaulted "/" */
	bool has_path;               /* `path` was written */
	bool has_path_value;         /* `path.value` was written */
	const char *method;          /* NULL: any */
	struct gw_value_match *headers;
	size_t nheaders;
	struct gw_value_match *query;
	size_t nquery;
};

enum gw_filter_type {
	GW_F_OTHER = 0,
	GW_F_REQUEST_HEADER_MODIFIER,
	GW_F_RESPONSE_HEADER_MODIFIER,
	GW_F_REQUEST_MIRROR,
	GW_F_REQUEST_REDIRECT,
	GW_F_URL_REWRITE,
	GW_F_EXTENSION_REF,
	GW_F_CORS,
	GW_F_EXTERNAL_AUTH,
};

enum gw_path_mod { GW_PM_NONE = 0, GW_PM_FULL, GW_PM_PREFIX, GW_PM_OTHER };

struct gw_path_modifier {
	enum gw_path_mod type;
	const char *type_str;        /* as written ("" when absent) */
	const char *full;            /* replaceFullPath, NULL when absent */
	const char *prefix;          /* replacePrefixMatch, NULL when absent */
};

struct gw_redirect {
	const char *scheme;          /* NULL: the listener's */
	const char *hostname;        /* NULL: the request's */
	bool has_path;
	struct gw_path_modifier path;
	bool has_port;
	long long port;
	long long status_code;       /* defaulted 302 */
	bool has_status_code;
};

struct gw_rewrite {
	const char *hostname;        /* NULL when absent */
	bool has_path;
	struct gw_path_modifier path;
};

struct gw_header_value { const char *name, *value; };

struct gw_header_filter {
	struct gw_header_value *set, *add;
	size_t nset, nadd;
	const char **remove;
	size_t nremove;
};

struct gw_filter {
	enum gw_filter_type type;
	const char *type_str;        /* "" when absent */
	/* which member objects were written (the CEL rules pair them with type) */
	bool has_redirect, has_rewrite, has_request_headers, has_response_headers;
	bool has_mirror, has_extension_ref, has_cors, has_external_auth;
	struct gw_redirect redirect;
	struct gw_rewrite rewrite;
	struct gw_header_filter request_headers, response_headers;
	const char *mirror_group, *mirror_kind, *mirror_name;   /* requestMirror.backendRef */
	bool mirror_has_port;
};

struct gw_backend_ref {
	const char *group;           /* defaulted "" (core) */
	const char *kind;            /* defaulted "Service" */
	const char *namespace_;      /* NULL: the route's namespace */
	const char *name;            /* "" when absent */
	bool has_port;
	long long port;
	long long weight;            /* defaulted 1 */
	bool has_weight;
	struct gw_filter *filters;
	size_t nfilters;
};

struct gw_rule {
	const char *name;            /* NULL when absent */
	bool has_matches;            /* `matches` written (else the default match) */
	struct gw_match *matches;    /* defaulted: one PathPrefix "/" match */
	size_t nmatches;
	struct gw_filter *filters;
	size_t nfilters;
	struct gw_backend_ref *backends;
	size_t nbackends;
	const char *timeout_request, *timeout_backend;   /* NULL when absent */
};

struct httproute {
	enum gw_api api;
	struct iw_meta meta;
	struct gw_parent_ref *parents;
	size_t nparents;
	const char **hostnames;      /* as written */
	size_t nhostnames;
	bool has_rules;              /* `rules` written (else the CRD default rule) */
	struct gw_rule *rules;       /* defaulted: one rule, one PathPrefix "/" match */
	size_t nrules;
	json_t *src;
	void *mem_;
};

/* ---- ReferenceGrant ---- */

struct gw_grant_from { const char *group, *kind, *namespace_; };   /* "" when absent */
struct gw_grant_to { const char *group, *kind, *name; };           /* name NULL: every name */

struct reference_grant {
	enum gw_api api;
	struct iw_meta meta;
	bool has_from, has_to;
	struct gw_grant_from *from;
	size_t nfrom;
	struct gw_grant_to *to;
	size_t nto;
	json_t *src;
	void *mem_;
};

/* ---- Namespace (only its metadata) ---- */

struct gw_namespace {
	struct iw_meta meta;
	json_t *src;
	void *mem_;
};

/*
 * Each parses one object of its kind (any served version) into *out (the
 * caller owns it: *_free), as ingress_parse does: decode errors (wrong JSON
 * types, out-of-range integers; unknown fields with IW_PARSE_STRICT) are
 * appended to 'el' with their field paths, the field is treated as absent
 * and the parse still succeeds.  Returns IW_OK; IW_EINVAL when 'obj' is not
 * an object; IW_ENOMEM (also in el->err).  *out is NULL on failure.
 * *_free(NULL) is a no-op.
 */
enum iw_err gateway_parse(json_t *obj, unsigned flags, struct errlist *el, struct gateway **out);
void gateway_free(struct gateway *g);
enum iw_err httproute_parse(json_t *obj, unsigned flags, struct errlist *el,
                            struct httproute **out);
void httproute_free(struct httproute *r);
enum iw_err reference_grant_parse(json_t *obj, unsigned flags, struct errlist *el,
                                  struct reference_grant **out);
void reference_grant_free(struct reference_grant *g);
enum iw_err gw_namespace_parse(json_t *obj, unsigned flags, struct errlist *el,
                               struct gw_namespace **out);
void gw_namespace_free(struct gw_namespace *n);

/* ---- facts ---- */

/* "Exact", "PathPrefix", "RegularExpression" (the written string for OTHER) */
const char *gw_path_type_name(const struct gw_match *m);
/* The namespace a parentRef / backendRef names: its own, else the route's. */
const char *gw_parent_namespace(const struct httproute *r, const struct gw_parent_ref *p);
const char *gw_backend_namespace(const struct httproute *r, const struct gw_backend_ref *b);
/* true when the parentRef names a Gateway (group gateway.networking.k8s.io, kind Gateway) */
bool gw_parent_is_gateway(const struct gw_parent_ref *p);
/* true when the backendRef names a core Service (group "" and kind Service) */
bool gw_backend_is_service(const struct gw_backend_ref *b);
/* The RequestRedirect filter of a rule / backendRef, or NULL. */
const struct gw_filter *gw_rule_redirect(const struct gw_filter *f, size_t n);

#endif
