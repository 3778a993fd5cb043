/*
 * The background side of `serve` with a watched cluster: follows the cluster
 * cache (webhook/cluster.h), decides readiness from its health, keeps the
 * cluster metrics current, and audits the cached state
 * every interval: a JSON log line per finding ({"msg":"audit finding",
 * "check","severity","namespace","name","field","message"}), at most
 * WH_AUDIT_LOG_MAX of them per audit (the closing {"msg":"audit"} line says
 * how many more there were in "findings_not_logged"), and the gauge
 * ingress_warden_audit_findings{check=...} per check (every finding).
 */
#ifndef IW_WEBHOOK_AUDIT_H
#define IW_WEBHOOK_AUDIT_H

#include "checks/policy.h"
#include "webhook/cluster.h"
#include "webhook/metrics.h"
#include "webhook/policybox.h"

struct wh_audit;   /* opaque */

/* Finding lines logged per audit: a cluster of 10,000 conflicting Ingresses
 * is not 10,000 lines every interval (issue 11). */
#define WH_AUDIT_LOG_MAX 1000

/*
 * Readiness, from the audit thread, whenever it is re-evaluated (every
 * 200 ms): 'ready' 1 or 0, and a one-line note ("" when fresh) for /readyz.
 *
 *   state FRESH                           ready, no note
 *   --unsynced=deny, state not FRESH      not ready, the note says why
 *   allow/local, state STALE              ready, degraded: the webhook answers
 *                                         with the checks that need no state
 *   allow/local, never synced             not ready for max-stale seconds after
 *                                         the start, then ready (degraded): a
 *                                         webhook that cannot list (RBAC, no
 *                                         API server) must not leave an
 *                                         Ingress webhook with failurePolicy
 *                                         Fail without endpoints
 * Transitions are logged (info when fresh, warn otherwise, with the reason).
 */
typedef void (*wh_ready_fn)(void *arg, int ready, const char *note);

/*
 * Starts the thread.  'interval_s' 0 disables the periodic audit (metrics
 * and readiness still follow).  Each audit uses the policy current when it
 * starts.  Everything passed must outlive the audit.
 * NULL on failure.
 */
struct wh_audit *wh_audit_start(struct iw_cluster *c, struct wh_policy_box *p,
                                unsigned interval_s, enum iw_unsynced mode,
                                struct wh_metrics *m, wh_ready_fn on_ready, void *arg);
/* Stops and joins the thread (waits for an audit in progress).  NULL ok. */
void wh_audit_stop(struct wh_audit *a);

#endif
