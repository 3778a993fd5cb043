/*
 * Policy: the checks beyond the API server.  Each check has a stable ID, a
 * default severity and a one-line description; a policy (parsed from the
 * --config file by lib/policyconf.h, or all defaults) can turn a check off,
 * change its severity, or scope it to some namespaces / IngressClasses.
 *
 *   struct iw_policy *p = iw_policy_new();          // every check at its default
 *   iw_policy_check(p, ing, old, state, &findings);  // appends findings
 *   iw_policy_free(p);
 *
 * The checks look at one object (CREATE: old == NULL; UPDATE: old is the
 * stored version, which the object never conflicts with) and, when a state
 * is given (validate/state.h), at the other objects of the cluster that the
 * object touches: only the Ingresses that name one of its hosts are read, so
 * a check costs the same with 100 or 100,000 Ingresses in the state.
 * Cross-object conflicts are decided with the reference router (router/).
 *
 * Pure: no I/O, no globals.  A policy is immutable while checks run: several
 * threads may check with one policy and one (unchanging) state.
 */
#ifndef IW_VALIDATE_POLICY_H
#define IW_VALIDATE_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "validate/findings.h"
#include "validate/model.h"

struct iw_state;   /* validate/state.h */

/* Check IDs (the stable strings appear in findings, configs, metrics). */
enum iw_check_id {
	IW_CHK_HOST_PATH_CONFLICT = 0,
	IW_CHK_WILDCARD_HOST_OVERLAP,
	IW_CHK_DUPLICATE_PATH,
	IW_CHK_SHADOWED_PATH,
	IW_CHK_TLS_HOST_UNSERVED,
	IW_CHK_TLS_SECRET_CONFLICT,
	IW_CHK_DANGLING_SERVICE,
	IW_CHK_DANGLING_SERVICE_PORT,
	IW_CHK_UNKNOWN_INGRESS_CLASS,
	IW_CHK_NO_INGRESS_CLASS,
	IW_CHK_DEPRECATED_API,
	IW_CHK_DEPRECATED_CLASS_ANNOTATION,
	IW_CHK_DANGEROUS_ANNOTATION,
	IW_CHK_REGEX_IN_PATH,
	IW_NCHECKS
};

struct iw_check_info {
	const char *id;                 /* "host-path-conflict" */
	enum iw_severity severity;      /* default severity */
	/* a second, independent severity for a variant of the check, or
	 * IW_SEV_OFF when the check has none (host-path-conflict: the same
	 * namespace; duplicate-path: the same backend twice) */
	enum iw_severity alt_severity;
	const char *alt_key;            /* config key of the variant, or NULL */
	bool needs_state;               /* looks at other objects */
	const char *summary;            /* what it catches, one line */
};

/* The table of checks, IW_NCHECKS entries, in enum order. */
const struct iw_check_info *iw_check_info(enum iw_check_id id);
/* Looks a check up by ID; returns -1 when unknown. */
int iw_check_lookup(const char *id);

/* Per-check configuration. */
struct iw_check_conf {
	enum iw_severity severity;        /* IW_SEV_OFF disables the check */
	enum iw_severity alt_severity;    /* the variant's severity (see above) */
	/* Scope: NULL lists mean "every".  Strings and arrays are owned by the
	 * policy (iw_policy_free frees them). */
	char **namespaces;   size_t nnamespaces;     /* only objects in these */
	char **exclude_namespaces; size_t nexclude_namespaces;
	char **classes;      size_t nclasses;        /* only objects of these IngressClasses */
};

struct iw_policy {
	struct iw_check_conf check[IW_NCHECKS];
};

/* A policy with every check at its default severity and no scope.  NULL on OOM. */
struct iw_policy *iw_policy_new(void);
void iw_policy_free(struct iw_policy *p);   /* NULL is a no-op */

/*
 * Runs every enabled check on 'ing'.  'old' is the stored version for an
 * UPDATE (NULL for CREATE); 'state' (may be NULL) holds the other objects.
 * When 'state' holds an object with the same namespace/name as 'ing', it is
 * taken to be the old version and ignored.  Findings are appended to 'out'
 * (out->oom on lack of memory).
 */
void iw_policy_check(const struct iw_policy *p, const struct ingress *ing,
                     const struct ingress *old, const struct iw_state *state,
                     struct findings *out);

/*
 * Audit: runs the checks that look at other objects on every Ingress of
 * 'state' against the rest of the state, to find the conflicts that entered
 * the cluster anyway (objects older than the webhook, two replicas admitting
 * two conflicting objects at once).  'fn' is called once per Ingress that
 * has findings, in namespace/name order, with the findings of that Ingress
 * (borrowed for the call).  Returns the number of findings, or -1 on OOM.
 */
typedef void (*iw_audit_fn)(void *arg, const struct ingress *ing,
                            const struct findings *fl);
long iw_policy_audit(const struct iw_policy *p, const struct iw_state *state,
                     iw_audit_fn fn, void *arg);

/* The class an Ingress belongs to for the checks: the annotation, else
 * spec.ingressClassName, else the state's default IngressClass, else NULL. */
const char *iw_effective_class(const struct ingress *ing, const struct iw_state *state);

#endif
