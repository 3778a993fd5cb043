/* ingress-warden serve: the admission webhook (HTTPS) and the local lint server. */
#include <errno.h>
#include <jansson.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "src/files.h"
#include "src/cliopt.h"
#include "src/cmd.h"
#include "webhook/audit.h"
#include "webhook/cluster.h"
#include "webhook/log.h"
#include "webhook/metrics.h"
#include "webhook/review_glue.h"
#include "webhook/server.h"
#include "webhook/tlsstore.h"

/* One row per option: the flag, its environment variable, its default, help. */
enum opt_kind { O_STR, O_UINT, O_SIZE, O_FLAG };
struct opt {
	const char *flag, *env, *def, *help;
	enum opt_kind kind;
	unsigned long long min, max;
};

enum {
	OPT_LISTEN, OPT_CERT, OPT_KEY, OPT_CLIENT_CA, OPT_PATH, OPT_LINT_LISTEN, OPT_MAX_BODY,
	OPT_THREADS, OPT_THREADING, OPT_MAX_CONNS, OPT_PER_IP, OPT_IDLE, OPT_READ, OPT_RELOAD,
	OPT_SHUT_DELAY, OPT_SHUT_GRACE, OPT_LOG_LEVEL, OPT_PRIO, OPT_MEM, OPT_CHECK,
	OPT_KUBECONFIG, OPT_IN_CLUSTER, OPT_UNSYNCED, OPT_MAX_STALE, OPT_AUDIT, OPT_POLICY, OPT_CONTROLLER,
	OPT_HEADER, OPT_PROBE_LISTEN, OPT_BODY_MEM, OPT_PARSE_MEM, OPT_WATCH_IDLE, OPT_N
};

static const struct opt opts[OPT_N] = {
	[OPT_LISTEN] = { "--listen", "IW_LISTEN", ":8443", "webhook address HOST:PORT (HTTPS)", O_STR, 0, 0 },
	[OPT_CERT] = { "--tls-cert", "IW_TLS_CERT", NULL, "serving certificate (PEM; reloaded when it changes)", O_STR, 0, 0 },
	[OPT_KEY] = { "--tls-key", "IW_TLS_KEY", NULL, "its private key (PEM)", O_STR, 0, 0 },
	[OPT_CLIENT_CA] = { "--client-ca", "IW_CLIENT_CA", NULL, "require client certificates signed by this CA", O_STR, 0, 0 },
	[OPT_PATH] = { "--path", "IW_PATH", "/validate", "URL path of the review endpoint", O_STR, 0, 0 },
	[OPT_LINT_LISTEN] = { "--lint-listen", "IW_LINT_LISTEN", NULL, "also serve the lint page (GET /) and its API (POST /lint, /route) on this address: plain HTTP, loopback addresses only (a developer tool)", O_STR, 0, 0 },
	[OPT_MAX_BODY] = { "--max-body", "IW_MAX_BODY", "3Mi", "largest request body (bytes; K, M, Ki, Mi suffixes)", O_SIZE, 1024, 64ull << 20 },
	[OPT_THREADS] = { "--threads", "IW_THREADS", "0", "MHD worker threads (0: one per core)", O_UINT, 0, 256 },
	[OPT_THREADING] = { "--threading", "IW_THREADING", "pool", "pool (epoll thread pool) or per-connection", O_STR, 0, 0 },
	[OPT_MAX_CONNS] = { "--max-connections", "IW_MAX_CONNECTIONS", "1000", "open connections at most", O_UINT, 1, 100000 },
	[OPT_PER_IP] = { "--max-connections-per-ip", "IW_MAX_CONNECTIONS_PER_IP", "128", "per client address (0: no limit)", O_UINT, 0, 100000 },
	[OPT_HEADER] = { "--header-timeout", "IW_HEADER_TIMEOUT", "5", "seconds from the accept (TLS handshake included) to the end of the request head", O_UINT, 1, 600 },
	[OPT_IDLE] = { "--idle-timeout", "IW_IDLE_TIMEOUT", "60", "seconds a connection may wait for its next request", O_UINT, 1, 3600 },
	[OPT_READ] = { "--read-timeout", "IW_READ_TIMEOUT", "10", "seconds to receive one request once it started", O_UINT, 1, 600 },
	[OPT_RELOAD] = { "--reload-interval", "IW_RELOAD_INTERVAL", "10", "seconds between certificate file checks (inotify acts at once)", O_UINT, 1, 3600 },
	[OPT_SHUT_DELAY] = { "--shutdown-delay", "IW_SHUTDOWN_DELAY", "2", "seconds to keep serving after SIGTERM with /readyz failing", O_UINT, 0, 300 },
	[OPT_SHUT_GRACE] = { "--shutdown-grace", "IW_SHUTDOWN_GRACE", "10", "seconds to let in-flight requests finish", O_UINT, 0, 300 },
	[OPT_LOG_LEVEL] = { "--log-level", "IW_LOG_LEVEL", "info", "debug, info, warn, error or off", O_STR, 0, 0 },
	[OPT_PRIO] = { "--tls-priorities", "IW_TLS_PRIORITIES", NULL, "GnuTLS priority string (default: TLS 1.2/1.3, AEAD, ECDHE)", O_STR, 0, 0 },
	[OPT_MEM] = { "--connection-memory", "IW_CONNECTION_MEMORY", "32Ki", "MHD memory per connection, bounds headers (bytes)", O_SIZE, 8192, 16ull << 20 },
	[OPT_CHECK] = { "--check", "IW_CHECK", NULL, "load the configuration and certificates, print 'configuration OK', exit", O_FLAG, 0, 0 },
	[OPT_KUBECONFIG] = { "--kubeconfig", "IW_KUBECONFIG", NULL, "watch Ingresses, IngressClasses and Services with this kubeconfig (cluster state, audit)", O_STR, 0, 0 },
	[OPT_IN_CLUSTER] = { "--in-cluster", "IW_IN_CLUSTER", NULL, "watch the cluster with the pod's service account instead", O_FLAG, 0, 0 },
	[OPT_UNSYNCED] = { "--unsynced", "IW_UNSYNCED", "allow", "answer while the cluster state is not usable (not listed yet, or no contact with the API server for --max-stale): allow (cross-object checks skipped, with a warning), deny (503; /readyz fails) or local (skipped, no warning)", O_STR, 0, 0 },
	[OPT_MAX_STALE] = { "--max-stale", "IW_MAX_STALE", "120", "seconds the cluster state may serve after losing contact with the API server; also how long /readyz waits for the first lists before answering degraded (allow/local)", O_UINT, 1, 86400 },
	[OPT_WATCH_IDLE] = { "--watch-idle", "IW_WATCH_IDLE", "120", "seconds a watch may receive nothing (the API server sends a bookmark about once a minute) before it is reopened; a request unanswered that long fails (a hung API server)", O_UINT, 2, 3600 },
	[OPT_AUDIT] = { "--audit-interval", "IW_AUDIT_INTERVAL", "300", "seconds between audits of the watched state: a log line per finding, a metric per check (0: off)", O_UINT, 0, 86400 },
	[OPT_POLICY] = { "--config", "IW_CONFIG", NULL, "policy file: check severities and scopes (README: Policy file)", O_STR, 0, 0 },
	[OPT_CONTROLLER] = { "--controller", "IW_CONTROLLER", NULL, "judge every Ingress under this controller profile (spec, ingress-nginx, aws-alb, gce, traefik, nginx-inc, contour, agic); default: each Ingress's class decides", O_STR, 0, 0 },
	[OPT_PROBE_LISTEN] = { "--probe-listen", "IW_PROBE_LISTEN", NULL, "also serve GET /healthz and /readyz in plain HTTP on this address (the kubelet's probes: no client certificate, their own connections)", O_STR, 0, 0 },
	[OPT_BODY_MEM] = { "--body-memory", "IW_BODY_MEMORY", "16Mi", "bytes of request bodies over 64 KiB held at once; a large request past it gets 503", O_SIZE, 1u << 20, 1ull << 32 },
	[OPT_PARSE_MEM] = { "--parse-memory", "IW_PARSE_MEMORY", "0", "bytes of request bodies over 64 KiB parsed at once (a parse takes up to ~25x its body); others wait their turn (0: --max-body)", O_SIZE, 0, 1ull << 32 },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: ingress-warden serve --listen ADDR --tls-cert F --tls-key F [--client-ca F]\n"
	           "                            [--lint-listen ADDR] [OPTIONS]\n"
	           "       ingress-warden serve --lint-listen 127.0.0.1:PORT   (lint server alone)\n\n"
	           "The admission webhook: POST PATH (AdmissionReview v1/v1beta1), GET /healthz,\n"
	           "/readyz, /metrics.  With --lint-listen also the lint page (GET /) and POST /lint, /route.\n"
	           "Every option can be given as an environment variable instead (a flag's\n"
	           "variable, IW_CHECK or IW_IN_CLUSTER: 1 or true, 0 or false):\n\n");
	for (int i = 0; i < OPT_N; i++)
		fprintf(f, "  %-26s %-26s %s%s%s%s\n", opts[i].flag, opts[i].env, opts[i].help,
		        opts[i].def ? " [" : "", opts[i].def ? opts[i].def : "", opts[i].def ? "]" : "");
	fprintf(f, "\nSIGTERM/SIGINT: /readyz fails, serving continues for --shutdown-delay, then no\n"
	           "new connections, in-flight requests finish (--shutdown-grace), exit 0.\n"
	           "SIGHUP: the certificate pair and the --config file are read again (what does\n"
	           "not load is refused and the current one kept); other settings need a restart.\n"
	           "Exit status: 0 stopped cleanly, 1 runtime failure, 2 usage or configuration error.\n");
}

static int bad(const char *fmt, const char *a) __attribute__((format(printf, 1, 0)));
static int bad(const char *fmt, const char *a)
{
	char msg[400];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(msg, sizeof msg, fmt, a);
#pragma GCC diagnostic pop
	fprintf(stderr, "ingress-warden serve: %s (see --help)\n", msg);
	return 2;
}

static int parse_num(const char *s, enum opt_kind kind, unsigned long long *out)
{
	if (kind == O_SIZE) {   /* "3Mi", "64Ki", "1048576" (base/size.h) */
		size_t v;
		if (iw_parse_size(s, &v))
			return -1;
		*out = v;
		return 0;
	}
	char *end;
	errno = 0;
	if (!s || !*s || *s == '-')
		return -1;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end)
		return -1;
	*out = v;
	return 0;
}

static void tls_log(void *ctx, int ok, const char *msg)
{
	(void)ctx;
	wh_log(ok ? WH_LOG_INFO : WH_LOG_WARN, msg, json_pack("{s:s}", "event", ok ? "cert_reload" : "cert_reload_refused"));
}

static long long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* SIGHUP: the certificate pair and the --config file are read again now; what
 * fails to load is refused with its reason and the current one kept.  Other
 * settings (flags, environment) need a restart.  One log line says what. */
static void reload_on_hup(struct wh_tls *tls, const char *config, const struct iw_profile *forced,
                          struct wh_policy_box *box)
{
	char cmsg[300] = "", pmsg[400] = "";
	const char *certs = "none", *conf = "none";
	if (tls) {
		int rc = wh_tls_check(tls, cmsg, sizeof cmsg);
		certs = rc > 0 ? "reloaded" : rc == 0 ? "unchanged" : "refused";
	}
	if (config) {
		struct iw_policy *p = NULL;
		if (iw_policyconf_load(config, &p, pmsg, sizeof pmsg) || (!p && !(p = iw_policy_new()))) {
			iw_policy_free(p);
			conf = "refused";
		} else {
			if (forced) {   /* --controller still holds */
				p->profiles.forced = true;
				p->profiles.force = forced->id;
			}
			if (wh_policy_swap(box, p) < 0) {
				conf = "refused";
				snprintf(pmsg, sizeof pmsg, "out of memory");
			} else {
				conf = "reloaded";
			}
		}
	}
	int bad = !strcmp(certs, "refused") || !strcmp(conf, "refused");
	json_t *f = json_pack("{s:s, s:s, s:s}", "event", "sighup", "certificates", certs, "config", conf);
	if (f && *cmsg && !strcmp(certs, "refused"))
		json_object_set_new(f, "certificates_error", json_string(cmsg));
	if (f && *pmsg)
		json_object_set_new(f, "config_error", json_string(pmsg));
	wh_log(bad ? WH_LOG_WARN : WH_LOG_INFO, "SIGHUP: certificates and configuration read again", f);
}

/* Readiness follows the cluster state (webhook/audit.h). */
static struct wh_server *ready_servers[3];

static void set_servers_ready(void *arg, int ready, const char *note)
{
	(void)arg;
	if (ready)
		malloc_trim(0);   /* the lists' memory goes back once they are in */
	for (int i = 0; i < 3; i++)
		if (ready_servers[i]) {
			wh_server_set_ready_note(ready_servers[i], note);
			wh_server_set_ready(ready_servers[i], ready);
		}
}

/* The watch's log: failures (HTTP status, the API server's message) at warn. */
static void watch_log(void *arg, bool warn, const char *msg)
{
	(void)arg;
	wh_log(warn ? WH_LOG_WARN : WH_LOG_DEBUG, warn ? "cluster watch failed" : "cluster watch",
	       json_pack("{s:s, s:s}", "event", warn ? "watch_failure" : "watch", "detail", msg));
}

static void serve_state_release(struct wh_policy_box *p, struct iw_watch_opts *o, char *tmp_ca)
{
	wh_policy_box_free(p);
	iw_watch_opts_release(o);
	if (tmp_ca) {
		unlink(tmp_ca);
		free(tmp_ca);
	}
}

int cmd_serve(int argc, char **argv)
{
	const char *val[OPT_N] = { 0 };
	unsigned long long num[OPT_N] = { 0 };

	for (int i = 0; i < OPT_N; i++) {
		const char *e = getenv(opts[i].env);
		val[i] = e && *e ? e : opts[i].def;
		if (opts[i].kind != O_FLAG || !val[i])
			continue;
		/* a flag's variable says yes or no: "0" must not turn it on */
		if (!strcmp(e, "1") || !strcasecmp(e, "true")) {
			val[i] = "1";
		} else if (!strcmp(e, "0") || !strcasecmp(e, "false")) {
			val[i] = NULL;
		} else {
			fprintf(stderr, "ingress-warden serve: %s must be 1, true, 0 or false, not '%.40s'%s "
			        "(see --help)\n", opts[i].env, e, strlen(e) > 40 ? "..." : "");
			return 2;
		}
	}
	for (int a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h")) {
			usage(stdout);
			return 0;
		}
		int found = -1;
		const char *v = NULL;
		for (int i = 0; i < OPT_N; i++) {
			size_t n = strlen(opts[i].flag);
			if (!strncmp(argv[a], opts[i].flag, n) && (argv[a][n] == 0 || argv[a][n] == '=')) {
				found = i;
				v = argv[a][n] == '=' ? argv[a] + n + 1 : NULL;
				break;
			}
		}
		if (found < 0) {
			const char *flags[OPT_N + 3];
			size_t nf = 0;
			for (int i = 0; i < OPT_N; i++)
				flags[nf++] = opts[i].flag;
			flags[nf++] = "--help";
			flags[nf] = NULL;
			char w[80], msg[200];
			snprintf(w, sizeof w, "%.*s", (int)strcspn(argv[a], "="), argv[a]);
			const char *near = w[0] == '-' ? cli_nearest(w, flags) : NULL;
			if (near) {
				fprintf(stderr, "ingress-warden serve: unknown option '%s' (did you mean '%s'?)\n",
				        w, near);
				return 2;
			}
			snprintf(msg, sizeof msg, "unknown argument '%s'", argv[a]);
			return bad("%s", msg);
		}
		if (opts[found].kind == O_FLAG) {
			val[found] = "1";
			continue;
		}
		if (!v) {
			if (a + 1 >= argc)
				return bad("%s needs a value", opts[found].flag);
			v = argv[++a];
		}
		val[found] = v;
	}
	for (int i = 0; i < OPT_N; i++) {
		if (opts[i].kind != O_UINT && opts[i].kind != O_SIZE)
			continue;
		if (parse_num(val[i], opts[i].kind, &num[i]) < 0 || num[i] < opts[i].min || num[i] > opts[i].max) {
			char msg[160];
			snprintf(msg, sizeof msg, "%s must be a number %llu..%llu", opts[i].flag, opts[i].min, opts[i].max);
			return bad("%s", msg);
		}
	}
	enum wh_level lvl;
	if (wh_log_parse_level(val[OPT_LOG_LEVEL], &lvl) < 0)
		return bad("--log-level must be debug, info, warn, error or off, not '%s'", val[OPT_LOG_LEVEL]);
	int per_conn;
	if (!strcmp(val[OPT_THREADING], "pool")) per_conn = 0;
	else if (!strcmp(val[OPT_THREADING], "per-connection")) per_conn = 1;
	else return bad("--threading must be pool or per-connection, not '%s'", val[OPT_THREADING]);
	if (val[OPT_PATH][0] != '/' || strlen(val[OPT_PATH]) > 256 || strchr(val[OPT_PATH], '?'))
		return bad("--path must start with '/' (got '%s')", val[OPT_PATH]);
	int webhook = val[OPT_CERT] || val[OPT_KEY];
	if (webhook && (!val[OPT_CERT] || !val[OPT_KEY]))
		return bad("%s", "--tls-cert and --tls-key go together");
	if (!webhook && !val[OPT_LINT_LISTEN])
		return bad("%s", "--tls-cert and --tls-key are required (or --lint-listen alone)");
	if (!webhook && val[OPT_CLIENT_CA])
		return bad("%s", "--client-ca needs --tls-cert and --tls-key");
	wh_log_set_level(lvl);
	{   /* what serve would refuse, --check refuses too */
		char why[300];
		const char *what = NULL, *addr = NULL;
		if (webhook && wh_listen_check(val[OPT_LISTEN], true, why, sizeof why))
			what = "--listen", addr = val[OPT_LISTEN];
		else if (val[OPT_LINT_LISTEN] && wh_listen_check(val[OPT_LINT_LISTEN], false, why, sizeof why))
			what = "--lint-listen", addr = val[OPT_LINT_LISTEN];
		else if (val[OPT_PROBE_LISTEN] && wh_listen_check(val[OPT_PROBE_LISTEN], true, why, sizeof why))
			what = "--probe-listen", addr = val[OPT_PROBE_LISTEN];
		if (what) {
			fprintf(stderr, "ingress-warden serve: %s %s: %s (see --help)\n", what, addr, why);
			return 2;
		}
	}
	enum iw_unsynced unsynced;
	if (!iw_unsynced_parse(val[OPT_UNSYNCED], &unsynced))
		return bad("--unsynced must be allow, deny or local, not '%s'", val[OPT_UNSYNCED]);
	if (val[OPT_KUBECONFIG] && val[OPT_IN_CLUSTER])
		return bad("%s", "--kubeconfig and --in-cluster exclude each other");

	char err[700];
	struct wh_tls *tls = NULL;
	/* cluster state: policy, watch credentials */
	struct iw_policy *loaded = NULL;
	struct wh_policy_box *policy = NULL;   /* replaced on SIGHUP */
	struct iw_watch_opts wopts = { 0 };
	char *tmp_ca = NULL;
	if (val[OPT_POLICY] && iw_policyconf_load(val[OPT_POLICY], &loaded, err, sizeof err)) {
		fprintf(stderr, "ingress-warden serve: %s\n", err);
		return 2;
	}
	if (!loaded && !(loaded = iw_policy_new())) {
		fprintf(stderr, "ingress-warden serve: out of memory\n");
		return 1;
	}
	const struct iw_profile *forced = NULL;
	if (val[OPT_CONTROLLER]) {
		if (!(forced = iw_profile_lookup(val[OPT_CONTROLLER]))) {
			iw_policy_free(loaded);
			return bad("unknown --controller profile '%s'", val[OPT_CONTROLLER]);
		}
		loaded->profiles.forced = true;
		loaded->profiles.force = forced->id;
	}
	if (!(policy = wh_policy_box_new(loaded))) {
		fprintf(stderr, "ingress-warden serve: out of memory\n");
		return 1;
	}
	if ((val[OPT_KUBECONFIG] && iw_watch_kubeconfig(val[OPT_KUBECONFIG], &wopts, &tmp_ca, err, sizeof err)) ||
	    (val[OPT_IN_CLUSTER] && iw_watch_in_cluster(&wopts, err, sizeof err))) {
		fprintf(stderr, "ingress-warden serve: %s\n", err);
		wh_policy_box_free(policy);
		return 2;
	}
	if (webhook) {
		tls = wh_tls_open(val[OPT_CERT], val[OPT_KEY], val[OPT_CLIENT_CA], err, sizeof err);
		if (!tls) {
			fprintf(stderr, "ingress-warden serve: %s\n", err);
			serve_state_release(policy, &wopts, tmp_ca);
			return 2;
		}
	}
	if (val[OPT_CHECK]) {
		printf("configuration OK\n");
		wh_tls_close(tls);
		serve_state_release(policy, &wopts, tmp_ca);
		return 0;
	}

	/* Signals are blocked before any thread starts, so that MHD's threads
	 * inherit the mask and only this thread's sigtimedwait() sees them. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	static struct wh_metrics metrics;
	struct wh_glue *glue = wh_glue_new(err, sizeof err);
	if (!glue) {
		fprintf(stderr, "ingress-warden serve: %s\n", err);
		wh_tls_close(tls);
		serve_state_release(policy, &wopts, tmp_ca);
		return 1;
	}
	/* The cluster watch starts before the servers, so that every request
	 * sees it; the servers start unready until the first lists are in. */
	struct iw_cluster *cluster = NULL;
	wopts.log = watch_log;
	wopts.idle_seconds = (long)num[OPT_WATCH_IDLE];
	if (wopts.server && !(cluster = iw_cluster_start(&wopts, (unsigned)num[OPT_MAX_STALE]))) {
		fprintf(stderr, "ingress-warden serve: cannot start watching %s\n", wopts.server);
		wh_glue_free(glue);
		wh_tls_close(tls);
		serve_state_release(policy, &wopts, tmp_ca);
		return 1;
	}
	wh_glue_set_policy(glue, policy, cluster, unsynced);
	wh_glue_set_arenas(glue, !per_conn);
	/* Memory of large requests, shared by the listeners (bench/memory). */
	size_t parse_mem = num[OPT_PARSE_MEM] ? (size_t)num[OPT_PARSE_MEM] : (size_t)num[OPT_MAX_BODY];
	struct wh_budget *bodies = wh_budget_new((size_t)num[OPT_BODY_MEM]);
	struct wh_budget *parses = wh_budget_new(parse_mem);
	struct wh_config base = {
		.tls_priorities = val[OPT_PRIO], .path = val[OPT_PATH],
		.max_body = (size_t)num[OPT_MAX_BODY], .threads = (unsigned)num[OPT_THREADS],
		.thread_per_connection = per_conn, .max_conns = (unsigned)num[OPT_MAX_CONNS],
		.per_ip = (unsigned)num[OPT_PER_IP], .idle_timeout = (unsigned)num[OPT_IDLE],
		.read_timeout = (unsigned)num[OPT_READ], .mem_limit = (size_t)num[OPT_MEM],
		.header_timeout = (unsigned)num[OPT_HEADER], .bodies = bodies, .parses = parses,
		.review = wh_glue_review, .review_ctx = glue, .lint = wh_glue_lint, .lint_ctx = glue,
		.metrics = &metrics, .start_unready = cluster != NULL,
	};
	struct wh_server *web = NULL, *lint = NULL, *probe = NULL;
	struct wh_audit *audit = NULL;
	int ret = 1;
	if (!bodies || !parses) {
		fprintf(stderr, "ingress-warden serve: out of memory\n");
		goto out;
	}
	if (webhook) {
		struct wh_config c = base;
		c.role = WH_ROLE_WEBHOOK;
		c.listen = val[OPT_LISTEN];
		c.tls = tls;
		if (!(web = wh_server_start(&c, err, sizeof err))) {
			fprintf(stderr, "ingress-warden serve: %s\n", err);
			ret = 2;
			goto out;
		}
		if (wh_tls_watch(tls, (unsigned)num[OPT_RELOAD] * 1000, tls_log, NULL, err, sizeof err) < 0) {
			fprintf(stderr, "ingress-warden serve: %s\n", err);
			goto out;
		}
	}
	if (val[OPT_LINT_LISTEN]) {
		struct wh_config c = base;
		c.role = WH_ROLE_LINT;
		c.listen = val[OPT_LINT_LISTEN];
		c.tls = NULL;   /* the lint server is a developer tool: plain HTTP on loopback */
		if (!(lint = wh_server_start(&c, err, sizeof err))) {
			fprintf(stderr, "ingress-warden serve: %s\n", err);
			ret = 2;
			goto out;
		}
	}
	if (val[OPT_PROBE_LISTEN]) {
		/* The kubelet's probes: plain HTTP (it sends no client certificate),
		 * GET /healthz and /readyz only, a few slots of their own that an
		 * idle flood on the webhook port cannot take. */
		struct wh_config c = base;
		c.role = WH_ROLE_PROBE;
		c.listen = val[OPT_PROBE_LISTEN];
		c.tls = NULL;
		c.threads = 1;
		c.thread_per_connection = 0;
		c.max_conns = 64;
		c.per_ip = 16;
		c.mem_limit = 16384;
		if (!(probe = wh_server_start(&c, err, sizeof err))) {
			fprintf(stderr, "ingress-warden serve: %s\n", err);
			ret = 2;
			goto out;
		}
	}
	{
		char exp[32] = "";
		if (tls) {
			time_t na = (time_t)wh_tls_not_after(tls);
			struct tm tm;
			gmtime_r(&na, &tm);
			strftime(exp, sizeof exp, "%Y-%m-%dT%H:%M:%SZ", &tm);
		}
		json_t *f = json_pack("{s:i, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s}",
		                      "pid", (int)getpid(), "version", IW_VERSION,
		                      "max_body", (json_int_t)num[OPT_MAX_BODY],
		                      "body_memory", (json_int_t)num[OPT_BODY_MEM],
		                      "parse_memory", (json_int_t)parse_mem,
		                      "max_connections", (json_int_t)num[OPT_MAX_CONNS],
		                      "max_connections_per_ip", (json_int_t)num[OPT_PER_IP],
		                      "header_timeout_s", (json_int_t)num[OPT_HEADER],
		                      "idle_timeout_s", (json_int_t)num[OPT_IDLE],
		                      "read_timeout_s", (json_int_t)num[OPT_READ],
		                      "threads", (json_int_t)num[OPT_THREADS],
		                      "threading", per_conn ? "per-connection" : "pool");
		if (web) {
			json_object_set_new(f, "listen", json_string(val[OPT_LISTEN]));
			json_object_set_new(f, "port", json_integer(wh_server_port(web)));
			json_object_set_new(f, "path", json_string(val[OPT_PATH]));
			json_object_set_new(f, "cert_expires", json_string(exp));
			json_object_set_new(f, "client_ca", json_boolean(val[OPT_CLIENT_CA] != NULL));
		}
		if (lint) {
			json_object_set_new(f, "lint_listen", json_string(val[OPT_LINT_LISTEN]));
			json_object_set_new(f, "lint_port", json_integer(wh_server_port(lint)));
		}
		if (probe) {
			json_object_set_new(f, "probe_listen", json_string(val[OPT_PROBE_LISTEN]));
			json_object_set_new(f, "probe_port", json_integer(wh_server_port(probe)));
		}
		wh_log(WH_LOG_INFO, "ready", f);
	}
	if (cluster) {
		ready_servers[0] = web;
		ready_servers[1] = lint;
		ready_servers[2] = probe;
		if (!(audit = wh_audit_start(cluster, policy, (unsigned)num[OPT_AUDIT], unsynced,
		                             &metrics, set_servers_ready, NULL))) {
			fprintf(stderr, "ingress-warden serve: cannot start the audit thread\n");
			goto out;
		}
		wh_log(WH_LOG_INFO, "watching the cluster",
		       json_pack("{s:s, s:s, s:I, s:I}", "server", wopts.server, "unsynced",
		                 val[OPT_UNSYNCED], "max_stale_s", (json_int_t)num[OPT_MAX_STALE],
		                 "audit_interval_s", (json_int_t)num[OPT_AUDIT]));
	}

	int sig;
	for (;;) {
		sig = sigwaitinfo(&set, NULL);
		if (sig == SIGHUP) {
			reload_on_hup(tls, val[OPT_POLICY], forced, policy);
			continue;
		}
		if (sig > 0)
			break;
	}
	wh_log(WH_LOG_INFO, "shutting down", json_pack("{s:s}", "signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"));
	wh_audit_stop(audit);   /* before readiness goes down: it may not come back up */
	audit = NULL;
	/* 1. /readyz fails while we keep serving: the endpoints controller takes
	 *    the pod out of the Service before we stop accepting. */
	if (web) wh_server_set_ready(web, 0);
	if (lint) wh_server_set_ready(lint, 0);
	if (probe) wh_server_set_ready(probe, 0);   /* answers 503 until the exit */
	struct timespec d = { (time_t)num[OPT_SHUT_DELAY], 0 };
	while (nanosleep(&d, &d) < 0 && errno == EINTR)
		;
	/* 2. No new connections; answers carry "Connection: close". */
	if (web) wh_server_quiesce(web);
	if (lint) wh_server_quiesce(lint);
	/* 3. Let in-flight requests finish, bounded. */
	long long until = mono_ms() + (long long)num[OPT_SHUT_GRACE] * 1000;
	long left = 0;
	for (;;) {
		left = (web ? wh_server_in_flight(web) : 0) + (lint ? wh_server_in_flight(lint) : 0);
		if (left == 0 || mono_ms() >= until)
			break;
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	wh_log(left ? WH_LOG_WARN : WH_LOG_INFO, "drained", json_pack("{s:i}", "unfinished", (int)left));
	ret = 0;
out:
	wh_audit_stop(audit);
	wh_server_stop(web);
	wh_server_stop(lint);
	wh_server_stop(probe);
	wh_budget_free(bodies);
	wh_budget_free(parses);
	iw_cluster_stop(cluster);
	wh_glue_free(glue);
	wh_tls_close(tls);
	serve_state_release(policy, &wopts, tmp_ca);
	return ret;
}
