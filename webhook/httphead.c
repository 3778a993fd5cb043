/* Strict HTTP/1.1 request heads over libmicrohttpd 0.9.75 (see httphead.h). */
#include "webhook/httphead.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

/* ---- pure helpers ---- */

static int is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

int wh_http_token(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_tchar((unsigned char)s[i]))
			return 0;
	return 1;
}

int wh_http_value_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return 0;
	}
	return 1;
}

static int is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* RFC 3986 reg-name: unreserved / pct-encoded / sub-delims. */
static int reg_name_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    (c && strchr("-._~!$&'()*+,;=", c)))
			continue;
		if (c == '%' && i + 2 < n && is_hex((unsigned char)s[i + 1]) &&
		    is_hex((unsigned char)s[i + 2])) {
			i += 2;
			continue;
		}
		return 0;
	}
	return 1;
}

static int digits_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int wh_http_host_ok(const char *s, size_t n)
{
	if (n == 0)
		return 1;
	size_t hostend;
	if (s[0] == '[') {                     /* IP-literal */
		const char *close = memchr(s, ']', n);
		if (!close || close == s + 1)
			return 0;
		for (const char *p = s + 1; p < close; p++)
			if (!is_hex((unsigned char)*p) && *p != ':' && *p != '.')
				return 0;
		hostend = (size_t)(close - s) + 1;
	} else {
		const char *colon = memchr(s, ':', n);
		hostend = colon ? (size_t)(colon - s) : n;
		if (!reg_name_ok(s, hostend))
			return 0;
	}
	if (hostend == n)
		return 1;
	return s[hostend] == ':' && digits_ok(s + hostend + 1, n - hostend - 1);
}

int wh_http_target(const char *t, size_t n, const char **authority, size_t *authority_len,
                   const char **path, size_t *path_len)
{
	*authority = NULL;
	*authority_len = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t[i];
		if (c <= 0x20 || c == 0x7f)
			return -1;
	}
	if (n == 1 && t[0] == '*') {
		*path = t;
		*path_len = 1;
		return 0;
	}
	const char *q = memchr(t, '?', n);
	size_t upto = q ? (size_t)(q - t) : n;
	if (n > 0 && t[0] == '/') {
		*path = t;
		*path_len = upto;
		return 0;
	}
	size_t skip;
	if (n >= 7 && !strncasecmp(t, "http://", 7))
		skip = 7;
	else if (n >= 8 && !strncasecmp(t, "https://", 8))
		skip = 8;
	else
		return -1;   /* authority-form (CONNECT) and anything else */
	const char *a = t + skip;
	size_t alen = 0;
	while (skip + alen < upto && a[alen] != '/')
		alen++;
	if (alen == 0 || memchr(a, '@', alen) || !wh_http_host_ok(a, alen))
		return -1;   /* no host, userinfo, or not a host */
	*authority = a;
	*authority_len = alen;
	if (skip + alen < upto) {
		*path = a + alen;
		*path_len = upto - skip - alen;
	} else {
		*path = "/";
		*path_len = 1;
	}
	return 0;
}

unsigned wh_http_te(const char *const *values, const size_t *lens, size_t n)
{
	size_t chunked = 0, other = 0;
	for (size_t f = 0; f < n; f++) {
		const char *s = values[f];
		size_t len = lens[f], i = 0;
		while (i < len) {
			size_t j = i;
			while (j < len && s[j] != ',')
				j++;
			size_t a = i, b = j;
			while (a < b && (s[a] == ' ' || s[a] == '\t'))
				a++;
			while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
				b--;
			if (b - a == 7 && !strncasecmp(s + a, "chunked", 7))
				chunked++;
			else if (b > a)
				other++;
			i = j + 1;
		}
	}
	if (other)
		return 501;
	/* MHD decodes chunked only when the one field is exactly that word. */
	if (chunked != 1 || n != 1 || lens[0] != 7)
		return 400;
	return 0;
}

/* ---- the head as MHD 0.9.75 holds it ---- */

void wh_target_note(struct wh_target *t, const char *uri)
{
	memset(t, 0, sizeof *t);
	t->p = uri;
	t->len = strlen(uri);
	const char *path;
	if (wh_http_target(uri, t->len, &t->auth, &t->auth_len, &path, &t->path_len) < 0) {
		t->bad = 1;
		return;
	}
	t->asterisk = t->len == 1 && uri[0] == '*';
	/* "/" of an absolute-form without a path is a static string: offset -1 */
	uintptr_t a = (uintptr_t)path, b = (uintptr_t)uri;
	t->path_off = a >= b && a <= b + t->len ? (size_t)(a - b) : (size_t)-1;
}

#define MAX_TE_FIELDS 8

struct scan {
	uintptr_t expect;           /* where the next line must begin */
	int broken;                 /* a byte MHD hid, or a line not where it must be */
	int bad_name, bad_value;
	unsigned hosts;
	const char *host;
	size_t host_len;
	unsigned cls;
	int cl_bad, cl_differ;
	unsigned long long cl;
	const char *cl_first;
	size_t cl_first_len;
	size_t nte;
	const char *te[MAX_TE_FIELDS];
	size_t te_len[MAX_TE_FIELDS];
};

static enum MHD_Result on_field(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
                                const char *value, size_t value_size)
{
	struct scan *sc = cls;
	(void)kind;
	if ((uintptr_t)key != sc->expect)
		sc->broken = 1;
	/* The value ends where the line's CR was; the next line starts after CRLF. */
	sc->expect = (uintptr_t)value + value_size + 2;
	if ((uintptr_t)value < (uintptr_t)key + key_size + 1 ||
	    (uintptr_t)value - ((uintptr_t)key + key_size + 1) > 4096)
		sc->broken = 1;   /* the value was moved (obs-fold) */
	if (!wh_http_token(key, key_size))
		sc->bad_name = 1;
	if (!wh_http_value_ok(value, value_size))
		sc->bad_value = 1;
	if (key_size == 4 && !strncasecmp(key, "Host", 4)) {
		sc->hosts++;
		sc->host = value;
		sc->host_len = value_size;
	} else if (key_size == 14 && !strncasecmp(key, "Content-Length", 14)) {
		if (!value_size || !digits_ok(value, value_size) || value_size > 19)
			sc->cl_bad = 1;
		else if (sc->cls && (value_size != sc->cl_first_len || memcmp(value, sc->cl_first, value_size)))
			sc->cl_differ = 1;
		if (!sc->cls) {
			sc->cl_first = value;
			sc->cl_first_len = value_size;
			sc->cl = 0;
			for (size_t i = 0; i < value_size && i < 19; i++)
				sc->cl = sc->cl * 10 + (unsigned long long)(value[i] - '0');
		}
		sc->cls++;
	} else if (key_size == 17 && !strncasecmp(key, "Transfer-Encoding", 17)) {
		if (sc->nte < MAX_TE_FIELDS) {
			sc->te[sc->nte] = value;
			sc->te_len[sc->nte] = value_size;
		}
		sc->nte++;
	}
	return MHD_YES;
}

unsigned wh_head_check(struct MHD_Connection *mc, const char *method, const char *version,
                       const struct wh_target *t, struct wh_head *h, const char **why)
{
	memset(h, 0, sizeof *h);
	int v11 = !strcmp(version, "HTTP/1.1");
	if (!v11 && strcmp(version, "HTTP/1.0") != 0) {
		*why = "HTTP version not supported";
		return 505;
	}
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(mc, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
	struct scan sc = { 0 };
	size_t mlen = strlen(method), vlen = strlen(version);
	/* the request line: METHOD SP TARGET SP VERSION CRLF, nothing hidden */
	if (!ci || !t || !t->p || (uintptr_t)method + mlen + 1 != (uintptr_t)t->p ||
	    (uintptr_t)t->p + t->len + 1 != (uintptr_t)version)
		sc.broken = 1;
	sc.expect = (uintptr_t)version + vlen + 2;
	MHD_get_connection_values_n(mc, MHD_HEADER_KIND, on_field, &sc);
	if (ci && sc.expect + 2 != (uintptr_t)method + ci->header_size)
		sc.broken = 1;
	if (sc.broken) {
		*why = "malformed request head (a NUL byte, a bare LF or a folded line)";
		return 400;
	}
	if (sc.bad_name) {
		*why = "malformed field name (whitespace before the colon?)";
		return 400;
	}
	if (sc.bad_value) {
		*why = "control character in a field value";
		return 400;
	}
	if (sc.hosts > 1 || (v11 && sc.hosts == 0)) {
		*why = sc.hosts ? "more than one Host field" : "HTTP/1.1 request without Host";
		return 400;
	}
	if (sc.hosts && !wh_http_host_ok(sc.host, sc.host_len)) {
		*why = "invalid Host";
		return 400;
	}
	if (sc.cl_bad || sc.cl_differ) {
		*why = sc.cl_bad ? "invalid Content-Length" : "Content-Length fields that differ";
		return 400;
	}
	if (sc.nte) {
		if (sc.cls) {
			*why = "Content-Length together with Transfer-Encoding";
			return 400;
		}
		if (!v11) {
			*why = "Transfer-Encoding in an HTTP/1.0 request";
			return 400;
		}
		if (sc.nte > MAX_TE_FIELDS) {
			*why = "too many Transfer-Encoding fields";
			return 400;
		}
		unsigned st = wh_http_te(sc.te, sc.te_len, sc.nte);
		if (st) {
			*why = st == 501 ? "transfer coding not implemented (only chunked)"
			                 : "malformed Transfer-Encoding";
			return st;
		}
		h->chunked = 1;
	}
	if (t->bad || (t->asterisk && strcmp(method, "OPTIONS") != 0)) {
		*why = "invalid request-target";
		return 400;
	}
	h->path = t->path_off == (size_t)-1 ? "/" : t->p + t->path_off;
	h->path_len = t->path_len;
	/* RFC 9112 3.2.2: an absolute-form target's authority replaces Host. */
	h->host = t->auth ? t->auth : sc.hosts ? sc.host : "";
	h->host_len = t->auth ? t->auth_len : sc.hosts ? sc.host_len : 0;
	h->has_length = sc.cls > 0;
	h->length = sc.cl;
	*why = NULL;
	return 0;
}
