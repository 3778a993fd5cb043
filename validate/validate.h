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

#include "validate/fielderr.h"
#include "validate/model.h"

#define IW_KUBE_MINOR_MIN 34
#define IW_KUBE_MINOR_MAX 37
#define IW_KUBE_MINOR_DEFAULT 36

struct iw_vopts {
	int kube_minor;   /* 34..37: rules that differ between versions (RULES.md §10) */
};

/* Fills defaults (kube_minor = IW_KUBE_MINOR_DEFAULT). */
void iw_vopts_init(struct iw_vopts *o);
/* Parses "1.36" or "36" into o->kube_minor; false if not a supported version. */
bool iw_vopts_set_version(struct iw_vopts *o, const char *s);

/* CREATE when old == NULL, else UPDATE (with the UPDATE ratchets). */
void iw_validate_ingress(const struct ingress *ing, const struct ingress *old,
                         const struct iw_vopts *o, struct errlist *el);
void iw_validate_ingress_class(const struct ingress_class *ic, const struct ingress_class *old,
                               const struct iw_vopts *o, struct errlist *el);

#endif
