/*
 * jarena: a bump arena for jansson's allocations, for callers that build and
 * drop one JSON tree after another (lint reads 100,000 documents: each tree
 * lands in the same few warm pages instead of fresh heap between long-lived
 * allocations, and freeing it costs nothing).
 *
 *   jarena_install();                        // once per process, before threads
 *   struct jarena *a = jarena_new(256u << 20);   // address space reserved, not memory
 *   jarena_bind(a);                          // this thread: frees of a's blocks are no-ops
 *   ... yd_parse() with lim.arena = a ...    // turns allocation on around each tree
 *   jarena_bind(NULL); jarena_free(a);       // when no value of a's is alive
 *
 * jansson has one allocator per process (json_set_alloc_funcs): jarena_install
 * puts hooks there that allocate from the arena only while this thread has
 * turned allocation on (jarena_begin .. jarena_end), and otherwise use the
 * program's hooks (model/jsonmem.h: malloc/free, failures counted), so
 * threads that bind no arena (the servers) see plain malloc.  A block that
 * does not fit, or an arena that is full, falls back to them.
 *
 * Confined to two kinds of trees, each dropped whole once answered:
 * - lint's own documents: `ingress-warden lint` installs it, and only
 *   yamldoc turns allocation on, while it builds a document's tree for
 *   lint_buffer.  On the 5,000 objects of bench/lint, lint executes 8 %
 *   (YAML) to 13 % (compact JSON) fewer instructions with it (callgrind,
 *   bench/lint/README.md);
 * - one AdmissionReview in `serve` (webhook/review_glue.c: one arena per
 *   thread of the worker pool, on around admission_handle, reset after it;
 *   none with --threading per-connection, where every connection's thread
 *   would keep its pages).  A 3 MiB
 *   review is ~50 MB of jansson values: malloc and free one by one cost as
 *   much CPU as the parse (30,000 paths: 250 -> 120 ms of server CPU,
 *   bench/hostile/README.md).
 * Every other tree (--against snapshots, route's files, the lint server's
 * requests) is on the heap.
 *
 * Memory that jansson hands to the caller (json_dumps' string) comes from
 * the arena while allocation is on: never free() it there; write with
 * json_dumpb into memory of your own instead.
 *
 * Pages: the first KEEP bytes (2 MiB) are small pages and stay mapped after
 * a reset; the rest is advised as transparent huge pages (a 50 MB tree
 * faults 25 times, not 12,000) and given back at a reset.
 *
 * Lifetime rule: after jarena_reset(a), every value allocated in a is dead,
 * whatever its reference count (json_incref does not keep it): a value that
 * must outlive its document is copied with yd_keep (load/yamldoc.h), which
 * deep-copies to the heap.  Under AddressSanitizer the dead part of the arena
 * is poisoned, so a value kept past its reset is reported as a use after free.
 */
#ifndef IW_LOAD_JARENA_H
#define IW_LOAD_JARENA_H

#include <stdbool.h>
#include <stddef.h>

struct jarena;

/* Installs the hooks into jansson (idempotent).  Call before other threads use jansson. */
void jarena_install(void);

/* An arena reserving 'reserve' bytes of address space; NULL when that fails. */
struct jarena *jarena_new(size_t reserve);
void jarena_free(struct jarena *a);   /* NULL is a no-op; the arena must not be bound */

/* Binds a to this thread (NULL unbinds).  Only the bound arena allocates. */
void jarena_bind(struct jarena *a);

/* Turns allocation from a on / off for this thread; no-ops unless a is the
 * thread's bound arena and the hooks are installed.  NULL is a no-op. */
void jarena_begin(struct jarena *a);
void jarena_end(struct jarena *a);

/* Everything allocated in a is dead: the space is reused from the start.
 * After a large tree, memory above 2 MiB goes back to the system. */
void jarena_reset(struct jarena *a);

/* True when every jansson allocation of this thread since the last reset
 * came from a (none fell back to the heap): a tree built since then can be
 * dropped by jarena_reset alone, without json_decref walking it. */
bool jarena_exclusive(const struct jarena *a);

/*
 * Scratch trees that never leave a function (a report line built and
 * dumped, a tree read only for positions): between jarena_scratch_begin()
 * and jarena_scratch_end() this thread's jansson allocations come from its
 * bound arena, if it has one (else the heap, and both calls do nothing);
 * the end releases everything allocated since the begin, whatever else the
 * arena holds stays.  Scopes nest.
 */
struct jarena_scope {
	struct jarena *a;
	size_t mark;
	bool was_allocating;
};
struct jarena_scope jarena_scratch_begin(void);
void jarena_scratch_end(struct jarena_scope s);

/* Bytes handed out since the last reset (for tests). */
size_t jarena_used(const struct jarena *a);

#endif
