/* POST /route and /diff of the lint listener (see lintapi.h). */
#include "webhook/lintapi.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/fielderr.h"
#include "model/model.h"
#include "router/router.h"

/* The objects of one text, decoded. */
struct objs {
	json_t *docs;                   /* every object kept (Ingress, IngressClass) */
	json_t *problems;               /* [{"line","column","message"}] */
	json_t *warnings;               /* [TEXT] */
	struct ingress **ings;
	size_t nings;
	struct ingress_class **classes;
	size_t nclasses;
};

static void objs_release(struct objs *o)
{
	for (size_t i = 0; i < o->nings; i++)
		ingress_free(o->ings[i]);
	for (size_t i = 0; i < o->nclasses; i++)
		ingress_class_free(o->classes[i]);
	free(o->ings);
	free(o->classes);
	json_decref(o->docs);
	json_decref(o->problems);
	json_decref(o->warnings);
	memset(o, 0, sizeof *o);
}

static void problem(struct objs *o, unsigned line, unsigned col, const char *msg)
{
	json_array_append_new(o->problems, json_pack("{s:i, s:i, s:s}", "line", (int)line,
	                                             "column", (int)col, "message", msg));
}

/* Keeps obj (borrowed) when it is an Ingress or IngressClass; expands a
 * List's items (one level: a List inside a List is a problem). */
static enum iw_err keep(struct objs *o, json_t *obj, unsigned line, bool in_list)
{
	if (!json_is_object(obj)) {
		problem(o, line, 0, in_list ? "a List item is not an object" : "the document is not an object");
		return IW_OK;
	}
	enum iw_kind kind;
	enum iw_api api;
	iw_object_type(obj, &kind, &api);
	if (kind == IW_KIND_LIST) {
		json_t *items = json_object_get(obj, "items"), *it;
		size_t i;
		if (in_list || (items && !json_is_array(items))) {
			problem(o, line, 0, in_list ? "a List inside a List" : "List items must be a sequence");
			return IW_OK;
		}
		json_array_foreach(items, i, it) {
			enum iw_err rc = keep(o, it, line, true);
			if (rc)
				return rc;
		}
		return IW_OK;
	}
	if (kind == IW_KIND_INGRESS || kind == IW_KIND_INGRESSCLASS)
		return json_array_append(o->docs, obj) ? IW_ENOMEM : IW_OK;
	return IW_OK;
}

static enum iw_err on_doc(void *ctx, struct yd_doc *d)
{
	struct objs *o = ctx;
	if (d->error) {
		problem(o, d->err_line, d->err_col, d->error);
		return IW_OK;
	}
	if (d->empty)
		return IW_OK;
	return keep(o, d->root, d->line, false);
}

/* Reads and decodes 'text'.  IW_OK (problems and warnings recorded),
 * IW_ENOMEM or IW_ECANCELED. */
static enum iw_err objs_load(struct objs *o, const char *text, size_t len,
                             const struct yd_limits *lim)
{
	o->docs = json_array();
	o->problems = json_array();
	o->warnings = json_array();
	if (!o->docs || !o->problems || !o->warnings)
		return IW_ENOMEM;
	enum iw_err rc = yd_parse(text, len, YD_AUTO, lim, on_doc, o);
	if (rc)
		return rc;
	size_t n = json_array_size(o->docs);
	o->ings = calloc(n ? n : 1, sizeof *o->ings);
	o->classes = calloc(n ? n : 1, sizeof *o->classes);
	if (!o->ings || !o->classes)
		return IW_ENOMEM;
	size_t i;
	json_t *obj;
	json_array_foreach(o->docs, i, obj) {
		enum iw_kind kind;
		enum iw_api api;
		iw_object_type(obj, &kind, &api);
		struct errlist el = { 0 };
		if (kind == IW_KIND_INGRESS) {
			struct ingress *ing = NULL;
			rc = ingress_parse(obj, 0, &el, &ing);
			if (ing)
				o->ings[o->nings++] = ing;
		} else {
			struct ingress_class *ic = NULL;
			rc = ingress_class_parse(obj, 0, &el, &ic);
			if (ic)
				o->classes[o->nclasses++] = ic;
		}
		if (rc == IW_ENOMEM || el.err) {
			errlist_release(&el);
			return IW_ENOMEM;
		}
		if (el.n) {
			const char *nm = json_string_value(json_object_get(json_object_get(obj, "metadata"), "name"));
			char *m = fe_string(&el.v[0]);
			char w[600];
			snprintf(w, sizeof w, "%.200s: %.300s%s (routed as decoded)", nm ? nm : "(no name)",
			         m ? m : "decode error", el.n > 1 ? " and more" : "");
			free(m);
			json_array_append_new(o->warnings, json_string(w));
		}
		errlist_release(&el);
	}
	return IW_OK;
}

/* The answer: obj (stolen) as JSON with 'status'.  -1 on OOM. */
static int json_answer(struct wh_answer *ans, unsigned status, json_t *obj)
{
	char *s = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
	json_decref(obj);
	if (!s)
		return -1;
	size_t n = strlen(s);
	char *b = realloc(s, n + 2);
	if (!b) {
		free(s);
		return -1;
	}
	b[n] = '\n';
	b[n + 1] = 0;
	ans->body = b;
	ans->len = n + 1;
	ans->status = status;
	ans->content_type = "application/json";
	return 0;
}

static int error_answer(struct wh_answer *ans, struct wh_lint_info *info, const char *msg,
                        json_t *problems)
{
	info->result = 2;
	json_t *o = json_pack("{s:s}", "error", msg);
	if (o && problems)
		json_object_set(o, "problems", problems);
	return json_answer(ans, 400, o);
}

/* The request's JSON object, or NULL after a 400 answer (*rc set). */
static json_t *request_object(const struct wh_lint_req *q, struct wh_answer *ans,
                              struct wh_lint_info *info, int *rc)
{
	json_error_t je;
	json_t *req = json_loadb(q->body, q->len, JSON_REJECT_DUPLICATES, &je);
	if (!req || !json_is_object(req)) {
		char m[300];
		if (req)
			snprintf(m, sizeof m, "the body must be a JSON object");
		else
			snprintf(m, sizeof m, "the body is not JSON: %d:%d: %.200s", je.line, je.column, je.text);
		json_decref(req);
		*rc = error_answer(ans, info, m, NULL);
		return NULL;
	}
	return req;
}

/* A string member, "" when absent; NULL (after a 400 answer) when not a string. */
static const char *member(json_t *req, const char *key, const char *dflt, struct wh_answer *ans,
                          struct wh_lint_info *info, int *rc)
{
	json_t *v = json_object_get(req, key);
	if (!v || json_is_null(v))
		return dflt;
	if (!json_is_string(v)) {
		char m[120];
		snprintf(m, sizeof m, "\"%s\" must be a string", key);
		*rc = error_answer(ans, info, m, NULL);
		return NULL;
	}
	return json_string_value(v);
}

int wh_api_route(const struct wh_lint_req *q, const struct yd_limits *lim0, struct wh_answer *ans,
                 struct wh_lint_info *info)
{
	int rc = 0;
	json_t *req = request_object(q, ans, info, &rc);
	if (!req)
		return rc;
	struct objs o = { 0 };
	struct rt_table *t = NULL;
	const char *text, *host, *path, *ctl, *cls;
	if (!(text = member(req, "manifests", "", ans, info, &rc)) ||
	    !(host = member(req, "host", "", ans, info, &rc)) ||
	    !(path = member(req, "path", "/", ans, info, &rc)) ||
	    !(ctl = member(req, "controller", "spec", ans, info, &rc)) ||
	    !(cls = member(req, "class", "", ans, info, &rc)))
		goto out;
	/* the routers there are: the reference and the ingress-nginx emulation */
	int prof = rt_profile_parse(ctl);
	if (prof != IW_PROFILE_SPEC && prof != IW_PROFILE_INGRESS_NGINX) {
		char m[300];
		snprintf(m, sizeof m, "controller '%.100s': routing is emulated for spec and ingress-nginx only", ctl);
		rc = error_answer(ans, info, m, NULL);
		goto out;
	}
	struct yd_limits lim = *lim0;
	lim.cancel = q->cancel;
	size_t tl = json_string_length(json_object_get(req, "manifests"));
	enum iw_err e = objs_load(&o, text, tl, &lim);
	if (e) {
		rc = -1;
		goto out;
	}
	if (json_array_size(o.problems)) {
		rc = error_answer(ans, info, "the manifests cannot be read", o.problems);
		goto out;
	}
	if (!o.nings) {
		rc = error_answer(ans, info, "the manifests hold no Ingress", NULL);
		goto out;
	}
	struct rt_input in = {
		.ingresses = (const struct ingress *const *)o.ings, .ningresses = o.nings,
		.classes = (const struct ingress_class *const *)o.classes, .nclasses = o.nclasses,
		.ingress_class = *cls ? cls : NULL, .profile = (enum iw_profile_id)prof,
	};
	if (!(t = rt_build(&in))) {
		rc = -1;
		goto out;
	}
	struct rt_decision d;
	size_t hl = json_string_length(json_object_get(req, "host"));
	size_t pl = *path ? strlen(path) : 0;
	if (json_object_get(req, "path") && json_is_string(json_object_get(req, "path")))
		pl = json_string_length(json_object_get(req, "path"));
	if (!pl) {
		path = "/";
		pl = 1;
	}
	if (rt_match(t, host, hl, path, pl, &d) < 0) {
		rc = error_answer(ans, info, "the host or the path is too long", NULL);
		goto out;
	}
	char *reason = NULL;
	char *expl = rt_explain(t, host, hl, path, pl, &d, &reason);
	json_t *dj = expl ? rt_decision_json(&d, reason) : NULL;
	json_t *res = dj ? json_pack("{s:o, s:s, s:I, s:I, s:O}", "decision", dj, "explanation", expl,
	                             "ingresses", (json_int_t)o.nings, "classes", (json_int_t)o.nclasses,
	                             "warnings", o.warnings) : NULL;
	free(expl);
	free(reason);
	info->result = 0;
	char m[160];
	snprintf(m, sizeof m, "\"ingresses\":%zu,\"match\":\"%s\"", o.nings, rt_match_name(d.match));
	info->log_fields = strdup(m);
	rc = json_answer(ans, 200, res);
out:
	rt_free(t);
	objs_release(&o);
	json_decref(req);
	return rc;
}

int wh_api_diff(const struct wh_lint_req *q, const struct yd_limits *lim, struct wh_answer *ans,
                struct wh_lint_info *info)
{
	(void)q;
	(void)lim;
	info->result = 2;
	json_t *o = json_pack("{s:s}", "error", "diff is not in this build");
	int rc = json_answer(ans, 501, o);
	return rc;
}
