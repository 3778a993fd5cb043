/*
 * Cluster state for the policy checks: the Ingresses, IngressClasses and
 * Services of a cluster (or of a snapshot, or of the files being linted),
 * updated incrementally by namespace/name (add, replace, delete) as a watch
 * delivers events.
 *
 * Indexes, so that checking one object costs the same with 100 or 100,000
 * Ingresses: namespace/name -> Ingress; rule host as written (exact name,
 * "*.suffix" or "" for host-less rules) -> Ingresses; the wildcard form of
 * every exact rule host ("a.foo.com" under "*.foo.com") -> Ingresses; TLS
 * host -> Ingresses; ALB IngressGroup name -> Ingresses.  A check reads only
 * the lists of the hosts (and the group) its object names.
 *
 * Ownership: the state owns what is put into it.  Ingresses and
 * IngressClasses are released with the functions given to iw_state_new()
 * (normally ingress_free / ingress_class_free; NULL: the caller keeps them
 * and must keep them alive while they are in the state).  An owned Ingress
 * is replaced at once by its compact copy (ingress_compact: no labels,
 * finalizers, owner references or source JSON; ~1 KB instead of ~12 KB) and
 * the original is released with free_ingress: lookups return the copy.
 * Copies made by iw_state_put_ingress_kept live in blocks of the state and
 * are given back all at once (see there).
 * Services are always owned (iw_service_free).  Pointers returned by lookups
 * are borrowed until the object is replaced or deleted.
 *
 * Not thread-safe for writers: a writer must exclude readers (the server
 * holds a read-write lock around it).
 *
 * Pure: libc + jansson + the model, no I/O, no globals.
 */
#ifndef IW_CHECKS_STATE_H
#define IW_CHECKS_STATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "model/model.h"
#include "model/configmap.h"
#include "model/service.h"

/* ---- the state ------------------------------------------------------------ */

struct iw_state;   /* opaque */

struct iw_state *iw_state_new(void (*free_ingress)(struct ingress *),
                              void (*free_class)(struct ingress_class *));
void iw_state_free(struct iw_state *st);   /* NULL is a no-op */

/*
 * Adds an Ingress, or replaces the one with the same namespace/name (the old
 * one is released).  Takes ownership of 'ing' even on failure (then it is
 * released).  Returns IW_OK, or IW_ENOMEM (the state is unchanged apart
 * from the old entry, which may be gone).
 */
enum iw_err iw_state_put_ingress(struct iw_state *st, struct ingress *ing);
/*
 * For a caller that reads again the Ingresses it put after later puts may
 * have replaced them (lint's pass two): like iw_state_put_ingress, but the
 * compact copy is made in large blocks the state owns, and the copy is
 * returned.  It stays valid and unchanged until iw_state_clear_ingresses,
 * iw_state_clear or iw_state_free, even when a later put of the same
 * namespace/name replaces it in the state or it is deleted (its memory is
 * only given back then: for a batch of objects, not for a watch).  Takes
 * 'ing' as iw_state_put_ingress does and returns what it returns; *copy
 * gets the copy (NULL on failure).  In a state that does not own its
 * Ingresses this is iw_state_put_ingress and *copy is 'ing'.
 */
enum iw_err iw_state_put_ingress_kept(struct iw_state *st, struct ingress *ing,
                                      const struct ingress **copy);
/* Removes and releases; returns false when there was none. */
bool iw_state_del_ingress(struct iw_state *st, const char *ns, const char *name);
const struct ingress *iw_state_get_ingress(const struct iw_state *st, const char *ns,
                                           const char *name);

/* Adds or replaces (by name); takes 'ic' even on failure.  IW_OK; IW_EINVAL
 * for a class without a name; IW_ENOMEM. */
enum iw_err iw_state_put_class(struct iw_state *st, struct ingress_class *ic);
bool iw_state_del_class(struct iw_state *st, const char *name);
const struct ingress_class *iw_state_get_class(const struct iw_state *st, const char *name);

/* Adds or replaces (by namespace/name); takes 'svc' even on failure.  IW_OK
 * or IW_ENOMEM. */
enum iw_err iw_state_put_service(struct iw_state *st, struct iw_service *svc);
bool iw_state_del_service(struct iw_state *st, const char *ns, const char *name);
const struct iw_service *iw_state_get_service(const struct iw_state *st, const char *ns,
                                              const char *name);

/* ConfigMaps, for the checks that follow an annotation naming one (only
 * from files: lint's input, --against snapshots; a watch does not list
 * them).  Adds or replaces (by namespace/name); takes 'cm' even on failure.
 * IW_OK or IW_ENOMEM.  iw_state_clear releases them. */
enum iw_err iw_state_put_configmap(struct iw_state *st, struct iw_configmap *cm);
const struct iw_configmap *iw_state_get_configmap(const struct iw_state *st, const char *ns,
                                                  const char *name);

/* Empties the state (a relist replaces everything). */
void iw_state_clear(struct iw_state *st);
/* Removes every object of one kind (a relist of that resource); the
 * "knows" flag of that kind is kept. */
void iw_state_clear_ingresses(struct iw_state *st);
void iw_state_clear_classes(struct iw_state *st);
void iw_state_clear_services(struct iw_state *st);

/*
 * Whether the state knows the Services / IngressClasses of the cluster:
 * set when one was put, or explicitly (a list that came back empty still
 * means "there are none").  The reference checks run only when it is known.
 */
void iw_state_set_knows(struct iw_state *st, bool services, bool classes);
bool iw_state_knows_services(const struct iw_state *st);
bool iw_state_knows_classes(const struct iw_state *st);

size_t iw_state_ningresses(const struct iw_state *st);
size_t iw_state_nclasses(const struct iw_state *st);
size_t iw_state_nservices(const struct iw_state *st);

/* The default IngressClass among the state's classes (iw_default_class,
 * model/model.h).  NULL when none. */
const char *iw_state_default_class(const struct iw_state *st);

/* The class an Ingress belongs to for the checks: ingress_class_of (the
 * annotation, else spec.ingressClassName), else the state's default
 * IngressClass (state may be NULL), else NULL. */
const char *iw_effective_class(const struct ingress *ing, const struct iw_state *state);

/* Index lookups: the Ingresses (borrowed, no particular order) whose rules
 * name 'host' as written / whose exact rule hosts fall under the wildcard
 * 'wild' ("*.foo.com") / whose TLS section names 'host'.  *n gets the count. */
const struct ingress *const *iw_state_by_host(const struct iw_state *st, const char *host,
                                              size_t *n);
const struct ingress *const *iw_state_by_wild(const struct iw_state *st, const char *wild,
                                              size_t *n);
const struct ingress *const *iw_state_by_tls(const struct iw_state *st, const char *host,
                                             size_t *n);

/* The Ingresses of one AWS Load Balancer Controller IngressGroup: whose
 * alb.ingress.kubernetes.io/group.name is 'group' (profile/alb.h), in no
 * particular order, whatever their class. */
const struct ingress *const *iw_state_by_group(const struct iw_state *st, const char *group,
                                               size_t *n);

/* Every Ingress, in no particular order: i in 0..iw_state_slots()-1, NULL
 * for a free slot. */
size_t iw_state_slots(const struct iw_state *st);
const struct ingress *iw_state_slot(const struct iw_state *st, size_t i);

/* Bytes the state allocated for its own tables and indexes (the models
 * themselves are not counted). */
size_t iw_state_index_bytes(const struct iw_state *st);

#endif
