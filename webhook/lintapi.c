/* POST /route and /diff of the lint listener (see lintapi.h). */
#include "webhook/lintapi.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint/lint.h"
#include "lint/lint_paths.h"
#include "load/manifest.h"
#include "model/fielderr.h"
#include "model/model.h"
#include "diff/diff.h"
#include "router/router.h"
#include "validate/validate.h"

/* The objects of one text, decoded and validated as `route -f` does
 * (src/rtload.c): an object the API server would refuse, or of a removed
 * version, is a problem at its line; the set is not routed then. */
struct objs {
	json_t *docs;                   /* every object kept (Ingress, IngressClass) */
	json_t *problems;               /* [{"line","column","message"}] */
	struct ingress **ings;
	unsigned *lines;                /* the line each Ingress starts at (diff's "where") */
	size_t nings, cap_ings, cap_lines;
	struct ingress_class **classes;
	size_t nclasses, cap_classes;
	struct iw_vopts v;
};

static void objs_release(struct objs *o)
{
	for (size_t i = 0; i < o->nings; i++)
		ingress_free(o->ings[i]);
	for (size_t i = 0; i < o->nclasses; i++)
		ingress_class_free(o->classes[i]);
	free(o->ings);
	free(o->lines);
	free(o->classes);
	json_decref(o->docs);
	json_decref(o->problems);
	memset(o, 0, sizeof *o);
}

static enum iw_err problem(struct objs *o, unsigned line, unsigned col, const char *msg)
{
	return json_array_append_new(o->problems, json_pack("{s:i, s:i, s:s}", "line", (int)line,
	                             "column", (int)col, "message", msg)) ? IW_ENOMEM : IW_OK;
}

static void on_problem(void *ctx, const struct mf_problem *p)
{
	struct objs *o = ctx;
	problem(o, p->line, p->col, p->message);
}

static bool grow(void **v, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return true;
	size_t nc = *cap ? 2 * *cap : 16;
	void *nv = realloc(*v, nc * size);
	if (!nv)
		return false;
	*v = nv;
	*cap = nc;
	return true;
}

/* The errors of a refused object, each at its field (once: the API server
 * repeats metadata errors). */
static enum iw_err refused(struct objs *o, struct mf_object *mo, const char *what, bool v1beta1,
                           const struct errlist *el)
{
	for (size_t i = 0; i < el->n; i++) {
		char *msg = fe_string(&el->v[i]);
		if (!msg)
			return IW_ENOMEM;
		bool dup = false;
		for (size_t k = 0; k < i && !dup; k++) {
			char *prev = fe_string(&el->v[k]);
			dup = prev && !strcmp(prev, msg);
			free(prev);
		}
		if (!dup) {
			char mapped[512], m[1400];
			const char *f = iw_nz(el->v[i].field);
			if (v1beta1) {
				lint_map_v1beta1_path(f, mapped, sizeof mapped);
				f = mapped;
			}
			struct yd_pos p = yd_locate(mo->doc, mo->node, f, NULL);
			snprintf(m, sizeof m, "%s: %s", what, msg);
			if (problem(o, p.line ? p.line : mo->line, p.line ? p.col : mo->col, m)) {
				free(msg);
				return IW_ENOMEM;
			}
		}
		free(msg);
	}
	return IW_OK;
}

static enum iw_err take(struct objs *o, struct mf_object *mo, enum iw_kind kind, enum iw_api api)
{
	json_t *obj = mf_keep(mo);
	if (!obj || json_array_append_new(o->docs, obj))
		return IW_ENOMEM;
	struct errlist el = { 0 };
	char what[400];
	enum iw_err rc;
	if (kind == IW_KIND_INGRESS) {
		struct ingress *ing = NULL;
		if (!(rc = ingress_parse(obj, IW_PARSE_STRICT, &el, &ing))) {
			if (!errlist_has_type_error(&el))
				iw_validate_ingress(ing, ing, &o->v, &el);
			snprintf(what, sizeof what, "Ingress %s/%s", iw_namespace(&ing->meta),
			         *iw_nz(ing->meta.name) ? ing->meta.name : "(no name)");
			if (grow((void **)&o->ings, o->nings, &o->cap_ings, sizeof *o->ings) &&
			    grow((void **)&o->lines, o->nings, &o->cap_lines, sizeof *o->lines)) {
				o->lines[o->nings] = mo->line;
				o->ings[o->nings++] = ing;
			}
			else {
				ingress_free(ing);
				rc = IW_ENOMEM;
			}
		}
	} else {
		struct ingress_class *ic = NULL;
		if (!(rc = ingress_class_parse(obj, IW_PARSE_STRICT, &el, &ic))) {
			if (!errlist_has_type_error(&el))
				iw_validate_ingress_class(ic, ic, &o->v, &el);
			snprintf(what, sizeof what, "IngressClass %s",
			         *iw_nz(ic->meta.name) ? ic->meta.name : "(no name)");
			if (grow((void **)&o->classes, o->nclasses, &o->cap_classes, sizeof *o->classes))
				o->classes[o->nclasses++] = ic;
			else {
				ingress_class_free(ic);
				rc = IW_ENOMEM;
			}
		}
	}
	if (!rc)
		rc = el.err;
	char rm[160], hint[300];
	if (!rc && iw_unserved_version(kind, api, rm, sizeof rm, hint, sizeof hint)) {
		yd_node at = yd_lookup(mo->doc, mo->node, "apiVersion");
		struct yd_pos p = at ? yd_node_pos(mo->doc, at) : (struct yd_pos){ mo->line, mo->col };
		char m[900];
		snprintf(m, sizeof m, "%s: %s (%s)", what, rm, hint);
		rc = problem(o, p.line, p.col, m);
	}
	if (!rc && el.n)
		rc = refused(o, mo, what, api == IW_API_EXTENSIONS_V1BETA1 || api == IW_API_NETWORKING_V1BETA1,
		             &el);
	errlist_release(&el);
	return rc;
}

static enum iw_err on_object(void *ctx, struct mf_object *mo)
{
	struct objs *o = ctx;
	enum iw_kind kind;
	enum iw_api api;
	iw_object_type(mo->obj, &kind, &api);
	if (kind == IW_KIND_INGRESS || kind == IW_KIND_INGRESSCLASS)
		return take(o, mo, kind, api);
	if (!strcmp(mo->kind, "Ingress") || !strcmp(mo->kind, "IngressClass")) {
		char m[300];
		snprintf(m, sizeof m, "no matches for kind \"%.100s\" in version \"%.100s\"", mo->kind,
		         mo->api_version);
		return problem(o, mo->line, mo->col, m);
	}
	return IW_OK;   /* another kind: not routed */
}

/* Reads 'text' through the manifest loader (load/manifest.h).  IW_OK
 * (problems recorded), IW_ENOMEM or IW_ECANCELED. */
static enum iw_err objs_load(struct objs *o, const char *text, size_t len,
                             const struct yd_limits *lim)
{
	iw_vopts_init(&o->v);
	o->docs = json_array();
	o->problems = json_array();
	if (!o->docs || !o->problems)
		return IW_ENOMEM;
	struct mf_opts mo;
	mf_opts_init(&mo);
	mo.limits = *lim;
	mo.strip = true;   /* routing reads none of managedFields, status */
	struct mf_sink sink = { on_object, on_problem, o };
	enum iw_err rc = mf_parse(text, len, &mo, &sink);
	if (!rc && yd_cancelled(lim))
		rc = IW_ECANCELED;
	return rc;
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
	info->reported = true;
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
	if (json_array_size(o.problems)) {   /* as `route` refuses them */
		rc = error_answer(ans, info, "the manifests have errors: fix them first (the Check "
		                  "button shows them all)", o.problems);
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
	json_t *res = dj ? json_pack("{s:o, s:s, s:I, s:I}", "decision", dj, "explanation", expl,
	                             "ingresses", (json_int_t)o.nings, "classes", (json_int_t)o.nclasses) : NULL;
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

/* "old:LINE" / "new:LINE" of an Ingress of one side (df_side.where). */
struct where_ctx {
	const char *label;
	const struct objs *o;
};

static const char *where(void *arg, const void *object, char *buf, size_t size)
{
	const struct where_ctx *w = arg;
	for (size_t i = 0; i < w->o->nings; i++)
		if (w->o->ings[i] == object) {
			snprintf(buf, size, "%s:%u", w->label, w->o->lines[i]);
			return buf;
		}
	return NULL;
}

/* "old" or "new" on each problem of one side, appended to 'all'. */
static enum iw_err side_problems(json_t *all, json_t *problems, const char *side)
{
	size_t i;
	json_t *p;
	json_array_foreach(problems, i, p)
		if (json_object_set_new(p, "side", json_string(side)) || json_array_append(all, p))
			return IW_ENOMEM;
	return IW_OK;
}

#define DIFF_LISTED 200   /* differences listed in full; all are counted */

int wh_api_diff(const struct wh_lint_req *q, const struct yd_limits *lim0, struct wh_answer *ans,
                struct wh_lint_info *info)
{
	int rc = 0;
	json_t *req = request_object(q, ans, info, &rc);
	if (!req)
		return rc;
	struct objs o[2] = { { 0 }, { 0 } };
	struct df_result res = { 0 };
	json_t *problems = NULL;
	const char *text[2], *ctl[2], *cls;
	int prof[2];
	if (!(text[0] = member(req, "old", "", ans, info, &rc)) ||
	    !(text[1] = member(req, "new", "", ans, info, &rc)) ||
	    !(ctl[0] = member(req, "oldController", "spec", ans, info, &rc)) ||
	    !(ctl[1] = member(req, "newController", ctl[0], ans, info, &rc)) ||
	    !(cls = member(req, "class", "", ans, info, &rc)))
		goto out;
	for (int k = 0; k < 2; k++) {
		prof[k] = rt_profile_parse(ctl[k]);
		if (prof[k] != IW_PROFILE_SPEC && prof[k] != IW_PROFILE_INGRESS_NGINX) {
			char m[300];
			snprintf(m, sizeof m, "controller '%.100s': routing is emulated for spec and "
			         "ingress-nginx only", ctl[k]);
			rc = error_answer(ans, info, m, NULL);
			goto out;
		}
	}
	struct yd_limits lim = *lim0;
	lim.cancel = q->cancel;
	static const char *const label[2] = { "old", "new" };
	if (!(problems = json_array())) {
		rc = -1;
		goto out;
	}
	for (int k = 0; k < 2; k++) {
		size_t tl = json_string_length(json_object_get(req, label[k]));
		if (objs_load(&o[k], text[k], tl, &lim) || side_problems(problems, o[k].problems, label[k])) {
			rc = -1;
			goto out;
		}
	}
	if (json_array_size(problems)) {   /* as `diff` refuses them */
		rc = error_answer(ans, info, "the manifests have errors: fix them first (the Check "
		                  "button shows those of the first set)", problems);
		goto out;
	}
	/* the comparison of `ingress-warden diff` (diff/diff.h), Ingresses on both sides */
	struct where_ctx wc[2] = { { "old", &o[0] }, { "new", &o[1] } };
	struct df_side sd[2];
	for (int k = 0; k < 2; k++)
		sd[k] = (struct df_side){
			.label = label[k], .kind = DF_INGRESS,
			.ings = (const struct ingress *const *)o[k].ings, .nings = o[k].nings,
			.classes = (const struct ingress_class *const *)o[k].classes, .nclasses = o[k].nclasses,
			.ingress_class = *cls ? cls : NULL, .ingress_profile = (enum iw_profile_id)prof[k],
			.where = where, .where_arg = &wc[k],
		};
	struct df_opts dopts = { .max_listed = DIFF_LISTED };
	enum iw_err e = df_run(&sd[0], &sd[1], &dopts, &res);
	if (e == IW_EINVAL) {
		rc = error_answer(ans, info, "a side's router cannot be built from these manifests", NULL);
		goto out;
	}
	char *json = e ? NULL : df_render(&res, DF_JSON);
	if (!json) {
		rc = -1;
		goto out;
	}
	size_t n = strlen(json);
	ans->body = json;
	ans->len = n;
	ans->status = 200;
	ans->content_type = "application/json";
	info->result = res.differ ? 1 : 0;
	char m[160];
	snprintf(m, sizeof m, "\"ingresses\":[%zu,%zu],\"requests\":%zu,\"differ\":%zu", o[0].nings,
	         o[1].nings, res.checked, res.differ);
	info->log_fields = strdup(m);
out:
	df_result_release(&res);
	objs_release(&o[0]);
	objs_release(&o[1]);
	json_decref(problems);
	json_decref(req);
	return rc;
}
