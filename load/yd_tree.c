/* yamldoc: the position table of one document (see yd_private.h). */
#include "load/yd_private.h"

#include <stdlib.h>
#include <string.h>

void ydi_tree_reset(struct yd_tree *t)
{
	t->n = 1;
	t->plen = 0;
}

void ydi_tree_free(struct yd_tree *t)
{
	if (!t)
		return;
	free(t->v);
	free(t->pool);
	free(t);
}

/* new node id, or 0 on OOM */
uint32_t ydi_tree_add(struct yd_tree *t, uint32_t line, uint32_t col, bool coll)
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
uint32_t ydi_pool_add(struct yd_tree *t, const char *s, size_t len)
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

void ydi_tree_link(struct yd_tree *t, uint32_t parent, uint32_t child)
{
	struct tnode *p = &t->v[parent];
	if (p->last)
		t->v[p->last].next = child;
	else
		p->first = child;
	p->last = child;
}
