/*
 * Allocation-failure sweep over diff (tests/unit/torture.h): df_run of
 * Ingresses (a wildcard host, Exact and Prefix paths, a default backend, a
 * named Service port) against their translation to HTTPRoutes (with a
 * RegularExpression, a redirect, a weighted split, a header match), under
 * spec on both sides and under ingress-nginx against envoy-gateway, then
 * df_render as text and JSON.  Fail the k-th allocation for every k: each
 * run must end without a crash or leak, with the reports of the run where
 * nothing failed (byte for byte) or with IW_ENOMEM.
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
#include "diff/diff.h"
#include "../torture.h"

#define ING "\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\","
#define GWAPI "\"apiVersion\":\"gateway.networking.k8s.io/v1\","
#define BE(s, p) "{\"service\":{\"name\":\"" s "\",\"port\":" p "}}"

static const char old_json[] =
	"[{" ING "\"metadata\":{\"name\":\"shop\",\"namespace\":\"web\"},\"spec\":{\"ingressClassName\":\"nginx\","
	"\"defaultBackend\":" BE("fallback", "{\"number\":80}") ",\"rules\":["
	"{\"host\":\"shop.example.com\",\"http\":{\"paths\":["
	"{\"path\":\"/api\",\"pathType\":\"Prefix\",\"backend\":" BE("api", "{\"name\":\"http\"}") "},"
	"{\"path\":\"/img\",\"pathType\":\"ImplementationSpecific\",\"backend\":" BE("img", "{\"number\":80}") "},"
	"{\"path\":\"/login\",\"pathType\":\"Exact\",\"backend\":" BE("auth", "{\"number\":80}") "}]}},"
	"{\"host\":\"*.example.com\",\"http\":{\"paths\":["
	"{\"path\":\"/\",\"pathType\":\"Prefix\",\"backend\":" BE("tenant", "{\"number\":80}") "}]}}]}},"
	"{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"api\",\"namespace\":\"web\"},"
	"\"spec\":{\"ports\":[{\"name\":\"http\",\"port\":8080}]}}]";

static const char new_json[] =
	"[{" GWAPI "\"kind\":\"Gateway\",\"metadata\":{\"name\":\"gw\",\"namespace\":\"web\"},"
	"\"spec\":{\"gatewayClassName\":\"c\",\"listeners\":[{\"name\":\"http\",\"port\":80,\"protocol\":\"HTTP\"}]}},"
	"{" GWAPI "\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"shop\",\"namespace\":\"web\"},\"spec\":{"
	"\"parentRefs\":[{\"name\":\"gw\"}],\"hostnames\":[\"shop.example.com\"],\"rules\":["
	"{\"matches\":[{\"path\":{\"type\":\"PathPrefix\",\"value\":\"/api\"}}],"
	"\"backendRefs\":[{\"name\":\"api\",\"port\":8080}]},"
	"{\"matches\":[{\"path\":{\"type\":\"RegularExpression\",\"value\":\"/img/.*\"}}],"
	"\"backendRefs\":[{\"name\":\"img\",\"port\":80,\"weight\":1},{\"name\":\"img2\",\"port\":80,\"weight\":1}]},"
	"{\"matches\":[{\"path\":{\"type\":\"PathPrefix\",\"value\":\"/login\"},\"headers\":[{\"name\":\"x-beta\",\"value\":\"1\"}]}],"
	"\"backendRefs\":[{\"name\":\"auth\",\"port\":80}]},"
	"{\"matches\":[{\"path\":{\"type\":\"Exact\",\"value\":\"/old\"}}],\"filters\":[{\"type\":\"RequestRedirect\","
	"\"requestRedirect\":{\"path\":{\"type\":\"ReplaceFullPath\",\"replaceFullPath\":\"/new\"}}}]}]}},"
	"{" GWAPI "\"kind\":\"HTTPRoute\",\"metadata\":{\"name\":\"tenants\",\"namespace\":\"web\"},\"spec\":{"
	"\"parentRefs\":[{\"name\":\"gw\"}],\"hostnames\":[\"*.example.com\"],\"rules\":["
	"{\"backendRefs\":[{\"name\":\"tenant\",\"port\":80}]}]}}]";

struct objs {
	struct ingress *ing;
	struct iw_service *svc;
	struct gateway *g;
	struct httproute *r[2];
	size_t nr;
};

static void objs_free(struct objs *o)
{
	ingress_free(o->ing);
	iw_service_free(o->svc);
	gateway_free(o->g);
	for (size_t i = 0; i < o->nr; i++)
		httproute_free(o->r[i]);
}

static enum iw_err parse_one(json_t *v, struct objs *o, struct errlist *el)
{
	const char *kind = json_string_value(json_object_get(v, "kind"));
	if (!kind)
		return IW_ENOMEM;   /* jansson lost it */
	if (!strcmp(kind, "Ingress"))
		return ingress_parse(v, IW_PARSE_STRICT, el, &o->ing);
	if (!strcmp(kind, "Service"))
		return iw_service_parse(v, &o->svc);
	if (!strcmp(kind, "Gateway"))
		return gateway_parse(v, IW_PARSE_STRICT, el, &o->g);
	return httproute_parse(v, IW_PARSE_STRICT, el, &o->r[o->nr++]);
}

static enum iw_err parse(struct objs *o)
{
	memset(o, 0, sizeof *o);
	unsigned long f0 = iw_json_failures();
	enum iw_err rc = IW_OK;
	for (int side = 0; !rc && side < 2; side++) {
		json_t *arr = json_loads(side ? new_json : old_json, 0, NULL);
		if (!arr) {
			rc = iw_json_failures() != f0 ? IW_ENOMEM : IW_ESYNTAX;
			break;
		}
		struct errlist el = { 0 };
		size_t i;
		json_t *v;
		json_array_foreach(arr, i, v) {
			if ((rc = parse_one(v, o, &el)))
				break;
		}
		if (!rc && el.err)
			rc = el.err;
		if (!rc && el.n)
			rc = IW_EINVAL;
		errlist_release(&el);
		json_decref(arr);
	}
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

static enum iw_err run(char **out)
{
	*out = NULL;
	size_t len = 0;
	struct objs o;
	enum iw_err rc = parse(&o);
	static const enum iw_profile_id ip[2] = { IW_PROFILE_SPEC, IW_PROFILE_INGRESS_NGINX };
	static const enum gw_profile gp[2] = { GW_PROFILE_SPEC, GW_PROFILE_ENVOY_GATEWAY };
	for (int k = 0; !rc && k < 2; k++) {
		const struct ingress *ings[1] = { o.ing };
		const struct gateway *gws[1] = { o.g };
		const struct httproute *rts[2] = { o.r[0], o.r[1] };
		const struct iw_service *svcs[1] = { o.svc };
		struct df_side old = { 0 }, new_ = { 0 };
		old.label = "old";
		old.kind = DF_INGRESS;
		old.ings = ings;
		old.nings = 1;
		old.ingress_profile = ip[k];
		new_.label = "new";
		new_.kind = DF_GATEWAY;
		new_.gw = (struct gw_input){ gws, 1, rts, 2, NULL, 0, NULL, 0, NULL, 0, NULL, gp[k] };
		struct df_opts opts = { svcs, 1, 0, 0 };
		struct df_result res = { 0 };
		rc = df_run(&old, &new_, &opts, &res);
		for (int f = 0; !rc && f < 2; f++) {
			char *s = df_render(&res, f ? DF_JSON : DF_TEXT);
			rc = s ? add(out, &len, s) : IW_ENOMEM;
			free(s);
		}
		df_result_release(&res);
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
	/* the comparison found the differences meant */
	assert_non_null(strstr(want, "wildcard"));
	assert_non_null(strstr(want, "\"causes\""));
	assert_non_null(strstr(want, "\nfall-through: "));
	assert_non_null(strstr(want, "\nRegularExpression precedence: 4 requests\n"));
	assert_non_null(strstr(want, "\none virtual host per hostname"));
	assert_non_null(strstr(want, "split web/img:80 weight 1, web/img2:80 weight 1"));
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
