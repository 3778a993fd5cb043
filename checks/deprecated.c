/* deprecated-api (see deprecated.h). */
#include "checks/deprecated.h"

bool iw_check_deprecated_api(enum iw_kind kind, enum iw_api api, enum iw_severity sev,
                             struct findings *out)
{
	const char *version, *what;
	if (sev == IW_SEV_OFF)
		return false;
	if (kind == IW_KIND_INGRESS && api == IW_API_EXTENSIONS_V1BETA1) {
		version = "extensions/v1beta1";
		what = "Ingress";
	} else if (kind == IW_KIND_INGRESS && api == IW_API_NETWORKING_V1BETA1) {
		version = "networking.k8s.io/v1beta1";
		what = "Ingress";
	} else if (kind == IW_KIND_INGRESSCLASS && api == IW_API_NETWORKING_V1BETA1) {
		version = "networking.k8s.io/v1beta1";
		what = "IngressClass";
	} else {
		return false;
	}
	findings_add(out, "deprecated-api", sev, FP_KEY(NULL, "apiVersion"),
	             "%s %s was removed in Kubernetes 1.22: use networking.k8s.io/v1", version, what);
	return true;
}
