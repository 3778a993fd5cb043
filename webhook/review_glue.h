/*
 * Glue between the server's callbacks (server.h) and the engines: the
 * AdmissionReview codec (admission/admission.h) for the review endpoint and the
 * linter (lint/lint.h) for POST /lint.  The server stays independent of them;
 * this is the only file that knows both.
 */
#ifndef IW_WEBHOOK_REVIEW_GLUE_H
#define IW_WEBHOOK_REVIEW_GLUE_H

#include <stdbool.h>
#include <stddef.h>

#include "checks/policy.h"
#include "webhook/cluster.h"
#include "webhook/policybox.h"
#include "webhook/server.h"

struct wh_glue;

/* Engine state shared by every request (read-only after creation).  Installs
 * jansson's allocation hooks (load/jarena.h): call before other threads use
 * jansson. */
struct wh_glue *wh_glue_new(char *err, size_t errlen);
void wh_glue_free(struct wh_glue *g);
/* The policy in force (NULL: every check at its default; each request takes
 * the one current when it starts) and the watched cluster (NULL: none) of the
 * admission and lint answers, and what to answer while the cluster state is
 * not synced.  Call before serving; both must outlive g. */
void wh_glue_set_policy(struct wh_glue *g, struct wh_policy_box *p, struct iw_cluster *c,
                        enum iw_unsynced mode);

/* Whether each worker thread parses its reviews in an arena of its own (on
 * by default): right for a pool of a few threads; with a thread per
 * connection, the pages an arena keeps would be kept per connection. */
void wh_glue_set_arenas(struct wh_glue *g, bool on);

/* wh_review_fn: the AdmissionReview response exactly as `review` prints it. */
int wh_glue_review(void *ctx, const char *body, size_t len, struct wh_answer *ans,
                   struct wh_review_info *info);
/* wh_lint_fn: POST /lint answers the lint report of the posted manifests
 * (?o=json, the JSON of DESIGN.md, by default; text; sarif) with 200 when
 * nothing is denied, 422 when something is, 400 for an input error (the
 * report says where) or an unknown ?o=; POST /route and /diff are
 * webhook/lintapi.h. */
int wh_glue_lint(void *ctx, const struct wh_lint_req *q, struct wh_answer *ans,
                 struct wh_lint_info *info);

#endif
