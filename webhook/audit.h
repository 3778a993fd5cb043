/*
 * The background side of `serve` with a watched cluster: follows the cluster
 * cache (webhook/cluster.h), flips readiness once the first lists are
 * synced, keeps the cluster metrics current, and audits the cached state
 * every interval: a JSON log line per finding ({"msg":"audit finding",
 * "check","severity","namespace","name","field","message"}) and the gauge
 * ingress_warden_audit_findings{check=...} per check.
 */
#ifndef IW_WEBHOOK_AUDIT_H
#define IW_WEBHOOK_AUDIT_H

#include "checks/policy.h"
#include "webhook/cluster.h"
#include "webhook/metrics.h"

struct wh_audit;   /* opaque */

/* Called once, from the audit thread, when the cluster state is first synced. */
typedef void (*wh_synced_fn)(void *arg);

/*
 * Starts the thread.  'interval_s' 0 disables the periodic audit (metrics
 * and readiness still follow).  Everything passed must outlive the audit.
 * NULL on failure.
 */
struct wh_audit *wh_audit_start(struct iw_cluster *c, const struct iw_policy *p,
                                unsigned interval_s, struct wh_metrics *m,
                                wh_synced_fn on_synced, void *arg);
/* Stops and joins the thread (waits for an audit in progress).  NULL ok. */
void wh_audit_stop(struct wh_audit *a);

#endif
