/*
 * The checks under controller profiles, on parsed objects: what each profile
 * decides (merge domain, duplicates, canaries, nginx duplicate locations, ALB
 * groups, GKE rules), each case on both sides.  The documented manifests
 * are in tests/real (tests/suites/real_manifests.sh); whole outputs are in
 * tests/golden/lint/profile-*.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/policy.h"
#include "checks/state.h"
#include "expect.h"

/* An Ingress from a JSON text with single quotes for double quotes. */
static struct ingress *ing(const char *text)
{
	char buf[4096];
	size_t n = strlen(text);
	assert_true(n < sizeof buf);
	for (size_t i = 0; i <= n; i++)
		buf[i] = text[i] == '\'' ? '"' : text[i];
	json_error_t e;
	json_t *j = json_loads(buf, 0, &e);
	if (!j)
		fail_msg("bad test JSON: %s: %s", e.text, buf);
	struct errlist el = { 0 };
	struct ingress *x = NULL;
	assert_int_equal(ingress_parse(j, 0, &el, &x), IW_OK);
	json_decref(j);
	errlist_release(&el);
	assert_non_null(x);
	return x;
}

#define PATH(p, t, svc) "{'path':'" p "','pathType':'" t "','backend':{'service':{'name':'" svc \
	"','port':{'number':80}}}}"
#define OBJ(ns, name, ts, ann, spec) \
	"{'apiVersion':'networking.k8s.io/v1','kind':'Ingress','metadata':{'namespace':'" ns \
	"','name':'" name "'" ts ",'annotations':{" ann "}},'spec':{" spec "}}"
#define TS(t) ",'creationTimestamp':'" t "'"

struct fx {
	struct iw_policy *p;
	struct iw_state *st;
	struct findings fl;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	f->p = iw_policy_new();
	f->st = iw_state_new(ingress_free, ingress_class_free);
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

/* Checks x against the state, then frees it; prints the findings. */
static void run(struct fx *f, struct ingress *x)
{
	findings_release(&f->fl);
	assert_int_equal(iw_policy_check(f->p, x, NULL, f->st, &f->fl), IW_OK);
	for (size_t i = 0; i < f->fl.n; i++)
		print_message("  %s %s %s: %s\n", f->fl.v[i].check, iw_severity_name(f->fl.v[i].severity),
		              f->fl.v[i].field, f->fl.v[i].message);
	ingress_free(x);
}

/* The whole list of findings of the last run is 'want'. */
#define expect_findings(f, want) expect_list_(&(f)->fl, (want), __LINE__)

static void put(struct fx *f, const char *text)
{
	assert_int_equal(iw_state_put_ingress(f->st, ing(text)), IW_OK);
}

/* ingress-nginx: Exact /a first, then Prefix /a twice from newer Ingresses:
 * the controller's duplicate test stops at the Exact, both Prefix /a become
 * `location /a/` and nginx refuses (SEMANTICS-ingress-nginx sec. 6.4, 10);
 * one Prefix /a is fine. */
static void nginx_exact_then_two_prefixes(void **state)
{
	struct fx *f = *state;
	put(f, OBJ("a", "exact", TS("2024-01-01T00:00:00Z"), "",
	           "'ingressClassName':'nginx','rules':[{'host':'x.com','http':{'paths':["
	           PATH("/a", "Exact", "e") "]}}]"));
	put(f, OBJ("b", "prefix", TS("2024-02-01T00:00:00Z"), "",
	           "'ingressClassName':'nginx','rules':[{'host':'x.com','http':{'paths':["
	           PATH("/a", "Prefix", "p") "]}}]"));
	run(f, ing(OBJ("b", "prefix", TS("2024-02-01T00:00:00Z"), "",
	               "'ingressClassName':'nginx','rules':[{'host':'x.com','http':{'paths':["
	               PATH("/a", "Prefix", "p") "]}}]")));
	expect_findings(f, "");
	run(f, ing(OBJ("c", "again", "", "",
	               "'ingressClassName':'nginx','rules':[{'host':'x.com','http':{'paths':["
	               PATH("/a", "Prefix", "q") "]}}]")));
	/* the second is the repeat of b/prefix's path */
	expect_findings(f, "error controller-rejects spec.rules[0].http.paths[0]: Prefix /a on host "
	                   "\"x.com\" and Prefix /a of ingress b/prefix "
	                   "(spec.rules[0].http.paths[0]) both become nginx `location /a/`: nginx "
	                   "refuses the configuration (duplicate location), ingress-nginx keeps "
	                   "running the previous one and no later change of an Ingress of the class "
	                   "takes effect (SEMANTICS-ingress-nginx sec. 10) [profile ingress-nginx: "
	                   "class \"nginx\"]\n"
	                   "error host-path-conflict spec.rules[0].http.paths[0]: Prefix /a on host "
	                   "\"x.com\" is already served by ingress b/prefix "
	                   "(spec.rules[0].http.paths[0]): while both exist b/prefix keeps it (it "
	                   "has a creationTimestamp, this object none yet); this path takes over "
	                   "when that Ingress goes away [profile ingress-nginx: class \"nginx\"]\n");
	/* with use-regex on the host, nginx takes the duplicates (regex mode) */
	run(f, ing(OBJ("c", "again", "", "'nginx.ingress.kubernetes.io/use-regex':'true'",
	               "'ingressClassName':'nginx','rules':[{'host':'x.com','http':{'paths':["
	               PATH("/a", "Prefix", "q") "]}}]")));
	expect_findings(f, "");
}

/* ingress-nginx canaries: no conflict with the main Ingress; without one, a
 * warning; two canaries on one host and path, a conflict. */
static void nginx_canaries(void **state)
{
	struct fx *f = *state;
#define CANARY(ns, name) OBJ(ns, name, "", "'nginx.ingress.kubernetes.io/canary':'true'," \
	"'nginx.ingress.kubernetes.io/canary-weight':'10'", \
	"'ingressClassName':'nginx','rules':[{'host':'x.com','http':{'paths':[" \
	PATH("/", "ImplementationSpecific", "v2") "]}}]")
	run(f, ing(CANARY("a", "canary")));
	expect_findings(f, "warning canary-without-main spec.rules[0].http.paths[0]: canary path / "
	                   "(ImplementationSpecific) on host \"x.com\" has no main Ingress: no "
	                   "non-canary Ingress of the class serves this host, path and pathType, so "
	                   "ingress-nginx drops the canary's upstream and it receives no traffic "
	                   "(SEMANTICS-ingress-nginx sec. 7) [profile ingress-nginx: class "
	                   "\"nginx\"]\n");
	put(f, OBJ("a", "main", TS("2024-01-01T00:00:00Z"), "",
	           "'ingressClassName':'nginx','rules':[{'host':'x.com','http':{'paths':["
	           PATH("/", "Prefix", "v1") "]}}]"));
	run(f, ing(CANARY("a", "canary")));   /* IS pairs with Prefix (sec. 7) */
	expect_findings(f, "");
	put(f, CANARY("a", "canary"));
	run(f, ing(CANARY("b", "second")));
	expect_findings(f, "error host-path-conflict spec.rules[0].http.paths[0]: canary path / on "
	                   "host \"x.com\" is also a canary path of ingress a/canary: "
	                   "ingress-nginx's admission refuses a second canary for a host and path, "
	                   "and only the oldest canary of an upstream receives traffic [profile "
	                   "ingress-nginx: class \"nginx\"]\n");
	/* the main Ingress conflicts with nothing */
	run(f, ing(OBJ("a", "main", TS("2024-01-01T00:00:00Z"), "",
	               "'ingressClassName':'nginx','rules':[{'host':'x.com','http':{'paths':["
	               PATH("/", "Prefix", "v1") "]}}]")));
	expect_findings(f, "");
#undef CANARY
}

/* ALB: one IngressGroup fails when two members have a defaultBackend or a
 * group.order is out of range; separate groups share nothing. */
static void alb_group_settings(void **state)
{
	struct fx *f = *state;
	put(f, OBJ("a", "one", "", "'alb.ingress.kubernetes.io/group.name':'g'",
	           "'ingressClassName':'alb','defaultBackend':{'service':{'name':'d','port':{'number':80}}}"));
	run(f, ing(OBJ("b", "two", "", "'alb.ingress.kubernetes.io/group.name':'h'",
	               "'ingressClassName':'alb','defaultBackend':{'service':{'name':'d','port':{'number':80}}}")));
	expect_findings(f, "");
	run(f, ing(OBJ("b", "two", "", "'alb.ingress.kubernetes.io/group.name':'g'",
	               "'ingressClassName':'alb','defaultBackend':{'service':{'name':'d','port':{'number':80}}}")));
	expect_findings(f, "error controller-rejects spec.defaultBackend: ingress a/one of "
	                   "IngressGroup \"g\" has a spec.defaultBackend too: the AWS Load Balancer "
	                   "Controller fails the whole group (\"multiple ingress defined default "
	                   "backend\") [profile aws-alb: class \"alb\"]\n");
	run(f, ing(OBJ("b", "three", "", "'alb.ingress.kubernetes.io/group.name':'g',"
	               "'alb.ingress.kubernetes.io/group.order':'1001'", "'ingressClassName':'alb'")));
	expect_findings(f, "error controller-rejects "
	                   "metadata.annotations[alb.ingress.kubernetes.io/group.order]: "
	                   "group.order must be an integer from -1000 to 1000: the AWS Load "
	                   "Balancer Controller fails the whole IngressGroup \"g\" [profile "
	                   "aws-alb: class \"alb\"]\n");
}

/* ALB: a path narrowed by conditions.NAME is not a duplicate of the same path;
 * without the conditions annotation it is. */
static void alb_conditions(void **state)
{
	struct fx *f = *state;
#define TWO "'ingressClassName':'alb','rules':[{'host':'x.com','http':{'paths':[" \
	PATH("/", "Prefix", "grpc") "," PATH("/", "Prefix", "web") "]}}]"
	run(f, ing(OBJ("a", "x", "", "'alb.ingress.kubernetes.io/conditions.grpc':'[]'", TWO)));
	expect_findings(f, "");
	run(f, ing(OBJ("a", "x", "", "'alb.ingress.kubernetes.io/scheme':'internal'", TWO)));
	expect_findings(f, "warning duplicate-path spec.rules[0].http.paths[1]: host \"x.com\" path "
	                   "\"/\" (Prefix) is already defined at spec.rules[0].http.paths[0] with a "
	                   "different backend: service web:80 here, service grpc:80; the first one "
	                   "receives the traffic [profile aws-alb: class \"alb\"]\n");
#undef TWO
}

/* GKE: one Ingress is one load balancer; a second rule for a host replaces
 * the first's paths; the class annotation is what GKE reads. */
static void gce_rules(void **state)
{
	struct fx *f = *state;
	put(f, OBJ("a", "one", "", "'kubernetes.io/ingress.class':'gce'",
	           "'rules':[{'host':'x.com','http':{'paths':[" PATH("/api", "Prefix", "a") "]}}]"));
	run(f, ing(OBJ("b", "two", "", "'kubernetes.io/ingress.class':'gce'",
	               "'rules':[{'host':'x.com','http':{'paths':[" PATH("/api", "Exact", "b") "]}}]")));
	expect_findings(f, "");
	run(f, ing(OBJ("b", "two", "", "'kubernetes.io/ingress.class':'gce'",
	               "'rules':[{'host':'x.com','http':{'paths':[" PATH("/a", "Prefix", "a") "]}},"
	               "{'host':'x.com','http':{'paths':[" PATH("/b", "Prefix", "b") "]}}]")));
	expect_findings(f, "warning duplicate-path spec.rules[1].host: spec.rules[1] has the host "
	                   "\"x.com\" of spec.rules[0]: the GKE Ingress controller replaces the "
	                   "paths of the earlier rule with this rule's, so they receive no traffic; "
	                   "merge the two rules [profile gce: class \"gce\"]\n");
	/* under spec the same pair conflicts */
	put(f, OBJ("a", "one", "", "", "'rules':[{'host':'x.com','http':{'paths':["
	           PATH("/api", "Prefix", "a") "]}}]"));
	run(f, ing(OBJ("b", "two", "", "",
	               "'rules':[{'host':'x.com','http':{'paths':[" PATH("/api", "Exact", "b") "]}}]")));
	expect_findings(f, "error host-path-conflict spec.rules[0].http.paths[0]: Exact /api on "
	                   "host \"x.com\" takes requests for \"/api\" from ingress a/one (Prefix "
	                   "/api, spec.rules[0].http.paths[0]); while both exist b/two serves them "
	                   "(Exact beats Prefix beats ImplementationSpecific at equal length)\n");
}

/* --controller and the configuration's classes: mapping decide the profile. */
static void forced_profile(void **state)
{
	struct fx *f = *state;
	put(f, OBJ("a", "one", "", "", "'ingressClassName':'edge','rules':[{'host':'x.com','http':"
	           "{'paths':[" PATH("/api", "Prefix", "a") "]}}]"));
#define TWO OBJ("b", "two", "", "", "'ingressClassName':'edge','rules':[{'host':'x.com','http':" \
	"{'paths':[" PATH("/api", "Exact", "b") "]}}]")
	run(f, ing(TWO));
	expect_findings(f, "error host-path-conflict spec.rules[0].http.paths[0]: Exact /api on "
	                   "host \"x.com\" takes requests for \"/api\" from ingress a/one (Prefix "
	                   "/api, spec.rules[0].http.paths[0]); while both exist b/two serves them "
	                   "(Exact beats Prefix beats ImplementationSpecific at equal length)\n");
	struct iw_class_profile map[] = { { (char *)"edge", IW_PROFILE_AWS_ALB } };
	f->p->profiles.classes = map;
	f->p->profiles.nclasses = 1;
	run(f, ing(TWO));   /* two ALBs: nothing shared */
	expect_findings(f, "");
	f->p->profiles.classes = NULL;
	f->p->profiles.nclasses = 0;
	f->p->profiles.forced = true;
	f->p->profiles.force = IW_PROFILE_TRAEFIK;
	run(f, ing(TWO));   /* Traefik: PathPrefix("/api") (35) outranks Path("/api") (29) */
	expect_findings(f, "warning shadowed-path spec.rules[0].http.paths[0]: Exact /api on host "
	                   "\"x.com\" never receives traffic: Traefik serves a request with the "
	                   "router of the highest priority, the length of its rule unless "
	                   "router.priority sets one, and Host(\"x.com\") && PathPrefix(\"/api\") "
	                   "(35) of ingress a/one (spec.rules[0].http.paths[0]) outranks this path's "
	                   "Host(\"x.com\") && Path(\"/api\") (29) on every request it matches "
	                   "(PathPrefix matches character-wise) [profile traefik: --controller]\n");
#undef TWO
}

/* ALB patterns with many '*' cost pattern x path steps to match: a hostile
 * group of 300 such paths still ends (the matching has a budget), with the
 * rule-order findings of what was judged. */
static void alb_hostile_patterns(void **state)
{
	struct fx *f = *state;
	size_t cap = 300 * 400 + 1000, o = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	o += (size_t)snprintf(buf + o, cap - o,
	                      "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\","
	                      "\"metadata\":{\"name\":\"h\",\"annotations\":{\"alb.ingress.kubernetes.io/"
	                      "group.name\":\"g\"}},\"spec\":{\"ingressClassName\":\"alb\",\"rules\":"
	                      "[{\"http\":{\"paths\":[");
	for (int i = 0; i < 300; i++) {
		o += (size_t)snprintf(buf + o, cap - o, "%s{\"path\":\"/", i ? "," : "");
		for (int k = 0; k < 60; k++)
			o += (size_t)snprintf(buf + o, cap - o, "*a");
		o += (size_t)snprintf(buf + o, cap - o, "%d\",\"pathType\":\"ImplementationSpecific\","
		                      "\"backend\":{\"service\":{\"name\":\"s\",\"port\":{\"number\":80}}}}",
		                      i);
	}
	o += (size_t)snprintf(buf + o, cap - o, "]}}]}}");
	assert_true(o < cap);
	json_error_t e;
	json_t *j = json_loads(buf, 0, &e);
	assert_non_null(j);
	struct errlist el = { 0 };
	struct ingress *x = NULL;
	assert_int_equal(ingress_parse(j, 0, &el, &x), IW_OK);
	json_decref(j);
	errlist_release(&el);
	free(buf);
	findings_release(&f->fl);
	assert_int_equal(iw_policy_check(f->p, x, NULL, f->st, &f->fl), IW_OK);
	for (size_t i = 0; i < f->fl.n; i++)
		assert_string_equal(f->fl.v[i].check, "shadowed-path");
	ingress_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(nginx_exact_then_two_prefixes, setup, teardown),
		cmocka_unit_test_setup_teardown(nginx_canaries, setup, teardown),
		cmocka_unit_test_setup_teardown(alb_group_settings, setup, teardown),
		cmocka_unit_test_setup_teardown(alb_conditions, setup, teardown),
		cmocka_unit_test_setup_teardown(gce_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(forced_profile, setup, teardown),
		cmocka_unit_test_setup_teardown(alb_hostile_patterns, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
