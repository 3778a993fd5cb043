/* serve's review path (webhook/review_glue.c) parses each AdmissionReview in a
 * jansson arena of its worker thread (load/jarena.h): its answers must be the
 * bytes `review` computes on the heap, for every case of the validation corpus
 * (with every check at its default), and the arena must give everything back
 * at its reset.  Under AddressSanitizer, a value kept past the reset, or arena
 * memory handed to free() (json_dumps' string once was: validate/objectmeta.c),
 * is reported here. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admission/admission.h"
#include "checks/policy.h"
#include "webhook/review_glue.h"

#define CORPUS "tests/corpus/validation.jsonl"

/* The AdmissionReview of one corpus case, as tests/e2e/same_verdict.py builds it. */
static char *review_of(const json_t *c, const char *uid)
{
	const json_t *obj = json_object_get(c, "object");
	const json_t *old = json_object_get(c, "oldObject");
	const char *op = json_string_value(json_object_get(c, "operation"));
	const char *kind = json_string_value(json_object_get(obj, "kind"));
	json_t *req = json_pack("{s:s, s:{s:s, s:s, s:s}, s:s, s:O}", "uid", uid, "kind",
	                        "group", "networking.k8s.io", "version", "v1", "kind",
	                        kind ? kind : "Ingress", "operation", op ? op : "CREATE", "object", obj);
	assert_non_null(req);
	if (old && !json_is_null(old))
		json_object_set(req, "oldObject", (json_t *)old);
	json_t *r = json_pack("{s:s, s:s, s:o}", "apiVersion", "admission.k8s.io/v1", "kind",
	                      "AdmissionReview", "request", req);
	assert_non_null(r);
	char *s = json_dumps(r, JSON_COMPACT);
	json_decref(r);
	assert_non_null(s);
	return s;
}

static enum iw_err heap_policy(void *arg, const struct adm_subject *s, struct findings *out,
                               const char **warning)
{
	(void)warning;
	return adm_check_subject(arg, s, NULL, out);
}

static void corpus_same_answers(void **state)
{
	(void)state;
	char err[256];
	struct wh_glue *g = wh_glue_new(err, sizeof err);   /* installs the arena hooks */
	assert_non_null(g);
	struct iw_policy *p = iw_policy_new();
	assert_non_null(p);
	struct adm_opts o = { .policy = heap_policy, .policy_arg = p };
	iw_vopts_init(&o.v);

	FILE *f = fopen(CORPUS, "r");
	assert_non_null(f);
	char *line = NULL;
	size_t cap = 0, n = 0, denied = 0;
	while (getline(&line, &cap, f) > 0) {
		json_error_t je;
		json_t *c = json_loads(line, 0, &je);
		assert_non_null(c);
		char uid[64];
		snprintf(uid, sizeof uid, "arena-%zu", n);
		char *body = review_of(c, uid);
		json_decref(c);

		/* on the heap, as `review` runs it */
		struct adm_result res;
		char msg[300];
		enum iw_err rc = admission_handle(body, strlen(body), &o, &res, msg, sizeof msg);
		free(res.log_fields);
		/* through serve's glue: this thread's arena */
		struct wh_answer ans = { 0 };
		struct wh_review_info info = { 0 };
		int grc = wh_glue_review(g, body, strlen(body), &ans, &info);
		free(info.log_fields);
		if (rc) {
			assert_int_equal(grc, 0);
			assert_int_equal(ans.status, 400);   /* not an answerable request either way */
		} else {
			assert_int_equal(grc, 0);
			assert_int_equal(ans.status, 200);
			/* the same bytes, and a newline */
			assert_int_equal(ans.len, res.response_len + 1);
			if (memcmp(ans.body, res.response, res.response_len))
				fail_msg("case %zu: serve's answer %.300s\n  review's %.300s", n, ans.body,
				         res.response);
			denied += res.outcome == ADM_DENIED;
		}
		free(res.response);
		free(ans.body);
		free(body);
		n++;
	}
	free(line);
	fclose(f);
	/* the corpus as tests/suites/corpus-validation.sh knows it */
	assert_int_equal(n, 215);
	assert_true(denied > 50);
	iw_policy_free(p);
	wh_glue_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(corpus_same_answers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
