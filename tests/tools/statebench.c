/*
 * statebench: cost of the cluster state and of the policy checks as the
 * number of Ingresses grows (bench/conflicts/README.md).
 * usage: statebench [N...]     (default: 100 1000 10000 100000)
 *        statebench --api N     heap per Ingress for objects as the API server sends them
 *
 * For each N: N Ingresses parsed from JSON with the model (each: one host of
 * its own, shared by 1 in 10 with a neighbour, two paths, TLS), put into a
 * state; prints the heap per Ingress (model + JSON + indexes, from
 * mallinfo2) and the index bytes per Ingress, the put rate, then the mean
 * time of iw_policy_check for a new Ingress on an existing host (a conflict)
 * and on a fresh host, of an update (put) and of a delete+put.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checks/stateload.h"
#include "admission/admission.h"
#include "model/model.h"
#include "checks/policy.h"
#include "checks/state.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Resident set size of this process, in bytes (0 when unknown). */
static size_t rss_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long size = 0, res = 0;
	if (f) {
		if (fscanf(f, "%lu %lu", &size, &res) != 2)
			res = 0;
		fclose(f);
	}
	return (size_t)res * 4096u;
}

static void ingress_text(char *buf, size_t size, long i, const char *ns, const char *host,
                         const char *type)
{
	snprintf(buf, size,
	         "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"metadata\":{"
	         "\"name\":\"ing-%ld\",\"namespace\":\"%s\",\"creationTimestamp\":"
	         "\"2024-01-01T00:00:00Z\",\"resourceVersion\":\"%ld\",\"labels\":{\"app\":\"a%ld\"}},"
	         "\"spec\":{\"ingressClassName\":\"nginx\",\"tls\":[{\"hosts\":[\"%s\"],\"secretName\":"
	         "\"tls-%ld\"}],\"rules\":[{\"host\":\"%s\",\"http\":{\"paths\":["
	         "{\"path\":\"/api/%ld\",\"pathType\":\"%s\",\"backend\":{\"service\":{\"name\":\"api\","
	         "\"port\":{\"number\":80}}}},"
	         "{\"path\":\"/\",\"pathType\":\"Prefix\",\"backend\":{\"service\":{\"name\":\"web\","
	         "\"port\":{\"name\":\"http\"}}}}]}}]}}",
	         i, ns, i, i, host, i, host, i, type);
}

static struct ingress *make(long i, const char *ns, const char *host, const char *type)
{
	char buf[2048];
	ingress_text(buf, sizeof buf, i, ns, host, type);
	json_error_t je;
	json_t *j = json_loads(buf, 0, &je);
	struct errlist el = { 0 };
	struct ingress *ing = NULL;
	if (j)
		ingress_parse(j, 0, &el, &ing);
	json_decref(j);
	errlist_release(&el);
	return ing;
}

static void host_of(long i, char *buf, size_t size)
{
	snprintf(buf, size, "h%ld.example.com", i / 10 * 10 == i ? i + 1 : i);   /* 1 in 10 shared */
}

static struct iw_state *filled(long n)
{
	struct iw_state *st = iw_state_new(ingress_free, ingress_class_free);
	char host[128], ns[32];
	for (long i = 0; i < n; i++) {
		host_of(i, host, sizeof host);
		snprintf(ns, sizeof ns, "ns-%ld", i % 97);
		if (iw_state_put_ingress(st, make(i, ns, host, "Prefix"))) {
			fprintf(stderr, "put failed\n");
			exit(1);
		}
	}
	return st;
}

static void run(long n)
{
	struct iw_policy *p = iw_policy_new();
	size_t heap0 = mallinfo2().uordblks, rss0 = rss_bytes();
	double t0 = now();
	struct iw_state *st = filled(n);
	double t_put = now() - t0;
	char host[128], ns[32];
	size_t heap = mallinfo2().uordblks - heap0, rss = rss_bytes() - rss0;
	int reps = 2000;
	struct findings fl = { 0 };
	long found = 0;
	/* a new object on an existing host: Exact /api/K takes it from Prefix /api/K */
	t0 = now();
	for (int r = 0; r < reps; r++) {
		long k = (r * 7919L) % n;
		host_of(k, host, sizeof host);
		struct ingress *x = make(k, "intruder", host, "Exact");
		iw_policy_check(p, x, NULL, st, &fl);
		found += (long)fl.n;
		findings_release(&fl);
		ingress_free(x);
	}
	double t_conf = (now() - t0) / reps;
	/* a new object on a host nobody has */
	t0 = now();
	for (int r = 0; r < reps; r++) {
		struct ingress *x = make(n + r, "fresh", "fresh.example.org", "Prefix");
		iw_policy_check(p, x, NULL, st, &fl);
		findings_release(&fl);
		ingress_free(x);
	}
	double t_fresh = (now() - t0) / reps;
	/* the cost of building a model alone, to subtract */
	t0 = now();
	for (int r = 0; r < reps; r++)
		ingress_free(make(r, "x", "fresh.example.org", "Prefix"));
	double t_model = (now() - t0) / reps;
	/* update in place, and delete + add */
	t0 = now();
	for (int r = 0; r < reps; r++) {
		long k = (r * 104729L) % n;
		host_of(k, host, sizeof host);
		snprintf(ns, sizeof ns, "ns-%ld", k % 97);
		iw_state_put_ingress(st, make(k, ns, host, "Prefix"));
	}
	double t_upd = (now() - t0) / reps;
	t0 = now();
	for (int r = 0; r < reps; r++) {
		long k = (r * 104729L) % n;
		char name[32];
		host_of(k, host, sizeof host);
		snprintf(ns, sizeof ns, "ns-%ld", k % 97);
		snprintf(name, sizeof name, "ing-%ld", k);
		iw_state_del_ingress(st, ns, name);
		iw_state_put_ingress(st, make(k, ns, host, "Prefix"));
	}
	double t_del = (now() - t0) / reps;
	printf("%7ld ingresses: %6.0f B/ingress RSS, %6.0f B/ingress heap (index %3.0f B), put %5.2f us, "
	       "check(conflict) %6.2f us, check(fresh host) %5.2f us, model alone %5.2f us, "
	       "update %5.2f us, delete+add %5.2f us, findings %ld\n",
	       n, (double)rss / (double)n, (double)heap / (double)n, (double)iw_state_index_bytes(st) / (double)n,
	       t_put / (double)n * 1e6, t_conf * 1e6, t_fresh * 1e6, t_model * 1e6,
	       t_upd * 1e6, t_del * 1e6, found);
	fflush(stdout);
	if (n <= 100000 && getenv("STATEBENCH_AUDIT")) {
		t0 = now();
		size_t total = 0;
		enum iw_err rc = iw_policy_audit(p, st, NULL, NULL, &total);
		printf("        audit of %ld ingresses: %.2f s, %zu findings (%s)\n", n, now() - t0, total,
		       iw_strerror(rc));
	}
	iw_state_free(st);
	iw_policy_free(p);
}

/* An Ingress as the API server sends it on a watch: with managedFields and
 * the last-applied-configuration annotation (a second copy of the object). */
static json_t *api_object(long i)
{
	char host[64], buf[8192];
	host_of(i, host, sizeof host);
	snprintf(buf, sizeof buf,
	         "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"metadata\":{"
	         "\"name\":\"ing-%ld\",\"namespace\":\"ns-%ld\",\"uid\":\"6f1d0c2e-0000-4000-8000-%012ld\","
	         "\"resourceVersion\":\"%ld\",\"generation\":1,\"creationTimestamp\":\"2024-01-01T00:00:00Z\","
	         "\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":"
	         "\"{\\\"apiVersion\\\":\\\"networking.k8s.io/v1\\\",\\\"kind\\\":\\\"Ingress\\\","
	         "\\\"metadata\\\":{\\\"annotations\\\":{},\\\"name\\\":\\\"ing-%ld\\\",\\\"namespace\\\":"
	         "\\\"ns-%ld\\\"},\\\"spec\\\":{\\\"ingressClassName\\\":\\\"nginx\\\",\\\"rules\\\":"
	         "[{\\\"host\\\":\\\"%s\\\",\\\"http\\\":{\\\"paths\\\":[{\\\"backend\\\":{\\\"service\\\":"
	         "{\\\"name\\\":\\\"api\\\",\\\"port\\\":{\\\"number\\\":80}}},\\\"path\\\":\\\"/api\\\","
	         "\\\"pathType\\\":\\\"Prefix\\\"}]}}]}}\\n\"},"
	         "\"managedFields\":[{\"manager\":\"kubectl-client-side-apply\",\"operation\":\"Update\","
	         "\"apiVersion\":\"networking.k8s.io/v1\",\"time\":\"2024-01-01T00:00:00Z\",\"fieldsType\":"
	         "\"FieldsV1\",\"fieldsV1\":{\"f:metadata\":{\"f:annotations\":{\".\":{},"
	         "\"f:kubectl.kubernetes.io/last-applied-configuration\":{}}},\"f:spec\":{"
	         "\"f:ingressClassName\":{},\"f:rules\":{}}}},{\"manager\":\"nginx-ingress-controller\","
	         "\"operation\":\"Update\",\"apiVersion\":\"networking.k8s.io/v1\",\"time\":"
	         "\"2024-01-01T00:00:05Z\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:status\":{"
	         "\"f:loadBalancer\":{\"f:ingress\":{}}}},\"subresource\":\"status\"}]},"
	         "\"spec\":{\"ingressClassName\":\"nginx\",\"rules\":[{\"host\":\"%s\",\"http\":"
	         "{\"paths\":[{\"path\":\"/api\",\"pathType\":\"Prefix\",\"backend\":{\"service\":"
	         "{\"name\":\"api\",\"port\":{\"number\":80}}}}]}}]},"
	         "\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"10.0.0.1\"}]}}}",
	         i, i % 97, i, i, i, i % 97, host, host);
	json_error_t je;
	json_t *j = json_loads(buf, 0, &je);
	if (!j) {
		fprintf(stderr, "bench object: %s\n", je.text);
		exit(1);
	}
	return j;
}

/* Heap per Ingress for API objects: the model of the full object, and the
 * state's loader (which drops managedFields, last-applied, status). */
static void run_api(long n)
{
	size_t h0 = mallinfo2().uordblks;
	struct iw_state *st = iw_state_new(ingress_free, ingress_class_free);
	for (long i = 0; i < n; i++) {
		json_t *j = api_object(i);
		struct errlist el = { 0 };
		struct ingress *ing;
		if (ingress_parse(j, 0, &el, &ing) == IW_OK)
			iw_state_put_ingress(st, ing);
		errlist_release(&el);
		json_decref(j);
	}
	size_t full = mallinfo2().uordblks - h0;
	iw_state_free(st);
	h0 = mallinfo2().uordblks;
	st = iw_state_new(ingress_free, ingress_class_free);
	for (long i = 0; i < n; i++) {
		json_t *j = api_object(i);
		iw_state_add_json(st, j, NULL);
		json_decref(j);
	}
	size_t stripped = mallinfo2().uordblks - h0;
	iw_state_free(st);
	printf("%7ld API objects (managedFields, last-applied, status): %6.0f B/ingress as sent, "
	       "%6.0f B/ingress through the state loader\n", n, (double)full / (double)n,
	       (double)stripped / (double)n);
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Mean time of iw_policy_check (models built beforehand) for 'reps' new
 * Ingresses that each take a path from an existing one (a conflict). */
static double check_block(const struct iw_policy *p, const struct iw_state *st, long n,
                          struct ingress **cand, int reps, long *found)
{
	(void)n;
	struct findings fl = { 0 };
	double t0 = now();
	for (int r = 0; r < reps; r++) {
		iw_policy_check(p, cand[r], NULL, st, &fl);
		*found += (long)fl.n;
		findings_release(&fl);
	}
	return (now() - t0) / reps;
}

/* The whole review of one AdmissionReview (the codec, the API server's
 * rules, every check against the state), as serve runs it. */
struct review_arg {
	const struct iw_policy *p;
	const struct iw_state *st;
};

static enum iw_err review_policy_st(void *arg, const struct adm_subject *s, struct findings *out,
                                    const char **warning)
{
	const struct review_arg *ra = arg;
	(void)warning;
	return adm_check_subject(ra->p, s, ra->st, out);
}

static char *review_body(long k, const char *host)
{
	char obj[2048];
	ingress_text(obj, sizeof obj, k, "intruder", host, "Exact");
	size_t size = sizeof obj + 512;
	char *b = malloc(size);
	snprintf(b, size,
	         "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":"
	         "{\"uid\":\"u-%ld\",\"kind\":{\"group\":\"networking.k8s.io\",\"version\":\"v1\","
	         "\"kind\":\"Ingress\"},\"resource\":{\"group\":\"networking.k8s.io\",\"version\":"
	         "\"v1\",\"resource\":\"ingresses\"},\"namespace\":\"intruder\",\"operation\":"
	         "\"CREATE\",\"object\":%s}}", k, obj);
	return b;
}

static double review_block(const struct iw_policy *p, const struct iw_state *st, char **bodies,
                           int reps, long *denied)
{
	struct review_arg ra = { p, st };
	struct adm_opts o = { .policy = review_policy_st, .policy_arg = &ra };
	double t0 = now();
	for (int r = 0; r < reps; r++) {
		struct adm_result res = { 0 };
		char err[256];
		if (admission_handle(bodies[r], strlen(bodies[r]), &o, &res, err, sizeof err)) {
			fprintf(stderr, "review failed: %s\n", err);
			exit(1);
		}
		*denied += res.outcome == ADM_DENIED;
		free(res.log_fields);
		free(res.response);
	}
	return (now() - t0) / reps;
}

/* --ratio SMALL LARGE ROUNDS: both states in one process; blocks of checks
 * alternate between them, so a slow minute of the machine hits both; the
 * median of the per-round ratios is the figure. */
static void run_ratio(long small, long large, int rounds)
{
	struct iw_policy *p = iw_policy_new();
	size_t rss0 = rss_bytes();
	struct iw_state *sl = filled(large);
	size_t rss_large = rss_bytes() - rss0;
	struct iw_state *ss = filled(small);
	enum { REPS = 4000 };
	static struct ingress *cs[REPS], *cl[REPS];
	char host[128];
	for (int r = 0; r < REPS; r++) {
		long ks = (r * 7919L) % small, kl = (r * 7919L) % large;
		host_of(ks, host, sizeof host);
		cs[r] = make(ks, "intruder", host, "Exact");
		host_of(kl, host, sizeof host);
		cl[r] = make(kl, "intruder", host, "Exact");
	}
	enum { BODIES = 1000 };
	static char *bs[BODIES], *bl[BODIES];
	for (int r = 0; r < BODIES; r++) {
		long ks = (r * 7919L) % small, kl = (r * 7919L) % large;
		host_of(ks, host, sizeof host);
		bs[r] = review_body(ks, host);
		host_of(kl, host, sizeof host);
		bl[r] = review_body(kl, host);
	}
	double *ts = calloc((size_t)rounds, sizeof *ts), *tl = calloc((size_t)rounds, sizeof *tl);
	double *ratio = calloc((size_t)rounds, sizeof *ratio);
	double *vs = calloc((size_t)rounds, sizeof *vs), *vl = calloc((size_t)rounds, sizeof *vl);
	double *vratio = calloc((size_t)rounds, sizeof *vratio);
	long fs = 0, fl = 0, ds = 0, dl = 0;
	for (int i = 0; i < rounds; i++) {
		ts[i] = check_block(p, ss, small, cs, REPS, &fs);
		tl[i] = check_block(p, sl, large, cl, REPS, &fl);
		ratio[i] = tl[i] / ts[i];
		vs[i] = review_block(p, ss, bs, BODIES, &ds);
		vl[i] = review_block(p, sl, bl, BODIES, &dl);
		vratio[i] = vl[i] / vs[i];
	}
	qsort(vs, (size_t)rounds, sizeof *vs, cmp_dbl);
	qsort(vl, (size_t)rounds, sizeof *vl, cmp_dbl);
	qsort(vratio, (size_t)rounds, sizeof *vratio, cmp_dbl);
	qsort(ts, (size_t)rounds, sizeof *ts, cmp_dbl);
	qsort(tl, (size_t)rounds, sizeof *tl, cmp_dbl);
	qsort(ratio, (size_t)rounds, sizeof *ratio, cmp_dbl);
	printf("state of %ld: %.0f B/ingress RSS (%zu KiB for the state)\n", large,
	       (double)rss_large / (double)large, rss_large / 1024);
	printf("check (model built beforehand, a host-path-conflict each), median of %d rounds "
	       "x %d checks:\n  %7ld ingresses %6.2f us   %7ld ingresses %6.2f us   "
	       "ratio %.2f (rounds %.2f..%.2f)   findings %ld / %ld\n",
	       rounds, REPS, small, ts[rounds / 2] * 1e6, large, tl[rounds / 2] * 1e6,
	       ratio[rounds / 2], ratio[0], ratio[rounds - 1], fs, fl);
	printf("review (AdmissionReview in, response out: codec, API-server rules, every check; "
	       "denied by the cross-namespace conflict), median of %d rounds x %d:\n"
	       "  %7ld ingresses %6.2f us   %7ld ingresses %6.2f us   ratio %.2f (rounds %.2f..%.2f)   "
	       "denied %ld / %ld\n",
	       rounds, BODIES, small, vs[rounds / 2] * 1e6, large, vl[rounds / 2] * 1e6,
	       vratio[rounds / 2], vratio[0], vratio[rounds - 1], ds, dl);
	for (int r = 0; r < REPS; r++) {
		ingress_free(cs[r]);
		ingress_free(cl[r]);
	}
	for (int r = 0; r < BODIES; r++) {
		free(bs[r]);
		free(bl[r]);
	}
	free(vs);
	free(vl);
	free(vratio);
	free(ts);
	free(tl);
	free(ratio);
	iw_state_free(ss);
	iw_state_free(sl);
	iw_policy_free(p);
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "--ratio")) {
		run_ratio(atol(argv[2]), atol(argv[3]), atoi(argv[4]));
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "--api")) {
		run_api(atol(argv[2]));
		return 0;
	}
	static const long dflt[] = { 100, 1000, 10000, 100000 };
	if (argc > 1)
		for (int i = 1; i < argc; i++)
			run(atol(argv[i]));
	else
		for (size_t i = 0; i < 4; i++)
			run(dflt[i]);
	return 0;
}
