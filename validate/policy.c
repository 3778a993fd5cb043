/* The check table, configuration, dispatch and audit (see policy.h). */
#include "validate/checks_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct iw_check_info checks[IW_NCHECKS] = {
	[IW_CHK_HOST_PATH_CONFLICT] = { "host-path-conflict", IW_SEV_ERROR, IW_SEV_WARNING,
		"sameNamespaceSeverity", true,
		"admitting the object changes which Ingress of the same class serves a request "
		"another Ingress serves today, or it repeats a host+path+pathType another Ingress "
		"already serves (decided with the reference router)" },
	[IW_CHK_WILDCARD_HOST_OVERLAP] = { "wildcard-host-overlap", IW_SEV_WARNING, IW_SEV_OFF,
		NULL, true,
		"a wildcard host that covers a host another namespace serves (and catches it if "
		"that Ingress goes away), or an exact host taking over another namespace's wildcard" },
	[IW_CHK_DUPLICATE_PATH] = { "duplicate-path", IW_SEV_ERROR, IW_SEV_WARNING,
		"sameBackendSeverity", false,
		"the same host, path and pathType twice in one object (error: different backends; "
		"warning: the same backend)" },
	[IW_CHK_SHADOWED_PATH] = { "shadowed-path", IW_SEV_WARNING, IW_SEV_OFF, NULL, false,
		"a path that can never receive traffic because other paths always win" },
	[IW_CHK_TLS_HOST_UNSERVED] = { "tls-host-unserved", IW_SEV_WARNING, IW_SEV_OFF, NULL, false,
		"a spec.tls host that no rule of the object serves" },
	[IW_CHK_TLS_SECRET_CONFLICT] = { "tls-secret-conflict", IW_SEV_WARNING, IW_SEV_OFF, NULL, true,
		"one TLS host with different secrets in different Ingresses of the same class" },
	[IW_CHK_DANGLING_SERVICE] = { "dangling-service", IW_SEV_WARNING, IW_SEV_OFF, NULL, true,
		"a backend Service that does not exist (only when the state holds Services)" },
	[IW_CHK_DANGLING_SERVICE_PORT] = { "dangling-service-port", IW_SEV_WARNING, IW_SEV_OFF, NULL,
		true, "a backend port the Service does not have (only when the state holds Services)" },
	[IW_CHK_UNKNOWN_INGRESS_CLASS] = { "unknown-ingress-class", IW_SEV_WARNING, IW_SEV_OFF, NULL,
		true, "an IngressClass that does not exist (only when the state holds IngressClasses)" },
	[IW_CHK_NO_INGRESS_CLASS] = { "no-ingress-class", IW_SEV_WARNING, IW_SEV_OFF, NULL, true,
		"no class and no default IngressClass: no controller is asked to serve it "
		"(only when the state holds IngressClasses)" },
	[IW_CHK_DEPRECATED_API] = { "deprecated-api", IW_SEV_WARNING, IW_SEV_OFF, NULL, false,
		"an Ingress API version that was removed (extensions/v1beta1, networking.k8s.io/v1beta1)" },
	[IW_CHK_DEPRECATED_CLASS_ANNOTATION] = { "deprecated-class-annotation", IW_SEV_WARNING,
		IW_SEV_OFF, NULL, false,
		"the deprecated kubernetes.io/ingress.class annotation instead of spec.ingressClassName" },
	[IW_CHK_DANGEROUS_ANNOTATION] = { "dangerous-annotation", IW_SEV_ERROR, IW_SEV_OFF, NULL, false,
		"ingress-nginx snippet annotations, annotation values with control characters, and "
		"values of auth-url / auth-tls-match-cn / mirror-target / mirror-host that break out "
		"of nginx quoting (IngressNightmare, CVE-2025-1097/1098/24514)" },
	[IW_CHK_REGEX_IN_PATH] = { "regex-in-path", IW_SEV_WARNING, IW_SEV_OFF, NULL, false,
		"regex characters in an Exact or Prefix path: the spec matches them literally, "
		"some controllers (ingress-nginx use-regex) do not" },
};

const struct iw_check_info *iw_check_info(enum iw_check_id id)
{
	return (unsigned)id < IW_NCHECKS ? &checks[id] : NULL;
}

int iw_check_lookup(const char *id)
{
	for (int i = 0; i < IW_NCHECKS; i++)
		if (!strcmp(checks[i].id, id))
			return i;
	return -1;
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
	free(p);
}

/* ---- helpers shared by the checks ---------------------------------------- */

const char *chk_annotation(const struct iw_meta *m, const char *key)
{
	for (size_t i = 0; i < m->nannotations; i++)
		if (m->annotations[i].key && !strcmp(m->annotations[i].key, key))
			return m->annotations[i].value;
	return NULL;
}

const char *chk_ns(const struct iw_meta *m)
{
	return m->namespace_ && *m->namespace_ ? m->namespace_ : "default";
}

bool chk_same_object(const struct ingress *a, const struct ingress *b)
{
	const char *an = a->meta.name ? a->meta.name : "", *bn = b->meta.name ? b->meta.name : "";
	return !strcmp(an, bn) && !strcmp(chk_ns(&a->meta), chk_ns(&b->meta));
}

const char *iw_effective_class(const struct ingress *ing, const struct iw_state *state)
{
	const char *c = chk_annotation(&ing->meta, "kubernetes.io/ingress.class");
	if (!c)
		c = ing->ingress_class_name;
	if (!c && state)
		c = iw_state_default_class(state);
	return c;
}

static bool same_class(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static int cmp_ptr(const void *a, const void *b)
{
	const void *x = *(const void *const *)a, *y = *(const void *const *)b;
	return x < y ? -1 : x > y;
}

const struct ingress **chk_neighbours(const struct chk_ctx *c, size_t *n)
{
	const struct ingress **v = NULL;
	size_t len = 0, cap = 0;
	*n = 0;
	if (!c->st)
		return NULL;
	for (size_t i = 0; i < c->ing->nrules; i++) {
		const char *h = c->ing->rules[i].host ? c->ing->rules[i].host : "";
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++)
			seen = !strcmp(h, c->ing->rules[k].host ? c->ing->rules[k].host : "");
		if (seen)
			continue;
		size_t m;
		const struct ingress *const *l = iw_state_by_host(c->st, h, &m);
		for (size_t j = 0; j < m; j++) {
			if (l[j] == c->ing || chk_same_object(l[j], c->ing) ||
			    !same_class(iw_effective_class(l[j], c->st), c->cls))
				continue;
			if (len + 1 >= cap) {   /* and a free slot after the last */
				size_t nc = cap ? cap * 2 : 16;
				const struct ingress **nv = realloc(v, nc * sizeof *nv);
				if (!nv) {
					free(v);
					*n = (size_t)-1;
					return NULL;
				}
				v = nv;
				cap = nc;
			}
			v[len++] = l[j];
		}
	}
	if (len > 1) {   /* one Ingress may name several of the hosts */
		qsort(v, len, sizeof *v, cmp_ptr);
		size_t w = 1;
		for (size_t i = 1; i < len; i++)
			if (v[i] != v[w - 1])
				v[w++] = v[i];
		len = w;
	}
	*n = len;
	return v;
}

/* ---- configuration scope and emission ------------------------------------- */

static bool in_list(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (s && !strcmp(v[i], s))
			return true;
	return false;
}

static bool in_scope(const struct chk_ctx *c, const struct iw_check_conf *cf)
{
	if (cf->namespaces && !in_list(cf->namespaces, cf->nnamespaces, c->ns))
		return false;
	if (cf->exclude_namespaces && in_list(cf->exclude_namespaces, cf->nexclude_namespaces, c->ns))
		return false;
	if (cf->classes && !in_list(cf->classes, cf->nclasses, c->cls))
		return false;
	return true;
}

bool chk_enabled(const struct chk_ctx *c, enum iw_check_id id)
{
	const struct iw_check_conf *cf = &c->p->check[id];
	if (cf->severity == IW_SEV_OFF && (!checks[id].alt_key || cf->alt_severity == IW_SEV_OFF))
		return false;
	return in_scope(c, cf);
}

void chk_emit(struct chk_ctx *c, enum iw_check_id id, bool alt, const struct fpath *at,
              const char *fmt, ...)
{
	const struct iw_check_conf *cf = &c->p->check[id];
	enum iw_severity sev = alt && checks[id].alt_key ? cf->alt_severity : cf->severity;
	if (sev == IW_SEV_OFF || !in_scope(c, cf) || c->out->oom)
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	findings_add(c->out, checks[id].id, sev, at, "%s", msg);
}

/* ---- dispatch --------------------------------------------------------------- */

void iw_policy_check(const struct iw_policy *p, const struct ingress *ing,
                     const struct ingress *old, const struct iw_state *state,
                     struct findings *out)
{
	struct chk_ctx c = {
		.p = p, .ing = ing, .old = old, .st = state,
		.ns = chk_ns(&ing->meta), .name = ing->meta.name ? ing->meta.name : "",
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

static int cmp_nsname(const void *a, const void *b)
{
	const struct ingress *x = *(const struct ingress *const *)a;
	const struct ingress *y = *(const struct ingress *const *)b;
	int r = strcmp(chk_ns(&x->meta), chk_ns(&y->meta));
	return r ? r : strcmp(x->meta.name ? x->meta.name : "", y->meta.name ? y->meta.name : "");
}

long iw_policy_audit(const struct iw_policy *p, const struct iw_state *state,
                     iw_audit_fn fn, void *arg)
{
	size_t n = 0, slots = iw_state_slots(state);
	const struct ingress **v = malloc((slots ? slots : 1) * sizeof *v);
	if (!v)
		return -1;
	for (size_t i = 0; i < slots; i++)
		if (iw_state_slot(state, i))
			v[n++] = iw_state_slot(state, i);
	qsort(v, n, sizeof *v, cmp_nsname);
	long total = 0;
	for (size_t i = 0; i < n; i++) {
		struct findings fl = { 0 };
		iw_policy_check(p, v[i], NULL, state, &fl);
		if (fl.oom) {
			findings_release(&fl);
			free(v);
			return -1;
		}
		if (fl.n && fn)
			fn(arg, v[i], &fl);
		total += (long)fl.n;
		findings_release(&fl);
	}
	free(v);
	return total;
}
