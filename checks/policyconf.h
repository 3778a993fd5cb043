/*
 * The policy configuration file (lint --config, serve --config): YAML, read
 * with libyaml into a struct iw_policy (checks/policy.h).
 *
 *   checks:
 *     host-path-conflict:
 *       severity: error                 # error | warning | off
 *       sameNamespaceSeverity: warning  # the variant's severity, where a check has one
 *       namespaces: [prod, staging]     # only objects in these namespaces
 *       excludeNamespaces: [sandbox]    # never objects in these
 *       ingressClasses: [nginx]         # only objects of these IngressClasses
 *     regex-in-path: off                # shorthand for {severity: off}
 *   classes:                            # IngressClass name -> controller profile
 *     web: ingress-nginx                #   (profile/profile.h), when the IngressClass
 *     public: aws-alb                   #   object does not name a known controller
 *
 * Unknown keys, unknown check IDs and bad values are errors (a typo must not
 * silently leave a check at its default).
 */
#ifndef IW_CHECKS_POLICYCONF_H
#define IW_CHECKS_POLICYCONF_H

#include <stddef.h>

#include "checks/policy.h"

#define IW_POLICYCONF_MAX_BYTES (1u << 20)

/* Parses 'len' bytes named 'name' (for messages) into a new policy *out
 * (iw_policy_free).  Returns IW_OK; IW_ETOOBIG (over
 * IW_POLICYCONF_MAX_BYTES), IW_ESYNTAX (not YAML), IW_EINVAL (unknown key or
 * check, bad value), IW_ENOMEM: then *out is NULL and 'msg' holds the
 * one-line reason "FILE:LINE:COLUMN: what" for the person who wrote the
 * file. */
enum iw_err iw_policyconf_parse(const char *buf, size_t len, const char *name,
                                struct iw_policy **out, char *msg, size_t msgsize);

#endif
