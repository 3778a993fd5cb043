/*
 * Shared by route, router and conformance: loading Ingress / IngressClass
 * objects from files into a routing table (decisions are rendered by
 * router/router.h: rt_decision_json, rt_backend_id).
 *
 * A file is JSON (one or more documents, a List/IngressList expanded) or
 * YAML (several documents); a directory is walked for .yaml/.yml/.json;
 * "-" is stdin.  Objects of other kinds are ignored.
 */
#ifndef IW_SRC_RTLOAD_H
#define IW_SRC_RTLOAD_H

#include <jansson.h>
#include <stddef.h>

#include "router/router.h"

/* One loaded set: owns the documents, the models and the table. */
struct rtset {
	json_t *objects;                /* every object kept (Ingress, IngressClass) */
	struct ingress **ings;
	size_t nings;
	struct ingress_class **classes;
	size_t nclasses;
	struct rt_table *table;
	size_t ignored;                 /* objects of other kinds */
	size_t decode_errors;           /* objects whose decoding reported errors */
};

/*
 * Loads every path and builds the table serving 'cls' (NULL: every Ingress).
 * Returns NULL with a one-line reason in 'err' ("cannot read 'x.yaml': ...",
 * "x.json:3:5: ...").  Decode errors of single objects are printed to
 * stderr as warnings; the object is still routed as decoded.
 */
struct rtset *rtset_load(char *const *paths, size_t npaths, const char *cls,
                         char *err, size_t errsz);
void rtset_free(struct rtset *s);

#endif
