/* ingress-nginx facts (see ingress_nginx.h). */
#include "profile/ingress_nginx.h"

#include <ctype.h>
#include <stdio.h>   /* snprintf only */
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* ---- validators (annotations/parser/validators.go:44-85) --------------------- */

enum { V_NULL, V_BOOL, V_INT, V_CHARS, V_SIZE, V_LOCAL, V_METHOD, V_OPTIONS, V_CIDRS,
       V_SERVER_NAME, V_SERVER_NAMES, V_SERVICE_NAME, V_CN };
enum { STRIP = 1, CASE = 2, TRIM = 4 };
#define RISK_LOW IW_NGX_RISK_LOW
#define RISK_MEDIUM IW_NGX_RISK_MEDIUM
#define RISK_HIGH IW_NGX_RISK_HIGH
#define RISK_CRITICAL IW_NGX_RISK_CRITICAL

/* The character classes of the parser package's ^[...]*$ regexes, as the
 * characters beyond alphaNumericChars ("-._~" letters digits "/:") they
 * add; "!" marks a class without alphaNumericChars. */
#define AN "-._~/:"
#define CS_IsValidRegex AN "^$[](){}*+?|&=\\"
#define CS_URLIsValidRegex AN ",:?&="
#define CS_BasicCharsRegex AN
#define CS_ExtendedCharsRegex AN ", "
#define CS_CharsWithSpace AN " "
#define CS_NGINXVariable "!-_${}"
#define CS_RegexPathWithCapture AN "$"
#define CS_HeadersVariable "!-_, "
#define CS_URLWithNginxVariableRegex AN ", ,:?&=$"

/* Every annotation v1.15.1 reads: name, alias, risk, validator (generated
 * from internal/ingress/annotations/<dir>/main.go; the same rows as
 * docs/user-guide/nginx-configuration/annotations-risk.md).  Name order. */
static const struct iw_ngx_annotation table[] = {
	{ "affinity", NULL, RISK_LOW, V_OPTIONS, CASE | TRIM, "cookie" },
	{ "affinity-canary-behavior", NULL, RISK_LOW, V_OPTIONS, CASE | TRIM, "sticky|legacy" },
	{ "affinity-mode", NULL, RISK_MEDIUM, V_OPTIONS, CASE | TRIM, "balanced|persistent" },
	{ "allowlist-source-range", "whitelist-source-range", RISK_MEDIUM, V_CIDRS, 0, NULL },
	{ "app-root", NULL, RISK_MEDIUM, V_CHARS, 0, CS_RegexPathWithCapture },
	{ "auth-always-set-cookie", NULL, RISK_LOW, V_BOOL, 0, NULL },
	{ "auth-cache-duration", NULL, RISK_MEDIUM, V_CHARS, 0, CS_ExtendedCharsRegex },
	{ "auth-cache-key", NULL, RISK_MEDIUM, V_CHARS, STRIP, CS_NGINXVariable },
	{ "auth-keepalive", NULL, RISK_LOW, V_INT, 0, NULL },
	{ "auth-keepalive-requests", NULL, RISK_LOW, V_INT, 0, NULL },
	{ "auth-keepalive-share-vars", NULL, RISK_LOW, V_BOOL, 0, NULL },
	{ "auth-keepalive-timeout", NULL, RISK_LOW, V_INT, 0, NULL },
	{ "auth-method", NULL, RISK_LOW, V_METHOD, STRIP, NULL },
	{ "auth-proxy-set-headers", NULL, RISK_MEDIUM, V_CHARS, STRIP, CS_BasicCharsRegex },
	{ "auth-realm", NULL, RISK_MEDIUM, V_CHARS, 0, CS_CharsWithSpace },
	{ "auth-request-redirect", NULL, RISK_MEDIUM, V_CHARS, STRIP, CS_URLIsValidRegex },
	{ "auth-response-headers", NULL, RISK_MEDIUM, V_CHARS, STRIP, CS_HeadersVariable },
	{ "auth-secret", NULL, RISK_MEDIUM, V_CHARS, STRIP, CS_BasicCharsRegex },
	{ "auth-secret-type", NULL, RISK_LOW, V_LOCAL, STRIP, "authSecretTypeRegex" },
	{ "auth-signin", NULL, RISK_HIGH, V_CHARS, STRIP, CS_URLWithNginxVariableRegex },
	{ "auth-signin-redirect-param", NULL, RISK_MEDIUM, V_CHARS, STRIP, CS_URLIsValidRegex },
	{ "auth-snippet", NULL, RISK_CRITICAL, V_NULL, 0, NULL },
	{ "auth-tls-error-page", NULL, RISK_HIGH, V_LOCAL, STRIP, "redirectRegex" },
	{ "auth-tls-match-cn", NULL, RISK_HIGH, V_CN, 0, NULL },
	{ "auth-tls-pass-certificate-to-upstream", NULL, RISK_LOW, V_BOOL, 0, NULL },
	{ "auth-tls-secret", NULL, RISK_MEDIUM, V_CHARS, STRIP, CS_BasicCharsRegex },
	{ "auth-tls-verify-client", NULL, RISK_MEDIUM, V_LOCAL, STRIP, "authVerifyClientRegex" },
	{ "auth-tls-verify-depth", NULL, RISK_LOW, V_INT, 0, NULL },
	{ "auth-type", NULL, RISK_LOW, V_LOCAL, STRIP, "authTypeRegex" },
	{ "auth-url", NULL, RISK_HIGH, V_CHARS, STRIP, CS_URLWithNginxVariableRegex },
	{ "backend-protocol", NULL, RISK_LOW, V_OPTIONS, 0 | TRIM, "auto_http|http|https|grpc|grpcs|fcgi" },
	{ "canary", NULL, RISK_LOW, V_BOOL, 0, NULL },
	{ "canary-by-cookie", NULL, RISK_MEDIUM, V_CHARS, STRIP, CS_BasicCharsRegex },
	{ "canary-by-header", NULL, RISK_MEDIUM, V_CHARS, STRIP, CS_BasicCharsRegex },
	{ "canary-by-header-pattern", NULL, RISK_MEDIUM, V_CHARS, 0, CS_IsValidRegex },
	{ "canary-by-header-value", NULL, RISK_MEDIUM, V_CHARS, STRIP, CS_BasicCharsRegex },
	{ "canary-weight", NULL, RISK_LOW, V_INT, 0, NULL },
	{ "canary-weight-total", NULL, RISK_LOW, V_INT, 0, NULL },
	{ "client-body-buffer-size", NULL, RISK_LOW, V_SIZE, STRIP, NULL },
	{ "configuration-snippet", NULL, RISK_CRITICAL, V_NULL, 0, NULL },
	{ "connection-proxy-header", NULL, RISK_LOW, V_LOCAL, STRIP, "validConnectionHeaderValue" },
	{ "cors-allow-credentials", NULL, RISK_LOW, V_BOOL, 0, NULL },
	{ "cors-allow-headers", NULL, RISK_MEDIUM, V_CHARS, STRIP, CS_HeadersVariable },
	{ "cors-allow-methods", NULL, RISK_MEDIUM, V_LOCAL, STRIP, "corsMethodsRegex" },
	{ "cors-allow-origin", NULL, RISK_MEDIUM, V_LOCAL, STRIP, "corsOriginRegexValidator" },
	{ "cors-expose-headers", NULL, RISK_MEDIUM, V_LOCAL, STRIP, "corsExposeHeadersRegex" },
	{ "cors-max-age", NULL, RISK_LOW, V_INT, 0, NULL },
	{ "custom-headers", NULL, RISK_MEDIUM, V_CHARS, STRIP, CS_BasicCharsRegex },
	{ "custom-http-errors", NULL, RISK_LOW, V_LOCAL, STRIP, "arrayOfHTTPErrors" },
	{ "default-backend", NULL, RISK_LOW, V_SERVICE_NAME, 0, NULL },
	{ "denylist-source-range", NULL, RISK_MEDIUM, V_CIDRS, 0, NULL },
	{ "disable-proxy-intercept-errors", NULL, RISK_LOW, V_BOOL, 0, NULL },
	{ "enable-access-log", NULL, RISK_LOW, V_BOOL, 0, NULL },
	{ "enable-cors", NULL, RISK_LOW, V_BOOL, 0, NULL },
	{ "enable-global-auth", NULL, RISK_LOW, V_BOOL, 0, NULL },
	{ "enable-modsecurity", NULL, RISK_LOW, V_BOOL, 0, NULL },
	{ "enable-opentelemetry", NULL, RISK_LOW, V_BOOL, 0, NULL },
	{ "enable-owasp-core-rules", NULL, RISK_LOW, V_BOOL, 0, NULL },
	{ "enable-rewrite-log", NULL, RISK_LOW, V_BOOL, 0, NULL },
	{ "fastcgi-index", NULL, RISK_MEDIUM, V_LOCAL, STRIP, "regexValidIndexAnnotationAndKey" },
	{ "fastcgi-params-configmap", NULL, RISK_MEDIUM, V_CHARS, STRIP, CS_BasicCharsRegex },
	{ "force-ssl-redirect", NULL, RISK_MEDIUM, V_BOOL, 0, NULL },
	{ "from-to-www-redirect", NULL, RISK_LOW, V_BOOL, 0, NULL },
	{ "http2-push-preload", NULL, RISK_LOW, V_BOOL, 0, NULL },
	{ "limit-allowlist", "limit-whitelist", RISK_LOW, V_CIDRS, 0, NULL },
	{ "limit-burst-multiplier", NULL, RISK_LOW, V_INT, 0, NULL },
	{ "limit-connections", NULL, RISK_LOW, V_INT, 0, NULL },
	{ "limit-rate", NULL, RISK_LOW, V_INT, 0, NULL },
	{ "limit-rate-after", NULL, RISK_LOW, V_INT, 0, NULL },
	{ "limit-rpm", NULL, RISK_LOW, V_INT, 0, NULL },
	{ "limit-rps", NULL, RISK_LOW, V_INT, 0, NULL },
	{ "load-balance", NULL, RISK_LOW, V_OPTIONS, CASE | TRIM, "round_robin|chash|chashsubset|sticky_balanced|sticky_persistent|ewma" },
	{ "mirror-host", NULL, RISK_HIGH, V_SERVER_NAME, 0, NULL },
	{ "mirror-request-body", NULL, RISK_LOW, V_LOCAL, STRIP, "OnOffRegex" },
	{ "mirror-target", NULL, RISK_HIGH, V_SERVER_NAME, 0, NULL },
	{ "modsecurity-snippet", NULL, RISK_CRITICAL, V_NULL, 0, NULL },
	{ "modsecurity-transaction-id", NULL, RISK_HIGH, V_CHARS, STRIP, CS_NGINXVariable },
	{ "opentelemetry-operation-name", NULL, RISK_MEDIUM, V_LOCAL, STRIP, "regexOperationName" },
	{ "opentelemetry-trust-incoming-span", NULL, RISK_LOW, V_BOOL, 0, NULL },
	{ "permanent-redirect", NULL, RISK_MEDIUM, V_CHARS, 0, CS_URLIsValidRegex },
	{ "permanent-redirect-code", NULL, RISK_LOW, V_INT, 0, NULL },
	{ "preserve-trailing-slash", NULL, RISK_MEDIUM, V_BOOL, 0, NULL },
	{ "proxy-body-size", NULL, RISK_MEDIUM, V_SIZE, STRIP, NULL },
	{ "proxy-buffer-size", NULL, RISK_LOW, V_SIZE, STRIP, NULL },
	{ "proxy-buffering", NULL, RISK_LOW, V_OPTIONS, CASE | TRIM, "on|off" },
	{ "proxy-buffers-number", NULL, RISK_LOW, V_INT, 0, NULL },
	{ "proxy-busy-buffers-size", NULL, RISK_LOW, V_SIZE, STRIP, NULL },
	{ "proxy-connect-timeout", NULL, RISK_LOW, V_INT, 0, NULL },
	{ "proxy-cookie-domain", NULL, RISK_MEDIUM, V_LOCAL, 0, "cookieDomainRegex" },
	{ "proxy-cookie-path", NULL, RISK_MEDIUM, V_CHARS, STRIP, CS_URLIsValidRegex },
	{ "proxy-http-version", NULL, RISK_LOW, V_OPTIONS, CASE | TRIM, "1.0|1.1" },
	{ "proxy-max-temp-file-size", NULL, RISK_LOW, V_SIZE, STRIP, NULL },
	{ "proxy-next-upstream", NULL, RISK_MEDIUM, V_LOCAL, 0, "validUpstreamAnnotation" },
	{ "proxy-next-upstream-timeout", NULL, RISK_LOW, V_INT, 0, NULL },
	{ "proxy-next-upstream-tries", NULL, RISK_LOW, V_INT, 0, NULL },
	{ "proxy-read-timeout", NULL, RISK_LOW, V_INT, 0, NULL },
	{ "proxy-redirect-from", NULL, RISK_MEDIUM, V_CHARS, STRIP, CS_URLIsValidRegex },
	{ "proxy-redirect-to", NULL, RISK_MEDIUM, V_CHARS, STRIP, CS_URLIsValidRegex },
	{ "proxy-request-buffering", NULL, RISK_LOW, V_OPTIONS, CASE | TRIM, "on|off" },
	{ "proxy-send-timeout", NULL, RISK_LOW, V_INT, 0, NULL },
	{ "proxy-ssl-ciphers", NULL, RISK_MEDIUM, V_LOCAL, STRIP, "proxySSLCiphersRegex" },
	{ "proxy-ssl-name", NULL, RISK_HIGH, V_SERVER_NAME, 0, NULL },
	{ "proxy-ssl-protocols", NULL, RISK_LOW, V_LOCAL, STRIP, "proxySSLProtocolRegex" },
	{ "proxy-ssl-secret", NULL, RISK_MEDIUM, V_CHARS, STRIP, CS_BasicCharsRegex },
	{ "proxy-ssl-server-name", NULL, RISK_LOW, V_LOCAL, STRIP, "proxySSLOnOffRegex" },
	{ "proxy-ssl-verify", NULL, RISK_LOW, V_LOCAL, STRIP, "proxySSLOnOffRegex" },
	{ "proxy-ssl-verify-depth", NULL, RISK_LOW, V_INT, 0, NULL },
	{ "relative-redirects", NULL, RISK_LOW, V_BOOL, 0, NULL },
	{ "rewrite-target", NULL, RISK_MEDIUM, V_CHARS, 0, CS_RegexPathWithCapture },
	{ "satisfy", NULL, RISK_LOW, V_OPTIONS, CASE | TRIM, "any|all" },
	{ "server-alias", NULL, RISK_HIGH, V_SERVER_NAMES, 0, NULL },
	{ "server-snippet", NULL, RISK_CRITICAL, V_NULL, 0, NULL },
	{ "service-upstream", NULL, RISK_LOW, V_BOOL, 0, NULL },
	{ "session-cookie-change-on-failure", NULL, RISK_LOW, V_BOOL, 0, NULL },
	{ "session-cookie-conditional-samesite-none", NULL, RISK_LOW, V_BOOL, 0, NULL },
	{ "session-cookie-domain", NULL, RISK_MEDIUM, V_CHARS, STRIP, CS_BasicCharsRegex },
	{ "session-cookie-expires", NULL, RISK_MEDIUM, V_LOCAL, STRIP, "affinityCookieExpiresRegex" },
	{ "session-cookie-max-age", NULL, RISK_MEDIUM, V_LOCAL, 0, "affinityCookieExpiresRegex" },
	{ "session-cookie-name", NULL, RISK_MEDIUM, V_CHARS, STRIP, CS_BasicCharsRegex },
	{ "session-cookie-path", NULL, RISK_MEDIUM, V_CHARS, STRIP, CS_URLIsValidRegex },
	{ "session-cookie-samesite", NULL, RISK_LOW, V_OPTIONS, 0 | TRIM, "none|lax|strict" },
	{ "session-cookie-secure", NULL, RISK_LOW, V_BOOL, 0, NULL },
	{ "ssl-ciphers", NULL, RISK_LOW, V_LOCAL, STRIP, "regexValidSSLCipher" },
	{ "ssl-passthrough", NULL, RISK_LOW, V_BOOL, 0, NULL },
	{ "ssl-prefer-server-ciphers", NULL, RISK_LOW, V_BOOL, 0, NULL },
	{ "ssl-redirect", NULL, RISK_LOW, V_BOOL, 0, NULL },
	{ "stream-snippet", NULL, RISK_CRITICAL, V_NULL, 0, NULL },
	{ "temporal-redirect", NULL, RISK_MEDIUM, V_CHARS, 0, CS_URLIsValidRegex },
	{ "temporal-redirect-code", NULL, RISK_LOW, V_INT, 0, NULL },
	{ "upstream-hash-by", NULL, RISK_HIGH, V_LOCAL, STRIP, "hashByRegex" },
	{ "upstream-hash-by-subset", NULL, RISK_LOW, V_BOOL, 0, NULL },
	{ "upstream-hash-by-subset-size", NULL, RISK_LOW, V_INT, 0, NULL },
	{ "upstream-vhost", NULL, RISK_LOW, V_SERVER_NAME, 0, NULL },
	{ "use-port-in-redirects", NULL, RISK_LOW, V_BOOL, 0, NULL },
	{ "use-regex", NULL, RISK_LOW, V_BOOL, 0, NULL },
	{ "x-forwarded-prefix", NULL, RISK_MEDIUM, V_CHARS, STRIP, CS_RegexPathWithCapture },
};

#define NTABLE (sizeof table / sizeof *table)

size_t iw_ngx_nannotations(void)
{
	return NTABLE;
}

const struct iw_ngx_annotation *iw_ngx_annotation_at(size_t i)
{
	return i < NTABLE ? &table[i] : NULL;
}

const struct iw_ngx_annotation *iw_ngx_annotation(const char *name)
{
	if (!name)
		return NULL;
	size_t lo = 0, hi = NTABLE;
	while (lo < hi) {   /* the table is in name order */
		size_t mid = (lo + hi) / 2;
		int r = strcmp(name, table[mid].name);
		if (!r)
			return &table[mid];
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	for (size_t i = 0; i < NTABLE; i++)
		if (table[i].alias && !strcmp(table[i].alias, name))
			return &table[i];
	return NULL;
}

const char *iw_ngx_risk_name(enum iw_ngx_risk r)
{
	switch (r) {
	case IW_NGX_RISK_LOW: return "Low";
	case IW_NGX_RISK_MEDIUM: return "Medium";
	case IW_NGX_RISK_HIGH: return "High";
	default: return "Critical";
	}
}

bool iw_ngx_parse_bool(const char *v, bool *ok)
{
	static const char *const yes[] = { "1", "t", "T", "TRUE", "true", "True" };
	static const char *const no[] = { "0", "f", "F", "FALSE", "false", "False" };
	for (size_t i = 0; v && i < 6; i++) {
		if (!strcmp(v, yes[i]) || !strcmp(v, no[i])) {
			if (ok)
				*ok = true;
			return !strcmp(v, yes[i]);
		}
	}
	if (ok)
		*ok = false;
	return false;
}

/* Go strconv.Atoi: an optional sign, then decimal digits, within 64 bits */
static bool go_atoi(const char *v, size_t n)
{
	size_t i = 0;
	if (n && (v[0] == '+' || v[0] == '-'))
		i++;
	if (i == n || n - i > 19)
		return false;
	for (; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			return false;
	return true;
}

static bool has_crlf(const char *v, size_t n)
{
	return memchr(v, '\r', n) || memchr(v, '\n', n);
}

static bool in_class(const char *cls, unsigned char ch)
{
	if (isalnum(ch) && ch < 0x80)
		return true;
	if (*cls == '!')
		cls++;
	return ch && strchr(cls, ch);
}

/* Go strings.TrimSpace bounds (ASCII white space; values are bytes here) */
static void trim(const char **v, size_t *n)
{
	while (*n && strchr(" \t\n\v\f\r", (*v)[0]))
		(*v)++, (*n)--;
	while (*n && strchr(" \t\n\v\f\r", (*v)[*n - 1]))
		(*n)--;
}

static bool chars_ok(const char *cls, const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!in_class(cls, (unsigned char)v[i]))
			return false;
	return true;
}

/* ValidateServerName: TrimSpace, then IsValidRegex */
static bool server_name_ok(const char *v, size_t n)
{
	trim(&v, &n);
	return chars_ok(CS_IsValidRegex, v, n);
}

/* machinery NameIsDNS1035Label: [a-z]([-a-z0-9]*[a-z0-9])?, at most 63 */
static bool dns1035(const char *v, size_t n)
{
	if (!n || n > 63 || v[0] < 'a' || v[0] > 'z' || v[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') || v[i] == '-'))
			return false;
	return true;
}

static bool option_ok(const char *opts, bool cs, const char *v, size_t n)
{
	const char *o = opts;
	while (*o) {
		size_t l = strcspn(o, "|");
		if (l == n && (cs ? !memcmp(o, v, n) : !strncasecmp(o, v, n)))
			return true;
		o += l + (o[l] == '|');
	}
	return false;
}

bool iw_ngx_validate(const struct iw_ngx_annotation *a, const char *value, size_t len,
                     const char **why)
{
	const char *w = "";
	bool ok = true;
	char buf[4096];
	if (!a || !value || !len)
		return true;   /* validators.go:238: empty values are not validated */
	const char *v = value;
	size_t n = len;
	if ((a->kind_ == V_CHARS || a->kind_ == V_SIZE || a->kind_ == V_LOCAL ||
	     a->kind_ == V_METHOD) && (a->flags_ & STRIP)) {
		/* ValidateRegex(re, true): spaces removed before matching */
		size_t k = 0;
		for (size_t i = 0; i < len && k < sizeof buf; i++)
			if (value[i] != ' ')
				buf[k++] = value[i];
		if (k == sizeof buf)
			k = sizeof buf - 1;   /* longer values are judged on their start */
		v = buf;
		n = k;
	}
	switch (a->kind_) {
	case V_NULL:
	case V_CIDRS:
		w = a->kind_ == V_NULL ? "none (ValidateNull)" : "IP addresses and CIDRs";
		break;
	case V_BOOL: {
		char b[8];
		w = "a boolean (Go strconv.ParseBool)";
		ok = len < sizeof b;
		if (ok) {
			memcpy(b, value, len);
			b[len] = 0;
			iw_ngx_parse_bool(b, &ok);
		}
		break;
	}
	case V_INT:
		w = "an integer (Go strconv.Atoi)";
		ok = go_atoi(value, len);
		break;
	case V_CHARS:
		w = a->param_;
		ok = chars_ok(a->param_, v, n) && !has_crlf(v, n);
		break;
	case V_SIZE: {
		/* ^(?i)\d+[bkmg]?$ */
		size_t i = 0;
		w = "a size: digits and an optional b, k, m or g";
		while (i < n && v[i] >= '0' && v[i] <= '9')
			i++;
		ok = i > 0 && (i == n || (i + 1 == n && strchr("bkmgBKMG", v[i])));
		break;
	}
	case V_LOCAL:
		w = a->param_;
		ok = !has_crlf(v, n);
		break;
	case V_METHOD:
		/* authreq/main.go:255, anchored since v1.13.7 / v1.14.3 (CVE-2026-1580) */
		w = "one of GET HEAD POST PUT PATCH DELETE CONNECT OPTIONS TRACE";
		ok = option_ok("GET|HEAD|POST|PUT|PATCH|DELETE|CONNECT|OPTIONS|TRACE", true, v, n);
		break;
	case V_OPTIONS: {
		const char *t = value;
		size_t tn = len;
		w = a->param_;
		if (a->flags_ & TRIM)
			trim(&t, &tn);
		ok = option_ok(a->param_, a->flags_ & CASE, t, tn);
		break;
	}
	case V_SERVER_NAME:
		w = "a server name (ValidateServerName)";
		ok = server_name_ok(value, len);
		break;
	case V_SERVER_NAMES: {
		const char *p = value, *end = value + len;
		w = "server names separated by commas (ValidateArrayOfServerName)";
		for (;;) {
			const char *c = memchr(p, ',', (size_t)(end - p));
			if (!server_name_ok(p, (size_t)((c ? c : end) - p))) {
				ok = false;
				break;
			}
			if (!c)
				break;
			p = c + 1;
		}
		break;
	}
	case V_SERVICE_NAME:
		w = "a Service name (DNS-1035 label)";
		ok = dns1035(value, len);
		break;
	case V_CN:
		/* CommonNameAnnotationValidator: "CN=" and a Go regexp (not compiled here) */
		w = "CN= followed by a regular expression";
		ok = len >= 3 && !memcmp(value, "CN=", 3);
		break;
	}
	if (why)
		*why = w;
	return ok;
}

const char *iw_ngx_annotation_value(const struct ingress *ing, const char *name)
{
	char key[128];
	size_t pl = sizeof IW_NGX_PREFIX - 1, nl = strlen(name);
	if (pl + nl >= sizeof key)
		return NULL;
	memcpy(key, IW_NGX_PREFIX, pl);
	memcpy(key + pl, name, nl + 1);
	return iw_meta_annotation(&ing->meta, key);
}

/* Byte i of "ns/name" (-1 past the end). */
static int key_byte(const char *ns, size_t nl, const char *name, size_t i)
{
	if (i < nl)
		return (unsigned char)ns[i];
	if (i == nl)
		return '/';
	return name[i - nl - 1] ? (unsigned char)name[i - nl - 1] : -1;
}

struct iw_ngx_age iw_ngx_age_of(const struct ingress *ing)
{
	struct iw_ngx_age g = { ing, 0, false };
	g.has_ts = iw_parse_time(ing->meta.creation_timestamp, &g.ts);
	return g;
}

int iw_ngx_order(const struct iw_ngx_age *a, const struct iw_ngx_age *b, bool absent_newest)
{
	if (a->has_ts != b->has_ts)
		return a->has_ts == absent_newest ? -1 : 1;   /* with a time: older when absent is newest */
	if (a->has_ts && a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	const struct iw_meta *ma = &a->ing->meta, *mb = &b->ing->meta;
	const char *na = iw_namespace(ma), *nb = iw_namespace(mb);
	const char *xa = iw_nz(ma->name), *xb = iw_nz(mb->name);
	size_t la = strlen(na), lb = strlen(nb);
	for (size_t i = 0;; i++) {
		int ca = key_byte(na, la, xa, i), cb = key_byte(nb, lb, xb, i);
		if (ca != cb)
			return ca > cb ? -1 : 1;   /* the greater first */
		if (ca < 0)
			return 0;
	}
}

bool iw_ngx_is_canary(const struct ingress *ing)
{
	return iw_ngx_parse_bool(iw_ngx_annotation_value(ing, "canary"), NULL);
}

bool iw_ngx_regex_location(const struct ingress *ing, const char *path)
{
	if (iw_ngx_is_canary(ing))
		return false;
	if (iw_ngx_parse_bool(iw_ngx_annotation_value(ing, "use-regex"), NULL))
		return true;
	const char *t = iw_ngx_annotation_value(ing, "rewrite-target");
	if (!t || !*t || !iw_ngx_validate(iw_ngx_annotation("rewrite-target"), t, strlen(t), NULL))
		return false;   /* rewrite/main.go:145-151: an invalid value is dropped */
	return strcmp(t, path && *path ? path : "/") != 0;
}

const char *iw_ngx_ignored_by(const struct ingress *ing, const char **why)
{
	/* parsers that return the validation error of these (the first read of
	 * alias, customhttperrors, defaultbackend, proxyssl, authreq, auth,
	 * authtls; every read of upstreamhashby, sslcipher's ssl-ciphers,
	 * ratelimit's rpm/rps/connections/allowlist) */
	static const char *const fatal[] = {
		"server-alias", "custom-http-errors", "default-backend", "ssl-ciphers",
		"upstream-hash-by", "upstream-hash-by-subset", "upstream-hash-by-subset-size",
		"proxy-ssl-secret", "auth-url", "auth-type", "auth-tls-secret", "limit-rpm",
		"limit-rps", "limit-connections", "limit-allowlist",
	};
	size_t pl = sizeof IW_NGX_PREFIX - 1;
	for (size_t i = 0; i < ing->meta.nannotations; i++) {
		const struct iw_kv *kv = &ing->meta.annotations[i];
		if (!kv->key || strncmp(kv->key, IW_NGX_PREFIX, pl))
			continue;
		const struct iw_ngx_annotation *a = iw_ngx_annotation(kv->key + pl);
		if (!a)
			continue;
		if (a->risk > IW_NGX_RISK_HIGH) {
			if (why)
				*why = "its risk is above the level High (annotations-risk-level)";
			return kv->key + pl;
		}
		const char *v = kv->value ? kv->value : "";
		if (!*v)
			continue;
		for (size_t k = 0; k < sizeof fatal / sizeof *fatal; k++)
			if (!strcmp(a->name, fatal[k]) && !iw_ngx_validate(a, v, strlen(v), NULL)) {
				if (why)
					*why = "its value is invalid, and its parser fails the whole Ingress";
				return kv->key + pl;
			}
	}
	return NULL;
}

/* ---- paths -------------------------------------------------------------------- */

static const char *find(const char *s, size_t n, const char *w)
{
	size_t wl = strlen(w);
	for (size_t i = 0; i + wl <= n; i++)
		if (s[i] == w[0] && !memcmp(s + i, w, wl))
			return s + i;
	return NULL;
}

const char *iw_ngx_deep_inspect(const char *s, size_t n)
{
	static const char *const etc[] = { "passwd", "shadow", "group", "nginx",
	                                   "ingress-controller" };
	const char *a;
	/* (?s)\s*alias\s*.*;  and  (?s)\s*root\s*.*;  : the word, then a ';' */
	if ((a = find(s, n, "alias")) && memchr(a, ';', n - (size_t)(a - s)))
		return "alias ...;";
	if ((a = find(s, n, "root")) && memchr(a, ';', n - (size_t)(a - s)))
		return "root ...;";
	for (const char *p = s; (p = find(p, n - (size_t)(p - s), "/etc/")); p++)
		for (size_t i = 0; i < sizeof etc / sizeof *etc; i++) {
			size_t l = strlen(etc[i]);
			if ((size_t)(s + n - (p + 5)) >= l && !memcmp(p + 5, etc[i], l))
				return "/etc/(passwd|shadow|group|nginx|ingress-controller)";
		}
	if (find(s, n, "/var/run/secrets"))
		return "/var/run/secrets";
	if (find(s, n, "_by_lua"))
		return "_by_lua";
	return NULL;
}

/* {m}, {m,}, {m,n} at s[i] == '{': returns its length, or 0 */
static size_t quantifier(const char *s, size_t i, size_t n)
{
	size_t j = i + 1, d = 0;
	while (j < n && s[j] >= '0' && s[j] <= '9')
		j++, d++;
	if (!d)
		return 0;
	if (j < n && s[j] == ',') {
		j++;
		while (j < n && s[j] >= '0' && s[j] <= '9')
			j++;
	}
	return j < n && s[j] == '}' ? j - i + 1 : 0;
}

long iw_ngx_path_injection(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '{') {
			size_t q = quantifier(p, i, n);
			if (!q)
				return (long)i;
			i += q - 1;
			continue;
		}
		if (c == '\\') {
			if (i + 1 == n || p[i + 1] == '"' || p[i + 1] == '\'' || isspace((unsigned char)p[i + 1]))
				return (long)i;
			i++;   /* an escaped character of a regex */
			continue;
		}
		if (c < 0x20 || c == 0x7f || c == '"' || c == ' ' || c == ';' || c == '#' ||
		    c == '`' || c == '}')
			return (long)i;
	}
	return -1;
}

bool iw_ngx_strict_path_ok(const char *path)
{
	if (!path || path[0] != '/')
		return false;
	for (const char *p = path + 1; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-/", *p))
			return false;
	return true;
}

const char *iw_ngx_pcre_error(const char *path, size_t len, char *why, size_t size)
{
	char *pat = malloc(len + 2);
	if (!pat) {
		snprintf(why, size, "out of memory");
		return why;
	}
	pat[0] = '^';
	memcpy(pat + 1, path, len);
	pat[len + 1] = '\0';
	int code = 0;
	PCRE2_SIZE off = 0;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, len + 1, PCRE2_CASELESS, &code, &off, NULL);
	if (re) {
		pcre2_code_free(re);
		free(pat);
		return NULL;
	}
	PCRE2_UCHAR msg[160];
	if (pcre2_get_error_message(code, msg, sizeof msg) < 0)
		snprintf((char *)msg, sizeof msg, "error %d", code);
	/* ngx_regex_compile's two forms (src/core/ngx_regex.c) */
	if (off >= len + 1)
		snprintf(why, size, "pcre2_compile() failed: %s in \"%s\"", (char *)msg, pat);
	else
		snprintf(why, size, "pcre2_compile() failed: %s in \"%s\" at \"%s\"", (char *)msg, pat,
		         pat + off);
	free(pat);
	return why;
}
