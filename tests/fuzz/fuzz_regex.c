/*
 * libFuzzer target: base/regex.h compiles any pattern and matches it in the
 * three modes.  Input: "PATTERN\nSUBJECT" (no newline: all pattern, empty
 * subject); the first byte's low bit asks for IW_RE_ICASE.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/regex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	unsigned flags = data[0] & 1 ? IW_RE_ICASE : 0;
	data++, size--;
	const uint8_t *nl = memchr(data, '\n', size);
	size_t plen = nl ? (size_t)(nl - data) : size;
	const char *subj = nl ? (const char *)nl + 1 : "";
	size_t slen = nl ? size - plen - 1 : 0;
	char err[128];
	struct iw_re *re = iw_re_compile((const char *)data, plen, flags, err, sizeof err);
	if (re) {
		iw_re_full(re, subj, slen);
		iw_re_search(re, subj, slen);
		iw_re_prefix(re, subj, slen);
		iw_re_free(re);
	}
	return 0;
}
