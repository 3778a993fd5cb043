/*
 * API-server-equivalent validation of Ingress and IngressClass
 * (k8s.io/kubernetes pkg/apis/networking/validation, with the ObjectMeta
 * rules of apimachinery), same decision, field paths, error types, details
 * and order as kube-apiserver of the selected minor version.
 *
 * Pure: takes parsed models, appends to an errlist.  No I/O, no globals.
 */
#ifndef IW_VALIDATE_VALIDATE_H
#define IW_VALIDATE_VALIDATE_H

#include "model/fielderr.h"
#include "model/model.h"

#define IW_KUBE_MINOR_MIN 34
#define IW_KUBE_MINOR_MAX 37
#define IW_KUBE_MINOR_DEFAULT 36

struct iw_vopts {
	int kube_minor;   /* 34..37: rules that differ between versions (RULES.md §10) */
	/*
	 * The namespace an Ingress without metadata.namespace gets, as the API
	 * server takes it from the request URL (kubectl: the context's namespace).
	 * NULL: validate metadata.namespace as written (empty -> Required).
	 * Borrowed; must outlive the call.
	 */
	const char *default_namespace;
};

/* Fills defaults (kube_minor = IW_KUBE_MINOR_DEFAULT, default_namespace = "default"). */
void iw_vopts_init(struct iw_vopts *o);
/* Parses "1.36" or "36" into o->kube_minor; false if not a supported version. */
bool iw_vopts_set_version(struct iw_vopts *o, const char *s);

/*
 * CREATE when old == NULL, else UPDATE (with the UPDATE ratchets).  The
 * request pipeline of the API server is reproduced around the rules: on
 * CREATE an empty name with a generateName is generated (see
 * iw_generated_name), on UPDATE uid / creationTimestamp / deletionTimestamp /
 * deletionGracePeriodSeconds are taken from 'old' when the new object leaves
 * them out, and the metadata rules run as many times as the API server runs
 * them (duplicates in 'el', once each in fe_invalid_message).  IngressClass is
 * cluster-scoped: its metadata.namespace is ignored (the server clears it).
 * Errors are appended to 'el' in the API server's order.
 */
void iw_validate_ingress(const struct ingress *ing, const struct ingress *old,
                         const struct iw_vopts *o, struct errlist *el);
void iw_validate_ingress_class(const struct ingress_class *ic, const struct ingress_class *old,
                               const struct iw_vopts *o, struct errlist *el);

/*
 * The API server's answer to a version it no longer serves (Ingress of
 * extensions/v1beta1 and networking.k8s.io/v1beta1, IngressClass of
 * networking.k8s.io/v1beta1: removed in 1.22, before every version above):
 * writes kubectl's error into msg, `no matches for kind "Ingress" in version
 * "extensions/v1beta1"`, and the way out into hint ("removed in Kubernetes
 * 1.22; every Kubernetes from 1.34 to 1.37 serves networking.k8s.io/v1:
 * `ingress-warden convert FILE` writes it"), and returns true.  The model
 * still decodes such objects (as the API server converts them).
 */
bool iw_unserved_version(enum iw_kind kind, enum iw_api api, char *msg, size_t msg_size,
                         char *hint, size_t hint_size);

/*
 * The name the API server generates for generateName on CREATE:
 * generateName[:58] + 5 characters.  The server's are random; this one is a
 * fixed valid suffix ("bcdfg"), which validates the same way.  Into buf.
 */
const char *iw_generated_name(const char *generate_name, char *buf, size_t size);

#endif
