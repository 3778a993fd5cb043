/*
 * yamldoc: manifests (YAML or JSON, many documents per buffer) loaded into
 * jansson values, with the position (line, column; 1-based) of every node and
 * of every mapping key.
 *
 * YAML is read with libyaml's event parser; scalars are typed the way
 * Kubernetes' YAML decoder (sigs.k8s.io/yaml over go-yaml v2) types them
 * before the JSON decoder sees them:
 *   - quoted, literal and folded scalars, and plain scalars tagged !!str, are
 *     strings;
 *   - plain `~`, `null`, `Null`, `NULL` and the empty scalar are null;
 *   - plain `true/True/TRUE/false/...` are booleans, and so are go-yaml v2's
 *     YAML 1.1 forms `y Y yes Yes YES on On ON` / `n N no No NO off Off OFF`
 *     (so `enabled: yes` is the boolean true, as kubectl sends it);
 *   - plain integers as Go's strconv.ParseInt(s, 0, 64) after removing '_'
 *     (`0x1F`, `0o17`, `0b101`, `017` octal), then floats
 *     (`[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`); a float with an
 *     integral value below 1e21 becomes an integer, because Go's JSON encoder
 *     writes it without a fraction (`port: 8e1` reaches the API server as 80);
 *   - everything else (timestamps, `.inf`, `.nan` included) is a string.
 * Mapping keys are the scalar's text (a boolean key becomes "true"/"false",
 * a null key "null"); a mapping or sequence as a key is an error.  Merge keys
 * (`<<: *base`, `<<: [*a, *b]`) are applied; keys given in the mapping win.
 * Anchors and aliases are resolved by sharing the anchored value (the tree
 * may be a DAG: treat it as read-only).
 *
 * JSON (YD_JSON) is read with jansson: several documents may follow each
 * other; each becomes one document.  Positions of JSON documents are computed
 * only when asked for (yd_locate), by reading that one document again with
 * libyaml.
 *
 * A key that appears twice in one mapping fails its document at the second
 * key ("duplicate key \"host\""), in YAML and in JSON, as kubectl's strict
 * decoding does (a key a merge key brought in may be given again: that is
 * how merges are overridden).  A UTF-8 byte order mark at the start is
 * skipped in both.
 *
 * Untrusted input: depth, document size, document count and the expanded
 * node count (aliases count their whole expansion: "billion laughs" stops at
 * the bound) are bounded by struct yd_limits.  The document size counts its
 * text and the bytes its aliases stand for (the scalars and keys of their
 * anchors, expanded): a 1 MB anchor aliased 1,000 times fails at the alias
 * that passes max_doc_bytes ("document too large with its aliases
 * expanded"), as the 1 GB object kubectl would send.  A syntax error or a bound hit
 * fails only its document: it is reported (line:column and message) and
 * reading resumes at the next `---` line (YAML) or the next line starting
 * with '{' (JSON).
 *
 * No global state; no I/O.
 */
#ifndef IW_LOAD_YAMLDOC_H
#define IW_LOAD_YAMLDOC_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "load/range.h"

struct jarena;

enum yd_format {
	YD_AUTO = 0,   /* JSON when the first non-blank byte is '{' or '[', else YAML */
	YD_YAML,
	YD_JSON,
};

struct yd_limits {
	size_t max_depth;      /* nesting of mappings/sequences; default 100 */
	size_t max_doc_bytes;  /* one document, aliases expanded; default 3 MiB (the API
	                          server's request limit) */
	size_t max_docs;       /* documents per buffer; default 1,000,000 */
	size_t max_nodes;      /* nodes per document, aliases expanded; default 1,000,000 */
	/* Not a limit: where the documents' JSON is built.  NULL (the default):
	 * jansson's heap.  An arena (load/jarena.h, bound to this thread): each
	 * document's tree is built there and the arena is reset after the
	 * callback, so no value of d->root may be kept past the callback, not
	 * even with json_incref (json_deep_copy it instead). */
	struct jarena *arena;
	/* Not a limit either: when set, another thread may store true here to
	 * stop the work (a lint request whose connection was cut); yd_parse then
	 * returns IW_ECANCELED at the next document or within about a kilobyte
	 * of input, without calling the callback again.  NULL: never. */
	const atomic_bool *cancel;
	/* Not a limit: Lists larger than max_doc_bytes (a cluster snapshot).
	 * When set, a document whose top level is a mapping with an `items`
	 * sequence may be larger than max_doc_bytes: once it passes the bound,
	 * its items are no longer built (those built so far are dropped), only
	 * the byte range of each item is recorded.  The callback then gets the
	 * rest of the document as root (`items` an empty sequence), 'split' set
	 * and every item's range in 'items' (read each with yd_parse_range()).
	 * The rest of the document is still bounded by max_doc_bytes, and the
	 * callback decides whether the document is a List at all.  An item of a
	 * split List is read alone: an alias to an anchor outside it fails. */
	bool split_lists;
};

/* true when lim->cancel is set and true */
bool yd_cancelled(const struct yd_limits *lim);

/* Fills the defaults above. */
void yd_limits_init(struct yd_limits *lim);

struct yd_tree;   /* private: the position table of one document */

/*
 * One document, as handed to the callback of yd_parse().  Everything in it is
 * owned by yd_parse and valid only during the callback; json_incref(root) to
 * keep the value (json_deep_copy when the limits name an arena).  The tree is
 * read-only.
 */
struct yd_doc {
	size_t index;         /* 0-based, counting every document of the buffer (failed ones too) */
	unsigned line;        /* line where the document's content starts */
	json_t *root;         /* the value; NULL when the document failed (error set) */
	bool empty;           /* no content (only comments, or a null): root is json null */
	const char *error;    /* NULL, or why the document failed ("mapping values are not allowed in this context") */
	unsigned err_line, err_col;
	size_t offset, length; /* the document's text: buf[offset .. offset+length) */
	unsigned start_line;  /* line of buf[offset] */
	enum iw_err err;      /* IW_ENOMEM once positions could not be computed for lack of
	                         memory (yd_locate then answers "unknown"): sticky */
	unsigned start_col;   /* its column */
	enum yd_format format; /* YD_YAML or YD_JSON: how the document was read */
	/* yd_limits.split_lists: a List too large to build whole */
	bool split;
	const struct yd_range *items;   /* split: each item's text */
	size_t nitems;
	/* private */
	struct yd_tree *tree_;
	void *lazy_;          /* where to find the text to compute positions from */
	bool in_arena_;       /* root lives in an arena (yd_limits.arena) */
};

/*
 * A value of d's tree (the root or any part of it) that the caller may keep
 * past the callback: a new reference to v, or, when the tree is built in an
 * arena (yd_limits.arena, whose values die when the callback returns), a
 * deep copy on jansson's heap.  NULL on OOM.  The one way to keep a value
 * of a document: json_incref alone is not enough under an arena.
 */
json_t *yd_keep(const struct yd_doc *d, json_t *v);

/*
 * Called once per document, in order.  Return IW_OK to go on, a failure to
 * stop (yd_parse then returns it).
 */
typedef enum iw_err (*yd_doc_fn)(void *ctx, struct yd_doc *doc);

/*
 * Reads every document of buf[0..len) and calls fn for each.  'buf' must stay
 * valid and unchanged during the call.  lim may be NULL (defaults).
 * Returns IW_OK when done (a document that fails is not a failure: it is
 * reported to fn with its error), the callback's failure when it stopped,
 * IW_ENOMEM, or IW_ECANCELED when lim->cancel was set.
 */
enum iw_err yd_parse(const char *buf, size_t len, enum yd_format fmt,
                     const struct yd_limits *lim, yd_doc_fn fn, void *ctx);

/*
 * yd_parse() over the text 'at' of buf only, with the positions and offsets
 * of the whole buffer (at->line and at->col are those of its first byte).
 * For one item of a split List: yd_parse_range(buf, len, &d->items[i],
 * d->format, ...).
 * Positions computed later (yd_save / yd_saved_open) use the whole buffer.
 * Returns as yd_parse() (IW_EINVAL when 'at' is not inside buf).
 */
enum iw_err yd_parse_range(const char *buf, size_t len, const struct yd_range *at,
                           enum yd_format fmt, const struct yd_limits *lim, yd_doc_fn fn,
                           void *ctx);

/*
 * Whether the plain (unquoted) scalar s[0..len) reads as that very string
 * (not as a number, boolean, null, or the merge key "<<"): a writer of YAML
 * quotes the strings for which this is false (load/yamlout.h).
 */
bool yd_plain_is_string(const char *s, size_t len);

/* A position; 0 when unknown. */
struct yd_pos {
	unsigned line, col;
};

/*
 * Node handles into a document's position table: 0 is "none"; valid only
 * during the callback.  yd_root() is the document's root node.
 */
typedef unsigned yd_node;
yd_node yd_root(struct yd_doc *doc);
/* The i-th item of a sequence node (O(i)); 0 when absent. */
yd_node yd_child_at(struct yd_doc *doc, yd_node n, size_t i);
/* Collects the items of a sequence node into out[0..max); returns how many
 * there are (may exceed max).  O(items): use it to walk a List. */
size_t yd_children(struct yd_doc *doc, yd_node n, yd_node *out, size_t max);
/* A node's own position, and the position of its key (0 when not a mapping value). */
struct yd_pos yd_node_pos(struct yd_doc *doc, yd_node n);
struct yd_pos yd_key_pos(struct yd_doc *doc, yd_node n);

/*
 * Finds a field path as fpath_render() writes it ("spec.rules[0].host",
 * "metadata.annotations.kubernetes.io/ingress.class": keys are not escaped,
 * so at each mapping the longest key that the rest of the path starts with
 * wins; "[key]" with a non-numeric key also names a mapping key, as in
 * "metadata.annotations[kubernetes.io/ingress.class]"), starting at node
 * 'from' (0: the root).  Returns the position of the
 * node, or for a field that does not exist the position of its nearest
 * existing parent; *exact (may be NULL) tells which.  The position is the key
 * of a mapping value that is itself a mapping or sequence (`backend:` rather
 * than the first line inside it), else the value.  {0,0} when the document
 * has no position table (a JSON document that libyaml cannot read).
 */
struct yd_pos yd_locate(struct yd_doc *doc, yd_node from, const char *path, bool *exact);

/* The node at a path (same syntax as yd_locate), or 0 when it does not exist. */
yd_node yd_lookup(struct yd_doc *doc, yd_node from, const char *path);

/*
 * Keeping documents past the callback.  yd_save() takes what a later pass
 * needs (the value when 'keep_value': a reference, or a copy when the tree is
 * in an arena; the error; where the text is); after the yd_parse() call,
 * yd_saved_open() turns it back into a struct yd_doc whose positions are
 * computed on demand by reading that document's text again (only documents
 * that need a position pay for it).  'buf' must be the same buffer,
 * unchanged.  yd_saved_close() frees what open built; yd_saved_release()
 * drops the saved value.  yd_save returns IW_OK or IW_ENOMEM.
 */
struct yd_saved {
	json_t *root;
	size_t index, offset, length;
	unsigned line, start_line, start_col, err_line, err_col;
	bool empty;
	char *error;
	struct yd_lazy_ {       /* private */
		const char *buf;
		size_t off, len;
		unsigned line, col;
		bool tried;
	} lz_;
};
enum iw_err yd_save(const struct yd_doc *d, struct yd_saved *out, bool keep_value);
void yd_saved_open(struct yd_saved *s, const char *buf, struct yd_doc *d);
void yd_saved_close(struct yd_doc *d);
void yd_saved_release(struct yd_saved *s);

/*
 * Convenience for callers that want values only: every non-empty document of
 * buf as a new JSON array *out (caller owns it).  Returns IW_OK; IW_ESYNTAX
 * at the first failed document, with "LINE:COL: message" in 'msg' (if
 * msgsize > 0); IW_ENOMEM.  *out is NULL on failure.
 */
enum iw_err yd_load_all(const char *buf, size_t len, enum yd_format fmt,
                        const struct yd_limits *lim, json_t **out, char *msg, size_t msgsize);

#endif
