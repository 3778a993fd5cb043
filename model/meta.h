/*
 * ObjectMeta as the models hold it, and the facts every module asks about
 * it: one function for each (the effective namespace, the same object, an
 * annotation or a label, a creationTimestamp as an instant).  Every model
 * (Ingress, IngressClass, Gateway API objects) embeds a struct iw_meta.
 *
 * Strings are borrowed from the model's source JSON; arrays belong to the
 * model.  Pure: libc, no I/O, no globals.
 */
#ifndef IW_MODEL_META_H
#define IW_MODEL_META_H

#include <stdbool.h>
#include <stddef.h>

/* Flags of every model's parse function (model.h, gateway.h) */
enum {
	IW_PARSE_STRICT = 1 << 0,    /* report unknown fields (kubectl's fieldValidation=Strict) */
};

struct iw_kv {
	const char *key;
	const char *value;
	size_t key_len, value_len;
};

struct iw_owner_ref {
	const char *api_version, *kind, *name, *uid;
	bool has_controller, controller;
};

struct iw_meta {
	const char *name, *generate_name, *namespace_;
	const char *uid, *resource_version;
	const char *creation_timestamp, *deletion_timestamp;
	bool has_generation;
	long long generation;
	bool has_deletion_grace;
	long long deletion_grace_period_seconds;
	struct iw_kv *labels;        /* sorted by key (byte order) */
	size_t nlabels;
	struct iw_kv *annotations;   /* sorted by key (byte order) */
	size_t nannotations;
	const char **finalizers;     /* in document order */
	size_t nfinalizers;
	struct iw_owner_ref *owner_refs;
	size_t nowner_refs;
};

/* Looks up an annotation / label; NULL when absent. */
const char *iw_meta_annotation(const struct iw_meta *m, const char *key);
const char *iw_meta_label(const struct iw_meta *m, const char *key);

/* Orders two map entries by key (byte order, then length): how labels and
 * annotations are sorted. */
int iw_kv_cmp(const void *a, const void *b);

/* "" for a NULL string (an absent field). */
static inline const char *iw_nz(const char *s) { return s ? s : ""; }

/* The namespace an object lives in: metadata.namespace, "default" when
 * absent or empty (what the API server fills in for a namespaced object).
 * iw_namespace_of is the same for a namespace given as a string (a key of
 * a lookup, a Service's metadata.namespace). */
const char *iw_namespace(const struct iw_meta *m);
const char *iw_namespace_of(const char *ns);

/* true when both name the same object (effective namespace and name). */
bool iw_same_object(const struct iw_meta *a, const struct iw_meta *b);

/*
 * Parses an RFC 3339 timestamp ("2024-01-02T03:04:05Z", fractional seconds and
 * offsets allowed) into seconds since the epoch.  Returns false if malformed.
 */
bool iw_parse_time(const char *s, long long *out);

#endif
