/* yamldoc: plain scalars typed as go-yaml v2 types them (see yamldoc.h). */
#include "load/yd_private.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const yd_true[] = { "true", "True", "TRUE", "y", "Y", "yes", "Yes", "YES",
	                               "on", "On", "ON", NULL };
static const char *const yd_false[] = { "false", "False", "FALSE", "n", "N", "no", "No", "NO",
	                                "off", "Off", "OFF", NULL };
static const char *const yd_null[] = { "~", "null", "Null", "NULL", NULL };

static bool is_in(const char *s, size_t len, const char *const *set)
{
	for (; *set; set++)
		if ((*set)[0] == s[0] && strlen(*set) == len && !memcmp(*set, s, len))
			return true;
	return false;
}

/* Which of the words above a plain scalar is (the empty scalar is null).
 * Every word has 1 to 5 bytes and starts with one of ~nNtTyYoOfF. */
enum word ydi_plain_word(const char *s, size_t len)
{
	if (len == 0)
		return W_NULL;
	if (len > 5)
		return W_OTHER;
	switch (s[0]) {
	case '~': case 'n': case 'N': case 't': case 'T': case 'y': case 'Y':
	case 'o': case 'O': case 'f': case 'F':
		break;
	default:
		return W_OTHER;
	}
	if (is_in(s, len, yd_null))
		return W_NULL;
	if (is_in(s, len, yd_true))
		return W_TRUE;
	return is_in(s, len, yd_false) ? W_FALSE : W_OTHER;
}

/* Go's strconv.ParseInt(s, 0, 64) on s (underscores already removed).  Also
 * the ParseUint fallback: a value above INT64_MAX sets *big. */
static bool go_parse_int(const char *s, long long *out, bool *big, double *bigval)
{
	bool neg = false;
	const char *p = s;
	*big = false;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	int base = 10;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	} else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O')) {
		base = 8;
		p += 2;
	} else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) {
		base = 2;
		p += 2;
	} else if (p[0] == '0' && p[1]) {
		base = 8;
		p += 1;
	}
	if (!*p)
		return false;
	unsigned long long v = 0;
	bool over = false;
	for (; *p; p++) {
		int d;
		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			return false;
		if (d >= base)
			return false;
		if (v > (ULLONG_MAX - (unsigned)d) / (unsigned)base)
			over = true;
		v = v * (unsigned)base + (unsigned)d;
	}
	if (over)
		return false;
	if (neg) {
		if (v > (unsigned long long)LLONG_MAX + 1)
			return false;
		*out = v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v;
		return true;
	}
	if (v > (unsigned long long)LLONG_MAX) {
		if (s[0] == '+')   /* ParseUint refuses a sign */
			return false;
		*big = true;
		*bigval = (double)v;
		return true;
	}
	*out = (long long)v;
	return true;
}

/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static bool yaml_float_syntax(const char *p)
{
	if (*p == '+' || *p == '-')
		p++;
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	} else {
		if (!(*p >= '0' && *p <= '9'))
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
		if (*p == '.') {
			p++;
			while (*p >= '0' && *p <= '9')
				p++;
		}
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return *p == 0;
}

static json_t *number_value(double d)
{
	if (isfinite(d) && d == floor(d) && fabs(d) < 1e21 && d >= -9223372036854775808.0 &&
	    d < 9223372036854775808.0)
		return json_integer((json_int_t)d);
	return json_real(d);
}

/* A plain scalar's value as go-yaml v2 resolves it; NULL on OOM. */
json_t *ydi_resolve_plain(const char *s, size_t len)
{
	switch (ydi_plain_word(s, len)) {
	case W_NULL: return json_null();
	case W_TRUE: return json_true();
	case W_FALSE: return json_false();
	case W_OTHER: break;
	}
	char c = s[0];
	if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
		char tmp[80];
		size_t k = 0;
		bool fits = true;
		for (size_t i = 0; i < len; i++) {
			if (s[i] == '_')
				continue;
			if (k + 1 >= sizeof tmp || s[i] == 0) {
				fits = false;
				break;
			}
			tmp[k++] = s[i];
		}
		tmp[k] = 0;
		if (fits && k) {
			long long iv;
			bool big;
			double bv;
			if (go_parse_int(tmp, &iv, &big, &bv))
				return big ? json_real(bv) : json_integer(iv);
			if (yaml_float_syntax(tmp)) {
				errno = 0;
				double d = strtod(tmp, NULL);
				if (errno != ERANGE)
					return number_value(d);
			}
		}
	}
	return json_stringn_nocheck(s, len);
}

bool yd_plain_is_string(const char *s, size_t len)
{
	if (len == 0 || memchr(s, 0, len))
		return false;
	if (len == 2 && s[0] == '<' && s[1] == '<')
		return false;   /* the merge key */
	if (ydi_plain_word(s, len) != W_OTHER)
		return false;
	char c = s[0];
	if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
		json_t *v = ydi_resolve_plain(s, len);
		bool str = json_is_string(v);
		json_decref(v);
		return str;
	}
	return true;
}
