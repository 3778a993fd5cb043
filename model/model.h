/*
 * The Ingress model: Ingress and IngressClass objects of every API version
 * (networking.k8s.io/v1, networking.k8s.io/v1beta1, extensions/v1beta1),
 * converted to one internal form with the API server's defaulting and
 * conversion (pkg/apis/networking/v1beta1/{defaults,conversion}.go).
 *
 * Strings are borrowed from the source json_t, which the model holds a
 * reference to (json_incref) until *_free: the caller may drop its own
 * reference at any time.  A source built in a jarena (load/jarena.h: lint's
 * documents) is the exception: its values die with the document whatever
 * their reference count, so a model parsed from one is released, or
 * replaced by its compact copy (which owns its strings), before the
 * document's callback returns; to keep the source itself, yd_keep
 * (load/yamldoc.h) copies it.  A NULL string means "absent" (Go nil pointer or
 * omitted field); "" means present and empty.  Arrays and the structs are
 * allocated from one block owned by the model.
 *
 * Pure: libc + jansson, no I/O, no globals.
 */
#ifndef IW_MODEL_MODEL_H
#define IW_MODEL_MODEL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include "base/err.h"
#include "model/fielderr.h"
#include "model/meta.h"

enum iw_api {
	IW_API_UNKNOWN = 0,
	IW_API_NETWORKING_V1,        /* networking.k8s.io/v1 */
	IW_API_NETWORKING_V1BETA1,   /* networking.k8s.io/v1beta1 (removed in 1.22) */
	IW_API_EXTENSIONS_V1BETA1,   /* extensions/v1beta1 (removed in 1.22) */
};

enum iw_kind {
	IW_KIND_OTHER = 0,
	IW_KIND_INGRESS,
	IW_KIND_INGRESSCLASS,
	IW_KIND_LIST,                /* List, IngressList, IngressClassList, ...: has items */
};

/* Reads apiVersion and kind.  Never fails: unknown pairs give OTHER/UNKNOWN. */
void iw_object_type(const json_t *obj, enum iw_kind *kind, enum iw_api *api);

struct iw_service_backend {
	const char *name;            /* "" when absent */
	const char *port_name;       /* "" when unset */
	long long port_number;       /* 0 when unset */
	bool has_port;               /* a `port` object (v1) or servicePort (v1beta1) was given */
};

struct iw_resource_ref {
	const char *api_group;       /* NULL when absent */
	const char *kind, *name;     /* "" when absent */
};

struct iw_backend {
	bool has_service, has_resource;
	struct iw_service_backend service;
	struct iw_resource_ref resource;
};

struct iw_path {
	const char *path;            /* "" when absent */
	bool has_path;
	const char *path_type;       /* NULL when absent (v1); v1beta1 defaults to ImplementationSpecific */
	struct iw_backend backend;
	bool has_backend;            /* false only for a v1 path without `backend` */
};

struct iw_rule {
	const char *host;            /* "" when absent */
	bool has_http;
	struct iw_path *paths;
	size_t npaths;
};

struct iw_tls {
	const char **hosts;
	size_t nhosts;
	const char *secret_name;     /* "" when absent */
};

struct ingress {
	enum iw_api api;
	struct iw_meta meta;
	bool has_default_backend;    /* spec.defaultBackend (v1) or spec.backend (v1beta1) */
	struct iw_backend default_backend;
	bool rules_present;          /* `rules` given (even []) vs absent: rendered "[]" vs "null" */
	struct iw_rule *rules;
	size_t nrules;
	struct iw_tls *tls;
	size_t ntls;
	const char *ingress_class_name;   /* NULL when absent */
	json_t *src;                 /* the source object (a reference held by the model) */
	void *mem_;                  /* private: the block everything is allocated from */
};

struct ingress_class {
	enum iw_api api;
	struct iw_meta meta;
	const char *controller;      /* "" when absent */
	bool has_parameters;
	struct {
		const char *api_group;   /* NULL when absent */
		const char *kind, *name; /* "" when absent */
		const char *scope;       /* NULL when absent; v1 defaults it to "Cluster" */
		const char *namespace_;  /* NULL when absent */
	} parameters;
	bool is_default;             /* annotation ingressclass.kubernetes.io/is-default-class == "true" */
	json_t *src;
	void *mem_;
};

/* Parse flags: IW_PARSE_* (model/meta.h) */

/*
 * Parses an Ingress of any served apiVersion into *out (the caller owns it:
 * ingress_free).  Decode errors (a string where a number belongs, an array
 * where an object belongs; unknown fields with IW_PARSE_STRICT) are appended
 * to 'el' with their field paths, as the API server's decoder would refuse
 * them; the offending field is then treated as absent, and the parse still
 * succeeds.  Returns IW_OK; IW_EINVAL when 'obj' is not an object; IW_ENOMEM
 * (also in el->err).  *out is NULL on failure.
 */
enum iw_err ingress_parse(json_t *obj, unsigned flags, struct errlist *el, struct ingress **out);
void ingress_free(struct ingress *ing);

/*
 * A compact copy for long-lived caches (the cluster state): one allocation
 * holding only what the policy checks and the router read: api, name,
 * namespace, creationTimestamp, annotations, defaultBackend, rules, tls and
 * ingressClassName.  Labels, finalizers, ownerReferences, uid,
 * resourceVersion, the kubectl.kubernetes.io/last-applied-configuration
 * annotation (a second copy of the object) and the source JSON are dropped
 * (src is NULL).  Released
 * with ingress_free.  NULL on OOM.
 */
struct ingress *ingress_compact(const struct ingress *ing);

/*
 * The same compact copy written into memory the caller provides (for a
 * cache that allocates many copies in large blocks): 'mem' holds
 * ingress_compact_size(ing) bytes, aligned for max_align_t, and owns
 * everything the copy points to (besides static strings).  The copy owns no
 * memory of its own (ingress_free does nothing with it); it stays valid
 * while 'mem' does.  Cannot fail.
 */
size_t ingress_compact_size(const struct ingress *ing);
struct ingress *ingress_compact_into(const struct ingress *ing, void *mem, size_t size);

/* The same for an IngressClass. */
enum iw_err ingress_class_parse(json_t *obj, unsigned flags, struct errlist *el,
                                struct ingress_class **out);
void ingress_class_free(struct ingress_class *ic);

/* ---- facts: one function for each, used by every module ---------------- */
/* (the facts of ObjectMeta are in model/meta.h) */



/* The class an Ingress asks for: the kubernetes.io/ingress.class annotation
 * when present, else spec.ingressClassName, else NULL (then the cluster's
 * default IngressClass applies: see iw_class_default_cmp). */
const char *ingress_class_of(const struct ingress *ing);

/* true when two classes (NULL: none) are the same. */
bool iw_same_class(const char *a, const char *b);

/*
 * Which of two default IngressClasses is the cluster's default (when several
 * carry ingressclass.kubernetes.io/is-default-class: "true", the API server's
 * admission plugin takes the newest): < 0 when 'a' wins, > 0 when 'b' wins.
 * Newest creationTimestamp first (compared as instants, so "+02:00" offsets
 * and fractions order correctly; a class without a valid timestamp counts as
 * the newest), then the smaller name.
 */
int iw_class_default_cmp(const struct ingress_class *a, const struct ingress_class *b);

/* The cluster's default IngressClass among classes[0..n) (NULL entries are
 * skipped): the classes marked is-default-class with a name, the winner of
 * iw_class_default_cmp.  NULL when there is none.  The state and the router
 * both ask this. */
const struct ingress_class *iw_default_class(const struct ingress_class *const *classes, size_t n);
/* The same, one candidate at a time (for a caller that walks its own
 * container): true when 'c' is a default class that beats 'best' (NULL: no
 * candidate yet). */
bool iw_default_class_beats(const struct ingress_class *c, const struct ingress_class *best);

/*
 * Removes from an object what the API server stores and no check reads:
 * metadata.managedFields, the kubectl.kubernetes.io/last-applied-configuration
 * annotation (a second copy of the object) and status.  A cluster snapshot is
 * mostly these.
 */
void iw_strip_unread(json_t *obj);

#endif
