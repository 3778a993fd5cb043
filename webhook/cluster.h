/*
 * The cluster state cache of `serve`: a checks/state.h state kept in step
 * with the API server by the list/watch client (webhook/watch.h), behind a
 * read-write lock, plus the audit of what is in it.
 *
 *   struct iw_cluster *c = iw_cluster_start(&watch_opts);
 *   ...
 *   const struct iw_state *st = iw_cluster_rdlock(c);   // admission: check against it
 *   iw_policy_check(policy, ing, old, st, &findings);
 *   iw_cluster_unlock(c);
 *
 * A relist replaces one resource's objects under the write lock (RESET to
 * SYNCED), so a reader never sees a half-listed state.
 */
#ifndef IW_WEBHOOK_CLUSTER_H
#define IW_WEBHOOK_CLUSTER_H

#include <stdbool.h>

#include "checks/policy.h"
#include "checks/state.h"
#include "webhook/watch.h"

/*
 * What the webhook answers while the state is not synced (serve
 * --unsynced=MODE; /readyz is false meanwhile):
 *   allow  (default) run the checks that need no cluster state, allow what
 *          they allow, and add the warning "ingress-warden: cluster state not
 *          synced yet: cross-object checks skipped";
 *   deny   deny every request with 503 "cluster state not synced yet" (the
 *          webhook's failurePolicy then decides);
 *   local  like allow, without the warning.
 */
enum iw_unsynced { IW_UNSYNCED_ALLOW = 0, IW_UNSYNCED_DENY, IW_UNSYNCED_LOCAL };
/* Parses "allow" / "deny" / "local"; false when unknown. */
bool iw_unsynced_parse(const char *s, enum iw_unsynced *out);
#define IW_UNSYNCED_WARNING "ingress-warden: cluster state not synced yet: cross-object checks skipped"

struct iw_cluster;   /* opaque */

#define IW_STALE_WARNING "ingress-warden: no contact with the API server: cross-object checks skipped"

/* Starts watching Ingresses, IngressClasses and Services.  'o' is copied
 * (its strings must outlive the cluster).  'max_stale_s': how long the
 * state may serve after the watch lost contact with the API server (and how
 * long a start may wait for the first lists before readiness gives up
 * waiting, see wh_audit).  NULL on failure. */
struct iw_cluster *iw_cluster_start(const struct iw_watch_opts *o, unsigned max_stale_s);
/* true once every resource has been listed */
bool iw_cluster_synced(const struct iw_cluster *c);

/*
 * The state's health:
 *   FRESH     every resource was listed and is in contact with the API server
 *             (a watch stream open, or a contact within max_stale_s): the
 *             cross-object checks use the state;
 *   STALE     listed once, but some resource has had no contact for longer
 *             than max_stale_s: the state is not used (serve --unsynced decides);
 *   UNSYNCED  some resource was never listed.
 * 'why' (may be NULL) gets one line naming the resource and the last failure
 * (HTTP status and the API server's message).
 */
enum iw_cluster_health { IW_CLUSTER_FRESH, IW_CLUSTER_STALE, IW_CLUSTER_UNSYNCED };
enum iw_cluster_health iw_cluster_health(const struct iw_cluster *c, char *why, size_t size);
/* Seconds since iw_cluster_start. */
double iw_cluster_age(const struct iw_cluster *c);
unsigned iw_cluster_max_stale(const struct iw_cluster *c);
/* Per resource (0 Ingresses, 1 IngressClasses, 2 Services): see watch.h. */
void iw_cluster_watch_health(const struct iw_cluster *c, size_t res, struct iw_watch_health *h);

/* Takes the read lock and returns the state; iw_cluster_unlock releases it. */
const struct iw_state *iw_cluster_rdlock(struct iw_cluster *c);
void iw_cluster_unlock(struct iw_cluster *c);

void iw_cluster_stats(const struct iw_cluster *c, struct iw_watch_stats *s);

/*
 * Audit of the cached state (under the read lock): every finding of the
 * policy's checks on every Ingress against the rest.  counts[i] gets the
 * number of findings of check i (for a metric per check); fn (may be NULL)
 * is called per Ingress with findings (for a log line per finding).
 * *total gets the number of findings.  Returns IW_OK or IW_ENOMEM.
 */
enum iw_err iw_cluster_audit(struct iw_cluster *c, const struct iw_policy *p,
                             unsigned long counts[IW_NCHECKS], iw_audit_fn fn, void *arg,
                             size_t *total);

void iw_cluster_stop(struct iw_cluster *c);   /* NULL ok */

#endif
