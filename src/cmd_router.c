/*
 * ingress-warden router: the reference router as a plain HTTP server, the
 * golden controller for conformance suites.  Every request is answered with
 * the backend the reference router chooses (200 + echo JSON + header), or 404.
 * SIGHUP reloads the files; a bad reload keeps the old table.
 */
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "src/cliopt.h"
#include "src/cmd.h"
#include "src/rtload.h"
#include "webhook/httphead.h"

#define ROUTER_USAGE "usage: ingress-warden router --listen ADDR -f PATH [-f PATH...] [--class NAME] [--allow-invalid]\n" \
                     "                             [--controller spec|ingress-nginx]\n"
#define BACKEND_HEADER "X-Ingress-Warden-Backend"

struct server {
	pthread_rwlock_t lock;      /* readers: requests; writer: reload swap */
	struct rtset *set;
	char **files;
	size_t nfiles;
	struct rtload_opts lo;
};

static void router_help(void)
{
	printf(ROUTER_USAGE
	       "\nServes HTTP on ADDR (HOST:PORT, [V6]:PORT or :PORT for every address) and\n"
	       "answers every request with the backend the reference router chooses for its\n"
	       "Host header and path:\n"
	       "  200 {\"match\",\"namespace\",\"ingress\",\"service\",\"port\",\"path\",\"host\"} and\n"
	       "      the header " BACKEND_HEADER ": NAMESPACE/INGRESS/SERVICE:PORT\n"
	       "      (match is \"rule\" or \"default\"; a resource backend gives \"resource\")\n"
	       "  404 {\"match\":\"none\",...} when no Ingress serves the request.\n"
	       "With --controller ingress-nginx the decisions are those of the ingress-nginx\n"
	       "emulation and the answer carries the status that controller answers with\n"
	       "(301, 302, 308, 400, 403, 404; 200 for a backend or /healthz).\n"
	       "The files are read and validated as `route` reads them (objects the API server\n"
	       "would refuse are reported and refused, exit 2, unless --allow-invalid).\n"
	       "SIGHUP reloads the files (a bad reload keeps the old table and logs why);\n"
	       "SIGINT/SIGTERM stop the server.\n");
}

/* Request targets are matched raw: MHD must not decode %XX (a %2F is not a
 * separator, SEMANTICS.md 4.3); the router normalises itself. */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

/* One request: its raw target (seen by the URI log callback) and its head. */
struct rreq {
	struct wh_target target;
	int seen;
	struct wh_head head;
};

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	(void)cls;
	(void)c;
	struct rreq *q = calloc(1, sizeof *q);
	if (q)
		wh_target_note(&q->target, uri);
	return q;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **st,
                         enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	free(*st);
	*st = NULL;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, json_t *body,
                             const char *backend)
{
	char *s = json_dumps(body, JSON_PRESERVE_ORDER | JSON_COMPACT);
	if (!s)
		return MHD_NO;
	size_t n = strlen(s);
	s[n] = '\0';
	struct MHD_Response *r = MHD_create_response_from_buffer(n, s, MHD_RESPMEM_MUST_COPY);
	free(s);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	if (backend)
		MHD_add_response_header(r, BACKEND_HEADER, backend);
	if (status == MHD_HTTP_BAD_REQUEST || status >= 500)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_len, void **st)
{
	struct server *sv = cls;
	struct rreq *q = *st;
	(void)url;
	(void)upload;
	if (!q)
		return MHD_NO;   /* out of memory */
	if (!q->seen) {      /* the head: RFC 9112 framing and Host (webhook/httphead.h) */
		q->seen = 1;
		const char *why;
		unsigned bad = wh_head_check(c, method, version, &q->target, &q->head, &why);
		if (!bad)
			return MHD_YES;   /* wait for the body (discarded) */
		json_t *body = json_pack("{s:s}", "error", why);
		enum MHD_Result r = reply(c, bad, body, NULL);
		json_decref(body);
		return r;
	}
	if (*upload_len) {   /* a body plays no part in routing */
		*upload_len = 0;
		return MHD_YES;
	}
	/* Host: the absolute-form target's authority, else the Host field. */
	const char *host = q->head.host, *path = q->head.path;
	size_t hostlen = q->head.host_len, pathlen = q->head.path_len;
	struct rt_decision d;
	char id[1024];
	pthread_rwlock_rdlock(&sv->lock);
	int rc = rt_match(sv->set->table, host, hostlen, path, pathlen, &d);
	json_t *body = rc < 0 ? NULL : rt_decision_json(&d, NULL);
	rt_backend_id(&d, id, sizeof id);
	pthread_rwlock_unlock(&sv->lock);
	if (rc < 0) {
		body = json_pack("{s:s}", "error", "host or path too long");
		enum MHD_Result r = reply(c, MHD_HTTP_URI_TOO_LONG, body, NULL);
		json_decref(body);
		return r;
	}
	if (!body)
		return MHD_NO;
	json_object_del(body, "rule");
	json_object_set_new(body, "path", json_stringn(path, pathlen));
	json_object_set_new(body, "host", json_stringn(host, hostlen));
	/* a profile that models the controller's status answers with it (0:
	 * the emulation cannot tell, 502) */
	unsigned status = d.profile == IW_PROFILE_SPEC
	                ? (d.match == RT_NONE ? MHD_HTTP_NOT_FOUND : MHD_HTTP_OK)
	                : d.status ? (unsigned)d.status : MHD_HTTP_BAD_GATEWAY;
	enum MHD_Result r = reply(c, status, body, d.match == RT_NONE ? NULL : id);
	json_decref(body);
	return r;
}

static int parse_listen(const char *addr, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[256];
	const char *port;
	const char *colon = strrchr(addr, ':');
	if (!colon || colon[1] == '\0')
		return -1;
	size_t hl = (size_t)(colon - addr);
	if (hl >= sizeof host)
		return -1;
	memcpy(host, addr, hl);
	host[hl] = '\0';
	port = colon + 1;
	/* a port is 0 (any free one) to 65535: getaddrinfo would take 99999 modulo 65536 */
	if (strspn(port, "0123456789") != strlen(port) || strlen(port) > 5 || atol(port) > 65535)
		return -1;
	char *h = host;
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		h = host + 1;
	}
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
	                          .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE };
	struct addrinfo *ai;
	if (getaddrinfo(*h ? h : NULL, port, &hints, &ai) != 0)
		return -1;
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

static void log_set(const char *what, const struct rtset *s)
{
	fprintf(stderr, "ingress-warden router: %s: %zu Ingresses served, %zu paths, %zu skipped\n",
	        what, rt_nserved(s->table), rt_npaths(s->table), rt_skipped(s->table));
}

enum { O_HELP = 1, O_FILE, O_LISTEN, O_CLASS, O_ALLOW, O_MAXFILE, O_EXCLUDE, O_CONTROLLER };
static const struct cli_opt router_opts[] = {
	{ "--help", "-h", false, O_HELP },
	{ "--file", "-f", true, O_FILE },
	{ "--listen", NULL, true, O_LISTEN },
	{ "--class", NULL, true, O_CLASS },
	{ "--allow-invalid", NULL, false, O_ALLOW },
	{ "--max-file-bytes", NULL, true, O_MAXFILE },
	{ "--exclude", NULL, true, O_EXCLUDE },
	{ "--controller", NULL, true, O_CONTROLLER },
	{ NULL, NULL, false, 0 },
};

int cmd_router(int argc, char **argv)
{
	struct server sv = { 0 };
	const char *listen = NULL;
	int ret = 2;
	struct MHD_Daemon *daemon = NULL;
	sv.files = calloc((size_t)argc + 1, sizeof *sv.files);
	char **exclude = calloc((size_t)argc + 1, sizeof *exclude);
	size_t nexclude = 0;
	sv.lo.cmd = "router";
	sv.lo.read.flag = "--max-file-bytes";
	if (!sv.files || !exclude) {
		free(sv.files);
		free(exclude);
		return 2;
	}
	struct cli cl;
	cli_init(&cl, "router", argc, argv, router_opts);
	const char *v;
	int id;
	while ((id = cli_next(&cl, &v)) != CLI_END) {
		const char *bad = NULL;
		switch (id) {
		case CLI_ERROR: bad = cl.error; break;
		case CLI_ARG: bad = "unexpected argument (files go after -f)"; break;
		case O_HELP:
			router_help();
			free(sv.files);
			free(exclude);
			return 0;
		case O_FILE: sv.files[sv.nfiles++] = (char *)v; break;
		case O_LISTEN: listen = v; break;
		case O_CLASS: sv.lo.cls = v; break;
		case O_CONTROLLER: {
			int p = rt_profile_parse(v);
			if (p != IW_PROFILE_SPEC && p != IW_PROFILE_INGRESS_NGINX)
				bad = "--controller takes spec or ingress-nginx";
			else
				sv.lo.profile = (enum iw_profile_id)p;
			break;
		}
		case O_ALLOW: sv.lo.allow_invalid = true; break;
		case O_EXCLUDE: exclude[nexclude++] = (char *)v; break;
		case O_MAXFILE:
			if (iw_parse_size(v, &sv.lo.read.max_file_bytes) || !sv.lo.read.max_file_bytes)
				bad = "--max-file-bytes takes a size such as 1Gi or 500Mi";
			break;
		}
		if (bad) {
			fprintf(stderr, "ingress-warden router: %s%s%s\n", bad, id == CLI_ARG ? ": " : "",
			        id == CLI_ARG ? v : "");
			free(sv.files);
			free(exclude);
			return 2;
		}
	}
	sv.lo.read.exclude = exclude;
	sv.lo.read.nexclude = nexclude;
	struct sockaddr_storage ss;
	socklen_t sl;
	if (!listen || !sv.nfiles) {
		fprintf(stderr, "ingress-warden router: --listen ADDR and -f PATH are required\n");
		free(sv.files);
		free(exclude);
		return 2;
	}
	if (parse_listen(listen, &ss, &sl) < 0) {
		fprintf(stderr, "ingress-warden router: cannot use --listen '%s': an address is IP:PORT, "
		        "[IPv6]:PORT or :PORT, with a port from 0 to 65535\n", listen);
		free(sv.files);
		free(exclude);
		return 2;
	}
	char err[1024];
	if (rtset_load(sv.files, sv.nfiles, &sv.lo, &sv.set, err, sizeof err)) {
		fprintf(stderr, "ingress-warden router: %s\n", err);
		free(sv.files);
		free(exclude);
		return 2;
	}
	pthread_rwlock_init(&sv.lock, NULL);

	/* Signals are taken by sigwait() here; MHD's threads inherit the mask. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	daemon = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
		(ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
		0, NULL, NULL, on_request, &sv,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)2,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
		MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL,
		MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
		MHD_OPTION_END);
	if (!daemon) {
		fprintf(stderr, "ingress-warden router: cannot listen on %s: %s\n", listen,
		        strerror(errno ? errno : EADDRINUSE));
		goto out;
	}
	(void)sl;
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
	log_set("loaded", sv.set);
	fprintf(stderr, "ingress-warden router: ready: listening on %s (port %u, pid %ld)\n", listen,
	        di ? di->port : 0, (long)getpid());
	for (;;) {
		int sig;
		if (sigwait(&sigs, &sig) != 0)
			continue;
		if (sig != SIGHUP) {
			fprintf(stderr, "ingress-warden router: stopping on signal %d\n", sig);
			break;
		}
		struct rtset *ns;
		if (rtset_load(sv.files, sv.nfiles, &sv.lo, &ns, err, sizeof err)) {
			fprintf(stderr, "ingress-warden router: reload failed, keeping the previous "
			                "table: %s\n", err);
			continue;
		}
		pthread_rwlock_wrlock(&sv.lock);
		struct rtset *old = sv.set;
		sv.set = ns;
		pthread_rwlock_unlock(&sv.lock);
		rtset_free(old);
		log_set("reloaded", ns);
	}
	ret = 0;
out:
	if (daemon)
		MHD_stop_daemon(daemon);
	pthread_rwlock_destroy(&sv.lock);
	rtset_free(sv.set);
	free(sv.files);
	free(exclude);
	return ret;
}
