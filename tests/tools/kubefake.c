/*
 * kubefake: a tiny Kubernetes API server for the watch client tests.
 * usage: kubefake PORT [TOKEN]
 *
 * Serves list and watch for Ingresses, IngressClasses and Services on
 * 127.0.0.1:PORT (plain HTTP).  IngressClasses and Services are empty lists
 * whose watches stay open.  Ingresses play a fixed script across requests,
 * exercising every path of the client:
 *   list 1    two pages (limit/continue): a, b at resourceVersion 10
 *   watch 1   chunked: ADDED c (11), a slow pause, BOOKMARK (12),
 *             MODIFIED a (13), then the connection drops
 *   watch 2   must resume at 13: ERROR event 410 Expired
 *   list 2    a, c at 20 (b went away meanwhile)
 *   watch 3   DELETED c (21), then the stream ends (server timeout)
 *   watch 4   must resume at 21: HTTP 410 Gone
 *   list 3    a, d at 30
 *   watch 5   ADDED e (31), then stays open (blank keep-alive lines)
 * Every request is logged on stdout: "LIST ingresses continue=..." /
 * "WATCH ingresses rv=...".  With TOKEN, requests without
 * "Authorization: Bearer TOKEN" get 401.  Stops on SIGTERM/SIGINT.
 *
 * KUBEFAKE_FORBID=ingresses (or ingressclasses, services): lists and
 * watches of that resource get 403 with the API server's Status message.
 *
 * KUBEFAKE_OBJECTS=FILE: instead of the script, the objects of FILE (a List,
 * as kubectl get ingress,ingressclass,service -A -o json writes it): each
 * list at resourceVersion 1, watches that stay open (tests/suites/same_verdict.sh).
 *
 * Any other path is a small object store (for `certs --in-cluster`):
 *   POST <collection>        creates <collection>/<metadata.name>: 201, or 409
 *   GET <collection>/<name>  200 with the object, or 404
 *   PUT <collection>/<name>  replaces it when metadata.resourceVersion
 *                            matches (or is absent): 200, else 409; 404 when absent
 * resourceVersion is a counter set on every write.  Logged: "POST path 201".
 */
#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static atomic_bool stopping;
static const char *token;
static char *objects[3];   /* KUBEFAKE_OBJECTS: the three lists */
static const char *forbid;

/* ---- the object store ------------------------------------------------------ */
#define STORE_MAX 64
static struct { char *path; char *body; } store[STORE_MAX];
static long store_rv = 100;

static int store_find(const char *path)
{
	for (int i = 0; i < STORE_MAX; i++)
		if (store[i].path && !strcmp(store[i].path, path))
			return i;
	return -1;
}

/* Sets metadata.resourceVersion of the JSON object 'body' to a new counter
 * value; returns the new text (malloc'd) or NULL when it is not an object. */
static char *with_rv(const char *body, char *rv_out, size_t rvsize)
{
	json_t *o = json_loads(body, 0, NULL);
	if (!json_is_object(o)) {
		json_decref(o);
		return NULL;
	}
	json_t *md = json_object_get(o, "metadata");
	if (!json_is_object(md)) {
		md = json_object();
		json_object_set_new(o, "metadata", md);
	}
	char rv[32];
	snprintf(rv, sizeof rv, "%ld", ++store_rv);
	json_object_set_new(md, "resourceVersion", json_string(rv));
	snprintf(rv_out, rvsize, "%s", rv);
	char *t = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return t;
}
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int nlist, nwatch;

enum step_kind { S_DATA, S_SLEEP, S_DROP, S_END, S_HOLD };
struct step {
	enum step_kind k;
	const char *data;
	int ms;
};
struct stream {
	const struct step *steps;
	size_t i, off;
	int held;
};

#define ING(name, rv, extra) \
	"{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"metadata\":{\"name\":\"" name \
	"\",\"namespace\":\"default\",\"resourceVersion\":\"" rv "\"" extra "},\"spec\":{\"rules\":" \
	"[{\"host\":\"" name ".example.com\",\"http\":{\"paths\":[{\"path\":\"/\",\"pathType\":" \
	"\"Prefix\",\"backend\":{\"service\":{\"name\":\"s\",\"port\":{\"number\":80}}}}]}}]}}"
/* list items come without apiVersion/kind, as from a real API server */
#define ITEM(name, rv) \
	"{\"metadata\":{\"name\":\"" name "\",\"namespace\":\"default\",\"resourceVersion\":\"" rv \
	"\"},\"spec\":{\"rules\":[{\"host\":\"" name ".example.com\"}]}}"

static const struct step watch1[] = {
	{ S_DATA, "{\"type\":\"ADDED\",\"object\":" ING("c", "11", "") "}\n", 0 },
	{ S_SLEEP, NULL, 400 },
	{ S_DATA, "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Ingress\",\"apiVersion\":"
	          "\"networking.k8s.io/v1\",\"metadata\":{\"resourceVersion\":\"12\"}}}\n", 0 },
	/* one event split across two chunks */
	{ S_DATA, "{\"type\":\"MODIFIED\",\"object\":", 0 },
	{ S_SLEEP, NULL, 100 },
	{ S_DATA, ING("a", "13", ",\"labels\":{\"v\":\"2\"}") "}\n", 0 },
	{ S_SLEEP, NULL, 100 },
	{ S_DROP, NULL, 0 },
};
static const struct step watch2[] = {
	{ S_DATA, "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\","
	          "\"status\":\"Failure\",\"message\":\"too old resource version: 13 (20)\","
	          "\"reason\":\"Expired\",\"code\":410}}\n", 0 },
	{ S_END, NULL, 0 },
};
static const struct step watch3[] = {
	{ S_DATA, "{\"type\":\"DELETED\",\"object\":" ING("c", "21", "") "}\n", 0 },
	{ S_END, NULL, 0 },
};
static const struct step watch5[] = {
	{ S_DATA, "{\"type\":\"ADDED\",\"object\":" ING("e", "31", "") "}\n", 0 },
	{ S_HOLD, NULL, 0 },
};
static const struct step hold[] = {
	{ S_HOLD, NULL, 0 },
};

static ssize_t reader(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *s = cls;
	(void)pos;
	for (;;) {
		const struct step *st = &s->steps[s->i];
		switch (st->k) {
		case S_DATA: {
			size_t len = strlen(st->data) - s->off;
			if (len > max)
				len = max;
			memcpy(buf, st->data + s->off, len);
			s->off += len;
			if (!st->data[s->off]) {
				s->i++;
				s->off = 0;
			}
			return (ssize_t)len;
		}
		case S_SLEEP:
			usleep((useconds_t)st->ms * 1000);
			s->i++;
			continue;
		case S_DROP:
			return MHD_CONTENT_READER_END_WITH_ERROR;
		case S_END:
			return MHD_CONTENT_READER_END_OF_STREAM;
		case S_HOLD:
			if (atomic_load(&stopping) || s->held++ > 100)
				return MHD_CONTENT_READER_END_OF_STREAM;
			usleep(100 * 1000);
			buf[0] = '\n';
			return 1;
		}
	}
}

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned code, const char *body)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)body,
	                                                         MHD_RESPMEM_MUST_COPY);
	MHD_add_response_header(r, "Content-Type", "application/json");
	enum MHD_Result ret = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result send_stream(struct MHD_Connection *c, const struct step *steps)
{
	struct stream *s = calloc(1, sizeof *s);
	s->steps = steps;
	struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, reader, s,
	                                                          free);
	MHD_add_response_header(r, "Content-Type", "application/json");
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

struct upload { char *p; size_t n; };

static enum MHD_Result send_status(struct MHD_Connection *c, unsigned code, const char *reason,
                                   const char *msg)
{
	char body[1024];
	snprintf(body, sizeof body, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
	         "\"message\":\"%s\",\"reason\":\"%s\",\"code\":%u}", msg, reason, code);
	return send_text(c, code, body);
}

static enum MHD_Result store_handle(struct MHD_Connection *c, const char *url, const char *method,
                                    const struct upload *u)
{
	char rv[32];
	pthread_mutex_lock(&mu);
	enum MHD_Result r;
	int i = store_find(url);
	if (!strcmp(method, "GET")) {
		r = i < 0 ? send_status(c, 404, "NotFound", "not found") : send_text(c, 200, store[i].body);
		printf("GET %s %d\n", url, i < 0 ? 404 : 200);
	} else if (!strcmp(method, "POST")) {
		json_t *o = json_loadb(u->p ? u->p : "", u->n, 0, NULL);
		const char *name = json_string_value(json_object_get(json_object_get(o, "metadata"), "name"));
		char path[1024];
		snprintf(path, sizeof path, "%s/%s", url, name ? name : "");
		char *t = name ? with_rv(u->p ? u->p : "", rv, sizeof rv) : NULL;
		json_decref(o);
		if (!t) {
			r = send_status(c, 400, "BadRequest", "not an object with a name");
			printf("POST %s 400\n", url);
		} else if (store_find(path) >= 0) {
			free(t);
			r = send_status(c, 409, "AlreadyExists", "already exists");
			printf("POST %s 409\n", path);
		} else {
			int k = 0;
			while (k < STORE_MAX && store[k].path)
				k++;
			if (k < STORE_MAX) {
				store[k].path = strdup(path);
				store[k].body = t;
			} else {
				free(t);
			}
			r = send_text(c, 201, store[k < STORE_MAX ? k : 0].body);
			printf("POST %s 201\n", path);
		}
	} else if (!strcmp(method, "PUT")) {
		json_t *o = json_loadb(u->p ? u->p : "", u->n, 0, NULL);
		const char *want = json_string_value(json_object_get(json_object_get(o, "metadata"), "resourceVersion"));
		json_t *cur = i >= 0 ? json_loads(store[i].body, 0, NULL) : NULL;
		const char *have = json_string_value(json_object_get(json_object_get(cur, "metadata"), "resourceVersion"));
		if (i < 0) {
			r = send_status(c, 404, "NotFound", "not found");
			printf("PUT %s 404\n", url);
		} else if (want && have && strcmp(want, have)) {
			r = send_status(c, 409, "Conflict", "the object has been modified");
			printf("PUT %s 409\n", url);
		} else {
			char *t = with_rv(u->p ? u->p : "", rv, sizeof rv);
			if (t) {
				free(store[i].body);
				store[i].body = t;
			}
			r = t ? send_text(c, 200, t) : send_status(c, 400, "BadRequest", "not an object");
			printf("PUT %s %d\n", url, t ? 200 : 400);
		}
		json_decref(o);
		json_decref(cur);
	} else {
		r = send_status(c, 405, "MethodNotAllowed", "method not allowed");
	}
	fflush(stdout);
	pthread_mutex_unlock(&mu);
	return r;
}

static bool store_path(const char *url)
{
	return strcmp(url, "/apis/networking.k8s.io/v1/ingresses") &&
	       strcmp(url, "/apis/networking.k8s.io/v1/ingressclasses") &&
	       strcmp(url, "/api/v1/services");
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **req)
{
	(void)cls; (void)version;
	if (!*req) {   /* first call: headers only */
		*req = calloc(1, sizeof(struct upload));
		return *req ? MHD_YES : MHD_NO;
	}
	struct upload *u = *req;
	if (*upload_size) {
		if (u->n + *upload_size > (1u << 20))
			return MHD_NO;
		char *np = realloc(u->p, u->n + *upload_size + 1);
		if (!np)
			return MHD_NO;
		u->p = np;
		memcpy(u->p + u->n, upload, *upload_size);
		u->n += *upload_size;
		u->p[u->n] = 0;
		*upload_size = 0;
		return MHD_YES;
	}
	if (token) {
		const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
		char want[512];
		snprintf(want, sizeof want, "Bearer %s", token);
		if (!auth || strcmp(auth, want))
			return send_text(c, 401, "{\"kind\":\"Status\",\"code\":401,\"reason\":\"Unauthorized\"}");
	}
	if (store_path(url))
		return store_handle(c, url, method, u);
	if (strcmp(method, "GET"))
		return send_text(c, 405, "{\"kind\":\"Status\",\"code\":405}");
	if (forbid && strstr(url, forbid) && strlen(strstr(url, forbid)) == strlen(forbid)) {
		char msg[400];
		snprintf(msg, sizeof msg, "%s is forbidden: User \\\"system:serviceaccount:iw:iw\\\" cannot %s "
		         "resource \\\"%s\\\" at the cluster scope", forbid,
		         MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "watch") ? "watch" : "list", forbid);
		printf("FORBID %s\n", forbid);
		fflush(stdout);
		return send_status(c, 403, "Forbidden", msg);
	}
	const char *watch = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "watch");
	const char *rv = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "resourceVersion");
	const char *cont = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "continue");
	const char *bm = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "allowWatchBookmarks");
	bool is_watch = watch && (!strcmp(watch, "1") || !strcmp(watch, "true"));
	if (objects[0]) {   /* KUBEFAKE_OBJECTS: the file's objects, watches that stay open */
		int k = !strcmp(url, "/apis/networking.k8s.io/v1/ingresses") ? 0 :
		        !strcmp(url, "/apis/networking.k8s.io/v1/ingressclasses") ? 1 : 2;
		printf("%s %s\n", is_watch ? "WATCH" : "LIST", url);
		fflush(stdout);
		return is_watch ? send_stream(c, hold) : send_text(c, 200, objects[k]);
	}
	if (strcmp(url, "/apis/networking.k8s.io/v1/ingresses")) {
		return is_watch ? send_stream(c, hold)
		                : send_text(c, 200, "{\"kind\":\"List\",\"metadata\":"
		                                    "{\"resourceVersion\":\"1\"},\"items\":[]}");
	}
	pthread_mutex_lock(&mu);
	int n = is_watch ? ++nwatch : (cont ? nlist : ++nlist);
	pthread_mutex_unlock(&mu);
	if (is_watch) {
		printf("WATCH ingresses rv=%s bookmarks=%s\n", rv ? rv : "", bm ? bm : "");
		fflush(stdout);
		switch (n) {
		case 1: return send_stream(c, watch1);
		case 2: return send_stream(c, watch2);
		case 3: return send_stream(c, watch3);
		case 4: return send_text(c, 410, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":"
		                                 "\"Failure\",\"reason\":\"Gone\",\"code\":410}");
		default: return send_stream(c, watch5);
		}
	}
	printf("LIST ingresses continue=%s\n", cont ? cont : "");
	fflush(stdout);
	switch (n) {
	case 1:
		if (!cont)
			return send_text(c, 200, "{\"kind\":\"IngressList\",\"apiVersion\":\"networking.k8s.io/v1\","
			                         "\"metadata\":{\"resourceVersion\":\"10\",\"continue\":\"p2\"},"
			                         "\"items\":[" ITEM("a", "5") "]}");
		return send_text(c, 200, "{\"kind\":\"IngressList\",\"apiVersion\":\"networking.k8s.io/v1\","
		                         "\"metadata\":{\"resourceVersion\":\"10\"},\"items\":[" ITEM("b", "6") "]}");
	case 2:
		return send_text(c, 200, "{\"kind\":\"IngressList\",\"metadata\":{\"resourceVersion\":\"20\"},"
		                         "\"items\":[" ITEM("a", "13") "," ITEM("c", "11") "]}");
	default:
		return send_text(c, 200, "{\"kind\":\"IngressList\",\"metadata\":{\"resourceVersion\":\"30\"},"
		                         "\"items\":[" ITEM("a", "13") "," ITEM("d", "25") "]}");
	}
}

/* KUBEFAKE_OBJECTS=FILE: a List (kubectl get ... -o json) served as three
 * lists (Ingresses, IngressClasses, Services) at resourceVersion 1. */
static int load_objects(const char *path)
{
	json_error_t je;
	json_t *all = json_load_file(path, 0, &je), *lists[3];
	if (!all) {
		fprintf(stderr, "kubefake: %s:%d: %s\n", path, je.line, je.text);
		return -1;
	}
	static const char *const kinds[3] = { "Ingress", "IngressClass", "Service" };
	for (int k = 0; k < 3; k++)
		lists[k] = json_pack("{s:s, s:{s:s}, s:[]}", "kind", "List", "metadata",
		                     "resourceVersion", "1", "items");
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(all, "items"), i, it) {
		const char *kind = json_string_value(json_object_get(it, "kind"));
		for (int k = 0; k < 3; k++)
			if (kind && !strcmp(kind, kinds[k]))
				json_array_append(json_object_get(lists[k], "items"), it);
	}
	for (int k = 0; k < 3; k++) {
		objects[k] = json_dumps(lists[k], JSON_COMPACT);
		json_decref(lists[k]);
	}
	json_decref(all);
	return objects[0] && objects[1] && objects[2] ? 0 : -1;
}

static void done_cb(void *cls, struct MHD_Connection *c, void **req, enum MHD_RequestTerminationCode t)
{
	(void)cls; (void)c; (void)t;
	struct upload *u = *req;
	if (u) {
		free(u->p);
		free(u);
	}
	*req = NULL;
}

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&stopping, true);
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: kubefake PORT [TOKEN]\n");
		return 2;
	}
	int port = atoi(argv[1]);
	token = argc == 3 ? argv[2] : NULL;
	forbid = getenv("KUBEFAKE_FORBID");
	if (getenv("KUBEFAKE_OBJECTS") && load_objects(getenv("KUBEFAKE_OBJECTS")))
		return 1;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	sa.sin_addr.s_addr = htonl(0x7f000001);
	struct sigaction act = { .sa_handler = on_signal };
	sigaction(SIGTERM, &act, NULL);
	sigaction(SIGINT, &act, NULL);
	struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD,
	                                        (uint16_t)port, NULL, NULL, handle, NULL,
	                                        MHD_OPTION_SOCK_ADDR, &sa,
	                                        MHD_OPTION_NOTIFY_COMPLETED, done_cb, NULL,
	                                        MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "kubefake: cannot listen on 127.0.0.1:%d\n", port);
		return 1;
	}
	printf("READY\n");
	fflush(stdout);
	for (int i = 0; i < 600 && !atomic_load(&stopping); i++)   /* at most 60 s */
		usleep(100 * 1000);
	atomic_store(&stopping, true);
	MHD_stop_daemon(d);
	for (int i = 0; i < STORE_MAX; i++) {
		free(store[i].path);
		free(store[i].body);
	}
	return 0;
}
