/* Findings list (see findings.h). */
#include "checks/findings.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum iw_err findings_add(struct findings *fl, const char *check, enum iw_severity sev,
                         const struct fpath *at, const char *fmt, ...)
{
	char *field = NULL, *msg = NULL;
	size_t n;
	if (fl->err)
		return fl->err;
	n = fpath_render(at, NULL, 0);
	if ((field = malloc(n + 1)))
		fpath_render(at, field, n + 1);
	va_list ap;
	va_start(ap, fmt);
	int len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len >= 0 && (msg = malloc((size_t)len + 1))) {
		va_start(ap, fmt);
		vsnprintf(msg, (size_t)len + 1, fmt, ap);
		va_end(ap);
	}
	if (!field || !msg)
		goto fail;
	if (fl->n == fl->cap) {
		size_t cap = fl->cap ? fl->cap * 2 : 4;
		struct finding *v = realloc(fl->v, cap * sizeof *v);
		if (!v)
			goto fail;
		fl->v = v;
		fl->cap = cap;
	}
	fl->v[fl->n++] = (struct finding){ check, sev, field, msg, NULL, false, false, 0 };
	return IW_OK;
fail:
	free(field);
	free(msg);
	return fl->err = IW_ENOMEM;
}

void findings_release(struct findings *fl)
{
	for (size_t i = 0; i < fl->n; i++) {
		free(fl->v[i].field);
		free(fl->v[i].message);
	}
	free(fl->v);
	*fl = (struct findings){ 0 };
}

bool findings_deny(const struct findings *fl)
{
	for (size_t i = 0; i < fl->n; i++)
		if (fl->v[i].severity == IW_SEV_ERROR && !fl->v[i].suppressed)
			return true;
	return false;
}

void findings_drop_suppressed(struct findings *fl)
{
	size_t k = 0;
	for (size_t i = 0; i < fl->n; i++) {
		if (fl->v[i].suppressed) {
			free(fl->v[i].field);
			free(fl->v[i].message);
		} else {
			fl->v[k++] = fl->v[i];
		}
	}
	fl->n = k;
}

const char *iw_severity_name(enum iw_severity s)
{
	switch (s) {
	case IW_SEV_ERROR: return "error";
	case IW_SEV_WARNING: return "warning";
	default: return "off";
	}
}
