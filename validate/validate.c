/*
 * API-server-equivalent validation (see validate.h): the request pipeline of
 * kube-apiserver (k8s.io/apiserver pkg/registry/rest create.go / update.go)
 * around the Ingress and IngressClass rules, RULES.md §1.
 */
#include "validate/validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate/vrules.h"

#define MAX_GENERATED_PREFIX 58   /* maxGeneratedNameLength = 63 - randomLength(5) */

void iw_vopts_init(struct iw_vopts *o)
{
	o->kube_minor = IW_KUBE_MINOR_DEFAULT;
	o->default_namespace = "default";
}

bool iw_vopts_set_version(struct iw_vopts *o, const char *s)
{
	if (!s)
		return false;
	if (*s == 'v')
		s++;
	if (!strncmp(s, "1.", 2))
		s += 2;
	int minor = 0, nd = 0;
	while (*s >= '0' && *s <= '9' && nd < 4) {
		minor = minor * 10 + (*s++ - '0');
		nd++;
	}
	if (nd == 0)
		return false;
	if (*s == '.') {             /* a patch release: 1.36.3 */
		s++;
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s || minor < IW_KUBE_MINOR_MIN || minor > IW_KUBE_MINOR_MAX)
		return false;
	o->kube_minor = minor;
	return true;
}

const char *iw_generated_name(const char *generate_name, char *buf, size_t size)
{
	size_t n = strlen(generate_name);
	if (n > MAX_GENERATED_PREFIX)
		n = MAX_GENERATED_PREFIX;
	snprintf(buf, size, "%.*s%s", (int)n, generate_name, "bcdfg");
	return buf;
}

/* k8s: names.SimpleNameGenerator in Store.create (name from generateName) */
static void fill_generated_name(struct iw_meta *m, char *buf, size_t size)
{
	if ((!m->name || !*m->name) && m->generate_name && *m->generate_name)
		m->name = iw_generated_name(m->generate_name, buf, size);
}

static void fill_namespace(struct iw_meta *m, const struct iw_vopts *o)
{
	if ((!m->namespace_ || !*m->namespace_) && o->default_namespace && *o->default_namespace)
		m->namespace_ = o->default_namespace;
}

/* k8s: rest.BeforeUpdate: fields the update may leave out are taken from the old object */
static void fill_from_old(struct iw_meta *m, const struct iw_meta *old)
{
	if (!m->uid || !*m->uid)
		m->uid = old->uid;
	if (old->creation_timestamp)
		m->creation_timestamp = old->creation_timestamp;
	if (old->deletion_timestamp)
		m->deletion_timestamp = old->deletion_timestamp;
	if (old->has_deletion_grace && !m->has_deletion_grace) {
		m->has_deletion_grace = true;
		m->deletion_grace_period_seconds = old->deletion_grace_period_seconds;
	}
}

static int minor_of(const struct iw_vopts *o)
{
	struct iw_vopts d;
	if (o)
		return o->kube_minor;
	iw_vopts_init(&d);
	return d.kube_minor;
}

/* k8s: ValidateIngressCreate / ValidateIngressUpdate, inside rest.BeforeCreate / BeforeUpdate */
void iw_validate_ingress(const struct ingress *ing, const struct ingress *old,
                         const struct iw_vopts *o, struct errlist *el)
{
	struct iw_vopts defaults;
	if (!o) {
		iw_vopts_init(&defaults);
		o = &defaults;
	}
	int minor = minor_of(o);
	struct iw_meta m = ing->meta;
	char namebuf[128];
	fill_namespace(&m, o);
	struct vr_ingress_opts opts = { .kube_minor = minor };
	/* RelaxedServiceNameValidation: beta (on) in 1.36, GA in 1.37 */
	opts.allow_relaxed_service_name = minor >= 36;

	if (!old) {
		fill_generated_name(&m, namebuf, sizeof namebuf);
		vr_core_object_meta(&m, true, minor, el);
		vr_ingress_spec(ing, &opts, el);
		/* k8s: ValidateIngressCreate: class annotation vs ingressClassName */
		const char *ann = iw_meta_annotation(&ing->meta, "kubernetes.io/ingress.class");
		if (ann && ing->ingress_class_name && strcmp(ann, ing->ingress_class_name))
			vr_invalid_str(el, FP_KEY(FP_KEY(NULL, "annotations"), "kubernetes.io/ingress.class"),
			               ann, "must match `ingressClassName` when both are specified");
		/* the generic ValidateObjectMetaAccessor that follows cannot fail after this */
		return;
	}

	struct iw_meta om = old->meta;
	fill_namespace(&om, o);
	fill_from_old(&m, &om);
	opts.allow_invalid_secret_name = vr_allow_invalid_secret_name(old);
	opts.allow_invalid_wildcard_host_rule = vr_allow_invalid_wildcard_host_rule(old);
	if (!opts.allow_relaxed_service_name)
		opts.allow_relaxed_service_name = vr_old_has_relaxed_service_name(old);
	/* k8s: validateCommonFields (rest/update.go) */
	vr_object_meta(&m, true, VR_NAME_PATH_SEGMENT, minor, el);
	vr_object_meta_update(&m, &om, minor, el);
	/* k8s: ValidateIngressUpdate */
	vr_object_meta_update(&m, &om, minor, el);
	vr_core_object_meta(&m, true, minor, el);
	vr_ingress_spec(ing, &opts, el);
}

/* k8s: ValidateIngressClass / ValidateIngressClassUpdate */
void iw_validate_ingress_class(const struct ingress_class *ic, const struct ingress_class *old,
                               const struct iw_vopts *o, struct errlist *el)
{
	int minor = minor_of(o);
	struct iw_meta m = ic->meta;
	char namebuf[128];
	m.namespace_ = NULL;   /* cluster-scoped: BeforeCreate/BeforeUpdate clear it */
	if (!old) {
		fill_generated_name(&m, namebuf, sizeof namebuf);
		vr_core_object_meta(&m, false, minor, el);
		vr_ingress_class_spec(ic, minor, el);
		return;
	}
	struct iw_meta om = old->meta;
	om.namespace_ = NULL;
	fill_from_old(&m, &om);
	vr_object_meta(&m, false, VR_NAME_PATH_SEGMENT, minor, el);
	vr_object_meta_update(&m, &om, minor, el);
	vr_object_meta_update(&m, &om, minor, el);
	if (strcmp(ic->controller, old->controller))
		vr_invalid_str(el, FP_KEY(FP_KEY(NULL, "spec"), "controller"), ic->controller,
		               "field is immutable");
	vr_core_object_meta(&m, false, minor, el);
	vr_ingress_class_spec(ic, minor, el);
}

bool iw_unserved_version(enum iw_kind kind, enum iw_api api, char *msg, size_t msg_size,
                         char *hint, size_t hint_size)
{
	const char *version, *what;
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
	snprintf(msg, msg_size, "no matches for kind \"%s\" in version \"%s\"", what, version);
	snprintf(hint, hint_size, "removed in Kubernetes 1.22; every Kubernetes from 1.%d to 1.%d "
	         "serves networking.k8s.io/v1: `ingress-warden convert FILE` writes it",
	         IW_KUBE_MINOR_MIN, IW_KUBE_MINOR_MAX);
	return true;
}
