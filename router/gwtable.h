/*
 * Internal to router/: the Gateway API routing table that gwtable.c
 * builds and gwmatch.c reads.  Not for callers (router/httproute.h).
 */
#ifndef IW_ROUTER_GWTABLE_H
#define IW_ROUTER_GWTABLE_H

#include "base/arena.h"
#include "base/buf.h"
#include "base/regex.h"
#include "router/httproute.h"

/* One match of a rule, prepared for matching. */
struct gw_cmatch {
	const struct gw_match *m;
	size_t route, rule, index;       /* route: index into t->routes */
	const char *path;                /* Exact: normalised value; PathPrefix: normalised,
	                                    trailing '/' removed ("" for "/"); Regex: the pattern */
	size_t path_len;
	size_t chars;                    /* characters of the value as written */
	struct iw_re *path_re;           /* RegularExpression */
	struct iw_re **value_re;         /* per header then per query match: regex or NULL */
	bool broken;                     /* a regular expression did not compile: never matches */
	size_t nheaders, nquery;         /* distinct names (the first entry of a name counts) */
	size_t exact_headers, exact_query;
	bool *header_counts, *query_counts;   /* per entry: it is the first of its name */
};

struct gw_croute {
	const struct httproute *r;
	const char *ns, *name;
	bool has_ts;
	long long ts;
	size_t first, n;                 /* its matches: t->matches[first .. first+n) */
	size_t order;                    /* age order (oldest first; spec: no timestamp last) */
};

struct gw_clistener {
	const struct gateway *g;
	const struct gw_listener *l;
	size_t index;                    /* in its Gateway */
	bool https;
};

struct gw_attach {
	size_t listener, route;
	bool any;                        /* any host (no hostname on either side) */
	const char **hosts;              /* effective hostnames */
	size_t nhosts;
};

/* (hostname key, attachment), sorted by key */
struct gw_hkey {
	const char *key;
	size_t att;
};

struct gw_svc {
	const char *ns, *name;
};

struct gw_table {
	enum gw_profile profile;
	const struct gateway *const *gateways;   /* every Gateway of the input (borrowed) */
	size_t ngateways;
	int status;                      /* IW_OK or IW_ENOTFOUND (no such Gateway) */
	struct gw_clistener *listeners;
	size_t nlisteners;
	struct gw_croute *routes;
	size_t nroutes;
	struct gw_cmatch *matches;
	size_t nmatches;
	struct gw_attach *att;
	size_t natt;
	struct gw_hkey *exact, *wild;    /* wild: key is the suffix after "*." */
	size_t nexact, nwild;
	size_t *any;
	size_t nany;
	struct gw_svc *svcs;             /* sorted */
	size_t nsvcs;
	bool check_services;
	const struct reference_grant *const *grants;
	size_t ngrants;
	struct buf notes;
	struct arena mem;
};

/* ---- one request (gwaction.c) ---- */

struct req {
	struct rt_nreq n;                          /* normalised host and path */
	const char *method;
	struct gw_kv headers[GW_MAX_REQ_FIELDS];
	size_t nheaders;
	struct gw_kv query[2 * GW_MAX_REQ_FIELDS];
	size_t nquery;
	char qbuf[RT_MAX_PATH + 1];                /* "?a=b&c" of the path, split */
	long port;
};

enum miss { M_OK = 0, M_PATH, M_METHOD, M_HEADER, M_QUERY, M_BROKEN };

struct cand {
	size_t att, cm;
	size_t host_exact, host_chars;   /* rank of the best matching effective hostname */
	const char *hostname;            /* it; NULL: any host */
	enum miss miss;
	const char *which;
	bool location;                   /* nginx-gateway-fabric: in the chosen location */
};

struct work {
	const struct gw_table *t;
	struct req *r;
	struct cand *c;
	size_t n, cap;
	size_t *atts;                    /* attachments taking the host */
	size_t natts, capatts;
	struct buf *tx;                  /* the explanation, or NULL */
};


/* Reads and normalises the request (rt_norm_request; a "?query" in the
 * path adds query parameters).  IW_OK or IW_ETOOBIG. */
int gw_read_request(const struct gw_request *in, struct req *r);
/* The path condition of a match (the profile's regex dialect). */
bool gw_path_ok(const struct gw_table *t, const struct gw_cmatch *cm, const char *p, size_t n);
/* Method, headers, query; *which gets the header / query name that failed. */
enum miss gw_rest_ok(const struct gw_table *t, const struct gw_cmatch *cm, const struct req *r,
                     const char **which);
/* Fills d with the winning candidate's route, rule and outcome. */
void gw_act(const struct gw_table *t, const struct req *r, const struct cand *c,
            struct gw_decision *d);
/* "NS/NAME spec.rules[i].matches[j] TYPE VALUE ... -> outcome" */
void gw_text_match(struct buf *b, const struct gw_table *t, const struct cand *c);
const char *gw_miss_text(enum miss m);

/* Host matching of the Gateway API (SEMANTICS.md 2): "*.S" matches any
 * name ending in ".S" with at least one more label; else equality. */
bool gw_hostmatch(const char *pattern, const char *host, size_t host_len);

#endif
