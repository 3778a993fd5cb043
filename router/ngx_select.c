/*
 * The ingress-nginx emulation: which Ingresses the controller serves and
 * in which order (SEMANTICS-ingress-nginx.md sec. 1-3), and the annotations
 * it reads from them (through profile/ingress_nginx.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "profile/ingress_nginx.h"
#include "profile/profile.h"
#include "router/ngx.h"

#define DEFAULT_CLASS "nginx"        /* --ingress-class (chart values.yaml:127-129) */

/* ---- sec. 1: which Ingresses take part ------------------------------------ */

/* store:1066-1090 GetIngressClass with the default flags: spec.ingressClassName
 * names an IngressClass of the controller (an IngressClass object in the
 * input decides by its spec.controller; without one, the class served is
 * assumed to exist); else the kubernetes.io/ingress.class annotation equals
 * the class; else ignored (--watch-ingress-without-class=false). */
static bool class_ok(const struct rt_input *in, const struct ingress *ing)
{
	const char *cls = in->ingress_class ? in->ingress_class : DEFAULT_CLASS;
	if (ing->ingress_class_name) {
		const char *n = ing->ingress_class_name;
		for (size_t i = 0; i < in->nclasses; i++) {
			const struct ingress_class *c = in->classes[i];
			if (!c || !c->meta.name || strcmp(c->meta.name, n))
				continue;
			const struct iw_profile *p = iw_profile_by_controller(c->controller);
			return p && p->id == IW_PROFILE_INGRESS_NGINX &&
			       (!in->ingress_class || !strcmp(n, in->ingress_class));
		}
		return !strcmp(n, cls);
	}
	const char *a = iw_meta_annotation(&ing->meta, "kubernetes.io/ingress.class");
	return a && !strcmp(a, cls);
}

/* Deep inspection (inspector/ingress.go:28-62): hosts, paths, TLS hosts and
 * secret names. */
static bool inspect_ok(const struct ingress *ing)
{
	for (size_t r = 0; r < ing->nrules; r++) {
		const struct iw_rule *ru = &ing->rules[r];
		const char *h = iw_nz(ru->host);
		if (*h && iw_ngx_deep_inspect(h, strlen(h)))
			return false;
		if (ru->has_http)
			for (size_t p = 0; p < ru->npaths; p++) {
				const char *pp = iw_nz(ru->paths[p].path);
				if (iw_ngx_deep_inspect(pp, strlen(pp)))
					return false;
			}
	}
	for (size_t t = 0; t < ing->ntls; t++) {
		const char *sn = iw_nz(ing->tls[t].secret_name);
		if (iw_ngx_deep_inspect(sn, strlen(sn)))
			return false;
		for (size_t h = 0; h < ing->tls[t].nhosts; h++) {
			const char *th = iw_nz(ing->tls[t].hosts[h]);
			if (iw_ngx_deep_inspect(th, strlen(th)))
				return false;
		}
	}
	return true;
}

/* Go strconv.Atoi: optional sign, decimal digits, no overflow. */
static bool go_atoi(const char *v, long long *out)
{
	if (!v || !*v)
		return false;
	const char *p = v;
	bool neg = *p == '-';
	if (*p == '+' || *p == '-')
		p++;
	if (!*p)
		return false;
	long long n = 0;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || n > (INT64_MAX - 9) / 10)
			return false;
		n = n * 10 + (*p - '0');
	}
	*out = neg ? -n : n;
	return true;
}

/* A string annotation as parser.GetStringAnnotation reads it: validated,
 * then empty means absent. */
static const char *ann_string(const struct ingress *ing, const char *name)
{
	const char *v = iw_ngx_annotation_value(ing, name);
	if (!v || !*v || !iw_ngx_validate(iw_ngx_annotation(name), v, strlen(v), NULL))
		return NULL;
	return v;
}

static bool ann_bool(const struct ingress *ing, const char *name, bool dflt)
{
	const char *v = iw_ngx_annotation_value(ing, name);
	bool ok = false;
	bool b = iw_ngx_parse_bool(v, &ok);
	return v && ok ? b : dflt;
}

static void read_annotations(struct ngx_ing *n)
{
	const struct ingress *ing = n->ing;
	n->canary = iw_ngx_is_canary(ing);
	/* rewrite/main.go:140-205 */
	n->use_regex = ann_bool(ing, "use-regex", false);
	n->rewrite = ann_string(ing, "rewrite-target");
	n->ssl_redirect = ann_bool(ing, "ssl-redirect", true);         /* cfg:873 */
	n->force_ssl_redirect = ann_bool(ing, "force-ssl-redirect", false);
	const char *ar = ann_string(ing, "app-root");
	n->app_root = ar && ar[0] == '/' ? ar : NULL;   /* url.ParseRequestURI, not IsAbs */
	/* canary/main.go:139-200 (invalid values: weight 0, total 100) */
	long long w;
	n->weight = go_atoi(iw_ngx_annotation_value(ing, "canary-weight"), &w) ? w : 0;
	n->weight_total = go_atoi(iw_ngx_annotation_value(ing, "canary-weight-total"), &w) ? w : 100;
	n->by_header = ann_string(ing, "canary-by-header") != NULL;
	n->by_cookie = ann_string(ing, "canary-by-cookie") != NULL;
	n->has_tls = ing->ntls > 0;
	n->server_alias = ann_string(ing, "server-alias");
}

/* sec. 3 (iw_ngx_order: an Ingress without creationTimestamp is Go's zero
 * time, the oldest); the same object twice keeps its input order
 * (sort.SliceStable). */
static int cmp_order(const void *pa, const void *pb)
{
	const struct ngx_ing *a = pa, *b = pb;
	int r = iw_ngx_order(&a->age, &b->age, false);
	if (r)
		return r;
	return a->input_idx < b->input_idx ? -1 : a->input_idx > b->input_idx;
}

int ngx_select(struct ngx_table *x, const struct rt_input *in)
{
	size_t cap = in->ningresses ? in->ningresses : 1;
	x->ings = arena_alloc(&x->mem, cap * sizeof *x->ings);
	x->skipped = arena_alloc(&x->mem, cap * sizeof *x->skipped);
	x->input_served = arena_alloc(&x->mem, cap * sizeof *x->input_served);
	if (!x->ings || !x->skipped || !x->input_served)
		return IW_ENOMEM;
	for (size_t i = 0; i < in->ningresses; i++) {
		const struct ingress *ing = in->ingresses[i];
		if (!ing)
			continue;
		if (!class_ok(in, ing))
			continue;   /* another class: not ours */
		const char *why = NULL, *ann = NULL;
		if (!inspect_ok(ing))
			why = "deep inspection: a host, path or TLS field holds a forbidden string "
			      "(inspector/rules.go)";
		else
			ann = iw_ngx_ignored_by(ing, &why);
		if (why) {
			x->skipped[x->nskipped++] = (struct ngx_skip){ ing, why, ann };
			continue;
		}
		struct ngx_ing *n = &x->ings[x->nings++];
		memset(n, 0, sizeof *n);
		n->ing = ing;
		n->ns = iw_namespace(&ing->meta);
		n->name = iw_nz(ing->meta.name);
		n->input_idx = i;
		n->age = iw_ngx_age_of(ing);
		read_annotations(n);
	}
	for (size_t i = 0; i < x->nings; i++)
		x->input_served[i] = x->ings[i].input_idx;   /* input order: ascending */
	qsort(x->ings, x->nings, sizeof *x->ings, cmp_order);
	return IW_OK;
}
