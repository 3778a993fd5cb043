/*
 * A set of objects read from files, with where each came from: what
 * `route --gateway-api` and `diff` read.  Files, directories and "-" are
 * read as route reads them (src/rtload.h over src/files.h and the manifest
 * loader: the same formats, limits, problems and messages), and every
 * object (List items expanded) is taken by kind: Ingress and IngressClass
 * as route takes them (decoded strictly, validated as objects the API
 * server would store, removed versions refused), Service (v1), Gateway,
 * HTTPRoute, ReferenceGrant (gateway.networking.k8s.io v1 and v1beta1,
 * decoded and validated with their CRDs' rules: validate/gwvalidate.h) and
 * Namespace (its labels); other kinds are counted and ignored.  An object
 * the API server would refuse is reported on stderr at its fields
 * ("ingress-warden CMD: FILE:LINE:COL: error: HTTPRoute NS/NAME: ...") and
 * fails the load, unless allow_invalid: then the line says "warning", an
 * Ingress is routed as decoded and a Gateway API object is left out (its
 * CRD's rules say what the routers may rely on).
 */
#ifndef IW_SRC_OBJSET_H
#define IW_SRC_OBJSET_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "model/gateway.h"
#include "model/model.h"
#include "model/service.h"
#include "src/files.h"

struct obj_origin {
	const char *source;     /* the file name ("<stdin>"); owned by the set */
	unsigned line;          /* of the object (its document, or its List item) */
	size_t item;            /* its index in a List, or SIZE_MAX */
};

struct obj_index_ {
	const void *m;
	const struct obj_origin *at;
};

struct objset {
	struct ingress **ings;           /* borrowed from rs_ */
	struct obj_origin *ing_at;
	size_t nings;
	struct ingress_class **classes;  /* borrowed from rs_ */
	size_t nclasses;
	struct iw_service **services;
	size_t nservices;
	struct gateway **gateways;
	struct obj_origin *gateway_at;
	size_t ngateways;
	struct httproute **routes;
	struct obj_origin *route_at;
	size_t nroutes;
	struct reference_grant **grants;
	size_t ngrants;
	struct gw_namespace **namespaces;
	size_t nnamespaces;
	size_t ignored;             /* objects of other kinds */
	size_t refused;             /* objects the API server would refuse */
	/* private */
	struct rtset *rs_;
	char **sources_;
	size_t nsources_;
	size_t cap_[10];
	struct obj_index_ *index_;   /* sorted by model address */
	size_t nindex_;
};

struct objset_opts {
	const char *cmd;             /* for messages: "route", "diff" */
	bool allow_invalid;
	struct iw_read_opts read;    /* --max-file-bytes, --exclude */
};

/*
 * Loads every path (a file, a directory walked for .yaml/.yml/.json, "-"
 * for stdin) into *out.  Returns IW_OK; IW_ESYNTAX (input errors),
 * IW_EINVAL (objects the API server would refuse, without allow_invalid)
 * or IW_ENOMEM, with a one-line summary in 'msg': every problem and refused
 * object is on stderr already.
 */
enum iw_err objset_load(char *const *paths, size_t npaths, const struct objset_opts *o,
                        struct objset **out, char *msg, size_t msgsize);
void objset_free(struct objset *s);

/* The origin of an Ingress or HTTPRoute of the set (matched by pointer, in
 * O(log n)); NULL if none. */
const struct obj_origin *objset_origin(const struct objset *s, const void *model);

#endif
