/*
 * router: which backend a request reaches, given a set of objects, decided
 * under a profile, with an explanation.  This header is the module's
 * contract: the shapes every router of the module shares, then the
 * reference router of the `spec` profile.  docs/ARCHITECTURE.md ("router")
 * says which file holds what.
 *
 * Shared by every router (the reference below, the ingress-nginx emulation
 * of issue 13, the Gateway API HTTPRoute router of issue 14):
 *
 *   Request.  One normalisation: router/norm.h (rt_norm_request: the Host
 *     value and the request-target as SEMANTICS.md sec. 3 and 4 say).  A
 *     profile that normalises differently (nginx decodes %2F) gets an option
 *     of that one function, not a copy of it.
 *
 *   Input.  struct rt_input: the objects, the class served and the profile
 *     (enum iw_profile_id of profile/profile.h, the one list of controller
 *     profiles; IW_PROFILE_SPEC, 0, is the reference: `{0}`-style
 *     initialisers keep it).  rt_build() builds the table of the profile
 *     asked for; another profile's router lives in its own files and is
 *     reached through the same rt_build / rt_match / rt_explain, answering
 *     with the same decision and explanation.  A router whose objects are
 *     not Ingresses (HTTPRoute, Gateway) adds them to rt_input.
 *
 *   Decision.  struct rt_decision: match (rule / default / none), the
 *     object that serves the request (kind, namespace, name), the backend,
 *     the rule as written (host, path, path type) and how it was decided
 *     (host group, the precedence key that beat the runner-up, what
 *     normalisation changed).  rt_decision_json() renders it as the
 *     `route -o json` object of DESIGN.md (match, namespace, ingress,
 *     service + port or resource, rule{host,path,pathType}, reason);
 *     rt_backend_id() as the "NAMESPACE/NAME/SERVICE:PORT" the router
 *     command and conformance compare.  Fields a router does not use stay
 *     zero.
 *
 *   Explanation.  Two strings per decision: a one-line reason (`route -o
 *     json` "reason": what matched, the key that decided, then what
 *     normalisation changed) and a text (`route -o text`), lines in this
 *     order:
 *       request: host "<as sent>" -> "<normalised>" (<changes>)
 *                path "<as sent>" -> "<normalised>" (<changes>)
 *       note: <a step worth knowing>                       (zero or more)
 *       host group: <kind> "<host>" (<n> paths)            (the selection step)
 *       candidates:
 *         * <ns>/<name> <field> <type> <path> -> <backend>: matches; chosen
 *         - ...: matches, loses: <the precedence key>
 *           ...: does not match (<how it compares>)
 *       decision: <match> <ns>/<name> -> <backend>
 *       reason: <the reason line>
 *     A step the specification leaves open is marked "[spec silent]" (or
 *     "[reference choice]"); a step a profile decides differently from the
 *     specification is marked "[<profile name>]".  The pieces every router
 *     prints the same way (backend, normalisation changes, the decision
 *     line) are rt_text_*() below.
 *
 * Pure: libc, jansson (rt_decision_json) and the model; no I/O, no globals.
 */
#ifndef IW_ROUTER_ROUTER_H
#define IW_ROUTER_ROUTER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "model/model.h"
#include "profile/profile.h"

/* ---- shared by every router ---------------------------------------------- */

/* Who decides: a controller profile (profile/profile.h; IW_PROFILE_SPEC, 0,
 * is the reference: tests/corpus/ROUTING-SEMANTICS.md).  rt_profile_name
 * gives its name ("spec", "ingress-nginx", ...); rt_profile_parse returns
 * the id of a name (aliases too: "nginx"), or -1 for an unknown one. */
const char *rt_profile_name(enum iw_profile_id p);
int rt_profile_parse(const char *name);

enum rt_match { RT_NONE = 0, RT_RULE, RT_DEFAULT };
enum rt_path_type { RT_EXACT = 0, RT_PREFIX, RT_IS };   /* also the precedence order */
enum rt_group_kind { RT_G_NONE = 0, RT_G_EXACT, RT_G_WILDCARD, RT_G_HOSTLESS };

/* Which precedence key separated the winner from the best other candidate. */
enum rt_key {
	RT_K_NONE = 0,     /* no other candidate */
	RT_K_LENGTH,       /* longest path */
	RT_K_TYPE,         /* Exact > Prefix > ImplementationSpecific */
	RT_K_AGE,          /* oldest creationTimestamp */
	RT_K_TIMESTAMP,    /* one has a creationTimestamp, the other not */
	RT_K_NAME,         /* namespace/name ascending */
	RT_K_ORDER,        /* list order (same Ingress, or duplicates) */
};

struct rt_decision {
	enum rt_match match;
	enum iw_profile_id profile;         /* the profile that decided */
	/* the object that serves the request (RT_RULE, RT_DEFAULT) */
	const char *kind;                   /* "Ingress"; NULL for RT_NONE */
	const char *namespace_;             /* effective: "default" when absent */
	const char *name;
	const struct ingress *ingress;      /* borrowed; the Ingress routers only */
	const struct iw_backend *backend;   /* the path's or the default backend */
	/* RT_RULE only: the rule as written */
	const char *rule_host;              /* "" for a rule without a host */
	const char *rule_path;              /* "" when absent */
	enum rt_path_type path_type;
	size_t rule_index, path_index;
	const struct iw_rule *rule;         /* the Ingress routers only */
	const struct iw_path *path;
	/* how it was decided */
	enum rt_group_kind group;           /* the host group chosen */
	enum rt_key key;                    /* what beat the runner-up */
	unsigned changes;                   /* RT_N_* bits of host and path normalisation */
	long runner_up;                     /* private: candidate index, -1 if none */
	long winner;                        /* private: candidate index, -1 if none */
	/* what the controller answers, for profiles that model it (0 under spec):
	 * 200 when a backend serves the request, else the status the proxy
	 * answers itself (301/302/308 redirects, 400, 403, 404) */
	int status;
	const char *note;                   /* static text: a caveat of the decision, or NULL */
};

/* "Exact", "Prefix", "ImplementationSpecific" */
const char *rt_path_type_name(enum rt_path_type pt);
/* "rule", "default", "none" */
const char *rt_match_name(enum rt_match m);

/*
 * The `route -o json` object of a decision (DESIGN.md): match, namespace,
 * ingress, service+port or resource, rule{host,path,pathType} and reason
 * (when reason != NULL).  A decision whose kind is not "Ingress" gets
 * "kind" and "name" instead of "ingress".  New reference; NULL on OOM.
 */
json_t *rt_decision_json(const struct rt_decision *d, const char *reason);
/* Adds "service"+"port" or "resource" of a backend to 'obj'. */
void rt_backend_json(json_t *obj, const struct iw_backend *be);
/* "NAMESPACE/NAME/SERVICE:PORT" (or ".../resource:KIND/NAME", or "none")
 * into buf (always NUL-terminated, cut to size). */
void rt_backend_id(const struct rt_decision *d, char *buf, size_t size);

/* Explanation pieces, appended to b (a failure stays in b->err):
 * "service NAME:PORT" or "resource GROUP.KIND/NAME"; the RT_N_* changes as
 * "port removed, host lower-cased"; "decision: MATCH NS/NAME -> BACKEND\n". */
void rt_text_backend(struct buf *b, const struct iw_backend *be);
void rt_text_changes(struct buf *b, unsigned changes);
void rt_text_decision(struct buf *b, const struct rt_decision *d);

/* ---- the reference router (profile spec) ----------------------------------
 *
 * Per tests/corpus/ROUTING-SEMANTICS.md (a copy of
 * /work/shared/corpus/routing/SEMANTICS.md).  A routing table is built once
 * from the Ingresses (and the IngressClasses that decide the default class)
 * and then answers many requests: hosts are hashed, and inside a host the
 * candidate paths of a request are found by hash lookups of the request
 * path's own prefixes, so a lookup costs O(length of the path), whatever
 * the number of Ingresses or paths.
 *
 * Ownership: the table borrows the models (and their strings) it is built
 * from: they must outlive it.  Everything else is owned by the table.
 * A built table is never modified: lookups from several threads are safe.
 * Decisions borrow from the table and its models.
 */
struct rt_table;   /* opaque */

struct rt_input {
	const struct ingress *const *ingresses;     /* in input (list) order */
	size_t ningresses;
	const struct ingress_class *const *classes; /* decide the default class only */
	size_t nclasses;
	const char *ingress_class;   /* the class served; NULL serves every Ingress */
	enum iw_profile_id profile;  /* IW_PROFILE_SPEC (0): the reference */
};

/*
 * Builds a table.  Returns NULL only when out of memory.  Paths the table
 * cannot route (an unknown pathType, no backend) are skipped; rt_skipped()
 * counts them.
 */
struct rt_table *rt_build(const struct rt_input *in);
void rt_free(struct rt_table *t);   /* rt_free(NULL) is a no-op */

size_t rt_skipped(const struct rt_table *t);
/* Number of Ingresses served (after class selection) and paths in the table. */
size_t rt_nserved(const struct rt_table *t);
size_t rt_npaths(const struct rt_table *t);
/* The default IngressClass found in the input (SEMANTICS.md 2c), or NULL. */
const char *rt_default_class(const struct rt_table *t);

/*
 * Decides where the request goes.  'host' is the Host header value (may be
 * empty), 'path' the request-target (query and fragment ignored).  Returns
 * IW_OK, or IW_ETOOBIG when the host or the path exceeds RT_MAX_HOST /
 * RT_MAX_PATH (router/norm.h; then d->match is RT_NONE).
 */
int rt_match(const struct rt_table *t, const char *host, size_t host_len,
             const char *path, size_t path_len, struct rt_decision *d);

/*
 * The reference matcher: the same decision as rt_match, by plain scans of
 * the table that follow SEMANTICS.md step by step (router/ref.c, written to
 * be checked line by line against that document).  rt_match is tested
 * against it; it costs O(paths in the table) per request: for tests and
 * explanations, not for traffic.
 */
int rt_match_ref(const struct rt_table *t, const char *host, size_t host_len,
                 const char *path, size_t path_len, struct rt_decision *d);

/*
 * The same for many requests with one Host header: rt_host_prepare
 * normalises 'host' and chooses its host group in table t once; then
 * rt_match_host(t, h, path, ...) decides exactly as rt_match(t, host, ...,
 * path, ...) would.  rt_host_prepare returns IW_ETOOBIG when the host
 * exceeds RT_MAX_HOST (then every rt_match_host returns IW_ETOOBIG, as
 * rt_match).  A
 * prepared host is valid for the table it was prepared with only.
 */
struct rt_host {
	bool valid;                 /* private */
	long group;                 /* private: group index, -1 if none */
	unsigned changes;           /* private: RT_N_* bits of the host */
};
int rt_host_prepare(const struct rt_table *t, const char *host, size_t host_len,
                    struct rt_host *h);
int rt_match_host(const struct rt_table *t, const struct rt_host *h, const char *path,
                  size_t path_len, struct rt_decision *d);

/*
 * The explanation of a decision for the same request: *reason gets a
 * one-line reason (for `route -o json`), and the return value a multi-line
 * text giving the host group chosen, every candidate considered and why each
 * lost, and the specification-silent choices the decision rests on (marked
 * "[spec silent]").  Both are new strings (malloc) the caller frees; NULL on
 * OOM (then *reason is NULL too).  'reason' may be NULL.
 */
char *rt_explain(const struct rt_table *t, const char *host, size_t host_len,
                 const char *path, size_t path_len, const struct rt_decision *d,
                 char **reason);

/*
 * Read access to the table's contents (probe generation, conflict checks).
 * Entries are numbered 0..rt_npaths()-1, grouped by host and, inside a host,
 * in precedence order.
 */
struct rt_entry {
	enum rt_group_kind group;       /* RT_G_EXACT, RT_G_WILDCARD or RT_G_HOSTLESS */
	const char *host;               /* normalised rule host ("*.foo.com"; "" host-less) */
	const char *path;               /* as matched: an empty IS path is "/" */
	enum rt_path_type path_type;
	const struct ingress *ingress;  /* borrowed */
	const char *namespace_, *name;
	const struct iw_backend *backend;
	size_t rule_index, path_index;
	size_t rank;                    /* age order of the Ingress: 0 is the oldest */
	bool has_timestamp;
};
void rt_entry_get(const struct rt_table *t, size_t i, struct rt_entry *e);

/* Host groups, including those without paths (a rule with a host and no
 * http).  'host' as in rt_entry; returns false when i is out of range. */
bool rt_group_get(const struct rt_table *t, size_t i, enum rt_group_kind *kind,
                  const char **host, size_t *first_entry, size_t *nentries);
size_t rt_ngroups(const struct rt_table *t);

/* The served Ingresses in age order (rank 0 first). */
const struct ingress *rt_served(const struct rt_table *t, size_t rank);


#endif
