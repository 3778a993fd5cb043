/* IngressClass validation (RULES.md §7): controller, parameters, scope, UPDATE. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate/names.h"
#include "validate/validate.h"

#define SUB IW_DNS1123_SUBDOMAIN_MSG

static char *run(const char *obj, const char *old)
{
	struct iw_vopts o;
	iw_vopts_init(&o);
	struct errlist el = { 0 };
	json_error_t err;
	json_t *j = json_loads(obj, 0, &err), *oj = old ? json_loads(old, 0, &err) : NULL;
	assert_non_null(j);
	struct ingress_class *ic;
	ingress_class_parse(j, 0, &el, &ic);
	struct ingress_class *oic = NULL;
	if (oj)
		assert_int_equal(ingress_class_parse(oj, 0, &el, &oic), IW_OK);
	json_decref(j);
	json_decref(oj);
	assert_non_null(ic);
	assert_int_equal(el.n, 0);
	iw_validate_ingress_class(ic, oic, &o, &el);
	size_t cap = 1;
	for (size_t i = 0; i < el.n; i++) {
		char *s = fe_string(&el.v[i]);
		cap += strlen(s) + 1;
		free(s);
	}
	char *out = calloc(1, cap);
	for (size_t i = 0; i < el.n; i++) {
		char *s = fe_string(&el.v[i]);
		if (i)
			strcat(out, "\n");
		strcat(out, s);
		free(s);
	}
	ingress_class_free(ic);
	ingress_class_free(oic);
	errlist_release(&el);
	return out;
}

static char *cls(const char *version, const char *spec)
{
	size_t n = strlen(spec) + 256;
	char *s = malloc(n);
	snprintf(s, n, "{\"apiVersion\":\"networking.k8s.io/%s\",\"kind\":\"IngressClass\","
	               "\"metadata\":{\"name\":\"c\",\"namespace\":\"ignored\"},\"spec\":%s}", version, spec);
	return s;
}

static void expect_spec(const char *version, const char *spec, const char *want)
{
	char *o = cls(version, spec);
	char *got = run(o, NULL);
	if (strcmp(got, want))
		fail_msg("spec %s\n got: %s\nwant: %s", spec, got, want);
	free(got);
	free(o);
}

static void controller(void **state)
{
	(void)state;
	expect_spec("v1", "{\"controller\":\"k8s.io/ingress-nginx\"}", "");
	expect_spec("v1", "{}", "spec.controller: Required value");
	expect_spec("v1", "{\"controller\":\"nginx\"}",
	            "spec.controller: Invalid value: \"nginx\": must be a domain-prefixed path (such as \"acme.io/foo\")");
	expect_spec("v1", "{\"controller\":\"/x\"}",
	            "spec.controller: Invalid value: \"/x\": must be a domain-prefixed path (such as \"acme.io/foo\")");
	expect_spec("v1", "{\"controller\":\"Acme.io/x y\"}",
	            "spec.controller: Invalid value: \"Acme.io\": " SUB "\n"
	            "spec.controller: Invalid value: \"x y\": Invalid path (regex used for validation is "
	            "'[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')");
	/* 250 bytes accepted, 251 too long (and still checked as a path) */
	char spec[600], want[600];
	char c250[251];
	memset(c250, 'a', 250);
	c250[250] = '\0';
	memcpy(c250, "acme.io/", 8);
	snprintf(spec, sizeof spec, "{\"controller\":\"%s\"}", c250);
	expect_spec("v1", spec, "");
	snprintf(spec, sizeof spec, "{\"controller\":\"%sb\"}", c250);
	expect_spec("v1", spec, "spec.controller: Too long: may not be more than 250 bytes");
	snprintf(spec, sizeof spec, "{\"controller\":\"%s\"}", c250 + 8);
	snprintf(want, sizeof want, "spec.controller: Invalid value: \"%s\": must be a domain-prefixed path (such as \"acme.io/foo\")",
	         c250 + 8);
	expect_spec("v1", spec, want);
}

#define P(x) "{\"controller\":\"a.io/b\",\"parameters\":" x "}"

static void parameters(void **state)
{
	(void)state;
	expect_spec("v1", P("{\"kind\":\"K\",\"name\":\"n\"}"), "");
	expect_spec("v1", P("{\"apiGroup\":\"Bad\",\"kind\":\"\",\"name\":\"a/b\"}"),
	            "spec.parameters.apiGroup: Invalid value: \"Bad\": " SUB "\n"
	            "spec.parameters.kind: Required value: kind is required\n"
	            "spec.parameters.name: Invalid value: \"a/b\": may not contain '/'");
	expect_spec("v1", P("{\"kind\":\"K\",\"name\":\"n\",\"scope\":\"cluster\"}"),
	            "spec.parameters.scope: Unsupported value: \"cluster\": supported values: \"Cluster\", \"Namespace\"");
	expect_spec("v1", P("{\"kind\":\"K\",\"name\":\"n\",\"scope\":\"Namespace\"}"),
	            "spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'");
	expect_spec("v1", P("{\"kind\":\"K\",\"name\":\"n\",\"scope\":\"Namespace\",\"namespace\":\"ns\"}"), "");
	expect_spec("v1", P("{\"kind\":\"K\",\"name\":\"n\",\"scope\":\"Namespace\",\"namespace\":\"a.b\"}"),
	            "spec.parameters.namespace: Invalid value: \"a.b\": must not contain dots");
	expect_spec("v1", P("{\"kind\":\"K\",\"name\":\"n\",\"namespace\":\"\"}"),
	            "spec.parameters.namespace: Forbidden: `parameters.scope` is set to 'Cluster'");
	/* v1beta1 has no scope default */
	expect_spec("v1beta1", P("{\"kind\":\"K\",\"name\":\"n\"}"), "spec.parameters.scope: Required value");
}

static void update(void **state)
{
	(void)state;
	char *old = cls("v1", "{\"controller\":\"a.io/b\"}");
	char *nw = cls("v1", "{\"controller\":\"a.io/c\"}");
	char *got = run(nw, old);
	assert_string_equal(got, "spec.controller: Invalid value: \"a.io/c\": field is immutable");
	free(got);
	got = run(old, old);
	assert_string_equal(got, "");
	free(got);
	/* metadata errors: generic pass, generic update, strategy update, strategy ObjectMeta */
	char *lold = cls("v1", "{\"controller\":\"a.io/b\"}");
	const char *lnew = "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"IngressClass\","
	                   "\"metadata\":{\"name\":\"c\",\"labels\":{\"k\":\"-\"}},\"spec\":{\"controller\":\"a.io/x\"}}";
	got = run(lnew, lold);
	const char *lab = "metadata.labels: Invalid value: \"-\": a valid label must be";
	char *p = got;
	int nlab = 0;
	while ((p = strstr(p, lab))) {
		nlab++;
		p++;
	}
	assert_int_equal(nlab, 4);
	/* the controller change comes after the two update passes, before the strategy pass */
	char *imm = strstr(got, "spec.controller: Invalid value: \"a.io/x\": field is immutable");
	assert_non_null(imm);
	int before = 0;
	for (p = got; (p = strstr(p, lab)) && p < imm; p++)
		before++;
	assert_int_equal(before, 3);
	free(got);
	free(lold);
	free(old);
	free(nw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(controller),
		cmocka_unit_test(parameters),
		cmocka_unit_test(update),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
