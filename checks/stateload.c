/* Filling a cluster state from JSON (see stateload.h). */
#include "checks/stateload.h"

#include <stdio.h>
#include <string.h>

#include "model/model.h"

/* What no check reads and the API server sends anyway: managedFields, the
 * last-applied-configuration annotation (a second copy of the object) and
 * status.  The model keeps the JSON it was parsed from, so this is memory
 * the state would hold for every object. */
static void strip(json_t *obj)
{
	json_t *md = json_object_get(obj, "metadata");
	json_object_del(md, "managedFields");
	json_object_del(json_object_get(md, "annotations"),
	                "kubectl.kubernetes.io/last-applied-configuration");
	json_object_del(obj, "status");
}

static int add(struct iw_state *st, json_t *obj, struct iw_load_counts *n, int depth)
{
	struct iw_load_counts dummy = { 0 };
	if (!n)
		n = &dummy;
	const char *kind = json_string_value(json_object_get(obj, "kind"));
	json_t *items = json_object_get(obj, "items");
	if (json_is_array(items) && (!kind || strstr(kind, "List"))) {
		if (depth >= 4) {
			n->skipped++;
			return 0;
		}
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it)
			if (add(st, it, n, depth + 1))
				return -1;
		return 0;
	}
	if (!kind || !json_is_object(obj)) {
		n->skipped++;
		return 0;
	}
	strip(obj);
	struct errlist el = { 0 };
	int rc = 0;
	if (!strcmp(kind, "Ingress")) {
		struct ingress *ing = ingress_parse(obj, 0, &el);
		if (ing && ing->meta.name && *ing->meta.name) {
			rc = iw_state_put_ingress(st, ing);
			n->ingresses += rc == 0;
		} else {
			ingress_free(ing);
			rc = el.oom ? -1 : 0;
			n->skipped += !el.oom;
		}
	} else if (!strcmp(kind, "IngressClass")) {
		struct ingress_class *ic = ingress_class_parse(obj, 0, &el);
		if (ic && ic->meta.name && *ic->meta.name) {
			rc = iw_state_put_class(st, ic);
			n->classes += rc == 0;
		} else {
			ingress_class_free(ic);
			rc = el.oom ? -1 : 0;
			n->skipped += !el.oom;
		}
	} else if (!strcmp(kind, "Service")) {
		struct iw_service *s = iw_service_parse(obj);
		if (s) {
			rc = iw_state_put_service(st, s);
			n->services += rc == 0;
		} else {
			n->skipped++;
		}
	} else {
		n->skipped++;
	}
	errlist_release(&el);
	return rc;
}

int iw_state_add_json(struct iw_state *st, json_t *obj, struct iw_load_counts *n)
{
	return add(st, obj, n, 0);
}
