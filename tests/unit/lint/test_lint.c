/* lint engine: v1beta1 path mapping, positions of errors, Lists, problems, exit status. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "lint/lint.h"
#include "lint/lint_paths.h"
#include "checks/state.h"
#include "../cstring.h"

/* The whole text output of r (lint -o text) is 'want'; on a mismatch it is
 * printed as a C string. */
#define expect_text(r, want) expect_text_((r), (want), __LINE__)
static void expect_text_(struct lint_report *r, const char *want, int line)
{
	char *t;
	assert_int_equal(lint_render(r, LINT_OUT_TEXT, 0, &t, NULL), IW_OK);
	if (strcmp(t, want)) {
		print_error("line %d: the output is\n", line);
		print_c_string(t);
		free(t);
		fail_msg("line %d: other output than expected", line);
	}
	free(t);
}

static void v1beta1_paths(void **state)
{
	(void)state;
	static const struct { const char *in, *out; } cases[] = {
		{ "spec.defaultBackend", "spec.backend" },
		{ "spec.defaultBackend.service.name", "spec.backend.serviceName" },
		{ "spec.defaultBackend.service.port.number", "spec.backend.servicePort" },
		{ "spec.rules[0].http.paths[2].backend.service.port.name", "spec.rules[0].http.paths[2].backend.servicePort" },
		{ "spec.rules[0].http.paths[2].backend.service", "spec.rules[0].http.paths[2].backend.serviceName" },
		{ "spec.rules[0].http.paths[2].backend.resource.kind", "spec.rules[0].http.paths[2].backend.resource.kind" },
		{ "spec.rules[0].http.paths[2].backend", "spec.rules[0].http.paths[2].backend" },
		{ "spec.defaultBackendX", "spec.defaultBackendX" },
		{ "metadata.annotations.x/backend.service.name", "metadata.annotations.x/backend.service.name" },
	};
	char buf[128];
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		lint_map_v1beta1_path(cases[i].in, buf, sizeof buf);
		assert_string_equal(buf, cases[i].out);
	}
	lint_map_v1beta1_path("spec.defaultBackend.service.name", buf, 8);
	assert_int_equal(strlen(buf), 7);
}

static void positions_and_counts(void **state)
{
	(void)state;
	const char *y =
	    "apiVersion: v1\n"
	    "kind: IngressList\n"
	    "items:\n"
	    "- apiVersion: networking.k8s.io/v1\n"    /* 4 */
	    "  kind: Ingress\n"
	    "  metadata: {name: a}\n"
	    "  spec:\n"
	    "    rules:\n"
	    "    - host: Foo\n"                        /* 9 */
	    "- apiVersion: networking.k8s.io/v2\n"    /* 10: unserved */
	    "  kind: Ingress\n"
	    "---\n"
	    "just a string\n"                          /* 13 */
	    "---\n"
	    "apiVersion: apps/v1\nkind: Deployment\n";
	struct lint_report *r = lint_report_new();
	assert_non_null(r);
	assert_int_equal(lint_buffer(r, "t.yaml", y, strlen(y), NULL), 0);
	assert_int_equal(r->nobjects, 1);
	assert_int_equal(r->objects[0].line, 4);
	assert_int_equal(r->objects[0].item, 0);
	assert_string_equal(r->objects[0].namespace_, "default");
	assert_false(r->objects[0].allowed);
	assert_string_equal(r->objects[0].errors[0].field, "spec.rules[0].host");
	expect_text(r, "t.yaml:9:13: error: Ingress default/a: spec.rules[0].host: Invalid value: "
	               "\"Foo\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
	               "characters, '-' or '.', and must start and end with an alphanumeric character "
	               "(e.g. 'example.com', regex used for validation is "
	               "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')\n"
	               "t.yaml:10:3: error: items[1]: no matches for kind \"Ingress\" in version "
	               "\"networking.k8s.io/v2\"\n"
	               "t.yaml:13:1: error: document is a string, not an object\n"
	               "1 object checked, 1 denied: 3 errors (1 from the API server's rules, 0 from "
	               "checks, 2 input), 0 warnings; 1 document of other kinds skipped\n");
	assert_int_equal(lint_exit_status(r), 2);
	size_t len;
	char *json;
	assert_int_equal(lint_render(r, LINT_OUT_JSON, 0, &json, &len), IW_OK);
	assert_non_null(json);
	json_error_t err;
	json_t *j = json_loads(json, 0, &err);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "summary"), "denied")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(j, "results"), 0), "item")), 0);
	json_decref(j);
	free(json);
	lint_report_free(r);
}

static void clean_object(void **state)
{
	(void)state;
	const char *y = "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"IngressClass\","
	                "\"metadata\":{\"name\":\"nginx\"},\"spec\":{\"controller\":\"k8s.io/ingress-nginx\"}}";
	struct lint_report *r = lint_report_new();
	assert_int_equal(lint_buffer(r, "c.json", y, strlen(y), NULL), 0);
	assert_int_equal(r->nobjects, 1);
	assert_true(r->objects[0].allowed);
	assert_string_equal(r->objects[0].namespace_, "");
	assert_int_equal(lint_exit_status(r), 0);
	expect_text(r, "1 object checked, 0 denied: 0 errors (0 from the API server's rules, 0 from "
	               "checks, 0 input), 0 warnings; 0 documents of other kinds skipped\n");
	lint_report_free(r);
}

/* Two-pass mode: objects of several buffers join one state; the policy
 * checks run in lint_finish against all of them, with positions read again
 * from the text of the documents that have findings. */
static void two_pass_across_buffers(void **state)
{
	(void)state;
	const char *a =
	    "apiVersion: networking.k8s.io/v1\n"
	    "kind: Ingress\n"
	    "metadata: {name: a, namespace: team-a, creationTimestamp: '2024-01-01T00:00:00Z'}\n"
	    "spec:\n"
	    "  rules:\n"
	    "  - host: shop.example.com\n"
	    "    http:\n"
	    "      paths:\n"
	    "      - path: /api\n"
	    "        pathType: Prefix\n"
	    "        backend: {service: {name: api, port: {number: 80}}}\n"
	    "---\n"
	    "apiVersion: v1\n"
	    "kind: Service\n"
	    "metadata: {name: api, namespace: team-a}\n"
	    "spec: {ports: [{port: 80}]}\n";
	const char *b =
	    "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\n"
	    "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\n"
	    "\"metadata\":{\"name\":\"ok\",\"namespace\":\"team-b\"},\n"
	    "\"spec\":{\"rules\":[{\"host\":\"other.example.com\",\"http\":{\"paths\":[{\"path\":\"/\",\n"
	    "\"pathType\":\"Prefix\",\"backend\":{\"service\":{\"name\":\"x\",\"port\":{\"number\":80}}}}]}}]}},\n"
	    "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\n"
	    "\"metadata\":{\"name\":\"b\",\"namespace\":\"team-b\"},\n"
	    "\"spec\":{\"rules\":[{\"host\":\"shop.example.com\",\"http\":{\"paths\":[\n"
	    "  {\"path\":\"/api\",\"pathType\":\"Exact\",\n"          /* 9 */
	    "\"backend\":{\"service\":{\"name\":\"y\",\"port\":{\"number\":80}}}}]}}]}}]}\n";
	struct lint_report *r = lint_report_new();
	struct iw_state *st = iw_state_new(ingress_free, ingress_class_free);
	assert_non_null(r);
	assert_non_null(st);
	struct lint_opts o;
	lint_opts_init(&o);
	o.collect = st;
	assert_int_equal(lint_buffer(r, "a.yaml", a, strlen(a), &o), 0);
	assert_int_equal(lint_buffer(r, "b.json", b, strlen(b), &o), 0);
	/* pass one: validated, in the state, no findings yet */
	assert_int_equal(r->nobjects, 3);
	assert_int_equal(r->findings, 0);
	assert_int_equal(iw_state_ningresses(st), 3);
	assert_int_equal(iw_state_nservices(st), 1);
	assert_int_equal(r->skipped, 1);
	/* as the CLI: Services in files do not make the state the cluster's
	 * full list (else "ok" and "b" would get dangling-service) */
	iw_state_set_knows(st, false, false);
	assert_int_equal(lint_finish(r, &o), 0);
	/* a (Prefix /api) keeps what it serves: only b, whose Exact /api takes
	 * /api from a, conflicts */
	assert_true(r->objects[0].allowed);
	assert_true(r->objects[1].allowed);
	assert_int_equal(r->objects[2].item, 1);
	assert_false(r->objects[2].allowed);
	static const char want[] =
	    "b.json:9:3: error: Ingress team-b/b: host-path-conflict: Exact /api on host "
	    "\"shop.example.com\" takes requests for \"/api\" from ingress team-a/a (Prefix "
	    "/api, spec.rules[0].http.paths[0]); while both exist team-b/b serves them "
	    "(Exact beats Prefix beats ImplementationSpecific at equal length)\n"
	    "3 objects checked, 1 denied: 1 error (0 from the API server's rules, 1 from "
	    "checks, 0 input), 0 warnings; 1 document of other kinds skipped\n";
	expect_text(r, want);
	assert_int_equal(lint_exit_status(r), 1);
	/* a second finish has nothing left to do */
	assert_int_equal(lint_finish(r, &o), 0);
	expect_text(r, want);   /* the same */
	lint_report_free(r);
	iw_state_free(st);
}

/* Two-pass mode with the same namespace/name twice: the later document
 * replaces the earlier one in the state, and pass two still checks the
 * earlier one from the state's kept copy. */
static void two_pass_same_name_twice(void **state)
{
	(void)state;
	const char *a =
	    "apiVersion: networking.k8s.io/v1\n"
	    "kind: Ingress\n"
	    "metadata:\n"
	    "  name: a\n"
	    "  annotations: {nginx.ingress.kubernetes.io/server-snippet: 'return 200;'}\n"
	    "spec:\n"
	    "  ingressClassName: nginx\n"
	    "  rules:\n"
	    "  - host: one.example.com\n"
	    "    http:\n"
	    "      paths:\n"
	    "      - {path: /, pathType: Prefix, backend: {service: {name: s, port: {number: 80}}}}\n"
	    "---\n"
	    "apiVersion: networking.k8s.io/v1\n"
	    "kind: Ingress\n"
	    "metadata: {name: a}\n"
	    "spec:\n"
	    "  ingressClassName: nginx\n"
	    "  rules:\n"
	    "  - host: two.example.com\n"
	    "    http:\n"
	    "      paths:\n"
	    "      - {path: /, pathType: Prefix, backend: {service: {name: s, port: {number: 80}}}}\n";
	struct lint_report *r = lint_report_new();
	struct iw_state *st = iw_state_new(ingress_free, ingress_class_free);
	assert_non_null(r);
	assert_non_null(st);
	struct lint_opts o;
	lint_opts_init(&o);
	o.collect = st;
	assert_int_equal(lint_buffer(r, "a.yaml", a, strlen(a), &o), 0);
	assert_int_equal(r->nobjects, 2);
	assert_int_equal(iw_state_ningresses(st), 1);
	size_t n;
	iw_state_by_host(st, "one.example.com", &n);
	assert_int_equal(n, 0);
	assert_int_equal(lint_finish(r, &o), 0);
	/* the first version (replaced in the state) still has its annotation */
	expect_text(r, "a.yaml:5:61: error: Ingress default/a: dangerous-annotation: annotation "
	               "nginx.ingress.kubernetes.io/server-snippet injects raw nginx configuration: any "
	               "namespace that may create Ingresses can read the controller's secrets "
	               "(CVE-2021-25742); with ingress-nginx's defaults (allow-snippet-annotations "
	               "false, annotations-risk-level High) the controller does not serve this Ingress "
	               "[profile ingress-nginx: class \"nginx\"]\n"
	               "2 objects checked, 1 denied: 1 error (0 from the API server's rules, 1 from "
	               "checks, 0 input), 0 warnings; 0 documents of other kinds skipped\n");
	lint_report_free(r);
	iw_state_free(st);
}

/* Two-pass mode with an IngressClass without a name: an invalid object (the
 * API server's Required), not a failure of the run; a named class joins
 * the state. */
static void two_pass_class_without_name(void **state)
{
	(void)state;
	const char *y =
	    "apiVersion: networking.k8s.io/v1\n"
	    "kind: IngressClass\n"
	    "metadata: {labels: {a: b}}\n"
	    "spec: {controller: example.com/x}\n"
	    "---\n"
	    "apiVersion: networking.k8s.io/v1\n"
	    "kind: IngressClass\n"
	    "metadata: {name: named}\n"
	    "spec: {controller: example.com/x}\n";
	struct lint_report *r = lint_report_new();
	struct iw_state *st = iw_state_new(ingress_free, ingress_class_free);
	struct lint_opts o;
	lint_opts_init(&o);
	o.collect = st;
	assert_int_equal(lint_buffer(r, "c.yaml", y, strlen(y), &o), IW_OK);
	assert_int_equal(lint_finish(r, &o), IW_OK);
	assert_int_equal(r->err, IW_OK);
	assert_int_equal(r->nobjects, 2);
	expect_text(r, "c.yaml:3:1: error: IngressClass (no name): metadata.name: Required value: name "
	               "or generateName is required\n"
	               "2 objects checked, 1 denied: 1 error (1 from the API server's rules, 0 from "
	               "checks, 0 input), 0 warnings; 0 documents of other kinds skipped\n");
	assert_int_equal(iw_state_nclasses(st), 1);
	assert_non_null(iw_state_get_class(st, "named"));
	assert_int_equal(lint_exit_status(r), 1);
	lint_report_free(r);
	iw_state_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(v1beta1_paths),
		cmocka_unit_test(positions_and_counts),
		cmocka_unit_test(clean_object),
		cmocka_unit_test(two_pass_across_buffers),
		cmocka_unit_test(two_pass_class_without_name),
		cmocka_unit_test(two_pass_same_name_twice),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
