/*
 * The AdmissionReview codec: one admission.k8s.io/v1 or v1beta1
 * AdmissionReview request in, the response `serve` answers (and `review`
 * prints) out.
 *
 * Ingress and IngressClass CREATE/UPDATE are validated with the API server's
 * rules (validate/validate.h).  A failure is denied with a Status shaped like
 * the API server's own (code 422, reason "Invalid", the message of
 * errors.NewInvalid, one cause per distinct error; a decode error gives code
 * 400, reason "BadRequest").  An object that passes is then given to the
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

#include "base/err.h"
#include "checks/findings.h"
#include "model/model.h"
#include "validate/validate.h"

/* The object under review: an Ingress (ing; old: its stored version on
 * UPDATE, else NULL) or an IngressClass (ic, old_ic); the other pair is
 * NULL. */
struct adm_subject {
	const struct ingress *ing, *old;
	const struct ingress_class *ic, *old_ic;
};

/*
 * Appends the findings of the checks beyond the API server for the subject
 * to 'out'.  May set *warning to a static string added to response.warnings
 * as it is (e.g. "cluster state not synced").  Returns IW_OK, or the reason
 * to fail the request, which admission_handle returns (IW_EUNSYNCED: serve
 * answers 503; IW_ENOMEM).
 */
typedef enum iw_err (*adm_policy_fn)(void *arg, const struct adm_subject *s,
                                     struct findings *out, const char **warning);

struct iw_policy;
struct iw_state;

/* The checks of a subject against 'state' (may be NULL): iw_policy_check
 * for an Ingress, iw_policy_check_class for an IngressClass.  What every
 * adm_policy_fn runs (review, serve), so that both give one verdict. */
enum iw_err adm_check_subject(const struct iw_policy *p, const struct adm_subject *s,
                              const struct iw_state *state, struct findings *out);

/* Bounds on a request body: size, and nesting of arrays/objects (checked on
 * the raw bytes before parsing; jansson's own limit is 2048). */
#define ADM_MAX_BODY (8u << 20)
#define ADM_MAX_DEPTH 100
/* A response longer than this is an error (it holds at most the request's
 * strings a few times over). */
#define ADM_MAX_RESPONSE (64u << 20)

/*
 * Bounds on what an answer echoes (issue 11: a 3 MB name gave a 12.6 MB
 * 422, 100,000 TLS hosts 19.8 MB of warnings):
 * - a denial's Status lists at most ADM_MAX_CAUSES causes, and its message
 *   as many errors, then says how many more there are; a bad value or name
 *   longer than FE_ECHO_MAX bytes is shown cut (model/fielderr.h);
 * - warnings are cut as the API server itself keeps them
 *   (k8s.io/apiserver/pkg/endpoints/filters/warning.go, the recorder behind
 *   the admission webhook's warnings: truncateAtTotalRunes = 4 * 1024,
 *   truncateItemRunes = 256; once the total passes 4,096 characters every
 *   warning is cut to 256 and the rest are dropped): the answer holds what
 *   fits in 4,096 characters, each warning at most 256, and a last warning
 *   that says how many more there were;
 * - the request values of the log line (uid, namespace, name ...) are cut
 *   to ADM_LOG_VALUE_MAX bytes.  response.uid is echoed whole: the API
 *   server requires it equal to request.uid (and sets it itself: a UUID).
 */
#define ADM_MAX_CAUSES 100
#define ADM_WARN_TOTAL_RUNES 4096
#define ADM_WARN_ITEM_RUNES 256
#define ADM_LOG_VALUE_MAX 256

struct adm_opts {
	struct iw_vopts v;        /* the API server version whose rules apply */
	adm_policy_fn policy;     /* NULL: API-server-equivalent validation only */
	void *policy_arg;
	/* NULL: the request's JSON tree is freed with json_decref once
	 * answered.  Else it is handed to drop_tree instead (with drop_arg),
	 * which frees it: a caller whose allocator frees every value of the
	 * call at once (load/jarena.h) skips the walk over a large tree. */
	void (*drop_tree)(json_t *root, void *drop_arg);
	void *drop_arg;
};

enum adm_outcome { ADM_ALLOWED, ADM_DENIED, ADM_INVALID, ADM_ERROR };

struct adm_result {
	enum adm_outcome outcome;
	const char *api_version;  /* of the request: "admission.k8s.io/v1" / "v1beta1" (static) */
	/* The request's log fields as JSON object members, ready to be written
	 * into a log line: "uid":"..","kind":"..","namespace":"..","name":"..",
	 * "operation":"..","allowed":true (those known; "allowed" on IW_OK
	 * only).  malloc'd, the caller frees; NULL when the body could not be
	 * read as an AdmissionReview (or on OOM). */
	char *log_fields;
	char *response;           /* IW_OK: the response JSON text, no trailing newline
	                             (malloc'd, the caller frees); else NULL */
	size_t response_len;
};

/*
 * Handles one request body.  Returns:
 *   IW_OK: res->response is the answer; res->outcome ADM_ALLOWED or ADM_DENIED;
 *   IW_ETOOBIG, IW_ESYNTAX, IW_EINVAL: not a request this codec can answer
 *     (res->outcome ADM_INVALID, HTTP 400), with a one-line reason in 'msg':
 *     over ADM_MAX_BODY or nested deeper than ADM_MAX_DEPTH (ETOOBIG), not
 *     JSON or duplicate keys (ESYNTAX), top level not an object, kind not
 *     AdmissionReview, apiVersion not admission.k8s.io/v1 or v1beta1, no
 *     request, request.uid missing / not a string / empty,
 *     request.operation missing or unknown, request.object / oldObject /
 *     kind of the wrong type (EINVAL);
 *   IW_ENOMEM, or the policy callback's failure (IW_EUNSYNCED, ...): the
 *     request could not be decided (res->outcome ADM_ERROR; HTTP 500, 503
 *     for IW_EUNSYNCED), 'msg' says so.
 */
enum iw_err admission_handle(const char *body, size_t len, const struct adm_opts *o,
                             struct adm_result *res, char *msg, size_t msgsize);

#endif
