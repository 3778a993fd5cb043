/*
 * The reference routing table, private to router/ (users see struct
 * rt_table as opaque, router.h).  SEMANTICS.md is
 * tests/corpus/ROUTING-SEMANTICS.md; its sections are cited as "sec. N".
 *
 *   build.c    rt_build: fills the table below
 *   match.c    rt_match: the fast path, through the two hash indexes
 *   ref.c      rt_match_ref: the reference matcher, a plain scan of the
 *              served Ingresses that follows SEMANTICS.md step by step; the
 *              fast path is tested against it (tests/unit/router/test_router_ref.c)
 *   explain.c  rt_explain: the reference's scan, written out for a person
 *
 * What the table holds:
 *   ings    the served Ingresses (sec. 2), oldest first (sec. 7 keys 3-4):
 *           the index of an Ingress here is its rank;
 *   ents    every routable path (an entry), grouped by host group and,
 *           inside a group, in precedence order (sec. 7): between two
 *           entries of one group the smaller index wins;
 *   groups  one per distinct rule host (sec. 5): an exact name, a "*.suffix"
 *           or "" (rules without a host), with its entries and the default
 *           backend that applies when none of them matches (sec. 8.1);
 *   bkts    the entries that match exactly the same requests (same group,
 *           path type and key) form a bucket, best first.  The key is the
 *           path for Exact and ImplementationSpecific, the path without its
 *           trailing '/' for Prefix;
 *   two hash indexes (base/map.h map_index): (group, type, key) -> bucket,
 *   host key -> group.
 * Everything is allocated from 'mem' but the two indexes (their own
 * slots); the strings are the models' (the bucket keys and the group hosts
 * are copied).
 *
 * Layout for speed, kept to what the benchmark needs (bench/router): a
 * decision reads memory the size of the table at random, so the data one
 * decision needs is kept together: a bucket holds its key, a group's host
 * text and key lengths share a block, an entry carries its Ingress's name;
 * then a decision at 10,000 Ingresses waits on about seven cache misses.
 */
#ifndef IW_ROUTER_TABLE_H
#define IW_ROUTER_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/arena.h"
#include "base/map.h"
#include "router/norm.h"
#include "router/router.h"

struct ngx_table;

struct rt_ing {                 /* a served Ingress */
	const struct ingress *ing;
	const char *ns, *name;      /* effective namespace ("default" when absent), name */
	bool has_ts;                /* creationTimestamp given and parsed */
	long long ts;
	size_t input_idx;           /* position in rt_input.ingresses */
	bool via_default_class;     /* served through the default IngressClass (sec. 2c) */
};

struct rt_ent {                 /* a routable path */
	uint32_t group;
	uint32_t rank;              /* its Ingress: t->ings[rank] */
	uint32_t rule, pidx;        /* spec.rules[rule].http.paths[pidx] */
	enum rt_path_type type;
	const char *path;           /* as matched: an empty IS or Prefix path is "/" */
	size_t plen;                /* strlen(path): precedence key 1 */
	size_t klen;                /* key length: plen, minus a trailing '/' for Prefix */
	const struct iw_backend *backend;
	const struct iw_rule *rule_p;
	const struct iw_path *path_p;
	const char *rule_host, *rule_path;   /* as written ("" when absent) */
	/* its Ingress's, as t->ings[rank] has them: a decision reads the
	 * winning entry only */
	const struct ingress *ing;
	const char *ns, *name;
};

struct rt_group {               /* a host group (sec. 5) */
	enum rt_group_kind kind;
	const char *host;           /* normalised rule host: "a.com", "*.a.com", "" */
	size_t hlen;
	size_t first, n;            /* its entries: ents[first .. first + n) */
	long dflt;                  /* rank of the Ingress whose defaultBackend applies, -1 */
	/* the distinct lengths of its keys of each type (RT_EXACT, RT_PREFIX,
	 * RT_IS), ascending: lens[type][0 .. nlens[type]); they and the host's
	 * text are side by side in one block, which a lookup reads once */
	const uint32_t *lens[3];
	size_t nlens[3];
};

/* A bucket: the entries that match the same requests, best first, and the
 * key they share.  Buckets are records of varying length (the key's bytes
 * follow the fields, so that checking a key reads one place), 8-byte
 * aligned, one after the other in t->bkts; the index 'keys' gives a
 * bucket's position / 8. */
struct rt_bkt {
	uint32_t group;
	uint32_t klen;
	uint32_t best, second;      /* entries; second: RT_NO_ENTRY when alone */
	uint8_t type;               /* enum rt_path_type */
	char key[];                 /* klen bytes */
};
#define RT_BKT_ALIGN 8

static inline size_t rt_bkt_size(size_t klen)
{
	return (sizeof(struct rt_bkt) + klen + RT_BKT_ALIGN - 1) / RT_BKT_ALIGN * RT_BKT_ALIGN;
}

#define RT_NO_ENTRY UINT32_MAX

struct rt_table {
	struct rt_ing *ings;
	size_t nings;
	struct rt_ent *ents;
	size_t nents;
	struct rt_group *groups;
	size_t ngroups;
	long hostless;              /* the group of rules without a host, -1 */
	long global_dflt;           /* rank of the oldest Ingress with a defaultBackend, -1 (sec. 8.2) */
	char *bkts;                 /* the buckets, records one after the other */
	size_t nbkts;
	struct map_index keys;      /* rt_hash(key, klen, rt_key_tag(group, type)) -> the
	                               bucket's position in bkts / RT_BKT_ALIGN */
	struct map_index hosts;     /* rt_hash(host key, rt_host_tag(kind)) -> group (a
	                               wildcard's key is its host without "*.") */
	const char *default_class;
	size_t skipped;
	struct arena mem;           /* everything else the table allocated (t itself too) */
	struct ngx_table *ngx;      /* profile ingress-nginx: the emulation decides (ngx.h) */
};

/* ---- hashing (build.c and match.c agree on it) ----------------------------
 * FNV-1a over the bytes (as base/map.h's map_hash), so that the hash of
 * every prefix of a request path comes out of one pass over it, then a
 * finaliser that mixes in what the key belongs to (a tag) and its length. */
#define RT_HASH_SEED 0xCBF29CE484222325ULL

static inline uint64_t rt_hash_byte(uint64_t h, unsigned char c)
{
	return (h ^ c) * 0x100000001B3ULL;
}

static inline uint64_t rt_hash_final(uint64_t h, uint32_t tag, size_t len)
{
	h ^= (uint64_t)tag << 32 ^ (uint64_t)len;
	h ^= h >> 30;   /* splitmix64's finaliser */
	h *= 0xBF58476D1CE4E5B9ULL;
	h ^= h >> 27;
	h *= 0x94D049BB133111EBULL;
	h ^= h >> 31;
	return h ? h : 1;   /* 0 marks an empty slot */
}

static inline uint64_t rt_hash(const char *s, size_t n, uint32_t tag)
{
	uint64_t h = RT_HASH_SEED;
	for (size_t i = 0; i < n; i++)
		h = rt_hash_byte(h, (unsigned char)s[i]);
	return rt_hash_final(h, tag, n);
}

/* The tag of a host key (by group kind) and of a bucket key. */
static inline uint32_t rt_host_tag(enum rt_group_kind kind)
{
	return (uint32_t)kind;
}

/* The bucket of key[0..klen) of 'type' in group 'group', whose hash (with
 * rt_key_tag) is h; NULL when there is none.  The lookup of router/match.c
 * and of the build (a key seen again) alike. */
static inline struct rt_bkt *rt_bkt_find(const struct rt_table *t, uint64_t h, size_t group,
                                         int type, const char *key, size_t klen)
{
	struct map_it it;
	uint32_t v;
	for (bool ok = map_index_first(&t->keys, h, &it, &v); ok;
	     ok = map_index_next(&t->keys, &it, &v)) {
		struct rt_bkt *b = (struct rt_bkt *)(t->bkts + (size_t)v * RT_BKT_ALIGN);
		if (b->group == group && b->type == type && b->klen == klen &&
		    !memcmp(b->key, key, klen))
			return b;
	}
	return NULL;
}

static inline uint32_t rt_key_tag(size_t group, enum rt_path_type type)
{
	return (uint32_t)(group * 3 + type);
}

/* ---- the facts both matchers use (build.c, ref.c) ------------------------ */

/* The pathType of a path: RT_EXACT, RT_PREFIX, RT_IS, or -1 when unknown.
 * An absent pathType is ImplementationSpecific (v1beta1 defaulting). */
int rt_path_type_of(const char *s);

/* sec. 7 keys 3-5 between two served Ingresses: < 0 when a comes first
 * (oldest creationTimestamp, one without after one with, then
 * namespace/name ascending, then input order); *key says which key decided
 * (RT_K_TIMESTAMP, RT_K_AGE, RT_K_NAME, RT_K_ORDER). */
int rt_ref_cmp_age(const struct rt_ing *a, const struct rt_ing *b, enum rt_key *key);

/* sec. 7: true when entry a takes precedence over entry b (a != b); *key:
 * the key that decided. */
bool rt_ref_before(const struct rt_table *t, const struct rt_ent *a, const struct rt_ent *b,
                   enum rt_key *key);

/* ---- the reference's steps (ref.c), for explain.c --------------------------- */

/* sec. 5: the group chosen for a normalised request, -1 for none. */
long rt_ref_group(const struct rt_table *t, const struct rt_nreq *r);
/* sec. 6: does entry e match the normalised path np[0..n)? */
bool rt_ref_matches(const struct rt_ent *e, const char *np, size_t n);
/* sec. 6-7 in group g: the best and second matching entries (-1: none). */
void rt_ref_best(const struct rt_table *t, long g, const char *np, size_t n, long *best,
                 long *second);
/* sec. 8: rank of the Ingress whose defaultBackend serves a request for
 * which group g (-1: none) matched no path; -1 when none. */
long rt_ref_default(const struct rt_table *t, long g);

/* ---- the decision (ref.c), for both matchers ------------------------------- */

/* Cleared: RT_NONE, profile spec, no winner. */
void rt_decision_init(struct rt_decision *d);
/* Fills d from group g (-1: none), the best and second matching entries
 * (-1: none) and, when best < 0, the rank of the Ingress whose
 * defaultBackend applies (-1: none); the key that beat the runner-up is
 * rt_ref_before's. */
void rt_decision_fill(const struct rt_table *t, long g, long best, long second, long dflt,
                      struct rt_decision *d);

#endif
