/*
 * Ingress spec rules: k8s.io/kubernetes pkg/apis/networking/validation/
 * validation.go (ValidateIngressSpec and what it calls), in the order the
 * API server produces the errors (RULES.md §4).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate/vrules.h"

static void invalid_empty(struct errlist *el, const struct fpath *at, const char *detail)
{
	fe_add(el, FE_INVALID, at, "\"\"", "%s", detail);
}

/* k8s: validateIngressTypedLocalObjectReference */
static void typed_local_ref(const struct iw_resource_ref *r, const struct fpath *at,
                            int kube_minor, struct errlist *el)
{
	struct iw_msgs m;
	if (r->api_group) {
		iw_msgs_init(&m);
		iw_is_dns1123_subdomain(r->api_group, &m);
		vr_invalid_msgs(el, FP_KEY(at, "apiGroup"), r->api_group, &m);
	}
	/* master (after 1.36) dropped the detail of these two Required errors */
	bool detail = kube_minor <= 36;
	if (!*r->kind) {
		fe_add(el, FE_REQUIRED, FP_KEY(at, "kind"), NULL, "%s", detail ? "kind is required" : "");
	} else {
		iw_msgs_init(&m);
		iw_is_path_segment_name(r->kind, &m);
		vr_invalid_msgs(el, FP_KEY(at, "kind"), r->kind, &m);
	}
	if (!*r->name) {
		fe_add(el, FE_REQUIRED, FP_KEY(at, "name"), NULL, "%s", detail ? "name is required" : "");
	} else {
		iw_msgs_init(&m);
		iw_is_path_segment_name(r->name, &m);
		vr_invalid_msgs(el, FP_KEY(at, "name"), r->name, &m);
	}
}

void vr_typed_local_ref(const struct iw_resource_ref *r, const struct fpath *at, int kube_minor,
                        struct errlist *el)
{
	typed_local_ref(r, at, kube_minor, el);
}

/* k8s: validateIngressBackend */
static void backend(const struct iw_backend *b, const struct fpath *at,
                    const struct vr_ingress_opts *o, struct errlist *el)
{
	struct iw_msgs m;
	if (b->has_resource && b->has_service) {
		invalid_empty(el, at, "cannot set both resource and service backends");
		return;
	}
	if (b->has_resource) {
		typed_local_ref(&b->resource, FP_KEY(at, "resource"), o->kube_minor, el);
		return;
	}
	if (!b->has_service) {
		invalid_empty(el, at, "resource or service backend is required");
		return;
	}
	const struct iw_service_backend *s = &b->service;
	const struct fpath *sp = FP_KEY(at, "service");
	if (!*s->name) {
		fe_add(el, FE_REQUIRED, FP_KEY(sp, "name"), NULL, NULL);
	} else {
		/* k8s: ValidateServiceName (DNS-1035) or, relaxed, NameIsDNSLabel */
		iw_msgs_init(&m);
		if (o->allow_relaxed_service_name)
			iw_is_dns1123_label(s->name, &m);
		else
			iw_is_dns1035_label(s->name, &m);
		vr_invalid_msgs(el, FP_KEY(sp, "name"), s->name, &m);
	}
	bool has_name = *s->port_name != '\0', has_number = s->port_number != 0;
	const struct fpath *pp = FP_KEY(sp, "port");
	if (has_name && has_number) {
		invalid_empty(el, at, "cannot set both port name & port number");
	} else if (has_name) {
		iw_msgs_init(&m);
		iw_is_valid_port_name(s->port_name, &m);
		vr_invalid_msgs(el, FP_KEY(pp, "name"), s->port_name, &m);
	} else if (has_number) {
		iw_msgs_init(&m);
		iw_is_valid_port_num(s->port_number, &m);
		char v[32];
		if (m.n)   /* the value is written for an error only */
			fe_int(s->port_number, v, sizeof v);
		for (size_t i = 0; i < m.n; i++)
			fe_add(el, FE_INVALID, FP_KEY(pp, "number"), v, "%s", m.v[i]);
	} else {
		fe_add(el, FE_REQUIRED, at, NULL, "port name or number is required");
	}
}

static bool has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);
	return n >= k && !memcmp(s + n - k, suf, k);
}

/* k8s: validateHTTPIngressPath */
static void http_path(const struct iw_path *p, const struct fpath *at,
                      const struct vr_ingress_opts *o, struct errlist *el)
{
	static const char *const bad_seq[] = { "//", "/./", "/../", "%2f", "%2F" };
	static const char *const bad_suffix[] = { "/..", "/." };
	if (!p->path_type) {
		fe_add(el, FE_REQUIRED, FP_KEY(at, "pathType"), NULL, "pathType must be specified");
		return;
	}
	const struct fpath *pp = FP_KEY(at, "path");
	const char *path = p->path;
	if (!strcmp(p->path_type, "Exact") || !strcmp(p->path_type, "Prefix")) {
		if (path[0] != '/')
			vr_invalid_str(el, pp, path, "must be an absolute path");
		if (*path) {
			char d[64];
			for (size_t i = 0; i < sizeof bad_seq / sizeof *bad_seq; i++) {
				if (strstr(path, bad_seq[i])) {
					snprintf(d, sizeof d, "must not contain '%s'", bad_seq[i]);
					vr_invalid_str(el, pp, path, d);
				}
			}
			for (size_t i = 0; i < sizeof bad_suffix / sizeof *bad_suffix; i++) {
				if (has_suffix(path, bad_suffix[i])) {
					snprintf(d, sizeof d, "cannot end with '%s'", bad_suffix[i]);
					vr_invalid_str(el, pp, path, d);
				}
			}
		}
	} else if (!strcmp(p->path_type, "ImplementationSpecific")) {
		if (*path && path[0] != '/')
			vr_invalid_str(el, pp, path, "must be an absolute path");
	} else {
		char *q = fe_quote(p->path_type);
		if (!q) {
			el->err = IW_ENOMEM;
			return;
		}
		fe_add(el, FE_NOT_SUPPORTED, FP_KEY(at, "pathType"), q,
		       "supported values: \"Exact\", \"ImplementationSpecific\", \"Prefix\"");
		free(q);
	}
	backend(&p->backend, FP_KEY(at, "backend"), o, el);
}

/* k8s: validateIngressRuleValue + validateHTTPIngressRuleValue */
static void rule_value(const struct iw_rule *r, const struct fpath *at,
                       const struct vr_ingress_opts *o, struct errlist *el)
{
	if (!r->has_http)
		return;
	const struct fpath *hp = FP_KEY(at, "http");
	const struct fpath *pp = FP_KEY(hp, "paths");
	if (r->npaths == 0)
		fe_add(el, FE_REQUIRED, pp, NULL, NULL);
	for (size_t j = 0; j < r->npaths; j++)
		http_path(&r->paths[j], FP_IDX(pp, j), o, el);
}

/* k8s: validateIngressRules */
static void rules(const struct ingress *ing, const struct fpath *at,
                  const struct vr_ingress_opts *o, struct errlist *el)
{
	struct iw_msgs m;
	for (size_t i = 0; i < ing->nrules; i++) {
		const struct iw_rule *r = &ing->rules[i];
		const struct fpath *rp = FP_IDX(at, i);
		const struct fpath *hp = FP_KEY(rp, "host");
		bool wildcard = false;
		if (*r->host) {
			if (iw_parse_ip_sloppy(r->host))
				vr_invalid_str(el, hp, r->host, "must be a DNS name, not an IP address");
			iw_msgs_init(&m);
			if (strchr(r->host, '*')) {
				iw_is_wildcard_dns1123_subdomain(r->host, &m);
				wildcard = true;
			} else {
				iw_is_dns1123_subdomain(r->host, &m);
			}
			vr_invalid_msgs(el, hp, r->host, &m);
		}
		if (!wildcard || !o->allow_invalid_wildcard_host_rule)
			rule_value(r, rp, o, el);
	}
}

/* k8s: validateIngressTLS */
static void tls(const struct ingress *ing, const struct fpath *at,
                const struct vr_ingress_opts *o, struct errlist *el)
{
	struct iw_msgs m;
	for (size_t i = 0; i < ing->ntls; i++) {
		const struct iw_tls *t = &ing->tls[i];
		const struct fpath *tp = FP_IDX(at, i);
		const struct fpath *hsp = FP_KEY(tp, "hosts");
		for (size_t j = 0; j < t->nhosts; j++) {
			iw_msgs_init(&m);
			if (strchr(t->hosts[j], '*'))
				iw_is_wildcard_dns1123_subdomain(t->hosts[j], &m);
			else
				iw_is_dns1123_subdomain(t->hosts[j], &m);
			vr_invalid_msgs(el, FP_IDX(hsp, j), t->hosts[j], &m);
		}
		/* k8s: validateTLSSecretName (ValidateSecretName = NameIsDNSSubdomain) */
		if (!o->allow_invalid_secret_name && *t->secret_name) {
			iw_msgs_init(&m);
			iw_is_dns1123_subdomain(t->secret_name, &m);
			vr_invalid_msgs(el, FP_KEY(tp, "secretName"), t->secret_name, &m);
		}
	}
}

/* k8s: ValidateIngressSpec */
void vr_ingress_spec(const struct ingress *ing, const struct vr_ingress_opts *o, struct errlist *el)
{
	const struct fpath *sp = FP_KEY(NULL, "spec");
	if (ing->nrules == 0 && !ing->has_default_backend)
		fe_add(el, FE_INVALID, sp, ing->rules_present ? "[]" : "null",
		       "either `defaultBackend` or `rules` must be specified");
	if (ing->has_default_backend)
		backend(&ing->default_backend, FP_KEY(sp, "defaultBackend"), o, el);
	if (ing->nrules > 0)
		rules(ing, FP_KEY(sp, "rules"), o, el);
	if (ing->ntls > 0)
		tls(ing, FP_KEY(sp, "tls"), o, el);
	if (ing->ingress_class_name) {
		struct iw_msgs m;
		iw_msgs_init(&m);
		iw_is_dns1123_subdomain(ing->ingress_class_name, &m);
		vr_invalid_msgs(el, FP_KEY(sp, "ingressClassName"), ing->ingress_class_name, &m);
	}
}

/* k8s: allowInvalidSecretName */
bool vr_allow_invalid_secret_name(const struct ingress *old)
{
	struct iw_msgs m;
	for (size_t i = 0; old && i < old->ntls; i++) {
		if (!*old->tls[i].secret_name)
			continue;
		iw_msgs_init(&m);
		iw_is_dns1123_subdomain(old->tls[i].secret_name, &m);
		if (m.n)
			return true;
	}
	return false;
}

/* k8s: allowInvalidWildcardHostRule: the old rule value is evaluated with default
 * options (strict DNS-1035 service names). */
bool vr_allow_invalid_wildcard_host_rule(const struct ingress *old)
{
	struct vr_ingress_opts strict = { .kube_minor = 36 };
	for (size_t i = 0; old && i < old->nrules; i++) {
		if (!strchr(old->rules[i].host, '*'))
			continue;
		struct errlist tmp = { 0 };
		rule_value(&old->rules[i], NULL, &strict, &tmp);
		bool bad = tmp.n > 0 || tmp.err;
		errlist_release(&tmp);
		if (bad)
			return true;
	}
	return false;
}

static bool relaxed_name(const char *name)
{
	struct iw_msgs a, b;
	if (!name || !*name)
		return false;
	iw_msgs_init(&a);
	iw_msgs_init(&b);
	iw_is_dns1123_label(name, &a);
	iw_is_dns1035_label(name, &b);
	return a.n == 0 && b.n > 0;
}

/* k8s: allowRelaxedServiceNameValidation (ratchet): an old service name that is a
 * DNS-1123 label but not a DNS-1035 label. */
bool vr_old_has_relaxed_service_name(const struct ingress *old)
{
	if (!old)
		return false;
	if (old->has_default_backend && old->default_backend.has_service &&
	    relaxed_name(old->default_backend.service.name))
		return true;
	for (size_t i = 0; i < old->nrules; i++)
		for (size_t j = 0; j < old->rules[i].npaths; j++) {
			const struct iw_backend *b = &old->rules[i].paths[j].backend;
			if (b->has_service && relaxed_name(b->service.name))
				return true;
		}
	return false;
}
