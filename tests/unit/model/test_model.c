/* The Ingress model (model/model.h): versions, conversion, defaults, decode errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"

static json_t *load(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, 0, &err);
	if (!j)
		fail_msg("bad test JSON: %s", err.text);
	return j;
}

/* Copies 'tmpl' into buf with its one "%s" replaced by 'val'. */
static void subst(char *buf, size_t size, const char *tmpl, const char *val)
{
	const char *at = strstr(tmpl, "%s");
	assert_non_null(at);
	int n = snprintf(buf, size, "%.*s%s%s", (int)(at - tmpl), tmpl, val, at + 2);
	assert_true(n > 0 && (size_t)n < size);
}

/* Parses 'text' as an Ingress; the model keeps its own reference to the JSON. */
static struct ingress *parse(const char *text, unsigned flags, struct errlist *el)
{
	json_t *j = load(text);
	struct ingress *ing;
	ingress_parse(j, flags, el, &ing);
	json_decref(j);
	return ing;
}

static void object_types(void **state)
{
	(void)state;
	static const struct { const char *json; enum iw_kind kind; enum iw_api api; } cases[] = {
		{ "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\"}", IW_KIND_INGRESS, IW_API_NETWORKING_V1 },
		{ "{\"apiVersion\":\"networking.k8s.io/v1beta1\",\"kind\":\"Ingress\"}", IW_KIND_INGRESS, IW_API_NETWORKING_V1BETA1 },
		{ "{\"apiVersion\":\"extensions/v1beta1\",\"kind\":\"Ingress\"}", IW_KIND_INGRESS, IW_API_EXTENSIONS_V1BETA1 },
		{ "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"IngressClass\"}", IW_KIND_INGRESSCLASS, IW_API_NETWORKING_V1 },
		{ "{\"apiVersion\":\"extensions/v1beta1\",\"kind\":\"IngressClass\"}", IW_KIND_OTHER, IW_API_UNKNOWN },
		{ "{\"apiVersion\":\"v1\",\"kind\":\"Service\"}", IW_KIND_OTHER, IW_API_UNKNOWN },
		{ "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[]}", IW_KIND_LIST, IW_API_UNKNOWN },
		{ "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"IngressList\",\"items\":[]}", IW_KIND_LIST, IW_API_NETWORKING_V1 },
		{ "{\"apiVersion\":7,\"kind\":\"Ingress\"}", IW_KIND_OTHER, IW_API_UNKNOWN },
		{ "[1,2]", IW_KIND_OTHER, IW_API_UNKNOWN },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		json_t *j = load(cases[i].json);
		enum iw_kind k;
		enum iw_api a;
		iw_object_type(j, &k, &a);
		assert_int_equal(k, cases[i].kind);
		assert_int_equal(a, cases[i].api);
		json_decref(j);
	}
}

static void v1_fields(void **state)
{
	(void)state;
	struct errlist el = { 0 };
	struct ingress *ing = parse(
		"{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\","
		"\"metadata\":{\"name\":\"web\",\"namespace\":\"ns\",\"labels\":{\"b\":\"2\",\"a\":\"1\"},"
		"\"annotations\":{\"kubernetes.io/ingress.class\":\"nginx\"},\"finalizers\":[\"x/y\"]},"
		"\"spec\":{\"ingressClassName\":\"other\",\"defaultBackend\":{\"resource\":{\"kind\":\"K\",\"name\":\"n\"}},"
		"\"rules\":[{\"host\":\"a.com\",\"http\":{\"paths\":[{\"path\":\"/x\",\"pathType\":\"Prefix\","
		"\"backend\":{\"service\":{\"name\":\"svc\",\"port\":{\"name\":\"http\"}}}},{\"backend\":{}}]}},{}],"
		"\"tls\":[{\"hosts\":[\"a.com\"],\"secretName\":\"s\"},{}]}}", 0, &el);
	assert_non_null(ing);
	assert_int_equal(el.n, 0);
	assert_int_equal(ing->api, IW_API_NETWORKING_V1);
	assert_string_equal(ing->meta.name, "web");
	assert_string_equal(ing->meta.namespace_, "ns");
	assert_null(ing->meta.generate_name);
	assert_int_equal(ing->meta.nlabels, 2);
	assert_string_equal(ing->meta.labels[0].key, "a");   /* sorted */
	assert_string_equal(iw_meta_label(&ing->meta, "b"), "2");
	assert_null(iw_meta_label(&ing->meta, "c"));
	assert_string_equal(ingress_class_of(ing), "nginx"); /* the annotation wins */
	assert_string_equal(ing->ingress_class_name, "other");
	assert_true(ing->has_default_backend);
	assert_true(ing->default_backend.has_resource);
	assert_null(ing->default_backend.resource.api_group);
	assert_int_equal(ing->nrules, 2);
	assert_int_equal(ing->rules[0].npaths, 2);
	assert_string_equal(ing->rules[0].paths[0].path_type, "Prefix");
	assert_string_equal(ing->rules[0].paths[0].backend.service.port_name, "http");
	assert_int_equal(ing->rules[0].paths[0].backend.service.port_number, 0);
	assert_null(ing->rules[0].paths[1].path_type);          /* v1: no default */
	assert_false(ing->rules[0].paths[1].has_path);
	assert_string_equal(ing->rules[0].paths[1].path, "");
	assert_false(ing->rules[0].paths[1].backend.has_service);
	assert_string_equal(ing->rules[1].host, "");
	assert_false(ing->rules[1].has_http);
	assert_int_equal(ing->ntls, 2);
	assert_string_equal(ing->tls[1].secret_name, "");
	ingress_free(ing);
	errlist_release(&el);
}

static void v1beta1_conversion(void **state)
{
	(void)state;
	static const char *const versions[] = { "networking.k8s.io/v1beta1", "extensions/v1beta1" };
	for (size_t v = 0; v < 2; v++) {
		char text[1024];
		snprintf(text, sizeof text,
		         "{\"apiVersion\":\"%s\",\"kind\":\"Ingress\",\"metadata\":{\"name\":\"a\"},"
		         "\"spec\":{\"backend\":{\"serviceName\":\"def\",\"servicePort\":80},"
		         "\"rules\":[{\"http\":{\"paths\":[{\"path\":\"/\",\"backend\":{\"serviceName\":\"s\",\"servicePort\":\"http\"}},"
		         "{\"backend\":{\"servicePort\":\"80\"}},{\"backend\":{\"serviceName\":\"\",\"servicePort\":0}},"
		         "{\"pathType\":\"Exact\",\"backend\":{\"serviceName\":\"x\"}}]}}]}}", versions[v]);
		struct errlist el = { 0 };
		struct ingress *ing = parse(text, IW_PARSE_STRICT, &el);
		assert_non_null(ing);
		assert_int_equal(el.n, 0);
		assert_true(ing->has_default_backend);
		assert_true(ing->default_backend.has_service);
		assert_string_equal(ing->default_backend.service.name, "def");
		assert_int_equal(ing->default_backend.service.port_number, 80);
		struct iw_path *p = ing->rules[0].paths;
		assert_string_equal(p[0].path_type, "ImplementationSpecific");   /* defaulted */
		assert_string_equal(p[0].backend.service.name, "s");
		assert_string_equal(p[0].backend.service.port_name, "http");
		/* servicePort "80" is a port name "80"; no serviceName: service with name "" */
		assert_true(p[1].backend.has_service);
		assert_string_equal(p[1].backend.service.name, "");
		assert_string_equal(p[1].backend.service.port_name, "80");
		/* nothing set: no service backend at all */
		assert_false(p[2].backend.has_service);
		assert_string_equal(p[3].path_type, "Exact");
		assert_true(p[3].backend.has_service);
		assert_int_equal(p[3].backend.service.port_number, 0);
		ingress_free(ing);
		errlist_release(&el);
	}
}

static void decode_errors_with_paths(void **state)
{
	(void)state;
	struct errlist el = { 0 };
	struct ingress *ing = parse(
		"{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\","
		"\"metadata\":{\"name\":5,\"labels\":{\"a\":1},\"finalizers\":\"x\",\"creationTimestamp\":\"yesterday\"},"
		"\"spec\":{\"rules\":[{\"host\":\"a\",\"http\":{\"paths\":[{\"path\":\"/\",\"pathType\":\"Prefix\","
		"\"backend\":{\"service\":{\"name\":\"s\",\"port\":{\"number\":\"80\"}}}},"
		"{\"pathType\":\"Prefix\",\"backend\":{\"service\":{\"name\":\"s\",\"port\":{\"number\":4294967296}}}},"
		"{\"pathType\":\"Prefix\",\"backend\":[]}]}}],\"tls\":{}}}", 0, &el);
	assert_non_null(ing);
	static const struct { const char *field, *detail; } want[] = {
		{ "metadata.name", "expected string, got number" },
		{ "metadata.creationTimestamp", "expected an RFC 3339 time" },
		{ "metadata.labels[a]", "expected string, got number" },
		{ "metadata.finalizers", "expected array, got string" },
		{ "spec.rules[0].http.paths[0].backend.service.port.number", "expected integer, got string" },
		{ "spec.rules[0].http.paths[1].backend.service.port.number", "value 4294967296 out of range for int32" },
		{ "spec.rules[0].http.paths[2].backend", "expected object, got array" },
		{ "spec.tls", "expected array, got object" },
	};
	assert_int_equal(el.n, sizeof want / sizeof *want);
	for (size_t i = 0; i < el.n; i++) {
		assert_int_equal(el.v[i].type, FE_TYPE_INVALID);
		assert_string_equal(el.v[i].field, want[i].field);
		assert_string_equal(el.v[i].detail, want[i].detail);
	}
	assert_string_equal(el.v[4].value, "\"80\"");
	assert_true(errlist_has_type_error(&el));
	/* the offending fields are treated as absent */
	assert_null(ing->meta.name);
	assert_int_equal(ing->rules[0].paths[0].backend.service.port_number, 0);
	assert_int_equal(ing->ntls, 0);
	ingress_free(ing);
	errlist_release(&el);
}

static void strict_unknown_fields(void **state)
{
	(void)state;
	const char *text =
		"{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"metadata\":{\"name\":\"a\",\"bogus\":1},"
		"\"spec\":{\"rules\":[{\"http\":{\"paths\":[{\"path\":\"/\",\"pathType\":\"Prefix\","
		"\"backend\":{\"serviceName\":\"s\",\"servicePort\":80}}]}}]},\"extra\":true}";
	struct errlist el = { 0 };
	struct ingress *ing = parse(text, 0, &el);
	assert_non_null(ing);
	assert_int_equal(el.n, 0);      /* not strict: dropped silently */
	ingress_free(ing);
	ing = parse(text, IW_PARSE_STRICT, &el);
	assert_non_null(ing);
	assert_int_equal(el.n, 4);
	assert_string_equal(el.v[0].field, "extra");
	assert_string_equal(el.v[0].detail, "unknown field \"extra\"");
	assert_string_equal(el.v[1].field, "metadata.bogus");
	assert_string_equal(el.v[2].field, "spec.rules[0].http.paths[0].backend.serviceName");
	assert_string_equal(el.v[2].detail, "unknown field \"serviceName\"");
	assert_string_equal(el.v[3].field, "spec.rules[0].http.paths[0].backend.servicePort");
	for (size_t i = 0; i < el.n; i++)
		assert_int_equal(el.v[i].type, FE_TYPE_INVALID);
	ingress_free(ing);
	errlist_release(&el);
}

static void ingress_class_defaults(void **state)
{
	(void)state;
	const char *fmt = "{\"apiVersion\":\"networking.k8s.io/%s\",\"kind\":\"IngressClass\","
	                  "\"metadata\":{\"name\":\"c\",\"annotations\":{\"ingressclass.kubernetes.io/is-default-class\":\"true\"}},"
	                  "\"spec\":{\"controller\":\"x.io/y\",\"parameters\":{\"kind\":\"K\",\"name\":\"n\"}}}";
	char text[512];
	struct errlist el = { 0 };
	subst(text, sizeof text, fmt, "v1");
	json_t *j = load(text);
	struct ingress_class *ic;
	ingress_class_parse(j, IW_PARSE_STRICT, &el, &ic);
	json_decref(j);
	assert_non_null(ic);
	assert_int_equal(el.n, 0);
	assert_string_equal(ic->controller, "x.io/y");
	assert_true(ic->has_parameters);
	assert_string_equal(ic->parameters.scope, "Cluster");
	assert_null(ic->parameters.namespace_);
	assert_true(ic->is_default);
	ingress_class_free(ic);
	subst(text, sizeof text, fmt, "v1beta1");
	j = load(text);
	assert_int_equal(ingress_class_parse(j, 0, &el, &ic), IW_OK);
	json_decref(j);
	assert_non_null(ic);
	assert_null(ic->parameters.scope);     /* v1beta1: no default */
	ingress_class_free(ic);
	errlist_release(&el);
}

/* Every JSON value in every position: no crash, no leak (ASan run). */
static void any_value_anywhere(void **state)
{
	(void)state;
	static const char *const values[] = { "null", "true", "1", "-1", "1.5", "\"s\"", "[]", "{}",
	                                      "[null]", "[1]", "{\"a\":1}", "[{}]", "9223372036854775807" };
	static const char *const templates[] = {
		"{\"metadata\":%s}", "{\"metadata\":{\"labels\":%s}}", "{\"metadata\":{\"annotations\":{\"a\":%s}}}",
		"{\"metadata\":{\"ownerReferences\":%s}}", "{\"metadata\":{\"ownerReferences\":[{\"controller\":%s}]}}",
		"{\"metadata\":{\"generation\":%s}}", "{\"metadata\":{\"managedFields\":%s}}",
		"{\"spec\":%s}", "{\"spec\":{\"defaultBackend\":%s}}", "{\"spec\":{\"backend\":%s}}",
		"{\"spec\":{\"rules\":%s}}", "{\"spec\":{\"rules\":[%s]}}", "{\"spec\":{\"rules\":[{\"http\":%s}]}}",
		"{\"spec\":{\"rules\":[{\"http\":{\"paths\":%s}}]}}", "{\"spec\":{\"rules\":[{\"http\":{\"paths\":[%s]}}]}}",
		"{\"spec\":{\"rules\":[{\"http\":{\"paths\":[{\"backend\":{\"service\":%s}}]}}]}}",
		"{\"spec\":{\"rules\":[{\"http\":{\"paths\":[{\"backend\":{\"service\":{\"port\":%s}}}]}}]}}",
		"{\"spec\":{\"tls\":%s}}", "{\"spec\":{\"tls\":[{\"hosts\":%s}]}}", "{\"status\":%s}",
		"{\"status\":{\"loadBalancer\":{\"ingress\":[{\"ports\":%s}]}}}",
		"{\"apiVersion\":\"extensions/v1beta1\",\"kind\":\"Ingress\",\"spec\":{\"backend\":{\"servicePort\":%s}}}",
		"{\"kind\":\"IngressClass\",\"apiVersion\":\"networking.k8s.io/v1\",\"spec\":{\"parameters\":%s}}",
	};
	for (size_t t = 0; t < sizeof templates / sizeof *templates; t++) {
		for (size_t v = 0; v < sizeof values / sizeof *values; v++) {
			char text[512];
			subst(text, sizeof text, templates[t], values[v]);
			json_t *j = load(text);
			struct errlist el = { 0 };
			struct ingress *ing;
			ingress_parse(j, IW_PARSE_STRICT, &el, &ing);
			assert_non_null(ing);
			ingress_free(ing);
			struct ingress_class *ic;
			ingress_class_parse(j, IW_PARSE_STRICT, &el, &ic);
			assert_non_null(ic);
			ingress_class_free(ic);
			errlist_release(&el);
			json_decref(j);
		}
	}
	json_t *arr = load("[1]");
	struct errlist el = { 0 };
	struct ingress *ing;
	struct ingress_class *ic;
	assert_int_equal(ingress_parse(arr, 0, &el, &ing), IW_EINVAL);
	assert_null(ing);
	assert_int_equal(ingress_class_parse(arr, 0, &el, &ic), IW_EINVAL);
	assert_null(ic);
	assert_int_equal(el.n, 0);
	json_decref(arr);
}

static void rfc3339(void **state)
{
	(void)state;
	long long t;
	assert_true(iw_parse_time("1970-01-01T00:00:00Z", &t));
	assert_int_equal(t, 0);
	assert_true(iw_parse_time("2024-01-02T03:04:05Z", &t));
	assert_int_equal(t, 1704164645);
	assert_true(iw_parse_time("2024-01-02T04:04:05.123+01:00", &t));
	assert_int_equal(t, 1704164645);
	assert_true(iw_parse_time("2024-02-29T00:00:00Z", &t));
	static const char *const bad[] = { "", "2024-01-02", "2024-01-02 03:04:05Z", "2023-02-29T00:00:00Z",
	                                   "2024-13-01T00:00:00Z", "2024-01-02T24:00:00Z", "2024-01-02T03:04:05",
	                                   "2024-01-02T03:04:05.Z", "2024-01-02T03:04:05Zjunk", NULL };
	for (const char *const *p = bad; *p; p++)
		assert_false(iw_parse_time(*p, &t));
}

/* The compact copy the cluster state keeps: every field a check or the
 * router reads, equal to the parsed model; the rest dropped. */
static void compact_copy(void **state)
{
	(void)state;
	json_error_t err;
	json_t *j = json_loads(
	    "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"metadata\":{"
	    "\"name\":\"web\",\"namespace\":\"shop\",\"uid\":\"u-1\",\"resourceVersion\":\"7\","
	    "\"creationTimestamp\":\"2024-01-02T03:04:05Z\",\"labels\":{\"app\":\"web\"},"
	    "\"finalizers\":[\"f\"],\"annotations\":{"
	    "\"kubectl.kubernetes.io/last-applied-configuration\":\"{\\\"big\\\":1}\\n\","
	    "\"nginx.ingress.kubernetes.io/auth-url\":\"http://a\\u0000b\\nc\","
	    "\"z/empty\":\"\"}},"
	    "\"spec\":{\"ingressClassName\":\"nginx\",\"defaultBackend\":{\"resource\":{"
	    "\"apiGroup\":\"k8s.example.com\",\"kind\":\"Bucket\",\"name\":\"static\"}},"
	    "\"tls\":[{\"hosts\":[\"a.com\",\"*.b.com\"],\"secretName\":\"tls-a\"},{}],"
	    "\"rules\":[{\"host\":\"a.com\",\"http\":{\"paths\":["
	    "{\"path\":\"/api\",\"pathType\":\"Exact\",\"backend\":{\"service\":{\"name\":\"api\","
	    "\"port\":{\"number\":8080}}}},"
	    "{\"path\":\"/\",\"pathType\":\"Weird\",\"backend\":{\"service\":{\"name\":\"web\","
	    "\"port\":{\"name\":\"http\"}}}}]}},{\"http\":{\"paths\":[{\"pathType\":\"Prefix\","
	    "\"backend\":{\"service\":{\"name\":\"x\",\"port\":{\"number\":1}}}}]}}]}}",
	    JSON_ALLOW_NUL, &err);
	if (!j)
		fail_msg("bad test JSON: %s", err.text);
	struct errlist el = { 0 };
	struct ingress *o;
	ingress_parse(j, 0, &el, &o);
	json_decref(j);
	assert_non_null(o);
	struct ingress *c = ingress_compact(o);
	assert_non_null(c);
	assert_null(c->src);
	assert_int_equal(c->api, o->api);
	assert_string_equal(c->meta.name, "web");
	assert_string_equal(c->meta.namespace_, "shop");
	assert_string_equal(c->meta.creation_timestamp, "2024-01-02T03:04:05Z");
	assert_null(c->meta.uid);
	assert_int_equal(c->meta.nlabels, 0);
	assert_int_equal(c->meta.nfinalizers, 0);
	/* last-applied dropped; the embedded NUL and the newline kept */
	assert_int_equal(c->meta.nannotations, 2);
	assert_string_equal(c->meta.annotations[0].key, "nginx.ingress.kubernetes.io/auth-url");
	assert_int_equal(c->meta.annotations[0].value_len, 12);
	assert_memory_equal(c->meta.annotations[0].value, "http://a\0b\nc", 13);
	assert_string_equal(iw_meta_annotation(&c->meta, "z/empty"), "");
	assert_true(c->has_default_backend);
	assert_true(c->default_backend.has_resource);
	assert_string_equal(c->default_backend.resource.api_group, "k8s.example.com");
	assert_string_equal(c->default_backend.resource.kind, "Bucket");
	assert_string_equal(c->default_backend.resource.name, "static");
	assert_string_equal(c->ingress_class_name, "nginx");
	assert_true(c->rules_present);
	assert_int_equal(c->nrules, 2);
	for (size_t i = 0; i < o->nrules; i++) {
		assert_string_equal(c->rules[i].host, o->rules[i].host);
		assert_int_equal(c->rules[i].has_http, o->rules[i].has_http);
		assert_int_equal(c->rules[i].npaths, o->rules[i].npaths);
		for (size_t k = 0; k < o->rules[i].npaths; k++) {
			const struct iw_path *a = &o->rules[i].paths[k], *b = &c->rules[i].paths[k];
			assert_string_equal(b->path, a->path);
			assert_int_equal(b->has_path, a->has_path);
			assert_string_equal(b->path_type, a->path_type);
			assert_int_equal(b->has_backend, a->has_backend);
			assert_string_equal(b->backend.service.name, a->backend.service.name);
			assert_string_equal(b->backend.service.port_name, a->backend.service.port_name);
			assert_int_equal(b->backend.service.port_number, a->backend.service.port_number);
			assert_int_equal(b->backend.service.has_port, a->backend.service.has_port);
		}
	}
	assert_string_equal(c->rules[0].paths[1].path_type, "Weird");
	assert_string_equal(c->rules[1].host, "");
	assert_int_equal(c->ntls, 2);
	assert_int_equal(c->tls[0].nhosts, 2);
	assert_string_equal(c->tls[0].hosts[1], "*.b.com");
	assert_string_equal(c->tls[0].secret_name, "tls-a");
	assert_int_equal(c->tls[1].nhosts, 0);
	ingress_free(o);
	/* the copy outlives the original and a copy of a copy is the same */
	struct ingress *cc = ingress_compact(c);
	assert_non_null(cc);
	assert_string_equal(cc->rules[0].paths[0].path, "/api");
	assert_int_equal(cc->meta.annotations[0].value_len, 12);
	/* the same copy written into the caller's memory: exactly the size
	 * asked for (ASan sees any byte past it), nothing of its own */
	size_t sz = ingress_compact_size(c);
	unsigned char *mem = malloc(sz);
	assert_non_null(mem);
	struct ingress *ci = ingress_compact_into(c, mem, sz);
	assert_ptr_equal(ci, (void *)mem);
	assert_null(ci->mem_);
	assert_null(ci->src);
	assert_string_equal(ci->meta.name, "web");
	assert_string_equal(ci->meta.namespace_, "shop");
	assert_int_equal(ci->meta.nannotations, 2);
	assert_memory_equal(ci->meta.annotations[0].value, "http://a\0b\nc", 13);
	assert_int_equal(ci->nrules, 2);
	assert_string_equal(ci->rules[0].paths[1].path_type, "Weird");
	assert_string_equal(ci->rules[1].paths[0].path_type, "Prefix");
	assert_int_equal(ci->rules[0].paths[0].backend.service.port_number, 8080);
	assert_string_equal(ci->default_backend.resource.kind, "Bucket");
	assert_string_equal(ci->tls[0].hosts[1], "*.b.com");
	assert_string_equal(ci->ingress_class_name, "nginx");
	/* the strings are copies inside mem */
	const char *in[] = { ci->meta.name, ci->meta.annotations[0].value, ci->rules[0].host,
	                     ci->rules[0].paths[0].path, ci->tls[0].hosts[1], ci->ingress_class_name };
	for (size_t i = 0; i < sizeof in / sizeof *in; i++)
		assert_true((uintptr_t)in[i] > (uintptr_t)mem && (uintptr_t)in[i] < (uintptr_t)mem + sz);
	ingress_free(ci);   /* nothing */
	free(mem);
	ingress_free(c);
	ingress_free(cc);
	errlist_release(&el);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(object_types),
		cmocka_unit_test(v1_fields),
		cmocka_unit_test(v1beta1_conversion),
		cmocka_unit_test(decode_errors_with_paths),
		cmocka_unit_test(strict_unknown_fields),
		cmocka_unit_test(ingress_class_defaults),
		cmocka_unit_test(any_value_anywhere),
		cmocka_unit_test(rfc3339),
		cmocka_unit_test(compact_copy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
