/* base/size: sizes as people write them, both ways. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "base/size.h"

static void text(void **state)
{
	(void)state;
	static const struct { size_t n; const char *want; } cases[] = {
		{ 0, "0 bytes" }, { 1000, "1000 bytes" }, { 1024, "1 KiB" }, { 1536, "1536 bytes" },
		{ 512u << 10, "512 KiB" }, { 3u << 20, "3 MiB" }, { (3u << 20) + 1024, "3073 KiB" },
		{ 1u << 30, "1 GiB" }, { (size_t)5 << 30, "5 GiB" },
	};
	char buf[32];
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		iw_size_text(cases[i].n, buf, sizeof buf);
		assert_string_equal(buf, cases[i].want);
	}
	iw_size_text(3u << 20, buf, 4);   /* cut to the buffer */
	assert_string_equal(buf, "3 M");
}

static void parse(void **state)
{
	(void)state;
	static const struct { const char *s; size_t want; } ok[] = {
		{ "0", 0 }, { "1048576", 1048576 }, { "64Ki", 65536 }, { "3Mi", 3u << 20 },
		{ "1Gi", 1u << 30 }, { "2k", 2000 }, { "2K", 2000 }, { "3M", 3000000 }, { "1G", 1000000000 },
	};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		size_t v = 7;
		assert_int_equal(iw_parse_size(ok[i].s, &v), IW_OK);
		assert_int_equal(v, ok[i].want);
	}
	static const char *const bad[] = { "", "-1", "+1", "1 Mi", "1mi", "1MiB", "Mi", "1.5Mi", " 1",
	                                   "99999999999999999999", "18446744073709551615Ki", NULL };
	for (size_t i = 0; bad[i]; i++) {
		size_t v = 7;
		assert_int_equal(iw_parse_size(bad[i], &v), IW_EINVAL);
		assert_int_equal(v, 7);   /* untouched */
	}
	assert_int_equal(iw_parse_size(NULL, &(size_t){ 0 }), IW_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text),
		cmocka_unit_test(parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
