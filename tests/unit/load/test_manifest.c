/* manifest: the one loader: documents, Lists (small and split), problems,
 * positions, limits per object, duplicate keys, encodings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "load/manifest.h"

/* Everything the loader said, one line each:
 *   "obj D I L:C Kind name spec@L:C"   (I is - for a document)
 *   "err D I L:C message"                                          */
struct log {
	char text[8192];
	size_t len;
	const char *query;   /* a field located in each object */
};

static void add(struct log *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct log *g, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(g->text + g->len, sizeof g->text - g->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		g->len += (size_t)n;
	assert_true(g->len < sizeof g->text);
}

static void item_text(size_t item, char *buf, size_t size)
{
	if (item == SIZE_MAX)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%zu", item);
}

static enum iw_err on_obj(void *ctx, struct mf_object *o)
{
	struct log *g = ctx;
	char it[24];
	item_text(o->item, it, sizeof it);
	const char *name = json_string_value(json_object_get(json_object_get(o->obj, "metadata"), "name"));
	add(g, "obj %zu %s %u:%u %s %s", o->document, it, o->line, o->col, o->kind, name ? name : "?");
	if (g->query) {
		struct yd_pos p = yd_locate(o->doc, o->node, g->query, NULL);
		add(g, " %s@%u:%u", g->query, p.line, p.col);
	}
	add(g, "\n");
	return IW_OK;
}

static void on_prob(void *ctx, const struct mf_problem *p)
{
	struct log *g = ctx;
	char it[24];
	item_text(p->item, it, sizeof it);
	add(g, "err %zu %s %u:%u %s\n", p->document, it, p->line, p->col, p->message);
}

static void load(const char *in, size_t max_obj, struct log *g)
{
	struct mf_opts o;
	mf_opts_init(&o);
	if (max_obj)
		o.limits.max_doc_bytes = max_obj;
	const char *q = g->query;
	memset(g, 0, sizeof *g);
	g->query = q;
	struct mf_sink s = { on_obj, on_prob, g };
	assert_int_equal(mf_parse(in, strlen(in), &o, &s), IW_OK);
}

#define ING(name) "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"metadata\":{\"name\":\"" name "\"},\"spec\":{}}"

/* Documents, Lists in YAML and JSON, and every problem, at their positions. */
static void documents_and_lists(void **state)
{
	(void)state;
	struct log g = { .query = "spec" };
	load("apiVersion: v1\n"                       /* 1 */
	     "kind: List\n"
	     "items:\n"
	     "- apiVersion: networking.k8s.io/v1\n"    /* 4 */
	     "  kind: Ingress\n"
	     "  metadata: {name: a}\n"
	     "  spec: {}\n"                            /* 7 */
	     "- kind: Ingress\n"                       /* 8: no apiVersion */
	     "- 42\n"                                  /* 9 */
	     "- {apiVersion: v1, kind: List, items: []}\n"   /* 10 */
	     "---\n"
	     "\n"
	     "---\n"
	     "apiVersion: v1\n"                        /* 14 */
	     "kind: Service\n"
	     "metadata: {name: s}\n"
	     "---\n"
	     "a: [\n"                                  /* 18: syntax error */
	     "---\n"
	     "- x\n"                                   /* 20 */
	     "---\n"
	     "apiVersion: v1\n"
	     "kind: ConfigMapList\n"
	     "items: 3\n",
	     0, &g);
	assert_string_equal(g.text,
	    "obj 0 0 4:3 Ingress a spec@7:3\n"
	    "err 0 1 8:3 items[1]: Object 'apiVersion' is missing\n"
	    "err 0 2 9:3 items[2]: document is a number, not an object\n"
	    "err 0 3 10:3 items[3]: a List inside a List\n"
	    "obj 2 - 14:1 Service s spec@14:1\n"
	    "err 3 - 19:1 did not find expected node content while parsing a flow node started at line 19\n"
	    "err 4 - 20:1 document is a sequence, not an object\n"
	    "err 5 - 22:1 List items must be a sequence, not a number\n");

	/* JSON: a List, NDJSON, a kind missing, a top-level array */
	load("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[\n"
	     "  " ING("b") ",\n"
	     "  " ING("c") "]}\n"
	     ING("d") "\n"
	     "{\"apiVersion\":\"v1\"}\n"
	     "[" ING("e") "]\n",
	     0, &g);
	assert_string_equal(g.text,
	    "obj 0 0 2:3 Ingress b spec@2:81\n"
	    "obj 0 1 3:3 Ingress c spec@3:81\n"
	    "obj 1 - 4:1 Ingress d spec@4:79\n"
	    "err 2 - 5:1 Object 'Kind' is missing\n"
	    "err 3 - 6:1 document is a sequence, not an object\n");
}

/* A List over the bound of one object is read item by item; each item is
 * bounded alone; anything else over the bound fails. */
static void split_lists(void **state)
{
	(void)state;
	struct log g = { .query = "spec" };
	/* 200 bytes per object: the List below is ~600 */
	const char *yaml =
	    "apiVersion: v1\n"                                         /* 1 */
	    "items:\n"
	    "- apiVersion: networking.k8s.io/v1\n"                     /* 3 */
	    "  kind: Ingress\n"
	    "  metadata:\n"
	    "    name: a\n"
	    "    managedFields: [{manager: kubectl, operation: Update}]\n"
	    "  spec: {}\n"                                             /* 8 */
	    "- apiVersion: networking.k8s.io/v1\n"                     /* 9 */
	    "  kind: Ingress\n"
	    "  metadata: {name: b}\n"
	    "  spec:\n"                                                /* 12 */
	    "    rules: []\n"
	    "- {apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {name: c}, spec: {}}\n"  /* 14 */
	    "- apiVersion: v1\n"                                       /* 15 */
	    "  kind: Service\n"
	    "  metadata:\n"
	    "    name: big\n"
	    "    annotations:\n"
	    "      x: \"" "0123456789012345678901234567890123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789012345678901234567890123456789"
	    "0123456789012345678901234567890123456789012345678901234567890123456789\"\n"
	    "- apiVersion: v1\n"                                       /* 21 */
	    "  kind: Service\n"
	    "  metadata: {name: dup, name: again}\n"
	    "kind: List\n"                                             /* 24: kind after items */
	    "metadata: {resourceVersion: \"\"}\n"
	    "---\n"
	    "apiVersion: v1\n"                                         /* 27 */
	    "kind: ConfigMap\n"
	    "items:\n"
	    "- a: \"0123456789012345678901234567890123456789012345678901234567890123456789\"\n"
	    "- a: \"0123456789012345678901234567890123456789012345678901234567890123456789\"\n"
	    "- a: \"0123456789012345678901234567890123456789012345678901234567890123456789\"\n"
	    "---\n"
	    "apiVersion: v1\n"                                         /* 34 */
	    "kind: Service\n"
	    "metadata: {name: after}\n";
	load(yaml, 200, &g);
	assert_string_equal(g.text,
	    "obj 0 0 3:3 Ingress a spec@8:3\n"
	    "obj 0 1 9:3 Ingress b spec@12:3\n"
	    "obj 0 2 14:3 Ingress c spec@14:74\n"
	    "err 0 3 15:3 items[3]: object too large (the limit is 200 bytes per object)\n"
	    "err 0 4 23:25 items[4]: duplicate key \"name\"\n"
	    "err 1 - 27:1 document too large (the limit is 200 bytes per object; only a List may be larger)\n"
	    "obj 2 - 34:1 Service after spec@34:1\n");
	/* below the bound the List is one document, built whole: its duplicate
	 * key fails all of it, and a ConfigMap with items is one object */
	load(yaml, 0, &g);
	assert_string_equal(g.text,
	    "err 0 - 23:25 duplicate key \"name\"\n"
	    "obj 1 - 27:1 ConfigMap ? spec@27:1\n"
	    "obj 2 - 34:1 Service after spec@34:1\n");

	/* JSON, as kubectl -o json prints it (items before kind) */
	const char *json =
	    "{\n"
	    "    \"apiVersion\": \"v1\",\n"
	    "    \"items\": [\n"
	    "        " ING("a") ",\n"                                   /* 4 */
	    "        {\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": \"s\", \"a\": 1, \"a\": 2}},\n"
	    "        {\"kind\": \"Service\"},\n"                          /* 6 */
	    "        " ING("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb") ",\n"
	    "        " ING("c") "\n"                                    /* 8 */
	    "    ],\n"
	    "    \"kind\": \"List\",\n"
	    "    \"metadata\": {\"resourceVersion\": \"\"}\n"
	    "}\n"
	    "{\"apiVersion\": \"v1\", \"kind\": \"Secret\", \"items\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51]}\n"
	    "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51}\n"
	    ING("z") "\n";
	load(json, 200, &g);
	assert_string_equal(g.text,
	    "obj 0 0 4:9 Ingress a spec@4:87\n"
	    "err 0 1 5:83 items[1]: duplicate key \"a\"\n"
	    "err 0 2 6:9 items[2]: Object 'apiVersion' is missing\n"
	    "err 0 3 7:9 items[3]: object too large (the limit is 200 bytes per object)\n"
	    "obj 0 4 8:9 Ingress c spec@8:87\n"
	    "err 1 - 13:1 document too large (the limit is 200 bytes per object; only a List may be larger)\n"
	    "err 2 - 14:241 unexpected '}'\n"
	    "obj 3 - 15:1 Ingress z spec@15:79\n");
}

/* Keys twice in one mapping are refused at the second, in YAML and JSON;
 * a key a merge key brought in may be given again. */
static void duplicate_keys(void **state)
{
	(void)state;
	struct log g = { 0 };
	load("apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  name: b\n", 0, &g);
	assert_string_equal(g.text, "err 0 - 5:3 duplicate key \"name\"\n");
	load("base: &b {name: x, namespace: y}\n"
	     "apiVersion: v1\nkind: Service\nmetadata:\n  <<: *b\n  name: z\n", 0, &g);
	assert_string_equal(g.text, "obj 0 - 1:1 Service z\n");
	load("{\"apiVersion\": \"v1\", \"kind\": \"Service\",\n \"metadata\": {\"name\": \"a\", \"name\": \"b\"}}\n",
	     0, &g);
	assert_string_equal(g.text, "err 0 - 2:28 duplicate key \"name\"\n");
}

/* A UTF-8 byte order mark; UTF-16 and UTF-32 converted; non-ASCII text
 * before a document does not move its positions. */
static void encodings(void **state)
{
	(void)state;
	struct log g = { .query = "spec" };
	load("\xEF\xBB\xBF" ING("a") "\n", 0, &g);
	assert_string_equal(g.text, "obj 0 - 1:1 Ingress a spec@1:79\n");
	load("\xEF\xBB\xBF" "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {}\n", 0, &g);
	assert_string_equal(g.text, "obj 0 - 1:1 Service s spec@4:1\n");
	/* positions after non-ASCII text, also when read again later (JSON) */
	load("# h\xC3\xA9h\xC3\xA9\n" "apiVersion: v1\nkind: Service\nmetadata: {name: \xC3\xA9}\n---\n"
	     "apiVersion: v1\nkind: Service\nmetadata: {name: t}\nspec: {}\n", 0, &g);
	assert_string_equal(g.text, "obj 0 - 2:1 Service \xC3\xA9 spec@2:1\nobj 1 - 6:1 Service t spec@9:1\n");

	const char *utf8 = "{\"kind\": \"Service\", \"apiVersion\": \"v1\", \"metadata\": {\"name\": \"\xC3\xA9\xF0\x9F\x98\x80\"}}";
	size_t n = strlen(utf8);
	for (int v = 0; v < 4; v++) {
		/* UTF-16LE with BOM, UTF-16BE with BOM, UTF-16LE without (RFC 4627), UTF-32BE with BOM */
		unsigned char *b = malloc(4 * n + 8);
		size_t k = 0;
		assert_non_null(b);
		if (v == 0) { b[k++] = 0xFF; b[k++] = 0xFE; }
		if (v == 1) { b[k++] = 0xFE; b[k++] = 0xFF; }
		if (v == 3) { b[k++] = 0; b[k++] = 0; b[k++] = 0xFE; b[k++] = 0xFF; }
		for (size_t i = 0; i < n;) {
			unsigned c = (unsigned char)utf8[i];
			unsigned cp;
			if (c < 0x80) { cp = c; i += 1; }
			else if (c < 0xE0) { cp = (c & 0x1F) << 6 | ((unsigned char)utf8[i + 1] & 0x3F); i += 2; }
			else { cp = (c & 0x07) << 18 | ((unsigned char)utf8[i + 1] & 0x3F) << 12 |
			            ((unsigned char)utf8[i + 2] & 0x3F) << 6 | ((unsigned char)utf8[i + 3] & 0x3F); i += 4; }
			if (v == 3) {
				b[k++] = (unsigned char)(cp >> 24); b[k++] = (unsigned char)(cp >> 16);
				b[k++] = (unsigned char)(cp >> 8); b[k++] = (unsigned char)cp;
				continue;
			}
			unsigned u[2] = { cp, 0 };
			int nu = 1;
			if (cp >= 0x10000) {
				u[0] = 0xD800 + ((cp - 0x10000) >> 10);
				u[1] = 0xDC00 + ((cp - 0x10000) & 0x3FF);
				nu = 2;
			}
			for (int j = 0; j < nu; j++) {
				if (v == 1) { b[k++] = (unsigned char)(u[j] >> 8); b[k++] = (unsigned char)u[j]; }
				else { b[k++] = (unsigned char)u[j]; b[k++] = (unsigned char)(u[j] >> 8); }
			}
		}
		char *out = NULL, err[80];
		size_t olen = 0;
		assert_int_equal(mf_to_utf8((const char *)b, k, &out, &olen, err, sizeof err), IW_OK);
		assert_non_null(out);
		assert_int_equal(olen, n);
		assert_memory_equal(out, utf8, n);
		free(out);
		free(b);
	}
	char *out = (char *)1, err[80];
	size_t olen;
	assert_int_equal(mf_to_utf8(utf8, n, &out, &olen, err, sizeof err), IW_OK);
	assert_null(out);   /* UTF-8 stays as it is */
	assert_int_equal(mf_to_utf8("\xFF\xFE\x00\xD8\x41\x00", 6, &out, &olen, err, sizeof err), IW_ESYNTAX);
	assert_string_equal(err, "unpaired UTF-16 surrogate at byte 2");
	assert_int_equal(mf_to_utf8("\xFF\xFE\x41", 3, &out, &olen, err, sizeof err), IW_ESYNTAX);
	assert_string_equal(err, "UTF-16 text with an odd number of bytes");
}

/* strip: what no check reads is gone before the object is handed over. */
static enum iw_err keep_first(void *ctx, struct mf_object *o)
{
	json_t **keep = ctx;
	if (!*keep)
		*keep = mf_keep(o);
	return IW_OK;
}

static void strip(void **state)
{
	(void)state;
	const char *in =
	    "apiVersion: networking.k8s.io/v1\nkind: Ingress\n"
	    "metadata:\n  name: a\n  managedFields: [{manager: x}]\n"
	    "  annotations: {kubectl.kubernetes.io/last-applied-configuration: '{}', keep: 'yes'}\n"
	    "spec: {}\nstatus: {loadBalancer: {}}\n";
	struct mf_opts o;
	mf_opts_init(&o);
	o.strip = true;
	json_t *kept = NULL;
	struct mf_sink s = { keep_first, NULL, &kept };
	assert_int_equal(mf_parse(in, strlen(in), &o, &s), IW_OK);
	assert_non_null(kept);
	char *t = json_dumps(kept, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(t, "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\","
	                       "\"metadata\":{\"annotations\":{\"keep\":\"yes\"},\"name\":\"a\"},\"spec\":{}}");
	free(t);
	json_decref(kept);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(documents_and_lists),
		cmocka_unit_test(split_lists),
		cmocka_unit_test(duplicate_keys),
		cmocka_unit_test(encodings),
		cmocka_unit_test(strip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
