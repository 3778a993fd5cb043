/*
 * arena: memory handed out by bumping through blocks and given back all at
 * once, the one bump allocator of the program (a model's arrays, the
 * state's kept copies, a map's keys, lint's report strings, a compact copy
 * written into a block its caller sized).
 *
 *   struct arena a = ARENA_INIT(64 * 1024, 8 * 1024);
 *   struct x *p = arena_alloc(&a, sizeof *p);   // aligned for max_align_t; NULL on OOM
 *   char *s = arena_strndup(&a, src, n);        // n bytes and a NUL, packed
 *   arena_release(&a);                          // everything at once; a is empty again
 *
 * A block is filled from both ends: aligned allocations from the front,
 * strings (no alignment) from the back, so that mixing them wastes no
 * padding.  A request that does not fit the current block starts a new one
 * (malloc'd, of block_size bytes); a request above 'alone' gets a block of
 * its own, put behind the current one so that its free space stays in use.
 *
 * Fixed mode (arena_init_fixed): the caller's one block of memory, never
 * grown nor freed; a request that does not fit returns NULL.  A caller that
 * sized the block exactly can check it with arena_left() afterwards.
 *
 * Each arena has one owner; no global state.  Pure: libc only.
 */
#ifndef IW_BASE_ARENA_H
#define IW_BASE_ARENA_H

#include <stddef.h>

struct arena_blk_;

struct arena {
	struct arena_blk_ *head;   /* the block being filled (NULL: none yet) */
	size_t block_size;         /* size of a normal block; 0 in fixed mode */
	size_t alone;              /* a request above this gets a block of its own */
	size_t bytes;              /* malloc'd so far (blocks and their headers) */
	char *lo, *hi;             /* free space of the head block: [lo, hi) */
};

#define ARENA_INIT(block_size, alone) { NULL, (block_size), (alone), 0, NULL, NULL }

/* The alignment of arena_alloc, and a size rounded up to it. */
#define ARENA_ALIGN (sizeof(max_align_t))
static inline size_t arena_round(size_t n)
{
	return (n + ARENA_ALIGN - 1) / ARENA_ALIGN * ARENA_ALIGN;
}

/* The caller's memory as the only block ('mem' aligned for max_align_t). */
void arena_init_fixed(struct arena *a, void *mem, size_t size);

/* n bytes (arena_round(n); at least one unit), aligned for max_align_t, not
 * zeroed; NULL on OOM (or when a fixed arena is full). */
void *arena_alloc(struct arena *a, size_t n);
/* The same, zeroed. */
void *arena_zalloc(struct arena *a, size_t n);
/* A copy of s[0..n) followed by a NUL (s may hold NULs), packed without
 * alignment; NULL on OOM. */
char *arena_strndup(struct arena *a, const char *s, size_t n);

/* Free bytes left in the current block (fixed mode: of the caller's block). */
size_t arena_left(const struct arena *a);

/* Frees every block (none in fixed mode); a is empty and usable again. */
void arena_release(struct arena *a);

#endif
