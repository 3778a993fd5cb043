/*
 * IngressClass spec rules: k8s.io/kubernetes pkg/apis/networking/validation/
 * validation.go (validateIngressClassSpec and what it calls), RULES.md §7.
 */
#include <stdlib.h>
#include <string.h>

#include "validate/vrules.h"

#define MAX_LEN_CONTROLLER 250   /* maxLenIngressClassController */

/* k8s: IsDomainPrefixedPath (apimachinery util/validation) */
static void domain_prefixed_path(const char *s, const struct fpath *at, struct errlist *el)
{
	if (!*s) {
		fe_add(el, FE_REQUIRED, at, NULL, NULL);
		return;
	}
	const char *slash = strchr(s, '/');
	if (!slash || slash == s || !slash[1]) {
		vr_invalid_str(el, at, s, "must be a domain-prefixed path (such as \"acme.io/foo\")");
		return;
	}
	size_t hl = (size_t)(slash - s);
	char *host = malloc(hl + 1);
	if (!host) {
		el->err = IW_ENOMEM;
		return;
	}
	memcpy(host, s, hl);
	host[hl] = '\0';
	struct iw_msgs m;
	iw_msgs_init(&m);
	iw_is_dns1123_subdomain(host, &m);
	vr_invalid_msgs(el, at, host, &m);
	free(host);
	if (!iw_is_http_path_chars(slash + 1))
		vr_invalid_str(el, at, slash + 1,
		               "Invalid path (regex used for validation is '" IW_HTTP_PATH_REGEX "')");
}

/* k8s: validateIngressClassParametersReference */
static void parameters(const struct ingress_class *ic, const struct fpath *at, int kube_minor,
                       struct errlist *el)
{
	if (!ic->has_parameters)
		return;
	struct iw_resource_ref ref = { ic->parameters.api_group, ic->parameters.kind,
	                               ic->parameters.name };
	vr_typed_local_ref(&ref, at, kube_minor, el);
	const char *scope = ic->parameters.scope;
	if (!scope) {
		fe_add(el, FE_REQUIRED, FP_KEY(at, "scope"), NULL, NULL);
		return;
	}
	const char *ns = ic->parameters.namespace_;
	if (!strcmp(scope, "Namespace")) {
		if (!ns) {
			fe_add(el, FE_REQUIRED, FP_KEY(at, "namespace"), NULL,
			       "`parameters.scope` is set to 'Namespace'");
		} else {
			struct iw_msgs m;
			iw_msgs_init(&m);
			iw_is_dns1123_label(ns, &m);
			vr_invalid_msgs(el, FP_KEY(at, "namespace"), ns, &m);
		}
	} else if (!strcmp(scope, "Cluster")) {
		if (ns)
			fe_add(el, FE_FORBIDDEN, FP_KEY(at, "namespace"), NULL,
			       "`parameters.scope` is set to 'Cluster'");
	} else {
		char *q = fe_quote(scope);
		if (!q) {
			el->err = IW_ENOMEM;
			return;
		}
		fe_add(el, FE_NOT_SUPPORTED, FP_KEY(at, "scope"), q,
		       "supported values: \"Cluster\", \"Namespace\"");
		free(q);
	}
}

/* k8s: validateIngressClassSpec */
void vr_ingress_class_spec(const struct ingress_class *ic, int kube_minor, struct errlist *el)
{
	const struct fpath *sp = FP_KEY(NULL, "spec");
	const struct fpath *cp = FP_KEY(sp, "controller");
	if (strlen(ic->controller) > MAX_LEN_CONTROLLER)
		fe_add(el, FE_TOO_LONG, cp, NULL, "may not be more than %d bytes", MAX_LEN_CONTROLLER);
	domain_prefixed_path(ic->controller, cp, el);
	parameters(ic, FP_KEY(sp, "parameters"), kube_minor, el);
}
