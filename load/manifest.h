/*
 * manifest: the one manifest loader.  Every command that reads Kubernetes
 * manifests (lint's PATHs and --against, review --against, route, router,
 * conformance, the cluster-state file) reads them through here, so that the
 * formats, the limits and the messages are the same everywhere.
 *
 *   struct mf_opts o;  mf_opts_init(&o);
 *   struct mf_sink s = { on_object, on_problem, ctx };
 *   int rc = mf_parse(buf, len, &o, &s);
 *
 * A buffer holds YAML documents (`---` separated), JSON documents (one or
 * more, NDJSON included), or both as kubectl writes them: single objects and
 * Lists (`kind: List`, `IngressList`, ...: any kind ending in "List" with an
 * `items` sequence), in JSON (`-o json`) and YAML (`-o yaml`).  Each object
 * (a document, or one item of a List) is handed to the object callback, with
 * its position and a handle for the positions of its fields.
 *
 * Limits (struct yd_limits): max_doc_bytes bounds ONE object (3 MiB, the API
 * server's limit for one object): a List may be larger, and is then read item
 * by item without building it whole (the file-size cap of the caller bounds
 * it).  Nesting, document count and expanded nodes are bounded per object as
 * yamldoc says.  Anything that is not a usable object is a problem (an input
 * error), reported with its position, and reading goes on:
 *   syntax errors (resynchronised at the next document), duplicate keys,
 *   "document is a sequence, not an object", "Object 'Kind' is missing",
 *   "Object 'apiVersion' is missing", "a List inside a List",
 *   "List items must be a sequence", "document too large (...)";
 * a problem inside a List names the item: "items[3]: Object 'Kind' is missing".
 * Empty documents are skipped silently.  A buffer with a Go template action
 * where a YAML value starts (`name: {{ .Release.Name }}`: an unrendered Helm
 * template) is one problem at that action, saying to render it first, and
 * is not read further.
 *
 * With mf_opts.strip, metadata.managedFields, the
 * kubectl.kubernetes.io/last-applied-configuration annotation and status are
 * removed from each object before it is handed over (a cluster snapshot is
 * mostly those; no check reads them).  lint's PATHs keep them: the API server
 * decodes them, and so does lint.
 *
 * Pure: no I/O, no globals.
 */
#ifndef IW_LOAD_MANIFEST_H
#define IW_LOAD_MANIFEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "load/yamldoc.h"

struct mf_opts {
	enum yd_format format;     /* YD_AUTO (default): JSON when the text starts with '{' or '[' */
	struct yd_limits limits;   /* max_doc_bytes: one object */
	bool strip;                /* drop managedFields, last-applied-configuration, status */
};
void mf_opts_init(struct mf_opts *o);

struct mf_object {
	json_t *obj;               /* borrowed, valid during the callback; may be modified */
	const char *kind, *api_version;   /* non-empty strings of obj */
	size_t document;           /* its document's index in the buffer (0-based) */
	size_t item;               /* its index in a List's items, or SIZE_MAX */
	unsigned line, col;        /* where it starts */
	struct yd_doc *doc;        /* positions: yd_locate(doc, node, "spec.rules[0].host") */
	yd_node node;              /* the object's node in doc (0: the document's root) */
	bool alone;                /* doc holds this object alone (an item of a List read
	                              item by item): its root is the object */
};

struct mf_problem {
	size_t document;           /* index of the document, SIZE_MAX when none */
	size_t item;               /* the List item, or SIZE_MAX */
	unsigned line, col;        /* 0 when unknown */
	const char *message;       /* valid during the callback */
	/* The document is no Kubernetes object at all: a scalar or a sequence,
	 * a mapping without kind or apiVersion (a CI workflow, Helm values), or
	 * the buffer is a template.  A caller that reads every YAML file of a
	 * repository may skip it (lint --skip-non-k8s).  Never set for an item
	 * of a List. */
	bool not_object;
};

struct mf_sink {
	/* Each object; return IW_OK to go on, a failure to stop (mf_parse returns it). */
	enum iw_err (*object)(void *ctx, struct mf_object *o);
	/* Each problem (may be NULL: problems are then dropped). */
	void (*problem)(void *ctx, const struct mf_problem *p);
	void *ctx;
};

/*
 * Reads every object of buf[0..len).  Returns IW_OK (input errors are not
 * failures: they are problems), the object callback's failure when it
 * stopped, or IW_ENOMEM.
 */
enum iw_err mf_parse(const char *buf, size_t len, const struct mf_opts *o,
                     const struct mf_sink *s);

/*
 * The object as a value that outlives the callback: a new reference (a copy
 * when the document was built in an arena, yd_limits.arena); NULL on OOM.
 */
json_t *mf_keep(const struct mf_object *o);

/*
 * Bytes in other encodings: UTF-16 (LE or BE, with a byte order mark, or
 * JSON recognised by its zero bytes as RFC 4627 says) and UTF-32 with a byte
 * order mark are converted to UTF-8 into *out (malloc'd; NULL when the
 * buffer is already UTF-8 or ASCII, and left as it is).  Returns IW_OK,
 * IW_ESYNTAX (an unpaired surrogate or an odd length: 'err' says where) or
 * IW_ENOMEM.
 */
enum iw_err mf_to_utf8(const char *buf, size_t len, char **out, size_t *out_len, char *err,
                       size_t err_size);

#endif
