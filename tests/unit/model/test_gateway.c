/* The Gateway API model (model/gateway.h): kinds, defaults, decode errors, selectors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/gateway.h"

static json_t *load(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, 0, &err);
	if (!j)
		fail_msg("bad test JSON: %s (%s)", err.text, text);
	return j;
}

static struct httproute *route(const char *text, unsigned flags, struct errlist *el)
{
	json_t *j = load(text);
	struct httproute *r = NULL;
	assert_int_equal(httproute_parse(j, flags, el, &r), IW_OK);
	json_decref(j);
	return r;
}

static void object_types(void **state)
{
	(void)state;
	static const struct { const char *json; enum gw_kind kind; enum gw_api api; } cases[] = {
		{ "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\"}", GW_KIND_HTTPROUTE, GW_API_V1 },
		{ "{\"apiVersion\":\"gateway.networking.k8s.io/v1beta1\",\"kind\":\"HTTPRoute\"}", GW_KIND_HTTPROUTE, GW_API_V1BETA1 },
		{ "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"Gateway\"}", GW_KIND_GATEWAY, GW_API_V1 },
		{ "{\"apiVersion\":\"gateway.networking.k8s.io/v1beta1\",\"kind\":\"ReferenceGrant\"}", GW_KIND_REFERENCEGRANT, GW_API_V1BETA1 },
		{ "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\"}", GW_KIND_NAMESPACE, GW_API_CORE_V1 },
		{ "{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"GRPCRoute\"}", GW_KIND_OTHER, GW_API_V1 },
		{ "{\"apiVersion\":\"gateway.networking.k8s.io/v1alpha2\",\"kind\":\"HTTPRoute\"}", GW_KIND_OTHER, GW_API_UNKNOWN },
		{ "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\"}", GW_KIND_OTHER, GW_API_UNKNOWN },
		{ "{\"apiVersion\":\"v1\",\"kind\":\"Service\"}", GW_KIND_OTHER, GW_API_UNKNOWN },
		{ "{\"kind\":\"HTTPRoute\"}", GW_KIND_OTHER, GW_API_UNKNOWN },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		json_t *j = load(cases[i].json);
		enum gw_kind k;
		enum gw_api a;
		gw_object_type(j, &k, &a);
		assert_int_equal(k, cases[i].kind);
		assert_int_equal(a, cases[i].api);
		json_decref(j);
	}
}

/* The CRD defaults: rules, matches, path, backendRef group/kind/weight, parentRef group/kind. */
static void route_defaults(void **state)
{
	(void)state;
	struct errlist el = { 0 };
	struct httproute *r = route(
		"{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\","
		"\"metadata\":{\"name\":\"r\",\"namespace\":\"app\"},"
		"\"spec\":{\"parentRefs\":[{\"name\":\"gw\",\"namespace\":\"infra\"}]}}", 0, &el);
	assert_non_null(r);
	assert_int_equal(el.n, 0);
	assert_false(r->has_rules);
	assert_int_equal(r->nrules, 1);
	assert_int_equal(r->rules[0].nmatches, 1);
	assert_int_equal(r->rules[0].matches[0].path_type, GW_PATH_PREFIX);
	assert_string_equal(r->rules[0].matches[0].path, "/");
	assert_int_equal(r->rules[0].nbackends, 0);
	assert_string_equal(r->parents[0].group, GW_GROUP);
	assert_string_equal(r->parents[0].kind, "Gateway");
	assert_string_equal(gw_parent_namespace(r, &r->parents[0]), "infra");
	assert_true(gw_parent_is_gateway(&r->parents[0]));
	httproute_free(r);

	r = route("{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\","
	          "\"metadata\":{\"name\":\"r\"},\"spec\":{\"rules\":[{"
	          "\"backendRefs\":[{\"name\":\"svc\",\"port\":8080}]},"
	          "{\"matches\":[{\"path\":{\"type\":\"Exact\",\"value\":\"/x\"},\"method\":\"GET\","
	          "\"headers\":[{\"name\":\"v\",\"value\":\"1\"}],"
	          "\"queryParams\":[{\"type\":\"RegularExpression\",\"name\":\"q\",\"value\":\"a.*\"}]},"
	          "{\"path\":{\"value\":\"/p\"}}, {}],"
	          "\"backendRefs\":[{\"name\":\"a\",\"namespace\":\"other\",\"port\":80,\"weight\":0},"
	          "{\"group\":\"x.io\",\"kind\":\"Bucket\",\"name\":\"b\"}]}]}}", 0, &el);
	assert_non_null(r);
	assert_int_equal(el.n, 0);
	assert_int_equal(r->nrules, 2);
	const struct gw_rule *r0 = &r->rules[0], *r1 = &r->rules[1];
	assert_false(r0->has_matches);
	assert_int_equal(r0->nmatches, 1);
	assert_string_equal(r0->matches[0].path, "/");
	assert_string_equal(r0->backends[0].group, "");
	assert_string_equal(r0->backends[0].kind, "Service");
	assert_int_equal(r0->backends[0].weight, 1);
	assert_false(r0->backends[0].has_weight);
	assert_string_equal(gw_backend_namespace(r, &r0->backends[0]), "default");
	assert_true(gw_backend_is_service(&r0->backends[0]));
	assert_true(r1->has_matches);
	assert_int_equal(r1->nmatches, 3);
	assert_int_equal(r1->matches[0].path_type, GW_PATH_EXACT);
	assert_string_equal(r1->matches[0].method, "GET");
	assert_int_equal(r1->matches[0].nheaders, 1);
	assert_int_equal(r1->matches[0].headers[0].type, GW_VALUE_EXACT);
	assert_null(r1->matches[0].headers[0].type_str);
	assert_int_equal(r1->matches[0].query[0].type, GW_VALUE_REGEX);
	assert_int_equal(r1->matches[1].path_type, GW_PATH_PREFIX);   /* type defaulted */
	assert_string_equal(r1->matches[1].path, "/p");
	assert_string_equal(r1->matches[2].path, "/");                 /* {} is PathPrefix / */
	assert_false(r1->matches[2].has_path);
	assert_int_equal(r1->backends[0].weight, 0);
	assert_string_equal(gw_backend_namespace(r, &r1->backends[0]), "other");
	assert_false(gw_backend_is_service(&r1->backends[1]));
	assert_false(r1->backends[1].has_port);
	httproute_free(r);
}

/* Filters: types, redirect defaults (302), path modifiers, header modifiers. */
static void route_filters(void **state)
{
	(void)state;
	struct errlist el = { 0 };
	struct httproute *r = route(
		"{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\","
		"\"metadata\":{\"name\":\"r\"},\"spec\":{\"rules\":[{\"filters\":["
		"{\"type\":\"RequestRedirect\",\"requestRedirect\":{\"scheme\":\"https\","
		"\"path\":{\"type\":\"ReplacePrefixMatch\",\"replacePrefixMatch\":\"/new\"}}},"
		"{\"type\":\"RequestHeaderModifier\",\"requestHeaderModifier\":{\"set\":[{\"name\":\"a\",\"value\":\"b\"}],\"remove\":[\"c\"]}}"
		"]},{\"filters\":[{\"type\":\"URLRewrite\",\"urlRewrite\":{\"hostname\":\"h.example\","
		"\"path\":{\"type\":\"ReplaceFullPath\",\"replaceFullPath\":\"/f\"}}}]}]}}", 0, &el);
	assert_non_null(r);
	assert_int_equal(el.n, 0);
	const struct gw_filter *f = gw_rule_redirect(r->rules[0].filters, r->rules[0].nfilters);
	assert_non_null(f);
	assert_int_equal(f->redirect.status_code, 302);
	assert_false(f->redirect.has_status_code);
	assert_string_equal(f->redirect.scheme, "https");
	assert_null(f->redirect.hostname);
	assert_int_equal(f->redirect.path.type, GW_PM_PREFIX);
	assert_string_equal(f->redirect.path.prefix, "/new");
	assert_int_equal(r->rules[0].filters[1].type, GW_F_REQUEST_HEADER_MODIFIER);
	assert_int_equal(r->rules[0].filters[1].request_headers.nset, 1);
	assert_string_equal(r->rules[0].filters[1].request_headers.remove[0], "c");
	assert_null(gw_rule_redirect(r->rules[1].filters, r->rules[1].nfilters));
	assert_int_equal(r->rules[1].filters[0].type, GW_F_URL_REWRITE);
	assert_string_equal(r->rules[1].filters[0].rewrite.path.full, "/f");
	httproute_free(r);
}

/* Decode errors carry field paths; strict mode names unknown fields. */
static void route_decode_errors(void **state)
{
	(void)state;
	struct errlist el = { 0 };
	struct httproute *r = route(
		"{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\","
		"\"metadata\":{\"name\":\"r\"},\"spec\":{\"hostnames\":\"a.com\",\"bogus\":1,"
		"\"rules\":[{\"matches\":[{\"path\":{\"value\":7}}],"
		"\"backendRefs\":[{\"name\":\"s\",\"port\":\"80\"}]}]}}", IW_PARSE_STRICT, &el);
	assert_non_null(r);
	char got[1024] = "";
	for (size_t i = 0; i < el.n; i++) {
		char *s = fe_string(&el.v[i]);
		strncat(got, s, sizeof got - strlen(got) - 2);
		strcat(got, "\n");
		free(s);
	}
	assert_string_equal(got,
		"spec.bogus: Invalid type: unknown field \"bogus\"\n"
		"spec.hostnames: Invalid type: \"a.com\": expected array, got string\n"
		"spec.rules[0].matches[0].path.value: Invalid type: 7: expected string, got number\n"
		"spec.rules[0].backendRefs[0].port: Invalid type: \"80\": expected integer, got string\n");
	assert_string_equal(r->rules[0].matches[0].path, "/");   /* bad value: the default */
	assert_false(r->rules[0].backends[0].has_port);
	errlist_release(&el);
	httproute_free(r);
}

static void gateway_listeners(void **state)
{
	(void)state;
	struct errlist el = { 0 };
	json_t *j = load(
		"{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"Gateway\","
		"\"metadata\":{\"name\":\"gw\",\"namespace\":\"infra\"},\"spec\":{\"gatewayClassName\":\"c\","
		"\"listeners\":[{\"name\":\"http\",\"port\":80,\"protocol\":\"HTTP\"},"
		"{\"name\":\"https\",\"port\":443,\"protocol\":\"HTTPS\",\"hostname\":\"*.example.com\","
		"\"tls\":{\"certificateRefs\":[{\"name\":\"cert\"}]},"
		"\"allowedRoutes\":{\"namespaces\":{\"from\":\"Selector\",\"selector\":{"
		"\"matchLabels\":{\"team\":\"a\"},\"matchExpressions\":[{\"key\":\"env\",\"operator\":\"In\","
		"\"values\":[\"prod\",\"stage\"]}]}},\"kinds\":[{\"kind\":\"HTTPRoute\"}]}}]}}");
	struct gateway *g = NULL;
	assert_int_equal(gateway_parse(j, IW_PARSE_STRICT, &el, &g), IW_OK);
	json_decref(j);
	assert_non_null(g);
	assert_int_equal(el.n, 0);
	assert_string_equal(g->class_name, "c");
	assert_int_equal(g->nlisteners, 2);
	assert_int_equal(g->listeners[0].from, GW_FROM_SAME);
	assert_null(g->listeners[0].hostname);
	assert_false(g->listeners[0].has_kinds);
	const struct gw_listener *l = &g->listeners[1];
	assert_string_equal(l->hostname, "*.example.com");
	assert_int_equal(l->port, 443);
	assert_int_equal(l->from, GW_FROM_SELECTOR);
	assert_true(l->has_kinds);
	assert_string_equal(l->kinds[0].group, GW_GROUP);
	assert_int_equal(l->ncertificate_refs, 1);
	struct iw_kv yes[] = { { "env", "prod", 3, 4 }, { "team", "a", 4, 1 } };
	struct iw_kv wrong_env[] = { { "env", "dev", 3, 3 }, { "team", "a", 4, 1 } };
	struct iw_kv no_team[] = { { "env", "prod", 3, 4 } };
	assert_true(gw_selector_matches(&l->selector, yes, 2));
	assert_false(gw_selector_matches(&l->selector, wrong_env, 2));
	assert_false(gw_selector_matches(&l->selector, no_team, 1));
	struct gw_label_req ops[] = { { "env", "NotIn", (const char *[]){ "dev" }, 1 },
	                              { "team", "Exists", NULL, 0 },
	                              { "x", "DoesNotExist", NULL, 0 } };
	struct gw_selector s = { NULL, 0, ops, 3 };
	assert_true(gw_selector_matches(&s, yes, 2));
	assert_false(gw_selector_matches(&s, wrong_env, 2));
	assert_false(gw_selector_matches(&s, no_team, 1));
	struct gw_label_req bad = { "env", "Matches", NULL, 0 };
	struct gw_selector sb = { NULL, 0, &bad, 1 };
	assert_false(gw_selector_matches(&sb, yes, 2));
	struct gw_selector empty = { 0 };
	assert_true(gw_selector_matches(&empty, NULL, 0));
	gateway_free(g);
}

static void grants_and_namespaces(void **state)
{
	(void)state;
	struct errlist el = { 0 };
	json_t *j = load(
		"{\"apiVersion\":\"gateway.networking.k8s.io/v1beta1\",\"kind\":\"ReferenceGrant\","
		"\"metadata\":{\"name\":\"g\",\"namespace\":\"back\"},\"spec\":{"
		"\"from\":[{\"group\":\"gateway.networking.k8s.io\",\"kind\":\"HTTPRoute\",\"namespace\":\"front\"}],"
		"\"to\":[{\"group\":\"\",\"kind\":\"Service\"},{\"group\":\"\",\"kind\":\"Service\",\"name\":\"s\"}]}}");
	struct reference_grant *g = NULL;
	assert_int_equal(reference_grant_parse(j, IW_PARSE_STRICT, &el, &g), IW_OK);
	json_decref(j);
	assert_non_null(g);
	assert_int_equal(el.n, 0);
	assert_int_equal(g->nfrom, 1);
	assert_string_equal(g->from[0].namespace_, "front");
	assert_int_equal(g->nto, 2);
	assert_null(g->to[0].name);
	assert_string_equal(g->to[1].name, "s");
	reference_grant_free(g);

	j = load("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"front\","
	         "\"labels\":{\"b\":\"2\",\"a\":\"1\"}}}");
	struct gw_namespace *n = NULL;
	assert_int_equal(gw_namespace_parse(j, IW_PARSE_STRICT, &el, &n), IW_OK);
	json_decref(j);
	assert_non_null(n);
	assert_int_equal(n->meta.nlabels, 2);
	assert_string_equal(n->meta.labels[0].key, "a");   /* sorted */
	assert_string_equal(iw_meta_label(&n->meta, "b"), "2");
	gw_namespace_free(n);

	json_t *arr = load("[1]");
	struct httproute *nr = NULL;
	struct gateway *ng = NULL;
	assert_int_equal(httproute_parse(arr, 0, &el, &nr), IW_EINVAL);
	assert_int_equal(gateway_parse(arr, 0, &el, &ng), IW_EINVAL);
	assert_null(nr);
	assert_null(ng);
	json_decref(arr);
	assert_int_equal(el.n, 0);
	httproute_free(NULL);
	gateway_free(NULL);
	reference_grant_free(NULL);
	gw_namespace_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(object_types),
		cmocka_unit_test(route_defaults),
		cmocka_unit_test(route_filters),
		cmocka_unit_test(route_decode_errors),
		cmocka_unit_test(gateway_listeners),
		cmocka_unit_test(grants_and_namespaces),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
