/* blocks: bump allocation through a chain of blocks, released at once. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "base/blocks.h"

static void fills_one_block_then_the_next(void **state)
{
	(void)state;
	struct blocks b = BLOCKS_INIT(1024, 256);
	char *p = blocks_alloc(&b, 100), *q = blocks_alloc(&b, 100);
	assert_non_null(p);
	assert_ptr_equal(q, p + 100);            /* packed */
	size_t one = b.bytes;
	assert_true(one >= 1024);
	char *r = blocks_alloc(&b, 900);          /* does not fit: a new block */
	assert_non_null(r);
	assert_true(b.bytes > one);
	memset(p, 1, 100);
	memset(r, 2, 900);
	assert_int_equal(p[99], 1);
	blocks_release(&b);
	assert_null(b.head);
	assert_int_equal(b.bytes, 0);
	assert_non_null(blocks_alloc(&b, 10));   /* usable again */
	blocks_release(&b);
}

static void large_request_keeps_the_head(void **state)
{
	(void)state;
	struct blocks b = BLOCKS_INIT(1024, 256);
	char *p = blocks_alloc(&b, 16);
	char *big = blocks_alloc(&b, 5000);       /* above 'alone': its own block */
	assert_non_null(big);
	memset(big, 3, 5000);
	char *q = blocks_alloc(&b, 16);           /* still in the first block */
	assert_ptr_equal(q, p + 16);
	char *mid = blocks_alloc(&b, 300);        /* above 'alone', but it fits the head */
	assert_ptr_equal(mid, q + 16);
	assert_ptr_equal(blocks_alloc(&b, 16), mid + 300);
	blocks_release(&b);
}

static void aligned_when_asked_in_multiples(void **state)
{
	(void)state;
	struct blocks b = BLOCKS_INIT(4096, 1024);
	for (int i = 0; i < 100; i++) {
		void *p = blocks_alloc(&b, sizeof(max_align_t) * (size_t)(1 + i % 3));
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
	}
	blocks_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fills_one_block_then_the_next),
		cmocka_unit_test(large_request_keeps_the_head),
		cmocka_unit_test(aligned_when_asked_in_multiples),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
