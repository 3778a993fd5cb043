/* Sizes as people write them (see size.h). */
#include "base/size.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void iw_size_text(size_t n, char *out, size_t size)
{
	if (n >= (1u << 30) && n % (1u << 30) == 0)
		snprintf(out, size, "%zu GiB", n >> 30);
	else if (n >= (1u << 20) && n % (1u << 20) == 0)
		snprintf(out, size, "%zu MiB", n >> 20);
	else if (n >= 1024 && n % 1024 == 0)
		snprintf(out, size, "%zu KiB", n >> 10);
	else
		snprintf(out, size, "%zu bytes", n);
}

enum iw_err iw_parse_size(const char *s, size_t *out)
{
	if (!s || *s < '0' || *s > '9')   /* no sign, no blank: strtoull would take them */
		return IW_EINVAL;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s)
		return IW_EINVAL;
	static const struct { const char *sfx; unsigned long long m; } units[] = {
		{ "", 1 }, { "K", 1000 }, { "k", 1000 }, { "M", 1000000 }, { "G", 1000000000 },
		{ "Ki", 1ull << 10 }, { "Mi", 1ull << 20 }, { "Gi", 1ull << 30 },
	};
	for (size_t i = 0; i < sizeof units / sizeof *units; i++)
		if (!strcmp(end, units[i].sfx)) {
			if (v > SIZE_MAX / units[i].m)
				return IW_EINVAL;
			*out = (size_t)(v * units[i].m);
			return IW_OK;
		}
	return IW_EINVAL;
}
