/* The table of checks and their configuration (see check.h). */
#include "checks/check.h"

#include <stdlib.h>
#include <string.h>

static const struct iw_check_info checks[IW_NCHECKS] = {
	[IW_CHK_HOST_PATH_CONFLICT] = { "host-path-conflict", IW_SEV_ERROR, IW_SEV_WARNING,
		"sameNamespaceSeverity", true,
		"admitting the object changes which Ingress of the same routing table (the "
		"profile's merge domain: the class; one ALB IngressGroup; never across GKE load "
		"balancers) serves a request another Ingress serves today, or it repeats a "
		"host+path+pathType another Ingress already serves", false,
		"Two Ingresses claim one route",
		"requests another team serves today start going to this object's backend (or stop reaching it) the moment it is admitted, with no error anywhere: the controller just picks one", NULL },
	[IW_CHK_WILDCARD_HOST_OVERLAP] = { "wildcard-host-overlap", IW_SEV_WARNING, IW_SEV_OFF,
		NULL, true,
		"a wildcard host that covers a host another namespace serves in the same routing "
		"table (and catches it if that Ingress goes away), or an exact host taking over "
		"another namespace's wildcard", false,
		"A wildcard host overlaps another namespace's host",
		"the wildcard silently takes the other host's traffic when that Ingress goes away, and on some controllers its unmatched paths today", NULL },
	[IW_CHK_DUPLICATE_PATH] = { "duplicate-path", IW_SEV_WARNING, IW_SEV_WARNING,
		"sameBackendSeverity", false,
		"the same host, path and pathType twice in one object: one of them never receives "
		"traffic (which one depends on the controller; an ALB path narrowed by a "
		"conditions annotation is not a duplicate; GKE: a second rule for a host replaces "
		"the first)", false,
		"The same path twice in one Ingress",
		"one of the two backends never receives a request, and which one depends on the controller: a copy-paste slip that looks fine in review", NULL },
	/* looks at other objects: the paths that win may be another Ingress's */
	[IW_CHK_SHADOWED_PATH] = { "shadowed-path", IW_SEV_WARNING, IW_SEV_OFF, NULL, true,
		"a path that can never receive traffic because other paths always win (ALB: an "
		"earlier listener rule of the IngressGroup)", false,
		"A path that never receives traffic",
		"the backend behind it is unreachable through this Ingress: other paths always match first", NULL },
	[IW_CHK_TLS_HOST_UNSERVED] = { "tls-host-unserved", IW_SEV_WARNING, IW_SEV_OFF, NULL, false,
		"a spec.tls host that no rule, host-less rule or defaultBackend of the object serves", false,
		"A TLS host without a route",
		"the certificate is configured for a host no rule serves: clients reach the default backend (404) over HTTPS", NULL },
	[IW_CHK_TLS_SECRET_CONFLICT] = { "tls-secret-conflict", IW_SEV_WARNING, IW_SEV_OFF, NULL, true,
		"one TLS host with different secrets in different Ingresses of the same routing table", false,
		"One TLS host, two certificates",
		"which certificate clients see depends on the controller's choice between Ingresses, and changes when one of them changes", NULL },
	[IW_CHK_DANGLING_SERVICE] = { "dangling-service", IW_SEV_WARNING, IW_SEV_OFF, NULL, true,
		"a backend Service that does not exist (only when the state holds Services; an ALB "
		"use-annotation action is not a Service)", false,
		"The backend Service does not exist",
		"requests for the route get 503 from the controller until the Service is created", NULL },
	[IW_CHK_DANGLING_SERVICE_PORT] = { "dangling-service-port", IW_SEV_WARNING, IW_SEV_OFF, NULL,
		true, "a backend port the Service does not have (only when the state holds Services)", false,
		"The backend Service has no such port",
		"requests for the route get 503: the controller finds no endpoints for that port", NULL },
	[IW_CHK_UNKNOWN_INGRESS_CLASS] = { "unknown-ingress-class", IW_SEV_WARNING, IW_SEV_OFF, NULL,
		true, "an IngressClass that does not exist (only when the state holds IngressClasses)", false,
		"The IngressClass does not exist",
		"no controller serves the Ingress: the API server accepts it and it does nothing", NULL },
	[IW_CHK_NO_INGRESS_CLASS] = { "no-ingress-class", IW_SEV_WARNING, IW_SEV_OFF, NULL, true,
		"no class and no default IngressClass: no controller is asked to serve it "
		"(only when the state holds IngressClasses)", false,
		"No IngressClass and no default class",
		"no controller is asked to serve the Ingress: the API server accepts it and it does nothing", NULL },
	[IW_CHK_DEPRECATED_API] = { "deprecated-api", IW_SEV_WARNING, IW_SEV_OFF, NULL, false,
		"an Ingress or IngressClass API version that was removed (extensions/v1beta1, "
		"networking.k8s.io/v1beta1)", true,
		"A removed Ingress API version",
		"no Kubernetes since 1.22 serves it: kubectl apply fails with \"no matches for kind\" (ingress-warden convert writes networking.k8s.io/v1)", NULL },
	[IW_CHK_DEPRECATED_CLASS_ANNOTATION] = { "deprecated-class-annotation", IW_SEV_WARNING,
		IW_SEV_OFF, NULL, false,
		"the kubernetes.io/ingress.class annotation against spec.ingressClassName, per "
		"controller: deprecated where the field is read; GKE reads only the annotation "
		"(the field alone: GKE takes no action)", false,
		"The kubernetes.io/ingress.class annotation",
		"the annotation and spec.ingressClassName can name different classes, and controllers differ on which one wins (GKE reads only the annotation)", NULL },
	[IW_CHK_DANGEROUS_ANNOTATION] = { "dangerous-annotation", IW_SEV_ERROR, IW_SEV_WARNING,
		"configMapSeverity", false,
		"annotations a controller renders into nginx.conf that inject configuration: "
		"ingress-nginx snippets (CVE-2021-25742) and the IngressNightmare and 2026 vectors "
		"(auth-url, auth-signin, auth-tls-match-cn, mirror-target, mirror-host, auth-method: "
		"CVE-2025-1097/1098/24514, CVE-2026-1580), NGINX Inc nginx.org/*-snippets and "
		"control characters in nginx.org values; warning (configMapSeverity): annotations "
		"that import a ConfigMap's values into nginx.conf (CVE-2025-15566)", false,
		"An annotation that injects controller configuration",
		"anyone who may create an Ingress can write raw nginx configuration: read the controller's secrets (every TLS key it serves), or break the configuration of every Ingress of the class", "ingress-nginx, nginx-inc" },
	[IW_CHK_REGEX_IN_PATH] = { "regex-in-path", IW_SEV_WARNING, IW_SEV_OFF, NULL, false,
		"regex characters in an Exact or Prefix path: the spec matches them literally, "
		"some controllers (ingress-nginx use-regex) do not", false,
		"Regex characters in an Exact or Prefix path",
		"the specification matches the characters literally, a regex-enabled controller does not: the route matches other requests than the manifest says, or ingress-nginx refuses it", "spec, ingress-nginx, nginx-inc" },
	[IW_CHK_CONTROLLER_REJECTS] = { "controller-rejects", IW_SEV_ERROR, IW_SEV_OFF, NULL, true,
		"what the controller of the class refuses: nginx's duplicate locations under "
		"ingress-nginx (the reload fails, the old configuration stays for the whole class), "
		"ingress-nginx annotation values its validation rejects, NGINX Inc paths its "
		"validation rejects, ALB wildcards in Exact/Prefix paths, ALB group settings that "
		"fail the whole IngressGroup", false,
		"Something the controller refuses",
		"the API server accepts the object but the controller does not: under ingress-nginx a failed reload keeps the old configuration for every Ingress of the class, so no later change takes effect", "ingress-nginx, nginx-inc, aws-alb, gce" },
	[IW_CHK_DANGEROUS_PATH] = { "dangerous-path", IW_SEV_ERROR, IW_SEV_OFF, NULL, false,
		"a path or host ingress-nginx writes into nginx.conf that can leave its token "
		"(CVE-2026-24512, CVE-2026-3288, CVE-2026-4342) or that its deep inspection rejects", false,
		"A path that escapes nginx.conf",
		"whoever may create an Ingress can write nginx configuration through a path or host (and read the controller's secrets), or make the controller refuse the object", "ingress-nginx" },
	[IW_CHK_IGNORED_ANNOTATION] = { "ignored-annotation", IW_SEV_WARNING, IW_SEV_OFF, NULL, false,
		"an annotation the controller of the class does not read: another controller's "
		"prefix, the legacy ingress.kubernetes.io/ prefix, or a name ingress-nginx does "
		"not know", false,
		"An annotation the controller does not read",
		"the setting the author expects (a timeout, a redirect, an auth rule) is not applied, and nothing says so", NULL },
	[IW_CHK_CANARY_WITHOUT_MAIN] = { "canary-without-main", IW_SEV_WARNING, IW_SEV_OFF, NULL,
		true,
		"an ingress-nginx canary with no main Ingress for its host, path and pathType: "
		"the canary receives no traffic", false,
		"A canary without its main Ingress",
		"the canary receives no traffic: ingress-nginx drops a canary whose host, path and pathType no other Ingress serves", "ingress-nginx" },
	[IW_CHK_MINION_WITHOUT_MASTER] = { "minion-without-master", IW_SEV_WARNING, IW_SEV_OFF, NULL,
		true,
		"an NGINX Inc minion (nginx.org/mergeable-ingress-type: minion) whose host has no "
		"master Ingress: none of its paths is served", false,
		"A minion without its master Ingress",
		"NGINX Inc's controller serves a minion's paths only through the master Ingress of its host: without one, none of them is served", "nginx-inc" },
	[IW_CHK_HTTPROUTE_CONFLICT] = { "httproute-conflict", IW_SEV_ERROR, IW_SEV_WARNING,
		"sameNamespaceSeverity", true,
		"an HTTPRoute match whose hostname, listener and conditions another route claims "
		"too: the one the router ranks first (a PathPrefix written with a trailing '/', "
		"then the older route, then namespace/name) serves them, this one none", false,
		"Two HTTPRoutes claim one match",
		"requests the author routes to this route go to the other route's backends instead, and nothing says so", NULL },
	[IW_CHK_HTTPROUTE_SHADOWED_MATCH] = { "httproute-shadowed-match", IW_SEV_WARNING, IW_SEV_OFF,
		NULL, false,
		"an HTTPRoute match that another match of the same route always beats (the same "
		"conditions: the first rule wins, or a longer value as written): it never serves", false,
		"A rule match that never serves",
		"this match's backends never receive these requests: a copy-paste or ordering mistake that looks routed", NULL },
	[IW_CHK_HTTPROUTE_NOT_ATTACHED] = { "httproute-not-attached", IW_SEV_WARNING, IW_SEV_OFF,
		NULL, true,
		"an HTTPRoute whose Gateway is known but whose listeners all refuse it (sectionName, "
		"port, allowedRoutes, hostnames): it serves nothing", false,
		"An HTTPRoute no listener accepts",
		"the route serves nothing: its Gateway's listeners refuse it (sectionName, port, allowedRoutes or hostnames)", NULL },
	[IW_CHK_HTTPROUTE_DANGLING_BACKEND] = { "httproute-dangling-backend", IW_SEV_WARNING,
		IW_SEV_OFF, NULL, true,
		"an HTTPRoute backendRef to a Service that does not exist or lacks the port "
		"(only when the state holds Services), or of another kind than Service (500 "
		"InvalidKind unless the implementation documents it)", false,
		"A backendRef to a missing Service or port, or to another kind",
		"requests for this backend get 500 from the implementation", NULL },
	[IW_CHK_HTTPROUTE_BACKEND_NOT_PERMITTED] = { "httproute-backend-not-permitted",
		IW_SEV_WARNING, IW_SEV_OFF, NULL, true,
		"an HTTPRoute backendRef to another namespace that no ReferenceGrant among the "
		"objects permits (500)", false,
		"A cross-namespace backendRef without a ReferenceGrant",
		"the implementation refuses the reference: requests for this backend get 500", NULL },
	[IW_CHK_HTTPROUTE_INVALID_REGEX] = { "httproute-invalid-regex", IW_SEV_ERROR, IW_SEV_OFF,
		NULL, false,
		"an HTTPRoute RegularExpression that does not compile as RE2: implementations "
		"refuse the rule", false,
		"A RegularExpression that does not compile",
		"implementations refuse the rule (RE2 syntax): none of its matches serves", NULL },
};

const struct iw_check_info *iw_check_info(enum iw_check_id id)
{
	return (unsigned)id < IW_NCHECKS ? &checks[id] : NULL;
}

enum iw_err iw_check_lookup(const char *id, enum iw_check_id *out)
{
	for (int i = 0; i < IW_NCHECKS; i++)
		if (!strcmp(checks[i].id, id)) {
			*out = (enum iw_check_id)i;
			return IW_OK;
		}
	return IW_ENOTFOUND;
}

struct iw_policy *iw_policy_new(void)
{
	struct iw_policy *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	for (int i = 0; i < IW_NCHECKS; i++) {
		p->check[i].severity = checks[i].severity;
		p->check[i].alt_severity = checks[i].alt_severity;
	}
	return p;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void iw_policy_free(struct iw_policy *p)
{
	if (!p)
		return;
	for (int i = 0; i < IW_NCHECKS; i++) {
		free_list(p->check[i].namespaces, p->check[i].nnamespaces);
		free_list(p->check[i].exclude_namespaces, p->check[i].nexclude_namespaces);
		free_list(p->check[i].classes, p->check[i].nclasses);
	}
	iw_profile_conf_release(&p->profiles);
	free(p);
}
