/* yamldoc: the items of a List too large to build (yd_limits.split_lists). */
#include "load/yd_private.h"

#include <stdlib.h>
#include <string.h>

void ydi_item_begin(struct builder *b, const yaml_mark_t *m)
{
	b->open_item.offset = ydi_u8_byte(b->cur, m->index);
	b->open_item.line = mline(b, m);
	b->open_item.col = mcol(b, m);
}

void ydi_item_end(struct builder *b, const yaml_mark_t *end)
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
	size_t e = ydi_u8_byte(b->cur, end->index);
	it.length = e > it.offset ? e - it.offset : 0;
	b->items[b->nitems++] = it;
}

/* A value starts or ends directly inside the items sequence. */
bool ydi_at_item(const struct builder *b)
{
	return b->in_items && b->depth == 2;
}

/* The document passed the bound inside its items: drop what was built of
 * them and record the rest. */
void ydi_skim_start(struct builder *b)
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
	b->alias_bytes = b->items_alias_bytes;
	b->skim = b->split_used = true;
}

/* One event while skimming the items; false when it is not the skim's
 * (the end of the items sequence itself). */
bool ydi_skim_event(struct builder *b, const yaml_event_t *e)
{
	switch (e->type) {
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT:
		if (b->skim_depth == 0)
			ydi_item_begin(b, &e->start_mark);
		if (2 + ++b->skim_depth > b->lim->max_depth)
			fail(b, &e->start_mark, "document nested too deeply");
		return true;
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		if (b->skim_depth == 0)
			return false;
		if (--b->skim_depth == 0)
			ydi_item_end(b, &e->end_mark);
		return true;
	case YAML_SCALAR_EVENT:
	case YAML_ALIAS_EVENT:
		if (b->skim_depth == 0) {
			ydi_item_begin(b, &e->start_mark);
			ydi_item_end(b, &e->end_mark);
		}
		return true;
	default:
		return false;
	}
}
