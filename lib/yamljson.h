/*
 * Minimal YAML to JSON loader (libyaml events -> jansson values), for the
 * route / router / conformance commands until the shared loader lib/yamldoc
 * (positions, Kubernetes scalar quirks) is available.
 *
 * Scalars: quoted -> string; plain: "", "~", null/Null/NULL -> null,
 * true/True/TRUE, false/False/FALSE -> boolean, decimal integers -> integer,
 * decimal floats -> real, anything else -> string (YAML 1.2 core schema: yes,
 * no, on, off stay strings).  Anchors and aliases are resolved (an alias
 * shares the anchored value).  Bounds: nesting depth 64, 10,000 documents,
 * 1,000,000 nodes per buffer (aliases count with the size of what they
 * repeat, against billion-laughs inputs).
 */
#ifndef IW_LIB_YAMLJSON_H
#define IW_LIB_YAMLJSON_H

#include <jansson.h>
#include <stddef.h>

/*
 * Parses every document of 'buf' and appends it (a new reference) to the
 * JSON array 'docs'; empty documents are skipped.  Returns 0, or -1 with
 * "SRC:LINE:COL: reason" in 'err' (documents before the error stay appended).
 */
int yamljson_load(const char *buf, size_t len, const char *src, json_t *docs,
                  char *err, size_t errsz);

#endif
