/*
 * libFuzzer target: any bytes -> jansson -> a List of Ingresses,
 * IngressClasses and Services -> a cluster state (checks/stateload) -> every
 * policy check of every Ingress against the rest (the audit), and the
 * AdmissionReview codec on the first Ingress wrapped as a request.
 * Must never crash or leak.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "checks/stateload.h"
#include "model/model.h"
#include "checks/policy.h"
#include "admission/admission.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum iw_err pol(void *arg, const struct adm_subject *s, struct findings *out,
                       const char **warning)
{
	(void)warning;
	return adm_check_subject(arg, s, NULL, out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t err;
	json_t *j = json_loadb((const char *)data, size, 0, &err);
	if (!j)
		return 0;
	struct iw_state *st = iw_state_new(ingress_free, ingress_class_free);
	struct iw_policy *p = iw_policy_new();
	if (st && p) {
		iw_state_add_json(st, j, NULL);
		iw_policy_audit(p, st, NULL, NULL, NULL);
		/* delete and re-add every Ingress: the indexes must stay consistent */
		for (size_t i = 0; i < iw_state_slots(st); i++) {
			const struct ingress *ing = iw_state_slot(st, i);
			if (ing && ing->meta.name)
				iw_state_del_ingress(st, ing->meta.namespace_, ing->meta.name);
		}
		iw_state_add_json(st, j, NULL);
		iw_policy_audit(p, st, NULL, NULL, NULL);
		json_t *first = json_array_get(json_object_get(j, "items"), 0);
		if (json_is_object(first)) {
			json_t *req = json_pack("{s:s, s:s, s:{s:s, s:{s:s}, s:s, s:O}}", "apiVersion",
			                        "admission.k8s.io/v1", "kind", "AdmissionReview", "request",
			                        "uid", "u", "kind", "kind", "Ingress", "operation", "CREATE",
			                        "object", first);
			char *body = req ? json_dumps(req, 0) : NULL;
			if (body) {
				struct adm_opts o = { .policy = pol, .policy_arg = p };
				iw_vopts_init(&o.v);
				struct adm_result res;
				char e[200];
				admission_handle(body, strlen(body), &o, &res, e, sizeof e);
				free(res.response);
				free(res.log_fields);
			}
			free(body);
			json_decref(req);
		}
	}
	iw_policy_free(p);
	iw_state_free(st);
	json_decref(j);
	return 0;
}
