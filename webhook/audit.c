/* Readiness, cluster metrics and the periodic audit (see audit.h). */
#include "webhook/audit.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "webhook/log.h"

struct wh_audit {
	struct iw_cluster *c;
	struct wh_policy_box *p;
	unsigned interval_s;
	enum iw_unsynced mode;
	struct wh_metrics *m;
	wh_ready_fn on_ready;
	void *arg;
	int health;          /* last enum iw_cluster_health seen; -1 before the first */
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
};

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The finding lines of one audit: logged, and left out past WH_AUDIT_LOG_MAX. */
struct audit_log {
	size_t logged, left_out;
};

static void log_findings(void *arg, const struct ingress *ing, const struct findings *fl)
{
	struct audit_log *al = arg;
	if (!wh_log_enabled(WH_LOG_WARN))
		return;
	const char *ns = iw_namespace(&ing->meta);
	for (size_t i = 0; i < fl->n; i++) {
		if (al->logged >= WH_AUDIT_LOG_MAX) {
			al->left_out += fl->n - i;
			return;
		}
		al->logged++;
		wh_log(WH_LOG_WARN, "audit finding",
		       json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "event", "audit_finding",
		                 "check", fl->v[i].check, "severity", iw_severity_name(fl->v[i].severity),
		                 "namespace", ns, "name", iw_nz(ing->meta.name),
		                 "field", fl->v[i].field, "message", fl->v[i].message));
	}
}

static void refresh(struct wh_audit *a)
{
	struct iw_watch_stats ws;
	iw_cluster_stats(a->c, &ws);
	const struct iw_state *st = iw_cluster_rdlock(a->c);
	atomic_store(&a->m->cluster_objects[0], iw_state_ningresses(st));
	atomic_store(&a->m->cluster_objects[1], iw_state_nclasses(st));
	atomic_store(&a->m->cluster_objects[2], iw_state_nservices(st));
	iw_cluster_unlock(a->c);
	atomic_store(&a->m->cluster_relists, ws.relists_gone);
	atomic_store(&a->m->cluster_reconnects, ws.reconnects);
}

/* Re-evaluates health, metrics and readiness; logs transitions. */
static void readiness(struct wh_audit *a)
{
	char why[600];
	enum iw_cluster_health h = iw_cluster_health(a->c, why, sizeof why);
	for (size_t i = 0; i < 3; i++) {
		struct iw_watch_health wh;
		iw_cluster_watch_health(a->c, i, &wh);
		atomic_store(&a->m->watch_failures[i], wh.failures);
		atomic_store(&a->m->contact_age_ms[i], wh.connected ? 0 : wh.since_contact_ms);
	}
	atomic_store(&a->m->cluster_fresh, h == IW_CLUSTER_FRESH);
	int ready;
	if (h == IW_CLUSTER_FRESH)
		ready = 1;
	else if (a->mode == IW_UNSYNCED_DENY)
		ready = 0;
	else if (h == IW_CLUSTER_STALE)
		ready = 1;
	else
		ready = iw_cluster_age(a->c) > (double)iw_cluster_max_stale(a->c);
	if ((int)h != a->health) {
		if (h == IW_CLUSTER_FRESH)
			wh_log(WH_LOG_INFO, a->health < 0 || a->health == IW_CLUSTER_UNSYNCED
			                    ? "cluster state synced" : "cluster state fresh again",
			       json_pack("{s:s, s:I}", "event", "cluster_synced", "ingresses",
			                 (json_int_t)atomic_load(&a->m->cluster_objects[0])));
		else if (h == IW_CLUSTER_STALE || a->health >= 0)
			wh_log(WH_LOG_WARN, h == IW_CLUSTER_STALE ? "cluster state stale" : "cluster state not synced",
			       json_pack("{s:s, s:s, s:b}", "event", "cluster_not_fresh", "reason", why,
			                 "ready", ready));
		a->health = (int)h;
	}
	if (a->on_ready)
		a->on_ready(a->arg, ready, h == IW_CLUSTER_FRESH ? "" : why);
}

static void audit_once(struct wh_audit *a)
{
	unsigned long counts[IW_NCHECKS];
	double t0 = mono();
	size_t n;
	struct wh_policy_ref *ref;
	const struct iw_policy *p = wh_policy_get(a->p, &ref);
	struct audit_log al = { 0, 0 };
	enum iw_err rc = iw_cluster_audit(a->c, p, counts, log_findings, &al, &n);
	wh_policy_put(a->p, ref);
	if (rc) {
		wh_log(WH_LOG_ERROR, "audit failed", json_pack("{s:s}", "error", iw_strerror(rc)));
		return;
	}
	for (int i = 0; i < IW_NCHECKS && i < WH_AUDIT_MAX_CHECKS; i++)
		atomic_store(&a->m->audit_findings[i], counts[i]);
	atomic_fetch_add(&a->m->audit_runs, 1);
	wh_log(WH_LOG_INFO, "audit", json_pack("{s:s, s:I, s:I, s:I, s:f}", "event", "audit",
	                                        "findings", (json_int_t)n,
	                                        "findings_not_logged", (json_int_t)al.left_out,
	                                        "ingresses", (json_int_t)atomic_load(&a->m->cluster_objects[0]),
	                                        "seconds", mono() - t0));
}

static void *run(void *arg)
{
	struct wh_audit *a = arg;
	bool synced = false;
	double next = 0;
	pthread_mutex_lock(&a->mu);
	while (!a->stop) {
		pthread_mutex_unlock(&a->mu);
		refresh(a);
		readiness(a);
		if (!synced && iw_cluster_synced(a->c)) {
			synced = true;
			atomic_store(&a->m->cluster_synced, 1);
			next = mono();   /* audit what was there before the webhook at once */
		}
		if (synced && a->interval_s && mono() >= next) {
			audit_once(a);
			next = mono() + a->interval_s;
		}
		pthread_mutex_lock(&a->mu);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 200 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		if (!a->stop)
			pthread_cond_timedwait(&a->cv, &a->mu, &ts);
	}
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

struct wh_audit *wh_audit_start(struct iw_cluster *c, struct wh_policy_box *p,
                                unsigned interval_s, enum iw_unsynced mode,
                                struct wh_metrics *m, wh_ready_fn on_ready, void *arg)
{
	struct wh_audit *a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	*a = (struct wh_audit){ .c = c, .p = p, .interval_s = interval_s, .mode = mode, .m = m,
	                        .on_ready = on_ready, .arg = arg, .health = -1 };
	for (int i = 0; i < IW_NCHECKS && i < WH_AUDIT_MAX_CHECKS; i++)
		m->audit_checks[i] = iw_check_info(i)->id;
	atomic_store(&m->cluster_watch, 1);
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	if (pthread_create(&a->th, NULL, run, a)) {
		pthread_mutex_destroy(&a->mu);
		pthread_cond_destroy(&a->cv);
		free(a);
		return NULL;
	}
	return a;
}

void wh_audit_stop(struct wh_audit *a)
{
	if (!a)
		return;
	pthread_mutex_lock(&a->mu);
	a->stop = true;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->th, NULL);
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->cv);
	free(a);
}
