/*
 * Probe generation for conformance runs: the requests (Host, path) that pin
 * down the routing semantics of a table, each with a note saying what it
 * tests.  The expected answer of a probe is rt_match() on the same table.
 *
 * Per path of a rule: the path, with and without a trailing slash, a
 * sub-path, a sibling with the same string prefix but another element
 * (/foobar for /foo), the parent.  Per host: upper case, with a port, with a
 * trailing dot, wildcard expansions (one label, one label too many, the bare
 * suffix), an unmatched path (default backends), plus an unrelated host.
 * Precedence ties are covered by probing the tied path itself.  A host-less
 * rule is probed with an empty host: the runner then sends the target's own
 * address as Host, as the conformance suite does.
 *
 * Pure: no I/O, no globals.
 */
#ifndef IW_ROUTER_PROBES_H
#define IW_ROUTER_PROBES_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "router/router.h"

#define RT_PROBES_MAX 200000   /* generation stops there (truncated = true) */

struct rt_probe {
	char *host;     /* Host header value; "" = the target's own address; owned */
	char *path;     /* request-target; owned */
	char *note;     /* what it tests ("sibling of Prefix /foo"); owned */
};

struct rt_probes {  /* `struct rt_probes p = {0};` is empty */
	struct rt_probe *v;
	size_t n, cap;
	enum iw_err err;    /* IW_OK, or IW_ENOMEM once a probe was lost (sticky) */
	bool truncated;
};

/* Appends the probes of table 't' (deduplicated by host and path, in
 * generation order, also against the probes already in p: several tables
 * can share one list).  Returns p->err (IW_OK or IW_ENOMEM). */
enum iw_err rt_probes_generate(const struct rt_table *t, struct rt_probes *p);

/* More variants per path, for comparing routers that read requests
 * differently (route --compare, diff):
 *   RT_PROBE_CASE      the path in upper case, and with its first letter's
 *                      case swapped (case-insensitive regex locations);
 *   RT_PROBE_ENCODING  the path with a '/' written %2F (its last inner one,
 *                      else the one of path + "/sub"), a letter written %XX,
 *                      its first '/' doubled, a "/./" segment
 *                      (percent-decoding and normalisation);
 *   RT_PROBE_REGEX     for a path with regex metacharacters: its literal
 *                      prefix, and that prefix followed by "abc", "ABC",
 *                      "123" and "/x" (regex paths compared as strings
 *                      elsewhere).
 * rt_probes_generate(t, p) is rt_probes_generate_ex(t, 0, p). */
enum {
	RT_PROBE_CASE = 1u << 0,
	RT_PROBE_ENCODING = 1u << 1,
	RT_PROBE_REGEX = 1u << 2,
	RT_PROBE_ALL = RT_PROBE_CASE | RT_PROBE_ENCODING | RT_PROBE_REGEX,
};
enum iw_err rt_probes_generate_ex(const struct rt_table *t, unsigned flags, struct rt_probes *p);
void rt_probes_release(struct rt_probes *p);

#endif
