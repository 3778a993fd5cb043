/*
 * yamlout: JSON values written as YAML documents (libyaml's emitter), as
 * `kubectl get -o yaml` writes objects: block style, keys in the order the
 * objects hold them, two-space indentation, one `---` between documents.
 *
 * A string is written plain only when yamldoc reads that plain text back as
 * the same string (yd_plain_is_string): "80", "true", "yes", "null", "" and
 * the like are quoted, so that the output reads back as the value it came
 * from.  Integers are written as they are, reals with %.17g.
 *
 * Pure: no I/O, no globals.
 */
#ifndef IW_LOAD_YAMLOUT_H
#define IW_LOAD_YAMLOUT_H

#include <jansson.h>
#include <stddef.h>

#include "base/err.h"

/* docs[0..n) as one YAML stream into *out (malloc'd, NUL-terminated; its
 * length in *len).  Returns IW_OK, IW_ENOMEM, or IW_EINVAL when libyaml
 * refuses (nesting beyond its limits). */
enum iw_err yo_dump(json_t *const *docs, size_t n, char **out, size_t *len);

#endif
