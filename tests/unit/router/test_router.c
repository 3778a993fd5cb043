/*
 * The reference router core on hand-built models: host groups, each
 * precedence key, default backends, class selection, and the hashed lookup
 * against a brute-force scan (host and path normalisation: test_norm.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "router/norm.h"
#include "router/probes.h"
#include "router/router.h"

/* ---- model builder --------------------------------------------------- */

/* One path; a new rule starts when the host changes or 'newrule' is set.
 * path == NULL: a rule with a host and no http. */
struct tp {
	const char *host, *path, *type, *svc;
	long long port;
	int newrule;
};

struct ing_opts {
	const char *ts;           /* creationTimestamp or NULL */
	const char *cls_ann;      /* kubernetes.io/ingress.class */
	const char *cls_field;    /* spec.ingressClassName */
	const char *dflt_svc;     /* spec.defaultBackend service */
};

static struct ingress *ing_new(const char *ns, const char *name, const struct ing_opts *o,
                               const struct tp *tps, size_t n)
{
	struct ingress *ing = calloc(1, sizeof *ing);
	assert_non_null(ing);
	ing->api = IW_API_NETWORKING_V1;
	ing->meta.namespace_ = ns;
	ing->meta.name = name;
	if (o) {
		ing->meta.creation_timestamp = o->ts;
		ing->ingress_class_name = o->cls_field;
		if (o->cls_ann) {
			ing->meta.annotations = calloc(1, sizeof *ing->meta.annotations);
			ing->meta.annotations[0].key = "kubernetes.io/ingress.class";
			ing->meta.annotations[0].value = o->cls_ann;
			ing->meta.annotations[0].key_len = strlen("kubernetes.io/ingress.class");
			ing->meta.annotations[0].value_len = strlen(o->cls_ann);
			ing->meta.nannotations = 1;
		}
		if (o->dflt_svc) {
			ing->has_default_backend = true;
			ing->default_backend.has_service = true;
			ing->default_backend.service.name = o->dflt_svc;
			ing->default_backend.service.port_number = 80;
			ing->default_backend.service.port_name = "";
		}
	}
	ing->rules = calloc(n ? n : 1, sizeof *ing->rules);
	ing->rules_present = n > 0;
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || tps[i].newrule || strcmp(tps[i].host, tps[i - 1].host)) {
			struct iw_rule *r = &ing->rules[ing->nrules++];
			r->host = tps[i].host;
			r->paths = calloc(n, sizeof *r->paths);
		}
		struct iw_rule *r = &ing->rules[ing->nrules - 1];
		if (!tps[i].path)
			continue;
		r->has_http = true;
		struct iw_path *p = &r->paths[r->npaths++];
		p->path = tps[i].path;
		p->has_path = true;
		p->path_type = tps[i].type;
		p->has_backend = true;
		p->backend.has_service = true;
		p->backend.service.name = tps[i].svc;
		p->backend.service.port_number = tps[i].port;
		p->backend.service.port_name = "";
		p->backend.service.has_port = true;
	}
	return ing;
}

static void ing_del(struct ingress *ing)
{
	for (size_t i = 0; i < ing->nrules; i++)
		free(ing->rules[i].paths);
	free(ing->rules);
	free(ing->meta.annotations);
	free(ing);
}

#define MAXI 16
struct fixture {
	struct ingress *ings[MAXI];
	size_t n;
	struct ingress_class *classes[4];
	size_t nclasses;
	struct rt_table *t;
};

static void fx_add(struct fixture *f, const char *ns, const char *name, const struct ing_opts *o,
                   const struct tp *tps, size_t n)
{
	assert_true(f->n < MAXI);
	f->ings[f->n++] = ing_new(ns, name, o, tps, n);
}

static void fx_build(struct fixture *f, const char *cls)
{
	struct rt_input in = {
		.ingresses = (const struct ingress *const *)f->ings, .ningresses = f->n,
		.classes = (const struct ingress_class *const *)f->classes, .nclasses = f->nclasses,
		.ingress_class = cls,
	};
	rt_free(f->t);
	f->t = rt_build(&in);
	assert_non_null(f->t);
}

static void fx_free(struct fixture *f)
{
	rt_free(f->t);
	for (size_t i = 0; i < f->n; i++)
		ing_del(f->ings[i]);
	for (size_t i = 0; i < f->nclasses; i++)
		free(f->classes[i]);
	memset(f, 0, sizeof *f);
}

/* "ns/name svc" of the decision, "default ns/name svc", or "none" */
static const char *route(struct fixture *f, const char *host, const char *path)
{
	static char out[256];
	struct rt_decision d;
	assert_int_equal(rt_match(f->t, host, strlen(host), path, strlen(path), &d), 0);
	/* the explanation must always be producible */
	char *reason = NULL;
	char *text = rt_explain(f->t, host, strlen(host), path, strlen(path), &d, &reason);
	assert_non_null(text);
	assert_non_null(reason);
	free(text);
	free(reason);
	if (d.match == RT_NONE)
		return "none";
	snprintf(out, sizeof out, "%s%s/%s %s", d.match == RT_DEFAULT ? "default " : "",
	         d.namespace_, d.name, d.backend->service.name);
	return out;
}

#define N(a) (sizeof(a) / sizeof *(a))

/* ---- path matching (sec. 6) ---------------------------------------- */

static void path_types(void **state)
{
	(void)state;
	struct fixture f = { 0 };
	const struct tp tps[] = {
		{ "h.com", "/exact", "Exact", "ex", 80, 0 },
		{ "h.com", "/pre", "Prefix", "pre", 80, 0 },
		{ "h.com", "/slash/", "Prefix", "slash", 80, 0 },
		{ "h.com", "/is", "ImplementationSpecific", "is", 80, 0 },
		{ "h.com", "/aaa/bb", "Prefix", "bb", 80, 0 },
	};
	fx_add(&f, "ns", "i", NULL, tps, N(tps));
	fx_build(&f, NULL);
	assert_string_equal(route(&f, "h.com", "/exact"), "ns/i ex");
	assert_string_equal(route(&f, "h.com", "/exact/"), "none");
	assert_string_equal(route(&f, "h.com", "/exactly"), "none");
	assert_string_equal(route(&f, "h.com", "/EXACT"), "none");
	assert_string_equal(route(&f, "h.com", "/pre"), "ns/i pre");
	assert_string_equal(route(&f, "h.com", "/pre/"), "ns/i pre");
	assert_string_equal(route(&f, "h.com", "/pre/x/y"), "ns/i pre");
	assert_string_equal(route(&f, "h.com", "/prefix"), "none");
	assert_string_equal(route(&f, "h.com", "/slash"), "ns/i slash");
	assert_string_equal(route(&f, "h.com", "/slash/"), "ns/i slash");
	assert_string_equal(route(&f, "h.com", "/slash/z"), "ns/i slash");
	assert_string_equal(route(&f, "h.com", "/slashes"), "none");
	assert_string_equal(route(&f, "h.com", "/is"), "ns/i is");
	assert_string_equal(route(&f, "h.com", "/isbar"), "ns/i is");
	assert_string_equal(route(&f, "h.com", "/is/x"), "ns/i is");
	assert_string_equal(route(&f, "h.com", "/IS"), "none");
	assert_string_equal(route(&f, "h.com", "/aaa/bbb"), "none");
	assert_string_equal(route(&f, "h.com", "/aaa/bb/c"), "ns/i bb");
	/* %2F stays inside its element; unreserved escapes are decoded */
	assert_string_equal(route(&f, "h.com", "/pre%2Fx"), "none");
	assert_string_equal(route(&f, "h.com", "/pr%65/x"), "ns/i pre");
	assert_string_equal(route(&f, "h.com", "/x/../pre?q=/exact"), "ns/i pre");
	fx_free(&f);
}

/* Paths longer than 64 bytes: the per-group length masks are taken modulo
 * 64, so lengths 6, 70 and 134 share a bit. */
static void long_paths(void **state)
{
	(void)state;
	char p70[71], is130[131], ex135[136], req[300];
	p70[0] = '/';
	memset(p70 + 1, 'a', 69);
	p70[70] = '\0';
	snprintf(is130, sizeof is130, "%s/", p70);
	memset(is130 + 71, 'c', 59);
	is130[130] = '\0';
	snprintf(ex135, sizeof ex135, "%sddddd", is130);
	struct fixture f = { 0 };
	const struct tp tps[] = {
		{ "h.com", p70, "Prefix", "p70", 80, 0 },
		{ "h.com", "/bbbbb", "Prefix", "p6", 80, 0 },
		{ "h.com", is130, "ImplementationSpecific", "is130", 80, 0 },
		{ "h.com", ex135, "Exact", "ex135", 80, 0 },
	};
	fx_add(&f, "ns", "i", NULL, tps, N(tps));
	fx_build(&f, NULL);
	assert_string_equal(route(&f, "h.com", p70), "ns/i p70");
	snprintf(req, sizeof req, "%s/x", p70);
	assert_string_equal(route(&f, "h.com", req), "ns/i p70");
	snprintf(req, sizeof req, "%sx", p70);
	assert_string_equal(route(&f, "h.com", req), "none");
	snprintf(req, sizeof req, "%s/", p70);
	memset(req + 71, 'e', 129);
	req[200] = '\0';
	assert_string_equal(route(&f, "h.com", req), "ns/i p70");
	req[134] = '/';
	assert_string_equal(route(&f, "h.com", req), "ns/i p70");
	assert_string_equal(route(&f, "h.com", is130), "ns/i is130");
	snprintf(req, sizeof req, "%szz", is130);
	assert_string_equal(route(&f, "h.com", req), "ns/i is130");
	assert_string_equal(route(&f, "h.com", ex135), "ns/i ex135");
	snprintf(req, sizeof req, "%s/", ex135);
	assert_string_equal(route(&f, "h.com", req), "ns/i is130");
	snprintf(req, sizeof req, "%s?q", ex135);
	assert_string_equal(route(&f, "h.com", req), "ns/i ex135");
	snprintf(req, sizeof req, "/bbbbb/%s", p70);
	assert_string_equal(route(&f, "h.com", req), "ns/i p6");
	snprintf(req, sizeof req, "/bbbbb%s", p70 + 6);
	assert_string_equal(route(&f, "h.com", req), "none");
	fx_free(&f);

	/* host keys longer than what a group holds inline */
	char lh[80], wh[90], rh[110];
	snprintf(lh, sizeof lh, "%s.com", "abcdefghij0123456789abcdefghij0123456789abcdefghij0123456789ab");
	snprintf(wh, sizeof wh, "*.%s", lh);
	const struct tp tl[] = {
		{ lh, "/", "Prefix", "long", 80, 0 },
		{ wh, "/", "Prefix", "wild", 80, 1 },
	};
	fx_add(&f, "ns", "i", NULL, tl, N(tl));
	fx_build(&f, NULL);
	assert_string_equal(route(&f, lh, "/x"), "ns/i long");
	for (size_t i = 0; lh[i]; i++)
		rh[i] = (char)(lh[i] >= 'a' && lh[i] <= 'z' ? lh[i] - 'a' + 'A' : lh[i]);
	snprintf(rh + strlen(lh), sizeof rh - strlen(lh), ".:8443");
	assert_string_equal(route(&f, rh, "/x"), "ns/i long");
	snprintf(rh, sizeof rh, "x.%s", lh);
	assert_string_equal(route(&f, rh, "/x"), "ns/i wild");
	snprintf(rh, sizeof rh, "y.x.%s", lh);
	assert_string_equal(route(&f, rh, "/x"), "none");
	snprintf(rh, sizeof rh, "%s", lh);
	rh[strlen(rh) - 1] = 'n';
	assert_string_equal(route(&f, rh, "/x"), "none");
	fx_free(&f);
}

/* ---- precedence (sec. 7) ------------------------------------------- */

static void longest_then_type(void **state)
{
	(void)state;
	struct fixture f = { 0 };
	const struct tp tps[] = {
		{ "h.com", "/", "Prefix", "root", 80, 0 },
		{ "h.com", "/foo", "ImplementationSpecific", "is", 80, 0 },
		{ "h.com", "/foo", "Prefix", "prefix", 80, 0 },
		{ "h.com", "/foo", "Exact", "exact", 80, 0 },
		{ "h.com", "/foo/", "Prefix", "prefix-slash", 80, 0 },
		{ "h.com", "/foo/bar", "ImplementationSpecific", "is-long", 80, 0 },
	};
	fx_add(&f, "ns", "i", NULL, tps, N(tps));
	fx_build(&f, NULL);
	/* equal length 4: Exact > Prefix > IS; but Prefix /foo/ is longer (5) */
	assert_string_equal(route(&f, "h.com", "/foo"), "ns/i prefix-slash");
	assert_string_equal(route(&f, "h.com", "/foo/"), "ns/i prefix-slash");
	assert_string_equal(route(&f, "h.com", "/foo/x"), "ns/i prefix-slash");
	assert_string_equal(route(&f, "h.com", "/foo/barbaz"), "ns/i is-long");
	assert_string_equal(route(&f, "h.com", "/foox"), "ns/i is");
	assert_string_equal(route(&f, "h.com", "/other"), "ns/i root");
	struct rt_decision d;
	rt_match(f.t, "h.com", 5, "/foox", 5, &d);
	assert_int_equal(d.key, RT_K_LENGTH);   /* IS /foo (4) beat Prefix / (1) */
	fx_free(&f);

	/* without /foo/: the type decides at equal length */
	const struct tp tps2[] = {
		{ "h.com", "/foo", "ImplementationSpecific", "is", 80, 0 },
		{ "h.com", "/foo", "Prefix", "prefix", 80, 0 },
		{ "h.com", "/foo", "Exact", "exact", 80, 0 },
	};
	fx_add(&f, "ns", "i", NULL, tps2, N(tps2));
	fx_build(&f, NULL);
	assert_string_equal(route(&f, "h.com", "/foo"), "ns/i exact");
	rt_match(f.t, "h.com", 5, "/foo", 4, &d);
	assert_int_equal(d.key, RT_K_TYPE);
	assert_string_equal(route(&f, "h.com", "/foo/x"), "ns/i prefix");
	rt_match(f.t, "h.com", 5, "/foo/x", 6, &d);
	assert_int_equal(d.key, RT_K_TYPE);
	assert_string_equal(route(&f, "h.com", "/foobar"), "ns/i is");
	rt_match(f.t, "h.com", 5, "/foobar", 7, &d);
	assert_int_equal(d.key, RT_K_NONE);
	fx_free(&f);
}

static void age_name_order(void **state)
{
	(void)state;
	struct fixture f = { 0 };
	const struct tp p[] = { { "h.com", "/a", "Prefix", "svc-new", 80, 0 } };
	const struct tp q[] = { { "h.com", "/a", "Prefix", "svc-old", 80, 0 } };
	const struct tp nots[] = { { "h.com", "/a", "Prefix", "svc-nots", 80, 0 } };
	struct ing_opts newer = { .ts = "2024-01-02T00:00:00Z" };
	struct ing_opts older = { .ts = "2024-01-01T23:59:59+00:00" };
	/* key 3: the oldest, whatever the names and the order */
	fx_add(&f, "zzz", "nots", NULL, nots, 1);
	fx_add(&f, "aaa", "new", &newer, p, 1);
	fx_add(&f, "zzz", "old", &older, q, 1);
	fx_build(&f, NULL);
	assert_string_equal(route(&f, "h.com", "/a"), "zzz/old svc-old");
	struct rt_decision d;
	rt_match(f.t, "h.com", 5, "/a", 2, &d);
	assert_int_equal(d.key, RT_K_AGE);
	fx_free(&f);

	/* offsets count: 01:00+02:00 is older than 00:30Z */
	struct ing_opts off = { .ts = "2024-01-01T01:00:00+02:00" };
	struct ing_opts z = { .ts = "2024-01-01T00:30:00Z" };
	fx_add(&f, "a", "z", &z, p, 1);
	fx_add(&f, "b", "off", &off, q, 1);
	fx_build(&f, NULL);
	assert_string_equal(route(&f, "h.com", "/a"), "b/off svc-old");
	fx_free(&f);

	/* a timestamp beats no timestamp [reference choice] */
	fx_add(&f, "aaa", "nots", NULL, nots, 1);
	fx_add(&f, "zzz", "new", &newer, p, 1);
	fx_build(&f, NULL);
	assert_string_equal(route(&f, "h.com", "/a"), "zzz/new svc-new");
	rt_match(f.t, "h.com", 5, "/a", 2, &d);
	assert_int_equal(d.key, RT_K_TIMESTAMP);
	fx_free(&f);

	/* key 4: same timestamp, "namespace/name" ascending as one string:
	 * "a-b/x" < "a/x" because '-' < '/' */
	fx_add(&f, "a", "x", &newer, q, 1);
	fx_add(&f, "a-b", "x", &newer, p, 1);
	fx_build(&f, NULL);
	assert_string_equal(route(&f, "h.com", "/a"), "a-b/x svc-new");
	rt_match(f.t, "h.com", 5, "/a", 2, &d);
	assert_int_equal(d.key, RT_K_NAME);
	fx_free(&f);

	/* no timestamps at all: namespace/name decides */
	fx_add(&f, "web", "b", NULL, p, 1);
	fx_add(&f, "web", "a", NULL, q, 1);
	fx_build(&f, NULL);
	assert_string_equal(route(&f, "h.com", "/a"), "web/a svc-old");
	fx_free(&f);

	/* key 5: in one Ingress, first rule then first path */
	const struct tp dup[] = {
		{ "h.com", "/a", "Prefix", "first", 80, 0 },
		{ "h.com", "/a", "Prefix", "second", 80, 0 },
		{ "h.com", "/a", "Prefix", "third", 80, 1 },
	};
	fx_add(&f, "ns", "i", NULL, dup, N(dup));
	fx_build(&f, NULL);
	assert_string_equal(route(&f, "h.com", "/a/b"), "ns/i first");
	rt_match(f.t, "h.com", 5, "/a", 2, &d);
	assert_int_equal(d.key, RT_K_ORDER);
	assert_int_equal(d.rule_index, 0);
	assert_int_equal(d.path_index, 0);
	fx_free(&f);
}

/* ---- hosts (sec. 3, 5) ---------------------------------------------- */

static void host_groups(void **state)
{
	(void)state;
	struct fixture f = { 0 };
	const struct tp a[] = {
		{ "app.foo.com", "/api", "Prefix", "app-api", 80, 0 },
		{ "*.foo.com", "/", "Prefix", "wild", 80, 0 },
		{ "", "/", "Prefix", "hostless", 80, 0 },
		{ "claimed.foo.com", NULL, NULL, NULL, 0, 0 },
	};
	fx_add(&f, "ns", "i", NULL, a, N(a));
	fx_build(&f, NULL);
	assert_string_equal(route(&f, "app.foo.com", "/api/x"), "ns/i app-api");
	assert_string_equal(route(&f, "APP.FOO.COM.:8443", "/api"), "ns/i app-api");
	/* no fall-through from an exact host to the wildcard or host-less rules */
	assert_string_equal(route(&f, "app.foo.com", "/web"), "none");
	/* a host without paths still claims its host */
	assert_string_equal(route(&f, "claimed.foo.com", "/"), "none");
	/* wildcard: exactly one more label */
	assert_string_equal(route(&f, "bar.foo.com", "/x"), "ns/i wild");
	assert_string_equal(route(&f, "baz.bar.foo.com", "/x"), "ns/i hostless");
	assert_string_equal(route(&f, "foo.com", "/x"), "ns/i hostless");
	assert_string_equal(route(&f, ".foo.com", "/x"), "ns/i hostless");
	/* unrelated, empty and IP hosts reach the host-less rules */
	assert_string_equal(route(&f, "other.org", "/x"), "ns/i hostless");
	assert_string_equal(route(&f, "", "/x"), "ns/i hostless");
	assert_string_equal(route(&f, "192.0.2.10:8080", "/x"), "ns/i hostless");
	struct rt_decision d;
	rt_match(f.t, "x.foo.com", 9, "/", 1, &d);
	assert_int_equal(d.group, RT_G_WILDCARD);
	assert_int_equal(rt_ngroups(f.t), 4);
	fx_free(&f);

	/* exact before wildcard whatever the age; groups merge across Ingresses */
	const struct tp w[] = { { "*.foo.com", "/", "Prefix", "wild", 80, 0 } };
	const struct tp e[] = { { "app.foo.com", "/x", "Exact", "exact", 80, 0 } };
	const struct tp e2[] = { { "app.foo.com", "/y", "Exact", "exact2", 80, 0 } };
	struct ing_opts old = { .ts = "2020-01-01T00:00:00Z" }, nw = { .ts = "2025-01-01T00:00:00Z" };
	fx_add(&f, "ns", "wild", &old, w, 1);
	fx_add(&f, "ns", "exact", &nw, e, 1);
	fx_add(&f, "other", "exact2", &nw, e2, 1);
	fx_build(&f, NULL);
	assert_string_equal(route(&f, "app.foo.com", "/x"), "ns/exact exact");
	assert_string_equal(route(&f, "app.foo.com", "/y"), "other/exact2 exact2");
	assert_string_equal(route(&f, "app.foo.com", "/z"), "none");
	assert_string_equal(route(&f, "web.foo.com", "/z"), "ns/wild wild");
	fx_free(&f);
}

/* ---- defaults (sec. 8) ---------------------------------------------- */

static void default_backends(void **state)
{
	(void)state;
	struct fixture f = { 0 };
	struct ing_opts a_o = { .ts = "2021-01-01T00:00:00Z", .dflt_svc = "a-default" };
	struct ing_opts b_o = { .ts = "2020-01-01T00:00:00Z", .dflt_svc = "b-default" };
	struct ing_opts c_o = { .ts = "2019-01-01T00:00:00Z" };
	const struct tp a[] = { { "a.com", "/a", "Exact", "a", 80, 0 } };
	const struct tp c[] = { { "c.com", "/c", "Exact", "c", 80, 0 } };
	fx_add(&f, "ns", "a", &a_o, a, 1);
	fx_add(&f, "ns", "b", &b_o, NULL, 0);     /* default only */
	fx_add(&f, "ns", "c", &c_o, c, 1);        /* no default */
	fx_build(&f, NULL);
	assert_string_equal(route(&f, "a.com", "/a"), "ns/a a");
	/* 8.1: a claimed host takes the default of an Ingress with a rule there */
	assert_string_equal(route(&f, "a.com", "/other"), "default ns/a a-default");
	/* ... and none when those Ingresses have none, even if another has one */
	assert_string_equal(route(&f, "c.com", "/other"), "none");
	/* 8.2: an unknown host takes the oldest defaultBackend */
	assert_string_equal(route(&f, "zzz.com", "/"), "default ns/b b-default");
	assert_string_equal(route(&f, "", "/"), "default ns/b b-default");
	fx_free(&f);

	/* host-less rules and a default: an unmatched path takes the oldest default */
	struct ing_opts h_o = { .dflt_svc = "h-default" };
	const struct tp h[] = { { "", "/x", "Exact", "x", 80, 0 } };
	fx_add(&f, "ns", "h", &h_o, h, 1);
	fx_build(&f, NULL);
	assert_string_equal(route(&f, "any.com", "/x"), "ns/h x");
	assert_string_equal(route(&f, "any.com", "/y"), "default ns/h h-default");
	fx_free(&f);

	fx_build(&f, NULL);   /* empty input */
	assert_string_equal(route(&f, "any.com", "/"), "none");
	fx_free(&f);
}

/* ---- class selection (sec. 2) --------------------------------------- */

static struct ingress_class *class_new(const char *name, const char *ts, bool dflt)
{
	struct ingress_class *c = calloc(1, sizeof *c);
	assert_non_null(c);
	c->meta.name = name;
	c->meta.creation_timestamp = ts;
	c->is_default = dflt;
	return c;
}

static void class_selection(void **state)
{
	(void)state;
	struct fixture f = { 0 };
	const struct tp a[] = { { "a.com", "/", "Prefix", "ann", 80, 0 } };
	const struct tp b[] = { { "b.com", "/", "Prefix", "field", 80, 0 } };
	const struct tp c[] = { { "c.com", "/", "Prefix", "none", 80, 0 } };
	const struct tp d[] = { { "d.com", "/", "Prefix", "both", 80, 0 } };
	struct ing_opts ao = { .cls_ann = "nginx" }, bo = { .cls_field = "nginx" };
	struct ing_opts dd = { .cls_ann = "traefik", .cls_field = "nginx" };
	fx_add(&f, "ns", "a", &ao, a, 1);
	fx_add(&f, "ns", "b", &bo, b, 1);
	fx_add(&f, "ns", "c", NULL, c, 1);
	fx_add(&f, "ns", "d", &dd, d, 1);
	fx_build(&f, NULL);   /* no class: everything served */
	assert_int_equal(rt_nserved(f.t), 4);
	fx_build(&f, "nginx");
	assert_int_equal(rt_nserved(f.t), 2);
	assert_string_equal(route(&f, "a.com", "/"), "ns/a ann");
	assert_string_equal(route(&f, "b.com", "/"), "ns/b field");
	assert_string_equal(route(&f, "c.com", "/"), "none");   /* class-less, no default */
	assert_string_equal(route(&f, "d.com", "/"), "none");   /* annotation wins */
	fx_build(&f, "traefik");
	assert_string_equal(route(&f, "d.com", "/"), "ns/d both");

	/* default IngressClass: newest wins, then the smaller name */
	f.classes[f.nclasses++] = class_new("old", "2020-01-01T00:00:00Z", true);
	f.classes[f.nclasses++] = class_new("nginx", "2023-01-01T00:00:00Z", true);
	f.classes[f.nclasses++] = class_new("aaa", "2022-01-01T00:00:00Z", true);
	f.classes[f.nclasses++] = class_new("newest-not-default", "2024-01-01T00:00:00Z", false);
	fx_build(&f, "nginx");
	assert_string_equal(rt_default_class(f.t), "nginx");
	assert_string_equal(route(&f, "c.com", "/"), "ns/c none");
	fx_build(&f, "old");
	assert_string_equal(route(&f, "c.com", "/"), "none");
	f.classes[1]->meta.creation_timestamp = "2022-01-01T00:00:00Z";   /* tie with aaa */
	fx_build(&f, "aaa");
	assert_string_equal(rt_default_class(f.t), "aaa");
	assert_string_equal(route(&f, "c.com", "/"), "ns/c none");
	fx_free(&f);
}

/* ---- hashed lookup against a brute-force scan ----------------------- */

static const char *pick(const char *const *v, size_t n, unsigned *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return v[(*seed >> 16) % n];
}

static void assert_same_decision(const struct rt_decision *a, const struct rt_decision *b)
{
	assert_int_equal(a->match, b->match);
	assert_ptr_equal(a->ingress, b->ingress);
	assert_ptr_equal(a->namespace_, b->namespace_);
	assert_ptr_equal(a->name, b->name);
	assert_ptr_equal(a->backend, b->backend);
	assert_ptr_equal(a->rule, b->rule);
	assert_ptr_equal(a->path, b->path);
	assert_int_equal(a->path_type, b->path_type);
	assert_int_equal(a->rule_index, b->rule_index);
	assert_int_equal(a->path_index, b->path_index);
	assert_int_equal(a->group, b->group);
	assert_int_equal(a->key, b->key);
	assert_int_equal(a->runner_up, b->runner_up);
	assert_int_equal(a->winner, b->winner);
	assert_int_equal(a->changes, b->changes);
}

static void lookup_matches_scan(void **state)
{
	(void)state;
	static const char *const hosts[] = { "a.com", "b.a.com", "*.a.com", "", "c.org" };
	static const char *const paths[] = { "/", "/a", "/a/", "/a/b", "/ab", "/a/b/c", "/b",
	                                     "/a/bc", "/abc/", "/x/y/z", "" };
	static const char *const types[] = { "Exact", "Prefix", "ImplementationSpecific" };
	static const char *const rhosts[] = { "a.com", "b.a.com", "x.a.com", "", "c.org", "A.COM",
	                                      "zz.com", "q.b.a.com" };
	static const char *const rpaths[] = { "/", "/a", "/a/", "/a/b", "/a/b/", "/ab", "/abc",
	                                      "/a/b/c/d", "/b/", "/a/bc", "/abc/d", "/x/y/z/",
	                                      "/x/y", "/a//b", "/c" };
	struct fixture f = { 0 };
	unsigned seed = 42;
	char names[MAXI][16];
	struct tp tps[MAXI][6];
	/* rounds 40-49: 15 Ingresses, a rule per path mostly: a build larger
	 * than rt_build's on-stack work area and its small-array sort */
	for (int round = 0; round < 50; round++) {
		int ni = round < 40 ? 6 : 15;
		for (int i = 0; i < ni; i++) {
			struct tp *v = tps[i];
			for (int j = 0; j < 6; j++) {
				v[j].host = pick(hosts, N(hosts), &seed);
				v[j].path = pick(paths, N(paths), &seed);
				v[j].type = pick(types, N(types), &seed);
				v[j].svc = "s";
				v[j].port = j;
				v[j].newrule = round >= 40;
			}
			snprintf(names[i], sizeof names[i], "i%d", i);
			unsigned tsk = (seed >> 8) % 4;
			struct ing_opts o = { .ts = tsk == 0 ? NULL : tsk == 1 ? "2024-01-02T00:00:00Z"
			                           : "2024-01-01T00:00:00Z" };
			fx_add(&f, (seed >> 4) % 2 ? "x" : "y", names[i], &o, v, 6);
		}
		fx_build(&f, NULL);
		for (size_t h = 0; h < N(rhosts); h++)
			for (size_t p = 0; p < N(rpaths); p++) {
				struct rt_decision d;
				const char *rh = rhosts[h], *rp = rpaths[p];
				assert_int_equal(rt_match(f.t, rh, strlen(rh), rp, strlen(rp), &d), 0);
				/* a prepared host decides the same */
				struct rt_host ph;
				struct rt_decision d2;
				assert_int_equal(rt_host_prepare(f.t, rh, strlen(rh), &ph), 0);
				assert_int_equal(rt_match_host(f.t, &ph, rp, strlen(rp), &d2), 0);
				assert_same_decision(&d, &d2);
				/* brute force: the group, then its first matching entry
				 * in precedence order */
				char nh[64], np[64];
				size_t hn;
				int kind = rt_norm_host(rh, strlen(rh), nh, sizeof nh, &hn, NULL);
				long pn = rt_norm_path(rp, strlen(rp), np, sizeof np, NULL);
				long g = -1, hostless = -1, wild = -1;
				for (size_t gi = 0; gi < rt_ngroups(f.t); gi++) {
					enum rt_group_kind k;
					const char *gh;
					rt_group_get(f.t, gi, &k, &gh, NULL, NULL);
					if (k == RT_G_HOSTLESS)
						hostless = (long)gi;
					else if (kind == RT_HOST_NAME && k == RT_G_EXACT && !strcmp(gh, nh))
						g = (long)gi;
					else if (kind == RT_HOST_NAME && k == RT_G_WILDCARD &&
					         strchr(nh, '.') && strchr(nh, '.') != nh &&
					         !strcmp(gh + 1, strchr(nh, '.')))
						wild = (long)gi;
				}
				if (g < 0)
					g = wild >= 0 ? wild : hostless;
				long want = -1, want2 = -1;
				if (g >= 0) {
					size_t first, n;
					rt_group_get(f.t, (size_t)g, NULL, NULL, &first, &n);
					for (size_t i = first; i < first + n && want2 < 0; i++) {
						struct rt_entry e;
						rt_entry_get(f.t, i, &e);
						size_t el = strlen(e.path);
						bool m;
						if (e.path_type == RT_EXACT)
							m = !strcmp(e.path, np);
						else if (e.path_type == RT_IS)
							m = !strncmp(e.path, np, el);
						else {
							size_t q = el && e.path[el - 1] == '/' ? el - 1 : el;
							m = !strncmp(e.path, np, q) &&
							    ((long)q == pn || np[q] == '/');
						}
						if (m && want < 0)
							want = (long)i;
						else if (m)
							want2 = (long)i;
					}
				}
				if (want < 0) {
					assert_int_not_equal(d.match, RT_RULE);
				} else {
					struct rt_entry e;
					rt_entry_get(f.t, (size_t)want, &e);
					assert_int_equal(d.match, RT_RULE);
					assert_ptr_equal(d.ingress, e.ingress);
					assert_int_equal(d.rule_index, e.rule_index);
					assert_int_equal(d.path_index, e.path_index);
					assert_ptr_equal(d.rule, &e.ingress->rules[e.rule_index]);
					assert_ptr_equal(d.path, &d.rule->paths[e.path_index]);
					assert_ptr_equal(d.backend, e.backend);
					assert_int_equal(d.path_type, e.path_type);
					assert_string_equal(d.namespace_, e.namespace_);
					assert_string_equal(d.name, e.name);
					assert_int_equal(d.winner, want);
					assert_int_equal(d.runner_up, want2);
					/* what beat the runner-up (sec. 7 keys, in order) */
					enum rt_key k = RT_K_NONE;
					if (want2 >= 0) {
						struct rt_entry r;
						rt_entry_get(f.t, (size_t)want2, &r);
						char wn[64], rn[64];
						snprintf(wn, sizeof wn, "%s/%s", e.namespace_, e.name);
						snprintf(rn, sizeof rn, "%s/%s", r.namespace_, r.name);
						k = strlen(e.path) != strlen(r.path) ? RT_K_LENGTH
						  : e.path_type != r.path_type ? RT_K_TYPE
						  : e.rank == r.rank ? RT_K_ORDER
						  : e.has_timestamp != r.has_timestamp ? RT_K_TIMESTAMP
						  : e.has_timestamp &&
						    strcmp(e.ingress->meta.creation_timestamp,
						           r.ingress->meta.creation_timestamp) ? RT_K_AGE
						  : strcmp(wn, rn) ? RT_K_NAME : RT_K_ORDER;
					}
					assert_int_equal(d.key, k);
				}
			}
		fx_free(&f);
	}
}


/* rt_host_prepare + rt_match_host against rt_match: hosts that normalise
 * (case, port, trailing dot), wildcard and host-less groups, IP literals,
 * default backends, and the length limits. */
static void prepared_host(void **state)
{
	(void)state;
	struct fixture f = { 0 };
	struct ing_opts od = { .ts = "2024-01-01T00:00:00Z", .dflt_svc = "dflt" };
	struct tp a[] = {
		{ "a.com", "/", "Prefix", "root", 80, 0 },
		{ "a.com", "/x", "Exact", "x", 80, 0 },
		{ "*.a.com", "/w", "ImplementationSpecific", "w", 80, 0 },
		{ "", "/any", "Prefix", "any", 80, 0 },
	};
	struct tp b[] = {
		{ "b.com", NULL, NULL, NULL, 0, 0 },
		{ "a.com", "/x/y", "Prefix", "xy", 80, 0 },
	};
	fx_add(&f, "ns", "a", NULL, a, N(a));
	fx_add(&f, "ns", "b", &od, b, N(b));
	fx_build(&f, NULL);
	static const char *const hosts[] = { "a.com", "A.COM:8080", "a.com.", "q.a.com", "r.q.a.com",
	                                     "b.com", "", "10.0.0.1", "[::1]:443", "c.com" };
	static const char *const paths[] = { "/", "/x", "/x/", "/x/y/z", "/w", "/wz", "/any/1",
	                                     "/%41b", "//x/./y", "", "/x?q=1" };
	for (size_t h = 0; h < N(hosts); h++) {
		struct rt_host ph;
		assert_int_equal(rt_host_prepare(f.t, hosts[h], strlen(hosts[h]), &ph), 0);
		for (size_t p = 0; p < N(paths); p++) {
			struct rt_decision d1, d2;
			int r1 = rt_match(f.t, hosts[h], strlen(hosts[h]), paths[p], strlen(paths[p]), &d1);
			int r2 = rt_match_host(f.t, &ph, paths[p], strlen(paths[p]), &d2);
			assert_int_equal(r1, r2);
			assert_same_decision(&d1, &d2);
		}
	}
	/* too long: the same refusal */
	size_t big = RT_MAX_PATH + RT_MAX_HOST + 16;
	char *longs = malloc(big + 1);
	assert_non_null(longs);
	memset(longs, 'a', big);
	longs[0] = '/';
	longs[big] = '\0';
	struct rt_host ph;
	struct rt_decision d1, d2;
	assert_int_equal(rt_host_prepare(f.t, "a.com", 5, &ph), 0);
	assert_int_equal(rt_match(f.t, "a.com", 5, longs, big, &d1), IW_ETOOBIG);
	assert_int_equal(rt_match_host(f.t, &ph, longs, big, &d2), IW_ETOOBIG);
	assert_same_decision(&d1, &d2);
	assert_int_equal(rt_host_prepare(f.t, longs + 1, RT_MAX_HOST + 1, &ph), IW_ETOOBIG);
	assert_int_equal(rt_match(f.t, longs + 1, RT_MAX_HOST + 1, "/", 1, &d1), IW_ETOOBIG);
	assert_int_equal(rt_match_host(f.t, &ph, "/", 1, &d2), IW_ETOOBIG);
	assert_same_decision(&d1, &d2);
	free(longs);
	fx_free(&f);
}

/* ---- probe generation -------------------------------------------------- */

static bool has_probe(const struct rt_probes *p, const char *host, const char *path)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->v[i].host, host) && !strcmp(p->v[i].path, path))
			return true;
	return false;
}

static void probes_pin_down_semantics(void **state)
{
	(void)state;
	struct fixture f = { 0 };
	const struct tp a[] = {
		{ "app.foo.com", "/foo", "Prefix", "foo", 80, 0 },
		{ "app.foo.com", "/api/v1/", "Prefix", "api", 80, 0 },
		{ "*.foo.com", "/w", "Exact", "w", 80, 0 },
		{ "", "/", "Prefix", "root", 80, 0 },
	};
	fx_add(&f, "ns", "i", NULL, a, N(a));
	fx_build(&f, NULL);
	struct rt_probes p = { 0 };
	assert_int_equal(rt_probes_generate(f.t, &p), 0);
	/* per path: itself, trailing slash toggled, sub-path, sibling, parent */
	assert_true(has_probe(&p, "app.foo.com", "/foo"));
	assert_true(has_probe(&p, "app.foo.com", "/foo/"));
	assert_true(has_probe(&p, "app.foo.com", "/foo/sub"));
	assert_true(has_probe(&p, "app.foo.com", "/foox"));
	assert_true(has_probe(&p, "app.foo.com", "/"));
	assert_true(has_probe(&p, "app.foo.com", "/api/v1/"));
	assert_true(has_probe(&p, "app.foo.com", "/api/v1"));
	assert_true(has_probe(&p, "app.foo.com", "/api/v1x"));
	assert_true(has_probe(&p, "app.foo.com", "/api"));
	/* per host: case, port, trailing dot, unmatched path */
	assert_true(has_probe(&p, "APP.FOO.COM", "/api/v1/"));
	assert_true(has_probe(&p, "app.foo.com:8080", "/api/v1/"));
	assert_true(has_probe(&p, "app.foo.com.", "/api/v1/"));
	assert_true(has_probe(&p, "app.foo.com", "/ingress-warden-probe-unmatched"));
	/* wildcard: one label, one too many, the bare suffix */
	assert_true(has_probe(&p, "probe.foo.com", "/w"));
	assert_true(has_probe(&p, "a.probe.foo.com", "/w"));
	assert_true(has_probe(&p, "foo.com", "/w"));
	/* host-less rules are probed through the target's own address */
	assert_true(has_probe(&p, "", "/"));
	assert_true(has_probe(&p, "", "/sub"));
	assert_true(has_probe(&p, "unrelated.ingress-warden.invalid", "/"));
	/* no duplicates */
	for (size_t i = 0; i < p.n; i++)
		for (size_t j = i + 1; j < p.n; j++)
			assert_false(!strcmp(p.v[i].host, p.v[j].host) && !strcmp(p.v[i].path, p.v[j].path));
	/* and they separate the backends: Prefix /foo answers /foo/sub but not /foox */
	assert_string_equal(route(&f, "app.foo.com", "/foo/sub"), "ns/i foo");
	assert_string_equal(route(&f, "app.foo.com", "/foox"), "none");
	assert_string_equal(route(&f, "a.probe.foo.com", "/w"), "ns/i root");
	rt_probes_release(&p);
	fx_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(path_types),
		cmocka_unit_test(long_paths),
		cmocka_unit_test(longest_then_type),
		cmocka_unit_test(age_name_order),
		cmocka_unit_test(host_groups),
		cmocka_unit_test(default_backends),
		cmocka_unit_test(class_selection),
		cmocka_unit_test(lookup_matches_scan),
		cmocka_unit_test(prepared_host),
		cmocka_unit_test(probes_pin_down_semantics),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
