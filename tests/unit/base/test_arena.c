/* arena: bump allocation from both ends of a chain of blocks, released at
 * once; fixed mode over the caller's memory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "base/arena.h"

#define A ARENA_ALIGN

static void fills_one_block_then_the_next(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT(1024, 256);
	char *p = arena_alloc(&a, 100), *q = arena_alloc(&a, 100);
	assert_non_null(p);
	assert_ptr_equal(q, p + arena_round(100));   /* aligned, one after the other */
	size_t one = a.bytes;
	assert_true(one >= 1024);
	char *r = arena_alloc(&a, 900);               /* does not fit: a new block */
	assert_non_null(r);
	assert_true(a.bytes > one);
	memset(p, 1, 100);
	memset(r, 2, 900);
	assert_int_equal(p[99], 1);
	arena_release(&a);
	assert_null(a.head);
	assert_int_equal(a.bytes, 0);
	assert_non_null(arena_alloc(&a, 10));         /* usable again */
	arena_release(&a);
}

static void large_request_keeps_the_head(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT(1024, 256);
	char *p = arena_alloc(&a, 16);
	char *big = arena_alloc(&a, 5000);            /* above 'alone': its own block */
	assert_non_null(big);
	memset(big, 3, 5000);
	char *q = arena_alloc(&a, 16);                /* still in the first block */
	assert_ptr_equal(q, p + arena_round(16));
	char *mid = arena_alloc(&a, 300);             /* above 'alone', but it fits the head */
	assert_ptr_equal(mid, q + arena_round(16));
	assert_ptr_equal(arena_alloc(&a, 16), mid + arena_round(300));
	char *s = arena_strndup(&a, "x", 1);          /* strings: from the back of the head */
	assert_string_equal(s, "x");
	assert_true(s > mid && s < p + 1024);
	arena_release(&a);
}

static void aligned_and_strings_packed(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT(4096, 1024);
	char *prev = NULL;
	for (int i = 0; i < 200; i++) {
		void *p = i % 2 ? arena_zalloc(&a, (size_t)(1 + i % 37)) : arena_alloc(&a, (size_t)i);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
		if (i % 2)
			for (int k = 0; k < 1 + i % 37; k++)
				assert_int_equal(((char *)p)[k], 0);
		char *s = arena_strndup(&a, "abc\0def", 7);   /* may hold NULs */
		assert_memory_equal(s, "abc\0def", 8);
		if (prev && s < prev)
			assert_ptr_equal(s + 8, prev);            /* packed, downwards */
		prev = s;
	}
	arena_release(&a);
}

/* Fixed mode: exactly the caller's bytes, front and back; NULL when full;
 * arena_left says what is left (the check ingress_compact_into makes). */
static void fixed_block(void **state)
{
	(void)state;
	max_align_t mem[8];
	struct arena a;
	arena_init_fixed(&a, mem, sizeof mem);
	assert_int_equal(arena_left(&a), 8 * A);
	void *p = arena_alloc(&a, 1);
	assert_ptr_equal(p, mem);
	assert_int_equal(arena_left(&a), 7 * A);
	char *s = arena_strndup(&a, "hello", 5);
	assert_ptr_equal(s, (char *)mem + 8 * A - 6);
	assert_int_equal(arena_left(&a), 7 * A - 6);
	assert_null(arena_alloc(&a, 7 * A));               /* does not fit: no malloc */
	assert_non_null(arena_alloc(&a, 6 * A));
	assert_int_equal(arena_left(&a), A - 6);
	char text[64];
	memset(text, 'x', sizeof text);
	assert_null(arena_strndup(&a, text, A));
	assert_non_null(arena_strndup(&a, text, A - 7));
	assert_int_equal(arena_left(&a), 0);
	assert_int_equal(a.bytes, 0);
	arena_release(&a);                                 /* the memory is the caller's */
	assert_string_equal(s, "hello");
}

static void overflowing_sizes_fail(void **state)
{
	(void)state;
	struct arena a = ARENA_INIT(1024, 256);
	assert_null(arena_alloc(&a, SIZE_MAX));
	assert_null(arena_alloc(&a, SIZE_MAX - 3));
	assert_null(arena_strndup(&a, "", SIZE_MAX));
	assert_int_equal(a.bytes, 0);
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fills_one_block_then_the_next),
		cmocka_unit_test(large_request_keeps_the_head),
		cmocka_unit_test(aligned_and_strings_packed),
		cmocka_unit_test(fixed_block),
		cmocka_unit_test(overflowing_sizes_fail),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
