/*
 * The Kubernetes API client's requests (libcurl): one place that knows how
 * to reach the API server with the credentials of a kubeconfig or of the
 * pod's service account (struct iw_watch_opts).  The watch
 * uses it for its lists and watches; `certs --in-cluster` for the Secret and
 * the ValidatingWebhookConfiguration.
 */
#ifndef IW_WEBHOOK_KUBEAPI_H
#define IW_WEBHOOK_KUBEAPI_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>

/* 'warn': a failure (a list or watch that did not work: the HTTP status and
 * the API server's message, which for a 403 names the missing permission);
 * otherwise progress (listed, relisting after 410). */
typedef void (*iw_watch_log_fn)(void *arg, bool warn, const char *msg);

struct iw_watch_opts {
	const char *server;        /* "https://10.96.0.1:443" */
	const char *token;         /* bearer token, or NULL */
	const char *token_file;    /* re-read before every request (rotated tokens), or NULL */
	const char *ca_file;       /* CA bundle that signs the API server, or NULL */
	const char *client_cert, *client_key;   /* client certificate files, or NULL */
	bool insecure;             /* do not verify the server (tests only) */
	long timeout_seconds;      /* watch timeoutSeconds; default 300 */
	long idle_seconds;         /* a list or watch that receives nothing for this long is
	                            * taken as lost (a stalled stream, a hung API server);
	                            * default 120 (the API server sends a BOOKMARK to a
	                            * watch about once a minute) */
	long backoff_min_ms;       /* default 200 */
	long backoff_max_ms;       /* default 30000 */
	long page_limit;           /* list page size; default 500 */
	size_t max_bytes;          /* default 64 MiB */
	iw_watch_log_fn log;       /* one line per list, relist and failure; may be NULL */
	void *log_arg;
};

/*
 * Reads a kubeconfig: the current context's cluster server,
 * certificate-authority (file; -data is written to a private temporary file
 * whose path goes to *tmp_ca, which the caller unlinks and frees),
 * insecure-skip-tls-verify, and the user's token / tokenFile /
 * client-certificate / client-key.  Strings set in 'o' are new (free them
 * with iw_watch_opts_release).  Returns 0, or -1 with a reason in 'err'.
 */
int iw_watch_kubeconfig(const char *path, struct iw_watch_opts *o, char **tmp_ca,
                        char *err, size_t errsize);
/* In-cluster: KUBERNETES_SERVICE_HOST/PORT, the service account token file
 * and CA.  Returns 0, or -1 with a reason in 'err'. */
int iw_watch_in_cluster(struct iw_watch_opts *o, char *err, size_t errsize);
/* Frees the strings set by the two functions above. */
void iw_watch_opts_release(struct iw_watch_opts *o);


/*
 * A libcurl handle for GET 'url' with the options' server CA, token (a
 * token file is read again for every request: tokens rotate), client
 * certificate, timeouts, protocols limited to http/https, and
 * "Accept: application/json".  *hdrs gets the header list (the caller frees
 * it with curl_slist_free_all after the transfer).  NULL on OOM.
 */
CURL *iw_kube_easy(const struct iw_watch_opts *o, const char *url, struct curl_slist **hdrs);

/*
 * One request: 'method' GET, POST, PUT or PATCH to o->server + 'path' with a
 * JSON 'body' (NULL for none; PATCH sends a JSON merge patch).  Answers of
 * at most 'max' bytes.  Returns 0 with *status and *resp (malloc'd,
 * NUL-terminated; the caller frees), or -1 with a reason in err when no
 * answer came (connection, TLS, timeout, too large).
 */
int iw_kube_request(const struct iw_watch_opts *o, const char *method, const char *path,
                    const char *body, size_t max, long *status, char **resp,
                    char *err, size_t errlen);

#endif
