/* A capped growable buffer (see buf.h). */
#include "base/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"

void buf_init(struct buf *b, size_t max)
{
	*b = (struct buf){ .max = max };
}

static int grow(struct buf *b, size_t extra)
{
	if (b->err)
		return b->err;
	if (extra > b->max - b->len)
		return b->err = IW_ETOOBIG;
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return IW_OK;
	size_t nc = b->cap ? b->cap : 256;
	while (nc < need)
		nc = nc > (size_t)-1 / 2 ? need : nc * 2;
	char *np = realloc(b->p, nc);
	if (!np)
		return b->err = IW_ENOMEM;
	b->p = np;
	b->cap = nc;
	return IW_OK;
}

int buf_add(struct buf *b, const void *p, size_t n)
{
	if (grow(b, n))
		return b->err;
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
	return IW_OK;
}

int buf_puts(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_putc(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	if (b->err)
		return b->err;
	va_list aq;
	va_copy(aq, ap);
	char small[256];
	int n = vsnprintf(small, sizeof small, fmt, aq);
	va_end(aq);
	if (n < 0)
		return b->err = IW_EINVAL;
	if ((size_t)n < sizeof small)
		return buf_add(b, small, (size_t)n);
	if (grow(b, (size_t)n))
		return b->err;
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return IW_OK;
}

int buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

int buf_json_string(struct buf *b, const char *s, size_t n)
{
	buf_putc(b, '"');
	size_t run = 0;   /* bytes copied as they are, not yet added */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\') {
			run++;
			continue;
		}
		buf_add(b, s + i - run, run);
		run = 0;
		switch (c) {
		case '"': buf_puts(b, "\\\""); break;
		case '\\': buf_puts(b, "\\\\"); break;
		case '\b': buf_puts(b, "\\b"); break;
		case '\f': buf_puts(b, "\\f"); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\r': buf_puts(b, "\\r"); break;
		case '\t': buf_puts(b, "\\t"); break;
		default: buf_printf(b, "\\u%04X", c); break;
		}
	}
	buf_add(b, s + n - run, run);
	return buf_putc(b, '"');
}

char *buf_steal(struct buf *b, size_t *len)
{
	if (b->err)
		return NULL;
	char *s = b->p ? b->p : calloc(1, 1);
	if (len)
		*len = s ? b->len : 0;
	b->p = NULL;
	b->len = b->cap = 0;
	return s;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	b->err = IW_OK;
	if (b->p)
		b->p[0] = '\0';
}

void buf_release(struct buf *b)
{
	free(b->p);
	buf_init(b, b->max);
}
