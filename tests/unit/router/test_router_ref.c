/*
 * The fast path (rt_match, rt_match_host) against the reference matcher
 * (rt_match_ref, router/ref.c): every decision field must agree.
 *   - every case of the routing corpus (tests/corpus/routing.jsonl), with
 *     its own request and every probe request generated from its table;
 *   - randomised tables (hosts exact, wildcard, upper case, with a trailing
 *     dot, absent; paths of every type, unknown types, without backend;
 *     timestamps with ties and without; namespace/name ties; default
 *     backends; classes and default IngressClasses) and randomised requests
 *     (case, ports, dots, IP literals, %XX, '//', dot segments, queries,
 *     relative and over-long targets).
 * A mismatch prints the seed, the table's Ingresses and the request.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "router/norm.h"
#include "router/probes.h"
#include "router/router.h"

#define N(a) (sizeof(a) / sizeof *(a))

/* ---- one table from JSON objects ---------------------------------------- */

struct set {
	json_t *objs;                 /* the objects (kept alive for the models) */
	struct ingress *ings[64];
	size_t nings;
	struct ingress_class *classes[8];
	size_t nclasses;
	struct rt_table *t;
};

static void set_build(struct set *s, json_t *objs, const char *cls)
{
	memset(s, 0, sizeof *s);
	s->objs = objs;
	size_t i;
	json_t *o;
	json_array_foreach(objs, i, o) {
		enum iw_kind kind;
		enum iw_api api;
		iw_object_type(o, &kind, &api);
		struct errlist el = { 0 };
		if (kind == IW_KIND_INGRESS && s->nings < N(s->ings)) {
			assert_int_equal(ingress_parse(o, 0, &el, &s->ings[s->nings]), IW_OK);
			s->nings++;
		} else if (kind == IW_KIND_INGRESSCLASS && s->nclasses < N(s->classes)) {
			assert_int_equal(ingress_class_parse(o, 0, &el, &s->classes[s->nclasses]), IW_OK);
			s->nclasses++;
		}
		errlist_release(&el);
	}
	struct rt_input in = {
		.ingresses = (const struct ingress *const *)s->ings, .ningresses = s->nings,
		.classes = (const struct ingress_class *const *)s->classes, .nclasses = s->nclasses,
		.ingress_class = cls,
	};
	s->t = rt_build(&in);
	assert_non_null(s->t);
}

static void set_free(struct set *s)
{
	rt_free(s->t);
	for (size_t i = 0; i < s->nings; i++)
		ingress_free(s->ings[i]);
	for (size_t i = 0; i < s->nclasses; i++)
		ingress_class_free(s->classes[i]);
	json_decref(s->objs);
}

/* ---- comparing decisions ----------------------------------------------- */

static bool same_decision(const struct rt_decision *a, const struct rt_decision *b)
{
	return a->match == b->match && a->profile == b->profile && a->kind == b->kind &&
	       a->namespace_ == b->namespace_ && a->name == b->name && a->ingress == b->ingress &&
	       a->backend == b->backend && a->rule_host == b->rule_host &&
	       a->rule_path == b->rule_path && a->path_type == b->path_type &&
	       a->rule_index == b->rule_index && a->path_index == b->path_index &&
	       a->rule == b->rule && a->path == b->path && a->group == b->group &&
	       a->key == b->key && a->changes == b->changes && a->winner == b->winner &&
	       a->runner_up == b->runner_up;
}

static void print_decision(const char *who, const struct rt_decision *d)
{
	print_message("  %s: match %s %s/%s rule %zu path %zu type %d group %d key %d changes %#x "
	              "winner %ld runner-up %ld\n", who, rt_match_name(d->match),
	              d->namespace_ ? d->namespace_ : "-", d->name ? d->name : "-", d->rule_index,
	              d->path_index, (int)d->path_type, (int)d->group, (int)d->key, d->changes,
	              d->winner, d->runner_up);
}

static size_t checked;
/* what the compared decisions covered: match kinds, group kinds, keys */
static size_t seen_match[3], seen_group[4], seen_key[RT_K_ORDER + 1], seen_type[3];

/* rt_match, rt_match_host and rt_match_ref on one request must agree. */
static void check_request(const struct set *s, const char *host, size_t hl, const char *path,
                          size_t pl, const char *context)
{
	struct rt_decision fast, ref, prep;
	struct rt_host ph;
	int rf = rt_match(s->t, host, hl, path, pl, &fast);
	int rr = rt_match_ref(s->t, host, hl, path, pl, &ref);
	int rh = rt_host_prepare(s->t, host, hl, &ph);
	int rp = rt_match_host(s->t, &ph, path, pl, &prep);
	checked++;
	seen_match[ref.match]++;
	seen_group[ref.group]++;
	if (ref.match == RT_RULE) {
		seen_key[ref.key]++;
		seen_type[ref.path_type]++;
	}
	if (rf == rr && (rh == IW_OK ? rp == rf : rp == rh) && same_decision(&fast, &ref) &&
	    same_decision(&fast, &prep))
		return;
	print_message("fast path and reference disagree (%s)\n  request: host \"%.*s\" path \"%.*s\"\n",
	              context, (int)(hl > 200 ? 200 : hl), host, (int)(pl > 200 ? 200 : pl), path);
	print_message("  returns: fast %d, reference %d, prepared host %d / %d\n", rf, rr, rh, rp);
	print_decision("fast", &fast);
	print_decision("reference", &ref);
	print_decision("prepared host", &prep);
	char *js = json_dumps(s->objs, JSON_COMPACT);
	print_message("  objects: %s\n", js ? js : "?");
	free(js);
	fail();
}

static void check_probes(const struct set *s, const char *context)
{
	struct rt_probes p = { 0 };
	assert_int_equal(rt_probes_generate(s->t, &p), 0);
	for (size_t i = 0; i < p.n; i++)
		check_request(s, p.v[i].host, strlen(p.v[i].host), p.v[i].path, strlen(p.v[i].path),
		              context);
	rt_probes_release(&p);
}

/* ---- the routing corpus ------------------------------------------------ */

static void corpus_cases(void **state)
{
	(void)state;
	FILE *f = fopen("tests/corpus/routing.jsonl", "r");
	assert_non_null(f);
	char *line = NULL;
	size_t cap = 0, lines = 0, cases = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, f)) > 0) {
		if (len <= 1)
			continue;
		lines++;
		json_error_t jerr;
		json_t *c = json_loadb(line, (size_t)len, 0, &jerr);
		assert_non_null(c);
		const char *id = json_string_value(json_object_get(c, "id"));
		const char *cls = json_string_value(json_object_get(c, "ingressClass"));
		json_t *req = json_object_get(c, "request");
		const char *host = json_string_value(json_object_get(req, "host"));
		const char *path = json_string_value(json_object_get(req, "path"));
		assert_non_null(id);
		assert_non_null(host);
		assert_non_null(path);
		struct set s;
		set_build(&s, json_incref(json_object_get(c, "ingresses")), cls);
		check_request(&s, host, strlen(host), path, strlen(path), id);
		check_probes(&s, id);
		set_free(&s);
		json_decref(c);
		cases++;
	}
	free(line);
	fclose(f);
	assert_int_equal(cases, lines);
	assert_true(cases >= 162);   /* the corpus as copied from ../shared */
}

/* ---- randomised tables and requests ------------------------------------- */

static uint64_t rng;

static unsigned rnd(unsigned n)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(rng >> 33) % n;
}

static const char *pick(const char *const *v, size_t n)
{
	return v[rnd((unsigned)n)];
}

static const char *const rule_hosts[] = {
	"a.com", "b.a.com", "*.a.com", "*.b.a.com", "", "A.com", "a.com.", "c.org", "x.y.c.org",
	"*.c.org", "*.y.c.org", "d.net", NULL /* absent */,
};
static const char *const segs[] = { "a", "b", "ab", "a.b", "x", "%41", "~u", "api", "v1", "" };
static const char *const types[] = { "Exact", "Prefix", "ImplementationSpecific", "Prefix",
                                     "Exact", "ImplementationSpecific", NULL, "Bogus" };
static const char *const stamps[] = { NULL, "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z",
                                      "2024-01-02T00:00:00Z", "2024-01-01T02:00:00+02:00",
                                      "garbage" };
static const char *const nss[] = { NULL, "default", "ns1", "ns2" };
static const char *const names[] = { "a", "b", "c", "a-b" };

/* "/seg/seg..." with 0-3 segments, sometimes a trailing '/' */
static void rule_path(char *buf, size_t size)
{
	unsigned n = rnd(4);
	size_t w = 0;
	buf[0] = '\0';
	for (unsigned i = 0; i < n; i++)
		w += (size_t)snprintf(buf + w, size - w, "/%s", pick(segs, N(segs) - 1));
	if (n == 0 || rnd(4) == 0)
		snprintf(buf + w, size - w, "/");
	if (rnd(12) == 0)
		buf[0] = '\0';   /* absent / empty */
}

static json_t *backend(void)
{
	char svc[16];
	snprintf(svc, sizeof svc, "s%u", rnd(1000));
	switch (rnd(6)) {
	case 0: return json_pack("{s:{s:s, s:{s:s}}}", "service", "name", svc, "port", "name", "http");
	case 1: return json_pack("{s:{s:s, s:s, s:s}}", "resource", "apiGroup", "k8s.example.com",
	                         "kind", "Bucket", "name", svc);
	default: return json_pack("{s:{s:s, s:{s:i}}}", "service", "name", svc, "port", "number",
	                          (int)rnd(65535) + 1);
	}
}

static json_t *random_ingress(void)
{
	json_t *meta = json_object();
	const char *ns = pick(nss, N(nss)), *ts = pick(stamps, N(stamps));
	json_object_set_new(meta, "name", json_string(pick(names, N(names))));
	if (ns)
		json_object_set_new(meta, "namespace", json_string(ns));
	if (ts)
		json_object_set_new(meta, "creationTimestamp", json_string(ts));
	json_t *spec = json_object();
	switch (rnd(6)) {
	case 0: json_object_set_new(spec, "ingressClassName", json_string("c1")); break;
	case 1: json_object_set_new(spec, "ingressClassName", json_string("c2")); break;
	case 2: json_object_set_new(meta, "annotations",
	                            json_pack("{s:s}", "kubernetes.io/ingress.class", "c1"));
		break;
	default: break;   /* no class */
	}
	if (rnd(3) == 0)
		json_object_set_new(spec, "defaultBackend", backend());
	json_t *rules = json_array();
	for (unsigned r = rnd(4); r > 0; r--) {
		json_t *rule = json_object();
		const char *h = pick(rule_hosts, N(rule_hosts));
		if (h)
			json_object_set_new(rule, "host", json_string(h));
		if (rnd(8)) {
			json_t *paths = json_array();
			for (unsigned p = rnd(5); p > 0; p--) {
				char pb[64];
				rule_path(pb, sizeof pb);
				json_t *o = json_object();
				if (*pb)
					json_object_set_new(o, "path", json_string(pb));
				const char *ty = pick(types, N(types));
				if (ty)
					json_object_set_new(o, "pathType", json_string(ty));
				if (rnd(10))
					json_object_set_new(o, "backend", backend());
				json_array_append_new(paths, o);
			}
			json_object_set_new(rule, "http", json_pack("{s:o}", "paths", paths));
		}
		json_array_append_new(rules, rule);
	}
	json_object_set_new(spec, "rules", rules);
	return json_pack("{s:s, s:s, s:o, s:o}", "apiVersion", "networking.k8s.io/v1",
	                 "kind", "Ingress", "metadata", meta, "spec", spec);
}

static json_t *random_class(const char *name)
{
	json_t *meta = json_pack("{s:s}", "name", name);
	if (rnd(2))
		json_object_set_new(meta, "annotations",
		                    json_pack("{s:s}", "ingressclass.kubernetes.io/is-default-class",
		                              "true"));
	const char *ts = pick(stamps, N(stamps));
	if (ts)
		json_object_set_new(meta, "creationTimestamp", json_string(ts));
	return json_pack("{s:s, s:s, s:o, s:{s:s}}", "apiVersion", "networking.k8s.io/v1",
	                 "kind", "IngressClass", "metadata", meta, "spec", "controller", "x/y");
}

static const char *const req_hosts[] = {
	"a.com", "A.COM", "a.com:8080", "a.com.", "b.a.com", "q.a.com", "Q.A.com.:1", "r.q.a.com",
	"q.b.a.com", "c.org", "x.y.c.org", "z.y.c.org", "w.x.y.c.org", "d.net", "e.net", "",
	"10.0.0.1", "10.0.0.1:80", "[::1]", "[::1]:443", ".a.com", "a..com", "com", "*.a.com",
	"a.com:", ":80",
};
static const char *const req_segs[] = { "a", "b", "ab", "a.b", "x", "A", "%41", "%61", "%2F",
                                        "%2f", "~u", "%7Eu", "api", "v1", ".", "..", "", "%2E",
                                        "ab%2Fc", "%zz" };

static void random_request_path(char *buf, size_t size)
{
	size_t w = 0;
	unsigned n = rnd(5);
	bool relative = rnd(20) == 0;
	for (unsigned i = 0; i < n; i++)
		w += (size_t)snprintf(buf + w, size - w, "%s%s", i == 0 && relative ? "" : "/",
		                      pick(req_segs, N(req_segs)));
	if (n == 0 && !relative)
		w += (size_t)snprintf(buf + w, size - w, "/");
	switch (rnd(10)) {
	case 0: snprintf(buf + w, size - w, "/"); break;
	case 1: snprintf(buf + w, size - w, "?q=/a"); break;
	case 2: snprintf(buf + w, size - w, "#f"); break;
	case 3: snprintf(buf + w, size - w, "//"); break;
	default: break;
	}
}

static void random_tables(void **state)
{
	(void)state;
	static const char *const serve[] = { NULL, NULL, "c1", "c2" };
	char *big = malloc(RT_MAX_PATH + 16);
	assert_non_null(big);
	memset(big, 'a', RT_MAX_PATH + 16);
	big[0] = '/';
	for (unsigned round = 0; round < 1500; round++) {
		rng = 0x9E3779B97F4A7C15ULL ^ round;
		char context[64];
		snprintf(context, sizeof context, "random table, seed %u", round);
		json_t *objs = json_array();
		for (unsigned i = rnd(12) + 1; i > 0; i--)
			json_array_append_new(objs, random_ingress());
		if (rnd(3) == 0) {
			json_array_append_new(objs, random_class("c1"));
			json_array_append_new(objs, random_class("c2"));
		}
		struct set s;
		set_build(&s, objs, pick(serve, N(serve)));
		check_probes(&s, context);
		for (unsigned q = 0; q < 150; q++) {
			char path[256];
			const char *host = pick(req_hosts, N(req_hosts));
			random_request_path(path, sizeof path);
			check_request(&s, host, strlen(host), path, strlen(path), context);
		}
		/* over-long host and path: both refuse */
		check_request(&s, "a.com", 5, big, RT_MAX_PATH + 1, context);
		check_request(&s, big + 1, RT_MAX_HOST + 1, "/", 1, context);
		set_free(&s);
	}
	free(big);
	print_message("%zu decisions compared; keys:", checked);
	for (size_t i = 0; i < N(seen_key); i++)
		print_message(" %zu", seen_key[i]);
	print_message("\n");
	/* the random tables reach every outcome the decision can have */
	for (size_t i = 0; i < N(seen_match); i++)
		assert_true(seen_match[i] > 100);
	for (size_t i = 0; i < N(seen_group); i++)
		assert_true(seen_group[i] > 100);
	for (size_t i = 0; i < N(seen_key); i++)
		assert_true(seen_key[i] > 20);
	for (size_t i = 0; i < N(seen_type); i++)
		assert_true(seen_type[i] > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(corpus_cases),
		cmocka_unit_test(random_tables),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
