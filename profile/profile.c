/* The profile table and the choice of a profile (see profile.h). */
#include "profile/profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define L(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define NONE ((const char *const[]){ NULL })

/*
 * Sources (short names of docs/profile-evidence/PROFILES.md, commits there):
 * NGX kubernetes/ingress-nginx controller-v1.15.1; ALB aws-load-balancer-controller
 * 225f44568848; GCE kubernetes/ingress-gce acbcf5d66dd9; TRF traefik fd5a576df2e8;
 * NIC nginx/kubernetes-ingress 0eb3072d14f0; AGIC application-gateway-kubernetes-ingress
 * f42103da8b3d; CTR projectcontour/contour.  docs/profiles.md renders this table.
 */
static const struct iw_profile profiles[IW_NPROFILES] = {
	[IW_PROFILE_SPEC] = {
		IW_PROFILE_SPEC, "spec", "the Ingress specification",
		NONE, NONE, NONE,
		IW_MERGE_CLASS, IW_PREFIX_ELEMENT, IW_IS_OWN, IW_DUP_UNSPECIFIED,
		IW_CLASS_FIELD_WINS, false,
		"k8s.io/api networking/v1 types.go (PathType, IngressClassName); "
		"kubernetes.io/docs/concepts/services-networking/ingress" },
	[IW_PROFILE_INGRESS_NGINX] = {
		IW_PROFILE_INGRESS_NGINX, "ingress-nginx", "ingress-nginx (kubernetes/ingress-nginx)",
		L("k8s.io/ingress-nginx"), L("nginx"),
		L("nginx.ingress.kubernetes.io/", "kubernetes.io/ingress.class"),
		IW_MERGE_CLASS, IW_PREFIX_ELEMENT, IW_IS_NGINX, IW_DUP_FIRST,
		IW_CLASS_FIELD_WINS, true,
		"NGX pkg/flags/flags.go:67,72,159; internal/ingress/controller/store/store.go:1066-1132; "
		"internal/ingress/controller/controller.go:816-873 (first Ingress keeps a path); "
		"SEMANTICS-ingress-nginx.md sec. 1-10" },
	[IW_PROFILE_AWS_ALB] = {
		IW_PROFILE_AWS_ALB, "aws-alb", "AWS Load Balancer Controller",
		L("ingress.k8s.aws/alb"), L("alb"),
		L("alb.ingress.kubernetes.io/", "kubernetes.io/ingress.class"),
		IW_MERGE_ALB_GROUP, IW_PREFIX_ELEMENT, IW_IS_ALB_PATTERN, IW_DUP_FIRST,
		IW_CLASS_ANNOTATION_WINS, false,
		"ALB docs/guide/ingress/annotations.md (IngressGroup, conditions, actions); "
		"pkg/ingress/group_loader.go:196-326; pkg/ingress/model_build_listener_rules.go:19-288" },
	[IW_PROFILE_GCE] = {
		IW_PROFILE_GCE, "gce", "GKE Ingress (ingress-gce)",
		NONE, L("gce", "gce-internal", "gce-regional-external"),
		L("kubernetes.io/ingress.class", "kubernetes.io/ingress.allow-http",
		  "kubernetes.io/ingress.global-static-ip-name",
		  "kubernetes.io/ingress.regional-static-ip-name", "ingress.gcp.kubernetes.io/",
		  "networking.gke.io/", "cloud.google.com/",
		  /* status annotations the controller writes on live objects */
		  "ingress.kubernetes.io/"),
		IW_MERGE_OBJECT, IW_PREFIX_ELEMENT, IW_IS_GCE_URLMAP, IW_DUP_LAST,
		IW_CLASS_ANNOTATION_ONLY, false,
		"cloud.google.com/kubernetes-engine/docs/concepts/ingress (controller behavior table); "
		"GCE pkg/utils/utils.go:330-353; pkg/annotations/ingress.go:27-109; "
		"pkg/utils/gceurlmap.go:93-128; pkg/controller/translator/translator.go:321-462" },
	[IW_PROFILE_TRAEFIK] = {
		IW_PROFILE_TRAEFIK, "traefik", "Traefik (kubernetesIngress provider)",
		L("traefik.io/ingress-controller"), L("traefik"),
		L("traefik.ingress.kubernetes.io/", "kubernetes.io/ingress.class"),
		IW_MERGE_CLASS, IW_PREFIX_STRING, IW_IS_PREFIX, IW_DUP_UNSPECIFIED,
		IW_CLASS_FIELD_WINS, false,
		"TRF pkg/provider/kubernetes/ingress/kubernetes.go:37,571-581,755-981; "
		"docs/content/reference/install-configuration/providers/kubernetes/kubernetes-ingress.md" },
	[IW_PROFILE_NGINX_INC] = {
		IW_PROFILE_NGINX_INC, "nginx-inc", "F5 NGINX Ingress Controller (nginx.org)",
		L("nginx.org/ingress-controller"), L("nginx"),
		L("nginx.org/", "nginx.com/", "appprotect.f5.com/", "appprotectdos.f5.com/",
		  "ingress.kubernetes.io/ssl-redirect", "kubernetes.io/ingress.class"),
		IW_MERGE_CLASS, IW_PREFIX_STRING, IW_IS_PREFIX, IW_DUP_UNSPECIFIED,
		IW_CLASS_FIELD_WINS, true,
		"NIC internal/k8s/controller.go:78; internal/k8s/validation.go:21-104,1191-1420; "
		"internal/configs/annotations.go:264-271; internal/configs/ingress.go:1041-1050" },
	[IW_PROFILE_CONTOUR] = {
		IW_PROFILE_CONTOUR, "contour", "Contour",
		NONE, L("contour"),
		L("projectcontour.io/", "contour.heptio.com/", "ingress.kubernetes.io/",
		  "kubernetes.io/ingress.class"),
		IW_MERGE_CLASS, IW_PREFIX_ELEMENT, IW_IS_OWN, IW_DUP_UNSPECIFIED,
		IW_CLASS_ANNOTATION_WINS, false,
		"CTR internal/ingressclass/ingressclass.go; internal/annotation/annotations.go" },
	[IW_PROFILE_AGIC] = {
		IW_PROFILE_AGIC, "agic", "Azure Application Gateway Ingress Controller",
		L("azure/application-gateway"), L("azure/application-gateway", "azure-application-gateway"),
		L("appgw.ingress.kubernetes.io/", "kubernetes.io/ingress.class"),
		IW_MERGE_CLASS, IW_PREFIX_STRING, IW_IS_APPGW, IW_DUP_UNSPECIFIED,
		IW_CLASS_FIELD_WINS, false,
		"AGIC pkg/environment/environment.go:122; pkg/appgw/requestroutingrules.go:524-545; "
		"docs/features/multiple-namespaces.md" },
};

static const struct {
	const char *alias;
	enum iw_profile_id id;
} aliases[] = {
	{ "nginx", IW_PROFILE_INGRESS_NGINX },
	{ "alb", IW_PROFILE_AWS_ALB },
	{ "gke", IW_PROFILE_GCE },
	{ "nginx.org", IW_PROFILE_NGINX_INC },
	{ "f5", IW_PROFILE_NGINX_INC },
};

const struct iw_profile *iw_profile_get(enum iw_profile_id id)
{
	return (unsigned)id < IW_NPROFILES ? &profiles[id] : &profiles[IW_PROFILE_SPEC];
}

const struct iw_profile *iw_profile_lookup(const char *name)
{
	if (!name)
		return NULL;
	for (int i = 0; i < IW_NPROFILES; i++)
		if (!strcmp(profiles[i].name, name))
			return &profiles[i];
	for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++)
		if (!strcmp(aliases[i].alias, name))
			return &profiles[aliases[i].id];
	return NULL;
}

const struct iw_profile *iw_profile_by_controller(const char *controller)
{
	if (!controller || !*controller)
		return NULL;
	for (int i = 0; i < IW_NPROFILES; i++)
		for (const char *const *c = profiles[i].controllers; *c; c++)
			if (!strcmp(*c, controller))
				return &profiles[i];
	return NULL;
}

const char *iw_profile_names(void)
{
	return "spec, ingress-nginx, aws-alb, gce, traefik, nginx-inc, contour, agic";
}

/* ---- annotations ------------------------------------------------------------ */

/* The entry of p's list that key matches, or NULL. */
static const char *read_entry(const struct iw_profile *p, const char *key)
{
	for (const char *const *r = p->reads; *r; r++) {
		if ((*r)[0] != key[0])
			continue;   /* most entries: no strlen (a review asks ~40 times) */
		size_t n = strlen(*r);
		if ((*r)[n - 1] == '/' ? !strncmp(key, *r, n) && key[n] : !strcmp(key, *r))
			return *r;
	}
	return NULL;
}

bool iw_profile_reads(const struct iw_profile *p, const char *key)
{
	return p && key && read_entry(p, key);
}

/* The one profile whose list matches key (and the entry), or NULL. */
static const struct iw_profile *owner(const char *key, const char **entry)
{
	const struct iw_profile *found = NULL;
	const char *e = NULL;
	if (!key)
		return NULL;
	for (int i = 0; i < IW_NPROFILES; i++) {
		const char *m = read_entry(&profiles[i], key);
		if (!m)
			continue;
		if (found)
			return NULL;   /* read by several: nobody's own */
		found = &profiles[i];
		e = m;
	}
	if (entry)
		*entry = e;
	return found;
}

const struct iw_profile *iw_annotation_owner(const char *key)
{
	return owner(key, NULL);
}

bool iw_profile_ignores(const struct iw_profile *p, const char *key)
{
	if (!p || p->id == IW_PROFILE_SPEC || !key || iw_profile_reads(p, key))
		return false;
	return owner(key, NULL) || !strncmp(key, "ingress.kubernetes.io/", 22);
}

/* The one controller every controller annotation of the object names (and
 * the first matching entry), or NULL: none, or several. */
static const struct iw_profile *by_annotations(const struct ingress *ing, const char **entry)
{
	const struct iw_profile *found = NULL;
	for (size_t i = 0; i < ing->meta.nannotations; i++) {
		const char *e = NULL;
		const struct iw_profile *o = owner(ing->meta.annotations[i].key, &e);
		if (!o)
			continue;
		if (found && o != found)
			return NULL;
		if (!found && entry)
			*entry = e;
		found = o;
	}
	return found;
}

static bool named(const struct iw_profile *p, const char *cls)
{
	for (const char *const *n = p->class_names; *n; n++)
		if (!strcmp(*n, cls))
			return true;
	return false;
}

struct iw_profile_choice iw_profile_of(const struct ingress *ing, const char *cls,
                                       const struct ingress_class *ic,
                                       const struct iw_profile_conf *conf)
{
	struct iw_profile_choice ch = { &profiles[IW_PROFILE_SPEC], IW_PROFILE_BY_FALLBACK };
	if (conf && conf->forced) {
		ch.profile = iw_profile_get(conf->force);
		ch.how = IW_PROFILE_BY_OPTION;
		return ch;
	}
	if (cls) {
		const struct iw_profile *p = ic ? iw_profile_by_controller(ic->controller) : NULL;
		if (p) {
			ch.profile = p;
			ch.how = IW_PROFILE_BY_CONTROLLER;
			return ch;
		}
		for (size_t i = 0; conf && i < conf->nclasses; i++)
			if (conf->classes[i].cls && !strcmp(conf->classes[i].cls, cls)) {
				ch.profile = iw_profile_get(conf->classes[i].id);
				ch.how = IW_PROFILE_BY_CONFIG;
				return ch;
			}
		if (!ic) {
			/* a well-known name; "nginx" is the default of two controllers:
			 * their annotation prefixes tell them apart */
			const struct iw_profile *first = NULL, *ann = by_annotations(ing, NULL);
			for (int i = 0; i < IW_NPROFILES; i++) {
				if (!named(&profiles[i], cls))
					continue;
				if (!first)
					first = &profiles[i];
				if (ann == &profiles[i] && ann != first) {
					ch.profile = ann;
					ch.how = IW_PROFILE_BY_ANNOTATIONS;
					return ch;
				}
			}
			if (first) {
				ch.profile = first;
				ch.how = IW_PROFILE_BY_CLASS_NAME;
				return ch;
			}
		}
	}
	const struct iw_profile *p = by_annotations(ing, NULL);
	if (p) {
		ch.profile = p;
		ch.how = IW_PROFILE_BY_ANNOTATIONS;
	}
	return ch;
}

const char *iw_profile_note(const struct ingress *ing, const char *cls,
                            struct iw_profile_choice ch, char *buf, size_t size)
{
	const char *n = ch.profile ? ch.profile->name : "spec";
	if (!size)
		return buf;
	buf[0] = '\0';
	switch (ch.how) {
	case IW_PROFILE_BY_FALLBACK:
		break;
	case IW_PROFILE_BY_OPTION:
		snprintf(buf, size, "profile %s: --controller", n);
		break;
	case IW_PROFILE_BY_CONTROLLER:
		snprintf(buf, size, "profile %s: class \"%s\"", n, iw_nz(cls));
		break;
	case IW_PROFILE_BY_CONFIG:
		snprintf(buf, size, "profile %s: class \"%s\" in the configuration", n, iw_nz(cls));
		break;
	case IW_PROFILE_BY_CLASS_NAME:
		snprintf(buf, size, "profile %s: class \"%s\"", n, iw_nz(cls));
		break;
	case IW_PROFILE_BY_ANNOTATIONS: {
		const char *e = NULL;
		by_annotations(ing, &e);
		bool many = e && e[strlen(e) - 1] == '/';
		bool shared = cls && ch.profile && named(ch.profile, cls);
		snprintf(buf, size, "profile %s, inferred from its %s annotation%s (%s%s%s)", n,
		         iw_nz(e), many ? "s" : "", cls ? "class \"" : "no class", cls ? cls : "",
		         !cls ? "" : shared ? "\" is the default name of more than one controller"
		                            : "\" is not known");
		break;
	}
	}
	return buf;
}

void iw_profile_conf_release(struct iw_profile_conf *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nclasses; i++)
		free(c->classes[i].cls);
	free(c->classes);
	c->classes = NULL;
	c->nclasses = 0;
}
