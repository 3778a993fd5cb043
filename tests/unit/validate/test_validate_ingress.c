/*
 * Ingress validation (validate/validate.h): every rule of RULES.md §4-§6, both
 * sides of every limit, CREATE vs UPDATE, kube versions.  Each case compares
 * the whole list of errors (Error() strings, in order).
 */
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

static json_t *load(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, 0, &err);
	if (!j)
		fail_msg("bad test JSON: %s: %s", err.text, text);
	return j;
}

/* "field: body" of every error, joined by '\n' (all of them, duplicates too). */
static char *join(const struct errlist *el)
{
	size_t cap = 1;
	for (size_t i = 0; i < el->n; i++) {
		char *s = fe_string(&el->v[i]);
		cap += strlen(s) + 1;
		free(s);
	}
	char *out = calloc(1, cap);
	assert_non_null(out);
	for (size_t i = 0; i < el->n; i++) {
		char *s = fe_string(&el->v[i]);
		if (i)
			strcat(out, "\n");
		strcat(out, s);
		free(s);
	}
	return out;
}

/* Validates 'obj' (CREATE, or UPDATE from 'old'), kube minor 'minor'; returns join(). */
static char *run(const char *obj, const char *old, int minor)
{
	struct iw_vopts o;
	iw_vopts_init(&o);
	o.kube_minor = minor;
	struct errlist el = { 0 };
	json_t *j = load(obj), *oj = old ? load(old) : NULL;
	struct ingress *ing, *oing = NULL;
	assert_int_equal(ingress_parse(j, 0, &el, &ing), IW_OK);
	if (oj)
		assert_int_equal(ingress_parse(oj, 0, &el, &oing), IW_OK);
	json_decref(j);
	json_decref(oj);
	assert_non_null(ing);
	assert_int_equal(el.n, 0);
	iw_validate_ingress(ing, oing, &o, &el);
	char *s = join(&el);
	ingress_free(ing);
	ingress_free(oing);
	errlist_release(&el);
	return s;
}

static void expect(const char *obj, const char *old, int minor, const char *want)
{
	char *got = run(obj, old, minor);
	if (strcmp(got, want))
		fail_msg("object %s\n got: %s\nwant: %s", obj, got, want);
	free(got);
}

/* An Ingress with the given spec body and metadata extras. */
static char *ing(const char *meta_extra, const char *spec)
{
	size_t n = 128 + strlen(meta_extra) + strlen(spec) + 8;
	char *s = malloc(n);
	assert_non_null(s);
	snprintf(s, n, "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\","
	               "\"metadata\":{\"name\":\"a\",\"namespace\":\"ns\"%s%s},\"spec\":%s}",
	         *meta_extra ? "," : "", meta_extra, spec);
	return s;
}

static void expect_spec(const char *spec, int minor, const char *want)
{
	char *o = ing("", spec);
	expect(o, NULL, minor, want);
	free(o);
}

static char *rep(char c, size_t n)
{
	char *s = malloc(n + 1);
	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

#define DB "\"defaultBackend\":{\"service\":{\"name\":\"svc\",\"port\":{\"number\":80}}}"
#define PATH(p, t) "{\"path\":\"" p "\",\"pathType\":\"" t "\",\"backend\":{\"service\":{\"name\":\"s\",\"port\":{\"number\":80}}}}"
#define RULE(host, paths) "{\"host\":\"" host "\",\"http\":{\"paths\":[" paths "]}}"

static void spec_required(void **state)
{
	(void)state;
	expect_spec("{}", 36, "spec: Invalid value: null: either `defaultBackend` or `rules` must be specified");
	expect_spec("{\"rules\":[]}", 36, "spec: Invalid value: []: either `defaultBackend` or `rules` must be specified");
	expect_spec("{" DB "}", 36, "");
	expect_spec("{\"rules\":[{}]}", 36, "");
	expect_spec("{\"rules\":[{\"http\":{}}]}", 36, "spec.rules[0].http.paths: Required value");
}

static void hosts(void **state)
{
	(void)state;
	char spec[1024], *h253 = rep('a', 253), *h254 = rep('a', 254);
	for (size_t i = 63; i < 253; i += 64)
		h253[i] = h254[i] = '.';
	snprintf(spec, sizeof spec, "{\"rules\":[{\"host\":\"%s\"}]}", h253);
	expect_spec(spec, 36, "");
	snprintf(spec, sizeof spec, "{\"rules\":[{\"host\":\"%s\"}]}", h254);
	char want[1024];
	snprintf(want, sizeof want, "spec.rules[0].host: Invalid value: \"%s\": must be no more than 253 characters", h254);
	expect_spec(spec, 36, want);
	h254[0] = '-';
	snprintf(spec, sizeof spec, "{\"rules\":[{\"host\":\"%s\"}]}", h254);
	snprintf(want, sizeof want, "spec.rules[0].host: Invalid value: \"%s\": must be no more than 253 characters\n"
	         "spec.rules[0].host: Invalid value: \"%s\": " SUB, h254, h254);
	expect_spec(spec, 36, want);
	free(h253);
	free(h254);
}

static void host_forms(void **state)
{
	(void)state;
	expect_spec("{\"rules\":[{\"host\":\"10.0.0.1\"}]}", 36,
	            "spec.rules[0].host: Invalid value: \"10.0.0.1\": must be a DNS name, not an IP address");
	expect_spec("{\"rules\":[{\"host\":\"::1\"}]}", 36,
	            "spec.rules[0].host: Invalid value: \"::1\": must be a DNS name, not an IP address\n"
	            "spec.rules[0].host: Invalid value: \"::1\": " SUB);
	expect_spec("{\"rules\":[{\"host\":\"Foo.com\"}]}", 36, "spec.rules[0].host: Invalid value: \"Foo.com\": " SUB);
	expect_spec("{\"rules\":[{\"host\":\"*.foo.com\"}]}", 36, "");
	expect_spec("{\"rules\":[{\"host\":\"foo.*.com\"}]}", 36,
	            "spec.rules[0].host: Invalid value: \"foo.*.com\": a wildcard DNS-1123 subdomain must start with "
	            "'*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric "
	            "characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex "
	            "used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
}

static void paths(void **state)
{
	(void)state;
	expect_spec("{\"rules\":[" RULE("a.com", PATH("/ok", "Exact") "," PATH("/", "Prefix") "," PATH("", "ImplementationSpecific")) "]}", 36, "");
	expect_spec("{\"rules\":[" RULE("a.com", PATH("", "Prefix")) "]}", 36,
	            "spec.rules[0].http.paths[0].path: Invalid value: \"\": must be an absolute path");
	expect_spec("{\"rules\":[" RULE("a.com", PATH("a//b/./c/../d%2fe%2F/..", "Exact")) "]}", 36,
	            "spec.rules[0].http.paths[0].path: Invalid value: \"a//b/./c/../d%2fe%2F/..\": must be an absolute path\n"
	            "spec.rules[0].http.paths[0].path: Invalid value: \"a//b/./c/../d%2fe%2F/..\": must not contain '//'\n"
	            "spec.rules[0].http.paths[0].path: Invalid value: \"a//b/./c/../d%2fe%2F/..\": must not contain '/./'\n"
	            "spec.rules[0].http.paths[0].path: Invalid value: \"a//b/./c/../d%2fe%2F/..\": must not contain '/../'\n"
	            "spec.rules[0].http.paths[0].path: Invalid value: \"a//b/./c/../d%2fe%2F/..\": must not contain '%2f'\n"
	            "spec.rules[0].http.paths[0].path: Invalid value: \"a//b/./c/../d%2fe%2F/..\": must not contain '%2F'\n"
	            "spec.rules[0].http.paths[0].path: Invalid value: \"a//b/./c/../d%2fe%2F/..\": cannot end with '/..'");
	expect_spec("{\"rules\":[" RULE("a.com", PATH("/a/.", "Prefix")) "]}", 36,
	            "spec.rules[0].http.paths[0].path: Invalid value: \"/a/.\": cannot end with '/.'");
	expect_spec("{\"rules\":[" RULE("a.com", PATH("rel", "ImplementationSpecific") "," PATH("/a//b[", "ImplementationSpecific")) "]}", 36,
	            "spec.rules[0].http.paths[0].path: Invalid value: \"rel\": must be an absolute path");
	expect_spec("{\"rules\":[" RULE("a.com", PATH("rel", "prefix")) "]}", 36,
	            "spec.rules[0].http.paths[0].pathType: Unsupported value: \"prefix\": supported values: \"Exact\", \"ImplementationSpecific\", \"Prefix\"");
	/* pathType missing: the entry's path and backend are not checked */
	expect_spec("{\"rules\":[" RULE("a.com", "{\"path\":\"rel\",\"backend\":{}}") "]}", 36,
	            "spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified");
}

#define BK(b) "{\"rules\":[" RULE("a.com", "{\"path\":\"/\",\"pathType\":\"Prefix\",\"backend\":" b "}") "]}"
#define BP "spec.rules[0].http.paths[0].backend"

static void backends(void **state)
{
	(void)state;
	expect_spec(BK("{}"), 36, BP ": Invalid value: \"\": resource or service backend is required");
	expect_spec(BK("{\"service\":{\"name\":\"s\",\"port\":{\"number\":80}},\"resource\":{\"kind\":\"K\",\"name\":\"n\"}}"), 36,
	            BP ": Invalid value: \"\": cannot set both resource and service backends");
	expect_spec(BK("{\"service\":{\"name\":\"\",\"port\":{\"name\":\"http\",\"number\":80}}}"), 36,
	            BP ".service.name: Required value\n" BP ": Invalid value: \"\": cannot set both port name & port number");
	expect_spec(BK("{\"service\":{\"name\":\"s\",\"port\":{\"number\":65535}}}"), 36, "");
	expect_spec(BK("{\"service\":{\"name\":\"s\",\"port\":{\"number\":1}}}"), 36, "");
	expect_spec(BK("{\"service\":{\"name\":\"s\",\"port\":{\"number\":65536}}}"), 36,
	            BP ".service.port.number: Invalid value: 65536: must be between 1 and 65535, inclusive");
	expect_spec(BK("{\"service\":{\"name\":\"s\",\"port\":{\"number\":-1}}}"), 36,
	            BP ".service.port.number: Invalid value: -1: must be between 1 and 65535, inclusive");
	expect_spec(BK("{\"service\":{\"name\":\"s\",\"port\":{\"number\":0}}}"), 36,
	            BP ": Required value: port name or number is required");
	expect_spec(BK("{\"service\":{\"name\":\"s\"}}"), 36, BP ": Required value: port name or number is required");
	expect_spec(BK("{\"service\":{\"name\":\"s\",\"port\":{\"name\":\"abcdefghijklmno\"}}}"), 36, "");
	expect_spec(BK("{\"service\":{\"name\":\"s\",\"port\":{\"name\":\"abcdefghijklmnop\"}}}"), 36,
	            BP ".service.port.name: Invalid value: \"abcdefghijklmnop\": must be no more than 15 characters");
	expect_spec(BK("{\"resource\":{\"apiGroup\":\"\",\"kind\":\"\",\"name\":\"..\"}}"), 36,
	            BP ".resource.apiGroup: Invalid value: \"\": " SUB "\n"
	            BP ".resource.kind: Required value: kind is required\n"
	            BP ".resource.name: Invalid value: \"..\": may not be '..'");
	expect_spec(BK("{\"resource\":{\"apiGroup\":\"k8s.example.com\",\"kind\":\"Storage_Bucket\",\"name\":\"My.Bucket\"}}"), 36, "");
	expect_spec(BK("{\"resource\":{\"kind\":\"K\"}}"), 37, BP ".resource.name: Required value");
}

static void service_names_by_version(void **state)
{
	(void)state;
	char spec[512], *n63 = rep('s', 63), *n64 = rep('s', 64);
#define SVC_FMT "{\"defaultBackend\":{\"service\":{\"name\":\"%s\",\"port\":{\"number\":80}}}}"
	snprintf(spec, sizeof spec, SVC_FMT, n63);
	expect_spec(spec, 36, "");
	expect_spec(spec, 34, "");
	snprintf(spec, sizeof spec, SVC_FMT, n64);
	char want[512];
	snprintf(want, sizeof want, "spec.defaultBackend.service.name: Invalid value: \"%s\": must be no more than 63 characters", n64);
	expect_spec(spec, 36, want);
	expect_spec(spec, 35, want);
	/* a digit first: DNS-1123 label (1.36+) but not DNS-1035 (before) */
	snprintf(spec, sizeof spec, SVC_FMT, "1svc");
	expect_spec(spec, 36, "");
	expect_spec(spec, 37, "");
	expect_spec(spec, 35,
	            "spec.defaultBackend.service.name: Invalid value: \"1svc\": a DNS-1035 label must consist of lower "
	            "case alphanumeric characters or '-', start with an alphabetic character, and end with an "
	            "alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is "
	            "'[a-z]([-a-z0-9]*[a-z0-9])?')");
	snprintf(spec, sizeof spec, SVC_FMT, "a.b");
	expect_spec(spec, 36, "spec.defaultBackend.service.name: Invalid value: \"a.b\": must not contain dots");
	/* 1.35 UPDATE ratchet: the old object already had a DNS-1123-only name */
	snprintf(spec, sizeof spec, SVC_FMT, "2svc");
	char *nw = ing("\"resourceVersion\":\"1\"", spec);
	snprintf(spec, sizeof spec, SVC_FMT, "1svc");
	char *old = ing("\"resourceVersion\":\"1\"", spec);
	expect(nw, old, 35, "");
	snprintf(spec, sizeof spec, SVC_FMT, "svc");
	char *old2 = ing("\"resourceVersion\":\"1\"", spec);
	expect(nw, old2, 35, "spec.defaultBackend.service.name: Invalid value: \"2svc\": a DNS-1035 "
	       "label must consist of lower case alphanumeric characters or '-', start with an "
	       "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "
	       "'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')");
	free(nw);
	free(old);
	free(old2);
	free(n63);
	free(n64);
}

static void tls_and_class(void **state)
{
	(void)state;
	expect_spec("{" DB ",\"tls\":[{},{\"hosts\":[]},{\"hosts\":[\"10.0.0.1\",\"*.a.com\"],\"secretName\":\"s\"}]}", 36, "");
	expect_spec("{" DB ",\"tls\":[{\"hosts\":[\"A.com\",\"*\"],\"secretName\":\"Bad_Secret\"}]}", 36,
	            "spec.tls[0].hosts[0]: Invalid value: \"A.com\": " SUB "\n"
	            "spec.tls[0].hosts[1]: Invalid value: \"*\": a wildcard DNS-1123 subdomain must start with '*.', "
	            "followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, "
	            "'-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for "
	            "validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')\n"
	            "spec.tls[0].secretName: Invalid value: \"Bad_Secret\": " SUB);
	expect_spec("{" DB ",\"ingressClassName\":\"\"}", 36, "spec.ingressClassName: Invalid value: \"\": " SUB);
	/* S6: CREATE only, any annotation value (even "") */
	char *o = ing("\"annotations\":{\"kubernetes.io/ingress.class\":\"\"}", "{" DB ",\"ingressClassName\":\"x\"}");
	expect(o, NULL, 36, "annotations.kubernetes.io/ingress.class: Invalid value: \"\": must match `ingressClassName` when both are specified");
	expect(o, o, 36, "");
	free(o);
	o = ing("\"annotations\":{\"kubernetes.io/ingress.class\":\"x\"}", "{" DB ",\"ingressClassName\":\"x\"}");
	expect(o, NULL, 36, "");
	free(o);
}

static void update_ratchets(void **state)
{
	(void)state;
	/* invalid secret name kept: every new secret name is exempt, hosts still checked */
	char *old = ing("", "{" DB ",\"tls\":[{\"secretName\":\"Bad\"}]}");
	char *nw = ing("", "{" DB ",\"tls\":[{\"secretName\":\"Worse_\"},{\"hosts\":[\"A\"],\"secretName\":\"X\"}]}");
	expect(nw, old, 36, "spec.tls[1].hosts[0]: Invalid value: \"A\": " SUB);
	free(old);
	old = ing("", "{" DB ",\"tls\":[{\"secretName\":\"ok\"}]}");
	expect(nw, old, 36, "spec.tls[0].secretName: Invalid value: \"Worse_\": " SUB "\n"
	                    "spec.tls[1].hosts[0]: Invalid value: \"A\": " SUB "\n"
	                    "spec.tls[1].secretName: Invalid value: \"X\": " SUB);
	free(old);
	free(nw);
	/* wildcard rule with an invalid value kept: new wildcard rules are exempt */
	old = ing("", "{\"rules\":[" RULE("*.a.com", PATH("rel", "Prefix")) "]}");
	nw = ing("", "{\"rules\":[" RULE("*.a.com", PATH("rel2", "Prefix")) "," RULE("b.com", PATH("rel3", "Prefix")) "]}");
	expect(nw, old, 36, "spec.rules[1].http.paths[0].path: Invalid value: \"rel3\": must be an absolute path");
	expect(nw, NULL, 36,
	       "spec.rules[0].http.paths[0].path: Invalid value: \"rel2\": must be an absolute path\n"
	       "spec.rules[1].http.paths[0].path: Invalid value: \"rel3\": must be an absolute path");
	free(old);
	free(nw);
	/* no other ratchet: an unchanged invalid path is rejected again */
	old = ing("", "{\"rules\":[" RULE("a.com", PATH("rel", "Prefix")) "]}");
	expect(old, old, 36, "spec.rules[0].http.paths[0].path: Invalid value: \"rel\": must be an absolute path");
	free(old);
}

static void metadata_create(void **state)
{
	(void)state;
	const char *spec = "{" DB "}";
	char obj[1024];
	snprintf(obj, sizeof obj, "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\","
	                          "\"metadata\":{\"namespace\":\"ns\"},\"spec\":%s}", spec);
	expect(obj, NULL, 36, "metadata.name: Required value: name or generateName is required");
	snprintf(obj, sizeof obj, "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\","
	                          "\"metadata\":{\"generateName\":\"web-\",\"namespace\":\"ns\"},\"spec\":%s}", spec);
	expect(obj, NULL, 36, "");
	snprintf(obj, sizeof obj, "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\","
	                          "\"metadata\":{\"generateName\":\"Web-\",\"namespace\":\"ns\"},\"spec\":%s}", spec);
	expect(obj, NULL, 36,
	       "metadata.generateName: Invalid value: \"Web-\": " SUB "\n"
	       "metadata.name: Invalid value: \"Web-bcdfg\": " SUB);
	/* masking quirk: "a.-" masks to "aa" (valid), the generated "a.-bcdfg" is not */
	snprintf(obj, sizeof obj, "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\","
	                          "\"metadata\":{\"generateName\":\"a.-\",\"namespace\":\"ns\"},\"spec\":%s}", spec);
	expect(obj, NULL, 36, "metadata.name: Invalid value: \"a.-bcdfg\": " SUB);
	/* namespace: filled with the default when empty; validated as a DNS label */
	snprintf(obj, sizeof obj, "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\","
	                          "\"metadata\":{\"name\":\"a\"},\"spec\":%s}", spec);
	expect(obj, NULL, 36, "");
	snprintf(obj, sizeof obj, "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\","
	                          "\"metadata\":{\"name\":\"a\",\"namespace\":\"a.b\"},\"spec\":%s}", spec);
	expect(obj, NULL, 36, "metadata.namespace: Invalid value: \"a.b\": must not contain dots");

	/* the key's text by version (1.35: "a valid label key"; 1.34: "a qualified name") */
#define KEY_TAIL " must consist of alphanumeric characters, '-', '_' or '.', and must start and " \
	"end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex " \
	"used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
#define BAD_VALUE "metadata.labels: Invalid value: \"bad value!\": a valid label must be an " \
	"empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and " \
	"end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex " \
	"used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
	char *o = ing("\"labels\":{\"ok\":\"v\",\"a/b/c\":\"bad value!\"}", spec);
	expect(o, NULL, 36, "metadata.labels: Invalid value: \"a/b/c\": a valid label key" KEY_TAIL
	                    " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')\n"
	                    BAD_VALUE);
	expect(o, NULL, 34, "metadata.labels: Invalid value: \"a/b/c\": a qualified name" KEY_TAIL
	                    " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')\n"
	                    BAD_VALUE);
	free(o);
	/* annotation keys are checked lower-cased; the value shown is the original key */
	o = ing("\"annotations\":{\"Example.COM/Key\":\"v\",\"bad key\":\"v\"}", spec);
	expect(o, NULL, 36, "metadata.annotations: Invalid value: \"bad key\": name part" KEY_TAIL);
#undef KEY_TAIL
#undef BAD_VALUE
	free(o);
	o = ing("\"finalizers\":[\"kubernetes\",\"custom\",\"example.com/f\",\"orphan\",\"foregroundDeletion\"]", spec);
	expect(o, NULL, 36,
	       "metadata.finalizers: Invalid value: [\"kubernetes\",\"custom\",\"example.com/f\",\"orphan\",\"foregroundDeletion\"]: finalizer orphan and foregroundDeletion cannot be both set\n"
	       "metadata.finalizers[1]: Invalid value: \"custom\": name is neither a standard finalizer name nor is it fully qualified");
	free(o);
	o = ing("\"ownerReferences\":[{\"apiVersion\":\"apps\",\"kind\":\"\",\"name\":\"n\",\"uid\":\"u\"}]", spec);
	expect(o, NULL, 36, "metadata.ownerReferences.kind: Invalid value: \"\": must not be empty");
	free(o);
}

static void annotation_total_size(void **state)
{
	(void)state;
	/* key "k" (1 byte) + value: 262144 bytes in total is accepted, one more is not */
	size_t vlen = 262144 - 1;
	char *val = rep('v', vlen + 1);
	val[vlen] = '\0';
	size_t n = vlen + 128;
	char *meta = malloc(n);
	snprintf(meta, n, "\"annotations\":{\"k\":\"%s\"}", val);
	char *o = ing(meta, "{" DB "}");
	expect(o, NULL, 36, "");
	free(o);
	free(val);
	val = rep('v', vlen + 1);
	snprintf(meta, n, "\"annotations\":{\"k\":\"%s\"}", val);
	o = ing(meta, "{" DB "}");
	expect(o, NULL, 36, "metadata.annotations: Too long: may not be more than 262144 bytes");
	free(o);
	free(meta);
	free(val);
}

static void update_metadata_duplicates(void **state)
{
	(void)state;
	char *old = ing("\"resourceVersion\":\"1\"", "{" DB "}");
	char *nw = ing("\"resourceVersion\":\"1\",\"labels\":{\"app\":\"bad value!\"}", "{" DB "}");
	struct iw_vopts o;
	iw_vopts_init(&o);
	struct errlist el = { 0 };
	json_t *j = load(nw), *oj = load(old);
	struct ingress *a, *b;
	assert_int_equal(ingress_parse(j, 0, &el, &a), IW_OK);
	assert_int_equal(ingress_parse(oj, 0, &el, &b), IW_OK);
	iw_validate_ingress(a, b, &o, &el);
	/* generic pass, generic update pass, strategy update pass, strategy object meta:
	 * the same error four times, once in the message */
#define BAD_LABEL "metadata.labels: Invalid value: \"bad value!\": a valid label must be an " \
	"empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and " \
	"end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex " \
	"used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
	assert_int_equal(el.n, 4);
	for (size_t i = 0; i < el.n; i++) {
		char *e = fe_string(&el.v[i]);
		assert_string_equal(e, BAD_LABEL);
		free(e);
	}
	char *msg = fe_invalid_message(&el, "Ingress", "networking.k8s.io", "a");
	assert_string_equal(msg, "Ingress.networking.k8s.io \"a\" is invalid: " BAD_LABEL);
#undef BAD_LABEL
	free(msg);
	errlist_release(&el);
	/* name change on UPDATE */
	ingress_free(a);
	json_decref(j);
	free(nw);
	nw = ing("\"resourceVersion\":\"1\",\"uid\":\"other\"", "{" DB "}");
	j = load(nw);
	assert_int_equal(ingress_parse(j, 0, &el, &a), IW_OK);
	iw_validate_ingress(a, b, &o, &el);
	assert_int_equal(el.n, 2);
	char *s = fe_string(&el.v[0]);
	assert_string_equal(s, "metadata.uid: Invalid value: \"other\": field is immutable");
	free(s);
	errlist_release(&el);
	ingress_free(a);
	ingress_free(b);
	json_decref(j);
	json_decref(oj);
	free(nw);
	free(old);
}

static void versions(void **state)
{
	(void)state;
	struct iw_vopts o;
	iw_vopts_init(&o);
	assert_int_equal(o.kube_minor, IW_KUBE_MINOR_DEFAULT);
	static const struct { const char *s; int minor; } ok[] = {
		{ "1.34", 34 }, { "35", 35 }, { "v1.37", 37 }, { "1.36.3", 36 },
	};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		assert_true(iw_vopts_set_version(&o, ok[i].s));
		assert_int_equal(o.kube_minor, ok[i].minor);
	}
	static const char *const bad[] = { "1.33", "1.38", "2.36", "", "x", "1.36.", "1.36x", NULL };
	for (const char *const *p = bad; *p; p++)
		assert_false(iw_vopts_set_version(&o, *p));
	assert_int_equal(o.kube_minor, 36);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spec_required),
		cmocka_unit_test(hosts),
		cmocka_unit_test(host_forms),
		cmocka_unit_test(paths),
		cmocka_unit_test(backends),
		cmocka_unit_test(service_names_by_version),
		cmocka_unit_test(tls_and_class),
		cmocka_unit_test(update_ratchets),
		cmocka_unit_test(metadata_create),
		cmocka_unit_test(annotation_total_size),
		cmocka_unit_test(update_metadata_duplicates),
		cmocka_unit_test(versions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
