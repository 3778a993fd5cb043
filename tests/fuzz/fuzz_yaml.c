/*
 * libFuzzer target: the YAML structures of issue 11 (flow nesting, anchors
 * and aliases, merge keys, long scalars), written from the fuzzer's bytes
 * as a small program, then read by yamldoc and by the lint engine.
 * Built by `make fuzz`.
 *
 * The bytes choose, value by value: a short or long scalar, an anchor on
 * the next value, an alias to one of the anchors so far (or to none) or a
 * sequence of up to 64 aliases of one, a
 * flow sequence or mapping (a mapping may start with a merge key), a run of
 * '[' or '{a: ' far past the depth bound, closed or not, a document
 * separator.  Keys come from the Ingress's own field names, so that the
 * lint engine meets Ingresses whose rules, paths and annotations are
 * aliases.  Half the inputs start as an Ingress.
 *
 * What must hold besides "no crash, no leak": every document yamldoc hands
 * over, walked with its aliases expanded, has at most max_nodes nodes and
 * its strings and keys at most 5 x max_doc_bytes bytes (a key `y` is the
 * four bytes "true": the content may exceed the text that much, never by
 * the expansion of aliases); a failed document has an error.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "lint/lint.h"
#include "load/yamldoc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_DOC (4u << 10)   /* small: the bounds are within reach of small inputs */
#define MAX_NODES 2000u

struct gen {
	const uint8_t *p, *end;
	struct buf out;
	unsigned anchors;   /* &a0 .. &a<anchors-1> written so far */
	unsigned depth;
};

static unsigned next(struct gen *g)
{
	return g->p < g->end ? *g->p++ : 0;
}

static const char *const keys[] = {
	"apiVersion", "kind", "metadata", "name", "namespace", "annotations", "spec", "rules",
	"host", "http", "paths", "path", "pathType", "backend", "service", "port", "number",
	"tls", "hosts", "secretName", "defaultBackend", "ingressClassName", "y", "~", "<<",
	"nginx.ingress.kubernetes.io/rewrite-target", "items",
};

static void value(struct gen *g);

static void scalar(struct gen *g, unsigned op)
{
	static const char *const words[] = { "/", "/api", "Prefix", "Exact", "a.example.com",
	                                     "80", "8e1", "1e20", "yes", "~", "\"q\\u00e9\"",
	                                     "'s'", "-1", "0x1F", "*.example.com", "web" };
	if (op % 3) {
		buf_puts(&g->out, words[next(g) % 16]);
		return;
	}
	/* a long scalar: up to 255 x 64 bytes */
	size_t n = (size_t)next(g) * 64 + 1;
	buf_putc(&g->out, '"');
	for (size_t i = 0; i < n; i++)
		buf_putc(&g->out, (char)('a' + i % 26));
	buf_putc(&g->out, '"');
}

static void key(struct gen *g)
{
	unsigned k = next(g);
	if (k >= 250 && g->anchors) {   /* an alias as a key */
		buf_printf(&g->out, "*a%u ", k % g->anchors);
		return;
	}
	buf_puts(&g->out, keys[k % (sizeof keys / sizeof *keys)]);
}

static void collection(struct gen *g, bool map)
{
	unsigned n = next(g) % 6;
	buf_putc(&g->out, map ? '{' : '[');
	g->depth++;
	if (map && g->anchors && next(g) % 2) {   /* a merge key first */
		buf_printf(&g->out, "<<: *a%u", next(g) % g->anchors);
		if (n)
			buf_puts(&g->out, ", ");
	}
	for (unsigned i = 0; i < n && g->p < g->end; i++) {
		if (i)
			buf_puts(&g->out, ", ");
		if (map) {
			key(g);
			buf_puts(&g->out, ": ");
		}
		value(g);
	}
	g->depth--;
	buf_putc(&g->out, map ? '}' : ']');
}

static void value(struct gen *g)
{
	unsigned op = next(g);
	if (g->depth > 40 || g->p >= g->end) {
		scalar(g, 1);
		return;
	}
	switch (op % 8) {
	case 0:
	case 1:
		scalar(g, op);
		break;
	case 2: { /* an alias: to an anchor so far, or to one not (yet) there;
	           * or a sequence of up to 64 aliases of one */
		unsigned a = g->anchors ? next(g) % (g->anchors + 1) : 0;
		if (!(op & 8)) {
			buf_printf(&g->out, "*a%u", a);
			break;
		}
		unsigned m = next(g) % 64 + 1;
		buf_putc(&g->out, '[');
		for (unsigned i = 0; i < m; i++)
			buf_printf(&g->out, "%s*a%u", i ? ", " : "", a);
		buf_putc(&g->out, ']');
		break;
	}
	case 3:   /* an anchor on the next value */
		buf_printf(&g->out, "&a%u ", g->anchors++);
		value(g);
		break;
	case 4:
	case 5:
		collection(g, op % 8 == 5);
		break;
	case 6: { /* flow nesting far past the bound: '[' or '{a: ', closed or not */
		size_t n = (size_t)next(g) * 200 + 101;
		bool map = op & 8, close = op & 16;
		for (size_t i = 0; i < n; i++)
			buf_puts(&g->out, map ? "{a: " : "[");
		buf_puts(&g->out, "1");
		for (size_t i = 0; close && i < n; i++)
			buf_putc(&g->out, map ? '}' : ']');
		break;
	}
	default:  /* an anchored collection, aliased at once */
		buf_printf(&g->out, "[&a%u ", g->anchors);
		g->anchors++;
		collection(g, op & 8);
		buf_printf(&g->out, ", *a%u, *a%u]", g->anchors - 1, g->anchors - 1);
		break;
	}
}

/* A document: a block mapping of a few keys (an Ingress's first two when
 * asked), each a flow value. */
static void document(struct gen *g, bool ingress)
{
	if (ingress)
		buf_puts(&g->out, "apiVersion: networking.k8s.io/v1\nkind: Ingress\n"
		                  "metadata: {name: web, namespace: shop}\n");
	unsigned n = next(g) % 8 + 1;
	for (unsigned i = 0; i < n && g->p < g->end; i++) {
		key(g);
		buf_puts(&g->out, ": ");
		value(g);
		buf_putc(&g->out, '\n');
	}
}

/* ---- what must hold of a document ---------------------------------------- */

struct walk {
	size_t nodes, bytes;
	bool over;
};

static void walk(const json_t *v, struct walk *w)
{
	if (w->over)
		return;
	if (++w->nodes > MAX_NODES || w->bytes > 5 * (size_t)MAX_DOC) {
		w->over = true;
		return;
	}
	if (json_is_string(v)) {
		w->bytes += json_string_length(v);
	} else if (json_is_array(v)) {
		size_t i;
		const json_t *x;
		json_array_foreach(v, i, x) walk(x, w);
	} else if (json_is_object(v)) {
		const char *k;
		json_t *x;
		json_object_foreach((json_t *)v, k, x) {
			w->bytes += strlen(k);
			walk(x, w);
		}
	}
}

static enum iw_err check_doc(void *ctx, struct yd_doc *d)
{
	(void)ctx;
	if (!d->root) {
		if (!d->error)
			__builtin_trap();   /* a failed document says why */
		return IW_OK;
	}
	struct walk w = { 0, 0, false };
	walk(d->root, &w);
	if (w.over)
		__builtin_trap();   /* aliases expanded past the bounds */
	return IW_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gen g = { data, data + size, { 0 }, 0, 0 };
	buf_init(&g.out, 16u << 20);
	bool ingress = size && (data[0] & 1);
	if (size)
		g.p++;
	while (g.p < g.end && !g.out.err) {
		document(&g, ingress);
		if (g.p < g.end) {
			unsigned sep = next(&g);
			buf_puts(&g.out, sep % 4 ? "---\n" : "");
			if (sep % 16 == 1)   /* a few raw bytes in between */
				for (unsigned i = 0; i < sep / 16 && g.p < g.end; i++)
					buf_putc(&g.out, (char)next(&g));
		}
	}
	if (g.out.err || !g.out.p) {
		buf_release(&g.out);
		return 0;
	}
	struct yd_limits lim;
	yd_limits_init(&lim);
	lim.max_doc_bytes = MAX_DOC;
	lim.max_nodes = MAX_NODES;
	yd_parse(g.out.p, g.out.len, YD_YAML, &lim, check_doc, NULL);

	struct lint_opts o;
	lint_opts_init(&o);
	o.limits = lim;
	o.format = YD_YAML;
	struct lint_report *r = lint_report_new();
	if (r) {
		lint_buffer(r, "fuzz", g.out.p, g.out.len, &o);
		char *s;
		if (lint_render(r, LINT_OUT_JSON, 0, &s, NULL) == IW_OK)
			free(s);
	}
	lint_report_free(r);
	buf_release(&g.out);
	return 0;
}
