/*
 * yamldoc's private header: what the files of the reader (load/yd_*.c) share.
 * The contract is load/yamldoc.h; nothing outside load/yd_*.c includes this.
 *
 * The files, each using only those above it (scripts/check-layers.py):
 *   yd_run.c     the limits, the text (BOM, lines, "---" markers, libyaml's
 *                character marks to byte offsets), a view of a range, and
 *                emit: handing one document to the caller's callback
 *   yd_tree.c    the position table of one document (struct yd_tree)
 *   yd_scalar.c  plain scalars typed as go-yaml v2 types them
 *   yd_items.c   the items of a List too large to build (yd_limits.split_lists)
 *   yd_build.c   the builder: libyaml events to jansson values + positions
 *   yd_yaml.c    YAML documents: libyaml fed in chunks, one builder per buffer
 *   yd_json.c    JSON documents: jansson, positions computed only on demand
 *   yd_lookup.c  positions and lookups (yd_root .. yd_lookup), computing a
 *                document's table on demand by reading its text again
 *   yd_saved.c   documents kept past the callback (yd_keep, yd_save, ...)
 *   yd_parse.c   yd_parse, yd_parse_range, yd_load_all
 */
#ifndef IW_LOAD_YD_PRIVATE_H
#define IW_LOAD_YD_PRIVATE_H

#include "load/yamldoc.h"

#include <stdint.h>
#include <stdio.h>
#include <yaml.h>

/* where a document's text is, to compute its positions on demand */
#define lazy_json yd_lazy_

/* ---------------------------------------------------------------- yd_run.c */

/* libyaml counts characters in its marks (a CRLF is two); offsets into the
 * buffer are bytes.  A cursor turns one into the other, moving from where it
 * was (the marks a parse asks for only go forward, so the whole buffer is
 * walked once).  A BOM libyaml skipped is not counted either. */
struct u8cur {
	const char *buf;
	size_t base, len;     /* the parser's input: buf[base .. len), BOM excluded */
	size_t ci, bi;        /* character index ci is at byte bi */
};
size_t ydi_u8_byte(struct u8cur *c, size_t ci);
size_t ydi_bom_len(const char *buf, size_t len);
unsigned ydi_count_lines(const char *s, size_t n);
/* Offset of the next line starting with "---" (followed by a blank or end of
 * line) at or after 'from'; len when none. */
size_t ydi_next_doc_marker(const char *buf, size_t len, size_t from);
size_t ydi_line_start(const char *buf, size_t at);
/* "document too large (the limit is 3 MiB per object...)" into msg;
 * 'aliases': "document too large with its aliases expanded (...)" */
void ydi_too_large(const struct yd_limits *lim, bool aliases, char *msg, size_t size);

/* Text to read again or alone: buf[off .. off+len), whose first byte is at
 * line:col.  A block (YAML) text keeps its indentation by padding its first
 * line with spaces; a flow or JSON text is read in place, its first line's
 * columns shifted.  false on OOM. */
struct view {
	const char *p;
	size_t n;
	char *copy;           /* owned, or NULL */
	size_t shift;         /* p[i] is the caller's buffer at i + shift */
	unsigned line0, col0;
};
bool ydi_make_view(const char *buf, size_t off, size_t len, unsigned line, unsigned col,
                   bool json, struct view *v);

/* ---------------------------------------------------------------- yd_tree.c */

struct tnode {
	uint32_t line, col;     /* the value */
	uint32_t kline, kcol;   /* its key, when a mapping value */
	uint32_t key, klen;     /* key text: offset into the pool; klen UINT32_MAX when no key */
	uint32_t first, next;   /* first child, next sibling (ids; 0 none) */
	uint32_t last;          /* last child (for appending) */
	uint8_t coll;           /* a mapping or sequence */
};

struct yd_tree {
	struct tnode *v;        /* v[0] unused: ids are indexes */
	size_t n, cap;
	char *pool;
	size_t plen, pcap;
};

void ydi_tree_reset(struct yd_tree *t);
void ydi_tree_free(struct yd_tree *t);
/* new node id, or 0 on OOM */
uint32_t ydi_tree_add(struct yd_tree *t, uint32_t line, uint32_t col, bool coll);
/* copies a key into the pool; returns offset or UINT32_MAX on OOM */
uint32_t ydi_pool_add(struct yd_tree *t, const char *s, size_t len);
void ydi_tree_link(struct yd_tree *t, uint32_t parent, uint32_t child);

/* ---------------------------------------------------------------- yd_scalar.c */

enum word { W_OTHER, W_NULL, W_TRUE, W_FALSE };
/* Which of the words above a plain scalar is (the empty scalar is null). */
enum word ydi_plain_word(const char *s, size_t len);
/* A plain scalar's value as go-yaml v2 resolves it; NULL on OOM. */
json_t *ydi_resolve_plain(const char *s, size_t len);

/* ---------------------------------------------------------------- the builder */

struct anchor {
	char *name;
	json_t *v;        /* a reference held */
	uint32_t node;
	size_t weight;
	size_t bytes;     /* its expansion: the bytes of its scalars and keys */
};

struct frame {
	json_t *v;
	uint32_t node;
	size_t weight;
	size_t bytes;     /* of its scalars and keys so far, aliases expanded */
	char *anchor;     /* owned */
	bool map;
	bool have_key, merge_key;
	bool merged;      /* a merge key brought keys in */
	uint32_t key, klen, kline, kcol;
};

struct builder {
	const struct yd_limits *lim;
	struct yd_tree *tree;
	struct frame *st;
	size_t depth, stcap;
	struct anchor *an;
	size_t nan, cap_an;
	size_t nodes;         /* expanded nodes of this document */
	/* bytes the aliases of this document stand for (their anchors'
	 * expansions): counted with its text against max_doc_bytes, so that a
	 * 1 MB anchor aliased 1,000 times is not a 1 GB object downstream */
	size_t alias_bytes;
	size_t doc_ci;        /* the character index where the document starts */
	json_t *root;
	uint32_t root_node;
	unsigned line0;       /* lines before the parser's input */
	unsigned col0;        /* columns before it on its first line */
	char err[160];
	unsigned err_line, err_col;
	bool failed, oom;
	/* yd_limits.split_lists: the items sequence of the root mapping */
	struct u8cur *cur;    /* marks to byte offsets; NULL: no item ranges */
	bool in_items;        /* st[1] is that sequence */
	bool skim;            /* its items are recorded, not built */
	bool split_used;      /* this document was split */
	size_t skim_depth;    /* collections open inside the current item (skim) */
	uint32_t items_node;  /* the sequence's node */
	size_t items_plen, items_nan, items_nodes;   /* pool, anchors, nodes before its items */
	size_t items_alias_bytes;                    /* alias_bytes before its items */
	size_t items_start, items_span;              /* its text */
	struct yd_range *items, open_item;
	size_t nitems, cap_items;
};

/* A mark's line and column in the whole buffer. */
static inline uint32_t mline(const struct builder *b, const yaml_mark_t *m)
{
	return (uint32_t)(m->line + b->line0 + 1);
}

static inline uint32_t mcol(const struct builder *b, const yaml_mark_t *m)
{
	return (uint32_t)(m->column + 1 + (m->line == 0 ? b->col0 : 0));
}

static inline void fail_at(struct builder *b, unsigned line, unsigned col, const char *msg)
{
	if (b->failed)
		return;
	b->failed = true;
	b->err_line = line;
	b->err_col = col;
	snprintf(b->err, sizeof b->err, "%s", msg);
}

static inline void fail(struct builder *b, const yaml_mark_t *m, const char *msg)
{
	fail_at(b, mline(b, m), mcol(b, m), msg);
}

static inline void fail_oom(struct builder *b, const yaml_mark_t *m)
{
	b->oom = true;
	fail(b, m, "out of memory");
}

/* yd_items.c: the items of a List (yd_limits.split_lists) */
void ydi_item_begin(struct builder *b, const yaml_mark_t *m);
void ydi_item_end(struct builder *b, const yaml_mark_t *end);
/* A value starts or ends directly inside the items sequence. */
bool ydi_at_item(const struct builder *b);
/* The document passed the bound inside its items: drop what was built of
 * them and record the rest. */
void ydi_skim_start(struct builder *b);
/* One event while skimming the items; false when it is not the skim's
 * (the end of the items sequence itself). */
bool ydi_skim_event(struct builder *b, const yaml_event_t *e);

/* yd_build.c: one call per libyaml event */
bool ydi_builder_init(struct builder *b, const struct yd_limits *lim);
void ydi_builder_release(struct builder *b);
/* drops what the builder holds of the current document */
void ydi_builder_clear_doc(struct builder *b);
void ydi_on_scalar(struct builder *b, const yaml_event_t *e);
void ydi_on_alias(struct builder *b, const yaml_event_t *e);
void ydi_on_start(struct builder *b, const yaml_event_t *e, bool map);
void ydi_on_end(struct builder *b, const yaml_event_t *e);

/* ---------------------------------------------------------------- one yd_parse call */

struct run {
	const char *buf;
	size_t len;
	const struct yd_limits *lim;
	yd_doc_fn fn;
	void *ctx;
	size_t index;
	enum iw_err stop;     /* the callback's failure: stop reading */
	bool halt;            /* the document count bound was hit */
	unsigned line0;       /* lines before buf[0] (yd_parse_range) */
	unsigned col0;        /* columns before buf[0] on its line (yd_parse_range) */
	size_t shift;         /* buf[i] is the caller's buffer at i + shift (yd_parse_range) */
	struct builder b;
};
/* Hands d to the callback (yd_run.c): the document count bound, the index,
 * the arena switched off during the callback.  Returns the callback's answer. */
enum iw_err ydi_emit(struct run *r, struct yd_doc *d);

/* yd_yaml.c: libyaml's input, fed in chunks (see there) */
struct feed {
	const unsigned char *p;
	size_t left;
	const yaml_parser_t *parser;
	const struct yd_limits *lim;
	bool cut;               /* the input was ended early (depth or cancel) */
};
void ydi_feed_init(struct feed *f, yaml_parser_t *p, const char *buf, size_t len,
                   const struct yd_limits *lim);
/* every YAML document of r->buf */
void ydi_run_yaml(struct run *r);
/* yd_json.c: every JSON document of r->buf */
void ydi_run_json(struct run *r);

#endif
