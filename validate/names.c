/* String checks (see names.h): hand-written matchers for the apimachinery regexes. */
#include "validate/names.h"
#include "base/ascii.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define DNS1123_LABEL_MAX 63
#define DNS1123_SUBDOMAIN_MAX 253
#define DNS1035_LABEL_MAX 63
#define QUALIFIED_NAME_MAX 63
#define LABEL_VALUE_MAX 63
#define PORT_NAME_MAX 15

#define DNS1123_LABEL_MSG \
	"a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and " \
	"must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex " \
	"used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
#define DNS1035_LABEL_MSG \
	"a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an " \
	"alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or " \
	"'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
#define WILDCARD_MSG \
	"a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, " \
	"which must consist of lower case alphanumeric characters, '-' or '.' and end with an " \
	"alphanumeric character (e.g. '*.example.com', regex used for validation is " \
	"'\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
#define QUALIFIED_NAME_MSG \
	"must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an " \
	"alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for " \
	"validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
#define LABEL_VALUE_MSG \
	"a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or " \
	"'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or " \
	"'my_value',  or '12345', regex used for validation is " \
	"'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"

void iw_msgs_init(struct iw_msgs *m)
{
	m->n = 0;
}

static void add(struct iw_msgs *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct iw_msgs *m, const char *fmt, ...)
{
	if (m->n >= IW_MSGS_MAX)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m->v[m->n++], IW_MSG_LEN, fmt, ap);
	va_end(ap);
}

/* k8s: MaxLenError (util/validation: characters; content: bytes) */
static void max_len(struct iw_msgs *m, const char *prefix, int n, bool bytes)
{
	add(m, "%smust be no more than %d %s", prefix, n, bytes ? "bytes" : "characters");
}

static bool lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool alnum(char c)
{
	return lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

/* [a-z0-9]([-a-z0-9]*[a-z0-9])? over s[0..n) */
static bool match_label(const char *s, size_t n)
{
	if (n == 0 || !lower_alnum(s[0]) || !lower_alnum(s[n - 1]))
		return false;
	for (size_t i = 1; i + 1 < n; i++)
		if (!lower_alnum(s[i]) && s[i] != '-')
			return false;
	return true;
}

/* label(\.label)* over s[0..n) */
static bool match_subdomain(const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (!match_label(s + start, i - start))
				return false;
			start = i + 1;
		}
	}
	return true;
}

static void subdomain(const char *s, const char *prefix, bool bytes, struct iw_msgs *m)
{
	size_t n = strlen(s);
	if (n > DNS1123_SUBDOMAIN_MAX)
		max_len(m, prefix, DNS1123_SUBDOMAIN_MAX, bytes);
	if (!match_subdomain(s, n))
		add(m, "%s" IW_DNS1123_SUBDOMAIN_MSG, prefix);
}

/* k8s: IsDNS1123Subdomain */
void iw_is_dns1123_subdomain(const char *s, struct iw_msgs *m)
{
	subdomain(s, "", false, m);
}

/* k8s: IsWildcardDNS1123Subdomain */
void iw_is_wildcard_dns1123_subdomain(const char *s, struct iw_msgs *m)
{
	size_t n = strlen(s);
	if (n > DNS1123_SUBDOMAIN_MAX)
		max_len(m, "", DNS1123_SUBDOMAIN_MAX, false);
	if (n < 2 || s[0] != '*' || s[1] != '.' || !match_subdomain(s + 2, n - 2))
		add(m, WILDCARD_MSG);
}

/* k8s: IsDNS1123Label */
void iw_is_dns1123_label(const char *s, struct iw_msgs *m)
{
	size_t n = strlen(s);
	if (n > DNS1123_LABEL_MAX)
		max_len(m, "", DNS1123_LABEL_MAX, false);
	if (!match_label(s, n)) {
		if (match_subdomain(s, n))
			add(m, "must not contain dots");
		else
			add(m, DNS1123_LABEL_MSG);
	}
}

/* k8s: IsDNS1035Label */
void iw_is_dns1035_label(const char *s, struct iw_msgs *m)
{
	size_t n = strlen(s);
	if (n > DNS1035_LABEL_MAX)
		max_len(m, "", DNS1035_LABEL_MAX, false);
	if (!match_label(s, n) || !(s[0] >= 'a' && s[0] <= 'z'))
		add(m, DNS1035_LABEL_MSG);
}

/* k8s: IsValidPortName */
void iw_is_valid_port_name(const char *s, struct iw_msgs *m)
{
	size_t n = strlen(s);
	bool charset = n > 0, letter = false;
	for (size_t i = 0; i < n; i++) {
		if (!lower_alnum(s[i]) && s[i] != '-')
			charset = false;
		if (s[i] >= 'a' && s[i] <= 'z')
			letter = true;
	}
	if (n > PORT_NAME_MAX)
		max_len(m, "", PORT_NAME_MAX, false);
	if (!charset)
		add(m, "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
	if (!letter)
		add(m, "must contain at least one letter (a-z)");
	if (strstr(s, "--"))
		add(m, "must not contain consecutive hyphens");
	if (n > 0 && (s[0] == '-' || s[n - 1] == '-'))
		add(m, "must not begin or end with a hyphen");
}

/* k8s: IsValidPortNum */
void iw_is_valid_port_num(long long n, struct iw_msgs *m)
{
	if (n < 1 || n > 65535)
		add(m, "must be between %d and %d, inclusive", 1, 65535);
}

/* ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9] over s[0..n) */
static bool match_qualified(const char *s, size_t n)
{
	if (n == 0 || !alnum(s[0]) || !alnum(s[n - 1]))
		return false;
	for (size_t i = 1; i + 1 < n; i++)
		if (!alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

/* k8s: IsQualifiedName (<= 1.34) / content.IsLabelKey (1.35+) */
void iw_is_qualified_name(const char *s, int kube_minor, struct iw_msgs *m)
{
	bool bytes = kube_minor >= 35;
	const char *slash = strchr(s, '/');
	const char *name = s;
	if (slash && strchr(slash + 1, '/')) {
		add(m, "%s " QUALIFIED_NAME_MSG " with an optional DNS subdomain prefix and '/' (e.g. "
		       "'example.com/MyName')", bytes ? "a valid label key" : "a qualified name");
		return;
	}
	if (slash) {
		size_t plen = (size_t)(slash - s);
		char prefix[DNS1123_SUBDOMAIN_MAX + 2];
		name = slash + 1;
		if (plen == 0) {
			add(m, "prefix part must be non-empty");
		} else if (plen > DNS1123_SUBDOMAIN_MAX) {
			max_len(m, "prefix part ", DNS1123_SUBDOMAIN_MAX, bytes);
			if (!match_subdomain(s, plen))
				add(m, "prefix part " IW_DNS1123_SUBDOMAIN_MSG);
		} else {
			memcpy(prefix, s, plen);
			prefix[plen] = '\0';
			subdomain(prefix, "prefix part ", bytes, m);
		}
	}
	size_t n = strlen(name);
	if (n == 0)
		add(m, "name part must be non-empty");
	else if (n > QUALIFIED_NAME_MAX)
		max_len(m, "name part ", QUALIFIED_NAME_MAX, bytes);
	if (!match_qualified(name, n))
		add(m, "name part " QUALIFIED_NAME_MSG);
}

/* k8s: IsValidLabelValue / content.IsLabelValue */
void iw_is_label_value(const char *s, int kube_minor, struct iw_msgs *m)
{
	size_t n = strlen(s);
	if (n > LABEL_VALUE_MAX)
		max_len(m, "", LABEL_VALUE_MAX, kube_minor >= 35);
	if (n > 0 && !match_qualified(s, n))
		add(m, LABEL_VALUE_MSG);
}

/* k8s: IsValidPathSegmentPrefix */
void iw_is_path_segment_prefix(const char *s, struct iw_msgs *m)
{
	if (strchr(s, '/'))
		add(m, "may not contain '/'");
	if (strchr(s, '%'))
		add(m, "may not contain '%%'");
}

/* k8s: IsValidPathSegmentName */
void iw_is_path_segment_name(const char *s, struct iw_msgs *m)
{
	if (!strcmp(s, ".") || !strcmp(s, "..")) {
		add(m, "may not be '%s'", s);
		return;
	}
	iw_is_path_segment_prefix(s, m);
}

/* k8s: maskTrailingDash */
const char *iw_mask_trailing_dash(const char *s, char *buf, size_t size)
{
	size_t n = strlen(s);
	if (n > 1 && s[n - 1] == '-') {
		if (size < n)
			n = size;           /* caller buffers are sized for names; truncate safely */
		memcpy(buf, s, n - 2);
		buf[n - 2] = 'a';
		buf[n - 1] = '\0';
		return buf;
	}
	return s;
}

/* ---------- net.ParseIP before Go 1.17 (k8s.io/utils/net ParseIPSloppy) ---------- */

#define BIG 0xFFFFFF

/* dtoi: decimal digits, any number (leading zeros allowed). Returns chars used, 0 if none. */
static size_t dtoi(const char *s, long *n)
{
	size_t i;
	*n = 0;
	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
		*n = *n * 10 + (s[i] - '0');
		if (*n >= BIG)
			return 0;
	}
	return i;
}

static size_t xtoi(const char *s, long *n)
{
	size_t i;
	*n = 0;
	for (i = 0; iw_hexval(s[i]) >= 0; i++) {
		*n = *n * 16 + iw_hexval(s[i]);
		if (*n >= BIG)
			return 0;
	}
	return i;
}

static bool parse_ipv4(const char *s)
{
	for (int i = 0; i < 4; i++) {
		if (!*s)
			return false;
		if (i > 0) {
			if (*s != '.')
				return false;
			s++;
		}
		long n;
		size_t c = dtoi(s, &n);
		if (c == 0 || n > 0xFF)
			return false;
		s += c;
	}
	return *s == '\0';
}

static bool parse_ipv6(const char *s)
{
	int ellipsis = -1, i = 0;
	if (s[0] == ':' && s[1] == ':') {
		ellipsis = 0;
		s += 2;
		if (!*s)
			return true;
	}
	while (i < 16) {
		long n;
		size_t c = xtoi(s, &n);
		if (c == 0 || n > 0xFFFF)
			return false;
		if (s[c] == '.') {
			if (ellipsis < 0 && i != 12)
				return false;
			if (i + 4 > 16)
				return false;
			if (!parse_ipv4(s))
				return false;
			s = "";
			i += 4;
			break;
		}
		i += 2;
		s += c;
		if (!*s)
			break;
		if (*s != ':' || s[1] == '\0')
			return false;
		s++;
		if (*s == ':') {
			if (ellipsis >= 0)
				return false;
			ellipsis = i;
			s++;
			if (!*s)
				break;
		}
	}
	if (*s)
		return false;
	if (i < 16)
		return ellipsis >= 0;
	return ellipsis < 0;
}

bool iw_parse_ip_sloppy(const char *s)
{
	for (const char *p = s; *p; p++) {
		if (*p == '.')
			return parse_ipv4(s);
		if (*p == ':')
			return parse_ipv6(s);
	}
	return false;
}

bool iw_is_http_path_chars(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!alnum(*s) && !strchr("/-._~%!$&'()*+,;=:", *s))
			return false;
	return true;
}
