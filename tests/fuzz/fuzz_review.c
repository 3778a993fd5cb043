/*
 * libFuzzer target: any bytes -> admission_handle() (the AdmissionReview
 * codec of `review` and `serve`) for two kube versions, the second time with
 * a policy callback that reports an error and/or a warning (chosen by the
 * last byte) so that the 403 and warnings paths run too.  Must never crash
 * or leak; an answer must be one JSON object with response.uid a string and
 * response.allowed matching the outcome; a refusal must leave a one-line
 * reason.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "admission/admission.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum iw_err fuzz_policy(void *arg, const struct adm_subject *s, struct findings *out,
                               const char **warning)
{
	unsigned sel = *(const unsigned *)arg;
	const struct iw_meta *m = s->ing ? &s->ing->meta : &s->ic->meta;
	if (sel & 1)
		findings_add(out, "host-path-conflict", IW_SEV_ERROR, FP_KEY(FP_KEY(NULL, "spec"), "rules"),
		             "conflict for %s", m->name ? m->name : "(none)");
	if (sel & 2)
		findings_add(out, "deprecated-api", IW_SEV_WARNING, NULL, "%s",
		             s->old || s->old_ic ? "update" : "create");
	if (sel == 3)
		*warning = "cluster state not synced";
	return IW_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned sel = size ? (data[size - 1] & 3u) : 0;
	for (int round = 0; round < 2; round++) {
		struct adm_opts o;
		memset(&o, 0, sizeof o);
		iw_vopts_init(&o.v);
		o.v.kube_minor = round ? IW_KUBE_MINOR_MIN : IW_KUBE_MINOR_MAX;
		if (round) {
			o.policy = fuzz_policy;
			o.policy_arg = &sel;
		}
		struct adm_result res;
		char err[512] = "";
		enum iw_err rc = admission_handle((const char *)data, size, &o, &res, err, sizeof err);
		char *out = res.response;
		if (rc) {
			if (out)
				abort();
			if (!err[0] || strchr(err, '\n') || res.outcome == ADM_ALLOWED ||
			    res.outcome == ADM_DENIED)
				abort();
			free(res.log_fields);
			continue;
		}
		json_error_t je;
		json_t *j = json_loads(out, 0, &je);
		json_t *resp = json_object_get(j, "response");
		if (!j || !json_is_string(json_object_get(resp, "uid")) ||
		    json_is_true(json_object_get(resp, "allowed")) != (res.outcome == ADM_ALLOWED))
			abort();
		json_decref(j);
		free(res.log_fields);
		free(out);
	}
	return 0;
}
