/* yamldoc: JSON documents (jansson; positions only when asked for). */
#include "load/yd_private.h"
#include "model/jsonmem.h"

#include "load/jarena.h"
#include "load/jsonscan.h"

#include <string.h>

/* Where buf[off] is, for a JSON document starting at buf[at] on 'line',
 * whose line starts at buf[ls] with col0 columns before it. */
static void json_pos(const struct run *r, size_t at, unsigned line, size_t ls, unsigned col0,
                     size_t off, unsigned *l, unsigned *c)
{
	js_position(r->buf, at, line, off, l, c);
	if (*l == line)
		*c += col0 + (unsigned)(at - ls);
}

/* jansson's duplicate-key error points after the key: the key's opening
 * quote, and its text into msg. */
static size_t dup_key_at(const char *buf, size_t at, size_t pos, char *msg, size_t size)
{
	size_t q = pos;
	while (q > at && buf[q - 1] != '"')
		q--;
	if (q <= at) {
		snprintf(msg, size, "duplicate key");
		return pos;
	}
	size_t close = q - 1, open = close;
	while (open > at) {
		open--;
		if (buf[open] != '"')
			continue;
		size_t bs = 0;
		while (open - bs > at && buf[open - bs - 1] == '\\')
			bs++;
		if (bs % 2 == 0)
			break;
	}
	char k[72];
	size_t n = 0;
	for (size_t i = open + 1; i < close && n + 4 < sizeof k; i++)
		k[n++] = (unsigned char)buf[i] < 0x20 ? '?' : buf[i];
	if (close - open - 1 > n) {
		memcpy(k + n, "...", 3);
		n += 3;
	}
	k[n] = 0;
	snprintf(msg, size, "duplicate key \"%s\"", k);
	return open;
}

/* Moves the line count past buf[from .. to), keeping where the line starts. */
static void json_advance(const struct run *r, size_t from, size_t to, unsigned *line, size_t *ls,
                         unsigned *col0)
{
	unsigned k = ydi_count_lines(r->buf + from, to - from);
	if (k) {
		*line += k;
		size_t i = to;
		while (i > from && r->buf[i - 1] != '\n')
			i--;
		*ls = i;
		*col0 = 0;
	}
}

/* One JSON document larger than max_doc_bytes at buf[at]: a List is handed
 * over split (its items unread), anything else fails.  Returns where the
 * document ends, or 0 when it could not be read to its end (*err then set). */
static size_t json_big(struct run *r, size_t at, unsigned line, size_t ls, struct js_doc *sd,
                       bool *too_big)
{
	*too_big = false;
	int rc = js_scan(r->buf, r->len, at, line, ls, r->lim->max_depth, sd);
	if (rc == IW_ENOMEM) {
		r->b.oom = true;
		return 0;
	}
	if (rc)
		return 0;
	*too_big = sd->end - at > r->lim->max_doc_bytes;
	return sd->end;
}

void ydi_run_json(struct run *r)
{
	size_t at = ydi_bom_len(r->buf, r->len);
	unsigned line = r->line0 + 1;
	size_t ls = at;             /* where the line of buf[at] starts (after a BOM) */
	unsigned col0 = r->col0;    /* columns before buf[ls] (the first line of a range) */
	size_t max = r->lim->max_doc_bytes;
	while (!r->stop && !r->halt && !r->b.oom) {
		if (yd_cancelled(r->lim)) {
			r->stop = IW_ECANCELED;
			break;
		}
		size_t ws = at;
		while (ws < r->len && (r->buf[ws] == ' ' || r->buf[ws] == '\t' || r->buf[ws] == '\n' ||
		                       r->buf[ws] == '\r'))
			ws++;
		json_advance(r, at, ws, &line, &ls, &col0);
		at = ws;
		if (at >= r->len)
			break;
		unsigned col = col0 + (unsigned)(at - ls) + 1;
		/* at most one byte more than a document may have: a larger one
		 * is not built (a List may still be read item by item) */
		size_t rest = r->len - at, win = rest;
		if (max < rest - 1)
			win = max + 1;
		json_error_t err;
		unsigned long f0 = iw_json_failures();
		jarena_begin(r->lim->arena);
		json_t *v = json_loadb(r->buf + at, win,
		                       JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &err);
		jarena_end(r->lim->arena);
		if (iw_json_failures() != f0) {
			/* jansson lost an allocation: an error it reports, or a value
			 * it returns, may be its doing (model/jsonmem.h) */
			if (v && !jarena_exclusive(r->lim->arena))
				json_decref(v);
			jarena_reset(r->lim->arena);
			r->stop = IW_ENOMEM;
			break;
		}
		struct yd_doc d = { 0 };
		struct lazy_json lz = { 0 };
		d.format = YD_JSON;
		d.line = line;
		d.start_line = line;
		d.start_col = col;
		d.offset = at;
		char msg[200];
		if (!v && win < rest && json_error_code(&err) != json_error_out_of_memory) {
			jarena_reset(r->lim->arena);   /* what json_loadb built before the window ended */
			struct js_doc sd;
			bool big;
			size_t end = json_big(r, at, line, ls, &sd, &big);
			if (!r->b.oom && iw_json_failures() != f0) {
				r->b.oom = true;   /* an envelope member jansson could not build */
				if (end)
					js_doc_release(&sd);
			}
			if (r->b.oom)
				break;
			if (end && big) {
				if (r->lim->split_lists && sd.envelope && sd.has_items && sd.envelope_bytes <= max) {
					d.root = sd.envelope;
					d.split = true;
					d.items = sd.items;
					d.nitems = sd.nitems;
					d.length = end - at;
				} else {
					ydi_too_large(r->lim, false, msg, sizeof msg);
					d.error = msg;
					d.err_line = line;
					d.err_col = col;
				}
				ydi_emit(r, &d);
				js_doc_release(&sd);
				json_advance(r, at, end, &line, &ls, &col0);
				at = end;
				continue;
			}
			if (!end && sd.err_at >= at + win) {
				/* an error past the window: the scanner's */
				snprintf(msg, sizeof msg, "%s", sd.error);
				err.position = (int)(sd.err_at - at);
				json_pos(r, at, line, ls, col0, sd.err_at, &d.err_line, &d.err_col);
				d.error = msg;
				goto failed;
			}
			if (end)
				js_doc_release(&sd);
			/* else the document ends inside the window: jansson's error is the one */
		}
		if (!v) {
			if (json_error_code(&err) == json_error_duplicate_key) {
				size_t k = dup_key_at(r->buf, at, at + (size_t)err.position, msg, sizeof msg);
				json_pos(r, at, line, ls, col0, k, &d.err_line, &d.err_col);
			} else {
				snprintf(msg, sizeof msg, "%s", err.text);
				d.err_line = line + (unsigned)(err.line > 0 ? err.line - 1 : 0);
				d.err_col = (unsigned)(err.column > 0 ? err.column : 1);
				if (err.line <= 1)
					d.err_col += col0 + (unsigned)(at - ls);
			}
			d.error = msg;
		failed:
			ydi_emit(r, &d);
			jarena_end(r->lim->arena);
			jarena_reset(r->lim->arena);   /* what json_loadb built before failing */
			/* resume at the next line that starts with '{' */
			size_t from = at + (err.position > 0 ? (size_t)err.position : 1);
			if (from > r->len)
				from = r->len;
			size_t next = r->len;
			for (size_t i = from; i < r->len; i++)
				if (r->buf[i] == '{' && i > 0 && r->buf[i - 1] == '\n' && i > at) {
					next = i;
					break;
				}
			json_advance(r, at, next, &line, &ls, &col0);
			at = next;
			continue;
		}
		size_t used = (size_t)err.position;
		if (used == 0)
			used = r->len - at;
		if (used > max) {
			json_decref(v);
			jarena_reset(r->lim->arena);
			ydi_too_large(r->lim, false, msg, sizeof msg);
			d.error = msg;
			d.err_line = line;
			d.err_col = col;
			ydi_emit(r, &d);
		} else {
			lz.buf = r->buf;
			lz.off = at;
			lz.len = used;
			lz.line = line;
			lz.col = col;
			d.root = v;
			d.empty = json_is_null(v);
			d.lazy_ = &lz;
			d.length = used;
			ydi_emit(r, &d);
			jarena_end(r->lim->arena);
			if (!jarena_exclusive(r->lim->arena))
				json_decref(v);   /* else the reset drops the whole tree */
			jarena_reset(r->lim->arena);
			ydi_tree_free(d.tree_);
		}
		json_advance(r, at, at + used, &line, &ls, &col0);
		at += used;
	}
}
