/* Server callbacks -> AdmissionReview codec and linter (see review_glue.h). */
#include "webhook/review_glue.h"
#include "base/ascii.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <strings.h>

#include "lint/lint.h"
#include "admission/admission.h"
#include "load/jarena.h"
#include "webhook/lintapi.h"

/* Each worker thread decodes its reviews into an arena of its own
 * (load/jarena.h): a 3 MiB AdmissionReview is ~50 MB of jansson values, and
 * malloc'ing and freeing them one by one cost as much CPU as the parse.  The
 * arena is made on a thread's first review, reset after each, and unmapped
 * when the thread ends.  Address space only: a review larger than it spills
 * to the heap. */
#define REVIEW_ARENA (128u << 20)
static pthread_key_t arena_key;
static pthread_once_t arena_once = PTHREAD_ONCE_INIT;
static bool arena_keyed;

static void arena_drop(void *a)
{
	jarena_bind(NULL);
	jarena_free(a);
}

static void arena_key_make(void)
{
	arena_keyed = pthread_key_create(&arena_key, arena_drop) == 0;
}

/* adm_opts.drop_tree: a tree all in the arena dies at its reset; one that
 * spilled to the heap is freed value by value. */
static void drop_tree(json_t *root, void *arena)
{
	if (!jarena_exclusive(arena))
		json_decref(root);
}

/* This thread's review arena, bound; NULL (the heap) when none can be made. */
static struct jarena *review_arena(void)
{
	if (pthread_once(&arena_once, arena_key_make) || !arena_keyed)
		return NULL;
	struct jarena *a = pthread_getspecific(arena_key);
	if (!a && (a = jarena_new(REVIEW_ARENA)) && pthread_setspecific(arena_key, a)) {
		jarena_free(a);
		a = NULL;
	}
	if (a)
		jarena_bind(a);
	return a;
}

struct wh_glue {
	struct lint_opts lint;       /* read-only after creation (but its policy) */
	/* admission: the checks beyond the API server, with the watched cluster */
	struct wh_policy_box *policy;     /* not owned, or own_policy */
	struct wh_policy_box *own_policy; /* defaults, when none is set */
	struct iw_cluster *cluster;       /* NULL: no cluster state */
	enum iw_unsynced unsynced;
	bool arenas;                      /* reviews parsed in their thread's arena */
};

/* One review's view: the policy it started with. */
struct glue_call {
	struct wh_glue *g;
	const struct iw_policy *policy;
};

struct wh_glue *wh_glue_new(char *err, size_t errlen)
{
	struct wh_glue *g = calloc(1, sizeof *g);
	if (!g) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	lint_opts_init(&g->lint);
	if (!(g->own_policy = wh_policy_box_new(NULL))) {
		free(g);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	g->policy = g->own_policy;
	g->arenas = true;
	jarena_install();   /* before the server's threads (wh_glue_new's contract) */
	return g;
}

void wh_glue_set_policy(struct wh_glue *g, struct wh_policy_box *p, struct iw_cluster *c,
                        enum iw_unsynced mode)
{
	if (p)
		g->policy = p;
	g->cluster = c;
	g->unsynced = mode;
}

void wh_glue_set_arenas(struct wh_glue *g, bool on)
{
	g->arenas = on;
}

void wh_glue_free(struct wh_glue *g)
{
	if (g)
		wh_policy_box_free(g->own_policy);
	free(g);
}

/* adm_policy_fn: the policy checks against the cluster state, when there is
 * one.  The reason of a failure goes back through admission_handle. */
static enum iw_err glue_policy(void *arg, const struct adm_subject *s, struct findings *out,
                               const char **warning)
{
	struct glue_call *call = arg;
	struct wh_glue *g = call->g;
	if (!g->cluster)
		return adm_check_subject(call->policy, s, NULL, out);
	enum iw_cluster_health h = iw_cluster_health(g->cluster, NULL, 0);
	if (h != IW_CLUSTER_FRESH) {
		if (g->unsynced == IW_UNSYNCED_DENY)
			return IW_EUNSYNCED;
		if (g->unsynced == IW_UNSYNCED_ALLOW)
			*warning = h == IW_CLUSTER_STALE ? IW_STALE_WARNING : IW_UNSYNCED_WARNING;
		return adm_check_subject(call->policy, s, NULL, out);
	}
	const struct iw_state *st = iw_cluster_rdlock(g->cluster);
	enum iw_err rc = adm_check_subject(call->policy, s, st, out);
	iw_cluster_unlock(g->cluster);
	return rc;
}

static int text_answer(struct wh_answer *ans, unsigned status, const char *msg)
{
	size_t n = strlen(msg);
	ans->body = malloc(n + 2);
	if (!ans->body)
		return -1;
	memcpy(ans->body, msg, n);
	ans->body[n] = '\n';
	ans->body[n + 1] = 0;
	ans->len = n + 1;
	ans->status = status;
	ans->content_type = "text/plain; charset=utf-8";
	return 0;
}

/* The AdmissionReview codec (admission/admission.h) with the policy checks. */
int wh_glue_review(void *ctx, const char *body, size_t len, struct wh_answer *ans,
                   struct wh_review_info *info)
{
	struct wh_glue *g = ctx;
	struct wh_policy_ref *ref;
	struct glue_call call = { g, wh_policy_get(g->policy, &ref) };
	struct adm_opts o = { .policy = glue_policy, .policy_arg = &call };
	struct adm_result res;
	char msg[300];
	iw_vopts_init(&o.v);
	o.v = g->lint.v;
	struct jarena *arena = g->arenas ? review_arena() : NULL;
	o.drop_tree = drop_tree;
	o.drop_arg = arena;
	jarena_begin(arena);
	enum iw_err rc = admission_handle(body, len, &o, &res, msg, sizeof msg);
	jarena_end(arena);
	jarena_reset(arena);   /* every value of the review is gone: the codec's contract */
	wh_policy_put(g->policy, ref);
	info->version = !res.api_version ? WH_VER_NONE
	              : !strcmp(res.api_version, "admission.k8s.io/v1") ? WH_VER_V1 : WH_VER_V1BETA1;
	info->log_fields = res.log_fields;
	if (rc) {
		info->outcome = res.outcome == ADM_INVALID ? WH_OUT_INVALID : WH_OUT_ERROR;
		if (rc == IW_EUNSYNCED)
			return text_answer(ans, 503, "cluster state not synced yet (serve --unsynced=deny)");
		return res.outcome == ADM_INVALID ? text_answer(ans, 400, msg) : -1;
	}
	/* the same bytes as `review` prints: the JSON and a newline */
	char *out = res.response;
	size_t n = res.response_len;
	char *nl = realloc(out, n + 2);
	if (!nl) {
		free(out);
		return -1;
	}
	nl[n] = '\n';
	nl[n + 1] = 0;
	ans->body = nl;
	ans->len = n + 1;
	ans->status = 200;
	ans->content_type = "application/json";
	info->outcome = res.outcome == ADM_DENIED ? WH_OUT_DENIED : WH_OUT_ALLOWED;
	return 0;
}

/* A body sent as a form (curl -d, --data-urlencode): the manifests as they
 * are, unless the text was percent-encoded (no raw line break, an encoded
 * one): then decoded in place ('+' is a space).  Returns the new length. */
static size_t form_decode(char *b, size_t n)
{
	if (memchr(b, '\n', n) || (!strstr(b, "%0A") && !strstr(b, "%0a")))
		return n;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		int hi, lo;
		if (b[i] == '%' && i + 2 < n &&
		    (hi = iw_hexval(b[i + 1])) >= 0 && (lo = iw_hexval(b[i + 2])) >= 0) {
			b[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			b[o++] = b[i] == '+' ? ' ' : b[i];
		}
	}
	b[o] = 0;
	return o;
}

/* POST /lint: the body is one source named "request"; the answer is the
 * report in the format of ?o= (json by default), with the status of the
 * outcome: 200 nothing denied, 422 something denied, 400 an input error
 * (the report still says where).  A ?o= it does not know: 400. */
static int glue_lint(struct wh_glue *g, const struct wh_lint_req *q, struct wh_answer *ans,
                     struct wh_lint_info *info)
{
	enum lint_out out;
	const char *ctype;
	if (!q->output || !strcmp(q->output, "json")) {
		out = LINT_OUT_JSON;
		ctype = "application/json";
	} else if (!strcmp(q->output, "text")) {
		out = LINT_OUT_TEXT;
		ctype = "text/plain; charset=utf-8";
	} else if (!strcmp(q->output, "sarif")) {
		out = LINT_OUT_SARIF;
		ctype = "application/sarif+json";
	} else if (!strcmp(q->output, "junit")) {
		out = LINT_OUT_JUNIT;
		ctype = "application/xml";
	} else if (!strcmp(q->output, "codequality")) {
		out = LINT_OUT_CODEQUALITY;
		ctype = "application/json";
	} else {
		info->result = 2;
		return text_answer(ans, 400, "o must be json, text, sarif, junit or codequality");
	}
	struct lint_opts o = g->lint;
	o.limits.cancel = q->cancel;   /* a cut connection stops the parse and the checks */
	const char *body = q->body;
	size_t len = q->len;
	if (q->content_type) {
		size_t n = strcspn(q->content_type, ";");
		if (!strncasecmp(q->content_type, "application/x-www-form-urlencoded", n) && n == 33) {
			len = form_decode((char *)(uintptr_t)body, len);   /* the server's buffer */
			size_t k = strspn(body, " \t\r");
			if (len && !memchr(body, '\n', len) && k < len && body[k] != '{' && body[k] != '[') {
				info->result = 2;
				return text_answer(ans, 400, "a form body without line breaks: curl -d removes "
				                   "them, send YAML with --data-binary @FILE");
			}
		}
		else if (!strncasecmp(q->content_type, "application/yaml", n) ||
		         !strncasecmp(q->content_type, "application/x-yaml", n) ||
		         !strncasecmp(q->content_type, "text/yaml", n) ||
		         !strncasecmp(q->content_type, "text/x-yaml", n))
			o.format = YD_YAML;
		/* application/json, text/plain, forms: by content (YAML sent as JSON is read) */
	}
	struct wh_policy_ref *ref;
	o.policy = wh_policy_get(g->policy, &ref);
	struct lint_report *r = lint_report_new();
	if (!r) {
		wh_policy_put(g->policy, ref);
		return -1;
	}
	int rc = -1;
	if (lint_buffer(r, "request", body, len, &o) == IW_OK) {
		size_t n = 0;
		char *text;
		if (lint_render(r, out, 0, &text, &n) == IW_OK) {
			int st = lint_exit_status(r);
			ans->body = text;
			ans->len = n;
			ans->status = st == 0 ? 200 : st == 1 ? 422 : 400;
			info->reported = true;
			ans->content_type = ctype;
			info->result = st;
			char m[256];
			snprintf(m, sizeof m, "\"format\":\"%s\",\"objects\":%zu,\"denied\":%zu,\"errors\":%zu,"
			         "\"findings\":%zu,\"problems\":%zu", q->output ? q->output : "json",
			         r->nobjects, r->denied, r->errors, r->findings, r->nproblems);
			info->log_fields = strdup(m);
			rc = 0;
		}
	}
	lint_report_free(r);
	wh_policy_put(g->policy, ref);
	return rc;
}

int wh_glue_lint(void *ctx, const struct wh_lint_req *q, struct wh_answer *ans,
                 struct wh_lint_info *info)
{
	struct wh_glue *g = ctx;
	bool always = false;
	if (q->status) {
		if (strcmp(q->status, "200") != 0) {
			info->result = 2;
			return text_answer(ans, 400, "status must be 200 (answer 200 whenever the "
			                   "report is written) or absent");
		}
		always = true;
	}
	int rc = -1;
	switch (q->endpoint) {
	case WH_EP_LINT: rc = glue_lint(g, q, ans, info); break;
	case WH_EP_ROUTE: rc = wh_api_route(q, &g->lint.limits, ans, info); break;
	case WH_EP_DIFF: rc = wh_api_diff(q, &g->lint.limits, ans, info); break;
	}
	/* the outcome is in the answer: a report (its summary), or {"error": ...};
	 * a request that was not understood (text) keeps its 400 */
	if (!rc && always && info->reported)
		ans->status = 200;
	return rc;
}
