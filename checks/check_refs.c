/*
 * Checks that look up other objects in the state: dangling-service,
 * dangling-service-port, unknown-ingress-class, no-ingress-class,
 * tls-secret-conflict, wildcard-host-overlap.
 */
#include "checks/checkctx.h"
#include "profile/alb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* ---- dangling-service, dangling-service-port ------------------------------ */

static void ports_text(const struct iw_service *s, char *buf, size_t size)
{
	size_t o = 0;
	buf[0] = 0;
	for (size_t i = 0; i < s->nports && o + 1 < size; i++) {
		int w = snprintf(buf + o, size - o, "%s%s%s%lld", i ? ", " : "", s->ports[i].name,
		                 *s->ports[i].name ? "/" : "", s->ports[i].port);
		if (w < 0)
			break;
		o += (size_t)w;
	}
	if (!s->nports)
		snprintf(buf, size, "none");
}

static void check_backend(struct chk_ctx *c, const struct iw_backend *be, const struct fpath *at)
{
	/* an ALB action (port use-annotation) names an actions.NAME annotation,
	 * not a Service */
	if (!be->has_service || (c->prof->id == IW_PROFILE_AWS_ALB && iw_alb_is_action(be)))
		return;
	const struct iw_service_backend *sb = &be->service;
	const struct iw_service *svc = iw_state_get_service(c->st, c->ns, iw_nz(sb->name));
	if (!svc) {
		chk_emit(c, IW_CHK_DANGLING_SERVICE, false, FP_KEY(FP_KEY(at, "service"), "name"),
		         "service \"%s/%s\" does not exist: requests for this backend get 503",
		         c->ns, iw_nz(sb->name));
		return;
	}
	bool by_name = sb->port_name && *sb->port_name;
	if (!by_name && !sb->port_number)
		return;
	for (size_t i = 0; i < svc->nports; i++)
		if (by_name ? !strcmp(svc->ports[i].name, sb->port_name)
		            : svc->ports[i].port == sb->port_number)
			return;
	char have[400], want[300];
	ports_text(svc, have, sizeof have);
	if (by_name)
		snprintf(want, sizeof want, "port named \"%s\"", sb->port_name);
	else
		snprintf(want, sizeof want, "port %lld", sb->port_number);
	chk_emit(c, IW_CHK_DANGLING_SERVICE_PORT, false, FP_KEY(FP_KEY(at, "service"), "port"),
	         "service \"%s/%s\" has no %s (its ports: %s)", c->ns, iw_nz(sb->name), want, have);
}

void chk_dangling_service(struct chk_ctx *c)
{
	if (!c->st || !iw_state_knows_services(c->st) ||
	    (!chk_enabled(c, IW_CHK_DANGLING_SERVICE) && !chk_enabled(c, IW_CHK_DANGLING_SERVICE_PORT)))
		return;
	if (c->ing->has_default_backend)
		check_backend(c, &c->ing->default_backend, FP_KEY(FP_KEY(NULL, "spec"), "defaultBackend"));
	for (size_t i = 0; i < c->ing->nrules; i++)
		for (size_t j = 0; j < c->ing->rules[i].npaths; j++)
			if (c->ing->rules[i].paths[j].has_backend)
				check_backend(c, &c->ing->rules[i].paths[j].backend,
				              FP_KEY(CHK_PATH_FP(i, j), "backend"));
}

/* ---- unknown-ingress-class, no-ingress-class --------------------------------- */

void chk_ingress_class(struct chk_ctx *c)
{
	if (!c->st || !iw_state_knows_classes(c->st))
		return;
	const char *explicit_ = ingress_class_of(c->ing);
	if (explicit_) {
		bool ann = iw_meta_annotation(&c->ing->meta, "kubernetes.io/ingress.class") != NULL;
		if (iw_state_get_class(c->st, explicit_))
			return;
		chk_emit(c, IW_CHK_UNKNOWN_INGRESS_CLASS, false,
		         ann ? FP_KEY(FP_KEY(NULL, "metadata"), "annotations[kubernetes.io/ingress.class]")
		             : FP_KEY(FP_KEY(NULL, "spec"), "ingressClassName"),
		         "IngressClass \"%s\" does not exist (%zu known): no controller serves this "
		         "Ingress", explicit_, iw_state_nclasses(c->st));
		return;
	}
	if (iw_state_default_class(c->st))
		return;
	chk_emit(c, IW_CHK_NO_INGRESS_CLASS, false, FP_KEY(FP_KEY(NULL, "spec"), "ingressClassName"),
	         "no spec.ingressClassName and no default IngressClass (annotation "
	         "ingressclass.kubernetes.io/is-default-class: \"true\"): controllers ignore this "
	         "Ingress unless they watch Ingresses without a class");
}

/* ---- tls-secret-conflict ---------------------------------------------------- */

void chk_tls_secret_conflict(struct chk_ctx *c)
{
	const struct ingress *ing = c->ing;
	if (!c->st || !chk_enabled(c, IW_CHK_TLS_SECRET_CONFLICT))
		return;
	for (size_t i = 0; i < ing->ntls; i++) {
		const char *sec = iw_nz(ing->tls[i].secret_name);
		if (!*sec)
			continue;
		for (size_t j = 0; j < ing->tls[i].nhosts; j++) {
			const char *h = iw_nz(ing->tls[i].hosts[j]);
			size_t n;
			const struct ingress *const *l = iw_state_by_tls(c->st, h, &n);
			for (size_t k = 0; k < n; k++) {
				const struct ingress *o = l[k];
				if (iw_same_object(&o->meta, &ing->meta) || !chk_same_domain(c, o))
					continue;
				const char *ons = iw_namespace(&o->meta);
				const char *osec = NULL;
				for (size_t a = 0; a < o->ntls && !osec; a++)
					for (size_t b = 0; b < o->tls[a].nhosts && !osec; b++)
						if (!strcmp(iw_nz(o->tls[a].hosts[b]), h) && *iw_nz(o->tls[a].secret_name))
							osec = o->tls[a].secret_name;
				if (!osec || (!strcmp(osec, sec) && !strcmp(ons, c->ns)))
					continue;
				chk_emit(c, IW_CHK_TLS_SECRET_CONFLICT, false,
				         FP_KEY(FP_IDX(FP_KEY(FP_KEY(NULL, "spec"), "tls"), i), "secretName"),
				         "TLS host \"%s\" uses secret %s/%s here but %s/%s in ingress %s/%s: "
				         "the controller serves one certificate per host (the oldest Ingress's)",
				         h, c->ns, sec, ons, osec, ons, iw_nz(o->meta.name));
			}
		}
	}
}

/* ---- wildcard-host-overlap ------------------------------------------------- */

void chk_wildcard_host_overlap(struct chk_ctx *c)
{
	const struct ingress *ing = c->ing;
	if (!c->st || !chk_enabled(c, IW_CHK_WILDCARD_HOST_OVERLAP))
		return;
	for (size_t i = 0; i < ing->nrules; i++) {
		const char *h = iw_nz(ing->rules[i].host);
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++)
			seen = !strcmp(h, iw_nz(ing->rules[k].host));
		if (seen || !*h)
			continue;
		if (h[0] == '*') {
			/* our wildcard covers exact hosts of other namespaces */
			size_t n;
			const struct ingress *const *l = iw_state_by_wild(c->st, h, &n);
			for (size_t k = 0; k < n; k++) {
				const struct ingress *o = l[k];
				const char *ons = iw_namespace(&o->meta);
				if (!strcmp(ons, c->ns) || !chk_same_domain(c, o))
					continue;
				const char *oh = NULL;
				for (size_t r = 0; r < o->nrules && !oh; r++) {
					const char *x = iw_nz(o->rules[r].host);
					const char *dot = x[0] != '*' ? strchr(x, '.') : NULL;
					if (dot && dot != x && !strcmp(dot, h + 1))
						oh = x;
				}
				if (!oh)
					continue;
				chk_emit(c, IW_CHK_WILDCARD_HOST_OVERLAP, false, FP_KEY(CHK_RULE_FP(i), "host"),
				         "wildcard host \"%s\" covers host \"%s\" of ingress %s/%s in another "
				         "namespace: it takes that host's traffic if the Ingress goes away, and "
				         "its unmatched paths on controllers that fall through (Traefik, HAProxy)",
				         h, oh, ons, iw_nz(o->meta.name));
			}
		} else {
			/* our exact host takes a host away from another namespace's wildcard */
			const char *dot = strchr(h, '.');
			char w[300];
			size_t dl = dot ? strlen(dot) : 0;
			if (!dot || dot == h || dl + 2 > sizeof w)
				continue;
			w[0] = '*';
			memcpy(w + 1, dot, dl + 1);
			size_t n;
			const struct ingress *const *l = iw_state_by_host(c->st, w, &n);
			for (size_t k = 0; k < n; k++) {
				const struct ingress *o = l[k];
				const char *ons = iw_namespace(&o->meta);
				if (!strcmp(ons, c->ns) || !chk_same_domain(c, o))
					continue;
				chk_emit(c, IW_CHK_WILDCARD_HOST_OVERLAP, false, FP_KEY(CHK_RULE_FP(i), "host"),
				         "host \"%s\" takes every request for it away from wildcard host \"%s\" "
				         "of ingress %s/%s in another namespace (an exact host wins over a "
				         "wildcard; paths do not fall through)", h, w, ons, iw_nz(o->meta.name));
			}
		}
	}
}
