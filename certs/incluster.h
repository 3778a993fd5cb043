/*
 * In-cluster provisioning of the webhook's certificates (`ingress-warden
 * certs --in-cluster`, run as the Deployment's init container):
 *
 *   1. the Secret NS/SECRET (type kubernetes.io/tls, keys tls.crt, tls.key,
 *      ca.crt, ca.key) is created with a new CA and serving pair when it is
 *      absent; when it exists its pair is used, and renewed with the same CA
 *      when it expires within the renewal window, does not name the Service
 *      or does not match its key; the CA is replaced only when it is
 *      missing, broken or itself about to expire (the caBundle then carries
 *      the old and the new CA, so that pods still serving the old pair stay
 *      trusted);
 *   2. the caBundle of every webhook of the ValidatingWebhookConfiguration
 *      WEBHOOK that points at the Service is set to the CA (only written
 *      when it differs).
 * Writes use the objects' resourceVersion (optimistic concurrency): when two
 * replicas start at once, one creates or renews and the other reads its
 * result (HTTP 409 -> read again, use what is there).
 *
 * The API calls go through a function the caller gives (the command passes
 * the same libcurl client as the watch; the unit tests pass a fake), so
 * this module does no network I/O itself.
 */
#ifndef IW_CERTS_INCLUSTER_H
#define IW_CERTS_INCLUSTER_H

#include <stdbool.h>
#include <stddef.h>

#include "certs/certs.h"

/*
 * One API request: 'method' GET/POST/PUT, 'path' from the server root,
 * 'body' JSON or NULL.  Returns 0 with *status the HTTP status and *resp a
 * malloc'd NUL-terminated body (may be empty; the caller frees), or -1 with
 * a reason in err when no answer came.
 */
struct certs_api {
	int (*call)(void *arg, const char *method, const char *path, const char *body,
	            long *status, char **resp, char *err, size_t errlen);
	void *arg;
};

struct certs_incluster {
	const char *secret;        /* the Secret's name */
	const char *webhook;       /* the ValidatingWebhookConfiguration's name; NULL: leave it */
	unsigned renew_days;       /* renew what expires within this many days */
	long long now;             /* Unix seconds (the caller's clock) */
};

struct certs_outcome {
	bool created;              /* the Secret was created */
	bool renewed;              /* a new serving pair was written to the Secret */
	bool new_ca;               /* the CA was replaced */
	bool bundle_patched;       /* the webhook's caBundle was written */
	long long not_after;       /* expiry of the serving certificate in use */
};

/*
 * Ensures the Secret and the caBundle as above; 'o' names the Service
 * (service, namespace_), the extra hosts and the validities (days for the
 * serving pair, ca_days for a new CA).  'out' gets the pair and CA in use
 * (certs_release).  Returns 0, or -1 with a one-line reason naming the
 * object and the API server's message.
 */
int certs_in_cluster(const struct certs_opts *o, const struct certs_incluster *ic,
                     const struct certs_api *api, struct certs_pem *out,
                     struct certs_outcome *what, char *err, size_t errlen);

#endif
