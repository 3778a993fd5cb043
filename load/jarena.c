/* jarena: a bump arena for jansson's allocations (see jarena.h). */
#include "load/jarena.h"
#include "model/jsonmem.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#if defined(__SANITIZE_ADDRESS__)
#define IW_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define IW_ASAN 1
#endif
#endif
#ifdef IW_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define ALIGN 16u
#define KEEP (2u << 20)   /* bytes kept mapped after a reset */
#define HUGE (2u << 20)   /* a transparent huge page */

struct jarena {
	char *base;
	size_t cap, used, high;
	bool spilled;   /* an allocation since the reset went to the heap */
};

/* This thread's bound arena, and whether it allocates now. */
static _Thread_local struct jarena *bound;
static _Thread_local bool allocating;
static bool installed;

static void *hook_malloc(size_t n)
{
	struct jarena *a = bound;
	if (a && allocating) {
		size_t need = (n + (ALIGN - 1)) & ~(size_t)(ALIGN - 1);
		if (need >= n && need <= a->cap - a->used) {
			char *p = a->base + a->used;
			a->used += need;
			UNPOISON(p, n);
			return p;
		}
		a->spilled = true;
	}
	return iw_json_malloc(n);   /* counts a failure (model/jsonmem.h) */
}

static void hook_free(void *p)
{
	struct jarena *a = bound;
	if (a && (uintptr_t)p - (uintptr_t)a->base < a->cap)
		return;   /* the arena's: dies at the next reset */
	iw_json_free(p);
}

void jarena_install(void)
{
	if (installed)
		return;
	json_set_alloc_funcs(hook_malloc, hook_free);
	installed = true;
}

struct jarena *jarena_new(size_t reserve)
{
	struct jarena *a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	void *m = mmap(NULL, reserve, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED) {
		free(a);
		return NULL;
	}
	a->base = m;
	a->cap = reserve;
	/* past the part a small tree uses, transparent huge pages: a 50 MB tree
	 * faults in 25 pages instead of 12,000 (a fifth of a 3 MiB review's
	 * CPU), and small trees keep small pages */
	uintptr_t from = ((uintptr_t)m + KEEP + HUGE - 1) & ~(uintptr_t)(HUGE - 1);
	if (from < (uintptr_t)m + reserve)
		madvise((void *)from, (uintptr_t)m + reserve - from, MADV_HUGEPAGE);
	POISON(a->base, a->cap);
	return a;
}

void jarena_free(struct jarena *a)
{
	if (!a)
		return;
	UNPOISON(a->base, a->cap);
	munmap(a->base, a->cap);
	free(a);
}

void jarena_bind(struct jarena *a)
{
	bound = a;
	allocating = false;
}

void jarena_begin(struct jarena *a)
{
	if (a && a == bound && installed)
		allocating = true;
}

void jarena_end(struct jarena *a)
{
	if (a && a == bound)
		allocating = false;
}

void jarena_reset(struct jarena *a)
{
	if (!a)
		return;
	if (a->used > a->high)
		a->high = a->used;
	POISON(a->base, a->used);
	if (a->high > 2 * KEEP) {   /* a large tree: give the pages above KEEP back */
		madvise(a->base + KEEP, a->high - KEEP, MADV_DONTNEED);
		a->high = KEEP;
	}
	a->used = 0;
	a->spilled = false;
}

bool jarena_exclusive(const struct jarena *a)
{
	return a && !a->spilled;
}

struct jarena_scope jarena_scratch_begin(void)
{
	struct jarena_scope s = { bound, bound ? bound->used : 0, allocating };
	if (bound && installed)
		allocating = true;
	return s;
}

void jarena_scratch_end(struct jarena_scope s)
{
	struct jarena *a = s.a;
	if (!a || a != bound)
		return;
	allocating = s.was_allocating;
	if (a->used > a->high)
		a->high = a->used;
	if (s.mark <= a->used) {
		POISON(a->base + s.mark, a->used - s.mark);
		a->used = s.mark;
	}
}

size_t jarena_used(const struct jarena *a)
{
	return a ? a->used : 0;
}
