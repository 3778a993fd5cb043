/*
 * Policy: running the checks beyond the API server (the table of checks and
 * the configuration, struct iw_policy, are in checks/check.h; a policy is
 * parsed from the --config file by checks/policyconf.h, or all defaults).
 *
 *   struct iw_policy *p = iw_policy_new();          // every check at its default
 *   rc = iw_policy_check(p, ing, old, state, &findings);  // appends findings
 *   iw_policy_free(p);
 *
 * The checks look at one object (CREATE: old == NULL; UPDATE: old is the
 * stored version, which the object never conflicts with) and, when a state
 * is given (checks/state.h), at the other objects of the cluster that the
 * object touches: only the Ingresses that name one of its hosts are read, so
 * a check costs the same with 100 or 100,000 Ingresses in the state.
 * Cross-object conflicts are decided with the reference router (router/).
 *
 * Every caller (lint, review, serve, the audit) goes through these functions
 * for both kinds, so an object gets the same findings whichever command
 * looks at it.
 *
 * Pure: no I/O, no globals.  A policy is immutable while checks run: several
 * threads may check with one policy and one (unchanging) state.
 */
#ifndef IW_CHECKS_POLICY_H
#define IW_CHECKS_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "checks/check.h"
#include "checks/findings.h"
#include "model/gateway.h"
#include "model/model.h"

struct iw_state;   /* checks/state.h */

/*
 * Runs every enabled check on 'ing'.  'old' is the stored version for an
 * UPDATE (NULL for CREATE); 'state' (may be NULL) holds the other objects.
 * When 'state' holds an object with the same namespace/name as 'ing', it is
 * taken to be the old version and ignored.  Findings are appended to 'out'.
 * Returns out->err: IW_OK, or IW_ENOMEM (the findings are incomplete).
 */
enum iw_err iw_policy_check(const struct iw_policy *p, const struct ingress *ing,
                            const struct ingress *old, const struct iw_state *state,
                            struct findings *out);

/*
 * Checking many objects against one state that does not change meanwhile
 * (lint's second pass, the audit): a memo keeps the routing table of the
 * last set of neighbours (an object's Ingresses that share one of its hosts,
 * with the object), so that the objects that have the same set (1,000
 * Ingresses on one host) build it once instead of once each.  A memo
 * belongs to one caller (one thread); clear it, or free it, when the state
 * changes.  iw_policy_check_memo(..., NULL, ...) is iw_policy_check.
 */
struct iw_check_memo;
struct iw_check_memo *iw_check_memo_new(void);   /* NULL on OOM */
void iw_check_memo_clear(struct iw_check_memo *m);
void iw_check_memo_free(struct iw_check_memo *m);   /* NULL is a no-op */
enum iw_err iw_policy_check_memo(const struct iw_policy *p, const struct ingress *ing,
                                 const struct ingress *old, const struct iw_state *state,
                                 struct iw_check_memo *m, struct findings *out);

/*
 * The same for an IngressClass: the checks of the table marked on_class
 * (check.h).  A class is cluster-scoped: a check scoped to namespaces never
 * applies to it, and its "class" for the ingressClasses scope is its own
 * name.
 */
enum iw_err iw_policy_check_class(const struct iw_policy *p, const struct ingress_class *ic,
                                  const struct ingress_class *old,
                                  const struct iw_state *state, struct findings *out);

/*
 * Audit: runs the checks that look at other objects (needs_state in the
 * table of check.h) on every Ingress of 'state' against the rest of the
 * state, to find the conflicts that entered the cluster anyway (objects
 * older than the webhook, two replicas admitting two conflicting objects at
 * once).  'fn' is called once per Ingress that has findings, with the
 * findings of that Ingress (borrowed for the call), in the order of their
 * effective class, then their least rule host, then namespace/name (the
 * Ingresses that share hosts one after the other: one memo, as above).  *nfindings (may be NULL) gets the number of findings.  Returns
 * IW_OK or IW_ENOMEM.
 */
typedef void (*iw_audit_fn)(void *arg, const struct ingress *ing,
                            const struct findings *fl);
enum iw_err iw_policy_audit(const struct iw_policy *p, const struct iw_state *state,
                            iw_audit_fn fn, void *arg, size_t *nfindings);

/*
 * The checks of Gateway API HTTPRoutes (checks/check_httproute.c: the
 * httproute-* IDs of check.h) on every route of 'world' against the other
 * objects of it (conflicts on shared listeners, attachment, ReferenceGrants)
 * and the Services of 'state' (may be NULL; dangling backends only when it
 * knows Services).  'fn' is called once per route, in the order of
 * world->routes that has findings.  A check scoped
 * to namespaces applies to the route's namespace; a scope of IngressClasses
 * never applies to routes.  Returns IW_OK or IW_ENOMEM.
 */
struct iw_gw_world {
	const struct gateway *const *gateways;
	size_t ngateways;
	const struct httproute *const *routes;
	size_t nroutes;
	const struct reference_grant *const *grants;
	size_t ngrants;
	const struct gw_namespace *const *namespaces;
	size_t nnamespaces;
};
/* fl: the route's findings for the call; the callee may take entries
 * (their strings: set them to NULL). */
typedef void (*iw_route_findings_fn)(void *arg, size_t route, struct findings *fl);
enum iw_err iw_policy_check_httproutes(const struct iw_policy *p, const struct iw_gw_world *world,
                                       const struct iw_state *state, iw_route_findings_fn fn,
                                       void *arg);

#endif
