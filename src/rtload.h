/*
 * Shared by route, router and conformance: loading Ingress / IngressClass
 * objects into a routing table (decisions are rendered by router/router.h:
 * rt_decision_json, rt_backend_id).
 *
 * Files, directories and "-" are read by src/files.h and the manifest
 * loader (load/manifest.h): the same formats, limits and messages as lint.
 * Objects of other kinds are ignored.  Every Ingress and IngressClass is
 * decoded strictly and validated as one that could be stored in a cluster
 * (the API server's rules for an UPDATE of the object to itself: the rules
 * of CREATE, less the ones that only CREATE applies, such as the class
 * annotation next to ingressClassName); Ingresses of versions no API server
 * serves any more (extensions/v1beta1, networking.k8s.io/v1beta1) are
 * refused the way kubectl refuses them.  A refused object is reported on
 * stderr with its position (FILE:LINE:COL: error: Ingress NS/NAME: ...);
 * the load fails unless allow_invalid, which routes such objects as decoded
 * (the same lines then say "warning").
 */
#ifndef IW_SRC_RTLOAD_H
#define IW_SRC_RTLOAD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "load/manifest.h"
#include "model/fielderr.h"
#include "router/router.h"
#include "src/files.h"

/* One loaded set: owns the documents, the models and the table. */
struct rtset {
	json_t *objects;                /* every object kept (Ingress, IngressClass) */
	struct ingress **ings;
	size_t nings;
	struct ingress_class **classes;
	size_t nclasses;
	struct rt_table *table;
	size_t ignored;                 /* objects of other kinds */
	size_t invalid;                 /* objects the API server would refuse */
	size_t problems;                /* input errors (unreadable, syntax, ...) */
};

struct rtload_opts {
	const char *cmd;                /* for messages: "route" */
	const char *cls;                /* the class served; NULL: every Ingress */
	bool allow_invalid;             /* route refused objects anyway, with warnings */
	enum iw_profile_id profile;     /* who decides: IW_PROFILE_SPEC (0, the reference) or
	                                 * IW_PROFILE_INGRESS_NGINX (the emulation) */
	struct iw_read_opts read;       /* --max-file-bytes, --exclude */
	/* Callers that read more than Ingresses (src/objset.h: route --gateway-api,
	 * diff); each may be NULL.  'other' gets every object of another kind
	 * (instead of counting it in 'ignored') with its file's name, and returns
	 * IW_OK, IW_EINVAL when it refused the object (said on stderr already,
	 * e.g. with rtload_refused; counted in 'invalid') or a failure that stops
	 * the load.  'kept' is told each Ingress kept, with its file and object. */
	enum iw_err (*other)(void *ctx, struct mf_object *mo, const char *file);
	enum iw_err (*kept)(void *ctx, const struct ingress *ing, const char *file,
	                    const struct mf_object *mo);
	void *ctx;
	bool no_table;                  /* build no table (the caller builds its own) */
};

/*
 * The errors of one object the API server would refuse, each on stderr at
 * its field ("ingress-warden CMD: FILE:LINE:COL: error: WHAT: MESSAGE";
 * "warning" with allow_invalid); a message said twice is said once.  'what'
 * names the object ("HTTPRoute web/app"); 'v1beta1': the fields as the
 * removed Ingress versions spell them.  IW_OK or IW_ENOMEM.
 */
enum iw_err rtload_refused(const struct rtload_opts *o, const struct mf_object *mo,
                           const char *file, const char *what, bool v1beta1,
                           const struct errlist *el);

/*
 * Loads every path and builds the table into *out.  Returns IW_OK;
 * IW_ESYNTAX (input errors), IW_EINVAL (objects the API server would refuse,
 * without allow_invalid) or IW_ENOMEM, with a one-line summary in 'msg'
 * ("1 object the API server would refuse (above); ..."): every problem and
 * refused object is on stderr already.
 */
enum iw_err rtset_load(char *const *paths, size_t npaths, const struct rtload_opts *o,
                       struct rtset **out, char *msg, size_t msgsize);
void rtset_free(struct rtset *s);
/* Another table from the same objects (route --compare); NULL on OOM.  The
 * caller frees it (rt_free) before rtset_free. */
struct rt_table *rtset_table(const struct rtset *s, const char *cls, enum iw_profile_id profile);

#endif
