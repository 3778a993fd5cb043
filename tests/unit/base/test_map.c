/* map: the hash index (values under a hash, backward-shift deletion,
 * growth) and the string map on it (put/find/delete, entry reuse, key
 * compaction), checked against a plain model. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/map.h"

/* The values under h, sorted, as "v1,v2,...". */
static void values_of(const struct map_index *ix, uint64_t h, char *out, size_t size)
{
	uint32_t v, got[64];
	size_t n = 0;
	struct map_it it;
	for (bool ok = map_index_first(ix, h, &it, &v); ok; ok = map_index_next(ix, &it, &v))
		got[n++] = v;
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && got[j - 1] > got[j]; j--) {
			uint32_t t = got[j];
			got[j] = got[j - 1];
			got[j - 1] = t;
		}
	out[0] = 0;
	for (size_t i = 0; i < n; i++)
		snprintf(out + strlen(out), size - strlen(out), "%s%u", i ? "," : "", got[i]);
}

static void index_values_share_a_hash(void **state)
{
	(void)state;
	struct map_index ix = { 0 };
	char got[256];
	uint64_t h1 = map_hash("one", 3), h2 = map_hash("two", 3);
	assert_int_equal(map_index_put(&ix, h1, 7), IW_OK);
	assert_int_equal(map_index_put(&ix, h1, 0), IW_OK);     /* 0 is a value like any */
	assert_int_equal(map_index_put(&ix, h2, 9), IW_OK);
	values_of(&ix, h1, got, sizeof got);
	assert_string_equal(got, "0,7");
	values_of(&ix, h2, got, sizeof got);
	assert_string_equal(got, "9");
	values_of(&ix, map_hash("three", 5), got, sizeof got);
	assert_string_equal(got, "");
	assert_true(map_index_del(&ix, h1, 7));
	assert_false(map_index_del(&ix, h1, 7));
	values_of(&ix, h1, got, sizeof got);
	assert_string_equal(got, "0");
	assert_int_equal(ix.n, 2);
	map_index_release(&ix);
	values_of(&ix, h1, got, sizeof got);                    /* empty again */
	assert_string_equal(got, "");
}

/* Colliding homes (hashes chosen to share the home slot in a small index):
 * deleting from the middle of a run keeps every other value findable. */
static void index_backward_shift(void **state)
{
	(void)state;
	struct map_index ix = { 0 };
	assert_int_equal(map_index_reserve(&ix, 4), IW_OK);
	size_t mask = ix.cap - 1;
	uint64_t h[4];
	for (int i = 0; i < 4; i++)   /* fingerprints i*cap + 3: one run from slot 3 */
		h[i] = (uint64_t)((uint32_t)(i * (int)ix.cap) + 3u) << 32;
	assert_true(mask >= 7);
	for (uint32_t i = 0; i < 4; i++)
		assert_int_equal(map_index_put(&ix, h[i], 100 + i), IW_OK);
	for (uint32_t i = 0; i < 4; i++) {
		assert_true(map_index_del(&ix, h[i], 100 + i));
		for (uint32_t k = i + 1; k < 4; k++) {
			char got[64], want[16];
			values_of(&ix, h[k], got, sizeof got);
			snprintf(want, sizeof want, "%u", 100 + k);
			assert_string_equal(got, want);
		}
	}
	assert_int_equal(ix.n, 0);
	for (size_t i = 0; i < ix.cap; i++)
		assert_int_equal(ix.slot[i], 0);
	map_index_release(&ix);
}

/* Many keys, deleted and put again in rounds, against a plain array. */
static void string_map_against_a_model(void **state)
{
	(void)state;
	enum { N = 5000 };
	static bool in[N];
	static char key[N][24];
	struct map m = MAP_INIT;
	memset(in, 0, sizeof in);
	for (int i = 0; i < N; i++)
		snprintf(key[i], sizeof key[i], "ns-%d/name-%d", i % 97, i);
	uint32_t rnd = 12345;
	for (int round = 0; round < 20000; round++) {
		rnd = rnd * 1103515245u + 12345u;
		int i = (int)((rnd >> 8) % N);
		size_t kl = strlen(key[i]);
		if (in[i] && (rnd & 1)) {
			void *old;
			assert_true(map_del(&m, key[i], kl, &old));
			assert_ptr_equal(old, key[i]);
			in[i] = false;
		} else {
			bool added;
			void **slot = map_put(&m, key[i], kl, &added);
			assert_non_null(slot);
			assert_int_equal(added, !in[i]);
			if (added)
				*slot = key[i];
			in[i] = true;
		}
	}
	size_t live = 0;
	for (int i = 0; i < N; i++) {
		void **v = map_find(&m, key[i], strlen(key[i]));
		assert_int_equal(v != NULL, in[i]);
		if (v)
			assert_ptr_equal(*v, key[i]);
		live += in[i];
	}
	assert_int_equal(map_count(&m), live);
	size_t walked = 0;
	for (size_t i = 0; i < map_end(&m); i++) {
		const char *k;
		size_t kl;
		void *v;
		if (!map_at(&m, i, &k, &kl, &v))
			continue;
		walked++;
		assert_string_equal(k, v);
		assert_int_equal(kl, strlen(k));
	}
	assert_int_equal(walked, live);
	assert_true(map_bytes(&m) > 0);
	map_release(&m);
	assert_int_equal(map_count(&m), 0);
	assert_null(map_find(&m, key[0], strlen(key[0])));
	assert_non_null(map_put(&m, "again", 5, NULL));           /* usable again */
	map_release(&m);
}

/* Keys may hold any bytes; the dead bytes of removed keys are given back
 * once they outweigh the live ones (the live keys move, lookups still
 * work). */
static void keys_compact_and_any_bytes(void **state)
{
	(void)state;
	struct map m = MAP_INIT;
	static char big[1000];
	for (int round = 0; round < 300; round++) {
		memset(big, 'a' + round % 26, sizeof big);
		snprintf(big, sizeof big, "%d", round);
		void **slot = map_put(&m, big, sizeof big, NULL);
		assert_non_null(slot);
		*slot = (void *)(uintptr_t)(round + 1);
		if (round >= 2) {   /* keep two alive at a time */
			memset(big, 'a' + (round - 2) % 26, sizeof big);
			snprintf(big, sizeof big, "%d", round - 2);
			assert_true(map_del(&m, big, sizeof big, NULL));
		}
	}
	assert_true(m.keys.bytes < 4 * MAP_KEY_BLOCK);   /* not 300 KB of dead keys */
	memset(big, 'a' + 299 % 26, sizeof big);
	snprintf(big, sizeof big, "%d", 299);
	void **v = map_find(&m, big, sizeof big);
	assert_non_null(v);
	assert_int_equal((uintptr_t)*v, 300);
	const char nul[] = { 'a', 0, 'b' };
	assert_non_null(map_put(&m, nul, 3, NULL));
	assert_null(map_find(&m, nul, 1));
	assert_non_null(map_find(&m, nul, 3));
	assert_int_equal(map_count(&m), 3);
	map_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(index_values_share_a_hash),
		cmocka_unit_test(index_backward_shift),
		cmocka_unit_test(string_map_against_a_model),
		cmocka_unit_test(keys_compact_and_any_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
