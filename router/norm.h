/*
 * Request normalisation for every router of the module (SEMANTICS.md
 * sections 3 and 4): the Host header value and the request-target are
 * brought to the form rule hosts and rule paths are compared with.  A
 * profile that normalises differently adds an option here.
 *
 * Pure: no I/O, no globals, no allocation.  Output goes to caller buffers.
 */
#ifndef IW_ROUTER_NORM_H
#define IW_ROUTER_NORM_H

#include <stdbool.h>
#include <stddef.h>

/* Longest Host value and request-target accepted (nginx's
 * large_client_header_buffers is 8k; a DNS name is at most 253). */
#define RT_MAX_HOST 1024
#define RT_MAX_PATH 8192

/* What normalisation changed: bits of the 'changes' out-parameters. */
enum {
	RT_N_PORT      = 1u << 0,  /* a ":port" was removed from the host */
	RT_N_CASE      = 1u << 1,  /* upper-case host letters were lowered */
	RT_N_DOT       = 1u << 2,  /* one trailing dot was removed from the host */
	RT_N_QUERY     = 1u << 3,  /* a "?query" or "#fragment" was cut */
	RT_N_PCT       = 1u << 4,  /* %XX of an unreserved character decoded */
	RT_N_PCT_UPPER = 1u << 5,  /* hex digits of a kept %xx written upper case */
	RT_N_SLASHES   = 1u << 6,  /* runs of '/' merged */
	RT_N_DOTSEG    = 1u << 7,  /* "." / ".." segments removed (RFC 3986 5.2.4) */
	RT_N_ROOT      = 1u << 8,  /* empty or relative path made absolute */
	RT_N_ABSOLUTE  = 1u << 9,  /* nginx: the host came from an absolute-form target */
	RT_N_PCT_ALL   = 1u << 10, /* nginx: every %XX decoded before the path is read */
};

enum rt_host_kind {
	RT_HOST_NAME = 0,   /* a name that can equal a rule host */
	RT_HOST_EMPTY,      /* no Host: only host-less rules can serve it */
	RT_HOST_IP,         /* an IPv4 or [IPv6] literal: only host-less rules */
};

/*
 * Normalises the Host header value 'h' (length 'len'): port removed (from the
 * last ':', or after ']' for an IPv6 literal), ASCII lower-cased, one trailing
 * dot dropped.  Writes the result and a NUL into 'out' (size >= len + 1) and
 * sets *out_len.  Returns the kind, or -1 if 'len' exceeds RT_MAX_HOST or
 * 'size' is too small.  'changes' (may be NULL) gets RT_N_* bits.
 */
int rt_norm_host(const char *h, size_t len, char *out, size_t size, size_t *out_len,
                 unsigned *changes);

/*
 * Normalises a request-target: cut at the first '?' or '#', decode %XX of
 * unreserved characters (A-Z a-z 0-9 - . _ ~), upper-case the hex digits of
 * every other %XX (so %2f stays a part of its element, as %2F), merge runs of
 * '/', remove dot segments; an empty or relative path gets a leading '/'.
 * Writes the result and a NUL into 'out' (size >= len + 2).  Returns the
 * length, or -1 if 'len' exceeds RT_MAX_PATH or 'size' is too small.
 */
long rt_norm_path(const char *t, size_t len, char *out, size_t size, unsigned *changes);

/*
 * Both at once, as every router reads a request: the normalised host and
 * path, the host's kind and what changed.  Returns IW_OK, or IW_ETOOBIG when
 * the host exceeds RT_MAX_HOST or the path RT_MAX_PATH (then r holds
 * nothing useful).
 */
struct rt_nreq {
	const char *invalid;            /* nginx option: why nginx answers 400, else NULL */
	int host_kind;                  /* enum rt_host_kind */
	size_t host_len, path_len;
	unsigned host_changes, path_changes;
	char host[RT_MAX_HOST + 1];
	char path[RT_MAX_PATH + 2];
};
int rt_norm_request(const char *host, size_t host_len, const char *path, size_t path_len,
                    struct rt_nreq *r);

/*
 * The nginx option (the ingress-nginx profile): the request as nginx 1.27
 * reads it (SEMANTICS-ingress-nginx.md sec. 9.1, 9.2).  Host: lower-cased,
 * cut at the first ':', one trailing dot dropped; "..", '/', control bytes
 * or an empty host are refused.  Target: a space or control byte is
 * refused; an absolute-form target ("http://h/p") gives the host; every
 * %XX is decoded before the path is read (%2F is a separator, %2E a dot;
 * %00 and bad escapes are refused), runs of '/' merged, "." and ".."
 * segments resolved ('..' above the root is refused), the query and
 * fragment cut.  A refused request is IW_OK with r->invalid saying why
 * (nginx answers 400); IW_ETOOBIG as rt_norm_request.
 */
int rt_norm_request_nginx(const char *host, size_t host_len, const char *target,
                          size_t target_len, struct rt_nreq *r);

/* true when the (normalised) host is an IPv4 dotted quad or a [..] literal */
bool rt_host_is_ip(const char *h, size_t len);

#endif
