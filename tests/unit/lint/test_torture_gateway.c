/*
 * Allocation-failure sweep over lint's Gateway API path (tests/unit/torture.h,
 * as test_torture.c does for Ingresses): Gateways, HTTPRoutes (valid, with
 * CRD errors, conflicting across namespaces, shadowed, with a regex that is
 * not RE2, cross-namespace backends with and without a ReferenceGrant, not
 * attached), a v1beta1 HTTPRoute, a Namespace with labels, a List, Services,
 * in one pass and in two passes (the HTTPRoute checks of lint_finish, with
 * the Services known as under --against).  Fail the k-th allocation for
 * every k: each run must end without a crash or leak, with the report of
 * the run where nothing failed (byte for byte) or with IW_ENOMEM.
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
	"apiVersion: gateway.networking.k8s.io/v1\n"
	"kind: Gateway\n"
	"metadata: {name: gw, namespace: infra}\n"
	"spec:\n"
	"  gatewayClassName: eg\n"
	"  listeners:\n"
	"  - {name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}\n"
	"  - name: teams\n"
	"    port: 8080\n"
	"    protocol: HTTP\n"
	"    hostname: '*.example.com'\n"
	"    allowedRoutes: {namespaces: {from: Selector, selector: {matchLabels: {shared: 'yes'}}}}\n"
	"---\n"
	"apiVersion: gateway.networking.k8s.io/v1\n"
	"kind: HTTPRoute\n"
	"metadata: {name: shop, namespace: team-a, creationTimestamp: '2025-01-01T00:00:00Z'}\n"
	"spec:\n"
	"  parentRefs: [{name: gw, namespace: infra, sectionName: http}]\n"
	"  hostnames: [shop.example.com]\n"
	"  rules:\n"
	"  - matches: [{path: {type: PathPrefix, value: /api}, headers: [{name: x-v, value: '2'}]}]\n"
	"    backendRefs: [{name: api, port: 80, weight: 3}, {name: api2, port: 80}]\n"
	"  - matches: [{path: {type: PathPrefix, value: /api}, headers: [{name: x-v, value: '2'}]}]\n"
	"    backendRefs: [{name: api, port: 80}]\n"
	"  - matches: [{path: {type: PathPrefix, value: /old}}]\n"
	"    filters: [{type: RequestRedirect, requestRedirect: {path: {type: ReplaceFullPath, replaceFullPath: /new}, statusCode: 301}}]\n"
	"---\n"
	"apiVersion: v1\n"
	"kind: List\n"
	"items:\n"
	"- apiVersion: gateway.networking.k8s.io/v1beta1\n"
	"  kind: HTTPRoute\n"
	"  metadata: {name: takeover, namespace: team-b, creationTimestamp: '2025-06-01T00:00:00Z'}\n"
	"  spec:\n"
	"    parentRefs: [{name: gw, namespace: infra}]\n"
	"    hostnames: [shop.example.com, '*.example.com']\n"
	"    rules:\n"
	"    - matches: [{path: {type: PathPrefix, value: /api}, headers: [{name: X-V, value: '2'}]}]\n"
	"      backendRefs: [{name: api, port: 80}]\n"
	"    - matches: [{path: {type: RegularExpression, value: '/(bad'}}, {path: {type: Exact, value: /x}}]\n"
	"      backendRefs: [{name: x, port: 80, namespace: team-a}, {name: z, port: 80, namespace: team-c}]\n"
	"- apiVersion: gateway.networking.k8s.io/v1beta1\n"
	"  kind: ReferenceGrant\n"
	"  metadata: {name: grant, namespace: team-c}\n"
	"  spec:\n"
	"    from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: team-b}]\n"
	"    to: [{group: '', kind: Service}]\n"
	"---\n"
	"apiVersion: v1\n"
	"kind: Namespace\n"
	"metadata: {name: team-c, labels: {shared: 'yes'}}\n"
	"---\n"
	"apiVersion: v1\n"
	"kind: Namespace\n"
	"metadata: {name: team-b}\n"
	"---\n"
	"apiVersion: gateway.networking.k8s.io/v1\n"
	"kind: HTTPRoute\n"
	"metadata: {name: lost, namespace: team-b}\n"
	"spec:\n"
	"  parentRefs: [{name: gw, namespace: infra, sectionName: teams}]\n"
	"  rules:\n"
	"  - backendRefs: [{name: admin, port: 80}]\n"
	"---\n"
	"apiVersion: gateway.networking.k8s.io/v1\n"
	"kind: HTTPRoute\n"
	"metadata: {name: Bad_Name, namespace: team-b}\n"
	"spec:\n"
	"  parentRefs: [{name: gw, port: 70000}]\n"
	"  hostnames: ['-x.example.com']\n"
	"  rules:\n"
	"  - matches: [{path: {type: PathPrefix, value: '/a//b'}, method: FETCH}]\n"
	"    filters: [{type: URLRewrite}]\n"
	"    backendRefs: [{name: s, kind: Service}]\n"
	"---\n"
	"apiVersion: gateway.networking.k8s.io/v1\n"
	"kind: Gateway\n"
	"metadata: {name: strict, namespace: infra}\n"
	"spec: {gatewayClassName: eg, listeners: [{name: a, port: 80, protocol: HTTP, unknownField: 1}]}\n"
	"---\n"
	"apiVersion: gateway.networking.k8s.io/v1alpha1\n"
	"kind: HTTPRoute\n"
	"metadata: {name: ancient}\n"
	"---\n"
	"apiVersion: v1\n"
	"kind: Service\n"
	"metadata: {name: api, namespace: team-b}\n"
	"spec: {ports: [{port: 8080}]}\n";

static const char json[] =
	"{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\",\"metadata\":"
	"{\"name\":\"j\",\"namespace\":\"team-c\"},\"spec\":{\"parentRefs\":[{\"name\":\"gw\","
	"\"namespace\":\"infra\",\"sectionName\":\"teams\"}],\"hostnames\":[\"c.example.com\"],"
	"\"rules\":[{\"matches\":[{\"path\":{\"type\":\"Exact\",\"value\":\"/\"},"
	"\"queryParams\":[{\"name\":\"q\",\"value\":\"1\"}]}],\"backendRefs\":[{\"name\":\"c\","
	"\"port\":80}]}]}}\n"
	"{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"c\",\"namespace\":"
	"\"team-c\"},\"spec\":{\"ports\":[{\"port\":80}]}}\n";

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
		rc = lint_buffer(r, "gw.yaml", yaml, sizeof yaml - 1, &o);
	if (!rc)
		rc = lint_buffer(r, "gw.json", json, sizeof json - 1, &o);
	if (!rc && two_pass) {
		iw_state_set_knows(st, true, false);
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
	assert_non_null(strstr(want, "\"source\":\"gw.json\""));
	assert_non_null(strstr(want, "spec.parentRefs[0].port"));
	assert_non_null(strstr(want, "v1alpha1"));
	if (two_pass) {
		assert_non_null(strstr(want, "\"check\":\"httproute-conflict\""));
		assert_non_null(strstr(want, "\"check\":\"httproute-shadowed-match\""));
		assert_non_null(strstr(want, "\"check\":\"httproute-not-attached\""));
		assert_non_null(strstr(want, "\"check\":\"httproute-dangling-backend\""));
		assert_non_null(strstr(want, "\"check\":\"httproute-backend-not-permitted\""));
		assert_non_null(strstr(want, "\"check\":\"httproute-invalid-regex\""));
	}
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
