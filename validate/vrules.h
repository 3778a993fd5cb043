/*
 * Internal to validate/: the rule groups that validate.c strings together in
 * the API server's order.  Each appends to an errlist; none allocates beyond it.
 *
 *   objectmeta.c          ObjectMeta rules (apimachinery + core wrappers)
 *   ingress_rules.c       Ingress spec rules (validateIngress* in networking/validation)
 *   ingressclass_rules.c  IngressClass spec rules
 */
#ifndef IW_VALIDATE_VRULES_H
#define IW_VALIDATE_VRULES_H

#include <stdbool.h>

#include "model/fielderr.h"
#include "model/model.h"
#include "validate/names.h"

/* Appends one FE_INVALID per message of 'm' at 'at', with the string value 'v' (quoted). */
void vr_invalid_msgs(struct errlist *el, const struct fpath *at, const char *v,
                     const struct iw_msgs *m);
/* Appends FE_INVALID with the string value 'v' (quoted) and a fixed detail. */
void vr_invalid_str(struct errlist *el, const struct fpath *at, const char *v, const char *detail);

/* ---- ObjectMeta ---- */

enum vr_name_rule {
	VR_NAME_DNS_SUBDOMAIN,   /* NameIsDNSSubdomain (Ingress, IngressClass) */
	VR_NAME_PATH_SEGMENT,    /* path.ValidatePathSegmentName (the generic rest pass) */
};

/* k8s: ValidateObjectMetaAccessor (apimachinery): name, generateName, namespace,
 * labels, annotations, ownerReferences, finalizers.  'm' is the effective metadata
 * (generated name, namespace filled or cleared). */
void vr_object_meta(const struct iw_meta *m, bool namespaced, enum vr_name_rule rule,
                    int kube_minor, struct errlist *el);
/* k8s: ValidateObjectMeta (core wrapper): vr_object_meta + validateKubeFinalizerName */
void vr_core_object_meta(const struct iw_meta *m, bool namespaced, int kube_minor,
                         struct errlist *el);
/* k8s: ValidateObjectMetaAccessorUpdate */
void vr_object_meta_update(const struct iw_meta *m, const struct iw_meta *old, int kube_minor,
                           struct errlist *el);

/* ---- Ingress spec ---- */

struct vr_ingress_opts {
	int kube_minor;
	bool allow_invalid_secret_name;         /* UPDATE ratchet */
	bool allow_invalid_wildcard_host_rule;  /* UPDATE ratchet */
	bool allow_relaxed_service_name;        /* DNS-1123 label service names (gate or ratchet) */
};

/* k8s: validateIngressTypedLocalObjectReference (also for IngressClass parameters) */
void vr_typed_local_ref(const struct iw_resource_ref *r, const struct fpath *at, int kube_minor,
                        struct errlist *el);
/* k8s: ValidateIngressSpec */
void vr_ingress_spec(const struct ingress *ing, const struct vr_ingress_opts *o, struct errlist *el);
/* k8s: allowInvalidSecretName */
bool vr_allow_invalid_secret_name(const struct ingress *old);
/* k8s: allowInvalidWildcardHostRule */
bool vr_allow_invalid_wildcard_host_rule(const struct ingress *old);
/* k8s: allowRelaxedServiceNameValidation (the ratchet part) */
bool vr_old_has_relaxed_service_name(const struct ingress *old);

/* ---- IngressClass spec ---- */

/* k8s: validateIngressClassSpec */
void vr_ingress_class_spec(const struct ingress_class *ic, int kube_minor, struct errlist *el);

#endif
