/* yamldoc: YAML/JSON documents to jansson values with positions (see yamldoc.h). */
#include "load/yamldoc.h"
#include "model/jsonmem.h"

#include "load/jarena.h"
#include "load/jsonscan.h"
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
	lim->split_lists = false;
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
static uint32_t tree_add(struct yd_tree *t, uint32_t line, uint32_t col, bool coll)
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
	nd->line = line;
	nd->col = col;
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

bool yd_plain_is_string(const char *s, size_t len)
{
	if (len == 0 || memchr(s, 0, len))
		return false;
	if (len == 2 && s[0] == '<' && s[1] == '<')
		return false;   /* the merge key */
	if (plain_word(s, len) != W_OTHER)
		return false;
	char c = s[0];
	if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
		json_t *v = resolve_plain(s, len);
		bool str = json_is_string(v);
		json_decref(v);
		return str;
	}
	return true;
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
	bool merged;      /* a merge key brought keys in */
	uint32_t key, klen, kline, kcol;
};

/* libyaml counts characters in its marks (a CRLF is two); offsets into the
 * buffer are bytes.  A cursor turns one into the other, moving from where it
 * was (the marks a parse asks for only go forward, so the whole buffer is
 * walked once).  A BOM libyaml skipped is not counted either. */
struct u8cur {
	const char *buf;
	size_t base, len;     /* the parser's input: buf[base .. len), BOM excluded */
	size_t ci, bi;        /* character index ci is at byte bi */
};

static size_t u8_byte(struct u8cur *c, size_t ci)
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

static size_t bom_len(const char *buf, size_t len)
{
	return len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3) ? 3 : 0;
}

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
	unsigned col0;        /* columns before it on its first line */
	char err[160];
	unsigned err_line, err_col;
	bool failed, oom;
	/* yd_limits.split_lists: the items sequence of the root mapping */
	struct u8cur *cur;    /* marks to byte offsets; NULL: no item ranges */
	bool in_items;        /* st[1] is that sequence */
	bool skim;            /* its items are recorded, not built */
	bool split_used;      /* this document was split */
	size_t skim_depth;    /* collections open inside the current item (skim) */
	uint32_t items_node;  /* the sequence's node */
	size_t items_plen, items_nan, items_nodes;   /* pool, anchors, nodes before its items */
	size_t items_start, items_span;              /* its text */
	struct yd_range *items, open_item;
	size_t nitems, cap_items;
};

/* A mark's line and column in the whole buffer. */
static uint32_t mline(const struct builder *b, const yaml_mark_t *m)
{
	return (uint32_t)(m->line + b->line0 + 1);
}

static uint32_t mcol(const struct builder *b, const yaml_mark_t *m)
{
	return (uint32_t)(m->column + 1 + (m->line == 0 ? b->col0 : 0));
}

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
	b->in_items = b->skim = b->split_used = false;
	b->skim_depth = b->nitems = b->items_span = 0;
	jarena_reset(b->lim->arena);   /* no value of the document is alive now */
}

static void fail_at(struct builder *b, unsigned line, unsigned col, const char *msg)
{
	if (b->failed)
		return;
	b->failed = true;
	b->err_line = line;
	b->err_col = col;
	snprintf(b->err, sizeof b->err, "%s", msg);
}

static void fail(struct builder *b, const yaml_mark_t *m, const char *msg)
{
	fail_at(b, mline(b, m), mcol(b, m), msg);
}

static void fail_oom(struct builder *b, const yaml_mark_t *m)
{
	b->oom = true;
	fail(b, m, "out of memory");
}

/* ---- the items of a List (yd_limits.split_lists) */

static void item_begin(struct builder *b, const yaml_mark_t *m)
{
	b->open_item.offset = u8_byte(b->cur, m->index);
	b->open_item.line = mline(b, m);
	b->open_item.col = mcol(b, m);
}

static void item_end(struct builder *b, const yaml_mark_t *end)
{
	if (b->nitems == b->cap_items) {
		size_t cap = b->cap_items ? b->cap_items * 2 : 64;
		struct yd_range *v = realloc(b->items, cap * sizeof *v);
		if (!v) {
			b->oom = true;
			fail(b, end, "out of memory");
			return;
		}
		b->items = v;
		b->cap_items = cap;
	}
	struct yd_range it = b->open_item;
	size_t e = u8_byte(b->cur, end->index);
	it.length = e > it.offset ? e - it.offset : 0;
	b->items[b->nitems++] = it;
}

/* A value starts or ends directly inside the items sequence. */
static bool at_item(const struct builder *b)
{
	return b->in_items && b->depth == 2;
}

/* The document passed the bound inside its items: drop what was built of
 * them and record the rest. */
static void skim_start(struct builder *b)
{
	b->skim_depth = b->depth - 2;   /* collections open inside the current item */
	while (b->depth > 2) {
		struct frame *f = &b->st[--b->depth];
		json_decref(f->v);
		free(f->anchor);
	}
	json_array_clear(b->st[1].v);
	b->st[1].weight = 1;
	while (b->nan > b->items_nan) {
		struct anchor *a = &b->an[--b->nan];
		free(a->name);
		json_decref(a->v);
	}
	struct yd_tree *t = b->tree;
	t->n = (size_t)b->items_node + 1;
	t->v[b->items_node].first = t->v[b->items_node].last = 0;
	t->plen = b->items_plen;
	b->nodes = b->items_nodes;
	b->skim = b->split_used = true;
}

/* One event while skimming the items; false when it is not the skim's
 * (the end of the items sequence itself). */
static bool skim_event(struct builder *b, const yaml_event_t *e)
{
	switch (e->type) {
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT:
		if (b->skim_depth == 0)
			item_begin(b, &e->start_mark);
		if (2 + ++b->skim_depth > b->lim->max_depth)
			fail(b, &e->start_mark, "document nested too deeply");
		return true;
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		if (b->skim_depth == 0)
			return false;
		if (--b->skim_depth == 0)
			item_end(b, &e->end_mark);
		return true;
	case YAML_SCALAR_EVENT:
	case YAML_ALIAS_EVENT:
		if (b->skim_depth == 0) {
			item_begin(b, &e->start_mark);
			item_end(b, &e->end_mark);
		}
		return true;
	default:
		return false;
	}
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

/* Was the key already in mapping f brought in by a merge key (which a key
 * given in the mapping overrides) rather than given in it? */
static bool from_merge(const struct builder *b, const struct frame *f, const char *key)
{
	if (!f->merged)
		return false;
	const struct yd_tree *t = b->tree;
	for (uint32_t c = t->v[f->node].first; c; c = t->v[c].next)
		if (t->v[c].klen == f->klen && !memcmp(t->pool + t->v[c].key, key, f->klen))
			return false;
	return true;
}

static void duplicate_key(struct builder *b, const struct frame *f, const char *key)
{
	char q[72];
	size_t k = 0;
	for (size_t i = 0; i < f->klen && k + 4 < sizeof q; i++)
		q[k++] = (unsigned char)key[i] < 0x20 || key[i] == 0x7f ? '?' : key[i];
	if (k + 4 >= sizeof q && f->klen > k) {
		memcpy(q + k, "...", 3);
		k += 3;
	}
	q[k] = 0;
	char msg[120];
	snprintf(msg, sizeof msg, "duplicate key \"%s\"", q);
	fail_at(b, f->kline, f->kcol, msg);
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
		f->merged = true;
		if (bad)
			fail(b, m, "map merge requires a mapping or a sequence of mappings as its value");
		return;
	}
	const char *key = b->tree->pool + f->key;
	if (json_object_getn(f->v, key, f->klen) && !from_merge(b, f, key)) {
		json_decref(v);
		duplicate_key(b, f, key);
		return;
	}
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
	f->kline = mline(b, m);
	f->kcol = mcol(b, m);
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
	uint32_t node = tree_add(b->tree, mline(b, m), mcol(b, m), false);
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
	if (at_item(b)) {
		item_begin(b, m);
		item_end(b, &e->end_mark);
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
	uint32_t node = tree_add(b->tree, mline(b, m), mcol(b, m), false);
	if (!node) {
		fail_oom(b, m);
		return;
	}
	if (at_item(b)) {
		item_begin(b, m);
		item_end(b, &e->end_mark);
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
	/* the root mapping's items sequence, when Lists may be split (f is
	 * read before the stack may move) */
	bool items = b->cur && b->lim->split_lists && !map && b->depth == 1 && f && f->map &&
	             !f->merge_key && f->klen == 5 && !memcmp(b->tree->pool + f->key, "items", 5);
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
	if (at_item(b))
		item_begin(b, m);
	struct frame nf = { 0 };
	nf.map = map;
	nf.v = map ? json_object() : json_array();
	nf.node = tree_add(b->tree, mline(b, m), mcol(b, m), true);
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
	if (items) {
		b->in_items = true;
		b->items_node = nf.node;
		b->items_plen = b->tree->plen;
		b->items_nan = b->nan;
		b->items_nodes = b->nodes;
		b->items_start = u8_byte(b->cur, m->index);
		b->nitems = 0;
	}
}

static void on_end(struct builder *b, const yaml_event_t *e)
{
	const yaml_mark_t *m = &e->start_mark;
	if (!b->depth)
		return;
	struct frame f = b->st[--b->depth];
	if (at_item(b))
		item_end(b, &e->end_mark);
	else if (b->in_items && b->depth == 1) {   /* the items sequence ends */
		b->in_items = b->skim = false;
		b->items_span = u8_byte(b->cur, e->end_mark.index) - b->items_start;
	}
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
	unsigned line0;       /* lines before buf[0] (yd_parse_range) */
	unsigned col0;        /* columns before buf[0] on its line (yd_parse_range) */
	size_t shift;         /* buf[i] is the caller's buffer at i + shift (yd_parse_range) */
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

/* "3 MiB", "512 KiB", "1000 bytes": a bound as people say it. */
static void size_text(size_t n, char *out, size_t size)
{
	if (n >= (1u << 20) && n % (1u << 20) == 0)
		snprintf(out, size, "%zu MiB", n >> 20);
	else if (n >= 1024 && n % 1024 == 0)
		snprintf(out, size, "%zu KiB", n >> 10);
	else
		snprintf(out, size, "%zu bytes", n);
}

static void too_large(const struct yd_limits *lim, char *msg, size_t size)
{
	char lt[32];
	size_text(lim->max_doc_bytes, lt, sizeof lt);
	snprintf(msg, size, "document too large (the limit is %s per object%s)", lt,
	         lim->split_lists ? "; only a List may be larger" : "");
}

static enum iw_err emit(struct run *r, struct yd_doc *d)
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

/* Bytes of a document so far, as they count against max_doc_bytes: a split
 * List's items do not. */
static size_t doc_bytes(const struct builder *b, size_t now, size_t doc_start)
{
	size_t n = now > doc_start ? now - doc_start : 0;
	if (b->split_used)
		n = n > b->items_span ? n - b->items_span : 0;
	return n;
}

/*
 * Runs libyaml over buf[from..len), building documents; on a failed document
 * returns the offset to resume at (len when done).
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
	size_t start = from + (from == 0 ? bom_len(r->buf, r->len) : 0);
	struct u8cur cur = { r->buf, start, r->len, 0, start };
	b->cur = &cur;
	b->line0 = line0;
	b->col0 = from == 0 ? r->col0 : 0;
	jarena_begin(r->lim->arena);
	bool in_doc = false;
	unsigned long doc_failures = iw_json_failures();
	size_t doc_start = from, doc_ci = 0;
	unsigned doc_line = line0 + 1, doc_col = 1;
	size_t resume = r->len;
	size_t max = r->lim->max_doc_bytes;
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
			size_t at = u8_byte(&cur, mk.index);
			unsigned err_line = mline(b, &mk), err_col = mcol(b, &mk);
			if (in.cut && !b->failed)   /* flow nesting past the bound (feed_read) */
				fail(b, &p.mark, "document nested too deeply");
			if (in.cut) {   /* the error is the bound's, not the end of input it caused */
				err_line = b->err_line;
				err_col = b->err_col;
				snprintf(msg, sizeof msg, "%s", b->err);
			}
			struct yd_doc d = { 0 };
			d.format = YD_YAML;
			d.line = in_doc ? doc_line : (unsigned)(mk.line + line0 + 1);
			d.error = msg;
			d.err_line = err_line;
			d.err_col = err_col;
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
		if (b->skim && b->depth == 2 && !b->failed && skim_event(b, &e)) {
			yaml_event_delete(&e);
			if (b->oom)
				break;
			continue;
		}
		switch (t) {
		case YAML_DOCUMENT_START_EVENT:
			in_doc = true;
			doc_failures = iw_json_failures();
			doc_ci = e.start_mark.index;
			doc_start = u8_byte(&cur, doc_ci);
			doc_line = mline(b, &e.start_mark);
			doc_col = mcol(b, &e.start_mark);
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
			d.format = YD_YAML;
			size_t end = u8_byte(&cur, e.end_mark.index);
			char big[96];
			if (!b->failed && doc_bytes(b, end, doc_start) > max) {
				too_large(r->lim, big, sizeof big);
				fail(b, &e.start_mark, big);
			}
			if (b->failed) {
				d.line = doc_line;
				d.error = b->err;
				d.err_line = b->err_line;
				d.err_col = b->err_col;
			} else {
				d.root = b->root;
				d.line = b->root_node ? b->tree->v[b->root_node].line : doc_line;
				d.empty = !b->root || json_is_null(b->root);
				d.tree_ = b->tree;
				if (b->split_used) {
					d.split = true;
					d.items = b->items;
					d.nitems = b->nitems;
				}
			}
			d.offset = doc_start;
			d.length = end > doc_start ? end - doc_start : 0;
			d.start_line = doc_line;
			d.start_col = doc_col;
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
		/* a document that grows past the bound fails early, unless it is a
		 * List whose items may be read one by one; characters are at most
		 * 4 bytes, so the exact count is needed only near the bound */
		if (!in_doc || b->failed || (b->split_used && b->in_items) ||
		    (p.mark.index - doc_ci) < max / 4)
			continue;
		if (doc_bytes(b, u8_byte(&cur, p.mark.index), doc_start) <= max)
			continue;
		if (b->in_items && !b->split_used) {
			skim_start(b);
			continue;
		}
		yaml_mark_t mk = p.mark;
		char big[96];
		too_large(r->lim, big, sizeof big);
		fail(b, &mk, big);
		struct yd_doc d = { 0 };
		d.format = YD_YAML;
		d.line = doc_line;
		d.error = b->err;
		d.err_line = b->err_line;
		d.err_col = b->err_col;
		emit(r, &d);
		builder_clear_doc(b);
		resume = next_doc_marker(r->buf, r->len, doc_start + 1);
		break;
	}
	jarena_end(r->lim->arena);
	yaml_parser_delete(&p);
	b->cur = NULL;
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
	free(b->items);
	tree_free(b->tree);
	b->tree = NULL;
}

/* Text to read again or alone: buf[off .. off+len), whose first byte is at
 * line:col.  A block (YAML) text keeps its indentation by padding its first
 * line with spaces; a flow or JSON text is read in place, its first line's
 * columns shifted. */
struct view {
	const char *p;
	size_t n;
	char *copy;           /* owned, or NULL */
	size_t shift;         /* p[i] is the caller's buffer at i + shift */
	unsigned line0, col0;
};

static bool make_view(const char *buf, size_t off, size_t len, unsigned line, unsigned col,
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

/* Lazy positions for one document (a JSON one, or one saved): parse its text
 * again with libyaml. */
static struct yd_tree *lazy_tree(struct yd_doc *doc)
{
	struct lazy_json *lz = doc->lazy_;
	if (doc->tree_ || !lz || lz->tried)
		return doc->tree_;
	lz->tried = true;
	unsigned long f0 = iw_json_failures();
	struct view v;
	if (!make_view(lz->buf, lz->off, lz->len, lz->line, lz->col, false, &v)) {
		doc->err = IW_ENOMEM;
		return NULL;
	}
	struct yd_limits lim;
	yd_limits_init(&lim);
	struct jarena_scope scratch = jarena_scratch_begin();   /* the values are not kept */
	struct run r = { 0 };
	r.buf = v.p;
	r.len = v.n;
	r.lim = &lim;
	if (!builder_init(&r.b, &lim)) {
		free(v.copy);
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
		feed_init(&in, &p, v.p, v.n, &lim);
		r.b.line0 = v.line0;
		r.b.col0 = v.col0;
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
	free(v.copy);
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

static void run_yaml(struct run *r)
{
	size_t at = 0;
	unsigned line0 = r->line0;
	while (at < r->len && !r->stop && !r->halt && !r->b.oom) {
		size_t next = parse_yaml_from(r, at, line0);
		if (next >= r->len)
			break;
		line0 += count_lines(r->buf + at, next - at);
		at = next;
	}
}

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
	unsigned k = count_lines(r->buf + from, to - from);
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

static void run_json(struct run *r)
{
	size_t at = bom_len(r->buf, r->len);
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
					too_large(r->lim, msg, sizeof msg);
					d.error = msg;
					d.err_line = line;
					d.err_col = col;
				}
				emit(r, &d);
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
			too_large(r->lim, msg, sizeof msg);
			d.error = msg;
			d.err_line = line;
			d.err_col = col;
			emit(r, &d);
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
			emit(r, &d);
			jarena_end(r->lim->arena);
			if (!jarena_exclusive(r->lim->arena))
				json_decref(v);   /* else the reset drops the whole tree */
			jarena_reset(r->lim->arena);
			tree_free(d.tree_);
		}
		json_advance(r, at, at + used, &line, &ls, &col0);
		at += used;
	}
}

static enum yd_format detect(const char *buf, size_t len)
{
	size_t i = bom_len(buf, len);
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r'))
		i++;
	return i < len && (buf[i] == '{' || buf[i] == '[') ? YD_JSON : YD_YAML;
}

static enum iw_err run(struct run *r, enum yd_format fmt)
{
	if (!builder_init(&r->b, r->lim))
		return IW_ENOMEM;
	if (fmt == YD_JSON)
		run_json(r);
	else
		run_yaml(r);
	bool oom = r->b.oom;
	builder_release(&r->b);
	return r->stop ? r->stop : oom ? IW_ENOMEM : IW_OK;
}

enum iw_err yd_parse(const char *buf, size_t len, enum yd_format fmt,
                     const struct yd_limits *lim, yd_doc_fn fn, void *ctx)
{
	struct yd_limits def;
	if (!lim) {
		yd_limits_init(&def);
		lim = &def;
	}
	if (fmt == YD_AUTO)
		fmt = detect(buf, len);
	struct run r = { 0 };
	r.buf = buf;
	r.len = len;
	r.lim = lim;
	r.fn = fn;
	r.ctx = ctx;
	return run(&r, fmt);
}

enum iw_err yd_parse_range(const char *buf, size_t len, const struct yd_range *at,
                           enum yd_format fmt, const struct yd_limits *lim, yd_doc_fn fn,
                           void *ctx)
{
	struct yd_limits def;
	if (!lim) {
		yd_limits_init(&def);
		lim = &def;
	}
	if (at->offset > len || at->length > len - at->offset)
		return IW_EINVAL;
	if (fmt == YD_AUTO)
		fmt = detect(buf + at->offset, at->length);
	struct view v;
	if (!make_view(buf, at->offset, at->length, at->line, at->col, fmt == YD_JSON, &v))
		return IW_ENOMEM;
	struct run r = { 0 };
	r.buf = v.p;
	r.len = v.n;
	r.lim = lim;
	r.fn = fn;
	r.ctx = ctx;
	r.line0 = v.line0;
	r.col0 = v.col0;
	r.shift = v.shift;
	enum iw_err rc = run(&r, fmt);
	free(v.copy);
	return rc;
}

/* ---------------------------------------------------------------- saved */

json_t *yd_keep(const struct yd_doc *d, json_t *v)
{
	if (!d->in_arena_)
		return json_incref(v);
	/* the copy is made on the heap: the arena allocates only while the tree
	 * is being built, not during the callback */
	return json_deep_copy(v);
}

enum iw_err yd_save(const struct yd_doc *d, struct yd_saved *out, bool keep_value)
{
	memset(out, 0, sizeof *out);
	out->index = d->index;
	out->offset = d->offset;
	out->length = d->length;
	out->line = d->line;
	out->start_line = d->start_line;
	out->start_col = d->start_col;
	out->err_line = d->err_line;
	out->err_col = d->err_col;
	out->empty = d->empty;
	if (d->error && !(out->error = strdup(d->error)))
		return IW_ENOMEM;
	if (keep_value && d->root) {
		out->root = yd_keep(d, d->root);
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
	d->start_col = s->start_col;
	s->lz_.buf = buf;
	s->lz_.off = s->offset;
	s->lz_.len = s->length;
	s->lz_.line = s->start_line;
	s->lz_.col = s->start_col;
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
