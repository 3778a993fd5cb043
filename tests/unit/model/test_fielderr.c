/* Field error rendering: Go %q, ErrorBody, field paths, the 422 message. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/fielderr.h"

static void quote_like_go(void **state)
{
	(void)state;
	static const struct { const char *in, *out; } cases[] = {
		{ "Foo", "\"Foo\"" },
		{ "", "\"\"" },
		{ "a\"b\\c", "\"a\\\"b\\\\c\"" },
		{ "tab\there\n", "\"tab\\there\\n\"" },
		{ "\x01\x7f", "\"\\x01\\x7f\"" },
		{ "caf\xc3\xa9", "\"caf\xc3\xa9\"" },
		{ "bad\xff", "\"bad\\xff\"" },
		{ "\xc2\x85", "\"\\u0085\"" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *q = fe_quote(cases[i].in);
		assert_non_null(q);
		assert_string_equal(q, cases[i].out);
		free(q);
	}
}

static void path_rendering(void **state)
{
	(void)state;
	char buf[64];
	const struct fpath *spec = FP_KEY(NULL, "spec");
	const struct fpath *p = FP_KEY(FP_IDX(FP_KEY(spec, "rules"), 3), "host");
	assert_int_equal(fpath_render(p, buf, sizeof buf), strlen("spec.rules[3].host"));
	assert_string_equal(buf, "spec.rules[3].host");
	/* truncation keeps the buffer terminated and reports the full length */
	assert_int_equal(fpath_render(p, buf, 5), strlen("spec.rules[3].host"));
	assert_string_equal(buf, "spec");
}

static void bodies_and_message(void **state)
{
	(void)state;
	struct errlist el = { 0 };
	char *q = fe_quote("Foo");
	fe_add(&el, FE_INVALID, FP_KEY(FP_IDX(FP_KEY(FP_KEY(NULL, "spec"), "rules"), 0), "host"), q,
	       "must be %s", "lower case");
	fe_add(&el, FE_REQUIRED, FP_KEY(NULL, "spec"), NULL, NULL);
	fe_add(&el, FE_TOO_LONG, FP_KEY(NULL, "metadata"), NULL, "may not be more than %d bytes", 10);
	fe_add(&el, FE_REQUIRED, FP_KEY(NULL, "spec"), NULL, NULL); /* duplicate: once in the message */
	free(q);
	assert_int_equal(el.n, 4);
	char *s = fe_string(&el.v[0]);
	assert_string_equal(s, "spec.rules[0].host: Invalid value: \"Foo\": must be lower case");
	free(s);
	s = fe_string(&el.v[1]);
	assert_string_equal(s, "spec: Required value");
	free(s);
	s = fe_body(&el.v[2]);
	assert_string_equal(s, "Too long: may not be more than 10 bytes");
	free(s);
	assert_string_equal(fe_type_reason(el.v[2].type), "FieldValueTooLong");
	char *m = fe_invalid_message(&el, "Ingress", "networking.k8s.io", "web");
	assert_string_equal(m, "Ingress.networking.k8s.io \"web\" is invalid: [spec.rules[0].host: Invalid "
	                       "value: \"Foo\": must be lower case, spec: Required value, metadata: Too "
	                       "long: may not be more than 10 bytes]");
	free(m);
	errlist_release(&el);
	fe_add(&el, FE_REQUIRED, FP_KEY(NULL, "spec"), NULL, NULL);
	fe_add(&el, FE_REQUIRED, FP_KEY(NULL, "spec"), NULL, NULL);
	m = fe_invalid_message(&el, "Ingress", "networking.k8s.io", "");
	assert_string_equal(m, "Ingress.networking.k8s.io \"\" is invalid: spec: Required value");
	free(m);
	errlist_release(&el);
}

/* A bad value over FE_ECHO_MAX bytes is cut on a character boundary, with
 * its length (issue 11: a 3 MB name made a 12.6 MB answer); the aggregated
 * message lists FE_MAX_LISTED distinct errors and counts the rest */
static void long_values_and_many_errors(void **state)
{
	(void)state;
	size_t n = 3000000;
	char *big = malloc(n + 1);
	assert_non_null(big);
	memset(big, 'a', n);
	big[n] = 0;
	char want[FE_ECHO_MAX + 64];
	want[0] = '"';
	memset(want + 1, 'a', FE_ECHO_MAX);
	strcpy(want + 1 + FE_ECHO_MAX, "\xe2\x80\xa6\" (3000000 bytes)");
	char *q = fe_quote(big);
	assert_string_equal(q, want);
	free(q);
	/* "é" is two bytes: FE_ECHO_MAX - 1 bytes of 'a' then é does not fit */
	memset(big, 'a', FE_ECHO_MAX - 1);
	strcpy(big + FE_ECHO_MAX - 1, "\xc3\xa9xyz");
	memcpy(want + 1, big, FE_ECHO_MAX - 1);
	strcpy(want + FE_ECHO_MAX, "\xe2\x80\xa6\" (1028 bytes)");
	q = fe_quote(big);
	assert_string_equal(q, want);
	free(q);
	free(big);

	struct errlist el = { 0 };
	char path[64];
	for (int i = 0; i < 250; i++) {
		snprintf(path, sizeof path, "spec.rules[0].http.paths[%d].path", i % 120);
		fe_add_str(&el, FE_INVALID, path, "\"x\"", "must be an absolute path");
	}
	char *msg = fe_invalid_message(&el, "Ingress", "networking.k8s.io", "web");
	assert_non_null(msg);
	assert_non_null(strstr(msg, "Ingress.networking.k8s.io \"web\" is invalid: [spec.rules[0]."
	                            "http.paths[0].path: Invalid value: \"x\": must be an absolute "
	                            "path, spec.rules[0].http.paths[1].path"));
	const char *tail = ", spec.rules[0].http.paths[99].path: Invalid value: \"x\": must be an "
	                   "absolute path, and 20 more errors]";
	assert_string_equal(msg + strlen(msg) - strlen(tail), tail);
	free(msg);
	char **strs;
	size_t *idx, nd;
	assert_int_equal(fe_distinct(&el, &strs, &idx, &nd), IW_OK);
	assert_int_equal(nd, 120);
	for (size_t i = 0; i < nd; i++) {
		assert_int_equal(idx[i], i);   /* the first of each, in list order */
		free(strs[i]);
	}
	free(strs);
	free(idx);
	errlist_release(&el);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quote_like_go),
		cmocka_unit_test(path_rendering),
		cmocka_unit_test(bodies_and_message),
		cmocka_unit_test(long_values_and_many_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
