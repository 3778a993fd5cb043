/*
 * The ingress-nginx routing emulation (profile ingress-nginx), private to
 * router/: users reach it through rt_build / rt_match / rt_explain of
 * router.h with rt_input.profile = IW_PROFILE_INGRESS_NGINX.
 *
 * It decides as kubernetes/ingress-nginx controller v1.15.1 with nginx
 * 1.27 did, per tests/corpus/SEMANTICS-ingress-nginx.md (cited as "sec. N";
 * the Go and Lua sources it cites are kubernetes/ingress-nginx at tag
 * controller-v1.15.1, nginx's are nginx 1.27.1):
 *
 *   ngx_build.c    the controller's side: which Ingresses it serves
 *                  (sec. 1), their order (sec. 3), upstreams (sec. 4),
 *                  servers (sec. 5), locations (sec. 6), canaries (sec. 7),
 *                  then what nginx makes of the rendered configuration:
 *                  server names, the static location tree of each server
 *                  (ngx_http_init_static_location_trees, built as nginx
 *                  builds it, so that its walk gives nginx's answer), the
 *                  regex locations in the order they are written, and the
 *                  configurations nginx refuses (sec. 10);
 *   ngx_match.c    one request, step by step (sec. 9, 11, 7): Host and
 *                  target normalisation (router/norm.h, nginx option),
 *                  server choice, app-root, location choice, the Lua HTTPS
 *                  redirect, the canary decision; with a trace that
 *                  rt_explain prints, so the explanation is the decision.
 *
 * Regex locations are matched by base/regex (linear time): nginx uses
 * PCRE; a regex that PCRE refuses makes nginx refuse the configuration
 * (iw_ngx_pcre_error, sec. 10); one that PCRE compiles and base/regex
 * refuses (lookaround, backreferences, ...) cannot be evaluated, and a
 * decision that depends on it says so.
 *
 * Pure: no I/O, no globals.  The table borrows the models it is built from.
 */
#ifndef IW_ROUTER_NGX_H
#define IW_ROUTER_NGX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/regex.h"
#include "profile/ingress_nginx.h"
#include "router/router.h"

#define NGX_NONE UINT32_MAX

/* A served Ingress, in ingress-nginx's order (sec. 3): index = rank. */
struct ngx_ing {
	const struct ingress *ing;
	const char *ns, *name;
	size_t input_idx;
	struct iw_ngx_age age;      /* its key in that order (profile/ingress_nginx.h) */
	bool canary;
	/* annotations read through profile/ingress_nginx.h */
	bool use_regex;
	const char *rewrite;        /* a valid, non-empty rewrite-target, or NULL */
	const char *app_root;       /* a valid app-root, or NULL */
	bool ssl_redirect, force_ssl_redirect;
	/* canary traffic shaping (canary/main.go) */
	long long weight, weight_total;
	bool by_header, by_cookie;
	bool has_tls;               /* a non-empty spec.tls */
	const char *server_alias;   /* a valid server-alias value, or NULL */
};

enum ngx_lkind {
	NGX_L_PATH = 0,    /* an Ingress path */
	NGX_L_ROOT,        /* a server's root "/" (IsDefBackend): the host's fallback */
	NGX_L_CATCHALL,    /* the "_" root taken by a defaultBackend without rules */
	NGX_L_HEALTHZ,     /* location /healthz of "_": 200 */
	NGX_L_STATUS,      /* location /nginx_status of "_": 403 */
};

enum ngx_ltype { NGX_T_EXACT = 0, NGX_T_PREFIX, NGX_T_OTHER };

struct ngx_loc {
	enum ngx_lkind kind;
	const char *path;           /* the location name as rendered (sec. 6.7) */
	size_t plen;
	const char *ing_path;       /* the path before sec. 6.7 ("" -> "/") */
	enum ngx_ltype type;        /* after defaulting; the copy of sec. 6.7 is Exact */
	const char *ptype;          /* NGX_T_OTHER: the pathType as written */
	bool copy;                  /* the Exact copy of a Prefix location (sec. 6.7) */
	bool expanded;              /* a Prefix location whose name got a '/' (sec. 6.7) */
	bool defaulted;             /* written ImplementationSpecific or without pathType */
	uint32_t ing;               /* whose Ingress (path, root, catch-all); NGX_NONE */
	uint32_t ann;               /* whose annotations (rewrite, ssl, app-root); NGX_NONE */
	uint32_t rule, pidx;        /* NGX_L_PATH: spec.rules[rule].http.paths[pidx] */
	const struct iw_backend *backend;   /* NULL: upstream-default-backend */
	uint32_t ups;               /* upstream; NGX_NONE: the default backend */
	bool regex_self;            /* use-regex, or a rewrite-target other than its path */
	struct iw_re *re;           /* server in regex mode: "^" + path, caseless */
	bool dollar;                /* the regex has a '$' (PCRE: also before a final '\n') */
	const char *re_err;         /* ... or why base/regex cannot evaluate it */
	uint32_t order;             /* insertion order in its server (sec. 6.4) */
	uint32_t taken_by;          /* NGX_L_ROOT taken over by a "/" path: its Ingress */
};

/* A node of nginx's static location tree (ngx_http_location_tree_node_t). */
struct ngx_node {
	uint32_t left, right, tree; /* nodes; NGX_NONE */
	uint32_t exact, inclusive;  /* locations; NGX_NONE */
	bool auto_redirect;
	const char *name;           /* the name after the parent's prefix */
	size_t len;
};

struct ngx_server {
	const char *host;           /* the rule host as written; "_" */
	size_t hlen;
	bool wildcard;              /* "*.suffix": server_name ~^(?<subdomain>[\w-]+)\.suffix$ */
	uint32_t creator;           /* the Ingress that created it; NGX_NONE for "_" */
	uint32_t first, n;          /* its locations in rendered order: locs[first .. first+n) */
	bool regex;                 /* regex mode (sec. 6, "Regex mode") */
	bool cert;                  /* has a certificate (sec. 5.5) */
	const char **aliases;       /* server-alias names kept (sec. 5.4) */
	size_t naliases;
	uint32_t app_root;          /* the location whose app-root is written first; NGX_NONE */
	uint32_t static_root;       /* its static location tree; NGX_NONE when empty */
	uint32_t rx_first, rx_n;    /* regex locations, in order: rx[rx_first .. +rx_n) */
};

struct ngx_ups {                /* an upstream: "<namespace>-<service>-<port>" */
	const char *name;
	bool no_server;             /* created by a canary (sec. 4) */
	uint32_t creator;           /* the Ingress whose backend created it */
	const struct iw_backend *backend;   /* that backend */
	bool creator_default;       /* ... its spec.defaultBackend */
	uint32_t alt;               /* first alternative backend (sec. 7); NGX_NONE */
	bool deleted;               /* a canary upstream that found no primary */
};

struct ngx_name {
	uint64_t h;                 /* 0: empty slot */
	uint32_t kind;              /* 0 exact name, 1 wildcard suffix */
	const char *k;
	size_t kl;
	uint32_t server;
};

struct ngx_walias {
	uint32_t server;
	const char *alias;
};

struct ngx_skip {
	const struct ingress *ing;
	const char *why;            /* static text */
	const char *annotation;     /* the annotation that decided (no prefix), or NULL */
};

struct ngx_table {
	struct ngx_ing *ings;       /* served, in order (sec. 3) */
	size_t nings;
	size_t *input_served;       /* input indexes of the served Ingresses, ascending */
	struct ngx_server *servers; /* servers[0] is "_"; the others sorted by host */
	size_t nservers;
	struct ngx_loc *locs;
	size_t nlocs;
	struct ngx_node *nodes;
	size_t nnodes;
	uint32_t *rx;               /* regex locations of every server, by server */
	size_t nrx;
	struct ngx_ups *ups;
	size_t nups;
	uint32_t dflt;              /* the server "_" */
	/* server names (open addressing): lower-cased exact names (hosts and
	 * exact aliases, kind 0) and wildcard hosts by their suffix (kind 1) */
	struct ngx_name *names;
	size_t names_mask;
	struct ngx_walias *waliases;   /* the wildcard aliases ("*.x", ".x", "x.*"), in config order */
	size_t nwaliases;
	const char *rejected;       /* nginx refuses the configuration: why (sec. 10) */
	struct ngx_skip *skipped;   /* Ingresses the controller ignores, and why */
	size_t nskipped;
	struct arena mem;
};

/* ngx_filename_cmp (src/core/ngx_string.c): bytes compared up to a NUL,
 * with '/' the lowest character; how nginx sorts its static locations and
 * walks their tree. */
static inline int ngx_fcmp(const char *a, const char *b, size_t n)
{
	for (; n; n--) {
		unsigned c1 = (unsigned char)*a++, c2 = (unsigned char)*b++;
		if (c1 == c2) {
			if (!c1)
				return 0;
			continue;
		}
		if (c1 == 0 || c2 == 0)
			return (int)c1 - (int)c2;
		c1 = c1 == '/' ? 0 : c1;
		c2 = c2 == '/' ? 0 : c2;
		return (int)c1 - (int)c2;
	}
	return 0;
}

/* ngx_select.c: x->ings (served, in order), x->skipped, x->input_served */
int ngx_select(struct ngx_table *x, const struct rt_input *in);

/* ngx_build.c */
int rt_ngx_build(const struct rt_input *in, struct ngx_table **out);
void rt_ngx_free(struct ngx_table *x);
/* A server by its lower-cased name (exact), or the wildcard server whose
 * suffix it is (wildcard = true, name = the suffix with its dot); NGX_NONE. */
uint32_t ngx_server_lookup(const struct ngx_table *x, const char *name, size_t len,
                           bool wildcard);
/* Whether the location's Ingress asks for regex: use-regex, or a
 * rewrite-target other than the location's name (tg:497-519). */
bool ngx_loc_regex(const struct ngx_table *x, const struct ngx_loc *l, const char *path);

/* ngx_load.c: nginx loads the rendered configuration (static location
 * trees, regexes, server names); IW_OK or IW_ENOMEM. */
int ngx_load_config(struct ngx_table *x);

/* ngx_match.c */
int rt_ngx_match(const struct ngx_table *x, const char *host, size_t host_len,
                 const char *path, size_t path_len, struct rt_decision *d);
int rt_ngx_host_prepare(const struct ngx_table *x, const char *host, size_t host_len,
                        struct rt_host *h);
int rt_ngx_match_host(const struct ngx_table *x, const struct rt_host *h, const char *path,
                      size_t path_len, struct rt_decision *d);
char *rt_ngx_explain(const struct ngx_table *x, const char *host, size_t host_len,
                     const char *path, size_t path_len, const struct rt_decision *d,
                     char **reason);

#endif
