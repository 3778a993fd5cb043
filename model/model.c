/*
 * The Ingress model (see model.h): decoding of Ingress and IngressClass
 * objects of every served API version into one internal form, with the API
 * server's decode errors, defaulting and v1beta1 conversion.
 *
 * Decoding follows what sigs.k8s.io/json (case-sensitive encoding/json) does
 * with the typed Go structs: null is "absent", a value of the wrong JSON type
 * is a decode error, integers must fit the Go type, unknown fields are
 * reported only in strict mode.
 */
#include "model/model.h"

#include "base/blocks.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------- arena: every array and struct of one model ---------- */

/* A model's memory: a chain of blocks (base/blocks.h) that the model's
 * mem_ points to and that holds the model itself. */
struct arena {
	struct blocks b;
};

#define ARENA_CHUNK 4096

/* n bytes, zeroed, aligned for max_align_t; NULL on OOM */
static void *arena_alloc(struct arena *a, size_t n)
{
	size_t align = sizeof(max_align_t);
	n = (n + align - 1) / align * align;
	if (!n)
		n = align;
	void *p = blocks_alloc(&a->b, n);
	if (p)
		memset(p, 0, n);
	return p;
}

static void arena_free(struct arena *a)
{
	if (!a)
		return;
	blocks_release(&a->b);
	free(a);
}

/* ---------- decoding context and typed getters ---------- */

struct pctx {
	struct arena *a;
	unsigned flags;
	struct errlist *el;
	bool oom;
	enum iw_api api;
};

static const char *json_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "object";
	case JSON_ARRAY: return "array";
	case JSON_STRING: return "string";
	case JSON_INTEGER: return "number";
	case JSON_REAL: return "number";
	case JSON_TRUE:
	case JSON_FALSE: return "boolean";
	default: return "null";
	}
}

/* Renders a scalar JSON value like the API server would quote it; NULL for containers. */
static void render_scalar(const json_t *v, char *buf, size_t size)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		fe_quote_buf(json_string_value(v), buf, size);
		break;
	case JSON_INTEGER:
		snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		snprintf(buf, size, "%.17g", json_real_value(v));
		break;
	case JSON_TRUE: snprintf(buf, size, "true"); break;
	case JSON_FALSE: snprintf(buf, size, "false"); break;
	default: buf[0] = '\0'; break;
	}
}

/* A decode error: a value of the wrong type at 'at'. */
static void type_err(struct pctx *c, const struct fpath *at, const json_t *v, const char *expected)
{
	char val[160];
	render_scalar(v, val, sizeof val);
	fe_add(c->el, FE_TYPE_INVALID, at, val[0] ? val : NULL, "expected %s, got %s", expected,
	       json_type_name(v));
}

static bool is_null(const json_t *v)
{
	return !v || json_is_null(v);
}

/* With IW_PARSE_STRICT: reports every key of 'obj' that 'known' (NULL-terminated) lacks. */
static void check_keys(struct pctx *c, const json_t *obj, const struct fpath *at,
                       const char *const *known)
{
	if (!(c->flags & IW_PARSE_STRICT))
		return;
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)obj, key, v) {
		bool ok = false;
		for (const char *const *k = known; *k && !ok; k++)
			ok = (*k)[0] == key[0] && strcmp(*k, key) == 0;
		if (!ok)
			fe_add(c->el, FE_TYPE_INVALID, FP_KEY(at, key), NULL, "unknown field \"%s\"", key);
	}
}

/* A string field: NULL when absent, null, or of the wrong type (reported). */
static const char *get_str(struct pctx *c, const json_t *obj, const char *key, const struct fpath *up)
{
	json_t *v = json_object_get(obj, key);
	if (is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		type_err(c, FP_KEY(up, key), v, "string");
		return NULL;
	}
	return json_string_value(v);
}

static const char *str_or_empty(const char *s)
{
	return s ? s : "";
}

/* An integer field within [min, max]: false when absent or bad (reported). */
static bool get_int(struct pctx *c, const json_t *obj, const char *key, const struct fpath *up,
                    long long min, long long max, const char *gotype, long long *out)
{
	json_t *v = json_object_get(obj, key);
	if (is_null(v))
		return false;
	const struct fpath *at = FP_KEY(up, key);
	if (!json_is_integer(v)) {
		type_err(c, at, v, "integer");
		return false;
	}
	long long n = json_integer_value(v);
	if (n < min || n > max) {
		fe_add(c->el, FE_TYPE_INVALID, at, NULL, "value %lld out of range for %s", n, gotype);
		return false;
	}
	*out = n;
	return true;
}

static bool get_bool(struct pctx *c, const json_t *obj, const char *key, const struct fpath *up,
                     bool *out)
{
	json_t *v = json_object_get(obj, key);
	if (is_null(v))
		return false;
	if (!json_is_boolean(v)) {
		type_err(c, FP_KEY(up, key), v, "boolean");
		return false;
	}
	*out = json_is_true(v);
	return true;
}

/* A field of JSON type 'want' (named 'what' in the error): NULL when absent or bad (reported). */
static json_t *get_typed(struct pctx *c, const json_t *obj, const char *key, const struct fpath *up,
                         json_type want, const char *what)
{
	json_t *v = json_object_get(obj, key);
	if (is_null(v))
		return NULL;
	if (json_typeof(v) != want) {
		type_err(c, FP_KEY(up, key), v, what);
		return NULL;
	}
	return v;
}

static json_t *get_obj(struct pctx *c, const json_t *obj, const char *key, const struct fpath *up)
{
	return get_typed(c, obj, key, up, JSON_OBJECT, "object");
}

static json_t *get_arr(struct pctx *c, const json_t *obj, const char *key, const struct fpath *up)
{
	return get_typed(c, obj, key, up, JSON_ARRAY, "array");
}

static void *alloc_n(struct pctx *c, size_t n, size_t size)
{
	if (n && size > SIZE_MAX / n) {
		c->oom = true;
		return NULL;
	}
	void *p = arena_alloc(c->a, n * size);
	if (!p)
		c->oom = true;
	return p;
}

/* A []string field; a non-string item is a decode error and is skipped. */
static const char **get_str_list(struct pctx *c, const json_t *obj, const char *key,
                                 const struct fpath *up, size_t *n)
{
	*n = 0;
	json_t *arr = get_arr(c, obj, key, up);
	if (!arr)
		return NULL;
	const struct fpath *at = FP_KEY(up, key);
	const char **v = alloc_n(c, json_array_size(arr), sizeof *v);
	if (!v)
		return NULL;
	size_t i;
	json_t *it;
	json_array_foreach(arr, i, it) {
		if (json_is_string(it))
			v[(*n)++] = json_string_value(it);
		else if (json_is_null(it))
			v[(*n)++] = "";     /* Go decodes null into a string element as "" */
		else
			type_err(c, FP_IDX(at, i), it, "string");
	}
	return v;
}

static int kv_cmp(const void *a, const void *b)
{
	const struct iw_kv *x = a, *y = b;
	size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
	int r = memcmp(x->key, y->key, n);
	if (r)
		return r;
	return (x->key_len > y->key_len) - (x->key_len < y->key_len);
}

/* A map[string]string field, sorted by key. */
static struct iw_kv *get_str_map(struct pctx *c, const json_t *obj, const char *key,
                                 const struct fpath *up, size_t *n)
{
	*n = 0;
	json_t *m = get_obj(c, obj, key, up);
	if (!m)
		return NULL;
	struct iw_kv *v = alloc_n(c, json_object_size(m), sizeof *v);
	if (!v)
		return NULL;
	const char *k;
	json_t *it;
	json_object_foreach(m, k, it) {
		if (json_is_null(it)) {
			v[(*n)++] = (struct iw_kv){ k, "", strlen(k), 0 };
		} else if (!json_is_string(it)) {
			char sub[512];
			snprintf(sub, sizeof sub, "%s[%s]", key, k);
			type_err(c, FP_KEY(up, sub), it, "string");
		} else {
			v[(*n)++] = (struct iw_kv){ k, json_string_value(it), strlen(k),
			                            json_string_length(it) };
		}
	}
	qsort(v, *n, sizeof *v, kv_cmp);
	return v;
}

/* A metav1.Time field: a string in RFC 3339 form. */
static const char *get_time(struct pctx *c, const json_t *obj, const char *key, const struct fpath *up)
{
	const char *s = get_str(c, obj, key, up);
	long long t;
	if (s && !iw_parse_time(s, &t)) {
		char val[160];
		fe_quote_buf(s, val, sizeof val);
		fe_add(c->el, FE_TYPE_INVALID, FP_KEY(up, key), val, "expected an RFC 3339 time");
		return NULL;
	}
	return s;
}

/* ---------- ObjectMeta ---------- */

static const char *const meta_keys[] = {
	"name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
	"creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels",
	"annotations", "ownerReferences", "finalizers", "managedFields", NULL
};
static const char *const owner_keys[] = {
	"apiVersion", "kind", "name", "uid", "controller", "blockOwnerDeletion", NULL
};
static const char *const managed_keys[] = {
	"manager", "operation", "apiVersion", "time", "fieldsType", "fieldsV1", "subresource", NULL
};

static void parse_owner_refs(struct pctx *c, const json_t *md, const struct fpath *mp,
                             struct iw_meta *m)
{
	json_t *arr = get_arr(c, md, "ownerReferences", mp);
	if (!arr)
		return;
	const struct fpath *ap = FP_KEY(mp, "ownerReferences");
	m->owner_refs = alloc_n(c, json_array_size(arr), sizeof *m->owner_refs);
	if (!m->owner_refs)
		return;
	size_t i;
	json_t *it;
	json_array_foreach(arr, i, it) {
		const struct fpath *ip = FP_IDX(ap, i);
		if (is_null(it))
			continue;
		if (!json_is_object(it)) {
			type_err(c, ip, it, "object");
			continue;
		}
		check_keys(c, it, ip, owner_keys);
		struct iw_owner_ref *r = &m->owner_refs[m->nowner_refs++];
		r->api_version = str_or_empty(get_str(c, it, "apiVersion", ip));
		r->kind = str_or_empty(get_str(c, it, "kind", ip));
		r->name = str_or_empty(get_str(c, it, "name", ip));
		r->uid = str_or_empty(get_str(c, it, "uid", ip));
		r->has_controller = get_bool(c, it, "controller", ip, &r->controller);
		bool b;
		get_bool(c, it, "blockOwnerDeletion", ip, &b);
	}
}

static void parse_managed_fields(struct pctx *c, const json_t *md, const struct fpath *mp)
{
	json_t *arr = get_arr(c, md, "managedFields", mp);
	if (!arr)
		return;
	const struct fpath *ap = FP_KEY(mp, "managedFields");
	size_t i;
	json_t *it;
	json_array_foreach(arr, i, it) {
		const struct fpath *ip = FP_IDX(ap, i);
		if (is_null(it))
			continue;
		if (!json_is_object(it)) {
			type_err(c, ip, it, "object");
			continue;
		}
		check_keys(c, it, ip, managed_keys);
		get_str(c, it, "manager", ip);
		get_str(c, it, "operation", ip);
		get_str(c, it, "apiVersion", ip);
		get_time(c, it, "time", ip);
		get_str(c, it, "fieldsType", ip);
		get_obj(c, it, "fieldsV1", ip);
		get_str(c, it, "subresource", ip);
	}
}

static void parse_meta(struct pctx *c, const json_t *obj, struct iw_meta *m)
{
	const struct fpath *mp = FP_KEY(NULL, "metadata");
	json_t *md = get_obj(c, obj, "metadata", NULL);
	if (!md)
		return;
	check_keys(c, md, mp, meta_keys);
	m->name = get_str(c, md, "name", mp);
	m->generate_name = get_str(c, md, "generateName", mp);
	m->namespace_ = get_str(c, md, "namespace", mp);
	get_str(c, md, "selfLink", mp);
	m->uid = get_str(c, md, "uid", mp);
	m->resource_version = get_str(c, md, "resourceVersion", mp);
	m->has_generation = get_int(c, md, "generation", mp, INT64_MIN, INT64_MAX, "int64",
	                            &m->generation);
	m->creation_timestamp = get_time(c, md, "creationTimestamp", mp);
	m->deletion_timestamp = get_time(c, md, "deletionTimestamp", mp);
	m->has_deletion_grace = get_int(c, md, "deletionGracePeriodSeconds", mp, INT64_MIN,
	                                INT64_MAX, "int64", &m->deletion_grace_period_seconds);
	m->labels = get_str_map(c, md, "labels", mp, &m->nlabels);
	m->annotations = get_str_map(c, md, "annotations", mp, &m->nannotations);
	parse_owner_refs(c, md, mp, m);
	m->finalizers = get_str_list(c, md, "finalizers", mp, &m->nfinalizers);
	parse_managed_fields(c, md, mp);
}

static const char *kv_find(const struct iw_kv *v, size_t n, const char *key)
{
	size_t lo = 0, hi = n, klen = strlen(key);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		struct iw_kv probe = { key, NULL, klen, 0 };
		int r = kv_cmp(&probe, &v[mid]);
		if (r == 0)
			return v[mid].value;
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const char *iw_meta_annotation(const struct iw_meta *m, const char *key)
{
	return kv_find(m->annotations, m->nannotations, key);
}

const char *iw_meta_label(const struct iw_meta *m, const char *key)
{
	return kv_find(m->labels, m->nlabels, key);
}

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

static void parse_resource(struct pctx *c, const json_t *bo, const struct fpath *bp,
                           struct iw_backend *b)
{
	json_t *r = get_obj(c, bo, "resource", bp);
	if (!r)
		return;
	const struct fpath *rp = FP_KEY(bp, "resource");
	check_keys(c, r, rp, resource_keys);
	b->has_resource = true;
	b->resource.api_group = get_str(c, r, "apiGroup", rp);
	b->resource.kind = str_or_empty(get_str(c, r, "kind", rp));
	b->resource.name = str_or_empty(get_str(c, r, "name", rp));
}

/* k8s: Convert_v1beta1_IngressBackend_To_networking_IngressBackend (and the v1 field copy) */
static void parse_backend(struct pctx *c, const json_t *bo, const struct fpath *bp,
                          struct iw_backend *b)
{
	if (!is_v1beta1(c->api)) {
		check_keys(c, bo, bp, backend_v1_keys);
		json_t *s = get_obj(c, bo, "service", bp);
		if (s) {
			const struct fpath *sp = FP_KEY(bp, "service");
			check_keys(c, s, sp, service_keys);
			b->has_service = true;
			b->service.name = str_or_empty(get_str(c, s, "name", sp));
			b->service.port_name = "";
			json_t *p = get_obj(c, s, "port", sp);
			if (p) {
				const struct fpath *pp = FP_KEY(sp, "port");
				check_keys(c, p, pp, port_keys);
				b->service.has_port = true;
				b->service.port_name = str_or_empty(get_str(c, p, "name", pp));
				get_int(c, p, "number", pp, INT32_MIN, INT32_MAX, "int32",
				        &b->service.port_number);
			}
		}
		parse_resource(c, bo, bp, b);
		return;
	}
	check_keys(c, bo, bp, backend_v1beta1_keys);
	const char *svc = str_or_empty(get_str(c, bo, "serviceName", bp));
	const char *port_name = "";
	long long port_number = 0;
	bool port_is_string = false, has_port = false;
	json_t *sp = json_object_get(bo, "servicePort");
	if (!is_null(sp)) {
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
			type_err(c, pp, sp, "integer or string");
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

static void parse_paths(struct pctx *c, const json_t *http, const struct fpath *hp,
                        struct iw_rule *r)
{
	json_t *arr = get_arr(c, http, "paths", hp);
	if (!arr)
		return;
	const struct fpath *ap = FP_KEY(hp, "paths");
	r->paths = alloc_n(c, json_array_size(arr), sizeof *r->paths);
	if (!r->paths)
		return;
	size_t i;
	json_t *it;
	json_array_foreach(arr, i, it) {
		const struct fpath *ip = FP_IDX(ap, i);
		struct iw_path *p = &r->paths[r->npaths++];
		p->path = "";
		if (is_null(it)) {
			if (is_v1beta1(c->api))
				p->path_type = "ImplementationSpecific";
			continue;
		}
		if (!json_is_object(it)) {
			type_err(c, ip, it, "object");
			continue;
		}
		check_keys(c, it, ip, path_keys);
		const char *path = get_str(c, it, "path", ip);
		p->has_path = path != NULL;
		p->path = str_or_empty(path);
		p->path_type = get_str(c, it, "pathType", ip);
		/* k8s: SetDefaults_HTTPIngressPath (v1beta1) */
		if (!p->path_type && is_v1beta1(c->api))
			p->path_type = "ImplementationSpecific";
		json_t *bo = get_obj(c, it, "backend", ip);
		if (bo) {
			p->has_backend = true;
			parse_backend(c, bo, FP_KEY(ip, "backend"), &p->backend);
		}
	}
}

static void parse_rules(struct pctx *c, const json_t *spec, const struct fpath *sp,
                        struct ingress *ing)
{
	json_t *arr = get_arr(c, spec, "rules", sp);
	if (!arr)
		return;
	ing->rules_present = true;
	const struct fpath *ap = FP_KEY(sp, "rules");
	ing->rules = alloc_n(c, json_array_size(arr), sizeof *ing->rules);
	if (!ing->rules)
		return;
	size_t i;
	json_t *it;
	json_array_foreach(arr, i, it) {
		const struct fpath *ip = FP_IDX(ap, i);
		struct iw_rule *r = &ing->rules[ing->nrules++];
		r->host = "";
		if (is_null(it))
			continue;
		if (!json_is_object(it)) {
			type_err(c, ip, it, "object");
			continue;
		}
		check_keys(c, it, ip, rule_keys);
		r->host = str_or_empty(get_str(c, it, "host", ip));
		json_t *http = get_obj(c, it, "http", ip);
		if (http) {
			const struct fpath *hp = FP_KEY(ip, "http");
			check_keys(c, http, hp, http_keys);
			r->has_http = true;
			parse_paths(c, http, hp, r);
		}
	}
}

static void parse_tls(struct pctx *c, const json_t *spec, const struct fpath *sp,
                      struct ingress *ing)
{
	json_t *arr = get_arr(c, spec, "tls", sp);
	if (!arr)
		return;
	const struct fpath *ap = FP_KEY(sp, "tls");
	ing->tls = alloc_n(c, json_array_size(arr), sizeof *ing->tls);
	if (!ing->tls)
		return;
	size_t i;
	json_t *it;
	json_array_foreach(arr, i, it) {
		const struct fpath *ip = FP_IDX(ap, i);
		struct iw_tls *t = &ing->tls[ing->ntls++];
		t->secret_name = "";
		if (is_null(it))
			continue;
		if (!json_is_object(it)) {
			type_err(c, ip, it, "object");
			continue;
		}
		check_keys(c, it, ip, tls_keys);
		t->hosts = get_str_list(c, it, "hosts", ip, &t->nhosts);
		t->secret_name = str_or_empty(get_str(c, it, "secretName", ip));
	}
}

/* status is reset by the strategy, but it is still decoded (type errors count). */
static void parse_status(struct pctx *c, const json_t *obj)
{
	const struct fpath *sp = FP_KEY(NULL, "status");
	json_t *st = get_obj(c, obj, "status", NULL);
	if (!st)
		return;
	check_keys(c, st, sp, status_keys);
	json_t *lb = get_obj(c, st, "loadBalancer", sp);
	if (!lb)
		return;
	const struct fpath *lp = FP_KEY(sp, "loadBalancer");
	check_keys(c, lb, lp, lb_keys);
	json_t *arr = get_arr(c, lb, "ingress", lp);
	if (!arr)
		return;
	const struct fpath *ap = FP_KEY(lp, "ingress");
	size_t i, j;
	json_t *it, *pt;
	json_array_foreach(arr, i, it) {
		const struct fpath *ip = FP_IDX(ap, i);
		if (is_null(it))
			continue;
		if (!json_is_object(it)) {
			type_err(c, ip, it, "object");
			continue;
		}
		check_keys(c, it, ip, lbi_keys);
		get_str(c, it, "ip", ip);
		get_str(c, it, "hostname", ip);
		get_str(c, it, "ipMode", ip);
		json_t *ports = get_arr(c, it, "ports", ip);
		if (!ports)
			continue;
		const struct fpath *pp = FP_KEY(ip, "ports");
		json_array_foreach(ports, j, pt) {
			const struct fpath *jp = FP_IDX(pp, j);
			if (is_null(pt))
				continue;
			if (!json_is_object(pt)) {
				type_err(c, jp, pt, "object");
				continue;
			}
			check_keys(c, pt, jp, lbport_keys);
			long long n;
			get_int(c, pt, "port", jp, INT32_MIN, INT32_MAX, "int32", &n);
			get_str(c, pt, "protocol", jp);
			get_str(c, pt, "error", jp);
		}
	}
}

/* apiVersion and kind: strings when present. */
static void parse_type_meta(struct pctx *c, const json_t *obj)
{
	get_str(c, obj, "apiVersion", NULL);
	get_str(c, obj, "kind", NULL);
}

/* an empty arena of blocks of 'block' bytes */
static struct arena *arena_new(size_t block)
{
	struct arena *a = malloc(sizeof *a);
	if (a)
		a->b = (struct blocks)BLOCKS_INIT(block, block);
	return a;
}

struct ingress *ingress_parse(json_t *obj, unsigned flags, struct errlist *el)
{
	if (!json_is_object(obj))
		return NULL;
	struct arena *a = arena_new(ARENA_CHUNK);
	struct ingress *ing = a ? arena_alloc(a, sizeof *ing) : NULL;
	if (!ing) {
		arena_free(a);
		el->oom = true;
		return NULL;
	}
	enum iw_kind kind;
	iw_object_type(obj, &kind, &ing->api);
	if (ing->api == IW_API_UNKNOWN)
		ing->api = IW_API_NETWORKING_V1;
	struct pctx c = { a, flags, el, false, ing->api };
	ing->mem_ = a;
	ing->src = json_incref(obj);

	check_keys(&c, obj, NULL, top_ingress_keys);
	parse_type_meta(&c, obj);
	parse_meta(&c, obj, &ing->meta);
	const struct fpath *sp = FP_KEY(NULL, "spec");
	json_t *spec = get_obj(&c, obj, "spec", NULL);
	if (spec) {
		check_keys(&c, spec, sp, is_v1beta1(c.api) ? spec_v1beta1_keys : spec_v1_keys);
		const char *dbkey = is_v1beta1(c.api) ? "backend" : "defaultBackend";
		json_t *db = get_obj(&c, spec, dbkey, sp);
		if (db) {
			ing->has_default_backend = true;
			parse_backend(&c, db, FP_KEY(sp, dbkey), &ing->default_backend);
		}
		ing->ingress_class_name = get_str(&c, spec, "ingressClassName", sp);
		parse_rules(&c, spec, sp, ing);
		parse_tls(&c, spec, sp, ing);
	}
	parse_status(&c, obj);
	if (c.oom) {
		el->oom = true;
		ingress_free(ing);
		return NULL;
	}
	return ing;
}

void ingress_free(struct ingress *ing)
{
	if (!ing)
		return;
	json_decref(ing->src);
	arena_free(ing->mem_);   /* 'ing' itself lives in the arena */
}

/* ---------- compact copy: what the checks and the router read ---------- */

/* Sizes are summed as arena_alloc rounds them, so one block holds it all. */
static size_t csz(size_t n)
{
	size_t align = sizeof(max_align_t);
	n = (n + align - 1) / align * align;
	return n ? n : align;
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

static size_t compact_size(const struct ingress *ing)
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
	return csz(n);   /* the next copy in a block stays aligned */
}

/* The block a compact copy is written into, sized by compact_size (so the
 * allocations below cannot fail): arrays and structs aligned from the
 * front, strings packed from the back. */
struct bump {
	char *p;
	size_t used, end;
};

static void *bump_alloc(struct bump *b, size_t n)
{
	void *d = b->p + b->used;
	b->used += csz(n);
	return d;
}

static char *bump_str(struct bump *b, size_t n)
{
	b->end -= n;
	return b->p + b->end;
}

/* A copy of s (len bytes, which may hold NULs, or strlen when 0) in the
 * block; NULL stays NULL. */
static const char *cstr(struct bump *b, const char *s, size_t len)
{
	if (!s)
		return NULL;
	const char *shared = len ? NULL : shared_str(s);
	if (shared)
		return shared;
	len = len ? len : strlen(s);
	char *d = bump_str(b, len + 1);
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

static void *carr(struct bump *b, const void *src, size_t n, size_t size)
{
	if (!n)
		return NULL;
	void *d = bump_alloc(b, n * size);
	memcpy(d, src, n * size);
	return d;
}

static void copy_backend(struct bump *b, struct iw_backend *be)
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
	struct bump b = { mem, 0, size };
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
	return ing;
}

struct ingress *ingress_compact(const struct ingress *src)
{
	size_t size = compact_size(src);
	struct arena *a = arena_new(size);   /* one block of exactly this size */
	void *mem = a ? blocks_alloc(&a->b, size) : NULL;
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

struct ingress_class *ingress_class_parse(json_t *obj, unsigned flags, struct errlist *el)
{
	if (!json_is_object(obj))
		return NULL;
	struct arena *a = arena_new(ARENA_CHUNK);
	struct ingress_class *ic = a ? arena_alloc(a, sizeof *ic) : NULL;
	if (!ic) {
		arena_free(a);
		el->oom = true;
		return NULL;
	}
	enum iw_kind kind;
	iw_object_type(obj, &kind, &ic->api);
	if (ic->api == IW_API_UNKNOWN)
		ic->api = IW_API_NETWORKING_V1;
	struct pctx c = { a, flags, el, false, ic->api };
	ic->mem_ = a;
	ic->src = json_incref(obj);
	ic->controller = "";

	check_keys(&c, obj, NULL, top_class_keys);
	parse_type_meta(&c, obj);
	parse_meta(&c, obj, &ic->meta);
	const struct fpath *sp = FP_KEY(NULL, "spec");
	json_t *spec = get_obj(&c, obj, "spec", NULL);
	if (spec) {
		check_keys(&c, spec, sp, class_spec_keys);
		ic->controller = str_or_empty(get_str(&c, spec, "controller", sp));
		json_t *p = get_obj(&c, spec, "parameters", sp);
		if (p) {
			const struct fpath *pp = FP_KEY(sp, "parameters");
			check_keys(&c, p, pp, class_params_keys);
			ic->has_parameters = true;
			ic->parameters.api_group = get_str(&c, p, "apiGroup", pp);
			ic->parameters.kind = str_or_empty(get_str(&c, p, "kind", pp));
			ic->parameters.name = str_or_empty(get_str(&c, p, "name", pp));
			ic->parameters.scope = get_str(&c, p, "scope", pp);
			ic->parameters.namespace_ = get_str(&c, p, "namespace", pp);
			/* k8s: SetDefaults_IngressClass (v1 only) */
			if (!ic->parameters.scope && ic->api == IW_API_NETWORKING_V1)
				ic->parameters.scope = "Cluster";
		}
	}
	const char *def = iw_meta_annotation(&ic->meta, "ingressclass.kubernetes.io/is-default-class");
	ic->is_default = def && !strcmp(def, "true");
	if (c.oom) {
		el->oom = true;
		ingress_class_free(ic);
		return NULL;
	}
	return ic;
}

void ingress_class_free(struct ingress_class *ic)
{
	if (!ic)
		return;
	json_decref(ic->src);
	arena_free(ic->mem_);
}

const char *iw_namespace(const struct iw_meta *m)
{
	return m->namespace_ && *m->namespace_ ? m->namespace_ : "default";
}

bool iw_same_object(const struct iw_meta *a, const struct iw_meta *b)
{
	return !strcmp(iw_nz(a->name), iw_nz(b->name)) && !strcmp(iw_namespace(a), iw_namespace(b));
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

const char *ingress_class_of(const struct ingress *ing)
{
	const char *a = iw_meta_annotation(&ing->meta, "kubernetes.io/ingress.class");
	return a ? a : ing->ingress_class_name;
}

/* ---------- RFC 3339 time ---------- */

static bool digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static long long days_from_civil(long long y, int m, int d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

bool iw_parse_time(const char *s, long long *out)
{
	int Y, M, D, h, m, sec;
	if (!s || strlen(s) < 20)
		return false;
	if (!digits(s, 4, &Y) || s[4] != '-' || !digits(s + 5, 2, &M) || s[7] != '-' ||
	    !digits(s + 8, 2, &D) || s[10] != 'T' || !digits(s + 11, 2, &h) || s[13] != ':' ||
	    !digits(s + 14, 2, &m) || s[16] != ':' || !digits(s + 17, 2, &sec))
		return false;
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (M < 1 || M > 12 || h > 23 || m > 59 || sec > 59)
		return false;
	bool leap = (Y % 4 == 0 && Y % 100 != 0) || Y % 400 == 0;
	int dmax = mdays[M - 1] + (M == 2 && leap);
	if (D < 1 || D > dmax)
		return false;
	const char *p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	long long off = 0;
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh, om;
		if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om) || oh > 23 || om > 59)
			return false;
		off = (oh * 3600LL + om * 60LL) * (*p == '-' ? -1 : 1);
		p += 6;
	} else {
		return false;
	}
	if (*p)
		return false;
	*out = days_from_civil(Y, M, D) * 86400LL + h * 3600LL + m * 60LL + sec - off;
	return true;
}
