/*
 * Policy checks on hand-built models: each check on both sides (caught /
 * not caught), severities, configuration scope, the state indexes and audit.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

/* ---- host-path-conflict --------------------------------------------------------- */

static void exact_takes_prefix_cross_ns(void **state)
{
	struct fx *f = *state;
	assert_int_equal(iw_state_put_ingress(f->st, MK("team-a", "web", T1, "nginx",
		{ "foo.com", "/api", "Prefix", "api", 80 })), 0);
	struct ingress *x = MK("team-b", "grab", NULL, "nginx", { "foo.com", "/api", "Exact", "b", 80 });
	run(f, x, NULL);
	expect_findings(f,
		"error host-path-conflict spec.rules[0].http.paths[0]: Exact /api on host "
		"\"foo.com\" takes requests for \"/api\" from ingress team-a/web (Prefix /api, "
		"spec.rules[0].http.paths[0]); while both exist team-b/grab serves them (Exact beats "
		"Prefix beats ImplementationSpecific at equal length) [profile ingress-nginx: class "
		"\"nginx\"]\n");
	ing_free_test(x);
}

static void prefix_api_vs_apis(void **state)
{
	struct fx *f = *state;
	iw_state_put_ingress(f->st, MK("team-a", "web", T1, "nginx", { "foo.com", "/api", "Prefix" }));
	struct ingress *x = MK("team-b", "other", NULL, "nginx", { "foo.com", "/apis", "Prefix" });
	run(f, x, NULL);
	expect_findings(f, "");
	ing_free_test(x);
}

static void same_namespace_is_warning(void **state)
{
	struct fx *f = *state;
	iw_state_put_ingress(f->st, MK("shop", "web", T1, "nginx", { "foo.com", "/api", "Prefix" }));
	struct ingress *x = MK("shop", "api", NULL, "nginx", { "foo.com", "/api", "Exact" });
	run(f, x, NULL);
	expect_findings(f,
		"warning host-path-conflict spec.rules[0].http.paths[0]: Exact /api on host "
		"\"foo.com\" takes requests for \"/api\" from ingress shop/web (Prefix /api, "
		"spec.rules[0].http.paths[0]); while both exist shop/api serves them (Exact beats "
		"Prefix beats ImplementationSpecific at equal length) [profile ingress-nginx: class "
		"\"nginx\"]\n");
	ing_free_test(x);
}

static void update_never_conflicts_with_itself(void **state)
{
	struct fx *f = *state;
	iw_state_put_ingress(f->st, MK("team-a", "web", T1, "nginx", { "foo.com", "/api", "Prefix" }));
	const struct ingress *old = iw_state_get_ingress(f->st, "team-a", "web");
	assert_non_null(old);
	struct ingress *x = MK("team-a", "web", T1, "nginx", { "foo.com", "/api", "Exact" },
	                       { "foo.com", "/api", "Prefix" });
	run(f, x, old);
	expect_findings(f, "");
	ing_free_test(x);
}

static void identical_path_shadowed_now(void **state)
{
	struct fx *f = *state;
	iw_state_put_ingress(f->st, MK("team-a", "web", T1, "nginx", { "foo.com", "/api", "Prefix" }));
	struct ingress *x = MK("team-b", "copy", T2, "nginx", { "foo.com", "/api", "Prefix" });
	run(f, x, NULL);
	expect_findings(f,
		"error host-path-conflict spec.rules[0].http.paths[0]: Prefix /api on host "
		"\"foo.com\" is already served by ingress team-a/web (spec.rules[0].http.paths[0]): "
		"while both exist team-a/web keeps it (older, or first by namespace/name); this path "
		"takes over when that Ingress goes away [profile ingress-nginx: class \"nginx\"]\n");
	/* an identical path in another namespace is not also "shadowed-path" */
	ing_free_test(x);
}

static void older_object_takes_over(void **state)
{
	struct fx *f = *state;
	iw_state_put_ingress(f->st, MK("team-a", "web", T2, "nginx", { "foo.com", "/api", "Prefix" }));
	struct ingress *x = MK("team-b", "old", T1, "nginx", { "foo.com", "/api", "Prefix" });
	run(f, x, NULL);
	expect_findings(f,
		"error host-path-conflict spec.rules[0].http.paths[0]: Prefix /api on host "
		"\"foo.com\" takes requests for \"/api\" from ingress team-a/web (Prefix /api, "
		"spec.rules[0].http.paths[0]); while both exist team-b/old serves them (older "
		"creationTimestamp) [profile ingress-nginx: class \"nginx\"]\n");
	ing_free_test(x);
}

static void longer_prefix_takes_subtree(void **state)
{
	struct fx *f = *state;
	iw_state_put_ingress(f->st, MK("team-a", "web", T1, "nginx", { "foo.com", "/", "Prefix" }));
	struct ingress *x = MK("team-b", "v1", NULL, "nginx", { "foo.com", "/v1", "Prefix" });
	run(f, x, NULL);
	expect_findings(f,
		"error host-path-conflict spec.rules[0].http.paths[0]: Prefix /v1 on host "
		"\"foo.com\" takes requests for \"/v1\" from ingress team-a/web (Prefix /, "
		"spec.rules[0].http.paths[0]); while both exist team-b/v1 serves them (longer path) "
		"[profile ingress-nginx: class \"nginx\"]\n");
	ing_free_test(x);
}

static void other_class_other_host_no_conflict(void **state)
{
	struct fx *f = *state;
	iw_state_put_ingress(f->st, MK("team-a", "web", T1, "nginx", { "foo.com", "/api", "Prefix" }));
	iw_state_put_ingress(f->st, MK("team-a", "bar", T1, "traefik", { "bar.com", "/api", "Prefix" }));
	struct ingress *x = MK("team-b", "t", NULL, "traefik", { "foo.com", "/api", "Exact" });
	struct ingress *y = MK("team-b", "u", NULL, "nginx", { "baz.com", "/api", "Exact" });
	run(f, x, NULL);
	expect_findings(f, "");
	run(f, y, NULL);
	expect_findings(f, "");
	ing_free_test(x);
	ing_free_test(y);
}

/* a rename: the new Ingress repeats the old one's host, path and pathType in
 * the same namespace while the old one still exists: a warning, not a block */
static void rename_same_namespace_is_warning(void **state)
{
	struct fx *f = *state;
	iw_state_put_ingress(f->st, MK("shop", "web-old", T1, "nginx", { "foo.com", "/api", "Prefix" }));
	struct ingress *x = MK("shop", "web-new", NULL, "nginx", { "foo.com", "/api", "Prefix" });
	run(f, x, NULL);
	expect_findings(f,
		"warning host-path-conflict spec.rules[0].http.paths[0]: Prefix /api on host "
		"\"foo.com\" is already served by ingress shop/web-old "
		"(spec.rules[0].http.paths[0]): while both exist shop/web-old keeps it (it has a "
		"creationTimestamp, this object none yet); this path takes over when that Ingress "
		"goes away [profile ingress-nginx: class \"nginx\"]\n");
	ing_free_test(x);
}

/* the same host, path and pathType in two IngressClasses: two controllers,
 * no conflict */
static void same_path_two_classes_allowed(void **state)
{
	struct fx *f = *state;
	iw_state_put_ingress(f->st, MK("team-a", "web", T1, "nginx", { "foo.com", "/api", "Prefix" }));
	struct ingress *x = MK("team-b", "web", NULL, "traefik", { "foo.com", "/api", "Prefix" });
	run(f, x, NULL);
	expect_findings(f, "");
	ing_free_test(x);
}

static void same_wildcard_conflicts(void **state)
{
	struct fx *f = *state;
	iw_state_put_ingress(f->st, MK("team-a", "w", T1, "nginx", { "*.foo.com", "/", "Prefix" }));
	struct ingress *x = MK("team-b", "w2", NULL, "nginx", { "*.foo.com", "/login", "Exact" });
	run(f, x, NULL);
	expect_findings(f,
		"error host-path-conflict spec.rules[0].http.paths[0]: Exact /login on host "
		"\"*.foo.com\" takes requests for \"/login\" from ingress team-a/w (Prefix /, "
		"spec.rules[0].http.paths[0]); while both exist team-b/w2 serves them (longer path) "
		"[profile ingress-nginx: class \"nginx\"]\n");
	ing_free_test(x);
}

static void merge_vs_default_backend(void **state)
{
	struct fx *f = *state;
	/* different paths on one host from two namespaces merge: no conflict */
	iw_state_put_ingress(f->st, MK("team-a", "web", T1, "nginx", { "foo.com", "/api", "Prefix" }));
	struct ingress *x = MK("team-b", "other", NULL, "nginx", { "foo.com", "/other", "Prefix" });
	run(f, x, NULL);
	expect_findings(f, "");
	/* ... unless the host's owner has a defaultBackend serving those paths today */
	struct ingress *a = MK("team-a", "web", T1, "nginx", { "foo.com", "/api", "Prefix" });
	a->has_default_backend = true;
	a->default_backend.has_service = true;
	a->default_backend.service.name = "fallback";
	a->default_backend.service.port_number = 80;
	a->default_backend.service.port_name = "";
	iw_state_put_ingress(f->st, a);
	run(f, x, NULL);
	expect_findings(f,
		"error host-path-conflict spec.rules[0].http.paths[0]: Prefix /other on host "
		"\"foo.com\" takes requests for \"/other\" from the spec.defaultBackend of ingress "
		"team-a/web, which serves the unmatched paths of that host today [profile "
		"ingress-nginx: class \"nginx\"]\n");
	ing_free_test(x);
}

/* ---- wildcard-host-overlap --------------------------------------------------- */

static void exact_over_wildcard_is_overlap_not_conflict(void **state)
{
	struct fx *f = *state;
	iw_state_put_ingress(f->st, MK("team-a", "w", T1, "nginx", { "*.foo.com", "/", "Prefix" }));
	struct ingress *x = MK("team-b", "app", NULL, "nginx", { "app.foo.com", "/", "Prefix" });
	run(f, x, NULL);
	expect_findings(f,
		"warning wildcard-host-overlap spec.rules[0].host: host \"app.foo.com\" takes every "
		"request for it away from wildcard host \"*.foo.com\" of ingress team-a/w in another "
		"namespace (an exact host wins over a wildcard; paths do not fall through) [profile "
		"ingress-nginx: class \"nginx\"]\n");
	ing_free_test(x);
}

static void wildcard_over_exact(void **state)
{
	struct fx *f = *state;
	iw_state_put_ingress(f->st, MK("team-a", "app", T1, "nginx", { "app.foo.com", "/", "Prefix" }));
	iw_state_put_ingress(f->st, MK("team-c", "deep", T1, "nginx", { "a.b.foo.com", "/", "Prefix" }));
	struct ingress *x = MK("team-b", "w", NULL, "nginx", { "*.foo.com", "/", "Prefix" });
	run(f, x, NULL);
	expect_findings(f,
		"warning wildcard-host-overlap spec.rules[0].host: wildcard host \"*.foo.com\" "
		"covers host \"app.foo.com\" of ingress team-a/app in another namespace: it takes "
		"that host's traffic if the Ingress goes away, and its unmatched paths on "
		"controllers that fall through (Traefik, HAProxy) [profile ingress-nginx: class "
		"\"nginx\"]\n");
	/* same namespace: no overlap finding */
	struct ingress *y = MK("team-a", "w", NULL, "nginx", { "*.foo.com", "/", "Prefix" });
	run(f, y, NULL);
	expect_findings(f, "");
	ing_free_test(x);
	ing_free_test(y);
}

/* ---- duplicate-path, shadowed-path ----------------------------------------------- */

static void duplicate_path(void **state)
{
	struct fx *f = *state;
	struct ingress *x = MK("a", "x", NULL, NULL, { "foo.com", "/api", "Prefix", "one", 80 },
	                       { "foo.com", "/api", "Prefix", "two", 80 });
	run(f, x, NULL);
	expect_findings(f,
		"warning duplicate-path spec.rules[0].http.paths[1]: host \"foo.com\" path \"/api\" "
		"(Prefix) is already defined at spec.rules[0].http.paths[0] with a different "
		"backend: service two:80 here, service one:80; which one receives the traffic is the "
		"controller's choice\n");
	/* issue 13: the API server accepts it and the specification does not say
	 * which wins: a warning (it was an error) */
	struct ingress *y = MK("a", "y", NULL, NULL, { "foo.com", "/api", "Prefix", "one", 80 },
	                       { "foo.com", "/api", "Prefix", "one", 80 });
	run(f, y, NULL);
	expect_findings(f,
		"warning duplicate-path spec.rules[0].http.paths[1]: host \"foo.com\" path \"/api\" "
		"(Prefix) is already defined at spec.rules[0].http.paths[0] with the same backend "
		"service one:80; which one receives the traffic is the controller's choice\n");
	/* different pathType or host: not a duplicate */
	struct ingress *z = MK("a", "z", NULL, NULL, { "foo.com", "/api", "Prefix" },
	                       { "foo.com", "/api", "Exact" }, { "bar.com", "/api", "Prefix" });
	run(f, z, NULL);
	expect_findings(f, "");
	ing_free_test(x);
	ing_free_test(y);
	ing_free_test(z);
}

static void shadowed_path(void **state)
{
	struct fx *f = *state;
	/* Prefix /api/ matches /api, /api/ and /api/x and is longer: /api never wins */
	struct ingress *x = MK("a", "x", NULL, NULL, { "foo.com", "/api", "Prefix", "one", 80 },
	                       { "foo.com", "/api/", "Prefix", "two", 80 });
	run(f, x, NULL);
	expect_findings(f,
		"warning shadowed-path spec.rules[0].http.paths[0]: Prefix /api on host \"foo.com\" "
		"never receives traffic: every request it matches goes to Prefix /api/ of this "
		"Ingress, a/x (longer path)\n");
	/* Exact /api next to Prefix /api: both receive traffic */
	struct ingress *y = MK("a", "y", NULL, NULL, { "foo.com", "/api", "Prefix" },
	                       { "foo.com", "/api", "Exact" }, { "foo.com", "/", "Prefix" });
	run(f, y, NULL);
	expect_findings(f, "");
	/* shadowed by another Ingress's longer prefix */
	iw_state_put_ingress(f->st, MK("b", "long", T1, NULL, { "bar.com", "/app/", "Prefix" }));
	struct ingress *z = MK("c", "short", NULL, NULL, { "bar.com", "/app", "Prefix" });
	run(f, z, NULL);
	expect_findings(f,
		"warning shadowed-path spec.rules[0].http.paths[0]: Prefix /app on host \"bar.com\" "
		"never receives traffic: every request it matches goes to Prefix /app/ of ingress "
		"b/long (longer path)\n");
	ing_free_test(x);
	ing_free_test(y);
	ing_free_test(z);
}

/* ---- TLS -------------------------------------------------------------------------- */

static void tls_checks(void **state)
{
	struct fx *f = *state;
	struct ingress *x = MK("a", "x", NULL, "nginx", { "foo.com", "/", "Prefix" },
	                       { "*.bar.com", "/", "Prefix" });
	add_tls(x, "foo.com", "foo-tls");
	add_tls(x, "www.bar.com", "bar-tls");
	add_tls(x, "typo.com", "t-tls");
	run(f, x, NULL);
	expect_findings(f,
		"warning tls-host-unserved spec.tls[2].hosts[0]: TLS host \"typo.com\" is not the "
		"host of any rule of this Ingress: the certificate of secret \"t-tls\" is configured "
		"but no rule serves the host [profile ingress-nginx: class \"nginx\"]\n");

	struct ingress *o = MK("b", "o", T1, "nginx", { "foo.com", "/other", "Prefix" });
	add_tls(o, "foo.com", "other-tls");
	iw_state_put_ingress(f->st, o);
	run(f, x, NULL);
	expect_findings(f,
		"warning tls-host-unserved spec.tls[2].hosts[0]: TLS host \"typo.com\" is not the "
		"host of any rule of this Ingress: the certificate of secret \"t-tls\" is configured "
		"but no rule serves the host [profile ingress-nginx: class \"nginx\"]\n"
		"warning tls-secret-conflict spec.tls[0].secretName: TLS host \"foo.com\" uses "
		"secret a/foo-tls here but b/other-tls in ingress b/o: the controller serves one "
		"certificate per host (the oldest Ingress's) [profile ingress-nginx: class "
		"\"nginx\"]\n");
	ing_free_test(x);
}

/* ---- bounded under attack (issue 11) ------------------------------------------------ */

/* 30,000 copies of one path: duplicate-path in one sorted pass, 100 findings
 * and one that counts the rest (still a warning: same backend); 30,000
 * distinct paths: none */
static void many_paths_bounded(void **state)
{
	struct fx *f = *state;
	size_t n = 30000;
	struct tp *tps = calloc(n, sizeof *tps);
	char (*paths)[16] = calloc(n, sizeof *paths);
	char *want = malloc(101 * 300);
	assert_non_null(tps);
	assert_non_null(paths);
	assert_non_null(want);
	for (size_t i = 0; i < n; i++)
		tps[i] = (struct tp){ "foo.com", "/p", "Prefix", "svc", 80 };
	struct ingress *x = mk("a", "x", NULL, NULL, tps, n);
	run(f, x, NULL);
	char *w = want;
	for (int i = 1; i <= 100; i++)
		w += sprintf(w, "warning duplicate-path spec.rules[0].http.paths[%d]: host \"foo.com\" "
		             "path \"/p\" (Prefix) is already defined at spec.rules[0].http.paths[0] "
		             "with the same backend service svc:80; which one receives the traffic is "
		             "the controller's choice\n", i);
	sprintf(w, "warning duplicate-path : 29899 more findings of this check are not listed (at "
	        "most 100 per object)\n");
	expect_findings(f, want);
	for (size_t i = 0; i < n; i++) {
		snprintf(paths[i], sizeof paths[i], "/p%zu", i);
		tps[i].path = paths[i];
	}
	struct ingress *y = mk("a", "y", NULL, NULL, tps, n);
	run(f, y, NULL);
	expect_findings(f, "");
	ing_free_test(x);
	ing_free_test(y);
	free(want);
	free(tps);
	free(paths);
}

/* A path that three other Ingresses already serve: one finding naming the
 * one that keeps it and counting the others (was one finding per other
 * Ingress: 1,000 Ingresses on one path gave 499,501) */
static void conflict_grouped(void **state)
{
	struct fx *f = *state;
	iw_state_put_ingress(f->st, MK("b", "one", T1, "nginx", { "foo.com", "/", "Prefix" }));
	iw_state_put_ingress(f->st, MK("c", "two", T2, "nginx", { "foo.com", "/", "Prefix" }));
	iw_state_put_ingress(f->st, MK("d", "three", "2024-03-01T00:00:00Z", "nginx",
	                               { "foo.com", "/", "Prefix" }));
	struct ingress *x = MK("a", "x", NULL, "nginx", { "foo.com", "/", "Prefix" });
	run(f, x, NULL);
	expect_findings(f,
		"error host-path-conflict spec.rules[0].http.paths[0]: Prefix / on host \"foo.com\" "
		"is already served by ingress b/one (spec.rules[0].http.paths[0]): while both exist "
		"b/one keeps it (it has a creationTimestamp, this object none yet); this path takes "
		"over when that Ingress goes away; 2 more paths of other Ingresses with the same host, "
		"path and pathType come before this one (c/two, d/three) [profile ingress-nginx: "
		"class \"nginx\"]\n");
	/* the TLS host given two other secrets by two Ingresses: one finding */
	struct ingress *t1 = MK("b", "t1", T1, "nginx", { "bar.com", "/t1", "Prefix" });
	struct ingress *t2 = MK("c", "t2", T1, "nginx", { "bar.com", "/t2", "Prefix" });
	add_tls(t1, "bar.com", "one");
	add_tls(t2, "bar.com", "two");
	iw_state_put_ingress(f->st, t1);
	iw_state_put_ingress(f->st, t2);
	struct ingress *y = MK("a", "y", NULL, "nginx", { "bar.com", "/y", "Prefix" });
	add_tls(y, "bar.com", "mine");
	add_tls(y, "bar.com", "mine");   /* listed again: nothing new */
	run(f, y, NULL);
	expect_findings(f,
		"warning tls-secret-conflict spec.tls[0].secretName: TLS host \"bar.com\" uses secret "
		"a/mine here but b/one in ingress b/t1: the controller serves one certificate per host "
		"(the oldest Ingress's); 1 more Ingress with another secret for this host (c/t2) "
		"[profile ingress-nginx: class \"nginx\"]\n");
	ing_free_test(x);
	ing_free_test(y);
}

/* tls-host-unserved through the sorted sets (more than 16 rules) and the
 * small path give the same answers: exact, covered by a wildcard rule, a
 * wildcard covering an exact rule host, unserved */
static void tls_unserved_many_rules(void **state)
{
	struct fx *f = *state;
	for (size_t nr = 3; nr <= 40; nr += 37) {
		struct tp tps[40];
		char hosts[40][32];
		for (size_t i = 0; i < nr; i++) {
			snprintf(hosts[i], sizeof hosts[i], i == 0 ? "*.w.com" : "h%zu.example.com", i);
			tps[i] = (struct tp){ hosts[i], "/", "Prefix", "svc", 80 };
		}
		struct ingress *x = mk("a", "x", NULL, NULL, tps, nr);
		add_tls(x, "h2.example.com", "s");
		add_tls(x, "x.w.com", "s");
		add_tls(x, "*.example.com", "s");
		add_tls(x, "nope.com", "s");
		add_tls(x, "*.w.com", "s");
		add_tls(x, ".w.com", "s");
		run(f, x, NULL);
		expect_findings(f,
			"warning tls-host-unserved spec.tls[3].hosts[0]: TLS host \"nope.com\" is not the "
			"host of any rule of this Ingress: the certificate of secret \"s\" is configured "
			"but no rule serves the host\n"
			"warning tls-host-unserved spec.tls[5].hosts[0]: TLS host \".w.com\" is not the "
			"host of any rule of this Ingress: the certificate of secret \"s\" is configured "
			"but no rule serves the host\n");
		ing_free_test(x);
	}
}

/* The memo (lint's second pass) gives every object the same findings as
 * checking it alone */
static void memo_same_findings(void **state)
{
	struct fx *f = *state;
	struct ingress *objs[6] = {
		MK("b", "one", T1, "nginx", { "foo.com", "/", "Prefix" }),
		MK("c", "two", T2, "nginx", { "foo.com", "/", "Prefix" }, { "foo.com", "/api", "Exact" }),
		MK("c", "three", T2, "nginx", { "foo.com", "/api", "Prefix" }),
		MK("d", "four", T1, "nginx", { "bar.com", "/", "Prefix" }),
		MK("d", "five", T2, "nginx", { "bar.com", "/", "Prefix" }, { "foo.com", "/x", "Exact" }),
		MK("e", "six", T2, "other", { "foo.com", "/", "Prefix" }),
	};
	for (int i = 0; i < 6; i++) {   /* the state keeps a compact copy: check that one */
		const char *ns = objs[i]->meta.namespace_, *name = objs[i]->meta.name;
		iw_state_put_ingress(f->st, objs[i]);
		objs[i] = (struct ingress *)iw_state_get_ingress(f->st, ns, name);
		assert_non_null(objs[i]);
	}
	struct iw_check_memo *m = iw_check_memo_new();
	assert_non_null(m);
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 6; i++) {
			struct findings a = { 0 }, b = { 0 };
			assert_int_equal(iw_policy_check(f->p, objs[i], NULL, f->st, &a), IW_OK);
			assert_int_equal(iw_policy_check_memo(f->p, objs[i], NULL, f->st, m, &b), IW_OK);
			assert_int_equal(a.n, b.n);
			for (size_t k = 0; k < a.n; k++) {
				assert_string_equal(a.v[k].check, b.v[k].check);
				assert_string_equal(a.v[k].field, b.v[k].field);
				assert_string_equal(a.v[k].message, b.v[k].message);
			}
			findings_release(&a);
			findings_release(&b);
		}
	iw_check_memo_free(m);
}

/* ---- references: Services and IngressClasses --------------------------------------- */

static struct iw_service *svc(const char *json)
{
	json_error_t e;
	json_t *j = json_loads(json, 0, &e);
	assert_non_null(j);
	struct iw_service *s;
	assert_int_equal(iw_service_parse(j, &s), IW_OK);
	json_decref(j);
	assert_non_null(s);
	return s;
}

static struct ingress_class *ic_new(const char *name, bool dflt, const char *ts)
{
	struct ingress_class *ic = calloc(1, sizeof *ic);
	ic->meta.name = name;
	ic->is_default = dflt;
	ic->meta.creation_timestamp = ts;
	return ic;
}
static void ic_free(struct ingress_class *ic) { free(ic); }

static void references(void **state)
{
	struct fx *f = *state;
	struct ingress *x = MK("shop", "x", NULL, "nginx", { "foo.com", "/a", "Prefix", "web", 80 },
	                       { "foo.com", "/b", "Prefix", "web", 8080 },
	                       { "foo.com", "/c", "Prefix", "gone", 80 });
	/* the state knows no Services and no classes: the reference checks stay quiet */
	run(f, x, NULL);
	expect_findings(f, "");

	assert_int_equal(iw_state_put_service(f->st, svc(
		"{\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\"},"
		"\"spec\":{\"ports\":[{\"name\":\"http\",\"port\":80}]}}")), 0);
	assert_int_equal(iw_state_put_service(f->st, svc(
		"{\"metadata\":{\"name\":\"gone\",\"namespace\":\"elsewhere\"},\"spec\":{}}")), 0);
	run(f, x, NULL);
	expect_findings(f,
		"warning dangling-service-port spec.rules[0].http.paths[1].backend.service.port: "
		"service \"shop/web\" has no port 8080 (its ports: http/80)\n"
		"warning dangling-service spec.rules[0].http.paths[2].backend.service.name: service "
		"\"shop/gone\" does not exist: requests for this backend get 503\n");

	/* classes */
	struct iw_state *st = iw_state_new(NULL, ic_free);
	assert_int_equal(iw_state_put_class(st, ic_new("traefik", false, T1)), 0);
	findings_release(&f->fl);
	iw_policy_check(f->p, x, NULL, st, &f->fl);
	expect_findings(f,
		"warning unknown-ingress-class spec.ingressClassName: IngressClass \"nginx\" does "
		"not exist (1 known): no controller serves this Ingress\n");
	struct ingress *nocls = MK("shop", "n", NULL, NULL, { "x.com", "/", "Prefix" });
	findings_release(&f->fl);
	iw_policy_check(f->p, nocls, NULL, st, &f->fl);
	expect_findings(f,
		"warning no-ingress-class spec.ingressClassName: no spec.ingressClassName and no "
		"default IngressClass (annotation ingressclass.kubernetes.io/is-default-class: "
		"\"true\"): controllers ignore this Ingress unless they watch Ingresses without a "
		"class\n");
	iw_state_put_class(st, ic_new("nginx", true, T1));
	findings_release(&f->fl);
	iw_policy_check(f->p, nocls, NULL, st, &f->fl);
	expect_findings(f, "");
	findings_release(&f->fl);
	iw_policy_check(f->p, x, NULL, st, &f->fl);
	expect_findings(f, "");
	assert_string_equal(iw_effective_class(nocls, st), "nginx");
	iw_state_free(st);
	ing_free_test(x);
	ing_free_test(nocls);
}

/* ---- object-only checks ------------------------------------------------------------ */

static void annotations_and_api(void **state)
{
	struct fx *f = *state;
	struct ingress *x = MK("a", "x", NULL, NULL, { "foo.com", "/", "Prefix" });
	x->api = IW_API_EXTENSIONS_V1BETA1;
	annotate(x, "kubernetes.io/ingress.class", "nginx");
	annotate(x, "nginx.ingress.kubernetes.io/server-snippet", "location /x { return 200; }");
	annotate(x, "nginx.ingress.kubernetes.io/auth-url", "http://auth.svc/\";\nevil;#");
	annotate(x, "nginx.ingress.kubernetes.io/auth-tls-match-cn", "CN=abc #(\n){}");
	annotate(x, "nginx.ingress.kubernetes.io/mirror-target", "https://m.svc$request_uri\"; x");
	annotate(x, "nginx.ingress.kubernetes.io/rewrite-target", "/$2");
	annotate(x, "example.com/notes", "line one\nline two");   /* not a controller annotation */
	run(f, x, NULL);
	expect_findings(f,
		"warning deprecated-api apiVersion: extensions/v1beta1 Ingress was removed in "
		"Kubernetes 1.22 and no API server of 1.34 to 1.37 serves it: use networking.k8s.io/v1 "
		"(`ingress-warden convert` writes it)\n"
		"warning deprecated-class-annotation "
		"metadata.annotations[kubernetes.io/ingress.class]: annotation "
		"kubernetes.io/ingress.class is deprecated: use spec.ingressClassName: \"nginx\" "
		"[profile ingress-nginx: class \"nginx\"]\n"
		"error dangerous-annotation "
		"metadata.annotations[nginx.ingress.kubernetes.io/auth-tls-match-cn]: annotation "
		"nginx.ingress.kubernetes.io/auth-tls-match-cn holds '#' at offset 7, which leaves "
		"the nginx.conf token ingress-nginx writes the value into (CVE-2025-1097, "
		"IngressNightmare) [profile ingress-nginx: class \"nginx\"]\n"
		"error dangerous-annotation "
		"metadata.annotations[nginx.ingress.kubernetes.io/auth-url]: annotation "
		"nginx.ingress.kubernetes.io/auth-url holds '\"' at offset 16, which leaves the "
		"nginx.conf token ingress-nginx writes the value into (CVE-2025-24514, "
		"IngressNightmare) [profile ingress-nginx: class \"nginx\"]\n"
		"error dangerous-annotation "
		"metadata.annotations[nginx.ingress.kubernetes.io/mirror-target]: annotation "
		"nginx.ingress.kubernetes.io/mirror-target holds '\"' at offset 25, which leaves the "
		"nginx.conf token ingress-nginx writes the value into (CVE-2025-1098, "
		"IngressNightmare) [profile ingress-nginx: class \"nginx\"]\n"
		"error dangerous-annotation "
		"metadata.annotations[nginx.ingress.kubernetes.io/server-snippet]: annotation "
		"nginx.ingress.kubernetes.io/server-snippet injects raw nginx configuration: any "
		"namespace that may create Ingresses can read the controller's secrets "
		"(CVE-2021-25742); with ingress-nginx's defaults (allow-snippet-annotations false, "
		"annotations-risk-level High) the controller does not serve this Ingress [profile "
		"ingress-nginx: class \"nginx\"]\n");

	struct ingress *ok = MK("a", "ok", NULL, "nginx", { "foo.com", "/", "Prefix" });
	annotate(ok, "nginx.ingress.kubernetes.io/auth-url",
	         "https://auth.example.com/oauth2/auth?rd=$escaped_request_uri");
	annotate(ok, "nginx.ingress.kubernetes.io/auth-tls-match-cn", "CN=client-[0-9]+");
	annotate(ok, "nginx.ingress.kubernetes.io/mirror-target", "https://mirror.svc$request_uri");
	run(f, ok, NULL);
	expect_findings(f, "");
	ing_free_test(x);
	ing_free_test(ok);
}

static void regex_in_path(void **state)
{
	struct fx *f = *state;
	struct ingress *x = MK("a", "x", NULL, NULL, { "foo.com", "/api/(.*)", "Prefix" },
	                       { "foo.com", "/v[0-9]+", "ImplementationSpecific" },
	                       { "foo.com", "/favicon.ico", "Exact" });
	run(f, x, NULL);
	expect_findings(f,
		"warning regex-in-path spec.rules[0].http.paths[0].path: path \"/api/(.*)\" (Prefix) "
		"contains the regex character '(': the Ingress spec matches it literally, but "
		"controllers with regex paths (ingress-nginx use-regex / rewrite-target) treat it as "
		"a regex; use ImplementationSpecific for a regex\n");
	ing_free_test(x);
}

/* ---- configuration ----------------------------------------------------------------- */

static void config_severity_and_scope(void **state)
{
	struct fx *f = *state;
	iw_state_put_ingress(f->st, MK("team-a", "web", T1, "nginx", { "foo.com", "/api", "Prefix" }));
	struct ingress *x = MK("team-b", "grab", NULL, "nginx", { "foo.com", "/api", "Exact" });

	f->p->check[IW_CHK_HOST_PATH_CONFLICT].severity = IW_SEV_WARNING;
	run(f, x, NULL);
	expect_findings(f,
		"warning host-path-conflict spec.rules[0].http.paths[0]: Exact /api on host "
		"\"foo.com\" takes requests for \"/api\" from ingress team-a/web (Prefix /api, "
		"spec.rules[0].http.paths[0]); while both exist team-b/grab serves them (Exact beats "
		"Prefix beats ImplementationSpecific at equal length) [profile ingress-nginx: class "
		"\"nginx\"]\n");

	f->p->check[IW_CHK_HOST_PATH_CONFLICT].severity = IW_SEV_ERROR;
	char **ns = calloc(1, sizeof *ns);
	ns[0] = strdup("sandbox");
	f->p->check[IW_CHK_HOST_PATH_CONFLICT].namespaces = ns;
	f->p->check[IW_CHK_HOST_PATH_CONFLICT].nnamespaces = 1;
	run(f, x, NULL);
	expect_findings(f, "");

	char **cls = calloc(1, sizeof *cls);
	cls[0] = strdup("nginx");
	f->p->check[IW_CHK_HOST_PATH_CONFLICT].classes = cls;
	f->p->check[IW_CHK_HOST_PATH_CONFLICT].nclasses = 1;
	ns[0][0] = 0;
	strcpy(ns[0], "team-b");
	run(f, x, NULL);
	expect_findings(f,
		"error host-path-conflict spec.rules[0].http.paths[0]: Exact /api on host "
		"\"foo.com\" takes requests for \"/api\" from ingress team-a/web (Prefix /api, "
		"spec.rules[0].http.paths[0]); while both exist team-b/grab serves them (Exact beats "
		"Prefix beats ImplementationSpecific at equal length) [profile ingress-nginx: class "
		"\"nginx\"]\n");

	f->p->check[IW_CHK_HOST_PATH_CONFLICT].severity = IW_SEV_OFF;
	f->p->check[IW_CHK_HOST_PATH_CONFLICT].alt_severity = IW_SEV_OFF;
	run(f, x, NULL);
	expect_findings(f, "");

	enum iw_check_id id;
	assert_int_equal(iw_check_lookup("wildcard-host-overlap", &id), IW_OK);
	assert_int_equal(id, IW_CHK_WILDCARD_HOST_OVERLAP);
	assert_int_equal(iw_check_lookup("nope", &id), IW_ENOTFOUND);
	for (int i = 0; i < IW_NCHECKS; i++) {
		assert_int_equal(iw_check_lookup(iw_check_info(i)->id, &id), IW_OK);
		assert_int_equal(id, i);
	}
	ing_free_test(x);
}

/* Each audit callback as one line "ns/name: check field" per finding. */
static void on_audit(void *arg, const struct ingress *ing, const struct findings *fl)
{
	char *out = arg;
	for (size_t i = 0; i < fl->n; i++) {
		size_t len = strlen(out);
		snprintf(out + len, 1024 - len, "%s/%s: %s %s\n", ing->meta.namespace_, ing->meta.name,
		         fl->v[i].check, fl->v[i].field);
	}
}

/* The audit runs the checks that look at other objects (needs_state), not
 * the ones an object fails alone: those were answered at admission. */
static void audit(void **state)
{
	struct fx *f = *state;
	char got[1024] = "";
	/* conflicting objects that entered the cluster anyway */
	iw_state_put_ingress(f->st, MK("team-a", "web", T1, "nginx", { "foo.com", "/api", "Prefix" }));
	iw_state_put_ingress(f->st, MK("team-b", "grab", T2, "nginx", { "foo.com", "/api", "Exact" }));
	iw_state_put_ingress(f->st, MK("team-c", "fine", T2, "nginx", { "bar.com", "/", "Prefix" }));
	/* alone, this one fails regex-in-path: not the audit's business */
	iw_state_put_ingress(f->st, MK("team-d", "rx", T2, "nginx", { "rx.com", "/a+", "Prefix" }));
	size_t n;
	assert_int_equal(iw_policy_audit(f->p, f->st, on_audit, got, &n), IW_OK);
	assert_string_equal(got, "team-b/grab: host-path-conflict spec.rules[0].http.paths[0]\n");
	assert_int_equal(n, 1);
	/* the same object through iw_policy_check gets both kinds of checks */
	run(f, iw_state_get_ingress(f->st, "team-d", "rx"), NULL);
	expect_findings(f, "warning regex-in-path spec.rules[0].http.paths[0].path: path \"/a+\" "
	                   "(Prefix) contains the regex character '+': ingress-nginx's admission "
	                   "(strict-validate-path-type, on by default) refuses an Exact or Prefix path "
	                   "with characters other than letters, digits and . _ - /; use "
	                   "ImplementationSpecific with use-regex for a regex [profile ingress-nginx: "
	                   "class \"nginx\"]\n");
}

/* An IngressClass goes through the same dispatch: deprecated-api for
 * networking.k8s.io/v1beta1, with the policy's severity; the checks of
 * Ingresses do not run on it, and a namespace scope never matches it. */
static void class_checks(void **state)
{
	struct fx *f = *state;
	struct ingress_class ic = { .api = IW_API_NETWORKING_V1BETA1 };
	ic.meta.name = "nginx";
	assert_int_equal(iw_policy_check_class(f->p, &ic, NULL, f->st, &f->fl), IW_OK);
	expect_findings(f, "warning deprecated-api apiVersion: networking.k8s.io/v1beta1 IngressClass "
	                   "was removed in Kubernetes 1.22 and no API server of 1.34 to 1.37 serves "
	                   "it: use networking.k8s.io/v1 (`ingress-warden convert` writes it)\n");
	findings_release(&f->fl);
	f->p->check[IW_CHK_DEPRECATED_API].severity = IW_SEV_ERROR;
	assert_int_equal(iw_policy_check_class(f->p, &ic, NULL, f->st, &f->fl), IW_OK);
	expect_findings(f, "error deprecated-api apiVersion: networking.k8s.io/v1beta1 IngressClass "
	                   "was removed in Kubernetes 1.22 and no API server of 1.34 to 1.37 serves "
	                   "it: use networking.k8s.io/v1 (`ingress-warden convert` writes it)\n");
	findings_release(&f->fl);
	static char *const ns[] = { (char *)"prod" };
	f->p->check[IW_CHK_DEPRECATED_API].namespaces = (char **)ns;
	f->p->check[IW_CHK_DEPRECATED_API].nnamespaces = 1;
	assert_int_equal(iw_policy_check_class(f->p, &ic, NULL, f->st, &f->fl), IW_OK);
	f->p->check[IW_CHK_DEPRECATED_API].namespaces = NULL;   /* not the policy's to free */
	f->p->check[IW_CHK_DEPRECATED_API].nnamespaces = 0;
	expect_findings(f, "");
	ic.api = IW_API_NETWORKING_V1;
	assert_int_equal(iw_policy_check_class(f->p, &ic, NULL, f->st, &f->fl), IW_OK);
	expect_findings(f, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(exact_takes_prefix_cross_ns, setup, teardown),
		cmocka_unit_test_setup_teardown(prefix_api_vs_apis, setup, teardown),
		cmocka_unit_test_setup_teardown(same_namespace_is_warning, setup, teardown),
		cmocka_unit_test_setup_teardown(update_never_conflicts_with_itself, setup, teardown),
		cmocka_unit_test_setup_teardown(identical_path_shadowed_now, setup, teardown),
		cmocka_unit_test_setup_teardown(older_object_takes_over, setup, teardown),
		cmocka_unit_test_setup_teardown(longer_prefix_takes_subtree, setup, teardown),
		cmocka_unit_test_setup_teardown(other_class_other_host_no_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(rename_same_namespace_is_warning, setup, teardown),
		cmocka_unit_test_setup_teardown(same_path_two_classes_allowed, setup, teardown),
		cmocka_unit_test_setup_teardown(same_wildcard_conflicts, setup, teardown),
		cmocka_unit_test_setup_teardown(merge_vs_default_backend, setup, teardown),
		cmocka_unit_test_setup_teardown(exact_over_wildcard_is_overlap_not_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(wildcard_over_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(duplicate_path, setup, teardown),
		cmocka_unit_test_setup_teardown(many_paths_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(conflict_grouped, setup, teardown),
		cmocka_unit_test_setup_teardown(tls_unserved_many_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(memo_same_findings, setup, teardown),
		cmocka_unit_test_setup_teardown(shadowed_path, setup, teardown),
		cmocka_unit_test_setup_teardown(tls_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(references, setup, teardown),
		cmocka_unit_test_setup_teardown(annotations_and_api, setup, teardown),
		cmocka_unit_test_setup_teardown(regex_in_path, setup, teardown),
		cmocka_unit_test_setup_teardown(config_severity_and_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(class_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(audit, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
