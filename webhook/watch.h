/*
 * Kubernetes list/watch client (libcurl): keeps a consumer's copy of some
 * resources (Ingresses, IngressClasses, Services) in step with the API
 * server.
 *
 * Per resource, one thread:
 *   LIST   GET <path>?limit=N[&continue=T]      all pages, then one batch:
 *          RESET, ADDED x items, SYNCED (the consumer replaces its copy;
 *          it should hold its write lock from RESET to SYNCED)
 *   WATCH  GET <path>?watch=1&resourceVersion=RV&allowWatchBookmarks=true
 *          &timeoutSeconds=T: a chunked stream of one JSON event per line
 *          ({"type": ADDED|MODIFIED|DELETED|BOOKMARK|ERROR, "object": ...});
 *          resourceVersion follows every event and BOOKMARK.
 *   410 Gone (HTTP status, or an ERROR event with code 410): relist.
 *   Dropped connection, refused connection, other errors: reconnect after an
 *   exponential backoff (backoff_min_ms doubling up to backoff_max_ms, reset
 *   by a successful list or event).  A watch that ends normally (the server's
 *   timeoutSeconds) reconnects at once from the last resourceVersion.
 *   A stream that receives nothing (no event, no BOOKMARK, no byte) for
 *   idle_seconds is closed and reopened at once (logged, not a failure); a
 *   request that gets no answer for idle_seconds (a hung API server) fails.
 *   Contact (iw_watch_health.since_contact_ms) is the last byte received.
 *
 * Bounds: one event line or one list page at most max_bytes (default
 * 64 MiB); longer is a protocol error (reconnect).  Nothing received is
 * trusted: objects are handed over as parsed JSON and the consumer parses
 * them with the model.
 *
 * Events are delivered from the watch threads: the consumer does its own
 * locking.  Call curl_global_init() once before starting (iw_watch_start
 * does it if nobody did; it is not thread-safe).
 */
#ifndef IW_WEBHOOK_WATCH_H
#define IW_WEBHOOK_WATCH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "webhook/kubeapi.h"

enum iw_watch_ev { IW_WEV_RESET, IW_WEV_ADDED, IW_WEV_MODIFIED, IW_WEV_DELETED, IW_WEV_SYNCED };
const char *iw_watch_ev_name(enum iw_watch_ev ev);   /* "RESET", "ADDED", ... */

struct iw_watch_res {
	const char *path;          /* "/apis/networking.k8s.io/v1/ingresses" */
	const char *api_version;   /* set on list items, which come without it */
	const char *kind;          /* "Ingress" */
};

/* The three resources the checks need, in this order. */
extern const struct iw_watch_res iw_watch_default_res[3];

/* obj is borrowed for the call (NULL for RESET and SYNCED); 'res' indexes the
 * resource array given to iw_watch_start. */
typedef void (*iw_watch_fn)(void *arg, size_t res, enum iw_watch_ev ev, json_t *obj);
struct iw_watch;   /* opaque */

/* Starts one thread per resource.  'res' must outlive the watch.  NULL on
 * failure (OOM, thread creation). */
struct iw_watch *iw_watch_start(const struct iw_watch_opts *o, const struct iw_watch_res *res,
                                size_t nres, iw_watch_fn fn, void *arg);
/* true once every resource completed its first list */
bool iw_watch_synced(const struct iw_watch *w);

struct iw_watch_stats {
	unsigned long lists, relists_gone, reconnects, events, bookmarks, errors;
};
void iw_watch_get_stats(const struct iw_watch *w, struct iw_watch_stats *s);

/*
 * The health of one resource's list/watch, for readiness and metrics.
 * "Contact" is a list that completed, a watch the API server accepted (HTTP
 * 200), an event or a bookmark; a watch stream that stays open counts as
 * contact all along ('connected').
 */
struct iw_watch_health {
	bool synced;                 /* listed at least once */
	bool connected;              /* a watch stream is open now */
	long long since_contact_ms;  /* since the last contact; -1: never */
	unsigned long failures;      /* failed lists and watches so far */
	long last_status;            /* HTTP status of the last failure; 0: none or no answer */
	char last_error[256];        /* its one-line reason ("" when none) */
};
void iw_watch_health(const struct iw_watch *w, size_t res, struct iw_watch_health *h);

/* Stops the threads (aborting transfers in progress) and frees.  NULL ok. */
void iw_watch_stop(struct iw_watch *w);

#endif
