/* Server callbacks -> AdmissionReview codec and linter (see review_glue.h). */
#include "webhook/review_glue.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/lint.h"

struct wh_glue {
	struct lint_opts lint;       /* read-only after creation */
};

struct wh_glue *wh_glue_new(char *err, size_t errlen)
{
	struct wh_glue *g = calloc(1, sizeof *g);
	if (!g) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	lint_opts_init(&g->lint);
	return g;
}

void wh_glue_free(struct wh_glue *g)
{
	free(g);
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

/* Log fields of a request: uid, kind, namespace/name, operation (no bodies). */
static json_t *request_fields(const json_t *req)
{
	json_t *f = json_object();
	if (!f || !json_is_object(req))
		return f;
	const char *uid = json_string_value(json_object_get(req, "uid"));
	const char *kind = json_string_value(json_object_get(json_object_get(req, "kind"), "kind"));
	const char *ns = json_string_value(json_object_get(req, "namespace"));
	const char *name = json_string_value(json_object_get(req, "name"));
	const char *op = json_string_value(json_object_get(req, "operation"));
	if (!name)
		name = json_string_value(json_object_get(json_object_get(json_object_get(req, "object"),
		                                                         "metadata"), "name"));
	if (uid) json_object_set_new(f, "uid", json_string(uid));
	if (kind) json_object_set_new(f, "kind", json_string(kind));
	if (ns) json_object_set_new(f, "namespace", json_string(ns));
	if (name) json_object_set_new(f, "name", json_string(name));
	if (op) json_object_set_new(f, "operation", json_string(op));
	return f;
}

static enum wh_version version_of(const char *api)
{
	if (api && !strcmp(api, "admission.k8s.io/v1"))
		return WH_VER_V1;
	if (api && !strcmp(api, "admission.k8s.io/v1beta1"))
		return WH_VER_V1BETA1;
	return WH_VER_NONE;
}

/*
 * INTERIM, until webhook/admission.h (the `review` codec) lands in main:
 * checks the AdmissionReview envelope and allows.  The merge with the codec
 * replaces this function's body with a call to admission_handle().
 */
int wh_glue_review(void *ctx, const char *body, size_t len, struct wh_answer *ans,
                   struct wh_review_info *info)
{
	(void)ctx;
	json_error_t je;
	json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	info->outcome = WH_OUT_INVALID;
	if (!root) {
		char msg[300];
		snprintf(msg, sizeof msg, "malformed JSON at line %d column %d: %s", je.line, je.column, je.text);
		return text_answer(ans, 400, msg);
	}
	const char *api = json_string_value(json_object_get(root, "apiVersion"));
	const char *kind = json_string_value(json_object_get(root, "kind"));
	json_t *req = json_object_get(root, "request");
	const char *uid = json_string_value(json_object_get(req, "uid"));
	info->version = version_of(api);
	int rc;
	if (info->version == WH_VER_NONE || !kind || strcmp(kind, "AdmissionReview") != 0 ||
	    !json_is_object(req) || !uid) {
		rc = text_answer(ans, 400, "not an AdmissionReview request (admission.k8s.io/v1 or v1beta1 "
		                 "with request.uid)");
	} else {
		info->log_fields = request_fields(req);
		json_t *out = json_pack("{s:s, s:s, s:{s:s, s:b}}", "apiVersion", api, "kind", kind,
		                        "response", "uid", uid, "allowed", 1);
		ans->body = out ? json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		json_decref(out);
		rc = ans->body ? 0 : -1;
		if (ans->body) {
			ans->len = strlen(ans->body);
			ans->status = 200;
			ans->content_type = "application/json";
			info->outcome = WH_OUT_ALLOWED;
			json_object_set_new(info->log_fields, "allowed", json_true());
		}
	}
	json_decref(root);
	return rc;
}

/* POST /lint: the body is one source named "request"; the answer is the lint JSON
 * (200 even when objects are denied: the verdicts are in the body). */
int wh_glue_lint(void *ctx, const char *body, size_t len, const char *content_type,
                 struct wh_answer *ans, int *denied)
{
	struct wh_glue *g = ctx;
	struct lint_opts o = g->lint;
	*denied = 0;
	if (content_type) {
		size_t n = strcspn(content_type, ";");
		if ((n == 16 && !strncasecmp(content_type, "application/json", n)))
			o.format = YD_JSON;
		else if (strncasecmp(content_type, "text/plain", 10) != 0)
			o.format = YD_YAML;
	}
	struct lint_report *r = lint_report_new();
	if (!r)
		return -1;
	int rc = -1;
	if (lint_buffer(r, "request", body, len, &o) == 0 && !r->oom) {
		size_t n = 0;
		char *json = lint_render(r, LINT_OUT_JSON, 0, &n);
		if (json) {
			ans->body = json;
			ans->len = n;
			ans->status = 200;
			ans->content_type = "application/json";
			*denied = r->denied > 0;
			rc = 0;
		}
	}
	lint_report_free(r);
	return rc;
}
