/*
 * Findings: the checks beyond the API server (policy).  Each has a stable
 * check ID ("deprecated-api", "host-path-conflict", ...), a severity (an
 * error denies; a warning becomes an AdmissionReview warning), the field it
 * is about, and a one-line message.
 *
 * Pure: no I/O, no globals.  `struct findings fl = {0};` is an empty list.
 */
#ifndef IW_CHECKS_FINDINGS_H
#define IW_CHECKS_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "model/fielderr.h"

enum iw_severity { IW_SEV_OFF = 0, IW_SEV_WARNING, IW_SEV_ERROR };

struct finding {
	const char *check;          /* static string: the check ID */
	enum iw_severity severity;
	char *field;                /* "spec.rules[0].http.paths[1]" or ""; owned */
	char *message;              /* owned */
	/* the controller profile that decided (static: "ingress-nginx"), or NULL
	 * when the finding does not depend on one or the profile is spec by
	 * fallback; whether it was inferred from the annotations */
	const char *profile;
	bool profile_inferred;
	/* silenced by the object's ingress-warden.io/ignore annotation
	 * (IW_IGNORE_ANNOTATION, checks/check.h): kept for lint to show, never
	 * denies or warns (findings_deny skips it; admission and the audit drop it) */
	bool suppressed;
	/* 0, or for the closing finding of a check that stopped listing
	 * (checks/checkctx.h, chk_finish): the number of findings it stands
	 * for, so that a renderer that cuts the list can count them */
	size_t more;
};

struct findings {
	struct finding *v;
	size_t n, cap;
	enum iw_err err;   /* IW_OK, or IW_ENOMEM once an append failed: the list is
	                      incomplete and later appends do nothing (sticky) */
};

/* Appends a finding; 'check' must be a static string.  Returns fl->err. */
enum iw_err findings_add(struct findings *fl, const char *check, enum iw_severity sev,
                         const struct fpath *at, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void findings_release(struct findings *fl);
/* true when some finding that is not suppressed has severity error */
bool findings_deny(const struct findings *fl);
/* Removes the suppressed findings (admission and the audit: silenced is silent). */
void findings_drop_suppressed(struct findings *fl);
const char *iw_severity_name(enum iw_severity s);   /* "error", "warning", "off" */

#endif
