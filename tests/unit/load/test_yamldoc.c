/* yamldoc: scalar typing, positions, aliases, bounds, syntax errors, JSON. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "load/yamldoc.h"

/* Collected documents: dumped values (compact, sorted keys) and errors. */
struct got {
	char text[16][512];
	unsigned line[16];
	size_t index[16];
	size_t n;
	/* a locate query answered inside the callback */
	const char *query;
	struct yd_pos pos[16];
	bool exact[16];
};

static enum iw_err collect(void *ctx, struct yd_doc *d)
{
	struct got *g = ctx;
	if (g->n >= 16)
		return IW_ELIMIT;
	size_t i = g->n++;
	g->line[i] = d->line;
	g->index[i] = d->index;
	if (d->error) {
		snprintf(g->text[i], sizeof g->text[i], "ERROR %u:%u: %s", d->err_line, d->err_col, d->error);
	} else if (d->empty) {
		snprintf(g->text[i], sizeof g->text[i], "EMPTY");
	} else {
		char *s = json_dumps(d->root, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
		snprintf(g->text[i], sizeof g->text[i], "%s", s ? s : "?");
		free(s);
		if (g->query)
			g->pos[i] = yd_locate(d, 0, g->query, &g->exact[i]);
	}
	return IW_OK;
}

static void run(const char *in, enum yd_format f, struct got *g)
{
	const char *q = g->query;
	memset(g, 0, sizeof *g);
	g->query = q;
	assert_int_equal(yd_parse(in, strlen(in), f, NULL, collect, g), 0);
}

static void scalar_typing(void **state)
{
	(void)state;
	struct got g = { 0 };
	run("a: 80\nb: \"80\"\nc: true\nd: yes\ne: null\nf: ~\ng: 1.5\nh: 8e1\ni: 0x1F\n"
	    "j: 017\nk: 1_000\nl: on\nm: 'no'\nnn: !!str 12\no: 2024-01-02\np: .inf\nq:\n"
	    "r: 08\ns: -3\nt: +7\nu: Off\nv: |\n  x\n",
	    YD_YAML, &g);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.text[0],
	    "{\"a\":80,\"b\":\"80\",\"c\":true,\"d\":true,\"e\":null,\"f\":null,\"g\":1.5,\"h\":80,"
	    "\"i\":31,\"j\":15,\"k\":1000,\"l\":true,\"m\":\"no\",\"nn\":\"12\",\"o\":\"2024-01-02\","
	    "\"p\":\".inf\",\"q\":null,\"r\":8,\"s\":-3,\"t\":7,\"u\":false,\"v\":\"x\\n\"}");
	/* keys: booleans and null become their JSON text */
	run("yes: 1\n~: 2\n80: 3\nn: 4\n", YD_YAML, &g);
	assert_string_equal(g.text[0], "{\"80\":3,\"false\":4,\"null\":2,\"true\":1}");
}

static void documents_and_lines(void **state)
{
	(void)state;
	struct got g = { 0 };
	run("# comment\na: 1\n---\n---\nb: 2\n...\n---\n- x\n", YD_YAML, &g);
	assert_int_equal(g.n, 4);
	assert_string_equal(g.text[0], "{\"a\":1}");
	assert_int_equal(g.line[0], 2);
	assert_string_equal(g.text[1], "EMPTY");
	assert_string_equal(g.text[2], "{\"b\":2}");
	assert_int_equal(g.line[2], 5);
	assert_string_equal(g.text[3], "[\"x\"]");
	assert_int_equal(g.index[3], 3);
	run("", YD_YAML, &g);
	assert_int_equal(g.n, 0);
}

static void syntax_error_resync(void **state)
{
	(void)state;
	struct got g = { 0 };
	run("a: 1\n---\nkind: Ingress\n  name: x\nspec: {}\n---\nb: 2\n", YD_YAML, &g);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.text[0], "{\"a\":1}");
	assert_string_equal(g.text[1], "ERROR 4:7: mapping values are not allowed in this context (a "
	                               "key at a deeper indentation than the line above: is a parent "
	                               "line such as 'metadata:' missing?)");
	assert_int_equal(g.index[1], 1);
	assert_string_equal(g.text[2], "{\"b\":2}");
	assert_int_equal(g.index[2], 2);
	assert_int_equal(g.line[2], 7);
	/* an unclosed flow collection running into the next document */
	run("a: [1, 2\n---\nb: 2\n", YD_YAML, &g);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.text[0], "ERROR 2:1: did not find expected ',' or ']' while parsing a "
	                               "flow sequence started at line 1");
	assert_string_equal(g.text[1], "{\"b\":2}");
	assert_int_equal(g.line[1], 3);
}

static void aliases_and_merge(void **state)
{
	(void)state;
	struct got g = { 0 };
	run("base: &b {x: 1, yy: 2}\nuse: *b\nm:\n  <<: *b\n  yy: 3\n", YD_YAML, &g);
	assert_string_equal(g.text[0], "{\"base\":{\"x\":1,\"yy\":2},\"m\":{\"x\":1,\"yy\":3},\"use\":{\"x\":1,\"yy\":2}}");
	run("a: *nope\n", YD_YAML, &g);
	assert_string_equal(g.text[0], "ERROR 1:4: unknown anchor 'nope' referenced");
	/* billion laughs: the expansion bound stops it, quickly */
	const char *lol =
	    "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
	    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
	    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
	    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
	    "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
	    "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
	    "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
	    "---\nok: 1\n";
	run(lol, YD_YAML, &g);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.text[0],
	                    "ERROR 6:36: document too large: too many nodes (aliases expanded)");
	assert_string_equal(g.text[1], "{\"ok\":1}");
}

/* Aliases count the bytes they stand for against max_doc_bytes (issue 11
 * item 5: a 1 MB anchor aliased 1,000 times was a 1 GB object downstream):
 * the alias that passes the bound fails the document, at that alias, and
 * the next document is read; the nodes bound alone did not stop it. */
static void alias_bytes_bound(void **state)
{
	(void)state;
	struct yd_limits lim;
	yd_limits_init(&lim);
	lim.max_doc_bytes = 200;
	struct got g = { 0 };
	/* text 42 bytes + 4 aliases of 40 bytes = 202 > 200: the 4th fails */
	const char *four = "a: &a \"0123456789012345678901234567890123456789\"\n"
	                   "b: [*a, *a, *a, *a]\n---\nok: 1\n";
	assert_int_equal(yd_parse(four, strlen(four), YD_YAML, &lim, collect, &g), 0);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.text[0], "ERROR 2:17: document too large with its aliases expanded "
	                               "(the limit is 200 bytes per object)");
	assert_string_equal(g.text[1], "{\"ok\":1}");
	/* three fit: shared, as before */
	const char *three = "a: &a \"0123456789012345678901234567890123456789\"\nb: [*a, *a, *a]\n";
	memset(&g, 0, sizeof g);
	assert_int_equal(yd_parse(three, strlen(three), YD_YAML, &lim, collect, &g), 0);
	assert_int_equal(g.n, 1);
	assert_true(strncmp(g.text[0], "{\"a\":\"0123", 10) == 0);
	/* nested anchors: an alias stands for its whole expansion (keys too),
	 * and a merge key for what it brings in */
	lim.max_doc_bytes = 1000;
	const char *nest = "x: &x {kkkkk: \"0123456789\"}\n"                       /* 15 bytes */
	                   "y: &y [*x, *x, *x, *x, *x, *x, *x, *x, *x, *x]\n"   /* 150 */
	                   "z: [*y, *y, *y, *y, *y, *y, *y]\n";   /* 150 each: the 6th passes */
	memset(&g, 0, sizeof g);
	assert_int_equal(yd_parse(nest, strlen(nest), YD_YAML, &lim, collect, &g), 0);
	assert_string_equal(g.text[0], "ERROR 3:25: document too large with its aliases expanded "
	                               "(the limit is 1000 bytes per object)");
	const char *merge = "m: &m {aaaaaaaaaa: \"0123456789\", bbbbbbbbbb: \"0123456789\"}\n"
	                    "l: [{<<: *m}, {<<: *m}, {<<: *m}, {<<: *m}, {<<: *m}, {<<: *m}, "
	                    "{<<: *m}, {<<: *m}, {<<: *m}, {<<: *m}, {<<: *m}, {<<: *m}]\n";
	lim.max_doc_bytes = 600;
	memset(&g, 0, sizeof g);
	assert_int_equal(yd_parse(merge, strlen(merge), YD_YAML, &lim, collect, &g), 0);
	assert_true(strstr(g.text[0], "ERROR 2:") == g.text[0]);
	assert_true(strstr(g.text[0], "with its aliases expanded") != NULL);
	/* the default bound: 1 MB aliased 4 times passes 3 MiB; 2 times not */
	yd_limits_init(&lim);
	size_t n = 1000000;
	char *big = malloc(n + 64);
	assert_non_null(big);
	memcpy(big, "a: &a \"", 7);
	memset(big + 7, 'x', n);
	strcpy(big + 7 + n, "\"\nb: [*a, *a]\n");
	memset(&g, 0, sizeof g);
	assert_int_equal(yd_parse(big, strlen(big), YD_YAML, &lim, collect, &g), 0);
	assert_int_equal(g.n, 1);
	assert_true(strncmp(g.text[0], "{\"a\":\"xxx", 9) == 0);
	strcpy(big + 7 + n, "\"\nb: [*a, *a, *a]\n");
	memset(&g, 0, sizeof g);
	assert_int_equal(yd_parse(big, strlen(big), YD_YAML, &lim, collect, &g), 0);
	assert_string_equal(g.text[0], "ERROR 2:13: document too large with its aliases expanded "
	                               "(the limit is 3 MiB per object)");
	free(big);
}

static void depth_bound(void **state)
{
	(void)state;
	struct got g = { 0 };
	size_t n = 5000;
	char *deep = malloc(2 * n + 32);
	assert_non_null(deep);
	memset(deep, '[', n);
	memset(deep + n, ']', n);
	strcpy(deep + 2 * n, "\n---\nok: 1\n");
	run(deep, YD_YAML, &g);
	free(deep);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.text[0], "ERROR 1:101: document nested too deeply");   /* the 101st [ */
	assert_string_equal(g.text[1], "{\"ok\":1}");
	struct yd_limits lim;
	yd_limits_init(&lim);
	lim.max_doc_bytes = 16;
	memset(&g, 0, sizeof g);
	const char *big = "a: 0123456789012345678901234567890\n---\nb: 1\n";
	assert_int_equal(yd_parse(big, strlen(big), YD_YAML, &lim, collect, &g), 0);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.text[0], "ERROR 2:1: document too large (the limit is 16 bytes per object)");
	assert_string_equal(g.text[1], "{\"b\":1}");
}

/* Flow nesting far past the bound (issue 11): libyaml is fed no further
 * once its flow depth passes max_depth, so 100,000 levels cost what 100 do;
 * the error is the same as for a shallow excess, at the 101st level, and the
 * next document is read. */
static void deep_flow_nesting(void **state)
{
	(void)state;
	struct got g = { 0 };
	size_t n = 100000;
	static const char *const open[] = { "[", "{a: " }, *const close[] = { "]", "}" };
	for (int k = 0; k < 2; k++) {
		size_t ol = strlen(open[k]);
		char *deep = malloc(n * (ol + 1) + 64);
		assert_non_null(deep);
		char *w = deep;
		memcpy(w, "x: ", 3);
		w += 3;
		for (size_t i = 0; i < n; i++, w += ol)
			memcpy(w, open[k], ol);
		*w++ = '1';
		for (size_t i = 0; i < n; i++)
			*w++ = close[k][0];
		strcpy(w, "\n---\nok: 1\n");
		run(deep, YD_YAML, &g);
		free(deep);
		assert_int_equal(g.n, 2);
		char want[80];
		/* the 100th collection inside the mapping 'x' is the 101st level */
		snprintf(want, sizeof want, "ERROR 1:%zu: document nested too deeply", 4 + 99 * ol);
		assert_string_equal(g.text[0], want);
		assert_string_equal(g.text[1], "{\"ok\":1}");
	}
}

/* yd_limits.cancel: set before, nothing is read; set by the callback, the
 * parse stops after that document with IW_ECANCELED. */
struct canceller {
	atomic_bool *flag;
	size_t calls;
};

static enum iw_err cancel_after_first(void *ctx, struct yd_doc *d)
{
	struct canceller *c = ctx;
	(void)d;
	c->calls++;
	atomic_store(c->flag, true);
	return IW_OK;
}

static void cancel_flag(void **state)
{
	(void)state;
	const char *docs[] = { "a: 1\n---\nb: 2\n---\nc: 3\n", "{\"a\": 1}\n{\"b\": 2}\n" };
	for (int k = 0; k < 2; k++) {
		atomic_bool flag = true;
		struct yd_limits lim;
		yd_limits_init(&lim);
		lim.cancel = &flag;
		struct got g = { 0 };
		assert_int_equal(yd_parse(docs[k], strlen(docs[k]), YD_AUTO, &lim, collect, &g),
		                 IW_ECANCELED);
		assert_int_equal(g.n, 0);
		atomic_store(&flag, false);
		struct canceller c = { &flag, 0 };
		assert_int_equal(yd_parse(docs[k], strlen(docs[k]), YD_AUTO, &lim, cancel_after_first,
		                          &c), IW_ECANCELED);
		assert_int_equal(c.calls, 1);
		atomic_store(&flag, false);
		assert_int_equal(yd_parse(docs[k], strlen(docs[k]), YD_AUTO, &lim, collect, &g), 0);
		assert_int_equal(g.n, k ? 2 : 3);
	}
}

static void positions(void **state)
{
	(void)state;
	const char *y =
	    "apiVersion: networking.k8s.io/v1\n"           /* 1 */
	    "kind: Ingress\n"                                /* 2 */
	    "metadata:\n"                                    /* 3 */
	    "  name: web\n"                                  /* 4 */
	    "  annotations:\n"                               /* 5 */
	    "    kubernetes.io/ingress.class: nginx\n"       /* 6 */
	    "    kubernetes.io/ingress: other\n"             /* 7 */
	    "spec:\n"                                        /* 8 */
	    "  rules:\n"                                     /* 9 */
	    "  - host: Foo\n"                                /* 10 */
	    "    http:\n"                                    /* 11 */
	    "      paths:\n"                                 /* 12 */
	    "      - path: /a\n"                             /* 13 */
	    "        backend:\n"                             /* 14 */
	    "          service: {name: a, port: {number: 80}}\n"; /* 15 */
	static const struct { const char *q; unsigned line, col; bool exact; } cases[] = {
		{ "spec.rules[0].host", 10, 11, true },
		{ "metadata.annotations.kubernetes.io/ingress.class", 6, 34, true },
		{ "metadata.annotations.kubernetes.io/ingress", 7, 28, true },
		{ "spec.rules[0].http.paths[0].backend", 14, 9, true },
		{ "spec.rules[0].http.paths[0].backend.service.port.number", 15, 45, true },
		{ "spec.rules[0].http.paths[0].pathType", 13, 9, false },
		{ "spec.rules[3].host", 9, 3, false },
		{ "spec.tls", 8, 1, false },
		{ "", 1, 1, true },
		{ "metadata.annotations[kubernetes.io/ingress.class]", 6, 34, true },
		{ "metadata.annotations[kubernetes.io/nope]", 5, 3, false },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct got g = { 0 };
		g.query = cases[i].q;
		run(y, YD_YAML, &g);
		assert_int_equal(g.n, 1);
		if (g.pos[0].line != cases[i].line || g.pos[0].col != cases[i].col ||
		    g.exact[0] != cases[i].exact)
			fail_msg("%s: got %u:%u exact=%d", cases[i].q, g.pos[0].line, g.pos[0].col, g.exact[0]);
	}
}

static void json_documents(void **state)
{
	(void)state;
	struct got g = { 0 };
	g.query = "spec.rules[0].host";
	run("{\"a\": 1}\n{\"spec\": {\"rules\": [\n  {\"host\": \"Foo\"}]}}  {\"c\": 80.0}\n", YD_JSON, &g);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.text[0], "{\"a\":1}");
	assert_int_equal(g.line[1], 2);
	assert_int_equal(g.pos[1].line, 3);
	assert_int_equal(g.pos[1].col, 12);
	assert_true(g.exact[1]);
	assert_string_equal(g.text[2], "{\"c\":80.0}");
	assert_int_equal(g.line[2], 3);
	/* a syntax error, then the next document at a line start */
	g.query = NULL;
	run("{\"a\": }\n{\"b\": 2}\n", YD_JSON, &g);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.text[0], "ERROR 1:7: unexpected token near '}'");
	assert_string_equal(g.text[1], "{\"b\":2}");
	/* auto-detection */
	run("  [1, 2]", YD_AUTO, &g);
	assert_string_equal(g.text[0], "[1,2]");
}

struct saved {
	struct yd_saved v[4];
	size_t n;
};

static enum iw_err save_cb(void *ctx, struct yd_doc *d)
{
	struct saved *s = ctx;
	if (s->n < 4)
		assert_int_equal(yd_save(d, &s->v[s->n++], true), 0);
	return IW_OK;
}

/* documents kept past the callback get their positions on demand */
static void saved_documents(void **state)
{
	(void)state;
	const char *y = "a: 1\n---\nkind: x\nspec:\n  rules:\n  - host: Foo\n---\nb: [\n";
	const char *j = "{\"a\": 1}\n\n{\"spec\":\n {\"rules\": [{\"host\": \"Foo\"}]}}\n";
	const char *in[] = { y, j };
	const unsigned want_line[] = { 6, 4 }, want_col[] = { 11, 22 };
	for (int f = 0; f < 2; f++) {
		struct saved s = { 0 };
		assert_int_equal(yd_parse(in[f], strlen(in[f]), f ? YD_JSON : YD_YAML, NULL, save_cb, &s), 0);
		assert_int_equal(s.n, f ? 2 : 3);
		struct yd_doc d;
		yd_saved_open(&s.v[1], in[f], &d);
		bool exact;
		struct yd_pos p = yd_locate(&d, 0, "spec.rules[0].host", &exact);
		assert_true(exact);
		assert_int_equal(p.line, want_line[f]);
		assert_int_equal(p.col, want_col[f]);
		assert_int_equal(d.index, 1);
		yd_saved_close(&d);
		if (!f)
			assert_non_null(s.v[2].error);
		for (size_t i = 0; i < s.n; i++)
			yd_saved_release(&s.v[i]);
	}
}

static void load_all(void **state)
{
	(void)state;
	char err[128];
	const char *y = "a: 1\n---\n---\nb: 2\n";
	json_t *a;
	assert_int_equal(yd_load_all(y, strlen(y), YD_YAML, NULL, &a, err, sizeof err), IW_OK);
	json_t *want = json_loads("[{\"a\": 1}, {\"b\": 2}]", 0, NULL);
	assert_true(json_equal(a, want));
	json_decref(want);
	json_decref(a);
	const char *bad = "a: 1\n---\nb: [\n";
	assert_int_equal(yd_load_all(bad, strlen(bad), YD_YAML, NULL, &a, err, sizeof err), IW_ESYNTAX);
	assert_null(a);
	assert_string_equal(err, "4:1: did not find expected node content while parsing a flow node started at line 4");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scalar_typing),
		cmocka_unit_test(documents_and_lines),
		cmocka_unit_test(syntax_error_resync),
		cmocka_unit_test(aliases_and_merge),
		cmocka_unit_test(alias_bytes_bound),
		cmocka_unit_test(depth_bound),
		cmocka_unit_test(deep_flow_nesting),
		cmocka_unit_test(cancel_flag),
		cmocka_unit_test(positions),
		cmocka_unit_test(json_documents),
		cmocka_unit_test(saved_documents),
		cmocka_unit_test(load_all),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
