/* Filling a cluster state from JSON (see stateload.h). */
#include "checks/stateload.h"

#include <stdio.h>
#include <string.h>

#include "model/model.h"

enum iw_err iw_state_add_json(struct iw_state *st, json_t *obj, struct iw_load_counts *n)
{
	struct iw_load_counts dummy = { 0 };
	if (!n)
		n = &dummy;
	const char *kind = json_string_value(json_object_get(obj, "kind"));
	if (!kind || !json_is_object(obj)) {
		n->skipped++;
		return IW_OK;
	}
	/* the model keeps the JSON it was parsed from: what no check reads
	 * would be memory the state holds for every object */
	iw_strip_unread(obj);
	struct errlist el = { 0 };
	enum iw_err rc = IW_OK;
	if (!strcmp(kind, "Ingress")) {
		struct ingress *ing;
		if ((rc = ingress_parse(obj, 0, &el, &ing)) == IW_OK && *iw_nz(ing->meta.name)) {
			rc = iw_state_put_ingress(st, ing);
			n->ingresses += rc == IW_OK;
		} else {
			ingress_free(ing);
			if (rc != IW_ENOMEM) {   /* not an object, or no name: not kept */
				n->skipped++;
				rc = IW_OK;
			}
		}
	} else if (!strcmp(kind, "IngressClass")) {
		struct ingress_class *ic;
		if ((rc = ingress_class_parse(obj, 0, &el, &ic)) == IW_OK && *iw_nz(ic->meta.name)) {
			rc = iw_state_put_class(st, ic);
			n->classes += rc == IW_OK;
		} else {
			ingress_class_free(ic);
			if (rc != IW_ENOMEM) {
				n->skipped++;
				rc = IW_OK;
			}
		}
	} else if (!strcmp(kind, "Service")) {
		struct iw_service *s;
		if ((rc = iw_service_parse(obj, &s)) == IW_OK) {
			rc = iw_state_put_service(st, s);
			n->services += rc == IW_OK;
		} else if (rc != IW_ENOMEM) {
			n->skipped++;
			rc = IW_OK;
		}
	} else if (!strcmp(kind, "ConfigMap")) {
		struct iw_configmap *cm;
		if ((rc = iw_configmap_parse(obj, &cm)) == IW_OK)
			rc = iw_state_put_configmap(st, cm);
		else if (rc != IW_ENOMEM)
			rc = IW_OK;
		n->skipped++;   /* counted with the other kinds */
	} else {
		n->skipped++;
	}
	errlist_release(&el);
	return rc;
}
