/* yamldoc: documents kept past the callback. */
#include "load/yd_private.h"

#include <stdlib.h>
#include <string.h>

json_t *yd_keep(const struct yd_doc *d, json_t *v)
{
	if (!d->in_arena_)
		return json_incref(v);
	/* the copy is made on the heap: the arena allocates only while the tree
	 * is being built, not during the callback */
	return json_deep_copy(v);
}

enum iw_err yd_save(const struct yd_doc *d, struct yd_saved *out, bool keep_value)
{
	memset(out, 0, sizeof *out);
	out->index = d->index;
	out->offset = d->offset;
	out->length = d->length;
	out->line = d->line;
	out->start_line = d->start_line;
	out->start_col = d->start_col;
	out->err_line = d->err_line;
	out->err_col = d->err_col;
	out->empty = d->empty;
	if (d->error && !(out->error = strdup(d->error)))
		return IW_ENOMEM;
	if (keep_value && d->root) {
		out->root = yd_keep(d, d->root);
		if (!out->root) {
			free(out->error);
			out->error = NULL;
			return IW_ENOMEM;
		}
	}
	return IW_OK;
}

void yd_saved_open(struct yd_saved *s, const char *buf, struct yd_doc *d)
{
	memset(d, 0, sizeof *d);
	d->index = s->index;
	d->line = s->line;
	d->root = s->root;
	d->empty = s->empty;
	d->error = s->error;
	d->err_line = s->err_line;
	d->err_col = s->err_col;
	d->offset = s->offset;
	d->length = s->length;
	d->start_line = s->start_line;
	d->start_col = s->start_col;
	s->lz_.buf = buf;
	s->lz_.off = s->offset;
	s->lz_.len = s->length;
	s->lz_.line = s->start_line;
	s->lz_.col = s->start_col;
	s->lz_.tried = false;
	d->lazy_ = !s->error && s->length ? (void *)&s->lz_ : NULL;
}

void yd_saved_close(struct yd_doc *d)
{
	ydi_tree_free(d->tree_);
	d->tree_ = NULL;
}

void yd_saved_release(struct yd_saved *s)
{
	json_decref(s->root);
	free(s->error);
	s->root = NULL;
	s->error = NULL;
}
