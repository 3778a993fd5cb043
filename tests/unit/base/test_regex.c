/* base/regex.h: syntax, the three match modes, case folding, limits, linear time. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/regex.h"

struct rcase {
	const char *pat;
	unsigned flags;
	const char *s;
	int full, search, prefix;
};

static const struct rcase cases[] = {
	{ "/api/v[0-9]+/users", 0, "/api/v12/users", 1, 1, 1 },
	{ "/api/v[0-9]+/users", 0, "/api/vX/users", 0, 0, 0 },
	{ "/api/v[0-9]+/users", 0, "/api/v1/users/x", 0, 1, 1 },
	{ "/api/v[0-9]+/users", 0, "x/api/v1/users", 0, 1, 0 },
	{ "/API", 0, "/api", 0, 0, 0 },
	{ "/API", IW_RE_ICASE, "/api", 1, 1, 1 },
	{ "(?i)/api", 0, "/ApI/x", 0, 1, 1 },
	{ "/a(?i:b)c", 0, "/aBc", 1, 1, 1 },
	{ "/a(?i:b)c", 0, "/aBC", 0, 0, 0 },
	{ "[a-c]+", IW_RE_ICASE, "AbC", 1, 1, 1 },
	{ "v[0-9]+", 0, "v12", 1, 1, 1 },
	{ "^/foo$", 0, "/foo", 1, 1, 1 },
	{ "^/foo$", 0, "/foo/", 0, 0, 0 },
	{ "^/foo", 0, "/foo/", 0, 1, 1 },
	{ "/foo$", 0, "/x/foo", 0, 1, 0 },
	{ "a|b|cd", 0, "cd", 1, 1, 1 },
	{ "a|b|cd", 0, "c", 0, 0, 0 },
	{ "(a|b)*c", 0, "ababc", 1, 1, 1 },
	{ "(a*)*", 0, "", 1, 1, 1 },
	{ "(a*)*b", 0, "aaaa", 0, 0, 0 },
	{ "a{3}", 0, "aaa", 1, 1, 1 },
	{ "a{3}", 0, "aa", 0, 0, 0 },
	{ "a{2,3}", 0, "aaaa", 0, 1, 1 },
	{ "a{2,}", 0, "aaaaa", 1, 1, 1 },
	{ "a{2,}", 0, "a", 0, 0, 0 },
	{ "x{0}y", 0, "y", 1, 1, 1 },
	{ "a{,2}", 0, "a{,2}", 1, 1, 1 },          /* not a repetition: literal */
	{ "a.c", 0, "abc", 1, 1, 1 },
	{ "a.c", 0, "a\nc", 0, 0, 0 },
	{ "\\d+\\.\\d+", 0, "3.14", 1, 1, 1 },
	{ "\\w+", 0, "ab_9", 1, 1, 1 },
	{ "\\W", 0, "/", 1, 1, 1 },
	{ "\\s", 0, " ", 1, 1, 1 },
	{ "[^/]+", 0, "abc", 1, 1, 1 },
	{ "[^/]+", 0, "a/c", 0, 1, 1 },
	{ "[]a]+", 0, "]a]", 1, 1, 1 },
	{ "[a-]+", 0, "-a-", 1, 1, 1 },
	{ "[\\d.]+", 0, "1.2", 1, 1, 1 },
	{ "[[:alpha:]]+", 0, "abZ", 1, 1, 1 },
	{ "[[:digit:]x]+", 0, "1x2", 1, 1, 1 },
	{ "[[:^digit:]]", 0, "1", 0, 0, 0 },
	{ "[a[]", 0, "[", 1, 1, 1 },
	{ "\\x41\\x{42}", 0, "AB", 1, 1, 1 },
	{ "(?P<ver>v[0-9])/(?<x>a)", 0, "v1/a", 1, 1, 1 },
	{ "(?:ab)+", 0, "abab", 1, 1, 1 },
	{ "a+?b", 0, "aab", 1, 1, 1 },            /* lazy: same strings */
	{ "a++b", 0, "aab", 1, 1, 1 },            /* possessive suffix accepted */
	{ "\\bfoo\\b", 0, "a foo b", 0, 1, 0 },
	{ "\\bfoo\\b", 0, "afoob", 0, 0, 0 },
	{ "\\Bo\\B", 0, "foo", 0, 1, 0 },
	{ "\\A/a\\z", 0, "/a", 1, 1, 1 },
	{ "/\\.well-known/.*", 0, "/.well-known/x", 1, 1, 1 },
	{ "", 0, "", 1, 1, 1 },
	{ "", 0, "x", 0, 1, 1 },
	{ "a|", 0, "", 1, 1, 1 },
	{ "()", 0, "", 1, 1, 1 },
	{ "/caf\xc3\xa9", 0, "/caf\xc3\xa9", 1, 1, 1 },
	{ ".*", 0, "anything", 1, 1, 1 },
	{ "(?s).", 0, "x", 1, 1, 1 },
};

static void modes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct rcase *c = &cases[i];
		char err[128];
		struct iw_re *re = iw_re_compile(c->pat, strlen(c->pat), c->flags, err, sizeof err);
		if (!re)
			fail_msg("%s: %s", c->pat, err);
		size_t n = strlen(c->s);
		if (iw_re_full(re, c->s, n) != c->full || iw_re_search(re, c->s, n) != c->search ||
		    iw_re_prefix(re, c->s, n) != c->prefix)
			fail_msg("%s on \"%s\": full %d search %d prefix %d", c->pat, c->s,
			         iw_re_full(re, c->s, n), iw_re_search(re, c->s, n),
			         iw_re_prefix(re, c->s, n));
		iw_re_free(re);
	}
}

static void refused(void **state)
{
	(void)state;
	static const struct { const char *pat, *err; } bad[] = {
		{ "(a", "missing ) at offset 2" },
		{ "a)", "unexpected ) at offset 1" },
		{ "[a", "missing ] at offset 2" },
		{ "*a", "missing argument to repetition operator at offset 0" },
		{ "a**", "bad repetition operator at offset 2" },
		{ "a{2}{3}", "bad repetition operator at offset 4" },
		{ "a{1001}", "bad repetition count (more than 1000) at offset 7" },
		{ "a{3,2}", "bad repetition count (max < min) at offset 6" },
		{ "[z-a]", "invalid character class range at offset 4" },
		{ "\\y", "invalid or unsupported escape at offset 1" },
		{ "(a)\\1", "backreferences are not supported at offset 4" },
		{ "a(?=b)", "lookahead is not supported at offset 3" },
		{ "(?<=a)b", "lookbehind is not supported at offset 2" },
		{ "(?x)a", "invalid or unsupported group flag at offset 3" },
		{ "[[:nope:]]", "invalid character class name at offset 2" },
		{ "\\", "trailing \\ at offset 1" },
		{ "\\x{100}", "invalid \\x escape (only bytes) at offset 2" },
		{ "((((a{100}){100}){100}))", "pattern too large (more than 20000 instructions)" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char err[128] = "x";
		struct iw_re *re = iw_re_compile(bad[i].pat, strlen(bad[i].pat), 0, err, sizeof err);
		if (re)
			fail_msg("%s compiled", bad[i].pat);
		assert_string_equal(err, bad[i].err);
		/* iw_re_compile_r tells them from lack of memory */
		re = (struct iw_re *)1;
		assert_int_equal(iw_re_compile_r(bad[i].pat, strlen(bad[i].pat), 0, &re, err, sizeof err),
		                 IW_EINVAL);
		assert_null(re);
	}
	struct iw_re *good = NULL;
	assert_int_equal(iw_re_compile_r("/a+", 3, 0, &good, NULL, 0), IW_OK);
	assert_true(iw_re_full(good, "/aa", 3));
	iw_re_free(good);
	/* deep nesting is refused, not a stack overflow */
	char deep[1200];
	memset(deep, '(', 600);
	memset(deep + 600, ')', 600);
	char err[128];
	assert_null(iw_re_compile(deep, sizeof deep, 0, err, sizeof err));
	assert_string_equal(err, "groups nested too deep at offset 201");
	char *big = malloc(IW_RE_MAX_PATTERN + 1);
	memset(big, 'a', IW_RE_MAX_PATTERN + 1);
	assert_null(iw_re_compile(big, IW_RE_MAX_PATTERN + 1, 0, err, sizeof err));
	assert_string_equal(err, "pattern longer than 8192 bytes");
	free(big);
	iw_re_free(NULL);
}

/* The textbook catastrophic pattern of backtracking engines: (a+)+$ on
 * a^n b.  Here it is one pass: 100,000 bytes against a long program. */
static void linear_time(void **state)
{
	(void)state;
	size_t n = 100000;
	char *s = malloc(n + 1);
	memset(s, 'a', n);
	s[n] = 'b';
	char err[128];
	struct iw_re *re = iw_re_compile("(a+)+$", 6, 0, err, sizeof err);
	assert_non_null(re);
	assert_false(iw_re_full(re, s, n + 1));
	assert_true(iw_re_full(re, s, n));
	iw_re_free(re);
	/* a long program (malloc'd work area) */
	re = iw_re_compile("(a|b){900}x?", 12, 0, err, sizeof err);
	assert_non_null(re);
	assert_true(iw_re_size(re) > IW_RE_STACK_INSTS);
	assert_true(iw_re_full(re, s, 900));
	assert_false(iw_re_full(re, s, 899));
	assert_true(iw_re_search(re, s, n));
	iw_re_free(re);
	/* a literal with a NUL byte */
	re = iw_re_compile("a\0b", 3, 0, err, sizeof err);
	assert_non_null(re);
	assert_true(iw_re_full(re, "a\0b", 3));
	iw_re_free(re);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(modes),
		cmocka_unit_test(refused),
		cmocka_unit_test(linear_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
