/*
 * watchdump: runs the watch client (webhook/watch.h) against a server and
 * prints what it delivers, for the watch suite.
 * usage: watchdump SERVER [--token T] [--until NAME] [--timeout SECONDS]
 * Prints "RESET Ingress", "ADDED Ingress default/a", "SYNCED Ingress",
 * "STATE a,c" (the Ingress names after every SYNCED and event), "READY"
 * once every resource is listed, and "STATS lists=... relists=...".
 * Exits 0 when an Ingress named NAME was added, 1 on timeout.
 * With --cluster (first option), runs the cluster cache (webhook/cluster.h)
 * instead and prints "CLUSTER ns/name,..." once default/NAME is in its state.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "webhook/cluster.h"
#include "webhook/watch.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static char names[64][64];
static int nnames;
static const char *until;
static atomic_bool done;

static void print_state(void)
{
	printf("STATE ");
	for (int i = 0; i < nnames; i++)
		printf("%s%s", i ? "," : "", names[i]);
	printf("\n");
}

static int cmp(const void *a, const void *b) { return strcmp(a, b); }

static void on_event(void *arg, size_t res, enum iw_watch_ev ev, json_t *obj)
{
	(void)arg;
	const char *kind = iw_watch_default_res[res].kind;
	pthread_mutex_lock(&mu);
	if (!obj) {
		printf("%s %s\n", iw_watch_ev_name(ev), kind);
		if (res == 0 && ev == IW_WEV_RESET)
			nnames = 0;
		if (res == 0 && ev == IW_WEV_SYNCED)
			print_state();
	} else {
		json_t *md = json_object_get(obj, "metadata");
		const char *name = json_string_value(json_object_get(md, "name"));
		const char *ns = json_string_value(json_object_get(md, "namespace"));
		const char *k = json_string_value(json_object_get(obj, "kind"));
		printf("%s %s %s/%s\n", iw_watch_ev_name(ev), k ? k : "?", ns ? ns : "", name ? name : "");
		if (res == 0 && name && strlen(name) < 64) {
			int at = -1;
			for (int i = 0; i < nnames; i++)
				if (!strcmp(names[i], name))
					at = i;
			if (ev == IW_WEV_DELETED && at >= 0) {
				memmove(names[at], names[at + 1], (size_t)(nnames - at - 1) * sizeof names[0]);
				nnames--;
			} else if (ev != IW_WEV_DELETED && at < 0 && nnames < 64)
				strcpy(names[nnames++], name);
			qsort(names, (size_t)nnames, sizeof names[0], cmp);
			if (ev != IW_WEV_ADDED || !until || strcmp(name, until))
				print_state();
			if (until && ev == IW_WEV_ADDED && !strcmp(name, until)) {
				print_state();
				atomic_store(&done, true);
			}
		}
	}
	fflush(stdout);
	pthread_mutex_unlock(&mu);
}

static void on_log(void *arg, bool warn, const char *msg)
{
	(void)arg;
	fprintf(stderr, "watch%s: %s\n", warn ? " warn" : "", msg);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_cluster(const struct iw_watch_opts *o, double timeout)
{
	struct iw_cluster *c = iw_cluster_start(o, 120);
	int rc = 1;
	if (!c)
		return 1;
	for (int t = 0; t < (int)(timeout * 100) && rc; t++) {
		const struct iw_state *st = iw_cluster_rdlock(c);
		if (iw_cluster_synced(c) && iw_state_get_ingress(st, "default", until)) {
			char *v[64];
			size_t n = 0;
			for (size_t i = 0; i < iw_state_slots(st) && n < 64; i++) {
				const struct ingress *ing = iw_state_slot(st, i);
				if (ing)
					v[n++] = (char *)ing->meta.name;
			}
			qsort(v, n, sizeof v[0], cmp_str);
			printf("CLUSTER");
			for (size_t i = 0; i < n; i++)
				printf("%s%s", i ? "," : " ", v[i]);
			printf("\nKNOWS services=%d classes=%d\n", iw_state_knows_services(st),
			       iw_state_knows_classes(st));
			rc = 0;
		}
		iw_cluster_unlock(c);
		usleep(10000);
	}
	struct iw_policy *p = iw_policy_new();
	unsigned long counts[IW_NCHECKS];
	size_t total = 0;
	enum iw_err e = p ? iw_cluster_audit(c, p, counts, NULL, NULL, &total) : IW_ENOMEM;
	if (e)
		printf("AUDIT failed: %s\n", iw_strerror(e));
	else
		printf("AUDIT %zu\n", total);
	iw_policy_free(p);
	iw_cluster_stop(c);
	return rc;
}

int main(int argc, char **argv)
{
	struct iw_watch_opts o = { .backoff_min_ms = 50, .backoff_max_ms = 400, .page_limit = 1,
	                           .timeout_seconds = 5, .log = on_log };
	double timeout = 15;
	if (argc < 2) {
		fprintf(stderr, "usage: watchdump SERVER [--token T] [--until NAME] [--timeout S]\n");
		return 2;
	}
	if (!strcmp(argv[1], "--kubeconfig") && argc == 3) {
		/* prints what a kubeconfig gives the client, and the CA file's first line */
		char *tmp_ca = NULL, err[400];
		struct iw_watch_opts k = { 0 };
		if (iw_watch_kubeconfig(argv[2], &k, &tmp_ca, err, sizeof err)) {
			printf("ERROR %s\n", err);
			return 1;
		}
		char line[128] = "";
		FILE *f = k.ca_file ? fopen(k.ca_file, "r") : NULL;
		if (f) {
			if (!fgets(line, sizeof line, f))
				line[0] = 0;
			fclose(f);
			line[strcspn(line, "\n")] = 0;
		}
		printf("server=%s token=%s tokenFile=%s ca=%s ca_line=%s insecure=%d cert=%s key=%s tmp=%d\n",
		       k.server, k.token ? k.token : "", k.token_file ? k.token_file : "",
		       k.ca_file ? (tmp_ca ? "(temporary)" : k.ca_file) : "", line, k.insecure,
		       k.client_cert ? k.client_cert : "", k.client_key ? k.client_key : "", tmp_ca != NULL);
		if (tmp_ca) {
			unlink(tmp_ca);
			free(tmp_ca);
		}
		iw_watch_opts_release(&k);
		return 0;
	}
	o.server = argv[1];
	bool cluster = argc > 2 && !strcmp(argv[2], "--cluster");
	for (int i = cluster ? 3 : 2; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--token"))
			o.token = argv[i + 1];
		else if (!strcmp(argv[i], "--until"))
			until = argv[i + 1];
		else if (!strcmp(argv[i], "--timeout"))
			timeout = atof(argv[i + 1]);
		else {
			fprintf(stderr, "watchdump: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	if (cluster)
		return until ? run_cluster(&o, timeout) : 2;
	struct iw_watch *w = iw_watch_start(&o, iw_watch_default_res, 3, on_event, NULL);
	if (!w)
		return 1;
	bool ready = false;
	int rc = 1;
	for (int t = 0; t < (int)(timeout * 100); t++) {
		if (!ready && iw_watch_synced(w)) {
			ready = true;
			pthread_mutex_lock(&mu);
			printf("READY\n");
			fflush(stdout);
			pthread_mutex_unlock(&mu);
		}
		if (atomic_load(&done)) {
			rc = 0;
			break;
		}
		usleep(10000);
	}
	struct iw_watch_stats s;
	iw_watch_get_stats(w, &s);
	iw_watch_stop(w);
	printf("STATS lists=%lu relists=%lu reconnects=%lu events=%lu bookmarks=%lu errors=%lu\n",
	       s.lists, s.relists_gone, s.reconnects, s.events, s.bookmarks, s.errors);
	return rc;
}
