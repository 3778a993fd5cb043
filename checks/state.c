/* Cluster state with host indexes (see state.h), on base/map and base/arena. */
#include "checks/state.h"

#include "base/arena.h"
#include "base/map.h"
#include "profile/alb.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- keys ------------------------------------------------------------------ */

/* A map key built from parts: on the stack when short, else malloc'd (a
 * name has no length limit here: invalid objects enter the state too). */
struct key {
	char small[256];
	char *p;
	size_t n;
};

/* "a" "sep" "b" (sep may be 0: no separator; a may be NULL). */
static enum iw_err key_make(struct key *k, const char *a, char sep, const char *b)
{
	size_t al = a ? strlen(a) : 0, bl = strlen(b), n = al + (sep != 0) + bl;
	k->p = n < sizeof k->small ? k->small : malloc(n + 1);
	if (!k->p)
		return IW_ENOMEM;
	memcpy(k->p, a ? a : "", al);
	if (sep)
		k->p[al] = sep;
	memcpy(k->p + al + (sep != 0), b, bl + 1);
	k->n = n;
	return IW_OK;
}

static void key_done(struct key *k)
{
	if (k->p != k->small)
		free(k->p);
	k->p = NULL;
}

/* ---- host index values ----------------------------------------------------- */

/* A host named by one Ingress (most of them) keeps it in the map value
 * itself; a host of several has a list, its pointer tagged with LIST_TAG. */
struct ilist {
	uint32_t n, cap;
	const struct ingress *v[];
};

#define LIST_TAG ((uintptr_t)1)

static bool has_list(const void *v)
{
	return (uintptr_t)v & LIST_TAG;
}

static struct ilist *list_of(const void *v)
{
	return (struct ilist *)((uintptr_t)v & ~LIST_TAG);
}

static size_t ilist_bytes(const struct ilist *l)
{
	return l ? sizeof *l + l->cap * sizeof l->v[0] : 0;
}

/* ---- the state ------------------------------------------------------------ */

/* The kept compact copies (iw_state_put_ingress_kept) live in 256 KB blocks. */
#define KBLK_SIZE ((size_t)256 * 1024)

struct iw_state {
	void (*free_ing)(struct ingress *);
	void (*free_class)(struct ingress_class *);
	struct map ings;        /* "ns/name" -> struct ingress * */
	struct map classes;     /* name -> struct ingress_class * */
	struct map services;    /* "ns/name" -> struct iw_service * */
	struct map configmaps;  /* "ns/name" -> struct iw_configmap * */
	struct map hosts;       /* "H" host / "W" *.suffix / "T" tls host -> one Ingress or a list */
	size_t index_bytes;     /* ilist allocations */
	struct arena kept;      /* the kept copies */
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
	if (!st)
		return NULL;
	st->free_ing = free_ingress;
	st->free_class = free_class;
	st->ings = st->classes = st->services = st->hosts = st->configmaps = (struct map)MAP_INIT;
	st->kept = (struct arena)ARENA_INIT(KBLK_SIZE, KBLK_SIZE / 4);
	return st;
}

static enum iw_err index_add(struct iw_state *st, char tag, const char *host,
                             const struct ingress *ing)
{
	struct key k;
	const char t[2] = { tag, 0 };
	bool added;
	if (key_make(&k, t, 0, host))
		return IW_ENOMEM;
	void **v = map_put(&st->hosts, k.p, k.n, &added);
	key_done(&k);
	if (!v)
		return IW_ENOMEM;
	if (added) {   /* a new host */
		*v = (void *)ing;
		return IW_OK;
	}
	/* The same host twice in one object: index_ingress adds all of an
	 * object's hosts in one go, so an earlier entry of this object in
	 * this list is its last one (a scan of the list would make building a
	 * state quadratic: "*.example.com" lists every Ingress of the domain). */
	if (!has_list(*v)) {
		if (*v == ing)
			return IW_OK;
		struct ilist *nl = malloc(sizeof *nl + 4 * sizeof nl->v[0]);
		if (!nl)
			return IW_ENOMEM;
		nl->n = 2;
		nl->cap = 4;
		nl->v[0] = *v;
		nl->v[1] = ing;
		st->index_bytes += ilist_bytes(nl);
		*v = (void *)((uintptr_t)nl | LIST_TAG);
		return IW_OK;
	}
	struct ilist *l = list_of(*v);
	if (l->n && l->v[l->n - 1] == ing)
		return IW_OK;
	if (l->n == l->cap) {
		uint32_t cap = l->cap * 2;
		size_t was = ilist_bytes(l);
		struct ilist *nl = realloc(l, sizeof *nl + cap * sizeof nl->v[0]);
		if (!nl)
			return IW_ENOMEM;
		nl->cap = cap;
		st->index_bytes += ilist_bytes(nl) - was;
		*v = (void *)((uintptr_t)nl | LIST_TAG);
		l = nl;
	}
	l->v[l->n++] = ing;
	return IW_OK;
}

static void index_del(struct iw_state *st, char tag, const char *host, const struct ingress *ing)
{
	struct key k;
	const char t[2] = { tag, 0 };
	if (key_make(&k, t, 0, host))
		return;   /* a host that long was never added: key_make failed there too */
	void **v = map_find(&st->hosts, k.p, k.n);
	if (v && !has_list(*v)) {
		if (*v == ing)
			map_del(&st->hosts, k.p, k.n, NULL);
	} else if (v) {
		struct ilist *l = list_of(*v);
		for (uint32_t i = 0; i < l->n; i++) {
			if (l->v[i] == ing) {
				l->v[i] = l->v[--l->n];
				break;
			}
		}
		if (!l->n) {
			st->index_bytes -= ilist_bytes(l);
			free(l);
			map_del(&st->hosts, k.p, k.n, NULL);
		}
	}
	key_done(&k);
}

/* Wildcard form of an exact host: "a.foo.com" -> ".foo.com" (the '*' is
 * added by the caller); NULL when the host has a single label or is already
 * a wildcard. */
static const char *wild_suffix(const char *host)
{
	const char *dot = strchr(host, '.');
	return !dot || dot == host || host[0] == '*' ? NULL : dot;
}

/* Adds (add=true) or removes every index entry of 'ing'. */
static enum iw_err index_ingress(struct iw_state *st, const struct ingress *ing, bool add)
{
	const char *g = iw_alb_group(ing);
	if (g) {
		if (add) {
			if (index_add(st, 'G', g, ing))
				return IW_ENOMEM;
		} else {
			index_del(st, 'G', g, ing);
		}
	}
	for (size_t i = 0; i < ing->nrules; i++) {
		const char *h = iw_nz(ing->rules[i].host), *w = wild_suffix(h);
		if (add) {
			if (index_add(st, 'H', h, ing) || (w && index_add(st, 'W', w, ing)))
				return IW_ENOMEM;
		} else {
			index_del(st, 'H', h, ing);
			if (w)
				index_del(st, 'W', w, ing);
		}
	}
	for (size_t i = 0; i < ing->ntls; i++)
		for (size_t j = 0; j < ing->tls[i].nhosts; j++) {
			const char *h = iw_nz(ing->tls[i].hosts[j]);
			if (!add)
				index_del(st, 'T', h, ing);
			else if (index_add(st, 'T', h, ing))
				return IW_ENOMEM;
		}
	return IW_OK;
}

/* Removes the Ingress of key k (found in the map) from the indexes and the map. */
static void drop_ingress(struct iw_state *st, const struct key *k, struct ingress *ing)
{
	index_ingress(st, ing, false);
	map_del(&st->ings, k->p, k->n, NULL);
	release_ing(st, ing);
}

/* Puts 'ing' (a compact copy when the state owns its Ingresses), which the
 * state takes even on failure. */
static enum iw_err put(struct iw_state *st, struct ingress *ing)
{
	struct key k;
	bool added;
	if (key_make(&k, iw_namespace(&ing->meta), '/', iw_nz(ing->meta.name))) {
		release_ing(st, ing);
		return IW_ENOMEM;
	}
	void **v = map_put(&st->ings, k.p, k.n, &added);
	if (!v) {
		key_done(&k);
		release_ing(st, ing);
		return IW_ENOMEM;
	}
	if (!added) {   /* a replacement */
		struct ingress *old = *v;
		index_ingress(st, old, false);
		release_ing(st, old);
	}
	*v = ing;
	enum iw_err rc = index_ingress(st, ing, true);
	if (rc)
		drop_ingress(st, &k, ing);
	key_done(&k);
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
	void *mem = arena_alloc(&st->kept, size);
	struct ingress *c = mem ? ingress_compact_into(ing, mem, size) : NULL;
	st->free_ing(ing);
	if (!c)
		return IW_ENOMEM;
	if ((rc = put(st, c)) == IW_OK)
		*copy = c;
	return rc;
}

/* The value slot of "ns/name" in m, or NULL. */
static void **find_nsname(const struct map *m, const char *ns, const char *name)
{
	struct key k;
	if (key_make(&k, iw_namespace_of(ns), '/', iw_nz(name)))
		return NULL;
	void **v = map_find(m, k.p, k.n);
	key_done(&k);
	return v;
}

bool iw_state_del_ingress(struct iw_state *st, const char *ns, const char *name)
{
	struct key k;
	if (key_make(&k, iw_namespace_of(ns), '/', iw_nz(name)))
		return false;
	void **v = map_find(&st->ings, k.p, k.n);
	if (v)
		drop_ingress(st, &k, *v);
	key_done(&k);
	return v != NULL;
}

const struct ingress *iw_state_get_ingress(const struct iw_state *st, const char *ns,
                                           const char *name)
{
	void **v = find_nsname(&st->ings, ns, name);
	return v ? *v : NULL;
}

enum iw_err iw_state_put_class(struct iw_state *st, struct ingress_class *ic)
{
	const char *name = iw_nz(ic->meta.name);
	bool added;
	void **v = *name ? map_put(&st->classes, name, strlen(name), &added) : NULL;
	if (!v) {
		if (st->free_class)
			st->free_class(ic);
		return *name ? IW_ENOMEM : IW_EINVAL;
	}
	if (!added && st->free_class)
		st->free_class(*v);
	*v = ic;
	st->knows_classes = true;
	return IW_OK;
}

bool iw_state_del_class(struct iw_state *st, const char *name)
{
	void *old;
	if (!map_del(&st->classes, name, strlen(name), &old))
		return false;
	if (st->free_class)
		st->free_class(old);
	return true;
}

const struct ingress_class *iw_state_get_class(const struct iw_state *st, const char *name)
{
	void **v = map_find(&st->classes, name, strlen(name));
	return v ? *v : NULL;
}

enum iw_err iw_state_put_service(struct iw_state *st, struct iw_service *svc)
{
	struct key k;
	bool added;
	void **v = NULL;
	if (!key_make(&k, svc->namespace_, '/', svc->name)) {
		v = map_put(&st->services, k.p, k.n, &added);
		key_done(&k);
	}
	if (!v) {
		iw_service_free(svc);
		return IW_ENOMEM;
	}
	if (!added)
		iw_service_free(*v);
	*v = svc;
	st->knows_services = true;
	return IW_OK;
}

bool iw_state_del_service(struct iw_state *st, const char *ns, const char *name)
{
	struct key k;
	void *old;
	if (key_make(&k, iw_namespace_of(ns), '/', iw_nz(name)))
		return false;
	bool found = map_del(&st->services, k.p, k.n, &old);
	key_done(&k);
	if (found)
		iw_service_free(old);
	return found;
}

const struct iw_service *iw_state_get_service(const struct iw_state *st, const char *ns,
                                              const char *name)
{
	void **v = find_nsname(&st->services, ns, name);
	return v ? *v : NULL;
}

enum iw_err iw_state_put_configmap(struct iw_state *st, struct iw_configmap *cm)
{
	struct key k;
	bool added;
	void **v = NULL;
	if (!key_make(&k, cm->namespace_, '/', cm->name)) {
		v = map_put(&st->configmaps, k.p, k.n, &added);
		key_done(&k);
	}
	if (!v) {
		iw_configmap_free(cm);
		return IW_ENOMEM;
	}
	if (!added)
		iw_configmap_free(*v);
	*v = cm;
	return IW_OK;
}

const struct iw_configmap *iw_state_get_configmap(const struct iw_state *st, const char *ns,
                                                  const char *name)
{
	void **v = find_nsname(&st->configmaps, ns, name);
	return v ? *v : NULL;
}

/* Calls release(value) for every value of m, then empties m. */
static void release_all(struct map *m, void (*release)(void *arg, void *v), void *arg)
{
	void *v;
	for (size_t i = 0; release && i < map_end(m); i++)
		if (map_at(m, i, NULL, NULL, &v))
			release(arg, v);
	map_release(m);
}

static void rel_ing(void *st, void *v) { release_ing(st, v); }
static void rel_list(void *st, void *v)
{
	(void)st;
	if (has_list(v))
		free(list_of(v));
}
static void rel_class(void *st, void *v)
{
	const struct iw_state *s = st;
	if (s->free_class)
		s->free_class(v);
}
static void rel_svc(void *st, void *v)
{
	(void)st;
	iw_service_free(v);
}
static void rel_cm(void *st, void *v)
{
	(void)st;
	iw_configmap_free(v);
}

void iw_state_clear_ingresses(struct iw_state *st)
{
	release_all(&st->ings, rel_ing, st);
	release_all(&st->hosts, rel_list, st);
	arena_release(&st->kept);
	st->index_bytes = 0;
}

void iw_state_clear_classes(struct iw_state *st)
{
	release_all(&st->classes, rel_class, st);
}

void iw_state_clear_services(struct iw_state *st)
{
	release_all(&st->services, rel_svc, st);
}

void iw_state_clear(struct iw_state *st)
{
	iw_state_clear_ingresses(st);
	iw_state_clear_classes(st);
	iw_state_clear_services(st);
	release_all(&st->configmaps, rel_cm, st);
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
size_t iw_state_ningresses(const struct iw_state *st) { return map_count(&st->ings); }
size_t iw_state_nclasses(const struct iw_state *st) { return map_count(&st->classes); }
size_t iw_state_nservices(const struct iw_state *st) { return map_count(&st->services); }
size_t iw_state_slots(const struct iw_state *st) { return map_end(&st->ings); }
const struct ingress *iw_state_slot(const struct iw_state *st, size_t i)
{
	void *v;
	return map_at(&st->ings, i, NULL, NULL, &v) ? v : NULL;
}

const char *iw_state_default_class(const struct iw_state *st)
{
	const struct ingress_class *best = NULL;
	void *v;
	for (size_t i = 0; i < map_end(&st->classes); i++)
		if (map_at(&st->classes, i, NULL, NULL, &v) && iw_default_class_beats(v, best))
			best = v;
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
	struct key k;
	const char t[2] = { tag, 0 };
	*n = 0;
	if (key_make(&k, t, 0, host))
		return NULL;
	void **v = map_find(&st->hosts, k.p, k.n);
	key_done(&k);
	if (!v)
		return NULL;
	if (!has_list(*v)) {
		/* the value slot holds the one Ingress: a list of one (every
		 * pointer type has the representation of void * here) */
		*n = 1;
		return (const struct ingress *const *)v;
	}
	const struct ilist *l = list_of(*v);
	*n = l->n;
	return l->v;
}

const struct ingress *const *iw_state_by_host(const struct iw_state *st, const char *host,
                                              size_t *n)
{
	return lookup(st, 'H', iw_nz(host), n);
}
const struct ingress *const *iw_state_by_wild(const struct iw_state *st, const char *wild,
                                              size_t *n)
{
	/* the index keeps the suffix of a wildcard: "*.foo.com" under "W.foo.com" */
	if (wild[0] != '*') {
		*n = 0;
		return NULL;
	}
	return lookup(st, 'W', wild + 1, n);
}
const struct ingress *const *iw_state_by_tls(const struct iw_state *st, const char *host,
                                             size_t *n)
{
	return lookup(st, 'T', iw_nz(host), n);
}

const struct ingress *const *iw_state_by_group(const struct iw_state *st, const char *group,
                                               size_t *n)
{
	return lookup(st, 'G', iw_nz(group), n);
}

size_t iw_state_index_bytes(const struct iw_state *st)
{
	return sizeof *st + map_bytes(&st->ings) + map_bytes(&st->hosts) + st->index_bytes +
	       map_bytes(&st->classes) + map_bytes(&st->services) + map_bytes(&st->configmaps);
}
