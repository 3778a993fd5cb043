/* yamldoc: yd_parse, yd_parse_range, yd_load_all (see yamldoc.h). */
#include "load/yd_private.h"

#include <stdlib.h>
#include <string.h>

static enum yd_format detect(const char *buf, size_t len)
{
	size_t i = ydi_bom_len(buf, len);
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r'))
		i++;
	return i < len && (buf[i] == '{' || buf[i] == '[') ? YD_JSON : YD_YAML;
}

static enum iw_err run(struct run *r, enum yd_format fmt)
{
	if (!ydi_builder_init(&r->b, r->lim))
		return IW_ENOMEM;
	if (fmt == YD_JSON)
		ydi_run_json(r);
	else
		ydi_run_yaml(r);
	bool oom = r->b.oom;
	ydi_builder_release(&r->b);
	return r->stop ? r->stop : oom ? IW_ENOMEM : IW_OK;
}

enum iw_err yd_parse(const char *buf, size_t len, enum yd_format fmt,
                     const struct yd_limits *lim, yd_doc_fn fn, void *ctx)
{
	struct yd_limits def;
	if (!lim) {
		yd_limits_init(&def);
		lim = &def;
	}
	if (fmt == YD_AUTO)
		fmt = detect(buf, len);
	struct run r = { 0 };
	r.buf = buf;
	r.len = len;
	r.lim = lim;
	r.fn = fn;
	r.ctx = ctx;
	return run(&r, fmt);
}

enum iw_err yd_parse_range(const char *buf, size_t len, const struct yd_range *at,
                           enum yd_format fmt, const struct yd_limits *lim, yd_doc_fn fn,
                           void *ctx)
{
	struct yd_limits def;
	if (!lim) {
		yd_limits_init(&def);
		lim = &def;
	}
	if (at->offset > len || at->length > len - at->offset)
		return IW_EINVAL;
	if (fmt == YD_AUTO)
		fmt = detect(buf + at->offset, at->length);
	struct view v;
	if (!ydi_make_view(buf, at->offset, at->length, at->line, at->col, fmt == YD_JSON, &v))
		return IW_ENOMEM;
	struct run r = { 0 };
	r.buf = v.p;
	r.len = v.n;
	r.lim = lim;
	r.fn = fn;
	r.ctx = ctx;
	r.line0 = v.line0;
	r.col0 = v.col0;
	r.shift = v.shift;
	enum iw_err rc = run(&r, fmt);
	free(v.copy);
	return rc;
}

struct all_ctx {
	json_t *arr;
	char *msg;
	size_t msgsize;
};

static enum iw_err all_cb(void *ctx, struct yd_doc *d)
{
	struct all_ctx *a = ctx;
	if (d->error) {
		if (a->msgsize)
			snprintf(a->msg, a->msgsize, "%u:%u: %s", d->err_line, d->err_col, d->error);
		return IW_ESYNTAX;
	}
	if (d->empty)
		return IW_OK;
	return json_array_append(a->arr, d->root) ? IW_ENOMEM : IW_OK;
}

enum iw_err yd_load_all(const char *buf, size_t len, enum yd_format fmt,
                        const struct yd_limits *lim, json_t **out, char *msg, size_t msgsize)
{
	struct all_ctx a = { json_array(), msg, msgsize };
	enum iw_err rc = a.arr ? yd_parse(buf, len, fmt, lim, all_cb, &a) : IW_ENOMEM;
	if (rc == IW_ENOMEM && msgsize)
		snprintf(msg, msgsize, "%s", iw_strerror(rc));
	if (rc) {
		json_decref(a.arr);
		a.arr = NULL;
	}
	*out = a.arr;
	return rc;
}
