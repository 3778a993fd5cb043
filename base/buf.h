/*
 * A growable byte buffer with a hard cap (curl's dynbuf): output that may
 * be large (a rendered report, a response, a log line) is built here, and
 * a hostile input can make it no longer than the cap.
 *
 *   struct buf b;  buf_init(&b, 1 << 20);
 *   buf_puts(&b, "{");  buf_printf(&b, "\"n\": %zu", n);
 *   if (b.err) ...                      // IW_ENOMEM or IW_ETOOBIG, sticky
 *   char *s = buf_steal(&b, &len);      // caller frees; b is empty again
 *   buf_release(&b);                    // frees what is left
 *
 * The first failure is kept in b.err and every later call does nothing,
 * so a writer checks once at the end.  The content is always
 * NUL-terminated (b.p may be NULL while b.len is 0).
 *
 * Pure: no I/O, no globals.
 */
#ifndef IW_BASE_BUF_H
#define IW_BASE_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *p;        /* content, NUL-terminated; NULL when nothing was added */
	size_t len;     /* bytes of content, without the NUL */
	size_t cap;     /* bytes allocated */
	size_t max;     /* content may not exceed this */
	int err;        /* IW_OK, or the first failure (IW_ENOMEM, IW_ETOOBIG) */
};

void buf_init(struct buf *b, size_t max);
/* Each returns b->err (IW_OK while nothing failed). */
int buf_add(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s[0..n) as a JSON string, quotes included, escaped as jansson's
 * json_dumps writes it without JSON_ENSURE_ASCII: \" \\ \b \f \n \r \t,
 * other bytes below 0x20 as \u00XX, every other byte as it is (s must be
 * UTF-8, as every string jansson parsed is). */
int buf_json_string(struct buf *b, const char *s, size_t n);
int buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Takes the content (a malloc'd NUL-terminated string, "" when empty; NULL
 * when b->err is set or on lack of memory); b is empty afterwards and keeps
 * its cap and error. */
char *buf_steal(struct buf *b, size_t *len);
void buf_reset(struct buf *b);     /* empty, keeps the memory and clears err */
void buf_release(struct buf *b);   /* frees; b is as after buf_init */

#endif
