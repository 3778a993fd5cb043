/*
 * What the tests of checks/ share: Ingresses built by hand (every
 * allocation hung off mem_, released with ing_free_test), a fixture (a
 * default policy, a state that borrows its Ingresses, the findings of the
 * last run), and the findings of a run as one text compared whole
 * (expect_findings).  Included by one test file per binary.
 */
#ifndef IW_TESTS_CHECKS_FIXTURE_H
#define IW_TESTS_CHECKS_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include "checks/policy.h"
#include "checks/state.h"
#include "expect.h"

#define T1 "2024-01-01T00:00:00Z"
#define T2 "2024-02-01T00:00:00Z"

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

static inline void add_tls(struct ingress *ing, const char *host, const char *secret)
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

static inline void run(struct fx *f, const struct ingress *ing, const struct ingress *old)
{
	findings_release(&f->fl);
	assert_int_equal(iw_policy_check(f->p, ing, old, f->st, &f->fl), IW_OK);
}

/* The whole list of findings of the last run is 'want' (expect.h). */
#define expect_findings(f, want) expect_list_(&(f)->fl, (want), __LINE__)

/* The Ingresses of a state lookup as "ns/name" lines, sorted. */
static inline char *names_of(const struct ingress *const *l, size_t n)
{
	char **v = calloc(n + 1, sizeof *v), *s;
	size_t size = 1;
	for (size_t i = 0; i < n; i++) {
		v[i] = malloc(strlen(iw_namespace(&l[i]->meta)) + strlen(iw_nz(l[i]->meta.name)) + 3);
		sprintf(v[i], "%s/%s\n", iw_namespace(&l[i]->meta), iw_nz(l[i]->meta.name));
		size += strlen(v[i]);
	}
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
			char *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	s = malloc(size);
	*s = 0;
	for (size_t i = 0; i < n; i++) {
		strcat(s, v[i]);
		free(v[i]);
	}
	free(v);
	return s;
}

/* The Ingresses a state lists under host (tag 'H'), wildcard ('W') or TLS
 * host ('T') are exactly 'want' ("ns/name\n" lines, sorted). */
#define expect_hosts(st, tag, host, want) expect_hosts_((st), (tag), (host), (want), __LINE__)
static inline void expect_hosts_(const struct iw_state *st, char tag, const char *host, const char *want,
                          int line)
{
	size_t n;
	const struct ingress *const *l = tag == 'H' ? iw_state_by_host(st, host, &n)
	                               : tag == 'W' ? iw_state_by_wild(st, host, &n)
	                                            : iw_state_by_tls(st, host, &n);
	char *got = names_of(l, n);
	if (strcmp(got, want))
		fail_msg("line %d: %c %s lists\n%s(want\n%s)", line, tag, host, got, want);
	free(got);
}

#endif
