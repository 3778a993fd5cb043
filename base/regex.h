/*
 * regex: regular expressions matched in linear time, for patterns that come
 * from manifests (HTTPRoute RegularExpression matches, controller regex
 * paths): hostile input, so no backtracking.
 *
 *   char err[128];
 *   struct iw_re *re = iw_re_compile(pat, strlen(pat), 0, err, sizeof err);
 *   if (!re) ... err says why ("missing ): at offset 3")
 *   iw_re_full(re, path, len);      // the whole string matches (RE2::FullMatch)
 *   iw_re_search(re, path, len);    // some substring matches (PartialMatch, PCRE)
 *   iw_re_prefix(re, path, len);    // some prefix matches (anchored at the start)
 *   iw_re_free(re);
 *
 * Syntax: the RE2 syntax that Envoy's safe_regex takes, which is also the
 * common part of PCRE's (nginx): literals and escaped punctuation, '.',
 * classes [a-z] [^...] with \d \w \s and [:alpha:]-style names inside,
 * \d \D \w \W \s \S \t \n \r \f \v \xHH \x{H..}, anchors ^ $ \A \z \b \B,
 * groups ( ) (?: ) (?P<name> ) (?<name> ), alternation |, repetition
 * * + ? {n} {n,} {n,m} (a lazy '?' or possessive '+' suffix is accepted:
 * neither changes whether a string matches), flags (?i) (?s) (?m)-free
 * subset: (?i) and (?i:...) for case-insensitive ASCII, (?s) accepted.
 * Refused (an error, as RE2 refuses them): backreferences, lookaround,
 * unknown escapes.  Bytes, not UTF-8 characters: '.' and [^...] match one
 * byte ('.' any byte but '\n', as RE2 and PCRE).  '$' is the end of the
 * string ('\z').
 *
 * Cost: compiling is linear in the pattern (repetition counts at most
 * IW_RE_MAX_REPEAT, programs at most IW_RE_MAX_INSTS instructions);
 * matching is O(length of subject x program size) with no allocation
 * beyond one work area per call (IW_RE_STACK_INSTS on the stack, larger
 * programs malloc it; a match that cannot get memory answers false).
 * A compiled expression is read-only: several threads may match with it.
 *
 * Pure: libc only, no I/O, no globals.
 */
#ifndef IW_BASE_REGEX_H
#define IW_BASE_REGEX_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

#define IW_RE_MAX_PATTERN 8192
#define IW_RE_MAX_REPEAT 1000
#define IW_RE_MAX_INSTS 20000
#define IW_RE_MAX_DEPTH 200     /* nested groups */
#define IW_RE_STACK_INSTS 512

enum { IW_RE_ICASE = 1 << 0 };   /* the whole pattern is case-insensitive (nginx ~*) */

struct iw_re;

/*
 * Compiles 'pat' ('len' bytes; it may hold NULs).  Returns NULL
 * with a one-line reason in 'err' (may be NULL) when the pattern is invalid
 * or too large, or on lack of memory ("out of memory").
 */
struct iw_re *iw_re_compile(const char *pat, size_t len, unsigned flags, char *err,
                            size_t errsz);
/* The same, telling an invalid pattern (IW_EINVAL, 'err' says why) from
 * lack of memory (IW_ENOMEM); *out is NULL unless IW_OK. */
enum iw_err iw_re_compile_r(const char *pat, size_t len, unsigned flags, struct iw_re **out,
                            char *err, size_t errsz);
void iw_re_free(struct iw_re *re);   /* NULL is a no-op */

bool iw_re_full(const struct iw_re *re, const char *s, size_t n);
bool iw_re_search(const struct iw_re *re, const char *s, size_t n);
bool iw_re_prefix(const struct iw_re *re, const char *s, size_t n);

/* Number of instructions of the program (for tests and limits). */
size_t iw_re_size(const struct iw_re *re);

#endif
