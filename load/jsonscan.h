/*
 * jsonscan: the top level of one JSON document too large to build whole (a
 * List of a whole cluster), read without building its items.
 *
 * js_scan() reads the value starting at buf[at] (after blanks): when it is an
 * object, every member but `items` is parsed with jansson into an envelope
 * object (duplicate keys refused), and the byte range of each element of an
 * `items` array is recorded; the elements themselves are only skipped
 * (brackets matched, strings and nesting followed), so that their syntax is
 * left to whoever parses each one.  Used by yamldoc's JSON reader
 * (yd_limits.split_lists); internal to load/.
 *
 * Pure: no I/O, no globals.
 */
#ifndef IW_LOAD_JSONSCAN_H
#define IW_LOAD_JSONSCAN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "load/range.h"

struct js_doc {
	json_t *envelope;          /* new reference: the members but items; NULL when the
	                              value is not an object, or on error */
	struct yd_range *items;    /* malloc'd; each element of items */
	size_t nitems;
	bool has_items;            /* an `items` array was there */
	size_t end;                /* offset just after the value */
	size_t envelope_bytes;     /* bytes of the members but items */
	/* on failure */
	char error[160];
	size_t err_at;             /* offset of the error */
};

/*
 * Reads the value at buf[at..len) ('line' is the line of buf[at], which
 * starts at buf[line_at]); nesting deeper than max_depth fails.  Returns
 * IW_OK (out filled: free with js_doc_release), IW_ESYNTAX (out->error,
 * out->err_at) or IW_ENOMEM.  Item columns count bytes.
 */
int js_scan(const char *buf, size_t len, size_t at, unsigned line, size_t line_at,
            size_t max_depth, struct js_doc *out);
void js_doc_release(struct js_doc *d);

/* Where buf[at] is: its line (counting from 'line' at buf[from]) and column. */
void js_position(const char *buf, size_t from, unsigned line, size_t at, unsigned *out_line,
                 unsigned *out_col);

#endif
