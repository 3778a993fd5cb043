/*
 * The AdmissionReview codec: one admission.k8s.io/v1 or v1beta1
 * AdmissionReview request in, the response `serve` answers (and `review`
 * prints) out.
 *
 * Ingress and IngressClass CREATE/UPDATE are validated with the API server's
 * rules (validate/validate.h).  A failure is denied with a Status shaped like
 * the API server's own (code 422, reason "Invalid", the message of
 * errors.NewInvalid, one cause per distinct error; a decode error gives code
 * 400, reason "BadRequest").  An Ingress that passes is then given to the
 * optional policy callback: findings with severity error deny it (code 403,
 * reason "Forbidden", one cause per finding whose reason is the check ID);
 * warnings become response.warnings ("CHECK: FIELD: MESSAGE").  Other kinds
 * and operations are allowed untouched.
 *
 * Pure apart from jansson: no I/O, no globals.
 */
#ifndef IW_ADMISSION_ADMISSION_H
#define IW_ADMISSION_ADMISSION_H

#include <jansson.h>
#include <stddef.h>

#include "checks/findings.h"
#include "model/model.h"
#include "validate/validate.h"

/*
 * Appends the findings of the checks beyond the API server for 'ing' (old:
 * the stored version on UPDATE, else NULL) to 'out'.  May set *warning to a
 * static string added to response.warnings as it is (e.g. "cluster state not
 * synced").  Returns 0, or -1 to fail the request (answered 503 by serve).
 */
typedef int (*adm_policy_fn)(void *arg, const struct ingress *ing, const struct ingress *old,
                             struct findings *out, const char **warning);

/* Bounds on a request body: size, and nesting of arrays/objects (checked on
 * the raw bytes before parsing; jansson's own limit is 2048). */
#define ADM_MAX_BODY (8u << 20)
#define ADM_MAX_DEPTH 100

struct adm_opts {
	struct iw_vopts v;        /* the API server version whose rules apply */
	adm_policy_fn policy;     /* NULL: API-server-equivalent validation only */
	void *policy_arg;
};

enum adm_outcome { ADM_ALLOWED, ADM_DENIED, ADM_INVALID, ADM_ERROR };

struct adm_result {
	enum adm_outcome outcome;
	const char *api_version;  /* of the request: "admission.k8s.io/v1" / "v1beta1" (static) */
	json_t *log_fields;       /* new reference or NULL: uid, kind, namespace, name, operation, allowed */
};

/*
 * Handles one request body.  Returns the response JSON text (malloc'd, no
 * trailing newline), or NULL with res->outcome ADM_INVALID and a one-line
 * reason in 'err' (HTTP 400: over ADM_MAX_BODY, nested deeper than
 * ADM_MAX_DEPTH, not JSON, duplicate keys, top level not an object, kind not
 * AdmissionReview, apiVersion not admission.k8s.io/v1 or v1beta1, no request,
 * request.uid missing / not a string / empty, request.operation missing or
 * unknown, request.object / oldObject / kind of the wrong type), or
 * ADM_ERROR (out of memory, or the policy callback failed: HTTP 500/503).
 */
char *admission_handle(const char *body, size_t len, const struct adm_opts *o,
                       struct adm_result *res, char *err, size_t errsize);

#endif
