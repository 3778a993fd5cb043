/* Serving certificate store with hot reload (see tlsstore.h). */
#include "webhook/tlsstore.h"

#include <errno.h>
#include <fcntl.h>
#include <gnutls/x509.h>
#include <libgen.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct pair {
	gnutls_pcert_st pcert[WH_TLS_MAX_CHAIN];
	unsigned npcert;
	gnutls_privkey_t key;
	long long not_after;
	time_t retired_at;     /* 0 while current */
	struct pair *next;     /* retired list */
};

struct wh_tls {
	char *cert_path, *key_path;
	char *client_ca;                   /* PEM text or NULL */
	_Atomic(struct pair *) cur;
	pthread_mutex_t mu;                /* reload, retired list, fingerprints */
	struct pair *retired;
	char *cert_seen, *key_seen;        /* contents last examined (loaded or refused) */
	size_t cert_seen_len, key_seen_len;
	atomic_ulong reloads, refused;
	/* watcher */
	pthread_t thr;
	int watching;
	int stop_pipe[2];
	unsigned interval_ms;
	wh_tls_log_fn log;
	void *log_ctx;
};

static _Atomic(struct wh_tls *) active;

/* Reads a whole file, at most WH_TLS_MAX_FILE bytes; NUL-terminated. */
static char *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
		return NULL;
	}
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);
	while (buf) {
		if (n == cap) {
			if (cap >= WH_TLS_MAX_FILE) {
				snprintf(err, errlen, "'%s' is larger than %u bytes", path, WH_TLS_MAX_FILE);
				free(buf);
				buf = NULL;
				break;
			}
			cap *= 2;
			char *nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
			free(buf);
			buf = NULL;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (!buf) {
		if (!err[0])
			snprintf(err, errlen, "out of memory reading '%s'", path);
		return NULL;
	}
	buf[n] = 0;
	*len = n;
	return buf;
}

static void pair_free(struct pair *p)
{
	if (!p)
		return;
	for (unsigned i = 0; i < p->npcert; i++)
		gnutls_pcert_deinit(&p->pcert[i]);
	if (p->key)
		gnutls_privkey_deinit(p->key);
	free(p);
}

/* Builds a pair from PEM texts: chain parsed, key parsed, key matches the
 * first certificate, the certificate is currently valid. */
static struct pair *pair_load(const char *crt, size_t crtlen, const char *key, size_t keylen,
                              const char *crt_path, const char *key_path, char *err, size_t errlen)
{
	struct pair *p = calloc(1, sizeof *p);
	gnutls_pubkey_t pub = NULL;
	gnutls_x509_crt_t x = NULL;
	int rc;
	if (!p) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	gnutls_datum_t cd = { (unsigned char *)(uintptr_t)crt, (unsigned)crtlen };
	gnutls_datum_t kd = { (unsigned char *)(uintptr_t)key, (unsigned)keylen };
	p->npcert = WH_TLS_MAX_CHAIN;
	rc = gnutls_pcert_list_import_x509_raw(p->pcert, &p->npcert, &cd, GNUTLS_X509_FMT_PEM, 0);
	if (rc < 0 || p->npcert == 0) {
		p->npcert = 0;
		snprintf(err, errlen, "certificate '%s': %s", crt_path,
		         rc < 0 ? gnutls_strerror(rc) : "no PEM certificate in it");
		goto fail;
	}
	if ((rc = gnutls_privkey_init(&p->key)) < 0 ||
	    (rc = gnutls_privkey_import_x509_raw(p->key, &kd, GNUTLS_X509_FMT_PEM, NULL, 0)) < 0) {
		snprintf(err, errlen, "key '%s': %s", key_path, gnutls_strerror(rc));
		goto fail;
	}
	unsigned char id1[64], id2[64];
	size_t l1 = sizeof id1, l2 = sizeof id2;
	if ((rc = gnutls_pubkey_init(&pub)) < 0 ||
	    (rc = gnutls_pubkey_import_privkey(pub, p->key, 0, 0)) < 0 ||
	    (rc = gnutls_pubkey_get_key_id(pub, GNUTLS_KEYID_USE_SHA256, id1, &l1)) < 0 ||
	    (rc = gnutls_pubkey_get_key_id(p->pcert[0].pubkey, GNUTLS_KEYID_USE_SHA256, id2, &l2)) < 0) {
		snprintf(err, errlen, "key '%s': %s", key_path, gnutls_strerror(rc));
		goto fail;
	}
	if (l1 != l2 || memcmp(id1, id2, l1) != 0) {
		snprintf(err, errlen, "'%s' and '%s': the key does not match the certificate", crt_path,
		         key_path);
		goto fail;
	}
	if ((rc = gnutls_x509_crt_init(&x)) < 0 ||
	    (rc = gnutls_x509_crt_import(x, &p->pcert[0].cert, GNUTLS_X509_FMT_DER)) < 0) {
		snprintf(err, errlen, "certificate '%s': %s", crt_path, gnutls_strerror(rc));
		goto fail;
	}
	p->not_after = (long long)gnutls_x509_crt_get_expiration_time(x);
	if (p->not_after <= (long long)time(NULL)) {
		snprintf(err, errlen, "certificate '%s' has expired", crt_path);
		goto fail;
	}
	gnutls_x509_crt_deinit(x);
	gnutls_pubkey_deinit(pub);
	return p;
fail:
	if (x)
		gnutls_x509_crt_deinit(x);
	if (pub)
		gnutls_pubkey_deinit(pub);
	pair_free(p);
	return NULL;
}

static int same(const char *a, size_t al, const char *b, size_t bl)
{
	return a && b && al == bl && memcmp(a, b, al) == 0;
}

/* Frees retired pairs older than the grace period; mu held. */
static void sweep_retired(struct wh_tls *t, time_t now)
{
	struct pair **pp = &t->retired;
	while (*pp) {
		struct pair *p = *pp;
		if (now - p->retired_at > WH_TLS_RETIRE_GRACE) {
			*pp = p->next;
			pair_free(p);
		} else {
			pp = &p->next;
		}
	}
}

int wh_tls_check(struct wh_tls *t, char *msg, size_t msglen)
{
	char err[256] = "";
	size_t cl = 0, kl = 0;
	int ret = 0;
	msg[0] = 0;
	char *crt = read_file(t->cert_path, &cl, err, sizeof err);
	char *key = crt ? read_file(t->key_path, &kl, err, sizeof err) : NULL;
	pthread_mutex_lock(&t->mu);
	sweep_retired(t, time(NULL));
	if (!crt || !key) {
		if (!atomic_load(&t->cur)) {   /* at start-up: there is nothing to keep */
			snprintf(msg, msglen, "%s", err);
			ret = -1;
			goto out;
		}
		/* A file missing mid-swap: report once per distinct state. */
		if (t->cert_seen || t->key_seen) {
			snprintf(msg, msglen, "%s; keeping the current certificate", err);
			free(t->cert_seen);
			free(t->key_seen);
			t->cert_seen = t->key_seen = NULL;
			atomic_fetch_add(&t->refused, 1);
			ret = -1;
		}
		goto out;
	}
	if (same(crt, cl, t->cert_seen, t->cert_seen_len) &&
	    same(key, kl, t->key_seen, t->key_seen_len))
		goto out;   /* unchanged, or the same refused contents */
	struct pair *p = pair_load(crt, cl, key, kl, t->cert_path, t->key_path, err, sizeof err);
	free(t->cert_seen);
	free(t->key_seen);
	t->cert_seen = crt;
	t->cert_seen_len = cl;
	t->key_seen = key;
	t->key_seen_len = kl;
	crt = key = NULL;
	if (!p && !atomic_load(&t->cur)) {   /* at start-up: there is nothing to keep */
		snprintf(msg, msglen, "%s", err);
		ret = -1;
		goto out;
	}
	if (!p) {
		snprintf(msg, msglen, "refused the new certificate pair: %s; keeping the current one",
		         err);
		atomic_fetch_add(&t->refused, 1);
		ret = -1;
		goto out;
	}
	struct pair *old = atomic_exchange(&t->cur, p);
	if (old) {
		old->retired_at = time(NULL);
		old->next = t->retired;
		t->retired = old;
	}
	atomic_fetch_add(&t->reloads, 1);
	snprintf(msg, msglen, "loaded certificate pair from '%s' and '%s'", t->cert_path, t->key_path);
	ret = 1;
out:
	pthread_mutex_unlock(&t->mu);
	free(crt);
	if (key) {
		memset(key, 0, kl);
		free(key);
	}
	return ret;
}

struct wh_tls *wh_tls_open(const char *cert_path, const char *key_path,
                           const char *client_ca_path, char *err, size_t errlen)
{
	struct wh_tls *t = calloc(1, sizeof *t);
	if (!t || !(t->cert_path = strdup(cert_path)) || !(t->key_path = strdup(key_path))) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	pthread_mutex_init(&t->mu, NULL);
	t->stop_pipe[0] = t->stop_pipe[1] = -1;
	err[0] = 0;
	if (client_ca_path) {
		size_t n;
		if (!(t->client_ca = read_file(client_ca_path, &n, err, errlen)))
			goto fail;
		gnutls_x509_crt_t *list = NULL;
		unsigned nlist = 0;
		gnutls_datum_t d = { (unsigned char *)t->client_ca, (unsigned)n };
		int rc = gnutls_x509_crt_list_import2(&list, &nlist, &d, GNUTLS_X509_FMT_PEM, 0);
		if (rc < 0 || nlist == 0) {
			snprintf(err, errlen, "client CA '%s': %s", client_ca_path,
			         rc < 0 ? gnutls_strerror(rc) : "no certificate");
			goto fail;
		}
		for (unsigned i = 0; i < nlist; i++)
			gnutls_x509_crt_deinit(list[i]);
		gnutls_free(list);
	}
	char msg[600];
	if (wh_tls_check(t, msg, sizeof msg) != 1) {
		snprintf(err, errlen, "cannot load the certificate pair: %s",
		         msg[0] ? msg : "no certificate and key");
		goto fail;
	}
	atomic_store(&active, t);
	return t;
fail:
	if (t && !err[0])
		snprintf(err, errlen, "out of memory");
	wh_tls_close(t);
	return NULL;
}

void wh_tls_close(struct wh_tls *t)
{
	if (!t)
		return;
	if (t->watching) {
		if (write(t->stop_pipe[1], "x", 1) < 0) { /* the thread also polls */ }
		pthread_join(t->thr, NULL);
	}
	if (t->stop_pipe[0] >= 0) close(t->stop_pipe[0]);
	if (t->stop_pipe[1] >= 0) close(t->stop_pipe[1]);
	struct wh_tls *self = t;
	atomic_compare_exchange_strong(&active, &self, NULL);
	pair_free(atomic_load(&t->cur));
	while (t->retired) {
		struct pair *p = t->retired;
		t->retired = p->next;
		pair_free(p);
	}
	free(t->cert_seen);
	if (t->key_seen) {
		memset(t->key_seen, 0, t->key_seen_len);
		free(t->key_seen);
	}
	free(t->client_ca);
	free(t->cert_path);
	free(t->key_path);
	pthread_mutex_destroy(&t->mu);
	free(t);
}

long long wh_tls_not_after(const struct wh_tls *t)
{
	struct pair *p = atomic_load(&((struct wh_tls *)(uintptr_t)t)->cur);
	return p ? p->not_after : 0;
}

unsigned long wh_tls_reloads(const struct wh_tls *t, unsigned long *refused)
{
	if (refused)
		*refused = atomic_load(&t->refused);
	return atomic_load(&t->reloads);
}

const char *wh_tls_client_ca(const struct wh_tls *t)
{
	return t->client_ca;
}

int wh_tls_retrieve(gnutls_session_t s, const gnutls_datum_t *req_ca_dn, int nreqs,
                    const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length,
                    gnutls_pcert_st **pcert, unsigned int *pcert_length,
                    gnutls_privkey_t *pkey)
{
	(void)req_ca_dn; (void)nreqs; (void)pk_algos; (void)pk_algos_length;
	struct wh_tls *t = atomic_load(&active);
	struct pair *p = t ? atomic_load(&t->cur) : NULL;
	if (!p)
		return -1;
	if (t->client_ca)
		gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUIRE);
	*pcert = p->pcert;
	*pcert_length = p->npcert;
	*pkey = p->key;
	return 0;
}

/* ---- watcher ---- */

static void add_watch(int fd, const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return;
	/* IN_MOVED_TO/IN_CREATE: a Secret volume's ..data symlink swap, or a
	 * rename into place; IN_CLOSE_WRITE: an editor or cp. */
	inotify_add_watch(fd, dirname(copy), IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE |
	                  IN_DELETE | IN_ATTRIB | IN_MODIFY);
	free(copy);
}

static void *watch_main(void *arg)
{
	struct wh_tls *t = arg;
	int in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (in >= 0) {
		add_watch(in, t->cert_path);
		add_watch(in, t->key_path);
	}
	char buf[4096] __attribute__((aligned(8)));
	for (;;) {
		struct pollfd pf[2] = { { t->stop_pipe[0], POLLIN, 0 }, { in, POLLIN, 0 } };
		int n = poll(pf, in >= 0 ? 2 : 1, (int)t->interval_ms);
		if (n < 0 && errno != EINTR)
			break;
		if (pf[0].revents)
			break;
		if (in >= 0 && (pf[1].revents & POLLIN)) {
			/* Let a burst of writes settle, then drain the queue. */
			struct timespec ts = { 0, 100 * 1000 * 1000 };
			nanosleep(&ts, NULL);
			while (read(in, buf, sizeof buf) > 0)
				;
		}
		char msg[700];
		int rc = wh_tls_check(t, msg, sizeof msg);
		if (rc != 0 && t->log)
			t->log(t->log_ctx, rc > 0, msg);
	}
	if (in >= 0)
		close(in);
	return NULL;
}

int wh_tls_watch(struct wh_tls *t, unsigned interval_ms, wh_tls_log_fn log, void *ctx,
                 char *err, size_t errlen)
{
	if (t->watching)
		return 0;
	if (pipe(t->stop_pipe) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	t->interval_ms = interval_ms ? interval_ms : 10000;
	t->log = log;
	t->log_ctx = ctx;
	if (pthread_create(&t->thr, NULL, watch_main, t) != 0) {
		snprintf(err, errlen, "cannot start the certificate watcher");
		return -1;
	}
	t->watching = 1;
	return 0;
}
