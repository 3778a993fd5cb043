/*
 * The lint engine: manifests in, per-object verdicts with file positions out.
 *
 *   struct lint_opts o;  lint_opts_init(&o);
 *   struct lint_report *r = lint_report_new();
 *   rc = lint_buffer(r, "app/ingress.yaml", buf, len, &o);   // as many buffers as wanted
 *   rc = lint_render(r, LINT_OUT_JSON, 0, &json, &n);
 *   lint_report_free(r);
 *
 * Each buffer holds YAML or JSON documents, read by the manifest loader
 * (load/manifest.h: the same formats, limits and messages as every command).  Ingress and
 * IngressClass objects (List/IngressList items too) are decoded strictly
 * (unknown fields are errors, as kubectl's server-side strict validation),
 * validated as the API server would on CREATE (validate/validate.h) and run
 * through the policy checks (checks/policy.h: iw_policy_check and
 * iw_policy_check_class, as review and serve do).  Gateway API objects
 * (Gateway, HTTPRoute, ReferenceGrant of gateway.networking.k8s.io v1 and
 * v1beta1) are decoded strictly and validated with their CRDs' rules
 * (validate/gwvalidate.h).  Other kinds are counted as skipped.  Every
 * error and finding gets the line and column of its field
 * (for v1beta1 objects, of the field as the file spells it: spec.backend,
 * serviceName, servicePort); a field that is missing points at its nearest
 * existing parent.  Syntax errors, documents that are not objects, objects
 * without kind/apiVersion and unserved Ingress and Gateway API versions are "problems"
 * (input errors), reported with their position; the other documents are
 * still checked.
 *
 * Errors (base/err.h): every function that can fail returns enum iw_err
 * and keeps the first failure in r->err; a report with r->err set is
 * incomplete (lint_exit_status gives 2).
 *
 * No process state, no I/O: the server calls this for POST /lint.  A report
 * is not shared between threads; options, policy and state are read-only.
 */
#ifndef IW_LINT_LINT_H
#define IW_LINT_LINT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "load/yamldoc.h"
#include "model/fielderr.h"
#include "checks/findings.h"
#include "validate/validate.h"

struct iw_policy;
struct iw_state;

struct lint_opts {
	struct iw_vopts v;               /* Kubernetes version rules */
	const struct iw_policy *policy;  /* NULL: every check at its default */
	const struct iw_state *state;    /* other objects for the cross-object checks, or NULL */
	enum yd_format format;           /* YD_AUTO: by content */
	struct yd_limits limits;         /* max_doc_bytes bounds one object (load/manifest.h) */
	bool strip;                      /* drop managedFields, last-applied, status (a snapshot) */
	/* Documents that are no Kubernetes object (mf_problem.not_object: CI
	 * workflows, Helm values and templates, ...) are counted as skipped
	 * instead of input errors (lint --skip-non-k8s: a whole repository). */
	bool skip_non_k8s;
	/* Two-pass mode (the CLI over many files): when set, every Ingress,
	 * IngressClass and v1 Service read joins this state, and the policy
	 * checks of the Ingresses wait for lint_finish(), which runs them
	 * against the complete state.  'state' is then ignored. */
	struct iw_state *collect;
};
void lint_opts_init(struct lint_opts *o);

struct lint_error {
	enum fe_type type;
	char *field;      /* "spec.rules[0].host" (internal field path, as the API server says it) */
	char *detail;     /* "" when none */
	char *message;    /* the API server's text: field: Type: value: detail */
	unsigned line, column;
	/* What fixes it, or NULL: for a removed Ingress version, the object
	 * converted to networking.k8s.io/v1 as `ingress-warden convert` writes
	 * it (a YAML document that is the object alone), replacing the document's
	 * text from (fix_line, fix_col) up to (fix_end_line, fix_end_col), the
	 * end excluded; columns count characters, 1-based. */
	char *fix;
	unsigned fix_line, fix_col, fix_end_line, fix_end_col;
};

struct lint_finding {
	const char *check;            /* static: the check ID */
	enum iw_severity severity;
	char *field;
	char *message;
	unsigned line, column;
	const char *profile;          /* static: the profile that decided, or NULL (findings.h) */
	bool profile_inferred;
	bool suppressed;              /* silenced by ingress-warden.io/ignore: shown, not counted */
};

struct lint_object {
	size_t source;                /* index into lint_report.sources */
	size_t document;              /* document index in its source */
	size_t item;                  /* index in a List's items, or (size_t)-1 */
	unsigned line;
	char *api_version, *kind, *namespace_, *name;   /* "" when absent; namespace "default" for an Ingress without one; owned by the report (objects may share them) */
	bool allowed;
	struct lint_error *errors;
	size_t nerrors;
	struct lint_finding *findings;
	size_t nfindings;
};

struct lint_problem {
	size_t source;
	size_t document;              /* (size_t)-1 when the whole source failed (unreadable) */
	unsigned line, column;        /* 0 when unknown */
	char *message;
};

struct lint_report {
	char **sources;               /* names, in the order given */
	size_t nsources;
	struct lint_object *objects;
	size_t nobjects;
	struct lint_problem *problems;
	size_t nproblems;
	size_t skipped;               /* documents of other kinds */
	size_t denied, errors, findings, warnings;   /* totals (findings not suppressed) */
	size_t suppressed;            /* findings silenced by ingress-warden.io/ignore */
	enum iw_err err;              /* IW_OK, or the first failure: something is missing */
	size_t cap_src_, cap_obj_, cap_prob_;
	struct lint_pending_ *pending_;   /* private: two-pass mode */
	struct lint_strs_ *strs_;         /* private: the objects' strings */
};

struct lint_report *lint_report_new(void);   /* NULL on OOM */
void lint_report_free(struct lint_report *r);   /* NULL is a no-op */

/*
 * Lints one buffer named 'source'.  Returns r->err: IW_OK, IW_ENOMEM
 * (what could not be recorded is missing from the report), or IW_ECANCELED
 * when o->limits.cancel was set meanwhile (the report then holds part of the
 * buffer: drop it).  Input errors are not failures: they are problems in the
 * report.  The buffer is only read during the call.
 */
enum iw_err lint_buffer(struct lint_report *r, const char *source, const char *buf, size_t len,
                        const struct lint_opts *o);

/*
 * Two-pass mode (o->collect set): lint_buffer() validates each
 * object and put it into o->collect; the report remembers the state's
 * compact copy of each Ingress (about 1 KB; the document's JSON is not kept;
 * iw_state_put_ingress_kept: the state owns the copy and keeps it even when
 * a later document with the same namespace/name replaces it there).
 * lint_finish() then runs the policy checks of every such Ingress against
 * the complete state, adding the findings (positions are computed by reading
 * again the text of only the documents that have findings: every buffer
 * given must stay valid and unchanged until lint_finish returns).  The same
 * state must be o->collect of every call and stay alive, not cleared, until
 * lint_finish returns.  Returns r->err (IW_OK, IW_ENOMEM, or IW_ECANCELED
 * when o->limits.cancel was set meanwhile).
 */
enum iw_err lint_finish(struct lint_report *r, const struct lint_opts *o);

/* Records a problem that is not in any buffer (an unreadable file).
 * Returns r->err. */
enum iw_err lint_add_problem(struct lint_report *r, const char *source, unsigned line,
                             unsigned column, const char *message);

/* Exit status for the CLI: 2 when there is a problem or r->err, else 1 when
 * an object is denied, else 0. */
int lint_exit_status(const struct lint_report *r);

enum lint_out { LINT_OUT_TEXT, LINT_OUT_JSON, LINT_OUT_SARIF, LINT_OUT_JUNIT, LINT_OUT_CODEQUALITY };
enum { LINT_COLOR = 1 << 0 };   /* text: ANSI colours */

/*
 * Renders the report: text (compiler style, one line per error/finding/problem
 * and a summary line), JSON (DESIGN.md `lint -o json`, plus "problems" and
 * summary counts of skipped documents and problems), SARIF 2.1.0 (one rule
 * per check and per API-server error type, with help; URIs percent-encoded)
 * or JUnit XML (a testsuite per source, a testcase per object, a failure
 * when it is denied, an error per input error) or GitLab's Code Quality
 * report (a JSON array of issues with description, check_name, fingerprint,
 * severity and location).
 * *text gets a new NUL-terminated string (caller frees) and *len (may be
 * NULL) its length.  Returns IW_OK, or IW_ENOMEM / IW_ETOOBIG (then *text
 * is NULL).
 */
enum iw_err lint_render(const struct lint_report *r, enum lint_out out, unsigned flags,
                        char **text, size_t *len);

/* lint_map_v1beta1_path: lint/lint_paths.h */

#endif
