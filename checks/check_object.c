/*
 * Checks on one object alone: duplicate-path, regex-in-path,
 * tls-host-unserved, deprecated-api (Ingress and IngressClass),
 * deprecated-class-annotation, dangerous-annotation.
 */
#include "checks/checkctx.h"

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

void chk_duplicate_path(struct chk_ctx *c)
{
	const struct ingress *ing = c->ing;
	size_t n = 0;
	if (!chk_enabled(c, IW_CHK_DUPLICATE_PATH))
		return;
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
	for (size_t i = 0; i < ing->nrules; i++)
		for (size_t j = 0; j < ing->rules[i].npaths; j++) {
			const struct iw_path *p = &ing->rules[i].paths[j];
			v[n] = (struct pref){ iw_nz(ing->rules[i].host), iw_nz(p->path),
			                      p->path_type ? p->path_type : "ImplementationSpecific",
			                      i, j, n, &p->backend };
			n++;
		}
	sort_prefs(v, n);
	for (size_t k = 1; k < n; k++) {
		size_t f = k;   /* first of the run */
		while (f > 0 && !strcmp(v[f - 1].host, v[k].host) && !strcmp(v[f - 1].path, v[k].path) &&
		       !strcmp(v[f - 1].type, v[k].type))
			f--;
		if (f == k)
			continue;
		const struct pref *a = &v[f], *b = &v[k];
		char ba[300], bb[300];
		backend_text(a->be, ba, sizeof ba);
		backend_text(b->be, bb, sizeof bb);
		bool same = same_backend(a->be, b->be);
		chk_emit(c, IW_CHK_DUPLICATE_PATH, same, CHK_PATH_FP(b->rule, b->idx),
		         "host \"%s\" path \"%s\" (%s) is already defined at spec.rules[%zu].http.paths[%zu]"
		         "%s%s%s%s; the first one wins",
		         b->host, b->path, b->type, a->rule, a->idx,
		         same ? " with the same backend " : " with a different backend: ",
		         same ? ba : bb, same ? "" : " here, ", same ? "" : ba);
	}
	if (v != small)
		free(v);
}

/* ---- regex-in-path ---------------------------------------------------------- */

void chk_regex_in_path(struct chk_ctx *c)
{
	static const char regex_chars[] = "^$*+?()[]{}|\\";
	if (!chk_enabled(c, IW_CHK_REGEX_IN_PATH))
		return;
	for (size_t i = 0; i < c->ing->nrules; i++)
		for (size_t j = 0; j < c->ing->rules[i].npaths; j++) {
			const struct iw_path *p = &c->ing->rules[i].paths[j];
			const char *t = p->path_type;
			if (!t || (strcmp(t, "Exact") && strcmp(t, "Prefix")) || !p->path)
				continue;
			size_t at = strcspn(p->path, regex_chars);
			if (!p->path[at])
				continue;
			chk_emit(c, IW_CHK_REGEX_IN_PATH, false,
			         FP_KEY(CHK_PATH_FP(i, j), "path"),
			         "path \"%s\" (%s) contains the regex character '%c': the Ingress spec "
			         "matches it literally, but controllers with regex paths (ingress-nginx "
			         "use-regex / rewrite-target) treat it as a regex; use "
			         "ImplementationSpecific for a regex", p->path, t, p->path[at]);
		}
}

/* ---- tls-host-unserved ----------------------------------------------------- */

/* true when wildcard "*.suffix" covers the exact host 'h' on one label */
static bool wild_covers(const char *w, const char *h)
{
	if (w[0] != '*' || w[1] != '.' || h[0] == '*')
		return false;
	const char *dot = strchr(h, '.');
	return dot && dot != h && !strcmp(dot, w + 1);
}

void chk_tls_host_unserved(struct chk_ctx *c)
{
	const struct ingress *ing = c->ing;
	if (!chk_enabled(c, IW_CHK_TLS_HOST_UNSERVED))
		return;
	for (size_t i = 0; i < ing->ntls; i++)
		for (size_t j = 0; j < ing->tls[i].nhosts; j++) {
			const char *h = iw_nz(ing->tls[i].hosts[j]);
			bool served = false;
			for (size_t r = 0; r < ing->nrules && !served; r++) {
				const char *rh = iw_nz(ing->rules[r].host);
				served = *rh && (!strcmp(rh, h) || wild_covers(rh, h) || wild_covers(h, rh));
			}
			if (served)
				continue;
			chk_emit(c, IW_CHK_TLS_HOST_UNSERVED, false,
			         FP_IDX(FP_KEY(FP_IDX(FP_KEY(FP_KEY(NULL, "spec"), "tls"), i), "hosts"), j),
			         "TLS host \"%s\" is not the host of any rule of this Ingress: the "
			         "certificate of secret \"%s\" is configured but no rule serves the host",
			         h, iw_nz(ing->tls[i].secret_name));
		}
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
	         "%s %s was removed in Kubernetes 1.22: use networking.k8s.io/v1", version,
	         c->kind == IW_KIND_INGRESS ? "Ingress" : "IngressClass");
}

void chk_deprecated_class_annotation(struct chk_ctx *c)
{
	const char *v = iw_meta_annotation(&c->ing->meta, "kubernetes.io/ingress.class");
	if (!v)
		return;
	chk_emit(c, IW_CHK_DEPRECATED_CLASS_ANNOTATION, false,
	         FP_KEY(FP_KEY(NULL, "metadata"), "annotations[kubernetes.io/ingress.class]"),
	         "annotation kubernetes.io/ingress.class is deprecated: use "
	         "spec.ingressClassName: \"%s\"%s", v,
	         c->ing->ingress_class_name ? " (both are set: controllers disagree on which wins)" : "");
}

/* ---- dangerous-annotation ------------------------------------------------------ */

static const char *const snippets[] = {
	"configuration-snippet", "server-snippet", "auth-snippet", "modsecurity-snippet",
	"stream-snippet", NULL,
};

/* annotations whose value ingress-nginx writes into nginx.conf between quotes,
 * the IngressNightmare injection vectors (CVE-2025-24514 auth-url,
 * CVE-2025-1097 auth-tls-match-cn, CVE-2025-1098 mirror-target/mirror-host) */
static const struct {
	const char *name;
	const char *bad;   /* characters that break out of the quoting */
} quoted[] = {
	{ "auth-url", "\"'\\;{}#` " },
	{ "auth-tls-match-cn", "\"'`;{}#" },
	{ "mirror-target", "\"'\\;{}#` " },
	{ "mirror-host", "\"'\\;{}#`/ " },
	{ NULL, NULL },
};

/* key = PREFIX/NAME where PREFIX ends with "ingress.kubernetes.io"
 * (nginx.ingress.kubernetes.io, or a custom --annotations-prefix) */
static const char *nginx_name(const char *key)
{
	const char *slash = strrchr(key, '/');
	static const char tail[] = "ingress.kubernetes.io";
	size_t pl = slash ? (size_t)(slash - key) : 0;
	if (!slash || pl < sizeof tail - 1 || strncmp(slash - (sizeof tail - 1), tail, sizeof tail - 1))
		return NULL;
	return slash + 1;
}

static int first_ctl(const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return (int)i;
	return -1;
}

void chk_dangerous_annotation(struct chk_ctx *c)
{
	const struct iw_meta *m = &c->ing->meta;
	if (!chk_enabled(c, IW_CHK_DANGEROUS_ANNOTATION))
		return;
	for (size_t i = 0; i < m->nannotations; i++) {
		const char *key = iw_nz(m->annotations[i].key), *val = iw_nz(m->annotations[i].value);
		size_t vlen = m->annotations[i].value_len ? m->annotations[i].value_len : strlen(val);
		const char *name = nginx_name(key);
		if (!name)
			continue;
		/* the field text is written only when a finding is emitted */
		char field[600];
		const struct fpath *at = FP_KEY(FP_KEY(NULL, "metadata"), field);
		bool snip = false;
		for (size_t k = 0; snippets[k] && !snip; k++)
			snip = !strcmp(name, snippets[k]);
		if (snip) {
			snprintf(field, sizeof field, "annotations[%s]", key);
			chk_emit(c, IW_CHK_DANGEROUS_ANNOTATION, false, at,
			         "annotation %s injects raw nginx configuration: any namespace that may "
			         "create Ingresses can read the controller's secrets (CVE-2021-25742); "
			         "ingress-nginx disables snippets by default since v1.9", key);
			continue;
		}
		int ctl = first_ctl(val, vlen);
		if (ctl >= 0) {
			snprintf(field, sizeof field, "annotations[%s]", key);
			chk_emit(c, IW_CHK_DANGEROUS_ANNOTATION, false, at,
			         "annotation %s holds the control character 0x%02x at offset %d: a "
			         "newline in an annotation value can inject nginx directives", key,
			         (unsigned char)val[ctl], ctl);
			continue;
		}
		for (size_t k = 0; quoted[k].name; k++) {
			if (strcmp(name, quoted[k].name))
				continue;
			size_t at_c = strcspn(val, quoted[k].bad);
			if (!val[at_c])
				break;
			snprintf(field, sizeof field, "annotations[%s]", key);
			chk_emit(c, IW_CHK_DANGEROUS_ANNOTATION, false, at,
			         "annotation %s holds '%c' at offset %zu, which breaks out of the nginx "
			         "quoting ingress-nginx writes it into (IngressNightmare, %s)", key,
			         val[at_c], at_c,
			         !strcmp(name, "auth-url") ? "CVE-2025-24514" :
			         !strcmp(name, "auth-tls-match-cn") ? "CVE-2025-1097" : "CVE-2025-1098");
			break;
		}
	}
}
