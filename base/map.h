/*
 * map: the one hash map of the program, in two layers.
 *
 * 1. struct map_index: hash -> 32-bit values.  The caller keeps its keys
 *    (in its own arrays) and compares them; several values may share a
 *    hash.  Slots are 8 bytes (a 32-bit fingerprint taken from the hash's
 *    high half, never 0, and the value), linear probing, deletion by
 *    backward shift (no tombstones).  Lookups are const: a built index may
 *    be read by many threads.
 *
 *      struct map_index ix = { 0 };
 *      map_index_reserve(&ix, n);                 // optional: room for n values
 *      map_index_put(&ix, h, v);                  // IW_OK / IW_ENOMEM
 *      struct map_it it;  uint32_t v;
 *      for (bool ok = map_index_first(&ix, h, &it, &v); ok; ok = map_index_next(&ix, &it, &v))
 *          if (key_of(v) equals the key) ...
 *
 * 2. struct map: byte-string keys -> void * values, built on (1).  The map
 *    copies each key into its own arena (base/arena.h); the bytes of removed
 *    keys are given back once they outweigh the live ones (the live keys are
 *    copied into a fresh arena).  Values are the caller's.
 *
 *      struct map m = MAP_INIT;
 *      bool added;  void **slot = map_put(&m, key, klen, &added);   // NULL on OOM
 *      if (added) *slot = value;
 *      void **found = map_find(&m, key, klen);                      // NULL when absent
 *      map_del(&m, key, klen, &old);
 *      for (size_t i = 0; i < map_end(&m); i++) if (map_at(&m, i, &k, &kl, &v)) ...
 *      map_release(&m);
 *
 * map_hash() is the string hash both layers use; an index takes any
 * well-mixed 64-bit hash.  Not thread-safe for writers.  Pure: libc only.
 */
#ifndef IW_BASE_MAP_H
#define IW_BASE_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

/* A 64-bit hash of p[0..n) (FNV-1a with a final mix: both halves usable). */
uint64_t map_hash(const void *p, size_t n);

/* ---- 1. hash -> values ---------------------------------------------------- */

struct map_index {
	uint64_t *slot;   /* (fingerprint << 32) | value; 0 is an empty slot */
	size_t cap;       /* a power of two, or 0 */
	size_t n;         /* values stored */
};

struct map_it {
	size_t i;         /* private */
	uint32_t fp;      /* private */
};

/* Room for n values without growing.  IW_OK or IW_ENOMEM. */
enum iw_err map_index_reserve(struct map_index *ix, size_t n);
/* Adds v under hash h (a value already there is not looked for). */
enum iw_err map_index_put(struct map_index *ix, uint64_t h, uint32_t v);
/* The values stored under h (and, rarely, under another hash with the same
 * fingerprint: the caller compares keys): false when there are no more. */
bool map_index_first(const struct map_index *ix, uint64_t h, struct map_it *it, uint32_t *v);
bool map_index_next(const struct map_index *ix, struct map_it *it, uint32_t *v);
/* Removes value v stored under h; false when it is not there. */
bool map_index_del(struct map_index *ix, uint64_t h, uint32_t v);
void map_index_release(struct map_index *ix);   /* empty again */
/* Bytes allocated. */
size_t map_index_bytes(const struct map_index *ix);

/* ---- 2. string keys -> void * ---------------------------------------------- */

struct map_entry_;

struct map {
	struct map_index ix;          /* hash of the key -> entry number */
	struct map_entry_ *e;         /* entries; a free one has key NULL */
	size_t ne, cap;               /* entries in use or free, allocated */
	size_t live;                  /* keys stored */
	uint32_t free_head;           /* first free entry + 1; 0: none */
	struct arena keys;            /* the keys' bytes */
	size_t key_bytes, dead_bytes; /* of live keys / of removed keys still in 'keys' */
};

#define MAP_KEY_BLOCK ((size_t)64 * 1024)
#define MAP_INIT { { NULL, 0, 0 }, NULL, 0, 0, 0, 0, ARENA_INIT(MAP_KEY_BLOCK, MAP_KEY_BLOCK / 8), 0, 0 }

/* The value slot of key k[0..kl): found (*added false), or inserted with a
 * NULL value (*added true; 'added' may be NULL).  NULL on OOM (nothing
 * changed).  The slot is valid until the next put or delete. */
void **map_put(struct map *m, const void *k, size_t kl, bool *added);
/* The value slot of k, or NULL when absent. */
void **map_find(const struct map *m, const void *k, size_t kl);
/* Removes k; *old (may be NULL) gets its value.  false when absent. */
bool map_del(struct map *m, const void *k, size_t kl, void **old);
/* Keys stored. */
size_t map_count(const struct map *m);
/* Walking every entry: i in 0..map_end()-1; map_at gives the key (NUL
 * terminated; kl may be NULL) and value of a live entry and returns true,
 * false for a free one.  Entries keep their numbers until deleted. */
size_t map_end(const struct map *m);
bool map_at(const struct map *m, size_t i, const char **k, size_t *kl, void **v);
/* Frees the map (not the values); m is empty and usable again. */
void map_release(struct map *m);
/* Bytes allocated (index, entries, keys). */
size_t map_bytes(const struct map *m);

#endif
