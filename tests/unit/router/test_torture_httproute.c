/*
 * Allocation-failure sweep over the HTTPRoute router (tests/unit/torture.h):
 * the model's parsers (Gateway, HTTPRoute, ReferenceGrant, Namespace),
 * gw_build under each profile (attachment, hostnames, regular expressions,
 * weights, redirects, cross-namespace grants), gw_explain and
 * gw_decision_json on requests that take every step, and gw_conflicts.
 * Fail the k-th allocation for every k: each run must end without a crash
 * or leak, with the text of the run where nothing failed (byte for byte)
 * or with IW_ENOMEM.
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
#include "router/httproute.h"
#include "../torture.h"

#define GWAPI "\"apiVersion\":\"gateway.networking.k8s.io/v1\","
static const char objects[] =
	"[{" GWAPI "\"kind\":\"Gateway\",\"metadata\":{\"name\":\"gw\",\"namespace\":\"infra\"},"
	"\"spec\":{\"gatewayClassName\":\"c\",\"listeners\":["
	"{\"name\":\"http\",\"port\":80,\"protocol\":\"HTTP\",\"allowedRoutes\":{\"namespaces\":{\"from\":\"All\"}}},"
	"{\"name\":\"wild\",\"port\":80,\"protocol\":\"HTTP\",\"hostname\":\"*.example.com\","
	"\"allowedRoutes\":{\"namespaces\":{\"from\":\"Selector\",\"selector\":{\"matchExpressions\":"
	"[{\"key\":\"team\",\"operator\":\"In\",\"values\":[\"a\",\"b\"]}]}}}}]}},"
	"{" GWAPI "\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"shop\",\"namespace\":\"team-a\","
	"\"creationTimestamp\":\"2025-01-01T00:00:00Z\"},\"spec\":{\"parentRefs\":[{\"name\":\"gw\","
	"\"namespace\":\"infra\"}],\"hostnames\":[\"shop.example.com\",\"*.example.com\"],\"rules\":["
	"{\"matches\":[{\"path\":{\"type\":\"PathPrefix\",\"value\":\"/api/\"},\"method\":\"POST\","
	"\"headers\":[{\"name\":\"x-v\",\"value\":\"2\"},{\"type\":\"RegularExpression\",\"name\":\"x-r\","
	"\"value\":\"[a-c]+\\\\d\"}],\"queryParams\":[{\"name\":\"q\",\"value\":\"1\"}]}],"
	"\"backendRefs\":[{\"name\":\"api\",\"port\":80,\"weight\":3},{\"name\":\"api2\",\"port\":80},"
	"{\"name\":\"far\",\"namespace\":\"team-c\",\"port\":80},{\"name\":\"no\",\"namespace\":\"team-d\",\"port\":80}]},"
	"{\"matches\":[{\"path\":{\"type\":\"RegularExpression\",\"value\":\"/img/[0-9]+\\\\.png\"}},"
	"{\"path\":{\"type\":\"RegularExpression\",\"value\":\"/(bad\"}}],"
	"\"backendRefs\":[{\"name\":\"img\",\"port\":8080}]},"
	"{\"matches\":[{\"path\":{\"type\":\"Exact\",\"value\":\"/old\"}}],\"filters\":[{\"type\":\"RequestRedirect\","
	"\"requestRedirect\":{\"scheme\":\"https\",\"hostname\":\"new.example.com\",\"path\":{\"type\":"
	"\"ReplacePrefixMatch\",\"replacePrefixMatch\":\"/new\"},\"statusCode\":301}}]},"
	"{\"matches\":[{\"path\":{\"type\":\"PathPrefix\",\"value\":\"/\"}}],\"backendRefs\":[{\"name\":\"web\",\"port\":80}]}]}},"
	"{" GWAPI "\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"takeover\",\"namespace\":\"team-b\","
	"\"creationTimestamp\":\"2025-06-01T00:00:00Z\"},\"spec\":{\"parentRefs\":[{\"name\":\"gw\","
	"\"namespace\":\"infra\",\"sectionName\":\"wild\"}],\"hostnames\":[\"*.example.com\"],\"rules\":["
	"{\"matches\":[{\"path\":{\"type\":\"PathPrefix\",\"value\":\"/\"}}],\"backendRefs\":[{\"name\":\"b\",\"port\":80}]},"
	"{\"matches\":[{\"path\":{\"type\":\"RegularExpression\",\"value\":\"/img/.*\"}}],\"backendRefs\":[{\"name\":\"b2\",\"port\":80}]}]}},"
	"{\"apiVersion\":\"gateway.networking.k8s.io/v1beta1\",\"kind\":\"ReferenceGrant\",\"metadata\":"
	"{\"name\":\"g\",\"namespace\":\"team-c\"},\"spec\":{\"from\":[{\"group\":\"gateway.networking.k8s.io\","
	"\"kind\":\"HTTPRoute\",\"namespace\":\"team-a\"}],\"to\":[{\"group\":\"\",\"kind\":\"Service\"}]}},"
	"{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"team-b\",\"labels\":{\"team\":\"b\"}}},"
	"{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"team-a\",\"labels\":{\"team\":\"a\"}}}]";

struct req {
	const char *host, *path, *method;
	struct gw_kv headers[2];
	size_t nheaders;
	struct gw_kv query[1];
	size_t nquery;
};

static const struct req reqs[] = {
	{ "shop.example.com", "/api/x?q=1", "POST", { { "X-V", "2" }, { "x-r", "ab7" } }, 2, { { NULL, NULL } }, 0 },
	{ "shop.example.com:80", "/api/y", "POST", { { "x-v", "2" }, { "X-R", "c1" } }, 2, { { "q", "1" } }, 1 },
	{ "shop.example.com", "/api/x", NULL, { { NULL, NULL } }, 0, { { NULL, NULL } }, 0 },
	{ "a.example.com", "/img/12.png", NULL, { { NULL, NULL } }, 0, { { NULL, NULL } }, 0 },
	{ "shop.example.com", "/old/../old", NULL, { { NULL, NULL } }, 0, { { NULL, NULL } }, 0 },
	{ "other.test", "/%61pi/", NULL, { { NULL, NULL } }, 0, { { NULL, NULL } }, 0 },
};

struct objs {
	struct gateway *g;
	struct httproute *r[2];
	struct reference_grant *rg;
	struct gw_namespace *ns[2];
};

static void objs_free(struct objs *o)
{
	gateway_free(o->g);
	httproute_free(o->r[0]);
	httproute_free(o->r[1]);
	reference_grant_free(o->rg);
	gw_namespace_free(o->ns[0]);
	gw_namespace_free(o->ns[1]);
}

static enum iw_err parse(struct objs *o)
{
	memset(o, 0, sizeof *o);
	unsigned long f0 = iw_json_failures();
	json_error_t e;
	json_t *arr = json_loads(objects, 0, &e);
	if (!arr)
		return iw_json_failures() != f0 ? IW_ENOMEM : IW_ESYNTAX;
	struct errlist el = { 0 };
	enum iw_err rc = IW_OK;
	size_t i;
	json_t *v;
	size_t nr = 0, nns = 0;
	json_array_foreach(arr, i, v) {
		enum gw_kind k;
		enum gw_api a;
		gw_object_type(v, &k, &a);
		if (k == GW_KIND_GATEWAY)
			rc = gateway_parse(v, IW_PARSE_STRICT, &el, &o->g);
		else if (k == GW_KIND_HTTPROUTE)
			rc = httproute_parse(v, IW_PARSE_STRICT, &el, &o->r[nr++]);
		else if (k == GW_KIND_REFERENCEGRANT)
			rc = reference_grant_parse(v, IW_PARSE_STRICT, &el, &o->rg);
		else if (k == GW_KIND_NAMESPACE)
			rc = gw_namespace_parse(v, IW_PARSE_STRICT, &el, &o->ns[nns++]);
		if (rc)
			break;
	}
	if (!rc && el.err)
		rc = el.err;
	if (!rc && el.n)
		rc = IW_EINVAL;
	errlist_release(&el);
	json_decref(arr);
	if (!rc && iw_json_failures() != f0)
		rc = IW_ENOMEM;
	return rc;
}

static enum iw_err add(char **out, size_t *len, const char *s)
{
	size_t n = strlen(s);
	char *p = realloc(*out, *len + n + 1);
	if (!p)
		return IW_ENOMEM;
	memcpy(p + *len, s, n + 1);
	*out = p;
	*len += n;
	return IW_OK;
}

static void on_claim(void *arg, const struct gw_claim *loser, const struct gw_claim *winner,
                     enum gw_key key)
{
	(void)loser;
	(void)winner;
	(void)key;
	++*(int *)arg;
}

static struct gw_decision d;

/* Everything the router says about the requests under each profile, in *out. */
static enum iw_err run(char **out)
{
	*out = NULL;
	size_t len = 0;
	struct objs o;
	enum iw_err rc = parse(&o);
	for (int p = GW_PROFILE_SPEC; !rc && p <= GW_PROFILE_NGINX_GATEWAY_FABRIC; p++) {
		const struct httproute *rts[2] = { o.r[0], o.r[1] };
		const struct reference_grant *rgs[1] = { o.rg };
		const struct gw_namespace *nss[2] = { o.ns[0], o.ns[1] };
		const struct gateway *gws[1] = { o.g };
		struct gw_input in = { gws, 1, rts, 2, rgs, 1, nss, 2, NULL, 0, NULL, (enum gw_profile)p };
		struct gw_table *t = gw_build(&in);
		if (!t) {
			rc = IW_ENOMEM;
			break;
		}
		rc = add(out, &len, gw_build_notes(t));
		int claims = 0;
		if (!rc && p == GW_PROFILE_SPEC)
			rc = (enum iw_err)gw_conflicts(t, on_claim, &claims);
		for (size_t i = 0; !rc && i < sizeof reqs / sizeof *reqs; i++) {
			const struct req *q = &reqs[i];
			struct gw_request r = { q->host, strlen(q->host), q->path, strlen(q->path), q->method,
			                        q->headers, q->nheaders, q->query, q->nquery, 0 };
			char *reason = NULL;
			char *text = gw_explain(t, &r, &d, &reason);
			json_t *j = text ? gw_decision_json(&d, reason) : NULL;
			unsigned long f0 = iw_json_failures();
			char *js = j ? json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
			if (js && iw_json_failures() != f0) {
				free(js);   /* jansson's dump loses text when an allocation fails */
				js = NULL;
			}
			if (!js)
				rc = IW_ENOMEM;
			if (!rc)
				rc = add(out, &len, text);
			if (!rc)
				rc = add(out, &len, js);
			free(text);
			free(reason);
			free(js);
			json_decref(j);
		}
		char c[32];
		snprintf(c, sizeof c, "\nclaims %d\n", claims);
		if (!rc && p == GW_PROFILE_SPEC)
			rc = add(out, &len, c);
		gw_free(t);
	}
	objs_free(&o);
	if (rc) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

static void sweep(void **state)
{
	(void)state;
	torture_init();
	char *want, *got;
	torture_fail_at(0);
	assert_int_equal(run(&want), IW_OK);
	long n = torture_count(), live0 = torture_live();
	/* the requests took the steps meant */
	assert_non_null(strstr(want, "RefNotPermitted"));
	assert_non_null(strstr(want, "\"status\":301"));
	assert_non_null(strstr(want, "/(bad"));
	assert_null(strstr(want, "claims 0\n"));
	for (long k = 1; k <= n; k++) {
		torture_fail_at(k);
		enum iw_err rc = run(&got);
		torture_fail_at(0);
		if (rc == IW_OK && strcmp(got, want)) {
			size_t at = 0;
			while (got[at] == want[at])
				at++;
			size_t from = at > 120 ? at - 120 : 0;
			report("allocation %ld of %ld failed, the output differs at byte %zu:\n"
			       "  got  ...%.240s\n  want ...%.240s", k, n, at, got + from, want + from);
		}
		if (rc != IW_OK && (rc != IW_ENOMEM || got))
			report("allocation %ld of %ld failed: %s instead of IW_ENOMEM", k, n, iw_err_name(rc));
		free(got);
		if (torture_live() != live0)
			report("allocation %ld of %ld: %ld blocks leaked", k, n, torture_live() - live0);
	}
	print_message("%ld runs\n", n);
	if (failures)
		fail_msg("%d of %ld runs failed", failures, n);
	free(want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sweep),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
