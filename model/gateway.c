/*
 * The Gateway API model (see gateway.h): decoding of Gateway, HTTPRoute,
 * ReferenceGrant and Namespace objects with the CRDs' defaults.  The known
 * fields are those of the standard and experimental channels' CRDs at
 * kubernetes-sigs/gateway-api 4564255a (apis/v1/, the *_types.go files), so that a
 * strict decode reports only fields no channel has.
 */
#include "model/gateway.h"

#include "model/decode.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------- object type ---------- */

void gw_object_type(const json_t *obj, enum gw_kind *kind, enum gw_api *api)
{
	*kind = GW_KIND_OTHER;
	*api = GW_API_UNKNOWN;
	if (!json_is_object(obj))
		return;
	const char *av = json_string_value(json_object_get(obj, "apiVersion"));
	const char *k = json_string_value(json_object_get(obj, "kind"));
	if (!av || !k)
		return;
	if (!strcmp(av, "v1")) {
		if (!strcmp(k, "Namespace")) {
			*kind = GW_KIND_NAMESPACE;
			*api = GW_API_CORE_V1;
		}
		return;
	}
	if (!strcmp(av, GW_GROUP "/v1"))
		*api = GW_API_V1;
	else if (!strcmp(av, GW_GROUP "/v1beta1"))
		*api = GW_API_V1BETA1;
	else
		return;
	if (!strcmp(k, "Gateway"))
		*kind = GW_KIND_GATEWAY;
	else if (!strcmp(k, "HTTPRoute"))
		*kind = GW_KIND_HTTPROUTE;
	else if (!strcmp(k, "ReferenceGrant"))
		*kind = GW_KIND_REFERENCEGRANT;
}

const char *gw_kind_name(enum gw_kind k)
{
	switch (k) {
	case GW_KIND_GATEWAY: return "Gateway";
	case GW_KIND_HTTPROUTE: return "HTTPRoute";
	case GW_KIND_REFERENCEGRANT: return "ReferenceGrant";
	case GW_KIND_NAMESPACE: return "Namespace";
	default: return "";
	}
}

/* ---------- known fields ---------- */

static const char *const top_keys[] = { "apiVersion", "kind", "metadata", "spec", "status", NULL };
static const char *const ns_top_keys[] = { "apiVersion", "kind", "metadata", "spec", "status", NULL };
static const char *const selector_keys[] = { "matchLabels", "matchExpressions", NULL };
static const char *const expr_keys[] = { "key", "operator", "values", NULL };

static const char *const gw_spec_keys[] = {
	"gatewayClassName", "listeners", "addresses", "infrastructure", "allowedListeners", "tls",
	"defaultScope", "backendTLS", NULL
};
static const char *const listener_keys[] = {
	"name", "hostname", "port", "protocol", "tls", "allowedRoutes", NULL
};
static const char *const allowed_keys[] = { "namespaces", "kinds", NULL };
static const char *const rns_keys[] = { "from", "selector", NULL };
static const char *const rgk_keys[] = { "group", "kind", NULL };
static const char *const ltls_keys[] = { "mode", "certificateRefs", "options", "frontendValidation", NULL };

static const char *const route_spec_keys[] = {
	"parentRefs", "hostnames", "rules", "useDefaultGateways", NULL
};
static const char *const parent_keys[] = {
	"group", "kind", "namespace", "name", "sectionName", "port", NULL
};
static const char *const rule_keys[] = {
	"name", "matches", "filters", "backendRefs", "timeouts", "retry", "sessionPersistence", NULL
};
static const char *const match_keys[] = { "path", "headers", "queryParams", "method", NULL };
static const char *const pathm_keys[] = { "type", "value", NULL };
static const char *const valuem_keys[] = { "type", "name", "value", NULL };
static const char *const filter_keys[] = {
	"type", "requestHeaderModifier", "responseHeaderModifier", "requestMirror",
	"requestRedirect", "urlRewrite", "cors", "externalAuth", "extensionRef", NULL
};
static const char *const redirect_keys[] = {
	"scheme", "hostname", "path", "port", "statusCode", NULL
};
static const char *const rewrite_keys[] = { "hostname", "path", NULL };
static const char *const pathmod_keys[] = { "type", "replaceFullPath", "replacePrefixMatch", NULL };
static const char *const hfilter_keys[] = { "set", "add", "remove", NULL };
static const char *const header_keys[] = { "name", "value", NULL };
static const char *const mirror_keys[] = { "backendRef", "percent", "fraction", NULL };
static const char *const objref_keys[] = { "group", "kind", "name", "namespace", "port", NULL };
static const char *const backend_keys[] = {
	"group", "kind", "name", "namespace", "port", "weight", "filters", NULL
};
static const char *const timeouts_keys[] = { "request", "backendRequest", NULL };

static const char *const grant_spec_keys[] = { "from", "to", NULL };
static const char *const grant_from_keys[] = { "group", "kind", "namespace", NULL };
static const char *const grant_to_keys[] = { "group", "kind", "name", NULL };

/* ---------- shared pieces ---------- */

/* The items of array field 'key' that are objects: 'each' is called with
 * each item and its index; nulls are skipped, other types are decode
 * errors.  Returns the array's size (the caller allocates that many). */
static size_t array_len(struct md_ctx *c, const json_t *obj, const char *key,
                        const struct fpath *up, json_t **arr)
{
	*arr = md_arr(c, obj, key, up);
	return *arr ? json_array_size(*arr) : 0;
}

/* An object item of an array; NULL (reported when not null) otherwise. */
static json_t *item_obj(struct md_ctx *c, json_t *it, const struct fpath *ip)
{
	if (md_is_null(it))
		return NULL;
	if (!json_is_object(it)) {
		md_type_err(c, ip, it, "object");
		return NULL;
	}
	return it;
}

static void parse_selector(struct md_ctx *c, const json_t *so, const struct fpath *sp,
                           struct gw_selector *s)
{
	md_check_keys(c, so, sp, selector_keys);
	s->match_labels = md_str_map(c, so, "matchLabels", sp, &s->nmatch_labels);
	json_t *arr;
	size_t n = array_len(c, so, "matchExpressions", sp, &arr);
	if (!n)
		return;
	const struct fpath *ap = FP_KEY(sp, "matchExpressions");
	if (!(s->exprs = md_alloc_n(c, n, sizeof *s->exprs)))
		return;
	for (size_t i = 0; i < n; i++) {
		const struct fpath *ip = FP_IDX(ap, i);
		json_t *it = item_obj(c, json_array_get(arr, i), ip);
		if (!it)
			continue;
		md_check_keys(c, it, ip, expr_keys);
		struct gw_label_req *r = &s->exprs[s->nexprs++];
		r->key = md_nz(md_str(c, it, "key", ip));
		r->op = md_nz(md_str(c, it, "operator", ip));
		r->values = md_str_list(c, it, "values", ip, &r->nvalues);
	}
}

static const char *label_of(const struct iw_kv *labels, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(labels[i].key, key))
			return labels[i].value;
	return NULL;
}

bool gw_selector_matches(const struct gw_selector *s, const struct iw_kv *labels, size_t nlabels)
{
	for (size_t i = 0; i < s->nmatch_labels; i++) {
		const char *v = label_of(labels, nlabels, s->match_labels[i].key);
		if (!v || strcmp(v, s->match_labels[i].value))
			return false;
	}
	for (size_t i = 0; i < s->nexprs; i++) {
		const struct gw_label_req *r = &s->exprs[i];
		const char *v = label_of(labels, nlabels, r->key);
		bool in = false;
		for (size_t j = 0; v && j < r->nvalues; j++)
			in = in || !strcmp(v, r->values[j]);
		bool ok;
		if (!strcmp(r->op, "In"))
			ok = in;
		else if (!strcmp(r->op, "NotIn"))
			ok = !in;
		else if (!strcmp(r->op, "Exists"))
			ok = v != NULL;
		else if (!strcmp(r->op, "DoesNotExist"))
			ok = v == NULL;
		else
			ok = false;
		if (!ok)
			return false;
	}
	return true;
}

/* ---------- Gateway ---------- */

static void parse_listener(struct md_ctx *c, const json_t *lo, const struct fpath *lp,
                           struct gw_listener *l)
{
	md_check_keys(c, lo, lp, listener_keys);
	l->name = md_nz(md_str(c, lo, "name", lp));
	l->hostname = md_str(c, lo, "hostname", lp);
	l->has_port = md_int(c, lo, "port", lp, INT32_MIN, INT32_MAX, "int32", &l->port);
	l->protocol = md_nz(md_str(c, lo, "protocol", lp));
	json_t *tls = md_obj(c, lo, "tls", lp);
	if (tls) {
		const struct fpath *tp = FP_KEY(lp, "tls");
		md_check_keys(c, tls, tp, ltls_keys);
		l->has_tls = true;
		l->tls_mode = md_str(c, tls, "mode", tp);
		json_t *refs = md_arr(c, tls, "certificateRefs", tp);
		l->ncertificate_refs = refs ? json_array_size(refs) : 0;
	}
	l->from = GW_FROM_SAME;
	json_t *ar = md_obj(c, lo, "allowedRoutes", lp);
	if (!ar)
		return;
	const struct fpath *ap = FP_KEY(lp, "allowedRoutes");
	md_check_keys(c, ar, ap, allowed_keys);
	json_t *ns = md_obj(c, ar, "namespaces", ap);
	if (ns) {
		const struct fpath *np = FP_KEY(ap, "namespaces");
		md_check_keys(c, ns, np, rns_keys);
		l->from_str = md_str(c, ns, "from", np);
		if (!l->from_str || !strcmp(l->from_str, "Same"))
			l->from = GW_FROM_SAME;
		else if (!strcmp(l->from_str, "All"))
			l->from = GW_FROM_ALL;
		else if (!strcmp(l->from_str, "Selector"))
			l->from = GW_FROM_SELECTOR;
		else
			l->from = GW_FROM_OTHER;
		json_t *sel = md_obj(c, ns, "selector", np);
		if (sel) {
			l->has_selector = true;
			parse_selector(c, sel, FP_KEY(np, "selector"), &l->selector);
		}
	}
	json_t *arr;
	size_t n = array_len(c, ar, "kinds", ap, &arr);
	if (!arr)
		return;
	l->has_kinds = true;
	if (!n || !(l->kinds = md_alloc_n(c, n, sizeof *l->kinds)))
		return;
	const struct fpath *kp = FP_KEY(ap, "kinds");
	for (size_t i = 0; i < n; i++) {
		const struct fpath *ip = FP_IDX(kp, i);
		json_t *it = item_obj(c, json_array_get(arr, i), ip);
		if (!it)
			continue;
		md_check_keys(c, it, ip, rgk_keys);
		struct gw_route_kind *k = &l->kinds[l->nkinds++];
		k->group = md_str(c, it, "group", ip);
		if (!k->group)
			k->group = GW_GROUP;
		k->kind = md_nz(md_str(c, it, "kind", ip));
	}
}

/* A new model of 'size' bytes in its own arena. */
static enum iw_err model_new(json_t *obj, size_t size, struct errlist *el, struct md_arena **a,
                             void **m)
{
	*m = NULL;
	if (!json_is_object(obj))
		return IW_EINVAL;
	*a = md_arena_new(ARENA_CHUNK);
	*m = *a ? md_arena_alloc(*a, size) : NULL;
	if (!*m) {
		md_arena_free(*a);
		return el->err = IW_ENOMEM;
	}
	return IW_OK;
}

static void parse_top(struct md_ctx *c, const json_t *obj, struct iw_meta *meta,
                      const char *const *keys)
{
	md_check_keys(c, obj, NULL, keys);
	md_str(c, obj, "apiVersion", NULL);
	md_str(c, obj, "kind", NULL);
	md_meta(c, obj, meta);
}

enum iw_err gateway_parse(json_t *obj, unsigned flags, struct errlist *el, struct gateway **out)
{
	struct md_arena *a;
	struct gateway *g;
	*out = NULL;
	enum iw_err rc = model_new(obj, sizeof *g, el, &a, (void **)&g);
	if (rc)
		return rc;
	enum gw_kind k;
	gw_object_type(obj, &k, &g->api);
	g->mem_ = a;
	g->src = json_incref(obj);
	struct md_ctx c = { a, flags, el, false, (int)g->api };
	parse_top(&c, obj, &g->meta, top_keys);
	const struct fpath *sp = FP_KEY(NULL, "spec");
	json_t *spec = md_obj(&c, obj, "spec", NULL);
	if (spec) {
		md_check_keys(&c, spec, sp, gw_spec_keys);
		g->class_name = md_str(&c, spec, "gatewayClassName", sp);
		json_t *arr;
		size_t n = array_len(&c, spec, "listeners", sp, &arr);
		g->has_listeners = arr != NULL;
		if (n && (g->listeners = md_alloc_n(&c, n, sizeof *g->listeners))) {
			const struct fpath *lp = FP_KEY(sp, "listeners");
			for (size_t i = 0; i < n; i++) {
				const struct fpath *ip = FP_IDX(lp, i);
				json_t *it = item_obj(&c, json_array_get(arr, i), ip);
				if (it)
					parse_listener(&c, it, ip, &g->listeners[g->nlisteners++]);
			}
		}
	}
	if (c.oom || el->err) {
		gateway_free(g);
		return el->err = IW_ENOMEM;
	}
	*out = g;
	return IW_OK;
}

void gateway_free(struct gateway *g)
{
	if (!g)
		return;
	json_decref(g->src);
	md_arena_free(g->mem_);
}

/* ---------- HTTPRoute ---------- */

static void parse_parents(struct md_ctx *c, const json_t *spec, const struct fpath *sp,
                          struct httproute *r)
{
	json_t *arr;
	size_t n = array_len(c, spec, "parentRefs", sp, &arr);
	if (!n || !(r->parents = md_alloc_n(c, n, sizeof *r->parents)))
		return;
	const struct fpath *pp = FP_KEY(sp, "parentRefs");
	for (size_t i = 0; i < n; i++) {
		const struct fpath *ip = FP_IDX(pp, i);
		json_t *it = item_obj(c, json_array_get(arr, i), ip);
		if (!it)
			continue;
		md_check_keys(c, it, ip, parent_keys);
		struct gw_parent_ref *p = &r->parents[r->nparents++];
		p->group = md_str(c, it, "group", ip);
		if (!p->group)
			p->group = GW_GROUP;
		p->kind = md_str(c, it, "kind", ip);
		if (!p->kind)
			p->kind = "Gateway";
		p->namespace_ = md_str(c, it, "namespace", ip);
		p->name = md_nz(md_str(c, it, "name", ip));
		p->section_name = md_str(c, it, "sectionName", ip);
		p->has_port = md_int(c, it, "port", ip, INT32_MIN, INT32_MAX, "int32", &p->port);
	}
}

static enum gw_value_type value_type(const char *s)
{
	if (!s || !strcmp(s, "Exact"))
		return GW_VALUE_EXACT;
	return !strcmp(s, "RegularExpression") ? GW_VALUE_REGEX : GW_VALUE_OTHER;
}

static struct gw_value_match *parse_value_matches(struct md_ctx *c, const json_t *mo,
                                                  const char *key, const struct fpath *mp,
                                                  size_t *count)
{
	json_t *arr;
	size_t n = array_len(c, mo, key, mp, &arr);
	struct gw_value_match *v = n ? md_alloc_n(c, n, sizeof *v) : NULL;
	if (!v)
		return NULL;
	const struct fpath *ap = FP_KEY(mp, key);
	for (size_t i = 0; i < n; i++) {
		const struct fpath *ip = FP_IDX(ap, i);
		json_t *it = item_obj(c, json_array_get(arr, i), ip);
		if (!it)
			continue;
		md_check_keys(c, it, ip, valuem_keys);
		struct gw_value_match *m = &v[(*count)++];
		m->type_str = md_str(c, it, "type", ip);
		m->type = value_type(m->type_str);
		m->name = md_nz(md_str(c, it, "name", ip));
		m->value = md_nz(md_str(c, it, "value", ip));
	}
	return v;
}

static void default_match(struct gw_match *m)
{
	m->path_type = GW_PATH_PREFIX;
	m->path = "/";
}

static void parse_match(struct md_ctx *c, const json_t *mo, const struct fpath *mp,
                        struct gw_match *m)
{
	md_check_keys(c, mo, mp, match_keys);
	default_match(m);
	json_t *po = md_obj(c, mo, "path", mp);
	if (po) {
		const struct fpath *pp = FP_KEY(mp, "path");
		md_check_keys(c, po, pp, pathm_keys);
		m->has_path = true;
		m->path_type_str = md_str(c, po, "type", pp);
		const char *t = m->path_type_str;
		if (!t || !strcmp(t, "PathPrefix"))
			m->path_type = GW_PATH_PREFIX;
		else if (!strcmp(t, "Exact"))
			m->path_type = GW_PATH_EXACT;
		else if (!strcmp(t, "RegularExpression"))
			m->path_type = GW_PATH_REGEX;
		else
			m->path_type = GW_PATH_OTHER;
		const char *v = md_str(c, po, "value", pp);
		if (v) {
			m->path = v;
			m->has_path_value = true;
		}
	}
	m->method = md_str(c, mo, "method", mp);
	m->headers = parse_value_matches(c, mo, "headers", mp, &m->nheaders);
	m->query = parse_value_matches(c, mo, "queryParams", mp, &m->nquery);
}

static void parse_path_modifier(struct md_ctx *c, const json_t *po, const struct fpath *pp,
                                struct gw_path_modifier *pm)
{
	md_check_keys(c, po, pp, pathmod_keys);
	pm->type_str = md_nz(md_str(c, po, "type", pp));
	if (!strcmp(pm->type_str, "ReplaceFullPath"))
		pm->type = GW_PM_FULL;
	else if (!strcmp(pm->type_str, "ReplacePrefixMatch"))
		pm->type = GW_PM_PREFIX;
	else
		pm->type = GW_PM_OTHER;
	pm->full = md_str(c, po, "replaceFullPath", pp);
	pm->prefix = md_str(c, po, "replacePrefixMatch", pp);
}

static struct gw_header_value *parse_headers(struct md_ctx *c, const json_t *ho, const char *key,
                                             const struct fpath *hp, size_t *count)
{
	json_t *arr;
	size_t n = array_len(c, ho, key, hp, &arr);
	struct gw_header_value *v = n ? md_alloc_n(c, n, sizeof *v) : NULL;
	if (!v)
		return NULL;
	const struct fpath *ap = FP_KEY(hp, key);
	for (size_t i = 0; i < n; i++) {
		const struct fpath *ip = FP_IDX(ap, i);
		json_t *it = item_obj(c, json_array_get(arr, i), ip);
		if (!it)
			continue;
		md_check_keys(c, it, ip, header_keys);
		v[*count].name = md_nz(md_str(c, it, "name", ip));
		v[(*count)++].value = md_nz(md_str(c, it, "value", ip));
	}
	return v;
}

static void parse_header_filter(struct md_ctx *c, const json_t *ho, const struct fpath *hp,
                                struct gw_header_filter *h)
{
	md_check_keys(c, ho, hp, hfilter_keys);
	h->set = parse_headers(c, ho, "set", hp, &h->nset);
	h->add = parse_headers(c, ho, "add", hp, &h->nadd);
	h->remove = md_str_list(c, ho, "remove", hp, &h->nremove);
}

static const struct { const char *name; enum gw_filter_type type; } filter_types[] = {
	{ "RequestHeaderModifier", GW_F_REQUEST_HEADER_MODIFIER },
	{ "ResponseHeaderModifier", GW_F_RESPONSE_HEADER_MODIFIER },
	{ "RequestMirror", GW_F_REQUEST_MIRROR },
	{ "RequestRedirect", GW_F_REQUEST_REDIRECT },
	{ "URLRewrite", GW_F_URL_REWRITE },
	{ "ExtensionRef", GW_F_EXTENSION_REF },
	{ "CORS", GW_F_CORS },
	{ "ExternalAuth", GW_F_EXTERNAL_AUTH },
};

static void parse_filter(struct md_ctx *c, const json_t *fo, const struct fpath *fp,
                         struct gw_filter *f)
{
	md_check_keys(c, fo, fp, filter_keys);
	f->type_str = md_nz(md_str(c, fo, "type", fp));
	f->type = GW_F_OTHER;
	for (size_t i = 0; i < sizeof filter_types / sizeof filter_types[0]; i++)
		if (!strcmp(f->type_str, filter_types[i].name))
			f->type = filter_types[i].type;
	json_t *o;
	if ((o = md_obj(c, fo, "requestRedirect", fp))) {
		const struct fpath *rp = FP_KEY(fp, "requestRedirect");
		struct gw_redirect *r = &f->redirect;
		md_check_keys(c, o, rp, redirect_keys);
		f->has_redirect = true;
		r->scheme = md_str(c, o, "scheme", rp);
		r->hostname = md_str(c, o, "hostname", rp);
		json_t *po = md_obj(c, o, "path", rp);
		if (po) {
			r->has_path = true;
			parse_path_modifier(c, po, FP_KEY(rp, "path"), &r->path);
		}
		r->has_port = md_int(c, o, "port", rp, INT32_MIN, INT32_MAX, "int32", &r->port);
		r->has_status_code = md_int(c, o, "statusCode", rp, INT64_MIN, INT64_MAX, "int",
		                            &r->status_code);
		if (!r->has_status_code)
			r->status_code = 302;
	}
	if ((o = md_obj(c, fo, "urlRewrite", fp))) {
		const struct fpath *rp = FP_KEY(fp, "urlRewrite");
		md_check_keys(c, o, rp, rewrite_keys);
		f->has_rewrite = true;
		f->rewrite.hostname = md_str(c, o, "hostname", rp);
		json_t *po = md_obj(c, o, "path", rp);
		if (po) {
			f->rewrite.has_path = true;
			parse_path_modifier(c, po, FP_KEY(rp, "path"), &f->rewrite.path);
		}
	}
	if ((o = md_obj(c, fo, "requestHeaderModifier", fp))) {
		f->has_request_headers = true;
		parse_header_filter(c, o, FP_KEY(fp, "requestHeaderModifier"), &f->request_headers);
	}
	if ((o = md_obj(c, fo, "responseHeaderModifier", fp))) {
		f->has_response_headers = true;
		parse_header_filter(c, o, FP_KEY(fp, "responseHeaderModifier"), &f->response_headers);
	}
	if ((o = md_obj(c, fo, "requestMirror", fp))) {
		const struct fpath *mp = FP_KEY(fp, "requestMirror");
		md_check_keys(c, o, mp, mirror_keys);
		f->has_mirror = true;
		json_t *bo = md_obj(c, o, "backendRef", mp);
		if (bo) {
			const struct fpath *bp = FP_KEY(mp, "backendRef");
			md_check_keys(c, bo, bp, objref_keys);
			f->mirror_group = md_str(c, bo, "group", bp);
			f->mirror_kind = md_str(c, bo, "kind", bp);
			f->mirror_name = md_nz(md_str(c, bo, "name", bp));
			long long port;
			f->mirror_has_port = md_int(c, bo, "port", bp, INT32_MIN, INT32_MAX, "int32", &port);
		}
	}
	f->has_extension_ref = md_obj(c, fo, "extensionRef", fp) != NULL;
	f->has_cors = md_obj(c, fo, "cors", fp) != NULL;
	f->has_external_auth = md_obj(c, fo, "externalAuth", fp) != NULL;
}

static struct gw_filter *parse_filters(struct md_ctx *c, const json_t *o, const struct fpath *p,
                                       size_t *count)
{
	json_t *arr;
	size_t n = array_len(c, o, "filters", p, &arr);
	struct gw_filter *v = n ? md_alloc_n(c, n, sizeof *v) : NULL;
	if (!v)
		return NULL;
	const struct fpath *ap = FP_KEY(p, "filters");
	for (size_t i = 0; i < n; i++) {
		const struct fpath *ip = FP_IDX(ap, i);
		json_t *it = item_obj(c, json_array_get(arr, i), ip);
		if (it)
			parse_filter(c, it, ip, &v[(*count)++]);
	}
	return v;
}

static void parse_backends(struct md_ctx *c, const json_t *ro, const struct fpath *rp,
                           struct gw_rule *rule)
{
	json_t *arr;
	size_t n = array_len(c, ro, "backendRefs", rp, &arr);
	if (!n || !(rule->backends = md_alloc_n(c, n, sizeof *rule->backends)))
		return;
	const struct fpath *ap = FP_KEY(rp, "backendRefs");
	for (size_t i = 0; i < n; i++) {
		const struct fpath *ip = FP_IDX(ap, i);
		json_t *it = item_obj(c, json_array_get(arr, i), ip);
		if (!it)
			continue;
		md_check_keys(c, it, ip, backend_keys);
		struct gw_backend_ref *b = &rule->backends[rule->nbackends++];
		b->group = md_str(c, it, "group", ip);
		if (!b->group)
			b->group = "";
		b->kind = md_str(c, it, "kind", ip);
		if (!b->kind)
			b->kind = "Service";
		b->namespace_ = md_str(c, it, "namespace", ip);
		b->name = md_nz(md_str(c, it, "name", ip));
		b->has_port = md_int(c, it, "port", ip, INT32_MIN, INT32_MAX, "int32", &b->port);
		b->has_weight = md_int(c, it, "weight", ip, INT32_MIN, INT32_MAX, "int32", &b->weight);
		if (!b->has_weight)
			b->weight = 1;
		b->filters = parse_filters(c, it, ip, &b->nfilters);
	}
}

static void parse_rule(struct md_ctx *c, const json_t *ro, const struct fpath *rp,
                       struct gw_rule *rule)
{
	md_check_keys(c, ro, rp, rule_keys);
	rule->name = md_str(c, ro, "name", rp);
	json_t *arr;
	size_t n = array_len(c, ro, "matches", rp, &arr);
	rule->has_matches = arr != NULL;
	if (!arr) {
		/* the CRD default: one PathPrefix "/" match */
		if ((rule->matches = md_alloc_n(c, 1, sizeof *rule->matches))) {
			default_match(&rule->matches[0]);
			rule->nmatches = 1;
		}
	} else if (n && (rule->matches = md_alloc_n(c, n, sizeof *rule->matches))) {
		const struct fpath *mp = FP_KEY(rp, "matches");
		for (size_t i = 0; i < n; i++) {
			const struct fpath *ip = FP_IDX(mp, i);
			json_t *it = json_array_get(arr, i);
			if (md_is_null(it)) {   /* null decodes to a zero HTTPRouteMatch: defaulted */
				default_match(&rule->matches[rule->nmatches++]);
				continue;
			}
			if ((it = item_obj(c, it, ip)))
				parse_match(c, it, ip, &rule->matches[rule->nmatches++]);
		}
	}
	rule->filters = parse_filters(c, ro, rp, &rule->nfilters);
	parse_backends(c, ro, rp, rule);
	json_t *to = md_obj(c, ro, "timeouts", rp);
	if (to) {
		const struct fpath *tp = FP_KEY(rp, "timeouts");
		md_check_keys(c, to, tp, timeouts_keys);
		rule->timeout_request = md_str(c, to, "request", tp);
		rule->timeout_backend = md_str(c, to, "backendRequest", tp);
	}
	md_obj(c, ro, "retry", rp);
	md_obj(c, ro, "sessionPersistence", rp);
}

enum iw_err httproute_parse(json_t *obj, unsigned flags, struct errlist *el, struct httproute **out)
{
	struct md_arena *a;
	struct httproute *r;
	*out = NULL;
	enum iw_err rc = model_new(obj, sizeof *r, el, &a, (void **)&r);
	if (rc)
		return rc;
	enum gw_kind k;
	gw_object_type(obj, &k, &r->api);
	r->mem_ = a;
	r->src = json_incref(obj);
	struct md_ctx c = { a, flags, el, false, (int)r->api };
	parse_top(&c, obj, &r->meta, top_keys);
	const struct fpath *sp = FP_KEY(NULL, "spec");
	json_t *spec = md_obj(&c, obj, "spec", NULL);
	json_t *rules = NULL;
	size_t n = 0;
	if (spec) {
		md_check_keys(&c, spec, sp, route_spec_keys);
		parse_parents(&c, spec, sp, r);
		r->hostnames = md_str_list(&c, spec, "hostnames", sp, &r->nhostnames);
		n = array_len(&c, spec, "rules", sp, &rules);
		md_str(&c, spec, "useDefaultGateways", sp);
	}
	r->has_rules = rules != NULL;
	if (!rules) {
		/* the CRD default: one rule with one PathPrefix "/" match */
		if ((r->rules = md_alloc_n(&c, 1, sizeof *r->rules)) &&
		    (r->rules[0].matches = md_alloc_n(&c, 1, sizeof *r->rules[0].matches))) {
			default_match(&r->rules[0].matches[0]);
			r->rules[0].nmatches = 1;
			r->nrules = 1;
		}
	} else if (n && (r->rules = md_alloc_n(&c, n, sizeof *r->rules))) {
		const struct fpath *rp = FP_KEY(sp, "rules");
		for (size_t i = 0; i < n; i++) {
			const struct fpath *ip = FP_IDX(rp, i);
			json_t *it = item_obj(&c, json_array_get(rules, i), ip);
			if (it)
				parse_rule(&c, it, ip, &r->rules[r->nrules++]);
		}
	}
	if (c.oom || el->err) {
		httproute_free(r);
		return el->err = IW_ENOMEM;
	}
	*out = r;
	return IW_OK;
}

void httproute_free(struct httproute *r)
{
	if (!r)
		return;
	json_decref(r->src);
	md_arena_free(r->mem_);
}

/* ---------- ReferenceGrant ---------- */

enum iw_err reference_grant_parse(json_t *obj, unsigned flags, struct errlist *el, struct reference_grant **out)
{
	struct md_arena *a;
	struct reference_grant *g;
	*out = NULL;
	enum iw_err rc = model_new(obj, sizeof *g, el, &a, (void **)&g);
	if (rc)
		return rc;
	enum gw_kind k;
	gw_object_type(obj, &k, &g->api);
	g->mem_ = a;
	g->src = json_incref(obj);
	struct md_ctx c = { a, flags, el, false, (int)g->api };
	parse_top(&c, obj, &g->meta, top_keys);
	const struct fpath *sp = FP_KEY(NULL, "spec");
	json_t *spec = md_obj(&c, obj, "spec", NULL);
	if (spec) {
		md_check_keys(&c, spec, sp, grant_spec_keys);
		json_t *arr;
		size_t n = array_len(&c, spec, "from", sp, &arr);
		g->has_from = arr != NULL;
		if (n && (g->from = md_alloc_n(&c, n, sizeof *g->from))) {
			const struct fpath *fp = FP_KEY(sp, "from");
			for (size_t i = 0; i < n; i++) {
				const struct fpath *ip = FP_IDX(fp, i);
				json_t *it = item_obj(&c, json_array_get(arr, i), ip);
				if (!it)
					continue;
				md_check_keys(&c, it, ip, grant_from_keys);
				struct gw_grant_from *f = &g->from[g->nfrom++];
				f->group = md_nz(md_str(&c, it, "group", ip));
				f->kind = md_nz(md_str(&c, it, "kind", ip));
				f->namespace_ = md_nz(md_str(&c, it, "namespace", ip));
			}
		}
		n = array_len(&c, spec, "to", sp, &arr);
		g->has_to = arr != NULL;
		if (n && (g->to = md_alloc_n(&c, n, sizeof *g->to))) {
			const struct fpath *tp = FP_KEY(sp, "to");
			for (size_t i = 0; i < n; i++) {
				const struct fpath *ip = FP_IDX(tp, i);
				json_t *it = item_obj(&c, json_array_get(arr, i), ip);
				if (!it)
					continue;
				md_check_keys(&c, it, ip, grant_to_keys);
				struct gw_grant_to *t = &g->to[g->nto++];
				t->group = md_nz(md_str(&c, it, "group", ip));
				t->kind = md_nz(md_str(&c, it, "kind", ip));
				t->name = md_str(&c, it, "name", ip);
			}
		}
	}
	if (c.oom || el->err) {
		reference_grant_free(g);
		return el->err = IW_ENOMEM;
	}
	*out = g;
	return IW_OK;
}

void reference_grant_free(struct reference_grant *g)
{
	if (!g)
		return;
	json_decref(g->src);
	md_arena_free(g->mem_);
}

/* ---------- Namespace ---------- */

enum iw_err gw_namespace_parse(json_t *obj, unsigned flags, struct errlist *el, struct gw_namespace **out)
{
	struct md_arena *a;
	struct gw_namespace *n;
	*out = NULL;
	enum iw_err rc = model_new(obj, sizeof *n, el, &a, (void **)&n);
	if (rc)
		return rc;
	n->mem_ = a;
	n->src = json_incref(obj);
	struct md_ctx c = { a, flags, el, false, 0 };
	parse_top(&c, obj, &n->meta, ns_top_keys);
	if (c.oom || el->err) {
		gw_namespace_free(n);
		return el->err = IW_ENOMEM;
	}
	*out = n;
	return IW_OK;
}

void gw_namespace_free(struct gw_namespace *n)
{
	if (!n)
		return;
	json_decref(n->src);
	md_arena_free(n->mem_);
}

/* ---------- facts ---------- */

const char *gw_path_type_name(const struct gw_match *m)
{
	switch (m->path_type) {
	case GW_PATH_EXACT: return "Exact";
	case GW_PATH_PREFIX: return "PathPrefix";
	case GW_PATH_REGEX: return "RegularExpression";
	default: return iw_nz(m->path_type_str);
	}
}

const char *gw_parent_namespace(const struct httproute *r, const struct gw_parent_ref *p)
{
	return p->namespace_ && *p->namespace_ ? p->namespace_ : iw_namespace(&r->meta);
}

const char *gw_backend_namespace(const struct httproute *r, const struct gw_backend_ref *b)
{
	return b->namespace_ && *b->namespace_ ? b->namespace_ : iw_namespace(&r->meta);
}

bool gw_parent_is_gateway(const struct gw_parent_ref *p)
{
	return !strcmp(p->group, GW_GROUP) && !strcmp(p->kind, "Gateway");
}

bool gw_backend_is_service(const struct gw_backend_ref *b)
{
	return !*b->group && !strcmp(b->kind, "Service");
}

const struct gw_filter *gw_rule_redirect(const struct gw_filter *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (f[i].type == GW_F_REQUEST_REDIRECT && f[i].has_redirect)
			return &f[i];
	return NULL;
}
