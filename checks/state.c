/* Cluster state with host indexes (see state.h). */
#include "checks/state.h"

#include "base/blocks.h"
#include "profile/alb.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- string-keyed open-addressing map ------------------------------------ */

#define TOMB ((char *)1)

struct sent {
	char *key;        /* in the map's key blocks; NULL empty, TOMB deleted */
	uint64_t hash;
	union {
		void *p;                     /* classes, services; hosts: a tagged ilist */
		size_t slot;                 /* ings: the Ingress is slots[slot] */
		const struct ingress *one;   /* hosts: the only Ingress of the host */
	} v;
};

/* Keys live in blocks owned by the map (no allocation per key, a few frees
 * to release a map).  A removed key's bytes stay until the dead bytes
 * outweigh the live ones: then the live keys are copied into new blocks. */
struct keyblk {
	struct keyblk *next;
	size_t used, cap;
	char data[];
};

#define KEYBLK_SIZE ((size_t)64 * 1024)

struct smap {
	struct sent *v;
	size_t cap, used, live;   /* used counts live + tombstones */
	size_t key_bytes;         /* of the live keys */
	size_t dead_bytes;        /* of removed keys still in the blocks */
	struct keyblk *keys;      /* the head is the block being filled */
};

static void keys_free(struct keyblk *b)
{
	while (b) {
		struct keyblk *next = b->next;
		free(b);
		b = next;
	}
}

/* A copy of k (kl bytes, then a NUL) in the blocks of *head; NULL on OOM. */
static char *key_copy(struct keyblk **head, const char *k, size_t kl)
{
	struct keyblk *b = *head;
	if (!b || b->cap - b->used < kl + 1) {
		size_t cap = kl + 1 > KEYBLK_SIZE / 8 ? kl + 1 : KEYBLK_SIZE;
		if (!(b = malloc(sizeof *b + cap)))
			return NULL;
		b->used = 0;
		b->cap = cap;
		if (*head && cap != KEYBLK_SIZE) {   /* a one-off: the head stays */
			b->next = (*head)->next;
			(*head)->next = b;
		} else {
			b->next = *head;
			*head = b;
		}
	}
	char *d = b->data + b->used;
	b->used += kl + 1;
	memcpy(d, k, kl);
	d[kl] = 0;
	return d;
}

/* Copies the live keys into new blocks and frees the old ones.  On OOM the
 * blocks filled so far join the old ones (the keys already moved point
 * there): nothing is lost, the dead bytes stay. */
static void keys_compact(struct smap *m)
{
	struct keyblk *fresh = NULL;
	for (size_t i = 0; i < m->cap; i++) {
		char *k = m->v[i].key;
		if (!k || k == TOMB)
			continue;
		char *c = key_copy(&fresh, k, strlen(k));
		if (!c) {
			struct keyblk **tail = &m->keys;
			while (*tail)
				tail = &(*tail)->next;
			*tail = fresh;
			return;
		}
		m->v[i].key = c;
	}
	keys_free(m->keys);
	m->keys = fresh;
	m->dead_bytes = 0;
}

static uint64_t hash_str(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	h ^= h >> 29;
	return h ? h : 1;
}

static struct sent *smap_find(const struct smap *m, const char *k, size_t kl, uint64_t h)
{
	if (!m->cap)
		return NULL;
	for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		struct sent *e = &m->v[i];
		if (!e->key)
			return NULL;
		if (e->key != TOMB && e->hash == h && !strncmp(e->key, k, kl) && !e->key[kl])
			return e;
	}
}

static int smap_grow(struct smap *m)
{
	size_t cap = 8;
	while (cap < 2 * (m->live + 1))
		cap *= 2;
	struct sent *v = calloc(cap, sizeof *v);
	if (!v)
		return -1;
	for (size_t i = 0; i < m->cap; i++) {
		struct sent *e = &m->v[i];
		if (!e->key || e->key == TOMB)
			continue;
		size_t j = e->hash & (cap - 1);
		while (v[j].key)
			j = (j + 1) & (cap - 1);
		v[j] = *e;
	}
	free(m->v);
	m->v = v;
	m->cap = cap;
	m->used = m->live;
	return 0;
}

/* Returns the entry for 'k', inserting it (v.p NULL; m->live grows) when
 * absent; NULL on OOM. */
static struct sent *smap_put(struct smap *m, const char *k, size_t kl)
{
	uint64_t h = hash_str(k, kl);
	struct sent *e = smap_find(m, k, kl, h);
	if (e)
		return e;
	if ((m->used + 1) * 4 > m->cap * 3 && smap_grow(m))
		return NULL;
	char *key = key_copy(&m->keys, k, kl);
	if (!key)
		return NULL;
	size_t i = h & (m->cap - 1);
	while (m->v[i].key && m->v[i].key != TOMB)
		i = (i + 1) & (m->cap - 1);
	if (!m->v[i].key)
		m->used++;
	m->live++;
	m->key_bytes += kl + 1;
	m->v[i] = (struct sent){ key, h, { NULL } };
	return &m->v[i];
}

/* Removes e; the other entries stay where they are (their keys may move). */
static void smap_remove(struct smap *m, struct sent *e)
{
	size_t n = strlen(e->key) + 1;
	m->key_bytes -= n;
	m->dead_bytes += n;
	e->key = TOMB;
	e->v.p = NULL;
	m->live--;
	if (m->dead_bytes > KEYBLK_SIZE && m->dead_bytes > m->key_bytes)
		keys_compact(m);
}

static void smap_release(struct smap *m, void (*free_val)(void *))
{
	for (size_t i = 0; free_val && i < m->cap; i++)
		if (m->v[i].key && m->v[i].key != TOMB)
			free_val(m->v[i].v.p);
	keys_free(m->keys);
	free(m->v);
	*m = (struct smap){ 0 };
}

/* ---- ingress lists (index values) ---------------------------------------- */

/* A host named by one Ingress (most of them) keeps it in the entry itself
 * (v.one); a host of several has a list, its pointer tagged with LIST_TAG. */
struct ilist {
	uint32_t n, cap;
	const struct ingress *v[];
};

#define LIST_TAG ((uintptr_t)1)

static bool has_list(const struct sent *e)
{
	return (uintptr_t)e->v.p & LIST_TAG;
}

static struct ilist *list_of(const struct sent *e)
{
	return (struct ilist *)((uintptr_t)e->v.p & ~LIST_TAG);
}

static size_t ilist_bytes(const struct ilist *l)
{
	return l ? sizeof *l + l->cap * sizeof l->v[0] : 0;
}

/* ---- the kept compact copies (iw_state_put_ingress_kept) live in
 * 256 KB blocks of the state (base/blocks.h) ------------------------ */

#define KBLK_SIZE ((size_t)256 * 1024)

/* ---- the state ------------------------------------------------------------ */

struct iw_state {
	void (*free_ing)(struct ingress *);
	void (*free_class)(struct ingress_class *);
	struct smap ings;       /* "ns/name" -> struct ingress * */
	struct smap classes;    /* name -> struct ingress_class * */
	struct smap services;   /* "ns/name" -> struct iw_service * */
	struct smap hosts;      /* "H" host / "W" *.suffix / "T" tls host -> struct ilist * */
	size_t index_bytes;     /* ilist allocations */
	struct blocks kept;     /* the kept copies */
	const struct ingress **slots;   /* for iteration; the ings map points here */
	size_t nslots, slots_cap;
	uint32_t *free_slots;
	size_t nfree, free_cap;
	bool knows_services, knows_classes;
};


/* An Ingress the state holds: its own compact copy when it owns them (a kept
 * copy lives in st->kept: ingress_free does nothing with it). */
static void release_ing(const struct iw_state *st, struct ingress *ing)
{
	if (st->free_ing)
		ingress_free(ing);
}

struct iw_state *iw_state_new(void (*free_ingress)(struct ingress *),
                              void (*free_class)(struct ingress_class *))
{
	struct iw_state *st = calloc(1, sizeof *st);
	if (st) {
		st->free_ing = free_ingress;
		st->free_class = free_class;
		st->kept = (struct blocks)BLOCKS_INIT(KBLK_SIZE, KBLK_SIZE / 4);
	}
	return st;
}

/* Key "ns/name" into buf; returns its length, or 0 when it does not fit. */
static size_t nskey(char *buf, size_t size, const char *ns, const char *name)
{
	size_t a = strlen(ns), b = strlen(name);
	if (a + b + 2 > size)
		return 0;
	memcpy(buf, ns, a);
	buf[a] = '/';
	memcpy(buf + a + 1, name, b + 1);
	return a + b + 1;
}

static int index_add(struct iw_state *st, char tag, const char *host, const struct ingress *ing)
{
	char buf[512];
	size_t hl = strlen(host);
	if (hl + 2 > sizeof buf)
		return 0;   /* longer than any valid host: not indexed */
	buf[0] = tag;
	memcpy(buf + 1, host, hl + 1);
	size_t live = st->hosts.live;
	struct sent *e = smap_put(&st->hosts, buf, hl + 1);
	if (!e)
		return -1;
	if (st->hosts.live != live) {   /* a new host */
		e->v.one = ing;
		return 0;
	}
	/* The same host twice in one object: index_ingress adds all of an
	 * object's hosts in one go, so an earlier entry of this object in
	 * this list is its last one (a scan of the list would make building a
	 * state quadratic: "*.example.com" lists every Ingress of the domain). */
	if (!has_list(e)) {
		if (e->v.one == ing)
			return 0;
		struct ilist *nl = malloc(sizeof *nl + 4 * sizeof nl->v[0]);
		if (!nl)
			return -1;
		nl->n = 2;
		nl->cap = 4;
		nl->v[0] = e->v.one;
		nl->v[1] = ing;
		st->index_bytes += ilist_bytes(nl);
		e->v.p = (void *)((uintptr_t)nl | LIST_TAG);
		return 0;
	}
	struct ilist *l = list_of(e);
	if (l->n && l->v[l->n - 1] == ing)
		return 0;
	if (l->n == l->cap) {
		uint32_t cap = l->cap * 2;
		size_t was = ilist_bytes(l);
		struct ilist *nl = realloc(l, sizeof *nl + cap * sizeof nl->v[0]);
		if (!nl)
			return -1;
		nl->cap = cap;
		st->index_bytes += ilist_bytes(nl) - was;
		e->v.p = (void *)((uintptr_t)nl | LIST_TAG);
		l = nl;
	}
	l->v[l->n++] = ing;
	return 0;
}

static void index_del(struct iw_state *st, char tag, const char *host, const struct ingress *ing)
{
	char buf[512];
	size_t hl = strlen(host);
	if (hl + 2 > sizeof buf)
		return;
	buf[0] = tag;
	memcpy(buf + 1, host, hl + 1);
	struct sent *e = smap_find(&st->hosts, buf, hl + 1, hash_str(buf, hl + 1));
	if (!e)
		return;
	if (!has_list(e)) {
		if (e->v.one == ing)
			smap_remove(&st->hosts, e);
		return;
	}
	struct ilist *l = list_of(e);
	for (uint32_t i = 0; i < l->n; i++) {
		if (l->v[i] == ing) {
			l->v[i] = l->v[--l->n];
			break;
		}
	}
	if (!l->n) {
		st->index_bytes -= ilist_bytes(l);
		free(l);
		smap_remove(&st->hosts, e);
	}
}

/* Wildcard form of an exact host: "a.foo.com" -> "*.foo.com"; false when
 * the host has a single label or is already a wildcard. */
static bool wild_of(const char *host, char *buf, size_t size)
{
	const char *dot = strchr(host, '.');
	if (!dot || dot == host || host[0] == '*' || strlen(dot) + 2 > size)
		return false;
	buf[0] = '*';
	strcpy(buf + 1, dot);
	return true;
}

/* Adds (add=true) or removes every index entry of 'ing'. */
static int index_ingress(struct iw_state *st, const struct ingress *ing, bool add)
{
	char w[512];
	const char *g = iw_alb_group(ing);
	if (g) {
		if (add) {
			if (index_add(st, 'G', g, ing))
				return -1;
		} else {
			index_del(st, 'G', g, ing);
		}
	}
	for (size_t i = 0; i < ing->nrules; i++) {
		const char *h = ing->rules[i].host ? ing->rules[i].host : "";
		if (add) {
			if (index_add(st, 'H', h, ing))
				return -1;
			if (wild_of(h, w, sizeof w) && index_add(st, 'W', w, ing))
				return -1;
		} else {
			index_del(st, 'H', h, ing);
			if (wild_of(h, w, sizeof w))
				index_del(st, 'W', w, ing);
		}
	}
	for (size_t i = 0; i < ing->ntls; i++) {
		for (size_t j = 0; j < ing->tls[i].nhosts; j++) {
			const char *h = ing->tls[i].hosts[j] ? ing->tls[i].hosts[j] : "";
			if (add) {
				if (index_add(st, 'T', h, ing))
					return -1;
			} else {
				index_del(st, 'T', h, ing);
			}
		}
	}
	return 0;
}

static void drop_ingress(struct iw_state *st, struct sent *e)
{
	size_t slot = e->v.slot;
	struct ingress *ing = (struct ingress *)st->slots[slot];
	index_ingress(st, ing, false);
	st->slots[slot] = NULL;
	if (st->nfree < st->free_cap)
		st->free_slots[st->nfree++] = (uint32_t)slot;
	release_ing(st, ing);
	smap_remove(&st->ings, e);
}

/* Puts 'ing' (a compact copy when the state owns its Ingresses), which the
 * state takes even on failure. */
static enum iw_err put(struct iw_state *st, struct ingress *ing)
{
	char key[512];
	enum iw_err rc = IW_ENOMEM;
	size_t kl = nskey(key, sizeof key, iw_namespace(&ing->meta), iw_nz(ing->meta.name));
	if (!kl) {
		rc = IW_ETOOBIG;
		goto fail;
	}
	size_t live = st->ings.live;
	struct sent *e = smap_put(&st->ings, key, kl);
	if (!e)
		goto fail;
	if (st->ings.live == live) {   /* a replacement */
		struct ingress *old = (struct ingress *)st->slots[e->v.slot];
		index_ingress(st, old, false);
		release_ing(st, old);
		st->slots[e->v.slot] = ing;
		if (index_ingress(st, ing, true)) {
			drop_ingress(st, e);
			return IW_ENOMEM;
		}
		return IW_OK;
	}
	size_t slot;
	if (st->nfree) {
		slot = st->free_slots[--st->nfree];
	} else {
		if (st->nslots == st->slots_cap) {
			size_t cap = st->slots_cap ? st->slots_cap * 2 : 16;
			const struct ingress **v = realloc(st->slots, cap * sizeof *v);
			uint32_t *f = v ? realloc(st->free_slots, cap * sizeof *f) : NULL;
			if (v)
				st->slots = v;
			if (!v || !f) {
				smap_remove(&st->ings, e);
				goto fail;
			}
			st->free_slots = f;
			st->slots_cap = st->free_cap = cap;
		}
		slot = st->nslots++;
	}
	st->slots[slot] = ing;
	e->v.slot = slot;
	if (index_ingress(st, ing, true)) {
		drop_ingress(st, e);
		return IW_ENOMEM;
	}
	return IW_OK;
fail:
	release_ing(st, ing);
	return rc;
}

enum iw_err iw_state_put_ingress(struct iw_state *st, struct ingress *ing)
{
	if (st->free_ing) {
		/* keep only what the checks read: the source JSON and the parse
		 * arena are several times larger than the Ingress itself */
		struct ingress *c = ingress_compact(ing);
		st->free_ing(ing);
		if (!c)
			return IW_ENOMEM;
		ing = c;
	}
	return put(st, ing);
}

enum iw_err iw_state_put_ingress_kept(struct iw_state *st, struct ingress *ing,
                                      const struct ingress **copy)
{
	enum iw_err rc;
	*copy = NULL;
	if (!st->free_ing) {
		if ((rc = put(st, ing)) == IW_OK)
			*copy = ing;
		return rc;
	}
	size_t size = ingress_compact_size(ing);
	void *mem = blocks_alloc(&st->kept, size);   /* size: a multiple of max_align_t */
	struct ingress *c = mem ? ingress_compact_into(ing, mem, size) : NULL;
	st->free_ing(ing);
	if (!c)
		return IW_ENOMEM;
	if ((rc = put(st, c)) == IW_OK)
		*copy = c;
	return rc;
}

bool iw_state_del_ingress(struct iw_state *st, const char *ns, const char *name)
{
	char key[512];
	size_t kl = nskey(key, sizeof key, iw_namespace_of(ns), name);
	struct sent *e = kl ? smap_find(&st->ings, key, kl, hash_str(key, kl)) : NULL;
	if (!e)
		return false;
	drop_ingress(st, e);
	return true;
}

const struct ingress *iw_state_get_ingress(const struct iw_state *st, const char *ns,
                                           const char *name)
{
	char key[512];
	size_t kl = nskey(key, sizeof key, iw_namespace_of(ns), iw_nz(name));
	struct sent *e = kl ? smap_find(&st->ings, key, kl, hash_str(key, kl)) : NULL;
	return e ? st->slots[e->v.slot] : NULL;
}

enum iw_err iw_state_put_class(struct iw_state *st, struct ingress_class *ic)
{
	const char *name = iw_nz(ic->meta.name);
	struct sent *e = *name ? smap_put(&st->classes, name, strlen(name)) : NULL;
	if (!e) {
		if (st->free_class)
			st->free_class(ic);
		return *name ? IW_ENOMEM : IW_EINVAL;
	}
	if (e->v.p && st->free_class)
		st->free_class(e->v.p);
	e->v.p = ic;
	st->knows_classes = true;
	return IW_OK;
}

bool iw_state_del_class(struct iw_state *st, const char *name)
{
	struct sent *e = smap_find(&st->classes, name, strlen(name), hash_str(name, strlen(name)));
	if (!e)
		return false;
	if (st->free_class)
		st->free_class(e->v.p);
	smap_remove(&st->classes, e);
	return true;
}

const struct ingress_class *iw_state_get_class(const struct iw_state *st, const char *name)
{
	struct sent *e = smap_find(&st->classes, name, strlen(name), hash_str(name, strlen(name)));
	return e ? e->v.p : NULL;
}

enum iw_err iw_state_put_service(struct iw_state *st, struct iw_service *svc)
{
	char key[512];
	size_t kl = nskey(key, sizeof key, svc->namespace_, svc->name);
	struct sent *e = kl ? smap_put(&st->services, key, kl) : NULL;
	if (!e) {
		iw_service_free(svc);
		return kl ? IW_ENOMEM : IW_ETOOBIG;
	}
	iw_service_free(e->v.p);
	e->v.p = svc;
	st->knows_services = true;
	return IW_OK;
}

bool iw_state_del_service(struct iw_state *st, const char *ns, const char *name)
{
	char key[512];
	size_t kl = nskey(key, sizeof key, iw_namespace_of(ns), name);
	struct sent *e = kl ? smap_find(&st->services, key, kl, hash_str(key, kl)) : NULL;
	if (!e)
		return false;
	iw_service_free(e->v.p);
	smap_remove(&st->services, e);
	return true;
}

const struct iw_service *iw_state_get_service(const struct iw_state *st, const char *ns,
                                              const char *name)
{
	char key[512];
	size_t kl = nskey(key, sizeof key, iw_namespace_of(ns), iw_nz(name));
	struct sent *e = kl ? smap_find(&st->services, key, kl, hash_str(key, kl)) : NULL;
	return e ? e->v.p : NULL;
}

static void free_ilist(void *p)
{
	if ((uintptr_t)p & LIST_TAG)
		free((void *)((uintptr_t)p & ~LIST_TAG));
}
static void free_svc(void *p) { iw_service_free(p); }

void iw_state_clear_ingresses(struct iw_state *st)
{
	if (st->free_ing)
		for (size_t i = 0; i < st->nslots; i++)
			if (st->slots[i])
				ingress_free((struct ingress *)st->slots[i]);
	smap_release(&st->ings, NULL);
	smap_release(&st->hosts, free_ilist);
	blocks_release(&st->kept);
	free(st->slots);
	free(st->free_slots);
	st->slots = NULL;
	st->free_slots = NULL;
	st->nslots = st->slots_cap = st->nfree = st->free_cap = 0;
	st->index_bytes = 0;
}

void iw_state_clear_classes(struct iw_state *st)
{
	for (size_t i = 0; i < st->classes.cap; i++) {
		struct sent *e = &st->classes.v[i];
		if (e->key && e->key != TOMB && st->free_class)
			st->free_class(e->v.p);
	}
	smap_release(&st->classes, NULL);
}

void iw_state_clear_services(struct iw_state *st)
{
	smap_release(&st->services, free_svc);
}

void iw_state_clear(struct iw_state *st)
{
	iw_state_clear_ingresses(st);
	iw_state_clear_classes(st);
	iw_state_clear_services(st);
	st->knows_services = st->knows_classes = false;
}

void iw_state_free(struct iw_state *st)
{
	if (!st)
		return;
	iw_state_clear(st);
	free(st);
}

void iw_state_set_knows(struct iw_state *st, bool services, bool classes)
{
	st->knows_services = services;
	st->knows_classes = classes;
}
bool iw_state_knows_services(const struct iw_state *st) { return st->knows_services; }
bool iw_state_knows_classes(const struct iw_state *st) { return st->knows_classes; }
size_t iw_state_ningresses(const struct iw_state *st) { return st->ings.live; }
size_t iw_state_nclasses(const struct iw_state *st) { return st->classes.live; }
size_t iw_state_nservices(const struct iw_state *st) { return st->services.live; }
size_t iw_state_slots(const struct iw_state *st) { return st->nslots; }
const struct ingress *iw_state_slot(const struct iw_state *st, size_t i)
{
	return i < st->nslots ? st->slots[i] : NULL;
}

const char *iw_state_default_class(const struct iw_state *st)
{
	const struct ingress_class *best = NULL;
	for (size_t i = 0; i < st->classes.cap; i++) {
		const struct sent *e = &st->classes.v[i];
		if (!e->key || e->key == TOMB)
			continue;
		if (iw_default_class_beats(e->v.p, best))
			best = e->v.p;
	}
	return best ? best->meta.name : NULL;
}

const char *iw_effective_class(const struct ingress *ing, const struct iw_state *state)
{
	const char *c = ingress_class_of(ing);
	return c || !state ? c : iw_state_default_class(state);
}

static const struct ingress *const *lookup(const struct iw_state *st, char tag,
                                           const char *host, size_t *n)
{
	char buf[512];
	size_t hl = strlen(host);
	*n = 0;
	if (hl + 2 > sizeof buf)
		return NULL;
	buf[0] = tag;
	memcpy(buf + 1, host, hl + 1);
	const struct sent *e = smap_find(&st->hosts, buf, hl + 1, hash_str(buf, hl + 1));
	if (!e)
		return NULL;
	if (!has_list(e)) {
		*n = 1;
		return &e->v.one;
	}
	const struct ilist *l = list_of(e);
	*n = l->n;
	return l->v;
}

const struct ingress *const *iw_state_by_host(const struct iw_state *st, const char *host,
                                              size_t *n)
{
	return lookup(st, 'H', host ? host : "", n);
}
const struct ingress *const *iw_state_by_wild(const struct iw_state *st, const char *wild,
                                              size_t *n)
{
	return lookup(st, 'W', wild, n);
}
const struct ingress *const *iw_state_by_tls(const struct iw_state *st, const char *host,
                                             size_t *n)
{
	return lookup(st, 'T', host ? host : "", n);
}

const struct ingress *const *iw_state_by_group(const struct iw_state *st, const char *group,
                                               size_t *n)
{
	return lookup(st, 'G', group ? group : "", n);
}

size_t iw_state_index_bytes(const struct iw_state *st)
{
	size_t b = sizeof *st;
	b += st->ings.cap * sizeof(struct sent) + st->ings.key_bytes;
	b += st->hosts.cap * sizeof(struct sent) + st->hosts.key_bytes + st->index_bytes;
	b += st->classes.cap * sizeof(struct sent) + st->classes.key_bytes;
	b += st->services.cap * sizeof(struct sent) + st->services.key_bytes;
	b += st->slots_cap * (sizeof *st->slots + sizeof *st->free_slots);
	return b;
}
