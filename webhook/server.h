/*
 * The HTTP(S) server of `serve`: libmicrohttpd with GnuTLS, one daemon per
 * listener.  It routes, enforces the limits and answers every bad input with
 * a defined status; the work itself is done by callbacks (the AdmissionReview
 * codec, the linter), which are plain functions of a request body.
 *
 *   webhook listener: POST <path> (default /validate, ?timeout= honoured),
 *                     GET /healthz, /readyz, /metrics
 *   lint listener:    GET / (the lint page, webhook/page.h, and its /page.css,
 *                     /page.js), POST /lint, /route, /diff, GET /healthz,
 *                     /readyz, /metrics.  Only for a loopback Host (localhost,
 *                     127.0.0.0/8, [::1]: a DNS-rebound name gets 403) and,
 *                     when the request has an Origin, for the page's own
 *                     origin (403 otherwise: another site's page cannot make
 *                     the browser post to it).
 *
 * Answers before any callback runs: 404 unknown path, 405 wrong method (with
 * Allow), 415 wrong Content-Type, 413 body over max_body (decided from
 * Content-Length before reading it, or as soon as a chunked body passes the
 * cap; the rest is never read and the connection is closed), 403 missing or
 * unverified client certificate (client CA mode), 503 while draining on the
 * readiness probe.
 *
 * Slow clients: the time from the end of one request (or the accept) to the
 * headers of the next is bounded by idle_timeout, and reading one request's
 * headers and body by read_timeout (or the request's ?timeout= when shorter).
 * A sweeper thread shuts down the socket of a connection past its deadline;
 * MHD then closes it.  Connections are capped (max_conns, per_ip) and MHD's
 * per-connection memory is capped (mem_limit, which also bounds headers).
 */
#ifndef IW_WEBHOOK_SERVER_H
#define IW_WEBHOOK_SERVER_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "webhook/listen.h"
#include "base/err.h"
#include "webhook/budget.h"
#include "webhook/metrics.h"
#include "webhook/tlsstore.h"

/* An answer produced by a callback: body is malloc'd and becomes the server's. */
struct wh_answer {
	unsigned status;            /* 200, 400, 500 ... */
	char *body;
	size_t len;
	const char *content_type;   /* static string */
};

/* What the review callback tells the server for the metrics and the log. */
struct wh_review_info {
	enum wh_outcome outcome;
	enum wh_version version;
	char *log_fields;           /* malloc'd JSON members or NULL: "uid":..,"kind":.. (no bodies) */
};

/* Returns 0 with *ans filled, or -1 on an internal failure (answered 500). */
typedef int (*wh_review_fn)(void *ctx, const char *body, size_t len,
                            struct wh_answer *ans, struct wh_review_info *info);
/* The lint listener's POST endpoints. */
enum wh_lint_endpoint { WH_EP_LINT, WH_EP_ROUTE, WH_EP_DIFF };

/* What the lint callback gets: the endpoint, the body and the query's ?o=
 * (the output format asked for; NULL when absent).  All borrowed for the
 * call.  'cancel' becomes true when the connection is cut past its deadline
 * while the callback runs: the callback should stop and return -1 (nobody
 * reads the answer). */
struct wh_lint_req {
	enum wh_lint_endpoint endpoint;
	const char *body;
	size_t len;
	const char *content_type;   /* NULL when absent */
	const char *output;         /* ?o=, NULL when absent */
	/* ?status=200: answer 200 whenever the request was read and the answer
	 * says what came out (the page: a browser logs every 4xx answer to a
	 * fetch as an error in its console); NULL when absent. */
	const char *status;
	const atomic_bool *cancel;
};

/* What the lint callback tells the server for the metrics and the log:
 * 'result' 0 nothing denied, 1 something denied, 2 an input error. */
struct wh_lint_info {
	int result;
	bool reported;              /* the answer is a report or a JSON answer, also on a 4xx */
	char *log_fields;           /* malloc'd JSON members or NULL ("objects":3,...; no bodies) */
};

/* Returns 0 with *ans filled, or -1 on an internal failure (answered 500). */
typedef int (*wh_lint_fn)(void *ctx, const struct wh_lint_req *q, struct wh_answer *ans,
                          struct wh_lint_info *info);

/* The probe role serves GET /healthz and /readyz only, in plain HTTP on any
 * address (the kubelet's probes: no client certificate, their own slots). */
enum wh_role { WH_ROLE_WEBHOOK, WH_ROLE_LINT, WH_ROLE_PROBE };

struct wh_config {
	enum wh_role role;
	const char *listen;          /* "HOST:PORT", "[V6]:PORT" or ":PORT"; numeric or localhost */
	struct wh_tls *tls;          /* NULL: plain HTTP (lint listener on loopback only) */
	const char *tls_priorities;  /* GnuTLS priority string; NULL: WH_TLS_PRIORITIES */
	const char *path;            /* the review path (webhook role) */
	size_t max_body;             /* bytes */
	unsigned threads;            /* MHD thread pool size; 0: one per core */
	int thread_per_connection;   /* measured alternative (bench/serve/README.md) */
	unsigned max_conns, per_ip;  /* 0 per_ip: unlimited */
	unsigned header_timeout;     /* seconds: accept (or request line) to the end of the head */
	unsigned idle_timeout;       /* seconds */
	unsigned read_timeout;       /* seconds */
	size_t mem_limit;            /* MHD memory per connection, bytes */
	struct wh_budget *bodies;    /* bodies over 64 KiB held at once (NULL: no cap) */
	struct wh_budget *parses;    /* bodies over 64 KiB parsed at once (NULL: no cap) */
	wh_review_fn review;
	void *review_ctx;
	wh_lint_fn lint;
	void *lint_ctx;
	struct wh_metrics *metrics;  /* shared by the listeners; not owned */
	int start_unready;           /* /readyz fails until wh_server_set_ready(s, 1) */
};

/* TLS 1.2 and 1.3 only; AEAD ciphers only; ECDHE only; server's order. */
#define WH_TLS_PRIORITIES \
	"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-GCM:+AES-256-GCM:" \
	"+CHACHA20-POLY1305:-MAC-ALL:+AEAD:-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA:%SERVER_PRECEDENCE"

struct wh_server;

/* Binds and starts serving.  NULL with a one-line reason on failure. */
struct wh_server *wh_server_start(const struct wh_config *cfg, char *err, size_t errlen);
/* wh_listen_check: webhook/listen.h (included here for its callers). */
/* The bound port (useful with port 0). */
unsigned wh_server_port(const struct wh_server *s);
/* Readiness: /readyz answers 200 "ok" when ready, 503 "not ready" otherwise. */
void wh_server_set_ready(struct wh_server *s, int ready);
/* A one-line reason /readyz adds: "not ready: NOTE", or when ready
 * "ok (degraded): NOTE"; "" or NULL for none.  Copied. */
void wh_server_set_ready_note(struct wh_server *s, const char *note);
/* Stops accepting; answers in-flight requests with "Connection: close". */
void wh_server_quiesce(struct wh_server *s);
/* Requests being received or answered now. */
long wh_server_in_flight(const struct wh_server *s);
/* Stops the daemon (closing every connection) and frees.  NULL is a no-op. */
void wh_server_stop(struct wh_server *s);

/* Parses a Go duration as sent in ?timeout= ("10s", "1500ms", "1m30s");
 * returns milliseconds, or -1 when malformed or above one hour. */
long wh_parse_duration_ms(const char *s);

#endif
