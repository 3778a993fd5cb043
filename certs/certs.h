/*
 * Development and self-managed certificates for the webhook, made with
 * GnuTLS: a self-signed CA and an ECDSA P-256 serving certificate signed by
 * it, whose subject alternative names are the Service's DNS names (NAME,
 * NAME.NS, NAME.NS.svc, NAME.NS.svc.cluster.local) plus any extra hosts
 * (DNS names or IPv4/IPv6 literals, e.g. localhost and 127.0.0.1).
 *
 * Everything here works in memory; certs_write_dir() is the only function
 * that touches files.  Errors are reported in a caller buffer as one line.
 */
#ifndef IW_CERTS_CERTS_H
#define IW_CERTS_CERTS_H

#include <stddef.h>

#define CERTS_MAX_HOSTS 32       /* extra SANs accepted from the command line */

struct certs_opts {
	const char *service;     /* Service name: required, a DNS-1123 label */
	const char *namespace_;  /* its namespace: required, a DNS-1123 label */
	const char *hosts[CERTS_MAX_HOSTS];  /* extra SANs (DNS name or IP literal) */
	size_t nhosts;
	unsigned days;           /* validity of the serving certificate (1..36500) */
	unsigned ca_days;        /* validity of a new CA; 0: 'days' (never less than 'days') */
};

/* PEM texts, NUL-terminated, owned by the struct: release with certs_release(). */
struct certs_pem {
	char *ca_crt;            /* the CA certificate (the caBundle) */
	char *ca_key;            /* the CA's key, kept so that a renewal keeps the caBundle */
	char *tls_crt;           /* the serving certificate */
	char *tls_key;           /* its private key, PKCS#8 PEM, unencrypted */
};

/*
 * Generates a fresh CA and serving pair into 'out' (which it zeroes first).
 * Returns 0, or -1 with a one-line reason in err (nothing to release then).
 */
int certs_generate(const struct certs_opts *o, struct certs_pem *out,
                   char *err, size_t errlen);
void certs_release(struct certs_pem *p);

/*
 * A new serving pair signed by an existing CA (PEM certificate and key; the
 * key must belong to the certificate): the caBundle stays valid.  'out' gets
 * copies of the CA too.  Returns 0, or -1 with a reason.
 */
int certs_issue(const struct certs_opts *o, const char *ca_crt, const char *ca_key,
                struct certs_pem *out, char *err, size_t errlen);

/*
 * Reads a PEM certificate: *not_after gets its expiry (Unix seconds).
 * Returns 0 when it parses and (when given) 'key_pem' is its key and 'o''s
 * service names are all among its names; 1 when it parses but one of those
 * does not hold; -1 when it does not parse.
 */
int certs_inspect(const char *crt_pem, const char *key_pem, const struct certs_opts *o,
                  long long *not_after);

/*
 * Writes DIR/ca.crt, DIR/tls.crt (mode 0644), DIR/tls.key and, when set,
 * DIR/ca.key (mode 0600, created with that mode, never wider).  DIR is created (0755) if missing.
 * Each file is written to a temporary name then renamed, so a reader never
 * sees a half-written file.  Returns 0 or -1 with a reason.
 */
int certs_write_dir(const char *dir, const struct certs_pem *p, char *err, size_t errlen);

/* Writes one file the same way (temporary name, exact 'mode', rename). */
int certs_write_file(const char *path, const char *data, unsigned mode, char *err, size_t errlen);

/* Base64 of s (standard alphabet, padded, one line): new string or NULL on OOM. */
char *certs_base64(const char *s, size_t len);

/*
 * Checks that 'name' is a DNS-1123 label (what a Service or Namespace name
 * must be): 1..63 of [a-z0-9-], starting and ending alphanumeric.
 */
int certs_valid_label(const char *name);

#endif
