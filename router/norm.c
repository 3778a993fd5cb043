/* Request normalisation: SEMANTICS.md sections 3 (host) and 4 (path). */
#include "router/norm.h"
#include "base/ascii.h"

#include <string.h>

#include "base/err.h"

bool rt_host_is_ip(const char *h, size_t len)
{
	if (len > 0 && h[0] == '[')
		return true;
	/* IPv4 dotted quad: four decimal parts, each 0-255 */
	int parts = 0;
	size_t i = 0;
	while (i <= len) {
		size_t j = i;
		unsigned v = 0;
		while (j < len && h[j] >= '0' && h[j] <= '9' && j - i < 4)
			v = v * 10 + (unsigned)(h[j++] - '0');
		if (j == i || j - i > 3 || v > 255)
			return false;
		parts++;
		if (j == len)
			break;
		if (h[j] != '.')
			return false;
		i = j + 1;
	}
	return parts == 4;
}

int rt_norm_host(const char *h, size_t len, char *out, size_t size, size_t *out_len,
                 unsigned *changes)
{
	unsigned ch = 0;
	if (len > RT_MAX_HOST || size < len + 1)
		return -1;
	/* 1. remove the port: from the last ':', or after the ']' of an IPv6
	 * literal */
	size_t n = len;
	if (n > 0 && h[0] == '[') {
		const char *rb = memchr(h, ']', n);
		if (rb && (size_t)(rb - h) + 1 < n)
			n = (size_t)(rb - h) + 1;
	} else {
		for (size_t i = n; i > 0; i--)
			if (h[i - 1] == ':') {
				n = i - 1;
				break;
			}
	}
	if (n < len)
		ch |= RT_N_PORT;
	/* 2. lower-case the ASCII letters */
	for (size_t i = 0; i < n; i++) {
		char c = h[i];
		if (c >= 'A' && c <= 'Z') {
			c = (char)(c - 'A' + 'a');
			ch |= RT_N_CASE;
		}
		out[i] = c;
	}
	/* 3. drop one trailing dot */
	if (n > 0 && out[n - 1] == '.') {
		n--;
		ch |= RT_N_DOT;
	}
	out[n] = '\0';
	*out_len = n;
	if (changes)
		*changes = ch;
	/* 4. an empty host or an IP literal can only reach host-less rules */
	if (n == 0)
		return RT_HOST_EMPTY;
	return rt_host_is_ip(out, n) ? RT_HOST_IP : RT_HOST_NAME;
}

/* RFC 3986 sec. 2.3 */
static bool unreserved(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

long rt_norm_path(const char *t, size_t len, char *out, size_t size, unsigned *changes)
{
	unsigned ch = 0;
	if (len > RT_MAX_PATH || size < len + 2)
		return -1;
	/* 1. only the part before the first '?' or '#' */
	for (size_t i = 0; i < len; i++)
		if (t[i] == '?' || t[i] == '#') {
			len = i;
			ch |= RT_N_QUERY;
			break;
		}
	/* Most targets are normal already: absolute, no '%' and no '/'
	 * followed by '/' or '.' (so nothing to decode, no run of '/', no dot
	 * segment).  Steps 2-5 would copy them unchanged. */
	bool normal = len > 0 && t[0] == '/';
	for (size_t i = 0; i < len && normal; i++)
		normal = t[i] != '%' && !(t[i] == '/' && i + 1 < len && (t[i + 1] == '/' || t[i + 1] == '.'));
	if (normal) {
		memcpy(out, t, len);
		out[len] = '\0';
		if (changes)
			*changes = ch;
		return (long)len;
	}
	/* 2-4. decode unreserved %XX, upper-case the others, merge '/' runs.
	 * The result is never longer than the input plus a leading '/'. */
	size_t w = 0;
	if (len == 0 || t[0] != '/') {
		out[w++] = '/';
		ch |= RT_N_ROOT;
	}
	for (size_t i = 0; i < len; i++) {
		char c = t[i];
		if (c == '%' && i + 2 < len && iw_hexval(t[i + 1]) >= 0 && iw_hexval(t[i + 2]) >= 0) {
			int v = iw_hexval(t[i + 1]) * 16 + iw_hexval(t[i + 2]);
			if (unreserved(v)) {
				out[w++] = (char)v;
				ch |= RT_N_PCT;
			} else {
				static const char hx[] = "0123456789ABCDEF";
				char a = hx[v >> 4], b = hx[v & 15];
				if (a != t[i + 1] || b != t[i + 2])
					ch |= RT_N_PCT_UPPER;
				out[w++] = '%';
				out[w++] = a;
				out[w++] = b;
			}
			i += 2;
			continue;
		}
		if (c == '/' && w > 0 && out[w - 1] == '/') {
			ch |= RT_N_SLASHES;
			continue;
		}
		out[w++] = c;
	}
	/* 5. remove dot segments (RFC 3986 sec. 5.2.4) in place.  'out' now
	 * starts with '/' and has no empty segment except a trailing one.  Each
	 * segment is read from 'r' and written at 'o' (o <= r). */
	size_t r = 0, o = 0, n = w;
	while (r < n) {
		/* out[r] == '/': the segment is out[r+1 .. e) */
		size_t s = r + 1, e = s;
		while (e < n && out[e] != '/')
			e++;
		size_t sl = e - s;
		bool last = e >= n;
		if ((sl == 1 && out[s] == '.') || (sl == 2 && out[s] == '.' && out[s + 1] == '.')) {
			ch |= RT_N_DOTSEG;
			if (sl == 2)   /* pop the last output segment */
				while (o > 0 && out[--o] != '/')
					;
			if (last)
				out[o++] = '/';
		} else {
			memmove(out + o, out + r, e - r);
			o += e - r;
		}
		r = e;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	if (changes)
		*changes = ch;
	return (long)o;
}

int rt_norm_request(const char *host, size_t host_len, const char *path, size_t path_len,
                    struct rt_nreq *r)
{
	r->invalid = NULL;
	r->host_kind = rt_norm_host(host, host_len, r->host, sizeof r->host, &r->host_len,
	                            &r->host_changes);
	if (r->host_kind < 0)
		return IW_ETOOBIG;
	long n = rt_norm_path(path, path_len, r->path, sizeof r->path, &r->path_changes);
	if (n < 0)
		return IW_ETOOBIG;
	r->path_len = (size_t)n;
	return IW_OK;
}
