/* diff reports: text and JSON (see diff.h, df_render). */
#include "diff/diff.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "model/jsonmem.h"

static void text_request(struct buf *b, const struct df_request *q)
{
	buf_printf(b, "  %s http://%s%s", q->method, q->host, q->path);
	for (size_t i = 0; i < q->nquery; i++)
		buf_printf(b, "%c%s=%s", i ? '&' : '?', q->query[i].name, q->query[i].value);
	for (size_t i = 0; i < q->nheaders; i++)
		buf_printf(b, "  [%s: %s]", q->headers[i].name, q->headers[i].value);
	buf_printf(b, "    (%s)\n", q->note);
}

static void text_outcome(struct buf *b, const char *label, const struct df_outcome *o)
{
	buf_printf(b, "    %s: %s", label, o->target && *o->target ? o->target : "-");
	if (o->object) {
		buf_printf(b, "  <- %s %s", o->kind, o->object);
		if (o->where)
			buf_printf(b, " (%s)", o->where);
		if (o->rule)
			buf_printf(b, " %s", o->rule);
	}
	buf_putc(b, '\n');
	if (o->why && *o->why)
		buf_printf(b, "         why: %s\n", o->why);
}

static char *text(const struct df_result *r)
{
	struct buf b;
	buf_init(&b, 256u << 20);
	buf_printf(&b, "old: %s\nnew: %s\n", r->old_desc, r->new_desc);
	for (size_t c = 0; c < r->ncauses; c++) {
		const struct df_cause *k = &r->causes[c];
		buf_printf(&b, "\n%s: %zu request%s\n", k->title, k->count, k->count == 1 ? "" : "s");
		for (size_t i = 0; i < r->ndiffs; i++) {
			const struct df_diff *d = &r->diffs[i];
			if (d->cause != c)
				continue;
			text_request(&b, &d->req);
			text_outcome(&b, "old", &d->old);
			text_outcome(&b, "new", &d->new_);
		}
		if (k->listed < k->count)
			buf_printf(&b, "  ... and %zu more\n", k->count - k->listed);
	}
	if (r->truncated)
		buf_puts(&b, "\nnote: probe generation stopped at its limit; some requests were not checked\n");
	buf_printf(&b, "\n%zu requests checked, %zu differ\n", r->checked, r->differ);
	char *s = buf_steal(&b, NULL);
	buf_release(&b);
	return s;
}

static json_t *js(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *outcome_json(const struct df_outcome *o)
{
	json_t *j = json_object();
	if (!j)
		return NULL;
	json_object_set_new(j, "status", json_integer(o->status));
	json_object_set_new(j, "target", js(o->target));
	json_object_set_new(j, "kind", js(o->kind));
	json_object_set_new(j, "object", js(o->object));
	json_object_set_new(j, "where", js(o->where));
	json_object_set_new(j, "rule", js(o->rule));
	json_object_set_new(j, "why", js(o->why));
	return j;
}

static json_t *request_json(const struct df_request *q)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:s}", "host", q->host, "path", q->path, "method",
	                      q->method, "tests", q->note);
	json_t *h = json_object(), *qq = json_object();
	for (size_t i = 0; h && i < q->nheaders; i++)
		json_object_set_new(h, q->headers[i].name, json_string(q->headers[i].value));
	for (size_t i = 0; qq && i < q->nquery; i++)
		json_object_set_new(qq, q->query[i].name, json_string(q->query[i].value));
	if (j) {
		json_object_set_new(j, "headers", h ? h : json_null());
		json_object_set_new(j, "query", qq ? qq : json_null());
	} else {
		json_decref(h);
		json_decref(qq);
	}
	return j;
}

static char *json(const struct df_result *r)
{
	json_t *root = json_object(), *causes = json_array();
	if (!root || !causes) {
		json_decref(root);
		json_decref(causes);
		return NULL;
	}
	json_object_set_new(root, "checked", json_integer((json_int_t)r->checked));
	json_object_set_new(root, "differ", json_integer((json_int_t)r->differ));
	json_object_set_new(root, "old", js(r->old_desc));
	json_object_set_new(root, "new", js(r->new_desc));
	json_object_set_new(root, "truncated", json_boolean(r->truncated));
	for (size_t c = 0; c < r->ncauses; c++) {
		json_t *reqs = json_array();
		for (size_t i = 0; reqs && i < r->ndiffs; i++) {
			const struct df_diff *d = &r->diffs[i];
			if (d->cause != c)
				continue;
			json_t *e = json_object();
			if (!e)
				continue;
			json_object_set_new(e, "request", request_json(&d->req));
			json_object_set_new(e, "old", outcome_json(&d->old));
			json_object_set_new(e, "new", outcome_json(&d->new_));
			json_array_append_new(reqs, e);
		}
		json_t *k = json_pack("{s:s, s:I, s:o}", "cause", r->causes[c].title, "count",
		                      (json_int_t)r->causes[c].count, "requests", reqs ? reqs : json_array());
		if (k)
			json_array_append_new(causes, k);
	}
	json_object_set_new(root, "causes", causes);
	char *s = json_dumps(root, JSON_PRESERVE_ORDER | JSON_INDENT(2));
	json_decref(root);
	return s;
}

char *df_render(const struct df_result *res, enum df_format f)
{
	if (f != DF_JSON)
		return text(res);
	/* jansson leaves out a member, or part of the text it dumps, when an
	 * allocation fails without saying so (model/jsonmem.h) */
	unsigned long f0 = iw_json_failures();
	char *s = json(res);
	if (s && iw_json_failures() != f0) {
		free(s);
		s = NULL;
	}
	return s;
}
