/*
 * The serving certificate and key, reloaded without a restart.
 *
 * Design (why the callback and not a credentials swap): libmicrohttpd 0.9.75
 * keeps one gnutls_certificate_credentials_t per daemon and offers no way to
 * replace it.  MHD_OPTION_HTTPS_CERT_CALLBACK instead installs a GnuTLS
 * retrieve function that is asked for the certificate on every handshake.
 * wh_tls_retrieve() answers with the pair that is current at that moment,
 * read through one atomic pointer; a reload builds a complete new pair
 * (parsed, key matched to the certificate, not expired) and only then
 * publishes it.  Handshakes in progress keep the pair they were given:
 * retired pairs are freed only WH_TLS_RETIRE_GRACE seconds after being
 * replaced (longer than any handshake can last: the read timeout bounds it)
 * or at wh_tls_close().  Existing connections are untouched; new ones get
 * the new pair; nothing is dropped.
 *
 * A half-written or mismatched pair is refused and the old one kept; the
 * reason goes to the log callback.  The same contents are not retried nor
 * logged twice.
 *
 * Watching: inotify on the directories of the two files (a Kubernetes Secret
 * volume swaps its "..data" symlink by rename, seen as IN_MOVED_TO/IN_CREATE),
 * plus a periodic comparison of the file contents (for filesystems without
 * inotify, and as a safety net).
 *
 * GnuTLS's retrieve function has no user pointer, so one store per process is
 * "active" (the last opened): documented global state of the I/O shell.
 */
#ifndef IW_WEBHOOK_TLSSTORE_H
#define IW_WEBHOOK_TLSSTORE_H

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <stddef.h>

#define WH_TLS_MAX_FILE (1u << 20)   /* a PEM file above 1 MiB is refused */
#define WH_TLS_MAX_CHAIN 8           /* certificates in tls.crt */
#define WH_TLS_RETIRE_GRACE 600      /* seconds a replaced pair stays allocated */

struct wh_tls;

/* Log sink for reload events: ok=1 reloaded, ok=0 refused (msg is the reason). */
typedef void (*wh_tls_log_fn)(void *ctx, int ok, const char *msg);

/*
 * Loads the pair (and the client CA file when not NULL: its PEM text is kept
 * for MHD_OPTION_HTTPS_MEM_TRUST) and makes this store the active one.
 * Returns the store or NULL with a one-line reason.
 */
struct wh_tls *wh_tls_open(const char *cert_path, const char *key_path,
                           const char *client_ca_path, char *err, size_t errlen);
/* Stops the watcher, frees every pair.  NULL is a no-op. */
void wh_tls_close(struct wh_tls *t);

/* Compares the files with what is loaded; reloads when they changed.
 * Returns 1 reloaded, 0 unchanged (or same refused contents), -1 refused. */
int wh_tls_check(struct wh_tls *t, char *msg, size_t msglen);

/* Starts a thread that calls wh_tls_check on inotify events and every
 * 'interval_ms'.  Returns 0 or -1 with a reason. */
int wh_tls_watch(struct wh_tls *t, unsigned interval_ms, wh_tls_log_fn log, void *ctx,
                 char *err, size_t errlen);

/* notAfter of the current serving certificate (Unix seconds). */
long long wh_tls_not_after(const struct wh_tls *t);
/* Number of reloads done / refused since open. */
unsigned long wh_tls_reloads(const struct wh_tls *t, unsigned long *refused);
/* The client CA PEM text (NUL-terminated) or NULL. */
const char *wh_tls_client_ca(const struct wh_tls *t);

/* For MHD_OPTION_HTTPS_CERT_CALLBACK: the current pair of the active store.
 * When a client CA is configured it also makes the client certificate
 * mandatory in this handshake. */
int wh_tls_retrieve(gnutls_session_t s, const gnutls_datum_t *req_ca_dn, int nreqs,
                    const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length,
                    gnutls_pcert_st **pcert, unsigned int *pcert_length,
                    gnutls_privkey_t *pkey);

#endif
