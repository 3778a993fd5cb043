/*
 * The ingress-nginx emulation (router/ngx*.c, route --controller
 * ingress-nginx) on what the corpus does not cover: nginx's request parsing
 * state by state, nginx's static location tree (a sibling that hides the
 * trailing-slash redirect), configurations nginx refuses, random canaries,
 * regexes the emulation cannot evaluate, absolute-form targets, prepared
 * hosts; the probe variants and the comparison core (route --compare).
 * Whole outcomes: backend id and status of every decision.
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
#include "router/compare.h"
#include "router/norm.h"
#include "router/probes.h"
#include "router/router.h"

/* ---- nginx's request line and Host ----------------------------------------------- */

static void norm_nginx(void **state)
{
	(void)state;
	static const struct {
		const char *host, *target;
		const char *want_host, *want_path;   /* want_path NULL: 400 */
	} cases[] = {
		{ "a.com", "/a/b", "a.com", "/a/b" },
		{ "A.Com.", "/", "a.com", "/" },
		{ "a.com:8080", "/", "a.com", "/" },
		{ "a.com:80:90", "/", "a.com", "/" },          /* cut at the first ':' */
		{ "[::1]:80", "/", "[::1]", "/" },
		{ "a..com", "/", NULL, NULL },
		{ "a.com/x", "/", NULL, NULL },
		{ "", "/", NULL, NULL },
		{ ".", "/", NULL, NULL },
		{ "a.com", "//a///b//", "a.com", "/a/b/" },
		{ "a.com", "/a/./b/.", "a.com", "/a/b/" },
		{ "a.com", "/a/b/..", "a.com", "/a/" },
		{ "a.com", "/a/b/../../c", "a.com", "/c" },
		{ "a.com", "/..", NULL, NULL },
		{ "a.com", "/a/../..", NULL, NULL },
		{ "a.com", "/a/%2e%2E/b", "a.com", "/b" },     /* %2E is a dot */
		{ "a.com", "/a%2Fb", "a.com", "/a/b" },        /* %2F is a separator */
		{ "a.com", "/a%2F%2Fb", "a.com", "/a/b" },     /* ... merged too */
		{ "a.com", "/a%3Fb?c", "a.com", "/a?b" },      /* a decoded '?' is data */
		{ "a.com", "/a%25%32%46", "a.com", "/a%2F" },  /* one pass */
		{ "a.com", "/a%23b", "a.com", "/a#b" },
		{ "a.com", "/a%00", NULL, NULL },
		{ "a.com", "/a%2", NULL, NULL },
		{ "a.com", "/a%zz", NULL, NULL },
		{ "a.com", "/a/.?x", "a.com", "/a/" },
		{ "a.com", "/a/..#x", "a.com", "/" },
		{ "a.com", "/a b", NULL, NULL },
		{ "a.com", "/a\tb", NULL, NULL },
		{ "a.com", "a", NULL, NULL },
		{ "a.com", "*", NULL, NULL },
		{ "ignored", "http://B.com:81/x/../y?q", "b.com", "/y" },
		{ "ignored", "http://b.com", "b.com", "/" },
		{ "a.com", "/~a;b+c\\d", "a.com", "/~a;b+c\\d" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct rt_nreq r;
		assert_int_equal(rt_norm_request_nginx(cases[i].host, strlen(cases[i].host),
		                                       cases[i].target, strlen(cases[i].target), &r),
		                 IW_OK);
		if (!cases[i].want_path) {
			if (!r.invalid)
				fail_msg("case %zu (%s %s): want 400, got %s %s", i, cases[i].host,
				         cases[i].target, r.host, r.path);
			continue;
		}
		if (r.invalid)
			fail_msg("case %zu (%s %s): 400 (%s)", i, cases[i].host, cases[i].target, r.invalid);
		assert_string_equal(r.host, cases[i].want_host);
		assert_string_equal(r.path, cases[i].want_path);
	}
}

/* ---- the emulation ---------------------------------------------------------------- */

struct set {
	struct ingress *ing[16];
	size_t n;
	struct rt_table *t;
};

/* One Ingress: "ns/name", creationTimestamp day, annotations (JSON members),
 * spec (JSON). */
static void add(struct set *s, const char *id, int day, const char *ann, const char *spec)
{
	char buf[8192], ns[64];
	const char *slash = strchr(id, '/');
	snprintf(ns, sizeof ns, "%.*s", (int)(slash - id), id);
	snprintf(buf, sizeof buf,
	         "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"metadata\":{"
	         "\"namespace\":\"%s\",\"name\":\"%s\",\"creationTimestamp\":"
	         "\"2026-01-%02dT00:00:00Z\",\"annotations\":{%s}},\"spec\":%s}",
	         ns, slash + 1, day, ann, spec);
	json_error_t err;
	json_t *j = json_loads(buf, 0, &err);
	if (!j)
		fail_msg("bad test JSON: %s: %s", err.text, buf);
	struct errlist el = { 0 };
	struct ingress *ing = NULL;
	assert_int_equal(ingress_parse(j, 0, &el, &ing), IW_OK);
	json_decref(j);
	errlist_release(&el);
	s->ing[s->n++] = ing;
}

static void build(struct set *s, enum iw_profile_id p)
{
	struct rt_input in = { (const struct ingress *const *)s->ing, s->n, NULL, 0, NULL, p };
	s->t = rt_build(&in);
	assert_non_null(s->t);
}

static void release(struct set *s)
{
	rt_free(s->t);
	for (size_t i = 0; i < s->n; i++)
		ingress_free(s->ing[i]);
}

/* "NS/NAME/SVC:PORT 200", "none 301", ... */
static void expect(const struct set *s, const char *host, const char *path, const char *want)
{
	struct rt_decision d;
	char id[600], got[700];
	assert_int_equal(rt_match(s->t, host, strlen(host), path, strlen(path), &d), IW_OK);
	rt_backend_id(&d, id, sizeof id);
	snprintf(got, sizeof got, "%s %d", id, d.status);
	if (strcmp(got, want))
		fail_msg("%s%s: want %s, got %s", host, path, want, got);
	assert_int_equal(d.profile, IW_PROFILE_INGRESS_NGINX);
	/* the explanation decides the same way */
	char *reason = NULL;
	char *text = rt_explain(s->t, host, strlen(host), path, strlen(path), &d, &reason);
	assert_non_null(text);
	assert_non_null(reason);
	char line[700];
	snprintf(line, sizeof line, "decision: %s", d.match == RT_NONE ? "none" : "");
	assert_non_null(strstr(text, line));
	free(text);
	free(reason);
}

#define SVC(n) "{\"service\":{\"name\":\"" n "\",\"port\":{\"number\":80}}}"
#define PATH(p, t, svc) "{\"path\":\"" p "\",\"pathType\":\"" t "\",\"backend\":" SVC(svc) "}"
#define RULE(h, ...) "{\"host\":\"" h "\",\"http\":{\"paths\":[" __VA_ARGS__ "]}}"
#define SPEC(...) "{\"ingressClassName\":\"nginx\",\"rules\":[" __VA_ARGS__ "]}"

/* nginx walks a tree of its static locations, sorted by ngx_filename_cmp
 * where '/' is the lowest character: "/foo/" sorts before its sibling
 * "/foo-bar" (with strcmp it would not, and the walk for "/foo" would miss
 * it): real nginx 1.22 redirects /foo to /foo/ here. */
static void static_tree(void **state)
{
	(void)state;
	struct set s = { 0 };
	add(&s, "default/a", 1, "", SPEC(RULE("t.com", PATH("/foo/", "Prefix", "foo") ","
	                                      PATH("/foo-bar", "Prefix", "foobar") ","
	                                      PATH("/fooa", "Prefix", "fooa") ","
	                                      PATH("/", "Prefix", "root"))));
	add(&s, "default/b", 1, "", SPEC(RULE("u.com", PATH("/foo/", "Prefix", "foo") ","
	                                      PATH("/", "Prefix", "root"))));
	build(&s, IW_PROFILE_INGRESS_NGINX);
	expect(&s, "t.com", "/foo", "none 301");
	expect(&s, "u.com", "/foo", "none 301");
	expect(&s, "t.com", "/foo/", "default/a/foo:80 200");
	expect(&s, "t.com", "/foo-bar", "default/a/foobar:80 200");
	expect(&s, "t.com", "/foo-barx", "default/a/root:80 200");
	expect(&s, "t.com", "/foo-bar/x", "default/a/foobar:80 200");
	release(&s);
}

/* Prefix /a and Prefix /a/ on a host without regex: nginx refuses the
 * configuration (duplicate location "/a/"), the outcome is unknown. */
static void refused(void **state)
{
	(void)state;
	struct set s = { 0 };
	add(&s, "default/a", 1, "", SPEC(RULE("t.com", PATH("/a", "Prefix", "a") ","
	                                      PATH("/a/", "Prefix", "a2"))));
	build(&s, IW_PROFILE_INGRESS_NGINX);
	expect(&s, "t.com", "/a", "none 0");
	expect(&s, "other.com", "/", "none 0");
	release(&s);
	/* the same in regex mode: accepted, the first written wins */
	struct set r = { 0 };
	add(&r, "default/a", 1, "\"nginx.ingress.kubernetes.io/use-regex\":\"true\"",
	    SPEC(RULE("t.com", PATH("/a", "Prefix", "a") "," PATH("/a/", "Prefix", "a2"))));
	build(&r, IW_PROFILE_INGRESS_NGINX);
	expect(&r, "t.com", "/a/x", "default/a/a2:80 200");
	expect(&r, "t.com", "/A", "default/a/a:80 200");
	release(&r);
	/* a regex PCRE refuses: nginx refuses the configuration (every host);
	 * one PCRE compiles and base/regex does not evaluate: only its host */
	struct set p = { 0 };
	add(&p, "default/p", 1, "\"nginx.ingress.kubernetes.io/use-regex\":\"true\"",
	    SPEC(RULE("p.com", PATH("/v(1", "ImplementationSpecific", "p"))));
	add(&p, "default/q", 1, "", SPEC(RULE("q.com", PATH("/", "Prefix", "q"))));
	build(&p, IW_PROFILE_INGRESS_NGINX);
	expect(&p, "p.com", "/v(1", "none 0");
	expect(&p, "q.com", "/", "none 0");
	char *reason = NULL;
	struct rt_decision d;
	assert_int_equal(rt_match(p.t, "q.com", 5, "/", 1, &d), IW_OK);
	char *text = rt_explain(p.t, "q.com", 5, "/", 1, &d, &reason);
	assert_non_null(strstr(text, "configuration: nginx refuses it (pcre2_compile() failed: "
	                             "missing closing parenthesis in \"^/v(1\", location of server "
	                             "\"p.com\"); ingress-nginx keeps running"));
	free(text);
	free(reason);
	release(&p);
	struct set q = { 0 };
	add(&q, "default/p", 1, "\"nginx.ingress.kubernetes.io/use-regex\":\"true\"",
	    SPEC(RULE("p.com", PATH("/(?=a)", "ImplementationSpecific", "p"))));
	add(&q, "default/q", 1, "", SPEC(RULE("q.com", PATH("/", "Prefix", "q"))));
	build(&q, IW_PROFILE_INGRESS_NGINX);
	expect(&q, "p.com", "/a", "none 0");
	expect(&q, "q.com", "/", "default/q/q:80 200");
	release(&q);
}

static void canaries(void **state)
{
	(void)state;
	struct set s = { 0 };
	add(&s, "default/main", 1, "", SPEC(RULE("c.com", PATH("/", "Prefix", "main"))));
	add(&s, "default/half", 2,
	    "\"nginx.ingress.kubernetes.io/canary\":\"true\","
	    "\"nginx.ingress.kubernetes.io/canary-weight\":\"50\"",
	    SPEC(RULE("c.com", PATH("/", "Prefix", "half"))));
	add(&s, "default/m2", 1, "", SPEC(RULE("d.com", PATH("/", "Prefix", "m2"))));
	add(&s, "default/all", 2,
	    "\"nginx.ingress.kubernetes.io/canary\":\"True\","
	    "\"nginx.ingress.kubernetes.io/canary-weight\":\"150\","
	    "\"nginx.ingress.kubernetes.io/canary-weight-total\":\"150\"",
	    SPEC(RULE("d.com", PATH("/", "ImplementationSpecific", "all"))));
	build(&s, IW_PROFILE_INGRESS_NGINX);
	struct rt_decision d;
	assert_int_equal(rt_match(s.t, "c.com", 5, "/x", 2, &d), IW_OK);
	assert_string_equal(d.name, "main");
	assert_non_null(d.note);   /* a random share goes to the canary */
	expect(&s, "d.com", "/x", "default/all/all:80 200");
	release(&s);
}

static void regex_and_targets(void **state)
{
	(void)state;
	struct set s = { 0 };
	add(&s, "default/re", 1, "\"nginx.ingress.kubernetes.io/use-regex\":\"true\"",
	    SPEC(RULE("r.com", PATH("/v[0-9]+/(?=x)", "ImplementationSpecific", "look") ","
	              PATH("/api", "Prefix", "api"))));
	add(&s, "default/app", 1, "\"nginx.ingress.kubernetes.io/app-root\":\"/start\"",
	    SPEC(RULE("app.com", PATH("/start", "Prefix", "start"))));
	build(&s, IW_PROFILE_INGRESS_NGINX);
	/* the lookahead is tested first (longer): it cannot be evaluated */
	expect(&s, "r.com", "/API", "none 0");
	expect(&s, "app.com", "/", "none 302");
	expect(&s, "app.com", "/start", "default/app/start:80 200");
	expect(&s, "app.com", "/start%2Fx", "default/app/start:80 200");
	expect(&s, "ignored", "http://app.com/start/x", "default/app/start:80 200");
	expect(&s, "app.com", "/../start", "none 400");
	expect(&s, "unknown", "/healthz/x", "none 200");
	/* a prepared host decides as rt_match */
	struct rt_host h;
	assert_int_equal(rt_host_prepare(s.t, "APP.com:80", 10, &h), IW_OK);
	struct rt_decision d;
	assert_int_equal(rt_match_host(s.t, &h, "/start/y", 8, &d), IW_OK);
	assert_string_equal(d.name, "app");
	assert_int_equal(d.status, 200);
	assert_int_equal(rt_host_prepare(s.t, "a..b", 4, &h), IW_OK);
	assert_int_equal(rt_match_host(s.t, &h, "/start", 6, &d), IW_OK);
	assert_int_equal(d.status, 400);
	release(&s);
}

/* Which annotation values make ingress-nginx ignore the whole Ingress
 * (iw_ngx_ignored_by), and PCRE's '$' before a final newline. */
static void dropped_and_dollar(void **state)
{
	(void)state;
	struct set s = { 0 };
	add(&s, "default/alias", 1, "\"nginx.ingress.kubernetes.io/server-alias\":\"a b;\"",
	    SPEC(RULE("a.com", PATH("/", "Prefix", "a"))));
	add(&s, "default/rps", 1, "\"nginx.ingress.kubernetes.io/limit-rps\":\"ten\"",
	    SPEC(RULE("b.com", PATH("/", "Prefix", "b"))));
	add(&s, "default/regex-yes", 1, "\"nginx.ingress.kubernetes.io/use-regex\":\"yes\"",
	    SPEC(RULE("c.com", PATH("/c", "Exact", "c"))));
	add(&s, "default/weight", 1, "\"nginx.ingress.kubernetes.io/canary-weight\":\"x\"",
	    SPEC(RULE("d.com", PATH("/", "Prefix", "d"))));
	add(&s, "default/dollar", 1, "\"nginx.ingress.kubernetes.io/use-regex\":\"true\"",
	    SPEC(RULE("e.com", PATH("/a$", "ImplementationSpecific", "e"))));
	build(&s, IW_PROFILE_INGRESS_NGINX);
	expect(&s, "a.com", "/", "none 404");          /* alias: the Ingress is ignored */
	expect(&s, "b.com", "/", "none 404");          /* limit-rps: likewise */
	expect(&s, "c.com", "/c", "default/regex-yes/c:80 200");   /* use-regex: false */
	expect(&s, "c.com", "/C", "none 404");
	expect(&s, "d.com", "/", "default/weight/d:80 200");       /* weight: 0 */
	expect(&s, "e.com", "/a", "default/dollar/e:80 200");
	expect(&s, "e.com", "/a%0A", "default/dollar/e:80 200");   /* PCRE: $ before \n */
	expect(&s, "e.com", "/a%0Ax", "none 404");
	expect(&s, "e.com", "/ab", "none 404");
	char *reason = NULL;
	struct rt_decision d;
	assert_int_equal(rt_match(s.t, "a.com", 5, "/", 1, &d), IW_OK);
	char *text = rt_explain(s.t, "a.com", 5, "/", 1, &d, &reason);
	assert_non_null(strstr(text, "note: default/alias is not served: "
	                             "nginx.ingress.kubernetes.io/server-alias: its value is invalid, "
	                             "and its parser fails the whole Ingress [ingress-nginx]\n"));
	assert_non_null(strstr(text, "note: default/rps is not served: "
	                             "nginx.ingress.kubernetes.io/limit-rps: its value is invalid"));
	free(text);
	free(reason);
	release(&s);
}

/* ---- probes and comparison ----------------------------------------------------------- */

static void compare(void **state)
{
	(void)state;
	struct set s = { 0 }, n = { 0 };
	for (int k = 0; k < 2; k++) {
		struct set *x = k ? &n : &s;
		add(x, "default/a", 1, "", SPEC(RULE("c.com", PATH("/api", "Prefix", "api"))));
		add(x, "default/r", 2, "\"nginx.ingress.kubernetes.io/use-regex\":\"true\"",
		    SPEC(RULE("r.com", PATH("/v[0-9]", "ImplementationSpecific", "v"))));
		build(x, k ? IW_PROFILE_INGRESS_NGINX : IW_PROFILE_SPEC);
	}
	struct rt_comparison c = { 0 };
	assert_int_equal(rt_compare(s.t, n.t, &c), IW_OK);
	char all[8192] = "";
	for (size_t i = 0; i < c.n; i++) {
		const struct rt_probe *p = &c.probes.v[c.v[i].probe];
		char a[640], b[640], line[1600];
		rt_outcome(&c.v[i].a, a, sizeof a);
		rt_outcome(&c.v[i].b, b, sizeof b);
		snprintf(line, sizeof line, "%s%s: %s | %s\n", p->host, p->path, a, b);
		strncat(all, line, sizeof all - strlen(all) - 1);
	}
	/* c.com: nginx decodes %2F before matching; r.com: the regex is not a
	 * string prefix (spec compares the ImplementationSpecific path as one) */
	assert_string_equal(all,
		"c.com/api%2Fsub: none | default/a/api:80\n"
		"r.com/v[0-9]: default/r/v:80 | none\n"
		"r.com/v[0-9]/: default/r/v:80 | none\n"
		"r.com/v[0-9]/sub: default/r/v:80 | none\n"
		"r.com/v[0-9]x: default/r/v:80 | none\n"
		"r.com/v[0-9]%2Fsub: default/r/v:80 | none\n"
		"r.com/%76[0-9]: default/r/v:80 | none\n"
		"r.com//v[0-9]: default/r/v:80 | none\n"
		"r.com/./v[0-9]: default/r/v:80 | none\n"
		"r.com/v123: none | default/r/v:80\n"
		"R.COM/v[0-9]: default/r/v:80 | none\n"
		"r.com:8080/v[0-9]: default/r/v:80 | none\n"
		"r.com./v[0-9]: default/r/v:80 | none\n");
	assert_int_equal(c.ndiff, c.n);
	assert_int_equal(c.undecided, 0);
	rt_comparison_release(&c);
	release(&s);
	release(&n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(norm_nginx),
		cmocka_unit_test(static_tree),
		cmocka_unit_test(refused),
		cmocka_unit_test(canaries),
		cmocka_unit_test(regex_and_targets),
		cmocka_unit_test(dropped_and_dollar),
		cmocka_unit_test(compare),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
