/*
 * The lint listener's API besides POST /lint (which is review_glue.c's):
 *
 *   POST /route  {"manifests": TEXT, "host": H, "path": P,
 *                 "controller": "spec"|"ingress-nginx", "class": NAME}
 *     200 {"decision": <the `route -o json` object>, "explanation": TEXT,
 *          "ingresses": N, "classes": N}
 *     400 {"error": TEXT, "problems": [{"line","column","message"}...]}
 *         (a body that is not that object, manifests that cannot be read or
 *          that the API server would refuse, a controller without a router,
 *          a host or path too long)
 *
 *   POST /diff   {"old": TEXT, "new": TEXT, "oldController": "spec", "newController":
 *                 (oldController's), "class": NAME}
 *     200 what `ingress-warden diff -o json` prints for the two sets of Ingresses
 *         (diff/diff.h: df_run, df_render), each object's "where" being
 *         "old:LINE" or "new:LINE"; the first 200 differences listed, all counted
 *     400 as /route, each problem with "side": "old" | "new"
 *
 * TEXT is read by the manifest loader (load/manifest.h) and its Ingresses
 * and IngressClasses are decoded strictly and validated as `route -f` does
 * (src/rtload.c): errors and removed versions refuse the set, each at its
 * line; objects of other kinds are ignored.  The
 * request's bounds are the server's (--max-body) and the lint limits
 * (nesting, nodes, documents) given here; a cut connection (q->cancel)
 * stops the parse.
 */
#ifndef IW_WEBHOOK_LINTAPI_H
#define IW_WEBHOOK_LINTAPI_H

#include "load/yamldoc.h"
#include "webhook/server.h"

/* Returns 0 with *ans filled, or -1 on an internal failure (out of memory,
 * cancelled). */
int wh_api_route(const struct wh_lint_req *q, const struct yd_limits *lim, struct wh_answer *ans,
                 struct wh_lint_info *info);
int wh_api_diff(const struct wh_lint_req *q, const struct yd_limits *lim, struct wh_answer *ans,
                struct wh_lint_info *info);

#endif
