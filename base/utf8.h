/*
 * UTF-8 helpers for text that echoes outside input in messages and logs:
 * where to cut a long value without splitting a character, and how many
 * characters (runes, as Go counts them) a text has.
 *
 * Pure: no I/O, no globals.
 */
#ifndef IW_BASE_UTF8_H
#define IW_BASE_UTF8_H

#include <stddef.h>

/* The length of the longest prefix of s[0..len) of at most max bytes that
 * does not end inside a UTF-8 sequence (a byte that is not a continuation
 * byte starts a character; invalid bytes count as one character each). */
size_t iw_utf8_prefix(const char *s, size_t len, size_t max);
/* The characters of s[0..len): the bytes that are not continuation bytes. */
size_t iw_utf8_runes(const char *s, size_t len);
/* The byte length of the first 'runes' characters of s[0..len) (len when
 * it has fewer). */
size_t iw_utf8_rune_bytes(const char *s, size_t len, size_t runes);

/*
 * An echoed value of at most 'max' bytes: a value of s[0..len) longer than
 * max is written as its first bytes (cut on a character boundary), "…" and
 * " (N bytes)" with its whole length, e.g. `aaaa… (3145728 bytes)`, into
 * buf (always NUL-terminated); a shorter value is copied as it is.
 * Returns buf.  'size' must exceed max + IW_CLIP_EXTRA.
 */
#define IW_CLIP_EXTRA 40
const char *iw_clip(const char *s, size_t len, size_t max, char *buf, size_t size);

#endif
