/* Loading Ingress sets for route / router / conformance (see rtload.h). */
#include "src/rtload.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "lint/lint.h"
#include "lint/lint_paths.h"
#include "load/manifest.h"
#include "validate/validate.h"

struct ctx {
	struct rtset *s;
	const struct rtload_opts *o;
	const char *name;            /* the file being read */
	struct iw_vopts v;
};

/* FILE:LINE:COL: error: MESSAGE on stderr, prefixed with the command. */
static void say(const struct rtload_opts *o, const char *name, unsigned line, unsigned col,
                bool error, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void say(const struct rtload_opts *o, const char *name, unsigned line, unsigned col,
                bool error, const char *fmt, ...)
{
	char msg[1200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (line)
		fprintf(stderr, "ingress-warden %s: %s:%u:%u: %s: %s\n", o->cmd, name, line, col,
		        error ? "error" : "warning", msg);
	else
		fprintf(stderr, "ingress-warden %s: %s: %s: %s\n", o->cmd, name,
		        error ? "error" : "warning", msg);
}

static void on_read_problem(void *ctx, const char *name, unsigned line, unsigned col,
                            const char *msg)
{
	struct ctx *c = ctx;
	c->s->problems++;
	say(c->o, name, line, col, true, "%s", msg);
}

static void on_problem(void *ctx, const struct mf_problem *p)
{
	struct ctx *c = ctx;
	c->s->problems++;
	say(c->o, c->name, p->line, p->col, true, "%s", p->message);
}

static enum iw_err keep(struct ctx *c, struct mf_object *mo)
{
	json_t *own = mf_keep(mo);
	if (!own || json_array_append_new(c->s->objects, own))
		return IW_ENOMEM;
	return IW_OK;
}

static bool grow(void **v, size_t n, size_t size)
{
	/* room for 16, then doubled whenever n reaches a power of two */
	if (n && (n < 16 || (n & (n - 1))))
		return true;
	void *nv = realloc(*v, (n ? 2 * n : 16) * size);
	if (!nv)
		return false;
	*v = nv;
	return true;
}

enum iw_err rtload_refused(const struct rtload_opts *o, const struct mf_object *mo,
                           const char *file, const char *what, bool v1beta1,
                           const struct errlist *el)
{
	bool error = !o->allow_invalid;
	for (size_t i = 0; i < el->n; i++) {
		char *msg = fe_string(&el->v[i]);
		if (!msg)
			return IW_ENOMEM;
		/* the API server repeats metadata errors; each is said once */
		bool dup = false;
		for (size_t k = 0; k < i && !dup; k++) {
			char *prev = fe_string(&el->v[k]);
			dup = prev && !strcmp(prev, msg);
			free(prev);
		}
		if (!dup) {
			char mapped[512];
			const char *f = iw_nz(el->v[i].field);
			if (v1beta1) {
				lint_map_v1beta1_path(f, mapped, sizeof mapped);
				f = mapped;
			}
			struct yd_pos p = yd_locate(mo->doc, mo->node, f, NULL);
			say(o, file, p.line ? p.line : mo->line, p.line ? p.col : mo->col, error,
			    "%s: %s", what, msg);
		}
		free(msg);
	}
	return IW_OK;
}

/* One Ingress or IngressClass: decoded strictly, validated as an object the
 * API server would store (an UPDATE to itself), kept for the table. */
static enum iw_err take(struct ctx *c, struct mf_object *mo, enum iw_kind kind, enum iw_api api)
{
	struct rtset *s = c->s;
	enum iw_err rc = keep(c, mo);
	if (rc)
		return rc;
	json_t *obj = json_array_get(s->objects, json_array_size(s->objects) - 1);
	struct errlist el = { 0 };
	const char *ns = NULL, *name = NULL;
	if (kind == IW_KIND_INGRESS) {
		struct ingress *ing;
		if (!(rc = ingress_parse(obj, IW_PARSE_STRICT, &el, &ing))) {
			if (!errlist_has_type_error(&el))
				iw_validate_ingress(ing, ing, &c->v, &el);
			ns = iw_namespace(&ing->meta);
			name = ing->meta.name;
			if (grow((void **)&s->ings, s->nings, sizeof *s->ings)) {
				s->ings[s->nings++] = ing;
				if (c->o->kept)
					rc = c->o->kept(c->o->ctx, ing, c->name, mo);
			} else {
				ingress_free(ing);
				rc = IW_ENOMEM;
			}
		}
	} else {
		struct ingress_class *ic;
		if (!(rc = ingress_class_parse(obj, IW_PARSE_STRICT, &el, &ic))) {
			if (!errlist_has_type_error(&el))
				iw_validate_ingress_class(ic, ic, &c->v, &el);
			name = ic->meta.name;
			if (grow((void **)&s->classes, s->nclasses, sizeof *s->classes))
				s->classes[s->nclasses++] = ic;
			else {
				ingress_class_free(ic);
				rc = IW_ENOMEM;
			}
		}
	}
	if (!rc)
		rc = el.err;
	if (rc) {
		errlist_release(&el);
		return rc;
	}
	char what[400];
	if (kind == IW_KIND_INGRESS)
		snprintf(what, sizeof what, "Ingress %s/%s", iw_nz(ns), *iw_nz(name) ? name : "(no name)");
	else
		snprintf(what, sizeof what, "IngressClass %s", *iw_nz(name) ? name : "(no name)");
	char rm[160], hint[300];
	bool gone = iw_unserved_version(kind, api, rm, sizeof rm, hint, sizeof hint);
	if (gone) {
		yd_node at = yd_lookup(mo->doc, mo->node, "apiVersion");
		struct yd_pos p = at ? yd_node_pos(mo->doc, at) : (struct yd_pos){ mo->line, mo->col };
		say(c->o, c->name, p.line, p.col, !c->o->allow_invalid, "%s: %s (%s)", what, rm, hint);
	}
	if (el.n)
		rc = rtload_refused(c->o, mo, c->name, what,
		                    api == IW_API_EXTENSIONS_V1BETA1 || api == IW_API_NETWORKING_V1BETA1,
		                    &el);
	if (gone || el.n)
		s->invalid++;
	errlist_release(&el);
	return rc;
}

static enum iw_err on_object(void *ctx, struct mf_object *mo)
{
	struct ctx *c = ctx;
	enum iw_kind kind;
	enum iw_api api;
	iw_object_type(mo->obj, &kind, &api);
	if (kind == IW_KIND_INGRESS || kind == IW_KIND_INGRESSCLASS)
		return take(c, mo, kind, api);
	if (!strcmp(mo->kind, "Ingress") || !strcmp(mo->kind, "IngressClass")) {
		c->s->problems++;
		say(c->o, c->name, mo->line, mo->col, true, "no matches for kind \"%s\" in version \"%s\"",
		    mo->kind, mo->api_version);
	} else if (c->o->other) {
		enum iw_err rc = c->o->other(c->o->ctx, mo, c->name);
		if (rc == IW_EINVAL)
			c->s->invalid++;
		else if (rc)
			return rc;
	} else {
		c->s->ignored++;
	}
	return IW_OK;
}

void rtset_free(struct rtset *s)
{
	if (!s)
		return;
	rt_free(s->table);
	for (size_t i = 0; i < s->nings; i++)
		ingress_free(s->ings[i]);
	for (size_t i = 0; i < s->nclasses; i++)
		ingress_class_free(s->classes[i]);
	free(s->ings);
	free(s->classes);
	json_decref(s->objects);
	free(s);
}

struct rt_table *rtset_table(const struct rtset *s, const char *cls, enum iw_profile_id profile)
{
	struct rt_input in = {
		.ingresses = (const struct ingress *const *)s->ings, .ningresses = s->nings,
		.classes = (const struct ingress_class *const *)s->classes, .nclasses = s->nclasses,
		.ingress_class = cls, .profile = profile,
	};
	return rt_build(&in);
}

enum iw_err rtset_load(char *const *paths, size_t npaths, const struct rtload_opts *o,
                       struct rtset **out, char *msg, size_t msgsize)
{
	*out = NULL;
	struct rtset *s = calloc(1, sizeof *s);
	struct iw_files fs = { 0 };
	struct ctx c = { s, o, NULL, { 0 } };
	enum iw_err rc = IW_ENOMEM;
	iw_vopts_init(&c.v);
	if (!s || !(s->objects = json_array()))
		goto fail;
	if ((rc = iw_files_expand(&fs, paths, npaths, &o->read, on_read_problem, &c)))
		goto fail;
	struct mf_opts mo;
	mf_opts_init(&mo);
	mo.strip = true;   /* routing reads none of it; an object is kept whole */
	struct mf_sink sink = { on_object, on_problem, &c };
	for (size_t i = 0; i < fs.n; i++) {
		struct iw_file *f = &fs.v[i];
		char why[300];
		c.name = f->name;
		rc = iw_file_read(f, &o->read, why, sizeof why);
		if (rc == IW_ENOMEM)
			goto fail;
		if (rc) {
			on_read_problem(&c, f->name, 0, 0, why);
			continue;
		}
		mo.format = f->format;
		rc = mf_parse(f->buf, f->len, &mo, &sink);
		iw_file_drop(f);
		if (rc)
			goto fail;
	}
	if (s->problems) {
		snprintf(msg, msgsize, "%zu input error%s (above)", s->problems,
		         s->problems == 1 ? "" : "s");
		rc = IW_ESYNTAX;
		goto out;
	}
	if (s->invalid && !o->allow_invalid) {
		snprintf(msg, msgsize, "%zu object%s the API server would refuse (above); "
		         "--allow-invalid routes %s as written", s->invalid, s->invalid == 1 ? "" : "s",
		         s->invalid == 1 ? "it" : "them");
		rc = IW_EINVAL;
		goto out;
	}
	rc = IW_ENOMEM;
	if (!o->no_table && !(s->table = rtset_table(s, o->cls, o->profile)))
		goto fail;
	iw_files_release(&fs);
	*out = s;
	return IW_OK;
fail:
	snprintf(msg, msgsize, "%s", iw_strerror(rc));
out:
	iw_files_release(&fs);
	rtset_free(s);
	return rc;
}
