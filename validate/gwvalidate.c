/*
 * The Gateway API CRDs' validation (see gwvalidate.h).  Each function names
 * the schema object it checks; the patterns are matched by small
 * hand-written matchers, the CEL rules are written out one by one with the
 * CRD's own message.
 */
#include "validate/gwvalidate.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate/vrules.h"

/* ---------- patterns of the CRDs ---------- */

#define RE_HOSTNAME "^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
#define RE_PRECISE "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
#define RE_GROUP "^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
#define RE_KIND "^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$"
#define RE_NAMESPACE "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
#define RE_HEADER "^[A-Za-z0-9!#$%&'*+\\-.^_\\x60|~]+$"
#define RE_DURATION "^([0-9]{1,5}(h|m|s|ms)){1,4}$"
#define RE_PROTOCOL "^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\\/[A-Za-z0-9]+$"

static bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
static bool alnum(char c) { return lower_alnum(c) || (c >= 'A' && c <= 'Z'); }

/* [a-z0-9]([-a-z0-9]*[a-z0-9])? over s[0..n) */
static bool label(const char *s, size_t n)
{
	if (!n || !lower_alnum(s[0]) || !lower_alnum(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!lower_alnum(s[i]) && s[i] != '-')
			return false;
	return true;
}

/* label(\.label)* */
static bool labels(const char *s)
{
	for (;;) {
		const char *dot = strchr(s, '.');
		size_t n = dot ? (size_t)(dot - s) : strlen(s);
		if (!label(s, n))
			return false;
		if (!dot)
			return true;
		s = dot + 1;
	}
}

bool gw_hostname_ok(const char *s)
{
	if (s[0] == '*' && s[1] == '.')
		s += 2;
	return labels(s);
}

static bool kind_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || !((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z') || !alnum(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!alnum(s[i]) && s[i] != '-')
			return false;
	return true;
}

static bool header_name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!alnum(*s) && !strchr("!#$%&'*+-.^_`|~", *s))
			return false;
	return true;
}

static bool duration_ok(const char *s)
{
	int groups = 0;
	while (*s) {
		int digits = 0;
		while (*s >= '0' && *s <= '9' && digits < 6)
			s++, digits++;
		if (!digits || digits > 5)
			return false;
		if (s[0] == 'm' && s[1] == 's')
			s += 2;
		else if (*s == 'h' || *s == 'm' || *s == 's')
			s++;
		else
			return false;
		if (++groups > 4)
			return false;
	}
	return groups > 0;
}

/* the CRD's pattern: a DNS-label-like word, or (unanchored at the start)
 * a domain-prefixed name "example.com/PROTO" */
static bool protocol_ok(const char *s)
{
	size_t n = strlen(s);
	if (n && alnum(s[0]) && alnum(s[n - 1])) {
		bool ok = true;
		for (size_t i = 0; i < n && ok; i++)
			ok = alnum(s[i]) || s[i] == '-';
		if (ok)
			return true;
	}
	const char *slash = strrchr(s, '/');
	if (!slash || slash == s || !lower_alnum(slash[-1]) || !slash[1])
		return false;
	for (const char *p = slash + 1; *p; p++)
		if (!alnum(*p))
			return false;
	return true;
}

static bool path_chars_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s == '%') {
			if (!strchr("0123456789abcdefABCDEF", s[1]) || !s[1] ||
			    !strchr("0123456789abcdefABCDEF", s[2]) || !s[2])
				return false;
			s += 2;
		} else if (!alnum(*s) && !strchr("-/._~!$&'()*+,;=:@", *s)) {
			return false;
		}
	}
	return true;
}

static bool ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && !memcmp(s + n - m, suf, m);
}

/* The CEL rules of HTTPPathMatch for Exact / PathPrefix, in the CRD's
 * order; 'each' gets every failed rule's message.  Returns the count. */
static int path_rules(const char *v, void (*each)(void *, const char *), void *arg)
{
	static const struct { const char *needle; int how; const char *msg; } rules[] = {
		{ "/", 0, "value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']" },
		{ "//", 1, "must not contain '//' when type one of ['Exact', 'PathPrefix']" },
		{ "/./", 1, "must not contain '/./' when type one of ['Exact', 'PathPrefix']" },
		{ "/../", 1, "must not contain '/../' when type one of ['Exact', 'PathPrefix']" },
		{ "%2f", 1, "must not contain '%2f' when type one of ['Exact', 'PathPrefix']" },
		{ "%2F", 1, "must not contain '%2F' when type one of ['Exact', 'PathPrefix']" },
		{ "#", 1, "must not contain '#' when type one of ['Exact', 'PathPrefix']" },
		{ "/..", 2, "must not end with '/..' when type one of ['Exact', 'PathPrefix']" },
		{ "/.", 2, "must not end with '/.' when type one of ['Exact', 'PathPrefix']" },
	};
	int n = 0;
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		bool bad = rules[i].how == 0 ? v[0] != '/'
		         : rules[i].how == 1 ? strstr(v, rules[i].needle) != NULL
		                             : ends_with(v, rules[i].needle);
		if (bad) {
			n++;
			if (each)
				each(arg, rules[i].msg);
		}
	}
	if (!path_chars_ok(v)) {
		n++;
		if (each)
			each(arg, "must only contain valid characters (matching "
			          "^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$) for types "
			          "['Exact', 'PathPrefix']");
	}
	return n;
}

bool gw_path_value_ok(const char *s)
{
	return path_rules(s, NULL, NULL) == 0;
}

/* ---------- how the API server words each failure ---------- */

/* UTF-8 characters (OpenAPI lengths count characters) */
static size_t chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static void v_required(struct errlist *el, const struct fpath *at)
{
	fe_add(el, FE_REQUIRED, at, NULL, "%s", "");
}

/* "<path> in body should <should>" (kube-openapi's messages start with the path) */
static void v_body(struct errlist *el, const struct fpath *at, const char *value,
                   const char *should)
{
	char path[512];
	fpath_render(at, path, sizeof path);
	fe_add(el, FE_INVALID, at, value, "%s in body should %s", path, should);
}

static void v_str_invalid(struct errlist *el, const struct fpath *at, const char *s,
                          const char *should)
{
	char *q = fe_quote(s);
	if (!q) {
		el->err = IW_ENOMEM;
		return;
	}
	v_body(el, at, q, should);
	free(q);
}

static void v_pattern(struct errlist *el, const struct fpath *at, const char *s,
                      const char *pattern)
{
	char should[512];
	snprintf(should, sizeof should, "match '%s'", pattern);
	v_str_invalid(el, at, s, should);
}

/* minLength / maxLength / pattern of a string that is present */
static void v_string(struct errlist *el, const struct fpath *at, const char *s, size_t min,
                     size_t max, bool (*ok)(const char *), const char *pattern)
{
	size_t n = chars(s);
	if (n < min) {
		char should[64];
		snprintf(should, sizeof should, "be at least %zu chars long", min);
		v_str_invalid(el, at, s, should);
	}
	if (max && n > max)
		fe_add(el, FE_TOO_LONG, at, NULL, "may not be more than %zu bytes", max);
	if (ok && !ok(s))
		v_pattern(el, at, s, pattern);
}

/* a required string: absent or "" with minLength 1 is Required... the
 * schema reports an absent field as Required, an empty one as too short */
static void v_required_string(struct errlist *el, const struct fpath *at, const char *s,
                              bool present, size_t max, bool (*ok)(const char *),
                              const char *pattern)
{
	if (!present) {
		v_required(el, at);
		return;
	}
	v_string(el, at, s, 1, max, ok, pattern);
}

static void v_enum(struct errlist *el, const struct fpath *at, const char *s,
                   const char *const *vals)
{
	for (const char *const *v = vals; *v; v++)
		if (!strcmp(s, *v))
			return;
	char list[512] = "supported values: ";
	for (const char *const *v = vals; *v; v++) {
		char q[64];
		fe_quote_buf(*v, q, sizeof q);
		if (v != vals)
			strncat(list, ", ", sizeof list - strlen(list) - 1);
		strncat(list, q, sizeof list - strlen(list) - 1);
	}
	char *q = fe_quote(s);
	if (!q) {
		el->err = IW_ENOMEM;
		return;
	}
	fe_add(el, FE_NOT_SUPPORTED, at, q, "%s", list);
	free(q);
}

static void v_max_items(struct errlist *el, const struct fpath *at, size_t n, size_t max)
{
	if (n > max) {
		char v[32];
		fe_add(el, FE_TOO_MANY, at, fe_int((long long)n, v, sizeof v),
		       "must have at most %zu items", max);
	}
}

static void v_min_items(struct errlist *el, const struct fpath *at, size_t n, size_t min)
{
	if (n < min) {
		char v[32], should[64];
		snprintf(should, sizeof should, "have at least %zu items", min);
		v_body(el, at, fe_int((long long)n, v, sizeof v), should);
	}
}

static void v_range(struct errlist *el, const struct fpath *at, long long n, long long min,
                    long long max)
{
	char v[32], should[64];
	fe_int(n, v, sizeof v);
	if (n < min) {
		snprintf(should, sizeof should, "be greater than or equal to %lld", min);
		v_body(el, at, v, should);
	} else if (n > max) {
		snprintf(should, sizeof should, "be less than or equal to %lld", max);
		v_body(el, at, v, should);
	}
}

/* A failed CEL rule: Invalid value with the type of the object it is on. */
static void v_cel(struct errlist *el, const struct fpath *at, const char *type, const char *msg)
{
	char q[32];
	fe_quote_buf(type, q, sizeof q);
	fe_add(el, FE_INVALID, at, q, "%s", msg);
}

static void v_cel_cb(void *arg, const char *msg)
{
	const void *const *a = arg;
	v_cel((struct errlist *)a[0], (const struct fpath *)a[1], "object", msg);
}

/* ---------- shared schema objects ---------- */

static bool group_ok(const char *s)
{
	return !*s || labels(s);
}

static void group_field(struct errlist *el, const struct fpath *at, const char *g)
{
	if (g)
		v_string(el, at, g, 0, 253, group_ok, RE_GROUP);
}

static void kind_field(struct errlist *el, const struct fpath *at, const char *k)
{
	v_string(el, at, k, 1, 63, kind_ok, RE_KIND);
}

static bool namespace_ok(const char *s)
{
	return label(s, strlen(s));
}

static void namespace_field(struct errlist *el, const struct fpath *at, const char *ns)
{
	if (ns)
		v_string(el, at, ns, 1, 63, namespace_ok, RE_NAMESPACE);
}

static void port_field(struct errlist *el, const struct fpath *at, bool has, long long port)
{
	if (has)
		v_range(el, at, port, 1, 65535);
}

/* ---------- HTTPRoute ---------- */

static void parent_refs(const struct httproute *r, const struct fpath *sp, struct errlist *el)
{
	const struct fpath *pp = FP_KEY(sp, "parentRefs");
	v_max_items(el, pp, r->nparents, 32);
	for (size_t i = 0; i < r->nparents; i++) {
		const struct gw_parent_ref *p = &r->parents[i];
		const struct fpath *ip = FP_IDX(pp, i);
		group_field(el, FP_KEY(ip, "group"), p->group);
		kind_field(el, FP_KEY(ip, "kind"), p->kind);
		v_required_string(el, FP_KEY(ip, "name"), p->name, *p->name != '\0', 253,
		                  NULL, NULL);
		namespace_field(el, FP_KEY(ip, "namespace"), p->namespace_);
		if (p->section_name)
			v_string(el, FP_KEY(ip, "sectionName"), p->section_name, 1, 253, labels, RE_PRECISE);
		port_field(el, FP_KEY(ip, "port"), p->has_port, p->port);
	}
	/* CEL on parentRefs: references to one parent need sectionNames, unique */
	bool need = false, unique = true;
	for (size_t i = 0; i < r->nparents; i++) {
		const struct gw_parent_ref *a = &r->parents[i];
		for (size_t j = 0; j < r->nparents; j++) {
			const struct gw_parent_ref *b = &r->parents[j];
			if (strcmp(a->group, b->group) || strcmp(a->kind, b->kind) || strcmp(a->name, b->name) ||
			    strcmp(iw_nz(a->namespace_), iw_nz(b->namespace_)))
				continue;
			bool sa = a->section_name && *a->section_name, sb = b->section_name && *b->section_name;
			if (i != j && sa != sb)
				need = true;
			if (i != j && ((!sa && !sb) || (sa && sb && !strcmp(a->section_name, b->section_name))))
				unique = false;
		}
	}
	if (need)
		v_cel(el, pp, "array", "sectionName must be specified when parentRefs includes 2 or more "
		                       "references to the same parent");
	if (!unique)
		v_cel(el, pp, "array", "sectionName must be unique when parentRefs includes 2 or more "
		                       "references to the same parent");
}

static const char *const path_types[] = { "Exact", "PathPrefix", "RegularExpression", NULL };
static const char *const value_types[] = { "Exact", "RegularExpression", NULL };
static const char *const methods[] = {
	"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", NULL
};

/* headers / queryParams: a list-map keyed by name */
static void value_matches(const struct gw_value_match *v, size_t n, const struct fpath *at,
                          size_t max_value, struct errlist *el)
{
	v_max_items(el, at, n, 16);
	for (size_t i = 0; i < n; i++) {
		const struct fpath *ip = FP_IDX(at, i);
		if (v[i].type_str)
			v_enum(el, FP_KEY(ip, "type"), v[i].type_str, value_types);
		v_string(el, FP_KEY(ip, "name"), v[i].name, 1, 256, header_name_ok, RE_HEADER);
		v_string(el, FP_KEY(ip, "value"), v[i].value, 1, max_value, NULL, NULL);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(v[i].name, v[j].name)) {
				char d[600];
				char *q = fe_quote(v[i].name);
				if (q) {
					snprintf(d, sizeof d, "map[string]interface {}{\"name\":%s}", q);
					fe_add(el, FE_DUPLICATE, ip, d, "%s", "");
					free(q);
				}
				break;
			}
	}
}

static void match(const struct gw_match *m, const struct fpath *mp, struct errlist *el)
{
	if (m->has_path) {
		const struct fpath *pp = FP_KEY(mp, "path");
		if (m->path_type_str)
			v_enum(el, FP_KEY(pp, "type"), m->path_type_str, path_types);
		if (chars(m->path) > 1024)
			fe_add(el, FE_TOO_LONG, FP_KEY(pp, "value"), NULL, "may not be more than 1024 bytes");
		if (m->path_type == GW_PATH_EXACT || m->path_type == GW_PATH_PREFIX) {
			const void *arg[2] = { el, pp };
			path_rules(m->path, v_cel_cb, arg);
		} else if (m->path_type == GW_PATH_OTHER) {
			v_cel(el, pp, "object", "type must be one of ['Exact', 'PathPrefix', 'RegularExpression']");
		}
	}
	value_matches(m->headers, m->nheaders, FP_KEY(mp, "headers"), 4096, el);
	value_matches(m->query, m->nquery, FP_KEY(mp, "queryParams"), 1024, el);
	if (m->method)
		v_enum(el, FP_KEY(mp, "method"), m->method, methods);
}

static const char *const filter_types[] = {
	"RequestHeaderModifier", "ResponseHeaderModifier", "RequestMirror", "RequestRedirect",
	"URLRewrite", "ExtensionRef", "CORS", "ExternalAuth", NULL
};

static void path_modifier(const struct gw_path_modifier *pm, const struct fpath *at,
                          struct errlist *el)
{
	static const char *const types[] = { "ReplaceFullPath", "ReplacePrefixMatch", NULL };
	if (!*pm->type_str)
		v_required(el, FP_KEY(at, "type"));
	else
		v_enum(el, FP_KEY(at, "type"), pm->type_str, types);
	if (pm->full && chars(pm->full) > 1024)
		fe_add(el, FE_TOO_LONG, FP_KEY(at, "replaceFullPath"), NULL, "may not be more than 1024 bytes");
	if (pm->prefix && chars(pm->prefix) > 1024)
		fe_add(el, FE_TOO_LONG, FP_KEY(at, "replacePrefixMatch"), NULL,
		       "may not be more than 1024 bytes");
	if (pm->type == GW_PM_FULL && !pm->full)
		v_cel(el, at, "object", "replaceFullPath must be specified when type is set to 'ReplaceFullPath'");
	if (pm->full && pm->type != GW_PM_FULL)
		v_cel(el, at, "object", "type must be 'ReplaceFullPath' when replaceFullPath is set");
	if (pm->type == GW_PM_PREFIX && !pm->prefix)
		v_cel(el, at, "object",
		      "replacePrefixMatch must be specified when type is set to 'ReplacePrefixMatch'");
	if (pm->prefix && pm->type != GW_PM_PREFIX)
		v_cel(el, at, "object", "type must be 'ReplacePrefixMatch' when replacePrefixMatch is set");
}

static void header_filter(const struct gw_header_filter *h, const struct fpath *at,
                          struct errlist *el)
{
	const struct { const char *key; const struct gw_header_value *v; size_t n; } lists[] = {
		{ "set", h->set, h->nset }, { "add", h->add, h->nadd },
	};
	for (size_t k = 0; k < 2; k++) {
		const struct fpath *lp = FP_KEY(at, lists[k].key);
		v_max_items(el, lp, lists[k].n, 16);
		for (size_t i = 0; i < lists[k].n; i++) {
			const struct fpath *ip = FP_IDX(lp, i);
			v_string(el, FP_KEY(ip, "name"), lists[k].v[i].name, 1, 256, header_name_ok, RE_HEADER);
			v_string(el, FP_KEY(ip, "value"), lists[k].v[i].value, 1, 4096, NULL, NULL);
		}
	}
	v_max_items(el, FP_KEY(at, "remove"), h->nremove, 16);
}

static void filter(const struct gw_filter *f, const struct fpath *fp, struct errlist *el)
{
	if (!*f->type_str)
		v_required(el, FP_KEY(fp, "type"));
	else
		v_enum(el, FP_KEY(fp, "type"), f->type_str, filter_types);
	if (f->has_redirect) {
		const struct fpath *rp = FP_KEY(fp, "requestRedirect");
		const struct gw_redirect *r = &f->redirect;
		static const char *const schemes[] = { "http", "https", NULL };
		if (r->scheme)
			v_enum(el, FP_KEY(rp, "scheme"), r->scheme, schemes);
		if (r->hostname)
			v_string(el, FP_KEY(rp, "hostname"), r->hostname, 1, 253, labels, RE_PRECISE);
		if (r->has_path)
			path_modifier(&r->path, FP_KEY(rp, "path"), el);
		port_field(el, FP_KEY(rp, "port"), r->has_port, r->port);
		if (r->has_status_code && r->status_code != 301 && r->status_code != 302 &&
		    r->status_code != 303 && r->status_code != 307 && r->status_code != 308) {
			char v[32];
			fe_add(el, FE_NOT_SUPPORTED, FP_KEY(rp, "statusCode"),
			       fe_int(r->status_code, v, sizeof v), "supported values: 301, 302, 303, 307, 308");
		}
	}
	if (f->has_rewrite) {
		const struct fpath *rp = FP_KEY(fp, "urlRewrite");
		if (f->rewrite.hostname)
			v_string(el, FP_KEY(rp, "hostname"), f->rewrite.hostname, 1, 253, labels, RE_PRECISE);
		if (f->rewrite.has_path)
			path_modifier(&f->rewrite.path, FP_KEY(rp, "path"), el);
	}
	if (f->has_request_headers)
		header_filter(&f->request_headers, FP_KEY(fp, "requestHeaderModifier"), el);
	if (f->has_response_headers)
		header_filter(&f->response_headers, FP_KEY(fp, "responseHeaderModifier"), el);
	if (f->has_mirror) {
		const struct fpath *bp = FP_KEY(FP_KEY(fp, "requestMirror"), "backendRef");
		if (!f->mirror_name)
			v_required(el, bp);
		else if (!*f->mirror_name)
			v_required(el, FP_KEY(bp, "name"));
		else if ((!f->mirror_group || !*f->mirror_group) &&
		         (!f->mirror_kind || !strcmp(f->mirror_kind, "Service")) && !f->mirror_has_port)
			v_cel(el, bp, "object", "Must have port for Service reference");
	}
	/* CEL: each member object goes with its type */
	static const struct { enum gw_filter_type t; const char *member; size_t off; } pairs[] = {
		{ GW_F_CORS, "cors", offsetof(struct gw_filter, has_cors) },
		{ GW_F_REQUEST_HEADER_MODIFIER, "requestHeaderModifier", offsetof(struct gw_filter, has_request_headers) },
		{ GW_F_RESPONSE_HEADER_MODIFIER, "responseHeaderModifier", offsetof(struct gw_filter, has_response_headers) },
		{ GW_F_REQUEST_MIRROR, "requestMirror", offsetof(struct gw_filter, has_mirror) },
		{ GW_F_REQUEST_REDIRECT, "requestRedirect", offsetof(struct gw_filter, has_redirect) },
		{ GW_F_URL_REWRITE, "urlRewrite", offsetof(struct gw_filter, has_rewrite) },
		{ GW_F_EXTENSION_REF, "extensionRef", offsetof(struct gw_filter, has_extension_ref) },
	};
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		bool has = *(const bool *)((const char *)f + pairs[i].off);
		char msg[160];
		if (has && f->type != pairs[i].t) {
			snprintf(msg, sizeof msg, "filter.%s must be nil if the filter.type is not %s",
			         pairs[i].member, filter_types[pairs[i].t - 1]);
			v_cel(el, fp, "object", msg);
		}
		if (!has && f->type == pairs[i].t) {
			snprintf(msg, sizeof msg, "filter.%s must be specified for %s filter.type",
			         pairs[i].member, filter_types[pairs[i].t - 1]);
			v_cel(el, fp, "object", msg);
		}
	}
}

static void filters(const struct gw_filter *f, size_t n, const struct fpath *at, struct errlist *el)
{
	v_max_items(el, at, n, 16);
	for (size_t i = 0; i < n; i++)
		filter(&f[i], FP_IDX(at, i), el);
	size_t count[GW_F_EXTERNAL_AUTH + 1] = { 0 };
	for (size_t i = 0; i < n; i++)
		count[f[i].type]++;
	if (count[GW_F_REQUEST_REDIRECT] && count[GW_F_URL_REWRITE])
		v_cel(el, at, "array", "May specify either httpRouteFilterRequestRedirect or "
		                       "httpRouteFilterRequestRewrite, but not both");
	static const struct { enum gw_filter_type t; const char *msg; } once[] = {
		{ GW_F_CORS, "CORS filter cannot be repeated" },
		{ GW_F_REQUEST_HEADER_MODIFIER, "RequestHeaderModifier filter cannot be repeated" },
		{ GW_F_RESPONSE_HEADER_MODIFIER, "ResponseHeaderModifier filter cannot be repeated" },
		{ GW_F_REQUEST_REDIRECT, "RequestRedirect filter cannot be repeated" },
		{ GW_F_URL_REWRITE, "URLRewrite filter cannot be repeated" },
	};
	for (size_t i = 0; i < sizeof once / sizeof once[0]; i++)
		if (count[once[i].t] > 1)
			v_cel(el, at, "array", once[i].msg);
}

static bool prefix_modifier(const struct gw_filter *f, size_t n, enum gw_filter_type t)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const struct gw_path_modifier *pm = t == GW_F_REQUEST_REDIRECT
			? (f[i].has_redirect && f[i].redirect.has_path ? &f[i].redirect.path : NULL)
			: (f[i].has_rewrite && f[i].rewrite.has_path ? &f[i].rewrite.path : NULL);
		k += pm && pm->type == GW_PM_PREFIX && pm->prefix;
	}
	return k == 1;
}

/* a duration of the CRD's pattern in milliseconds */
static long long duration_ms(const char *s)
{
	long long total = 0;
	while (*s) {
		long long v = 0;
		while (*s >= '0' && *s <= '9')
			v = v * 10 + (*s++ - '0');
		if (s[0] == 'm' && s[1] == 's')
			total += v, s += 2;
		else if (*s == 'h')
			total += v * 3600000, s++;
		else if (*s == 'm')
			total += v * 60000, s++;
		else
			total += v * 1000, s++;
	}
	return total;
}

static void rule(const struct httproute *r, const struct gw_rule *ru, const struct fpath *rp,
                 struct errlist *el)
{
	(void)r;
	if (ru->name)
		v_string(el, FP_KEY(rp, "name"), ru->name, 1, 253, labels, RE_PRECISE);
	const struct fpath *mp = FP_KEY(rp, "matches");
	v_max_items(el, mp, ru->nmatches, 64);
	for (size_t i = 0; ru->has_matches && i < ru->nmatches; i++)
		match(&ru->matches[i], FP_IDX(mp, i), el);
	filters(ru->filters, ru->nfilters, FP_KEY(rp, "filters"), el);
	const struct fpath *bp = FP_KEY(rp, "backendRefs");
	v_max_items(el, bp, ru->nbackends, 16);
	for (size_t i = 0; i < ru->nbackends; i++) {
		const struct gw_backend_ref *b = &ru->backends[i];
		const struct fpath *ip = FP_IDX(bp, i);
		group_field(el, FP_KEY(ip, "group"), b->group);
		kind_field(el, FP_KEY(ip, "kind"), b->kind);
		v_required_string(el, FP_KEY(ip, "name"), b->name, *b->name != '\0', 253, NULL, NULL);
		namespace_field(el, FP_KEY(ip, "namespace"), b->namespace_);
		port_field(el, FP_KEY(ip, "port"), b->has_port, b->port);
		if (b->has_weight)
			v_range(el, FP_KEY(ip, "weight"), b->weight, 0, 1000000);
		filters(b->filters, b->nfilters, FP_KEY(ip, "filters"), el);
		if (!*b->group && !strcmp(b->kind, "Service") && !b->has_port)
			v_cel(el, ip, "object", "Must have port for Service reference");
	}
	if (ru->timeout_request || ru->timeout_backend) {
		const struct fpath *tp = FP_KEY(rp, "timeouts");
		if (ru->timeout_request && !duration_ok(ru->timeout_request))
			v_pattern(el, FP_KEY(tp, "request"), ru->timeout_request, RE_DURATION);
		if (ru->timeout_backend && !duration_ok(ru->timeout_backend))
			v_pattern(el, FP_KEY(tp, "backendRequest"), ru->timeout_backend, RE_DURATION);
		if (ru->timeout_request && ru->timeout_backend && duration_ok(ru->timeout_request) &&
		    duration_ok(ru->timeout_backend) && duration_ms(ru->timeout_request) != 0 &&
		    duration_ms(ru->timeout_backend) > duration_ms(ru->timeout_request))
			v_cel(el, tp, "object", "backendRequest timeout cannot be longer than request timeout");
	}
	/* CEL on the rule */
	if (ru->nbackends && gw_rule_redirect(ru->filters, ru->nfilters))
		v_cel(el, rp, "object", "RequestRedirect filter must not be used together with backendRefs");
	bool one_prefix = ru->nmatches == 1 && ru->matches[0].has_path &&
	                  ru->matches[0].path_type == GW_PATH_PREFIX;
	if (!ru->has_matches)
		one_prefix = false;   /* CEL sees no matches field: size() of null fails the rule */
	if (prefix_modifier(ru->filters, ru->nfilters, GW_F_REQUEST_REDIRECT) && !one_prefix)
		v_cel(el, rp, "object", "When using RequestRedirect filter with path.replacePrefixMatch, "
		                        "exactly one PathPrefix match must be specified");
	if (prefix_modifier(ru->filters, ru->nfilters, GW_F_URL_REWRITE) && !one_prefix)
		v_cel(el, rp, "object", "When using URLRewrite filter with path.replacePrefixMatch, "
		                        "exactly one PathPrefix match must be specified");
	size_t kr = 0, kw = 0;
	for (size_t i = 0; i < ru->nbackends; i++) {
		kr += prefix_modifier(ru->backends[i].filters, ru->backends[i].nfilters, GW_F_REQUEST_REDIRECT);
		kw += prefix_modifier(ru->backends[i].filters, ru->backends[i].nfilters, GW_F_URL_REWRITE);
	}
	if (kr == 1 && !one_prefix)
		v_cel(el, rp, "object", "Within backendRefs, when using RequestRedirect filter with "
		                        "path.replacePrefixMatch, exactly one PathPrefix match must be specified");
	if (kw == 1 && !one_prefix)
		v_cel(el, rp, "object", "Within backendRefs, When using URLRewrite filter with "
		                        "path.replacePrefixMatch, exactly one PathPrefix match must be specified");
}

static void fill_meta(struct iw_meta *m, const struct iw_vopts *o, char *buf, size_t size)
{
	if ((!m->namespace_ || !*m->namespace_) && o->default_namespace && *o->default_namespace)
		m->namespace_ = o->default_namespace;
	if ((!m->name || !*m->name) && m->generate_name && *m->generate_name)
		m->name = iw_generated_name(m->generate_name, buf, size);
}

void iw_validate_httproute(const struct httproute *r, const struct iw_vopts *o, struct errlist *el)
{
	struct iw_vopts d;
	if (!o) {
		iw_vopts_init(&d);
		o = &d;
	}
	struct iw_meta m = r->meta;
	char namebuf[128];
	fill_meta(&m, o, namebuf, sizeof namebuf);
	vr_object_meta(&m, true, VR_NAME_DNS_SUBDOMAIN, o->kube_minor, el);
	const struct fpath *sp = FP_KEY(NULL, "spec");
	parent_refs(r, sp, el);
	const struct fpath *hp = FP_KEY(sp, "hostnames");
	v_max_items(el, hp, r->nhostnames, 16);
	for (size_t i = 0; i < r->nhostnames; i++)
		v_string(el, FP_IDX(hp, i), r->hostnames[i], 1, 253, gw_hostname_ok, RE_HOSTNAME);
	const struct fpath *rp = FP_KEY(sp, "rules");
	if (r->has_rules) {
		v_max_items(el, rp, r->nrules, 16);
		v_min_items(el, rp, r->nrules, 1);
		size_t total = 0;
		for (size_t i = 0; i < r->nrules; i++) {
			rule(r, &r->rules[i], FP_IDX(rp, i), el);
			total += r->rules[i].has_matches ? r->rules[i].nmatches : 0;
		}
		if (total > 128)
			v_cel(el, rp, "array", "While 16 rules and 64 matches per rule are allowed, the total "
			                       "number of matches across all rules in a route must be less "
			                       "than 128");
	}
}

/* ---------- Gateway ---------- */

static const char *const froms[] = { "All", "Selector", "Same", NULL };

static void listener(const struct gw_listener *l, const struct fpath *lp, struct errlist *el)
{
	v_required_string(el, FP_KEY(lp, "name"), l->name, *l->name != '\0', 253, labels, RE_PRECISE);
	if (l->hostname)
		v_string(el, FP_KEY(lp, "hostname"), l->hostname, 1, 253, gw_hostname_ok, RE_HOSTNAME);
	if (!l->has_port)
		v_required(el, FP_KEY(lp, "port"));
	else
		v_range(el, FP_KEY(lp, "port"), l->port, 1, 65535);
	v_required_string(el, FP_KEY(lp, "protocol"), l->protocol, *l->protocol != '\0', 255,
	                  protocol_ok, RE_PROTOCOL);
	if (l->has_tls && l->tls_mode) {
		static const char *const modes[] = { "Terminate", "Passthrough", NULL };
		v_enum(el, FP_KEY(FP_KEY(lp, "tls"), "mode"), l->tls_mode, modes);
	}
	if (l->has_tls && (!l->tls_mode || !strcmp(l->tls_mode, "Terminate")) && !l->ncertificate_refs)
		v_cel(el, FP_KEY(lp, "tls"), "object",
		      "certificateRefs or options must be specified when mode is Terminate");
	const struct fpath *ap = FP_KEY(lp, "allowedRoutes");
	if (l->from_str)
		v_enum(el, FP_KEY(FP_KEY(ap, "namespaces"), "from"), l->from_str, froms);
	const struct fpath *kp = FP_KEY(ap, "kinds");
	v_max_items(el, kp, l->nkinds, 8);
	for (size_t i = 0; i < l->nkinds; i++) {
		group_field(el, FP_KEY(FP_IDX(kp, i), "group"), l->kinds[i].group);
		kind_field(el, FP_KEY(FP_IDX(kp, i), "kind"), l->kinds[i].kind);
	}
}

void iw_validate_gateway(const struct gateway *g, const struct iw_vopts *o, struct errlist *el)
{
	struct iw_vopts d;
	if (!o) {
		iw_vopts_init(&d);
		o = &d;
	}
	struct iw_meta m = g->meta;
	char namebuf[128];
	fill_meta(&m, o, namebuf, sizeof namebuf);
	vr_object_meta(&m, true, VR_NAME_DNS_SUBDOMAIN, o->kube_minor, el);
	const struct fpath *sp = FP_KEY(NULL, "spec");
	v_required_string(el, FP_KEY(sp, "gatewayClassName"), iw_nz(g->class_name),
	                  g->class_name != NULL, 253, NULL, NULL);
	const struct fpath *lp = FP_KEY(sp, "listeners");
	if (!g->has_listeners) {
		v_required(el, lp);
		return;
	}
	v_max_items(el, lp, g->nlisteners, 64);
	v_min_items(el, lp, g->nlisteners, 1);
	for (size_t i = 0; i < g->nlisteners; i++)
		listener(&g->listeners[i], FP_IDX(lp, i), el);
	bool tls_on_plain = false, host_on_l4 = false, dup_name = false, dup_combo = false;
	for (size_t i = 0; i < g->nlisteners; i++) {
		const struct gw_listener *a = &g->listeners[i];
		bool plain = !strcmp(a->protocol, "HTTP") || !strcmp(a->protocol, "TCP") ||
		             !strcmp(a->protocol, "UDP");
		tls_on_plain |= plain && a->has_tls;
		host_on_l4 |= (!strcmp(a->protocol, "TCP") || !strcmp(a->protocol, "UDP")) &&
		              a->hostname && *a->hostname;
		for (size_t j = 0; j < i; j++) {
			const struct gw_listener *b = &g->listeners[j];
			dup_name |= !strcmp(a->name, b->name);
			dup_combo |= a->port == b->port && !strcmp(a->protocol, b->protocol) &&
			             ((a->hostname && b->hostname && !strcmp(a->hostname, b->hostname)) ||
			              (!a->hostname && !b->hostname));
		}
	}
	if (dup_name) {
		/* listeners is a list-map keyed by name */
		for (size_t i = 0; i < g->nlisteners; i++)
			for (size_t j = 0; j < i; j++)
				if (!strcmp(g->listeners[i].name, g->listeners[j].name)) {
					char v[600], q[560];
					fe_quote_buf(g->listeners[i].name, q, sizeof q);
					snprintf(v, sizeof v, "map[string]interface {}{\"name\":%s}", q);
					fe_add(el, FE_DUPLICATE, FP_IDX(lp, i), v, "%s", "");
					break;
				}
	}
	if (tls_on_plain)
		v_cel(el, lp, "array", "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']");
	if (host_on_l4)
		v_cel(el, lp, "array", "hostname must not be specified for protocols ['TCP', 'UDP']");
	if (dup_name)
		v_cel(el, lp, "array", "Listener name must be unique within the Gateway");
	if (dup_combo)
		v_cel(el, lp, "array", "Combination of port, protocol and hostname must be unique for "
		                       "each listener");
}

/* ---------- ReferenceGrant ---------- */

void iw_validate_reference_grant(const struct reference_grant *g, const struct iw_vopts *o,
                                 struct errlist *el)
{
	struct iw_vopts d;
	if (!o) {
		iw_vopts_init(&d);
		o = &d;
	}
	struct iw_meta m = g->meta;
	char namebuf[128];
	fill_meta(&m, o, namebuf, sizeof namebuf);
	vr_object_meta(&m, true, VR_NAME_DNS_SUBDOMAIN, o->kube_minor, el);
	const struct fpath *sp = FP_KEY(NULL, "spec");
	const struct fpath *fp = FP_KEY(sp, "from"), *tp = FP_KEY(sp, "to");
	if (!g->has_from) {
		v_required(el, fp);
	} else {
		v_max_items(el, fp, g->nfrom, 16);
		v_min_items(el, fp, g->nfrom, 1);
		for (size_t i = 0; i < g->nfrom; i++) {
			const struct fpath *ip = FP_IDX(fp, i);
			group_field(el, FP_KEY(ip, "group"), g->from[i].group);
			kind_field(el, FP_KEY(ip, "kind"), g->from[i].kind);
			v_string(el, FP_KEY(ip, "namespace"), g->from[i].namespace_, 1, 63, namespace_ok,
			         RE_NAMESPACE);
		}
	}
	if (!g->has_to) {
		v_required(el, tp);
	} else {
		v_max_items(el, tp, g->nto, 16);
		v_min_items(el, tp, g->nto, 1);
		for (size_t i = 0; i < g->nto; i++) {
			const struct fpath *ip = FP_IDX(tp, i);
			group_field(el, FP_KEY(ip, "group"), g->to[i].group);
			kind_field(el, FP_KEY(ip, "kind"), g->to[i].kind);
			if (g->to[i].name)
				v_string(el, FP_KEY(ip, "name"), g->to[i].name, 1, 253, NULL, NULL);
		}
	}
}
