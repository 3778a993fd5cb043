/*
 * diff: which requests reach a different backend between two configurations.
 *
 *   struct df_side old = { ... }, new = { ... };   // Ingresses or HTTPRoutes, a profile
 *   struct df_result res = { 0 };
 *   df_run(&old, &new, &opts, &res);                // probes, decisions, differences
 *   char *text = df_render(&res, DF_TEXT);           // or DF_JSON
 *   df_result_release(&res);
 *
 * Each side is a set of objects decided by one router: the Ingress router
 * of router/router.h under an Ingress profile (spec, ingress-nginx, ...), or
 * the HTTPRoute router of router/httproute.h under a Gateway API profile
 * (spec, envoy-gateway, ...).  The requests are generated from both sides'
 * boundaries (diff/probes.c): every host (a wildcard as one label, two
 * labels and the bare suffix), every path with its neighbours (a trailing
 * slash added or removed, a sub-path, a sibling with the same string
 * prefix, the parent, upper case, a percent-encoded letter), the methods,
 * headers and query parameters HTTPRoute matches test, an unknown host and
 * an unknown path.  Each request is decided on both sides; an outcome is
 * the status (200, 404, 500, a redirect's 30x) and what receives the request
 * (namespace/Service:port, a weighted split reduced to its proportions, a
 * redirect's Location).  Named Service ports are resolved through the
 * Services given, so "http" and 8080 compare equal when a Service says so.
 * Differences are grouped by cause (wildcard depth, Exact-versus-prefix
 * precedence, trailing slash, case, percent-encoding, method/header/query
 * conditions, no rule vs a default backend, backend changed, ...).
 *
 * Pure: router/, model/, base/; no I/O, no globals.  The sides' models must
 * outlive the result (it points into them).
 */
#ifndef IW_DIFF_DIFF_H
#define IW_DIFF_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "diff/side.h"
#include "model/service.h"
#include "router/httproute.h"

struct df_opts {
	/* Services for named ports (both sides' and the cluster's) */
	const struct iw_service *const *services;
	size_t nservices;
	size_t max_listed;                    /* differences kept with their details; 0: 1000 */
	size_t max_probes;                    /* 0: DF_MAX_PROBES */
};



/* One request. */
struct df_request {
	const char *host, *path, *method;     /* owned by the result */
	const struct gw_kv *headers;          /* at most one header and one query parameter */
	size_t nheaders;
	const struct gw_kv *query;
	size_t nquery;
	int kind, host_kind;                  /* what the path / the host tests (diff/dfint.h) */
	const char *note;                     /* "sibling of Prefix /api", ... (static or owned) */
};

/* What one side does with a request. */
struct df_outcome {
	int status;                           /* 200, 404, 500, 30x */
	char *target;                         /* "web/api:8080", "split ...", a Location, "" */
	const char *kind;                     /* "Ingress", "HTTPRoute", NULL: none */
	char *object;                         /* "ns/name" or NULL */
	char *where;                          /* "file:line" or NULL */
	char *why;                            /* the router's one-line reason */
	char *rule;                           /* "Prefix /api on host h" style, or NULL */
};

struct df_diff {
	struct df_request req;
	size_t cause;                         /* index into df_result.causes */
	struct df_outcome old, new_;
};

struct df_cause {
	char *title;                          /* "wildcard depth: ..." */
	size_t count;                         /* differences with this cause (all, not only listed) */
	size_t listed;                        /* of them kept in df_result.diffs */
};

struct df_result {
	size_t checked, differ;
	bool truncated;                       /* probe generation stopped at max_probes */
	struct df_diff *diffs;                /* in cause order, then generation order */
	size_t ndiffs, cap_diffs_;
	struct df_cause *causes;
	size_t ncauses, cap_causes_;
	char *old_desc, *new_desc;            /* "3 Ingresses under spec", "2 HTTPRoutes under envoy-gateway" */
	void *mem_;                           /* private */
};

/*
 * Compares: fills 'res' (which must be {0}).  Returns IW_OK, IW_ENOMEM, or
 * IW_EINVAL when a side's router cannot be built.
 */
enum iw_err df_run(const struct df_side *old, const struct df_side *new_, const struct df_opts *o,
                   struct df_result *res);
void df_result_release(struct df_result *res);

enum df_format { DF_TEXT, DF_JSON };
/* The report (new string the caller frees; NULL on OOM).  Text: a header,
 * each cause with its requests (old and new outcome, object, file:line,
 * why), a summary line "N requests checked, M differ".  JSON: {"checked",
 * "differ", "old", "new", "causes": [{"cause", "count", "requests": [{"request",
 * "old", "new"}]}]}. */
char *df_render(const struct df_result *res, enum df_format f);

#endif
