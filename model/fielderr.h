/*
 * Field error lists: what the API server reports for an invalid object
 * (k8s.io/apimachinery/pkg/util/validation/field), one entry per error, in
 * the order the rules produce them.  The 422 message, the Status causes and
 * the lint outputs are all renderings of one list.
 *
 * Pure: no I/O, no globals.  An errlist is plain data: `struct errlist el = {0};`
 * is an empty list; errlist_release() frees what it holds.
 */
#ifndef IW_MODEL_FIELDERR_H
#define IW_MODEL_FIELDERR_H

#include <stddef.h>
#include <stdbool.h>

#include "base/err.h"

enum fe_type {
	FE_REQUIRED,        /* "Required value"    FieldValueRequired     */
	FE_INVALID,         /* "Invalid value"     FieldValueInvalid      */
	FE_NOT_SUPPORTED,   /* "Unsupported value" FieldValueNotSupported */
	FE_FORBIDDEN,       /* "Forbidden"         FieldValueForbidden    */
	FE_DUPLICATE,       /* "Duplicate value"   FieldValueDuplicate    */
	FE_TOO_LONG,        /* "Too long"          FieldValueTooLong      */
	FE_TOO_MANY,        /* "Too many items"    FieldValueTooMany      */
	FE_NOT_FOUND,       /* "Not found"         FieldValueNotFound     */
	FE_TYPE_INVALID,    /* "Invalid type": a decode error (string where a number
	                       belongs ...); the API server answers 400 for these */
};

struct field_err {
	enum fe_type type;
	char *field;   /* "spec.rules[0].host"; owned */
	char *value;   /* rendered bad value ("\"Foo\"", "70000", "null"), or NULL; owned */
	char *detail;  /* "must be an absolute path", or ""; owned */
};

struct errlist {
	struct field_err *v;
	size_t n, cap;
	enum iw_err err;   /* IW_OK, or IW_ENOMEM once an append failed: the list is
	                      incomplete and later appends do nothing (sticky) */
};

/*
 * Field paths built from stack frames: nothing is allocated until an error is
 * recorded.  FP_KEY(up, "spec"), FP_IDX(up, 3).  A NULL path is the root.
 * Rendered like field.Path.String(): keys joined by '.', indexes as [i],
 * no escaping.
 */
struct fpath {
	const struct fpath *up;
	const char *key;   /* NULL for an index frame */
	long idx;
};
#define FP_KEY(u, k) (&(const struct fpath){ (u), (k), -1 })
#define FP_IDX(u, i) (&(const struct fpath){ (u), NULL, (long)(i) })

/* Renders 'p' into buf (always NUL-terminated; truncated if too small).
 * Returns the length the full rendering needs. */
size_t fpath_render(const struct fpath *p, char *buf, size_t size);

/*
 * Appends an error.  'value' is an already rendered bad value (see fe_quote,
 * fe_int) or NULL when the error type shows no value; it is copied.
 * 'fmt' gives the detail ("" or NULL for none).
 */
void fe_add(struct errlist *el, enum fe_type t, const struct fpath *at,
            const char *value, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* The same with the field path given as a string. */
void fe_add_str(struct errlist *el, enum fe_type t, const char *field,
                const char *value, const char *detail);
/* Appends copies of every entry of 'src'. */
void errlist_extend(struct errlist *el, const struct errlist *src);
void errlist_release(struct errlist *el);

/* Bad values longer than this many bytes are cut in the rendering (fe_quote). */
#define FE_ECHO_MAX 1024
/* Go's %q of a string (strconv.Quote), a value over FE_ECHO_MAX bytes cut:
 * "aaaa…" (3000000 bytes).  New string, caller frees; NULL on OOM. */
char *fe_quote(const char *s);
/* Same, into a caller buffer (truncated safely). */
void fe_quote_buf(const char *s, char *buf, size_t size);
/* %v of an integer, into buf. Returns buf. */
const char *fe_int(long long v, char *buf, size_t size);

/* "Invalid value", "Required value", ... (field.ErrorType.String()) */
const char *fe_type_text(enum fe_type t);
/* "FieldValueInvalid", ... (the Status cause reason) */
const char *fe_type_reason(enum fe_type t);

/* ErrorBody(): "Invalid value: \"Foo\": detail".  New string; NULL on OOM. */
char *fe_body(const struct field_err *e);
/* Error(): field + ": " + body.  New string; NULL on OOM. */
char *fe_string(const struct field_err *e);

/*
 * The API server's errors.NewInvalid message:
 *   <Kind>.<group> "<name>" is invalid: <agg>
 * where <agg> is the single error, or "[e1, e2, ...]" with duplicates (equal
 * Error() strings) dropped.  'group' empty gives "<Kind> \"name\" ...".
 * Only the first FE_MAX_LISTED distinct errors are written, then ", and N
 * more errors" (the API server writes them all: 30,000 invalid paths would
 * be a 3 MB message).  New string; NULL on OOM.
 */
#define FE_MAX_LISTED 100
/* The distinct Error() strings of el (fe_string), the first of each in list
 * order: *strs is a new array of *n new strings (free each, then it), and
 * *idx (when idx is not NULL; a new array) their indexes in el.
 * O(n log n).  IW_OK or IW_ENOMEM. */
enum iw_err fe_distinct(const struct errlist *el, char ***strs, size_t **idx, size_t *n);
char *fe_invalid_message(const struct errlist *el, const char *kind,
                         const char *group, const char *name);

/* true when the list holds a decode (type) error */
bool errlist_has_type_error(const struct errlist *el);

#endif
