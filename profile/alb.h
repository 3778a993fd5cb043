/*
 * AWS Load Balancer Controller facts (kubernetes-sigs/aws-load-balancer-
 * controller; PROFILES.md sec. 3 has the sources): IngressGroups, rule order,
 * path patterns, conditions and actions.
 *
 *   - An Ingress without alb.ingress.kubernetes.io/group.name is its own
 *     group (one load balancer); Ingresses with the same group.name share one,
 *     cluster-wide, ordered by group.order (-1000..1000, default 0), then
 *     namespace/name (pkg/ingress/group_loader.go:276-326).
 *   - Listener rules: per Ingress in group order, per rule in spec order, its
 *     paths Exact first, then Prefix by length (longest first), then
 *     ImplementationSpecific in manifest order; the first rule that matches
 *     wins (model_build_listener_rules.go:19-104).
 *   - Path patterns: Exact p -> p; Prefix p -> p and p/"*" (trailing '/'
 *     cut; Prefix / -> /"*"); ImplementationSpecific p -> p as an ALB pattern ('*'
 *     any run of characters, across '/'; '?' one character; case-sensitive);
 *     a '*' or '?' in Exact or Prefix is refused (":229-288").
 *   - conditions.NAME narrows every path whose backend service is NAME; a
 *     backend port named use-annotation is the action actions.NAME, not a
 *     Service.
 *
 * Pure: libc + the model, no I/O, no globals.
 */
#ifndef IW_PROFILE_ALB_H
#define IW_PROFILE_ALB_H

#include <stdbool.h>
#include <stddef.h>

#include "model/model.h"

#define IW_ALB_PREFIX "alb.ingress.kubernetes.io/"

/* The explicit group (group.name), or NULL: the Ingress is its own group. */
const char *iw_alb_group(const struct ingress *ing);
/* group.name is valid: ^([a-z0-9][-a-z0-9.]*)?[a-z0-9]$, at most 63. */
bool iw_alb_group_name_ok(const char *name);
/* group.order: 0 when absent; false when it is not an integer in
 * -1000..1000 (the controller then fails the whole group). */
bool iw_alb_group_order(const struct ingress *ing, long *order);
/* Order of two members of one group (group.order, then namespace/name). */
int iw_alb_group_cmp(const struct ingress *a, const struct ingress *b);

/* The backend is an action (port name use-annotation). */
bool iw_alb_is_action(const struct iw_backend *be);
/* A conditions.NAME annotation narrows this backend's paths. */
bool iw_alb_narrowed(const struct ingress *ing, const struct iw_backend *be);
/* use-regex-path-match: ImplementationSpecific paths are regexes. */
bool iw_alb_regex_paths(const struct ingress *ing);

/* ALB wildcard match ('*' any run, '?' one character) of 'pat' over the
 * whole of 's'.  Patterns longer than 128 bytes (the AWS limit) never match.
 * O(len(pat) * len(s)). */
bool iw_alb_wildcard(const char *pat, size_t pl, const char *s, size_t sl);

/* Whether the path condition of (path, pathType) matches request path 'req'.
 * A '*' or '?' in an Exact or Prefix path is refused by the controller:
 * false.  'type' NULL is ImplementationSpecific. */
bool iw_alb_path_matches(const char *path, const char *type, const char *req, size_t len);

/* Whether rule host 'rh' ("" any host; '*' and '?' wildcards; case
 * insensitive) matches every request host 'h' can: 'h' a rule host too. */
bool iw_alb_host_covers(const char *rh, const char *h);

#endif
