/* The one manifest loader (see manifest.h). */
#include "load/manifest.h"

#include "base/size.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "model/model.h"

void mf_opts_init(struct mf_opts *o)
{
	memset(o, 0, sizeof *o);
	o->format = YD_AUTO;
	yd_limits_init(&o->limits);
}


json_t *mf_keep(const struct mf_object *o)
{
	return o->doc ? yd_keep(o->doc, o->obj) : json_incref(o->obj);
}

struct run {
	const char *buf;
	size_t len;
	const struct mf_opts *o;
	const struct mf_sink *s;
	struct yd_limits item_lim;   /* for the items of a split List */
	enum iw_err stop;
	/* the item being read alone (split List) */
	size_t doc_index, item;
};

static void vproblem(struct run *r, size_t doc, size_t item, unsigned line, unsigned col,
                     bool not_object, const char *fmt, va_list ap)
{
	if (!r->s->problem)
		return;
	char msg[400];
	int k = 0;
	if (item != SIZE_MAX)
		k = snprintf(msg, sizeof msg, "items[%zu]: ", item);
	vsnprintf(msg + k, sizeof msg - (size_t)k, fmt, ap);
	struct mf_problem p = { doc, item, line, col, msg, not_object };
	r->s->problem(r->s->ctx, &p);
}

static void problem(struct run *r, size_t doc, size_t item, unsigned line, unsigned col,
                    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void problem(struct run *r, size_t doc, size_t item, unsigned line, unsigned col,
                    const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vproblem(r, doc, item, line, col, false, fmt, ap);
	va_end(ap);
}

/* A document that is no Kubernetes object at all (mf_problem.not_object). */
static void other_yaml(struct run *r, size_t doc, size_t item, unsigned line, unsigned col,
                       const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void other_yaml(struct run *r, size_t doc, size_t item, unsigned line, unsigned col,
                       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vproblem(r, doc, item, line, col, item == SIZE_MAX, fmt, ap);
	va_end(ap);
}

static const char *json_kind_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_ARRAY: return "a sequence";
	case JSON_STRING: return "a string";
	case JSON_INTEGER:
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}

static bool list_kind(const char *k)
{
	size_t n = strlen(k);
	return n >= 4 && !strcmp(k + n - 4, "List");
}

/* kind and apiVersion of an object; false (a problem reported) when either is missing. */
static bool typed(struct run *r, struct yd_doc *d, json_t *obj, size_t item, unsigned line,
                  unsigned col, const char **kind, const char **av)
{
	if (!json_is_object(obj)) {
		other_yaml(r, d->index, item, line, col, "document is %s, not an object", json_kind_name(obj));
		return false;
	}
	json_t *k = json_object_get(obj, "kind"), *a = json_object_get(obj, "apiVersion");
	if (!json_is_string(k) || !json_string_length(k)) {
		other_yaml(r, d->index, item, line, col, "Object 'Kind' is missing");
		return false;
	}
	if (!json_is_string(a) || !json_string_length(a)) {
		other_yaml(r, d->index, item, line, col, "Object 'apiVersion' is missing");
		return false;
	}
	*kind = json_string_value(k);
	*av = json_string_value(a);
	return true;
}

static enum iw_err deliver(struct run *r, struct yd_doc *d, json_t *obj, yd_node node, size_t doc_index,
                   size_t item, unsigned line, unsigned col, const char *kind, const char *av,
                   bool alone)
{
	if (r->o->strip)
		iw_strip_unread(obj);
	struct mf_object mo = { obj, kind, av, doc_index, item, line, col, d, node, alone };
	enum iw_err rc = r->s->object(r->s->ctx, &mo);
	if (rc)
		r->stop = rc;
	return rc;
}

/* One item of a split List, read alone. */
static enum iw_err on_item(void *ctx, struct yd_doc *d)
{
	struct run *r = ctx;
	size_t doc = r->doc_index, item = r->item;
	if (d->error) {
		problem(r, doc, item, d->err_line, d->err_col, "%s", d->error);
		return IW_OK;
	}
	if (d->index > 0 || d->empty) {
		/* an item is one value: this cannot happen with the ranges yamldoc gives */
		problem(r, doc, item, d->line, 1, "not one value");
		return IW_OK;
	}
	const char *kind, *av;
	unsigned line = d->start_line ? d->start_line : d->line, col = d->start_col ? d->start_col : 1;
	if (!typed(r, d, d->root, item, line, col, &kind, &av))
		return IW_OK;
	if (list_kind(kind) && json_object_get(d->root, "items")) {
		problem(r, doc, item, line, col, "a List inside a List");
		return IW_OK;
	}
	return deliver(r, d, d->root, 0, doc, item, line, col, kind, av, true);
}

static enum iw_err split_list(struct run *r, struct yd_doc *d)
{
	char lim[32];
	iw_size_text(r->o->limits.max_doc_bytes, lim, sizeof lim);
	for (size_t i = 0; i < d->nitems && !r->stop; i++) {
		const struct yd_range *it = &d->items[i];
		if (it->length > r->o->limits.max_doc_bytes) {
			problem(r, d->index, i, it->line, it->col,
			        "object too large (the limit is %s per object)", lim);
			continue;
		}
		r->doc_index = d->index;
		r->item = i;
		enum iw_err rc = yd_parse_range(r->buf, r->len, it, d->format, &r->item_lim, on_item, r);
		if (rc && !r->stop)
			r->stop = rc;
	}
	return r->stop;
}

static enum iw_err on_doc(void *ctx, struct yd_doc *d)
{
	struct run *r = ctx;
	if (d->error) {
		problem(r, d->index, SIZE_MAX, d->err_line, d->err_col, "%s", d->error);
		return IW_OK;
	}
	if (d->empty)
		return IW_OK;
	const char *kind, *av;
	/* where the object starts: YAML has its positions already, JSON computes
	 * them only when asked (its text is where the document starts) */
	unsigned line = d->line, col = d->line == d->start_line && d->start_col ? d->start_col : 1;
	yd_node root;
	if (d->format == YD_YAML && !d->split && (root = yd_root(d))) {
		struct yd_pos p = yd_node_pos(d, root);
		if (p.line) {
			line = p.line;
			col = p.col;
		}
	}
	if (!typed(r, d, d->root, SIZE_MAX, line, col, &kind, &av))
		return IW_OK;
	json_t *items = json_object_get(d->root, "items");
	if (d->split) {
		if (!list_kind(kind)) {
			char lim[32];
			iw_size_text(r->o->limits.max_doc_bytes, lim, sizeof lim);
			problem(r, d->index, SIZE_MAX, line, col,
			        "document too large (the limit is %s per object; only a List may be larger)",
			        lim);
			return IW_OK;
		}
		return split_list(r, d);
	}
	if (!list_kind(kind) || !items)
		return deliver(r, d, d->root, 0, d->index, SIZE_MAX, line, col, kind, av, false);
	if (!json_is_array(items)) {
		if (json_is_null(items))
			return IW_OK;
		problem(r, d->index, SIZE_MAX, line, col, "List items must be a sequence, not %s",
		        json_kind_name(items));
		return IW_OK;
	}
	size_t n = json_array_size(items);
	yd_node *nodes = n ? calloc(n, sizeof *nodes) : NULL;
	if (n && !nodes)
		return r->stop = IW_ENOMEM;
	yd_node in = yd_lookup(d, 0, "items");
	if (in)
		yd_children(d, in, nodes, n);
	for (size_t i = 0; i < n && !r->stop; i++) {
		json_t *it = json_array_get(items, i);
		unsigned il = line, ic = col;
		if (nodes[i]) {
			struct yd_pos p = yd_node_pos(d, nodes[i]);
			if (p.line) {
				il = p.line;
				ic = p.col;
			}
		}
		const char *ik, *iav;
		if (!typed(r, d, it, i, il, ic, &ik, &iav))
			continue;
		if (list_kind(ik) && json_object_get(it, "items")) {
			problem(r, d->index, i, il, ic, "a List inside a List");
			continue;
		}
		deliver(r, d, it, nodes[i], d->index, i, il, ic, ik, iav, false);
	}
	free(nodes);
	return r->stop;
}

/* A Go template action where a YAML value or line starts (`{{ .Values.x }}`,
 * `name: {{ .Release.Name }}`, `- {{ ... }}`): never valid YAML for
 * Kubernetes, so a Helm template that was not rendered.  Inside a quoted
 * string it is only text, and is not looked at. */
static bool template_at(const char *buf, size_t len, unsigned *line, unsigned *col)
{
	const char *p = buf, *end = buf + len;
	while (p + 1 < end && (p = memchr(p, '{', (size_t)(end - p - 1)))) {
		if (p[1] != '{') {
			p++;
			continue;
		}
		const char *ls = p;
		while (ls > buf && ls[-1] != '\n')
			ls--;
		const char *q = p;
		while (q > ls && (q[-1] == ' ' || q[-1] == '\t'))
			q--;
		if (q == ls || q[-1] == ':' || q[-1] == '-') {
			unsigned l = 1;
			for (const char *k = buf; k < ls; k++)
				l += *k == '\n';
			*line = l;
			*col = (unsigned)(p - ls) + 1;
			return true;
		}
		p += 2;
	}
	return false;
}

enum iw_err mf_parse(const char *buf, size_t len, const struct mf_opts *o,
                     const struct mf_sink *s)
{
	unsigned tl, tc;
	if (template_at(buf, len, &tl, &tc)) {
		if (s->problem) {
			struct mf_problem p = { SIZE_MAX, SIZE_MAX, tl, tc,
			    "a Helm template ({{ ... }}), not a manifest: render the chart with `helm "
			    "template` first, e.g. `helm template NAME CHART_DIR | ingress-warden lint -`", true };
			s->problem(s->ctx, &p);
		}
		return IW_OK;
	}
	struct mf_opts def;
	if (!o) {
		mf_opts_init(&def);
		o = &def;
	}
	struct run r = { 0 };
	r.buf = buf;
	r.len = len;
	r.o = o;
	r.s = s;
	struct yd_limits lim = o->limits;
	lim.split_lists = true;
	/* an item is read while its List's envelope lives in the arena: the
	 * item is built on the heap (the arena's reset would drop both) */
	r.item_lim = o->limits;
	r.item_lim.split_lists = false;
	r.item_lim.arena = NULL;
	enum iw_err rc = yd_parse(buf, len, o->format, &lim, on_doc, &r);
	return r.stop ? r.stop : rc;
}

/* ---------------------------------------------------------------- encodings */

static size_t put_utf8(char *o, uint32_t c)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xC0 | (c >> 6));
		o[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xE0 | (c >> 12));
		o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		o[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (c >> 18));
	o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	o[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

enum iw_err mf_to_utf8(const char *buf, size_t len, char **out, size_t *out_len, char *err,
                       size_t err_size)
{
	const unsigned char *b = (const unsigned char *)buf;
	*out = NULL;
	*out_len = 0;
	int unit = 0;          /* 2 or 4 bytes */
	bool be = false;
	size_t i = 0;
	if (len >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 0xFE && b[3] == 0xFF) {
		unit = 4, be = true, i = 4;
	} else if (len >= 4 && b[0] == 0xFF && b[1] == 0xFE && b[2] == 0 && b[3] == 0) {
		unit = 4, be = false, i = 4;
	} else if (len >= 2 && b[0] == 0xFE && b[1] == 0xFF) {
		unit = 2, be = true, i = 2;
	} else if (len >= 2 && b[0] == 0xFF && b[1] == 0xFE) {
		unit = 2, be = false, i = 2;
	} else if (len >= 2 && b[0] == 0 && b[1] != 0) {
		unit = 2, be = true;   /* RFC 4627 section 3: 00 xx is UTF-16BE */
	} else if (len >= 2 && b[0] != 0 && b[1] == 0 && !(len >= 4 && b[2] == 0 && b[3] == 0)) {
		unit = 2, be = false;  /* xx 00 xx 00 is UTF-16LE */
	} else {
		return IW_OK;
	}
	if ((len - i) % (size_t)unit) {
		snprintf(err, err_size, "UTF-%d text with an odd number of bytes", unit * 8);
		return IW_ESYNTAX;
	}
	/* every unit becomes at most 3 bytes (a surrogate pair, 4 bytes, is 2 units) */
	size_t cap = (len - i) / (size_t)unit * 3 + 1;
	if (unit == 4)
		cap = (len - i) + 1;
	char *o = malloc(cap);
	if (!o)
		return IW_ENOMEM;
	size_t n = 0;
	while (i < len) {
		uint32_t c;
		size_t at = i;
		if (unit == 4) {
			c = be ? (uint32_t)b[i] << 24 | (uint32_t)b[i + 1] << 16 | (uint32_t)b[i + 2] << 8 | b[i + 3]
			       : (uint32_t)b[i + 3] << 24 | (uint32_t)b[i + 2] << 16 | (uint32_t)b[i + 1] << 8 | b[i];
			i += 4;
			if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
				snprintf(err, err_size, "invalid UTF-32 character at byte %zu", at);
				free(o);
				return IW_ESYNTAX;
			}
		} else {
			c = be ? (uint32_t)b[i] << 8 | b[i + 1] : (uint32_t)b[i + 1] << 8 | b[i];
			i += 2;
			if (c >= 0xD800 && c <= 0xDBFF) {
				uint32_t lo = 0;
				if (i + 1 < len)
					lo = be ? (uint32_t)b[i] << 8 | b[i + 1] : (uint32_t)b[i + 1] << 8 | b[i];
				if (lo < 0xDC00 || lo > 0xDFFF) {
					snprintf(err, err_size, "unpaired UTF-16 surrogate at byte %zu", at);
					free(o);
					return IW_ESYNTAX;
				}
				i += 2;
				c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
			} else if (c >= 0xDC00 && c <= 0xDFFF) {
				snprintf(err, err_size, "unpaired UTF-16 surrogate at byte %zu", at);
				free(o);
				return IW_ESYNTAX;
			}
		}
		n += put_utf8(o + n, c);
	}
	o[n] = 0;
	*out = o;
	*out_len = n;
	return IW_OK;
}
