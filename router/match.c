/*
 * rt_match: the fast path.  It decides as the reference matcher (ref.c)
 * does, without scanning: the host group is found by a hash lookup of the
 * normalised host, and the matching paths of the group by hash lookups of
 * the request path's own prefixes, so a decision costs O(length of the
 * path) whatever the number of Ingresses.  SEMANTICS.md sections are cited
 * as "sec. N"; router/table.h says what the table holds.
 */
#include <string.h>

#include "base/err.h"
#include "router/ngx.h"
#include "router/table.h"

/* The group of host key k (a wildcard group's key is its host without
 * "*."), or -1. */
static long find_host(const struct rt_table *t, enum rt_group_kind kind, const char *k,
                      size_t kl)
{
	uint64_t h = rt_hash(k, kl, rt_host_tag(kind));
	size_t off = kind == RT_G_WILDCARD ? 2 : 0;
	struct map_it it;
	uint32_t v;
	for (bool ok = map_index_first(&t->hosts, h, &it, &v); ok;
	     ok = map_index_next(&t->hosts, &it, &v)) {
		const struct rt_group *g = &t->groups[v];
		if (g->kind == kind && g->hlen == kl + off && !memcmp(g->host + off, k, kl))
			return (long)v;
	}
	return -1;
}

/* sec. 5: exact host, else the wildcard of its parent, else host-less. */
static long choose_group(const struct rt_table *t, int host_kind, const char *h, size_t n)
{
	if (host_kind == RT_HOST_NAME) {
		long g = find_host(t, RT_G_EXACT, h, n);
		if (g >= 0)
			return g;
		const char *dot = memchr(h, '.', n);
		if (dot && dot > h && dot + 1 < h + n) {
			g = find_host(t, RT_G_WILDCARD, dot + 1, n - (size_t)(dot + 1 - h));
			if (g >= 0)
				return g;
		}
	}
	return t->hostless;
}

/* The best two candidates so far (entry numbers; -1: none).  Entries of a
 * group are stored in precedence order, so the smaller number wins. */
struct top2 {
	long best, second;
};

static void offer(struct top2 *tp, long e)
{
	if (tp->best < 0 || e < tp->best) {
		tp->second = tp->best;
		tp->best = e;
	} else if (e != tp->best && (tp->second < 0 || e < tp->second)) {
		tp->second = e;
	}
}

/* The bucket of key np[0..len) of type 'type' in group g, whose hash state
 * after its bytes is h: its best entry and runner-up are candidates (the
 * bucket's other entries lose to both). */
static void lookup(const struct rt_table *t, size_t g, enum rt_path_type type, const char *np,
                   size_t len, uint64_t h, struct top2 *tp)
{
	const struct rt_bkt *b = rt_bkt_find(t, rt_hash_final(h, rt_key_tag(g, type), len), g,
	                                     (int)type, np, len);
	if (b) {
		offer(tp, b->best);
		if (b->second != RT_NO_ENTRY)
			offer(tp, b->second);
	}
}

/* sec. 6: a key matches np[0..n) only if it is a prefix of np: the
 * Exact key is np itself, a Prefix key ends where an element of np ends
 * (before a '/', or at the end; the key of Prefix "/" is ""), an
 * ImplementationSpecific key is any prefix.  So the candidates are the
 * prefixes of np whose length is the length of some key of the group,
 * and one pass over np hashes every prefix. */
static struct top2 match_group(const struct rt_table *t, size_t g, const char *np, size_t n)
{
	const struct rt_group *gr = &t->groups[g];
	const uint32_t *len[3], *end[3];   /* per type: the next key length to try */
	for (int type = 0; type < 3; type++) {
		len[type] = gr->lens[type];
		end[type] = len[type] + gr->nlens[type];
	}
	struct top2 tp = { -1, -1 };
	uint64_t h = RT_HASH_SEED;   /* the hash state of np[0..hashed) */
	size_t hashed = 0;
	for (;;) {
		/* the next candidate length: the smallest next key length */
		size_t i = SIZE_MAX;
		for (int type = 0; type < 3; type++)
			if (len[type] < end[type] && *len[type] < i)
				i = *len[type];
		if (i > n)
			break;   /* no key this short is left */
		for (; hashed < i; hashed++)
			h = rt_hash_byte(h, (unsigned char)np[hashed]);
		for (int type = 0; type < 3; type++) {
			if (len[type] == end[type] || *len[type] != i)
				continue;
			len[type]++;
			if ((type == RT_EXACT && i == n) || (type == RT_PREFIX && (i == n || np[i] == '/')) ||
			    type == RT_IS)
				lookup(t, g, (enum rt_path_type)type, np, i, h, &tp);
		}
	}
	return tp;
}

/* The decision for normalised path np[0..n) in group g (-1: none). */
static void decide(const struct rt_table *t, long g, const char *np, size_t n,
                   struct rt_decision *d)
{
	struct top2 tp = { -1, -1 };
	if (g >= 0)
		tp = match_group(t, (size_t)g, np, n);
	long dflt = -1;
	if (tp.best < 0)   /* sec. 8.1, 8.2 (computed by rt_build) */
		dflt = g >= 0 && g != t->hostless ? t->groups[g].dflt : t->global_dflt;
	rt_decision_fill(t, g, tp.best, tp.second, dflt, d);
}

int rt_match(const struct rt_table *t, const char *host, size_t host_len,
             const char *path, size_t path_len, struct rt_decision *d)
{
	if (t->ngx)
		return rt_ngx_match(t->ngx, host, host_len, path, path_len, d);
	struct rt_nreq r;
	rt_decision_init(d);
	if (rt_norm_request(host, host_len, path, path_len, &r) != IW_OK)
		return IW_ETOOBIG;
	d->changes = r.host_changes | r.path_changes;
	decide(t, choose_group(t, r.host_kind, r.host, r.host_len), r.path, r.path_len, d);
	return IW_OK;
}

int rt_host_prepare(const struct rt_table *t, const char *host, size_t host_len,
                    struct rt_host *h)
{
	if (t->ngx)
		return rt_ngx_host_prepare(t->ngx, host, host_len, h);
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
	if (t->ngx)
		return rt_ngx_match_host(t->ngx, h, path, path_len, d);
	char pb[RT_MAX_PATH + 2];
	unsigned pc = 0;
	rt_decision_init(d);
	long n = h->valid ? rt_norm_path(path, path_len, pb, sizeof pb, &pc) : -1;
	if (n < 0)
		return IW_ETOOBIG;
	d->changes = h->changes | pc;
	decide(t, h->group, pb, (size_t)n, d);
	return IW_OK;
}
