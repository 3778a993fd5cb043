/* yamldoc: positions and lookups; a document's table computed on demand. */
#include "load/yd_private.h"
#include "model/jsonmem.h"

#include "load/jarena.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Lazy positions for one document (a JSON one, or one saved): parse its text
 * again with libyaml. */
static struct yd_tree *lazy_tree(struct yd_doc *doc)
{
	struct lazy_json *lz = doc->lazy_;
	if (doc->tree_ || !lz || lz->tried)
		return doc->tree_;
	lz->tried = true;
	unsigned long f0 = iw_json_failures();
	struct view v;
	if (!ydi_make_view(lz->buf, lz->off, lz->len, lz->line, lz->col, false, &v)) {
		doc->err = IW_ENOMEM;
		return NULL;
	}
	struct yd_limits lim;
	yd_limits_init(&lim);
	struct jarena_scope scratch = jarena_scratch_begin();   /* the values are not kept */
	struct run r = { 0 };
	r.buf = v.p;
	r.len = v.n;
	r.lim = &lim;
	if (!ydi_builder_init(&r.b, &lim)) {
		free(v.copy);
		jarena_scratch_end(scratch);
		doc->err = IW_ENOMEM;
		return NULL;
	}
	/* one document, parsed by hand so that its tree survives */
	yaml_parser_t p;
	yaml_event_t e;
	bool ok = false;
	bool oom = !yaml_parser_initialize(&p);
	if (!oom) {
		struct feed in;
		ydi_feed_init(&in, &p, v.p, v.n, &lim);
		r.b.line0 = v.line0;
		r.b.col0 = v.col0;
		for (;;) {
			if (!yaml_parser_parse(&p, &e)) {
				oom = p.error == YAML_MEMORY_ERROR;
				break;
			}
			yaml_event_type_t t = e.type;
			switch (t) {
			case YAML_SCALAR_EVENT: ydi_on_scalar(&r.b, &e); break;
			case YAML_ALIAS_EVENT: ydi_on_alias(&r.b, &e); break;
			case YAML_MAPPING_START_EVENT:
			case YAML_SEQUENCE_START_EVENT:
				ydi_on_start(&r.b, &e, t == YAML_MAPPING_START_EVENT);
				break;
			case YAML_MAPPING_END_EVENT:
			case YAML_SEQUENCE_END_EVENT: ydi_on_end(&r.b, &e); break;
			default: break;
			}
			yaml_event_delete(&e);
			if (t == YAML_DOCUMENT_END_EVENT) {
				ok = !r.b.failed && r.b.root_node;
				break;
			}
			if (r.b.failed || t == YAML_STREAM_END_EVENT)
				break;
		}
		yaml_parser_delete(&p);
	}
	free(v.copy);
	if (oom || r.b.oom || iw_json_failures() != f0) {
		doc->err = IW_ENOMEM;
		ok = false;
	}
	struct yd_tree *t = NULL;
	if (ok) {
		t = r.b.tree;
		r.b.tree = NULL;
		/* the root is the first node created */
	}
	ydi_builder_release(&r.b);
	jarena_scratch_end(scratch);
	doc->tree_ = t;
	return t;
}

static struct yd_tree *tree_of(struct yd_doc *doc)
{
	return doc->tree_ ? doc->tree_ : lazy_tree(doc);
}

yd_node yd_root(struct yd_doc *doc)
{
	struct yd_tree *t = tree_of(doc);
	if (!t || t->n < 2)
		return 0;
	/* the root is the first node of the document */
	return 1;
}

yd_node yd_child_at(struct yd_doc *doc, yd_node n, size_t i)
{
	struct yd_tree *t = tree_of(doc);
	if (!t || !n || n >= t->n)
		return 0;
	uint32_t c = t->v[n].first;
	while (c && i--)
		c = t->v[c].next;
	return c;
}

size_t yd_children(struct yd_doc *doc, yd_node n, yd_node *out, size_t max)
{
	struct yd_tree *t = tree_of(doc);
	if (!t || !n || n >= t->n)
		return 0;
	size_t k = 0;
	for (uint32_t c = t->v[n].first; c; c = t->v[c].next, k++)
		if (k < max)
			out[k] = c;
	return k;
}

struct yd_pos yd_node_pos(struct yd_doc *doc, yd_node n)
{
	struct yd_tree *t = tree_of(doc);
	if (!t || !n || n >= t->n)
		return (struct yd_pos){ 0, 0 };
	return (struct yd_pos){ t->v[n].line, t->v[n].col };
}

struct yd_pos yd_key_pos(struct yd_doc *doc, yd_node n)
{
	struct yd_tree *t = tree_of(doc);
	if (!t || !n || n >= t->n || t->v[n].klen == UINT32_MAX)
		return (struct yd_pos){ 0, 0 };
	return (struct yd_pos){ t->v[n].kline, t->v[n].kcol };
}

static struct yd_pos best_pos(const struct yd_tree *t, uint32_t n)
{
	const struct tnode *nd = &t->v[n];
	if (nd->coll && nd->klen != UINT32_MAX)
		return (struct yd_pos){ nd->kline, nd->kcol };
	return (struct yd_pos){ nd->line, nd->col };
}

/* The child of mapping node n whose key is the longest prefix of p ending at
 * a path separator (or, with 'whole', exactly p[0..plen)); 0 when none. */
static uint32_t child_by_key(const struct yd_tree *t, uint32_t n, const char *p, size_t plen,
                             bool whole, size_t *used)
{
	uint32_t next = 0;
	size_t best = 0;
	for (uint32_t c = t->v[n].first; c; c = t->v[c].next) {
		const struct tnode *cn = &t->v[c];
		if (cn->klen == UINT32_MAX)
			break;   /* a sequence: no keys */
		size_t kl = cn->klen;
		if (kl < best || kl > plen || memcmp(p, t->pool + cn->key, kl))
			continue;
		if (whole ? kl == plen : (p[kl] == 0 || p[kl] == '.' || p[kl] == '[')) {
			best = kl;
			next = c;
		}
	}
	*used = best;
	return next;
}

/* Walks 'path' from node n; returns the deepest node reached, *done when the
 * whole path was consumed. */
static uint32_t walk(struct yd_doc *doc, const struct yd_tree *t, uint32_t n, const char *path,
                     bool *done)
{
	const char *p = path ? path : "";
	*done = false;
	for (;;) {
		if (*p == 0) {
			*done = true;
			return n;
		}
		uint32_t next = 0;
		const char *rest = p;
		if (*p == '[' && p[1] >= '0' && p[1] <= '9') {
			char *end;
			errno = 0;
			unsigned long idx = strtoul(p + 1, &end, 10);
			if (*end != ']' || errno)
				return n;
			next = yd_child_at(doc, n, idx);
			rest = end + 1;
		} else if (*p == '[') {
			/* [key]: up to the last ']' that ends the path or a segment */
			const char *close = NULL;
			for (const char *q = p + 1; *q; q++)
				if (*q == ']' && (q[1] == 0 || q[1] == '.' || q[1] == '['))
					close = q;
			if (!close)
				return n;
			size_t used;
			next = child_by_key(t, n, p + 1, (size_t)(close - p - 1), true, &used);
			rest = close + 1;
		} else {
			if (*p == '.')
				p++;
			size_t used;
			next = child_by_key(t, n, p, strlen(p), false, &used);
			rest = p + used;
		}
		if (!next)
			return n;
		n = next;
		p = rest;
	}
}

struct yd_pos yd_locate(struct yd_doc *doc, yd_node from, const char *path, bool *exact)
{
	struct yd_tree *t = tree_of(doc);
	bool done = false;
	if (exact)
		*exact = false;
	if (!t || t->n < 2)
		return (struct yd_pos){ 0, 0 };
	uint32_t n = from ? from : 1;
	if (n >= t->n)
		return (struct yd_pos){ 0, 0 };
	n = walk(doc, t, n, path, &done);
	if (exact)
		*exact = done;
	return best_pos(t, n);
}

yd_node yd_lookup(struct yd_doc *doc, yd_node from, const char *path)
{
	struct yd_tree *t = tree_of(doc);
	bool done;
	if (!t || t->n < 2)
		return 0;
	uint32_t n = from ? from : 1;
	if (n >= t->n)
		return 0;
	n = walk(doc, t, n, path, &done);
	return done ? n : 0;
}
