/*
 * Comparing two routers: which requests reach another backend under table A
 * than under table B (route --compare spec,ingress-nginx: the surprises a
 * team meets when it leaves ingress-nginx; diff, issue 14: a change under
 * review, a controller switch, a migration to HTTPRoutes).
 *
 * The requests are the probes of both tables (router/probes.h, with every
 * variant: RT_PROBE_ALL), so each side's boundaries are probed: every path
 * and its neighbours, letter case, trailing slashes, percent-encodings,
 * dot segments, wildcard depths, hosts with ports and trailing dots.  Each
 * is decided under both tables; two outcomes differ when their backends
 * differ (rt_outcome: the backend id of rt_backend_id, or "none"), or when
 * one side answers a status the other does not (a redirect, 400).
 *
 *   struct rt_comparison c = { 0 };
 *   if (rt_compare(a, b, &c) == IW_OK)
 *       for (size_t i = 0; i < c.n; i++) ... c.v[i].probe, c.v[i].a, c.v[i].b ...
 *   rt_comparison_release(&c);
 *
 * Decisions borrow from their tables (and the tables from their models):
 * both must outlive the comparison.  Explanations are not computed here
 * (they cost a pass each): rt_explain(t, probe->host, ..., probe->path, ...)
 * gives them for the differences a caller shows.
 *
 * Pure: no I/O, no globals.
 */
#ifndef IW_ROUTER_COMPARE_H
#define IW_ROUTER_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "router/probes.h"
#include "router/router.h"

#define RT_COMPARE_MAX_DIFFS 100000   /* more are counted, not kept */

struct rt_difference {
	size_t probe;                   /* index in rt_comparison.probes */
	struct rt_decision a, b;        /* the decision under each table */
};

struct rt_comparison {              /* `struct rt_comparison c = {0};` is empty */
	struct rt_probes probes;        /* every request compared */
	struct rt_difference *v;        /* those whose outcome differs, in probe order */
	size_t n;                       /* kept */
	size_t ndiff;                   /* found (n < ndiff past RT_COMPARE_MAX_DIFFS) */
	size_t undecided;               /* probes a table refused (host or path too long) */
};

/*
 * The outcome of a decision as compared: "NS/NAME/SERVICE:PORT" (rt_backend_id)
 * for a backend, "none" when no backend serves and the answer is a 404 or not
 * modelled, "none (STATUS)" for another status (a redirect, 400, 403, 200 of
 * a health check), "unknown" when the router cannot tell (status 0 of a
 * profile that models statuses, e.g. a configuration nginx refuses).
 */
void rt_outcome(const struct rt_decision *d, char *buf, size_t size);
/* rt_outcome(a) != rt_outcome(b) */
bool rt_outcomes_differ(const struct rt_decision *a, const struct rt_decision *b);

/* Generates the probes of a then b, decides each under both, keeps those
 * whose outcomes differ.  IW_OK or IW_ENOMEM (then c holds what it had). */
int rt_compare(const struct rt_table *a, const struct rt_table *b, struct rt_comparison *c);
void rt_comparison_release(struct rt_comparison *c);

#endif
