/* arena: bump allocation from both ends of a chain of blocks (see arena.h). */
#include "base/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct arena_blk_ {
	struct arena_blk_ *next;
	size_t cap;
	max_align_t data[];
};

void arena_init_fixed(struct arena *a, void *mem, size_t size)
{
	*a = (struct arena)ARENA_INIT(0, 0);
	a->lo = mem;
	a->hi = (char *)mem + size;
}

/* A new block for a request of n bytes; becomes the head unless it is a
 * one-off. */
static struct arena_blk_ *grow(struct arena *a, size_t n)
{
	if (!a->block_size)
		return NULL;   /* fixed mode */
	size_t cap = n > a->alone || n > a->block_size ? n : a->block_size;
	if (cap > SIZE_MAX - sizeof(struct arena_blk_))
		return NULL;
	struct arena_blk_ *b = malloc(sizeof *b + cap);
	if (!b)
		return NULL;
	b->cap = cap;
	a->bytes += sizeof *b + cap;
	if (a->head && cap != a->block_size) {   /* a one-off: the head stays */
		b->next = a->head->next;
		a->head->next = b;
	} else {
		b->next = a->head;
		a->head = b;
		a->lo = (char *)b->data;
		a->hi = a->lo + cap;
	}
	return b;
}

void *arena_alloc(struct arena *a, size_t n)
{
	n = arena_round(n ? n : 1);
	if (n < ARENA_ALIGN)   /* the rounding wrapped */
		return NULL;
	if ((size_t)(a->hi - a->lo) >= n) {
		void *p = a->lo;
		a->lo += n;
		return p;
	}
	struct arena_blk_ *b = grow(a, n);
	if (!b)
		return NULL;
	if (b != a->head)
		return b->data;   /* a one-off block, all of it */
	void *p = a->lo;
	a->lo += n;
	return p;
}

void *arena_zalloc(struct arena *a, size_t n)
{
	void *p = arena_alloc(a, n);
	if (p)
		memset(p, 0, arena_round(n ? n : 1));
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	if (n == SIZE_MAX)
		return NULL;
	char *d;
	if ((size_t)(a->hi - a->lo) >= n + 1) {
		a->hi -= n + 1;
		d = a->hi;
	} else {
		struct arena_blk_ *b = grow(a, n + 1);
		if (!b)
			return NULL;
		if (b != a->head) {
			d = (char *)b->data;
		} else {
			a->hi -= n + 1;
			d = a->hi;
		}
	}
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

size_t arena_left(const struct arena *a)
{
	return (size_t)(a->hi - a->lo);
}

void arena_release(struct arena *a)
{
	if (!a->block_size) {   /* fixed: the memory is the caller's */
		a->lo = a->hi = NULL;
		return;
	}
	for (struct arena_blk_ *k = a->head, *next; k; k = next) {
		next = k->next;
		free(k);
	}
	a->head = NULL;
	a->bytes = 0;
	a->lo = a->hi = NULL;
}
