/* String checks (validate/names.h): both sides of every limit, exact messages. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "validate/names.h"

static char *rep(char c, size_t n)
{
	char *s = malloc(n + 1);
	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* Runs 'fn' on 's' and returns the number of messages (kept in *m). */
#define CHECK(fn, s, m) (iw_msgs_init(m), fn((s), (m)), (m)->n)

static void subdomain_limits(void **state)
{
	(void)state;
	struct iw_msgs m;
	/* 253 characters made of valid labels: accepted, even with a 64+ character label */
	char *ok = rep('a', 253);
	for (size_t i = 63; i < 253; i += 64)
		ok[i] = '.';
	assert_int_equal(CHECK(iw_is_dns1123_subdomain, ok, &m), 0);
	char *longlabel = rep('a', 200);
	assert_int_equal(CHECK(iw_is_dns1123_subdomain, longlabel, &m), 0);
	char *bad = rep('a', 254);
	assert_int_equal(CHECK(iw_is_dns1123_subdomain, bad, &m), 1);
	assert_string_equal(m.v[0], "must be no more than 253 characters");
	bad[10] = 'A';
	assert_int_equal(CHECK(iw_is_dns1123_subdomain, bad, &m), 2);
	assert_string_equal(m.v[1], IW_DNS1123_SUBDOMAIN_MSG);
	free(ok);
	free(longlabel);
	free(bad);
	static const char *const good[] = { "a", "0", "a-b", "a.b", "1.2.3.4", "foo.bar.com", NULL };
	static const char *const wrong[] = { "", "-a", "a-", "A", "a..b", ".a", "a.", "a_b",
	                                     "foo.bar.com:80", "a b", NULL };
	for (const char *const *p = good; *p; p++)
		assert_int_equal(CHECK(iw_is_dns1123_subdomain, *p, &m), 0);
	for (const char *const *p = wrong; *p; p++) {
		assert_int_equal(CHECK(iw_is_dns1123_subdomain, *p, &m), 1);
		assert_string_equal(m.v[0], IW_DNS1123_SUBDOMAIN_MSG);
	}
}

static void wildcard(void **state)
{
	(void)state;
	struct iw_msgs m;
	assert_int_equal(CHECK(iw_is_wildcard_dns1123_subdomain, "*.example.com", &m), 0);
	assert_int_equal(CHECK(iw_is_wildcard_dns1123_subdomain, "*.a", &m), 0);
	static const char *const wrong[] = { "*", "*.", "*.*.a", "a.*.b", "**.a", "*a.b", "*.A", NULL };
	for (const char *const *p = wrong; *p; p++) {
		assert_int_equal(CHECK(iw_is_wildcard_dns1123_subdomain, *p, &m), 1);
		assert_string_equal(m.v[0], "a wildcard DNS-1123 subdomain must start with '*.', followed "
		                    "by a valid DNS subdomain, which must consist of lower case "
		                    "alphanumeric characters, '-' or '.' and end with an alphanumeric "
		                    "character (e.g. '*.example.com', regex used for validation is "
		                    "'\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
	}
	char *big = rep('a', 254);
	big[0] = '*';
	big[1] = '.';
	assert_int_equal(CHECK(iw_is_wildcard_dns1123_subdomain, big, &m), 1);
	assert_string_equal(m.v[0], "must be no more than 253 characters");
	big[253] = '\0';
	assert_int_equal(CHECK(iw_is_wildcard_dns1123_subdomain, big, &m), 0);
	free(big);
}

static void labels_1123_1035(void **state)
{
	(void)state;
	struct iw_msgs m;
	char *l63 = rep('a', 63), *l64 = rep('a', 64);
	assert_int_equal(CHECK(iw_is_dns1123_label, l63, &m), 0);
	assert_int_equal(CHECK(iw_is_dns1123_label, l64, &m), 1);
	assert_string_equal(m.v[0], "must be no more than 63 characters");
	assert_int_equal(CHECK(iw_is_dns1035_label, l63, &m), 0);
	assert_int_equal(CHECK(iw_is_dns1035_label, l64, &m), 1);
	assert_string_equal(m.v[0], "must be no more than 63 characters");
	free(l63);
	free(l64);
	assert_int_equal(CHECK(iw_is_dns1123_label, "a.b", &m), 1);
	assert_string_equal(m.v[0], "must not contain dots");
	assert_int_equal(CHECK(iw_is_dns1123_label, "A", &m), 1);
	assert_string_equal(m.v[0],
	                    "a lowercase RFC 1123 label must consist of lower case alphanumeric "
	                    "characters or '-', and must start and end with an alphanumeric character "
	                    "(e.g. 'my-name',  or '123-abc', regex used for validation is "
	                    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
	/* a digit first: a DNS-1123 label, not a DNS-1035 label */
	assert_int_equal(CHECK(iw_is_dns1123_label, "1abc", &m), 0);
	assert_int_equal(CHECK(iw_is_dns1035_label, "1abc", &m), 1);
	assert_string_equal(m.v[0],
	                    "a DNS-1035 label must consist of lower case alphanumeric characters or "
	                    "'-', start with an alphabetic character, and end with an alphanumeric "
	                    "character (e.g. 'my-name',  or 'abc-123', regex used for validation is "
	                    "'[a-z]([-a-z0-9]*[a-z0-9])?')");
	assert_int_equal(CHECK(iw_is_dns1035_label, "a.b", &m), 1);
	assert_int_equal(CHECK(iw_is_dns1035_label, "", &m), 1);
}

static void port_names_and_numbers(void **state)
{
	(void)state;
	struct iw_msgs m;
	assert_int_equal(CHECK(iw_is_valid_port_name, "http", &m), 0);
	assert_int_equal(CHECK(iw_is_valid_port_name, "abcdefghijklmno", &m), 0);     /* 15 */
	assert_int_equal(CHECK(iw_is_valid_port_name, "abcdefghijklmnop", &m), 1);    /* 16 */
	assert_string_equal(m.v[0], "must be no more than 15 characters");
	assert_int_equal(CHECK(iw_is_valid_port_name, "HTTP", &m), 2);
	assert_string_equal(m.v[0], "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
	assert_string_equal(m.v[1], "must contain at least one letter (a-z)");
	assert_int_equal(CHECK(iw_is_valid_port_name, "80", &m), 1);
	assert_string_equal(m.v[0], "must contain at least one letter (a-z)");
	assert_int_equal(CHECK(iw_is_valid_port_name, "a--b", &m), 1);
	assert_string_equal(m.v[0], "must not contain consecutive hyphens");
	assert_int_equal(CHECK(iw_is_valid_port_name, "-ab", &m), 1);
	assert_string_equal(m.v[0], "must not begin or end with a hyphen");
	assert_int_equal(CHECK(iw_is_valid_port_name, "", &m), 2);
	long long ok[] = { 1, 80, 65535 }, bad[] = { 0, -1, 65536, 2147483647 };
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(CHECK(iw_is_valid_port_num, ok[i], &m), 0);
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(CHECK(iw_is_valid_port_num, bad[i], &m), 1);
		assert_string_equal(m.v[0], "must be between 1 and 65535, inclusive");
	}
}

static void qualified_names_by_version(void **state)
{
	(void)state;
	struct iw_msgs m;
	static const char *const good[] = { "a", "A", "a_b.c-d", "example.com/MyName", "k8s.io/x",
	                                    NULL };
	for (const char *const *p = good; *p; p++) {
		iw_msgs_init(&m);
		iw_is_qualified_name(*p, 36, &m);
		assert_int_equal(m.n, 0);
	}
	char *n63 = rep('a', 63), *n64 = rep('a', 64);
	iw_msgs_init(&m);
	iw_is_qualified_name(n63, 36, &m);
	assert_int_equal(m.n, 0);
	iw_msgs_init(&m);
	iw_is_qualified_name(n64, 36, &m);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.v[0], "name part must be no more than 63 bytes");
	iw_msgs_init(&m);
	iw_is_qualified_name(n64, 34, &m);
	assert_string_equal(m.v[0], "name part must be no more than 63 characters");
	free(n63);
	free(n64);
	iw_msgs_init(&m);
	iw_is_qualified_name("a/b/c", 35, &m);
	assert_int_equal(m.n, 1);
#define NAME_TAIL " must consist of alphanumeric characters, '-', '_' or '.', and must start " \
	"and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', " \
	"regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
#define PREFIX_TAIL " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
	assert_string_equal(m.v[0], "a valid label key" NAME_TAIL PREFIX_TAIL);
	iw_msgs_init(&m);
	iw_is_qualified_name("a/b/c", 34, &m);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.v[0], "a qualified name" NAME_TAIL PREFIX_TAIL);
	iw_msgs_init(&m);
	iw_is_qualified_name("/a", 36, &m);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.v[0], "prefix part must be non-empty");
	iw_msgs_init(&m);
	iw_is_qualified_name("Bad_Prefix/a", 36, &m);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.v[0], "prefix part " IW_DNS1123_SUBDOMAIN_MSG);
	iw_msgs_init(&m);
	iw_is_qualified_name("a/", 36, &m);
	assert_int_equal(m.n, 2);
	assert_string_equal(m.v[0], "name part must be non-empty");
	assert_string_equal(m.v[1], "name part" NAME_TAIL);
#undef NAME_TAIL
#undef PREFIX_TAIL
	char *p254 = rep('a', 256);
	p254[254] = '/';
	iw_msgs_init(&m);
	iw_is_qualified_name(p254, 36, &m);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.v[0], "prefix part must be no more than 253 bytes");
	free(p254);
}

static void label_values(void **state)
{
	(void)state;
	struct iw_msgs m;
	char *v63 = rep('x', 63), *v64 = rep('x', 64);
	iw_msgs_init(&m);
	iw_is_label_value("", 36, &m);
	assert_int_equal(m.n, 0);
	iw_is_label_value(v63, 36, &m);
	assert_int_equal(m.n, 0);
	iw_is_label_value(v64, 36, &m);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.v[0], "must be no more than 63 bytes");
	iw_msgs_init(&m);
	iw_is_label_value(v64, 34, &m);
	assert_string_equal(m.v[0], "must be no more than 63 characters");
	iw_msgs_init(&m);
	iw_is_label_value("bad value!", 36, &m);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.v[0], "a valid label must be an empty string or consist of alphanumeric "
	                    "characters, '-', '_' or '.', and must start and end with an "
	                    "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
	                    "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
	free(v63);
	free(v64);
}

static void path_segments_and_masking(void **state)
{
	(void)state;
	struct iw_msgs m;
	assert_int_equal(CHECK(iw_is_path_segment_name, ".", &m), 1);
	assert_string_equal(m.v[0], "may not be '.'");
	assert_int_equal(CHECK(iw_is_path_segment_name, "..", &m), 1);
	assert_string_equal(m.v[0], "may not be '..'");
	assert_int_equal(CHECK(iw_is_path_segment_name, "a/b%c", &m), 2);
	assert_string_equal(m.v[0], "may not contain '/'");
	assert_string_equal(m.v[1], "may not contain '%'");
	assert_int_equal(CHECK(iw_is_path_segment_name, "Any_Thing.x", &m), 0);
	assert_int_equal(CHECK(iw_is_path_segment_name, "", &m), 0);
	char buf[64];
	assert_string_equal(iw_mask_trailing_dash("foo-", buf, sizeof buf), "foa");
	assert_string_equal(iw_mask_trailing_dash("a.-", buf, sizeof buf), "aa");
	assert_string_equal(iw_mask_trailing_dash("-", buf, sizeof buf), "-");
	assert_string_equal(iw_mask_trailing_dash("foo", buf, sizeof buf), "foo");
}

static void ip_sloppy(void **state)
{
	(void)state;
	static const char *const ips[] = { "1.2.3.4", "010.0.0.1", "255.255.255.255", "0000001.1.1.1",
	                                   "::", "::1", "2001:db8::1", "fe80::1:2:3:4",
	                                   "1:2:3:4:5:6:7:8", "::ffff:1.2.3.4", "1::", NULL };
	static const char *const not_ips[] = { "1.2.3", "256.1.1.1", "1.2.3.4.", "a.b.c.d", "foo",
	                                       "1:2:3:4:5:6:7:8:9", "1::2::3", ":1", "1:", "fe80::1%eth0",
	                                       "1:2:3:4:5:6:7:8::", "1.2.3.4:80", "", NULL };
	for (const char *const *p = ips; *p; p++)
		assert_true(iw_parse_ip_sloppy(*p));
	for (const char *const *p = not_ips; *p; p++)
		assert_false(iw_parse_ip_sloppy(*p));
}

static void http_path_chars(void **state)
{
	(void)state;
	assert_true(iw_is_http_path_chars("ingress-controller"));
	assert_true(iw_is_http_path_chars("a/b-c._~%!$&'()*+,;=:"));
	assert_false(iw_is_http_path_chars(""));
	assert_false(iw_is_http_path_chars("a b"));
	assert_false(iw_is_http_path_chars("a?b"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(subdomain_limits),
		cmocka_unit_test(wildcard),
		cmocka_unit_test(labels_1123_1035),
		cmocka_unit_test(port_names_and_numbers),
		cmocka_unit_test(qualified_names_by_version),
		cmocka_unit_test(label_values),
		cmocka_unit_test(path_segments_and_masking),
		cmocka_unit_test(ip_sloppy),
		cmocka_unit_test(http_path_chars),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
