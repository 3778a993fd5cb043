/*
 * String checks of k8s.io/apimachinery (pkg/util/validation, pkg/api/validate/
 * content, pkg/api/validation/path) and k8s.io/utils net.ParseIPSloppy, with the
 * exact messages the API server prints.  The regular expressions are matched
 * by small hand-written matchers (no regex library).
 *
 * Each check appends zero or more messages to a caller-owned `struct iw_msgs`
 * (Go returns []string); an empty list means valid.  Lengths are byte lengths,
 * as Go's len().  Pure: no I/O, no globals.
 */
#ifndef IW_VALIDATE_NAMES_H
#define IW_VALIDATE_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#define IW_MSGS_MAX 8        /* the most any check returns is 5 (port names) + prefixes */
#define IW_MSG_LEN 480       /* longest message: "prefix part " + the subdomain text */

struct iw_msgs {
	size_t n;
	char v[IW_MSGS_MAX][IW_MSG_LEN];
};

/* Message texts used outside the checks too. */
#define IW_DNS1123_SUBDOMAIN_MSG \
	"a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', " \
	"and must start and end with an alphanumeric character (e.g. 'example.com', regex used for " \
	"validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"

/* Clears 'm'. */
void iw_msgs_init(struct iw_msgs *m);

/* k8s: IsDNS1123Subdomain: max 253 characters ('bytes' with content_bytes), regex */
void iw_is_dns1123_subdomain(const char *s, struct iw_msgs *m);
/* k8s: IsWildcardDNS1123Subdomain ("*.example.com") */
void iw_is_wildcard_dns1123_subdomain(const char *s, struct iw_msgs *m);
/* k8s: IsDNS1123Label ("must not contain dots" when it is a subdomain) */
void iw_is_dns1123_label(const char *s, struct iw_msgs *m);
/* k8s: IsDNS1035Label */
void iw_is_dns1035_label(const char *s, struct iw_msgs *m);
/* k8s: IsValidPortName */
void iw_is_valid_port_name(const char *s, struct iw_msgs *m);
/* k8s: IsValidPortNum (1..65535) */
void iw_is_valid_port_num(long long n, struct iw_msgs *m);

/*
 * k8s: IsQualifiedName (kube_minor <= 34: "a qualified name", "characters") or
 * content.IsLabelKey (1.35+: "a valid label key", "bytes").  Used for label keys,
 * annotation keys (lower-cased by the caller) and finalizers.
 */
void iw_is_qualified_name(const char *s, int kube_minor, struct iw_msgs *m);
/* k8s: IsValidLabelValue / content.IsLabelValue ("characters" / "bytes" as above) */
void iw_is_label_value(const char *s, int kube_minor, struct iw_msgs *m);

/* k8s: IsValidPathSegmentName ('.', '..', '/', '%') */
void iw_is_path_segment_name(const char *s, struct iw_msgs *m);
/* k8s: IsValidPathSegmentPrefix ('/', '%') */
void iw_is_path_segment_prefix(const char *s, struct iw_msgs *m);

/* k8s: maskTrailingDash: "abc-" -> "aba" (len > 1 and a trailing '-'), into buf. */
const char *iw_mask_trailing_dash(const char *s, char *buf, size_t size);

/* k8s: netutils.ParseIPSloppy(s) != nil (IPv4 with leading zeros, IPv6, no zone) */
bool iw_parse_ip_sloppy(const char *s);

/*
 * k8s: IsDomainPrefixedPath is built from these: the domain part is checked with
 * iw_is_dns1123_subdomain, the path part with this one (true when it matches
 * [A-Za-z0-9/\-._~%!$&'()*+,;=:]+).
 */
bool iw_is_http_path_chars(const char *s);
#define IW_HTTP_PATH_REGEX "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+"

#endif
