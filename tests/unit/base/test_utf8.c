/* base/utf8: where a long echoed value is cut, and how characters are counted. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

static void prefix_on_boundaries(void **state)
{
	(void)state;
	const char *s = "a\xc3\xa9" "b\xe2\x82\xac" "c";   /* a é b € c: 1+2+1+3+1 bytes */
	size_t len = strlen(s);
	assert_int_equal(iw_utf8_prefix(s, len, 100), len);
	assert_int_equal(iw_utf8_prefix(s, len, 1), 1);   /* "a" */
	assert_int_equal(iw_utf8_prefix(s, len, 2), 1);   /* not half of é */
	assert_int_equal(iw_utf8_prefix(s, len, 3), 3);   /* "aé" */
	assert_int_equal(iw_utf8_prefix(s, len, 5), 4);   /* not two thirds of € */
	assert_int_equal(iw_utf8_prefix(s, len, 6), 4);
	assert_int_equal(iw_utf8_prefix(s, len, 7), 7);
	assert_int_equal(iw_utf8_runes(s, len), 5);
	assert_int_equal(iw_utf8_rune_bytes(s, len, 2), 3);
	assert_int_equal(iw_utf8_rune_bytes(s, len, 4), 7);
	assert_int_equal(iw_utf8_rune_bytes(s, len, 9), len);
}

static void clip_says_the_length(void **state)
{
	(void)state;
	char buf[64];
	assert_string_equal(iw_clip("short", 5, 10, buf, sizeof buf), "short");
	size_t n = 3145728;
	char *big = malloc(n + 1);
	assert_non_null(big);
	memset(big, 'a', n);
	big[n] = 0;
	assert_string_equal(iw_clip(big, n, 4, buf, sizeof buf), "aaaa\xe2\x80\xa6 (3145728 bytes)");
	/* a buffer smaller than max + IW_CLIP_EXTRA: the value gives way */
	char small[48];
	assert_string_equal(iw_clip(big, n, 100, small, sizeof small),
	                    "aaaaaaaa\xe2\x80\xa6 (3145728 bytes)");
	free(big);
	assert_string_equal(iw_clip("\xc3\xa9\xc3\xa9\xc3\xa9", 6, 3, buf, sizeof buf),
	                    "\xc3\xa9\xe2\x80\xa6 (6 bytes)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(prefix_on_boundaries),
		cmocka_unit_test(clip_says_the_length),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
