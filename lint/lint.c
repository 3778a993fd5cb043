/* The lint engine (see lint.h). */
#include "lint/lint.h"
#include "lint/lint_paths.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/err.h"
#include "load/manifest.h"
#include "load/yamlout.h"
#include "model/convert.h"
#include "model/gateway.h"
#include "model/jsonmem.h"
#include "model/model.h"
#include "validate/gwvalidate.h"
#include "checks/policy.h"
#include "checks/state.h"

#ifndef IW_VERSION
#define IW_VERSION "dev"
#endif

void lint_opts_init(struct lint_opts *o)
{
	memset(o, 0, sizeof *o);
	iw_vopts_init(&o->v);
	o->format = YD_AUTO;
	yd_limits_init(&o->limits);
}

struct lint_report *lint_report_new(void)
{
	return calloc(1, sizeof(struct lint_report));
}

static void object_release(struct lint_object *ob)
{
	for (size_t i = 0; i < ob->nerrors; i++) {
		free(ob->errors[i].field);
		free(ob->errors[i].detail);
		free(ob->errors[i].message);
		free(ob->errors[i].fix);
	}
	free(ob->errors);
	for (size_t i = 0; i < ob->nfindings; i++) {
		free(ob->findings[i].field);
		free(ob->findings[i].message);
	}
	free(ob->findings);
	/* api_version, kind, namespace_ and name are in r->strs_ */
}

/* The objects' short strings: an arena owned by the report (base/arena.h),
 * released at once. */
struct lint_strs_ {
	struct arena b;
};

#define STRBLK_SIZE ((size_t)64 * 1024)

static void strs_free(struct lint_strs_ *p)
{
	if (!p)
		return;
	arena_release(&p->b);
	free(p);
}

/* A copy of s ("" for NULL) owned by the report; when it equals 'prev' (the
 * same field of the object before), prev itself.  NULL on OOM. */
static char *strs_dup(struct lint_report *r, const char *s, char *prev)
{
	if (!s)
		s = "";
	if (prev && !strcmp(prev, s))
		return prev;
	if (!r->strs_) {
		if (!(r->strs_ = malloc(sizeof *r->strs_)))
			return NULL;
		r->strs_->b = (struct arena)ARENA_INIT(STRBLK_SIZE, STRBLK_SIZE / 8);
	}
	return arena_strndup(&r->strs_->b, s, strlen(s));
}

/* Two-pass mode: the documents and Ingresses whose policy checks wait. */
struct pending_doc {
	struct yd_saved saved;        /* without its JSON value: text and index only */
	const char *buf;              /* the caller's buffer */
	struct yd_doc *open;          /* a List's, opened once for all its items (doc_open) */
};

struct pending_ing {
	size_t object;                /* index into r->objects */
	size_t doc;                   /* index into docs */
	size_t item;                  /* List item to look up in the document, or SIZE_MAX (its root) */
	bool v1beta1;
	const struct ingress *ing;    /* compact copy, owned by the state (o->collect) */
};

/* A Gateway API object kept for the HTTPRoute checks of pass two. */
struct pending_gw {
	size_t object;                /* index into r->objects (SIZE_MAX: a Namespace) */
	size_t doc;                   /* index into docs (a Namespace: unused) */
	size_t item;                  /* List item, or SIZE_MAX */
	enum gw_kind kind;
	void *model;                  /* owned: gateway, httproute, reference_grant, gw_namespace */
};

struct lint_pending_ {
	struct pending_doc *docs;
	size_t ndocs, cap_docs;
	struct pending_ing *ings;
	size_t nings, cap_ings;
	struct pending_gw *gws;
	size_t ngws, cap_gws;
	size_t cur_doc;               /* docs[cur_doc] is the document being read, when */
	bool have_cur;                /* its first Ingress saved it */
};

static void gw_model_free(enum gw_kind kind, void *model)
{
	if (kind == GW_KIND_GATEWAY)
		gateway_free(model);
	else if (kind == GW_KIND_HTTPROUTE)
		httproute_free(model);
	else if (kind == GW_KIND_REFERENCEGRANT)
		reference_grant_free(model);
	else
		gw_namespace_free(model);
}

static void pending_free(struct lint_pending_ *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->ndocs; i++) {
		if (p->docs[i].open) {
			yd_saved_close(p->docs[i].open);
			free(p->docs[i].open);
		}
		yd_saved_release(&p->docs[i].saved);
	}
	free(p->docs);
	free(p->ings);
	for (size_t i = 0; i < p->ngws; i++)
		gw_model_free(p->gws[i].kind, p->gws[i].model);
	free(p->gws);
	free(p);
}

void lint_report_free(struct lint_report *r)
{
	if (!r)
		return;
	pending_free(r->pending_);
	for (size_t i = 0; i < r->nobjects; i++)
		object_release(&r->objects[i]);
	free(r->objects);
	strs_free(r->strs_);
	for (size_t i = 0; i < r->nproblems; i++)
		free(r->problems[i].message);
	free(r->problems);
	for (size_t i = 0; i < r->nsources; i++)
		free(r->sources[i]);
	free(r->sources);
	free(r);
}

/* Records the report's first failure; returns it. */
static enum iw_err fail(struct lint_report *r, enum iw_err e)
{
	if (!r->err)
		r->err = e;
	return r->err;
}

/* grows *v (of *cap elements of 'size') to hold n+1 */
static bool grow(void **v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return true;
	size_t c = *cap ? *cap * 2 : 16;
	void *nv = realloc(*v, c * size);
	if (!nv)
		return false;
	*v = nv;
	*cap = c;
	return true;
}

static size_t add_source(struct lint_report *r, const char *name)
{
	if (r->nsources && !strcmp(r->sources[r->nsources - 1], name))
		return r->nsources - 1;
	char *s = strdup(name);
	if (!s || !grow((void **)&r->sources, &r->cap_src_, r->nsources, sizeof *r->sources)) {
		free(s);
		fail(r, IW_ENOMEM);
		return SIZE_MAX;
	}
	r->sources[r->nsources] = s;
	return r->nsources++;
}

static void problem(struct lint_report *r, size_t src, size_t doc, unsigned line, unsigned col,
                    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void problem(struct lint_report *r, size_t src, size_t doc, unsigned line, unsigned col,
                    const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	char *m = strdup(msg);
	if (!m || !grow((void **)&r->problems, &r->cap_prob_, r->nproblems, sizeof *r->problems)) {
		free(m);
		fail(r, IW_ENOMEM);
		return;
	}
	r->problems[r->nproblems++] = (struct lint_problem){ src, doc, line, col, m };
}

enum iw_err lint_add_problem(struct lint_report *r, const char *source, unsigned line,
                             unsigned column, const char *message)
{
	size_t src = add_source(r, source);
	if (src != SIZE_MAX)
		problem(r, src, SIZE_MAX, line, column, "%s", message);
	return r->err;
}

int lint_exit_status(const struct lint_report *r)
{
	if (r->nproblems || r->err)
		return 2;
	return r->denied ? 1 : 0;
}

/* ---------------------------------------------------------------- objects */

struct lctx {
	struct lint_report *r;
	const struct lint_opts *o;
	const struct iw_policy *policy;
	size_t src;
	const char *buf;              /* the buffer being read (two-pass mode) */
};

static void locate(struct yd_doc *d, yd_node at, bool v1beta1, const char *field, unsigned *line,
                   unsigned *col)
{
	char mapped[512];
	const char *f = field;
	if (v1beta1) {
		lint_map_v1beta1_path(field, mapped, sizeof mapped);
		f = mapped;
	}
	struct yd_pos p = yd_locate(d, at, f, NULL);
	*line = p.line;
	*col = p.col;
}

/* Moves the findings of 'fl' into the object (which has none yet), each with
 * its position in the document.  IW_OK or IW_ENOMEM. */
static enum iw_err take_findings(struct lint_report *r, struct lint_object *ob, struct findings *fl,
                                 struct yd_doc *d, yd_node at, bool v1beta1)
{
	if (!(ob->findings = calloc(fl->n, sizeof *ob->findings)))
		return IW_ENOMEM;
	for (size_t i = 0; i < fl->n; i++) {
		/* a v1beta1 object is refused for its version (an error of its
		 * own, unserved()): the deprecated-api warning would say it twice */
		if (v1beta1 && !strcmp(fl->v[i].check, "deprecated-api"))
			continue;
		struct lint_finding *f = &ob->findings[ob->nfindings++];
		f->check = fl->v[i].check;
		f->severity = fl->v[i].severity;
		f->field = fl->v[i].field;
		f->message = fl->v[i].message;
		f->profile = fl->v[i].profile;
		f->profile_inferred = fl->v[i].profile_inferred;
		f->suppressed = fl->v[i].suppressed;
		fl->v[i].field = fl->v[i].message = NULL;
		locate(d, at, v1beta1, f->field, &f->line, &f->column);
		if (f->suppressed)
			r->suppressed++;   /* shown, not counted */
		else if (++r->findings && f->severity == IW_SEV_WARNING)
			r->warnings++;
	}
	return d->err;   /* IW_ENOMEM when a position could not be computed */
}

static struct lint_pending_ *pending_of(struct lint_report *r)
{
	if (!r->pending_)
		r->pending_ = calloc(1, sizeof *r->pending_);
	return r->pending_;
}

/* Keeps the document being read for lint_finish, once per document: its
 * text, from which positions are computed again (the items of a List read
 * item by item are each their own document: told apart by where they are). */
static enum iw_err save_doc(struct lctx *c, struct lint_pending_ *p, struct yd_doc *d)
{
	struct pending_doc *last = p->have_cur ? &p->docs[p->cur_doc] : NULL;
	if (last && last->buf == c->buf && last->saved.index == d->index &&
	    last->saved.offset == d->offset)
		return IW_OK;
	if (!grow((void **)&p->docs, &p->cap_docs, p->ndocs, sizeof *p->docs))
		return IW_ENOMEM;
	struct pending_doc *pd = &p->docs[p->ndocs];
	enum iw_err rc = yd_save(d, &pd->saved, false);   /* positions come from the text */
	if (rc)
		return rc;
	pd->buf = c->buf;
	pd->open = NULL;
	p->have_cur = true;
	p->cur_doc = p->ndocs++;
	return IW_OK;
}

/* Two-pass mode: keeps a Gateway API model (taking it) for the HTTPRoute
 * checks of lint_finish; 'object' is its index in r->objects, or SIZE_MAX
 * for a Namespace (no document is kept for it). */
static enum iw_err defer_gw(struct lctx *c, const struct mf_object *mo, enum gw_kind kind,
                            void *model, size_t object)
{
	struct lint_pending_ *p = pending_of(c->r);
	enum iw_err rc = p ? IW_OK : IW_ENOMEM;
	if (!rc && object != SIZE_MAX)
		rc = save_doc(c, p, mo->doc);
	if (!rc && !grow((void **)&p->gws, &p->cap_gws, p->ngws, sizeof *p->gws))
		rc = IW_ENOMEM;
	if (!rc) {
		size_t item = mo->alone ? SIZE_MAX : mo->item;
		p->gws[p->ngws++] = (struct pending_gw){ object, p->cur_doc, item, kind, model };
		return IW_OK;
	}
	gw_model_free(kind, model);
	return rc;
}

/* Single-pass mode: the HTTPRoute checks of one route alone (those that
 * need other objects find nothing); findings taken into 'fl'. */
static void take_route_findings(void *arg, size_t route, struct findings *from)
{
	(void)route;
	struct findings *fl = arg;
	for (size_t i = 0; i < from->n; i++) {
		struct finding *f = &from->v[i];
		findings_add(fl, f->check, f->severity, NULL, "%s", f->message);
		if (!fl->err) {
			free(fl->v[fl->n - 1].field);
			fl->v[fl->n - 1].field = f->field;
			f->field = NULL;
		}
	}
}

/* Two-pass mode: puts 'ing' into the state, which takes it, and keeps the
 * state's compact copy (valid until the state is freed, even when a later
 * document replaces it there) and, once per document, where its text is for
 * lint_finish.  The object will be r->objects[r->nobjects]. */
static enum iw_err defer_checks(struct lctx *c, const struct mf_object *mo, struct ingress *ing,
                                bool v1beta1)
{
	struct lint_report *r = c->r;
	struct yd_doc *d = mo->doc;
	struct lint_pending_ *p = pending_of(r);
	enum iw_err rc;
	if (!p) {
		ingress_free(ing);
		return IW_ENOMEM;
	}
	const struct ingress *copy;
	if ((rc = iw_state_put_ingress_kept(c->o->collect, ing, &copy)))
		return rc;
	if ((rc = save_doc(c, p, d)))
		return rc;
	if (!grow((void **)&p->ings, &p->cap_ings, p->nings, sizeof *p->ings))
		return IW_ENOMEM;
	size_t item = mo->alone ? SIZE_MAX : mo->item;
	p->ings[p->nings++] = (struct pending_ing){ r->nobjects, p->cur_doc, item, v1beta1, copy };
	return IW_OK;
}

/* The object's version is one the API server no longer serves: kubectl's
 * error, the first of the object (the API server refuses it before any
 * rule), at its apiVersion. */
static enum iw_err unserved(struct lint_error *e, struct yd_doc *d, yd_node at, const char *msg,
                            const char *hint)
{
	char text[512];
	snprintf(text, sizeof text, "%s (%s)", msg, hint);
	e->type = FE_NOT_SUPPORTED;
	e->field = strdup("apiVersion");
	e->detail = strdup("supported values: \"networking.k8s.io/v1\"");
	e->message = strdup(text);
	if (!e->field || !e->detail || !e->message)
		return IW_ENOMEM;
	locate(d, at, false, "apiVersion", &e->line, &e->column);
	return IW_OK;
}

/* The fix of a removed version (lint_error.fix): the object converted
 * (model/convert.h) and written as YAML (load/yamlout.h) in place of its
 * document's text.  Only for a YAML document that is the object itself
 * (not a List item, not JSON); without one, no fix.  IW_OK or IW_ENOMEM. */
static enum iw_err convert_fix(const struct lctx *c, const struct mf_object *mo,
                               struct lint_error *e)
{
	const struct yd_doc *d = mo->doc;
	if (mo->item != SIZE_MAX || mo->alone || d->format != YD_YAML || !c->buf || !d->length ||
	    !d->start_line)
		return IW_OK;
	json_t *copy = json_deep_copy(mo->obj);
	if (!copy)
		return IW_ENOMEM;
	enum iw_err rc = iw_convert_to_v1(copy, NULL);
	char *text = NULL;
	size_t n = 0;
	if (!rc)
		rc = yo_dump(&copy, 1, &text, &n);
	json_decref(copy);
	if (rc)
		return rc == IW_ENOMEM ? rc : IW_OK;   /* libyaml refuses it: no fix */
	/* from the object's first character (after a "---" and comments before
	 * it) to the end of the document's text */
	unsigned line = d->start_line, col = d->start_col ? d->start_col : 1;
	const unsigned char *p = (const unsigned char *)c->buf + d->offset, *end = p + d->length;
	bool started = false;
	for (; p < end; p++) {
		if (!started && line == mo->line && col == mo->col)
			started = true;
		if (*p == '\n') {
			line++;
			col = 1;
		} else if ((*p & 0xc0) != 0x80) {
			col++;
		}
	}
	if (!started || mo->col != 1) {   /* a flow mapping after "---" on its line: no fix */
		free(text);
		return IW_OK;
	}
	if (end[-1] != '\n' && n && text[n - 1] == '\n')
		text[--n] = 0;   /* the document's text ends without one */
	e->fix = text;
	e->fix_line = mo->line;
	e->fix_col = mo->col;
	e->fix_end_line = line;
	e->fix_end_col = col;
	return IW_OK;
}

static bool any_denial(const struct lint_object *ob)
{
	for (size_t i = 0; i < ob->nfindings; i++)
		if (ob->findings[i].severity == IW_SEV_ERROR && !ob->findings[i].suppressed)
			return true;
	return false;
}

/* A Gateway API object (Gateway, HTTPRoute, ReferenceGrant): decoded
 * strictly and validated with its CRD's rules. */
struct gw_obj {
	struct gateway *g;
	struct httproute *r;
	struct reference_grant *rg;
};

static enum iw_err gw_object_check(struct lctx *c, json_t *obj, enum gw_kind gk,
                                   struct gw_obj *o, struct errlist *el,
                                   const struct iw_meta **meta)
{
	enum iw_err rc = IW_OK;
	switch (gk) {
	case GW_KIND_GATEWAY:
		if (!(rc = gateway_parse(obj, IW_PARSE_STRICT, el, &o->g))) {
			if (!errlist_has_type_error(el))
				iw_validate_gateway(o->g, &c->o->v, el);
			*meta = &o->g->meta;
		}
		break;
	case GW_KIND_HTTPROUTE:
		if (!(rc = httproute_parse(obj, IW_PARSE_STRICT, el, &o->r))) {
			if (!errlist_has_type_error(el))
				iw_validate_httproute(o->r, &c->o->v, el);
			*meta = &o->r->meta;
		}
		break;
	case GW_KIND_REFERENCEGRANT:
		if (!(rc = reference_grant_parse(obj, IW_PARSE_STRICT, el, &o->rg))) {
			if (!errlist_has_type_error(el))
				iw_validate_reference_grant(o->rg, &c->o->v, el);
			*meta = &o->rg->meta;
		}
		break;
	default:
		break;
	}
	return rc;
}

static void gw_obj_free(struct gw_obj *o)
{
	gateway_free(o->g);
	httproute_free(o->r);
	reference_grant_free(o->rg);
}

static void check_object(struct lctx *c, struct mf_object *mo, enum iw_kind kind, enum iw_api api,
                         enum gw_kind gk)
{
	struct lint_report *r = c->r;
	struct yd_doc *d = mo->doc;
	json_t *obj = mo->obj;
	yd_node at = mo->node;
	struct errlist el = { 0 };
	struct findings fl = { 0 };
	struct lint_object ob = { 0 };
	ob.source = c->src;
	ob.document = mo->document;
	ob.item = mo->item;
	ob.line = mo->line;
	const struct lint_object *prev = r->nobjects ? &r->objects[r->nobjects - 1] : NULL;
	ob.api_version = strs_dup(r, json_string_value(json_object_get(obj, "apiVersion")),
	                          prev ? prev->api_version : NULL);
	ob.kind = strs_dup(r, json_string_value(json_object_get(obj, "kind")), prev ? prev->kind : NULL);
	const struct iw_meta *meta = NULL;
	struct ingress *ing = NULL;
	struct ingress_class *ic = NULL;
	struct iw_state *collect = c->o->collect;
	enum iw_err rc = IW_OK;
	struct gw_obj gw = { 0 };
	if (gk != GW_KIND_OTHER) {
		/* the models of pass two outlive the document (and its arena) */
		json_t *own = collect ? mf_keep(mo) : json_incref(obj);
		rc = own ? gw_object_check(c, own, gk, &gw, &el, &meta) : IW_ENOMEM;
		json_decref(own);
		if (!rc && !collect && gw.r && !el.n) {
			const struct httproute *one = gw.r;
			struct iw_gw_world w = { NULL, 0, &one, 1, NULL, 0, NULL, 0 };
			rc = iw_policy_check_httproutes(c->policy, &w, c->o->state, take_route_findings, &fl);
			if (!rc)
				rc = fl.err;
		}
	} else if (kind == IW_KIND_INGRESS) {
		if (!(rc = ingress_parse(obj, IW_PARSE_STRICT, &el, &ing))) {
			meta = &ing->meta;
			if (!errlist_has_type_error(&el))
				iw_validate_ingress(ing, NULL, &c->o->v, &el);
			if (!collect)
				rc = iw_policy_check(c->policy, ing, NULL, c->o->state, &fl);
		}
	} else {
		/* the state keeps the class and the JSON its strings point into
		 * (a copy when the document's tree is in lint's arena) */
		json_t *own = collect ? mf_keep(mo) : json_incref(obj);
		rc = own ? ingress_class_parse(own, IW_PARSE_STRICT, &el, &ic) : IW_ENOMEM;
		json_decref(own);
		if (!rc) {
			meta = &ic->meta;
			if (!errlist_has_type_error(&el))
				iw_validate_ingress_class(ic, NULL, &c->o->v, &el);
			rc = iw_policy_check_class(c->policy, ic, NULL, collect ? collect : c->o->state,
			                           &fl);
		}
	}
	bool namespaced = kind == IW_KIND_INGRESS || gk != GW_KIND_OTHER;
	ob.namespace_ = strs_dup(r, meta && namespaced ? iw_namespace(meta) : NULL,
	                         prev ? prev->namespace_ : NULL);
	ob.name = strs_dup(r, meta ? meta->name : NULL, NULL);
	if (!rc && (el.err || !ob.api_version || !ob.kind || !ob.namespace_ || !ob.name))
		rc = IW_ENOMEM;
	bool v1beta1 = api == IW_API_NETWORKING_V1BETA1 || api == IW_API_EXTENSIONS_V1BETA1;
	char gone_msg[160], gone_hint[300];
	bool gone = iw_unserved_version(kind, api, gone_msg, sizeof gone_msg, gone_hint, sizeof gone_hint);
	if ((el.n || gone) && !rc && !(ob.errors = calloc(el.n + gone, sizeof *ob.errors)))
		rc = IW_ENOMEM;
	if (gone && !rc) {
		rc = unserved(&ob.errors[ob.nerrors], d, at, gone_msg, gone_hint);
		if (!rc)
			rc = convert_fix(c, mo, &ob.errors[ob.nerrors]);
		ob.nerrors++;
	}
	for (size_t i = 0; !rc && i < el.n; i++) {
		struct lint_error *e = &ob.errors[ob.nerrors++];
		e->type = el.v[i].type;
		e->field = strdup(iw_nz(el.v[i].field));
		e->detail = strdup(iw_nz(el.v[i].detail));
		e->message = fe_string(&el.v[i]);
		if (!e->field || !e->detail || !e->message)
			rc = IW_ENOMEM;
		else
			locate(d, at, v1beta1, e->field, &e->line, &e->column);
	}
	if (fl.n && !rc)
		rc = take_findings(r, &ob, &fl, d, at, v1beta1);
	if (!rc && d->err)   /* a position could not be computed */
		rc = d->err;
	ob.allowed = ob.nerrors == 0 && !any_denial(&ob);
	bool clean = el.n == 0;
	errlist_release(&el);
	findings_release(&fl);
	if (!rc && collect && ing) {
		rc = defer_checks(c, mo, ing, v1beta1);
		ing = NULL;   /* the state took it */
	}
	if (!rc && collect && ic && *iw_nz(ic->meta.name)) {   /* a class without a name is not kept */
		rc = iw_state_put_class(collect, ic);   /* takes it, even on failure */
		ic = NULL;
	}
	if (!rc && collect && clean && (gw.g || gw.r || gw.rg)) {
		/* routing takes only what the API server would accept */
		enum gw_kind k = gw.g ? GW_KIND_GATEWAY : gw.r ? GW_KIND_HTTPROUTE : GW_KIND_REFERENCEGRANT;
		void *m = gw.g ? (void *)gw.g : gw.r ? (void *)gw.r : (void *)gw.rg;
		gw = (struct gw_obj){ 0 };
		rc = defer_gw(c, mo, k, m, r->nobjects);
	}
	ingress_free(ing);
	ingress_class_free(ic);
	gw_obj_free(&gw);
	if (!rc && !grow((void **)&r->objects, &r->cap_obj_, r->nobjects, sizeof *r->objects))
		rc = IW_ENOMEM;
	if (rc) {
		object_release(&ob);
		fail(r, rc);
		return;
	}
	r->errors += ob.nerrors;   /* the findings are counted by take_findings */
	if (!ob.allowed)
		r->denied++;
	r->objects[r->nobjects++] = ob;
}

/* One object the loader read (a document, or an item of a List). */
static enum iw_err on_object(void *ctx, struct mf_object *mo)
{
	struct lctx *c = ctx;
	enum iw_kind kind;
	enum iw_api api;
	iw_object_type(mo->obj, &kind, &api);
	enum gw_kind gk;
	enum gw_api ga;
	gw_object_type(mo->obj, &gk, &ga);
	bool gw_group = !strncmp(mo->api_version, GW_GROUP "/", sizeof GW_GROUP);
	if (kind == IW_KIND_INGRESS || kind == IW_KIND_INGRESSCLASS) {
		check_object(c, mo, kind, api, GW_KIND_OTHER);
	} else if (gk == GW_KIND_GATEWAY || gk == GW_KIND_HTTPROUTE || gk == GW_KIND_REFERENCEGRANT) {
		check_object(c, mo, kind, api, gk);
	} else if (!strcmp(mo->kind, "Ingress") || !strcmp(mo->kind, "IngressClass") ||
	           (gw_group && (!strcmp(mo->kind, "Gateway") || !strcmp(mo->kind, "HTTPRoute") ||
	                         !strcmp(mo->kind, "ReferenceGrant")))) {
		char where[48] = "";
		if (mo->item != SIZE_MAX)
			snprintf(where, sizeof where, "items[%zu]: ", mo->item);
		problem(c->r, c->src, mo->document, mo->line, mo->col,
		        "%sno matches for kind \"%s\" in version \"%s\"", where, mo->kind, mo->api_version);
	} else {
		if (c->o->collect && gk == GW_KIND_NAMESPACE) {   /* labels for allowedRoutes */
			json_t *own = mf_keep(mo);
			struct errlist el = { 0 };
			struct gw_namespace *ns = NULL;
			enum iw_err rc = own ? gw_namespace_parse(own, 0, &el, &ns) : IW_ENOMEM;
			json_decref(own);
			errlist_release(&el);
			if (!rc)
				rc = defer_gw(c, mo, GW_KIND_NAMESPACE, ns, SIZE_MAX);
			if (rc == IW_ENOMEM)
				fail(c->r, rc);
		}
		if (c->o->collect && !strcmp(mo->kind, "Service") && !strcmp(mo->api_version, "v1")) {
			struct iw_service *svc;
			enum iw_err rc = iw_service_parse(mo->obj, &svc);
			if (!rc)
				rc = iw_state_put_service(c->o->collect, svc);
			if (rc == IW_ENOMEM)   /* IW_EINVAL: a Service without a name is not kept */
				fail(c->r, rc);
		} else if (c->o->collect && !strcmp(mo->kind, "ConfigMap") &&
		           !strcmp(mo->api_version, "v1")) {
			struct iw_configmap *cm;   /* read by the annotations that name one */
			enum iw_err rc = iw_configmap_parse(mo->obj, &cm);
			if (!rc)
				rc = iw_state_put_configmap(c->o->collect, cm);
			if (rc == IW_ENOMEM)
				fail(c->r, rc);
		}
		c->r->skipped++;
	}
	return c->r->err;
}

static void on_problem(void *ctx, const struct mf_problem *p)
{
	struct lctx *c = ctx;
	if (p->not_object && c->o->skip_non_k8s) {   /* another file's YAML: not ours */
		c->r->skipped++;
		return;
	}
	problem(c->r, c->src, p->document, p->line, p->col, "%s", p->message);
}

/* Sets up a lint context for one source: the options (defaults when o is NULL,
 * kept in *def), the policy (a new default one in *own when the options have
 * none; the caller frees it).  Returns r->err. */
static enum iw_err lctx_begin(struct lctx *c, struct lint_report *r, const char *source,
                              const struct lint_opts *o, struct lint_opts *def,
                              struct iw_policy **own)
{
	*own = NULL;
	if (!o) {
		lint_opts_init(def);
		o = def;
	}
	*c = (struct lctx){ r, o, o->policy, add_source(r, source), NULL };
	if (c->src == SIZE_MAX)
		return r->err;
	if (!c->policy) {
		if (!(*own = iw_policy_new()))
			return fail(r, IW_ENOMEM);
		c->policy = *own;
	}
	return r->err;
}

static enum iw_err lint_buffer_(struct lint_report *r, const char *source, const char *buf, size_t len,
                        const struct lint_opts *o)
{
	struct lint_opts def;
	struct lctx c;
	struct iw_policy *own;
	if (lctx_begin(&c, r, source, o, &def, &own)) {
		iw_policy_free(own);
		return r->err;
	}
	c.buf = buf;
	struct mf_opts mo;
	mf_opts_init(&mo);
	mo.format = c.o->format;
	mo.limits = c.o->limits;
	mo.strip = c.o->strip;
	struct mf_sink sink = { on_object, on_problem, &c };
	enum iw_err rc = mf_parse(buf, len, &mo, &sink);
	if (r->pending_)
		r->pending_->have_cur = false;   /* the next buffer's documents are new */
	iw_policy_free(own);
	if (rc)
		fail(r, rc);
	return r->err;
}

/* The order of pass two: by class, then by the first of the hosts. */
struct visit {
	const char *cls, *host;
	size_t i;
};

static struct visit visit_of(const struct ingress *ing, const struct iw_state *st, size_t i)
{
	const char *h = NULL;
	for (size_t k = 0; k < ing->nrules; k++) {
		const char *x = iw_nz(ing->rules[k].host);
		if (!h || strcmp(x, h) < 0)
			h = x;
	}
	const char *cls = iw_effective_class(ing, st);
	return (struct visit){ cls ? cls : "", h ? h : "", i };
}

static int cmp_visit(const void *a, const void *b)
{
	const struct visit *x = a, *y = b;
	int r = strcmp(x->cls, y->cls);
	if (!r)
		r = strcmp(x->host, y->host);
	return r ? r : (x->i > y->i) - (x->i < y->i);
}

struct route_pass {
	struct lint_report *r;
	struct lint_pending_ *p;
	size_t *entry;                /* route index -> index into p->gws */
};

/* The document of pd with its positions, read again from its text (the
 * first position asked for parses it): a List's ('item': the object is one
 * of its items) is kept open for all its items, closed by pending_free
 * (2,000 Ingresses of one kubectl List were 2,000 readings of the whole
 * List: over 200 s); another's is opened into *tmp, closed by doc_close. */
static struct yd_doc *doc_open(struct pending_doc *pd, bool item, struct yd_doc *tmp)
{
	if (pd->open)
		return pd->open;
	if (item && (pd->open = malloc(sizeof *pd->open))) {
		yd_saved_open(&pd->saved, pd->buf, pd->open);
		return pd->open;
	}
	yd_saved_open(&pd->saved, pd->buf, tmp);
	return tmp;
}

static void doc_close(struct pending_doc *pd, struct yd_doc *d)
{
	if (d != pd->open)
		yd_saved_close(d);
}

/* The findings of one route: onto its object, with positions. */
static void route_findings(void *arg, size_t route, struct findings *fl)
{
	struct route_pass *rp = arg;
	struct lint_report *r = rp->r;
	if (!fl->n || r->err)
		return;
	struct pending_gw *g = &rp->p->gws[rp->entry[route]];
	struct lint_object *ob = &r->objects[g->object];
	struct pending_doc *pd = &rp->p->docs[g->doc];
	struct yd_doc tmp, *d = doc_open(pd, g->item != SIZE_MAX, &tmp);
	yd_node at = 0;
	if (g->item != SIZE_MAX) {
		yd_node in = yd_lookup(d, 0, "items");
		at = in ? yd_child_at(d, in, g->item) : 0;
	}
	enum iw_err rc = take_findings(r, ob, fl, d, at, false);   /* counts them */
	doc_close(pd, d);
	if (rc) {
		fail(r, rc);
		return;
	}
	if (ob->allowed && any_denial(ob)) {
		ob->allowed = false;
		r->denied++;
	}
}

/* Pass two of the Gateway API objects: the HTTPRoute checks of every kept
 * route against every kept Gateway, route, ReferenceGrant and Namespace and
 * the Services of the state. */
static void finish_routes(struct lint_report *r, struct lint_pending_ *p,
                          const struct iw_policy *policy, const struct lint_opts *o)
{
	size_t n[5] = { 0 };
	for (size_t i = 0; i < p->ngws; i++)
		n[p->gws[i].kind]++;
	const void **v[5] = { NULL };
	size_t *entry = calloc(n[GW_KIND_HTTPROUTE] + 1, sizeof *entry);
	bool ok = entry != NULL;
	for (int k = 1; k < 5 && ok; k++)
		ok = (v[k] = calloc(n[k] + 1, sizeof *v[k])) != NULL;
	if (ok) {
		size_t m[5] = { 0 };
		for (size_t i = 0; i < p->ngws; i++) {
			enum gw_kind k = p->gws[i].kind;
			if (k == GW_KIND_HTTPROUTE)
				entry[m[k]] = i;
			v[k][m[k]++] = p->gws[i].model;
		}
		struct iw_gw_world w = {
			(const struct gateway *const *)v[GW_KIND_GATEWAY], n[GW_KIND_GATEWAY],
			(const struct httproute *const *)v[GW_KIND_HTTPROUTE], n[GW_KIND_HTTPROUTE],
			(const struct reference_grant *const *)v[GW_KIND_REFERENCEGRANT],
			n[GW_KIND_REFERENCEGRANT],
			(const struct gw_namespace *const *)v[GW_KIND_NAMESPACE], n[GW_KIND_NAMESPACE],
		};
		struct route_pass rp = { r, p, entry };
		enum iw_err rc = iw_policy_check_httproutes(policy, &w, o->collect, route_findings, &rp);
		if (rc)
			fail(r, rc);
	} else {
		fail(r, IW_ENOMEM);
	}
	for (int k = 0; k < 5; k++)
		free(v[k]);
	free(entry);
}

/* Pass two: the policy checks of every kept Ingress against the full state. */
static enum iw_err lint_finish_(struct lint_report *r, const struct lint_opts *o)
{
	struct lint_pending_ *p = r->pending_;
	if (!p || !o || !o->collect)
		return r->err;
	struct iw_policy *own = NULL;
	const struct iw_policy *policy = o->policy;
	if (!policy && !(policy = own = iw_policy_new()))
		return fail(r, IW_ENOMEM);
	/* Objects that share their hosts are checked one after the other, so
	 * that the memo builds the routing table of a set of neighbours once
	 * (1,000 Ingresses on one host: once, not 1,000 times).  Each object's
	 * findings do not depend on the order. */
	struct visit *order = malloc((p->nings ? p->nings : 1) * sizeof *order);
	struct iw_check_memo *memo = iw_check_memo_new();
	if (!order || !memo) {
		free(order);
		iw_check_memo_free(memo);
		iw_policy_free(own);
		return fail(r, IW_ENOMEM);
	}
	for (size_t i = 0; i < p->nings; i++)
		order[i] = visit_of(p->ings[i].ing, o->collect, i);
	qsort(order, p->nings, sizeof *order, cmp_visit);
	for (size_t v = 0; v < p->nings && !r->err; v++) {
		if (yd_cancelled(&o->limits)) {
			fail(r, IW_ECANCELED);
			break;
		}
		struct pending_ing *pi = &p->ings[order[v].i];
		struct lint_object *ob = &r->objects[pi->object];
		struct findings fl = { 0 };
		enum iw_err rc = iw_policy_check_memo(policy, pi->ing, NULL, o->collect, memo, &fl);
		if (rc) {
			findings_release(&fl);
			fail(r, rc);
			break;
		}
		if (fl.n) {
			struct pending_doc *pd = &p->docs[pi->doc];
			struct yd_doc tmp, *d = doc_open(pd, pi->item != SIZE_MAX, &tmp);
			yd_node at = 0;
			if (pi->item != SIZE_MAX) {
				yd_node in = yd_lookup(d, 0, "items");
				at = in ? yd_child_at(d, in, pi->item) : 0;
			}
			rc = take_findings(r, ob, &fl, d, at, pi->v1beta1);
			doc_close(pd, d);
			if (rc) {
				findings_release(&fl);
				fail(r, rc);
				break;
			}
			if (ob->allowed && any_denial(ob)) {
				ob->allowed = false;
				r->denied++;
			}
		}
		findings_release(&fl);
	}
	iw_check_memo_free(memo);
	free(order);
	if (!r->err && p->ngws)
		finish_routes(r, p, policy, o);
	iw_policy_free(own);
	pending_free(p);
	r->pending_ = NULL;
	return r->err;
}

/* ---------------------------------------------------------------- entry points */

/* jansson does not always say when an allocation failed (model/jsonmem.h):
 * a report built while one did may lack what it could not add. */
static enum iw_err check_json(struct lint_report *r, unsigned long f0)
{
	if (iw_json_failures() != f0)
		fail(r, IW_ENOMEM);
	return r->err;
}

enum iw_err lint_buffer(struct lint_report *r, const char *source, const char *buf, size_t len,
                        const struct lint_opts *o)
{
	unsigned long f0 = iw_json_failures();
	lint_buffer_(r, source, buf, len, o);
	return check_json(r, f0);
}

enum iw_err lint_finish(struct lint_report *r, const struct lint_opts *o)
{
	unsigned long f0 = iw_json_failures();
	lint_finish_(r, o);
	return check_json(r, f0);
}
