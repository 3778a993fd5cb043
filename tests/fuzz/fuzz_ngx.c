/*
 * libFuzzer target: the ingress-nginx emulation (router/ngx*.c).
 * First byte even: "HOST\nPATH" against a fixed table (regex host, canary,
 * wildcard, TLS, host-less rules, app-root); rt_match, a prepared host
 * (rt_host_prepare + rt_match_host) and rt_match_ref must decide alike and
 * the explanation must state the same decision.
 * First byte odd: the rest is a JSON array of Ingresses (hostile manifests:
 * regex paths, annotations, hosts), built into a table that then decides a
 * few requests with their explanations.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "router/router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ING(ns, name, day, ann, spec) \
	"{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"metadata\":{\"namespace\":\"" \
	ns "\",\"name\":\"" name "\",\"creationTimestamp\":\"2026-01-0" day "T00:00:00Z\"," \
	"\"annotations\":{" ann "}},\"spec\":" spec "}"
#define P(p, t, s) "{\"path\":\"" p "\",\"pathType\":\"" t "\",\"backend\":{\"service\":{\"name\":\"" s \
	"\",\"port\":{\"number\":80}}}}"
#define A "nginx.ingress.kubernetes.io/"

static const char SET[] = "["
	ING("a", "base", "1", "", "{\"ingressClassName\":\"nginx\",\"rules\":[{\"host\":\"r.com\","
	    "\"http\":{\"paths\":[" P("/api", "Prefix", "api") "," P("/x/", "Exact", "x") "]}}]}") ","
	ING("a", "re", "2", "\"" A "use-regex\":\"true\"", "{\"ingressClassName\":\"nginx\",\"rules\":"
	    "[{\"host\":\"r.com\",\"http\":{\"paths\":[" P("/v[0-9]+/(a|b)$", "ImplementationSpecific", "v")
	    "]}}]}") ","
	ING("c", "main", "1", "", "{\"ingressClassName\":\"nginx\",\"defaultBackend\":{\"service\":"
	    "{\"name\":\"d\",\"port\":{\"number\":80}}},\"tls\":[{\"hosts\":[\"c.com\"]}],\"rules\":[{\"host\":"
	    "\"c.com\",\"http\":{\"paths\":[" P("/", "Prefix", "m") "," P("/docs/", "Prefix", "docs") "]}},"
	    "{\"host\":\"*.w.com\",\"http\":{\"paths\":[" P("/", "Prefix", "w") "]}},{\"http\":{\"paths\":["
	    P("/hl", "Prefix", "hl") "]}}]}") ","
	ING("c", "can", "2", "\"" A "canary\":\"true\",\"" A "canary-weight\":\"100\"",
	    "{\"ingressClassName\":\"nginx\",\"rules\":[{\"host\":\"c.com\",\"http\":{\"paths\":["
	    P("/", "Prefix", "canary") "]}}]}") ","
	ING("d", "root", "3", "\"" A "app-root\":\"/app\"", "{\"ingressClassName\":\"nginx\",\"rules\":"
	    "[{\"host\":\"app.com\",\"http\":{\"paths\":[" P("/app", "Prefix", "app") "]}}]}")
	"]";

struct set {
	struct ingress *ing[64];
	size_t n;
	struct rt_table *t;
};

static void load(struct set *s, json_t *arr)
{
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o) {
		if (s->n == sizeof s->ing / sizeof *s->ing)
			break;
		struct errlist el = { 0 };
		struct ingress *ing = NULL;
		ingress_parse(o, 0, &el, &ing);
		errlist_release(&el);
		if (ing)
			s->ing[s->n++] = ing;
	}
	struct rt_input in = { .ingresses = (const struct ingress *const *)s->ing, .ningresses = s->n,
	                       .profile = IW_PROFILE_INGRESS_NGINX };
	s->t = rt_build(&in);
}

static const struct set *fixed(void)
{
	static struct set s;
	if (!s.t) {
		json_t *arr = json_loads(SET, 0, NULL);
		if (!arr)
			abort();
		load(&s, arr);
		json_decref(arr);
		if (!s.t)
			abort();
	}
	return &s;
}

static void decide(const struct rt_table *t, const char *h, size_t hl, const char *p, size_t pl)
{
	struct rt_decision d, ref, pre;
	int rc = rt_match(t, h, hl, p, pl, &d);
	if (rt_match_ref(t, h, hl, p, pl, &ref) != rc || ref.match != d.match ||
	    ref.backend != d.backend || ref.status != d.status)
		abort();
	struct rt_host ph;
	if (rc == 0 && pl > 0 && p[0] == '/' && rt_host_prepare(t, h, hl, &ph) == 0 &&
	    rt_match_host(t, &ph, p, pl, &pre) == 0 &&
	    (pre.match != d.match || pre.backend != d.backend || pre.status != d.status))
		abort();
	if (rc != 0)
		return;
	char *reason = NULL;
	char *text = rt_explain(t, h, hl, p, pl, &d, &reason);
	if (text && !strstr(text, d.match == RT_NONE ? "\ndecision: none\n" : "\ndecision: "))
		abort();
	free(text);
	free(reason);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	const char *s = (const char *)data + 1;
	size_t n = size - 1;
	if (!(data[0] & 1)) {
		const char *nl = memchr(s, '\n', n);
		size_t hl = nl ? (size_t)(nl - s) : 0;
		decide(fixed()->t, s, hl, nl ? nl + 1 : s, nl ? n - hl - 1 : n);
		return 0;
	}
	json_t *arr = json_loadb(s, n, 0, NULL);
	if (!json_is_array(arr)) {
		json_decref(arr);
		return 0;
	}
	struct set st = { 0 };
	load(&st, arr);
	if (st.t) {
		static const char *const req[][2] = {
			{ "a.com", "/" }, { "r.com", "/API/x" }, { "x.w.com", "/a%2Fb" },
			{ "", "/healthz" }, { "c.com:80", "/docs" }, { "c.com", "/a/../.." },
		};
		for (size_t i = 0; i < sizeof req / sizeof *req; i++)
			decide(st.t, req[i][0], strlen(req[i][0]), req[i][1], strlen(req[i][1]));
	}
	rt_free(st.t);
	for (size_t i = 0; i < st.n; i++)
		ingress_free(st.ing[i]);
	json_decref(arr);
	return 0;
}
