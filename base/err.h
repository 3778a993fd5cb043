/*
 * One error convention for the whole program.
 *
 * A function that can fail returns an enum iw_err: IW_OK (0) on success, a
 * negative code otherwise, and the caller passes it up (`if ((rc = f()))
 * return rc;`) instead of deriving the reason again.  Where a person needs
 * context (a file name, a line), the function also fills a caller-provided
 * buffer; only the commands pick an exit status.
 *
 * What a function makes comes back through an out parameter
 * (`enum iw_err ingress_parse(..., struct ingress **out)`).  The one
 * exception is a constructor whose only failure is lack of memory
 * (iw_policy_new, lint_report_new, rt_build): it returns the pointer and
 * NULL means IW_ENOMEM, as malloc.  A list that collects entries (an
 * errlist, findings, a buf) keeps its first failure in a sticky `err`
 * field, so that a writer checks once at the end; a function that fills
 * such a list returns that field too.  A predicate ("is", "has", "knows")
 * returns bool; bool never means "failed".
 *
 * The codes and their messages come from one table (IW_ERR_MAP), as libuv's
 * UV_ERRNO_MAP: iw_err_name() gives the symbol ("NOMEM"), iw_strerror() the
 * message ("out of memory").
 *
 * Pure: no I/O, no globals.
 */
#ifndef IW_BASE_ERR_H
#define IW_BASE_ERR_H

#define IW_ERR_MAP(X)                                                                  \
	X(NOMEM,    -1, "out of memory")                                               \
	X(TOOBIG,   -2, "input exceeds a size limit")                                  \
	X(SYNTAX,   -3, "malformed input")                                             \
	X(INVAL,    -4, "invalid argument")                                            \
	X(NOTFOUND, -5, "not found")                                                   \
	X(UNSYNCED, -6, "the cluster state is not synced")                             \
	X(IO,       -7, "input/output error")                                          \
	X(LIMIT,    -8, "a limit was reached")                                         \
	X(CANCELED, -9, "canceled")

enum iw_err {
	IW_OK = 0,
#define IW_ERR_ENUM_(name, val, msg) IW_E##name = (val),
	IW_ERR_MAP(IW_ERR_ENUM_)
#undef IW_ERR_ENUM_
};

/* "NOMEM"; "OK" for IW_OK; "UNKNOWN" for a value outside the table. */
const char *iw_err_name(int err);
/* "out of memory"; "ok" for IW_OK; "unknown error" outside the table. */
const char *iw_strerror(int err);

#endif
