/*
 * blocks: memory handed out by bumping through a chain of malloc'd blocks and
 * given back all at once (the state's kept compact copies, lint's report
 * strings).  Each chain has one owner; no global state.
 *
 *   struct blocks b = BLOCKS_INIT(64 * 1024, 8 * 1024);
 *   char *s = blocks_alloc(&b, n);   // NULL on OOM
 *   blocks_release(&b);              // everything at once; b is empty again
 */
#ifndef IW_BASE_BLOCKS_H
#define IW_BASE_BLOCKS_H

#include <stddef.h>

struct blocks_blk_;

struct blocks {
	struct blocks_blk_ *head;   /* the block being filled */
	size_t block_size;          /* size of a normal block */
	size_t alone;               /* a request above this gets a block of its own */
	size_t bytes;               /* malloc'd so far (blocks and their headers) */
};

#define BLOCKS_INIT(block_size, alone) { NULL, (block_size), (alone), 0 }

/* n bytes (not zeroed) right after the previous request, or at the start of
 * a new block (blocks start aligned for max_align_t): a chain whose requests
 * are all multiples of sizeof(max_align_t) hands out aligned memory.  A
 * request above 'alone' gets a block of its own, put behind the head so that
 * the head's free space stays in use.  NULL on OOM. */
void *blocks_alloc(struct blocks *b, size_t n);
void blocks_release(struct blocks *b);

#endif
