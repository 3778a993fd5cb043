/*
 * The cluster state (checks/state.h): puts, replacements, deletes, the host
 * indexes (compared whole: which Ingresses a host, a wildcard or a TLS host
 * lists), the kept copies of lint's two passes, a watch's churn, keys of
 * any length.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

static void state_incremental(void **state)
{
	struct fx *f = *state;
	iw_state_put_ingress(f->st, MK("a", "one", T1, NULL, { "foo.com", "/", "Prefix" },
	                               { "x.bar.com", "/", "Prefix" }));
	iw_state_put_ingress(f->st, MK("b", "two", T1, NULL, { "foo.com", "/b", "Prefix" }));
	assert_int_equal(iw_state_ningresses(f->st), 2);
	expect_hosts(f->st, 'H', "foo.com", "a/one\nb/two\n");
	expect_hosts(f->st, 'W', "*.bar.com", "a/one\n");
	/* replace: a/one no longer names foo.com */
	iw_state_put_ingress(f->st, MK("a", "one", T1, NULL, { "baz.com", "/", "Prefix" }));
	assert_int_equal(iw_state_ningresses(f->st), 2);
	expect_hosts(f->st, 'H', "foo.com", "b/two\n");
	expect_hosts(f->st, 'W', "*.bar.com", "");
	assert_non_null(iw_state_get_ingress(f->st, "a", "one"));
	assert_true(iw_state_del_ingress(f->st, "a", "one"));
	assert_false(iw_state_del_ingress(f->st, "a", "one"));
	assert_null(iw_state_get_ingress(f->st, "a", "one"));
	expect_hosts(f->st, 'H', "baz.com", "");
	assert_int_equal(iw_state_ningresses(f->st), 1);
	/* many adds and deletes reuse slots and keep lookups right */
	char names[300][16];
	for (int i = 0; i < 300; i++) {
		snprintf(names[i], sizeof names[i], "n%d", i);
		iw_state_put_ingress(f->st, MK("c", names[i], T1, NULL, { "many.com", "/", "Prefix" }));
	}
	for (int i = 0; i < 300; i += 2)
		assert_true(iw_state_del_ingress(f->st, "c", names[i]));
	/* what many.com lists: c/n1, c/n3, ... c/n299 (and d/twice, below), sorted */
	const struct ingress *odd_ings[151];
	for (int i = 1; i < 300; i += 2)
		odd_ings[i / 2] = iw_state_get_ingress(f->st, "c", names[i]);
	char *odd = names_of(odd_ings, 150);
	struct ingress *twice = MK("d", "twice", T1, NULL, { "x", "/", "Prefix" });
	odd_ings[150] = twice;
	char *odd_twice = names_of(odd_ings, 151);
	ing_free_test(twice);
	expect_hosts(f->st, 'H', "many.com", odd);
	assert_int_equal(iw_state_ningresses(f->st), 151);
	assert_true(iw_state_index_bytes(f->st) > 0);
	/* a host named twice in one object (and its wildcard form) is listed
	 * once, between other objects' entries; its delete leaves none */
	iw_state_put_ingress(f->st, MK("d", "twice", T1, NULL, { "many.com", "/a", "Prefix" },
	                               { "y.bar.com", "/", "Prefix" }, { "z.bar.com", "/", "Prefix" },
	                               { "many.com", "/b", "Prefix" }));
	expect_hosts(f->st, 'H', "many.com", odd_twice);
	expect_hosts(f->st, 'W', "*.bar.com", "d/twice\n");
	assert_true(iw_state_del_ingress(f->st, "d", "twice"));
	expect_hosts(f->st, 'H', "many.com", odd);
	expect_hosts(f->st, 'W', "*.bar.com", "");
	free(odd);
	free(odd_twice);
}

/* iw_state_put_ingress_kept: the state's copy is returned and stays readable
 * after a later put replaces it or it is deleted; lookups see only the
 * current one.  Hosts go from one Ingress to a list and back. */
/* iw_state_put_ingress_kept, which must succeed: the copy */
static const struct ingress *kept(struct iw_state *st, struct ingress *ing)
{
	const struct ingress *copy;
	assert_int_equal(iw_state_put_ingress_kept(st, ing, &copy), IW_OK);
	return copy;
}

static void state_kept(void **state)
{
	struct fx *f = *state;
	size_t n;
	const struct ingress *const *l;
	const struct ingress *k1 = kept(
	    f->st, MK("a", "one", T1, NULL, { "foo.com", "/", "Prefix" }, { "x.bar.com", "/", "Prefix" }));
	assert_non_null(k1);
	assert_ptr_equal(iw_state_get_ingress(f->st, "a", "one"), k1);
	assert_null(k1->src);
	l = iw_state_by_host(f->st, "foo.com", &n);
	assert_int_equal(n, 1);
	assert_ptr_equal(l[0], k1);
	const struct ingress *k2 = kept(
	    f->st, MK("a", "one", T1, NULL, { "baz.com", "/v2", "Exact" }));
	assert_non_null(k2);
	assert_ptr_not_equal(k1, k2);
	assert_ptr_equal(iw_state_get_ingress(f->st, "a", "one"), k2);
	assert_int_equal(iw_state_ningresses(f->st), 1);
	/* the replaced copy is unchanged */
	assert_int_equal(k1->nrules, 2);
	assert_string_equal(k1->rules[0].host, "foo.com");
	assert_string_equal(k1->rules[1].paths[0].path_type, "Prefix");
	assert_string_equal(k1->meta.name, "one");
	expect_hosts(f->st, 'H', "foo.com", "");
	expect_hosts(f->st, 'W', "*.bar.com", "");
	/* one host, then a list of two, then one again, then none */
	const struct ingress *k3 = kept(
	    f->st, MK("b", "two", T1, NULL, { "baz.com", "/", "Prefix" }));
	l = iw_state_by_host(f->st, "baz.com", &n);
	assert_int_equal(n, 2);
	assert_true((l[0] == k2 && l[1] == k3) || (l[0] == k3 && l[1] == k2));
	assert_true(iw_state_del_ingress(f->st, "a", "one"));
	assert_string_equal(k2->rules[0].paths[0].path, "/v2");   /* deleted, still readable */
	l = iw_state_by_host(f->st, "baz.com", &n);
	assert_int_equal(n, 1);
	assert_ptr_equal(l[0], k3);
	assert_true(iw_state_del_ingress(f->st, "b", "two"));
	expect_hosts(f->st, 'H', "baz.com", "");
	/* a copy larger than a block gets one of its own; kept and plain puts mix */
	struct ingress *big = MK("c", "big", T1, NULL, { "big.com", "/", "Prefix" });
	static char huge[200 * 1024];
	memset(huge, 'v', sizeof huge - 1);
	annotate(big, "example.com/huge", huge);
	const struct ingress *kb = kept(f->st, big);
	assert_non_null(kb);
	assert_int_equal(strlen(iw_meta_annotation(&kb->meta, "example.com/huge")), sizeof huge - 1);
	iw_state_put_ingress(f->st, MK("c", "plain", T1, NULL, { "big.com", "/p", "Prefix" }));
	const struct ingress *k4 = kept(
	    f->st, MK("c", "after", T1, NULL, { "big.com", "/a", "Prefix" }));
	assert_string_equal(k4->rules[0].paths[0].path, "/a");
	expect_hosts(f->st, 'H', "big.com", "c/after\nc/big\nc/plain\n");
	assert_true(iw_state_del_ingress(f->st, "c", "plain"));
	assert_int_equal(iw_state_ningresses(f->st), 2);
	/* a state that does not own its Ingresses holds the caller's */
	struct iw_state *borrow = iw_state_new(NULL, NULL);
	struct ingress *mine = MK("d", "mine", T1, NULL, { "d.com", "/", "Prefix" });
	assert_ptr_equal(kept(borrow, mine), mine);
	assert_ptr_equal(iw_state_get_ingress(borrow, "d", "mine"), mine);
	iw_state_free(borrow);
	ing_free_test(mine);
}

/* A watch's churn: the map keys of removed objects are given back (the live
 * ones move to new blocks) and every lookup still finds what is there. */
static void state_churn(void **state)
{
	struct fx *f = *state;
	size_t n;
	enum { N = 6000 };
	static char names[N][40], hosts[N + 1][64];
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < N; i++) {
			snprintf(names[i], sizeof names[i], "r%d-%d", round, i);
			snprintf(hosts[i], sizeof hosts[i], "host-%d-%d.example.com", round, i);
			iw_state_put_ingress(f->st, MK("churn", names[i], T1, NULL, { hosts[i], "/", "Prefix" }));
		}
		assert_int_equal(iw_state_ningresses(f->st), N + (round ? 1 : 0));
		for (int i = 0; i < N; i++)   /* all but one go */
			if (i != round)
				assert_true(iw_state_del_ingress(f->st, "churn", names[i]));
		if (round)
			assert_true(iw_state_del_ingress(f->st, "churn", "keep"));
		const struct ingress *s = iw_state_get_ingress(f->st, "churn", names[round]);
		assert_non_null(s);
		assert_string_equal(s->rules[0].host, hosts[round]);
		const struct ingress *const *l = iw_state_by_host(f->st, hosts[round], &n);
		assert_int_equal(n, 1);
		assert_ptr_equal(l[0], s);
		char one[64];
		snprintf(one, sizeof one, "churn/%.40s\n", names[round]);
		expect_hosts(f->st, 'W', "*.example.com", one);
		expect_hosts(f->st, 'H', hosts[round + 1], "");
		assert_true(iw_state_del_ingress(f->st, "churn", names[round]));
		iw_state_put_ingress(f->st, MK("churn", "keep", T1, NULL, { "keep.example.com", "/", "Prefix" }));
		assert_non_null(iw_state_get_ingress(f->st, "churn", "keep"));
		assert_int_equal(iw_state_ningresses(f->st), 1);
	}
	expect_hosts(f->st, 'H', "keep.example.com", "churn/keep\n");
	/* a key longer than an eighth of a block (only an IngressClass name can
	 * be) gets a block of its own; the keys around it stay */
	static char longname[12000];
	memset(longname, 'c', sizeof longname - 1);
	struct ingress_class a = { 0 }, b = { 0 }, c = { 0 };
	a.meta.name = "first";
	b.meta.name = longname;
	c.meta.name = "third";
	assert_int_equal(iw_state_put_class(f->st, &a), 0);
	assert_int_equal(iw_state_put_class(f->st, &b), 0);
	assert_int_equal(iw_state_put_class(f->st, &c), 0);
	assert_ptr_equal(iw_state_get_class(f->st, "first"), &a);
	assert_ptr_equal(iw_state_get_class(f->st, longname), &b);
	assert_ptr_equal(iw_state_get_class(f->st, "third"), &c);
	iw_state_clear_classes(f->st);   /* the state does not own them */
}


/* A name has no length limit in the state (invalid objects enter it too:
 * lint's two passes put every Ingress): a 600-byte name and namespace are
 * put, found, listed and deleted (they made lint say "out of memory"). */
static void long_keys(void **state)
{
	struct fx *f = *state;
	static char name[601], ns[601];
	memset(name, 'n', 600);
	memset(ns, 's', 600);
	assert_int_equal(iw_state_put_ingress(f->st, MK(ns, name, T1, NULL, { "long.com", "/", "Prefix" })),
	                 IW_OK);
	const struct ingress *got = iw_state_get_ingress(f->st, ns, name);
	assert_non_null(got);
	assert_string_equal(got->meta.name, name);
	size_t n;
	const struct ingress *const *l = iw_state_by_host(f->st, "long.com", &n);
	assert_int_equal(n, 1);
	assert_ptr_equal(l[0], got);
	static char host[700];
	memset(host, 'h', 650);
	memcpy(host + 650, ".example.com", 13);
	assert_int_equal(iw_state_put_ingress(f->st, MK("b", "h", T1, NULL, { host, "/", "Prefix" })),
	                 IW_OK);
	expect_hosts(f->st, 'H', host, "b/h\n");
	expect_hosts(f->st, 'W', "*.example.com", "b/h\n");
	assert_true(iw_state_del_ingress(f->st, ns, name));
	assert_true(iw_state_del_ingress(f->st, "b", "h"));
	expect_hosts(f->st, 'H', "long.com", "");
	expect_hosts(f->st, 'W', "*.example.com", "");
	assert_int_equal(iw_state_ningresses(f->st), 0);
}

/* The default IngressClass is the model's fact (iw_default_class): the
 * newest is-default-class one, as an instant ("+02:00" offsets count). */
static void default_class(void **state)
{
	struct fx *f = *state;
	struct ingress_class a = { 0 }, b = { 0 }, c = { 0 };
	a.meta.name = "older";
	a.is_default = true;
	a.meta.creation_timestamp = "2024-01-01T10:00:00Z";
	b.meta.name = "newer";
	b.is_default = true;
	b.meta.creation_timestamp = "2024-01-01T11:30:00+02:00";   /* 09:30Z: older still */
	c.meta.name = "plain";
	c.meta.creation_timestamp = "2025-01-01T00:00:00Z";
	assert_null(iw_state_default_class(f->st));
	assert_int_equal(iw_state_put_class(f->st, &c), IW_OK);
	assert_null(iw_state_default_class(f->st));
	assert_int_equal(iw_state_put_class(f->st, &b), IW_OK);
	assert_string_equal(iw_state_default_class(f->st), "newer");
	assert_int_equal(iw_state_put_class(f->st, &a), IW_OK);
	assert_string_equal(iw_state_default_class(f->st), "older");   /* 10:00Z is newer */
	const struct ingress_class *const v[] = { &c, &a, &b, NULL };
	assert_ptr_equal(iw_default_class(v, 4), &a);
	iw_state_clear_classes(f->st);   /* the state does not own them */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(state_incremental, setup, teardown),
		cmocka_unit_test_setup_teardown(state_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(state_churn, setup, teardown),
		cmocka_unit_test_setup_teardown(long_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(default_class, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
