/*
 * Router benchmark: decisions per second on one core with a large table,
 * and the time and memory to build it.  Not part of `make test`; see
 * bench/router/README.md.   usage: bench_router [NINGRESSES] [SECONDS]
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "router/router.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this thread: on a shared machine, wall time also counts the
 * time other processes held the core. */
static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "VmRSS:", 6))
			v = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

static const char *types[] = { "Prefix", "Exact", "ImplementationSpecific", "Prefix", "Prefix" };

/* Ingress i: host h(i) (2,500 exact hosts shared by 4 Ingresses each; every
 * 50th Ingress on a wildcard host), 5 paths. */
static json_t *make_ingress(int i)
{
	char host[64], ns[32], name[32], ts[32];
	if (i % 50 == 0)
		snprintf(host, sizeof host, "*.w%d.example.com", i / 50);
	else
		snprintf(host, sizeof host, "h%d.example.com", i % 2500);
	snprintf(ns, sizeof ns, "ns%d", i % 97);
	snprintf(name, sizeof name, "ing%d", i);
	snprintf(ts, sizeof ts, "2024-01-%02dT%02d:00:00Z", 1 + i % 28, i % 24);
	json_t *paths = json_array();
	for (int k = 0; k < 5; k++) {
		char p[64], svc[32];
		snprintf(p, sizeof p, k == 0 ? "/app%d" : "/app%d/api/v%d", i, k);
		snprintf(svc, sizeof svc, "svc%d-%d", i, k);
		json_array_append_new(paths, json_pack("{s:s, s:s, s:{s:{s:s, s:{s:i}}}}",
		        "path", p, "pathType", types[k], "backend", "service", "name", svc, "port",
		        "number", 80));
	}
	return json_pack("{s:s, s:s, s:{s:s, s:s, s:s}, s:{s:[{s:s, s:{s:o}}]}}",
	        "apiVersion", "networking.k8s.io/v1", "kind", "Ingress",
	        "metadata", "name", name, "namespace", ns, "creationTimestamp", ts,
	        "spec", "rules", "host", host, "http", "paths", paths);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10000;
	double secs = argc > 2 ? atof(argv[2]) : 3.0;
	long rss0 = rss_kib();
	double t0 = now();
	struct ingress **ings = calloc((size_t)n, sizeof *ings);
	for (int i = 0; i < n; i++) {
		json_t *o = make_ingress(i);
		struct errlist el = { 0 };
		ingress_parse(o, 0, &el, &ings[i]);
		errlist_release(&el);
		json_decref(o);
		if (!ings[i]) {
			fprintf(stderr, "parse failed\n");
			return 1;
		}
	}
	double t1 = now();
	long rss1 = rss_kib();
	struct rt_input in = { .ingresses = (const struct ingress *const *)ings, .ningresses = (size_t)n };
	struct rt_table *t = rt_build(&in);
	double t2 = now();
	long rss2 = rss_kib();
	if (!t)
		return 1;
	printf("table: %d Ingresses, %zu paths, %zu host groups\n", n, rt_npaths(t), rt_ngroups(t));
	printf("parse models: %.1f ms, +%ld KiB RSS\n", (t1 - t0) * 1e3, rss1 - rss0);
	printf("build table:  %.1f ms, +%ld KiB RSS\n", (t2 - t1) * 1e3, rss2 - rss1);

	/* requests: rule hits of every type, sub-paths, misses, wildcard hosts,
	 * unknown hosts; mixed case and ports */
	enum { NREQ = 1 << 16 };
	static char hosts[NREQ][64], paths[NREQ][80];
	unsigned seed = 12345;
	for (int r = 0; r < NREQ; r++) {
		seed = seed * 1103515245u + 12345u;
		int i = (int)((seed >> 8) % (unsigned)n), kind = (int)((seed >> 4) % 8);
		if (i % 50 == 0)
			snprintf(hosts[r], sizeof hosts[r], "x%d.w%d.example.com", r, i / 50);
		else
			snprintf(hosts[r], sizeof hosts[r], kind == 7 ? "H%d.Example.com:8080" : "h%d.example.com", i % 2500);
		switch (kind) {
		case 0: snprintf(paths[r], sizeof paths[r], "/app%d", i); break;
		case 1: snprintf(paths[r], sizeof paths[r], "/app%d/api/v1", i); break;
		case 2: snprintf(paths[r], sizeof paths[r], "/app%d/api/v2/items/42", i); break;
		case 3: snprintf(paths[r], sizeof paths[r], "/app%d/api/v3?x=1", i); break;
		case 4: snprintf(paths[r], sizeof paths[r], "/app%d/api/v4/", i); break;
		case 5: snprintf(paths[r], sizeof paths[r], "/nothing/here"); break;
		case 6: snprintf(hosts[r], sizeof hosts[r], "unknown%d.org", r);
			snprintf(paths[r], sizeof paths[r], "/app%d", i); break;
		default: snprintf(paths[r], sizeof paths[r], "/app%dx/static/logo.png", i); break;
		}
	}
	size_t hl[NREQ], pl[NREQ];
	for (int r = 0; r < NREQ; r++) {
		hl[r] = strlen(hosts[r]);
		pl[r] = strlen(paths[r]);
	}
	long long done = 0, rules = 0, dflt = 0;
	double start = now(), cstart = cpu_now(), end;
	do {
		for (int r = 0; r < NREQ; r++) {
			struct rt_decision d;
			rt_match(t, hosts[r], hl[r], paths[r], pl[r], &d);
			rules += d.match == RT_RULE;
			dflt += d.match == RT_DEFAULT;
		}
		done += NREQ;
		end = now();
	} while (end - start < secs);
	double cpu = cpu_now() - cstart;
	printf("decisions: %lld in %.2f s CPU (%.2f s wall) = %.2f million/s per CPU-second on one core "
	       "(%.0f ns each; %.0f%% rule, %.0f%% default)\n",
	       done, cpu, end - start, (double)done / cpu / 1e6, cpu / (double)done * 1e9,
	       100.0 * (double)rules / (double)done, 100.0 * (double)dflt / (double)done);
	printf("            wall-clock rate %.2f million/s\n", (double)done / (end - start) / 1e6);
	rt_free(t);
	for (int i = 0; i < n; i++)
		ingress_free(ings[i]);
	free(ings);
	return 0;
}
