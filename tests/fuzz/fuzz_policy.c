/*
 * libFuzzer target: any bytes -> the manifest loader (load/manifest.h, as
 * --against reads a snapshot) -> Ingresses, IngressClasses and Services -> a
 * cluster state (checks/stateload) -> every
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
#include "load/manifest.h"
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

/* Every object the loader reads, kept in one array. */
static enum iw_err keep(void *ctx, struct mf_object *o)
{
	json_t *own = mf_keep(o);
	return own && !json_array_append_new(ctx, own) ? IW_OK : IW_ENOMEM;
}

static void add_all(struct iw_state *st, json_t *objs)
{
	size_t i;
	json_t *o;
	json_array_foreach(objs, i, o) {
		json_t *copy = json_deep_copy(o);   /* the state strips what it takes */
		if (copy)
			iw_state_add_json(st, copy, NULL);
		json_decref(copy);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *j = json_array();
	if (!j)
		return 0;
	struct mf_opts mo;
	mf_opts_init(&mo);
	mo.strip = true;
	struct mf_sink sink = { keep, NULL, j };
	mf_parse((const char *)data, size, &mo, &sink);
	struct iw_state *st = iw_state_new(ingress_free, ingress_class_free);
	struct iw_policy *p = iw_policy_new();
	if (st && p) {
		add_all(st, j);
		iw_policy_audit(p, st, NULL, NULL, NULL);
		/* delete and re-add every Ingress: the indexes must stay consistent */
		for (size_t i = 0; i < iw_state_slots(st); i++) {
			const struct ingress *ing = iw_state_slot(st, i);
			if (ing && ing->meta.name)
				iw_state_del_ingress(st, ing->meta.namespace_, ing->meta.name);
		}
		add_all(st, j);
		iw_policy_audit(p, st, NULL, NULL, NULL);
		json_t *first = json_array_get(j, 0);
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
