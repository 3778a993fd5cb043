/* The top level of a JSON document too large to build whole (see jsonscan.h). */
#include "load/jsonscan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"

struct sc {
	const char *b;
	size_t len, p;
	size_t max_depth;
	unsigned line;          /* line of b[p] ... */
	size_t line_at;         /* ... which starts at this offset (or the scan's start) */
	unsigned char *stack;   /* open brackets */
	struct js_doc *out;
};

static void ws(struct sc *s)
{
	while (s->p < s->len) {
		char c = s->b[s->p];
		if (c == '\n') {
			s->line++;
			s->line_at = ++s->p;
		} else if (c == ' ' || c == '\t' || c == '\r') {
			s->p++;
		} else {
			break;
		}
	}
}

static int fail(struct sc *s, size_t at, const char *msg)
{
	snprintf(s->out->error, sizeof s->out->error, "%s", msg);
	s->out->err_at = at;
	return IW_ESYNTAX;
}

static int unexpected(struct sc *s)
{
	if (s->p >= s->len)
		return fail(s, s->p, "unexpected end of input");
	char msg[48];
	unsigned char c = (unsigned char)s->b[s->p];
	if (c >= 0x20 && c < 0x7f)
		snprintf(msg, sizeof msg, "unexpected '%c'", c);
	else
		snprintf(msg, sizeof msg, "unexpected byte 0x%02x", c);
	return fail(s, s->p, msg);
}

/* s->p at '"': moves past the closing quote. */
static int skip_string(struct sc *s)
{
	size_t i = s->p + 1;
	while (i < s->len) {
		char c = s->b[i];
		if (c == '"') {
			s->p = i + 1;
			return IW_OK;
		}
		if (c == '\\')
			i += 2;
		else if (c == '\n')
			break;
		else
			i++;
	}
	return fail(s, s->p, "unterminated string");
}

static bool literal_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '-' || c == '+' || c == '.';
}

/* Moves past one value (s->p at its first byte, blanks skipped).  Brackets
 * must match and nest at most max_depth deep; what is between them is only
 * tokenised (its grammar is checked by whoever parses the value). */
static int skip_value(struct sc *s)
{
	size_t depth = 0;
	for (;;) {
		ws(s);
		if (s->p >= s->len)
			return unexpected(s);
		char c = s->b[s->p];
		int rc;
		switch (c) {
		case '{':
		case '[':
			if (depth >= s->max_depth)
				return fail(s, s->p, "document nested too deeply");
			s->stack[depth++] = (unsigned char)c;
			s->p++;
			continue;
		case '}':
		case ']':
			if (!depth || s->stack[depth - 1] != (c == '}' ? '{' : '['))
				return unexpected(s);
			s->p++;
			if (--depth == 0)
				return IW_OK;
			continue;
		case '"':
			if ((rc = skip_string(s)))
				return rc;
			break;
		case ',':
		case ':':
			if (!depth)
				return unexpected(s);
			s->p++;
			continue;
		default:
			if (!literal_char(c))
				return unexpected(s);
			while (s->p < s->len && literal_char(s->b[s->p]))
				s->p++;
			break;
		}
		if (!depth)
			return IW_OK;
	}
}

static int add_item(struct js_doc *d, struct yd_range r, size_t *cap)
{
	if (d->nitems == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		struct yd_range *v = realloc(d->items, c * sizeof *v);
		if (!v)
			return IW_ENOMEM;
		d->items = v;
		*cap = c;
	}
	d->items[d->nitems++] = r;
	return IW_OK;
}

/* The elements of the items array (s->p just after '['). */
static int scan_items(struct sc *s)
{
	size_t cap = 0;
	ws(s);
	if (s->p < s->len && s->b[s->p] == ']') {
		s->p++;
		return IW_OK;
	}
	for (;;) {
		ws(s);
		struct yd_range r = { s->p, 0, s->line, (unsigned)(s->p - s->line_at + 1) };
		int rc = skip_value(s);
		if (rc)
			return rc;
		r.length = s->p - r.offset;
		if ((rc = add_item(s->out, r, &cap)))
			return rc;
		ws(s);
		if (s->p < s->len && s->b[s->p] == ',') {
			s->p++;
			continue;
		}
		if (s->p < s->len && s->b[s->p] == ']') {
			s->p++;
			return IW_OK;
		}
		return unexpected(s);
	}
}

static int scan_object(struct sc *s)
{
	struct js_doc *d = s->out;
	if (!(d->envelope = json_object()))
		return IW_ENOMEM;
	s->p++;   /* '{' */
	ws(s);
	if (s->p < s->len && s->b[s->p] == '}') {
		s->p++;
		return IW_OK;
	}
	for (;;) {
		ws(s);
		if (s->p >= s->len || s->b[s->p] != '"')
			return unexpected(s);
		size_t ks = s->p;
		int rc = skip_string(s);
		if (rc)
			return rc;
		json_error_t je;
		json_t *key = json_loadb(s->b + ks, s->p - ks, JSON_DECODE_ANY, &je);
		if (!key)
			return json_error_code(&je) == json_error_out_of_memory ? IW_ENOMEM
			                                                        : fail(s, ks, je.text);
		const char *k = json_string_value(key);
		bool items = !strcmp(k, "items");
		if ((items && d->has_items) || json_object_get(d->envelope, k)) {
			char msg[120];
			snprintf(msg, sizeof msg, "duplicate key \"%.60s\"", k);
			json_decref(key);
			return fail(s, ks, msg);
		}
		ws(s);
		if (s->p >= s->len || s->b[s->p] != ':') {
			json_decref(key);
			return unexpected(s);
		}
		s->p++;
		ws(s);
		if (items && s->p < s->len && s->b[s->p] == '[') {
			d->has_items = true;
			s->p++;
			rc = scan_items(s);
		} else {
			size_t vs = s->p;
			unsigned vline = s->line;
			size_t vline_at = s->line_at;
			if (!(rc = skip_value(s))) {
				d->envelope_bytes += s->p - ks;
				json_t *v = json_loadb(s->b + vs, s->p - vs,
				                       JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
				if (!v) {
					s->line = vline;
					s->line_at = vline_at;
					rc = json_error_code(&je) == json_error_out_of_memory
					     ? IW_ENOMEM : fail(s, vs + (size_t)je.position, je.text);
				} else if (json_object_set_new(d->envelope, k, v)) {
					rc = IW_ENOMEM;
				}
			}
		}
		json_decref(key);
		if (rc)
			return rc;
		ws(s);
		if (s->p < s->len && s->b[s->p] == ',') {
			s->p++;
			continue;
		}
		if (s->p < s->len && s->b[s->p] == '}') {
			s->p++;
			return IW_OK;
		}
		return unexpected(s);
	}
}

int js_scan(const char *buf, size_t len, size_t at, unsigned line, size_t line_at,
            size_t max_depth, struct js_doc *out)
{
	memset(out, 0, sizeof *out);
	struct sc s = { buf, len, at, max_depth ? max_depth : 1, line, line_at, NULL, out };
	if (!(s.stack = malloc(s.max_depth)))
		return IW_ENOMEM;
	ws(&s);
	int rc = s.p < len && buf[s.p] == '{' ? scan_object(&s) : skip_value(&s);
	free(s.stack);
	if (rc) {
		json_decref(out->envelope);
		out->envelope = NULL;
		free(out->items);
		out->items = NULL;
		out->nitems = 0;
		return rc;
	}
	out->end = s.p;
	return IW_OK;
}

void js_doc_release(struct js_doc *d)
{
	json_decref(d->envelope);
	free(d->items);
	memset(d, 0, sizeof *d);
}

void js_position(const char *buf, size_t from, unsigned line, size_t at, unsigned *out_line,
                 unsigned *out_col)
{
	size_t ls = from;
	for (size_t i = from; i < at; i++)
		if (buf[i] == '\n') {
			line++;
			ls = i + 1;
		}
	unsigned col = 1;
	for (size_t i = ls; i < at; i++)
		col += ((unsigned char)buf[i] & 0xC0) != 0x80;
	*out_line = line;
	*out_col = col;
}
