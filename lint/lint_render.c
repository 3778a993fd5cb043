/* Rendering of lint reports: text, JSON, SARIF (see lint.h). */
#include "lint/lint.h"

#include "base/buf.h"
#include "checks/check.h"
#include "load/jarena.h"
#include "model/jsonmem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef IW_VERSION
#define IW_VERSION "dev"
#endif

/* Objects and problems in input order: (source, document). */
struct cursor {
	const struct lint_report *r;
	size_t oi, pi;
};

/* 1: next is an object, 2: a problem, 0: done */
static int next_item(struct cursor *c)
{
	const struct lint_report *r = c->r;
	bool ho = c->oi < r->nobjects, hp = c->pi < r->nproblems;
	if (!ho && !hp)
		return 0;
	if (ho && !hp)
		return 1;
	if (hp && !ho)
		return 2;
	const struct lint_object *o = &r->objects[c->oi];
	const struct lint_problem *p = &r->problems[c->pi];
	if (p->source != o->source)
		return p->source < o->source ? 2 : 1;
	size_t pd = p->document == SIZE_MAX ? 0 : p->document;
	if (pd != o->document)
		return pd < o->document ? 2 : 1;
	return p->line <= o->line ? 2 : 1;
}

static void where(struct buf *f, const char *src, unsigned line, unsigned col, bool color)
{
	if (color)
		buf_puts(f, "\033[1m");
	if (line)
		buf_printf(f, "%s:%u:%u:", src, line, col ? col : 1);
	else
		buf_printf(f, "%s:", src);
	if (color)
		buf_puts(f, "\033[0m");
}

static void sev(struct buf *f, const char *what, bool color)
{
	if (color)
		buf_printf(f, " \033[1;%sm%s:\033[0m ", !strcmp(what, "error") ? "31" : "33", what);
	else
		buf_printf(f, " %s: ", what);
}

/* One line of the text output: where, how bad, what, why. */
struct tline {
	size_t src;
	unsigned line, col;
	size_t seq;                   /* input order, for equal positions */
	bool error;
	const struct lint_object *ob; /* NULL for a problem */
	const char *check;            /* a finding's check, or NULL */
	const char *msg;
};

static int tline_cmp(const void *a, const void *b)
{
	const struct tline *x = a, *y = b;
	if (x->src != y->src)
		return x->src < y->src ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* "Ingress ns/name", "IngressClass name" */
static void what(struct buf *f, const struct lint_object *o)
{
	const char *name = *o->name ? o->name : "(no name)";
	if (*o->namespace_)
		buf_printf(f, "%s %s/%s: ", o->kind, o->namespace_, name);
	else
		buf_printf(f, "%s %s: ", o->kind, name);
}

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* Compiler style, in position order within each file; the summary counts
 * the lines above it: every "error:" line is one of the errors, every
 * "warning:" line one of the warnings. */
static bool render_text(struct buf *f, const struct lint_report *r, bool color)
{
	size_t n = r->nproblems;
	for (size_t i = 0; i < r->nobjects; i++)
		n += r->objects[i].nerrors + r->objects[i].nfindings;
	struct tline *v = n ? malloc(n * sizeof *v) : NULL;
	if (n && !v)
		return false;
	size_t k = 0, seq = 0;
	struct cursor c = { r, 0, 0 };
	int kind;
	while ((kind = next_item(&c))) {
		if (kind == 2) {
			const struct lint_problem *p = &r->problems[c.pi++];
			v[k++] = (struct tline){ p->source, p->line, p->column, seq++, true, NULL, NULL,
			                         p->message };
			continue;
		}
		const struct lint_object *o = &r->objects[c.oi++];
		for (size_t i = 0; i < o->nerrors; i++)
			v[k++] = (struct tline){ o->source, o->errors[i].line, o->errors[i].column, seq++,
			                         true, o, NULL, o->errors[i].message };
		for (size_t i = 0; i < o->nfindings; i++) {
			const struct lint_finding *fd = &o->findings[i];
			if (fd->suppressed)   /* silenced: -o json and -o sarif show it */
				continue;
			v[k++] = (struct tline){ o->source, fd->line, fd->column, seq++,
			                         fd->severity == IW_SEV_ERROR, o, fd->check, fd->message };
		}
	}
	if (k)
		qsort(v, k, sizeof *v, tline_cmp);
	size_t errors = 0, warnings = 0;
	for (size_t i = 0; i < k; i++) {
		where(f, r->sources[v[i].src], v[i].line, v[i].col, color);
		sev(f, v[i].error ? "error" : "warning", color);
		if (v[i].ob)
			what(f, v[i].ob);
		if (v[i].check)
			buf_printf(f, "%s: ", v[i].check);
		buf_printf(f, "%s\n", v[i].msg);
		errors += v[i].error;
		warnings += !v[i].error;
	}
	free(v);
	size_t checks = r->findings - r->warnings;
	buf_printf(f, "%zu %s checked, %zu denied: %zu %s (%zu from the API server's rules, %zu from "
	           "checks, %zu input), %zu %s; %zu %s of other kinds skipped\n",
	           r->nobjects, plural(r->nobjects, "object", "objects"), r->denied, errors,
	           plural(errors, "error", "errors"), r->errors, checks, r->nproblems, warnings,
	           plural(warnings, "warning", "warnings"), r->skipped,
	           plural(r->skipped, "document", "documents"));
	if (r->suppressed)
		buf_printf(f, "(%zu %s suppressed by the %s annotation: -o json shows %s)\n",
		           r->suppressed, plural(r->suppressed, "finding", "findings"), IW_IGNORE_ANNOTATION,
		           plural(r->suppressed, "it", "them"));
	return true;
}

static json_t *object_json(const struct lint_report *r, const struct lint_object *o)
{
	json_t *errs = json_array(), *fnd = json_array();
	for (size_t i = 0; i < o->nerrors; i++) {
		const struct lint_error *e = &o->errors[i];
		json_array_append_new(errs, json_pack("{s:s, s:s, s:s, s:s, s:i, s:i}",
		    "field", e->field, "type", fe_type_text(e->type), "detail", e->detail,
		    "message", e->message, "line", (int)e->line, "column", (int)e->column));
	}
	for (size_t i = 0; i < o->nfindings; i++) {
		const struct lint_finding *fd = &o->findings[i];
		json_t *x = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i}",
		    "check", fd->check, "severity", iw_severity_name(fd->severity), "field", fd->field,
		    "message", fd->message, "line", (int)fd->line, "column", (int)fd->column);
		if (x && fd->profile) {
			json_object_set_new(x, "profile", json_string(fd->profile));
			json_object_set_new(x, "profileInferred", json_boolean(fd->profile_inferred));
		}
		if (x && fd->suppressed)
			json_object_set_new(x, "suppressed", json_true());
		json_array_append_new(fnd, x);
	}
	json_t *j = json_pack("{s:s, s:I, s:i}", "source", r->sources[o->source],
	                      "document", (json_int_t)o->document, "line", (int)o->line);
	if (!j) {
		json_decref(errs);
		json_decref(fnd);
		return NULL;
	}
	if (o->item != SIZE_MAX)
		json_object_set_new(j, "item", json_integer((json_int_t)o->item));
	json_object_set_new(j, "apiVersion", json_string(o->api_version));
	json_object_set_new(j, "kind", json_string(o->kind));
	json_object_set_new(j, "namespace", json_string(o->namespace_));
	json_object_set_new(j, "name", json_string(o->name));
	json_object_set_new(j, "allowed", json_boolean(o->allowed));
	json_object_set_new(j, "errors", errs);
	json_object_set_new(j, "findings", fnd);
	return j;
}

static json_t *problem_json(const struct lint_report *r, const struct lint_problem *p)
{
	json_t *j = json_pack("{s:s}", "source", r->sources[p->source]);
	if (!j)
		return NULL;
	if (p->document != SIZE_MAX)
		json_object_set_new(j, "document", json_integer((json_int_t)p->document));
	json_object_set_new(j, "line", json_integer(p->line));
	json_object_set_new(j, "column", json_integer(p->column));
	json_object_set_new(j, "message", json_string(p->message));
	return j;
}

/* Dumps j (stolen) compactly: through a stack buffer, one copy. */
static bool dump(struct buf *f, json_t *j)
{
	char small[4096];
	if (!j)
		return false;
	size_t n = json_dumpb(j, small, sizeof small, JSON_COMPACT);
	bool ok = n > 0;
	if (n > sizeof small) {
		char *big = malloc(n);
		ok = big && json_dumpb(j, big, n, JSON_COMPACT) == n && !buf_add(f, big, n);
		free(big);
	} else if (ok) {
		ok = !buf_add(f, small, n);
	}
	json_decref(j);
	return ok;
}

/* Streams the JSON so that large reports need no large tree. */
static bool render_json(struct buf *f, const struct lint_report *r)
{
	bool ok = true;
	buf_puts(f, "{\"results\": [");
	for (size_t i = 0; ok && i < r->nobjects; i++) {
		buf_puts(f, i ? ",\n  " : "\n  ");
		struct jarena_scope scratch = jarena_scratch_begin();   /* one object's tree */
		ok = dump(f, object_json(r, &r->objects[i]));
		jarena_scratch_end(scratch);
	}
	buf_puts(f, r->nobjects ? "\n ],\n \"problems\": [" : "],\n \"problems\": [");
	for (size_t i = 0; ok && i < r->nproblems; i++) {
		buf_puts(f, i ? ",\n  " : "\n  ");
		ok = dump(f, problem_json(r, &r->problems[i]));
	}
	buf_puts(f, r->nproblems ? "\n ],\n \"summary\": " : "],\n \"summary\": ");
	ok = ok && dump(f, json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
	    "objects", (json_int_t)r->nobjects, "denied", (json_int_t)r->denied,
	    "errors", (json_int_t)r->errors, "findings", (json_int_t)r->findings,
	    "warnings", (json_int_t)r->warnings, "skipped", (json_int_t)r->skipped,
	    "problems", (json_int_t)r->nproblems, "suppressed", (json_int_t)r->suppressed));
	buf_puts(f, "}\n");
	return ok;
}

static json_t *sarif_location(const char *src, unsigned line, unsigned col)
{
	json_t *phys = json_pack("{s:{s:s}}", "artifactLocation", "uri", src);
	if (phys && line)
		json_object_set_new(phys, "region", json_pack("{s:i, s:i}", "startLine", (int)line,
		                                              "startColumn", (int)(col ? col : 1)));
	return json_pack("[{s:o}]", "physicalLocation", phys);
}

static void sarif_rule(json_t *rules, json_t *seen, const char *id, const char *text)
{
	if (json_object_get(seen, id))
		return;
	json_object_set_new(seen, id, json_integer((json_int_t)json_array_size(rules)));
	json_array_append_new(rules, json_pack("{s:s, s:{s:s}}", "id", id, "shortDescription",
	                                       "text", text));
}

static json_t *sarif_result(json_t *seen, const char *rule, const char *level, const char *msg,
                            const char *src, unsigned line, unsigned col)
{
	return json_pack("{s:s, s:o, s:s, s:{s:s}, s:o}", "ruleId", rule, "ruleIndex",
	                 json_incref(json_object_get(seen, rule)), "level", level, "message", "text",
	                 msg, "locations", sarif_location(src, line, col));
}

static bool render_sarif(struct buf *f, const struct lint_report *r)
{
	json_t *rules = json_array(), *results = json_array(), *seen = json_object();
	struct cursor c = { r, 0, 0 };
	int k;
	while ((k = next_item(&c))) {
		if (k == 2) {
			const struct lint_problem *p = &r->problems[c.pi++];
			sarif_rule(rules, seen, "input-error", "the input could not be read as Kubernetes objects");
			json_array_append_new(results, sarif_result(seen, "input-error", "error", p->message,
			                      r->sources[p->source], p->line, p->column));
			continue;
		}
		const struct lint_object *o = &r->objects[c.oi++];
		const char *src = r->sources[o->source];
		for (size_t i = 0; i < o->nerrors; i++) {
			const struct lint_error *e = &o->errors[i];
			const char *id = fe_type_reason(e->type);
			sarif_rule(rules, seen, id, "the API server rejects the object (same rule as kube-apiserver)");
			json_array_append_new(results, sarif_result(seen, id, "error", e->message, src,
			                                            e->line, e->column));
		}
		for (size_t i = 0; i < o->nfindings; i++) {
			const struct lint_finding *fd = &o->findings[i];
			sarif_rule(rules, seen, fd->check, "a check beyond the API server");
			json_t *res = sarif_result(seen, fd->check,
			                           fd->severity == IW_SEV_ERROR ? "error" : "warning",
			                           fd->message, src, fd->line, fd->column);
			if (res && fd->suppressed)
				json_object_set_new(res, "suppressions", json_pack("[{s:s, s:s}]", "kind",
				                    "inSource", "justification",
				                    "the object's " IW_IGNORE_ANNOTATION " annotation"));
			json_array_append_new(results, res);
		}
	}
	/* the run's invocation: unsuccessful when any input could not be read
	 * (a CI upload still gets a whole document, and says why) */
	json_t *notes = json_array();
	for (size_t i = 0; i < r->nproblems; i++) {
		const struct lint_problem *p = &r->problems[i];
		json_array_append_new(notes, json_pack("{s:s, s:{s:s}, s:o}", "level", "error", "message",
		                      "text", p->message, "locations",
		                      sarif_location(r->sources[p->source], p->line, p->column)));
	}
	if (r->err)
		json_array_append_new(notes, json_pack("{s:s, s:{s:s+}}", "level", "error", "message",
		                                       "text", iw_strerror(r->err),
		                                       ": the report is incomplete"));
	json_t *inv = json_pack("{s:b, s:o}", "executionSuccessful", !r->nproblems && !r->err,
	                        "toolExecutionNotifications", notes);
	json_t *doc = json_pack("{s:s, s:s, s:[{s:{s:{s:s, s:s, s:s, s:o}}, s:[o], s:o}]}",
	    "$schema", "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0", "runs",
	    "tool", "driver", "name", "ingress-warden", "version", IW_VERSION, "informationUri",
	    "https://kubernetes.io/docs/concepts/services-networking/ingress/", "rules", rules,
	    "invocations", inv, "results", results);
	json_decref(seen);
	if (!doc)
		return false;
	size_t n = json_dumpb(doc, NULL, 0, JSON_INDENT(2));
	char *text = n ? malloc(n) : NULL;
	bool ok = text && json_dumpb(doc, text, n, JSON_INDENT(2)) == n && !buf_add(f, text, n);
	free(text);
	buf_putc(f, '\n');
	json_decref(doc);
	return ok;
}

/* The report is bounded by its input (findings per object are capped by the
 * checks); this only keeps a runaway from taking all memory. */
#define LINT_RENDER_MAX (SIZE_MAX / 2)

enum iw_err lint_render(const struct lint_report *r, enum lint_out out, unsigned flags,
                        char **text, size_t *len)
{
	unsigned long f0 = iw_json_failures();
	struct buf b;
	buf_init(&b, LINT_RENDER_MAX);
	struct buf *f = &b;
	bool ok = true;
	switch (out) {
	case LINT_OUT_TEXT: ok = render_text(f, r, flags & LINT_COLOR); break;
	case LINT_OUT_JSON: ok = render_json(f, r); break;
	case LINT_OUT_SARIF: ok = render_sarif(f, r); break;
	}
	enum iw_err rc = b.err ? b.err : ok ? IW_OK : IW_ENOMEM;
	if (!rc && iw_json_failures() != f0)
		rc = IW_ENOMEM;   /* jansson dropped part of an object (model/jsonmem.h) */
	*text = rc ? NULL : buf_steal(&b, len);
	if (!rc && !*text)
		rc = IW_ENOMEM;
	buf_release(&b);
	return rc;
}
