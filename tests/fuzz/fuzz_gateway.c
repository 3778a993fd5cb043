/*
 * libFuzzer target: the Gateway API model, validation and router on hostile
 * objects.  Input: one JSON document, an array [gateway, route, ...] of
 * objects, followed after a NUL byte by "HOST\nPATH\nHEADER=VALUE"; every
 * profile decides the request and explains it.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "router/httproute.h"
#include "validate/gwvalidate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t jlen = nul ? (size_t)(nul - data) : size;
	json_t *arr = json_loadb((const char *)data, jlen, 0, NULL);
	if (!json_is_array(arr) || json_array_size(arr) > 32) {
		json_decref(arr);
		return 0;
	}
	struct gateway *g[32];
	struct httproute *r[32];
	size_t ng = 0, nr = 0;
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o) {
		struct errlist el = { 0 };
		enum gw_kind k;
		enum gw_api a;
		gw_object_type(o, &k, &a);
		if (k == GW_KIND_GATEWAY && !gateway_parse(o, IW_PARSE_STRICT, &el, &g[ng]))
			iw_validate_gateway(g[ng++], NULL, &el);
		else if (k == GW_KIND_HTTPROUTE && !httproute_parse(o, IW_PARSE_STRICT, &el, &r[nr]))
			iw_validate_httproute(r[nr++], NULL, &el);
		errlist_release(&el);
	}
	json_decref(arr);
	const char *req = nul ? (const char *)nul + 1 : "";
	size_t rlen = nul ? size - jlen - 1 : 0;
	char buf[512];
	if (rlen >= sizeof buf)
		rlen = sizeof buf - 1;
	memcpy(buf, req, rlen);
	buf[rlen] = '\0';
	char *host = buf, *path = strchr(buf, '\n'), *hdr = NULL;
	if (path) {
		*path++ = '\0';
		if ((hdr = strchr(path, '\n')))
			*hdr++ = '\0';
	} else {
		path = (char *)"/";
	}
	struct gw_kv h[1] = { { "x", "" } };
	if (hdr && strchr(hdr, '=')) {
		char *eq = strchr(hdr, '=');
		*eq = '\0';
		h[0] = (struct gw_kv){ hdr, eq + 1 };
	}
	struct gw_decision *d = malloc(sizeof *d);
	for (int p = 0; d && p < GW_NPROFILES; p++) {
		struct gw_input in = { (const struct gateway *const *)g, ng,
		                       (const struct httproute *const *)r, nr, NULL, 0, NULL, 0, NULL, 0,
		                       NULL, (enum gw_profile)p };
		struct gw_table *t = gw_build(&in);
		if (!t)
			continue;
		struct gw_request q = { host, strlen(host), path, strlen(path), "GET", h, hdr ? 1 : 0,
		                        NULL, 0, 0 };
		char *reason = NULL;
		char *text = gw_explain(t, &q, d, &reason);
		json_t *j = text ? gw_decision_json(d, reason) : NULL;
		json_decref(j);
		free(text);
		free(reason);
		gw_free(t);
	}
	free(d);
	for (size_t k = 0; k < ng; k++)
		gateway_free(g[k]);
	for (size_t k = 0; k < nr; k++)
		httproute_free(r[k]);
	return 0;
}
