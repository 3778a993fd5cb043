/*
 * Validation corpus runner: reads a JSONL corpus (tests/corpus/README.md),
 * parses each object with ingress_parse / ingress_class_parse, validates it
 * (with the old object for UPDATE) and compares the decision and the whole
 * list of distinct errors (field, type text, detail when the case gives one,
 * order) with the expectation.  Prints every mismatch, then "N passed, N failed".
 *
 * usage: corpus_validation [--kube-version V] [--strict] [-v] FILE.jsonl
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "model/fielderr.h"
#include "model/model.h"
#include "validate/validate.h"

struct obj {
	enum iw_kind kind;
	struct ingress *ing;
	struct ingress_class *ic;
};

static void obj_parse(json_t *j, unsigned flags, struct obj *o, struct errlist *el)
{
	enum iw_api api;
	memset(o, 0, sizeof *o);
	iw_object_type(j, &o->kind, &api);
	if (o->kind == IW_KIND_INGRESSCLASS)
		ingress_class_parse(j, flags, el, &o->ic);
	else
		ingress_parse(j, flags, el, &o->ing);
}

static void obj_free(struct obj *o)
{
	ingress_free(o->ing);
	ingress_class_free(o->ic);
}

/* Keeps the first occurrence of each distinct Error() string, as the 422 message does. */
static size_t distinct(const struct errlist *el, size_t *idx)
{
	size_t n = 0;
	for (size_t i = 0; i < el->n; i++) {
		char *s = fe_string(&el->v[i]);
		bool dup = false;
		for (size_t j = 0; j < n && !dup && s; j++) {
			char *t = fe_string(&el->v[idx[j]]);
			dup = t && !strcmp(s, t);
			free(t);
		}
		free(s);
		if (!dup)
			idx[n++] = i;
	}
	return n;
}

static void print_list(const struct errlist *el, const size_t *idx, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *s = fe_string(&el->v[idx[i]]);
		printf("    got:  %s\n", s ? s : "(oom)");
		free(s);
	}
}

static bool run_case(json_t *c, const struct iw_vopts *vo, unsigned flags, bool verbose)
{
	const char *id = json_string_value(json_object_get(c, "id"));
	const char *op = json_string_value(json_object_get(c, "operation"));
	json_t *object = json_object_get(c, "object");
	json_t *old_object = json_object_get(c, "oldObject");
	json_t *expect = json_object_get(c, "expect");
	json_t *want = json_object_get(expect, "errors");
	bool want_allowed = json_is_true(json_object_get(expect, "allowed"));
	struct errlist el = { 0 }, old_el = { 0 };
	struct obj o, old = { 0 };
	bool ok = true;

	if (!id)
		id = "?";
	obj_parse(object, flags, &o, &el);
	bool update = op && !strcmp(op, "UPDATE") && json_is_object(old_object);
	if (update)
		obj_parse(old_object, flags, &old, &old_el);
	if (!errlist_has_type_error(&el)) {
		if (o.ing)
			iw_validate_ingress(o.ing, update ? old.ing : NULL, vo, &el);
		else if (o.ic)
			iw_validate_ingress_class(o.ic, update ? old.ic : NULL, vo, &el);
	}
	size_t *idx = calloc(el.n + 1, sizeof *idx);
	size_t n = idx ? distinct(&el, idx) : 0;
	bool allowed = el.n == 0 && (o.ing || o.ic);

	if (allowed != want_allowed) {
		printf("FAIL %s: allowed=%s, expected %s\n", id, allowed ? "true" : "false",
		       want_allowed ? "true" : "false");
		ok = false;
	} else if (!want_allowed) {
		size_t nw = json_array_size(want);
		if (nw != n) {
			printf("FAIL %s: %zu errors, expected %zu\n", id, n, nw);
			ok = false;
		}
		for (size_t i = 0; i < nw && i < n; i++) {
			json_t *w = json_array_get(want, i);
			const struct field_err *e = &el.v[idx[i]];
			const char *wf = json_string_value(json_object_get(w, "field"));
			const char *wt = json_string_value(json_object_get(w, "type"));
			const char *wd = json_string_value(json_object_get(w, "detail"));
			if (!wf || strcmp(wf, e->field) || !wt || strcmp(wt, fe_type_text(e->type))) {
				printf("FAIL %s: error %zu is %s: %s, expected %s: %s\n", id, i, e->field,
				       fe_type_text(e->type), wf ? wf : "?", wt ? wt : "?");
				ok = false;
			} else if (wd && strcmp(wd, e->detail)) {
				printf("FAIL %s: error %zu (%s) detail\n    got:  %s\n    want: %s\n", id, i,
				       e->field, e->detail, wd);
				ok = false;
			}
		}
	}
	if (!ok || verbose) {
		if (ok)
			printf("ok   %s\n", id);
		print_list(&el, idx, n);
		if (!ok) {
			size_t i;
			json_t *w;
			json_array_foreach(want, i, w) {
				const char *wd = json_string_value(json_object_get(w, "detail"));
				printf("    want: %s: %s%s%s\n",
				       json_string_value(json_object_get(w, "field")),
				       json_string_value(json_object_get(w, "type")), wd ? ": " : "",
				       wd ? wd : "");
			}
		}
	}
	free(idx);
	obj_free(&o);
	obj_free(&old);
	errlist_release(&el);
	errlist_release(&old_el);
	return ok;
}

int main(int argc, char **argv)
{
	struct iw_vopts vo;
	unsigned flags = 0;
	bool verbose = false;
	const char *file = NULL;
	iw_vopts_init(&vo);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--kube-version") && i + 1 < argc) {
			if (!iw_vopts_set_version(&vo, argv[++i])) {
				fprintf(stderr, "corpus_validation: unsupported kube version '%s'\n", argv[i]);
				return 2;
			}
		} else if (!strcmp(argv[i], "--strict")) {
			flags |= IW_PARSE_STRICT;
		} else if (!strcmp(argv[i], "-v")) {
			verbose = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "usage: corpus_validation [--kube-version V] [--strict] [-v] FILE.jsonl\n");
			return 2;
		} else {
			file = argv[i];
		}
	}
	if (!file) {
		fprintf(stderr, "usage: corpus_validation [--kube-version V] [--strict] [-v] FILE.jsonl\n");
		return 2;
	}
	FILE *f = fopen(file, "r");
	if (!f) {
		fprintf(stderr, "corpus_validation: cannot open '%s'\n", file);
		return 2;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int passed = 0, failed = 0, lineno = 0;
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (len <= 1)
			continue;
		json_error_t jerr;
		json_t *c = json_loadb(line, (size_t)len, 0, &jerr);
		if (!c) {
			printf("FAIL %s:%d: bad JSON: %s\n", file, lineno, jerr.text);
			failed++;
			continue;
		}
		if (run_case(c, &vo, flags, verbose))
			passed++;
		else
			failed++;
		json_decref(c);
	}
	free(line);
	fclose(f);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
