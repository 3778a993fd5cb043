/* router/httproute.h: attachment, listener choice, limits, outcomes, notes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "router/httproute.h"

struct set {
	struct gateway *g[4];
	size_t ng;
	struct httproute *r[8];
	size_t nr;
	struct gw_namespace *ns[4];
	size_t nns;
	struct gw_table *t;
};

/* objects: a JSON array of Gateways, HTTPRoutes and Namespaces */
static void load(struct set *s, const char *json, enum gw_profile p)
{
	memset(s, 0, sizeof *s);
	json_error_t e;
	json_t *arr = json_loads(json, 0, &e);
	if (!arr)
		fail_msg("bad JSON: %s", e.text);
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o) {
		enum gw_kind k;
		enum gw_api a;
		gw_object_type(o, &k, &a);
		struct errlist el = { 0 };
		if (k == GW_KIND_GATEWAY)
			assert_int_equal(gateway_parse(o, 0, &el, &s->g[s->ng++]), IW_OK);
		else if (k == GW_KIND_HTTPROUTE)
			assert_int_equal(httproute_parse(o, 0, &el, &s->r[s->nr++]), IW_OK);
		else if (k == GW_KIND_NAMESPACE)
			assert_int_equal(gw_namespace_parse(o, 0, &el, &s->ns[s->nns++]), IW_OK);
		assert_int_equal(el.n, 0);
	}
	json_decref(arr);
	struct gw_input in = { (const struct gateway *const *)s->g, s->ng,
	                       (const struct httproute *const *)s->r, s->nr, NULL, 0,
	                       (const struct gw_namespace *const *)s->ns, s->nns, NULL, 0, NULL, p };
	s->t = gw_build(&in);
	assert_non_null(s->t);
}

static void unload(struct set *s)
{
	gw_free(s->t);
	for (size_t i = 0; i < s->ng; i++)
		gateway_free(s->g[i]);
	for (size_t i = 0; i < s->nr; i++)
		httproute_free(s->r[i]);
	for (size_t i = 0; i < s->nns; i++)
		gw_namespace_free(s->ns[i]);
}

/* "STATUS outcome-id" of a GET */
static const char *get(struct set *s, const char *host, const char *path, long port)
{
	static char out[GW_MAX_LOCATION + 64];
	static struct gw_decision d;
	struct gw_request req = { host, strlen(host), path, strlen(path), NULL, NULL, 0, NULL, 0, port };
	assert_int_equal(gw_route(s->t, &req, &d), IW_OK);
	char id[GW_MAX_LOCATION + 32];
	gw_outcome_id(&d, id, sizeof id);
	snprintf(out, sizeof out, "%d %s", d.status, id);
	return out;
}

#define GW(name, listeners) \
	"{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"Gateway\",\"metadata\":{\"name\":\"" \
	name "\",\"namespace\":\"infra\"},\"spec\":{\"gatewayClassName\":\"c\",\"listeners\":[" listeners "]}}"
#define ROUTE(ns, name, spec) \
	"{\"apiVersion\":\"gateway.networking.k8s.io/v1\",\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"" \
	name "\",\"namespace\":\"" ns "\"},\"spec\":" spec "}"

/* sectionName and port together; allowedRoutes kinds; a Selector without the Namespace object */
static void attachment(void **state)
{
	(void)state;
	struct set s;
	load(&s, "[" GW("gw", "{\"name\":\"a\",\"port\":80,\"protocol\":\"HTTP\",\"allowedRoutes\":{\"namespaces\":{\"from\":\"All\"}}},"
	                      "{\"name\":\"b\",\"port\":8080,\"protocol\":\"HTTP\",\"allowedRoutes\":{\"namespaces\":{\"from\":\"All\"},"
	                      "\"kinds\":[{\"kind\":\"GRPCRoute\"}]}},"
	                      "{\"name\":\"c\",\"port\":9090,\"protocol\":\"HTTP\",\"allowedRoutes\":{\"namespaces\":{\"from\":\"Selector\","
	                      "\"selector\":{\"matchLabels\":{\"team\":\"x\"}}}}},"
	                      "{\"name\":\"t\",\"port\":443,\"protocol\":\"TLS\"}") ","
	     ROUTE("app", "both", "{\"parentRefs\":[{\"name\":\"gw\",\"namespace\":\"infra\",\"sectionName\":\"a\",\"port\":8080}],"
	                          "\"rules\":[{\"backendRefs\":[{\"name\":\"s1\",\"port\":1}]}]}") ","
	     ROUTE("app", "grpc-only", "{\"parentRefs\":[{\"name\":\"gw\",\"namespace\":\"infra\",\"sectionName\":\"b\"}],"
	                               "\"rules\":[{\"backendRefs\":[{\"name\":\"s2\",\"port\":1}]}]}") ","
	     ROUTE("app", "selected", "{\"parentRefs\":[{\"name\":\"gw\",\"namespace\":\"infra\",\"port\":9090}],"
	                              "\"rules\":[{\"backendRefs\":[{\"name\":\"s3\",\"port\":1}]}]}") ","
	     ROUTE("app", "plain", "{\"parentRefs\":[{\"name\":\"gw\",\"namespace\":\"infra\",\"sectionName\":\"a\"}],"
	                           "\"rules\":[{\"backendRefs\":[{\"name\":\"s4\",\"port\":1}]}]}") "]",
	     GW_PROFILE_SPEC);
	assert_int_equal(gw_build_status(s.t), IW_OK);
	assert_int_equal(gw_nattached(s.t), 1);   /* only "plain" */
	assert_string_equal(gw_build_notes(s.t),
		"HTTPRoute app/both attaches to no listener (sectionName, port, allowedRoutes or hostnames refuse it)\n"
		"HTTPRoute app/grpc-only attaches to no listener (sectionName, port, allowedRoutes or hostnames refuse it)\n"
		"HTTPRoute app/selected attaches to no listener (sectionName, port, allowedRoutes or hostnames refuse it)\n");
	assert_string_equal(get(&s, "x", "/", 0), "200 app/s4:1");
	assert_string_equal(get(&s, "x", "/", 8080), "404 404");
	assert_string_equal(get(&s, "x", "/", 443), "404 404");   /* TLS listeners serve no HTTPRoute */
	unload(&s);

	/* with the Namespace object, the selector admits the route */
	load(&s, "[" GW("gw", "{\"name\":\"c\",\"port\":9090,\"protocol\":\"HTTP\",\"allowedRoutes\":{\"namespaces\":{\"from\":\"Selector\","
	                      "\"selector\":{\"matchLabels\":{\"team\":\"x\"}}}}}") ","
	     "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"app\",\"labels\":{\"team\":\"x\"}}},"
	     ROUTE("app", "selected", "{\"parentRefs\":[{\"name\":\"gw\",\"namespace\":\"infra\"}],"
	                              "\"rules\":[{\"backendRefs\":[{\"name\":\"s3\",\"port\":1}]}]}") "]",
	     GW_PROFILE_SPEC);
	assert_string_equal(get(&s, "x", "/", 0), "200 app/s3:1");   /* the lowest port: 9090 */
	unload(&s);
}

/* redirects, weights, no backendRefs */
static void outcomes(void **state)
{
	(void)state;
	struct set s;
	load(&s, "[" GW("gw", "{\"name\":\"a\",\"port\":80,\"protocol\":\"HTTP\"},{\"name\":\"s\",\"port\":443,\"protocol\":\"HTTPS\","
	                      "\"tls\":{\"certificateRefs\":[{\"name\":\"c\"}]}}") ","
	     ROUTE("infra", "r", "{\"parentRefs\":[{\"name\":\"gw\"}],\"rules\":["
	           "{\"matches\":[{\"path\":{\"value\":\"/old\"}}],\"filters\":[{\"type\":\"RequestRedirect\","
	           "\"requestRedirect\":{\"path\":{\"type\":\"ReplacePrefixMatch\",\"replacePrefixMatch\":\"/new/\"},\"statusCode\":301}}]},"
	           "{\"matches\":[{\"path\":{\"value\":\"/split\"}}],\"backendRefs\":[{\"name\":\"a\",\"port\":1,\"weight\":2},"
	           "{\"name\":\"b\",\"port\":1,\"weight\":0},{\"name\":\"c\",\"port\":1,\"weight\":1}]},"
	           "{\"matches\":[{\"path\":{\"value\":\"/zero\"}}],\"backendRefs\":[{\"name\":\"a\",\"port\":1,\"weight\":0}]},"
	           "{\"matches\":[{\"path\":{\"value\":\"/other-ns\"}}],\"backendRefs\":[{\"name\":\"a\",\"namespace\":\"x\",\"port\":1}]},"
	           "{\"matches\":[{\"path\":{\"value\":\"/empty\"}}]}]}") "]", GW_PROFILE_SPEC);
	assert_string_equal(get(&s, "h.example", "/old/x/y", 0), "301 redirect 301 http://h.example/new/x/y");
	assert_string_equal(get(&s, "h.example", "/old", 443), "301 redirect 301 https://h.example/new");
	assert_string_equal(get(&s, "h.example", "/split", 0), "200 split infra/a:1*2+infra/c:1*1");
	assert_string_equal(get(&s, "h.example", "/zero", 0), "500 500");
	assert_string_equal(get(&s, "h.example", "/other-ns", 0), "500 500");   /* no ReferenceGrant */
	assert_string_equal(get(&s, "h.example", "/empty", 0), "500 500");
	assert_string_equal(get(&s, "h.example", "/nothing", 0), "404 404");
	unload(&s);
}

/* the limits of a request */
static void limits(void **state)
{
	(void)state;
	struct set s;
	load(&s, "[" GW("gw", "{\"name\":\"a\",\"port\":80,\"protocol\":\"HTTP\"}") "]", GW_PROFILE_SPEC);
	struct gw_kv many[GW_MAX_REQ_FIELDS + 1];
	for (size_t i = 0; i <= GW_MAX_REQ_FIELDS; i++)
		many[i] = (struct gw_kv){ "x", "y" };
	struct gw_decision *d = malloc(sizeof *d);
	struct gw_request req = { "h", 1, "/", 1, NULL, many, GW_MAX_REQ_FIELDS + 1, NULL, 0, 0 };
	assert_int_equal(gw_route(s.t, &req, d), IW_ETOOBIG);
	assert_false(d->matched);
	char *longpath = malloc(RT_MAX_PATH + 2);
	memset(longpath, 'a', RT_MAX_PATH + 1);
	longpath[0] = '/';
	longpath[RT_MAX_PATH + 1] = '\0';
	struct gw_request big = { "h", 1, longpath, RT_MAX_PATH + 1, NULL, NULL, 0, NULL, 0, 0 };
	assert_int_equal(gw_route(s.t, &big, d), IW_ETOOBIG);
	char *reason = (char *)1;
	assert_null(gw_explain(s.t, &big, d, &reason));
	assert_null(reason);
	free(longpath);
	free(d);
	unload(&s);

	/* a --gateway that names nothing */
	struct gateway *g = NULL;
	struct gw_input in = { (const struct gateway *const *)&g, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0,
	                       "infra/none", GW_PROFILE_SPEC };
	struct gw_table *t = gw_build(&in);
	assert_int_equal(gw_build_status(t), IW_ENOTFOUND);
	gw_free(t);
	gw_free(NULL);
	assert_int_equal(gw_profile_parse("istio"), GW_PROFILE_ISTIO);
	assert_int_equal(gw_profile_parse("nginx"), -1);
	assert_string_equal(gw_profile_name(GW_PROFILE_NGINX_GATEWAY_FABRIC), "nginx-gateway-fabric");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(attachment),
		cmocka_unit_test(outcomes),
		cmocka_unit_test(limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
