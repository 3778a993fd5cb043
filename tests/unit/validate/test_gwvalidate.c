/* validate/gwvalidate.h: the Gateway API CRDs' rules, whole error lists. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate/gwvalidate.h"

/* Every error of the list, one per line. */
static void render(const struct errlist *el, char *out, size_t size)
{
	out[0] = '\0';
	for (size_t i = 0; i < el->n; i++) {
		char *s = fe_string(&el->v[i]);
		assert_non_null(s);
		strncat(out, s, size - strlen(out) - 2);
		strcat(out, "\n");
		free(s);
	}
}

#define ROUTE_HEAD "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\"," \
                   "\"metadata\":{\"name\":\"r\",\"namespace\":\"app\"},\"spec\":"

static void check_route(const char *spec, const char *want)
{
	char text[8192];
	snprintf(text, sizeof text, "%s%s}", ROUTE_HEAD, spec);
	json_error_t jerr;
	json_t *j = json_loads(text, 0, &jerr);
	if (!j)
		fail_msg("bad JSON %s: %s", text, jerr.text);
	struct errlist el = { 0 };
	struct httproute *r = NULL;
	assert_int_equal(httproute_parse(j, IW_PARSE_STRICT, &el, &r), IW_OK);
	json_decref(j);
	iw_validate_httproute(r, NULL, &el);
	char got[8192];
	render(&el, got, sizeof got);
	if (strcmp(got, want)) {
		fprintf(stderr, "spec %s\n--- got\n%s--- want\n%s", spec, got, want);
		fail();
	}
	errlist_release(&el);
	httproute_free(r);
}

static void route_valid(void **state)
{
	(void)state;
	/* conformance manifests (gateway-api conformance/tests/httproute-*.yaml) */
	check_route("{\"parentRefs\":[{\"name\":\"same-namespace\",\"namespace\":\"infra\"}],"
	            "\"hostnames\":[\"*.example.com\",\"foo.bar\"],"
	            "\"rules\":[{\"matches\":[{\"path\":{\"type\":\"Exact\",\"value\":\"/one\"}},"
	            "{\"path\":{\"type\":\"RegularExpression\",\"value\":\"/v[0-9]+//x\"},"
	            "\"headers\":[{\"name\":\"version\",\"value\":\"one\"}],"
	            "\"queryParams\":[{\"name\":\"animal\",\"value\":\"whale\"}],\"method\":\"PATCH\"}],"
	            "\"backendRefs\":[{\"name\":\"infra-backend-v1\",\"port\":8080,\"weight\":0}]},"
	            "{\"filters\":[{\"type\":\"RequestRedirect\",\"requestRedirect\":{\"scheme\":\"https\","
	            "\"statusCode\":301,\"port\":443}}]},"
	            "{\"matches\":[{\"path\":{\"type\":\"PathPrefix\",\"value\":\"/prefix\"}}],"
	            "\"filters\":[{\"type\":\"URLRewrite\",\"urlRewrite\":{\"path\":{"
	            "\"type\":\"ReplacePrefixMatch\",\"replacePrefixMatch\":\"/x\"}}}],"
	            "\"backendRefs\":[{\"name\":\"b\",\"port\":80}],"
	            "\"timeouts\":{\"request\":\"10s\",\"backendRequest\":\"1s\"}}]}", "");
	/* no rules: the CRD default, valid */
	check_route("{\"parentRefs\":[{\"name\":\"gw\"}]}", "");
}

static void route_paths(void **state)
{
	(void)state;
	check_route("{\"rules\":[{\"matches\":[{\"path\":{\"type\":\"PathPrefix\",\"value\":\"/a//b\"}},"
	            "{\"path\":{\"value\":\"a/./b/..\"}},{\"path\":{\"type\":\"Exact\",\"value\":\"/x%2fy#z\"}},"
	            "{\"path\":{\"type\":\"Prefix\",\"value\":\"/\"}}]}]}",
	            "spec.rules[0].matches[0].path: Invalid value: \"object\": must not contain '//' when type one of ['Exact', 'PathPrefix']\n"
	            "spec.rules[0].matches[1].path: Invalid value: \"object\": value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']\n"
	            "spec.rules[0].matches[1].path: Invalid value: \"object\": must not contain '/./' when type one of ['Exact', 'PathPrefix']\n"
	            "spec.rules[0].matches[1].path: Invalid value: \"object\": must not end with '/..' when type one of ['Exact', 'PathPrefix']\n"
	            "spec.rules[0].matches[2].path: Invalid value: \"object\": must not contain '%2f' when type one of ['Exact', 'PathPrefix']\n"
	            "spec.rules[0].matches[2].path: Invalid value: \"object\": must not contain '#' when type one of ['Exact', 'PathPrefix']\n"
	            "spec.rules[0].matches[2].path: Invalid value: \"object\": must only contain valid characters (matching ^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$) for types ['Exact', 'PathPrefix']\n"
	            "spec.rules[0].matches[3].path.type: Unsupported value: \"Prefix\": supported values: \"Exact\", \"PathPrefix\", \"RegularExpression\"\n"
	            "spec.rules[0].matches[3].path: Invalid value: \"object\": type must be one of ['Exact', 'PathPrefix', 'RegularExpression']\n");
}

static void route_fields(void **state)
{
	(void)state;
	check_route("{\"parentRefs\":[{\"name\":\"gw\",\"port\":0,\"kind\":\"9x\"},{\"name\":\"gw\"},{\"name\":\"gw\"}],"
	            "\"hostnames\":[\"Foo.com\",\"*.ok.io\",\"a..b\"],"
	            "\"rules\":[{\"matches\":[{\"method\":\"FETCH\",\"headers\":[{\"name\":\"a b\",\"value\":\"\"},"
	            "{\"name\":\"x\",\"value\":\"1\"},{\"name\":\"x\",\"value\":\"2\"}]}],"
	            "\"backendRefs\":[{\"name\":\"svc\"},{\"name\":\"s\",\"port\":80,\"weight\":1000001}]}]}",
	            "spec.parentRefs[0].kind: Invalid value: \"9x\": spec.parentRefs[0].kind in body should match '^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$'\n"
	            "spec.parentRefs[0].port: Invalid value: 0: spec.parentRefs[0].port in body should be greater than or equal to 1\n"
	            "spec.parentRefs: Invalid value: \"array\": sectionName must be unique when parentRefs includes 2 or more references to the same parent\n"
	            "spec.hostnames[0]: Invalid value: \"Foo.com\": spec.hostnames[0] in body should match '^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'\n"
	            "spec.hostnames[2]: Invalid value: \"a..b\": spec.hostnames[2] in body should match '^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'\n"
	            "spec.rules[0].matches[0].headers[0].name: Invalid value: \"a b\": spec.rules[0].matches[0].headers[0].name in body should match '^[A-Za-z0-9!#$%&'*+\\-.^_\\x60|~]+$'\n"
	            "spec.rules[0].matches[0].headers[0].value: Invalid value: \"\": spec.rules[0].matches[0].headers[0].value in body should be at least 1 chars long\n"
	            "spec.rules[0].matches[0].headers[2]: Duplicate value: map[string]interface {}{\"name\":\"x\"}\n"
	            "spec.rules[0].matches[0].method: Unsupported value: \"FETCH\": supported values: \"GET\", \"HEAD\", \"POST\", \"PUT\", \"DELETE\", \"CONNECT\", \"OPTIONS\", \"TRACE\", \"PATCH\"\n"
	            "spec.rules[0].backendRefs[0]: Invalid value: \"object\": Must have port for Service reference\n"
	            "spec.rules[0].backendRefs[1].weight: Invalid value: 1000001: spec.rules[0].backendRefs[1].weight in body should be less than or equal to 1000000\n");
}

static void route_filters(void **state)
{
	(void)state;
	check_route("{\"rules\":[{\"filters\":[{\"type\":\"RequestRedirect\",\"requestRedirect\":{\"statusCode\":304,"
	            "\"scheme\":\"ftp\",\"path\":{\"type\":\"ReplacePrefixMatch\",\"replacePrefixMatch\":\"/n\"}}},"
	            "{\"type\":\"URLRewrite\"}],"
	            "\"backendRefs\":[{\"name\":\"s\",\"port\":80}]},"
	            "{\"matches\":[{\"path\":{\"type\":\"Exact\",\"value\":\"/e\"}}],"
	            "\"filters\":[{\"type\":\"RequestHeaderModifier\",\"urlRewrite\":{}},"
	            "{\"type\":\"RequestHeaderModifier\",\"requestHeaderModifier\":{}}],"
	            "\"timeouts\":{\"request\":\"1s\",\"backendRequest\":\"2m\"}}]}",
	            "spec.rules[0].filters[0].requestRedirect.scheme: Unsupported value: \"ftp\": supported values: \"http\", \"https\"\n"
	            "spec.rules[0].filters[0].requestRedirect.statusCode: Unsupported value: 304: supported values: 301, 302, 303, 307, 308\n"
	            "spec.rules[0].filters[1]: Invalid value: \"object\": filter.urlRewrite must be specified for URLRewrite filter.type\n"
	            "spec.rules[0].filters: Invalid value: \"array\": May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both\n"
	            "spec.rules[0]: Invalid value: \"object\": RequestRedirect filter must not be used together with backendRefs\n"
	            "spec.rules[0]: Invalid value: \"object\": When using RequestRedirect filter with path.replacePrefixMatch, exactly one PathPrefix match must be specified\n"
	            "spec.rules[1].filters[0]: Invalid value: \"object\": filter.requestHeaderModifier must be specified for RequestHeaderModifier filter.type\n"
	            "spec.rules[1].filters[0]: Invalid value: \"object\": filter.urlRewrite must be nil if the filter.type is not URLRewrite\n"
	            "spec.rules[1].filters: Invalid value: \"array\": RequestHeaderModifier filter cannot be repeated\n"
	            "spec.rules[1].timeouts: Invalid value: \"object\": backendRequest timeout cannot be longer than request timeout\n");
	check_route("{\"rules\":[]}",
	            "spec.rules: Invalid value: 0: spec.rules in body should have at least 1 items\n");
}

static void gateway_and_grant(void **state)
{
	(void)state;
	json_t *j = json_loads(
		"{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"Gateway\","
		"\"metadata\":{\"name\":\"gw\"},\"spec\":{\"listeners\":["
		"{\"name\":\"http\",\"port\":80,\"protocol\":\"HTTP\",\"tls\":{\"certificateRefs\":[{\"name\":\"c\"}]}},"
		"{\"name\":\"http\",\"port\":70000,\"protocol\":\"HTTP\",\"hostname\":\"*.x.com\","
		"\"allowedRoutes\":{\"namespaces\":{\"from\":\"Some\"}}},"
		"{\"name\":\"tcp\",\"protocol\":\"example.com/Custom\",\"port\":9}]}}", 0, NULL);
	struct errlist el = { 0 };
	struct gateway *g = NULL;
	assert_int_equal(gateway_parse(j, IW_PARSE_STRICT, &el, &g), IW_OK);
	json_decref(j);
	iw_validate_gateway(g, NULL, &el);
	char got[8192];
	render(&el, got, sizeof got);
	assert_string_equal(got,
		"spec.gatewayClassName: Required value\n"
		"spec.listeners[1].port: Invalid value: 70000: spec.listeners[1].port in body should be less than or equal to 65535\n"
		"spec.listeners[1].allowedRoutes.namespaces.from: Unsupported value: \"Some\": supported values: \"All\", \"Selector\", \"Same\"\n"
		"spec.listeners[1]: Duplicate value: map[string]interface {}{\"name\":\"http\"}\n"
		"spec.listeners: Invalid value: \"array\": tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']\n"
		"spec.listeners: Invalid value: \"array\": Listener name must be unique within the Gateway\n");
	errlist_release(&el);
	gateway_free(g);

	j = json_loads("{\"apiVersion\":\"gateway.networking.k8s.io/v1beta1\",\"kind\":\"ReferenceGrant\","
	               "\"metadata\":{\"name\":\"Bad_Name\",\"namespace\":\"b\"},\"spec\":{\"from\":[],"
	               "\"to\":[{\"group\":\"\",\"kind\":\"Service\"}]}}", 0, NULL);
	struct reference_grant *rg = NULL;
	assert_int_equal(reference_grant_parse(j, IW_PARSE_STRICT, &el, &rg), IW_OK);
	json_decref(j);
	iw_validate_reference_grant(rg, NULL, &el);
	render(&el, got, sizeof got);
	assert_non_null(strstr(got, "metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain"));
	assert_non_null(strstr(got, "spec.from: Invalid value: 0: spec.from in body should have at least 1 items\n"));
	errlist_release(&el);
	reference_grant_free(rg);

	assert_true(gw_hostname_ok("*.example.com"));
	assert_false(gw_hostname_ok("*example.com"));
	assert_false(gw_hostname_ok("a.*.com"));
	assert_true(gw_path_value_ok("/a/b%20c"));
	assert_false(gw_path_value_ok("/a/."));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(route_valid),
		cmocka_unit_test(route_paths),
		cmocka_unit_test(route_fields),
		cmocka_unit_test(route_filters),
		cmocka_unit_test(gateway_and_grant),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
