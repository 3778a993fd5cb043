/* webhook/httphead.h, the pure part: tokens, field values, Host values,
 * request-targets, Transfer-Encoding lists (RFC 9110, RFC 9112).  The part
 * that reads MHD's buffer is tested over sockets (tests/suites/hostile.sh). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "webhook/httphead.h"

#define S(x) (x), (sizeof(x) - 1)

static void tokens_and_values(void **state)
{
	(void)state;
	assert_true(wh_http_token(S("Content-Length")));
	assert_true(wh_http_token(S("X-a!#$%&'*+.^_`|~9")));
	assert_false(wh_http_token(S("")));
	assert_false(wh_http_token(S("Host ")));        /* whitespace before the colon */
	assert_false(wh_http_token(S("Ho st")));
	assert_false(wh_http_token(S("Ho\0st")));
	assert_false(wh_http_token(S("Host\t")));
	assert_false(wh_http_token(S("a:b")));
	assert_true(wh_http_value_ok(S("text/plain; q=0.5\twith tab")));
	assert_true(wh_http_value_ok(S("")));
	assert_true(wh_http_value_ok(S("caf\xc3\xa9")));  /* obs-text */
	assert_false(wh_http_value_ok(S("a\rb")));         /* bare CR */
	assert_false(wh_http_value_ok(S("a\nb")));
	assert_false(wh_http_value_ok(S("a\0b")));
	assert_false(wh_http_value_ok(S("a\x7f")));
	assert_false(wh_http_value_ok(S("\x01")));
}

static void hosts(void **state)
{
	(void)state;
	static const char *const good[] = {
		"", "example.com", "example.com:8080", "a-b.c_d~e", "127.0.0.1:80", "[::1]",
		"[::1]:8443", "[2001:db8::1]", "ex%41mple.com", "sub!$&'()*+,;=", "host:",
	};
	static const char *const bad[] = {
		"example.com x", " example.com", "example.com/", "user@example.com", "a:b:c",
		"[::1", "[]", "[::g]", "[::1]x", "example.com:80a", "ex%4", "ex%zz.com", "a\tb",
		"a\"b", "a#b", "a?b",
	};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		if (!wh_http_host_ok(good[i], strlen(good[i])))
			fail_msg("Host '%s' refused", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (wh_http_host_ok(bad[i], strlen(bad[i])))
			fail_msg("Host '%s' accepted", bad[i]);
	assert_false(wh_http_host_ok(S("exa\0mple.com")));
}

static void target_is(const char *t, const char *auth, const char *path)
{
	const char *a, *p;
	size_t al, pl;
	if (wh_http_target(t, strlen(t), &a, &al, &p, &pl) < 0)
		fail_msg("target '%s' refused", t);
	if (auth) {
		if (!a || al != strlen(auth) || memcmp(a, auth, al))
			fail_msg("target '%s': authority '%.*s', want '%s'", t, (int)(a ? al : 0), a ? a : "", auth);
	} else if (a) {
		fail_msg("target '%s': an authority", t);
	}
	if (pl != strlen(path) || memcmp(p, path, pl))
		fail_msg("target '%s': path '%.*s', want '%s'", t, (int)pl, p, path);
}

static void targets(void **state)
{
	(void)state;
	target_is("/", NULL, "/");
	target_is("/foo/x?q=1&b", NULL, "/foo/x");
	target_is("/a%2Fb", NULL, "/a%2Fb");
	target_is("*", NULL, "*");
	target_is("http://app.example.com/foo?x", "app.example.com", "/foo");
	target_is("HTTPS://app.example.com:8443", "app.example.com:8443", "/");
	target_is("http://app.example.com?x=1", "app.example.com", "/");
	target_is("http://[::1]:80/p", "[::1]:80", "/p");
	static const char *const bad[] = {
		"", "foo", "example.com:443", "http://", "http:///x", "http://u@h/", "ftp://h/",
		"http://h h/", "/a b", "/a\tb", "/a\x01", "/a\x7f", "http://h:x/",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		const char *a, *p;
		size_t al, pl;
		if (wh_http_target(bad[i], strlen(bad[i]), &a, &al, &p, &pl) == 0)
			fail_msg("target '%s' accepted", bad[i]);
	}
}

static unsigned te(const char *a, const char *b)
{
	const char *v[2] = { a, b };
	size_t l[2] = { strlen(a), b ? strlen(b) : 0 };
	return wh_http_te(v, l, b ? 2 : 1);
}

static void transfer_codings(void **state)
{
	(void)state;
	assert_int_equal(te("chunked", NULL), 0);
	assert_int_equal(te("Chunked", NULL), 0);
	assert_int_equal(te("gzip", NULL), 501);
	assert_int_equal(te("gzip, chunked", NULL), 501);
	assert_int_equal(te("chunked, identity", NULL), 501);
	assert_int_equal(te("gzip", "chunked"), 501);
	assert_int_equal(te("chunked", "chunked"), 400);
	assert_int_equal(te("chunked, chunked", NULL), 400);
	assert_int_equal(te("", NULL), 400);
	/* chunked by RFC 9110's list rule, but not what MHD 0.9.75 decodes as chunked */
	assert_int_equal(te("chunked ", NULL), 400);
	assert_int_equal(te(", chunked", NULL), 400);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tokens_and_values),
		cmocka_unit_test(hosts),
		cmocka_unit_test(targets),
		cmocka_unit_test(transfer_codings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
