/* Prometheus text rendering of the server metrics (see metrics.h). */
#include "webhook/metrics.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Seconds; admission reviews take tens of microseconds, the API server's
 * timeout is at most 30 s. */
static const double wh_hist_bounds[WH_HIST_N] = {
	0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
	0.01, 0.025, 0.05, 0.1, 0.5, 1, 5,
};
static const char *const outcome_name[WH_OUT_N] = { "allowed", "denied", "invalid", "rejected", "error" };
static const char *const version_name[WH_VER_N] = { "v1", "v1beta1", "none" };

void wh_metrics_observe(struct wh_metrics *m, enum wh_outcome o, enum wh_version v,
                        unsigned long long ns)
{
	atomic_fetch_add_explicit(&m->reviews[o][v], 1, memory_order_relaxed);
	double s = (double)ns / 1e9;
	size_t i = 0;
	while (i < WH_HIST_N && s > wh_hist_bounds[i])
		i++;
	atomic_fetch_add_explicit(&m->hist[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&m->hist_sum_ns, ns, memory_order_relaxed);
}

struct out { char *s; size_t n, cap; int oom; };

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	if (o->oom)
		return;
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int k = vsnprintf(o->s + o->n, o->cap - o->n, fmt, ap);
		va_end(ap);
		if (k < 0) {
			o->oom = 1;
			return;
		}
		if ((size_t)k < o->cap - o->n) {
			o->n += (size_t)k;
			return;
		}
		size_t nc = o->cap * 2 + (size_t)k;
		char *ns = realloc(o->s, nc);
		if (!ns) {
			o->oom = 1;
			return;
		}
		o->s = ns;
		o->cap = nc;
	}
}

#define LOAD(x) atomic_load_explicit(&(x), memory_order_relaxed)

char *wh_metrics_render(const struct wh_metrics *cm, const struct wh_metrics_extra *x)
{
	struct wh_metrics *m = (struct wh_metrics *)(uintptr_t)cm;   /* atomics are read-only here */
	struct out o = { malloc(4096), 0, 4096, 0 };
	if (!o.s)
		return NULL;
	put(&o, "# HELP ingress_warden_admission_requests_total Admission review requests by outcome and AdmissionReview version.\n"
	        "# TYPE ingress_warden_admission_requests_total counter\n");
	for (int i = 0; i < WH_OUT_N; i++)
		for (int v = 0; v < WH_VER_N; v++)
			put(&o, "ingress_warden_admission_requests_total{outcome=\"%s\",version=\"%s\"} %lu\n",
			    outcome_name[i], version_name[v], LOAD(m->reviews[i][v]));
	put(&o, "# HELP ingress_warden_admission_duration_seconds Time from the request's headers to its answer.\n"
	        "# TYPE ingress_warden_admission_duration_seconds histogram\n");
	unsigned long cum = 0;
	for (int i = 0; i < WH_HIST_N; i++) {
		cum += LOAD(m->hist[i]);
		put(&o, "ingress_warden_admission_duration_seconds_bucket{le=\"%g\"} %lu\n",
		    wh_hist_bounds[i], cum);
	}
	cum += LOAD(m->hist[WH_HIST_N]);
	put(&o, "ingress_warden_admission_duration_seconds_bucket{le=\"+Inf\"} %lu\n", cum);
	put(&o, "ingress_warden_admission_duration_seconds_sum %.9f\n",
	    (double)LOAD(m->hist_sum_ns) / 1e9);
	put(&o, "ingress_warden_admission_duration_seconds_count %lu\n", cum);
	put(&o, "# HELP ingress_warden_requests_in_flight Requests being received or answered now.\n"
	        "# TYPE ingress_warden_requests_in_flight gauge\n"
	        "ingress_warden_requests_in_flight %ld\n", LOAD(m->in_flight));
	put(&o, "# HELP ingress_warden_open_connections Open client connections.\n"
	        "# TYPE ingress_warden_open_connections gauge\n"
	        "ingress_warden_open_connections %u\n", x->connections);
	put(&o, "# HELP ingress_warden_slow_requests_cut_total Connections closed because a request was not received in time.\n"
	        "# TYPE ingress_warden_slow_requests_cut_total counter\n"
	        "ingress_warden_slow_requests_cut_total %lu\n", LOAD(m->slow_cut));
	put(&o, "# HELP ingress_warden_connections_evicted_total Connections without a request in progress closed to make room for new ones.\n"
	        "# TYPE ingress_warden_connections_evicted_total counter\n"
	        "ingress_warden_connections_evicted_total %lu\n", LOAD(m->evicted));
	put(&o, "# HELP ingress_warden_requests_busy_total Large requests answered 503 because too many large bodies were held or parsed at once.\n"
	        "# TYPE ingress_warden_requests_busy_total counter\n"
	        "ingress_warden_requests_busy_total %lu\n", LOAD(m->busy));
	put(&o, "# HELP ingress_warden_lint_requests_total Lint endpoint requests by result.\n"
	        "# TYPE ingress_warden_lint_requests_total counter\n"
	        "ingress_warden_lint_requests_total{result=\"ok\"} %lu\n"
	        "ingress_warden_lint_requests_total{result=\"denied\"} %lu\n"
	        "ingress_warden_lint_requests_total{result=\"bad_request\"} %lu\n",
	    LOAD(m->lint[0]), LOAD(m->lint[1]), LOAD(m->lint[2]));
	if (LOAD(m->cluster_watch)) {
		static const char *const kinds[3] = { "Ingress", "IngressClass", "Service" };
		put(&o, "# HELP ingress_warden_cluster_state_synced 1 once every watched resource was listed.\n"
		        "# TYPE ingress_warden_cluster_state_synced gauge\n"
		        "ingress_warden_cluster_state_synced %d\n", LOAD(m->cluster_synced));
		put(&o, "# HELP ingress_warden_cluster_state_objects Objects in the cluster state cache.\n"
		        "# TYPE ingress_warden_cluster_state_objects gauge\n");
		for (int i = 0; i < 3; i++)
			put(&o, "ingress_warden_cluster_state_objects{kind=\"%s\"} %lu\n", kinds[i],
			    LOAD(m->cluster_objects[i]));
		put(&o, "# HELP ingress_warden_cluster_watch_relists_total Relists after 410 Gone.\n"
		        "# TYPE ingress_warden_cluster_watch_relists_total counter\n"
		        "ingress_warden_cluster_watch_relists_total %lu\n"
		        "# HELP ingress_warden_cluster_watch_reconnects_total Watch reconnections.\n"
		        "# TYPE ingress_warden_cluster_watch_reconnects_total counter\n"
		        "ingress_warden_cluster_watch_reconnects_total %lu\n",
		    LOAD(m->cluster_relists), LOAD(m->cluster_reconnects));
		static const char *const res[3] = { "ingresses", "ingressclasses", "services" };
		put(&o, "# HELP ingress_warden_cluster_state_fresh 1 while the watch is in contact with the API server (within serve --max-stale).\n"
		        "# TYPE ingress_warden_cluster_state_fresh gauge\n"
		        "ingress_warden_cluster_state_fresh %d\n", LOAD(m->cluster_fresh));
		put(&o, "# HELP ingress_warden_cluster_watch_failures_total Failed lists and watches (the log says why: HTTP status and the API server's message).\n"
		        "# TYPE ingress_warden_cluster_watch_failures_total counter\n");
		for (int i = 0; i < 3; i++)
			put(&o, "ingress_warden_cluster_watch_failures_total{resource=\"%s\"} %lu\n", res[i],
			    LOAD(m->watch_failures[i]));
		put(&o, "# HELP ingress_warden_cluster_contact_age_seconds Seconds since the last contact with the API server (-1: never).\n"
		        "# TYPE ingress_warden_cluster_contact_age_seconds gauge\n");
		for (int i = 0; i < 3; i++) {
			long long ms = LOAD(m->contact_age_ms[i]);
			put(&o, "ingress_warden_cluster_contact_age_seconds{resource=\"%s\"} %.3f\n", res[i],
			    ms < 0 ? -1.0 : (double)ms / 1000.0);
		}
		put(&o, "# HELP ingress_warden_audit_runs_total Audits of the cluster state.\n"
		        "# TYPE ingress_warden_audit_runs_total counter\n"
		        "ingress_warden_audit_runs_total %lu\n", LOAD(m->audit_runs));
		put(&o, "# HELP ingress_warden_audit_findings Findings of the last audit of the cluster state, per check.\n"
		        "# TYPE ingress_warden_audit_findings gauge\n");
		for (int i = 0; i < WH_AUDIT_MAX_CHECKS && m->audit_checks[i]; i++)
			put(&o, "ingress_warden_audit_findings{check=\"%s\"} %lu\n", m->audit_checks[i],
			    LOAD(m->audit_findings[i]));
	}
	if (x->cert_not_after) {
		put(&o, "# HELP ingress_warden_certificate_expiry_seconds Seconds until the serving certificate expires.\n"
		        "# TYPE ingress_warden_certificate_expiry_seconds gauge\n"
		        "ingress_warden_certificate_expiry_seconds %lld\n", x->cert_not_after - x->now);
		put(&o, "# HELP ingress_warden_certificate_reloads_total Certificate pair reloads by result.\n"
		        "# TYPE ingress_warden_certificate_reloads_total counter\n"
		        "ingress_warden_certificate_reloads_total{result=\"success\"} %lu\n"
		        "ingress_warden_certificate_reloads_total{result=\"failure\"} %lu\n",
		    x->reloads, x->reload_failures);
	}
	put(&o, "# HELP ingress_warden_build_info Build information.\n"
	        "# TYPE ingress_warden_build_info gauge\n"
	        "ingress_warden_build_info{version=\"%s\"} 1\n", x->version ? x->version : "unknown");
	if (o.oom) {
		free(o.s);
		return NULL;
	}
	return o.s;
}
