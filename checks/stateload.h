/*
 * Filling a cluster state (checks/state.h) from JSON objects: those of the
 * cluster watch, and those the manifest loader reads from a snapshot such as
 *   kubectl get ingress,ingressclass,service -A -o json
 * (lint --against STATE, review --against STATE: src/files.c).  Ingresses
 * and IngressClasses are parsed with the model (model/model.h), Services
 * with iw_service_parse; other kinds are skipped and counted.  The state
 * must have been created with iw_state_new(ingress_free, ingress_class_free).
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

/*
 * Adds 'obj' (one Ingress, IngressClass or Service; Lists are expanded by the
 * manifest loader, load/manifest.h, before objects get here) to 'st',
 * replacing the object with the same namespace/name.  Returns IW_OK or
 * IW_ENOMEM.  'n' (may be NULL) is updated: other kinds, Lists and objects
 * without a name count as skipped.  'obj' is modified: what no check reads
 * is removed before parsing (iw_strip_unread; the model keeps its JSON).
 */
enum iw_err iw_state_add_json(struct iw_state *st, json_t *obj, struct iw_load_counts *n);

#endif
