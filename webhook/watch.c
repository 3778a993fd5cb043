/* Kubernetes list/watch client (see watch.h). */
#include "webhook/watch.h"

#include <curl/curl.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>

const struct iw_watch_res iw_watch_default_res[3] = {
	{ "/apis/networking.k8s.io/v1/ingresses", "networking.k8s.io/v1", "Ingress" },
	{ "/apis/networking.k8s.io/v1/ingressclasses", "networking.k8s.io/v1", "IngressClass" },
	{ "/api/v1/services", "v1", "Service" },
};

const char *iw_watch_ev_name(enum iw_watch_ev ev)
{
	static const char *const n[] = { "RESET", "ADDED", "MODIFIED", "DELETED", "SYNCED" };
	return (unsigned)ev < 5 ? n[ev] : "?";
}

struct rw;

struct iw_watch {
	struct iw_watch_opts o;
	const struct iw_watch_res *res;
	size_t nres;
	iw_watch_fn fn;
	void *arg;
	atomic_bool stop;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct rw *rws;
	atomic_ulong lists, relists_gone, reconnects, events, bookmarks, errors;
};

struct rw {   /* one resource's thread */
	struct iw_watch *w;
	size_t idx;
	pthread_t th;
	bool started;
	atomic_bool synced;
	char rv[128];
	/* per transfer */
	char *buf;
	size_t len, cap;
	bool gone, proto_err, got_event;
	char errmsg[256];
};

__attribute__((format(printf, 2, 3)))
static void wlog(struct iw_watch *w, const char *fmt, ...)
{
	if (!w->o.log)
		return;
	char msg[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	w->o.log(w->o.log_arg, msg);
}

/* Sleeps up to ms, returning early when stopping. */
static void nap(struct iw_watch *w, long ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&w->mu);
	while (!atomic_load(&w->stop))
		if (pthread_cond_timedwait(&w->cv, &w->mu, &ts) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&w->mu);
}

static int xferinfo(void *p, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
	(void)a; (void)b; (void)c; (void)d;
	return atomic_load(&((struct rw *)p)->w->stop) ? 1 : 0;
}

static int append(struct rw *r, const char *data, size_t n)
{
	if (r->len + n + 1 > r->w->o.max_bytes) {
		snprintf(r->errmsg, sizeof r->errmsg, "response larger than %zu bytes", r->w->o.max_bytes);
		r->proto_err = true;
		return -1;
	}
	if (r->len + n + 1 > r->cap) {
		size_t cap = r->cap ? r->cap : 65536;
		while (cap < r->len + n + 1)
			cap *= 2;
		char *b = realloc(r->buf, cap);
		if (!b) {
			snprintf(r->errmsg, sizeof r->errmsg, "out of memory");
			r->proto_err = true;
			return -1;
		}
		r->buf = b;
		r->cap = cap;
	}
	memcpy(r->buf + r->len, data, n);
	r->len += n;
	r->buf[r->len] = 0;
	return 0;
}

static size_t body_cb(char *data, size_t sz, size_t n, void *p)
{
	return append(p, data, sz * n) ? 0 : sz * n;
}

static void set_rv_from(struct rw *r, const json_t *obj)
{
	const char *rv = json_string_value(json_object_get(json_object_get(obj, "metadata"),
	                                                   "resourceVersion"));
	if (rv && strlen(rv) < sizeof r->rv)
		strcpy(r->rv, rv);
}

/* One watch event line. Returns -1 to abort the transfer. */
static int event_line(struct rw *r, const char *line, size_t n)
{
	struct iw_watch *w = r->w;
	json_error_t je;
	while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
		n--;
	if (!n)
		return 0;
	json_t *ev = json_loadb(line, n, 0, &je);
	const char *type = json_string_value(json_object_get(ev, "type"));
	json_t *obj = json_object_get(ev, "object");
	if (!ev || !type || !json_is_object(obj)) {
		snprintf(r->errmsg, sizeof r->errmsg, "bad watch event: %s",
		         ev ? "no type or object" : je.text);
		r->proto_err = true;
		json_decref(ev);
		return -1;
	}
	int rc = 0;
	enum iw_watch_ev k;
	if (!strcmp(type, "ADDED") || !strcmp(type, "MODIFIED") || !strcmp(type, "DELETED")) {
		k = type[0] == 'A' ? IW_WEV_ADDED : type[0] == 'M' ? IW_WEV_MODIFIED : IW_WEV_DELETED;
		set_rv_from(r, obj);
		if (!json_object_get(obj, "kind"))
			json_object_set_new(obj, "kind", json_string(w->res[r->idx].kind));
		if (!json_object_get(obj, "apiVersion"))
			json_object_set_new(obj, "apiVersion", json_string(w->res[r->idx].api_version));
		w->fn(w->arg, r->idx, k, obj);
		atomic_fetch_add(&w->events, 1);
		r->got_event = true;
	} else if (!strcmp(type, "BOOKMARK")) {
		set_rv_from(r, obj);
		atomic_fetch_add(&w->bookmarks, 1);
		r->got_event = true;
	} else if (!strcmp(type, "ERROR")) {
		json_int_t code = json_integer_value(json_object_get(obj, "code"));
		const char *msg = json_string_value(json_object_get(obj, "message"));
		if (code == 410)
			r->gone = true;
		else
			r->proto_err = true;
		snprintf(r->errmsg, sizeof r->errmsg, "watch error %lld: %s", (long long)code,
		         msg ? msg : "");
		rc = -1;
	} else {
		snprintf(r->errmsg, sizeof r->errmsg, "unknown watch event type \"%.40s\"", type);
		r->proto_err = true;
		rc = -1;
	}
	json_decref(ev);
	return rc;
}

static size_t stream_cb(char *data, size_t sz, size_t n, void *p)
{
	struct rw *r = p;
	size_t total = sz * n;
	long code = 0;
	/* a non-200 answer is one Status body, not an event stream */
	if (append(r, data, total))
		return 0;
	(void)code;
	char *nl;
	size_t start = 0;
	while ((nl = memchr(r->buf + start, '\n', r->len - start))) {
		size_t ll = (size_t)(nl - (r->buf + start));
		if (event_line(r, r->buf + start, ll))
			return 0;
		start += ll + 1;
	}
	memmove(r->buf, r->buf + start, r->len - start);
	r->len -= start;
	r->buf[r->len] = 0;
	return total;
}

static char *read_token_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *t = calloc(1, 16385);
	size_t n = t ? fread(t, 1, 16384, f) : 0;
	fclose(f);
	while (t && n && (t[n - 1] == '\n' || t[n - 1] == '\r' || t[n - 1] == ' '))
		t[--n] = 0;
	return t;
}

/* Prepares a request; returns the handle and headers (caller frees both). */
static CURL *request(struct rw *r, const char *url, struct curl_slist **hdrs)
{
	struct iw_watch *w = r->w;
	CURL *c = curl_easy_init();
	if (!c)
		return NULL;
	*hdrs = curl_slist_append(NULL, "Accept: application/json");
	char *tok = w->o.token_file ? read_token_file(w->o.token_file) : NULL;
	const char *t = tok && *tok ? tok : w->o.token;
	if (t) {
		size_t hl = strlen(t) + 32;
		char *h = malloc(hl);
		if (h) {
			snprintf(h, hl, "Authorization: Bearer %s", t);
			*hdrs = curl_slist_append(*hdrs, h);
			free(h);
		}
	}
	free(tok);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, *hdrs);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, xferinfo);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, r);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "ingress-warden/" IW_VERSION);
	if (w->o.ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, w->o.ca_file);
	if (w->o.client_cert)
		curl_easy_setopt(c, CURLOPT_SSLCERT, w->o.client_cert);
	if (w->o.client_key)
		curl_easy_setopt(c, CURLOPT_SSLKEY, w->o.client_key);
	if (w->o.insecure) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	return c;
}

enum outcome { OK, GONE, FAIL, STOPPED };

static void reset_buf(struct rw *r)
{
	r->len = 0;
	r->gone = r->proto_err = r->got_event = false;
	r->errmsg[0] = 0;
}

/* Lists every page; on success delivers RESET, the items and SYNCED. */
static enum outcome do_list(struct rw *r)
{
	struct iw_watch *w = r->w;
	const struct iw_watch_res *res = &w->res[r->idx];
	json_t *items = json_array();
	char cont[2048] = "", url[4096], rv[128] = "";
	enum outcome out = FAIL;
	if (!items)
		return FAIL;
	for (int page = 0; page < 100000; page++) {
		char *esc = NULL;
		if (*cont) {
			CURL *e = curl_easy_init();
			esc = e ? curl_easy_escape(e, cont, 0) : NULL;
			curl_easy_cleanup(e);
			if (!esc)
				goto done;
		}
		snprintf(url, sizeof url, "%s%s?limit=%ld%s%s", w->o.server, res->path, w->o.page_limit,
		         esc ? "&continue=" : "", esc ? esc : "");
		curl_free(esc);
		struct curl_slist *h = NULL;
		CURL *c = request(r, url, &h);
		if (!c) {
			curl_slist_free_all(h);
			goto done;
		}
		reset_buf(r);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, body_cb);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
		curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
		CURLcode cc = curl_easy_perform(c);
		long code = 0;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		curl_easy_cleanup(c);
		curl_slist_free_all(h);
		if (atomic_load(&w->stop)) {
			out = STOPPED;
			goto done;
		}
		if (cc != CURLE_OK || code != 200) {
			wlog(w, "list %s: %s", res->path,
			     cc != CURLE_OK ? (*r->errmsg ? r->errmsg : curl_easy_strerror(cc))
			                    : code == 410 ? "410 Gone (continue token expired)" : "HTTP error");
			if (cc == CURLE_OK)
				wlog(w, "list %s: HTTP %ld", res->path, code);
			goto done;
		}
		json_error_t je;
		json_t *doc = json_loadb(r->buf ? r->buf : "", r->len, 0, &je);
		json_t *its = json_object_get(doc, "items");
		if (!doc || (its && !json_is_array(its))) {
			wlog(w, "list %s: bad JSON: %s", res->path, doc ? "items is not a list" : je.text);
			json_decref(doc);
			goto done;
		}
		size_t i;
		json_t *it;
		json_array_foreach(its, i, it)
			if (json_is_object(it))
				json_array_append(items, it);
		json_t *md = json_object_get(doc, "metadata");
		const char *lrv = json_string_value(json_object_get(md, "resourceVersion"));
		const char *ct = json_string_value(json_object_get(md, "continue"));
		if (lrv && strlen(lrv) < sizeof rv)
			strcpy(rv, lrv);
		bool more = ct && *ct && strlen(ct) < sizeof cont;
		if (more)
			strcpy(cont, ct);
		json_decref(doc);
		if (!more)
			break;
	}
	/* deliver the whole list as one batch */
	w->fn(w->arg, r->idx, IW_WEV_RESET, NULL);
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		if (!json_object_get(it, "kind"))
			json_object_set_new(it, "kind", json_string(res->kind));
		if (!json_object_get(it, "apiVersion"))
			json_object_set_new(it, "apiVersion", json_string(res->api_version));
		w->fn(w->arg, r->idx, IW_WEV_ADDED, it);
	}
	w->fn(w->arg, r->idx, IW_WEV_SYNCED, NULL);
	strcpy(r->rv, rv);
	atomic_store(&r->synced, true);
	atomic_fetch_add(&w->lists, 1);
	wlog(w, "listed %s: %zu objects at resourceVersion %s", res->path, json_array_size(items), rv);
	out = OK;
done:
	json_decref(items);
	return out;
}

static enum outcome do_watch(struct rw *r)
{
	struct iw_watch *w = r->w;
	const struct iw_watch_res *res = &w->res[r->idx];
	char url[4096];
	CURL *e = curl_easy_init();
	char *esc = e ? curl_easy_escape(e, r->rv, 0) : NULL;
	curl_easy_cleanup(e);
	if (!esc)
		return FAIL;
	snprintf(url, sizeof url,
	         "%s%s?watch=1&resourceVersion=%s&allowWatchBookmarks=true&timeoutSeconds=%ld",
	         w->o.server, res->path, esc, w->o.timeout_seconds);
	curl_free(esc);
	struct curl_slist *h = NULL;
	CURL *c = request(r, url, &h);
	if (!c) {
		curl_slist_free_all(h);
		return FAIL;
	}
	reset_buf(r);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, stream_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	/* a server that goes silent past its own timeout is a dead connection */
	curl_easy_setopt(c, CURLOPT_TIMEOUT, w->o.timeout_seconds + 30);
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 0L);
	CURLcode cc = curl_easy_perform(c);
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	if (atomic_load(&w->stop))
		return STOPPED;
	if (code == 410 || r->gone) {
		wlog(w, "watch %s: 410 Gone at resourceVersion %s: relisting", res->path, r->rv);
		return GONE;
	}
	if (code && code != 200) {
		wlog(w, "watch %s: HTTP %ld", res->path, code);
		return FAIL;
	}
	if (cc != CURLE_OK || r->proto_err) {
		wlog(w, "watch %s: %s", res->path, *r->errmsg ? r->errmsg : curl_easy_strerror(cc));
		return r->got_event && !r->proto_err ? OK : FAIL;
	}
	if (r->len)   /* a last line without its newline */
		event_line(r, r->buf, r->len);
	return r->gone ? GONE : OK;
}

static void *run(void *p)
{
	struct rw *r = p;
	struct iw_watch *w = r->w;
	long backoff = w->o.backoff_min_ms;
	bool need_list = true;
	while (!atomic_load(&w->stop)) {
		enum outcome o;
		if (need_list) {
			o = do_list(r);
			if (o == OK) {
				need_list = false;
				backoff = w->o.backoff_min_ms;
				continue;
			}
		} else {
			o = do_watch(r);
			if (o == OK) {
				atomic_fetch_add(&w->reconnects, 1);
				if (r->got_event)
					backoff = w->o.backoff_min_ms;
				else
					nap(w, 10);   /* an empty stream that ended: no busy loop */
				continue;
			}
			if (o == GONE) {
				atomic_fetch_add(&w->relists_gone, 1);
				need_list = true;
				continue;
			}
		}
		if (o == STOPPED)
			break;
		atomic_fetch_add(&w->errors, 1);
		nap(w, backoff);
		backoff = backoff * 2 > w->o.backoff_max_ms ? w->o.backoff_max_ms : backoff * 2;
	}
	free(r->buf);
	r->buf = NULL;
	return NULL;
}

struct iw_watch *iw_watch_start(const struct iw_watch_opts *o, const struct iw_watch_res *res,
                                size_t nres, iw_watch_fn fn, void *arg)
{
	static atomic_flag inited = ATOMIC_FLAG_INIT;
	if (!atomic_flag_test_and_set(&inited))
		curl_global_init(CURL_GLOBAL_DEFAULT);
	if (!o->server || !nres)
		return NULL;
	struct iw_watch *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->o = *o;
	if (w->o.timeout_seconds <= 0)
		w->o.timeout_seconds = 300;
	if (w->o.backoff_min_ms <= 0)
		w->o.backoff_min_ms = 200;
	if (w->o.backoff_max_ms < w->o.backoff_min_ms)
		w->o.backoff_max_ms = w->o.backoff_min_ms > 30000 ? w->o.backoff_min_ms : 30000;
	if (w->o.page_limit <= 0)
		w->o.page_limit = 500;
	if (!w->o.max_bytes)
		w->o.max_bytes = 64u << 20;
	w->res = res;
	w->nres = nres;
	w->fn = fn;
	w->arg = arg;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (!(w->rws = calloc(nres, sizeof *w->rws))) {
		iw_watch_stop(w);
		return NULL;
	}
	for (size_t i = 0; i < nres; i++) {
		w->rws[i].w = w;
		w->rws[i].idx = i;
		if (pthread_create(&w->rws[i].th, NULL, run, &w->rws[i])) {
			iw_watch_stop(w);
			return NULL;
		}
		w->rws[i].started = true;
	}
	return w;
}

bool iw_watch_synced(const struct iw_watch *w)
{
	for (size_t i = 0; i < w->nres; i++)
		if (!atomic_load(&w->rws[i].synced))
			return false;
	return true;
}

void iw_watch_get_stats(const struct iw_watch *w, struct iw_watch_stats *s)
{
	s->lists = atomic_load(&w->lists);
	s->relists_gone = atomic_load(&w->relists_gone);
	s->reconnects = atomic_load(&w->reconnects);
	s->events = atomic_load(&w->events);
	s->bookmarks = atomic_load(&w->bookmarks);
	s->errors = atomic_load(&w->errors);
}

void iw_watch_stop(struct iw_watch *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	atomic_store(&w->stop, true);
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	for (size_t i = 0; w->rws && i < w->nres; i++)
		if (w->rws[i].started)
			pthread_join(w->rws[i].th, NULL);
	free(w->rws);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
}

/* ---- configuration sources ------------------------------------------------ */

static char *xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

void iw_watch_opts_release(struct iw_watch_opts *o)
{
	free((char *)o->server);
	free((char *)o->token);
	free((char *)o->token_file);
	free((char *)o->ca_file);
	free((char *)o->client_cert);
	free((char *)o->client_key);
	o->server = o->token = o->token_file = o->ca_file = o->client_cert = o->client_key = NULL;
}

#define SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"

int iw_watch_in_cluster(struct iw_watch_opts *o, char *err, size_t errsize)
{
	const char *host = getenv("KUBERNETES_SERVICE_HOST");
	const char *port = getenv("KUBERNETES_SERVICE_PORT");
	if (!host || !*host) {
		snprintf(err, errsize, "not in a cluster: KUBERNETES_SERVICE_HOST is not set "
		                       "(use --kubeconfig)");
		return -1;
	}
	if (access(SA_DIR "/token", R_OK)) {
		snprintf(err, errsize, "%s/token: %s", SA_DIR, strerror(errno));
		return -1;
	}
	char url[600];
	bool v6 = strchr(host, ':') != NULL;
	snprintf(url, sizeof url, "https://%s%s%s:%s", v6 ? "[" : "", host, v6 ? "]" : "",
	         port && *port ? port : "443");
	o->server = xstrdup(url);
	o->token_file = xstrdup(SA_DIR "/token");
	o->ca_file = xstrdup(SA_DIR "/ca.crt");
	if (!o->server || !o->token_file || !o->ca_file) {
		iw_watch_opts_release(o);
		snprintf(err, errsize, "out of memory");
		return -1;
	}
	return 0;
}

/* kubeconfig: small helpers over the libyaml document */
static yaml_node_t *map_get(yaml_document_t *d, yaml_node_t *m, const char *key)
{
	if (!m || m->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(d, p->key);
		if (k && k->type == YAML_SCALAR_NODE && !strcmp((char *)k->data.scalar.value, key))
			return yaml_document_get_node(d, p->value);
	}
	return NULL;
}

static const char *sval(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* the entry named 'name' of the list 'key' ("clusters"), its 'inner' mapping */
static yaml_node_t *named(yaml_document_t *d, yaml_node_t *root, const char *key,
                          const char *name, const char *inner)
{
	yaml_node_t *l = map_get(d, root, key);
	if (!l || l->type != YAML_SEQUENCE_NODE || !name)
		return NULL;
	for (yaml_node_item_t *i = l->data.sequence.items.start; i < l->data.sequence.items.top; i++) {
		yaml_node_t *e = yaml_document_get_node(d, *i);
		const char *n = sval(map_get(d, e, "name"));
		if (n && !strcmp(n, name))
			return map_get(d, e, inner);
	}
	return NULL;
}

static int write_b64(const char *b64, char **path, char *err, size_t errsize)
{
	gnutls_datum_t in = { (unsigned char *)b64, (unsigned)strlen(b64) }, out = { NULL, 0 };
	if (gnutls_base64_decode2(&in, &out) < 0) {
		snprintf(err, errsize, "certificate-authority-data is not base64");
		return -1;
	}
	const char *tmp = getenv("TMPDIR");
	char tpl[512];
	snprintf(tpl, sizeof tpl, "%s/iw-ca-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemp(tpl);
	int rc = -1;
	if (fd < 0)
		snprintf(err, errsize, "%s: %s", tpl, strerror(errno));
	else if (write(fd, out.data, out.size) != (ssize_t)out.size)
		snprintf(err, errsize, "%s: %s", tpl, strerror(errno));
	else if (!(*path = strdup(tpl)))
		snprintf(err, errsize, "out of memory");
	else
		rc = 0;
	if (fd >= 0)
		close(fd);
	if (rc && fd >= 0)
		unlink(tpl);
	gnutls_free(out.data);
	return rc;
}

int iw_watch_kubeconfig(const char *path, struct iw_watch_opts *o, char **tmp_ca,
                        char *err, size_t errsize)
{
	*tmp_ca = NULL;
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return -1;
	}
	yaml_parser_t p;
	yaml_document_t d;
	int rc = -1;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	if (!yaml_parser_load(&p, &d)) {
		snprintf(err, errsize, "%s:%zu: %s", path, p.problem_mark.line + 1,
		         p.problem ? p.problem : "YAML error");
		yaml_parser_delete(&p);
		fclose(f);
		return -1;
	}
	yaml_node_t *root = yaml_document_get_root_node(&d);
	const char *cur = sval(map_get(&d, root, "current-context"));
	yaml_node_t *ctx = named(&d, root, "contexts", cur, "context");
	yaml_node_t *cl = named(&d, root, "clusters", sval(map_get(&d, ctx, "cluster")), "cluster");
	yaml_node_t *us = named(&d, root, "users", sval(map_get(&d, ctx, "user")), "user");
	const char *server = sval(map_get(&d, cl, "server"));
	if (!server) {
		snprintf(err, errsize, "%s: no server for the current context \"%s\"", path,
		         cur ? cur : "");
		goto out;
	}
	o->server = xstrdup(server);
	o->ca_file = xstrdup(sval(map_get(&d, cl, "certificate-authority")));
	const char *cad = sval(map_get(&d, cl, "certificate-authority-data"));
	if (!o->ca_file && cad) {
		if (write_b64(cad, tmp_ca, err, errsize))
			goto out;
		o->ca_file = xstrdup(*tmp_ca);
	}
	const char *ins = sval(map_get(&d, cl, "insecure-skip-tls-verify"));
	o->insecure = ins && !strcmp(ins, "true");
	o->token = xstrdup(sval(map_get(&d, us, "token")));
	o->token_file = xstrdup(sval(map_get(&d, us, "tokenFile")));
	o->client_cert = xstrdup(sval(map_get(&d, us, "client-certificate")));
	o->client_key = xstrdup(sval(map_get(&d, us, "client-key")));
	if (map_get(&d, us, "client-certificate-data") || map_get(&d, us, "exec")) {
		snprintf(err, errsize, "%s: client-certificate-data and exec credentials are not "
		                       "supported: use a token, tokenFile or certificate files", path);
		goto out;
	}
	rc = 0;
out:
	if (rc) {
		iw_watch_opts_release(o);
		if (*tmp_ca) {
			unlink(*tmp_ca);
			free(*tmp_ca);
			*tmp_ca = NULL;
		}
	}
	yaml_document_delete(&d);
	yaml_parser_delete(&p);
	fclose(f);
	return rc;
}
