/* Policy configuration and dispatch (see policy.h). */
#include "checks/policy.h"
#include "checks/checkctx.h"

#include <stdlib.h>
#include <string.h>

void iw_policy_check(const struct iw_policy *p, const struct ingress *ing,
                     const struct ingress *old, const struct iw_state *state,
                     struct findings *out)
{
	struct chk_ctx c = {
		.p = p, .ing = ing, .old = old, .st = state,
		.ns = iw_namespace(&ing->meta), .name = ing->meta.name ? ing->meta.name : "",
		.cls = iw_effective_class(ing, state), .out = out,
	};
	chk_duplicate_path(&c);
	chk_routing(&c);
	chk_wildcard_host_overlap(&c);
	chk_tls_host_unserved(&c);
	chk_tls_secret_conflict(&c);
	chk_dangling_service(&c);
	chk_ingress_class(&c);
	chk_deprecated_api(&c);
	chk_deprecated_class_annotation(&c);
	chk_dangerous_annotation(&c);
	chk_regex_in_path(&c);
}
