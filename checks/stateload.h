/*
 * Filling a cluster state (checks/state.h) from JSON: single objects, List
 * objects (items), and whole snapshots such as the output of
 *   kubectl get ingress,ingressclass,service -A -o json
 * (lint --against STATE).  Ingresses and IngressClasses are parsed with the
 * model (model/model.h), Services with iw_service_parse; other kinds are
 * skipped and counted.  The state must have been created with
 * iw_state_new(ingress_free, ingress_class_free).
 */
#ifndef IW_CHECKS_STATELOAD_H
#define IW_CHECKS_STATELOAD_H

#include <jansson.h>
#include <stddef.h>

#include "base/err.h"
#include "checks/state.h"

struct iw_load_counts {
	size_t ingresses, classes, services, skipped;
};

/* A snapshot file may be large (100,000 Ingresses are ~100 MB of JSON). */
#define IW_STATE_MAX_FILE_BYTES ((size_t)2 << 30)

/*
 * Adds 'obj' (an Ingress, IngressClass, Service, or a List of them, nested
 * Lists included up to depth 4) to 'st', replacing objects with the same
 * namespace/name.  Returns IW_OK or IW_ENOMEM.  'n' (may be NULL) is updated.
 * 'obj' is modified: metadata.managedFields, the
 * kubectl.kubernetes.io/last-applied-configuration annotation and status
 * are removed before parsing (no check reads them; the model keeps its JSON).
 */
enum iw_err iw_state_add_json(struct iw_state *st, json_t *obj, struct iw_load_counts *n);

#endif
