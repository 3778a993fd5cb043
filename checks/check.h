/*
 * The table of checks beyond the API server, and their configuration.  Each
 * check has a stable ID, a default severity and a one-line description; a
 * policy (struct iw_policy: parsed from the --config file by
 * checks/policyconf.h, or all defaults) can turn a check off, change its
 * severity, or scope it to some namespaces / IngressClasses.  Running the
 * checks is checks/policy.h; writing one is checks/checkctx.h.
 *
 * Pure: no I/O, no globals (the table is constant).
 */
#ifndef IW_CHECKS_CHECK_H
#define IW_CHECKS_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "checks/findings.h"
#include "profile/profile.h"

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
	IW_CHK_CONTROLLER_REJECTS,
	IW_CHK_DANGEROUS_PATH,
	IW_CHK_IGNORED_ANNOTATION,
	IW_CHK_CANARY_WITHOUT_MAIN,
	IW_CHK_MINION_WITHOUT_MASTER,
	/* Gateway API HTTPRoutes (checks/check_httproute.c) */
	IW_CHK_HTTPROUTE_CONFLICT,
	IW_CHK_HTTPROUTE_SHADOWED_MATCH,
	IW_CHK_HTTPROUTE_NOT_ATTACHED,
	IW_CHK_HTTPROUTE_DANGLING_BACKEND,
	IW_CHK_HTTPROUTE_BACKEND_NOT_PERMITTED,
	IW_CHK_HTTPROUTE_INVALID_REGEX,
	IW_NCHECKS
};

/* The annotation that silences checks on one object: a comma-separated
 * list of check IDs ("host-path-conflict, regex-in-path").  Its findings
 * are still made, marked suppressed (findings.h).  Whoever writes the object
 * writes the annotation: by default it silences warnings only, so that an
 * author cannot lift a denial (a snippet, a route taken from another
 * namespace) by annotating the object; the policy decides
 * (iw_policy.ignore, `ignoreAnnotation:` in the policy file). */
#define IW_IGNORE_ANNOTATION "ingress-warden.io/ignore"

enum iw_ignore_mode {
	IW_IGNORE_WARNINGS = 0,   /* default: the annotation silences warnings, never a denial */
	IW_IGNORE_ALL,            /* warnings and errors (authors are trusted) */
	IW_IGNORE_NONE,           /* the annotation is not read */
};

struct iw_check_info {
	const char *id;                 /* "host-path-conflict" */
	enum iw_severity severity;      /* default severity */
	/* a second, independent severity for a variant of the check, or
	 * IW_SEV_OFF when the check has none (host-path-conflict: the same
	 * namespace; duplicate-path: the same backend twice) */
	enum iw_severity alt_severity;
	const char *alt_key;            /* config key of the variant, or NULL */
	/* Looks at other objects (the state): its verdict on an object can
	 * change when another object changes.  These are the checks the audit
	 * runs (iw_policy_audit); the others need no second look. */
	bool needs_state;
	const char *summary;            /* what it catches, one line */
	bool on_class;                  /* also runs on IngressClasses (iw_policy_check_class);
	                                   every check runs on Ingresses */
	/* For users (`ingress-warden checks`, SARIF rules); NULL where a check
	 * has none yet (then 'summary' stands in). */
	const char *title;              /* a few words: "Two Ingresses claim one route" */
	const char *why;                /* why it matters: what breaks, for whom */
	const char *profiles;           /* the controller profiles it looks for, or NULL: every profile */
};

/* The table of checks, IW_NCHECKS entries, in enum order. */
const struct iw_check_info *iw_check_info(enum iw_check_id id);
/* Looks a check up by ID into *out: IW_OK, or IW_ENOTFOUND when unknown. */
enum iw_err iw_check_lookup(const char *id, enum iw_check_id *out);

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
	/* Controller profiles (profile/profile.h): --controller, and the
	 * configuration's IngressClass name -> profile mapping; the strings of
	 * the mapping are owned by the policy. */
	struct iw_profile_conf profiles;
	enum iw_ignore_mode ignore;   /* what IW_IGNORE_ANNOTATION may silence */
};

/* A policy with every check at its default severity and no scope.  NULL on OOM. */
struct iw_policy *iw_policy_new(void);
void iw_policy_free(struct iw_policy *p);   /* NULL is a no-op */

#endif
