/*
 * Server metrics, updated lock-free from the MHD threads and rendered in the
 * Prometheus text exposition format (version 0.0.4) for GET /metrics.
 * A struct wh_metrics is plain zero-initialised memory owned by the server.
 */
#ifndef IW_WEBHOOK_METRICS_H
#define IW_WEBHOOK_METRICS_H

#include <stdatomic.h>
#include <stddef.h>

enum wh_outcome {
	WH_OUT_ALLOWED,    /* 200, allowed */
	WH_OUT_DENIED,     /* 200, denied */
	WH_OUT_INVALID,    /* 400: malformed JSON or not an AdmissionReview */
	WH_OUT_REJECTED,   /* 404/405/413/415/408: refused before review */
	WH_OUT_ERROR,      /* 5xx */
	WH_OUT_N
};
enum wh_version { WH_VER_V1, WH_VER_V1BETA1, WH_VER_NONE, WH_VER_N };

#define WH_AUDIT_MAX_CHECKS 32
#define WH_HIST_N 14      /* latency buckets, see wh_hist_bounds in metrics.c */

struct wh_metrics {
	atomic_ulong reviews[WH_OUT_N][WH_VER_N];
	atomic_ulong hist[WH_HIST_N + 1];    /* last: +Inf */
	atomic_ulong hist_sum_ns;
	atomic_long in_flight;
	atomic_ulong lint[3];                /* ok, findings denied, bad request */
	atomic_ulong slow_cut;               /* connections cut for a slow request */
	atomic_ulong evicted;                /* idle connections that gave way (conntab.h) */
	atomic_ulong busy;                   /* large requests answered 503 (budgets) */
	/* Cluster state and audit (serve --kubeconfig / --in-cluster, webhook/audit.h);
	 * rendered only when cluster_watch is set. */
	atomic_int cluster_watch;
	atomic_int cluster_synced;
	atomic_ulong cluster_objects[3];     /* Ingresses, IngressClasses, Services */
	atomic_ulong cluster_relists, cluster_reconnects;
	atomic_int cluster_fresh;            /* 1 while every resource is in contact (max-stale) */
	atomic_ulong watch_failures[3];      /* failed lists and watches, per resource */
	atomic_llong contact_age_ms[3];      /* since the last contact with the API server; -1 never */
	atomic_ulong audit_runs;
	atomic_ulong audit_findings[WH_AUDIT_MAX_CHECKS];
	const char *audit_checks[WH_AUDIT_MAX_CHECKS];   /* check IDs (static), set before serving */
};

/* Records one finished review-endpoint request that took 'ns' nanoseconds. */
void wh_metrics_observe(struct wh_metrics *m, enum wh_outcome o, enum wh_version v,
                        unsigned long long ns);

/* Values the server supplies at render time. */
struct wh_metrics_extra {
	long long cert_not_after;      /* Unix seconds, 0 when no TLS */
	long long now;                 /* Unix seconds */
	unsigned long reloads, reload_failures;
	unsigned connections;          /* open connections now */
	const char *version;           /* build version */
};

/* Renders everything; new malloc'd string (caller frees) or NULL on OOM. */
char *wh_metrics_render(const struct wh_metrics *m, const struct wh_metrics_extra *x);

#endif
