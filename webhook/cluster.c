/* The cluster state cache (see cluster.h). */
#include "webhook/cluster.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checks/stateload.h"
#include "model/model.h"

struct iw_cluster {
	pthread_rwlock_t lock;
	struct iw_state *st;
	struct iw_watch *w;
	bool in_batch[3];   /* a relist holds the write lock from RESET to SYNCED */
	unsigned max_stale_s;
	double started;     /* monotonic seconds */
};

static const char *const res_names[3] = { "ingresses", "ingressclasses", "services" };

static double mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool iw_unsynced_parse(const char *s, enum iw_unsynced *out)
{
	if (!strcmp(s, "allow"))
		*out = IW_UNSYNCED_ALLOW;
	else if (!strcmp(s, "deny"))
		*out = IW_UNSYNCED_DENY;
	else if (!strcmp(s, "local"))
		*out = IW_UNSYNCED_LOCAL;
	else
		return false;
	return true;
}

static void on_event(void *arg, size_t res, enum iw_watch_ev ev, json_t *obj)
{
	struct iw_cluster *c = arg;
	if (res >= 3)
		return;
	switch (ev) {
	case IW_WEV_RESET:
		pthread_rwlock_wrlock(&c->lock);
		c->in_batch[res] = true;
		if (res == 0)
			iw_state_clear_ingresses(c->st);
		else if (res == 1)
			iw_state_clear_classes(c->st);
		else
			iw_state_clear_services(c->st);
		return;   /* still locked */
	case IW_WEV_SYNCED:
		if (res == 1)
			iw_state_set_knows(c->st, iw_state_knows_services(c->st), true);
		else if (res == 2)
			iw_state_set_knows(c->st, true, iw_state_knows_classes(c->st));
		c->in_batch[res] = false;
		pthread_rwlock_unlock(&c->lock);
		return;
	default:
		break;
	}
	bool batch = c->in_batch[res];
	if (!batch)
		pthread_rwlock_wrlock(&c->lock);
	if (ev == IW_WEV_DELETED) {
		json_t *md = json_object_get(obj, "metadata");
		const char *ns = json_string_value(json_object_get(md, "namespace"));
		const char *name = json_string_value(json_object_get(md, "name"));
		if (name) {
			if (res == 0)
				iw_state_del_ingress(c->st, ns, name);
			else if (res == 1)
				iw_state_del_class(c->st, name);
			else
				iw_state_del_service(c->st, ns, name);
		}
	} else {
		iw_state_add_json(c->st, obj, NULL);
	}
	if (!batch)
		pthread_rwlock_unlock(&c->lock);
}

static void ic_free(struct ingress_class *ic) { ingress_class_free(ic); }
static void ing_free(struct ingress *ing) { ingress_free(ing); }

struct iw_cluster *iw_cluster_start(const struct iw_watch_opts *o, unsigned max_stale_s)
{
	struct iw_cluster *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->max_stale_s = max_stale_s;
	c->started = mono_s();
	pthread_rwlock_init(&c->lock, NULL);
	if (!(c->st = iw_state_new(ing_free, ic_free)) ||
	    !(c->w = iw_watch_start(o, iw_watch_default_res, 3, on_event, c))) {
		iw_state_free(c->st);
		pthread_rwlock_destroy(&c->lock);
		free(c);
		return NULL;
	}
	return c;
}

bool iw_cluster_synced(const struct iw_cluster *c)
{
	return iw_watch_synced(c->w);
}

enum iw_cluster_health iw_cluster_health(const struct iw_cluster *c, char *why, size_t size)
{
	enum iw_cluster_health worst = IW_CLUSTER_FRESH;
	if (why && size)
		why[0] = '\0';
	for (size_t i = 0; i < 3; i++) {
		struct iw_watch_health h;
		iw_watch_health(c->w, i, &h);
		enum iw_cluster_health mine = IW_CLUSTER_FRESH;
		if (!h.synced)
			mine = IW_CLUSTER_UNSYNCED;
		else if (!h.connected && h.since_contact_ms > (long long)c->max_stale_s * 1000)
			mine = IW_CLUSTER_STALE;
		if (mine <= worst)
			continue;
		worst = mine;
		if (!why || !size)
			continue;
		if (mine == IW_CLUSTER_UNSYNCED)
			snprintf(why, size, "%s not listed yet%s%s", res_names[i],
			         *h.last_error ? ": " : "", h.last_error);
		else
			snprintf(why, size, "%s: no contact with the API server for %lld s%s%s",
			         res_names[i], h.since_contact_ms / 1000, *h.last_error ? ": " : "",
			         h.last_error);
	}
	return worst;
}

double iw_cluster_age(const struct iw_cluster *c)
{
	return mono_s() - c->started;
}

unsigned iw_cluster_max_stale(const struct iw_cluster *c)
{
	return c->max_stale_s;
}

void iw_cluster_watch_health(const struct iw_cluster *c, size_t res, struct iw_watch_health *h)
{
	iw_watch_health(c->w, res, h);
}

const struct iw_state *iw_cluster_rdlock(struct iw_cluster *c)
{
	pthread_rwlock_rdlock(&c->lock);
	return c->st;
}

void iw_cluster_unlock(struct iw_cluster *c)
{
	pthread_rwlock_unlock(&c->lock);
}

void iw_cluster_stats(const struct iw_cluster *c, struct iw_watch_stats *s)
{
	iw_watch_get_stats(c->w, s);
}

struct audit_ctx {
	unsigned long *counts;
	iw_audit_fn fn;
	void *arg;
};

static void count_findings(void *arg, const struct ingress *ing, const struct findings *fl)
{
	struct audit_ctx *a = arg;
	for (size_t i = 0; i < fl->n; i++) {
		enum iw_check_id id;
		if (iw_check_lookup(fl->v[i].check, &id) == IW_OK)
			a->counts[id]++;
	}
	if (a->fn)
		a->fn(a->arg, ing, fl);
}

enum iw_err iw_cluster_audit(struct iw_cluster *c, const struct iw_policy *p,
                             unsigned long counts[IW_NCHECKS], iw_audit_fn fn, void *arg,
                             size_t *total)
{
	struct audit_ctx a = { counts, fn, arg };
	memset(counts, 0, IW_NCHECKS * sizeof *counts);
	pthread_rwlock_rdlock(&c->lock);
	enum iw_err rc = iw_policy_audit(p, c->st, count_findings, &a, total);
	pthread_rwlock_unlock(&c->lock);
	return rc;
}

void iw_cluster_stop(struct iw_cluster *c)
{
	if (!c)
		return;
	iw_watch_stop(c->w);
	iw_state_free(c->st);
	pthread_rwlock_destroy(&c->lock);
	free(c);
}
