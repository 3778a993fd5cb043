/*
 * The annotation checks.  Each annotation is judged by the controller its
 * prefix names (profile/profile.h iw_annotation_owner), whatever the class:
 * an ALB annotation is never nginx configuration.
 *
 *   dangerous-annotation  values a controller writes into nginx.conf that
 *                         inject configuration: ingress-nginx snippets and the
 *                         2025-2026 vectors, NGINX Inc's nginx.org/ snippets
 *                         and control characters in nginx.org values; the
 *                         variant (configMapSeverity): annotations that import
 *                         a ConfigMap's values into nginx.conf;
 *   controller-rejects    ingress-nginx annotation values its validation
 *                         (on by default since v1.12.0) rejects;
 *   ignored-annotation    annotations the class's controller does not read.
 *
 * Sources: docs/profile-evidence/CVES.md (the advisories, the tag diffs),
 * ingress-nginx controller-v1.15.1 internal/ingress/annotations/, NGINX Inc
 * internal/k8s/validation.go and internal/configs/annotations.go.
 */
#include "checks/checkctx.h"
#include "profile/ingress_nginx.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ingress-nginx annotations whose value was written into nginx.conf without
 * quoting or escaping before a fix: a character of 'bad' (or a control
 * character) leaves the token and injects directives */
static const struct {
	const char *name;
	const char *bad;
	const char *cve;
} vectors[] = {
	{ "auth-url", "\"'\\;{}#` ", "CVE-2025-24514, IngressNightmare" },
	{ "auth-signin", "\"'\\;{}#` ", "the validator of CVE-2025-24514" },
	{ "auth-tls-match-cn", "\"'`;{}#", "CVE-2025-1097, IngressNightmare" },
	{ "mirror-target", "\"'\\;{}#` ", "CVE-2025-1098, IngressNightmare" },
	{ "mirror-host", "\"'\\;{}#`/ ", "CVE-2025-1098, IngressNightmare" },
};

/* ingress-nginx annotations that name a ConfigMap whose values it writes
 * into nginx.conf: the webhook never sees those values */
static const struct {
	const char *name;
	const char *why;
} imports[] = {
	{ "auth-proxy-set-headers",
	  "before v1.12.5 / v1.13.1 a ' in a value injects configuration (CVE-2025-15566)" },
	{ "custom-headers",
	  "its values may hold '\"', ';' and '$' (customheaders/main.go:53)" },
};

static long first_ctl(const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return (long)i;
	return -1;
}

/* An annotation ingress-nginx reads under a custom --annotations-prefix
 * ("PREFIX/NAME", PREFIX ending in "ingress.kubernetes.io" and naming no
 * controller): judged for injection only, when the class is ingress-nginx. */
static const char *custom_nginx_name(const char *key)
{
	static const char tail[] = "ingress.kubernetes.io";
	const char *slash = strrchr(key, '/');
	size_t pl = slash ? (size_t)(slash - key) : 0;
	if (!slash || pl <= sizeof tail - 1 || key[pl - sizeof tail] != '.' ||
	    strncmp(slash - (sizeof tail - 1), tail, sizeof tail - 1))
		return NULL;
	return slash + 1;
}

/* field text written only when a finding is emitted */
#define ANN_AT(buf, key) \
	(snprintf(buf, sizeof buf, "annotations[%s]", key), FP_KEY(FP_KEY(NULL, "metadata"), buf))
#define ANN_AT_SZ(buf, size, key) \
	(snprintf(buf, size, "annotations[%s]", key), FP_KEY(FP_KEY(NULL, "metadata"), buf))

/* auth-proxy-set-headers names a ConfigMap "namespace/name" (authreq/main.go
 * :433-472 of controller-v1.15.1): another namespace is refused unless
 * allow-cross-namespace-resources (default false); a data key that is not a
 * header name (^[a-zA-Z\d\-_]+$) denies the locations; before v1.12.5 /
 * v1.13.1 each value was written as proxy_set_header 'K' 'V'; (CVE-2025-15566,
 * fixed by 3d90678bfe2c: %q), so a ' or \ in a value leaves the token.  The
 * ConfigMap is judged when the state holds it (lint's input, a snapshot).
 * Returns true when a finding about the ConfigMap's data was emitted. */
static bool proxy_headers(struct chk_ctx *c, const char *key, const char *val, size_t field_sz,
                          char *field)
{
	const char *slash = strchr(val, '/');
	char ns[256];
	const char *name = val;
	if (slash && !strchr(slash + 1, '/') && (size_t)(slash - val) < sizeof ns) {
		memcpy(ns, val, (size_t)(slash - val));
		ns[slash - val] = '\0';
		name = slash + 1;
	} else {
		snprintf(ns, sizeof ns, "%s", c->ns);
	}
	if (strcmp(ns, c->ns)) {
		chk_emit(c, IW_CHK_CONTROLLER_REJECTS, false, ANN_AT_SZ(field, field_sz, key),
		         "annotation %s names ConfigMap \"%s\" of namespace %s, not the Ingress's (%s): "
		         "ingress-nginx refuses cross-namespace resources unless the controller runs "
		         "with allow-cross-namespace-resources (default false) and denies the paths "
		         "(503)", key, val, ns, c->ns);
		return false;   /* where it is allowed, the import: the warning below */
	}
	const struct iw_configmap *cm = c->st ? iw_state_get_configmap(c->st, ns, name) : NULL;
	if (!cm)
		return false;
	for (size_t i = 0; i < cm->ndata; i++) {
		const struct iw_kv *e = &cm->data[i];
		size_t ok = 0;
		while (ok < e->key_len && (isalnum((unsigned char)e->key[ok]) || e->key[ok] == '-' ||
		                           e->key[ok] == '_'))
			ok++;
		if (!e->key_len || ok < e->key_len) {
			chk_emit(c, IW_CHK_CONTROLLER_REJECTS, false, ANN_AT_SZ(field, field_sz, key),
			         "ConfigMap %s/%s, which annotation %s names, has the key \"%.*s\", not "
			         "a header name (^[a-zA-Z0-9_-]+$): ingress-nginx denies the paths (503, "
			         "\"invalid proxy-set-headers in configmap\")", ns, name, key,
			         (int)(e->key_len > 100 ? 100 : e->key_len), e->key);
			return true;
		}
		for (size_t j = 0; j < e->value_len; j++) {
			unsigned char ch = (unsigned char)e->value[j];
			if (ch != '\'' && ch != '\\' && ch >= 0x20 && ch != 0x7f)
				continue;
			char what[40];
			if (ch < 0x20 || ch == 0x7f)
				snprintf(what, sizeof what, "the control character 0x%02x", ch);
			else
				snprintf(what, sizeof what, "'%c'", ch);
			chk_emit(c, IW_CHK_DANGEROUS_ANNOTATION, false, ANN_AT_SZ(field, field_sz, key),
			         "ConfigMap %s/%s, which annotation %s names, holds %s at offset %zu of "
			         "the value of \"%s\": before v1.12.5 / v1.13.1 ingress-nginx wrote it into "
			         "nginx.conf as proxy_set_header '%s' '...'; and the value leaves its token "
			         "(CVE-2025-15566)", ns, name, key, what, j, e->key, e->key);
			return true;
		}
	}
	return false;
}

/* One ingress-nginx annotation NAME (without the prefix). */
static void nginx_annotation(struct chk_ctx *c, const char *key, const char *name,
                             const char *val, size_t vlen, bool custom)
{
	char field[600];
	const struct iw_ngx_annotation *a = iw_ngx_annotation(name);
	if (!a) {
		if (!custom && c->prof->id == IW_PROFILE_INGRESS_NGINX)
			chk_emit(c, IW_CHK_IGNORED_ANNOTATION, false, ANN_AT(field, key),
			         "ingress-nginx reads no annotation \"%s\" (v1.15 knows %zu): a typo or "
			         "a removed annotation has no effect", name, iw_ngx_nannotations());
		return;
	}
	if (a->risk == IW_NGX_RISK_CRITICAL) {
		chk_emit(c, IW_CHK_DANGEROUS_ANNOTATION, false, ANN_AT(field, key),
		         "annotation %s injects raw nginx configuration: any namespace that may "
		         "create Ingresses can read the controller's secrets (CVE-2021-25742); with "
		         "ingress-nginx's defaults (allow-snippet-annotations false, "
		         "annotations-risk-level High) the controller does not serve this Ingress", key);
		return;
	}
	for (size_t k = 0; k < sizeof vectors / sizeof *vectors; k++) {
		if (strcmp(a->name, vectors[k].name))
			continue;
		long ctl = first_ctl(val, vlen);
		size_t at = strcspn(val, vectors[k].bad);
		if (ctl >= 0 && (size_t)ctl < at)
			at = (size_t)ctl;
		if (at >= vlen)
			break;
		if (ctl >= 0 && (size_t)ctl == at)
			chk_emit(c, IW_CHK_DANGEROUS_ANNOTATION, false, ANN_AT(field, key),
			         "annotation %s holds the control character 0x%02x at offset %zu, which "
			         "ends the nginx.conf token ingress-nginx writes the value into (%s)", key,
			         (unsigned char)val[at], at, vectors[k].cve);
		else
			chk_emit(c, IW_CHK_DANGEROUS_ANNOTATION, false, ANN_AT(field, key),
			         "annotation %s holds '%c' at offset %zu, which leaves the nginx.conf "
			         "token ingress-nginx writes the value into (%s)", key, val[at], at,
			         vectors[k].cve);
		return;
	}
	if (!strcmp(a->name, "auth-method") && !iw_ngx_validate(a, val, vlen, NULL)) {
		/* the validator was unanchored before v1.13.7 / v1.14.3: any value
		 * holding a method name passed and was written unquoted */
		chk_emit(c, IW_CHK_DANGEROUS_ANNOTATION, false, ANN_AT(field, key),
		         "annotation %s is not exactly one HTTP method: before v1.13.7 / v1.14.3 "
		         "ingress-nginx wrote it unquoted into proxy_method (CVE-2026-1580)", key);
		return;
	}
	if (custom)
		return;
	const char *why = "";
	if (!iw_ngx_validate(a, val, vlen, &why)) {
		long ctl = first_ctl(val, vlen);
		char what[160];
		if (ctl >= 0)
			snprintf(what, sizeof what, "the control character 0x%02x at offset %ld%s",
			         (unsigned char)val[ctl], ctl, val[ctl] == '\n' && ctl + 1 == (long)vlen
			         ? " (a YAML | or > block ends with a newline: use |- or a quoted string)"
			         : "");
		else
			snprintf(what, sizeof what, "a value the validator refuses (%s)", why);
		chk_emit(c, IW_CHK_CONTROLLER_REJECTS, false, ANN_AT(field, key),
		         "ingress-nginx's annotation validation (on by default since v1.12) rejects "
		         "annotation %s, which holds %s: the controller ignores the value, denies the "
		         "paths (503) or skips the Ingress, depending on the annotation", key, what);
		return;
	}
	if (!strcmp(a->name, "auth-proxy-set-headers") && vlen &&
	    proxy_headers(c, key, val, sizeof field, field))
		return;
	for (size_t k = 0; k < sizeof imports / sizeof *imports; k++)
		if (!strcmp(a->name, imports[k].name) && vlen)
			chk_emit(c, IW_CHK_DANGEROUS_ANNOTATION, true, ANN_AT(field, key),
			         "annotation %s makes ingress-nginx write the values of ConfigMap \"%s\" "
			         "into nginx.conf, where no admission check sees them: whoever may edit "
			         "that ConfigMap writes nginx configuration; %s", key, val, imports[k].why);
}

/* One NGINX Inc annotation (nginx.org/...). */
static void nic_annotation(struct chk_ctx *c, const char *key, const char *val, size_t vlen)
{
	char field[600];
	if (!strcmp(key, "nginx.org/server-snippets") || !strcmp(key, "nginx.org/location-snippets")) {
		chk_emit(c, IW_CHK_DANGEROUS_ANNOTATION, false, ANN_AT(field, key),
		         "annotation %s is written verbatim into nginx.conf by the NGINX Ingress "
		         "Controller: whoever may create Ingresses writes nginx configuration; it "
		         "refuses snippets unless it runs with -enable-snippets", key);
		return;
	}
	long ctl = first_ctl(val, vlen);
	if (ctl >= 0 && !strncmp(key, "nginx.org/", 10))
		chk_emit(c, IW_CHK_DANGEROUS_ANNOTATION, false, ANN_AT(field, key),
		         "annotation %s holds the control character 0x%02x at offset %ld: the NGINX "
		         "Ingress Controller writes nginx.org values into nginx.conf, where a newline "
		         "starts a new directive", key, (unsigned char)val[ctl], ctl);
}

static const char *reader_text(const char *key)
{
	const struct iw_profile *o = iw_annotation_owner(key);
	if (o)
		return o->title;
	if (!strncmp(key, "ingress.kubernetes.io/", 22))
		return "Contour (NGINX Inc reads only ingress.kubernetes.io/ssl-redirect; ingress-nginx "
		       "used this prefix before 0.9)";
	return "another controller";
}

void chk_annotations(struct chk_ctx *c)
{
	const struct iw_meta *m = &c->ing->meta;
	bool danger = chk_enabled(c, IW_CHK_DANGEROUS_ANNOTATION);
	bool rejects = chk_enabled(c, IW_CHK_CONTROLLER_REJECTS);
	bool ignored = chk_enabled(c, IW_CHK_IGNORED_ANNOTATION);
	if (!danger && !rejects && !ignored)
		return;
	for (size_t i = 0; i < m->nannotations && !c->out->err; i++) {
		const char *key = iw_nz(m->annotations[i].key), *val = iw_nz(m->annotations[i].value);
		size_t vlen = m->annotations[i].value_len ? m->annotations[i].value_len : strlen(val);
		const struct iw_profile *owner = iw_annotation_owner(key);
		if (ignored && iw_profile_ignores(c->prof, key)) {
			char field[600];
			chk_emit(c, IW_CHK_IGNORED_ANNOTATION, false, ANN_AT(field, key),
			         "annotation %s is read by %s, not by %s, which serves this Ingress: "
			         "it has no effect", key, reader_text(key), c->prof->title);
		}
		if (owner && owner->id == IW_PROFILE_INGRESS_NGINX)
			nginx_annotation(c, key, key + sizeof IW_NGX_PREFIX - 1, val, vlen, false);
		else if (owner && owner->id == IW_PROFILE_NGINX_INC)
			nic_annotation(c, key, val, vlen);
		else if (!owner && c->prof->id == IW_PROFILE_INGRESS_NGINX &&
		         strncmp(key, "ingress.kubernetes.io/", 22) && custom_nginx_name(key))
			nginx_annotation(c, key, custom_nginx_name(key), val, vlen, true);
	}
}
