/*
 * Allocation-failure sweep, as curl's torture tests: every allocation of the
 * code under test counts, and torture_fail_at(k) makes the k-th one fail.
 *
 * Ours: the test binary is linked with -Wl,--wrap=malloc,--wrap=calloc,
 * --wrap=realloc,--wrap=free,--wrap=strdup,--wrap=strndup (the Makefile
 * does it for every tests/unit/<module>/test_torture*.c), so the library's
 * calls come to the functions below.  jansson's: through the program's
 * hooks (model/jsonmem.h, torture_init), whose malloc is ours.  libyaml's own allocations are not counted (a library
 * that reports its failures through its parser state, tested by libyaml).
 *
 * torture_live() is the number of blocks allocated through these hooks and
 * not freed: a run that leaks leaves it above where it started.
 *
 * Included by one test file per binary (it defines the hooks).
 */
#ifndef IW_TESTS_TORTURE_H
#define IW_TESTS_TORTURE_H

#include "model/jsonmem.h"
#include <stddef.h>
#include <string.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

static long torture_count_;     /* allocations seen since torture_fail_at */
static long torture_k_;         /* the one that fails (0: none) */
static long torture_live_;      /* blocks allocated and not freed */

/* The next allocations count from 1; the k-th fails (0: none fails). */
static void torture_fail_at(long k)
{
	torture_count_ = 0;
	torture_k_ = k;
}

/* Allocations counted since the last torture_fail_at. */
static long torture_count(void)
{
	return torture_count_;
}

static long torture_live(void)
{
	return torture_live_;
}

static int torture_fails_now(void)
{
	return ++torture_count_ == torture_k_;
}

void *__wrap_malloc(size_t n)
{
	if (torture_fails_now())
		return NULL;
	void *p = __real_malloc(n);
	torture_live_ += p != NULL;
	return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
	if (torture_fails_now())
		return NULL;
	void *p = __real_calloc(n, size);
	torture_live_ += p != NULL;
	return p;
}

void *__wrap_realloc(void *p, size_t n)
{
	if (torture_fails_now())
		return NULL;   /* p stays allocated, as realloc leaves it */
	void *q = __real_realloc(p, n);
	torture_live_ += !p && q;
	return q;
}

void __wrap_free(void *p)
{
	torture_live_ -= p != NULL;
	__real_free(p);
}

char *__wrap_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *d = __wrap_malloc(len + 1);
	if (d) {
		memcpy(d, s, len);
		d[len] = '\0';
	}
	return d;
}

char *__wrap_strdup(const char *s)
{
	return __wrap_strndup(s, strlen(s));
}

/* jansson's allocations through the program's hooks (model/jsonmem.h), whose
 * malloc comes here: counted, and failed when its turn comes.  Call before
 * any json_t is made. */
static void torture_init(void)
{
	iw_json_install();
}

/* A sweep prints every failing run (the first 20, each with a newline)
 * and fails at the end: fail_msg(...) when 'failures' is not 0. */
static int failures;
#define report(...) \
	do { \
		if (failures++ < 20) { \
			print_error(__VA_ARGS__); \
			print_error("\n"); \
		} \
	} while (0)

#endif
