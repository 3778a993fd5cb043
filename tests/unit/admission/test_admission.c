/* The AdmissionReview codec (admission/admission.h): statuses, causes, warnings, versions. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admission/admission.h"
#include "base/buf.h"
#include "checks/policy.h"

static const char *const ING =
	"{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"metadata\":{\"name\":\"web\","
	"\"namespace\":\"shop\"},\"spec\":{\"rules\":[{\"host\":\"%s\",\"http\":{\"paths\":[{\"path\":"
	"\"/\",\"pathType\":\"Prefix\",\"backend\":{\"service\":{\"name\":\"s\",\"port\":{\"number\":%d}}}}]}}]}}";

static char *request(const char *ver, const char *op, const char *kind, const char *obj)
{
	char *b = malloc(8192);
	snprintf(b, 8192, "{\"apiVersion\":\"admission.k8s.io/%s\",\"kind\":\"AdmissionReview\","
	                  "\"request\":{\"uid\":\"u-1\",\"kind\":{\"group\":\"networking.k8s.io\","
	                  "\"version\":\"v1\",\"kind\":\"%s\"},\"namespace\":\"shop\",\"name\":\"web\","
	                  "\"operation\":\"%s\",\"object\":%s}}", ver, kind, op, obj);
	return b;
}

static char *ingress(const char *host, int port)
{
	char *b = malloc(2048);
	snprintf(b, 2048, ING, host, port);
	return b;
}

struct pol { enum iw_severity sev; enum iw_err fail; const char *warn; };

static enum iw_err policy(void *arg, const struct adm_subject *s, struct findings *out,
                          const char **warning)
{
	struct pol *p = arg;
	assert_non_null(s->ing);
	if (p->fail)
		return p->fail;
	*warning = p->warn;
	if (p->sev != IW_SEV_OFF)
		findings_add(out, "host-path-conflict", p->sev,
		             FP_IDX(FP_KEY(FP_KEY(NULL, "spec"), "rules"), 0), "taken from %s", "a/b");
	return IW_OK;
}

static json_t *decide(const char *body, const struct adm_opts *o, struct adm_result *res)
{
	char err[300];
	enum iw_err rc = admission_handle(body, strlen(body), o, res, err, sizeof err);
	free(res->log_fields);
	res->log_fields = NULL;
	if (rc) {
		assert_null(res->response);
		return NULL;
	}
	assert_int_equal(strlen(res->response), res->response_len);
	json_error_t je;
	json_t *j = json_loads(res->response, 0, &je);
	free(res->response);
	assert_non_null(j);
	return j;
}

static void invalid_is_422_with_distinct_causes(void **state)
{
	(void)state;
	struct adm_opts o = { 0 };
	iw_vopts_init(&o.v);
	char *obj = ingress("Bad_Host", 70000);
	char *req = request("v1", "CREATE", "Ingress", obj);
	struct adm_result res;
	json_t *j = decide(req, &o, &res);
	assert_int_equal(res.outcome, ADM_DENIED);
	json_t *st = json_object_get(json_object_get(j, "response"), "status");
	assert_int_equal(json_integer_value(json_object_get(st, "code")), 422);
	assert_string_equal(json_string_value(json_object_get(st, "reason")), "Invalid");
	const char *msg = json_string_value(json_object_get(st, "message"));
	assert_non_null(strstr(msg, "Ingress.networking.k8s.io \"web\" is invalid: ["));
	json_t *causes = json_object_get(json_object_get(st, "details"), "causes");
	assert_int_equal(json_array_size(causes), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(causes, 0), "field")),
	                    "spec.rules[0].host");
	assert_string_equal(json_string_value(json_object_get(json_array_get(causes, 0), "reason")),
	                    "FieldValueInvalid");
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "response"), "uid")), "u-1");
	json_decref(j);
	free(req);
	free(obj);
}

static void policy_error_is_403_warning_goes_to_warnings(void **state)
{
	(void)state;
	struct pol p = { IW_SEV_ERROR, 0, NULL };
	struct adm_opts o = { .policy = policy, .policy_arg = &p };
	iw_vopts_init(&o.v);
	char *obj = ingress("shop.example.com", 80);
	char *req = request("v1beta1", "UPDATE", "Ingress", obj);
	struct adm_result res;
	json_t *j = decide(req, &o, &res);
	assert_int_equal(res.outcome, ADM_DENIED);
	assert_string_equal(json_string_value(json_object_get(j, "apiVersion")), "admission.k8s.io/v1beta1");
	json_t *st = json_object_get(json_object_get(j, "response"), "status");
	assert_int_equal(json_integer_value(json_object_get(st, "code")), 403);
	assert_string_equal(json_string_value(json_object_get(st, "reason")), "Forbidden");
	json_t *c0 = json_array_get(json_object_get(json_object_get(st, "details"), "causes"), 0);
	assert_string_equal(json_string_value(json_object_get(c0, "reason")), "host-path-conflict");
	assert_string_equal(json_string_value(json_object_get(c0, "field")), "spec.rules[0]");
	assert_string_equal(json_string_value(json_object_get(st, "message")),
	                    "Ingress.networking.k8s.io \"web\" is forbidden: host-path-conflict: spec.rules[0]: taken from a/b");
	json_decref(j);

	p = (struct pol){ IW_SEV_WARNING, 0, "state not synced" };
	j = decide(req, &o, &res);
	assert_int_equal(res.outcome, ADM_ALLOWED);
	json_t *w = json_object_get(json_object_get(j, "response"), "warnings");
	assert_int_equal(json_array_size(w), 2);
	assert_string_equal(json_string_value(json_array_get(w, 0)), "state not synced");
	assert_string_equal(json_string_value(json_array_get(w, 1)),
	                    "host-path-conflict: spec.rules[0]: taken from a/b");
	json_decref(j);

	/* the callback's reason comes back as it is */
	p = (struct pol){ IW_SEV_OFF, IW_EUNSYNCED, NULL };
	char err[200];
	assert_int_equal(admission_handle(req, strlen(req), &o, &res, err, sizeof err), IW_EUNSYNCED);
	free(res.log_fields);
	assert_null(res.response);
	assert_int_equal(res.outcome, ADM_ERROR);
	assert_string_equal(err, "the request could not be decided: the cluster state is not synced");
	free(req);
	free(obj);
}

static void not_ours_is_allowed(void **state)
{
	(void)state;
	struct pol p = { IW_SEV_ERROR, 0, NULL };
	struct adm_opts o = { .policy = policy, .policy_arg = &p };
	iw_vopts_init(&o.v);
	char *obj = ingress("Bad_Host", 80);
	const char *cases[][2] = { { "DELETE", "Ingress" }, { "CREATE", "Service" }, { "CONNECT", "Ingress" } };
	for (size_t i = 0; i < 3; i++) {
		char *req = request("v1", cases[i][0], cases[i][1], obj);
		struct adm_result res;
		json_t *j = decide(req, &o, &res);
		assert_int_equal(res.outcome, ADM_ALLOWED);
		assert_true(json_is_true(json_object_get(json_object_get(j, "response"), "allowed")));
		json_decref(j);
		free(req);
	}
	free(obj);
}

static void bad_envelopes(void **state)
{
	(void)state;
	struct adm_opts o = { 0 };
	iw_vopts_init(&o.v);
	const char *bad[] = {
		"{", "[]", "{\"apiVersion\":\"admission.k8s.io/v2\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"x\"}}",
		"{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{}}",
		"{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"Other\",\"request\":{\"uid\":\"x\"}}",
		"{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"x\"},\"request\":{}}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct adm_result res;
		char err[300];
		enum iw_err rc = admission_handle(bad[i], strlen(bad[i]), &o, &res, err, sizeof err);
		free(res.log_fields);
		assert_true(rc == (i < 1 || i == 5 ? IW_ESYNTAX : IW_EINVAL));
		assert_null(res.response);
		assert_int_equal(res.outcome, ADM_INVALID);
		assert_true(strlen(err) > 10);
	}
}

/* The reason is one line even when the request's own strings hold control
 * characters (found by fuzz_review: an apiVersion with a newline). */
static void bad_envelope_reason_is_one_line(void **state)
{
	(void)state;
	struct adm_opts o = { 0 };
	iw_vopts_init(&o.v);
	static const struct { const char *body, *want; } cases[] = {
		{ "{\"apiVersion\":\"admissi\\n.k8s.io/v1\",\"kind\":\"AdmissionReview\"}",
		  "unsupported apiVersion \"admissi\\n.k8s.io/v1\"" },
		{ "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"Admission\\r\\u0007Review\"}",
		  "kind is \"Admission\\r\\aReview\"" },
		{ "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":"
		  "{\"uid\":\"x\",\"operation\":\"CREATE\\nDELETE\"}}",
		  "request.operation \"CREATE\\nDELETE\" is not" },
		{ "{\"a\":\"x\ny\"}", "malformed JSON" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct adm_result res;
		char err[300];
		enum iw_err rc = admission_handle(cases[i].body, strlen(cases[i].body), &o, &res, err,
		                                  sizeof err);
		free(res.log_fields);
		assert_int_not_equal(rc, IW_OK);
		assert_null(res.response);
		assert_int_equal(res.outcome, ADM_INVALID);
		for (const char *p = err; *p; p++)
			assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
		if (!strstr(err, cases[i].want))
			fail_msg("case %zu: %s", i, err);
	}
}

/* An IngressClass goes through the policy as an Ingress does: review and
 * serve warn about a removed apiVersion as lint does. */
static enum iw_err real_policy(void *arg, const struct adm_subject *s, struct findings *out,
                               const char **warning)
{
	(void)warning;
	return adm_check_subject(arg, s, NULL, out);
}

static void ingress_class_gets_the_policy(void **state)
{
	(void)state;
	struct iw_policy *p = iw_policy_new();
	struct adm_opts o = { .policy = real_policy, .policy_arg = p };
	iw_vopts_init(&o.v);
	const char *ic = "{\"apiVersion\":\"networking.k8s.io/v1beta1\",\"kind\":\"IngressClass\","
	                 "\"metadata\":{\"name\":\"nginx\"},\"spec\":{\"controller\":\"k8s.io/x\"}}";
	char *req = request("v1", "CREATE", "IngressClass", ic);
	struct adm_result res;
	char err[300];
	assert_int_equal(admission_handle(req, strlen(req), &o, &res, err, sizeof err), IW_OK);
	free(res.log_fields);
	assert_string_equal(res.response,
		"{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"response\":"
		"{\"uid\":\"u-1\",\"allowed\":true,\"warnings\":[\"deprecated-api: apiVersion: "
		"networking.k8s.io/v1beta1 IngressClass was removed in Kubernetes 1.22 and no API server "
		"of 1.34 to 1.37 serves it: use networking.k8s.io/v1 (`ingress-warden convert` "
		"writes it)\"]}}");
	assert_int_equal(res.outcome, ADM_ALLOWED);
	free(res.response);
	free(req);
	iw_policy_free(p);
}

/* The response and the log fields are written by hand (no jansson object):
 * with strings that need escaping (quotes, backslashes, every control
 * character, '/', UTF-8), the response must be what json_dumps writes for
 * the same object (parse it and dump it again: the same bytes), and the log
 * fields must be JSON members with the request's values. */
static void response_and_log_fields_as_jansson_writes_them(void **state)
{
	(void)state;
	/* as written in the JSON request */
	static const char *const uids[] = {
		"plain", "q\\\"uote", "back\\\\slash", "sl/ash", "\\u0001\\u0002\\u001f\\u007f",
		"\\b\\f\\n\\r\\t", "\\u00e9\\u20ac\\ud83d\\ude00", "\\\\\\\"\\\\",
	};

	struct pol p = { IW_SEV_WARNING, IW_OK, "a \"static\" warning" };
	struct adm_opts o = { .policy = policy, .policy_arg = &p };
	iw_vopts_init(&o.v);
	for (size_t i = 0; i < sizeof uids / sizeof *uids; i++) {
		for (int deny = 0; deny < 2; deny++) {
			char *obj = ingress(deny ? "Bad_Host" : "a.example.com", 80);
			char body[8192];
			snprintf(body, sizeof body,
			         "{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\","
			         "\"request\":{\"uid\":\"%s\",\"kind\":{\"group\":\"networking.k8s.io\","
			         "\"version\":\"v1\",\"kind\":\"Ingress\"},\"namespace\":\"n\\\"s\","
			         "\"name\":\"\",\"operation\":\"CREATE\",\"object\":%s}}", uids[i], obj);
			free(obj);
			struct adm_result res;
			char err[300];
			assert_int_equal(admission_handle(body, strlen(body), &o, &res, err, sizeof err),
			                 IW_OK);
			json_error_t je;
			json_t *j = json_loads(res.response, 0, &je);
			assert_non_null(j);
			char *again = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
			assert_string_equal(res.response, again);
			free(again);
			/* the uid came back, and the verdict */
			json_t *sent = json_loads(body, 0, &je);
			assert_non_null(sent);
			json_t *req = json_object_get(sent, "request");
			json_t *resp = json_object_get(j, "response");
			assert_string_equal(json_string_value(json_object_get(resp, "uid")),
			                    json_string_value(json_object_get(req, "uid")));
			assert_true(json_is_boolean(json_object_get(resp, "allowed")));
			assert_int_equal(json_is_true(json_object_get(resp, "allowed")), !deny);
			assert_true(deny ? json_object_get(resp, "status") != NULL
			                 : json_array_size(json_object_get(resp, "warnings")) == 2);
			/* the log fields: members in this order, the request's values */
			char lf[4096];
			snprintf(lf, sizeof lf, "{%s}", res.log_fields);
			json_t *f = json_loads(lf, 0, &je);
			assert_non_null(f);
			const char *keys[] = { "uid", "kind", "namespace", "name", "operation", "allowed" };
			size_t k = 0;
			const char *key;
			json_t *v;
			json_object_foreach(f, key, v)
				assert_string_equal(key, keys[k++]);
			assert_int_equal(k, 6);
			assert_string_equal(json_string_value(json_object_get(f, "uid")),
			                    json_string_value(json_object_get(req, "uid")));
			assert_string_equal(json_string_value(json_object_get(f, "namespace")), "n\"s");
			/* request.name is empty: the object's own name */
			assert_string_equal(json_string_value(json_object_get(f, "name")), "web");
			assert_int_equal(json_is_true(json_object_get(f, "allowed")), !deny);
			json_decref(f);
			json_decref(j);
			json_decref(sent);
			free(res.response);
			free(res.log_fields);
		}
	}
}

/* The nesting bound is checked on the raw bytes, strings skipped: the same
 * answer as a byte-by-byte scan (written here as the reference) on random
 * mixes of brackets, quotes, backslashes and letters. */
static long depth_reference(const char *s, size_t len)
{
	int depth = 0;
	bool in_str = false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
		} else if (c == '"') {
			in_str = true;
		} else if (c == '{' || c == '[') {
			if (++depth > ADM_MAX_DEPTH)
				return (long)i;
		} else if ((c == '}' || c == ']') && depth > 0) {
			depth--;
		}
	}
	return -1;
}

static void nesting_bound_skips_strings(void **state)
{
	(void)state;
	static const char alphabet[] = "[[[[[{]}\"\\a";
	struct adm_opts o = { 0 };
	iw_vopts_init(&o.v);
	unsigned seed = 7;
	char body[600], err[300], want[64];
	for (int round = 0; round < 20000; round++) {
		size_t n = 1 + (size_t)(round % 599);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			body[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
		}
		body[n] = '\0';
		struct adm_result res;
		enum iw_err rc = admission_handle(body, n, &o, &res, err, sizeof err);
		long at = depth_reference(body, n);
		if (at >= 0) {
			assert_int_equal(rc, IW_ETOOBIG);
			snprintf(want, sizeof want, "(at byte %ld)", at);
			assert_non_null(strstr(err, want));
		} else {
			assert_int_not_equal(rc, IW_ETOOBIG);
		}
		free(res.response);
		free(res.log_fields);
	}
}

/* ---- issue 11, item 6: what an answer and a log line echo is bounded */

/* A request around 'obj' with the given uid (3 MB ones too). */
static char *request_uid(const char *uid, const char *obj)
{
	size_t n = strlen(uid) + strlen(obj) + 512;
	char *b = malloc(n);
	assert_non_null(b);
	snprintf(b, n, "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
	               "\"request\":{\"uid\":\"%s\",\"kind\":{\"group\":\"networking.k8s.io\","
	               "\"version\":\"v1\",\"kind\":\"Ingress\"},\"namespace\":\"shop\","
	               "\"operation\":\"CREATE\",\"object\":%s}}", uid, obj);
	return b;
}

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);
	assert_non_null(s);
	memset(s, c, n);
	s[n] = 0;
	return s;
}

/* the uid is echoed whole (the API server compares it) but logged cut; a
 * 3 MB name gives a 422 of a few KB that says the name's length */
static void long_uid_and_name(void **state)
{
	(void)state;
	struct adm_opts o = { 0 };
	iw_vopts_init(&o.v);
	size_t big = 3000000;
	char *uid = repeat('u', big), *obj = ingress("a.example.com", 80);
	char *req = request_uid(uid, obj);
	struct adm_result res;
	char err[300];
	assert_int_equal(admission_handle(req, strlen(req), &o, &res, err, sizeof err), IW_OK);
	assert_int_equal(res.outcome, ADM_ALLOWED);
	char *want = malloc(big + 200);
	snprintf(want, big + 200, "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
	                          "\"response\":{\"uid\":\"%s\",\"allowed\":true}}", uid);
	assert_string_equal(res.response, want);
	char lf[1024];
	snprintf(lf, sizeof lf, "\"uid\":\"%.*s\xe2\x80\xa6 (3000000 bytes)\",\"kind\":\"Ingress\","
	                        "\"namespace\":\"shop\",\"name\":\"web\",\"operation\":\"CREATE\","
	                        "\"allowed\":true", ADM_LOG_VALUE_MAX, uid);
	assert_string_equal(res.log_fields, lf);
	free(res.response);
	free(res.log_fields);
	free(req);
	free(obj);
	free(want);

	/* metadata.name of 3 MB: one error (too long; the DNS-1123 check of
	 * the API server is not run on a name that long either) */
	char *name = repeat('n', big);
	size_t on = big + 1024;
	obj = malloc(on);
	snprintf(obj, on, "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"metadata\":"
	                  "{\"name\":\"%s\",\"namespace\":\"shop\"},\"spec\":{\"defaultBackend\":"
	                  "{\"service\":{\"name\":\"s\",\"port\":{\"number\":80}}}}}", name);
	req = request_uid("u-2", obj);
	assert_int_equal(admission_handle(req, strlen(req), &o, &res, err, sizeof err), IW_OK);
	assert_int_equal(res.outcome, ADM_DENIED);
	assert_true(res.response_len < 8192);   /* was 12 MB */
	json_error_t je;
	json_t *j = json_loads(res.response, 0, &je);
	assert_non_null(j);
	json_t *st = json_object_get(json_object_get(j, "response"), "status");
	assert_int_equal(json_integer_value(json_object_get(st, "code")), 422);
	char shown[FE_ECHO_MAX + 64];
	snprintf(shown, sizeof shown, "%.*s\xe2\x80\xa6 (3000000 bytes)", FE_ECHO_MAX, name);
	json_t *details = json_object_get(st, "details");
	assert_string_equal(json_string_value(json_object_get(details, "name")), shown);
	char msg[3 * FE_ECHO_MAX];
	snprintf(msg, sizeof msg, "Ingress.networking.k8s.io \"%.*s\xe2\x80\xa6\" (3000000 bytes) is "
	                          "invalid: metadata.name: Invalid value: \"%.*s\xe2\x80\xa6\" (3000000 "
	                          "bytes): must be no more than 253 characters",
	         FE_ECHO_MAX, name, FE_ECHO_MAX, name);
	assert_string_equal(json_string_value(json_object_get(st, "message")), msg);
	assert_int_equal(json_array_size(json_object_get(details, "causes")), 1);
	json_decref(j);
	free(res.response);
	free(res.log_fields);
	free(req);
	free(obj);
	free(name);
	free(uid);
}

/* a 422 with 150 distinct errors: 100 causes, the message counts the rest */
static void causes_capped(void **state)
{
	(void)state;
	struct adm_opts o = { 0 };
	iw_vopts_init(&o.v);
	struct buf paths;
	buf_init(&paths, 1u << 20);
	for (int i = 0; i < 150; i++)
		buf_printf(&paths, "%s{\"path\":\"p%d\",\"pathType\":\"Prefix\",\"backend\":{\"service\":"
		                   "{\"name\":\"s\",\"port\":{\"number\":80}}}}", i ? "," : "", i);
	char *obj = malloc(paths.len + 512);
	sprintf(obj, "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"metadata\":"
	             "{\"name\":\"web\",\"namespace\":\"shop\"},\"spec\":{\"rules\":[{\"host\":"
	             "\"a.example.com\",\"http\":{\"paths\":[%s]}}]}}", paths.p);
	buf_release(&paths);
	char *req = request_uid("u-3", obj);
	struct adm_result res;
	json_t *j = decide(req, &o, &res);
	assert_int_equal(res.outcome, ADM_DENIED);
	json_t *st = json_object_get(json_object_get(j, "response"), "status");
	json_t *causes = json_object_get(json_object_get(st, "details"), "causes");
	assert_int_equal(json_array_size(causes), ADM_MAX_CAUSES);
	assert_string_equal(json_string_value(json_object_get(json_array_get(causes, 99), "field")),
	                    "spec.rules[0].http.paths[99].path");
	const char *msg = json_string_value(json_object_get(st, "message"));
	const char *tail = "spec.rules[0].http.paths[99].path: Invalid value: \"p99\": must be an "
	                   "absolute path, and 50 more errors]";
	assert_true(strlen(msg) > strlen(tail));
	assert_string_equal(msg + strlen(msg) - strlen(tail), tail);
	json_decref(j);
	free(req);
	free(obj);
}

/* A policy of many findings: n of severity sev, each message 'len' bytes
 * long and distinct, then (more > 0) a closing finding standing for more. */
struct many { size_t n, len, more; enum iw_severity sev; bool same; };

static enum iw_err many_findings(void *arg, const struct adm_subject *s, struct findings *out,
                                 const char **warning)
{
	(void)s;
	(void)warning;
	const struct many *m = arg;
	char *pad = repeat('x', m->len);
	for (size_t i = 0; i < m->n; i++)
		findings_add(out, "duplicate-path", m->sev, FP_IDX(FP_KEY(NULL, "paths"), m->same ? 0 : i),
		             "%04zu%s", m->same ? 0 : i, pad + 4);
	free(pad);
	if (m->more && findings_add(out, "duplicate-path", m->sev, NULL, "%zu more findings of "
	                            "this check are not listed (at most 100 per object)",
	                            m->more) == IW_OK)
		out->v[out->n - 1].more = m->more;
	return out->err;
}

static size_t runes(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* warnings as the API server keeps them: whole when they fit in 4,096
 * characters; else each cut at 256 and as many as fit, then one that
 * counts the rest (the findings a closing one stands for included) */
static void warnings_capped_like_the_api_server(void **state)
{
	(void)state;
	struct many m = { 10, 40, 0, IW_SEV_WARNING, false };
	struct adm_opts o = { .policy = many_findings, .policy_arg = &m };
	iw_vopts_init(&o.v);
	char *obj = ingress("a.example.com", 80);
	char *req = request("v1", "CREATE", "Ingress", obj);
	struct adm_result res;
	json_t *j = decide(req, &o, &res);
	json_t *w = json_object_get(json_object_get(j, "response"), "warnings");
	assert_int_equal(json_array_size(w), 10);
	assert_string_equal(json_string_value(json_array_get(w, 9)),
	                    "duplicate-path: paths[9]: 0009xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	json_decref(j);

	m = (struct many){ 1000, 300, 29000, IW_SEV_WARNING, false };
	j = decide(req, &o, &res);
	assert_int_equal(res.outcome, ADM_ALLOWED);
	w = json_object_get(json_object_get(j, "response"), "warnings");
	size_t k = json_array_size(w) - 1, total = 0;
	char more[200];
	int more_runes = snprintf(more, sizeof more, "ingress-warden: %zu more warnings are not listed "
	                          "(the API server keeps 4096 characters of warnings)", (size_t)30000);
	assert_int_equal(k, (4096 - (size_t)more_runes) / 256);   /* as many as fit */
	for (size_t i = 0; i < k; i++) {
		const char *s = json_string_value(json_array_get(w, i));
		char want[512];
		int n = snprintf(want, sizeof want, "duplicate-path: paths[%zu]: %04zu", i, i);
		memset(want + n, 'x', 255 - (size_t)n);
		strcpy(want + 255, "\xe2\x80\xa6");
		assert_string_equal(s, want);
		total += runes(s);
	}
	snprintf(more, sizeof more, "ingress-warden: %zu more warnings are not listed (the API "
	         "server keeps 4096 characters of warnings)", 1000 - k + 29000);
	assert_string_equal(json_string_value(json_array_get(w, k)), more);
	total += runes(more);
	assert_true(total <= 4096);
	json_decref(j);

	/* repeats are dropped (as the API server does) before counting */
	m = (struct many){ 5000, 300, 0, IW_SEV_WARNING, true };
	j = decide(req, &o, &res);
	w = json_object_get(json_object_get(j, "response"), "warnings");
	assert_int_equal(json_array_size(w), 1);
	assert_int_equal(strlen(json_string_value(json_array_get(w, 0))), strlen("duplicate-path: paths[0]: ") + 300);
	json_decref(j);
	free(req);
	free(obj);
}

/* a 403 with 150 error findings: 100 causes, the message says the rest */
static void forbidden_causes_capped(void **state)
{
	(void)state;
	struct many m = { 150, 10, 0, IW_SEV_ERROR, false };
	struct adm_opts o = { .policy = many_findings, .policy_arg = &m };
	iw_vopts_init(&o.v);
	char *obj = ingress("a.example.com", 80);
	char *req = request("v1", "CREATE", "Ingress", obj);
	struct adm_result res;
	json_t *j = decide(req, &o, &res);
	assert_int_equal(res.outcome, ADM_DENIED);
	json_t *st = json_object_get(json_object_get(j, "response"), "status");
	assert_int_equal(json_integer_value(json_object_get(st, "code")), 403);
	assert_int_equal(json_array_size(json_object_get(json_object_get(st, "details"), "causes")),
	                 ADM_MAX_CAUSES);
	const char *msg = json_string_value(json_object_get(st, "message"));
	const char *tail = "; duplicate-path: paths[99]: 0099xxxxxx; and 50 more";
	assert_string_equal(msg + strlen(msg) - strlen(tail), tail);
	json_decref(j);
	free(req);
	free(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(invalid_is_422_with_distinct_causes),
		cmocka_unit_test(policy_error_is_403_warning_goes_to_warnings),
		cmocka_unit_test(not_ours_is_allowed),
		cmocka_unit_test(bad_envelopes),
		cmocka_unit_test(bad_envelope_reason_is_one_line),
		cmocka_unit_test(ingress_class_gets_the_policy),
		cmocka_unit_test(response_and_log_fields_as_jansson_writes_them),
		cmocka_unit_test(nesting_bound_skips_strings),
		cmocka_unit_test(long_uid_and_name),
		cmocka_unit_test(causes_capped),
		cmocka_unit_test(warnings_capped_like_the_api_server),
		cmocka_unit_test(forbidden_causes_capped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
