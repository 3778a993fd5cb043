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
 *
 * Unknown keys, unknown check IDs and bad values are errors (a typo must not
 * silently leave a check at its default).  Errors read
 * "FILE:LINE:COLUMN: what" in 'err'.
 */
#ifndef IW_CHECKS_POLICYCONF_H
#define IW_CHECKS_POLICYCONF_H

#include <stddef.h>

#include "checks/policy.h"

#define IW_POLICYCONF_MAX_BYTES (1u << 20)

/* Parses 'len' bytes named 'name' (for messages).  Returns a new policy
 * (iw_policy_free), or NULL with a one-line reason in 'err'. */
struct iw_policy *iw_policyconf_parse(const char *buf, size_t len, const char *name,
                                      char *err, size_t errsize);

#endif
