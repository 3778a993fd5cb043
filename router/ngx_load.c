/*
 * The ingress-nginx emulation, nginx's side (router/ngx.h): what nginx 1.27
 * makes of the configuration ngx_build.c rendered: the static location
 * tree of each server, built as ngx_http_init_static_location_trees builds
 * it (ngx_http.c), so that walking it gives nginx's answer; the regex
 * locations compiled as `location ~* "^path"`; the configurations nginx
 * refuses (duplicate locations); the server names.
 */
#include <stdio.h>   /* snprintf only */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "profile/ingress_nginx.h"
#include "router/ngx.h"

#define MAX_NEST 4096                /* static locations nested deeper: refused */

static void *take(struct ngx_table *x, size_t n)
{
	return arena_alloc(&x->mem, ((n ? n : 1) + 15) & ~(size_t)15);
}

static uint64_t hash_key(uint32_t kind, const char *k, size_t kl)
{
	uint64_t h = 0xCBF29CE484222325ULL ^ kind;
	for (size_t i = 0; i < kl; i++)
		h = (h ^ (unsigned char)k[i]) * 0x100000001B3ULL;
	h ^= h >> 29;
	return h ? h : 1;
}

/* The regex of a location of a server in regex mode: `location ~* "^path"`
 * (tg:523-539; sanitizeQuotedRegex's escapes are undone by nginx's parser).
 * A pattern PCRE refuses makes nginx refuse the configuration (sec. 10). */
static int compile(struct ngx_table *x, const struct ngx_server *sv, struct ngx_loc *l)
{
	char err[160];
	char pcre[400];
	if (iw_ngx_pcre_error(l->path, l->plen, pcre, sizeof pcre)) {
		if (!strcmp(pcre, "out of memory"))
			return IW_ENOMEM;
		l->re_err = "nginx refuses it";
		if (!x->rejected) {
			size_t n = strlen(pcre) + sv->hlen + 64;
			char *why = take(x, n);
			if (!why)
				return IW_ENOMEM;
			snprintf(why, n, "%s, location of server \"%s\"", pcre, sv->host);
			x->rejected = why;
		}
		return IW_OK;
	}
	char *pat = take(x, l->plen + 2);
	if (!pat)
		return IW_ENOMEM;
	pat[0] = '^';
	memcpy(pat + 1, l->path, l->plen + 1);
	l->re = iw_re_compile(pat, l->plen + 1, IW_RE_ICASE, err, sizeof err);
	for (size_t i = 0; i < l->plen; i++) {
		if (l->path[i] == '\\')
			i++;   /* an escaped character */
		else if (l->path[i] == '$')
			l->dollar = true;
	}
	if (!l->re) {
		if (!strcmp(err, "out of memory"))
			return IW_ENOMEM;
		char *e = take(x, strlen(err) + 1);
		if (!e)
			return IW_ENOMEM;
		memcpy(e, err, strlen(err) + 1);
		l->re_err = e;
	}
	return IW_OK;
}

/* ---- nginx: the static location tree (ngx_http.c) --------------------------------- */

struct sent {                   /* a static location (after joining "= p" and "p") */
	const char *name;
	size_t len;
	uint32_t exact, incl;       /* locations; NGX_NONE */
	bool auto_redirect;
};

/* ngx_http_cmp_locations: by name (ngx_filename_cmp over len + 1 bytes, i.e.
 * with the terminating NUL; '/' sorts lowest); the exact one first for
 * equal names. */
static int cmp_sent(const void *pa, const void *pb)
{
	const struct sent *a = pa, *b = pb;
	int c = ngx_fcmp(a->name, b->name, (a->len < b->len ? a->len : b->len) + 1);
	if (c)
		return c;
	return (a->exact == NGX_NONE) - (b->exact == NGX_NONE);
}

struct tb {
	struct ngx_table *x;
	struct sent *e;
	size_t *end;                /* end[i]: first entry after i's nested ones */
	uint32_t *scratch;
	uint32_t *node_ent;         /* node -> its entry */
};

static uint32_t new_node(struct tb *t, const struct sent *e, size_t prefix)
{
	struct ngx_table *x = t->x;
	uint32_t ni = (uint32_t)x->nnodes++;
	struct ngx_node *nd = &x->nodes[ni];
	nd->left = nd->right = nd->tree = NGX_NONE;
	nd->exact = e->exact;
	nd->inclusive = e->incl;
	nd->auto_redirect = e->auto_redirect;
	nd->name = e->name + prefix;
	nd->len = e->len - prefix;
	t->node_ent[ni] = (uint32_t)(e - t->e);
	return ni;
}

/* ngx_http_create_locations_tree over one list: the middle (ngx_queue_middle:
 * index m / 2) is the node, the halves its subtrees. */
static uint32_t bst(struct tb *t, const uint32_t *tops, size_t m, size_t prefix)
{
	if (m == 0)
		return NGX_NONE;
	size_t mid = m / 2;
	uint32_t ni = new_node(t, &t->e[tops[mid]], prefix);
	uint32_t l = bst(t, tops, mid, prefix);
	uint32_t r = bst(t, tops + mid + 1, m - mid - 1, prefix);
	t->x->nodes[ni].left = l;
	t->x->nodes[ni].right = r;
	return ni;
}

/* One level (ngx_http_create_locations_list): entries lo..hi that are
 * nested in no other entry of the range, as a tree; each inclusive one gets
 * the tree of the entries nested in it, with its name as their prefix. */
static uint32_t level(struct tb *t, size_t lo, size_t hi, size_t prefix, int depth)
{
	struct ngx_table *x = t->x;
	if (lo >= hi)
		return NGX_NONE;
	if (depth > MAX_NEST) {
		if (!x->rejected)
			x->rejected = "locations are nested deeper than this emulation follows";
		return NGX_NONE;
	}
	size_t m = 0;
	for (size_t i = lo; i < hi; i = t->end[i])
		t->scratch[lo + m++] = (uint32_t)i;
	uint32_t first = (uint32_t)x->nnodes;
	uint32_t root = bst(t, t->scratch + lo, m, prefix);
	for (uint32_t ni = first; ni < first + m; ni++) {
		size_t ei = t->node_ent[ni];
		if (t->e[ei].incl != NGX_NONE && t->end[ei] > ei + 1) {
			uint32_t sub = level(t, ei + 1, t->end[ei], t->e[ei].len, depth + 1);
			x->nodes[ni].tree = sub;
		}
	}
	return root;
}

/* The static locations of server sv (exact and prefix, not regex) as nginx
 * builds their tree (ngx_http_init_static_location_trees); a duplicate
 * name makes nginx refuse the configuration (ngx_http_join_exact_locations). */
static int static_tree(struct ngx_table *x, struct ngx_server *sv, uint32_t *node_ent)
{
	int err = IW_OK;
	size_t n = 0;
	for (uint32_t i = sv->first; i < sv->first + sv->n; i++) {
		const struct ngx_loc *l = &x->locs[i];
		n += !sv->regex || l->kind == NGX_L_HEALTHZ || l->kind == NGX_L_STATUS;
	}
	sv->static_root = NGX_NONE;
	if (n == 0)
		return IW_OK;
	struct sent *e = malloc(n * sizeof *e);
	size_t *end = malloc(n * sizeof *end);
	uint32_t *scratch = malloc(n * sizeof *scratch);
	size_t *stack = malloc(n * sizeof *stack);
	if (!e || !end || !scratch || !stack) {
		err = IW_ENOMEM;
		goto out;
	}
	size_t k = 0;
	for (uint32_t i = sv->first; i < sv->first + sv->n; i++) {
		const struct ngx_loc *l = &x->locs[i];
		bool builtin = l->kind == NGX_L_HEALTHZ || l->kind == NGX_L_STATUS;
		if (sv->regex && !builtin)
			continue;
		bool exact = l->type == NGX_T_EXACT;
		/* proxy_pass in a location whose name ends in '/' (every Ingress
		 * location has one): ngx_http_proxy_pass sets auto_redirect */
		e[k++] = (struct sent){ l->path, l->plen, exact ? i : NGX_NONE, exact ? NGX_NONE : i,
		                        !builtin && l->path[l->plen - 1] == '/' };
	}
	qsort(e, n, sizeof *e, cmp_sent);
	/* ngx_http_join_exact_locations */
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		if (w && !strcmp(e[w - 1].name, e[i].name)) {
			struct sent *p = &e[w - 1];
			if ((p->exact != NGX_NONE && e[i].exact != NGX_NONE) ||
			    (p->incl != NGX_NONE && e[i].incl != NGX_NONE)) {
				if (!x->rejected) {
					char *why = take(x, e[i].len + sv->hlen + 64);
					if (why)
						snprintf(why, e[i].len + sv->hlen + 64,
						         "duplicate location \"%s\" in server \"%s\"", e[i].name,
						         sv->host);
					x->rejected = why;
				}
				continue;
			}
			p->incl = e[i].incl;
			p->auto_redirect = p->auto_redirect || e[i].auto_redirect;
			continue;
		}
		e[w++] = e[i];
	}
	n = w;
	/* end[i]: an inclusive entry holds the entries after it that its name
	 * is a prefix of (ngx_http_create_locations_list); one pass with a stack
	 * of the open inclusive entries */
	size_t top = 0;
	for (size_t i = 0; i < n; i++) {
		while (top && !(e[i].len >= e[stack[top - 1]].len &&
		                !memcmp(e[i].name, e[stack[top - 1]].name, e[stack[top - 1]].len)))
			end[stack[--top]] = i;
		if (e[i].incl != NGX_NONE)
			stack[top++] = i;
		else
			end[i] = i + 1;
	}
	while (top)
		end[stack[--top]] = n;
	struct tb t = { x, e, end, scratch, node_ent };
	sv->static_root = level(&t, 0, n, 0, 0);
out:
	free(e);
	free(end);
	free(scratch);
	free(stack);
	return err;
}

/* ---- server names ------------------------------------------------------------------ */

static void name_put(struct ngx_table *x, uint32_t kind, const char *k, size_t kl, uint32_t sid)
{
	uint64_t h = hash_key(kind, k, kl);
	for (size_t i = h & x->names_mask;; i = (i + 1) & x->names_mask) {
		struct ngx_name *e = &x->names[i];
		if (e->h == h && e->kind == kind && e->kl == kl && !memcmp(e->k, k, kl))
			return;   /* the first server in config order keeps the name */
		if (!e->h) {
			*e = (struct ngx_name){ h, kind, k, kl, sid };
			return;
		}
	}
}

uint32_t ngx_server_lookup(const struct ngx_table *x, const char *k, size_t kl, bool wildcard)
{
	uint32_t kind = wildcard;
	uint64_t h = hash_key(kind, k, kl);
	for (size_t i = h & x->names_mask;; i = (i + 1) & x->names_mask) {
		const struct ngx_name *e = &x->names[i];
		if (!e->h)
			return NGX_NONE;
		if (e->h == h && e->kind == kind && e->kl == kl && !memcmp(e->k, k, kl))
			return e->server;
	}
}

static const char *lower(struct ngx_table *x, const char *a, size_t n)
{
	char *p = take(x, n + 1);
	if (!p)
		return NULL;
	for (size_t i = 0; i < n; i++)
		p[i] = (a[i] >= 'A' && a[i] <= 'Z') ? (char)(a[i] - 'A' + 'a') : a[i];
	p[n] = '\0';
	return p;
}

/* An alias nginx treats as a wildcard ("*.x", ".x", "x.*") or a regex ("~"). */
static bool alias_wild(const char *a)
{
	size_t n = strlen(a);
	return a[0] == '*' || a[0] == '.' || a[0] == '~' || (n > 1 && a[n - 1] == '*');
}

static int server_names(struct ngx_table *x)
{
	size_t n = 0;
	for (size_t i = 0; i < x->nservers; i++)
		n += 1 + x->servers[i].naliases;
	size_t cap = 16;
	while (cap < 2 * n + 2)
		cap *= 2;
	x->names = take(x, cap * sizeof *x->names);
	x->waliases = take(x, n * sizeof *x->waliases);
	if (!x->names || !x->waliases)
		return IW_ENOMEM;
	memset(x->names, 0, cap * sizeof *x->names);
	x->names_mask = cap - 1;
	for (uint32_t i = 0; i < x->nservers; i++) {
		const struct ngx_server *sv = &x->servers[i];
		if (i == x->dflt)
			continue;   /* server_name "_": matches nothing */
		if (sv->wildcard) {
			const char *k = lower(x, sv->host + 2, sv->hlen - 2);
			if (!k)
				return IW_ENOMEM;
			name_put(x, 1, k, sv->hlen - 2, i);
		} else {
			const char *k = lower(x, sv->host, sv->hlen);
			if (!k)
				return IW_ENOMEM;
			name_put(x, 0, k, sv->hlen, i);
		}
		for (size_t a = 0; a < sv->naliases; a++) {
			const char *al = sv->aliases[a];
			if (alias_wild(al)) {   /* looked up by ngx_match.c in config order */
				x->waliases[x->nwaliases++] = (struct ngx_walias){ i, al };
				continue;
			}
			const char *k = lower(x, al, strlen(al));
			if (!k)
				return IW_ENOMEM;
			name_put(x, 0, k, strlen(al), i);
		}
	}
	return IW_OK;
}

int ngx_load_config(struct ngx_table *x)
{
	int err = IW_OK;
	size_t nstatic = 0;
	for (size_t o = 0; o < x->nservers; o++)
		nstatic += x->servers[o].n;
	x->rx = take(x, nstatic * sizeof *x->rx);
	x->nodes = take(x, nstatic * sizeof *x->nodes);
	uint32_t *node_ent = malloc((nstatic ? nstatic : 1) * sizeof *node_ent);
	if (!x->rx || !x->nodes || !node_ent) {
		free(node_ent);
		return IW_ENOMEM;
	}
	for (size_t o = 0; o < x->nservers && !err; o++) {
		struct ngx_server *sv = &x->servers[o];
		sv->rx_first = (uint32_t)x->nrx;
		for (uint32_t i = sv->first; sv->regex && i < sv->first + sv->n && !err; i++) {
			struct ngx_loc *l = &x->locs[i];
			if (l->kind == NGX_L_HEALTHZ || l->kind == NGX_L_STATUS)
				continue;   /* written as plain prefix locations */
			err = compile(x, sv, l);
			x->rx[x->nrx++] = i;
		}
		sv->rx_n = (uint32_t)x->nrx - sv->rx_first;
		if (!err)
			err = static_tree(x, sv, node_ent);
	}
	free(node_ent);
	return err ? err : server_names(x);
}

