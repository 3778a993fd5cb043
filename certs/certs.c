/* CA + serving certificate generation with GnuTLS (see certs.h). */
#include "certs/certs.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SECS_PER_DAY 86400L
#define BACKDATE 300             /* seconds: tolerate clock skew between nodes */

int certs_valid_label(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n > 63)   /* 63: DNS-1123 label max */
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (!alnum && !(c == '-' && i > 0 && i + 1 < n))
			return 0;
	}
	return 1;
}

/* A DNS name for a SAN: 1..253 of [A-Za-z0-9.*-]; nothing else gets in. */
static int valid_dns_san(const char *h)
{
	size_t n = strlen(h);
	if (n == 0 || n > 253)  /* 253: DNS name max */
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = h[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '-' || c == '*'))
			return 0;
	}
	return 1;
}

static void set_err(char *err, size_t errlen, const char *what, int rc)
{
	snprintf(err, errlen, "%s: %s", what, gnutls_strerror(rc));
}

static int random_serial(gnutls_x509_crt_t crt)
{
	unsigned char serial[16];
	if (gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof serial) < 0)
		return -1;
	serial[0] &= 0x7f;      /* a positive INTEGER */
	serial[0] |= 0x01;      /* and not zero */
	return gnutls_x509_crt_set_serial(crt, serial, sizeof serial);
}

static int new_key(gnutls_x509_privkey_t *key)
{
	int rc = gnutls_x509_privkey_init(key);
	if (rc < 0)
		return rc;
	rc = gnutls_x509_privkey_generate(*key, GNUTLS_PK_ECDSA,
	                                  GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0);
	if (rc < 0) {
		gnutls_x509_privkey_deinit(*key);
		*key = NULL;
	}
	return rc;
}

/* Common fields of both certificates. */
static int crt_base(gnutls_x509_crt_t crt, gnutls_x509_privkey_t key, const char *cn,
                    unsigned days)
{
	time_t now = time(NULL);
	int rc;
	if ((rc = gnutls_x509_crt_set_version(crt, 3)) < 0 ||
	    (rc = random_serial(crt)) < 0 ||
	    (rc = gnutls_x509_crt_set_activation_time(crt, now - BACKDATE)) < 0 ||
	    (rc = gnutls_x509_crt_set_expiration_time(crt, now + (time_t)days * SECS_PER_DAY)) < 0 ||
	    (rc = gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn,
	                                        (unsigned)strlen(cn))) < 0 ||
	    (rc = gnutls_x509_crt_set_key(crt, key)) < 0)
		return rc;
	unsigned char id[64];
	size_t idlen = sizeof id;
	if ((rc = gnutls_x509_crt_get_key_id(crt, GNUTLS_KEYID_USE_SHA1, id, &idlen)) < 0)
		return rc;
	return gnutls_x509_crt_set_subject_key_id(crt, id, idlen);
}

static char *export_crt(gnutls_x509_crt_t crt, int *rc)
{
	gnutls_datum_t d = { NULL, 0 };
	*rc = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &d);
	if (*rc < 0)
		return NULL;
	char *s = strndup((const char *)d.data, d.size);
	gnutls_free(d.data);
	if (!s)
		*rc = GNUTLS_E_MEMORY_ERROR;
	return s;
}

static int add_san(gnutls_x509_crt_t crt, const char *h, char *err, size_t errlen)
{
	unsigned char ip[16];
	int rc;
	if (inet_pton(AF_INET, h, ip) == 1)
		rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, ip, 4,
		                                          GNUTLS_FSAN_APPEND);
	else if (inet_pton(AF_INET6, h, ip) == 1)
		rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS, ip, 16,
		                                          GNUTLS_FSAN_APPEND);
	else if (valid_dns_san(h))
		rc = gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, h,
		                                          (unsigned)strlen(h), GNUTLS_FSAN_APPEND);
	else {
		snprintf(err, errlen, "invalid host '%.100s': not a DNS name or IP address", h);
		return -1;
	}
	if (rc < 0) {
		set_err(err, errlen, "subject alternative name", rc);
		return -1;
	}
	return 0;
}

static int check_opts(const struct certs_opts *o, char *err, size_t errlen)
{
	if (!certs_valid_label(o->service) || !certs_valid_label(o->namespace_)) {
		snprintf(err, errlen, "service and namespace must be DNS-1123 labels");
		return -1;
	}
	if (o->days < 1 || o->days > 36500) {
		snprintf(err, errlen, "days must be 1..36500");
		return -1;
	}
	if (o->nhosts > CERTS_MAX_HOSTS) {
		snprintf(err, errlen, "too many hosts (max %d)", CERTS_MAX_HOSTS);
		return -1;
	}
	return 0;
}

static char *export_key(gnutls_x509_privkey_t key, int *rc)
{
	gnutls_datum_t kd = { NULL, 0 };
	*rc = gnutls_x509_privkey_export2_pkcs8(key, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN, &kd);
	if (*rc < 0)
		return NULL;
	char *s = strndup((const char *)kd.data, kd.size);
	gnutls_memset(kd.data, 0, kd.size);
	gnutls_free(kd.data);
	if (!s)
		*rc = GNUTLS_E_MEMORY_ERROR;
	return s;
}

static void free_secret(char *s)
{
	if (s) {
		gnutls_memset(s, 0, strlen(s));
		free(s);
	}
}

/* A new self-signed CA valid for 'days'. */
static int make_ca(const struct certs_opts *o, unsigned days, gnutls_x509_crt_t *ca,
                   gnutls_x509_privkey_t *cakey, char *err, size_t errlen)
{
	char name[300];
	int rc;
	if ((rc = new_key(cakey)) < 0) { set_err(err, errlen, "CA key", rc); return -1; }
	if ((rc = gnutls_x509_crt_init(ca)) < 0) { set_err(err, errlen, "CA", rc); return -1; }
	snprintf(name, sizeof name, "ingress-warden CA (%s.%s)", o->service, o->namespace_);
	if ((rc = crt_base(*ca, *cakey, name, days)) < 0 ||
	    (rc = gnutls_x509_crt_set_basic_constraints(*ca, 1, 0)) < 0 ||
	    (rc = gnutls_x509_crt_set_key_usage(*ca, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN |
	                                            GNUTLS_KEY_DIGITAL_SIGNATURE)) < 0 ||
	    (rc = gnutls_x509_crt_sign2(*ca, *ca, *cakey, GNUTLS_DIG_SHA256, 0)) < 0) {
		set_err(err, errlen, "CA certificate", rc);
		return -1;
	}
	return 0;
}

/* A serving certificate and key signed by 'ca' into out->tls_crt/tls_key. */
static int make_serving(const struct certs_opts *o, gnutls_x509_crt_t ca, gnutls_x509_privkey_t cakey,
                        struct certs_pem *out, char *err, size_t errlen)
{
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crt_t crt = NULL;
	char name[300];
	int rc, ret = -1;
	if ((rc = new_key(&key)) < 0) { set_err(err, errlen, "key", rc); goto out; }
	if ((rc = gnutls_x509_crt_init(&crt)) < 0) { set_err(err, errlen, "certificate", rc); goto out; }
	snprintf(name, sizeof name, "%s.%s.svc", o->service, o->namespace_);
	if ((rc = crt_base(crt, key, name, o->days)) < 0 ||
	    (rc = gnutls_x509_crt_set_basic_constraints(crt, 0, -1)) < 0 ||
	    (rc = gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE)) < 0 ||
	    (rc = gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0)) < 0) {
		set_err(err, errlen, "certificate", rc);
		goto out;
	}
	{
		unsigned char id[64];
		size_t idlen = sizeof id;
		if ((rc = gnutls_x509_crt_get_subject_key_id(ca, id, &idlen, NULL)) < 0 ||
		    (rc = gnutls_x509_crt_set_authority_key_id(crt, id, idlen)) < 0) {
			set_err(err, errlen, "authority key id", rc);
			goto out;
		}
	}
	static const char *const suffix[] = { NULL, "", ".svc", ".svc.cluster.local" };
	for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++) {
		if (suffix[i])
			snprintf(name, sizeof name, "%s.%s%s", o->service, o->namespace_, suffix[i]);
		else
			snprintf(name, sizeof name, "%s", o->service);
		if (add_san(crt, name, err, errlen) < 0)
			goto out;
	}
	for (size_t i = 0; i < o->nhosts; i++)
		if (add_san(crt, o->hosts[i], err, errlen) < 0)
			goto out;
	if ((rc = gnutls_x509_crt_sign2(crt, ca, cakey, GNUTLS_DIG_SHA256, 0)) < 0) {
		set_err(err, errlen, "signing", rc);
		goto out;
	}
	if (!(out->tls_crt = export_crt(crt, &rc))) {
		set_err(err, errlen, "export", rc);
		goto out;
	}
	if (!(out->tls_key = export_key(key, &rc))) {
		set_err(err, errlen, "key export", rc);
		goto out;
	}
	ret = 0;
out:
	if (crt) gnutls_x509_crt_deinit(crt);
	if (key) gnutls_x509_privkey_deinit(key);
	return ret;
}

int certs_generate(const struct certs_opts *o, struct certs_pem *out, char *err, size_t errlen)
{
	gnutls_x509_privkey_t cakey = NULL;
	gnutls_x509_crt_t ca = NULL;
	int rc, ret = -1;

	memset(out, 0, sizeof *out);
	if (check_opts(o, err, errlen) < 0)
		return -1;
	unsigned ca_days = o->ca_days ? o->ca_days : o->days;
	if (ca_days < o->days)
		ca_days = o->days;   /* the CA outlives what it signs */
	if (make_ca(o, ca_days, &ca, &cakey, err, errlen) < 0 ||
	    make_serving(o, ca, cakey, out, err, errlen) < 0)
		goto out;
	if (!(out->ca_crt = export_crt(ca, &rc))) {
		set_err(err, errlen, "export", rc);
		goto out;
	}
	if (!(out->ca_key = export_key(cakey, &rc))) {
		set_err(err, errlen, "CA key export", rc);
		goto out;
	}
	ret = 0;
out:
	if (ca) gnutls_x509_crt_deinit(ca);
	if (cakey) gnutls_x509_privkey_deinit(cakey);
	if (ret < 0)
		certs_release(out);
	return ret;
}

int certs_issue(const struct certs_opts *o, const char *ca_crt, const char *ca_key,
                struct certs_pem *out, char *err, size_t errlen)
{
	gnutls_x509_privkey_t cakey = NULL;
	gnutls_x509_crt_t ca = NULL;
	int rc, ret = -1;

	memset(out, 0, sizeof *out);
	if (check_opts(o, err, errlen) < 0)
		return -1;
	gnutls_datum_t cd = { (unsigned char *)(uintptr_t)ca_crt, (unsigned)strlen(ca_crt) };
	gnutls_datum_t kd = { (unsigned char *)(uintptr_t)ca_key, (unsigned)strlen(ca_key) };
	if ((rc = gnutls_x509_crt_init(&ca)) < 0 ||
	    (rc = gnutls_x509_crt_import(ca, &cd, GNUTLS_X509_FMT_PEM)) < 0) {
		set_err(err, errlen, "the CA certificate", rc);
		goto out;
	}
	if ((rc = gnutls_x509_privkey_init(&cakey)) < 0 ||
	    (rc = gnutls_x509_privkey_import2(cakey, &kd, GNUTLS_X509_FMT_PEM, NULL, 0)) < 0) {
		set_err(err, errlen, "the CA key", rc);
		goto out;
	}
	{
		unsigned char a[64], b[64];
		size_t al = sizeof a, bl = sizeof b;
		if (gnutls_x509_crt_get_key_id(ca, GNUTLS_KEYID_USE_SHA256, a, &al) < 0 ||
		    gnutls_x509_privkey_get_key_id(cakey, GNUTLS_KEYID_USE_SHA256, b, &bl) < 0 ||
		    al != bl || memcmp(a, b, al)) {
			snprintf(err, errlen, "the CA key does not belong to the CA certificate");
			goto out;
		}
	}
	if (make_serving(o, ca, cakey, out, err, errlen) < 0)
		goto out;
	if (!(out->ca_crt = strdup(ca_crt)) || !(out->ca_key = strdup(ca_key))) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	ret = 0;
out:
	if (ca) gnutls_x509_crt_deinit(ca);
	if (cakey) gnutls_x509_privkey_deinit(cakey);
	if (ret < 0)
		certs_release(out);
	return ret;
}

int certs_inspect(const char *crt_pem, const char *key_pem, const struct certs_opts *o,
                  long long *not_after)
{
	gnutls_x509_crt_t crt = NULL;
	gnutls_x509_privkey_t key = NULL;
	int ret = -1;
	*not_after = 0;
	if (!crt_pem)
		return -1;
	gnutls_datum_t cd = { (unsigned char *)(uintptr_t)crt_pem, (unsigned)strlen(crt_pem) };
	if (gnutls_x509_crt_init(&crt) < 0 || gnutls_x509_crt_import(crt, &cd, GNUTLS_X509_FMT_PEM) < 0)
		goto out;
	*not_after = (long long)gnutls_x509_crt_get_expiration_time(crt);
	if (key_pem) {
		gnutls_datum_t kd = { (unsigned char *)(uintptr_t)key_pem, (unsigned)strlen(key_pem) };
		unsigned char a[64], b[64];
		size_t al = sizeof a, bl = sizeof b;
		if (gnutls_x509_privkey_init(&key) < 0 ||
		    gnutls_x509_privkey_import2(key, &kd, GNUTLS_X509_FMT_PEM, NULL, 0) < 0 ||
		    gnutls_x509_crt_get_key_id(crt, GNUTLS_KEYID_USE_SHA256, a, &al) < 0 ||
		    gnutls_x509_privkey_get_key_id(key, GNUTLS_KEYID_USE_SHA256, b, &bl) < 0 ||
		    al != bl || memcmp(a, b, al)) {
			ret = 1;
			goto out;
		}
	}
	if (o) {
		char name[300];
		static const char *const suffix[] = { NULL, "", ".svc", ".svc.cluster.local" };
		for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++) {
			if (suffix[i])
				snprintf(name, sizeof name, "%s.%s%s", o->service, o->namespace_, suffix[i]);
			else
				snprintf(name, sizeof name, "%s", o->service);
			if (!gnutls_x509_crt_check_hostname(crt, name)) {
				ret = 1;
				goto out;
			}
		}
	}
	ret = 0;
out:
	if (key) gnutls_x509_privkey_deinit(key);
	if (crt) gnutls_x509_crt_deinit(crt);
	return ret;
}

void certs_release(struct certs_pem *p)
{
	if (!p)
		return;
	free(p->ca_crt);
	free(p->tls_crt);
	free_secret(p->tls_key);
	free_secret(p->ca_key);
	memset(p, 0, sizeof *p);
}

int certs_write_file(const char *path, const char *data, unsigned mode, char *err, size_t errlen)
{
	char tmp[4200];
	if (strlen(path) > 4000) {
		snprintf(err, errlen, "path too long: '%.100s'", path);
		return -1;
	}
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, (mode_t)mode);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create '%s': %s", tmp, strerror(errno));
		return -1;
	}
	size_t len = strlen(data), off = 0;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			snprintf(err, errlen, "cannot write '%s': %s", tmp, strerror(errno));
			close(fd);
			unlink(tmp);
			return -1;
		}
		off += (size_t)w;
	}
	/* umask may have narrowed the mode; never widen it, but make it exact. */
	if (fchmod(fd, (mode_t)mode) < 0 || fsync(fd) < 0 || close(fd) < 0) {
		snprintf(err, errlen, "cannot finish '%s': %s", tmp, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) < 0) {
		snprintf(err, errlen, "cannot rename to '%s': %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int write_file(const char *dir, const char *name, const char *data, unsigned mode,
                      char *err, size_t errlen)
{
	char path[4096];
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path) {
		snprintf(err, errlen, "path too long: '%.100s'", dir);
		return -1;
	}
	return certs_write_file(path, data, mode, err, errlen);
}

/* mkdir -p: creates 'dir' and any missing parents. */
static int make_dirs(const char *dir, char *err, size_t errlen)
{
	char path[4096];
	size_t n = strlen(dir);
	if (n == 0 || n >= sizeof path) {
		snprintf(err, errlen, "bad directory name '%.100s'", dir);
		return -1;
	}
	memcpy(path, dir, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		char c = path[i];
		path[i] = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			snprintf(err, errlen, "cannot create '%s': %s", path, strerror(errno));
			return -1;
		}
		path[i] = c;
	}
	return 0;
}

int certs_write_dir(const char *dir, const struct certs_pem *p, char *err, size_t errlen)
{
	if (make_dirs(dir, err, errlen) < 0)
		return -1;
	/* The key first: a reader watching tls.crt then finds its key in place. */
	if (write_file(dir, "tls.key", p->tls_key, 0600, err, errlen) < 0 ||
	    write_file(dir, "tls.crt", p->tls_crt, 0644, err, errlen) < 0 ||
	    write_file(dir, "ca.crt", p->ca_crt, 0644, err, errlen) < 0 ||
	    (p->ca_key && write_file(dir, "ca.key", p->ca_key, 0600, err, errlen) < 0))
		return -1;
	return 0;
}

char *certs_base64(const char *s, size_t len)
{
	gnutls_datum_t in = { (unsigned char *)(uintptr_t)s, (unsigned)len };
	gnutls_datum_t out = { NULL, 0 };
	if (len > (1u << 30) || gnutls_base64_encode2(&in, &out) < 0)
		return NULL;
	char *r = strndup((const char *)out.data, out.size);
	gnutls_free(out.data);
	return r;
}
