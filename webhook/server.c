/* libmicrohttpd + GnuTLS server: routing, limits, deadlines (see server.h). */
#include "webhook/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "webhook/budget.h"
#include "webhook/conntab.h"
#include "webhook/httphead.h"
#include "webhook/listen.h"
#include "webhook/log.h"
#include "webhook/page.h"

/* A body up to this size is always taken; a larger one needs room in the
 * server's budgets (wh_config.bodies, .parses). */
#define SMALL_BODY (64u * 1024)

/* One request. */
struct req {
	struct wh_server *srv;
	struct wh_conn *conn;
	long long start_ns;
	long long deadline_ns;       /* of reading the request (head and body) */
	long long answer_ns;         /* when the whole body was in */
	int seen;                    /* the handler saw the headers */
	int kind;                    /* REQ_* */
	int too_big;
	int must_close;              /* answer with "Connection: close" */
	struct wh_target target;     /* the raw request-target */
	int has_body;                /* Content-Length > 0 or chunked */
	int cut_short;               /* answered while the body came in: the rest is dropped */
	size_t body_held;            /* taken from cfg.bodies */
	size_t parse_held;           /* taken from cfg.parses */
	struct MHD_Connection *mc;   /* for the resume */
	struct wh_budget_waiter wait;   /* queued for cfg.parses, the connection suspended */
	char *body;
	size_t len, cap;
	long timeout_ms;             /* ?timeout=, or -1 */
	unsigned status;             /* answered status, for metrics */
	unsigned defer_status;       /* an answer decided from the headers, sent at the */
	const char *defer_text;      /* next call so that the connection stays open */
	const char *defer_allow;
	int defer_get;               /* the deferred answer is a GET endpoint */
	int endpoint;                /* lint listener: enum wh_lint_endpoint */
	enum wh_version version;
	int observed;                /* metrics already recorded */
};
enum { REQ_OTHER, REQ_REVIEW, REQ_LINT };

struct wh_server {
	struct wh_config cfg;        /* strings below are copies */
	char *path, *priorities;
	struct MHD_Daemon *d;
	unsigned port;
	atomic_int ready, draining;
	pthread_mutex_t note_mu;     /* guards ready_note */
	char ready_note[512];        /* why not ready, or why degraded ("" when none) */
	atomic_long in_flight;
	struct wh_conntab *conns;    /* deadlines, eviction */
};

static long long now_ns(void) { return wh_now_ns(); }

long wh_parse_duration_ms(const char *s)
{
	/* Go's time.Duration.String() / ParseDuration units, no sign, no fractions
	 * (what the API server sends: "10s", "30s"). */
	if (!s || !*s || strlen(s) > 32)
		return -1;
	double total = 0;
	const char *p = s;
	while (*p) {
		if (*p < '0' || *p > '9')
			return -1;
		double v = 0;
		while (*p >= '0' && *p <= '9')
			v = v * 10 + (*p++ - '0');
		double unit;
		if (!strncmp(p, "ms", 2)) { unit = 1; p += 2; }
		else if (!strncmp(p, "us", 2)) { unit = 0.001; p += 2; }
		else if (!strncmp(p, "ns", 2)) { unit = 0.000001; p += 2; }
		else if (*p == 's') { unit = 1000; p++; }
		else if (*p == 'm') { unit = 60000; p++; }
		else if (*p == 'h') { unit = 3600000; p++; }
		else return -1;
		total += v * unit;
		if (total > 3600000)
			return -1;
	}
	return (long)total;
}

/* ---- connections (webhook/conntab.h) ---- */

static void conn_deadline(struct wh_server *s, struct wh_conn *c, long long deadline)
{
	wh_conn_deadline(s->conns, c, deadline);
}

static void on_connection(void *cls, struct MHD_Connection *mc, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
	struct wh_server *s = cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *fd = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);
		const union MHD_ConnectionInfo *ad = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		/* NULL when out of memory: MHD's inactivity timeout still applies */
		*socket_context = wh_conn_open(s->conns, fd ? fd->connect_fd : -1, ad ? ad->client_addr : NULL);
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		wh_conn_close(s->conns, *socket_context);
		*socket_context = NULL;
	}
}

/* ---- responses ---- */

static enum MHD_Result reply(struct MHD_Connection *mc, struct req *r, unsigned status,
                             const char *ctype, char *body, size_t len, int must_free,
                             const char *allow)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(
		len, body, must_free ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_MUST_COPY);
	if (!resp) {
		if (must_free)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	if (allow)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
	if (r && (atomic_load(&r->srv->draining) || r->too_big || r->must_close))
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	if (r)
		r->status = status;
	enum MHD_Result ret = MHD_queue_response(mc, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result reply_text(struct MHD_Connection *mc, struct req *r, unsigned status,
                                  const char *text, const char *allow)
{
	return reply(mc, r, status, "text/plain; charset=utf-8", (char *)(uintptr_t)text,
	             strlen(text), 0, allow);
}

/* ---- request state: created when the request line arrives ---- */

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *mc)
{
	struct wh_server *s = cls;
	struct req *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;   /* the handler answers 500 for a request without state */
	r->srv = s;
	wh_target_note(&r->target, uri);   /* raw here: MHD splits and unescapes it later */
	r->start_ns = now_ns();
	r->timeout_ms = -1;
	r->version = WH_VER_NONE;
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	r->conn = ci ? ci->socket_context : NULL;
	/* the head by the header deadline (from the accept for a first request) */
	long long head = wh_conn_request(s->conns, r->conn);
	r->deadline_ns = r->start_ns + (long long)s->cfg.read_timeout * 1000000000LL;
	conn_deadline(s, r->conn, head < r->deadline_ns ? head : r->deadline_ns);
	atomic_fetch_add(&s->in_flight, 1);
	atomic_fetch_add(&s->cfg.metrics->in_flight, 1);
	return r;
}

static void on_completed(void *cls, struct MHD_Connection *mc, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct wh_server *s = cls;
	struct req *r = *req_cls;
	(void)mc;
	if (!r)
		return;
	if (r->kind == REQ_REVIEW && !r->observed) {
		/* Requests cut before an answer (timeouts, aborted clients, 4xx). */
		enum wh_outcome o = r->status >= 500 ? WH_OUT_ERROR :
		                    r->status == 400 ? WH_OUT_INVALID : WH_OUT_REJECTED;
		wh_metrics_observe(s->cfg.metrics, o, r->version,
		                   (unsigned long long)(now_ns() - r->start_ns));
	}
	if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && wh_log_enabled(WH_LOG_DEBUG))
		wh_log(WH_LOG_DEBUG, "request ended early", json_pack("{s:i}", "code", (int)toe));
	if (s->cfg.parses)
		wh_budget_cancel(s->cfg.parses, &r->wait);
	wh_conn_idle(s->conns, r->conn);
	atomic_fetch_sub(&s->in_flight, 1);
	atomic_fetch_sub(&s->cfg.metrics->in_flight, 1);
	if (r->parse_held)
		wh_budget_release(s->cfg.parses, r->parse_held);
	if (r->body_held)
		wh_budget_release(s->cfg.bodies, r->body_held);
	int large = r->body && r->cap > SMALL_BODY;   /* not parsed: not trimmed yet */
	free(r->body);
	free(r);
	if (large)
		malloc_trim(0);
	*req_cls = NULL;
}

/* ---- handlers ---- */

static int ctype_is(const char *ct, const char *const *accepted)
{
	if (!ct)
		return 0;
	size_t n = strcspn(ct, ";");
	while (n > 0 && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
		n--;
	for (const char *const *a = accepted; *a; a++)
		if (strlen(*a) == n && !strncasecmp(ct, *a, n))
			return 1;
	return 0;
}

static const char *const json_types[] = { "application/json", NULL };
static const char *const lint_types[] = {
	"application/json", "application/yaml", "application/x-yaml", "text/yaml",
	"text/x-yaml", "text/plain", "application/x-www-form-urlencoded", NULL,
};

/* The lint listener's page (webhook/page.h): its files, with headers that
 * keep it to itself: nothing but this origin (no inline code, no frames, no
 * form posts elsewhere, no referrer), never cached stale. */
static enum MHD_Result reply_asset(struct MHD_Connection *mc, struct req *r,
                                   const struct wh_asset *a)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(
		a->len, (void *)(uintptr_t)a->data, MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, a->content_type);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Content-Security-Policy", WH_PAGE_CSP);
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	if (atomic_load(&r->srv->draining))
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	r->status = MHD_HTTP_OK;
	enum MHD_Result ret = MHD_queue_response(mc, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* The lint listener answers only requests addressed to a loopback name:
 * a page elsewhere that rebinds its own host name to 127.0.0.1 sends its
 * name as Host, and is refused. */
static int loopback_host(const char *h, size_t n)
{
	if (n && h[0] == '[') {   /* [::1] or [::1]:port */
		return n >= 5 && !strncmp(h, "[::1]", 5) && (n == 5 || h[5] == ':');
	}
	size_t k = 0;
	while (k < n && h[k] != ':')
		k++;
	if (k == 9 && !strncasecmp(h, "localhost", 9))
		return 1;
	char ip[16];
	if (k < 7 || k >= sizeof ip)
		return 0;
	memcpy(ip, h, k);
	ip[k] = 0;
	struct in_addr a;
	return inet_pton(AF_INET, ip, &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

/* An Origin (a browser's request from a page) must be this server's own:
 * "http://" followed by the Host as sent. */
static int same_origin(struct MHD_Connection *mc, const struct wh_head *hd)
{
	const char *o = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Origin");
	if (!o)
		return 1;
	return !strncasecmp(o, "http://", 7) && strlen(o + 7) == hd->host_len &&
	       !strncasecmp(o + 7, hd->host, hd->host_len);
}

/* "/lint" -> WH_EP_LINT ...; -1 for another path. */
static int lint_endpoint(const char *url)
{
	if (!strcmp(url, "/lint")) return WH_EP_LINT;
	if (!strcmp(url, "/route")) return WH_EP_ROUTE;
	if (!strcmp(url, "/diff")) return WH_EP_DIFF;
	return -1;
}

static enum MHD_Result serve_get(struct wh_server *s, struct MHD_Connection *mc, struct req *r,
                                 const char *url, const char *method)
{
	int is_get = !strcmp(method, MHD_HTTP_METHOD_GET) || !strcmp(method, MHD_HTTP_METHOD_HEAD);
	if (!is_get)
		return reply_text(mc, r, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed\n", "GET, HEAD");
	if (!strcmp(url, "/healthz"))
		return reply_text(mc, r, MHD_HTTP_OK, "ok\n", NULL);
	const struct wh_asset *asset = s->cfg.role == WH_ROLE_LINT ? wh_page_asset(url) : NULL;
	if (asset)
		return reply_asset(mc, r, asset);
	if (!strcmp(url, "/readyz")) {
		char body[600];
		int ready = atomic_load(&s->ready) && !atomic_load(&s->draining);
		pthread_mutex_lock(&s->note_mu);
		if (atomic_load(&s->draining))
			snprintf(body, sizeof body, "not ready: shutting down\n");
		else if (!*s->ready_note)
			snprintf(body, sizeof body, ready ? "ok\n" : "not ready\n");
		else
			snprintf(body, sizeof body, "%s: %.500s\n", ready ? "ok (degraded)" : "not ready",
			         s->ready_note);
		pthread_mutex_unlock(&s->note_mu);
		return reply_text(mc, r, ready ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE, body, NULL);
	}
	if (s->cfg.role == WH_ROLE_PROBE)
		return reply_text(mc, r, MHD_HTTP_NOT_FOUND, "not found\n", NULL);
	/* /metrics */
	struct wh_metrics_extra x = { .now = (long long)time(NULL), .version = IW_VERSION };
	if (s->cfg.tls) {
		unsigned long refused = 0;
		unsigned long loads = wh_tls_reloads(s->cfg.tls, &refused);
		x.cert_not_after = wh_tls_not_after(s->cfg.tls);
		x.reloads = loads ? loads - 1 : 0;   /* the first load is not a reload */
		x.reload_failures = refused;
	}
	x.connections = wh_conntab_count(s->conns);
	char *text = wh_metrics_render(s->cfg.metrics, &x);
	if (!text)
		return reply_text(mc, r, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n", NULL);
	return reply(mc, r, MHD_HTTP_OK, "text/plain; version=0.0.4; charset=utf-8", text,
	             strlen(text), 1, NULL);
}

/* A verified client certificate, when a client CA is configured. */
static int client_ok(struct wh_server *s, struct MHD_Connection *mc)
{
	if (!s->cfg.tls || !wh_tls_client_ca(s->cfg.tls))
		return 1;
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (!ci || !ci->tls_session)
		return 0;
	gnutls_session_t ts = ci->tls_session;
	unsigned status = 1, n = 0;
	if (!gnutls_certificate_get_peers(ts, &n) || n == 0)
		return 0;
	if (gnutls_certificate_verify_peers2(ts, &status) < 0)
		return 0;
	return status == 0;
}

/*
 * An answer while the body is coming in (a chunked body past --max-body, or
 * past the bodies budget).  MHD 0.9.75 refuses MHD_queue_response once it
 * reads a body (only in the headers-only call or after the whole body), and
 * returning MHD_NO from here closes the connection without a word.  So the
 * answer is written on the connection directly, through the TLS session when
 * there is one (this is the connection's own MHD thread: nothing else writes
 * on it now), then the sending side is closed (close_notify, FIN) and the rest
 * of the body is read and dropped for at most LINGER_S seconds, so that the
 * client reads the answer instead of a reset.  MHD closes the connection at
 * the end of the body, when the client closes, or when the sweeper cuts it.
 */
#define LINGER_S 2

static int send_all(int fd, gnutls_session_t ts, const char *buf, size_t len)
{
	long long until = now_ns() + 1000000000LL;
	while (len) {
		ssize_t k = ts ? gnutls_record_send(ts, buf, len) : send(fd, buf, len, MSG_NOSIGNAL);
		if (k > 0) {
			buf += k;
			len -= (size_t)k;
			continue;
		}
		int again = ts ? (k == GNUTLS_E_AGAIN || k == GNUTLS_E_INTERRUPTED)
		               : (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR));
		if (!again || now_ns() > until)
			return -1;
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		poll(&p, 1, 100);
	}
	return 0;
}

static enum MHD_Result answer_mid_body(struct wh_server *s, struct MHD_Connection *mc, struct req *r,
                                       unsigned status, const char *text)
{
	const union MHD_ConnectionInfo *fi = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);
	const union MHD_ConnectionInfo *ti = s->cfg.tls ?
		MHD_get_connection_info(mc, MHD_CONNECTION_INFO_GNUTLS_SESSION) : NULL;
	gnutls_session_t ts = ti ? ti->tls_session : NULL;
	r->status = status;
	r->cut_short = 1;
	if (!fi || (s->cfg.tls && !ts))
		return MHD_NO;
	char date[64], head[512];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	int n = snprintf(head, sizeof head,
	                 "HTTP/1.1 %u %s\r\nDate: %s\r\nConnection: close\r\n"
	                 "Content-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\n"
	                 "%sContent-Length: %zu\r\n\r\n%s",
	                 status, MHD_get_reason_phrase_for(status), date,
	                 status == MHD_HTTP_SERVICE_UNAVAILABLE ? "Retry-After: 1\r\n" : "",
	                 strlen(text), text);
	if (n <= 0 || (size_t)n >= sizeof head || send_all(fi->connect_fd, ts, head, (size_t)n) < 0)
		return MHD_NO;
	if (ts)
		gnutls_bye(ts, GNUTLS_SHUT_WR);   /* non-blocking: best effort */
	shutdown(fi->connect_fd, SHUT_WR);
	conn_deadline(s, r->conn, now_ns() + LINGER_S * 1000000000LL);
	if (r->body_held) {   /* nothing more is kept */
		wh_budget_release(s->cfg.bodies, r->body_held);
		r->body_held = 0;
	}
	free(r->body);
	r->body = NULL;
	r->len = r->cap = 0;
	return MHD_YES;
}

/*
 * MHD 0.9.75 closes the connection when a response is queued in the first
 * (headers-only) call while a body is announced.  When the request has no
 * body, answers are therefore given in the next call, which keeps the
 * connection alive; with a body (413, 415 ...) the early answer and the
 * close are what we want: the body is never read.
 */
static enum MHD_Result early(struct MHD_Connection *mc, struct req *r, unsigned status,
                             const char *text, const char *allow)
{
	if (r->has_body)
		return reply_text(mc, r, status, text, allow);
	r->defer_status = status;
	r->defer_text = text;
	r->defer_allow = allow;
	return MHD_YES;
}

static enum MHD_Result headers_phase(struct wh_server *s, struct MHD_Connection *mc, struct req *r,
                                     const char *url, const char *method, const char *version)
{
	const char *want = s->cfg.role == WH_ROLE_LINT ? "/lint" : s->path;
	struct wh_head hd;
	const char *why;
	unsigned bad = wh_head_check(mc, method, version, &r->target, &hd, &why);
	if (bad) {
		/* Framing the server cannot trust: answer and close, never read on. */
		char text[128];
		snprintf(text, sizeof text, "%s\n", why);
		r->must_close = 1;
		if (wh_log_enabled(WH_LOG_DEBUG))
			wh_log(WH_LOG_DEBUG, "malformed request", json_pack("{s:i, s:s}", "status", (int)bad, "reason", why));
		return reply(mc, r, bad, "text/plain; charset=utf-8", text, strlen(text), 0, NULL);
	}
	r->has_body = hd.chunked || (hd.has_length && hd.length > 0);
	/* The head is in: from here the request keeps its slot (conntab.h) and
	 * the body is due by the read deadline. */
	wh_conn_busy(s->conns, r->conn);
	conn_deadline(s, r->conn, r->deadline_ns);
	if (s->cfg.role == WH_ROLE_PROBE) {
		/* the kubelet's: GET /healthz and /readyz, nothing else, no body */
		if (r->has_body) {
			r->too_big = 1;
			return reply_text(mc, r, MHD_HTTP_CONTENT_TOO_LARGE, "no body here\n", NULL);
		}
		if (strcmp(url, "/healthz") != 0 && strcmp(url, "/readyz") != 0)
			return early(mc, r, MHD_HTTP_NOT_FOUND, "not found\n", NULL);
		r->defer_get = 1;
		return MHD_YES;
	}
	if (!client_ok(s, mc))
		return early(mc, r, MHD_HTTP_FORBIDDEN, "client certificate required\n", NULL);
	if (s->cfg.role == WH_ROLE_LINT) {
		if (!loopback_host(hd.host, hd.host_len))
			return early(mc, r, MHD_HTTP_FORBIDDEN,
			             "the lint server answers requests for localhost only\n", NULL);
		if (!same_origin(mc, &hd))
			return early(mc, r, MHD_HTTP_FORBIDDEN, "cross-origin request refused\n", NULL);
	}
	if (!strcmp(url, "/healthz") || !strcmp(url, "/readyz") || !strcmp(url, "/metrics") ||
	    (s->cfg.role == WH_ROLE_LINT && wh_page_asset(url))) {
		if (r->has_body)
			return serve_get(s, mc, r, url, method);
		r->defer_get = 1;
		return MHD_YES;
	}
	if (s->cfg.role == WH_ROLE_LINT) {
		int ep = lint_endpoint(url);
		if (ep < 0)
			return early(mc, r, MHD_HTTP_NOT_FOUND, "not found\n", NULL);
		r->endpoint = ep;
		want = url;
	}
	if (strcmp(url, want) != 0)
		return early(mc, r, MHD_HTTP_NOT_FOUND, "not found\n", NULL);
	r->kind = s->cfg.role == WH_ROLE_LINT ? REQ_LINT : REQ_REVIEW;
	if (strcmp(method, MHD_HTTP_METHOD_POST) != 0)
		return early(mc, r, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed: use POST\n", "POST");
	const char *ct = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (!ctype_is(ct, r->kind == REQ_LINT ? lint_types : json_types))
		return early(mc, r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
		                  r->kind == REQ_LINT ? "content type must be YAML or JSON\n"
		                                      : "content type must be application/json\n", NULL);
	if (r->kind == REQ_REVIEW) {
		const char *to = MHD_lookup_connection_value(mc, MHD_GET_ARGUMENT_KIND, "timeout");
		if (to) {
			r->timeout_ms = wh_parse_duration_ms(to);
			if (r->timeout_ms <= 0)
				return early(mc, r, MHD_HTTP_BAD_REQUEST, "invalid timeout parameter\n", NULL);
			long long dl = r->start_ns + (long long)r->timeout_ms * 1000000LL;
			if (dl < r->deadline_ns)
				r->deadline_ns = dl;
			conn_deadline(s, r->conn, r->deadline_ns);
		}
	}
	size_t want_cap = 16384;
	if (hd.has_length) {
		if (hd.length > s->cfg.max_body) {
			r->too_big = 1;
			return reply_text(mc, r, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large\n", NULL);
		}
		want_cap = (size_t)hd.length;
		/* A large body holds its room in the bodies budget from the start. */
		if (want_cap > SMALL_BODY && s->cfg.bodies) {
			if (wh_budget_try(s->cfg.bodies, want_cap) < 0) {
				atomic_fetch_add(&s->cfg.metrics->busy, 1);
				r->must_close = 1;
				return reply_text(mc, r, MHD_HTTP_SERVICE_UNAVAILABLE,
				                  "busy: too many large request bodies at once, retry\n", NULL);
			}
			r->body_held = want_cap;
		}
	}
	r->body = malloc(want_cap + 1);
	if (!r->body)
		return reply_text(mc, r, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n", NULL);
	r->cap = want_cap;
	return MHD_YES;
}

/* 0 appended; 413 past --max-body; 503 past the bodies budget; 500 out of memory. */
static unsigned body_append(struct wh_server *s, struct req *r, const char *data, size_t n)
{
	if (n > s->cfg.max_body - r->len)
		return MHD_HTTP_CONTENT_TOO_LARGE;
	if (r->len + n > r->cap) {
		size_t nc = r->cap * 2;
		if (nc < r->len + n)
			nc = r->len + n;
		if (nc > s->cfg.max_body)
			nc = s->cfg.max_body;
		/* a chunked body past SMALL_BODY takes room as it grows */
		size_t need = nc > SMALL_BODY ? nc - (r->cap > SMALL_BODY ? r->cap : SMALL_BODY) : 0;
		if (need && s->cfg.bodies) {
			if (wh_budget_try(s->cfg.bodies, need) < 0)
				return MHD_HTTP_SERVICE_UNAVAILABLE;
			r->body_held += need;
		}
		char *nb = realloc(r->body, nc + 1);
		if (!nb)
			return MHD_HTTP_INTERNAL_SERVER_ERROR;
		r->body = nb;
		r->cap = nc;
	}
	memcpy(r->body + r->len, data, n);
	r->len += n;
	return 0;
}

/*
 * Parsing costs memory in proportion to the body (bench/memory): a large
 * body waits for room in the parses budget, until the request's deadline
 * (503 then).  The thread pool does not wait: the connection is suspended
 * (MHD_suspend_connection) and queued on the budget, which resumes it when
 * room comes back or its deadline passes, and MHD calls the handler again.
 * Returns 0 when the parse may start, 1 when suspended, -1 past the deadline.
 */
static void resume_waiter(void *arg)
{
	struct req *r = arg;
	MHD_resume_connection(r->mc);
}

static int parse_begin(struct wh_server *s, struct MHD_Connection *mc, struct req *r)
{
	if (r->len <= SMALL_BODY || !s->cfg.parses || r->parse_held)
		return 0;
	if (now_ns() >= r->deadline_ns) {
		atomic_fetch_add(&s->cfg.metrics->busy, 1);
		return -1;
	}
	if (s->cfg.thread_per_connection) {   /* a thread of its own: it may wait */
		if (wh_budget_wait(s->cfg.parses, r->len, r->deadline_ns) < 0) {
			atomic_fetch_add(&s->cfg.metrics->busy, 1);
			return -1;
		}
	} else if (wh_budget_try(s->cfg.parses, r->len) < 0) {
		/* Suspended before queued: a wake may come at once.  Never answered
		 * while suspended: the parse runs in the call after the resume. */
		r->mc = mc;
		r->wait = (struct wh_budget_waiter){ .deadline_ns = r->deadline_ns,
		                                     .wake = resume_waiter, .arg = r };
		MHD_suspend_connection(mc);
		if (wh_budget_take_or_queue(s->cfg.parses, r->len, &r->wait) == 0) {
			r->parse_held = r->len;
			MHD_resume_connection(mc);
		}
		return 1;
	}
	r->parse_held = r->len;
	return 0;
}

/* The parses budget's deadlines, from each listener's sweeper. */
static void expire_waiters(void *arg)
{
	struct wh_server *s = arg;
	if (s->cfg.parses)
		wh_budget_expire(s->cfg.parses, now_ns());
}

/* After the parse: the body and the room go back at once, and a large
 * request's memory goes back to the system (glibc keeps freed memory in its
 * per-thread arenas otherwise). */
static void parse_end(struct wh_server *s, struct req *r)
{
	int large = r->parse_held > 0;
	free(r->body);
	r->body = NULL;
	if (r->parse_held) {
		wh_budget_release(s->cfg.parses, r->parse_held);
		r->parse_held = 0;
	}
	if (r->body_held) {
		wh_budget_release(s->cfg.bodies, r->body_held);
		r->body_held = 0;
	}
	if (large)
		malloc_trim(0);
}

static enum MHD_Result answer_review(struct wh_server *s, struct MHD_Connection *mc, struct req *r)
{
	if (r->timeout_ms > 0 && now_ns() - r->start_ns > r->timeout_ms * 1000000LL)
		return reply_text(mc, r, MHD_HTTP_SERVICE_UNAVAILABLE, "deadline exceeded\n", NULL);
	int wait = parse_begin(s, mc, r);
	if (wait > 0)
		return MHD_YES;
	if (wait < 0)
		return reply_text(mc, r, MHD_HTTP_SERVICE_UNAVAILABLE,
		                  "busy: too many large requests at once, retry\n", NULL);
	struct wh_answer a = { 0 };
	struct wh_review_info info = { WH_OUT_ERROR, WH_VER_NONE, NULL };
	r->body[r->len] = 0;
	enum MHD_Result ret;
	int rc = s->cfg.review(s->cfg.review_ctx, r->body, r->len, &a, &info);
	parse_end(s, r);
	if (rc < 0) {
		free(a.body);
		info.outcome = WH_OUT_ERROR;
		ret = reply_text(mc, r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal error\n", NULL);
	} else {
		ret = reply(mc, r, a.status, a.content_type ? a.content_type : "application/json",
		            a.body, a.len, 1, NULL);
	}
	unsigned long long ns = (unsigned long long)(now_ns() - r->start_ns);
	r->version = info.version;
	wh_metrics_observe(s->cfg.metrics, info.outcome, info.version, ns);
	r->observed = 1;
	enum wh_level lvl = info.outcome == WH_OUT_ERROR ? WH_LOG_ERROR :
	                    info.outcome == WH_OUT_INVALID ? WH_LOG_WARN : WH_LOG_INFO;
	wh_log_review(lvl, info.log_fields, r->status, ns / 1000);
	free(info.log_fields);
	return ret;
}

static const char *const endpoint_path[] = { "/lint", "/route", "/diff" };

/* One log line per lint-listener request, as answer_review logs reviews:
 * what the callback chose to say (counts, never the manifests), the status
 * and the time. */
static void log_lint(struct req *r, const struct wh_lint_info *info, size_t body_len)
{
	enum wh_level lvl = r->status >= 500 ? WH_LOG_ERROR : r->status == 400 ? WH_LOG_WARN : WH_LOG_INFO;
	if (!wh_log_enabled(lvl))
		return;
	unsigned long long ns = (unsigned long long)(now_ns() - r->start_ns);
	struct buf f;
	buf_init(&f, SIZE_MAX / 2);
	buf_printf(&f, "\"endpoint\":\"%s\",\"bytes\":%zu", endpoint_path[r->endpoint], body_len);
	if (info->log_fields && *info->log_fields) {
		buf_putc(&f, ',');
		buf_puts(&f, info->log_fields);
	}
	if (!f.err)
		wh_log_request(lvl, "lint", f.p, r->status, ns / 1000);
	buf_release(&f);
}

static enum MHD_Result answer_lint(struct wh_server *s, struct MHD_Connection *mc, struct req *r)
{
	struct wh_answer a = { 0 };
	struct wh_lint_info info = { .result = 2 };
	int wait = parse_begin(s, mc, r);
	if (wait > 0)
		return MHD_YES;
	if (wait < 0)
		return reply_text(mc, r, MHD_HTTP_SERVICE_UNAVAILABLE,
		                  "busy: too many large requests at once, retry\n", NULL);
	r->body[r->len] = 0;
	/* the sweeper cutting this connection stops the parse and the checks */
	struct wh_lint_req q = {
		.endpoint = (enum wh_lint_endpoint)r->endpoint, .body = r->body, .len = r->len,
		.content_type = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE),
		.output = MHD_lookup_connection_value(mc, MHD_GET_ARGUMENT_KIND, "o"),
		.status = MHD_lookup_connection_value(mc, MHD_GET_ARGUMENT_KIND, "status"),
		.cancel = wh_conn_cancel_flag(r->conn),
	};
	enum MHD_Result ret;
	int rc = s->cfg.lint ? s->cfg.lint(s->cfg.lint_ctx, &q, &a, &info) : -1;
	parse_end(s, r);
	if (rc < 0) {
		free(a.body);
		info.result = 2;
		ret = reply_text(mc, r, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal error\n", NULL);
	} else {
		ret = reply(mc, r, a.status, a.content_type ? a.content_type : "application/json",
		            a.body, a.len, 1, NULL);
	}
	atomic_fetch_add(&s->cfg.metrics->lint[info.result == 0 ? 0 : info.result == 1 ? 1 : 2], 1);
	log_lint(r, &info, q.len);
	free(info.log_fields);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *mc, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *data_len, void **req_cls)
{
	struct wh_server *s = cls;
	struct req *r = *req_cls;
	if (!r)
		return reply_text(mc, NULL, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n", NULL);
	if (!r->seen) {
		r->seen = 1;
		return headers_phase(s, mc, r, url, method, version);
	}
	if (r->cut_short) {       /* answered while the body came in: drop the rest */
		if (!*data_len)
			return MHD_NO;
		*data_len = 0;
		return MHD_YES;
	}
	if (r->status)            /* answered early (413 ...): discard, never buffer */
		return MHD_NO;
	if (r->defer_get) {
		*data_len = 0;
		return serve_get(s, mc, r, url, method);
	}
	if (r->defer_status) {
		*data_len = 0;
		return reply_text(mc, r, r->defer_status, r->defer_text, r->defer_allow);
	}
	if (*data_len) {
		unsigned st = body_append(s, r, data, *data_len);
		*data_len = 0;
		if (st == MHD_HTTP_SERVICE_UNAVAILABLE)
			atomic_fetch_add(&s->cfg.metrics->busy, 1);
		return !st ? MHD_YES :
		       answer_mid_body(s, mc, r, st,
		                       st == MHD_HTTP_CONTENT_TOO_LARGE ? "request body too large\n" :
		                       st == MHD_HTTP_SERVICE_UNAVAILABLE ? "busy: too many large request bodies at once, retry\n" :
		                       "out of memory\n");
	}
	/* The whole body is in: writing the answer gets its own bounded time. */
	if (!r->answer_ns) {
		r->answer_ns = now_ns();
		conn_deadline(s, r->conn, r->answer_ns + (long long)s->cfg.read_timeout * 1000000000LL);
	}
	return r->kind == REQ_LINT ? answer_lint(s, mc, r) : answer_review(s, mc, r);
}

/* ---- daemon ---- */

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char buf[512];
	vsnprintf(buf, sizeof buf, fmt, ap);
	size_t n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = 0;
	/* MHD reports client-side trouble here (bad handshakes, resets): debug. */
	if (wh_log_enabled(WH_LOG_DEBUG))
		wh_log(WH_LOG_DEBUG, "libmicrohttpd", json_pack("{s:s}", "detail", buf));
}

struct wh_server *wh_server_start(const struct wh_config *cfg, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int loopback = 0;
	/* the probe listener is plain HTTP anywhere: it answers only the probes */
	if (wh_listen_check(cfg->listen, cfg->tls != NULL || cfg->role == WH_ROLE_PROBE, err, errlen) ||
	    wh_parse_listen(cfg->listen, &ss, &sl, &loopback, err, errlen) < 0)
		return NULL;
	char why[160];
	if (wh_bind_probe(&ss, sl, why, sizeof why)) {
		snprintf(err, errlen, "cannot listen on '%s': %s", cfg->listen, why);
		return NULL;
	}
	struct wh_server *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&s->note_mu, NULL);
	s->cfg = *cfg;
	struct wh_conntab_opts co = {
		.max_conns = cfg->max_conns, .per_ip = cfg->per_ip,
		.header_timeout = cfg->header_timeout ? cfg->header_timeout : cfg->read_timeout,
		.idle_timeout = cfg->idle_timeout,
		.cut = &cfg->metrics->slow_cut, .evicted = &cfg->metrics->evicted,
		.tick = expire_waiters, .tick_arg = s,
	};
	if (!(s->conns = wh_conntab_new(&co))) {
		snprintf(err, errlen, "cannot start the deadline thread");
		goto fail;
	}
	s->path = strdup(cfg->path ? cfg->path : "/validate");
	s->priorities = strdup(cfg->tls_priorities ? cfg->tls_priorities : WH_TLS_PRIORITIES);
	if (!s->path || !s->priorities) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	s->cfg.path = s->path;
	s->cfg.tls_priorities = s->priorities;
	atomic_store(&s->ready, !s->cfg.start_unready);

	unsigned threads = cfg->threads;
	if (!threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 && n < 256 ? (unsigned)n : 2;
	}
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC |
	                 MHD_ALLOW_SUSPEND_RESUME;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (cfg->tls)
		flags |= MHD_USE_TLS;
	if (cfg->thread_per_connection)
		flags |= MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL;
	else
		flags |= MHD_USE_EPOLL;
	struct MHD_OptionItem opts[24];
	size_t k = 0;
#define OPT(o, v, p) opts[k++] = (struct MHD_OptionItem){ (o), (intptr_t)(v), (p) }
	OPT(MHD_OPTION_SOCK_ADDR, 0, &ss);
	OPT(MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, s);
	OPT(MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)on_connection, s);
	OPT(MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)on_uri, s);
	OPT(MHD_OPTION_EXTERNAL_LOGGER, (intptr_t)mhd_log, NULL);
	OPT(MHD_OPTION_CONNECTION_LIMIT, cfg->max_conns, NULL);
	OPT(MHD_OPTION_CONNECTION_TIMEOUT, cfg->idle_timeout, NULL);
	OPT(MHD_OPTION_CONNECTION_MEMORY_LIMIT, cfg->mem_limit, NULL);
	OPT(MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, NULL);
	if (cfg->per_ip)
		OPT(MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->per_ip, NULL);
	if (!cfg->thread_per_connection)
		OPT(MHD_OPTION_THREAD_POOL_SIZE, threads, NULL);
	if (cfg->tls) {
		OPT(MHD_OPTION_HTTPS_PRIORITIES, 0, s->priorities);
		OPT(MHD_OPTION_HTTPS_CERT_CALLBACK, 0, (void *)(uintptr_t)wh_tls_retrieve);
		if (wh_tls_client_ca(cfg->tls))
			OPT(MHD_OPTION_HTTPS_MEM_TRUST, 0, (void *)(uintptr_t)wh_tls_client_ca(cfg->tls));
	}
	OPT(MHD_OPTION_END, 0, NULL);
#undef OPT
	s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s, MHD_OPTION_ARRAY, opts,
	                        MHD_OPTION_END);
	if (!s->d) {
		snprintf(err, errlen, "cannot start serving on '%s': libmicrohttpd refused%s "
		         "(--log-level debug shows its reason)", cfg->listen,
		         cfg->tls ? " the TLS settings (--tls-priorities?)" : "");
		goto fail;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di ? di->port : 0;
	return s;
fail:
	wh_server_stop(s);
	return NULL;
}

unsigned wh_server_port(const struct wh_server *s) { return s->port; }
void wh_server_set_ready(struct wh_server *s, int ready) { atomic_store(&s->ready, ready); }

void wh_server_set_ready_note(struct wh_server *s, const char *note)
{
	pthread_mutex_lock(&s->note_mu);
	size_t n = strnlen(note ? note : "", sizeof s->ready_note - 1);
	memcpy(s->ready_note, note ? note : "", n);
	s->ready_note[n] = '\0';
	pthread_mutex_unlock(&s->note_mu);
}
long wh_server_in_flight(const struct wh_server *s)
{
	return atomic_load(&((struct wh_server *)(uintptr_t)s)->in_flight);
}

void wh_server_quiesce(struct wh_server *s)
{
	atomic_store(&s->draining, 1);
	atomic_store(&s->ready, 0);
	if (s->d) {
		MHD_socket fd = MHD_quiesce_daemon(s->d);
		if (fd != MHD_INVALID_SOCKET)
			close(fd);
	}
}

void wh_server_stop(struct wh_server *s)
{
	if (!s)
		return;
	if (s->d)
		MHD_stop_daemon(s->d);
	wh_conntab_free(s->conns);
	pthread_mutex_destroy(&s->note_mu);
	free(s->path);
	free(s->priorities);
	free(s);
}
