/*
 * rt_build: the reference routing table (router/table.h says what it holds).
 * SEMANTICS.md sections are cited as "sec. N".
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "router/ngx.h"
#include "router/table.h"

int rt_path_type_of(const char *s)
{
	if (!s)
		return RT_IS;   /* absent: v1beta1 defaulting; v1 refuses it */
	switch (s[0]) {   /* the first letter tells them apart */
	case 'I': return strcmp(s, "ImplementationSpecific") ? -1 : RT_IS;
	case 'E': return strcmp(s, "Exact") ? -1 : RT_EXACT;
	case 'P': return strcmp(s, "Prefix") ? -1 : RT_PREFIX;
	}
	return -1;
}

/* sec. 2: is the Ingress served when the router serves class 'cls'? */
static bool served(const struct ingress *ing, const char *cls, const char *dflt, bool *via_default)
{
	*via_default = false;
	if (!cls)
		return true;                                            /* sec. 2.1 */
	const char *c = ingress_class_of(ing);                      /* sec. 2a, 2b */
	if (!c) {
		c = dflt;                                               /* sec. 2c */
		*via_default = c != NULL;
	}
	return c && !strcmp(c, cls);                                /* sec. 2d, 2.3 */
}

/* ---- sorting ---------------------------------------------------------------- */

static int qcmp_age(const void *pa, const void *pb)
{
	enum rt_key k;
	return rt_ref_cmp_age(pa, pb, &k);
}

/* A rule's host group while building. */
struct hkey {
	enum rt_group_kind kind;
	const char *host;           /* normalised */
	size_t hlen;
	size_t group;
};

static int qcmp_hkey(const void *pa, const void *pb)
{
	const struct hkey *a = *(const struct hkey *const *)pa, *b = *(const struct hkey *const *)pb;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	size_t n = a->hlen < b->hlen ? a->hlen : b->hlen;
	int c = memcmp(a->host, b->host, n);
	if (c)
		return c;
	return a->hlen < b->hlen ? -1 : a->hlen > b->hlen;
}

/* sec. 7 through the ranks (the Ingresses are already in age order):
 * longest path, Exact > Prefix > IS, age, then rule and path order */
static int cmp_prec(const struct rt_ent *a, const struct rt_ent *b)
{
	if (a->plen != b->plen)
		return a->plen > b->plen ? -1 : 1;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	if (a->rule != b->rule)
		return a->rule < b->rule ? -1 : 1;
	return a->pidx < b->pidx ? -1 : a->pidx > b->pidx;
}

static int qcmp_ent(const void *pa, const void *pb)
{
	const struct rt_ent *a = pa, *b = pb;
	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	return cmp_prec(a, b);
}

static int qcmp_size(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	return a < b ? -1 : a > b;
}

/* qsort; a short array (the tables the policy checks build for one object
 * have a handful of hosts and paths) is sorted by insertion, without
 * qsort's set-up.  Every order sorted here is total, or its equal elements
 * are interchangeable: the result does not depend on the algorithm. */
#define SORT_SHORT 8
#define SORT_ELEM_MAX 128
static void sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > SORT_SHORT || size > SORT_ELEM_MAX) {
		qsort(base, n, size, cmp);
		return;
	}
	char *b = base, tmp[SORT_ELEM_MAX];
	for (size_t i = 1; i < n; i++) {
		size_t j = i;
		if (cmp(b + (j - 1) * size, b + j * size) <= 0)
			continue;
		memcpy(tmp, b + i * size, size);
		do {
			memcpy(b + j * size, b + (j - 1) * size, size);
			j--;
		} while (j > 0 && cmp(b + (j - 1) * size, tmp) > 0);
		memcpy(b + j * size, tmp, size);
	}
}

/* ---- memory and indexes ----------------------------------------------------- */

/* n objects of 'size' bytes from the table's arena, zeroed and aligned;
 * NULL on OOM. */
static void *table_alloc(struct arena *mem, size_t n, size_t size)
{
	if (n && size > (SIZE_MAX - sizeof(max_align_t)) / n)
		return NULL;
	return arena_zalloc(mem, n * size);
}

void rt_free(struct rt_table *t)
{
	if (!t)
		return;
	rt_ngx_free(t->ngx);
	map_index_release(&t->keys);
	map_index_release(&t->hosts);
	struct arena mem = t->mem;   /* t lives in this arena */
	arena_release(&mem);
}

/* ---- the build -------------------------------------------------------------- */

/* Blocks of 16 KB hold the small tables of the policy checks in one; a
 * large table's arrays get blocks of their own. */
#define TABLE_BLOCK (16 * 1024)

/* Profile ingress-nginx: the emulation (router/ngx.h) decides; the
 * reference table of the Ingresses ingress-nginx serves keeps rt_entry_get,
 * the probes and the checks working on the same objects. */
static struct rt_table *build_ngx(const struct rt_input *in)
{
	struct ngx_table *x;
	if (rt_ngx_build(in, &x) != IW_OK)
		return NULL;
	const struct ingress **sel = malloc((x->nings ? x->nings : 1) * sizeof *sel);
	if (!sel) {
		rt_ngx_free(x);
		return NULL;
	}
	for (size_t i = 0; i < x->nings; i++)
		sel[i] = in->ingresses[x->input_served[i]];
	struct rt_input sub = { sel, x->nings, in->classes, in->nclasses, NULL, IW_PROFILE_SPEC };
	struct rt_table *t = rt_build(&sub);
	free(sel);
	if (!t)
		rt_ngx_free(x);
	else
		t->ngx = x;
	return t;
}

struct rt_table *rt_build(const struct rt_input *in)
{
	if (in->profile == IW_PROFILE_INGRESS_NGINX)
		return build_ngx(in);
	struct arena mem = ARENA_INIT(TABLE_BLOCK, TABLE_BLOCK / 2);
	struct rt_table *t = table_alloc(&mem, 1, sizeof *t);
	if (!t)
		goto oom;
	t->hostless = -1;
	t->global_dflt = -1;
	/* sec. 2c: the default IngressClass, newest first, then the smaller name */
	const struct ingress_class *dc = iw_default_class(in->classes, in->nclasses);
	t->default_class = dc ? dc->meta.name : NULL;

	/* sec. 2: the served Ingresses, oldest first (their rank) */
	size_t nrules = 0, npaths = 0, hostbytes = 0;
	t->ings = table_alloc(&mem, in->ningresses, sizeof *t->ings);
	if (!t->ings)
		goto oom;
	for (size_t i = 0; i < in->ningresses; i++) {
		const struct ingress *ing = in->ingresses[i];
		bool via;
		if (!ing || !served(ing, in->ingress_class, t->default_class, &via))
			continue;
		struct rt_ing *ii = &t->ings[t->nings++];
		ii->ing = ing;
		ii->ns = iw_namespace(&ing->meta);
		ii->name = iw_nz(ing->meta.name);
		ii->has_ts = iw_parse_time(ing->meta.creation_timestamp, &ii->ts);
		ii->input_idx = i;
		ii->via_default_class = via;
		nrules += ing->nrules;
		for (size_t j = 0; j < ing->nrules; j++) {
			npaths += ing->rules[j].npaths;
			hostbytes += strlen(iw_nz(ing->rules[j].host)) + 1;
		}
	}
	sort(t->ings, t->nings, sizeof *t->ings, qcmp_age);
	for (size_t r = 0; r < t->nings; r++)
		if (t->ings[r].ing->has_default_backend) {
			t->global_dflt = (long)r;                   /* sec. 8.2 */
			break;
		}

	/* sec. 5: one host group per distinct normalised rule host (lower
	 * case, one trailing dot dropped, as a request host is) */
	struct hkey *keys = table_alloc(&mem, nrules, sizeof *keys);
	struct hkey **kp = table_alloc(&mem, nrules, sizeof *kp);
	char *hosts = table_alloc(&mem, hostbytes, 1);
	if (!keys || !kp || !hosts)
		goto oom;
	for (size_t r = 0, k = 0; r < t->nings; r++) {
		const struct ingress *ing = t->ings[r].ing;
		for (size_t j = 0; j < ing->nrules; j++, k++) {
			const char *h = iw_nz(ing->rules[j].host);
			size_t n = strlen(h);
			char *dst = hosts;
			hosts += n + 1;
			for (size_t c = 0; c < n; c++)
				dst[c] = (h[c] >= 'A' && h[c] <= 'Z') ? (char)(h[c] - 'A' + 'a') : h[c];
			if (n > 0 && dst[n - 1] == '.')
				n--;
			dst[n] = '\0';
			keys[k].host = dst;
			keys[k].hlen = n;
			keys[k].kind = n == 0 ? RT_G_HOSTLESS
			             : (n > 2 && dst[0] == '*' && dst[1] == '.') ? RT_G_WILDCARD
			             : RT_G_EXACT;
			kp[k] = &keys[k];
		}
	}
	sort(kp, nrules, sizeof *kp, qcmp_hkey);
	t->groups = table_alloc(&mem, nrules, sizeof *t->groups);
	if (!t->groups)
		goto oom;
	for (size_t i = 0; i < nrules; i++) {
		if (i == 0 || qcmp_hkey(&kp[i - 1], &kp[i]) != 0) {
			struct rt_group *g = &t->groups[t->ngroups++];
			g->kind = kp[i]->kind;
			g->host = kp[i]->host;
			g->hlen = kp[i]->hlen;
			g->dflt = -1;
			if (g->kind == RT_G_HOSTLESS)
				t->hostless = (long)(t->ngroups - 1);
		}
		kp[i]->group = t->ngroups - 1;
	}

	/* sec. 8.1: the default of a group is the oldest Ingress with a rule
	 * in it and a defaultBackend */
	for (size_t r = 0, k = 0; r < t->nings; r++) {
		const struct ingress *ing = t->ings[r].ing;
		for (size_t j = 0; j < ing->nrules; j++, k++) {
			struct rt_group *g = &t->groups[keys[k].group];
			if (ing->has_default_backend && g->dflt < 0)
				g->dflt = (long)r;
		}
	}

	/* sec. 6: the entries, by group and in precedence order (sec. 7) */
	t->ents = table_alloc(&mem, npaths, sizeof *t->ents);
	if (!t->ents)
		goto oom;
	for (size_t r = 0, k = 0; r < t->nings; r++) {
		const struct ingress *ing = t->ings[r].ing;
		for (size_t j = 0; j < ing->nrules; j++, k++) {
			const struct iw_rule *rule = &ing->rules[j];
			for (size_t p = 0; p < rule->npaths; p++) {
				const struct iw_path *ip = &rule->paths[p];
				int type = rt_path_type_of(ip->path_type);
				if (type < 0 || !ip->has_backend) {
					t->skipped++;
					continue;
				}
				struct rt_ent *e = &t->ents[t->nents++];
				e->group = (uint32_t)keys[k].group;
				e->rank = (uint32_t)r;
				e->rule = (uint32_t)j;
				e->pidx = (uint32_t)p;
				e->type = (enum rt_path_type)type;
				e->path = iw_nz(ip->path);
				/* an empty IS path is "/"; an empty Prefix path (refused
				 * by validation) is read the same way */
				if (!*e->path && type != RT_EXACT)
					e->path = "/";
				e->plen = strlen(e->path);
				e->klen = e->plen;
				if (type == RT_PREFIX && e->klen > 0 && e->path[e->klen - 1] == '/')
					e->klen--;
				e->backend = &ip->backend;
				e->rule_p = rule;
				e->path_p = ip;
				e->rule_host = iw_nz(rule->host);
				e->rule_path = iw_nz(ip->path);
				e->ing = ing;
				e->ns = t->ings[r].ns;
				e->name = t->ings[r].name;
			}
		}
	}
	sort(t->ents, t->nents, sizeof *t->ents, qcmp_ent);
	for (size_t i = 0; i < t->nents; i++) {
		struct rt_group *g = &t->groups[t->ents[i].group];
		if (g->n == 0)
			g->first = i;
		g->n++;
	}

	/* buckets: one per distinct group, type and key.  The entries of each
	 * group are visited type by type in precedence order, so a key's first
	 * entry is its best and the next its runner-up; the key is found by
	 * hashing (as a lookup finds it), not by sorting the paths. */
	size_t *lens = table_alloc(&mem, t->nents, sizeof *lens);   /* by group and type */
	size_t *first_len = table_alloc(&mem, 3 * t->ngroups, sizeof *first_len);
	if (!lens || !first_len || map_index_reserve(&t->keys, t->nents) ||
	    map_index_reserve(&t->hosts, t->ngroups))
		goto oom;
	size_t bytes = 0;   /* of the bucket records: at most one per entry */
	for (size_t i = 0; i < t->nents; i++)
		bytes += rt_bkt_size(t->ents[i].klen);
	if (bytes / RT_BKT_ALIGN > UINT32_MAX || !(t->bkts = table_alloc(&mem, bytes, 1)))
		goto oom;
	size_t at = 0;   /* where the next bucket goes */
	size_t nlens = 0;
	for (size_t gi = 0; gi < t->ngroups; gi++) {
		struct rt_group *g = &t->groups[gi];
		for (int type = 0; type < 3; type++) {
			/* the group's buckets of this type are consecutive: so are the
			 * lengths of their keys */
			first_len[3 * gi + type] = nlens;
			for (size_t i = g->first; i < g->first + g->n; i++) {
				const struct rt_ent *e = &t->ents[i];
				if ((int)e->type != type)
					continue;
				uint64_t h = rt_hash(e->path, e->klen, rt_key_tag(e->group, e->type));
				struct rt_bkt *b = rt_bkt_find(t, h, e->group, (int)e->type, e->path,
				                               e->klen);
				if (b) {
					if (b->second == RT_NO_ENTRY)
						b->second = (uint32_t)i;
					continue;
				}
				b = (struct rt_bkt *)(t->bkts + at);
				b->group = e->group;
				b->type = (uint8_t)e->type;
				b->klen = (uint32_t)e->klen;
				memcpy(b->key, e->path, e->klen);
				b->best = (uint32_t)i;
				b->second = RT_NO_ENTRY;
				/* room was reserved: no failure */
				map_index_put(&t->keys, h, (uint32_t)(at / RT_BKT_ALIGN));
				at += rt_bkt_size(e->klen);
				t->nbkts++;
				lens[nlens++] = e->klen;
				g->nlens[type]++;
			}
		}
	}
	for (size_t gi = 0; gi < t->ngroups; gi++) {
		struct rt_group *g = &t->groups[gi];
		size_t all = 0;
		for (int type = 0; type < 3; type++) {   /* distinct lengths, ascending */
			size_t *l = lens + first_len[3 * gi + type], u = 0;
			sort(l, g->nlens[type], sizeof *l, qcmp_size);
			for (size_t i = 0; i < g->nlens[type]; i++)
				if (u == 0 || l[i] != l[u - 1])
					l[u++] = l[i];
			g->nlens[type] = u;
			all += u;
		}
		/* the block of the lengths and the host's text */
		uint32_t *block = arena_alloc(&mem, all * sizeof *block + g->hlen + 1);
		if (!block)
			goto oom;
		for (int type = 0; type < 3; type++) {
			const size_t *l = lens + first_len[3 * gi + type];
			g->lens[type] = block;
			for (size_t i = 0; i < g->nlens[type]; i++)
				*block++ = (uint32_t)l[i];
		}
		g->host = memcpy(block, g->host, g->hlen + 1);
		/* a wildcard group is found by the host's suffix after "*." */
		if (g->kind == RT_G_EXACT)
			map_index_put(&t->hosts, rt_hash(g->host, g->hlen, rt_host_tag(g->kind)),
			              (uint32_t)gi);
		else if (g->kind == RT_G_WILDCARD)
			map_index_put(&t->hosts, rt_hash(g->host + 2, g->hlen - 2,
			                                 rt_host_tag(g->kind)), (uint32_t)gi);
	}
	t->mem = mem;
	return t;
oom:
	if (t) {
		map_index_release(&t->keys);
		map_index_release(&t->hosts);
	}
	arena_release(&mem);
	return NULL;
}

/* ---- read access ------------------------------------------------------------ */

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
	const struct rt_ent *x = &t->ents[i];
	const struct rt_ing *ii = &t->ings[x->rank];
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
	const struct rt_group *g = &t->groups[i];
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
