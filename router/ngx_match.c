/*
 * The ingress-nginx emulation, request side (router/ngx.h): one request
 * through nginx and the controller's Lua, step by step, as
 * SEMANTICS-ingress-nginx.md sec. 9, 11 and 7 say ("sec. N").  One
 * function decides; given buffers it also writes the explanation (the
 * format of router.h), so that what rt_explain prints is what rt_match did.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/err.h"
#include "profile/ingress_nginx.h"
#include "router/ngx.h"
#include "router/norm.h"

#define ACME_PREFIX "/.well-known/acme-challenge"   /* no-tls-redirect-locations, cfg:908 */
#define EXPLAIN_MAX (4u << 20)
#define LIST_AT_MOST 100                            /* regex locations listed */
#define TAG " [ingress-nginx]"

/* ---- server (sec. 9.1) ------------------------------------------------------------- */

/* ingress-nginx writes "*.suffix" as server_name ~^(?<subdomain>[\w-]+)\.suffix$ */
static bool word_label(const char *h, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = h[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* nginx's wildcard names ("*.x", ".x": any depth, the longest wins; "x.*"),
 * which only server-alias can write. */
static uint32_t alias_wildcard(const struct ngx_table *x, const char *h, size_t n)
{
	uint32_t best = NGX_NONE;
	size_t best_len = 0;
	for (int pass = 0; pass < 2 && best == NGX_NONE; pass++)
		for (size_t k = 0; k < x->nwaliases; k++) {
			const char *al = x->waliases[k].alias;
			size_t l = strlen(al);
			if (pass == 0 && (al[0] == '*' || al[0] == '.')) {
				const char *suf = al[0] == '*' ? al + 1 : al;   /* ".x" */
				size_t sl = strlen(suf);
				bool m = (n > sl && !strncasecmp(h + n - sl, suf, sl)) ||
				         (al[0] == '.' && n == sl - 1 && !strncasecmp(h, suf + 1, n));
				if (m && sl > best_len) {
					best = x->waliases[k].server;
					best_len = sl;
				}
			} else if (pass == 1 && l > 2 && al[l - 1] == '*' && al[l - 2] == '.') {
				if (n > l - 1 && !strncasecmp(h, al, l - 1) && l - 1 > best_len) {
					best = x->waliases[k].server;
					best_len = l - 1;
				}
			}
		}
	return best;
}

/* The server nginx picks for the (validated, lower-cased) host: an exact
 * name, an nginx wildcard alias, an ingress-nginx wildcard host (a regex
 * server name), else the default server "_". */
static uint32_t pick_server(const struct ngx_table *x, const char *h, size_t n,
                            enum rt_group_kind *kind)
{
	uint32_t s = ngx_server_lookup(x, h, n, false);
	*kind = RT_G_EXACT;
	if (s != NGX_NONE)
		return s;
	if ((s = alias_wildcard(x, h, n)) != NGX_NONE)
		return s;
	const char *dot = memchr(h, '.', n);
	*kind = RT_G_WILDCARD;
	if (dot && word_label(h, (size_t)(dot - h)) &&
	    (s = ngx_server_lookup(x, dot + 1, n - (size_t)(dot + 1 - h), true)) != NGX_NONE)
		return s;
	*kind = RT_G_HOSTLESS;
	return x->dflt;
}

/* certificate.lua:48-72 get_pem_cert_uid: the Host (lower case) is a server
 * hostname with a certificate, or "*." + the Host without its first label
 * is. */
static bool cert_for(const struct ngx_table *x, const char *h, size_t n)
{
	if (n == 1 && h[0] == '_')
		return true;
	uint32_t s = ngx_server_lookup(x, h, n, false);
	if (s != NGX_NONE && x->servers[s].hlen == n && !strncasecmp(x->servers[s].host, h, n) &&
	    x->servers[s].cert)
		return true;   /* a server without one is not in the dictionary: go on */
	const char *dot = memchr(h, '.', n);
	if (dot && dot > h) {
		s = ngx_server_lookup(x, dot + 1, n - (size_t)(dot + 1 - h), true);
		if (s != NGX_NONE)
			return x->servers[s].cert;
	}
	return false;
}

/* ---- locations (sec. 9.4) --------------------------------------------------------- */

enum { ST_DECLINED, ST_OK, ST_AGAIN, ST_DONE };

/* ngx_http_core_find_static_location, line for line */
static int find_static(const struct ngx_table *x, uint32_t ni, const char *u, size_t len,
                       uint32_t *loc)
{
	int rv = ST_DECLINED;
	for (;;) {
		if (ni == NGX_NONE)
			return rv;
		const struct ngx_node *nd = &x->nodes[ni];
		size_t n = len <= nd->len ? len : nd->len;
		int rc = ngx_fcmp(u, nd->name, n);
		if (rc != 0) {
			ni = rc < 0 ? nd->left : nd->right;
			continue;
		}
		if (len > nd->len) {
			if (nd->inclusive != NGX_NONE) {
				*loc = nd->inclusive;
				rv = ST_AGAIN;
				ni = nd->tree;
				u += n;
				len -= n;
				continue;
			}
			ni = nd->right;   /* exact only */
			continue;
		}
		if (len == nd->len) {
			*loc = nd->exact != NGX_NONE ? nd->exact : nd->inclusive;
			return nd->exact != NGX_NONE ? ST_OK : ST_AGAIN;
		}
		if (len + 1 == nd->len && nd->auto_redirect) {
			*loc = nd->exact != NGX_NONE ? nd->exact : nd->inclusive;
			rv = ST_DONE;
		}
		ni = nd->left;
	}
}

/* ---- text ------------------------------------------------------------------------ */

struct out {
	struct buf *t;              /* the explanation, or NULL */
	struct buf *r;              /* the reason line, or NULL */
};

static const char *loc_type_text(const struct ngx_loc *l)
{
	return l->type == NGX_T_EXACT ? "Exact" : l->type == NGX_T_PREFIX ? "Prefix" : l->ptype;
}

/* `location = "/p"` / `location "/p/"` / `location ~* "^/p"` */
static void text_directive(struct buf *b, const struct ngx_server *sv, const struct ngx_loc *l)
{
	bool builtin = l->kind == NGX_L_HEALTHZ || l->kind == NGX_L_STATUS;
	if (sv->regex && !builtin)
		buf_printf(b, "location ~* \"^%s\"", l->path);
	else if (l->type == NGX_T_EXACT)
		buf_printf(b, "location = \"%s\"", l->path);
	else
		buf_printf(b, "location \"%s\"", l->path);
}

/* Where a location comes from: "default/app spec.rules[0].http.paths[1] Prefix /api
 * -> service api:80" */
static void text_origin(struct buf *b, const struct ngx_table *x, const struct ngx_loc *l)
{
	const struct ngx_ing *n = l->ing != NGX_NONE ? &x->ings[l->ing] : NULL;
	switch (l->kind) {
	case NGX_L_PATH:
		buf_printf(b, "%s/%s spec.rules[%u].http.paths[%u] %s %s%s -> ", n->ns, n->name,
		           l->rule, l->pidx,
		           l->defaulted ? "ImplementationSpecific (read as Prefix)"
		           : l->copy ? "Prefix" : loc_type_text(l),
		           l->ing_path, l->copy ? " (its Exact copy)" : "");
		rt_text_backend(b, l->backend);
		break;
	case NGX_L_ROOT:
		buf_puts(b, "the server's root (its fallback");
		if (n)
			buf_printf(b, ", created by %s/%s", n->ns, n->name);
		buf_puts(b, ") -> ");
		if (l->backend) {
			buf_printf(b, "%s/%s spec.defaultBackend ", n->ns, n->name);
			rt_text_backend(b, l->backend);
		} else {
			buf_puts(b, "the controller's default backend (404)");
		}
		break;
	case NGX_L_CATCHALL:
		buf_printf(b, "the catch-all: %s/%s spec.defaultBackend (an Ingress without rules) -> ",
		           n->ns, n->name);
		rt_text_backend(b, l->backend);
		break;
	case NGX_L_HEALTHZ:
		buf_puts(b, "built in: return 200");
		break;
	case NGX_L_STATUS:
		buf_puts(b, "built in: stub_status for 127.0.0.1 only (403)");
		break;
	}
}

static void line_loc(struct out *o, const struct ngx_table *x, const struct ngx_server *sv,
                     const struct ngx_loc *l, const char *mark, const char *what)
{
	if (!o->t)
		return;
	buf_printf(o->t, "  %s ", mark);
	text_directive(o->t, sv, l);
	buf_puts(o->t, " <- ");
	text_origin(o->t, x, l);
	buf_printf(o->t, "%s%s\n", what ? ": " : "", what ? what : "");
}

/* ---- the decision ---------------------------------------------------------------- */

static void none(struct rt_decision *d, int status, const char *note)
{
	d->match = RT_NONE;
	d->status = status;
	d->note = note;
}

static enum rt_path_type written_type(const char *t)
{
	return t && !strcmp(t, "Exact") ? RT_EXACT : t && !strcmp(t, "Prefix") ? RT_PREFIX : RT_IS;
}

/* The decision for an Ingress path (rule) or defaultBackend (default). */
static void served(const struct ngx_table *x, struct rt_decision *d, uint32_t ing,
                   const struct iw_backend *be, bool dflt)
{
	const struct ngx_ing *n = &x->ings[ing];
	d->kind = "Ingress";
	d->namespace_ = n->ns;
	d->name = n->name;
	d->ingress = n->ing;
	d->backend = be;
	d->status = 200;
	d->match = dflt ? RT_DEFAULT : RT_RULE;
	if (dflt)
		return;
	/* the rule as written: the path whose backend this is */
	for (size_t j = 0; j < n->ing->nrules; j++)
		for (size_t p = 0; p < n->ing->rules[j].npaths; p++) {
			const struct iw_path *pa = &n->ing->rules[j].paths[p];
			if (&pa->backend != be)
				continue;
			d->rule_host = iw_nz(n->ing->rules[j].host);
			d->rule_path = iw_nz(pa->path);
			d->path_type = written_type(pa->path_type);
			d->rule_index = j;
			d->path_index = p;
			d->rule = &n->ing->rules[j];
			d->path = pa;
			return;
		}
}

/* sec. 7 (balancer.lua:194-277): the alternative backend of the location's
 * upstream, for a request without canary header or cookie.  true when the
 * canary serves it. */
static bool canary(const struct ngx_table *x, const struct ngx_loc *l, struct rt_decision *d,
                   struct out *o)
{
	uint32_t alt = x->ups[l->ups].alt;
	if (alt == NGX_NONE)
		return false;
	const struct ngx_ups *a = &x->ups[alt];
	const struct ngx_ing *c = &x->ings[a->creator];
	if (a->deleted) {
		if (o->t)
			buf_printf(o->t, "canary: upstream %s has the alternative %s, which no longer "
			           "exists: the main backend serves" TAG "\n", x->ups[l->ups].name, a->name);
		return false;
	}
	/* a traffic shaping policy exists only when a canary created the upstream */
	long long w = a->no_server ? c->weight : 0;
	long long total = a->no_server && c->weight_total > 100 ? c->weight_total : 100;
	if (o->t) {
		buf_printf(o->t, "canary: upstream %s (every location using service %s) has the "
		           "alternative %s of %s/%s: weight %lld of %lld", x->ups[l->ups].name,
		           l->backend->service.name, a->name, c->ns, c->name, w, total);
		if (a->no_server && (c->by_header || c->by_cookie))
			buf_printf(o->t, ", by %s", c->by_header ? "header" : "cookie");
	}
	bool to_canary = w >= total;
	if (o->t)
		buf_printf(o->t, ": %s" TAG "\n",
		           to_canary ? "every request without canary header or cookie goes to the canary"
		           : w <= 0 ? "requests without canary header or cookie stay on the main backend"
		           : "a random share goes to the canary; the main backend is reported");
	if (!to_canary && w > 0) {
		d->note = "a random share of the requests goes to the canary backend";
		if (o->r)
			buf_printf(o->r, "; weight %lld of %lld of the requests go to the canary %s/%s"
			           TAG, w, total, c->ns, c->name);
	}
	if (to_canary)
		served(x, d, a->creator, a->backend, a->creator_default);
	return to_canary;
}

/* One request: server 'sv' (NGX_NONE: nginx answered 400 for the Host),
 * 'cert' whether Lua finds a certificate for the Host, 'r' the normalised
 * request. */
static void decide(const struct ngx_table *x, uint32_t svi, enum rt_group_kind gk, bool cert,
                   const struct rt_nreq *r, struct rt_decision *d, struct out *o)
{
	memset(d, 0, sizeof *d);
	d->profile = IW_PROFILE_INGRESS_NGINX;
	d->changes = r->host_changes | r->path_changes;
	d->winner = d->runner_up = -1;
	if (x->rejected) {
		if (o->t)
			buf_printf(o->t, "configuration: nginx refuses it (%s); ingress-nginx keeps "
			           "running the configuration it had before, which is not known here"
			           TAG "\n", x->rejected);
		if (o->r)
			buf_printf(o->r, "nginx refuses this configuration (%s): the outcome is that of "
			           "the previous configuration" TAG, x->rejected);
		none(d, 0, "nginx refuses the configuration");
		return;
	}
	if (r->invalid || svi == NGX_NONE) {
		const char *why = r->invalid ? r->invalid : "invalid Host";
		if (o->t)
			buf_printf(o->t, "nginx: 400 Bad Request: %s" TAG "\n", why);
		if (o->r)
			buf_printf(o->r, "nginx answers 400: %s" TAG, why);
		none(d, 400, NULL);
		return;
	}
	const struct ngx_server *sv = &x->servers[svi];
	d->group = gk;
	if (o->t) {
		buf_printf(o->t, "server: \"%s\" (%s; locations: %u%s)%s\n", sv->host,
		           gk == RT_G_EXACT ? "server_name equals the Host"
		           : gk == RT_G_WILDCARD ? "the wildcard host's server_name "
		                                   "~^(?<subdomain>[\\w-]+)\\.<suffix>$ matches one label"
		           : "no server_name matches: the default server; rules without a host "
		             "live here",
		           sv->n, sv->regex ? ", regex mode" : "",
		           gk != RT_G_EXACT ? TAG : "");
		for (uint32_t i = sv->first; sv->regex && i < sv->first + sv->n; i++) {
			const struct ngx_loc *l = &x->locs[i];
			if (!l->regex_self)
				continue;
			const struct ngx_ing *n = &x->ings[l->ann];
			buf_printf(o->t, "note: regex mode: %s/%s sets %s (location \"%s\"), so every "
			           "location of the host is written `location ~* \"^path\"`: caseless, "
			           "anchored at the start only, the first match in the written order "
			           "(longer paths first) wins" TAG "\n", n->ns, n->name,
			           n->use_regex ? "use-regex" : "a rewrite-target", l->path);
			break;
		}
	}
	/* sec. 9.3: app-root (server-level `if ($uri = /)`) */
	if (sv->app_root != NGX_NONE && r->path_len == 1 && r->path[0] == '/') {
		const struct ngx_loc *l = &x->locs[sv->app_root];
		const struct ngx_ing *n = &x->ings[l->ann];
		if (o->t)
			buf_printf(o->t, "app-root: %s/%s sets app-root %s: nginx answers 302 to it before "
			           "choosing a location" TAG "\n", n->ns, n->name, n->app_root);
		if (o->r)
			buf_printf(o->r, "302 redirect to app-root %s of %s/%s" TAG, n->app_root, n->ns,
			           n->name);
		none(d, 302, NULL);
		return;
	}
	/* sec. 9.4 */
	uint32_t li = NGX_NONE;
	int rc = find_static(x, sv->static_root, r->path, r->path_len, &li);
	if (rc == ST_DONE) {
		const struct ngx_loc *l = &x->locs[li];
		if (o->t) {
			buf_puts(o->t, "locations:\n");
			line_loc(o, x, sv, l, "*", "its name is the path plus '/': nginx redirects");
		}
		if (o->r)
			buf_printf(o->r, "301 redirect to \"%s\": location \"%s\" ends in '/' and no "
			           "location is named \"%s\"" TAG, l->path, l->path, r->path);
		none(d, 301, NULL);
		return;
	}
	const struct ngx_loc *prefix = rc == ST_AGAIN ? &x->locs[li] : NULL;
	if (o->t)
		buf_puts(o->t, "locations:\n");
	if (rc == ST_OK) {
		line_loc(o, x, sv, &x->locs[li], "*", "exact match");
	} else {
		if (prefix && sv->rx_n)
			line_loc(o, x, sv, prefix, "-",
			         "the longest matching prefix: used unless a regex matches");
		li = rc == ST_AGAIN ? li : NGX_NONE;
		for (uint32_t k = 0; k < sv->rx_n; k++) {
			const struct ngx_loc *l = &x->locs[x->rx[sv->rx_first + k]];
			if (l->re_err) {
				if (o->t)
					line_loc(o, x, sv, l, "?", "cannot be evaluated here");
				if (o->r)
					buf_printf(o->r, "cannot decide: the regex of location ~* \"^%s\" uses "
					           "PCRE syntax this emulation does not evaluate (%s)", l->path,
					           l->re_err);
				none(d, 0, "a regex location this emulation cannot evaluate");
				return;
			}
			/* PCRE's '$' (no DOLLAR_ENDONLY) also matches before a final
			 * newline, which a decoded %0A can put there */
			bool m = iw_re_search(l->re, r->path, r->path_len) ||
			         (l->dollar && r->path_len && r->path[r->path_len - 1] == '\n' &&
			          iw_re_search(l->re, r->path, r->path_len - 1));
			if (o->t && (m || k < LIST_AT_MOST))
				line_loc(o, x, sv, l, m ? "*" : " ", m ? "matches first" : "no match");
			if (m) {
				li = x->rx[sv->rx_first + k];
				break;
			}
		}
		if (prefix && li == (uint32_t)(prefix - x->locs))
			line_loc(o, x, sv, prefix, "*",
			         sv->rx_n ? "no regex matches: the prefix is chosen"
			                  : "the longest matching prefix; chosen");
	}
	if (li == NGX_NONE) {
		if (o->t)
			buf_puts(o->t, "  no location matches: nginx answers 404\n");
		if (o->r)
			buf_puts(o->r, "no location matches" TAG);
		none(d, 404, NULL);
		return;
	}
	const struct ngx_loc *l = &x->locs[li];
	if (o->r) {
		text_directive(o->r, sv, l);
		buf_printf(o->r, " of server \"%s\"%s", sv->host,
		           gk == RT_G_WILDCARD ? " (one-label wildcard)" TAG
		           : gk == RT_G_HOSTLESS ? " (the default server)" TAG : "");
		if (sv->regex && l->kind != NGX_L_HEALTHZ && l->kind != NGX_L_STATUS)
			buf_puts(o->r, ", the first regex location that matches (regex mode: caseless, "
			         "anchored at the start only)" TAG);
	}
	if (l->kind == NGX_L_HEALTHZ || l->kind == NGX_L_STATUS) {
		if (o->r)
			buf_printf(o->r, ": built in, answers %d" TAG, l->kind == NGX_L_HEALTHZ ? 200 : 403);
		none(d, l->kind == NGX_L_HEALTHZ ? 200 : 403, NULL);
		return;
	}
	/* sec. 11 (lua_ingress.lua:65-79) */
	const struct ngx_ing *an = l->ann != NGX_NONE ? &x->ings[l->ann] : NULL;
	bool acme = !strncmp(l->path, ACME_PREFIX, sizeof ACME_PREFIX - 1);
	bool force = an && an->force_ssl_redirect, ssl = an && an->ssl_redirect;
	if (!acme && (force || (ssl && cert))) {
		const char *why = force ? "force-ssl-redirect" : "the Host has a TLS certificate";
		if (o->t)
			buf_printf(o->t, "https: %s: Lua answers 308 to https" TAG "\n", why);
		if (o->r)
			buf_printf(o->r, ": 308 redirect to https (%s)" TAG, why);
		none(d, 308, NULL);
		return;
	}
	if (o->t && cert && !force)
		buf_printf(o->t, "https: %s: no redirect%s\n",
		           acme ? "an ACME challenge location" : "ssl-redirect is off here",
		           acme ? TAG : "");
	if (l->ups == NGX_NONE) {
		if (o->t)
			buf_puts(o->t, "backend: the controller's default backend: 404\n");
		if (o->r)
			buf_puts(o->r, ": the controller's default backend (404)" TAG);
		none(d, 404, NULL);
		return;
	}
	if (x->ups[l->ups].deleted) {
		if (o->r)
			buf_printf(o->r, ": its upstream %s was removed (a canary without main): 503" TAG,
			           x->ups[l->ups].name);
		none(d, 503, NULL);
		return;
	}
	if (!canary(x, l, d, o))
		served(x, d, l->ing, l->backend, l->kind != NGX_L_PATH);
	else if (o->r)
		buf_puts(o->r, ", its upstream's canary serves" TAG);
}

/* ---- entry points --------------------------------------------------------------------- */

static int match(const struct ngx_table *x, const char *host, size_t host_len, const char *path,
                 size_t path_len, struct rt_decision *d, struct out *o, struct rt_nreq *r)
{
	int rc = rt_norm_request_nginx(host, host_len, path, path_len, r);
	if (rc) {
		memset(d, 0, sizeof *d);
		d->profile = IW_PROFILE_INGRESS_NGINX;
		return rc;
	}
	enum rt_group_kind gk = RT_G_NONE;
	uint32_t s = NGX_NONE;
	bool cert = false;
	if (!r->invalid) {
		s = pick_server(x, r->host, r->host_len, &gk);
		cert = cert_for(x, r->host, r->host_len);
	}
	decide(x, s, gk, cert, r, d, o);
	return IW_OK;
}

int rt_ngx_match(const struct ngx_table *x, const char *host, size_t host_len, const char *path,
                 size_t path_len, struct rt_decision *d)
{
	struct rt_nreq r;   /* ~9 KB, as the reference's buffers */
	struct out o = { NULL, NULL };
	return match(x, host, host_len, path, path_len, d, &o, &r);
}

/* The prepared host: group = server * 4 + cert * 2 + group kind bit (wildcard), or -1 for
 * a Host nginx refuses. */
int rt_ngx_host_prepare(const struct ngx_table *x, const char *host, size_t host_len,
                        struct rt_host *h)
{
	struct rt_nreq *r = malloc(sizeof *r);
	if (!r)
		return IW_ENOMEM;
	int rc = rt_norm_request_nginx(host, host_len, "/", 1, r);
	h->valid = rc == IW_OK;
	h->group = -1;
	h->changes = r->host_changes;
	if (rc == IW_OK && !r->invalid) {
		enum rt_group_kind gk;
		uint32_t s = pick_server(x, r->host, r->host_len, &gk);
		h->group = (long)s * 8 + (long)cert_for(x, r->host, r->host_len) * 4 + (long)gk;
	}
	free(r);
	return rc;
}

int rt_ngx_match_host(const struct ngx_table *x, const struct rt_host *h, const char *path,
                      size_t path_len, struct rt_decision *d)
{
	if (!h->valid) {
		memset(d, 0, sizeof *d);
		d->profile = IW_PROFILE_INGRESS_NGINX;
		return IW_ETOOBIG;
	}
	if (path_len == 0 || path[0] != '/')   /* an absolute-form target brings its own host */
		return rt_ngx_match(x, "", 0, path, path_len, d);
	struct rt_nreq *r = malloc(sizeof *r);
	if (!r)
		return IW_ENOMEM;
	int rc = rt_norm_request_nginx("h", 1, path, path_len, r);
	if (rc == IW_OK) {
		struct out o = { NULL, NULL };
		r->host_changes = h->changes;
		uint32_t s = h->group < 0 ? NGX_NONE : (uint32_t)(h->group / 8);
		decide(x, s, (enum rt_group_kind)(h->group < 0 ? 0 : h->group % 4),
		       h->group >= 0 && (h->group / 4) % 2, r, d, &o);
	}
	free(r);
	return rc;
}

char *rt_ngx_explain(const struct ngx_table *x, const char *host, size_t host_len,
                     const char *path, size_t path_len, const struct rt_decision *dd,
                     char **reason)
{
	(void)dd;
	struct buf t, rb;
	buf_init(&t, EXPLAIN_MAX);
	buf_init(&rb, 64 * 1024);
	struct rt_nreq *r = malloc(sizeof *r);
	struct rt_decision d;
	char *text = NULL;
	if (reason)
		*reason = NULL;
	if (!r)
		goto out;
	buf_puts(&t, "profile: ingress-nginx (kubernetes/ingress-nginx v1.15.1 on nginx 1.27, "
	         "emulated; SEMANTICS-ingress-nginx.md)\n");
	struct out o = { &t, &rb };
	/* the request lines come first: decide into a scratch buffer */
	struct buf steps;
	buf_init(&steps, EXPLAIN_MAX);
	o.t = &steps;
	if (match(x, host, host_len, path, path_len, &d, &o, r) != IW_OK) {
		buf_release(&steps);
		goto out;
	}
	buf_printf(&t, "request: host \"%.*s\" -> \"%s\"", (int)host_len, host, r->host);
	if (r->host_changes) {
		buf_puts(&t, " (");
		rt_text_changes(&t, r->host_changes);
		buf_printf(&t, ")%s", r->host_changes & RT_N_ABSOLUTE ? TAG : "");
	}
	buf_printf(&t, "\n         path \"%.*s\" -> \"%s\"", (int)path_len, path, r->path);
	if (r->path_changes) {
		buf_puts(&t, " (");
		rt_text_changes(&t, r->path_changes);
		buf_printf(&t, ")%s", r->path_changes & RT_N_PCT_ALL ? TAG : "");
	}
	buf_puts(&t, "\n");
	for (size_t i = 0; i < x->nskipped && i < 20; i++)
		buf_printf(&t, "note: %s/%s is not served: %s%s%s%s" TAG "\n",
		           iw_namespace(&x->skipped[i].ing->meta), iw_nz(x->skipped[i].ing->meta.name),
		           x->skipped[i].annotation ? IW_NGX_PREFIX : "",
		           x->skipped[i].annotation ? x->skipped[i].annotation : "",
		           x->skipped[i].annotation ? ": " : "", x->skipped[i].why);
	if (steps.p)
		buf_add(&t, steps.p, steps.len);
	if (steps.err && !t.err)
		t.err = steps.err;
	buf_release(&steps);
	if (d.note)
		buf_printf(&t, "note: %s\n", d.note);
	rt_text_decision(&t, &d);
	if (d.status)
		buf_printf(&t, "status: %d\n", d.status);
	buf_printf(&t, "reason: %s\n", rb.p ? rb.p : "");
	if (t.err || rb.err)
		goto out;
	text = buf_steal(&t, NULL);
	if (reason && text) {
		*reason = buf_steal(&rb, NULL);
		if (!*reason) {
			free(text);
			text = NULL;
		}
	}
out:
	free(r);
	buf_release(&t);
	buf_release(&rb);
	return text;
}
