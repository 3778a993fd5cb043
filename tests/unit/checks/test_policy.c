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

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include "checks/policy.h"
#include "checks/state.h"

/* ---- model builder: every allocation is hung off mem_ ------------------ */

struct mem { void *p[64]; int n; };

static void *alloc(struct ingress *ing, size_t n)
{
	struct mem *m = ing->mem_;
	void *p = calloc(1, n ? n : 1);
	assert_non_null(p);
	assert_true(m->n < 64);
	m->p[m->n++] = p;
	return p;
}

static void ing_free_test(struct ingress *ing)
{
	if (!ing)
		return;
	struct mem *m = ing->mem_;
	for (int i = 0; i < m->n; i++)
		free(m->p[i]);
	free(m);
	free(ing);
}

struct tp {   /* one path; a new rule starts when the host changes */
	const char *host, *path, *type, *svc;
	long long port;
};

static struct ingress *mk(const char *ns, const char *name, const char *ts, const char *cls,
                          const struct tp *tps, size_t n)
{
	struct ingress *ing = calloc(1, sizeof *ing);
	assert_non_null(ing);
	ing->mem_ = calloc(1, sizeof(struct mem));
	ing->api = IW_API_NETWORKING_V1;
	ing->meta.namespace_ = ns;
	ing->meta.name = name;
	ing->meta.creation_timestamp = ts;
	ing->ingress_class_name = cls;
	ing->rules = alloc(ing, (n ? n : 1) * sizeof *ing->rules);
	ing->rules_present = n > 0;
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || strcmp(tps[i].host, tps[i - 1].host)) {
			struct iw_rule *r = &ing->rules[ing->nrules++];
			r->host = tps[i].host;
			r->paths = alloc(ing, n * sizeof *r->paths);
			r->has_http = true;
		}
		struct iw_rule *r = &ing->rules[ing->nrules - 1];
		struct iw_path *p = &r->paths[r->npaths++];
		p->path = tps[i].path;
		p->has_path = true;
		p->path_type = tps[i].type;
		p->has_backend = true;
		p->backend.has_service = true;
		p->backend.service.name = tps[i].svc ? tps[i].svc : "svc";
		p->backend.service.port_number = tps[i].port ? tps[i].port : 80;
		p->backend.service.port_name = "";
		p->backend.service.has_port = true;
	}
	return ing;
}

#define MK(ns, name, ts, cls, ...) \
	mk(ns, name, ts, cls, (const struct tp[]){ __VA_ARGS__ }, \
	   sizeof((const struct tp[]){ __VA_ARGS__ }) / sizeof(struct tp))

static void annotate(struct ingress *ing, const char *k, const char *v)
{
	/* sorted by key, as the model keeps them (iw_meta_annotation searches) */
	size_t n = ing->meta.nannotations, at = 0;
	struct iw_kv *a = alloc(ing, (n + 1) * sizeof *a);
	while (at < n && strcmp(ing->meta.annotations[at].key, k) < 0)
		at++;
	if (at)
		memcpy(a, ing->meta.annotations, at * sizeof *a);
	a[at] = (struct iw_kv){ k, v, strlen(k), strlen(v) };
	if (n > at)
		memcpy(a + at + 1, ing->meta.annotations + at, (n - at) * sizeof *a);
	ing->meta.annotations = a;
	ing->meta.nannotations++;
}

static void add_tls(struct ingress *ing, const char *host, const char *secret)
{
	struct iw_tls *t = alloc(ing, (ing->ntls + 1) * sizeof *t);
	if (ing->ntls)
		memcpy(t, ing->tls, ing->ntls * sizeof *t);
	const char **h = alloc(ing, sizeof *h);
	h[0] = host;
	t[ing->ntls] = (struct iw_tls){ h, 1, secret };
	ing->tls = t;
	ing->ntls++;
}

/* ---- running ------------------------------------------------------------------ */

struct fx {
	struct iw_policy *p;
	struct iw_state *st;
	struct findings fl;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	f->p = iw_policy_new();
	f->st = iw_state_new(ing_free_test, NULL);
	assert_non_null(f->p);
	assert_non_null(f->st);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	findings_release(&f->fl);
	iw_policy_free(f->p);
	iw_state_free(f->st);
	free(f);
	return 0;
}

static void run(struct fx *f, const struct ingress *ing, const struct ingress *old)
{
	findings_release(&f->fl);
	assert_int_equal(iw_policy_check(f->p, ing, old, f->st, &f->fl), IW_OK);
}

/* number of findings of a check; *sev gets the last one's severity */
static int count(const struct fx *f, const char *check, enum iw_severity *sev, const char **msg)
{
	int n = 0;
	for (size_t i = 0; i < f->fl.n; i++)
		if (!strcmp(f->fl.v[i].check, check)) {
			n++;
			if (sev)
				*sev = f->fl.v[i].severity;
			if (msg)
				*msg = f->fl.v[i].message;
		}
	return n;
}

static void dump(const struct fx *f)
{
	for (size_t i = 0; i < f->fl.n; i++)
		print_message("  %s %s %s: %s\n", f->fl.v[i].check, iw_severity_name(f->fl.v[i].severity),
		              f->fl.v[i].field, f->fl.v[i].message);
}

#define T1 "2024-01-01T00:00:00Z"
#define T2 "2024-02-01T00:00:00Z"

/* ---- host-path-conflict --------------------------------------------------------- */

static void exact_takes_prefix_cross_ns(void **state)
{
	struct fx *f = *state;
	assert_int_equal(iw_state_put_ingress(f->st, MK("team-a", "web", T1, "nginx",
		{ "foo.com", "/api", "Prefix", "api", 80 })), 0);
	struct ingress *x = MK("team-b", "grab", NULL, "nginx", { "foo.com", "/api", "Exact", "b", 80 });
	enum iw_severity sev = IW_SEV_OFF;
	const char *msg = NULL;
	run(f, x, NULL);
	dump(f);
	assert_int_equal(count(f, "host-path-conflict", &sev, &msg), 1);
	assert_int_equal(sev, IW_SEV_ERROR);
	assert_non_null(strstr(msg, "team-a/web"));
	assert_non_null(strstr(msg, "\"/api\""));
	assert_non_null(strstr(msg, "foo.com"));
	assert_string_equal(f->fl.v[0].field, "spec.rules[0].http.paths[0]");
	assert_true(findings_deny(&f->fl));
	ing_free_test(x);
}

static void prefix_api_vs_apis(void **state)
{
	struct fx *f = *state;
	iw_state_put_ingress(f->st, MK("team-a", "web", T1, "nginx", { "foo.com", "/api", "Prefix" }));
	struct ingress *x = MK("team-b", "other", NULL, "nginx", { "foo.com", "/apis", "Prefix" });
	run(f, x, NULL);
	dump(f);
	assert_int_equal(count(f, "host-path-conflict", NULL, NULL), 0);
	assert_int_equal(count(f, "shadowed-path", NULL, NULL), 0);
	assert_false(findings_deny(&f->fl));
	ing_free_test(x);
}

static void same_namespace_is_warning(void **state)
{
	struct fx *f = *state;
	enum iw_severity sev = IW_SEV_OFF;
	iw_state_put_ingress(f->st, MK("shop", "web", T1, "nginx", { "foo.com", "/api", "Prefix" }));
	struct ingress *x = MK("shop", "api", NULL, "nginx", { "foo.com", "/api", "Exact" });
	run(f, x, NULL);
	assert_int_equal(count(f, "host-path-conflict", &sev, NULL), 1);
	assert_int_equal(sev, IW_SEV_WARNING);
	assert_false(findings_deny(&f->fl));
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
	dump(f);
	assert_int_equal(count(f, "host-path-conflict", NULL, NULL), 0);
	ing_free_test(x);
}

static void identical_path_shadowed_now(void **state)
{
	struct fx *f = *state;
	const char *msg = NULL;
	iw_state_put_ingress(f->st, MK("team-a", "web", T1, "nginx", { "foo.com", "/api", "Prefix" }));
	struct ingress *x = MK("team-b", "copy", T2, "nginx", { "foo.com", "/api", "Prefix" });
	run(f, x, NULL);
	dump(f);
	assert_int_equal(count(f, "host-path-conflict", NULL, &msg), 1);
	assert_non_null(strstr(msg, "already served by ingress team-a/web"));
	assert_non_null(strstr(msg, "team-a/web keeps"));
	/* an identical path in another namespace is not also "shadowed-path" */
	assert_int_equal(count(f, "shadowed-path", NULL, NULL), 0);
	ing_free_test(x);
}

static void older_object_takes_over(void **state)
{
	struct fx *f = *state;
	const char *msg = NULL;
	iw_state_put_ingress(f->st, MK("team-a", "web", T2, "nginx", { "foo.com", "/api", "Prefix" }));
	struct ingress *x = MK("team-b", "old", T1, "nginx", { "foo.com", "/api", "Prefix" });
	run(f, x, NULL);
	dump(f);
	assert_int_equal(count(f, "host-path-conflict", NULL, &msg), 1);
	assert_non_null(strstr(msg, "takes requests"));
	assert_non_null(strstr(msg, "team-b/old serves them (older creationTimestamp)"));
	ing_free_test(x);
}

static void longer_prefix_takes_subtree(void **state)
{
	struct fx *f = *state;
	iw_state_put_ingress(f->st, MK("team-a", "web", T1, "nginx", { "foo.com", "/", "Prefix" }));
	struct ingress *x = MK("team-b", "v1", NULL, "nginx", { "foo.com", "/v1", "Prefix" });
	run(f, x, NULL);
	dump(f);
	assert_int_equal(count(f, "host-path-conflict", NULL, NULL), 1);
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
	assert_int_equal(count(f, "host-path-conflict", NULL, NULL), 0);
	run(f, y, NULL);
	assert_int_equal(count(f, "host-path-conflict", NULL, NULL), 0);
	ing_free_test(x);
	ing_free_test(y);
}

/* a rename: the new Ingress repeats the old one's host, path and pathType in
 * the same namespace while the old one still exists: a warning, not a block */
static void rename_same_namespace_is_warning(void **state)
{
	struct fx *f = *state;
	enum iw_severity sev = IW_SEV_OFF;
	const char *msg = NULL;
	iw_state_put_ingress(f->st, MK("shop", "web-old", T1, "nginx", { "foo.com", "/api", "Prefix" }));
	struct ingress *x = MK("shop", "web-new", NULL, "nginx", { "foo.com", "/api", "Prefix" });
	run(f, x, NULL);
	assert_int_equal(count(f, "host-path-conflict", &sev, &msg), 1);
	assert_int_equal(sev, IW_SEV_WARNING);
	assert_non_null(strstr(msg, "shop/web-old keeps it"));
	assert_false(findings_deny(&f->fl));
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
	assert_int_equal(count(f, "host-path-conflict", NULL, NULL), 0);
	assert_false(findings_deny(&f->fl));
	ing_free_test(x);
}

static void same_wildcard_conflicts(void **state)
{
	struct fx *f = *state;
	iw_state_put_ingress(f->st, MK("team-a", "w", T1, "nginx", { "*.foo.com", "/", "Prefix" }));
	struct ingress *x = MK("team-b", "w2", NULL, "nginx", { "*.foo.com", "/login", "Exact" });
	run(f, x, NULL);
	dump(f);
	assert_int_equal(count(f, "host-path-conflict", NULL, NULL), 1);
	ing_free_test(x);
}

static void merge_vs_default_backend(void **state)
{
	struct fx *f = *state;
	const char *msg = NULL;
	/* different paths on one host from two namespaces merge: no conflict */
	iw_state_put_ingress(f->st, MK("team-a", "web", T1, "nginx", { "foo.com", "/api", "Prefix" }));
	struct ingress *x = MK("team-b", "other", NULL, "nginx", { "foo.com", "/other", "Prefix" });
	run(f, x, NULL);
	dump(f);
	assert_int_equal(count(f, "host-path-conflict", NULL, NULL), 0);
	/* ... unless the host's owner has a defaultBackend serving those paths today */
	struct ingress *a = MK("team-a", "web", T1, "nginx", { "foo.com", "/api", "Prefix" });
	a->has_default_backend = true;
	a->default_backend.has_service = true;
	a->default_backend.service.name = "fallback";
	a->default_backend.service.port_number = 80;
	a->default_backend.service.port_name = "";
	iw_state_put_ingress(f->st, a);
	run(f, x, NULL);
	dump(f);
	assert_int_equal(count(f, "host-path-conflict", NULL, &msg), 1);
	assert_non_null(strstr(msg, "spec.defaultBackend of ingress team-a/web"));
	ing_free_test(x);
}

/* ---- wildcard-host-overlap --------------------------------------------------- */

static void exact_over_wildcard_is_overlap_not_conflict(void **state)
{
	struct fx *f = *state;
	enum iw_severity sev = IW_SEV_OFF;
	iw_state_put_ingress(f->st, MK("team-a", "w", T1, "nginx", { "*.foo.com", "/", "Prefix" }));
	struct ingress *x = MK("team-b", "app", NULL, "nginx", { "app.foo.com", "/", "Prefix" });
	run(f, x, NULL);
	dump(f);
	assert_int_equal(count(f, "host-path-conflict", NULL, NULL), 0);
	assert_int_equal(count(f, "wildcard-host-overlap", &sev, NULL), 1);
	assert_int_equal(sev, IW_SEV_WARNING);
	ing_free_test(x);
}

static void wildcard_over_exact(void **state)
{
	struct fx *f = *state;
	const char *msg = NULL;
	iw_state_put_ingress(f->st, MK("team-a", "app", T1, "nginx", { "app.foo.com", "/", "Prefix" }));
	iw_state_put_ingress(f->st, MK("team-c", "deep", T1, "nginx", { "a.b.foo.com", "/", "Prefix" }));
	struct ingress *x = MK("team-b", "w", NULL, "nginx", { "*.foo.com", "/", "Prefix" });
	run(f, x, NULL);
	dump(f);
	assert_int_equal(count(f, "wildcard-host-overlap", NULL, &msg), 1);
	assert_non_null(strstr(msg, "app.foo.com"));
	/* same namespace: no overlap finding */
	struct ingress *y = MK("team-a", "w", NULL, "nginx", { "*.foo.com", "/", "Prefix" });
	run(f, y, NULL);
	assert_int_equal(count(f, "wildcard-host-overlap", NULL, NULL), 0);
	ing_free_test(x);
	ing_free_test(y);
}

/* ---- duplicate-path, shadowed-path ----------------------------------------------- */

static void duplicate_path(void **state)
{
	struct fx *f = *state;
	enum iw_severity sev = IW_SEV_OFF;
	struct ingress *x = MK("a", "x", NULL, NULL, { "foo.com", "/api", "Prefix", "one", 80 },
	                       { "foo.com", "/api", "Prefix", "two", 80 });
	run(f, x, NULL);
	dump(f);
	assert_int_equal(count(f, "duplicate-path", &sev, NULL), 1);
	/* issue 13: the API server accepts it and the specification does not say
	 * which wins: a warning (it was an error) */
	assert_int_equal(sev, IW_SEV_WARNING);
	assert_string_equal(f->fl.v[0].field, "spec.rules[0].http.paths[1]");
	struct ingress *y = MK("a", "y", NULL, NULL, { "foo.com", "/api", "Prefix", "one", 80 },
	                       { "foo.com", "/api", "Prefix", "one", 80 });
	run(f, y, NULL);
	assert_int_equal(count(f, "duplicate-path", &sev, NULL), 1);
	assert_int_equal(sev, IW_SEV_WARNING);
	/* different pathType or host: not a duplicate */
	struct ingress *z = MK("a", "z", NULL, NULL, { "foo.com", "/api", "Prefix" },
	                       { "foo.com", "/api", "Exact" }, { "bar.com", "/api", "Prefix" });
	run(f, z, NULL);
	assert_int_equal(count(f, "duplicate-path", NULL, NULL), 0);
	ing_free_test(x);
	ing_free_test(y);
	ing_free_test(z);
}

static void shadowed_path(void **state)
{
	struct fx *f = *state;
	const char *msg = NULL;
	/* Prefix /api/ matches /api, /api/ and /api/x and is longer: /api never wins */
	struct ingress *x = MK("a", "x", NULL, NULL, { "foo.com", "/api", "Prefix", "one", 80 },
	                       { "foo.com", "/api/", "Prefix", "two", 80 });
	run(f, x, NULL);
	dump(f);
	assert_int_equal(count(f, "shadowed-path", NULL, &msg), 1);
	assert_non_null(strstr(msg, "Prefix /api on host"));
	/* Exact /api next to Prefix /api: both receive traffic */
	struct ingress *y = MK("a", "y", NULL, NULL, { "foo.com", "/api", "Prefix" },
	                       { "foo.com", "/api", "Exact" }, { "foo.com", "/", "Prefix" });
	run(f, y, NULL);
	dump(f);
	assert_int_equal(count(f, "shadowed-path", NULL, NULL), 0);
	/* shadowed by another Ingress's longer prefix */
	iw_state_put_ingress(f->st, MK("b", "long", T1, NULL, { "bar.com", "/app/", "Prefix" }));
	struct ingress *z = MK("c", "short", NULL, NULL, { "bar.com", "/app", "Prefix" });
	run(f, z, NULL);
	dump(f);
	assert_int_equal(count(f, "shadowed-path", NULL, NULL), 1);
	ing_free_test(x);
	ing_free_test(y);
	ing_free_test(z);
}

/* ---- TLS -------------------------------------------------------------------------- */

static void tls_checks(void **state)
{
	struct fx *f = *state;
	const char *msg = NULL;
	struct ingress *x = MK("a", "x", NULL, "nginx", { "foo.com", "/", "Prefix" },
	                       { "*.bar.com", "/", "Prefix" });
	add_tls(x, "foo.com", "foo-tls");
	add_tls(x, "www.bar.com", "bar-tls");
	add_tls(x, "typo.com", "t-tls");
	run(f, x, NULL);
	dump(f);
	assert_int_equal(count(f, "tls-host-unserved", NULL, &msg), 1);
	assert_non_null(strstr(msg, "typo.com"));
	assert_int_equal(count(f, "tls-secret-conflict", NULL, NULL), 0);

	struct ingress *o = MK("b", "o", T1, "nginx", { "foo.com", "/other", "Prefix" });
	add_tls(o, "foo.com", "other-tls");
	iw_state_put_ingress(f->st, o);
	run(f, x, NULL);
	dump(f);
	assert_int_equal(count(f, "tls-secret-conflict", NULL, &msg), 1);
	assert_non_null(strstr(msg, "b/other-tls"));
	ing_free_test(x);
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
	const char *msg = NULL;
	struct ingress *x = MK("shop", "x", NULL, "nginx", { "foo.com", "/a", "Prefix", "web", 80 },
	                       { "foo.com", "/b", "Prefix", "web", 8080 },
	                       { "foo.com", "/c", "Prefix", "gone", 80 });
	/* the state knows no Services and no classes: the reference checks stay quiet */
	run(f, x, NULL);
	assert_int_equal(count(f, "dangling-service", NULL, NULL), 0);
	assert_int_equal(count(f, "unknown-ingress-class", NULL, NULL), 0);

	assert_int_equal(iw_state_put_service(f->st, svc(
		"{\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\"},"
		"\"spec\":{\"ports\":[{\"name\":\"http\",\"port\":80}]}}")), 0);
	assert_int_equal(iw_state_put_service(f->st, svc(
		"{\"metadata\":{\"name\":\"gone\",\"namespace\":\"elsewhere\"},\"spec\":{}}")), 0);
	run(f, x, NULL);
	dump(f);
	assert_int_equal(count(f, "dangling-service", NULL, &msg), 1);
	assert_non_null(strstr(msg, "shop/gone"));
	assert_string_equal(f->fl.v[1].field, "spec.rules[0].http.paths[2].backend.service.name");
	assert_int_equal(count(f, "dangling-service-port", NULL, &msg), 1);
	assert_non_null(strstr(msg, "port 8080"));
	assert_non_null(strstr(msg, "http/80"));

	/* classes */
	struct iw_state *st = iw_state_new(NULL, ic_free);
	assert_int_equal(iw_state_put_class(st, ic_new("traefik", false, T1)), 0);
	findings_release(&f->fl);
	iw_policy_check(f->p, x, NULL, st, &f->fl);
	assert_int_equal(count(f, "unknown-ingress-class", NULL, &msg), 1);
	assert_non_null(strstr(msg, "\"nginx\""));
	struct ingress *nocls = MK("shop", "n", NULL, NULL, { "x.com", "/", "Prefix" });
	findings_release(&f->fl);
	iw_policy_check(f->p, nocls, NULL, st, &f->fl);
	assert_int_equal(count(f, "no-ingress-class", NULL, NULL), 1);
	iw_state_put_class(st, ic_new("nginx", true, T1));
	findings_release(&f->fl);
	iw_policy_check(f->p, nocls, NULL, st, &f->fl);
	assert_int_equal(count(f, "no-ingress-class", NULL, NULL), 0);
	findings_release(&f->fl);
	iw_policy_check(f->p, x, NULL, st, &f->fl);
	assert_int_equal(count(f, "unknown-ingress-class", NULL, NULL), 0);
	assert_string_equal(iw_effective_class(nocls, st), "nginx");
	iw_state_free(st);
	ing_free_test(x);
	ing_free_test(nocls);
}

/* ---- object-only checks ------------------------------------------------------------ */

static void annotations_and_api(void **state)
{
	struct fx *f = *state;
	const char *msg = NULL;
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
	dump(f);
	assert_int_equal(count(f, "deprecated-api", NULL, &msg), 1);
	assert_non_null(strstr(msg, "extensions/v1beta1"));
	assert_int_equal(count(f, "deprecated-class-annotation", NULL, NULL), 1);
	assert_int_equal(count(f, "dangerous-annotation", NULL, NULL), 4);
	assert_true(findings_deny(&f->fl));

	struct ingress *ok = MK("a", "ok", NULL, "nginx", { "foo.com", "/", "Prefix" });
	annotate(ok, "nginx.ingress.kubernetes.io/auth-url",
	         "https://auth.example.com/oauth2/auth?rd=$escaped_request_uri");
	annotate(ok, "nginx.ingress.kubernetes.io/auth-tls-match-cn", "CN=client-[0-9]+");
	annotate(ok, "nginx.ingress.kubernetes.io/mirror-target", "https://mirror.svc$request_uri");
	run(f, ok, NULL);
	dump(f);
	assert_int_equal(f->fl.n, 0);
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
	dump(f);
	assert_int_equal(count(f, "regex-in-path", NULL, NULL), 1);
	assert_string_equal(f->fl.v[0].field, "spec.rules[0].http.paths[0].path");
	ing_free_test(x);
}

/* ---- configuration ----------------------------------------------------------------- */

static void config_severity_and_scope(void **state)
{
	struct fx *f = *state;
	enum iw_severity sev = IW_SEV_OFF;
	iw_state_put_ingress(f->st, MK("team-a", "web", T1, "nginx", { "foo.com", "/api", "Prefix" }));
	struct ingress *x = MK("team-b", "grab", NULL, "nginx", { "foo.com", "/api", "Exact" });

	f->p->check[IW_CHK_HOST_PATH_CONFLICT].severity = IW_SEV_WARNING;
	run(f, x, NULL);
	assert_int_equal(count(f, "host-path-conflict", &sev, NULL), 1);
	assert_int_equal(sev, IW_SEV_WARNING);

	f->p->check[IW_CHK_HOST_PATH_CONFLICT].severity = IW_SEV_ERROR;
	char **ns = calloc(1, sizeof *ns);
	ns[0] = strdup("sandbox");
	f->p->check[IW_CHK_HOST_PATH_CONFLICT].namespaces = ns;
	f->p->check[IW_CHK_HOST_PATH_CONFLICT].nnamespaces = 1;
	run(f, x, NULL);
	assert_int_equal(count(f, "host-path-conflict", NULL, NULL), 0);

	char **cls = calloc(1, sizeof *cls);
	cls[0] = strdup("nginx");
	f->p->check[IW_CHK_HOST_PATH_CONFLICT].classes = cls;
	f->p->check[IW_CHK_HOST_PATH_CONFLICT].nclasses = 1;
	ns[0][0] = 0;
	strcpy(ns[0], "team-b");
	run(f, x, NULL);
	assert_int_equal(count(f, "host-path-conflict", NULL, NULL), 1);

	f->p->check[IW_CHK_HOST_PATH_CONFLICT].severity = IW_SEV_OFF;
	f->p->check[IW_CHK_HOST_PATH_CONFLICT].alt_severity = IW_SEV_OFF;
	run(f, x, NULL);
	assert_int_equal(count(f, "host-path-conflict", NULL, NULL), 0);

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

/* ---- state ---------------------------------------------------------------------------- */

static void state_incremental(void **state)
{
	struct fx *f = *state;
	size_t n;
	iw_state_put_ingress(f->st, MK("a", "one", T1, NULL, { "foo.com", "/", "Prefix" },
	                               { "x.bar.com", "/", "Prefix" }));
	iw_state_put_ingress(f->st, MK("b", "two", T1, NULL, { "foo.com", "/b", "Prefix" }));
	assert_int_equal(iw_state_ningresses(f->st), 2);
	iw_state_by_host(f->st, "foo.com", &n);
	assert_int_equal(n, 2);
	iw_state_by_wild(f->st, "*.bar.com", &n);
	assert_int_equal(n, 1);
	/* replace: a/one no longer names foo.com */
	iw_state_put_ingress(f->st, MK("a", "one", T1, NULL, { "baz.com", "/", "Prefix" }));
	assert_int_equal(iw_state_ningresses(f->st), 2);
	iw_state_by_host(f->st, "foo.com", &n);
	assert_int_equal(n, 1);
	iw_state_by_wild(f->st, "*.bar.com", &n);
	assert_int_equal(n, 0);
	assert_non_null(iw_state_get_ingress(f->st, "a", "one"));
	assert_true(iw_state_del_ingress(f->st, "a", "one"));
	assert_false(iw_state_del_ingress(f->st, "a", "one"));
	assert_null(iw_state_get_ingress(f->st, "a", "one"));
	iw_state_by_host(f->st, "baz.com", &n);
	assert_int_equal(n, 0);
	assert_int_equal(iw_state_ningresses(f->st), 1);
	/* many adds and deletes reuse slots and keep lookups right */
	char names[300][16];
	for (int i = 0; i < 300; i++) {
		snprintf(names[i], sizeof names[i], "n%d", i);
		iw_state_put_ingress(f->st, MK("c", names[i], T1, NULL, { "many.com", "/", "Prefix" }));
	}
	for (int i = 0; i < 300; i += 2)
		assert_true(iw_state_del_ingress(f->st, "c", names[i]));
	iw_state_by_host(f->st, "many.com", &n);
	assert_int_equal(n, 150);
	assert_int_equal(iw_state_ningresses(f->st), 151);
	assert_true(iw_state_index_bytes(f->st) > 0);
	/* a host named twice in one object (and its wildcard form) is listed
	 * once, between other objects' entries; its delete leaves none */
	iw_state_put_ingress(f->st, MK("d", "twice", T1, NULL, { "many.com", "/a", "Prefix" },
	                               { "y.bar.com", "/", "Prefix" }, { "z.bar.com", "/", "Prefix" },
	                               { "many.com", "/b", "Prefix" }));
	iw_state_by_host(f->st, "many.com", &n);
	assert_int_equal(n, 151);
	iw_state_by_wild(f->st, "*.bar.com", &n);
	assert_int_equal(n, 1);
	assert_true(iw_state_del_ingress(f->st, "d", "twice"));
	iw_state_by_host(f->st, "many.com", &n);
	assert_int_equal(n, 150);
	iw_state_by_wild(f->st, "*.bar.com", &n);
	assert_int_equal(n, 0);
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
	iw_state_by_host(f->st, "foo.com", &n);
	assert_int_equal(n, 0);
	iw_state_by_wild(f->st, "*.bar.com", &n);
	assert_int_equal(n, 0);
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
	iw_state_by_host(f->st, "baz.com", &n);
	assert_int_equal(n, 0);
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
	iw_state_by_host(f->st, "big.com", &n);
	assert_int_equal(n, 3);
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
		iw_state_by_wild(f->st, "*.example.com", &n);
		assert_int_equal(n, 1);
		iw_state_by_host(f->st, hosts[round + 1], &n);
		assert_int_equal(n, 0);
		assert_true(iw_state_del_ingress(f->st, "churn", names[round]));
		iw_state_put_ingress(f->st, MK("churn", "keep", T1, NULL, { "keep.example.com", "/", "Prefix" }));
		assert_non_null(iw_state_get_ingress(f->st, "churn", "keep"));
		assert_int_equal(iw_state_ningresses(f->st), 1);
	}
	iw_state_by_host(f->st, "keep.example.com", &n);
	assert_int_equal(n, 1);
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
	assert_int_equal(f->fl.n, 1);
	assert_string_equal(f->fl.v[0].check, "regex-in-path");
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
	assert_int_equal(f->fl.n, 1);
	assert_string_equal(f->fl.v[0].check, "deprecated-api");
	assert_int_equal(f->fl.v[0].severity, IW_SEV_WARNING);
	assert_string_equal(f->fl.v[0].field, "apiVersion");
	assert_string_equal(f->fl.v[0].message, "networking.k8s.io/v1beta1 IngressClass was removed in "
	                                        "Kubernetes 1.22: use networking.k8s.io/v1");
	findings_release(&f->fl);
	f->p->check[IW_CHK_DEPRECATED_API].severity = IW_SEV_ERROR;
	assert_int_equal(iw_policy_check_class(f->p, &ic, NULL, f->st, &f->fl), IW_OK);
	assert_int_equal(f->fl.n, 1);
	assert_int_equal(f->fl.v[0].severity, IW_SEV_ERROR);
	findings_release(&f->fl);
	static char *const ns[] = { (char *)"prod" };
	f->p->check[IW_CHK_DEPRECATED_API].namespaces = (char **)ns;
	f->p->check[IW_CHK_DEPRECATED_API].nnamespaces = 1;
	assert_int_equal(iw_policy_check_class(f->p, &ic, NULL, f->st, &f->fl), IW_OK);
	f->p->check[IW_CHK_DEPRECATED_API].namespaces = NULL;   /* not the policy's to free */
	f->p->check[IW_CHK_DEPRECATED_API].nnamespaces = 0;
	assert_int_equal(f->fl.n, 0);
	ic.api = IW_API_NETWORKING_V1;
	assert_int_equal(iw_policy_check_class(f->p, &ic, NULL, f->st, &f->fl), IW_OK);
	assert_int_equal(f->fl.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(exact_takes_prefix_cross_ns, setup, teardown),
		cmocka_unit_test_setup_teardown(state_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(state_churn, setup, teardown),
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
		cmocka_unit_test_setup_teardown(shadowed_path, setup, teardown),
		cmocka_unit_test_setup_teardown(tls_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(references, setup, teardown),
		cmocka_unit_test_setup_teardown(annotations_and_api, setup, teardown),
		cmocka_unit_test_setup_teardown(regex_in_path, setup, teardown),
		cmocka_unit_test_setup_teardown(config_severity_and_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(state_incremental, setup, teardown),
		cmocka_unit_test_setup_teardown(class_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(audit, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
