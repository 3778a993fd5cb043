/* map: a hash index and a string map on it (see map.h). */
#include "base/map.h"

#include <stdlib.h>
#include <string.h>

uint64_t map_hash(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ull;
	}
	/* splitmix64's finaliser: FNV's high bits alone mix poorly */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 31;
	return h;
}

/* ---- 1. hash -> values ---------------------------------------------------- */

static inline uint32_t fingerprint(uint64_t h)
{
	uint32_t fp = (uint32_t)(h >> 32);
	return fp ? fp : 1;
}

/* A slot's home is taken from its fingerprint, so that slots can move
 * (growth, backward shift) without the hash. */
static inline size_t home(uint32_t fp, size_t mask)
{
	return fp & mask;
}

static void place(uint64_t *slot, size_t mask, uint64_t s)
{
	size_t i = home((uint32_t)(s >> 32), mask);
	while (slot[i])
		i = (i + 1) & mask;
	slot[i] = s;
}

static enum iw_err resize(struct map_index *ix, size_t cap)
{
	uint64_t *ns = calloc(cap, sizeof *ns);
	if (!ns)
		return IW_ENOMEM;
	for (size_t i = 0; i < ix->cap; i++)
		if (ix->slot[i])
			place(ns, cap - 1, ix->slot[i]);
	free(ix->slot);
	ix->slot = ns;
	ix->cap = cap;
	return IW_OK;
}

enum iw_err map_index_reserve(struct map_index *ix, size_t n)
{
	size_t cap = ix->cap ? ix->cap : 8;
	while (cap / 2 < n) {   /* at most half full */
		if (cap > SIZE_MAX / 2 / sizeof(uint64_t) || cap >= ((size_t)1 << 32))
			return IW_ENOMEM;
		cap *= 2;
	}
	return cap == ix->cap ? IW_OK : resize(ix, cap);
}

enum iw_err map_index_put(struct map_index *ix, uint64_t h, uint32_t v)
{
	enum iw_err rc;
	if (ix->n + 1 > ix->cap / 2 && (rc = map_index_reserve(ix, ix->n + 1)))
		return rc;
	place(ix->slot, ix->cap - 1, (uint64_t)fingerprint(h) << 32 | v);
	ix->n++;
	return IW_OK;
}

bool map_index_next(const struct map_index *ix, struct map_it *it, uint32_t *v)
{
	if (!ix->cap)
		return false;
	size_t mask = ix->cap - 1;
	for (;; it->i = (it->i + 1) & mask) {
		uint64_t s = ix->slot[it->i];
		if (!s)
			return false;
		if ((uint32_t)(s >> 32) == it->fp) {
			*v = (uint32_t)s;
			it->i = (it->i + 1) & mask;
			return true;
		}
	}
}

bool map_index_first(const struct map_index *ix, uint64_t h, struct map_it *it, uint32_t *v)
{
	it->fp = fingerprint(h);
	it->i = ix->cap ? home(it->fp, ix->cap - 1) : 0;
	return map_index_next(ix, it, v);
}

bool map_index_del(struct map_index *ix, uint64_t h, uint32_t v)
{
	if (!ix->cap)
		return false;
	size_t mask = ix->cap - 1;
	uint64_t want = (uint64_t)fingerprint(h) << 32 | v;
	size_t i = home(fingerprint(h), mask);
	while (ix->slot[i] != want) {
		if (!ix->slot[i])
			return false;
		i = (i + 1) & mask;
	}
	/* backward shift: pull later slots of the run whose home is not
	 * between the hole and them */
	for (size_t j = (i + 1) & mask; ix->slot[j]; j = (j + 1) & mask) {
		size_t k = home((uint32_t)(ix->slot[j] >> 32), mask);
		bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
		if (!stays) {
			ix->slot[i] = ix->slot[j];
			i = j;
		}
	}
	ix->slot[i] = 0;
	ix->n--;
	return true;
}

void map_index_release(struct map_index *ix)
{
	free(ix->slot);
	*ix = (struct map_index){ 0 };
}

size_t map_index_bytes(const struct map_index *ix)
{
	return ix->cap * sizeof *ix->slot;
}

/* ---- 2. string keys -> void * ---------------------------------------------- */

struct map_entry_ {
	char *key;        /* in m->keys; NULL for a free entry */
	size_t klen;      /* a free entry: the next free entry + 1 (0: none) */
	uint64_t hash;
	void *val;
};

static struct map_entry_ *lookup(const struct map *m, const void *k, size_t kl, uint64_t h)
{
	struct map_it it;
	uint32_t v = 0;
	for (bool ok = map_index_first(&m->ix, h, &it, &v); ok; ok = map_index_next(&m->ix, &it, &v)) {
		struct map_entry_ *e = &m->e[v];
		if (e->hash == h && e->klen == kl && !memcmp(e->key, k, kl))
			return e;
	}
	return NULL;
}

void **map_find(const struct map *m, const void *k, size_t kl)
{
	struct map_entry_ *e = lookup(m, k, kl, map_hash(k, kl));
	return e ? &e->val : NULL;
}

/* A free entry's number (the free list, else a new one); SIZE_MAX on OOM. */
static size_t take_entry(struct map *m)
{
	if (m->free_head) {
		size_t i = m->free_head - 1;
		m->free_head = (uint32_t)m->e[i].klen;
		return i;
	}
	if (m->ne >= UINT32_MAX - 1)
		return SIZE_MAX;
	if (m->ne == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 8;
		struct map_entry_ *ne = realloc(m->e, cap * sizeof *ne);
		if (!ne)
			return SIZE_MAX;
		m->e = ne;
		m->cap = cap;
	}
	return m->ne++;
}

static void give_entry(struct map *m, size_t i)
{
	m->e[i] = (struct map_entry_){ NULL, m->free_head, 0, NULL };
	m->free_head = (uint32_t)(i + 1);
}

void **map_put(struct map *m, const void *k, size_t kl, bool *added)
{
	uint64_t h = map_hash(k, kl);
	struct map_entry_ *e = lookup(m, k, kl, h);
	if (added)
		*added = !e;
	if (e)
		return &e->val;
	size_t i = take_entry(m);
	if (i == SIZE_MAX)
		return NULL;
	char *key = arena_strndup(&m->keys, k, kl);
	if (!key || map_index_put(&m->ix, h, (uint32_t)i)) {
		if (key)
			m->dead_bytes += kl + 1;
		give_entry(m, i);
		return NULL;
	}
	m->e[i] = (struct map_entry_){ key, kl, h, NULL };
	m->live++;
	m->key_bytes += kl + 1;
	return &m->e[i].val;
}

/* Copies the live keys into a fresh arena and frees the old one; on OOM
 * nothing changes (the dead bytes stay until the next try). */
static void compact_keys(struct map *m)
{
	struct arena fresh = ARENA_INIT(m->keys.block_size, m->keys.alone);
	char **moved = malloc((m->ne ? m->ne : 1) * sizeof *moved);
	if (!moved)
		return;
	for (size_t i = 0; i < m->ne; i++) {
		moved[i] = NULL;
		if (m->e[i].key && !(moved[i] = arena_strndup(&fresh, m->e[i].key, m->e[i].klen))) {
			arena_release(&fresh);
			free(moved);
			return;
		}
	}
	for (size_t i = 0; i < m->ne; i++)
		if (m->e[i].key)
			m->e[i].key = moved[i];
	free(moved);
	arena_release(&m->keys);
	m->keys = fresh;
	m->dead_bytes = 0;
}

bool map_del(struct map *m, const void *k, size_t kl, void **old)
{
	struct map_entry_ *e = lookup(m, k, kl, map_hash(k, kl));
	if (!e)
		return false;
	if (old)
		*old = e->val;
	size_t i = (size_t)(e - m->e);
	map_index_del(&m->ix, e->hash, (uint32_t)i);
	m->key_bytes -= kl + 1;
	m->dead_bytes += kl + 1;
	m->live--;
	give_entry(m, i);
	if (m->dead_bytes > m->keys.block_size && m->dead_bytes > m->key_bytes)
		compact_keys(m);
	return true;
}

size_t map_count(const struct map *m)
{
	return m->live;
}

size_t map_end(const struct map *m)
{
	return m->ne;
}

bool map_at(const struct map *m, size_t i, const char **k, size_t *kl, void **v)
{
	if (i >= m->ne || !m->e[i].key)
		return false;
	if (k)
		*k = m->e[i].key;
	if (kl)
		*kl = m->e[i].klen;
	if (v)
		*v = m->e[i].val;
	return true;
}

void map_release(struct map *m)
{
	map_index_release(&m->ix);
	free(m->e);
	arena_release(&m->keys);
	struct arena keys = m->keys;
	*m = (struct map)MAP_INIT;
	m->keys.block_size = keys.block_size;
	m->keys.alone = keys.alone;
}

size_t map_bytes(const struct map *m)
{
	return map_index_bytes(&m->ix) + m->cap * sizeof *m->e + m->keys.bytes;
}
