/* Rendering of lint reports: text, JSON, SARIF, JUnit XML, GitLab Code Quality (see lint.h). */
#include "lint/lint.h"

#include "base/buf.h"
#include "base/utf8.h"
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

/* "Ingress ns/name", "IngressClass name": on every line of the object, so
 * a namespace or name past LINT_NAME_MAX bytes is shown cut with its length
 * (a 3 MB name on 51 lines was 153 MB of text; -o json keeps it whole, once) */
#define LINT_NAME_MAX 256
static void what(struct buf *f, const struct lint_object *o)
{
	char ns[LINT_NAME_MAX + IW_CLIP_EXTRA], nm[LINT_NAME_MAX + IW_CLIP_EXTRA];
	const char *name = *o->name ? o->name : "(no name)";
	iw_clip(name, strlen(name), LINT_NAME_MAX, nm, sizeof nm);
	iw_clip(o->namespace_, strlen(o->namespace_), LINT_NAME_MAX, ns, sizeof ns);
	if (*o->namespace_)
		buf_printf(f, "%s %s/%s: ", o->kind, ns, nm);
	else
		buf_printf(f, "%s %s: ", o->kind, nm);
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

/* Where the rules' help lives: the README's tables, at this URL (the
 * Makefile's DOCS_URL). */
#ifndef IW_DOCS_URL
#define IW_DOCS_URL "https://github.com/ingress-warden/ingress-warden/blob/main/README.md"
#endif

/*
 * A source name as a SARIF artifactLocation.uri: a relative reference (RFC
 * 3986 uri-reference) with every byte outside the unreserved characters, the
 * sub-delims, '@' and '/' percent-encoded (a space, '#', '?', '%', ':' (it
 * would read as a scheme), '<stdin>''s brackets, every byte of a non-ASCII
 * name).  A leading "//" (an authority) becomes "/".
 */
static char *sarif_uri(const char *src)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(src);
	char *u = malloc(3 * n + 1), *o = u;
	if (!u)
		return NULL;
	const unsigned char *p = (const unsigned char *)src;
	if (p[0] == '/')
		while (p[1] == '/')
			p++;
	for (; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~!$&'()*+,;=@/", *p)) {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = 0;
	return u;
}

static json_t *sarif_location(const char *src, unsigned line, unsigned col)
{
	char *uri = sarif_uri(src);
	json_t *phys = uri ? json_pack("{s:{s:s}}", "artifactLocation", "uri", uri) : NULL;
	free(uri);
	if (phys && line)
		json_object_set_new(phys, "region", json_pack("{s:i, s:i}", "startLine", (int)line,
		                                              "startColumn", (int)(col ? col : 1)));
	return json_pack("[{s:o}]", "physicalLocation", phys);
}

/* The rules that are not checks: what the API server refuses (one per error
 * type, as kube-apiserver names them) and input errors. */
static const struct { const char *id, *title, *full, *anchor; } other_rules[] = {
	{ "FieldValueRequired", "A required field is missing",
	  "The API server refuses the object: a field it requires is missing (FieldValueRequired, "
	  "as kube-apiserver answers).", "validation" },
	{ "FieldValueInvalid", "A field value the API server refuses",
	  "The API server refuses the object: a field has a value its validation rejects "
	  "(FieldValueInvalid).", "validation" },
	{ "FieldValueNotSupported", "A value or version the API server does not support",
	  "The API server refuses the object: a value outside the allowed set, or an Ingress "
	  "version no API server serves any more (`ingress-warden convert` writes "
	  "networking.k8s.io/v1) (FieldValueNotSupported).", "validation" },
	{ "FieldValueForbidden", "A field that may not be set here",
	  "The API server refuses the object: a field that may not be set in this context "
	  "(FieldValueForbidden).", "validation" },
	{ "FieldValueDuplicate", "A value given twice",
	  "The API server refuses the object: a value that must be unique is given twice "
	  "(FieldValueDuplicate).", "validation" },
	{ "FieldValueTooLong", "A value too long",
	  "The API server refuses the object: a value longer than its limit (FieldValueTooLong).",
	  "validation" },
	{ "FieldValueTooMany", "Too many items",
	  "The API server refuses the object: a list longer than its limit (FieldValueTooMany).",
	  "validation" },
	{ "FieldValueNotFound", "A reference that does not exist",
	  "The API server refuses the object: it names something that does not exist "
	  "(FieldValueNotFound).", "validation" },
	{ "FieldValueTypeInvalid", "A field of the wrong type or unknown",
	  "The API server refuses the object: a value of the wrong JSON type, or a field the "
	  "type does not have (strict field validation) (FieldValueTypeInvalid).",
	  "validation" },
	{ "input-error", "The input could not be read as Kubernetes objects",
	  "A file that cannot be read, a YAML or JSON syntax error, a document that is not an "
	  "object or has no kind or apiVersion, a Helm template or chart that needs rendering "
	  "first.", "lint" },
};

/* A rule's reportingDescriptor: id, name, short and full description, help
 * (text and markdown), helpUri into the README, and the default level. */
static json_t *rule_json(const char *id)
{
	char uri[512], md[2048];
	const char *title = NULL, *full = NULL, *why = NULL, *level = "error";
	enum iw_check_id k;
	if (iw_check_lookup(id, &k) == IW_OK) {
		const struct iw_check_info *c = iw_check_info(k);
		title = c->title ? c->title : c->id;
		full = c->summary;
		why = c->why;
		level = c->severity == IW_SEV_ERROR ? "error" : "warning";
		snprintf(uri, sizeof uri, "%s#check-%s", IW_DOCS_URL, c->id);
	} else {
		size_t i = 0, n = sizeof other_rules / sizeof *other_rules;
		while (i < n && strcmp(other_rules[i].id, id) != 0)
			i++;
		if (i == n)
			i = n - 1;   /* cannot happen: every error type is listed */
		title = other_rules[i].title;
		full = other_rules[i].full;
		snprintf(uri, sizeof uri, "%s#%s", IW_DOCS_URL, other_rules[i].anchor);
	}
	if (why)
		snprintf(md, sizeof md, "**%s** (`%s`): %s.\n\nWhy it matters: %s.\n\nSilence it on one "
		         "object with the annotation `%s: \"%s\"`, everywhere with a policy file "
		         "(`checks: {%s: off}`); `ingress-warden checks %s` says more.", title, id, full,
		         why, IW_IGNORE_ANNOTATION, id, id, id);
	else
		snprintf(md, sizeof md, "**%s** (`%s`): %s", title, id, full);
	json_t *r = json_pack("{s:s, s:s, s:{s:s}, s:{s:s}, s:s, s:{s:s, s:s}, s:{s:s}}",
	    "id", id, "name", id, "shortDescription", "text", title, "fullDescription", "text", full,
	    "helpUri", uri, "help", "text", full, "markdown", md,
	    "defaultConfiguration", "level", level);
	return r;
}

/* A fix (lint_error.fix): the document replaced by its converted text. */
static json_t *sarif_fix(const char *src, const struct lint_error *e)
{
	char *uri = sarif_uri(src);
	json_t *f = uri ? json_pack("[{s:{s:s}, s:[{s:{s:s}, s:[{s:{s:i, s:i, s:i, s:i}, s:{s:s}}]}]}]",
	    "description", "text", "the object as networking.k8s.io/v1 (what `ingress-warden convert` "
	    "writes; comments inside it are not kept)",
	    "artifactChanges", "artifactLocation", "uri", uri, "replacements",
	    "deletedRegion", "startLine", (int)e->fix_line, "startColumn", (int)e->fix_col,
	    "endLine", (int)e->fix_end_line, "endColumn", (int)e->fix_end_col,
	    "insertedContent", "text", e->fix) : NULL;
	free(uri);
	return f;
}

static void sarif_rule(json_t *rules, json_t *seen, const char *id)
{
	if (json_object_get(seen, id))
		return;
	json_object_set_new(seen, id, json_integer((json_int_t)json_array_size(rules)));
	json_array_append_new(rules, rule_json(id));
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
			sarif_rule(rules, seen, "input-error");
			json_array_append_new(results, sarif_result(seen, "input-error", "error", p->message,
			                      r->sources[p->source], p->line, p->column));
			continue;
		}
		const struct lint_object *o = &r->objects[c.oi++];
		const char *src = r->sources[o->source];
		for (size_t i = 0; i < o->nerrors; i++) {
			const struct lint_error *e = &o->errors[i];
			const char *id = fe_type_reason(e->type);
			sarif_rule(rules, seen, id);
			json_t *res = sarif_result(seen, id, "error", e->message, src, e->line, e->column);
			if (res && e->fix)
				json_object_set_new(res, "fixes", sarif_fix(src, e));
			json_array_append_new(results, res);
		}
		for (size_t i = 0; i < o->nfindings; i++) {
			const struct lint_finding *fd = &o->findings[i];
			sarif_rule(rules, seen, fd->check);
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
	    IW_DOCS_URL, "rules", rules,
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

/* ---------------------------------------------------------------- JUnit */

/* s as XML character data or attribute text: & < > " ' escaped; control
 * characters XML 1.0 cannot carry and bytes that are not UTF-8 become '?'. */
static void xml_text(struct buf *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned c = *p;
		if (c < 0x80) {
			switch (c) {
			case '&': buf_puts(f, "&amp;"); break;
			case '<': buf_puts(f, "&lt;"); break;
			case '>': buf_puts(f, "&gt;"); break;
			case '"': buf_puts(f, "&quot;"); break;
			case '\'': buf_puts(f, "&apos;"); break;
			case '\t': case '\n': case '\r': buf_putc(f, (char)c); break;
			default: buf_putc(f, c < 0x20 || c == 0x7f ? '?' : (char)c);
			}
			p++;
			continue;
		}
		/* a well-formed UTF-8 sequence (no overlong form, no surrogate) */
		size_t n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 :
		           c >= 0xf0 && c <= 0xf4 ? 4 : 0;
		bool ok = n > 0;
		for (size_t i = 1; ok && i < n; i++)
			ok = (p[i] & 0xc0) == 0x80;
		if (ok && n == 3)
			ok = !(c == 0xe0 && p[1] < 0xa0) && !(c == 0xed && p[1] >= 0xa0);
		if (ok && n == 4)
			ok = !(c == 0xf0 && p[1] < 0x90) && !(c == 0xf4 && p[1] >= 0x90);
		if (ok) {
			buf_add(f, (const char *)p, n);
			p += n;
		} else {
			buf_putc(f, '?');
			p++;
		}
	}
}

/* Counts per source: tests (objects + problems), failures (denied objects),
 * errors (problems). */
struct jcount { size_t tests, failures, errors; };

static void junit_line(struct buf *f, const char *src, unsigned line, unsigned col,
                       const char *what, const char *check, const char *msg)
{
	char at[48];
	if (line)
		snprintf(at, sizeof at, ":%u:%u", line, col ? col : 1);
	else
		at[0] = 0;
	xml_text(f, src);
	buf_printf(f, "%s: %s: ", at, what);
	if (check) {
		xml_text(f, check);
		buf_puts(f, ": ");
	}
	xml_text(f, msg);
	buf_putc(f, '\n');
}

/* One testsuite per source given (in order, also those with nothing in
 * them), one testcase per object (a <failure> when denied, its errors and
 * findings in the text; warnings of an allowed object in <system-out>) and
 * one per input error (an <error>).  Suppressed findings are left out, as
 * in the text output. */
static bool render_junit(struct buf *f, const struct lint_report *r)
{
	struct jcount *cnt = calloc(r->nsources ? r->nsources : 1, sizeof *cnt);
	if (!cnt)
		return false;
	struct jcount all = { 0 };
	for (size_t i = 0; i < r->nobjects; i++) {
		struct jcount *c = &cnt[r->objects[i].source];
		c->tests++;
		c->failures += !r->objects[i].allowed;
	}
	for (size_t i = 0; i < r->nproblems; i++) {
		cnt[r->problems[i].source].tests++;
		cnt[r->problems[i].source].errors++;
	}
	for (size_t s = 0; s < r->nsources; s++) {
		all.tests += cnt[s].tests;
		all.failures += cnt[s].failures;
		all.errors += cnt[s].errors;
	}
	buf_printf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	           "<testsuites name=\"ingress-warden lint\" tests=\"%zu\" failures=\"%zu\" "
	           "errors=\"%zu\">\n", all.tests, all.failures, all.errors);
	struct cursor c = { r, 0, 0 };
	int k = next_item(&c);
	for (size_t s = 0; s < r->nsources; s++) {
		const char *src = r->sources[s];
		buf_puts(f, "  <testsuite name=\"");
		xml_text(f, src);
		buf_printf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\">\n", cnt[s].tests,
		           cnt[s].failures, cnt[s].errors);
		for (; k; k = next_item(&c)) {
			if (k == 2) {
				const struct lint_problem *p = &r->problems[c.pi];
				if (p->source != s)
					break;
				c.pi++;
				buf_puts(f, "    <testcase classname=\"");
				xml_text(f, src);
				if (p->line)
					buf_printf(f, "\" name=\"input error at line %u\">\n", p->line);
				else
					buf_puts(f, "\" name=\"input error\">\n");
				buf_puts(f, "      <error type=\"input-error\" message=\"");
				xml_text(f, p->message);
				buf_puts(f, "\">");
				junit_line(f, src, p->line, p->column, "error", NULL, p->message);
				buf_puts(f, "</error>\n    </testcase>\n");
				continue;
			}
			const struct lint_object *o = &r->objects[c.oi];
			if (o->source != s)
				break;
			c.oi++;
			size_t errors = o->nerrors, warnings = 0;
			for (size_t i = 0; i < o->nfindings; i++)
				if (!o->findings[i].suppressed) {
					errors += o->findings[i].severity == IW_SEV_ERROR;
					warnings += o->findings[i].severity != IW_SEV_ERROR;
				}
			buf_puts(f, "    <testcase classname=\"");
			xml_text(f, src);
			buf_puts(f, "\" name=\"");
			xml_text(f, o->kind);
			buf_putc(f, ' ');
			if (*o->namespace_) {
				xml_text(f, o->namespace_);
				buf_putc(f, '/');
			}
			xml_text(f, *o->name ? o->name : "(no name)");
			buf_printf(f, " (line %u)\"", o->line);
			if (!errors && !warnings) {
				buf_puts(f, "/>\n");
				continue;
			}
			buf_puts(f, ">\n");
			if (!o->allowed)
				buf_printf(f, "      <failure type=\"denied\" message=\"denied: %zu %s\">", errors,
				           errors == 1 ? "error" : "errors");
			else
				buf_puts(f, "      <system-out>");
			for (size_t i = 0; i < o->nerrors; i++)
				junit_line(f, src, o->errors[i].line, o->errors[i].column, "error", NULL,
				           o->errors[i].message);
			for (size_t i = 0; i < o->nfindings; i++) {
				const struct lint_finding *fd = &o->findings[i];
				if (!fd->suppressed)
					junit_line(f, src, fd->line, fd->column, iw_severity_name(fd->severity),
					           fd->check, fd->message);
			}
			buf_puts(f, o->allowed ? "</system-out>\n" : "</failure>\n");
			buf_puts(f, "    </testcase>\n");
		}
		buf_puts(f, "  </testsuite>\n");
	}
	buf_puts(f, "</testsuites>\n");
	free(cnt);
	return true;
}

/* ------------------------------------------------------- GitLab Code Quality */

/* FNV-1a, 64 bits, over the parts (each followed by a 0 byte). */
static unsigned long long fnv(const char *const *parts, size_t n)
{
	unsigned long long h = 14695981039346656037ull;
	for (size_t i = 0; i < n; i++) {
		for (const unsigned char *p = (const unsigned char *)(parts[i] ? parts[i] : ""); ; p++) {
			h ^= *p;
			h *= 1099511628211ull;
			if (!*p)
				break;
		}
	}
	return h;
}

/* One issue of the report: what GitLab's merge request widget shows. */
static json_t *cq_issue(const char *check, const char *severity, const char *what,
                        const char *msg, const char *src, unsigned line, unsigned col)
{
	char lc[32], fp[17];
	snprintf(lc, sizeof lc, "%u:%u", line, col);
	const char *parts[] = { src, lc, check, what, msg };
	snprintf(fp, sizeof fp, "%016llx", fnv(parts, sizeof parts / sizeof *parts));
	json_t *d = json_pack("{s:s++, s:s, s:s, s:s, s:{s:s, s:{s:i}}}",
	    "description", what, *what ? ": " : "", msg,
	    "check_name", check, "fingerprint", fp, "severity", severity,
	    "location", "path", src, "lines", "begin", (int)(line ? line : 1));
	return d;
}

/* GitLab's Code Quality report (a JSON array of issues): the errors of the
 * API server and errors of checks "critical" (they deny), warnings "minor",
 * input errors "blocker"; suppressed findings left out, as in the text. */
static bool render_codequality(struct buf *f, const struct lint_report *r)
{
	json_t *a = json_array();
	bool ok = a != NULL;
	char what[600];
	for (size_t i = 0; ok && i < r->nobjects; i++) {
		const struct lint_object *o = &r->objects[i];
		const char *src = r->sources[o->source];
		snprintf(what, sizeof what, "%s %s%s%s", o->kind, o->namespace_, *o->namespace_ ? "/" : "",
		         *o->name ? o->name : "(no name)");
		for (size_t k = 0; ok && k < o->nerrors; k++)
			ok = !json_array_append_new(a, cq_issue(fe_type_reason(o->errors[k].type), "critical",
			                            what, o->errors[k].message, src, o->errors[k].line,
			                            o->errors[k].column));
		for (size_t k = 0; ok && k < o->nfindings; k++) {
			const struct lint_finding *fd = &o->findings[k];
			if (!fd->suppressed)
				ok = !json_array_append_new(a, cq_issue(fd->check, fd->severity == IW_SEV_ERROR ?
				                            "critical" : "minor", what, fd->message, src,
				                            fd->line, fd->column));
		}
	}
	for (size_t i = 0; ok && i < r->nproblems; i++) {
		const struct lint_problem *p = &r->problems[i];
		ok = !json_array_append_new(a, cq_issue("input-error", "blocker", "", p->message,
		                            r->sources[p->source], p->line, p->column));
	}
	if (ok)
		ok = dump(f, a);   /* takes a */
	else
		json_decref(a);
	buf_putc(f, '\n');
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
	case LINT_OUT_JUNIT: ok = render_junit(f, r); break;
	case LINT_OUT_CODEQUALITY: ok = render_codequality(f, r); break;
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
