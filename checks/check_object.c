/*
 * Checks on one object alone: duplicate-path, regex-in-path (and the
 * wildcards the ALB and GKE controllers refuse: controller-rejects),
 * tls-host-unserved, deprecated-api (Ingress and IngressClass),
 * deprecated-class-annotation.  The annotation checks are in
 * check_annotations.c.
 */
#include "checks/checkctx.h"
#include "base/map.h"
#include "profile/alb.h"
#include "validate/names.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- duplicate-path --------------------------------------------------------- */

struct pref {
	const char *host, *path, *type;
	size_t rule, idx, order;
	const struct iw_backend *be;
};


static int cmp_pref(const void *a, const void *b)
{
	const struct pref *x = a, *y = b;
	int r = strcmp(x->host, y->host);
	if (!r)
		r = strcmp(x->path, y->path);
	if (!r)
		r = strcmp(x->type, y->type);
	if (!r)
		r = x->order < y->order ? -1 : x->order > y->order;
	return r;
}

/* cmp_pref is a total order ('order' is unique): an insertion sort for a
 * few paths gives qsort's result without its set-up */
static void sort_prefs(struct pref *v, size_t n)
{
	if (n > 16) {
		qsort(v, n, sizeof *v, cmp_pref);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		struct pref x = v[i];
		size_t j = i;
		while (j > 0 && cmp_pref(&v[j - 1], &x) > 0) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = x;
	}
}

/* The hash of a path's host, path and pathType, given its host's (each
 * string with its terminator: "a" "bc" and "ab" "c" differ). */
static uint64_t pref_hash(const struct pref *p, uint64_t host_hash)
{
	uint64_t h = host_hash * 31 + map_hash(p->path, strlen(p->path) + 1);
	return h * 31 + map_hash(p->type, strlen(p->type) + 1);
}

static bool same_pref(const struct pref *a, const struct pref *b)
{
	return !strcmp(a->host, b->host) && !strcmp(a->path, b->path) && !strcmp(a->type, b->type);
}

/* Keeps (in order) the entries of v[0..n) whose host, path and pathType
 * another entry repeats, the only ones a finding names: the sort below
 * then costs nothing for an object without duplicates (30,000 paths:
 * 30,000 string sorts saved).  Returns the count kept; on OOM (c->out->err)
 * 0. */
static size_t keep_repeated(struct chk_ctx *c, struct pref *v, size_t n)
{
	if (n <= 16)
		return n;   /* sorted as they are */
	struct map_index ix = { 0 };
	unsigned char *rep = calloc(n, 1);
	if (!rep || n > UINT32_MAX || map_index_reserve(&ix, n)) {
		free(rep);
		map_index_release(&ix);
		c->out->err = IW_ENOMEM;
		return 0;
	}
	size_t kept = 0, rule = SIZE_MAX;
	uint64_t hh = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i].rule != rule) {   /* the host once per rule */
			rule = v[i].rule;
			hh = map_hash(v[i].host, strlen(v[i].host) + 1);
		}
		uint64_t h = pref_hash(&v[i], hh);
		struct map_it it;
		uint32_t j;
		bool dup = false;
		for (bool ok = map_index_first(&ix, h, &it, &j); ok; ok = map_index_next(&ix, &it, &j))
			if (same_pref(&v[j], &v[i])) {
				dup = true;
				kept += !rep[j];
				rep[j] = 1;
				break;
			}
		if (dup) {
			rep[i] = 1;
			kept++;
		} else {
			map_index_put(&ix, h, (uint32_t)i);   /* room reserved: no failure */
		}
	}
	size_t w = 0;
	for (size_t i = 0; i < n && kept; i++)
		if (rep[i])
			v[w++] = v[i];
	free(rep);
	map_index_release(&ix);
	return w;
}

static bool same_backend(const struct iw_backend *a, const struct iw_backend *b)
{
	if (a->has_service != b->has_service || a->has_resource != b->has_resource)
		return false;
	if (a->has_service)
		return !strcmp(iw_nz(a->service.name), iw_nz(b->service.name)) &&
		       a->service.port_number == b->service.port_number &&
		       !strcmp(iw_nz(a->service.port_name), iw_nz(b->service.port_name));
	if (a->has_resource)
		return !strcmp(iw_nz(a->resource.api_group), iw_nz(b->resource.api_group)) &&
		       !strcmp(iw_nz(a->resource.kind), iw_nz(b->resource.kind)) &&
		       !strcmp(iw_nz(a->resource.name), iw_nz(b->resource.name));
	return true;
}

static void backend_text(const struct iw_backend *be, char *buf, size_t size)
{
	if (be->has_service && be->service.port_name && *be->service.port_name)
		snprintf(buf, size, "service %s:%s", iw_nz(be->service.name), be->service.port_name);
	else if (be->has_service)
		snprintf(buf, size, "service %s:%lld", iw_nz(be->service.name), be->service.port_number);
	else if (be->has_resource)
		snprintf(buf, size, "resource %s %s", iw_nz(be->resource.kind), iw_nz(be->resource.name));
	else
		snprintf(buf, size, "no backend");
}

/* GKE: a later rule with the same host replaces the paths of the earlier one
 * ("Overwriting path rules for host", GCE pkg/utils/gceurlmap.go:93-128;
 * check-gke-ingress RuleHostOverwriteCheck). */
static void gce_rule_overwrite(struct chk_ctx *c)
{
	const struct ingress *ing = c->ing;
	for (size_t j = 1; j < ing->nrules; j++)
		for (size_t i = 0; i < j; i++) {
			if (strcmp(iw_nz(ing->rules[i].host), iw_nz(ing->rules[j].host)))
				continue;
			chk_emit(c, IW_CHK_DUPLICATE_PATH, false, FP_KEY(CHK_RULE_FP(j), "host"),
			         "spec.rules[%zu] has the host \"%s\" of spec.rules[%zu]: the GKE Ingress "
			         "controller replaces the paths of the earlier rule with this rule's, so "
			         "they receive no traffic; merge the two rules", j,
			         *iw_nz(ing->rules[j].host) ? ing->rules[j].host : "(any)", i);
			break;
		}
}

void chk_duplicate_path(struct chk_ctx *c)
{
	const struct ingress *ing = c->ing;
	size_t n = 0;
	if (!chk_enabled(c, IW_CHK_DUPLICATE_PATH))
		return;
	if (c->prof->id == IW_PROFILE_GCE && ing->nrules > 1 && ing->nrules <= 1000)
		gce_rule_overwrite(c);
	for (size_t i = 0; i < ing->nrules; i++)
		n += ing->rules[i].npaths;
	if (n < 2)
		return;
	/* the paths of one object: a few, usually */
	struct pref small[16];
	struct pref *v = n <= sizeof small / sizeof *small ? small : malloc(n * sizeof *v);
	if (!v) {
		c->out->err = IW_ENOMEM;
		return;
	}
	n = 0;
	/* ALB: a conditions.NAME annotation narrows the paths of backend NAME to
	 * some requests; the same path without it is their fallback, not a
	 * duplicate (Argo CD's gRPC recipe) */
	bool alb = c->prof->id == IW_PROFILE_AWS_ALB;
	for (size_t i = 0; i < ing->nrules; i++)
		for (size_t j = 0; j < ing->rules[i].npaths; j++) {
			const struct iw_path *p = &ing->rules[i].paths[j];
			if (alb && iw_alb_narrowed(ing, &p->backend))
				continue;
			v[n] = (struct pref){ iw_nz(ing->rules[i].host), iw_nz(p->path),
			                      p->path_type ? p->path_type : "ImplementationSpecific",
			                      i, j, n, &p->backend };
			n++;
		}
	if ((n = keep_repeated(c, v, n)) < 2)
		goto out;
	sort_prefs(v, n);
	const char *wins = c->prof->dup_winner == IW_DUP_FIRST ? "the first one receives the traffic" :
	                   c->prof->dup_winner == IW_DUP_LAST ? "the later one receives the traffic" :
	                   "which one receives the traffic is the controller's choice";
	size_t f = 0;   /* first of the run of equal host, path and pathType */
	for (size_t k = 1; k < n; k++) {
		if (strcmp(v[k - 1].host, v[k].host) || strcmp(v[k - 1].path, v[k].path) ||
		    strcmp(v[k - 1].type, v[k].type)) {
			f = k;
			continue;
		}
		const struct pref *a = &v[f], *b = &v[k];
		char ba[300], bb[300];
		backend_text(a->be, ba, sizeof ba);
		backend_text(b->be, bb, sizeof bb);
		bool same = same_backend(a->be, b->be);
		chk_emit(c, IW_CHK_DUPLICATE_PATH, same, CHK_PATH_FP(b->rule, b->idx),
		         "host \"%s\" path \"%s\" (%s) is already defined at spec.rules[%zu].http.paths[%zu]"
		         "%s%s%s%s; %s",
		         b->host, b->path, b->type, a->rule, a->idx,
		         same ? " with the same backend " : " with a different backend: ",
		         same ? ba : bb, same ? "" : " here, ", same ? "" : ba, wins);
	}
out:
	if (v != small)
		free(v);
}

/* ---- regex-in-path ---------------------------------------------------------- */

void chk_regex_in_path(struct chk_ctx *c)
{
	static const char regex_chars[] = "^$*+?()[]{}|\\";
	enum iw_profile_id pid = c->prof->id;
	/* where an Exact or Prefix path can be meant as a regex: the
	 * specification (the controller is unknown), ingress-nginx (regex mode),
	 * NGINX Inc (nginx.org/path-regex); the ALB and GKE controllers refuse
	 * a '*' there (controller-rejects), the others match literally */
	bool regexy = pid == IW_PROFILE_SPEC || pid == IW_PROFILE_INGRESS_NGINX ||
	              pid == IW_PROFILE_NGINX_INC;
	bool star = pid == IW_PROFILE_AWS_ALB || pid == IW_PROFILE_GCE;
	if (!chk_enabled(c, IW_CHK_REGEX_IN_PATH) && !(star && chk_enabled(c, IW_CHK_CONTROLLER_REJECTS)))
		return;
	for (size_t i = 0; i < c->ing->nrules; i++)
		for (size_t j = 0; j < c->ing->rules[i].npaths; j++) {
			const struct iw_path *p = &c->ing->rules[i].paths[j];
			const char *t = p->path_type;
			if (!t || (strcmp(t, "Exact") && strcmp(t, "Prefix")) || !p->path)
				continue;
			if (star) {
				size_t w = strcspn(p->path, pid == IW_PROFILE_AWS_ALB ? "*?" : "*");
				if (!p->path[w])
					continue;
				chk_emit(c, IW_CHK_CONTROLLER_REJECTS, false, FP_KEY(CHK_PATH_FP(i, j), "path"),
				         "%s path \"%s\" holds the wildcard '%c': %s; use "
				         "ImplementationSpecific for a wildcard pattern", t, p->path, p->path[w],
				         pid == IW_PROFILE_AWS_ALB
				         ? "the AWS Load Balancer Controller refuses it (\"prefix/exact path "
				           "shouldn't contain wildcards\") and fails the whole IngressGroup"
				         : "the GKE Ingress controller refuses a '*' in an Exact or Prefix path "
				           "and does not translate the Ingress");
				continue;
			}
			if (!regexy)
				continue;
			size_t at = strcspn(p->path, regex_chars);
			if (!p->path[at])
				continue;
			if (pid == IW_PROFILE_INGRESS_NGINX)
				chk_emit(c, IW_CHK_REGEX_IN_PATH, false, FP_KEY(CHK_PATH_FP(i, j), "path"),
				         "path \"%s\" (%s) contains the regex character '%c': ingress-nginx's "
				         "admission (strict-validate-path-type, on by default) refuses an Exact "
				         "or Prefix path with characters other than letters, digits and . _ - /; "
				         "use ImplementationSpecific with use-regex for a regex", p->path, t,
				         p->path[at]);
			else
				chk_emit(c, IW_CHK_REGEX_IN_PATH, false, FP_KEY(CHK_PATH_FP(i, j), "path"),
				         "path \"%s\" (%s) contains the regex character '%c': the Ingress spec "
				         "matches it literally, but controllers with regex paths (ingress-nginx "
				         "use-regex / rewrite-target) treat it as a regex; use "
				         "ImplementationSpecific for a regex", p->path, t, p->path[at]);
		}
}

/* ---- tls-host-unserved ----------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool in_sorted(const char *const *v, size_t n, const char *s)
{
	return n && bsearch(&s, v, n, sizeof *v, cmp_str);
}

/*
 * A TLS host is served when a rule names it, when a wildcard rule covers it,
 * or when it is a wildcard covering a rule's exact host ("*.suffix" covers
 * an exact host whose first label is not empty and whose rest is
 * ".suffix").  Three sorted sets of the rule hosts answer each TLS host in
 * O(log rules): the hosts, the ".suffix" of the wildcard hosts, and the
 * ".suffix" after the first label of the exact hosts.
 */
void chk_tls_host_unserved(struct chk_ctx *c)
{
	const struct ingress *ing = c->ing;
	if (!chk_enabled(c, IW_CHK_TLS_HOST_UNSERVED) || !ing->ntls)
		return;
	/* a host-less rule serves every host (under ingress-nginx: every host
	 * without a server of its own, SEMANTICS-ingress-nginx sec. 9.1); so does
	 * the defaultBackend, except under ingress-nginx, where it serves other
	 * hosts only when the Ingress has no rules at all (sec. 5.3) */
	bool hostless = false;
	for (size_t k = 0; k < c->nhosts && !hostless; k++)
		hostless = !*iw_nz(ing->rules[c->host_rules[k]].host);
	bool fallback = ing->has_default_backend &&
	                (c->prof->id != IW_PROFILE_INGRESS_NGINX || !ing->nrules);
	if (hostless || fallback)
		return;
	const char *small[3][16], **hosts = small[0], **wild = small[1], **sfx = small[2];
	size_t nh = 0, nw = 0, ns = 0;
	if (c->nhosts > 16) {
		if (!(hosts = malloc(3 * c->nhosts * sizeof *hosts))) {
			c->out->err = IW_ENOMEM;
			return;
		}
		wild = hosts + c->nhosts;
		sfx = wild + c->nhosts;
	}
	for (size_t k = 0; k < c->nhosts; k++) {
		const char *rh = iw_nz(ing->rules[c->host_rules[k]].host);
		if (!*rh)
			continue;
		hosts[nh++] = rh;
		const char *dot = strchr(rh, '.');
		if (rh[0] == '*' && rh[1] == '.')
			wild[nw++] = rh + 1;
		else if (rh[0] != '*' && dot && dot != rh)
			sfx[ns++] = dot;
	}
	qsort(hosts, nh, sizeof *hosts, cmp_str);
	qsort(wild, nw, sizeof *wild, cmp_str);
	qsort(sfx, ns, sizeof *sfx, cmp_str);
	for (size_t i = 0; i < ing->ntls; i++)
		for (size_t j = 0; j < ing->tls[i].nhosts; j++) {
			const char *h = iw_nz(ing->tls[i].hosts[j]);
			const char *dot = strchr(h, '.');
			bool served = in_sorted(hosts, nh, h) ||
			              (h[0] != '*' && dot && dot != h && in_sorted(wild, nw, dot)) ||
			              (h[0] == '*' && h[1] == '.' && in_sorted(sfx, ns, h + 1));
			if (served)
				continue;
			chk_emit(c, IW_CHK_TLS_HOST_UNSERVED, false,
			         FP_IDX(FP_KEY(FP_IDX(FP_KEY(FP_KEY(NULL, "spec"), "tls"), i), "hosts"), j),
			         "TLS host \"%s\" is not the host of any rule of this Ingress: the "
			         "certificate of secret \"%s\" is configured but no rule serves the host%s",
			         h, iw_nz(ing->tls[i].secret_name), ing->has_default_backend
			         ? " (ingress-nginx sends an Ingress's spec.defaultBackend only the requests "
			           "of the hosts it creates, when it has rules)" : "");
		}
	if (hosts != small[0])
		free(hosts);
}

/* ---- deprecated-api, deprecated-class-annotation --------------------------- */

/* Ingress: extensions/v1beta1 and networking.k8s.io/v1beta1; IngressClass:
 * networking.k8s.io/v1beta1; all removed in Kubernetes 1.22. */
void chk_deprecated_api(struct chk_ctx *c)
{
	const char *version;
	if (c->api == IW_API_EXTENSIONS_V1BETA1 && c->kind == IW_KIND_INGRESS)
		version = "extensions/v1beta1";
	else if (c->api == IW_API_NETWORKING_V1BETA1)
		version = "networking.k8s.io/v1beta1";
	else
		return;
	chk_emit(c, IW_CHK_DEPRECATED_API, false, FP_KEY(NULL, "apiVersion"),
	         "%s %s was removed in Kubernetes 1.22 and no API server of 1.34 to 1.37 "
	         "serves it: use networking.k8s.io/v1 (`ingress-warden convert` writes it)", version,
	         c->kind == IW_KIND_INGRESS ? "Ingress" : "IngressClass");
}

/* whether 'v' can name an IngressClass (a DNS-1123 subdomain) */
static bool name_ok(const char *v)
{
	struct iw_msgs m;
	iw_msgs_init(&m);
	iw_is_dns1123_subdomain(v, &m);
	return m.n == 0;
}

void chk_deprecated_class_annotation(struct chk_ctx *c)
{
	const char *v = iw_meta_annotation(&c->ing->meta, "kubernetes.io/ingress.class");
	const char *field = c->ing->ingress_class_name;
	const struct iw_profile *pr = c->prof;
	const struct fpath *at = FP_KEY(FP_KEY(NULL, "metadata"),
	                                "annotations[kubernetes.io/ingress.class]");
	if (pr->class_source == IW_CLASS_ANNOTATION_ONLY) {
		/* GKE reads the annotation only ("GKE Ingress controller behavior"):
		 * the advice to move to spec.ingressClassName would stop it */
		if (v || !field)
			return;
		chk_emit(c, IW_CHK_DEPRECATED_CLASS_ANNOTATION, false,
		         FP_KEY(FP_KEY(NULL, "spec"), "ingressClassName"),
		         "the GKE Ingress controller takes no action on an Ingress whose class is "
		         "set only by spec.ingressClassName: set the annotation "
		         "kubernetes.io/ingress.class: \"%s\" and remove spec.ingressClassName",
		         !strcmp(field, "gce-internal") || !strcmp(field, "gce-regional-external")
		         ? field : "gce");
		return;
	}
	if (!v)
		return;
	if (pr->class_source == IW_CLASS_ANNOTATION_WINS)
		chk_emit(c, IW_CHK_DEPRECATED_CLASS_ANNOTATION, false, at,
		         "annotation kubernetes.io/ingress.class is deprecated: use "
		         "spec.ingressClassName: \"%s\"; while the annotation is set, %s reads it "
		         "before spec.ingressClassName%s", v, pr->title,
		         field ? " (both are set: the annotation decides)" : "");
	else if (!name_ok(v))
		chk_emit(c, IW_CHK_DEPRECATED_CLASS_ANNOTATION, false, at,
		         "annotation kubernetes.io/ingress.class is deprecated: use "
		         "spec.ingressClassName with the name of an IngressClass served by %s (\"%s\" "
		         "cannot name an object)%s", pr->id == IW_PROFILE_SPEC ? "that controller" : pr->title,
		         v,
		         field ? " (both are set)" : "");
	else
		chk_emit(c, IW_CHK_DEPRECATED_CLASS_ANNOTATION, false, at,
		         "annotation kubernetes.io/ingress.class is deprecated: use "
		         "spec.ingressClassName: \"%s\"%s", v,
		         !field ? "" : pr->id == IW_PROFILE_SPEC
		                  ? " (both are set: controllers disagree on which wins)"
		                  : " (both are set: this controller reads spec.ingressClassName)");
}
