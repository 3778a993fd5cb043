/* yamldoc: the builder, libyaml events to jansson values with positions. */
#include "load/yd_private.h"

#include "load/jarena.h"

#include <stdlib.h>
#include <string.h>

void ydi_builder_clear_doc(struct builder *b)
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
	b->alias_bytes = 0;
	b->failed = false;
	b->err[0] = 0;
	b->in_items = b->skim = b->split_used = false;
	b->skim_depth = b->nitems = b->items_span = 0;
	jarena_reset(b->lim->arena);   /* no value of the document is alive now */
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

/* An alias at m standing for 'bytes' of its anchor: with the text before
 * it (counted in characters here: at most its bytes; exactly at the end of
 * the document and while it grows, yd_yaml.c), the document may not pass
 * max_doc_bytes.  Inside the items of a List that may be split, only the
 * aliases count here: the text of the items may pass the bound. */
static bool count_alias_bytes(struct builder *b, size_t bytes, const yaml_mark_t *m)
{
	size_t max = b->lim->max_doc_bytes;
	size_t text = b->in_items && b->lim->split_lists ? 0
	            : m->index > b->doc_ci ? m->index - b->doc_ci : 0;
	b->alias_bytes += bytes;
	if (b->alias_bytes > max || bytes > max || text > max - b->alias_bytes) {
		char msg[120];
		ydi_too_large(b->lim, true, msg, sizeof msg);
		fail(b, m, msg);
		return false;
	}
	return true;
}

static bool add_anchor(struct builder *b, const char *name, json_t *v, uint32_t node, size_t w,
                       size_t bytes, const yaml_mark_t *m)
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
	b->an[b->nan++] = (struct anchor){ nm, json_incref(v), node, w, bytes };
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
static void attach(struct builder *b, json_t *v, uint32_t node, size_t w, size_t bytes,
                   const yaml_mark_t *m)
{
	if (!b->depth) {
		b->root = v;
		b->root_node = node;
		return;
	}
	struct frame *f = &b->st[b->depth - 1];
	f->weight += w;
	f->bytes += bytes;
	if (!f->map) {
		if (json_array_append_new(f->v, v)) {
			fail_oom(b, m);
			return;
		}
		if (node)
			ydi_tree_link(b->tree, f->node, node);
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
		ydi_tree_link(b->tree, f->node, node);
	}
}

/* The text a scalar key stands for. */
static const char *key_text(const yaml_event_t *e, size_t *len)
{
	const char *s = (const char *)e->data.scalar.value;
	*len = e->data.scalar.length;
	if (e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return s;
	switch (ydi_plain_word(s, *len)) {
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
	uint32_t off = ydi_pool_add(b->tree, k, len);
	if (off == UINT32_MAX) {
		fail_oom(b, m);
		return;
	}
	f->key = off;
	f->klen = (uint32_t)len;
	f->bytes += len;
	f->kline = mline(b, m);
	f->kcol = mcol(b, m);
	f->have_key = true;
	f->merge_key = merge;
}

void ydi_on_scalar(struct builder *b, const yaml_event_t *e)
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
		v = ydi_resolve_plain(s, len);
	else
		v = json_stringn_nocheck(s, len);
	uint32_t node = ydi_tree_add(b->tree, mline(b, m), mcol(b, m), false);
	if (!v || !node) {
		json_decref(v);
		fail_oom(b, m);
		return;
	}
	if (e->data.scalar.anchor &&
	    !add_anchor(b, (const char *)e->data.scalar.anchor, v, node, 1, len, m)) {
		json_decref(v);
		return;
	}
	if (ydi_at_item(b)) {
		ydi_item_begin(b, m);
		ydi_item_end(b, &e->end_mark);
	}
	attach(b, v, node, 1, len, m);
}

void ydi_on_alias(struct builder *b, const yaml_event_t *e)
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
	if (!count_alias_bytes(b, a->bytes, m))
		return;
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
	uint32_t node = ydi_tree_add(b->tree, mline(b, m), mcol(b, m), false);
	if (!node) {
		fail_oom(b, m);
		return;
	}
	if (ydi_at_item(b)) {
		ydi_item_begin(b, m);
		ydi_item_end(b, &e->end_mark);
	}
	attach(b, json_incref(a->v), node, a->weight, a->bytes, m);
}

void ydi_on_start(struct builder *b, const yaml_event_t *e, bool map)
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
	if (ydi_at_item(b))
		ydi_item_begin(b, m);
	struct frame nf = { 0 };
	nf.map = map;
	nf.v = map ? json_object() : json_array();
	nf.node = ydi_tree_add(b->tree, mline(b, m), mcol(b, m), true);
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
		b->items_alias_bytes = b->alias_bytes;
		b->items_start = ydi_u8_byte(b->cur, m->index);
		b->nitems = 0;
	}
}

void ydi_on_end(struct builder *b, const yaml_event_t *e)
{
	const yaml_mark_t *m = &e->start_mark;
	if (!b->depth)
		return;
	struct frame f = b->st[--b->depth];
	if (ydi_at_item(b))
		ydi_item_end(b, &e->end_mark);
	else if (b->in_items && b->depth == 1) {   /* the items sequence ends */
		b->in_items = b->skim = false;
		b->items_span = ydi_u8_byte(b->cur, e->end_mark.index) - b->items_start;
	}
	if (f.anchor) {
		bool ok = add_anchor(b, f.anchor, f.v, f.node, f.weight, f.bytes, m);
		free(f.anchor);
		if (!ok) {
			json_decref(f.v);
			return;
		}
	}
	attach(b, f.v, f.node, f.weight, f.bytes, m);
}

bool ydi_builder_init(struct builder *b, const struct yd_limits *lim)
{
	memset(b, 0, sizeof *b);
	b->lim = lim;
	b->tree = calloc(1, sizeof *b->tree);
	if (!b->tree)
		return false;
	ydi_tree_reset(b->tree);
	return true;
}

void ydi_builder_release(struct builder *b)
{
	ydi_builder_clear_doc(b);
	free(b->st);
	free(b->an);
	free(b->items);
	ydi_tree_free(b->tree);
	b->tree = NULL;
}
