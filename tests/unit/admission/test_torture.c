/*
 * Allocation-failure sweep over admission_handle (tests/unit/torture.h):
 * for requests that take every path of the codec (allowed with warnings,
 * 403 with causes, 422 with causes, an IngressClass, an UPDATE, against a
 * state for the cross-object checks), fail the k-th allocation for every k.
 * Each run must end without a crash (ASan in the san pass), without a leak
 * (every block counted back), and either with the answer of the run where
 * nothing failed or with IW_ENOMEM (outcome ADM_ERROR, no response).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admission/admission.h"
#include "checks/policy.h"
#include "checks/state.h"
#include "checks/stateload.h"
#include "../torture.h"

struct pol {
	const struct iw_policy *p;
	const struct iw_state *st;
};

static enum iw_err policy(void *arg, const struct adm_subject *s, struct findings *out,
                          const char **warning)
{
	const struct pol *p = arg;
	(void)warning;
	return adm_check_subject(p->p, s, p->st, out);
}

#define REQ(op, kind, obj, old) \
	"{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":" \
	"{\"uid\":\"u-1\",\"kind\":{\"group\":\"networking.k8s.io\",\"version\":\"v1\",\"kind\":\"" kind \
	"\"},\"namespace\":\"shop\",\"name\":\"web\",\"operation\":\"" op "\",\"object\":" obj \
	",\"oldObject\":" old "}}"

#define ING(host, path, type, extra) INGNS("shop", host, path, type, extra)
#define INGNS(ns, host, path, type, extra) \
	"{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"metadata\":{\"name\":\"web\"," \
	"\"namespace\":\"" ns "\"" extra "},\"spec\":{\"ingressClassName\":\"nginx\",\"rules\":[{\"host\":\"" \
	host "\",\"http\":{\"paths\":[{\"path\":\"" path "\",\"pathType\":\"" type "\",\"backend\":" \
	"{\"service\":{\"name\":\"s\",\"port\":{\"number\":80}}}},{\"path\":\"" path "\",\"pathType\":\"" \
	type "\",\"backend\":{\"service\":{\"name\":\"t\",\"port\":{\"name\":\"http\"}}}}]}}]," \
	"\"tls\":[{\"hosts\":[\"other.example.com\"],\"secretName\":\"x\"}]}}"

static const char *const requests[] = {
	/* 403: duplicate-path (different backends) and host-path-conflict
	 * with the state; warnings: regex-in-path, tls-host-unserved,
	 * the deprecated class annotation */
	REQ("CREATE", "Ingress", ING("shop.example.com", "/api+", "Prefix",
	    ",\"annotations\":{\"kubernetes.io/ingress.class\":\"nginx\",\"nginx.ingress.kubernetes.io/server-snippet\":\"x\"}"), "null"),
	/* 422: invalid host and port, decode error free */
	REQ("CREATE", "Ingress", ING("Bad_Host", "relative", "Prefix", ""), "null"),
	/* UPDATE of a valid object: warnings only */
	REQ("UPDATE", "Ingress", ING("a.example.com", "/a", "Exact", ",\"uid\":\"1\""),
	    ING("a.example.com", "/b", "Exact", ",\"uid\":\"1\"")),
	/* an IngressClass of a removed version: a warning */
	REQ("CREATE", "IngressClass",
	    "{\"apiVersion\":\"networking.k8s.io/v1beta1\",\"kind\":\"IngressClass\","
	    "\"metadata\":{\"name\":\"nginx\",\"annotations\":{\"ingressclass.kubernetes.io/"
	    "is-default-class\":\"true\"}},\"spec\":{\"controller\":\"k8s.io/ingress-nginx\"}}", "null"),
	/* a decode error: 400 BadRequest status */
	REQ("CREATE", "Ingress", "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\","
	    "\"metadata\":{\"name\":\"web\"},\"spec\":{\"rules\":\"no\"}}", "null"),
	/* not an AdmissionReview request */
	"{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"Other\"}",
};

/* another Ingress named "web", in team-a, older: what the first request conflicts with */
static const char *const cluster =
	"{\"kind\":\"List\",\"items\":[" INGNS("team-a", "shop.example.com", "/api", "Prefix",
	",\"creationTimestamp\":\"2024-01-01T00:00:00Z\"") "]}";

static void sweep(void **state)
{
	(void)state;
	torture_init();
	struct iw_policy *p = iw_policy_new();
	struct iw_state *st = iw_state_new(ingress_free, ingress_class_free);
	json_t *snap = json_loads(cluster, 0, NULL);
	assert_non_null(snap);
	assert_int_equal(iw_state_add_json(st, snap, NULL), IW_OK);
	json_decref(snap);
	struct pol pol = { p, st };
	struct adm_opts o = { .policy = policy, .policy_arg = &pol };
	iw_vopts_init(&o.v);
	long runs = 0;
	for (size_t r = 0; r < sizeof requests / sizeof *requests; r++) {
		const char *body = requests[r];
		char msg[300];
		struct adm_result want;
		torture_fail_at(0);
		enum iw_err want_rc = admission_handle(body, strlen(body), &o, &want, msg, sizeof msg);
		long n = torture_count(), live0 = torture_live();
		assert_true(n > 0);
		for (long k = 1; k <= n; k++) {
			struct adm_result got;
			torture_fail_at(k);
			enum iw_err rc = admission_handle(body, strlen(body), &o, &got, msg, sizeof msg);
			torture_fail_at(0);
			runs++;
			if (rc == IW_ENOMEM) {
				if (got.response || got.outcome != ADM_ERROR)
					report("request %zu, allocation %ld: IW_ENOMEM with outcome %d", r, k,
					         got.outcome);
			} else if (rc != want_rc || got.outcome != want.outcome ||
			           (want.response && (!got.response || strcmp(got.response, want.response)))) {
				report("request %zu, allocation %ld of %ld failed: %s (%s) instead of "
				         "IW_ENOMEM or the answer\n  got  %s\n  want %s", r, k, n,
				         iw_err_name(rc), msg, got.response ? got.response : "(none)",
				         want.response ? want.response : "(none)");
			}
			free(got.response);
			free(got.log_fields);
			if (torture_live() != live0)
				report("request %zu, allocation %ld: %ld blocks leaked", r, k,
				         torture_live() - live0);
		}
		free(want.response);
		free(want.log_fields);
	}
	print_message("%ld runs\n", runs);
	if (failures)
		fail_msg("%d of %ld runs failed", failures, runs);
	iw_state_free(st);
	iw_policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sweep),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
