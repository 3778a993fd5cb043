/* blocks: bump allocation through a chain of blocks (see blocks.h). */
#include "base/blocks.h"

#include <stdlib.h>

struct blocks_blk_ {
	struct blocks_blk_ *next;
	size_t used, cap;
	max_align_t data[];
};

void *blocks_alloc(struct blocks *b, size_t n)
{
	struct blocks_blk_ *h = b->head;
	if (!h || h->cap - h->used < n) {
		size_t cap = n > b->alone || n > b->block_size ? n : b->block_size;
		struct blocks_blk_ *nb = malloc(sizeof *nb + cap);
		if (!nb)
			return NULL;
		nb->used = 0;
		nb->cap = cap;
		b->bytes += sizeof *nb + cap;
		if (h && cap != b->block_size) {   /* a one-off: the head stays */
			nb->next = h->next;
			h->next = nb;
		} else {
			nb->next = h;
			b->head = nb;
		}
		h = nb;
	}
	void *p = (char *)h->data + h->used;
	h->used += n;
	return p;
}

void blocks_release(struct blocks *b)
{
	for (struct blocks_blk_ *k = b->head, *next; k; k = next) {
		next = k->next;
		free(k);
	}
	b->head = NULL;
	b->bytes = 0;
}
