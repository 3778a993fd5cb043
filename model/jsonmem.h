/*
 * jansson's allocator for the whole process, counting the allocations that
 * failed on each thread.
 *
 * jansson does not always report a failed allocation: its lexer drops a
 * character it cannot store and parses on (a string "admission.k8s.io/v1"
 * comes back as "admission.k8s.o/v1"), and json_object_set_new() with the
 * NULL of a failed json_string() leaves the key out.  A caller that must
 * tell lack of memory from bad input compares iw_json_failures() before and
 * after its work: any change means the result is not to be trusted
 * (IW_ENOMEM).
 *
 *   iw_json_install();                    // once, before threads (main, tests)
 *   unsigned long f = iw_json_failures();
 *   json_t *v = json_loadb(...);
 *   if (iw_json_failures() != f) ... IW_ENOMEM
 *
 * Without iw_json_install (jansson's own malloc), iw_json_failures() never
 * changes and nothing is detected.  load/jarena installs hooks of its own
 * that fall back to iw_json_malloc, so the count stays true under it.
 *
 * The one piece of process state of the pure modules, besides jarena's:
 * a thread-local counter.  No I/O.
 */
#ifndef IW_MODEL_JSONMEM_H
#define IW_MODEL_JSONMEM_H

#include <stddef.h>

/* Installs iw_json_malloc / iw_json_free into jansson (idempotent). */
void iw_json_install(void);
/* Failed allocations of this thread through these hooks, so far. */
unsigned long iw_json_failures(void);
/* malloc that counts a failure; free. */
void *iw_json_malloc(size_t n);
void iw_json_free(void *p);

#endif
