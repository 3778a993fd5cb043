/*
 * Internal to the checks (checks/policy.c and checks/check_*.c): the context
 * a check runs in and the way it reports.  Not for callers.
 */
#ifndef IW_CHECKS_CHECKCTX_H
#define IW_CHECKS_CHECKCTX_H

#include "checks/check.h"
#include "checks/state.h"

struct chk_ctx {
	const struct iw_policy *p;
	const struct ingress *ing;      /* the object checked */
	const struct ingress *old;      /* its stored version (UPDATE) or NULL */
	const struct iw_state *st;      /* may be NULL */
	const char *ns, *name;          /* effective namespace ("default") and name */
	const char *cls;                /* effective class or NULL */
	bool audit;                     /* only the checks that look at other objects */
	struct findings *out;
};

/* Appends a finding of check 'id' with its configured severity ('alt': the
 * variant's severity), unless that severity is off. */
void chk_emit(struct chk_ctx *c, enum iw_check_id id, bool alt, const struct fpath *at,
              const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* true when the check is enabled (either severity) for this object */
bool chk_enabled(const struct chk_ctx *c, enum iw_check_id id);

/* Gathers the other Ingresses of the state that name one of the rule hosts of
 * c->ing (as written) and belong to its class, without the object itself.
 * Returns a malloc'd array (caller frees; may be NULL with *n == 0) with room
 * for *n + 1 entries (the caller may append one), or NULL with *n ==
 * (size_t)-1 on OOM. */
const struct ingress **chk_neighbours(const struct chk_ctx *c, size_t *n);

/* spec.rules[i].http.paths[j] */
#define CHK_PATH_FP(i, j) \
	FP_IDX(FP_KEY(FP_KEY(FP_IDX(FP_KEY(FP_KEY(NULL, "spec"), "rules"), (i)), "http"), "paths"), (j))
#define CHK_RULE_FP(i) FP_IDX(FP_KEY(FP_KEY(NULL, "spec"), "rules"), (i))

/* The checks (one file each family). */
void chk_duplicate_path(struct chk_ctx *c);
void chk_regex_in_path(struct chk_ctx *c);
void chk_tls_host_unserved(struct chk_ctx *c);
void chk_deprecated_api(struct chk_ctx *c);
void chk_deprecated_class_annotation(struct chk_ctx *c);
void chk_dangerous_annotation(struct chk_ctx *c);
void chk_dangling_service(struct chk_ctx *c);        /* and dangling-service-port */
void chk_ingress_class(struct chk_ctx *c);           /* unknown- and no-ingress-class */
void chk_tls_secret_conflict(struct chk_ctx *c);
void chk_wildcard_host_overlap(struct chk_ctx *c);
void chk_routing(struct chk_ctx *c);                 /* host-path-conflict and shadowed-path */

#endif
