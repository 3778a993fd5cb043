/*
 * The open connections of one listener (webhook/server.c): their deadlines,
 * and who gives way when the slots run short.
 *
 * Deadlines.  A connection must finish its request head within
 * header_timeout of the accept (the TLS handshake included) or, on a kept-
 * alive connection, of the request line; between requests it may wait
 * idle_timeout.  The server moves the deadline on for the body and the answer
 * (wh_conn_deadline).  A sweeper thread shuts down the socket of every
 * connection past its deadline, every 200 ms; MHD then closes it.  Each round
 * that closed connections logs one line (how many past their deadline, how
 * many gave way), never one per connection.
 * (MHD's own timeout only counts inactivity, which one byte a second defeats,
 * and it starts only once the request line is in.)
 *
 * Giving way.  A connection whose request head is not complete (a TLS
 * handshake, a head trickling in) or that is idle between requests holds a
 * slot for nothing.
 * When a new connection brings the listener above 7/8 of max_conns, or its
 * client address above 7/8 of per_ip, the oldest such connection (of that
 * address for the latter) is shut down: first those that never completed a
 * request, then idle ones.  A flood of idle sockets therefore costs the
 * flood its oldest sockets, not the API server its new ones, and the 1/8
 * left keeps room for arrivals.  MHD's own limits (MHD_OPTION_CONNECTION_LIMIT
 * and MHD_OPTION_PER_IP_CONNECTION_LIMIT at max_conns and per_ip) stay as the
 * hard caps for connections that are all busy.
 *
 * Thread safety: every function may be called from any MHD thread.  A
 * record is unlinked before MHD closes its descriptor, so the sweeper never
 * touches a descriptor number that may have been reused.
 */
#ifndef IW_WEBHOOK_CONNTAB_H
#define IW_WEBHOOK_CONNTAB_H

#include <stdatomic.h>
#include <stdbool.h>
#include <sys/socket.h>

struct wh_conntab_opts {
	unsigned max_conns;          /* slots of the listener */
	unsigned per_ip;             /* per client address; 0: no limit */
	unsigned header_timeout;     /* seconds */
	unsigned idle_timeout;       /* seconds */
	atomic_ulong *cut;           /* counts connections cut at their deadline (may be NULL) */
	atomic_ulong *evicted;       /* counts connections that gave way (may be NULL) */
	void (*tick)(void *arg);     /* called by the sweeper on each round (may be NULL) */
	void *tick_arg;
};

struct wh_conntab;
struct wh_conn;

/* Starts the sweeper.  NULL when out of memory or threads. */
struct wh_conntab *wh_conntab_new(const struct wh_conntab_opts *o);
/* Stops the sweeper and frees; every connection must be closed first (MHD stopped). */
void wh_conntab_free(struct wh_conntab *t);

/* A new connection (MHD_CONNECTION_NOTIFY_STARTED): its deadline is the
 * header timeout; may shut down older connections (above).  NULL when out of
 * memory (the connection then only has MHD's own timeout). */
struct wh_conn *wh_conn_open(struct wh_conntab *t, int fd, const struct sockaddr *addr);
/* MHD_CONNECTION_NOTIFY_CLOSED.  NULL is a no-op. */
void wh_conn_close(struct wh_conntab *t, struct wh_conn *c);

/* The request line arrived (the URI log callback): the head must end by the
 * header deadline, which this returns (monotonic ns).  NULL c: now +
 * header_timeout. */
long long wh_conn_request(struct wh_conntab *t, struct wh_conn *c);
/* The head is complete: inside a request (never given way) until wh_conn_idle. */
void wh_conn_busy(struct wh_conntab *t, struct wh_conn *c);
/* A new deadline (monotonic ns) for the request in progress. */
void wh_conn_deadline(struct wh_conntab *t, struct wh_conn *c, long long deadline_ns);
/* The request ended: idle until the next one, for idle_timeout. */
void wh_conn_idle(struct wh_conntab *t, struct wh_conn *c);
/* Connections open now. */
unsigned wh_conntab_count(struct wh_conntab *t);
/* Becomes true when c is shut down (deadline or giving way): the work for its
 * request may stop (lint_opts.limits.cancel).  NULL c: NULL. */
const atomic_bool *wh_conn_cancel_flag(const struct wh_conn *c);
/* Whether c was shut down (deadline or giving way): for the tests. */
int wh_conn_was_cut(struct wh_conntab *t, const struct wh_conn *c);

/* Monotonic clock in nanoseconds. */
long long wh_now_ns(void);

#endif
