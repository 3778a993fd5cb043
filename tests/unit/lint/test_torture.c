/*
 * Allocation-failure sweep over lint_buffer (tests/unit/torture.h), in both
 * modes: one pass (lint_buffer, lint_render) and two passes over a state
 * (lint_buffer twice, lint_finish, lint_render).  The manifests take every
 * path of the engine: Ingresses valid, invalid and conflicting, a v1beta1
 * one (mapped field paths), an IngressClass, a Service, a List, a syntax
 * error, a document that is not an object, a kind that is not ours.  Fail
 * the k-th allocation for every k: each run must end without a crash (ASan
 * in the san pass), without a leak, and either with the report of the run
 * where nothing failed (rendered as JSON, byte for byte) or with IW_ENOMEM.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/state.h"
#include "lint/lint.h"
#include "../torture.h"

static const char yaml[] =
	"apiVersion: networking.k8s.io/v1\n"
	"kind: Ingress\n"
	"metadata: {name: web, namespace: team-a, creationTimestamp: '2024-01-01T00:00:00Z',\n"
	"  annotations: {nginx.ingress.kubernetes.io/configuration-snippet: 'x'}}\n"
	"spec:\n"
	"  tls: [{hosts: [other.example.com], secretName: s}]\n"
	"  rules:\n"
	"  - host: shop.example.com\n"
	"    http:\n"
	"      paths:\n"
	"      - {path: /api, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}\n"
	"      - {path: /api, pathType: Prefix, backend: {service: {name: b, port: {name: http}}}}\n"
	"---\n"
	"apiVersion: v1\n"
	"kind: List\n"
	"items:\n"
	"- apiVersion: networking.k8s.io/v1\n"
	"  kind: Ingress\n"
	"  metadata: {name: grab, namespace: team-b}\n"
	"  spec:\n"
	"    rules:\n"
	"    - host: shop.example.com\n"
	"      http: {paths: [{path: /api, pathType: Exact, backend: {service: {name: x, port: {number: 80}}}}]}\n"
	"- apiVersion: networking.k8s.io/v1beta1\n"
	"  kind: Ingress\n"
	"  metadata: {name: Old_Name}\n"
	"  spec: {backend: {serviceName: a, servicePort: 70000}}\n"
	"---\n"
	"apiVersion: networking.k8s.io/v1\n"
	"kind: IngressClass\n"
	"metadata: {name: nginx}\n"
	"spec: {controller: k8s.io/ingress-nginx}\n"
	"---\n"
	"apiVersion: v1\n"
	"kind: Service\n"
	"metadata: {name: api, namespace: team-a}\n"
	"spec: {ports: [{port: 80}]}\n"
	"---\n"
	"key: [unclosed\n"
	"---\n"
	"- a list\n"
	"---\n"
	"apiVersion: apps/v1\n"
	"kind: Deployment\n"
	"metadata: {name: d}\n";

static const char json[] =
	"{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"metadata\":{\"name\":\"j\","
	"\"namespace\":\"team-c\"},\"spec\":{\"rules\":[{\"host\":\"Shop.example.com\"}]}}\n"
	"{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"metadata\":{\"name\":\"k\","
	"\"namespace\":\"team-c\"},\"spec\":{\"rules\":[{\"host\":\"shop.example.com\",\"http\":"
	"{\"paths\":[{\"path\":\"/\",\"pathType\":\"Prefix\",\"backend\":{\"service\":{\"name\":\"s\","
	"\"port\":{\"number\":80}}}}]}}]}}\n";

/* One lint: the JSON report in *out (NULL on failure); returns the first failure. */
static enum iw_err lint(bool two_pass, char **out)
{
	struct lint_opts o;
	lint_opts_init(&o);
	struct iw_state *st = NULL;
	struct lint_report *r = lint_report_new();
	enum iw_err rc = r ? IW_OK : IW_ENOMEM;
	*out = NULL;
	if (!rc && two_pass) {
		if (!(st = iw_state_new(ingress_free, ingress_class_free)))
			rc = IW_ENOMEM;
		o.collect = st;
	}
	if (!rc)
		rc = lint_buffer(r, "a.yaml", yaml, sizeof yaml - 1, &o);
	if (!rc)
		rc = lint_buffer(r, "b.json", json, sizeof json - 1, &o);
	if (!rc && two_pass) {
		iw_state_set_knows(st, false, false);
		rc = lint_finish(r, &o);
	}
	if (!rc)
		rc = lint_render(r, LINT_OUT_JSON, 0, out, NULL);
	lint_report_free(r);
	iw_state_free(st);
	return rc;
}

static void sweep(bool two_pass)
{
	torture_init();
	char *want, *got;
	torture_fail_at(0);
	assert_int_equal(lint(two_pass, &want), IW_OK);
	long n = torture_count(), live0 = torture_live();
	/* the report holds what the manifests hold */
	assert_non_null(strstr(want, "\"check\":\"dangerous-annotation\""));
	assert_non_null(strstr(want, "\"check\":\"duplicate-path\""));
	assert_non_null(strstr(want, "\"source\":\"b.json\""));
	if (two_pass)
		assert_non_null(strstr(want, "\"check\":\"host-path-conflict\""));
	for (long k = 1; k <= n; k++) {
		torture_fail_at(k);
		enum iw_err rc = lint(two_pass, &got);
		torture_fail_at(0);
		if (rc == IW_OK && strcmp(got, want)) {
			size_t at = 0;
			while (got[at] == want[at])
				at++;
			size_t from = at > 120 ? at - 120 : 0;
			report("allocation %ld of %ld failed, the report differs at byte %zu:\n"
			       "  got  ...%.240s\n  want ...%.240s", k, n, at, got + from, want + from);
		}
		if (rc != IW_OK && (rc != IW_ENOMEM || got))
			report("allocation %ld of %ld failed: %s instead of IW_ENOMEM", k, n,
			         iw_err_name(rc));
		free(got);
		if (torture_live() != live0)
			report("allocation %ld of %ld: %ld blocks leaked", k, n, torture_live() - live0);
	}
	print_message("%ld runs\n", n);
	if (failures)
		fail_msg("%d of %ld runs failed", failures, n);
	free(want);
}

static void one_pass(void **state)
{
	(void)state;
	sweep(false);
}

static void two_passes(void **state)
{
	(void)state;
	sweep(true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_pass),
		cmocka_unit_test(two_passes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
