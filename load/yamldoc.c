/* yamldoc: YAML/JSON documents to jansson values with positions (see yamldoc.h). */
#include "load/yamldoc.h"
#include "model/jsonmem.h"

#include "load/jarena.h"
#include "base/err.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

void yd_limits_init(struct yd_limits *lim)
{
	lim->max_depth = 100;
	lim->max_doc_bytes = 3u << 20;
	lim->max_docs = 1000000;
	lim->max_nodes = 1000000;
	lim->arena = NULL;
	lim->cancel = NULL;
}

bool yd_cancelled(const struct yd_limits *lim)
{
	return lim && lim->cancel && atomic_load_explicit(lim->cancel, memory_order_relaxed);
}

/* ---------------------------------------------------------------- tree */

struct tnode {
	uint32_t line, col;     /* the value */
	uint32_t kline, kcol;   /* its key, when a mapping value */
	uint32_t key, klen;     /* key text: offset into the pool; klen UINT32_MAX when no key */
	uint32_t first, next;   /* first child, next sibling (ids; 0 none) */
	uint32_t last;          /* last child (for appending) */
	uint8_t coll;           /* a mapping or sequence */
};

struct yd_tree {
	struct tnode *v;        /* v[0] unused: ids are indexes */
	size_t n, cap;
	char *pool;
	size_t plen, pcap;
};

static void tree_reset(struct yd_tree *t)
{
	t->n = 1;
	t->plen = 0;
}

static void tree_free(struct yd_tree *t)
{
	if (!t)
		return;
	free(t->v);
	free(t->pool);
	free(t);
}

/* new node id, or 0 on OOM */
static uint32_t tree_add(struct yd_tree *t, const yaml_mark_t *m, unsigned line0, bool coll)
{
	if (t->n >= t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		if (cap > UINT32_MAX)
			return 0;
		struct tnode *v = realloc(t->v, cap * sizeof *v);
		if (!v)
			return 0;
		t->v = v;
		t->cap = cap;
	}
	struct tnode *nd = &t->v[t->n];
	*nd = (struct tnode){ 0 };
	nd->line = (uint32_t)(m->line + line0 + 1);
	nd->col = (uint32_t)(m->column + 1);
	nd->klen = UINT32_MAX;
	nd->coll = coll;
	return (uint32_t)t->n++;
}

/* copies a key into the pool; returns offset or UINT32_MAX on OOM */
static uint32_t pool_add(struct yd_tree *t, const char *s, size_t len)
{
	if (t->plen + len + 1 > t->pcap) {
		size_t cap = t->pcap ? t->pcap : 1024;
		while (cap < t->plen + len + 1)
			cap *= 2;
		if (cap > UINT32_MAX)
			return UINT32_MAX;
		char *p = realloc(t->pool, cap);
		if (!p)
			return UINT32_MAX;
		t->pool = p;
		t->pcap = cap;
	}
	uint32_t off = (uint32_t)t->plen;
	memcpy(t->pool + off, s, len);
	t->pool[off + len] = 0;
	t->plen += len + 1;
	return off;
}

static void tree_link(struct yd_tree *t, uint32_t parent, uint32_t child)
{
	struct tnode *p = &t->v[parent];
	if (p->last)
		t->v[p->last].next = child;
	else
		p->first = child;
	p->last = child;
}

/* ---------------------------------------------------------------- scalars */

static const char *const yd_true[] = { "true", "True", "TRUE", "y", "Y", "yes", "Yes", "YES",
	                               "on", "On", "ON", NULL };
static const char *const yd_false[] = { "false", "False", "FALSE", "n", "N", "no", "No", "NO",
	                                "off", "Off", "OFF", NULL };
static const char *const yd_null[] = { "~", "null", "Null", "NULL", NULL };

static bool is_in(const char *s, size_t len, const char *const *set)
{
	for (; *set; set++)
		if ((*set)[0] == s[0] && strlen(*set) == len && !memcmp(*set, s, len))
			return true;
	return false;
}

enum word { W_OTHER, W_NULL, W_TRUE, W_FALSE };

/* Which of the words above a plain scalar is (the empty scalar is null).
 * Every word has 1 to 5 bytes and starts with one of ~nNtTyYoOfF. */
static enum word plain_word(const char *s, size_t len)
{
	if (len == 0)
		return W_NULL;
	if (len > 5)
		return W_OTHER;
	switch (s[0]) {
	case '~': case 'n': case 'N': case 't': case 'T': case 'y': case 'Y':
	case 'o': case 'O': case 'f': case 'F':
		break;
	default:
		return W_OTHER;
	}
	if (is_in(s, len, yd_null))
		return W_NULL;
	if (is_in(s, len, yd_true))
		return W_TRUE;
	return is_in(s, len, yd_false) ? W_FALSE : W_OTHER;
}

/* Go's strconv.ParseInt(s, 0, 64) on s (underscores already removed).  Also
 * the ParseUint fallback: a value above INT64_MAX sets *big. */
static bool go_parse_int(const char *s, long long *out, bool *big, double *bigval)
{
	bool neg = false;
	const char *p = s;
	*big = false;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	int base = 10;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	} else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O')) {
		base = 8;
		p += 2;
	} else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) {
		base = 2;
		p += 2;
	} else if (p[0] == '0' && p[1]) {
		base = 8;
		p += 1;
	}
	if (!*p)
		return false;
	unsigned long long v = 0;
	bool over = false;
	for (; *p; p++) {
		int d;
		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			return false;
		if (d >= base)
			return false;
		if (v > (ULLONG_MAX - (unsigned)d) / (unsigned)base)
			over = true;
		v = v * (unsigned)base + (unsigned)d;
	}
	if (over)
		return false;
	if (neg) {
		if (v > (unsigned long long)LLONG_MAX + 1)
			return false;
		*out = v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v;
		return true;
	}
	if (v > (unsigned long long)LLONG_MAX) {
		if (s[0] == '+')   /* ParseUint refuses a sign */
			return false;
		*big = true;
		*bigval = (double)v;
		return true;
	}
	*out = (long long)v;
	return true;
}

/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static bool yaml_float_syntax(const char *p)
{
	if (*p == '+' || *p == '-')
		p++;
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	} else {
		if (!(*p >= '0' && *p <= '9'))
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
		if (*p == '.') {
			p++;
			while (*p >= '0' && *p <= '9')
				p++;
		}
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return *p == 0;
}

static json_t *number_value(double d)
{
	if (isfinite(d) && d == floor(d) && fabs(d) < 1e21 && d >= -9223372036854775808.0 &&
	    d < 9223372036854775808.0)
		return json_integer((json_int_t)d);
	return json_real(d);
}

/* A plain scalar's value as go-yaml v2 resolves it; NULL on OOM. */
static json_t *resolve_plain(const char *s, size_t len)
{
	switch (plain_word(s, len)) {
	case W_NULL: return json_null();
	case W_TRUE: return json_true();
	case W_FALSE: return json_false();
	case W_OTHER: break;
	}
	char c = s[0];
	if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
		char tmp[80];
		size_t k = 0;
		bool fits = true;
		for (size_t i = 0; i < len; i++) {
			if (s[i] == '_')
				continue;
			if (k + 1 >= sizeof tmp || s[i] == 0) {
				fits = false;
				break;
			}
			tmp[k++] = s[i];
		}
		tmp[k] = 0;
		if (fits && k) {
			long long iv;
			bool big;
			double bv;
			if (go_parse_int(tmp, &iv, &big, &bv))
				return big ? json_real(bv) : json_integer(iv);
			if (yaml_float_syntax(tmp)) {
				errno = 0;
				double d = strtod(tmp, NULL);
				if (errno != ERANGE)
					return number_value(d);
			}
		}
	}
	return json_stringn_nocheck(s, len);
}

/* ---------------------------------------------------------------- builder */

struct anchor {
	char *name;
	json_t *v;        /* a reference held */
	uint32_t node;
	size_t weight;
};

struct frame {
	json_t *v;
	uint32_t node;
	size_t weight;
	char *anchor;     /* owned */
	bool map;
	bool have_key, merge_key;
	uint32_t key, klen, kline, kcol;
};

struct builder {
	const struct yd_limits *lim;
	struct yd_tree *tree;
	struct frame *st;
	size_t depth, stcap;
	struct anchor *an;
	size_t nan, cap_an;
	size_t nodes;         /* expanded nodes of this document */
	json_t *root;
	uint32_t root_node;
	unsigned line0;       /* lines before the parser's input */
	char err[160];
	yaml_mark_t err_mark;
	bool failed, oom;
};

static void builder_clear_doc(struct builder *b)
{
	/* every value of the document in the arena: the reset drops them all */
	bool walk = !jarena_exclusive(b->lim->arena);
	while (b->depth) {
		struct frame *f = &b->st[--b->depth];
		if (walk)
			json_decref(f->v);
		free(f->anchor);
	}
	for (size_t i = 0; i < b->nan; i++) {
		free(b->an[i].name);
		if (walk)
			json_decref(b->an[i].v);
	}
	b->nan = 0;
	if (walk)
		json_decref(b->root);
	b->root = NULL;
	b->root_node = 0;
	b->nodes = 0;
	b->failed = false;
	b->err[0] = 0;
	jarena_reset(b->lim->arena);   /* no value of the document is alive now */
}

static void fail(struct builder *b, const yaml_mark_t *m, const char *msg)
{
	if (b->failed)
		return;
	b->failed = true;
	b->err_mark = *m;
	snprintf(b->err, sizeof b->err, "%s", msg);
}

static void fail_oom(struct builder *b, const yaml_mark_t *m)
{
	b->oom = true;
	fail(b, m, "out of memory");
}

static bool count_nodes(struct builder *b, size_t w, const yaml_mark_t *m)
{
	b->nodes += w;
	if (b->nodes > b->lim->max_nodes || w > b->lim->max_nodes) {
		fail(b, m, "document too large: too many nodes (aliases expanded)");
		return false;
	}
	return true;
}

static bool add_anchor(struct builder *b, const char *name, json_t *v, uint32_t node, size_t w,
                       const yaml_mark_t *m)
{
	if (b->nan == b->cap_an) {
		size_t cap = b->cap_an ? b->cap_an * 2 : 8;
		struct anchor *a = realloc(b->an, cap * sizeof *a);
		if (!a) {
			fail_oom(b, m);
			return false;
		}
		b->an = a;
		b->cap_an = cap;
	}
	char *nm = strdup(name);
	if (!nm) {
		fail_oom(b, m);
		return false;
	}
	b->an[b->nan++] = (struct anchor){ nm, json_incref(v), node, w };
	return true;
}

/* Attaches a finished value (a new reference, stolen) to the open container. */
static void attach(struct builder *b, json_t *v, uint32_t node, size_t w, const yaml_mark_t *m)
{
	if (!b->depth) {
		b->root = v;
		b->root_node = node;
		return;
	}
	struct frame *f = &b->st[b->depth - 1];
	f->weight += w;
	if (!f->map) {
		if (json_array_append_new(f->v, v)) {
			fail_oom(b, m);
			return;
		}
		if (node)
			tree_link(b->tree, f->node, node);
		return;
	}
	if (!f->have_key) {
		json_decref(v);
		fail(b, m, "a mapping key must be a scalar");
		return;
	}
	f->have_key = false;
	if (f->merge_key) {
		/* <<: mapping, or <<: [mapping...]: keys already present win */
		int bad = 0;
		if (json_is_object(v)) {
			bad = json_object_update_missing(f->v, v);
		} else if (json_is_array(v)) {
			size_t i;
			json_t *it;
			json_array_foreach(v, i, it) {
				if (!json_is_object(it)) {
					bad = 1;
					break;
				}
				json_object_update_missing(f->v, it);
			}
		} else {
			bad = 1;
		}
		json_decref(v);
		if (bad)
			fail(b, m, "map merge requires a mapping or a sequence of mappings as its value");
		return;
	}
	const char *key = b->tree->pool + f->key;
	if (json_object_setn_new_nocheck(f->v, key, f->klen, v)) {
		fail_oom(b, m);
		return;
	}
	if (node) {
		struct tnode *nd = &b->tree->v[node];
		nd->key = f->key;
		nd->klen = f->klen;
		nd->kline = f->kline;
		nd->kcol = f->kcol;
		tree_link(b->tree, f->node, node);
	}
}

/* The text a scalar key stands for. */
static const char *key_text(const yaml_event_t *e, size_t *len)
{
	const char *s = (const char *)e->data.scalar.value;
	*len = e->data.scalar.length;
	if (e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return s;
	switch (plain_word(s, *len)) {
	case W_NULL: *len = 4; return "null";
	case W_TRUE: *len = 4; return "true";
	case W_FALSE: *len = 5; return "false";
	case W_OTHER: break;
	}
	return s;
}

static bool tag_is_str(const yaml_event_t *e)
{
	const char *t = (const char *)e->data.scalar.tag;
	return t && !strcmp(t, YAML_STR_TAG);
}

/* The key of the next value in mapping frame f, at mark m. */
static void set_key(struct builder *b, struct frame *f, const yaml_mark_t *m, const char *k,
                    size_t len, bool merge)
{
	uint32_t off = pool_add(b->tree, k, len);
	if (off == UINT32_MAX) {
		fail_oom(b, m);
		return;
	}
	f->key = off;
	f->klen = (uint32_t)len;
	f->kline = (uint32_t)(m->line + b->line0 + 1);
	f->kcol = (uint32_t)(m->column + 1);
	f->have_key = true;
	f->merge_key = merge;
}

static void on_scalar(struct builder *b, const yaml_event_t *e)
{
	const yaml_mark_t *m = &e->start_mark;
	struct frame *f = b->depth ? &b->st[b->depth - 1] : NULL;
	if (f && f->map && !f->have_key) {
		size_t len;
		const char *k = key_text(e, &len);
		if (len >= UINT32_MAX) {
			fail(b, m, "key too long");
			return;
		}
		set_key(b, f, m, k, len, e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && len == 2 &&
		                             !memcmp(k, "<<", 2));
		return;
	}
	if (!count_nodes(b, 1, m))
		return;
	const char *s = (const char *)e->data.scalar.value;
	size_t len = e->data.scalar.length;
	json_t *v;
	if (e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !tag_is_str(e))
		v = resolve_plain(s, len);
	else
		v = json_stringn_nocheck(s, len);
	uint32_t node = tree_add(b->tree, m, b->line0, false);
	if (!v || !node) {
		json_decref(v);
		fail_oom(b, m);
		return;
	}
	if (e->data.scalar.anchor &&
	    !add_anchor(b, (const char *)e->data.scalar.anchor, v, node, 1, m)) {
		json_decref(v);
		return;
	}
	attach(b, v, node, 1, m);
}

static void on_alias(struct builder *b, const yaml_event_t *e)
{
	const yaml_mark_t *m = &e->start_mark;
	const char *name = (const char *)e->data.alias.anchor;
	struct frame *f = b->depth ? &b->st[b->depth - 1] : NULL;
	struct anchor *a = NULL;
	for (size_t i = b->nan; i-- > 0;)
		if (!strcmp(b->an[i].name, name)) {
			a = &b->an[i];
			break;
		}
	if (!a) {
		char msg[128];
		snprintf(msg, sizeof msg, "unknown anchor '%.60s' referenced", name);
		fail(b, m, msg);
		return;
	}
	if (f && f->map && !f->have_key) {
		if (!json_is_string(a->v)) {
			fail(b, m, "an alias used as a mapping key must be a string");
			return;
		}
		set_key(b, f, m, json_string_value(a->v), json_string_length(a->v), false);
		return;
	}
	if (!count_nodes(b, a->weight, m))
		return;
	uint32_t node = tree_add(b->tree, m, b->line0, false);
	if (!node) {
		fail_oom(b, m);
		return;
	}
	attach(b, json_incref(a->v), node, a->weight, m);
}

static void on_start(struct builder *b, const yaml_event_t *e, bool map)
{
	const yaml_mark_t *m = &e->start_mark;
	struct frame *f = b->depth ? &b->st[b->depth - 1] : NULL;
	if (f && f->map && !f->have_key) {
		fail(b, m, "a mapping key must be a scalar");
		return;
	}
	if (b->depth >= b->lim->max_depth) {
		fail(b, m, "document nested too deeply");
		return;
	}
	if (!count_nodes(b, 1, m))
		return;
	if (b->depth == b->stcap) {
		size_t cap = b->stcap ? b->stcap * 2 : 16;
		struct frame *st = realloc(b->st, cap * sizeof *st);
		if (!st) {
			fail_oom(b, m);
			return;
		}
		b->st = st;
		b->stcap = cap;
	}
	const yaml_char_t *anchor = map ? e->data.mapping_start.anchor : e->data.sequence_start.anchor;
	struct frame nf = { 0 };
	nf.map = map;
	nf.v = map ? json_object() : json_array();
	nf.node = tree_add(b->tree, m, b->line0, true);
	nf.weight = 1;
	if (anchor)
		nf.anchor = strdup((const char *)anchor);
	if (!nf.v || !nf.node || (anchor && !nf.anchor)) {
		json_decref(nf.v);
		free(nf.anchor);
		fail_oom(b, m);
		return;
	}
	b->st[b->depth++] = nf;
}

static void on_end(struct builder *b, const yaml_event_t *e)
{
	const yaml_mark_t *m = &e->start_mark;
	if (!b->depth)
		return;
	struct frame f = b->st[--b->depth];
	if (f.anchor) {
		bool ok = add_anchor(b, f.anchor, f.v, f.node, f.weight, m);
		free(f.anchor);
		if (!ok) {
			json_decref(f.v);
			return;
		}
	}
	attach(b, f.v, f.node, f.weight, m);
}

/* ---------------------------------------------------------------- feed */

/*
 * libyaml is given its input in small chunks, and no more once its flow
 * nesting ('[' and '{') passes the depth bound.  Its scanner looks at every
 * open flow level for a stale simple key on each token
 * (yaml_parser_stale_simple_keys), so n nested flow collections cost O(n^2)
 * there before the builder sees an event: 100,000 '[' took 22 s.  A scan of
 * the raw bytes cannot tell a '[' inside a quoted, plain or block scalar
 * from a flow indicator without a second YAML scanner; libyaml's own
 * flow_level can, and it is read before each chunk.  Past the bound the
 * feed ends the input: libyaml emits the events of what it holds, the
 * builder fails at the first collection deeper than max_depth ("document
 * nested too deeply", at that collection, as for a shallower document), and
 * parsing resumes at the next document.  At most FEED_CHUNK bytes are read
 * past the bound, so the work stays O(bytes * (max_depth + FEED_CHUNK)).
 * The cancel flag (yd_limits.cancel) is read here too.
 */
#define FEED_CHUNK 1024

struct feed {
	const unsigned char *p;
	size_t left;
	const yaml_parser_t *parser;
	const struct yd_limits *lim;
	bool cut;               /* the input was ended early (depth or cancel) */
};

static int feed_read(void *data, unsigned char *buf, size_t size, size_t *size_read)
{
	struct feed *f = data;
	size_t n = f->left < size ? f->left : size;
	if (n > FEED_CHUNK)
		n = FEED_CHUNK;
	if ((size_t)f->parser->flow_level > f->lim->max_depth || yd_cancelled(f->lim)) {
		f->cut = f->left > 0;
		n = 0;   /* end of input */
	}
	memcpy(buf, f->p, n);
	f->p += n;
	f->left -= n;
	*size_read = n;
	return 1;
}

static void feed_init(struct feed *f, yaml_parser_t *p, const char *buf, size_t len,
                      const struct yd_limits *lim)
{
	*f = (struct feed){ (const unsigned char *)buf, len, p, lim, false };
	yaml_parser_set_input(p, feed_read, f);
}

/* ---------------------------------------------------------------- parse */

/* where a document's text is, to compute its positions on demand */
#define lazy_json yd_lazy_

struct run {
	const char *buf;
	size_t len;
	const struct yd_limits *lim;
	yd_doc_fn fn;
	void *ctx;
	size_t index;
	enum iw_err stop;     /* the callback's failure: stop reading */
	bool halt;            /* the document count bound was hit */
	struct builder b;
};

static unsigned count_lines(const char *s, size_t n)
{
	unsigned k = 0;
	const char *p = s, *end = s + n;
	while (p < end && (p = memchr(p, '\n', (size_t)(end - p)))) {
		k++;
		p++;
	}
	return k;
}

static enum iw_err emit(struct run *r, struct yd_doc *d)
{
	if (r->index >= r->lim->max_docs) {
		d->root = NULL;
		d->tree_ = NULL;
		d->lazy_ = NULL;
		d->empty = false;
		d->error = "too many documents: the rest of the input is not read";
		d->err_line = d->err_line ? d->err_line : d->line;
		d->err_col = d->err_col ? d->err_col : 1;
		r->halt = true;
	}
	d->index = r->index++;
	d->in_arena_ = r->lim->arena != NULL;
	jarena_end(r->lim->arena);   /* the callback allocates from the heap */
	enum iw_err rc = r->fn(r->ctx, d);
	jarena_begin(r->lim->arena);
	if (rc)
		r->stop = rc;
	return rc;
}

/* Offset of the next line starting with "---" (followed by a blank or end of
 * line) at or after 'from'; len when none. */
static size_t next_doc_marker(const char *buf, size_t len, size_t from)
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

static size_t line_start(const char *buf, size_t at)
{
	while (at > 0 && buf[at - 1] != '\n')
		at--;
	return at;
}

/*
 * Runs libyaml over buf[from..len), building documents; on a failed document
 * returns the offset to resume at (len when done).  'tree_only' builds for
 * positions (JSON lazily): then exactly one document is built and kept in b.
 */
static size_t parse_yaml_from(struct run *r, size_t from, unsigned line0)
{
	struct builder *b = &r->b;
	yaml_parser_t p;
	yaml_event_t e;
	if (!yaml_parser_initialize(&p)) {
		b->oom = true;
		return r->len;
	}
	struct feed in;
	feed_init(&in, &p, r->buf + from, r->len - from, r->lim);
	b->line0 = line0;
	jarena_begin(r->lim->arena);
	bool in_doc = false;
	unsigned long doc_failures = iw_json_failures();
	size_t doc_start = from;
	unsigned doc_line = line0 + 1;
	size_t resume = r->len;
	for (;;) {
		if (!yaml_parser_parse(&p, &e)) {
			yaml_mark_t mk = p.problem_mark;
			if (p.error == YAML_MEMORY_ERROR) {
				b->oom = true;
				break;
			}
			if (yd_cancelled(r->lim)) {
				r->stop = IW_ECANCELED;
				builder_clear_doc(b);
				break;
			}
			char msg[240];
			const char *prob = p.problem ? p.problem : "syntax error";
			int k = snprintf(msg, sizeof msg, "%s", prob);
			if (p.context && k >= 0 && (size_t)k < sizeof msg)
				k += snprintf(msg + k, sizeof msg - (size_t)k, " %s started at line %u",
				              p.context, (unsigned)(p.context_mark.line + line0 + 1));
			if (!strcmp(prob, "mapping values are not allowed in this context") && k >= 0 &&
			    (size_t)k < sizeof msg)
				snprintf(msg + k, sizeof msg - (size_t)k,
				         " (a key at a deeper indentation than the line above: is a parent "
				         "line such as 'metadata:' missing?)");
			size_t at = from + mk.index;
			if (at > r->len)
				at = r->len;
			if (in.cut && !b->failed)   /* flow nesting past the bound (feed_read) */
				fail(b, &p.mark, "document nested too deeply");
			if (in.cut) {   /* the error is the bound's, not the end of input it caused */
				mk = b->err_mark;
				snprintf(msg, sizeof msg, "%s", b->err);
			}
			struct yd_doc d = { 0 };
			d.line = in_doc ? doc_line : (unsigned)(mk.line + line0 + 1);
			d.error = msg;
			d.err_line = (unsigned)(mk.line + line0 + 1);
			d.err_col = (unsigned)(mk.column + 1);
			emit(r, &d);
			builder_clear_doc(b);
			/* the next document starts at the next "---" line after this one's start */
			size_t base = in_doc ? doc_start : line_start(r->buf, at);
			resume = base + 1 >= r->len ? r->len : next_doc_marker(r->buf, r->len, base + 1);
			break;
		}
		yaml_event_type_t t = e.type;
		if (yd_cancelled(r->lim)) {   /* before a truncated document could be emitted */
			yaml_event_delete(&e);
			r->stop = IW_ECANCELED;
			builder_clear_doc(b);
			break;
		}
		switch (t) {
		case YAML_DOCUMENT_START_EVENT:
			in_doc = true;
			doc_failures = iw_json_failures();
			doc_start = from + e.start_mark.index;
			doc_line = (unsigned)(e.start_mark.line + line0 + 1);
			builder_clear_doc(b);
			tree_reset(b->tree);
			break;
		case YAML_SCALAR_EVENT:
			if (!b->failed)
				on_scalar(b, &e);
			break;
		case YAML_ALIAS_EVENT:
			if (!b->failed)
				on_alias(b, &e);
			break;
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT:
			if (!b->failed)
				on_start(b, &e, t == YAML_MAPPING_START_EVENT);
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			if (!b->failed)
				on_end(b, &e);
			break;
		case YAML_DOCUMENT_END_EVENT: {
			in_doc = false;
			struct yd_doc d = { 0 };
			size_t end = from + e.end_mark.index;
			if (!b->failed && end - doc_start > r->lim->max_doc_bytes)
				fail(b, &e.start_mark, "document too large");
			if (b->failed) {
				d.line = doc_line;
				d.error = b->err;
				d.err_line = (unsigned)(b->err_mark.line + line0 + 1);
				d.err_col = (unsigned)(b->err_mark.column + 1);
			} else {
				d.root = b->root;
				d.line = b->root_node ? b->tree->v[b->root_node].line : doc_line;
				d.empty = !b->root || json_is_null(b->root);
				d.tree_ = b->tree;
			}
			d.offset = doc_start;
			d.length = end > doc_start ? end - doc_start : 0;
			d.start_line = doc_line;
			if (iw_json_failures() != doc_failures)
				b->oom = true;   /* the tree may lack what jansson could not add */
			if (!b->oom)
				emit(r, &d);
			builder_clear_doc(b);
			break;
		}
		default:
			break;
		}
		bool done = t == YAML_STREAM_END_EVENT;
		yaml_event_delete(&e);
		if (done || r->stop || r->halt || b->oom)
			break;
		/* a document that grows past the bound fails early */
		if (in_doc && !b->failed && from + p.mark.index - doc_start > r->lim->max_doc_bytes) {
			yaml_mark_t mk = p.mark;
			fail(b, &mk, "document too large");
			struct yd_doc d = { 0 };
			d.line = doc_line;
			d.error = b->err;
			d.err_line = (unsigned)(mk.line + line0 + 1);
			d.err_col = (unsigned)(mk.column + 1);
			emit(r, &d);
			builder_clear_doc(b);
			resume = next_doc_marker(r->buf, r->len, doc_start + 1);
			break;
		}
	}
	jarena_end(r->lim->arena);
	yaml_parser_delete(&p);
	return resume;
}

static bool builder_init(struct builder *b, const struct yd_limits *lim)
{
	memset(b, 0, sizeof *b);
	b->lim = lim;
	b->tree = calloc(1, sizeof *b->tree);
	if (!b->tree)
		return false;
	tree_reset(b->tree);
	return true;
}

static void builder_release(struct builder *b)
{
	builder_clear_doc(b);
	free(b->st);
	free(b->an);
	tree_free(b->tree);
	b->tree = NULL;
}

static void run_yaml(struct run *r)
{
	size_t at = 0;
	unsigned line0 = 0;
	while (at < r->len && !r->stop && !r->halt && !r->b.oom) {
		size_t next = parse_yaml_from(r, at, line0);
		if (next >= r->len)
			break;
		line0 += count_lines(r->buf + at, next - at);
		at = next;
	}
}

/* Lazy positions for one JSON document: parse its text again with libyaml. */
static struct yd_tree *lazy_tree(struct yd_doc *doc)
{
	struct lazy_json *lz = doc->lazy_;
	if (doc->tree_ || !lz || lz->tried)
		return doc->tree_;
	lz->tried = true;
	size_t ls = line_start(lz->buf, lz->off);
	size_t pad = lz->off - ls;
	unsigned long f0 = iw_json_failures();
	char *copy = malloc(pad + lz->len);
	if (!copy) {
		doc->err = IW_ENOMEM;
		return NULL;
	}
	memset(copy, ' ', pad);
	memcpy(copy + pad, lz->buf + lz->off, lz->len);
	struct yd_limits lim;
	yd_limits_init(&lim);
	struct jarena_scope scratch = jarena_scratch_begin();   /* the values are not kept */
	struct run r = { 0 };
	r.buf = copy;
	r.len = pad + lz->len;
	r.lim = &lim;
	if (!builder_init(&r.b, &lim)) {
		free(copy);
		jarena_scratch_end(scratch);
		doc->err = IW_ENOMEM;
		return NULL;
	}
	/* one document, parsed by hand so that its tree survives */
	yaml_parser_t p;
	yaml_event_t e;
	bool ok = false;
	bool oom = !yaml_parser_initialize(&p);
	if (!oom) {
		struct feed in;
		feed_init(&in, &p, copy, r.len, &lim);
		r.b.line0 = lz->line - 1;
		for (;;) {
			if (!yaml_parser_parse(&p, &e)) {
				oom = p.error == YAML_MEMORY_ERROR;
				break;
			}
			yaml_event_type_t t = e.type;
			switch (t) {
			case YAML_SCALAR_EVENT: on_scalar(&r.b, &e); break;
			case YAML_ALIAS_EVENT: on_alias(&r.b, &e); break;
			case YAML_MAPPING_START_EVENT:
			case YAML_SEQUENCE_START_EVENT:
				on_start(&r.b, &e, t == YAML_MAPPING_START_EVENT);
				break;
			case YAML_MAPPING_END_EVENT:
			case YAML_SEQUENCE_END_EVENT: on_end(&r.b, &e); break;
			default: break;
			}
			yaml_event_delete(&e);
			if (t == YAML_DOCUMENT_END_EVENT) {
				ok = !r.b.failed && r.b.root_node;
				break;
			}
			if (r.b.failed || t == YAML_STREAM_END_EVENT)
				break;
		}
		yaml_parser_delete(&p);
	}
	free(copy);
	if (oom || r.b.oom || iw_json_failures() != f0) {
		doc->err = IW_ENOMEM;
		ok = false;
	}
	struct yd_tree *t = NULL;
	if (ok) {
		t = r.b.tree;
		r.b.tree = NULL;
		/* the root is the first node created */
	}
	builder_release(&r.b);
	jarena_scratch_end(scratch);
	doc->tree_ = t;
	return t;
}

static void run_json(struct run *r)
{
	size_t at = 0;
	unsigned line = 1;
	while (!r->stop && !r->halt) {
		if (yd_cancelled(r->lim)) {
			r->stop = IW_ECANCELED;
			break;
		}
		size_t ws = at;
		while (ws < r->len && (r->buf[ws] == ' ' || r->buf[ws] == '\t' || r->buf[ws] == '\n' ||
		                       r->buf[ws] == '\r'))
			ws++;
		line += count_lines(r->buf + at, ws - at);
		at = ws;
		if (at >= r->len)
			break;
		json_error_t err;
		unsigned long f0 = iw_json_failures();
		jarena_begin(r->lim->arena);
		json_t *v = json_loadb(r->buf + at, r->len - at, JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY,
		                       &err);
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
		d.line = line;
		if (!v) {
			char msg[200];
			snprintf(msg, sizeof msg, "%s", err.text);
			d.error = msg;
			d.err_line = line + (unsigned)(err.line > 0 ? err.line - 1 : 0);
			d.err_col = (unsigned)(err.column > 0 ? err.column : 1);
			if (err.line == 1) {
				size_t ls = line_start(r->buf, at);
				d.err_col += (unsigned)(at - ls);
			}
			emit(r, &d);
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
			line += count_lines(r->buf + at, next - at);
			at = next;
			continue;
		}
		size_t used = (size_t)err.position;
		if (used == 0)
			used = r->len - at;
		if (used > r->lim->max_doc_bytes) {
			json_decref(v);
			jarena_reset(r->lim->arena);
			d.error = "document too large";
			d.err_line = line;
			d.err_col = 1;
			emit(r, &d);
		} else {
			lz.buf = r->buf;
			lz.off = at;
			lz.len = used;
			lz.line = line;
			d.root = v;
			d.empty = json_is_null(v);
			d.lazy_ = &lz;
			d.offset = at;
			d.length = used;
			d.start_line = line;
			emit(r, &d);
			jarena_end(r->lim->arena);
			if (!jarena_exclusive(r->lim->arena))
				json_decref(v);   /* else the reset drops the whole tree */
			jarena_reset(r->lim->arena);
			tree_free(d.tree_);
		}
		line += count_lines(r->buf + at, used);
		at += used;
	}
}

enum iw_err yd_parse(const char *buf, size_t len, enum yd_format fmt,
                     const struct yd_limits *lim, yd_doc_fn fn, void *ctx)
{
	struct yd_limits def;
	if (!lim) {
		yd_limits_init(&def);
		lim = &def;
	}
	if (fmt == YD_AUTO) {
		size_t i = 0;
		while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r'))
			i++;
		fmt = i < len && (buf[i] == '{' || buf[i] == '[') ? YD_JSON : YD_YAML;
	}
	struct run r = { 0 };
	r.buf = buf;
	r.len = len;
	r.lim = lim;
	r.fn = fn;
	r.ctx = ctx;
	if (fmt == YD_JSON) {
		run_json(&r);
		return r.stop;
	}
	if (!builder_init(&r.b, lim))
		return IW_ENOMEM;
	run_yaml(&r);
	bool oom = r.b.oom;
	builder_release(&r.b);
	return r.stop ? r.stop : oom ? IW_ENOMEM : IW_OK;
}

/* ---------------------------------------------------------------- saved */

enum iw_err yd_save(const struct yd_doc *d, struct yd_saved *out, bool keep_value)
{
	memset(out, 0, sizeof *out);
	out->index = d->index;
	out->offset = d->offset;
	out->length = d->length;
	out->line = d->line;
	out->start_line = d->start_line;
	out->err_line = d->err_line;
	out->err_col = d->err_col;
	out->empty = d->empty;
	if (d->error && !(out->error = strdup(d->error)))
		return IW_ENOMEM;
	if (keep_value && d->root) {
		out->root = d->in_arena_ ? json_deep_copy(d->root) : json_incref(d->root);
		if (!out->root) {
			free(out->error);
			out->error = NULL;
			return IW_ENOMEM;
		}
	}
	return IW_OK;
}

void yd_saved_open(struct yd_saved *s, const char *buf, struct yd_doc *d)
{
	memset(d, 0, sizeof *d);
	d->index = s->index;
	d->line = s->line;
	d->root = s->root;
	d->empty = s->empty;
	d->error = s->error;
	d->err_line = s->err_line;
	d->err_col = s->err_col;
	d->offset = s->offset;
	d->length = s->length;
	d->start_line = s->start_line;
	s->lz_.buf = buf;
	s->lz_.off = s->offset;
	s->lz_.len = s->length;
	s->lz_.line = s->start_line;
	s->lz_.tried = false;
	d->lazy_ = !s->error && s->length ? (void *)&s->lz_ : NULL;
}

void yd_saved_close(struct yd_doc *d)
{
	tree_free(d->tree_);
	d->tree_ = NULL;
}

void yd_saved_release(struct yd_saved *s)
{
	json_decref(s->root);
	free(s->error);
	s->root = NULL;
	s->error = NULL;
}

/* ---------------------------------------------------------------- lookups */

static struct yd_tree *tree_of(struct yd_doc *doc)
{
	return doc->tree_ ? doc->tree_ : lazy_tree(doc);
}

yd_node yd_root(struct yd_doc *doc)
{
	struct yd_tree *t = tree_of(doc);
	if (!t || t->n < 2)
		return 0;
	/* the root is the first node of the document */
	return 1;
}

yd_node yd_child_at(struct yd_doc *doc, yd_node n, size_t i)
{
	struct yd_tree *t = tree_of(doc);
	if (!t || !n || n >= t->n)
		return 0;
	uint32_t c = t->v[n].first;
	while (c && i--)
		c = t->v[c].next;
	return c;
}

size_t yd_children(struct yd_doc *doc, yd_node n, yd_node *out, size_t max)
{
	struct yd_tree *t = tree_of(doc);
	if (!t || !n || n >= t->n)
		return 0;
	size_t k = 0;
	for (uint32_t c = t->v[n].first; c; c = t->v[c].next, k++)
		if (k < max)
			out[k] = c;
	return k;
}

struct yd_pos yd_node_pos(struct yd_doc *doc, yd_node n)
{
	struct yd_tree *t = tree_of(doc);
	if (!t || !n || n >= t->n)
		return (struct yd_pos){ 0, 0 };
	return (struct yd_pos){ t->v[n].line, t->v[n].col };
}

struct yd_pos yd_key_pos(struct yd_doc *doc, yd_node n)
{
	struct yd_tree *t = tree_of(doc);
	if (!t || !n || n >= t->n || t->v[n].klen == UINT32_MAX)
		return (struct yd_pos){ 0, 0 };
	return (struct yd_pos){ t->v[n].kline, t->v[n].kcol };
}

static struct yd_pos best_pos(const struct yd_tree *t, uint32_t n)
{
	const struct tnode *nd = &t->v[n];
	if (nd->coll && nd->klen != UINT32_MAX)
		return (struct yd_pos){ nd->kline, nd->kcol };
	return (struct yd_pos){ nd->line, nd->col };
}

/* The child of mapping node n whose key is the longest prefix of p ending at
 * a path separator (or, with 'whole', exactly p[0..plen)); 0 when none. */
static uint32_t child_by_key(const struct yd_tree *t, uint32_t n, const char *p, size_t plen,
                             bool whole, size_t *used)
{
	uint32_t next = 0;
	size_t best = 0;
	for (uint32_t c = t->v[n].first; c; c = t->v[c].next) {
		const struct tnode *cn = &t->v[c];
		if (cn->klen == UINT32_MAX)
			break;   /* a sequence: no keys */
		size_t kl = cn->klen;
		if (kl < best || kl > plen || memcmp(p, t->pool + cn->key, kl))
			continue;
		if (whole ? kl == plen : (p[kl] == 0 || p[kl] == '.' || p[kl] == '[')) {
			best = kl;
			next = c;
		}
	}
	*used = best;
	return next;
}

/* Walks 'path' from node n; returns the deepest node reached, *done when the
 * whole path was consumed. */
static uint32_t walk(struct yd_doc *doc, const struct yd_tree *t, uint32_t n, const char *path,
                     bool *done)
{
	const char *p = path ? path : "";
	*done = false;
	for (;;) {
		if (*p == 0) {
			*done = true;
			return n;
		}
		uint32_t next = 0;
		const char *rest = p;
		if (*p == '[' && p[1] >= '0' && p[1] <= '9') {
			char *end;
			errno = 0;
			unsigned long idx = strtoul(p + 1, &end, 10);
			if (*end != ']' || errno)
				return n;
			next = yd_child_at(doc, n, idx);
			rest = end + 1;
		} else if (*p == '[') {
			/* [key]: up to the last ']' that ends the path or a segment */
			const char *close = NULL;
			for (const char *q = p + 1; *q; q++)
				if (*q == ']' && (q[1] == 0 || q[1] == '.' || q[1] == '['))
					close = q;
			if (!close)
				return n;
			size_t used;
			next = child_by_key(t, n, p + 1, (size_t)(close - p - 1), true, &used);
			rest = close + 1;
		} else {
			if (*p == '.')
				p++;
			size_t used;
			next = child_by_key(t, n, p, strlen(p), false, &used);
			rest = p + used;
		}
		if (!next)
			return n;
		n = next;
		p = rest;
	}
}

struct yd_pos yd_locate(struct yd_doc *doc, yd_node from, const char *path, bool *exact)
{
	struct yd_tree *t = tree_of(doc);
	bool done = false;
	if (exact)
		*exact = false;
	if (!t || t->n < 2)
		return (struct yd_pos){ 0, 0 };
	uint32_t n = from ? from : 1;
	if (n >= t->n)
		return (struct yd_pos){ 0, 0 };
	n = walk(doc, t, n, path, &done);
	if (exact)
		*exact = done;
	return best_pos(t, n);
}

yd_node yd_lookup(struct yd_doc *doc, yd_node from, const char *path)
{
	struct yd_tree *t = tree_of(doc);
	bool done;
	if (!t || t->n < 2)
		return 0;
	uint32_t n = from ? from : 1;
	if (n >= t->n)
		return 0;
	n = walk(doc, t, n, path, &done);
	return done ? n : 0;
}

/* ---------------------------------------------------------------- all */

struct all_ctx {
	json_t *arr;
	char *msg;
	size_t msgsize;
};

static enum iw_err all_cb(void *ctx, struct yd_doc *d)
{
	struct all_ctx *a = ctx;
	if (d->error) {
		if (a->msgsize)
			snprintf(a->msg, a->msgsize, "%u:%u: %s", d->err_line, d->err_col, d->error);
		return IW_ESYNTAX;
	}
	if (d->empty)
		return IW_OK;
	return json_array_append(a->arr, d->root) ? IW_ENOMEM : IW_OK;
}

enum iw_err yd_load_all(const char *buf, size_t len, enum yd_format fmt,
                        const struct yd_limits *lim, json_t **out, char *msg, size_t msgsize)
{
	struct all_ctx a = { json_array(), msg, msgsize };
	enum iw_err rc = a.arr ? yd_parse(buf, len, fmt, lim, all_cb, &a) : IW_ENOMEM;
	if (rc == IW_ENOMEM && msgsize)
		snprintf(msg, msgsize, "%s", iw_strerror(rc));
	if (rc) {
		json_decref(a.arr);
		a.arr = NULL;
	}
	*out = a.arr;
	return rc;
}
