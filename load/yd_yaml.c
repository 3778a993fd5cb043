/* yamldoc: YAML documents (libyaml, fed in chunks; one builder per buffer). */
#include "load/yd_private.h"
#include "model/jsonmem.h"

#include "load/jarena.h"

#include <string.h>

/*
 * libyaml is given its input in small chunks, and no more once its flow
 * nesting ('[' and '{') passes the depth bound.  Its scanner looks at every
 * open flow level for a stale simple key on each token
 * (yaml_parser_stale_simple_keys), so n nested flow collections cost O(n^2)
 * there before the builder sees an event: 100,000 '[' took 22 s.  A scan of
 * the raw bytes cannot tell a '[' inside a quoted, plain or block scalar
 * from a flow indicator without a second YAML scanner; libyaml's own
 * flow_level can, and it is read before each chunk.  Past the bound the
 * feed ends the input: libyaml emits the events of what it holds, the
 * builder fails at the first collection deeper than max_depth ("document
 * nested too deeply", at that collection, as for a shallower document), and
 * parsing resumes at the next document.  At most FEED_CHUNK bytes are read
 * past the bound, so the work stays O(bytes * (max_depth + FEED_CHUNK)).
 * The cancel flag (yd_limits.cancel) is read here too.
 */
#define FEED_CHUNK 1024

static int feed_read(void *data, unsigned char *buf, size_t size, size_t *size_read)
{
	struct feed *f = data;
	size_t n = f->left < size ? f->left : size;
	if (n > FEED_CHUNK)
		n = FEED_CHUNK;
	if ((size_t)f->parser->flow_level > f->lim->max_depth || yd_cancelled(f->lim)) {
		f->cut = f->left > 0;
		n = 0;   /* end of input */
	}
	memcpy(buf, f->p, n);
	f->p += n;
	f->left -= n;
	*size_read = n;
	return 1;
}

void ydi_feed_init(struct feed *f, yaml_parser_t *p, const char *buf, size_t len,
                   const struct yd_limits *lim)
{
	*f = (struct feed){ (const unsigned char *)buf, len, p, lim, false };
	yaml_parser_set_input(p, feed_read, f);
}

/* Bytes of a document so far, as they count against max_doc_bytes: a split
 * List's items do not. */
static size_t doc_bytes(const struct builder *b, size_t now, size_t doc_start)
{
	size_t n = now > doc_start ? now - doc_start : 0;
	if (b->split_used)
		n = n > b->items_span ? n - b->items_span : 0;
	return n;
}

/*
 * Runs libyaml over buf[from..len), building documents; on a failed document
 * returns the offset to resume at (len when done).
 */
static size_t parse_yaml_from(struct run *r, size_t from, unsigned line0)
{
	struct builder *b = &r->b;
	yaml_parser_t p;
	yaml_event_t e;
	if (!yaml_parser_initialize(&p)) {
		b->oom = true;
		return r->len;
	}
	struct feed in;
	ydi_feed_init(&in, &p, r->buf + from, r->len - from, r->lim);
	size_t start = from + (from == 0 ? ydi_bom_len(r->buf, r->len) : 0);
	struct u8cur cur = { r->buf, start, r->len, 0, start };
	b->cur = &cur;
	b->line0 = line0;
	b->col0 = from == 0 ? r->col0 : 0;
	jarena_begin(r->lim->arena);
	bool in_doc = false;
	unsigned long doc_failures = iw_json_failures();
	size_t doc_start = from, doc_ci = 0;
	unsigned doc_line = line0 + 1, doc_col = 1;
	size_t resume = r->len;
	size_t max = r->lim->max_doc_bytes;
	for (;;) {
		if (!yaml_parser_parse(&p, &e)) {
			yaml_mark_t mk = p.problem_mark;
			if (p.error == YAML_MEMORY_ERROR) {
				b->oom = true;
				break;
			}
			if (yd_cancelled(r->lim)) {
				r->stop = IW_ECANCELED;
				ydi_builder_clear_doc(b);
				break;
			}
			char msg[240];
			const char *prob = p.problem ? p.problem : "syntax error";
			int k = snprintf(msg, sizeof msg, "%s", prob);
			if (p.context && k >= 0 && (size_t)k < sizeof msg)
				k += snprintf(msg + k, sizeof msg - (size_t)k, " %s started at line %u",
				              p.context, (unsigned)(p.context_mark.line + line0 + 1));
			if (!strcmp(prob, "mapping values are not allowed in this context") && k >= 0 &&
			    (size_t)k < sizeof msg)
				snprintf(msg + k, sizeof msg - (size_t)k,
				         " (a key at a deeper indentation than the line above: is a parent "
				         "line such as 'metadata:' missing?)");
			size_t at = ydi_u8_byte(&cur, mk.index);
			unsigned err_line = mline(b, &mk), err_col = mcol(b, &mk);
			if (in.cut && !b->failed)   /* flow nesting past the bound (feed_read) */
				fail(b, &p.mark, "document nested too deeply");
			if (in.cut) {   /* the error is the bound's, not the end of input it caused */
				err_line = b->err_line;
				err_col = b->err_col;
				snprintf(msg, sizeof msg, "%s", b->err);
			}
			struct yd_doc d = { 0 };
			d.format = YD_YAML;
			d.line = in_doc ? doc_line : (unsigned)(mk.line + line0 + 1);
			d.error = msg;
			d.err_line = err_line;
			d.err_col = err_col;
			ydi_emit(r, &d);
			ydi_builder_clear_doc(b);
			/* the next document starts at the next "---" line after this one's start */
			size_t base = in_doc ? doc_start : ydi_line_start(r->buf, at);
			resume = base + 1 >= r->len ? r->len : ydi_next_doc_marker(r->buf, r->len, base + 1);
			break;
		}
		yaml_event_type_t t = e.type;
		if (yd_cancelled(r->lim)) {   /* before a truncated document could be emitted */
			yaml_event_delete(&e);
			r->stop = IW_ECANCELED;
			ydi_builder_clear_doc(b);
			break;
		}
		if (b->skim && b->depth == 2 && !b->failed && ydi_skim_event(b, &e)) {
			yaml_event_delete(&e);
			if (b->oom)
				break;
			continue;
		}
		switch (t) {
		case YAML_DOCUMENT_START_EVENT:
			in_doc = true;
			doc_failures = iw_json_failures();
			doc_ci = e.start_mark.index;
			b->doc_ci = doc_ci;
			doc_start = ydi_u8_byte(&cur, doc_ci);
			doc_line = mline(b, &e.start_mark);
			doc_col = mcol(b, &e.start_mark);
			ydi_builder_clear_doc(b);
			ydi_tree_reset(b->tree);
			break;
		case YAML_SCALAR_EVENT:
			if (!b->failed)
				ydi_on_scalar(b, &e);
			break;
		case YAML_ALIAS_EVENT:
			if (!b->failed)
				ydi_on_alias(b, &e);
			break;
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT:
			if (!b->failed)
				ydi_on_start(b, &e, t == YAML_MAPPING_START_EVENT);
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			if (!b->failed)
				ydi_on_end(b, &e);
			break;
		case YAML_DOCUMENT_END_EVENT: {
			in_doc = false;
			struct yd_doc d = { 0 };
			d.format = YD_YAML;
			size_t end = ydi_u8_byte(&cur, e.end_mark.index);
			char big[128];
			size_t text = doc_bytes(b, end, doc_start);
			if (!b->failed && (text > max || b->alias_bytes > max - text)) {
				ydi_too_large(r->lim, text <= max, big, sizeof big);
				fail(b, &e.start_mark, big);
			}
			if (b->failed) {
				d.line = doc_line;
				d.error = b->err;
				d.err_line = b->err_line;
				d.err_col = b->err_col;
			} else {
				d.root = b->root;
				d.line = b->root_node ? b->tree->v[b->root_node].line : doc_line;
				d.empty = !b->root || json_is_null(b->root);
				d.tree_ = b->tree;
				if (b->split_used) {
					d.split = true;
					d.items = b->items;
					d.nitems = b->nitems;
				}
			}
			d.offset = doc_start;
			d.length = end > doc_start ? end - doc_start : 0;
			d.start_line = doc_line;
			d.start_col = doc_col;
			if (iw_json_failures() != doc_failures)
				b->oom = true;   /* the tree may lack what jansson could not add */
			if (!b->oom)
				ydi_emit(r, &d);
			ydi_builder_clear_doc(b);
			break;
		}
		default:
			break;
		}
		bool done = t == YAML_STREAM_END_EVENT;
		yaml_event_delete(&e);
		if (done || r->stop || r->halt || b->oom)
			break;
		/* a document that grows past the bound fails early, unless it is a
		 * List whose items may be read one by one; characters are at most
		 * 4 bytes, so the exact count is needed only near the bound */
		size_t room = max - (b->alias_bytes < max ? b->alias_bytes : max);
		if (!in_doc || b->failed || (b->split_used && b->in_items) ||
		    (p.mark.index - doc_ci) < room / 4)
			continue;
		size_t text = doc_bytes(b, ydi_u8_byte(&cur, p.mark.index), doc_start);
		if (text <= room)
			continue;
		if (b->in_items && !b->split_used) {
			ydi_skim_start(b);
			continue;
		}
		yaml_mark_t mk = p.mark;
		char big[128];
		ydi_too_large(r->lim, text <= max, big, sizeof big);
		fail(b, &mk, big);
		struct yd_doc d = { 0 };
		d.format = YD_YAML;
		d.line = doc_line;
		d.error = b->err;
		d.err_line = b->err_line;
		d.err_col = b->err_col;
		ydi_emit(r, &d);
		ydi_builder_clear_doc(b);
		resume = ydi_next_doc_marker(r->buf, r->len, doc_start + 1);
		break;
	}
	jarena_end(r->lim->arena);
	yaml_parser_delete(&p);
	b->cur = NULL;
	return resume;
}

void ydi_run_yaml(struct run *r)
{
	size_t at = 0;
	unsigned line0 = r->line0;
	while (at < r->len && !r->stop && !r->halt && !r->b.oom) {
		size_t next = parse_yaml_from(r, at, line0);
		if (next >= r->len)
			break;
		line0 += ydi_count_lines(r->buf + at, next - at);
		at = next;
	}
}
