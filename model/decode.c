/*
 * Decoding helpers of the models (see decode.h): the arena every model is
 * allocated from, typed getters that report decode errors with their field
 * paths, and ObjectMeta.  Moved out of model.c so that every model
 * (Ingress, IngressClass, the Gateway API objects) decodes the same way.
 */
#include "model/decode.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------- arena: every array and struct of one model ---------- */

void *md_arena_alloc(struct md_arena *a, size_t n)
{
	return arena_zalloc(&a->b, n);
}

void md_arena_free(struct md_arena *a)
{
	if (!a)
		return;
	arena_release(&a->b);
	free(a);
}

/* ---------- decoding context and typed getters ---------- */

const char *md_json_type_name(const json_t *v)
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
void md_render_scalar(const json_t *v, char *buf, size_t size)
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
void md_type_err(struct md_ctx *c, const struct fpath *at, const json_t *v, const char *expected)
{
	char val[160];
	md_render_scalar(v, val, sizeof val);
	fe_add(c->el, FE_TYPE_INVALID, at, val[0] ? val : NULL, "expected %s, got %s", expected,
	       md_json_type_name(v));
}

/* With IW_PARSE_STRICT: reports every key of 'obj' that 'known' (NULL-terminated) lacks. */
void md_check_keys(struct md_ctx *c, const json_t *obj, const struct fpath *at,
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

/* An integer field within [min, max]: false when absent or bad (reported). */
bool md_int(struct md_ctx *c, const json_t *obj, const char *key, const struct fpath *up,
                    long long min, long long max, const char *gotype, long long *out)
{
	json_t *v = json_object_get(obj, key);
	if (md_is_null(v))
		return false;
	const struct fpath *at = FP_KEY(up, key);
	if (!json_is_integer(v)) {
		md_type_err(c, at, v, "integer");
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

bool md_bool(struct md_ctx *c, const json_t *obj, const char *key, const struct fpath *up,
                     bool *out)
{
	json_t *v = json_object_get(obj, key);
	if (md_is_null(v))
		return false;
	if (!json_is_boolean(v)) {
		md_type_err(c, FP_KEY(up, key), v, "boolean");
		return false;
	}
	*out = json_is_true(v);
	return true;
}

void *md_alloc_n(struct md_ctx *c, size_t n, size_t size)
{
	if (n && size > SIZE_MAX / n) {
		c->oom = true;
		return NULL;
	}
	void *p = md_arena_alloc(c->a, n * size);
	if (!p)
		c->oom = true;
	return p;
}

/* A []string field; a non-string item is a decode error and is skipped. */
const char **md_str_list(struct md_ctx *c, const json_t *obj, const char *key,
                                 const struct fpath *up, size_t *n)
{
	*n = 0;
	json_t *arr = md_arr(c, obj, key, up);
	if (!arr)
		return NULL;
	const struct fpath *at = FP_KEY(up, key);
	const char **v = md_alloc_n(c, json_array_size(arr), sizeof *v);
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
			md_type_err(c, FP_IDX(at, i), it, "string");
	}
	return v;
}


/* A map[string]string field, sorted by key. */
struct iw_kv *md_str_map(struct md_ctx *c, const json_t *obj, const char *key,
                                 const struct fpath *up, size_t *n)
{
	*n = 0;
	json_t *m = md_obj(c, obj, key, up);
	if (!m)
		return NULL;
	struct iw_kv *v = md_alloc_n(c, json_object_size(m), sizeof *v);
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
			md_type_err(c, FP_KEY(up, sub), it, "string");
		} else {
			v[(*n)++] = (struct iw_kv){ k, json_string_value(it), strlen(k),
			                            json_string_length(it) };
		}
	}
	qsort(v, *n, sizeof *v, iw_kv_cmp);
	return v;
}

/* A metav1.Time field: a string in RFC 3339 form. */
const char *md_time(struct md_ctx *c, const json_t *obj, const char *key, const struct fpath *up)
{
	const char *s = md_str(c, obj, key, up);
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

static void md_owner_refs(struct md_ctx *c, const json_t *md, const struct fpath *mp,
                             struct iw_meta *m)
{
	json_t *arr = md_arr(c, md, "ownerReferences", mp);
	if (!arr)
		return;
	const struct fpath *ap = FP_KEY(mp, "ownerReferences");
	m->owner_refs = md_alloc_n(c, json_array_size(arr), sizeof *m->owner_refs);
	if (!m->owner_refs)
		return;
	size_t i;
	json_t *it;
	json_array_foreach(arr, i, it) {
		const struct fpath *ip = FP_IDX(ap, i);
		if (!md_item(c, it, ip, owner_keys))
			continue;
		struct iw_owner_ref *r = &m->owner_refs[m->nowner_refs++];
		r->api_version = md_nz(md_str(c, it, "apiVersion", ip));
		r->kind = md_nz(md_str(c, it, "kind", ip));
		r->name = md_nz(md_str(c, it, "name", ip));
		r->uid = md_nz(md_str(c, it, "uid", ip));
		r->has_controller = md_bool(c, it, "controller", ip, &r->controller);
		bool b;
		md_bool(c, it, "blockOwnerDeletion", ip, &b);
	}
}

static void md_managed_fields(struct md_ctx *c, const json_t *md, const struct fpath *mp)
{
	json_t *arr = md_arr(c, md, "managedFields", mp);
	if (!arr)
		return;
	const struct fpath *ap = FP_KEY(mp, "managedFields");
	size_t i;
	json_t *it;
	json_array_foreach(arr, i, it) {
		const struct fpath *ip = FP_IDX(ap, i);
		if (!md_item(c, it, ip, managed_keys))
			continue;
		md_str(c, it, "manager", ip);
		md_str(c, it, "operation", ip);
		md_str(c, it, "apiVersion", ip);
		md_time(c, it, "time", ip);
		md_str(c, it, "fieldsType", ip);
		md_obj(c, it, "fieldsV1", ip);
		md_str(c, it, "subresource", ip);
	}
}

void md_meta(struct md_ctx *c, const json_t *obj, struct iw_meta *m)
{
	const struct fpath *mp = FP_KEY(NULL, "metadata");
	json_t *md = md_obj(c, obj, "metadata", NULL);
	if (!md)
		return;
	md_check_keys(c, md, mp, meta_keys);
	m->name = md_str(c, md, "name", mp);
	m->generate_name = md_str(c, md, "generateName", mp);
	m->namespace_ = md_str(c, md, "namespace", mp);
	md_str(c, md, "selfLink", mp);
	m->uid = md_str(c, md, "uid", mp);
	m->resource_version = md_str(c, md, "resourceVersion", mp);
	m->has_generation = md_int(c, md, "generation", mp, INT64_MIN, INT64_MAX, "int64",
	                            &m->generation);
	m->creation_timestamp = md_time(c, md, "creationTimestamp", mp);
	m->deletion_timestamp = md_time(c, md, "deletionTimestamp", mp);
	m->has_deletion_grace = md_int(c, md, "deletionGracePeriodSeconds", mp, INT64_MIN,
	                                INT64_MAX, "int64", &m->deletion_grace_period_seconds);
	m->labels = md_str_map(c, md, "labels", mp, &m->nlabels);
	m->annotations = md_str_map(c, md, "annotations", mp, &m->nannotations);
	md_owner_refs(c, md, mp, m);
	m->finalizers = md_str_list(c, md, "finalizers", mp, &m->nfinalizers);
	md_managed_fields(c, md, mp);
}


struct md_arena *md_arena_new(size_t block)
{
	struct md_arena *a = malloc(sizeof *a);
	if (a)
		a->b = (struct arena)ARENA_INIT(block, block);
	return a;
}