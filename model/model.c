/*
 * The Ingress model (see model.h): decoding of Ingress and IngressClass
 * objects of every served API version into one internal form, with the API
 * server's decode errors, defaulting and v1beta1 conversion.
 *
 * The typed getters, the arena and ObjectMeta are model/decode.h (shared
 * with the other models); the facts of ObjectMeta are model/meta.h.
 */
#include "model/model.h"

#include "base/arena.h"
#include "model/decode.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>



/* ---------- object type ---------- */

void iw_object_type(const json_t *obj, enum iw_kind *kind, enum iw_api *api)
{
	*kind = IW_KIND_OTHER;
	*api = IW_API_UNKNOWN;
	if (!json_is_object(obj))
		return;
	const char *av = json_string_value(json_object_get(obj, "apiVersion"));
	const char *k = json_string_value(json_object_get(obj, "kind"));
	if (!av || !k)
		return;
	enum iw_api a = IW_API_UNKNOWN;
	if (!strcmp(av, "networking.k8s.io/v1"))
		a = IW_API_NETWORKING_V1;
	else if (!strcmp(av, "networking.k8s.io/v1beta1"))
		a = IW_API_NETWORKING_V1BETA1;
	else if (!strcmp(av, "extensions/v1beta1"))
		a = IW_API_EXTENSIONS_V1BETA1;
	size_t kl = strlen(k);
	if (kl >= 4 && !strcmp(k + kl - 4, "List") && json_is_array(json_object_get(obj, "items"))) {
		*kind = IW_KIND_LIST;
		*api = a;
		return;
	}
	if (!strcmp(k, "Ingress") && a != IW_API_UNKNOWN) {
		*kind = IW_KIND_INGRESS;
		*api = a;
	} else if (!strcmp(k, "IngressClass") &&
	           (a == IW_API_NETWORKING_V1 || a == IW_API_NETWORKING_V1BETA1)) {
		*kind = IW_KIND_INGRESSCLASS;
		*api = a;
	}
}

/* ---------- Ingress ---------- */

static const char *const top_ingress_keys[] = { "apiVersion", "kind", "metadata", "spec", "status", NULL };
static const char *const spec_v1_keys[] = { "defaultBackend", "ingressClassName", "rules", "tls", NULL };
static const char *const spec_v1beta1_keys[] = { "backend", "ingressClassName", "rules", "tls", NULL };
static const char *const backend_v1_keys[] = { "service", "resource", NULL };
static const char *const backend_v1beta1_keys[] = { "serviceName", "servicePort", "resource", NULL };
static const char *const service_keys[] = { "name", "port", NULL };
static const char *const port_keys[] = { "name", "number", NULL };
static const char *const resource_keys[] = { "apiGroup", "kind", "name", NULL };
static const char *const rule_keys[] = { "host", "http", NULL };
static const char *const http_keys[] = { "paths", NULL };
static const char *const path_keys[] = { "path", "pathType", "backend", NULL };
static const char *const tls_keys[] = { "hosts", "secretName", NULL };
static const char *const status_keys[] = { "loadBalancer", NULL };
static const char *const lb_keys[] = { "ingress", NULL };
static const char *const lbi_keys[] = { "ip", "hostname", "ipMode", "ports", NULL };
static const char *const lbport_keys[] = { "port", "protocol", "error", NULL };

static bool is_v1beta1(enum iw_api api)
{
	return api == IW_API_NETWORKING_V1BETA1 || api == IW_API_EXTENSIONS_V1BETA1;
}

static void parse_resource(struct md_ctx *c, const json_t *bo, const struct fpath *bp,
                           struct iw_backend *b)
{
	json_t *r = md_obj(c, bo, "resource", bp);
	if (!r)
		return;
	const struct fpath *rp = FP_KEY(bp, "resource");
	md_check_keys(c, r, rp, resource_keys);
	b->has_resource = true;
	b->resource.api_group = md_str(c, r, "apiGroup", rp);
	b->resource.kind = md_nz(md_str(c, r, "kind", rp));
	b->resource.name = md_nz(md_str(c, r, "name", rp));
}

/* k8s: Convert_v1beta1_IngressBackend_To_networking_IngressBackend (and the v1 field copy) */
static void parse_backend(struct md_ctx *c, const json_t *bo, const struct fpath *bp,
                          struct iw_backend *b)
{
	if (!is_v1beta1(c->api)) {
		md_check_keys(c, bo, bp, backend_v1_keys);
		json_t *s = md_obj(c, bo, "service", bp);
		if (s) {
			const struct fpath *sp = FP_KEY(bp, "service");
			md_check_keys(c, s, sp, service_keys);
			b->has_service = true;
			b->service.name = md_nz(md_str(c, s, "name", sp));
			b->service.port_name = "";
			json_t *p = md_obj(c, s, "port", sp);
			if (p) {
				const struct fpath *pp = FP_KEY(sp, "port");
				md_check_keys(c, p, pp, port_keys);
				b->service.has_port = true;
				b->service.port_name = md_nz(md_str(c, p, "name", pp));
				md_int(c, p, "number", pp, INT32_MIN, INT32_MAX, "int32",
				        &b->service.port_number);
			}
		}
		parse_resource(c, bo, bp, b);
		return;
	}
	md_check_keys(c, bo, bp, backend_v1beta1_keys);
	const char *svc = md_nz(md_str(c, bo, "serviceName", bp));
	const char *port_name = "";
	long long port_number = 0;
	bool port_is_string = false, has_port = false;
	json_t *sp = json_object_get(bo, "servicePort");
	if (!md_is_null(sp)) {
		const struct fpath *pp = FP_KEY(bp, "servicePort");
		if (json_is_string(sp)) {
			port_name = json_string_value(sp);
			port_is_string = has_port = true;
		} else if (json_is_integer(sp)) {
			long long n = json_integer_value(sp);
			if (n < INT32_MIN || n > INT32_MAX)
				fe_add(c->el, FE_TYPE_INVALID, pp, NULL,
				       "value %lld out of range for int32", n);
			else {
				port_number = n;
				has_port = true;
			}
		} else {
			md_type_err(c, pp, sp, "integer or string");
		}
	}
	/* A service backend exists iff any of its parts was given (conversion.go). */
	if (*svc || port_number != 0 || *port_name || port_is_string) {
		b->has_service = true;
		b->service.name = svc;
		b->service.port_name = port_name;
		b->service.port_number = port_number;
		b->service.has_port = has_port;
	}
	parse_resource(c, bo, bp, b);
}

static void parse_paths(struct md_ctx *c, const json_t *http, const struct fpath *hp,
                        struct iw_rule *r)
{
	json_t *arr = md_arr(c, http, "paths", hp);
	if (!arr)
		return;
	const struct fpath *ap = FP_KEY(hp, "paths");
	r->paths = md_alloc_n(c, json_array_size(arr), sizeof *r->paths);
	if (!r->paths)
		return;
	size_t i;
	json_t *it;
	json_array_foreach(arr, i, it) {
		const struct fpath *ip = FP_IDX(ap, i);
		struct iw_path *p = &r->paths[r->npaths++];
		p->path = "";
		if (!md_item(c, it, ip, path_keys)) {
			if (md_is_null(it) && is_v1beta1(c->api))
				p->path_type = "ImplementationSpecific";
			continue;
		}
		const char *path = md_str(c, it, "path", ip);
		p->has_path = path != NULL;
		p->path = md_nz(path);
		p->path_type = md_str(c, it, "pathType", ip);
		/* k8s: SetDefaults_HTTPIngressPath (v1beta1) */
		if (!p->path_type && is_v1beta1(c->api))
			p->path_type = "ImplementationSpecific";
		json_t *bo = md_obj(c, it, "backend", ip);
		if (bo) {
			p->has_backend = true;
			parse_backend(c, bo, FP_KEY(ip, "backend"), &p->backend);
		}
	}
}

static void parse_rules(struct md_ctx *c, const json_t *spec, const struct fpath *sp,
                        struct ingress *ing)
{
	json_t *arr = md_arr(c, spec, "rules", sp);
	if (!arr)
		return;
	ing->rules_present = true;
	const struct fpath *ap = FP_KEY(sp, "rules");
	ing->rules = md_alloc_n(c, json_array_size(arr), sizeof *ing->rules);
	if (!ing->rules)
		return;
	size_t i;
	json_t *it;
	json_array_foreach(arr, i, it) {
		const struct fpath *ip = FP_IDX(ap, i);
		struct iw_rule *r = &ing->rules[ing->nrules++];
		r->host = "";
		if (!md_item(c, it, ip, rule_keys))
			continue;
		r->host = md_nz(md_str(c, it, "host", ip));
		json_t *http = md_obj(c, it, "http", ip);
		if (http) {
			const struct fpath *hp = FP_KEY(ip, "http");
			md_check_keys(c, http, hp, http_keys);
			r->has_http = true;
			parse_paths(c, http, hp, r);
		}
	}
}

static void parse_tls(struct md_ctx *c, const json_t *spec, const struct fpath *sp,
                      struct ingress *ing)
{
	json_t *arr = md_arr(c, spec, "tls", sp);
	if (!arr)
		return;
	const struct fpath *ap = FP_KEY(sp, "tls");
	ing->tls = md_alloc_n(c, json_array_size(arr), sizeof *ing->tls);
	if (!ing->tls)
		return;
	size_t i;
	json_t *it;
	json_array_foreach(arr, i, it) {
		const struct fpath *ip = FP_IDX(ap, i);
		struct iw_tls *t = &ing->tls[ing->ntls++];
		t->secret_name = "";
		if (!md_item(c, it, ip, tls_keys))
			continue;
		t->hosts = md_str_list(c, it, "hosts", ip, &t->nhosts);
		t->secret_name = md_nz(md_str(c, it, "secretName", ip));
	}
}

/* status is reset by the strategy, but it is still decoded (type errors count). */
static void parse_status(struct md_ctx *c, const json_t *obj)
{
	const struct fpath *sp = FP_KEY(NULL, "status");
	json_t *st = md_obj(c, obj, "status", NULL);
	if (!st)
		return;
	md_check_keys(c, st, sp, status_keys);
	json_t *lb = md_obj(c, st, "loadBalancer", sp);
	if (!lb)
		return;
	const struct fpath *lp = FP_KEY(sp, "loadBalancer");
	md_check_keys(c, lb, lp, lb_keys);
	json_t *arr = md_arr(c, lb, "ingress", lp);
	if (!arr)
		return;
	const struct fpath *ap = FP_KEY(lp, "ingress");
	size_t i, j;
	json_t *it, *pt;
	json_array_foreach(arr, i, it) {
		const struct fpath *ip = FP_IDX(ap, i);
		if (!md_item(c, it, ip, lbi_keys))
			continue;
		md_str(c, it, "ip", ip);
		md_str(c, it, "hostname", ip);
		md_str(c, it, "ipMode", ip);
		json_t *ports = md_arr(c, it, "ports", ip);
		if (!ports)
			continue;
		const struct fpath *pp = FP_KEY(ip, "ports");
		json_array_foreach(ports, j, pt) {
			const struct fpath *jp = FP_IDX(pp, j);
			if (!md_item(c, pt, jp, lbport_keys))
				continue;
			long long n;
			md_int(c, pt, "port", jp, INT32_MIN, INT32_MAX, "int32", &n);
			md_str(c, pt, "protocol", jp);
			md_str(c, pt, "error", jp);
		}
	}
}

/* apiVersion and kind: strings when present. */
static void parse_type_meta(struct md_ctx *c, const json_t *obj)
{
	md_str(c, obj, "apiVersion", NULL);
	md_str(c, obj, "kind", NULL);
}


enum iw_err ingress_parse(json_t *obj, unsigned flags, struct errlist *el, struct ingress **out)
{
	*out = NULL;
	if (!json_is_object(obj))
		return IW_EINVAL;
	struct md_arena *a = md_arena_new(ARENA_CHUNK);
	struct ingress *ing = a ? md_arena_alloc(a, sizeof *ing) : NULL;
	if (!ing) {
		md_arena_free(a);
		return el->err = IW_ENOMEM;
	}
	enum iw_kind kind;
	iw_object_type(obj, &kind, &ing->api);
	if (ing->api == IW_API_UNKNOWN)
		ing->api = IW_API_NETWORKING_V1;
	struct md_ctx c = { a, flags, el, false, ing->api };
	ing->mem_ = a;
	ing->src = json_incref(obj);

	md_check_keys(&c, obj, NULL, top_ingress_keys);
	parse_type_meta(&c, obj);
	md_meta(&c, obj, &ing->meta);
	const struct fpath *sp = FP_KEY(NULL, "spec");
	json_t *spec = md_obj(&c, obj, "spec", NULL);
	if (spec) {
		md_check_keys(&c, spec, sp, is_v1beta1(c.api) ? spec_v1beta1_keys : spec_v1_keys);
		const char *dbkey = is_v1beta1(c.api) ? "backend" : "defaultBackend";
		json_t *db = md_obj(&c, spec, dbkey, sp);
		if (db) {
			ing->has_default_backend = true;
			parse_backend(&c, db, FP_KEY(sp, dbkey), &ing->default_backend);
		}
		ing->ingress_class_name = md_str(&c, spec, "ingressClassName", sp);
		parse_rules(&c, spec, sp, ing);
		parse_tls(&c, spec, sp, ing);
	}
	parse_status(&c, obj);
	if (c.oom || el->err) {
		ingress_free(ing);
		return el->err = IW_ENOMEM;
	}
	*out = ing;
	return IW_OK;
}

void ingress_free(struct ingress *ing)
{
	if (!ing)
		return;
	json_decref(ing->src);
	md_arena_free(ing->mem_);   /* 'ing' itself lives in the arena */
}

/* ---------- compact copy: what the checks and the router read ---------- */

/* Sizes are summed as arena_alloc rounds them, so one block holds it all. */
static size_t csz(size_t n)
{
	return arena_round(n ? n : 1);
}

/* Strings every object repeats point to these instead of a copy. */
static const char *const shared_strs[] = { "", "Exact", "Prefix", "ImplementationSpecific", NULL };

static const char *shared_str(const char *s)
{
	if (!s)
		return NULL;
	switch (s[0]) {   /* the first letters differ: one comparison at most */
	case '\0': return shared_strs[0];
	case 'E': return strcmp(s, shared_strs[1]) ? NULL : shared_strs[1];
	case 'P': return strcmp(s, shared_strs[2]) ? NULL : shared_strs[2];
	case 'I': return strcmp(s, shared_strs[3]) ? NULL : shared_strs[3];
	default: return NULL;
	}
}

static size_t str_size(const char *s, size_t len)
{
	if (!s || (!len && shared_str(s)))
		return 0;
	return (len ? len : strlen(s)) + 1;   /* strings are packed, not aligned */
}

static size_t backend_size(const struct iw_backend *b)
{
	return str_size(b->service.name, 0) + str_size(b->service.port_name, 0) +
	       str_size(b->resource.api_group, 0) + str_size(b->resource.kind, 0) +
	       str_size(b->resource.name, 0);
}

/* kubectl's copy of the whole object: no check reads it, and it is often
 * the largest part of an Ingress */
static bool dropped_annotation(const struct iw_kv *kv)
{
	return kv->key && !strcmp(kv->key, "kubectl.kubernetes.io/last-applied-configuration");
}

/* The bytes compact_into writes, before the final rounding: it must ask for
 * exactly these (checked there). */
static size_t compact_bytes(const struct ingress *ing)
{
	const struct iw_meta *m = &ing->meta;
	size_t n = csz(sizeof *ing) + str_size(m->name, 0) + str_size(m->namespace_, 0) +
	           str_size(m->creation_timestamp, 0) + str_size(ing->ingress_class_name, 0) +
	           backend_size(&ing->default_backend);
	if (m->nannotations)
		n += csz(m->nannotations * sizeof *m->annotations);
	for (size_t i = 0; i < m->nannotations; i++)
		if (!dropped_annotation(&m->annotations[i]))
			n += str_size(m->annotations[i].key, m->annotations[i].key_len) +
			     str_size(m->annotations[i].value, m->annotations[i].value_len);
	if (ing->nrules)
		n += csz(ing->nrules * sizeof *ing->rules);
	for (size_t i = 0; i < ing->nrules; i++) {
		const struct iw_rule *r = &ing->rules[i];
		n += str_size(r->host, 0);
		if (r->npaths)
			n += csz(r->npaths * sizeof *r->paths);
		for (size_t j = 0; j < r->npaths; j++)
			n += str_size(r->paths[j].path, 0) + str_size(r->paths[j].path_type, 0) +
			     backend_size(&r->paths[j].backend);
	}
	if (ing->ntls)
		n += csz(ing->ntls * sizeof *ing->tls);
	for (size_t i = 0; i < ing->ntls; i++) {
		if (ing->tls[i].nhosts)
			n += csz(ing->tls[i].nhosts * sizeof *ing->tls[i].hosts);
		for (size_t k = 0; k < ing->tls[i].nhosts; k++)
			n += str_size(ing->tls[i].hosts[k], 0);
		n += str_size(ing->tls[i].secret_name, 0);
	}
	return n;
}

static size_t compact_size(const struct ingress *ing)
{
	return csz(compact_bytes(ing));   /* the next copy in a block stays aligned */
}

/* The copy is written into a fixed arena (base/arena.h) over the block
 * compact_size sized: arrays and structs aligned from the front, strings
 * packed from the back, so the allocations below cannot fail. */
static void *bump_alloc(struct arena *b, size_t n)
{
	void *d = arena_alloc(b, n);
	assert(d);   /* compact_bytes counted it */
	return d;
}

/* A copy of s (len bytes, which may hold NULs, or strlen when 0) in the
 * block; NULL stays NULL. */
static const char *cstr(struct arena *b, const char *s, size_t len)
{
	if (!s)
		return NULL;
	const char *shared = len ? NULL : shared_str(s);
	if (shared)
		return shared;
	char *d = arena_strndup(b, s, len ? len : strlen(s));
	assert(d);   /* compact_bytes counted it */
	return d;
}

static void *carr(struct arena *b, const void *src, size_t n, size_t size)
{
	if (!n)
		return NULL;
	void *d = bump_alloc(b, n * size);
	memcpy(d, src, n * size);
	return d;
}

static void copy_backend(struct arena *b, struct iw_backend *be)
{
	be->service.name = cstr(b, be->service.name, 0);
	be->service.port_name = cstr(b, be->service.port_name, 0);
	be->resource.api_group = cstr(b, be->resource.api_group, 0);
	be->resource.kind = cstr(b, be->resource.kind, 0);
	be->resource.name = cstr(b, be->resource.name, 0);
}

size_t ingress_compact_size(const struct ingress *ing)
{
	return compact_size(ing);
}

struct ingress *ingress_compact_into(const struct ingress *src, void *mem, size_t size)
{
	struct arena b;
	arena_init_fixed(&b, mem, size);
	struct ingress *ing = bump_alloc(&b, sizeof *ing);
	memset(ing, 0, sizeof *ing);
	const struct iw_meta *sm = &src->meta;
	ing->api = src->api;
	ing->meta.name = cstr(&b, sm->name, 0);
	ing->meta.namespace_ = cstr(&b, sm->namespace_, 0);
	ing->meta.creation_timestamp = cstr(&b, sm->creation_timestamp, 0);
	if (sm->nannotations)
		ing->meta.annotations = bump_alloc(&b, sm->nannotations * sizeof *sm->annotations);
	for (size_t i = 0; i < sm->nannotations; i++) {
		if (dropped_annotation(&sm->annotations[i]))
			continue;
		struct iw_kv *kv = &ing->meta.annotations[ing->meta.nannotations++];
		*kv = sm->annotations[i];
		kv->key = cstr(&b, kv->key, kv->key_len);
		kv->value = cstr(&b, kv->value, kv->value_len);
	}
	ing->has_default_backend = src->has_default_backend;
	ing->default_backend = src->default_backend;
	copy_backend(&b, &ing->default_backend);
	ing->rules_present = src->rules_present;
	ing->rules = carr(&b, src->rules, src->nrules, sizeof *src->rules);
	ing->nrules = src->nrules;
	for (size_t i = 0; i < ing->nrules; i++) {
		struct iw_rule *r = &ing->rules[i];
		r->host = cstr(&b, r->host, 0);
		r->paths = carr(&b, r->paths, r->npaths, sizeof *r->paths);
		for (size_t j = 0; j < r->npaths; j++) {
			struct iw_path *p = &r->paths[j];
			p->path = cstr(&b, p->path, 0);
			p->path_type = cstr(&b, p->path_type, 0);
			copy_backend(&b, &p->backend);
		}
	}
	ing->tls = carr(&b, src->tls, src->ntls, sizeof *src->tls);
	ing->ntls = src->ntls;
	for (size_t i = 0; i < ing->ntls; i++) {
		struct iw_tls *t = &ing->tls[i];
		t->hosts = carr(&b, t->hosts, t->nhosts, sizeof *t->hosts);
		for (size_t k = 0; k < t->nhosts; k++)
			t->hosts[k] = cstr(&b, t->hosts[k], 0);
		t->secret_name = cstr(&b, t->secret_name, 0);
	}
	ing->ingress_class_name = cstr(&b, src->ingress_class_name, 0);
	/* compact_bytes and this function agree field by field: exactly what
	 * was counted was written (a debug check: the tests run with it) */
	assert(size - arena_left(&b) == compact_bytes(src));
	(void)size;
	return ing;
}

struct ingress *ingress_compact(const struct ingress *src)
{
	size_t size = compact_size(src);
	struct md_arena *a = md_arena_new(size);   /* one block of exactly this size */
	void *mem = a ? arena_alloc(&a->b, size) : NULL;
	if (!mem) {
		free(a);
		return NULL;
	}
	struct ingress *ing = ingress_compact_into(src, mem, size);
	ing->mem_ = a;
	return ing;
}

/* ---------- IngressClass ---------- */

static const char *const top_class_keys[] = { "apiVersion", "kind", "metadata", "spec", NULL };
static const char *const class_spec_keys[] = { "controller", "parameters", NULL };
static const char *const class_params_keys[] = { "apiGroup", "kind", "name", "scope", "namespace", NULL };

enum iw_err ingress_class_parse(json_t *obj, unsigned flags, struct errlist *el,
                                struct ingress_class **out)
{
	*out = NULL;
	if (!json_is_object(obj))
		return IW_EINVAL;
	struct md_arena *a = md_arena_new(ARENA_CHUNK);
	struct ingress_class *ic = a ? md_arena_alloc(a, sizeof *ic) : NULL;
	if (!ic) {
		md_arena_free(a);
		return el->err = IW_ENOMEM;
	}
	enum iw_kind kind;
	iw_object_type(obj, &kind, &ic->api);
	if (ic->api == IW_API_UNKNOWN)
		ic->api = IW_API_NETWORKING_V1;
	struct md_ctx c = { a, flags, el, false, ic->api };
	ic->mem_ = a;
	ic->src = json_incref(obj);
	ic->controller = "";

	md_check_keys(&c, obj, NULL, top_class_keys);
	parse_type_meta(&c, obj);
	md_meta(&c, obj, &ic->meta);
	const struct fpath *sp = FP_KEY(NULL, "spec");
	json_t *spec = md_obj(&c, obj, "spec", NULL);
	if (spec) {
		md_check_keys(&c, spec, sp, class_spec_keys);
		ic->controller = md_nz(md_str(&c, spec, "controller", sp));
		json_t *p = md_obj(&c, spec, "parameters", sp);
		if (p) {
			const struct fpath *pp = FP_KEY(sp, "parameters");
			md_check_keys(&c, p, pp, class_params_keys);
			ic->has_parameters = true;
			ic->parameters.api_group = md_str(&c, p, "apiGroup", pp);
			ic->parameters.kind = md_nz(md_str(&c, p, "kind", pp));
			ic->parameters.name = md_nz(md_str(&c, p, "name", pp));
			ic->parameters.scope = md_str(&c, p, "scope", pp);
			ic->parameters.namespace_ = md_str(&c, p, "namespace", pp);
			/* k8s: SetDefaults_IngressClass (v1 only) */
			if (!ic->parameters.scope && ic->api == IW_API_NETWORKING_V1)
				ic->parameters.scope = "Cluster";
		}
	}
	const char *def = iw_meta_annotation(&ic->meta, "ingressclass.kubernetes.io/is-default-class");
	ic->is_default = def && !strcmp(def, "true");
	if (c.oom || el->err) {
		ingress_class_free(ic);
		return el->err = IW_ENOMEM;
	}
	*out = ic;
	return IW_OK;
}

void ingress_class_free(struct ingress_class *ic)
{
	if (!ic)
		return;
	json_decref(ic->src);
	md_arena_free(ic->mem_);
}


bool iw_same_class(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

int iw_class_default_cmp(const struct ingress_class *a, const struct ingress_class *b)
{
	long long ta = 0, tb = 0;
	bool ha = iw_parse_time(a->meta.creation_timestamp, &ta);
	bool hb = iw_parse_time(b->meta.creation_timestamp, &tb);
	if (ha != hb)
		return ha ? 1 : -1;   /* no timestamp: the newest */
	if (ha && ta != tb)
		return ta > tb ? -1 : 1;
	return strcmp(iw_nz(a->meta.name), iw_nz(b->meta.name));
}

bool iw_default_class_beats(const struct ingress_class *c, const struct ingress_class *best)
{
	return c && c->is_default && c->meta.name && (!best || iw_class_default_cmp(c, best) < 0);
}

const struct ingress_class *iw_default_class(const struct ingress_class *const *classes, size_t n)
{
	const struct ingress_class *best = NULL;
	for (size_t i = 0; i < n; i++)
		if (iw_default_class_beats(classes[i], best))
			best = classes[i];
	return best;
}

const char *ingress_class_of(const struct ingress *ing)
{
	const char *a = iw_meta_annotation(&ing->meta, "kubernetes.io/ingress.class");
	return a ? a : ing->ingress_class_name;
}

void iw_strip_unread(json_t *obj)
{
	json_t *md = json_object_get(obj, "metadata");
	json_object_del(md, "managedFields");
	json_object_del(json_object_get(md, "annotations"),
	                "kubectl.kubernetes.io/last-applied-configuration");
	json_object_del(obj, "status");
}
