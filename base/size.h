/*
 * Sizes as people write them: "3 MiB" in a message, "1Mi" on a command
 * line.  One place for both directions (the loader's and the commands'
 * messages name their bounds with iw_size_text; the commands' size options
 * read with iw_parse_size).
 *
 * Pure: no I/O, no globals.
 */
#ifndef IW_BASE_SIZE_H
#define IW_BASE_SIZE_H

#include <stddef.h>

#include "base/err.h"

/* n as the largest whole unit: "1 GiB", "3 MiB", "512 KiB", "1000 bytes"
 * (NUL-terminated, cut to size). */
void iw_size_text(size_t n, char *out, size_t size);

/* "1048576", "1Mi", "64Ki", "3M", "2k", "1Gi", "1G" (Ki/Mi/Gi: powers of
 * 1024; k/K/M/G: of 1000) into *out.  IW_EINVAL for anything else (a sign,
 * a blank, another suffix, a value that does not fit a size_t). */
enum iw_err iw_parse_size(const char *s, size_t *out);

#endif
