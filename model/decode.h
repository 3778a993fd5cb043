/*
 * Internal to model/: how the models are decoded from jansson values.
 *
 * Decoding follows what sigs.k8s.io/json (case-sensitive encoding/json) does
 * with the typed Go structs: null is "absent", a value of the wrong JSON type
 * is a decode error (FE_TYPE_INVALID at its field path), integers must fit
 * the Go type, unknown fields are reported only with IW_PARSE_STRICT.  A
 * getter that meets a bad value reports it and answers "absent".
 *
 * Every array and struct of one model comes from one md_arena (a chain of
 * blocks, base/arena.h) that the model's mem_ points to; strings are
 * borrowed from the source json_t, which the model holds a reference to.
 *
 * Pure: libc + jansson, no I/O, no globals.
 */
#ifndef IW_MODEL_DECODE_H
#define IW_MODEL_DECODE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "model/fielderr.h"
#include "model/meta.h"

struct md_arena {
	struct arena b;
};

#define ARENA_CHUNK 4096

/* An empty arena of blocks of 'block' bytes; NULL on OOM. */
struct md_arena *md_arena_new(size_t block);
/* n bytes, zeroed, aligned for max_align_t; NULL on OOM */
void *md_arena_alloc(struct md_arena *a, size_t n);
void md_arena_free(struct md_arena *a);   /* NULL is a no-op */

/* One decoding: where memory comes from, the flags, where errors go. */
struct md_ctx {
	struct md_arena *a;
	unsigned flags;          /* IW_PARSE_* */
	struct errlist *el;
	bool oom;                /* an allocation failed: the model is incomplete */
	int api;                 /* the model's API version (an enum of its header) */
};

/* "object", "array", "string", "number", "boolean", "null" */
const char *md_json_type_name(const json_t *v);
/* A scalar rendered as the API server quotes it; "" for containers. */
void md_render_scalar(const json_t *v, char *buf, size_t size);
/* A decode error: a value of the wrong type at 'at'. */
void md_type_err(struct md_ctx *c, const struct fpath *at, const json_t *v, const char *expected);
/* With IW_PARSE_STRICT: reports every key of 'obj' that 'known' (NULL-terminated) lacks. */
void md_check_keys(struct md_ctx *c, const json_t *obj, const struct fpath *at,
                   const char *const *known);

/* Typed fields of 'obj': absent (NULL / false) when missing, null or bad
 * (reported).  The small ones are inline: they run for every field of every
 * object lint reads. */
static inline bool md_is_null(const json_t *v)
{
	return !v || json_is_null(v);
}

static inline const char *md_str(struct md_ctx *c, const json_t *obj, const char *key,
                                 const struct fpath *up)
{
	json_t *v = json_object_get(obj, key);
	if (md_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		md_type_err(c, FP_KEY(up, key), v, "string");
		return NULL;
	}
	return json_string_value(v);
}

static inline const char *md_nz(const char *s)   /* "" for NULL */
{
	return s ? s : "";
}

static inline json_t *md_typed(struct md_ctx *c, const json_t *obj, const char *key,
                               const struct fpath *up, json_type want, const char *what)
{
	json_t *v = json_object_get(obj, key);
	if (md_is_null(v))
		return NULL;
	if (json_typeof(v) != want) {
		md_type_err(c, FP_KEY(up, key), v, what);
		return NULL;
	}
	return v;
}

static inline json_t *md_obj(struct md_ctx *c, const json_t *obj, const char *key,
                             const struct fpath *up)
{
	return md_typed(c, obj, key, up, JSON_OBJECT, "object");
}

static inline json_t *md_arr(struct md_ctx *c, const json_t *obj, const char *key,
                             const struct fpath *up)
{
	return md_typed(c, obj, key, up, JSON_ARRAY, "array");
}

/* An item 'it' (at 'at') of an array of objects: true when it is an object
 * (with IW_PARSE_STRICT its keys checked against 'known'); false when it is
 * null (nothing reported: the API server skips it) or of another type
 * (reported).  The loop over such an array reads:
 *     json_array_foreach(arr, i, it) {
 *             const struct fpath *ip = FP_IDX(ap, i);
 *             if (!md_item(c, it, ip, known))
 *                     continue;
 *             ...
 */
static inline bool md_item(struct md_ctx *c, const json_t *it, const struct fpath *at,
                           const char *const *known)
{
	if (md_is_null(it))
		return false;
	if (!json_is_object(it)) {
		md_type_err(c, at, it, "object");
		return false;
	}
	md_check_keys(c, it, at, known);
	return true;
}

bool md_int(struct md_ctx *c, const json_t *obj, const char *key, const struct fpath *up,
            long long min, long long max, const char *gotype, long long *out);
bool md_bool(struct md_ctx *c, const json_t *obj, const char *key, const struct fpath *up,
             bool *out);
/* n items of 'size' bytes from the arena, zeroed; NULL (and c->oom) on OOM or overflow */
void *md_alloc_n(struct md_ctx *c, size_t n, size_t size);
/* A []string field; a non-string item is a decode error and is skipped. */
const char **md_str_list(struct md_ctx *c, const json_t *obj, const char *key,
                         const struct fpath *up, size_t *n);
/* A map[string]string field, sorted by key (byte order). */
struct iw_kv *md_str_map(struct md_ctx *c, const json_t *obj, const char *key,
                         const struct fpath *up, size_t *n);
/* A metav1.Time field: a string in RFC 3339 form. */
const char *md_time(struct md_ctx *c, const json_t *obj, const char *key, const struct fpath *up);
/* metadata (ObjectMeta) of 'obj' into 'm'. */
void md_meta(struct md_ctx *c, const json_t *obj, struct iw_meta *m);

#endif
