/*
 * The policy in force in `serve`, replaced while requests run (SIGHUP re-reads
 * the --config file).  Readers take a reference for the time of one review,
 * one lint request or one audit; a swap publishes the new policy at once and
 * frees the old one when its last reader is done.  A reader never waits for a
 * swap, nor a swap for a reader.
 *
 *   struct wh_policy_ref *r;
 *   const struct iw_policy *p = wh_policy_get(box, &r);   // never NULL
 *   ... iw_policy_check(p, ...) ...
 *   wh_policy_put(box, r);
 */
#ifndef IW_WEBHOOK_POLICYBOX_H
#define IW_WEBHOOK_POLICYBOX_H

#include "checks/policy.h"

struct wh_policy_box;
struct wh_policy_ref;

/* Takes ownership of p (NULL: a policy with every check at its default).
 * NULL when out of memory (p is freed). */
struct wh_policy_box *wh_policy_box_new(struct iw_policy *p);
/* Frees the box and its policy; every reference must have been put. */
void wh_policy_box_free(struct wh_policy_box *b);

const struct iw_policy *wh_policy_get(struct wh_policy_box *b, struct wh_policy_ref **ref);
void wh_policy_put(struct wh_policy_box *b, struct wh_policy_ref *ref);

/* Publishes p (ownership taken); the old policy is freed once unused.
 * Returns 0, or -1 when out of memory (p is freed, the old one stays). */
int wh_policy_swap(struct wh_policy_box *b, struct iw_policy *p);

#endif
