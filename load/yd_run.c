/* yamldoc: the limits, the text of a buffer, a view of a range, emit (see yd_private.h). */
#include "load/yd_private.h"

#include "base/size.h"
#include "load/jarena.h"

#include <stdlib.h>
#include <string.h>

void yd_limits_init(struct yd_limits *lim)
{
	lim->max_depth = 100;
	lim->max_doc_bytes = 3u << 20;
	lim->max_docs = 1000000;
	lim->max_nodes = 1000000;
	lim->arena = NULL;
	lim->cancel = NULL;
	lim->split_lists = false;
}

bool yd_cancelled(const struct yd_limits *lim)
{
	return lim && lim->cancel && atomic_load_explicit(lim->cancel, memory_order_relaxed);
}

size_t ydi_u8_byte(struct u8cur *c, size_t ci)
{
	const unsigned char *b = (const unsigned char *)c->buf;
	while (c->ci < ci && c->bi < c->len) {
		c->bi++;
		while (c->bi < c->len && (b[c->bi] & 0xC0) == 0x80)
			c->bi++;
		c->ci++;
	}
	while (c->ci > ci && c->bi > c->base) {
		c->bi--;
		while (c->bi > c->base && (b[c->bi] & 0xC0) == 0x80)
			c->bi--;
		c->ci--;
	}
	return c->bi;
}

size_t ydi_bom_len(const char *buf, size_t len)
{
	return len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3) ? 3 : 0;
}

unsigned ydi_count_lines(const char *s, size_t n)
{
	unsigned k = 0;
	const char *p = s, *end = s + n;
	while (p < end && (p = memchr(p, '\n', (size_t)(end - p)))) {
		k++;
		p++;
	}
	return k;
}

void ydi_too_large(const struct yd_limits *lim, bool aliases, char *msg, size_t size)
{
	char lt[32];
	iw_size_text(lim->max_doc_bytes, lt, sizeof lt);
	snprintf(msg, size, "document too large%s (the limit is %s per object%s)",
	         aliases ? " with its aliases expanded" : "", lt,
	         lim->split_lists && !aliases ? "; only a List may be larger" : "");
}

enum iw_err ydi_emit(struct run *r, struct yd_doc *d)
{
	if (r->index >= r->lim->max_docs) {
		d->root = NULL;
		d->tree_ = NULL;
		d->lazy_ = NULL;
		d->empty = false;
		d->split = false;
		d->nitems = 0;
		d->error = "too many documents: the rest of the input is not read";
		d->err_line = d->err_line ? d->err_line : d->line;
		d->err_col = d->err_col ? d->err_col : 1;
		r->halt = true;
	}
	d->index = r->index++;
	d->in_arena_ = r->lim->arena != NULL;
	d->offset += r->shift;
	jarena_end(r->lim->arena);   /* the callback allocates from the heap */
	enum iw_err rc = r->fn(r->ctx, d);
	jarena_begin(r->lim->arena);
	if (rc)
		r->stop = rc;
	return rc;
}

/* Offset of the next line starting with "---" (followed by a blank or end of
 * line) at or after 'from'; len when none. */
size_t ydi_next_doc_marker(const char *buf, size_t len, size_t from)
{
	size_t i = from;
	/* move to a line start */
	while (i > 0 && i < len && buf[i - 1] != '\n')
		i++;
	if (i > len)
		i = len;
	for (; i + 3 <= len;) {
		if (!memcmp(buf + i, "---", 3) &&
		    (i + 3 == len || buf[i + 3] == ' ' || buf[i + 3] == '\t' || buf[i + 3] == '\n' ||
		     buf[i + 3] == '\r'))
			return i;
		const char *nl = memchr(buf + i, '\n', len - i);
		if (!nl)
			break;
		i = (size_t)(nl - buf) + 1;
	}
	return len;
}

size_t ydi_line_start(const char *buf, size_t at)
{
	while (at > 0 && buf[at - 1] != '\n')
		at--;
	return at;
}

/* Text to read again or alone: buf[off .. off+len), whose first byte is at
 * line:col.  A block (YAML) text keeps its indentation by padding its first
 * line with spaces; a flow or JSON text is read in place, its first line's
 * columns shifted. */
bool ydi_make_view(const char *buf, size_t off, size_t len, unsigned line, unsigned col,
                   bool json, struct view *v)
{
	memset(v, 0, sizeof *v);
	v->line0 = line ? line - 1 : 0;
	size_t i = off;
	while (i < off + len && (buf[i] == ' ' || buf[i] == '\t'))
		i++;
	bool flow = json || (i < off + len && (buf[i] == '{' || buf[i] == '['));
	if (flow || col <= 1) {
		v->p = buf + off;
		v->n = len;
		v->shift = off;
		v->col0 = col ? col - 1 : 0;
		return true;
	}
	size_t pad = col - 1;
	if (!(v->copy = malloc(pad + len)))
		return false;
	memset(v->copy, ' ', pad);
	memcpy(v->copy + pad, buf + off, len);
	v->p = v->copy;
	v->n = pad + len;
	v->shift = off - (pad <= off ? pad : off);
	return true;
}
