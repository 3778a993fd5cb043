/* UTF-8 helpers for echoed text (see utf8.h). */
#include "base/utf8.h"

#include <stdio.h>
#include <string.h>

static int continuation(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

size_t iw_utf8_prefix(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	size_t n = max;
	/* back to the start of the character that s[max] belongs to, at most
	 * three bytes (a longer run of continuation bytes is invalid anyway) */
	for (int k = 0; k < 3 && n > 0 && continuation((unsigned char)s[n]); k++)
		n--;
	return n;
}

size_t iw_utf8_runes(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += !continuation((unsigned char)s[i]);
	return n;
}

size_t iw_utf8_rune_bytes(const char *s, size_t len, size_t runes)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		if (!continuation((unsigned char)s[i]) && n++ == runes)
			return i;
	return len;
}

const char *iw_clip(const char *s, size_t len, size_t max, char *buf, size_t size)
{
	if (!size)
		return buf;
	if (len <= max) {
		size_t n = len < size ? len : size - 1;
		memcpy(buf, s, n);
		buf[n] = 0;
		return buf;
	}
	size_t cut = iw_utf8_prefix(s, len, max);
	if (cut + IW_CLIP_EXTRA > size)
		cut = size > IW_CLIP_EXTRA ? iw_utf8_prefix(s, len, size - IW_CLIP_EXTRA) : 0;
	memcpy(buf, s, cut);
	snprintf(buf + cut, size - cut, "\xe2\x80\xa6 (%zu bytes)", len);
	return buf;
}
