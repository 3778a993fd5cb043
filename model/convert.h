/*
 * convert: Ingress and IngressClass objects of the versions Kubernetes no
 * longer serves (extensions/v1beta1 and networking.k8s.io/v1beta1, removed
 * in 1.22) rewritten as networking.k8s.io/v1, the way the API server's
 * conversion and defaulting turned them into v1 while it still served them
 * (k8s.io/kubernetes pkg/apis/networking/v1beta1 and extensions/v1beta1:
 * Convert_v1beta1_IngressBackend_To_networking_IngressBackend,
 * SetDefaults_HTTPIngressPath):
 *   - apiVersion becomes networking.k8s.io/v1;
 *   - spec.backend becomes spec.defaultBackend;
 *   - a backend's serviceName / servicePort become service.name and
 *     service.port.number (an integer) or service.port.name (a string, even
 *     "80": the API server keeps IntOrString's string as a name);
 *   - a path without pathType gets pathType ImplementationSpecific.
 * Everything else (metadata, the kubernetes.io/ingress.class annotation,
 * ingressClassName, tls, resource backends, status, fields it does not
 * know) is kept as it is, in its place.  An IngressClass only changes its
 * apiVersion (its fields are the same in both versions).
 *
 * Pure: jansson only; no I/O, no globals.
 */
#ifndef IW_MODEL_CONVERT_H
#define IW_MODEL_CONVERT_H

#include <jansson.h>
#include <stdbool.h>

#include "base/err.h"

/*
 * Converts 'obj' in place when it is an Ingress or IngressClass of a removed
 * version; *changed (may be NULL) says whether it was.  Other objects are
 * left alone.  Returns IW_OK or IW_ENOMEM (obj may then be half converted).
 */
enum iw_err iw_convert_to_v1(json_t *obj, bool *changed);

#endif
