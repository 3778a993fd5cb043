/* Request normalisation (router/norm.h): the host (sec. 3) and the path
 * (sec. 4) of tests/corpus/ROUTING-SEMANTICS.md, and what each step reports. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "router/norm.h"

#define N(a) (sizeof(a) / sizeof *(a))

static void host_normalisation(void **state)
{
	(void)state;
	static const struct { const char *in, *out; int kind; } cases[] = {
		{ "foo.bar.com", "foo.bar.com", RT_HOST_NAME },
		{ "FOO.Bar.COM", "foo.bar.com", RT_HOST_NAME },
		{ "foo.bar.com:8080", "foo.bar.com", RT_HOST_NAME },
		{ "foo.bar.com.", "foo.bar.com", RT_HOST_NAME },
		{ "Foo.Bar.Com.:443", "foo.bar.com", RT_HOST_NAME },
		{ "", "", RT_HOST_EMPTY },
		{ ":80", "", RT_HOST_EMPTY },
		{ "192.0.2.10:8080", "192.0.2.10", RT_HOST_IP },
		{ "[2001:db8::1]:8080", "[2001:db8::1]", RT_HOST_IP },
		{ "[::1]", "[::1]", RT_HOST_IP },
		{ "1.2.3", "1.2.3", RT_HOST_NAME },
		{ "256.1.1.1", "256.1.1.1", RT_HOST_NAME },
		{ "a:b:c", "a:b", RT_HOST_NAME },
		{ ":", "", RT_HOST_EMPTY },
		{ ".", "", RT_HOST_EMPTY },
		{ "foo.com:ABC", "foo.com", RT_HOST_NAME },
		{ "[::1]:80", "[::1]", RT_HOST_IP },
		{ "192.0.2.10.", "192.0.2.10", RT_HOST_IP },
		/* longer than a word: copied eight bytes at a time when possible */
		{ "abcdefghijklmnoP.example.COM", "abcdefghijklmnop.example.com", RT_HOST_NAME },
		{ "abcdefgh\xc1\xdaijklmn.com", "abcdefgh\xc1\xdaijklmn.com", RT_HOST_NAME },
		{ "abcdefghijklmnop.com:8080", "abcdefghijklmnop.com", RT_HOST_NAME },
		{ "abcdefghijklmnop.com.:ABCDEFGHIJ", "abcdefghijklmnop.com", RT_HOST_NAME },
		{ "@[`{abcdefghijkl", "@[`{abcdefghijkl", RT_HOST_NAME },
	};
	for (size_t i = 0; i < N(cases); i++) {
		char buf[64];
		size_t n;
		int k = rt_norm_host(cases[i].in, strlen(cases[i].in), buf, sizeof buf, &n, NULL);
		assert_int_equal(k, cases[i].kind);
		assert_string_equal(buf, cases[i].out);
		assert_int_equal(n, strlen(cases[i].out));
	}
	char big[RT_MAX_HOST + 10];
	memset(big, 'a', sizeof big);
	char out[sizeof big + 1];
	size_t n;
	assert_int_equal(rt_norm_host(big, sizeof big, out, sizeof out, &n, NULL), -1);
	/* the changes reported, exactly: letters after the ':' are the port's */
	static const struct { const char *in; unsigned ch; } chs[] = {
		{ "foo.com", 0 },
		{ "Foo.com", RT_N_CASE },
		{ "foo.com:ABC", RT_N_PORT },
		{ "FOO:80", RT_N_CASE | RT_N_PORT },
		{ "foo.:80", RT_N_DOT | RT_N_PORT },
		{ "foo.", RT_N_DOT },
		{ "[::1]:80", RT_N_PORT },
		{ "[::A]", RT_N_CASE },
		{ "", 0 },
		{ "abcdefghijklmnop.com", 0 },
		{ "abcdefgh\xc1\xdaijklmn.com", 0 },
		{ "abcdefghijklmnoP.com", RT_N_CASE },
		{ "abcdefghijklmnop.com:8080", RT_N_PORT },
		{ "abcdefghijklmnop.com.:ABCDEFGHIJ", RT_N_PORT | RT_N_DOT },
	};
	for (size_t i = 0; i < N(chs); i++) {
		char buf[64];
		unsigned ch = 12345;
		assert_true(rt_norm_host(chs[i].in, strlen(chs[i].in), buf, sizeof buf, &n, &ch) >= 0);
		assert_int_equal(ch, chs[i].ch);
	}
}

/* On random targets: the result is normal (normalising it again changes
 * nothing and reports no change), and a target that is normal comes back
 * as it is, with no change reported (an already normal path is copied by
 * a shortcut: it must agree with the full steps). */
static void path_normalisation_is_idempotent(void **state)
{
	(void)state;
	/* no '%' without two hex digits after it: decoding "%%41" gives "%A",
	 * which a second pass would read as an escape (the steps are defined
	 * for one pass, sec. 4) */
	static const char *const parts[] = { "/", "//", "a", ".", "..", "%41", "%2f", "%2E", "?q",
	                                     "#f", "b.c", "~", "/.", "x", "%7e" };
	unsigned seed = 3;
	char in[64], out[80], again[80];
	for (int round = 0; round < 100000; round++) {
		size_t n = 0;
		in[0] = '\0';
		for (int k = 0; k < 5; k++) {
			seed = seed * 1103515245u + 12345u;
			const char *p = parts[(seed >> 16) % (sizeof parts / sizeof *parts)];
			if (n + strlen(p) + 1 < sizeof in)
				n += (size_t)snprintf(in + n, sizeof in - n, "%s", p);
		}
		unsigned c1, c2;
		long l1 = rt_norm_path(in, n, out, sizeof out, &c1);
		assert_true(l1 > 0);
		long l2 = rt_norm_path(out, (size_t)l1, again, sizeof again, &c2);
		assert_int_equal(l2, l1);
		assert_string_equal(again, out);
		assert_int_equal(c2, 0);
		if (c1 == 0) {
			assert_int_equal(l1, (long)n);
			assert_string_equal(out, in);
		}
	}
}

static void path_normalisation(void **state)
{
	(void)state;
	static const struct { const char *in, *out; } cases[] = {
		{ "/", "/" },
		{ "", "/" },
		{ "foo", "/foo" },
		{ "/foo?x=/bar", "/foo" },
		{ "/faq#shipping", "/faq" },
		{ "/f%6Fo", "/foo" },
		{ "/%7Euser/docs", "/~user/docs" },
		{ "/aaa%2fbbb", "/aaa%2Fbbb" },
		{ "/aaa%2Fbbb", "/aaa%2Fbbb" },
		{ "/a%20b", "/a%20b" },
		{ "/a%zzb%", "/a%zzb%" },
		{ "/a%4", "/a%4" },
		{ "//a///b", "/a/b" },
		{ "/foo/./bar/", "/foo/bar/" },
		{ "/bar/../foo", "/foo" },
		{ "/public/%2E%2E/admin/panel", "/admin/panel" },
		{ "/a/b/..", "/a/" },
		{ "/a/.", "/a/" },
		{ "/a/../", "/" },
		{ "/..", "/" },
		{ "/.hidden/..x", "/.hidden/..x" },
		{ "/foo/", "/foo/" },
		{ "/Mixed/Case", "/Mixed/Case" },
		/* already-normal paths and near misses of the copy-as-is fast path */
		{ "/a/.b", "/a/.b" },
		{ "/a/..b", "/a/..b" },
		{ "/a.b/c.", "/a.b/c." },
		{ "/a/b/.", "/a/b/" },
		{ "/.", "/" },
		{ "/a/.?x", "/a/" },
		{ "/a?/../b", "/a" },
		{ "/a#/./b", "/a" },
		{ "/a?x%2e//", "/a" },
		{ "?x", "/" },
		{ "#", "/" },
		{ "/a/?x", "/a/" },
		{ "/a//", "/a/" },
		{ "/a%2e%2e/b", "/a../b" },
		{ "/a/%2e/b", "/a/b" },
		{ "/a/%2E%2e/b", "/b" },
		{ "a/./b", "/a/b" },
		{ "/%41", "/A" },
	};
	for (size_t i = 0; i < N(cases); i++) {
		char buf[64];
		long n = rt_norm_path(cases[i].in, strlen(cases[i].in), buf, sizeof buf, NULL);
		assert_true(n >= 0);
		assert_string_equal(buf, cases[i].out);
		assert_int_equal((size_t)n, strlen(cases[i].out));
	}
	unsigned ch = 0;
	char buf[64];
	rt_norm_path("/a//b/../c?q", 12, buf, sizeof buf, &ch);
	assert_string_equal(buf, "/a/c");
	assert_true(ch & RT_N_SLASHES);
	assert_true(ch & RT_N_DOTSEG);
	assert_true(ch & RT_N_QUERY);
	/* the changes reported, exactly */
	static const struct { const char *in; unsigned ch; } chs[] = {
		{ "/a/b", 0 },
		{ "/a/b/", 0 },
		{ "/", 0 },
		{ "/a?x", RT_N_QUERY },
		{ "/a?//x/../%41", RT_N_QUERY },
		{ "/a/./b", RT_N_DOTSEG },
		{ "/a/.b", 0 },
		{ "/a%41", RT_N_PCT },
		{ "/a%2f", RT_N_PCT_UPPER },
		{ "/a%2F", 0 },
		{ "a", RT_N_ROOT },
		{ "", RT_N_ROOT },
		{ "/a//b", RT_N_SLASHES },
	};
	for (size_t i = 0; i < N(chs); i++) {
		ch = 12345;
		assert_true(rt_norm_path(chs[i].in, strlen(chs[i].in), buf, sizeof buf, &ch) >= 0);
		assert_int_equal(ch, chs[i].ch);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(host_normalisation),
		cmocka_unit_test(path_normalisation),
		cmocka_unit_test(path_normalisation_is_idempotent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
