/*
 * API-server-equivalent validation of the Gateway API objects: the rules of
 * the CRDs of kubernetes-sigs/gateway-api (config/crd/standard/, commit
 * 4564255a): the OpenAPI schema (required fields, enums, patterns, lengths,
 * item counts, integer ranges, list-map keys) and the CEL rules
 * (x-kubernetes-validations), with the field paths, error types and details
 * kube-apiserver's apiextensions validation reports:
 *
 *   spec.hostnames[0]: Invalid value: "Foo.com": spec.hostnames[0] in body should match '^(\*\.)?[a-z0-9]...'
 *   spec.rules[0].matches[0].path: Invalid value: "object": must not contain '//' when type one of ['Exact', 'PathPrefix']
 *   spec.parentRefs[0].name: Required value
 *   spec.rules[0].matches[0].method: Unsupported value: "FETCH": supported values: "GET", ...
 *
 * and the ObjectMeta rules of a custom resource (a DNS-1123 subdomain name).
 * Lengths count characters, as OpenAPI does.  The errors come in schema
 * order (fields as the schema lists them), then the CEL rules of each
 * object after its fields.
 *
 * Pure: takes parsed models (model/gateway.h), appends to an errlist.
 */
#ifndef IW_VALIDATE_GWVALIDATE_H
#define IW_VALIDATE_GWVALIDATE_H

#include "model/fielderr.h"
#include "model/gateway.h"
#include "validate/validate.h"

/* CREATE: the CRD's rules and ObjectMeta ('o' NULL: defaults). */
void iw_validate_httproute(const struct httproute *r, const struct iw_vopts *o, struct errlist *el);
void iw_validate_gateway(const struct gateway *g, const struct iw_vopts *o, struct errlist *el);
void iw_validate_reference_grant(const struct reference_grant *g, const struct iw_vopts *o,
                                 struct errlist *el);

/*
 * The string patterns of the CRDs, for other modules that compare or
 * generate values (true when 's' matches):
 *   gw_hostname_ok: Hostname, '^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'
 *   gw_path_value_ok: an Exact / PathPrefix value passes every CEL rule of
 *     HTTPPathMatch (absolute, no '//', '/./', '/../', '%2f', '%2F', '#',
 *     no trailing '/..' or '/.', valid characters)
 */
bool gw_hostname_ok(const char *s);
bool gw_path_value_ok(const char *s);

#endif
