/*
 * deprecated-api: a warning for API versions that Kubernetes no longer
 * serves: extensions/v1beta1 and networking.k8s.io/v1beta1 Ingress, and
 * networking.k8s.io/v1beta1 IngressClass, all removed in Kubernetes 1.22 in
 * favour of networking.k8s.io/v1.
 *
 * The policy registry (checks/policy.h) has its own deprecated-api check
 * for Ingresses, configurable like every check; this function covers any
 * kind (lint uses it for IngressClass, which the policy does not see).
 *
 * Pure: no I/O, no globals.
 */
#ifndef IW_CHECKS_DEPRECATED_H
#define IW_CHECKS_DEPRECATED_H

#include <stdbool.h>

#include "checks/findings.h"
#include "model/model.h"

/* Appends one "deprecated-api" finding of severity 'sev' (field "apiVersion")
 * when (kind, api) is a removed version.  Returns whether it did. */
bool iw_check_deprecated_api(enum iw_kind kind, enum iw_api api, enum iw_severity sev,
                             struct findings *out);

#endif
