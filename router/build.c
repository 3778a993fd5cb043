/*
 * The reference routing table.  SEMANTICS.md section numbers are cited as
 * "sec. N".
 *
 * Layout: the served Ingresses sorted by age (their rank); every routable
 * path as an entry, entries grouped by host group and, inside a group, in
 * precedence order (sec. 7).  Two open-addressing hash maps: host -> group,
 * and (group, pathType, key) -> bucket, where a bucket is the run of entries
 * that match exactly the same requests (same key string and type), best
 * first.  The key is the path for Exact and ImplementationSpecific and the
 * path without its trailing '/' for Prefix.  A request path np is then looked
 * up as itself (Exact), as each of its element prefixes (Prefix), and as its
 * prefixes of the lengths the group's IS paths have (IS), hashing np once (8
 * bytes at a time: each prefix's hash comes from the state after its whole
 * words): no scan of the group's paths.
 *
 * Both maps are arrays of 8-byte slots (a hash fingerprint and a record
 * index), small enough to stay in the cache; a lookup reads a record only on
 * a fingerprint hit.  A bucket record is one cache line with its key (inline
 * when short) and what a decision needs from its best entry; a group record
 * holds its host key and its IS key lengths inline.  So a lookup reads
 * neither the entries nor the models' strings, only the slots, the group, the
 * buckets that match and the winner's Ingress.
 */
#include "router/router.h"

#include <stdlib.h>
#include <string.h>
#include <stdio.h>   /* snprintf only */

#include "base/err.h"
#include "router/norm.h"

/* An explanation longer than this is refused (NULL, as out of memory). */
#define EXPLAIN_MAX (16u << 20)

struct ing_info {
	const struct ingress *ing;
	const char *ns, *name;
	bool has_ts;
	long long ts;
	size_t input_idx;
	bool default_class;         /* served through the default IngressClass (sec. 2c) */
};

struct ent {
	uint32_t group;
	uint32_t rank;              /* index into t->ings */
	uint32_t rule, pidx;
	uint8_t type;               /* enum rt_path_type */
	uint32_t plen, klen;        /* path length (precedence key 1), key length */
	const char *path;           /* effective: an empty IS or Prefix path is "/" */
	const struct iw_backend *backend;
	const struct iw_rule *rule_p;
	const struct iw_path *path_p;
};

/* Two cache lines: a host lookup compares the host key in place (when it
 * fits) and a path lookup finds the IS lengths here (when few), so a lookup
 * reads no other memory before the buckets. */
#define GROUP_ISL 4
#define GROUP_KEY 60
struct group {
	uint64_t exact_lens, prefix_lens; /* bit (key length % 64) set when a bucket has it */
	uint32_t first, n;          /* entries */
	int32_t dflt;               /* rank of the Ingress whose defaultBackend applies, -1 */
	uint32_t islen_off, nislen; /* distinct IS key lengths, ascending, in t->islens */
	uint32_t hlen;
	const char *host;           /* normalised, "*.x" for wildcards, "" host-less */
	uint8_t kind;               /* enum rt_group_kind */
	uint32_t isl[GROUP_ISL];    /* the IS key lengths when nislen <= GROUP_ISL */
	char key[GROUP_KEY];        /* the host key (a wildcard's without "*.") if it fits */
};
_Static_assert(sizeof(void *) != 8 || sizeof(struct group) == 128, "a group is two cache lines");

static inline const uint32_t *group_islens(const struct rt_table *t, const struct group *g);

/* A bucket: one cache line with what a lookup reads.  The key is inline up
 * to BKT_INLINE bytes, else 'inl' holds a pointer into t->keys. */
#define BKT_INLINE 22
struct bkt {
	const struct iw_path *path_p;   /* the best entry's path (and backend) */
	uint32_t tag, klen;             /* btag(group, type), key length */
	uint32_t best, second;          /* entries, best first; second UINT32_MAX: none */
	uint32_t plen, rank;            /* of the best entry */
	uint32_t rule, pidx;            /* of the best entry */
	uint8_t type;                   /* enum rt_path_type */
	uint8_t key2;                   /* enum rt_key: best against second */
	char inl[BKT_INLINE];
};
_Static_assert(sizeof(void *) != 8 || sizeof(struct bkt) == 64, "a bucket is one cache line");

static inline const char *bkt_key(const struct bkt *b)
{
	if (b->klen <= BKT_INLINE)
		return b->inl;
	const char *p;
	memcpy(&p, b->inl, sizeof p);
	return p;
}

/* What a decision reads of its Ingress. */
struct ihot {
	const struct ingress *ing;
	const char *ns, *name;
	const struct iw_rule *rules;
};

/* Index map: slots of a 32-bit hash fingerprint (never 0; 0 is an empty
 * slot) and a 32-bit record index; the caller checks the record's key. */
struct imap {
	uint64_t *s;
	size_t mask;
};

struct rt_table {
	struct ing_info *ings;      /* served, by rank */
	struct ihot *ihot;          /* the same, what a decision reads */
	size_t nings;
	struct ent *ents;           /* by group, then precedence */
	size_t nents;
	struct group *groups;
	size_t ngroups;
	long hostless;              /* group index, -1 */
	long global_dflt;           /* rank, -1 (sec. 8.2) */
	uint32_t *islens;
	struct imap hosts;          /* -> groups */
	struct imap bidx;           /* -> bkts */
	struct bkt *bkts;
	size_t nbkts;
	char *arena;                /* normalised rule hosts */
	char *keys;                 /* bucket keys longer than BKT_INLINE */
	const char *default_class;
	size_t skipped;
	/* Memory: the table itself is one allocation with the served
	 * Ingresses (ings, ihot), the entries and the normalised rule hosts
	 * (arena) after the struct; 'look' is a second, 64-byte aligned one
	 * with what a lookup reads: the groups, the buckets, the slots of both
	 * maps, the IS lengths and the long bucket keys ('look' is the
	 * allocation, groups its first 64-byte boundary). */
	void *look;
};

/* ---- hashing ---------------------------------------------------------- */

/* A word-at-a-time hash: the whole 8-byte words, then the last 1-7 bytes
 * zero-padded, mixed with the length.  The hash of a prefix of a string is
 * cheap to get from the state after its whole words, so a lookup hashes the
 * request path once, whatever the number of candidate prefixes. */
#define WSEED 0x243F6A8885A308D3ULL

static inline uint64_t wstep(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xFF51AFD7ED558CCDULL;
	return h ^ (h >> 32);
}

static inline uint64_t w_load(const char *s)
{
	uint64_t w;
	memcpy(&w, s, sizeof w);
	return w;
}

/* s[0..r), r < 8, as the low bytes of a word (as w_load on little endian) */
static inline uint64_t w_tail(const char *s, size_t r)
{
	uint64_t w = 0;
	for (size_t j = 0; j < r; j++)
		w |= (uint64_t)(unsigned char)s[j] << (8 * j);
	return w;
}

/* The same when s[r..8) may be read (a padded buffer). */
static inline uint64_t w_tail_padded(const char *s, size_t r)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return r ? w_load(s) & (~0ULL >> (64 - 8 * r)) : 0;
#else
	return w_tail(s, r);
#endif
}

static inline uint64_t whash(const char *s, size_t n)
{
	uint64_t h = WSEED;
	size_t i = 0;
	for (; i + 8 <= n; i += 8)
		h = wstep(h, w_load(s + i));
	return wstep(h + n, w_tail(s + i, n - i));
}

/* Byte-wise equality of short strings, without a call. */
static inline bool key_eq(const char *a, const char *b, size_t n)
{
	size_t i = 0;
	for (; i + 8 <= n; i += 8)
		if (w_load(a + i) != w_load(b + i))
			return false;
	for (; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/* splitmix64 finaliser over the running hash and a tag; never 0 */
static inline uint64_t hfinal(uint64_t h, uint32_t tag)
{
	h ^= (uint64_t)tag * 0x9E3779B97F4A7C15ULL;
	h ^= h >> 30;
	h *= 0xBF58476D1CE4E5B9ULL;
	h ^= h >> 27;
	h *= 0x94D049BB133111EBULL;
	h ^= h >> 31;
	return h ? h : 1;
}

static inline uint32_t fp_of(uint64_t h)
{
	uint32_t f = (uint32_t)(h >> 32);
	return f ? f : 1;
}

/* Slots of a map for n keys: a power of two, at least 8 and 2n. */
static size_t imap_cap(size_t n)
{
	size_t cap = 8;
	while (cap < n * 2)
		cap <<= 1;
	return cap;
}

/* A map over 'slots' (imap_cap(n) zeroed slots the table owns). */
static void imap_attach(struct imap *m, uint64_t *slots, size_t cap)
{
	m->s = slots;
	m->mask = cap - 1;
}

/* The keys put are distinct: no check for a duplicate. */
static void imap_put(struct imap *m, uint64_t h, uint32_t idx)
{
	size_t i = h & m->mask;
	while (m->s[i])
		i = (i + 1) & m->mask;
	m->s[i] = fp_of(h) | (uint64_t)idx << 32;
}

static inline uint32_t btag(uint32_t group, unsigned type)
{
	return group * 3u + type;
}

/* ---- metadata helpers ------------------------------------------------- */

/* Compares "ns/name" strings byte-wise without building them. */
static int cmp_nsname(const struct ing_info *a, const struct ing_info *b)
{
	const char *pa[3] = { a->ns, "/", a->name }, *pb[3] = { b->ns, "/", b->name };
	int ia = 0, ib = 0;
	const char *ca = pa[0], *cb = pb[0];
	for (;;) {
		while (ia < 3 && !*ca && ++ia < 3)
			ca = pa[ia];
		while (ib < 3 && !*cb && ++ib < 3)
			cb = pb[ib];
		bool ea = ia >= 3, eb = ib >= 3;
		if (ea || eb)
			return ea && eb ? 0 : ea ? -1 : 1;
		if (*ca != *cb)
			return (unsigned char)*ca < (unsigned char)*cb ? -1 : 1;
		ca++;
		cb++;
	}
}

/* sec. 7 keys 3-4 (and list order): oldest first, no timestamp last */
static int cmp_age(const struct ing_info *a, const struct ing_info *b)
{
	if (a->has_ts != b->has_ts)
		return a->has_ts ? -1 : 1;
	if (a->has_ts && a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	int c = cmp_nsname(a, b);
	if (c)
		return c;
	return a->input_idx < b->input_idx ? -1 : a->input_idx > b->input_idx;
}

static int qcmp_age(const void *a, const void *b)
{
	return cmp_age(a, b);
}

/* ---- building ----------------------------------------------------------- */

/* sec. 2c: the default IngressClass, newest first, then the smaller name.
 * A class without a timestamp counts as the newest [reference choice,
 * the same reading as for Ingresses: it would be created later]. */
static const char *find_default_class(const struct rt_input *in)
{
	const struct ingress_class *best = NULL;
	for (size_t i = 0; i < in->nclasses; i++) {
		const struct ingress_class *c = in->classes[i];
		if (c && c->is_default && c->meta.name && (!best || iw_class_default_cmp(c, best) < 0))
			best = c;
	}
	return best ? best->meta.name : NULL;
}

static bool served(const struct ingress *ing, const char *cls, const char *dflt, bool *via_default)
{
	*via_default = false;
	if (!cls)
		return true;
	const char *c = ingress_class_of(ing);                      /* sec. 2a, 2b */
	if (!c) {
		c = dflt;                                               /* sec. 2c */
		*via_default = c != NULL;
	}
	return c && !strcmp(c, cls);                                /* sec. 2d, 2.3 */
}

struct hkey {   /* a rule's host group key while building */
	uint8_t kind;
	const char *host;
	uint32_t hlen;
	uint32_t group;
};

static int qcmp_hkey(const void *pa, const void *pb)
{
	const struct hkey *a = *(const struct hkey *const *)pa, *b = *(const struct hkey *const *)pb;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	uint32_t n = a->hlen < b->hlen ? a->hlen : b->hlen;
	int c = memcmp(a->host, b->host, n);
	if (c)
		return c;
	return a->hlen < b->hlen ? -1 : a->hlen > b->hlen;
}

/* sec. 7: longest path, Exact > Prefix > IS, age, namespace/name, list order */
static int cmp_prec(const struct ent *a, const struct ent *b)
{
	if (a->plen != b->plen)
		return a->plen > b->plen ? -1 : 1;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	if (a->rule != b->rule)
		return a->rule < b->rule ? -1 : 1;
	if (a->pidx != b->pidx)
		return a->pidx < b->pidx ? -1 : 1;
	return 0;
}

static int qcmp_ent(const void *pa, const void *pb)
{
	const struct ent *a = pa, *b = pb;
	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	return cmp_prec(a, b);
}

/* qsort has no context argument: bucket order compares entries through a
 * pointer to the entry array stored before each index pair. */
struct bref {
	const struct ent *e;
	uint32_t i;
};

static int qcmp_bucket(const void *pa, const void *pb)
{
	const struct ent *a = ((const struct bref *)pa)->e, *b = ((const struct bref *)pb)->e;
	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	uint32_t n = a->klen < b->klen ? a->klen : b->klen;
	int c = memcmp(a->path, b->path, n);
	if (c)
		return c;
	if (a->klen != b->klen)
		return a->klen < b->klen ? -1 : 1;
	return cmp_prec(a, b);
}

static bool same_bucket(const struct ent *a, const struct ent *b)
{
	return a->group == b->group && a->type == b->type && a->klen == b->klen &&
	       !memcmp(a->path, b->path, a->klen);
}

static enum rt_key decisive_key(const struct rt_table *t, const struct ent *w,
                                const struct ent *r);

static int qcmp_u32(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	return a < b ? -1 : a > b;
}

static int path_type_of(const char *s)
{
	if (!s || !strcmp(s, "ImplementationSpecific"))
		return RT_IS;   /* absent: v1beta1 defaulting; v1 refuses it */
	if (!strcmp(s, "Exact"))
		return RT_EXACT;
	if (!strcmp(s, "Prefix"))
		return RT_PREFIX;
	return -1;
}

void rt_free(struct rt_table *t)
{
	if (!t)
		return;
	free(t->look);
	free(t);
}

/* Sorts like qsort; small arrays (the tables the policy checks build for
 * one object and its few neighbours) by insertion, without qsort's set-up.
 * Every order sorted here is total, or its equal elements are
 * interchangeable, so the result does not depend on the algorithm. */
#define SORT_SMALL 12
#define SORT_ELEM_MAX 128
static void sort_any(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > SORT_SMALL || size > SORT_ELEM_MAX) {
		qsort(base, n, size, cmp);
		return;
	}
	char *b = base, tmp[SORT_ELEM_MAX];
	for (size_t i = 1; i < n; i++) {
		if (cmp(b + (i - 1) * size, b + i * size) <= 0)
			continue;
		memcpy(tmp, b + i * size, size);
		size_t j = i;
		do {
			memcpy(b + j * size, b + (j - 1) * size, size);
			j--;
		} while (j > 0 && cmp(b + (j - 1) * size, tmp) > 0);
		memcpy(b + j * size, tmp, size);
	}
}

/* n rounded up to a multiple of a */
static size_t round_up(size_t n, size_t a)
{
	return (n + a - 1) / a * a;
}

/* The work arrays of a build (keys, their sorted pointers, bucket order)
 * live here when they fit. */
#define BUILD_STACK 4096

struct rt_table *rt_build(const struct rt_input *in)
{
	const char *dclass = find_default_class(in);

	/* what the served Ingresses hold: sizes of the arrays */
	size_t nserved = 0, nrules = 0, hostbytes = 0, npaths = 0;
	for (size_t i = 0; i < in->ningresses; i++) {
		const struct ingress *ing = in->ingresses[i];
		bool via;
		if (!ing || !served(ing, in->ingress_class, dclass, &via))
			continue;
		nserved++;
		nrules += ing->nrules;
		for (size_t j = 0; j < ing->nrules; j++) {
			hostbytes += strlen(ing->rules[j].host ? ing->rules[j].host : "") + 1;
			npaths += ing->rules[j].npaths;
		}
	}
	const size_t al = sizeof(max_align_t);
	size_t o_ings = round_up(sizeof(struct rt_table), al);
	size_t o_ihot = o_ings + round_up((nserved ? nserved : 1) * sizeof(struct ing_info), al);
	size_t o_ents = o_ihot + round_up((nserved ? nserved : 1) * sizeof(struct ihot), al);
	size_t o_arena = o_ents + round_up((npaths ? npaths : 1) * sizeof(struct ent), al);
	struct rt_table *t = calloc(1, o_arena + (hostbytes ? hostbytes : 1));
	if (!t)
		return NULL;
	t->ings = (struct ing_info *)((char *)t + o_ings);
	t->ihot = (struct ihot *)((char *)t + o_ihot);
	t->ents = (struct ent *)((char *)t + o_ents);
	t->arena = (char *)t + o_arena;
	t->hostless = -1;
	t->global_dflt = -1;
	t->default_class = dclass;

	_Alignas(max_align_t) char stackbuf[BUILD_STACK];
	size_t o_kp = round_up((nrules ? nrules : 1) * sizeof(struct hkey), al);
	size_t o_br = o_kp + round_up((nrules ? nrules : 1) * sizeof(struct hkey *), al);
	size_t work_size = o_br + (npaths ? npaths : 1) * sizeof(struct bref);
	char *work = work_size <= sizeof stackbuf ? stackbuf : malloc(work_size);
	if (!work) {
		free(t);
		return NULL;
	}
	struct hkey *keys = (struct hkey *)work, **kp = (struct hkey **)(work + o_kp);
	struct bref *br = (struct bref *)(work + o_br);

	/* served Ingresses, by age */
	for (size_t i = 0; i < in->ningresses; i++) {
		const struct ingress *ing = in->ingresses[i];
		bool via;
		if (!ing || !served(ing, in->ingress_class, t->default_class, &via))
			continue;
		struct ing_info *ii = &t->ings[t->nings++];
		ii->ing = ing;
		ii->ns = iw_namespace(&ing->meta);
		ii->name = ing->meta.name ? ing->meta.name : "";
		ii->has_ts = iw_parse_time(ing->meta.creation_timestamp, &ii->ts);
		ii->input_idx = i;
		ii->default_class = via;
	}
	sort_any(t->ings, t->nings, sizeof *t->ings, qcmp_age);
	for (size_t r = 0; r < t->nings; r++) {
		t->ihot[r].ing = t->ings[r].ing;
		t->ihot[r].ns = t->ings[r].ns;
		t->ihot[r].name = t->ings[r].name;
		t->ihot[r].rules = t->ings[r].ing->rules;
	}
	for (size_t r = 0; r < t->nings; r++)
		if (t->ings[r].ing->has_default_backend) {
			t->global_dflt = (long)r;
			break;
		}

	/* host groups: one key per rule, deduplicated */
	size_t k = 0, ab = 0;
	for (size_t r = 0; r < t->nings; r++) {
		const struct ingress *ing = t->ings[r].ing;
		for (size_t j = 0; j < ing->nrules; j++, k++) {
			const char *h = ing->rules[j].host ? ing->rules[j].host : "";
			size_t n = strlen(h);
			char *dst = t->arena + ab;
			for (size_t c = 0; c < n; c++)
				dst[c] = (h[c] >= 'A' && h[c] <= 'Z') ? (char)(h[c] - 'A' + 'a') : h[c];
			if (n > 0 && dst[n - 1] == '.')
				n--;
			dst[n] = '\0';
			ab += n + 1;
			keys[k].host = dst;
			keys[k].hlen = (uint32_t)n;
			keys[k].kind = n == 0 ? RT_G_HOSTLESS
			             : (n > 2 && dst[0] == '*' && dst[1] == '.') ? RT_G_WILDCARD
			             : RT_G_EXACT;
			kp[k] = &keys[k];
		}
	}
	sort_any(kp, nrules, sizeof *kp, qcmp_hkey);
	size_t ng = 0;
	for (size_t i = 0; i < nrules; i++) {
		if (i > 0 && qcmp_hkey(&kp[i - 1], &kp[i]) != 0)
			ng++;
		kp[i]->group = (uint32_t)ng;
	}
	if (nrules)
		ng++;

	/* entries */
	for (size_t r = 0, kk = 0; r < t->nings; r++) {
		const struct ingress *ing = t->ings[r].ing;
		for (size_t j = 0; j < ing->nrules; j++, kk++) {
			const struct iw_rule *rule = &ing->rules[j];
			uint32_t gi = keys[kk].group;
			for (size_t p = 0; p < rule->npaths; p++) {
				const struct iw_path *ip = &rule->paths[p];
				int type = path_type_of(ip->path_type);
				if (type < 0 || !ip->has_backend) {
					t->skipped++;
					continue;
				}
				struct ent *e = &t->ents[t->nents++];
				e->group = gi;
				e->rank = (uint32_t)r;
				e->rule = (uint32_t)j;
				e->pidx = (uint32_t)p;
				e->type = (uint8_t)type;
				e->path = ip->path ? ip->path : "";
				/* sec. 6: an empty IS path is "/"; an empty Prefix path
				 * (refused by validation) is read the same way */
				if (!*e->path && type != RT_EXACT)
					e->path = "/";
				e->plen = (uint32_t)strlen(e->path);
				e->klen = e->plen;
				if (type == RT_PREFIX && e->klen > 0 && e->path[e->klen - 1] == '/')
					e->klen--;
				e->backend = &ip->backend;
				e->rule_p = rule;
				e->path_p = ip;
			}
		}
	}
	sort_any(t->ents, t->nents, sizeof *t->ents, qcmp_ent);

	/* buckets: the runs of br; count them and their long keys */
	for (size_t i = 0; i < t->nents; i++) {
		br[i].e = &t->ents[i];
		br[i].i = (uint32_t)i;
	}
	sort_any(br, t->nents, sizeof *br, qcmp_bucket);
	size_t keybytes = 1, nbkts = 0;
	for (size_t i = 0; i < t->nents;) {
		const struct ent *e = br[i].e;
		size_t j = i + 1;
		while (j < t->nents && same_bucket(br[j].e, e))
			j++;
		nbkts++;
		if (e->klen > BKT_INLINE)
			keybytes += e->klen;
		i = j;
	}

	/* what a lookup reads */
	size_t hcap = imap_cap(ng), bcap = imap_cap(nbkts);
	size_t o_bkts = (ng ? ng : 1) * sizeof(struct group);
	size_t o_hosts = o_bkts + (nbkts ? nbkts : 1) * sizeof(struct bkt);
	size_t o_bidx = o_hosts + hcap * sizeof(uint64_t);
	size_t o_islens = o_bidx + bcap * sizeof(uint64_t);
	size_t o_keys = o_islens + round_up((t->nents ? t->nents : 1) * sizeof(uint32_t), al);
	/* malloc and align by hand: aligned_alloc costs glibc several times a
	 * malloc, once per table the policy checks build */
	size_t look_size = o_keys + keybytes;
	if (!(t->look = malloc(look_size + 63)))
		goto oom;
	char *look = (char *)(((uintptr_t)t->look + 63) & ~(uintptr_t)63);
	memset(look, 0, look_size);
	t->groups = (struct group *)look;
	t->bkts = (struct bkt *)(look + o_bkts);
	imap_attach(&t->hosts, (uint64_t *)(look + o_hosts), hcap);
	imap_attach(&t->bidx, (uint64_t *)(look + o_bidx), bcap);
	t->islens = (uint32_t *)(look + o_islens);
	t->keys = look + o_keys;

	for (size_t i = 0; i < nrules; i++) {
		if (i == 0 || kp[i]->group != kp[i - 1]->group) {
			struct group *g = &t->groups[t->ngroups++];
			g->kind = kp[i]->kind;
			g->host = kp[i]->host;
			g->hlen = kp[i]->hlen;
			g->dflt = -1;
			uint32_t off = g->kind == RT_G_WILDCARD ? 2 : 0;
			if (g->hlen - off <= GROUP_KEY)
				memcpy(g->key, g->host + off, g->hlen - off);
			if (g->kind == RT_G_HOSTLESS)
				t->hostless = (long)(t->ngroups - 1);
		}
	}
	for (size_t gi = 0; gi < t->ngroups; gi++) {
		struct group *g = &t->groups[gi];
		if (g->kind == RT_G_HOSTLESS)
			continue;
		/* wildcard groups are keyed by the suffix after "*." */
		const char *key = g->kind == RT_G_WILDCARD ? g->host + 2 : g->host;
		uint32_t kl = g->kind == RT_G_WILDCARD ? g->hlen - 2 : g->hlen;
		imap_put(&t->hosts, hfinal(whash(key, kl), g->kind), (uint32_t)gi);
	}

	/* defaults per group (sec. 8.1): the first Ingress in age order with a
	 * rule in the group and a defaultBackend */
	k = 0;
	for (size_t r = 0; r < t->nings; r++) {
		const struct ingress *ing = t->ings[r].ing;
		for (size_t j = 0; j < ing->nrules; j++, k++) {
			uint32_t gi = keys[k].group;
			if (ing->has_default_backend && t->groups[gi].dflt < 0)
				t->groups[gi].dflt = (int32_t)r;
		}
	}
	for (size_t i = 0; i < t->nents; i++) {
		struct group *g = &t->groups[t->ents[i].group];
		if (g->n == 0)
			g->first = (uint32_t)i;
		g->n++;
		uint64_t bit = 1ULL << (t->ents[i].klen & 63);
		if (t->ents[i].type == RT_EXACT)
			g->exact_lens |= bit;
		else if (t->ents[i].type == RT_PREFIX)
			g->prefix_lens |= bit;
	}

	size_t kb = 0, nis = 0;
	for (size_t i = 0; i < t->nents;) {
		const struct ent *e = br[i].e;
		size_t j = i + 1;
		while (j < t->nents && same_bucket(br[j].e, e))
			j++;
		struct bkt *b = &t->bkts[t->nbkts];
		b->tag = btag(e->group, e->type);
		b->klen = e->klen;
		if (e->klen <= BKT_INLINE) {
			memcpy(b->inl, e->path, e->klen);
		} else {
			char *key = t->keys + kb;
			memcpy(key, e->path, e->klen);
			kb += e->klen;
			memcpy(b->inl, &key, sizeof key);
		}
		b->best = br[i].i;                                  /* the best entry */
		b->second = j - i > 1 ? br[i + 1].i : UINT32_MAX;   /* the runner-up */
		b->plen = e->plen;
		b->rank = e->rank;
		b->rule = e->rule;
		b->pidx = e->pidx;
		b->type = e->type;
		b->path_p = e->path_p;
		b->key2 = j - i > 1 ? (uint8_t)decisive_key(t, e, br[i + 1].e) : RT_K_NONE;
		imap_put(&t->bidx, hfinal(whash(e->path, e->klen), b->tag), (uint32_t)t->nbkts);
		t->nbkts++;
		if (e->type == RT_IS) {
			struct group *g = &t->groups[e->group];
			if (g->nislen == 0)
				g->islen_off = (uint32_t)nis;
			/* buckets of one group and type are contiguous, so are its lengths */
			t->islens[nis++] = e->klen;
			g->nislen++;
		}
		i = j;
	}
	for (size_t gi = 0; gi < t->ngroups; gi++) {
		struct group *g = &t->groups[gi];
		if (g->nislen == 0)
			continue;
		uint32_t *l = t->islens + g->islen_off;
		sort_any(l, g->nislen, sizeof *l, qcmp_u32);
		uint32_t u = 1;
		for (uint32_t i = 1; i < g->nislen; i++)
			if (l[i] != l[u - 1])
				l[u++] = l[i];
		g->nislen = u;
		if (u <= GROUP_ISL)
			memcpy(g->isl, l, u * sizeof *l);
	}
	if (work != stackbuf)
		free(work);
	return t;
oom:
	if (work != stackbuf)
		free(work);
	rt_free(t);
	return NULL;
}

/* ---- matching ----------------------------------------------------------- */

struct top2 {
	long best, second;
	const struct bkt *bb, *sb;  /* the buckets best and second come from */
	bool s2;                    /* second is the runner-up of bb itself */
};

/* Entries of one group are stored in precedence order (sec. 7), so between
 * two candidates of a group the smaller index wins.  The runner-up is the
 * best bucket's own runner-up or another bucket's best: a bucket's runner-up
 * loses to its best, which is a candidate too. */
static inline void consider(struct top2 *tp, const struct bkt *b)
{
	long e = b->best;
	if (tp->best < 0 || e < tp->best) {
		tp->second = tp->best;
		tp->sb = tp->bb;
		tp->s2 = false;
		tp->best = e;
		tp->bb = b;
	} else if (tp->second < 0 || e < tp->second) {
		tp->second = e;
		tp->sb = b;
		tp->s2 = false;
	}
	if (b->second != UINT32_MAX && (tp->second < 0 || (long)b->second < tp->second)) {
		tp->second = b->second;
		tp->sb = b;
		tp->s2 = true;
	}
}

/* A pending bucket lookup: hashed first and its slot prefetched, then its
 * slot read and the bucket of a fingerprint hit prefetched, then the bucket
 * checked, so that the memory accesses of all candidates overlap. */
struct probe {
	uint64_t h;
	uint32_t tag, len;
	size_t pos;                 /* slot of the first fingerprint hit, SIZE_MAX: none */
};
#define MAX_PENDING 64

static void run_probes(const struct rt_table *t, struct top2 *tp, struct probe *pend, size_t n,
                       const char *np)
{
	const struct imap *m = &t->bidx;
	for (size_t j = 0; j < n; j++) {
		struct probe *p = &pend[j];
		uint32_t fp = fp_of(p->h);
		p->pos = SIZE_MAX;
		for (size_t i = p->h & m->mask;; i = (i + 1) & m->mask) {
			uint64_t v = m->s[i];
			if (!v)
				break;
			if ((uint32_t)v == fp) {
				p->pos = i;
				__builtin_prefetch(&t->bkts[v >> 32]);
				break;
			}
		}
	}
	for (size_t j = 0; j < n; j++) {
		const struct probe *p = &pend[j];
		if (p->pos == SIZE_MAX)
			continue;
		uint32_t fp = fp_of(p->h);
		for (size_t i = p->pos;; i = (i + 1) & m->mask) {
			uint64_t v = m->s[i];
			if (!v)
				break;
			if ((uint32_t)v != fp)
				continue;
			const struct bkt *b = &t->bkts[v >> 32];
			if (b->tag == p->tag && b->klen == p->len && key_eq(bkt_key(b), np, p->len)) {
				__builtin_prefetch(&t->ihot[b->rank]);
				consider(tp, b);
				break;
			}
		}
	}
}

/* np[0..len) as a candidate key of type tag; hs is the hash state after
 * np's first len / 8 words */
static inline void add_probe(const struct rt_table *t, struct top2 *tp, struct probe *pend,
                             size_t *npend, const char *np, uint64_t hs, uint32_t tag, size_t len)
{
	if (*npend == MAX_PENDING) {   /* flush: many candidates */
		run_probes(t, tp, pend, *npend, np);
		*npend = 0;
	}
	struct probe *p = &pend[(*npend)++];
	uint64_t h = wstep(hs + len, w_tail_padded(np + (len & ~(size_t)7), len & 7));
	p->h = hfinal(h, tag);
	p->tag = tag;
	p->len = (uint32_t)len;
	__builtin_prefetch(&t->bidx.s[p->h & t->bidx.mask]);
}

/* The lengths 0..n whose bit (length % 64) is set in a mask, ascending. */
struct lens {
	uint64_t mask;
	size_t base;                /* lengths base..base+63 */
	uint64_t bits;              /* those not yet returned */
};

static inline size_t next_len(struct lens *l, size_t n)
{
	for (;;) {
		if (l->bits) {
			size_t i = l->base + (size_t)__builtin_ctzll(l->bits);
			l->bits &= l->bits - 1;
			return i <= n ? i : SIZE_MAX;
		}
		l->base += 64;
		if (!l->mask || l->base > n)
			return SIZE_MAX;
		l->bits = l->mask;
	}
}

/* The best two matching entries of group gi for the normalised path np,
 * which must be followed by PATH_PAD readable bytes. */
#define PATH_PAD 8
static struct top2 match_group(const struct rt_table *t, size_t gi, const char *np, size_t n)
{
	struct top2 tp = { -1, -1, NULL, NULL, false };
	const struct group *g = &t->groups[gi];
	if (g->n == 0)
		return tp;
	struct probe pend[MAX_PENDING];
	size_t npend = 0, hw = 0;   /* hs: the hash state after hw whole words */
	const uint32_t *isl = group_islens(t, g), *isend = isl + g->nislen;
	uint32_t tpre = btag((uint32_t)gi, RT_PREFIX), tis = btag((uint32_t)gi, RT_IS);
	uint64_t hs = WSEED;
	/* the candidate lengths in ascending order, merged: those with a
	 * Prefix bucket of that length (modulo 64) that end an element, and the
	 * IS lengths; the bytes between are not looked at */
	struct lens pl = { g->prefix_lens, 0, g->prefix_lens };
	size_t p = next_len(&pl, n);
	while (p != SIZE_MAX || (isl < isend && *isl <= n)) {
		size_t i = isl < isend && *isl < p ? *isl : p;
		for (; hw + 8 <= i; hw += 8)
			hs = wstep(hs, w_load(np + hw));
		if (p == i) {
			if (i == n || np[i] == '/')
				add_probe(t, &tp, pend, &npend, np, hs, tpre, i);
			p = next_len(&pl, n);
		}
		if (isl < isend && *isl == i) {
			add_probe(t, &tp, pend, &npend, np, hs, tis, i);
			isl++;
		}
	}
	if (g->exact_lens >> (n & 63) & 1) {
		for (; hw + 8 <= n; hw += 8)
			hs = wstep(hs, w_load(np + hw));
		add_probe(t, &tp, pend, &npend, np, hs, btag((uint32_t)gi, RT_EXACT), n);
	}
	run_probes(t, &tp, pend, npend, np);
	return tp;
}

static inline const uint32_t *group_islens(const struct rt_table *t, const struct group *g)
{
	return g->nislen <= GROUP_ISL ? g->isl : t->islens + g->islen_off;
}

/* The group of host key k (a wildcard's without its "*."), or -1. */
static inline uint64_t host_hash(unsigned kind, const char *k, size_t kl)
{
	return hfinal(whash(k, kl), kind);
}

/* The same with its hash from host_hash(). */
static long host_get_h(const struct rt_table *t, unsigned kind, const char *k, size_t kl,
                       uint64_t h)
{
	uint32_t fp = fp_of(h), off = kind == RT_G_WILDCARD ? 2 : 0;
	for (size_t i = h & t->hosts.mask;; i = (i + 1) & t->hosts.mask) {
		uint64_t v = t->hosts.s[i];
		if (!v)
			return -1;
		if ((uint32_t)v != fp)
			continue;
		const struct group *g = &t->groups[v >> 32];
		if (g->kind == kind && g->hlen == kl + off &&
		    key_eq(kl <= GROUP_KEY ? g->key : g->host + off, k, kl))
			return (long)(v >> 32);
	}
}

static long host_get(const struct rt_table *t, unsigned kind, const char *k, size_t kl)
{
	return host_get_h(t, kind, k, kl, host_hash(kind, k, kl));
}

/* sec. 5: the group for a normalised host; -1 when none.  'kind' from
 * rt_norm_host; hx: host_hash(RT_G_EXACT, h, n) when kind is a name. */
static long choose_group_h(const struct rt_table *t, int kind, const char *h, size_t n,
                           uint64_t hx)
{
	if (kind == RT_HOST_NAME) {
		long gi = host_get_h(t, RT_G_EXACT, h, n, hx);
		if (gi >= 0)
			return gi;
		const char *dot = memchr(h, '.', n);
		if (dot && dot > h && (size_t)(dot - h) + 1 < n) {
			const char *suf = dot + 1;
			gi = host_get(t, RT_G_WILDCARD, suf, n - (size_t)(suf - h));
			if (gi >= 0)
				return gi;
		}
	}
	return t->hostless;
}

/* sec. 5 (the same, hashing the host itself) */
static long choose_group(const struct rt_table *t, int kind, const char *h, size_t n)
{
	return choose_group_h(t, kind, h, n, kind == RT_HOST_NAME ? host_hash(RT_G_EXACT, h, n) : 0);
}

static enum rt_key decisive_key(const struct rt_table *t, const struct ent *w, const struct ent *r)
{
	if (w->plen != r->plen)
		return RT_K_LENGTH;
	if (w->type != r->type)
		return RT_K_TYPE;
	if (w->rank == r->rank)
		return RT_K_ORDER;
	const struct ing_info *a = &t->ings[w->rank], *b = &t->ings[r->rank];
	if (a->has_ts != b->has_ts)
		return RT_K_TIMESTAMP;
	if (a->has_ts && a->ts != b->ts)
		return RT_K_AGE;
	if (cmp_nsname(a, b) != 0)
		return RT_K_NAME;
	return RT_K_ORDER;
}

static void set_ingress(const struct rt_table *t, struct rt_decision *d, size_t rank)
{
	const struct ihot *ih = &t->ihot[rank];
	d->kind = "Ingress";
	d->ingress = ih->ing;
	d->namespace_ = ih->ns;
	d->name = ih->name;
}

/* What beat the runner-up, from the buckets (the entries are read only in a
 * case that cannot happen: two buckets' bests of equal length and type). */
static enum rt_key top2_key(const struct rt_table *t, const struct top2 *tp)
{
	if (tp->second < 0)
		return RT_K_NONE;
	if (tp->s2 && tp->sb == tp->bb)
		return (enum rt_key)tp->bb->key2;
	if (tp->bb->plen != tp->sb->plen)
		return RT_K_LENGTH;
	if (tp->bb->type != tp->sb->type)
		return RT_K_TYPE;
	return decisive_key(t, &t->ents[tp->best], &t->ents[tp->second]);
}

/* The decision for the normalised path pb[0..pn) (followed by PATH_PAD
 * readable bytes) in group gi (-1: none); d was cleared by the caller. */
static int decide(const struct rt_table *t, long gi, const char *pb, size_t pn,
                  struct rt_decision *d)
{
	if (gi >= 0) {
		d->group = t->groups[gi].kind;
		struct top2 tp = match_group(t, (size_t)gi, pb, pn);
		if (tp.best >= 0) {
			const struct bkt *b = tp.bb;
			const struct ihot *ih = &t->ihot[b->rank];
			d->match = RT_RULE;
			d->kind = "Ingress";
			d->ingress = ih->ing;
			d->namespace_ = ih->ns;
			d->name = ih->name;
			d->backend = &b->path_p->backend;
			d->rule = ih->rules + b->rule;
			d->path = b->path_p;
			d->path_type = b->type;
			d->rule_host = d->rule->host ? d->rule->host : "";
			d->rule_path = d->path->path ? d->path->path : "";
			d->rule_index = b->rule;
			d->path_index = b->pidx;
			d->winner = tp.best;
			d->runner_up = tp.second;
			d->key = top2_key(t, &tp);
			return 0;
		}
	}
	/* sec. 8 */
	long dr = (gi >= 0 && gi != t->hostless) ? t->groups[gi].dflt : t->global_dflt;
	if (dr >= 0) {
		d->match = RT_DEFAULT;
		set_ingress(t, d, (size_t)dr);
		d->backend = &t->ings[dr].ing->default_backend;
	}
	return 0;
}

int rt_match(const struct rt_table *t, const char *host, size_t host_len,
             const char *path, size_t path_len, struct rt_decision *d)
{
	char hb[RT_MAX_HOST + 1], pb[RT_MAX_PATH + 2 + PATH_PAD];
	size_t hn;
	unsigned hc = 0, pc = 0;
	memset(d, 0, sizeof *d);
	d->winner = d->runner_up = -1;
	int kind = rt_norm_host(host, host_len, hb, sizeof hb, &hn, &hc);
	/* the host's slot is fetched while the path is normalised */
	uint64_t hx = 0;
	if (kind == RT_HOST_NAME) {
		hx = host_hash(RT_G_EXACT, hb, hn);
		__builtin_prefetch(&t->hosts.s[hx & t->hosts.mask]);
	}
	long pn = kind < 0 ? -1 : rt_norm_path(path, path_len, pb, sizeof pb, &pc);
	if (pn < 0)
		return IW_ETOOBIG;
	memset(pb + pn, 0, PATH_PAD);
	d->changes = hc | pc;
	return decide(t, choose_group_h(t, kind, hb, hn, hx), pb, (size_t)pn, d);
}

int rt_host_prepare(const struct rt_table *t, const char *host, size_t host_len,
                    struct rt_host *h)
{
	char hb[RT_MAX_HOST + 1];
	size_t hn = 0;
	unsigned hc = 0;
	int kind = rt_norm_host(host, host_len, hb, sizeof hb, &hn, &hc);
	h->valid = kind >= 0;
	h->changes = hc;
	h->group = kind < 0 ? -1 : choose_group(t, kind, hb, hn);
	return kind < 0 ? IW_ETOOBIG : IW_OK;
}

int rt_match_host(const struct rt_table *t, const struct rt_host *h, const char *path,
                  size_t path_len, struct rt_decision *d)
{
	char pb[RT_MAX_PATH + 2 + PATH_PAD];
	unsigned pc = 0;
	memset(d, 0, sizeof *d);
	d->winner = d->runner_up = -1;
	long pn = h->valid ? rt_norm_path(path, path_len, pb, sizeof pb, &pc) : -1;
	if (pn < 0)
		return IW_ETOOBIG;
	memset(pb + pn, 0, PATH_PAD);
	d->changes = h->changes | pc;
	return decide(t, h->group, pb, (size_t)pn, d);
}

/* ---- read access -------------------------------------------------------- */

size_t rt_skipped(const struct rt_table *t) { return t->skipped; }
size_t rt_nserved(const struct rt_table *t) { return t->nings; }
size_t rt_npaths(const struct rt_table *t) { return t->nents; }
size_t rt_ngroups(const struct rt_table *t) { return t->ngroups; }
const char *rt_default_class(const struct rt_table *t) { return t->default_class; }

const struct ingress *rt_served(const struct rt_table *t, size_t rank)
{
	return rank < t->nings ? t->ings[rank].ing : NULL;
}

void rt_entry_get(const struct rt_table *t, size_t i, struct rt_entry *e)
{
	const struct ent *x = &t->ents[i];
	const struct ing_info *ii = &t->ings[x->rank];
	e->group = t->groups[x->group].kind;
	e->host = t->groups[x->group].host;
	e->path = x->path;
	e->path_type = x->type;
	e->ingress = ii->ing;
	e->namespace_ = ii->ns;
	e->name = ii->name;
	e->backend = x->backend;
	e->rule_index = x->rule;
	e->path_index = x->pidx;
	e->rank = x->rank;
	e->has_timestamp = ii->has_ts;
}

bool rt_group_get(const struct rt_table *t, size_t i, enum rt_group_kind *kind,
                  const char **host, size_t *first_entry, size_t *nentries)
{
	if (i >= t->ngroups)
		return false;
	const struct group *g = &t->groups[i];
	if (kind)
		*kind = g->kind;
	if (host)
		*host = g->host;
	if (first_entry)
		*first_entry = g->first;
	if (nentries)
		*nentries = g->n;
	return true;
}

/* ---- explanation -------------------------------------------------------- */

/* Does entry e match the normalised path np?  (sec. 6, the slow way) */
static bool ent_matches(const struct ent *e, const char *np, size_t n)
{
	switch (e->type) {
	case RT_EXACT:
		return e->plen == n && !memcmp(e->path, np, n);
	case RT_PREFIX:
		return e->klen <= n && !memcmp(e->path, np, e->klen) &&
		       (e->klen == n || np[e->klen] == '/');
	default:
		return e->plen <= n && !memcmp(e->path, np, e->plen);
	}
}

static const char *group_kind_text(enum rt_group_kind k)
{
	switch (k) {
	case RT_G_EXACT: return "exact host";
	case RT_G_WILDCARD: return "wildcard host";
	case RT_G_HOSTLESS: return "rules without a host";
	case RT_G_NONE: break;
	}
	return "no host group";
}

static void describe_ent(struct buf *b, const struct rt_table *t, const struct ent *e)
{
	const struct ing_info *ii = &t->ings[e->rank];
	buf_printf(b, "%s/%s spec.rules[%u].http.paths[%u] %s %s -> ", ii->ns, ii->name,
	          e->rule, e->pidx, rt_path_type_name(e->type), e->path);
	rt_text_backend(b, e->backend);
}

static const char *key_text(enum rt_key k, bool *silent)
{
	*silent = k >= RT_K_AGE;
	switch (k) {
	case RT_K_NONE: return "the only matching path";
	case RT_K_LENGTH: return "longest matching path";
	case RT_K_TYPE: return "same length: Exact > Prefix > ImplementationSpecific";
	case RT_K_AGE: return "same path and type: the oldest creationTimestamp wins";
	case RT_K_TIMESTAMP:
		return "same path and type: an Ingress without creationTimestamp sorts after one "
		       "with it [reference choice]";
	case RT_K_NAME:
		return "same path, type and creationTimestamp: namespace/name ascending wins";
	case RT_K_ORDER: return "same path and type in one Ingress: the first in list order wins";
	}
	return "";
}

char *rt_explain(const struct rt_table *t, const char *host, size_t host_len,
                 const char *path, size_t path_len, const struct rt_decision *d,
                 char **reason)
{
	struct buf b, r;
	buf_init(&b, EXPLAIN_MAX);
	buf_init(&r, EXPLAIN_MAX);
	char hb[RT_MAX_HOST + 1], pb[RT_MAX_PATH + 2 + PATH_PAD];
	size_t hn = 0;
	unsigned hc = 0, pc = 0;
	if (reason)
		*reason = NULL;
	int kind = rt_norm_host(host, host_len, hb, sizeof hb, &hn, &hc);
	long pn = kind < 0 ? -1 : rt_norm_path(path, path_len, pb, sizeof pb, &pc);
	if (pn >= 0)
		memset(pb + pn, 0, PATH_PAD);
	if (pn < 0) {
		buf_printf(&b, "request rejected: host or path too long\n");
		buf_printf(&r, "host or path too long");
		goto out;
	}
	size_t n = (size_t)pn;
	long gi = choose_group(t, kind, hb, hn);

	/* the request */
	buf_printf(&b, "request: host \"%.*s\" -> \"%s\"%s", (int)host_len, host, hb,
	          kind == RT_HOST_EMPTY ? " (empty: only rules without a host)"
	          : kind == RT_HOST_IP ? " (IP literal: only rules without a host)" : "");
	if (hc) {
		buf_printf(&b, " (");
		rt_text_changes(&b, hc);
		buf_printf(&b, ") [spec silent]");
	}
	buf_printf(&b, "\n         path \"%.*s\" -> \"%s\"", (int)path_len, path, pb);
	if (pc) {
		buf_printf(&b, " (");
		rt_text_changes(&b, pc);
		buf_printf(&b, ")%s", pc & ~(unsigned)RT_N_QUERY ? " [spec silent]" : "");
	}
	buf_printf(&b, "\n");

	/* the host group and the groups it shadows */
	const char *wild = NULL;
	long wgi = -1;
	if (kind == RT_HOST_NAME) {
		const char *dot = memchr(hb, '.', hn);
		if (dot && dot > hb && (size_t)(dot - hb) + 1 < hn) {
			const char *suf = dot + 1;
			uint32_t sl = (uint32_t)(hn - (size_t)(suf - hb));
			wgi = host_get(t, RT_G_WILDCARD, suf, sl);
			if (wgi >= 0)
				wild = t->groups[wgi].host;
		}
	}
	/* a wildcard further up that does not match: it covers one label only */
	const char *deepwild = NULL;
	if (kind == RT_HOST_NAME && (gi < 0 || t->groups[gi].kind == RT_G_HOSTLESS)) {
		const char *dot = memchr(hb, '.', hn);
		while (dot && !deepwild) {
			dot = memchr(dot + 1, '.', hn - (size_t)(dot + 1 - hb));
			if (!dot || (size_t)(dot - hb) + 1 >= hn)
				break;
			const char *suf = dot + 1;
			uint32_t sl = (uint32_t)(hn - (size_t)(suf - hb));
			long dg = host_get(t, RT_G_WILDCARD, suf, sl);
			if (dg >= 0)
				deepwild = t->groups[dg].host;
		}
	}
	if (deepwild)
		buf_printf(&b, "note: %s matches exactly one label, not \"%s\"\n", deepwild, hb);
	if (gi < 0) {
		buf_printf(&b, "host group: none (no rule host matches and there are no rules "
		              "without a host)\n");
	} else {
		const struct group *g = &t->groups[gi];
		buf_printf(&b, "host group: %s \"%s\" (%u path%s)\n", group_kind_text(g->kind),
		          g->host, g->n, g->n == 1 ? "" : "s");
		if (g->kind == RT_G_WILDCARD)
			buf_printf(&b, "  %s matches exactly one more label\n", g->host);
		if (g->kind == RT_G_EXACT && wild)
			buf_printf(&b, "  %s also matches, but an exact host comes before a wildcard "
			              "[spec silent]\n", wild);
		if (g->kind != RT_G_HOSTLESS && t->hostless >= 0)
			buf_printf(&b, "  rules without a host are not considered once a host matched\n");
	}

	/* the candidates */
	long win = d->match == RT_RULE ? d->winner : -1;
	if (gi >= 0) {
		const struct group *g = &t->groups[gi];
		size_t shown = 0;
		buf_printf(&b, "candidates:\n");
		for (uint32_t i = g->first; i < g->first + g->n; i++) {
			const struct ent *e = &t->ents[i];
			bool m = ent_matches(e, pb, n);
			if (!m && g->n > 64)
				continue;   /* large group: list only the paths that match */
			if (++shown > 200) {
				buf_printf(&b, "  ... (more not shown)\n");
				break;
			}
			buf_printf(&b, "  %s ", (long)i == win ? "*" : m ? "-" : " ");
			describe_ent(&b, t, e);
			if ((long)i == win) {
				buf_printf(&b, ": matches; chosen\n");
			} else if (!m) {
				buf_printf(&b, ": does not match%s\n",
				          e->type == RT_IS ? " (string prefix)" :
				          e->type == RT_PREFIX ? " (element-wise prefix)" : " (exact)");
			} else {
				bool silent;
				const char *kt = key_text(decisive_key(t, &t->ents[win], e), &silent);
				buf_printf(&b, ": matches, loses: %s%s\n", kt, silent ? " [spec silent]" : "");
			}
		}
		if (g->n == 0)
			buf_printf(&b, "  (this host has no paths: a rule with a host and no http "
			              "still claims its host [spec silent])\n");
	}

	/* the decision */
	rt_text_decision(&b, d);

	/* the one-line reason */
	if (d->match == RT_RULE) {
		const struct ent *e = &t->ents[win];
		bool silent;
		const char *kt = key_text(d->key, &silent);
		buf_printf(&r, "%s %s matches %s%s; %s%s", rt_path_type_name(e->type), e->path, pb,
		          e->type == RT_EXACT ? " exactly"
		          : e->type == RT_PREFIX ? " element-wise"
		          : " as a case-sensitive string prefix [spec silent]",
		          kt, silent ? " [spec silent]" : "");
		if (d->group == RT_G_WILDCARD)
			buf_printf(&r, "; host %s matches one label", t->groups[gi].host);
		else if (d->group == RT_G_EXACT && wild)
			buf_printf(&r, "; exact host before wildcard %s [spec silent]", wild);
		else if (d->group == RT_G_HOSTLESS && kind == RT_HOST_NAME)
			buf_printf(&r, "; no rule host matches %s%s%s%s, rules without a host apply", hb,
			          deepwild ? " (" : "", deepwild ? deepwild : "",
			          deepwild ? " matches one label only)" : "");
	} else {
		bool claimed = gi >= 0 && gi != t->hostless;
		if (claimed) {
			buf_printf(&r, "host %s (%s) has no path matching %s", t->groups[gi].host,
			          group_kind_text(t->groups[gi].kind), pb);
			/* no fall-through [spec silent]: say when it would have mattered */
			const char *fell = NULL;
			if (t->groups[gi].kind == RT_G_EXACT && wgi >= 0 &&
			    match_group(t, (size_t)wgi, pb, n).best >= 0)
				fell = wild;
			else if (t->hostless >= 0 && match_group(t, (size_t)t->hostless, pb, n).best >= 0)
				fell = "rules without a host";
			if (fell) {
				buf_printf(&r, "; no fall-through to %s [spec silent]", fell);
				buf_printf(&b, "note: %s would match, but once a host group is chosen only "
				              "its paths are considered [spec silent]\n", fell);
			}
		} else if (gi >= 0) {
			buf_printf(&r, "no rule without a host matches %s", pb);
		} else {
			buf_printf(&r, "no rule host matches %s", kind == RT_HOST_NAME ? hb : "the request");
		}
		if (deepwild)
			buf_printf(&r, " (%s matches one label only)", deepwild);
		if (d->match == RT_DEFAULT)
			buf_printf(&r, claimed ? "; defaultBackend of the oldest Ingress with a rule for "
			                        "this host"
			                      : "; defaultBackend of the oldest Ingress");
		else
			buf_printf(&r, claimed ? "; no Ingress with a rule for this host has a "
			                        "defaultBackend"
			                      : "; no Ingress has a defaultBackend");
	}
	if (d->ingress) {
		for (size_t i = 0; i < t->nings; i++)
			if (t->ings[i].ing == d->ingress && t->ings[i].default_class) {
				buf_printf(&r, "; served through the default IngressClass %s "
				              "[reference choice]", t->default_class);
				buf_printf(&b, "note: %s/%s has no class and takes the default IngressClass "
				              "%s [reference choice]\n", d->namespace_, d->name,
				          t->default_class);
			}
	}
	if ((hc | pc) & ~(unsigned)RT_N_QUERY) {
		buf_printf(&r, " (request normalised: ");
		rt_text_changes(&r, (hc | pc) & ~(unsigned)RT_N_QUERY);
		buf_printf(&r, ")");
	}
	buf_printf(&b, "reason: %s\n", r.p ? r.p : "");
out:;
	char *text = buf_steal(&b, NULL), *line = buf_steal(&r, NULL);
	buf_release(&b);
	buf_release(&r);
	if (!text || !line) {
		free(text);
		free(line);
		return NULL;
	}
	if (reason)
		*reason = line;
	else
		free(line);
	return text;
}
