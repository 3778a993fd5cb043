/*
 * Internal to the checks (checks/policy.c and checks/check_*.c): the context
 * a check runs in and the way it reports.  Not for callers.
 */
#ifndef IW_CHECKS_CHECKCTX_H
#define IW_CHECKS_CHECKCTX_H

#include "checks/check.h"
#include "checks/state.h"
#include "profile/profile.h"

struct chk_ctx {
	const struct iw_policy *p;
	enum iw_kind kind;              /* IW_KIND_INGRESS or IW_KIND_INGRESSCLASS */
	enum iw_api api;                /* the object's apiVersion */
	const struct ingress *ing;      /* the Ingress checked (kind INGRESS), else NULL */
	const struct ingress *old;      /* its stored version (UPDATE) or NULL */
	const struct ingress_class *ic; /* the IngressClass checked (kind INGRESSCLASS), else NULL */
	const struct iw_state *st;      /* may be NULL */
	const char *ns;                 /* effective namespace ("default"); NULL for a class */
	const char *name;               /* name ("" when absent) */
	const char *cls;                /* effective class or NULL (a class: its own name) */
	/* an Ingress: the controller profile it is judged under
	 * (profile/profile.h), and the note findings carry about it ("" under
	 * spec by fallback) */
	struct iw_profile_choice pc;
	const struct iw_profile *prof;
	char note[240];
	bool audit;                     /* only the checks that need_state (check.h) run */
	struct findings *out;
	struct iw_check_memo *memo;     /* may be NULL (policy.h) */
	/* the rules whose host is the first rule with that host (as written), in
	 * rule order: chk_hosts() fills them once per object (one sort: an
	 * object with 10,000 rules is not looked at 10,000 x 10,000 times) */
	const size_t *host_rules;
	size_t nhosts;
	size_t *hosts_own_;             /* private: heap copy when larger than hosts_small_ */
	size_t hosts_small_[16];
	/* findings emitted per check for this object, and those not recorded
	 * past CHK_MAX_PER_CHECK (their worst severity): see chk_finish() */
	unsigned emitted[IW_NCHECKS];
	size_t dropped[IW_NCHECKS];
	enum iw_severity dropped_sev[IW_NCHECKS];
};

/* Findings recorded per check and object; the rest are counted and said in
 * one closing finding of the same check (chk_finish), so that 30,000
 * duplicate paths or 2,000 Ingresses on one host give a bounded list and
 * still deny when one of them would. */
#define CHK_MAX_PER_CHECK 100
/* A finding's message is cut past this many bytes (the values it echoes). */
#define CHK_MSG_MAX 1024

/* Fills c->host_rules/c->nhosts (IW_OK or IW_ENOMEM); chk_release frees. */
enum iw_err chk_hosts(struct chk_ctx *c);
/* Appends, per check that dropped findings, "N more findings of this check
 * are not listed" with the worst dropped severity (its 'more' is N). */
void chk_finish(struct chk_ctx *c);
void chk_release(struct chk_ctx *c);

/* Appends a finding of check 'id' with its configured severity ('alt': the
 * variant's severity), unless that severity is off or the check does not
 * run here (chk_enabled).  The message of a check whose outcome depends on
 * the profile ends with the profile note (" [profile aws-alb: class
 * \"alb\"]"), unless the object is judged under spec by fallback. */
void chk_emit(struct chk_ctx *c, enum iw_check_id id, bool alt, const struct fpath *at,
              const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* true when the check runs on this object: enabled (either severity), in
 * scope, for this kind of object, and, in an audit, one that needs the
 * state */
bool chk_enabled(const struct chk_ctx *c, enum iw_check_id id);

/* How a message names the requests of a probe request path: "\"/api\"", or,
 * for a probe standing for many paths (it holds the check's marker 'fresh'
 * where any continuation goes), "paths under \"/api/\"" / "paths that start
 * with \"/apix\"" (the marker itself is internal).  Returns buf. */
const char *chk_probe_text(const char *probe, const char *fresh, char *buf, size_t size);

/* Gathers the other Ingresses of the state that name one of the rule hosts of
 * c->ing (as written) and share its routing table (chk_same_domain), without
 * the object itself, each once and sorted by address,
 * into *out: a malloc'd array (caller frees; NULL with *n == 0 when there
 * are none) with room for *n + 1 entries (the caller may append one).
 * Returns IW_OK or IW_ENOMEM. */
enum iw_err chk_neighbours(const struct chk_ctx *c, const struct ingress ***out, size_t *n);

/* The profile another Ingress (of the state) is judged under: its class, its
 * IngressClass when the state has it, the policy's profile configuration. */
struct iw_profile_choice chk_profile_of(const struct chk_ctx *c, const struct ingress *o);
/* Whether 'o' shares a routing table with the object: the same class and
 * profile, and the profile's merge domain (every Ingress of the class; one
 * ALB IngressGroup; never for a profile where one Ingress is one load
 * balancer). */
bool chk_same_domain(const struct chk_ctx *c, const struct ingress *o);

/* spec.rules[i].http.paths[j] */
#define CHK_PATH_FP(i, j) \
	FP_IDX(FP_KEY(FP_KEY(FP_IDX(FP_KEY(FP_KEY(NULL, "spec"), "rules"), (i)), "http"), "paths"), (j))
#define CHK_RULE_FP(i) FP_IDX(FP_KEY(FP_KEY(NULL, "spec"), "rules"), (i))

/* The memo of policy.h: its contents belong to check_routing.c. */
struct iw_check_memo *chk_memo_new(void);        /* NULL on OOM */
void chk_memo_release(struct iw_check_memo *m);  /* empties it; NULL is a no-op */

/* The checks (one file each family).  Each looks at c->ing unless said; a
 * failure (lack of memory) is left in c->out->err. */
void chk_duplicate_path(struct chk_ctx *c);
void chk_regex_in_path(struct chk_ctx *c);
void chk_tls_host_unserved(struct chk_ctx *c);
void chk_deprecated_api(struct chk_ctx *c);                 /* an Ingress or an IngressClass */
void chk_deprecated_class_annotation(struct chk_ctx *c);
void chk_annotations(struct chk_ctx *c);   /* dangerous-annotation, ignored-annotation, controller-rejects */
void chk_dangling_service(struct chk_ctx *c);        /* and dangling-service-port */
void chk_ingress_class(struct chk_ctx *c);           /* unknown- and no-ingress-class */
void chk_tls_secret_conflict(struct chk_ctx *c);
void chk_wildcard_host_overlap(struct chk_ctx *c);
void chk_routing(struct chk_ctx *c);                 /* host-path-conflict and shadowed-path;
                                                        per profile, the calls below */
void chk_dangerous_path(struct chk_ctx *c);          /* and NGINX Inc's path validation */

/* Profile-specific parts of chk_routing, given the neighbours ('nb', 'nn',
 * from chk_neighbours, with room for one more). */
void chk_alb(struct chk_ctx *c, const struct ingress **nb, size_t nn);       /* check_alb.c */
void chk_canary(struct chk_ctx *c, const struct ingress *const *nb, size_t nn); /* check_nginx.c */
/* ingress-nginx: whether host h (as written) is in regex mode among 'all';
 * the duplicate locations nginx refuses on a host that is not (true when
 * one of the object's paths is among them) */
bool chk_ngx_regex_host(const struct ingress *const *all, size_t n, const char *h);
bool chk_ngx_locations(struct chk_ctx *c, const struct ingress *const *all, size_t n,
                       const char *h);
/* The same in two steps, so that a memo (policy.h) keeps the first for all
 * the objects of one set of neighbours: host h's regex mode and sorted
 * locations among 'all' (borrowed: valid while they are; NULL on OOM), then
 * the clashes of c->ing among them.  Without the memo, N Ingresses on one
 * host cost N x N log N (2,000: 6.9 s of audit). */
struct chk_ngx_host;
struct chk_ngx_host *chk_ngx_host_new(const struct ingress *const *all, size_t n, const char *h);
bool chk_ngx_host_regex(const struct chk_ngx_host *p);
bool chk_ngx_host_locations(struct chk_ctx *c, const struct chk_ngx_host *p, const char *h);
void chk_ngx_host_free(struct chk_ngx_host *p);   /* NULL ok */
/* NGINX Inc (check_nic.c): what its validation refuses (controller-rejects);
 * host ownership, minion paths and minions without a master, among the
 * neighbours */
void chk_nic_spec(struct chk_ctx *c);
/* Traefik (check_traefik.c): host-path-conflict and shadowed-path by its
 * router priorities (rule length) and character-wise PathPrefix */
void chk_traefik(struct chk_ctx *c, const struct ingress *const *nb, size_t nn);
void chk_nic(struct chk_ctx *c, const struct ingress *const *nb, size_t nn);
/* ingress-nginx, a host in regex mode: the paths PCRE refuses (true when
 * one was reported) */
bool chk_ngx_regex_refused(struct chk_ctx *c, const struct ingress *const *all, size_t n,
                           const char *h);

#endif
