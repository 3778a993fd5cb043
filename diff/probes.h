/*
 * Internal to diff/: the probes (the requests diff decides on both sides).
 */
#ifndef IW_DIFF_PROBES_H
#define IW_DIFF_PROBES_H

#include <stdint.h>

#include "base/arena.h"
#include "diff/side.h"

/* What a probe tests; also the first guess at the cause of a difference. */
enum df_probe_kind {
	PK_PATH = 0,        /* a path as configured */
	PK_SLASH,           /* a trailing slash added or removed */
	PK_SUBPATH,         /* a path below */
	PK_SIBLING,         /* the same string prefix, another element (/apix for /api) */
	PK_PARENT,          /* the path above */
	PK_CASE,            /* the path in upper case */
	PK_PCT,             /* a letter percent-encoded */
	PK_REGEX,           /* a string a regular expression should take */
	PK_WILD_ONE,        /* one label under a wildcard */
	PK_WILD_DEEP,       /* two labels under a wildcard */
	PK_WILD_BARE,       /* the wildcard's bare suffix */
	PK_HOST_CASE,       /* the host in upper case */
	PK_UNKNOWN_HOST,    /* a host no rule names */
	PK_UNKNOWN_PATH,    /* a path no rule names */
	PK_METHOD,          /* a method an HTTPRoute match tests */
	PK_HEADER,          /* a header an HTTPRoute match tests */
	PK_QUERY,           /* a query parameter an HTTPRoute match tests */
	PK_NKINDS
};

struct df_probe {
	const char *host, *path, *method;
	struct gw_kv hdr, q;
	bool has_hdr, has_q;
	int kind;                     /* what the path tests */
	int host_kind;                /* what the host tests: PK_PATH (a configured name),
	                                 PK_WILD_*, PK_HOST_CASE, PK_UNKNOWN_HOST */
	const char *base;             /* the configured path it is a neighbour of (or NULL) */
	const char *note;
};

struct df_probes {
	struct df_probe *v;
	size_t n, cap;
	bool truncated;
	struct arena mem;            /* the strings */
	/* dedupe: open addressing over (hash, index + 1) */
	uint64_t *hashes;
	uint32_t *slots;
	size_t nslots;
	enum iw_err err;
};

/* Generates the probes of both sides' boundaries (at most 'max'). */
enum iw_err df_probes_generate(const struct df_side *a, const struct df_side *b, size_t max,
                               struct df_probes *p);
void df_probes_release(struct df_probes *p);

#endif
