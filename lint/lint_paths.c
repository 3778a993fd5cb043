/* The field paths of networking.k8s.io/v1beta1 Ingresses (see lint_paths.h). */
#include "lint/lint_paths.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Is s[at..] the segment sequence 'seg' at segment boundaries? */
static bool seg_at(const char *s, size_t at, const char *seg)
{
	size_t n = strlen(seg);
	if (at > 0 && s[at - 1] != '.')
		return false;
	if (strncmp(s + at, seg, n))
		return false;
	char c = s[at + n];
	return c == 0 || c == '.' || c == '[';
}

void lint_map_v1beta1_path(const char *in, char *out, size_t size)
{
	static const struct { const char *from, *to; } map[] = {
		/* longest first */
		{ "backend.service.port.number", "backend.servicePort" },
		{ "backend.service.port.name", "backend.servicePort" },
		{ "backend.service.port", "backend.servicePort" },
		{ "backend.service.name", "backend.serviceName" },
		{ "backend.service", "backend.serviceName" },
	};
	char tmp[512];
	if (!size)
		return;
	if (strncmp(in, "spec.", 5)) {
		snprintf(out, size, "%s", in);
		return;
	}
	if (seg_at(in, 5, "defaultBackend"))
		snprintf(tmp, sizeof tmp, "spec.backend%s", in + 5 + strlen("defaultBackend"));
	else
		snprintf(tmp, sizeof tmp, "%s", in);
	size_t o = 0, i = 0;
	while (tmp[i] && o + 1 < size) {
		bool done = false;
		for (size_t k = 0; k < sizeof map / sizeof *map; k++) {
			if (!seg_at(tmp, i, map[k].from))
				continue;
			size_t tl = strlen(map[k].to);
			if (o + tl >= size)
				break;
			memcpy(out + o, map[k].to, tl);
			o += tl;
			i += strlen(map[k].from);
			done = true;
			break;
		}
		if (!done)
			out[o++] = tmp[i++];
	}
	out[o] = 0;
}
