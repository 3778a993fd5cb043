/*
 * A strict reading of an HTTP/1.1 request head (RFC 9112, RFC 9110) on top of
 * libmicrohttpd 0.9.75, for every server of the binary: serve's webhook, lint
 * and probe listeners, and router.  MHD 0.9.75 is lenient where a server must
 * not be: it takes the first of two different Content-Lengths, lets
 * Transfer-Encoding and Content-Length go together, reads a body of unknown
 * coding until the connection closes, truncates a field value at a NUL byte,
 * accepts bare LF, obs-fold, whitespace before the colon, no Host or two.
 * wh_head_check() runs on the first call of the access handler (the head is
 * complete, no body byte has been read) and returns the status to answer:
 *
 *   400  two Content-Length fields with different values, or one that is not
 *        1*DIGIT; Content-Length with Transfer-Encoding; Transfer-Encoding on
 *        HTTP/1.0 or "chunked" not alone; a field name that is not a token
 *        (whitespace before the colon); a control character in a value (bare
 *        CR); HTTP/1.1 without Host, two Host fields, or a Host that is not
 *        uri-host[:port] (a space, a NUL ...); a request-target that is not
 *        origin-form, absolute-form (http/https, no userinfo) or "*" (OPTIONS);
 *        any byte of the head that MHD did not hand over (a NUL inside a line
 *        hides the rest of it; obs-fold; a line ended by a bare LF)
 *   501  a transfer coding other than chunked
 *   505  an HTTP version other than 1.0 and 1.1
 *
 * The caller answers with "Connection: close".  (A Content-Length MHD cannot
 * parse, such as "-1", is answered 400 by MHD itself before any callback, with
 * "Connection: close"; 0.9.75 writes that answer's header block twice.)
 *
 * How hidden bytes are seen: MHD 0.9.75 keeps the head in one buffer and
 * hands out pointers into it: the method starts the head; the URI log
 * callback sees the raw target; every field name starts its line; every
 * value ends where its line's CR was (MHD NUL-terminates in place, so a NUL
 * inside a value shortens it); MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE is
 * the head's length.  With CRLF line ends, each line must then begin exactly
 * two bytes after the previous one ends and the head must end four bytes
 * after the last line: any other distance is a byte MHD hid from us.  (A NUL
 * as the last byte of a value, followed by a bare LF, is indistinguishable
 * from CRLF; it is read as the value without it, which RFC 9110 5.5 allows:
 * the NUL replaced by SP is trailing whitespace.)
 *
 * The pure helpers below are unit-tested (tests/unit/test_httphead.c).
 */
#ifndef IW_WEBHOOK_HTTPHEAD_H
#define IW_WEBHOOK_HTTPHEAD_H

#include <microhttpd.h>
#include <stddef.h>

/* What the head says, valid while the request lasts (pointers into MHD's buffer). */
struct wh_head {
	const char *host;   /* the authority of an absolute-form target, else the Host */
	size_t host_len;    /* field ("" on HTTP/1.0 without one) */
	const char *path;   /* the target's path without the query: as sent for */
	size_t path_len;    /* origin-form, "/" when an absolute-form has none, "*" */
	int chunked;        /* Transfer-Encoding: chunked */
	int has_length;     /* Content-Length present (value in 'length') */
	unsigned long long length;
};

/* The request-target as the URI log callback sees it: raw, before MHD cuts
 * the query off and unescapes the path in place. */
struct wh_target {
	const char *p;      /* the target in MHD's buffer, and its strlen then */
	size_t len;
	int bad;            /* none of the forms below */
	int asterisk;       /* "*" */
	const char *auth;   /* absolute-form authority (NULL: none) */
	size_t auth_len;
	size_t path_off, path_len;   /* the path within p (no query) */
};

/* From the URI log callback. */
void wh_target_note(struct wh_target *t, const char *uri);

/*
 * t: what wh_target_note saw; method and version as the access handler got
 * them.  Returns 0 with *h filled, or 400/501/505 with a static one-line
 * reason.  h->path points into MHD's buffer: as sent only when MHD does not
 * unescape (router's MHD_OPTION_UNESCAPE_CALLBACK); serve uses MHD's url.
 */
unsigned wh_head_check(struct MHD_Connection *mc, const char *method, const char *version,
                       const struct wh_target *t, struct wh_head *h, const char **why);

/* ---- pure helpers ---- */

/* RFC 9110 5.6.2 token (non-empty). */
int wh_http_token(const char *s, size_t n);
/* A field value without control characters (HTAB allowed; no NUL, CR, LF, DEL). */
int wh_http_value_ok(const char *s, size_t n);
/* RFC 9112 3.2 Host value: uri-host [ ":" port ], or empty. */
int wh_http_host_ok(const char *s, size_t n);
/* Parses a request-target.  0 with authority (NULL when the target has none)
 * and path (no query; "/" when an absolute-form has none; "*") set, or -1
 * when it is none of origin-form, absolute-form (http or https, no userinfo)
 * and "*" (which only OPTIONS may use: the caller checks). */
int wh_http_target(const char *t, size_t n, const char **authority, size_t *authority_len,
                   const char **path, size_t *path_len);
/* Transfer-Encoding value(s): 0 exactly "chunked", 400 malformed (chunked twice,
 * empty), 501 another coding.  The values of every TE field, in order. */
unsigned wh_http_te(const char *const *values, const size_t *lens, size_t n);

#endif
