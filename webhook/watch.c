/* Kubernetes list/watch client (see watch.h). */
#include "webhook/watch.h"
#include "webhook/kubeapi.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
	atomic_bool connected;          /* a watch stream answered 200 and is open */
	atomic_llong contact_ms;        /* monotonic ms of the last contact; 0: never */
	atomic_ulong failures;
	pthread_mutex_t emu;            /* guards last_error and last_status */
	char last_error[256];
	long last_status;
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
	w->o.log(w->o.log_arg, false, msg);
}

/* Copies s into dst[size], cut if longer (always terminated). */
static void copy_cut(char *dst, size_t size, const char *s)
{
	size_t n = strnlen(s, size - 1);
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static long long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void contact(struct rw *r)
{
	long long now = mono_ms();
	atomic_store(&r->contact_ms, now ? now : 1);
}

/*
 * The API server's reason for a non-2xx answer: the message of the Status
 * object it sends as the body (metav1.Status), cut to one line; else the
 * start of the body.
 */
static void status_message(const char *body, size_t len, char *out, size_t size)
{
	out[0] = '\0';
	json_t *st = body && len ? json_loadb(body, len, 0, NULL) : NULL;
	const char *m = json_string_value(json_object_get(st, "message"));
	const char *src = m ? m : body;
	size_t n = m ? strlen(m) : (body ? len : 0), k = 0;
	for (size_t i = 0; i < n && k + 1 < size; i++)
		out[k++] = (unsigned char)src[i] < 0x20 ? ' ' : src[i];
	out[k] = '\0';
	json_decref(st);
}

/* Records and logs (warn) one failed list or watch. */
__attribute__((format(printf, 4, 5)))
static void failure(struct rw *r, long status, const char *server_msg, const char *fmt, ...)
{
	struct iw_watch *w = r->w;
	char what[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	const char *hint = status == 401 ? " (the token is not accepted)"
	                 : status == 403 ? " (RBAC: the service account lacks this permission)" : "";
	char line[700];
	if (status)
		snprintf(line, sizeof line, "%s: HTTP %ld%s%s%s", what, status,
		         server_msg && *server_msg ? ": " : "", server_msg ? server_msg : "", hint);
	else
		snprintf(line, sizeof line, "%s", what);
	atomic_fetch_add(&r->failures, 1);
	pthread_mutex_lock(&r->emu);
	copy_cut(r->last_error, sizeof r->last_error, line);
	r->last_status = status;
	pthread_mutex_unlock(&r->emu);
	if (w->o.log)
		w->o.log(w->o.log_arg, true, line);
}

static size_t header_cb(char *data, size_t sz, size_t n, void *p)
{
	struct rw *r = p;
	size_t len = sz * n;
	/* the status line of the answer: a 200 to a watch means the stream is open */
	if (len > 12 && !memcmp(data, "HTTP/", 5)) {
		const char *sp = memchr(data, ' ', len);
		if (sp && (size_t)(sp - data) + 4 <= len && !memcmp(sp + 1, "200", 3)) {
			atomic_store(&r->connected, true);
			contact(r);
		}
	}
	return len;
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
		contact(r);
	} else if (!strcmp(type, "BOOKMARK")) {
		set_rv_from(r, obj);
		atomic_fetch_add(&w->bookmarks, 1);
		r->got_event = true;
		contact(r);
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
	if (append(r, data, total))
		return 0;
	/* a non-200 answer is one Status body, not an event stream: kept whole
	 * for the failure's message */
	if (!atomic_load(&r->connected))
		return total;
	contact(r);   /* any byte of an open stream, keep-alive lines included */
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

/* Prepares a request (webhook/kubeapi.h: the API client); returns the
 * handle and headers (caller frees both). */
static CURL *request(struct rw *r, const char *url, struct curl_slist **hdrs)
{
	CURL *c = iw_kube_easy(&r->w->o, url, hdrs);
	if (c) {
		curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, xferinfo);
		curl_easy_setopt(c, CURLOPT_XFERINFODATA, r);
		/* nothing received for idle_seconds: the stream or the server is stuck
		 * (a watch would otherwise look connected until CURLOPT_TIMEOUT) */
		curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, r->w->o.idle_seconds);
	}
	return c;
}

enum outcome { OK, GONE, FAIL, STOPPED };

/* libcurl's reason; a timeout says how long nothing came ("Timeout was
 * reached" alone does not tell a hung API server from a slow one). */
static const char *why(struct rw *r, CURLcode cc)
{
	if (cc != CURLE_OPERATION_TIMEDOUT)
		return curl_easy_strerror(cc);
	snprintf(r->errmsg, sizeof r->errmsg, "timed out: no byte for %ld s, or past the request's time limit",
	         r->w->o.idle_seconds);
	return r->errmsg;
}

static void reset_buf(struct rw *r)
{
	r->len = 0;
	r->gone = r->proto_err = r->got_event = false;
	r->errmsg[0] = 0;
}

/* The items of a list until it is complete, as compact JSON texts one
 * after the other (each NUL-terminated): a parsed tree costs ~15 times its
 * text, and a list of 10,000 Ingresses is held whole before the state is
 * replaced (bench/memory/README.md). */
struct kept {
	char *buf;
	size_t len, cap, n;
};

static int keep_item(struct kept *k, const json_t *it)
{
	size_t need = json_dumpb(it, NULL, 0, JSON_COMPACT);
	if (!need)
		return -1;
	if (k->cap - k->len < need + 1) {
		size_t nc = k->cap ? k->cap : 1 << 16;
		while (nc - k->len < need + 1)
			nc *= 2;
		char *nb = realloc(k->buf, nc);
		if (!nb)
			return -1;
		k->buf = nb;
		k->cap = nc;
	}
	json_dumpb(it, k->buf + k->len, need, JSON_COMPACT);
	k->len += need;
	k->buf[k->len++] = 0;
	k->n++;
	return 0;
}

/* Lists every page; on success delivers RESET, the items and SYNCED. */
static enum outcome do_list(struct rw *r)
{
	struct iw_watch *w = r->w;
	const struct iw_watch_res *res = &w->res[r->idx];
	struct kept items = { 0 };
	char cont[2048] = "", url[4096], rv[128] = "";
	enum outcome out = FAIL;
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
			char sm[256];
			if (cc != CURLE_OK) {
				failure(r, 0, NULL, "list %s failed: %s", res->path,
				        *r->errmsg ? r->errmsg : why(r, cc));
			} else {
				status_message(r->buf, r->len, sm, sizeof sm);
				failure(r, code, code == 410 ? "the continue token expired" : sm,
				        "list %s failed", res->path);
			}
			goto done;
		}
		json_error_t je;
		json_t *doc = json_loadb(r->buf ? r->buf : "", r->len, 0, &je);
		json_t *its = json_object_get(doc, "items");
		if (!doc || (its && !json_is_array(its))) {
			failure(r, 0, NULL, "list %s failed: bad JSON: %s", res->path,
			        doc ? "items is not a list" : je.text);
			json_decref(doc);
			goto done;
		}
		size_t i;
		json_t *it;
		json_array_foreach(its, i, it)
			if (json_is_object(it) && keep_item(&items, it) < 0) {
				wlog(w, "list %s: out of memory", res->path);
				json_decref(doc);
				goto done;
			}
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
	/* deliver the whole list as one batch, one item parsed at a time */
	w->fn(w->arg, r->idx, IW_WEV_RESET, NULL);
	for (size_t off = 0; off < items.len;) {
		size_t n = strlen(items.buf + off);
		json_t *it = json_loadb(items.buf + off, n, 0, NULL);
		off += n + 1;
		if (!it)
			continue;   /* out of memory: the next relist brings it */
		if (!json_object_get(it, "kind"))
			json_object_set_new(it, "kind", json_string(res->kind));
		if (!json_object_get(it, "apiVersion"))
			json_object_set_new(it, "apiVersion", json_string(res->api_version));
		w->fn(w->arg, r->idx, IW_WEV_ADDED, it);
		json_decref(it);
	}
	w->fn(w->arg, r->idx, IW_WEV_SYNCED, NULL);
	strcpy(r->rv, rv);
	contact(r);
	atomic_store(&r->synced, true);
	atomic_fetch_add(&w->lists, 1);
	wlog(w, "listed %s: %zu objects at resourceVersion %s", res->path, items.n, rv);
	out = OK;
done:
	free(items.buf);
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
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	/* a server that goes silent past its own timeout is a dead connection */
	curl_easy_setopt(c, CURLOPT_TIMEOUT, w->o.timeout_seconds + 30);
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 0L);
	CURLcode cc = curl_easy_perform(c);
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	bool was_open = atomic_exchange(&r->connected, false);
	if (was_open && cc == CURLE_OK)
		contact(r);   /* the server ended the stream: alive until now */
	if (atomic_load(&w->stop))
		return STOPPED;
	if (code == 410 || r->gone) {
		wlog(w, "watch %s: 410 Gone at resourceVersion %s: relisting", res->path, r->rv);
		return GONE;
	}
	if (code && code != 200) {
		/* a non-200 answer is one Status object, not an event stream: the
		 * event parser stopped at it; its text is in the buffer */
		char sm[256];
		status_message(r->buf, r->len, sm, sizeof sm);
		failure(r, code, sm, "watch %s failed", res->path);
		return FAIL;
	}
	if (cc == CURLE_OPERATION_TIMEDOUT && was_open && !r->proto_err) {
		/* an open stream that went silent: reopen it at once; a server that
		 * is really gone fails the next request (no answer) */
		wlog(w, "watch %s: nothing received for %ld s: reopening", res->path,
		     w->o.idle_seconds);
		return OK;
	}
	if (cc != CURLE_OK || r->proto_err) {
		bool lost = r->got_event && !r->proto_err;
		failure(r, 0, NULL, "watch %s %s: %s", res->path, lost ? "interrupted" : "failed",
		        *r->errmsg ? r->errmsg : why(r, cc));
		return lost ? OK : FAIL;
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
	if (w->o.idle_seconds <= 0)
		w->o.idle_seconds = 120;
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
		pthread_mutex_init(&w->rws[i].emu, NULL);
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

void iw_watch_health(const struct iw_watch *w, size_t res, struct iw_watch_health *h)
{
	memset(h, 0, sizeof *h);
	if (res >= w->nres)
		return;
	struct rw *r = &w->rws[res];
	h->synced = atomic_load(&r->synced);
	h->connected = atomic_load(&r->connected);
	long long c = atomic_load(&r->contact_ms);
	h->since_contact_ms = c ? mono_ms() - c : -1;
	h->failures = atomic_load(&r->failures);
	pthread_mutex_lock(&r->emu);
	h->last_status = r->last_status;
	copy_cut(h->last_error, sizeof h->last_error, r->last_error);
	pthread_mutex_unlock(&r->emu);
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
	for (size_t i = 0; w->rws && i < w->nres; i++)
		if (w->rws[i].w)
			pthread_mutex_destroy(&w->rws[i].emu);
	free(w->rws);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
}
