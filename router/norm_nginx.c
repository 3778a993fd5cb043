/*
 * Request normalisation as nginx does it (router/norm.h, "the nginx
 * option"): the request line's target and the Host header of nginx 1.27.1
 * (ngx_http_parse_request_line, ngx_http_parse_complex_uri with
 * merge_slashes on, ngx_http_validate_host), which ingress-nginx 1.15.1
 * runs unchanged (SEMANTICS-ingress-nginx.md sec. 9.1, 9.2).
 */
#include "router/norm.h"
#include "base/ascii.h"

#include <string.h>

#include "base/err.h"

/* ngx_http_validate_host: lower-case, cut at the first ':' (the port, any
 * value), drop one trailing '.'; '..', '/', NUL, control bytes, a space or
 * an empty result are refused (400).  '[' at the start opens an IPv6
 * literal whose ':' are kept. */
static const char *validate_host(const char *h, size_t len, char *out, size_t *out_len,
                                 unsigned *changes)
{
	enum { USUAL, LITERAL, REST } st = USUAL;
	size_t dot = len, hl = len;
	unsigned ch = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)h[i];
		switch (c) {
		case '.':
			if (i > 0 && dot == i - 1)
				return "the Host has an empty label (\"..\")";
			dot = i;
			break;
		case ':':
			if (st == USUAL) {
				hl = i;
				st = REST;
			}
			break;
		case '[':
			if (i == 0)
				st = LITERAL;
			break;
		case ']':
			if (st == LITERAL) {
				hl = i + 1;
				st = REST;
			}
			break;
		default:
			if (c == '/')
				return "the Host holds a '/'";
			if (c <= 0x20 || c == 0x7f)
				return "the Host holds a space or a control character";
			break;
		}
	}
	if (hl < len)
		ch |= RT_N_PORT;
	if (hl > 0 && dot == hl - 1) {
		hl--;
		ch |= RT_N_DOT;
	}
	if (hl == 0)
		return "the Host is empty";
	for (size_t i = 0; i < hl; i++) {
		char c = h[i];
		if (c >= 'A' && c <= 'Z') {
			c = (char)(c - 'A' + 'a');
			ch |= RT_N_CASE;
		}
		out[i] = c;
	}
	out[hl] = '\0';
	*out_len = hl;
	*changes = ch;
	return NULL;
}

/*
 * ngx_http_parse_complex_uri (merge_slashes on), state for state.  't' is
 * the path part of the request-target (it starts with '/').  A %XX is
 * decoded first and the decoded byte is read again in the state the '%'
 * came in, so %2F is a separator and %2E a dot; only a decoded '%', '#' or
 * '?' is plain data.  Returns NULL, or why nginx answers 400.
 */
static const char *complex_uri(const char *t, size_t len, char *out, size_t *out_len,
                               unsigned *changes)
{
	enum { USUAL, SLASH, DOT, DOT_DOT, QUOTED, QUOTED2 } st = USUAL, qst = USUAL;
	size_t u = 0, i = 0;
	int dec = 0;
	unsigned ch = 0;
	while (i < len) {
		unsigned char c = (unsigned char)t[i];
		switch (st) {
		case USUAL:
		case SLASH:
		case DOT:
		case DOT_DOT:
			if (c == '%') {
				qst = st;
				st = QUOTED;
				i++;
				continue;
			}
			if (c == '?' || c == '#') {
				ch |= RT_N_QUERY;
				if (st == DOT) {
					u--;
				} else if (st == DOT_DOT) {
					goto pop;
				}
				goto done;
			}
			break;
		case QUOTED:
			if ((dec = iw_hexval(c)) < 0)
				return "a '%' is not followed by two hex digits";
			st = QUOTED2;
			i++;
			continue;
		case QUOTED2: {
			int lo = iw_hexval(c);
			if (lo < 0)
				return "a '%' is not followed by two hex digits";
			i++;
			ch |= RT_N_PCT_ALL;
			c = (unsigned char)(dec * 16 + lo);
			if (c == 0)
				return "%00 decodes to a NUL byte";
			if (c == '%' || c == '#' || c == '?') {
				out[u++] = (char)c;   /* data, read no further */
				st = USUAL;
				continue;
			}
			st = qst;
			/* the decoded byte is read again in the state the '%' came in */
			goto again;
		}
		}
		i++;
	again:
		switch (st) {
		case USUAL:
			if (c == '/')
				st = SLASH;
			out[u++] = (char)c;
			break;
		case SLASH:
			if (c == '/') {
				ch |= RT_N_SLASHES;   /* merged */
			} else {
				st = c == '.' ? DOT : USUAL;
				out[u++] = (char)c;
			}
			break;
		case DOT:
			if (c == '/') {
				u--;                  /* "/./" -> "/" */
				st = SLASH;
				ch |= RT_N_DOTSEG;
			} else {
				st = c == '.' ? DOT_DOT : USUAL;
				out[u++] = (char)c;
			}
			break;
		case DOT_DOT:
			if (c == '/') {
				/* "/seg/../" -> "/": u - 4 is the byte before "/.." */
				if (u < 4)
					return "a \"..\" segment climbs above the root";
				u -= 4;
				while (out[u] != '/') {
					if (u == 0)
						return "a \"..\" segment climbs above the root";
					u--;
				}
				u++;
				st = SLASH;
				ch |= RT_N_DOTSEG;
			} else {
				st = USUAL;
				out[u++] = (char)c;
			}
			break;
		case QUOTED:
		case QUOTED2:
			break;   /* not reached */
		}
	}
	if (st == QUOTED || st == QUOTED2)
		return "a '%' is not followed by two hex digits";
	if (st == DOT) {
		u--;
		ch |= RT_N_DOTSEG;
	} else if (st == DOT_DOT) {
pop:
		if (u < 4)
			return "a \"..\" segment climbs above the root";
		u -= 4;
		while (out[u] != '/') {
			if (u == 0)
				return "a \"..\" segment climbs above the root";
			u--;
		}
		u++;
		ch |= RT_N_DOTSEG;
	}
done:
	out[u] = '\0';
	*out_len = u;
	*changes = ch;
	return NULL;
}

int rt_norm_request_nginx(const char *host, size_t host_len, const char *target,
                          size_t target_len, struct rt_nreq *r)
{
	r->invalid = NULL;
	r->host_kind = RT_HOST_NAME;
	r->host_len = r->path_len = 0;
	r->host_changes = r->path_changes = 0;
	r->host[0] = r->path[0] = '\0';
	if (host_len > RT_MAX_HOST || target_len > RT_MAX_PATH)
		return IW_ETOOBIG;
	/* the request line (ngx_http_parse_request_line): a space or a control
	 * byte ends or breaks it */
	for (size_t i = 0; i < target_len; i++) {
		unsigned char c = (unsigned char)target[i];
		if (c <= 0x20 || c == 0x7f) {
			r->invalid = "the request-target holds a space or a control character";
			return IW_OK;
		}
	}
	const char *p = target;
	size_t pl = target_len;
	if (pl == 0 || p[0] != '/') {
		/* absolute-form: scheme "://" authority [path]; the authority
		 * replaces the Host header (RFC 9112 sec. 3.2.2) */
		size_t s = 0;
		while (s < pl && ((p[s] | 0x20) >= 'a' && (p[s] | 0x20) <= 'z'))
			s++;
		if (s == 0 || pl - s < 3 || memcmp(p + s, "://", 3)) {
			r->invalid = "the request-target is neither a path nor an absolute URL";
			return IW_OK;
		}
		host = p + s + 3;
		const char *e = host;
		while (e < p + pl && *e != '/' && *e != '?' && *e != '#')
			e++;
		host_len = (size_t)(e - host);
		pl -= (size_t)(e - p);
		p = e;
		r->host_changes |= RT_N_ABSOLUTE;
	}
	const char *why = validate_host(host, host_len, r->host, &r->host_len, &r->host_changes);
	if (why) {
		r->invalid = why;
		r->host_kind = RT_HOST_EMPTY;
		r->host[0] = '\0';
		r->host_len = 0;
		return IW_OK;
	}
	r->host_kind = rt_host_is_ip(r->host, r->host_len) ? RT_HOST_IP : RT_HOST_NAME;
	if (pl == 0 || p[0] != '/') {
		/* "http://h" or "http://h?q": nginx uses "/" */
		r->path[0] = '/';
		r->path[1] = '\0';
		r->path_len = 1;
		r->path_changes = RT_N_ROOT | (pl ? RT_N_QUERY : 0);
		return IW_OK;
	}
	why = complex_uri(p, pl, r->path, &r->path_len, &r->path_changes);
	if (why) {
		r->invalid = why;
		r->path[0] = '\0';
		r->path_len = 0;
	}
	return IW_OK;
}
