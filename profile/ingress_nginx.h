/*
 * ingress-nginx facts (kubernetes/ingress-nginx controller-v1.15.1, the last
 * release: the project was retired in March 2026), for the checks and the
 * router: how it reads its annotations (the table of every annotation it
 * knows, with its validator and risk), canaries, regex mode, the path rules
 * of its admission and deep inspection.  Citations are to that tag
 * (SEMANTICS-ingress-nginx.md in tests/corpus/ has the routing side).
 *
 * Pure: libc + the model, no I/O, no globals (the tables are constant).
 */
#ifndef IW_PROFILE_INGRESS_NGINX_H
#define IW_PROFILE_INGRESS_NGINX_H

#include <stdbool.h>
#include <stddef.h>

#include "model/model.h"

#define IW_NGX_PREFIX "nginx.ingress.kubernetes.io/"

/* Go strconv.ParseBool, which every boolean annotation goes through
 * (annotations/parser/main.go:105-115): "1 t T TRUE true True" / "0 f F
 * FALSE false False"; false for anything else (*ok says whether it parsed). */
bool iw_ngx_parse_bool(const char *v, bool *ok);

/* The value of nginx.ingress.kubernetes.io/NAME, or NULL. */
const char *iw_ngx_annotation_value(const struct ingress *ing, const char *name);

/* A canary: nginx.ingress.kubernetes.io/canary parses as true. */
bool iw_ngx_is_canary(const struct ingress *ing);

/*
 * The order in which ingress-nginx reads the Ingresses of a class, on which
 * every "the first wins" depends (SEMANTICS-ingress-nginx sec. 3,
 * store:1102-1115 sortIngressSlice): creationTimestamp ascending, then
 * "namespace/name" compared as one string, the greater first.  An Ingress
 * without a creationTimestamp counts as Go's zero time, the oldest (what the
 * controller does with one it reads), unless 'absent_newest': an object the
 * API server is about to create (an admission review, a manifest not yet
 * applied) gets the time of its creation, after every stored one.
 * Negative when a comes first, positive when b does, 0 for the same key.
 * The creationTimestamp is read once per Ingress (iw_ngx_age_of): sorting
 * thousands of Ingresses parses none twice.
 */
struct iw_ngx_age {
	const struct ingress *ing;
	long long ts;
	bool has_ts;
};
struct iw_ngx_age iw_ngx_age_of(const struct ingress *ing);
int iw_ngx_order(const struct iw_ngx_age *a, const struct iw_ngx_age *b, bool absent_newest);

/*
 * Whether the Ingress's locations switch their server (host) to regex mode:
 * use-regex parses as true, or rewrite-target passes its validator and is not
 * empty (SEMANTICS sec. 6, tmpl:987-989, tg:497-519: a rewrite-target equal to
 * the location's path does not; 'path' is the path in question, NULL for the
 * host's root location).  A canary's annotations never reach a location:
 * false for canaries.
 */
bool iw_ngx_regex_location(const struct ingress *ing, const char *path);

/* ---- annotations ---------------------------------------------------------- */

enum iw_ngx_risk { IW_NGX_RISK_LOW = 0, IW_NGX_RISK_MEDIUM, IW_NGX_RISK_HIGH, IW_NGX_RISK_CRITICAL };

struct iw_ngx_annotation {
	const char *name;       /* without the prefix: "rewrite-target" */
	const char *alias;      /* another name it is read under, or NULL */
	enum iw_ngx_risk risk;  /* annotations-risk.md; above the ConfigMap's
	                         * annotations-risk-level (default High) the Ingress is dropped */
	int kind_;              /* private: the validator */
	int flags_;
	const char *param_;
};

/* The annotation NAME (without the prefix; an alias gives its annotation),
 * or NULL when ingress-nginx v1.15 reads no such annotation. */
const struct iw_ngx_annotation *iw_ngx_annotation(const char *name);
/* Every annotation, in name order: i in 0..iw_ngx_nannotations()-1. */
size_t iw_ngx_nannotations(void);
const struct iw_ngx_annotation *iw_ngx_annotation_at(size_t i);
const char *iw_ngx_risk_name(enum iw_ngx_risk r);   /* "Low" .. "Critical" */

/*
 * Runs the annotation's validator (annotations/parser/validators.go; on by
 * default since v1.12.0: --enable-annotation-validation) on 'len' bytes of
 * 'value'.  Returns true when ingress-nginx accepts the value.  Exact for the
 * validators of the parser package (character classes, sizes, booleans,
 * integers, options, server and service names, the auth-method list); for
 * the few annotation-local regexes it rejects only what every one of them
 * rejects (CR or LF, validators.go:84,119).  Empty values are not validated
 * (validators.go:238).  *why (may be NULL) gets the validator's description.
 */
bool iw_ngx_validate(const struct iw_ngx_annotation *a, const char *value, size_t len,
                     const char **why);

/*
 * Whether ingress-nginx ignores the whole Ingress because of its annotations
 * (annotations.go:179-196 Extract fails, store:949-953 drops the object): an
 * annotation above the risk level High (the default annotations-risk-level:
 * the snippets), or an invalid value (its validator refuses it) of an
 * annotation whose parser passes the validation error up unconditionally:
 * server-alias, custom-http-errors, default-backend, ssl-ciphers,
 * upstream-hash-by, upstream-hash-by-subset(-size), proxy-ssl-secret,
 * auth-url, auth-type, auth-tls-secret, limit-rpm, limit-rps,
 * limit-connections, limit-allowlist (the parsers' Parse in
 * internal/ingress/annotations/<dir>/main.go).  Other invalid values only
 * drop the annotation.  Returns the annotation's name (without the prefix),
 * or NULL; *why (may be NULL) gets a static reason.
 */
const char *iw_ngx_ignored_by(const struct ingress *ing, const char **why);

/* ---- paths ---------------------------------------------------------------- */

/*
 * Deep inspection (--deep-inspect, default on; inspector/rules.go,
 * inspector/ingress.go): a host, path, TLS host or secret name matching one
 * of its patterns makes the controller ignore the whole Ingress.  Returns the
 * pattern that 's' (len bytes) matches, or NULL.
 */
const char *iw_ngx_deep_inspect(const char *s, size_t len);

/*
 * The first byte of a path that can leave the nginx.conf token ingress-nginx
 * writes the path into (location lines, the rewrite directive, the "## start
 * auth upstream" comment: CVE-2026-24512, CVE-2026-3288, CVE-2026-4342), or
 * -1: '"', a trailing '\' or one before a quote or a space, whitespace, ';',
 * '#', '`', control characters, and braces other than a regex quantifier
 * {m}, {m,}, {m,n}.
 */
long iw_ngx_path_injection(const char *path, size_t len);

/* strict-validate-path-type (default on, inspector/rules.go validPathType):
 * an Exact or Prefix path must match (?i)^/[[:alnum:]._\-/]*$ or the
 * controller's admission rejects the Ingress. */
bool iw_ngx_strict_path_ok(const char *path);

/*
 * Whether nginx compiles the location a path becomes on a host in regex mode:
 * ingress-nginx writes `location ~* "^PATH"` (template.go buildLocation; the
 * quoting of sanitizeQuotedRegex is undone by nginx's parser), and nginx's
 * ngx_regex_compile calls pcre2_compile on "^" + PATH with PCRE2_CASELESS
 * only.  A pattern PCRE refuses fails `nginx -t`: the admission webhook
 * denies the Ingress, or the reload fails and the controller keeps its
 * previous configuration (SEMANTICS sec. 10).  Returns NULL when PCRE2
 * compiles it; else writes nginx's message ("pcre2_compile() failed: missing
 * closing parenthesis in \"^/a(\"") into why (size bytes, truncated) and
 * returns why.  IW_ENOMEM is reported as "out of memory".  This machine's
 * PCRE2 decides; the controller image links PCRE 8.45 (images/nginx/rootfs
 * build.sh `pcre-dev`), whose syntax differs only in rare constructs
 * (docs/profiles.md).  Uses the heap only (no globals).
 */
const char *iw_ngx_pcre_error(const char *path, size_t len, char *why, size_t size);

#endif
