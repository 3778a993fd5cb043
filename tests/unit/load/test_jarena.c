/* jarena: jansson trees in a per-thread bump arena; yamldoc and lint with one. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/jarena.h"
#include "lint/lint.h"
#include "load/yamldoc.h"
#include "checks/state.h"
#include "model/model.h"

static bool in_arena(const struct jarena *a, size_t before)
{
	return jarena_used(a) > before;
}

/* allocation only between begin and end, and only in the bound arena */
static void begin_end_reset(void **state)
{
	(void)state;
	jarena_install();
	struct jarena *a = jarena_new(1u << 20);
	assert_non_null(a);
	json_t *heap = json_string("heap");          /* not bound: the heap */
	assert_int_equal(jarena_used(a), 0);
	jarena_begin(a);                             /* not bound: nothing */
	json_t *heap2 = json_string("heap too");
	jarena_end(a);
	assert_int_equal(jarena_used(a), 0);
	jarena_bind(a);
	json_t *heap3 = json_string("bound, not allocating");
	assert_int_equal(jarena_used(a), 0);
	jarena_begin(a);
	json_t *t = json_pack("{s:s, s:[i, i, {s:b}]}", "name", "web", "ports", 80, 443, "tls", 1);
	jarena_end(a);
	assert_true(in_arena(a, 0));
	assert_true(jarena_exclusive(a));
	char *s = json_dumps(t, JSON_COMPACT);    /* allocation off: the heap */
	assert_string_equal(s, "{\"name\":\"web\",\"ports\":[80,443,{\"tls\":true}]}");
	free(s);
	size_t used = jarena_used(a);
	json_decref(t);                              /* frees are no-ops */
	assert_int_equal(jarena_used(a), used);
	jarena_reset(a);
	assert_int_equal(jarena_used(a), 0);
	json_decref(heap);                           /* heap values still freed normally */
	json_decref(heap2);
	json_decref(heap3);
	jarena_bind(NULL);
	jarena_free(a);
}

/* a full arena falls back to the heap, and says so */
static void spill_to_heap(void **state)
{
	(void)state;
	jarena_install();
	struct jarena *a = jarena_new(4096);
	assert_non_null(a);
	jarena_bind(a);
	jarena_begin(a);
	json_t *arr = json_array();
	for (int i = 0; i < 500; i++)
		assert_int_equal(json_array_append_new(arr, json_integer(i)), 0);
	jarena_end(a);
	assert_false(jarena_exclusive(a));
	assert_true(jarena_used(a) <= 4096);
	assert_int_equal(json_array_size(arr), 500);
	assert_int_equal(json_integer_value(json_array_get(arr, 499)), 499);
	json_decref(arr);                            /* the heap part is freed (ASan/valgrind: no leak) */
	jarena_reset(a);
	assert_true(jarena_exclusive(a));
	jarena_bind(NULL);
	jarena_free(a);
}

/* scratch scopes nest and release only what they allocated */
static void scratch_scopes(void **state)
{
	(void)state;
	jarena_install();
	struct jarena_scope none = jarena_scratch_begin();   /* unbound: a no-op */
	json_t *h = json_string("x");
	jarena_scratch_end(none);
	json_decref(h);
	struct jarena *a = jarena_new(1u << 20);
	jarena_bind(a);
	jarena_begin(a);
	json_t *keep = json_string("kept across the scratch scopes");
	jarena_end(a);
	size_t base = jarena_used(a);
	struct jarena_scope outer = jarena_scratch_begin();
	json_t *o = json_pack("{s:i}", "a", 1);
	size_t mid = jarena_used(a);
	assert_true(mid > base);
	struct jarena_scope inner = jarena_scratch_begin();
	json_t *i = json_pack("[s, s]", "b", "c");
	assert_true(jarena_used(a) > mid);
	json_decref(i);
	jarena_scratch_end(inner);
	assert_int_equal(jarena_used(a), mid);
	assert_int_equal(json_integer_value(json_object_get(o, "a")), 1);   /* outer's value intact */
	json_decref(o);
	jarena_scratch_end(outer);
	assert_int_equal(jarena_used(a), base);
	assert_string_equal(json_string_value(keep), "kept across the scratch scopes");
	json_t *after = json_string("heap again");       /* allocation is off again */
	assert_int_equal(jarena_used(a), base);
	json_decref(after);
	jarena_reset(a);
	jarena_bind(NULL);
	jarena_free(a);
}

/* a thread that binds no arena allocates from the heap while another uses one */
static void *other_thread(void *arg)
{
	(void)arg;
	json_t *v = json_pack("{s:s}", "thread", "heap");
	char *s = json_dumps(v, JSON_COMPACT);
	json_decref(v);
	return s;
}

static void other_threads_use_the_heap(void **state)
{
	(void)state;
	jarena_install();
	struct jarena *a = jarena_new(1u << 20);
	jarena_bind(a);
	jarena_begin(a);
	pthread_t t;
	void *out = NULL;
	assert_int_equal(pthread_create(&t, NULL, other_thread, NULL), 0);
	assert_int_equal(pthread_join(t, &out), 0);
	jarena_end(a);
	assert_int_equal(jarena_used(a), 0);
	assert_string_equal(out, "{\"thread\":\"heap\"}");
	free(out);
	jarena_bind(NULL);
	jarena_free(a);
}

/* yamldoc with an arena: values during the callback, copies past it */
struct kept {
	struct yd_saved v[4];
	json_t *part[4];              /* a part of each tree, through yd_keep */
	size_t n;
	struct jarena *a;
	size_t used_in_cb;
};

static enum iw_err keep_cb(void *ctx, struct yd_doc *d)
{
	struct kept *k = ctx;
	k->used_in_cb = jarena_used(k->a);
	if (k->n < 4) {
		k->part[k->n] = yd_keep(d, json_object_get(d->root, "spec"));
		assert_int_equal(yd_save(d, &k->v[k->n++], true), 0);
	}
	return IW_OK;
}

static void yamldoc_in_arena(void **state)
{
	(void)state;
	jarena_install();
	struct jarena *a = jarena_new(1u << 20);
	jarena_bind(a);
	const char *in[] = { "a: 1\n---\nspec:\n  rules:\n  - host: foo\n",
	                     "{\"a\": 1}\n{\"spec\": {\"rules\": [{\"host\": \"foo\"}]}}\n" };
	for (int f = 0; f < 2; f++) {
		struct kept k = { .a = a };
		struct yd_limits lim;
		yd_limits_init(&lim);
		lim.arena = a;
		assert_int_equal(yd_parse(in[f], strlen(in[f]), f ? YD_JSON : YD_YAML, &lim, keep_cb, &k), 0);
		assert_int_equal(k.n, 2);
		assert_true(k.used_in_cb > 0);       /* the tree was in the arena */
		assert_int_equal(jarena_used(a), 0); /* and is gone */
		/* the saved copies live on the heap */
		json_t *h = json_object_get(json_array_get(json_object_get(
		                json_object_get(k.v[1].root, "spec"), "rules"), 0), "host");
		assert_string_equal(json_string_value(h), "foo");
		/* so does a part kept with yd_keep (ASan: the arena is poisoned) */
		assert_null(k.part[0]);   /* the first document has no spec */
		char *spec = json_dumps(k.part[1], JSON_COMPACT);
		assert_string_equal(spec, "{\"rules\":[{\"host\":\"foo\"}]}");
		free(spec);
		json_decref(k.part[1]);
		struct yd_doc d;
		yd_saved_open(&k.v[1], in[f], &d);
		struct yd_pos p = yd_locate(&d, 0, "spec.rules[0].host", NULL);
		assert_true(p.line >= 2);
		assert_int_equal(jarena_used(a), 0); /* positions: scratch, released */
		yd_saved_close(&d);
		for (size_t i = 0; i < k.n; i++)
			yd_saved_release(&k.v[i]);
	}
	jarena_bind(NULL);
	jarena_free(a);
}

/* lint in two-pass mode with an arena: an IngressClass kept by the state survives */
static void lint_keeps_class_past_arena(void **state)
{
	(void)state;
	jarena_install();
	struct jarena *a = jarena_new(1u << 20);
	jarena_bind(a);
	const char *y =
	    "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: web\n"
	    "spec:\n  controller: example.com/ingress\n"
	    "---\n"
	    "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: a\n"
	    "spec:\n  ingressClassName: web\n  rules:\n  - host: a.example.com\n    http:\n"
	    "      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n"
	    "          service:\n            name: s\n            port:\n              number: 80\n";
	struct iw_state *st = iw_state_new(ingress_free, ingress_class_free);
	struct lint_report *r = lint_report_new();
	struct lint_opts o;
	lint_opts_init(&o);
	o.collect = st;
	o.limits.arena = a;
	assert_int_equal(lint_buffer(r, "x.yaml", y, strlen(y), &o), 0);
	assert_int_equal(jarena_used(a), 0);
	const struct ingress_class *ic = iw_state_get_class(st, "web");
	assert_non_null(ic);
	assert_string_equal(ic->controller, "example.com/ingress");   /* not in the reset arena */
	assert_int_equal(lint_finish(r, &o), 0);
	assert_int_equal(r->nobjects, 2);
	assert_int_equal(r->denied, 0);
	lint_report_free(r);
	iw_state_free(st);
	jarena_bind(NULL);
	jarena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(begin_end_reset),
		cmocka_unit_test(spill_to_heap),
		cmocka_unit_test(scratch_scopes),
		cmocka_unit_test(other_threads_use_the_heap),
		cmocka_unit_test(yamldoc_in_arena),
		cmocka_unit_test(lint_keeps_class_past_arena),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
