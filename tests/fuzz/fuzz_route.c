/*
 * libFuzzer target: request normalisation and routing decisions (with their
 * explanations) on a fixed table; the fast path must decide as the
 * reference matcher.  Input: "HOST\nPATH" (no newline: all path).
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "router/norm.h"
#include "router/router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char SET[] =
	"[{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\","
	"\"metadata\":{\"name\":\"a\",\"namespace\":\"n\",\"creationTimestamp\":\"2024-01-01T00:00:00Z\"},"
	"\"spec\":{\"defaultBackend\":{\"service\":{\"name\":\"d\",\"port\":{\"number\":80}}},"
	"\"rules\":[{\"host\":\"a.com\",\"http\":{\"paths\":["
	"{\"path\":\"/foo\",\"pathType\":\"Prefix\",\"backend\":{\"service\":{\"name\":\"p\",\"port\":{\"number\":80}}}},"
	"{\"path\":\"/foo/\",\"pathType\":\"Exact\",\"backend\":{\"service\":{\"name\":\"e\",\"port\":{\"number\":80}}}},"
	"{\"path\":\"/f\",\"pathType\":\"ImplementationSpecific\",\"backend\":{\"service\":{\"name\":\"i\",\"port\":{\"name\":\"h\"}}}}]}},"
	"{\"host\":\"*.a.com\",\"http\":{\"paths\":["
	"{\"path\":\"/\",\"pathType\":\"Prefix\",\"backend\":{\"service\":{\"name\":\"w\",\"port\":{\"number\":80}}}}]}},"
	"{\"http\":{\"paths\":["
	"{\"path\":\"/x/y\",\"pathType\":\"Prefix\",\"backend\":{\"service\":{\"name\":\"x\",\"port\":{\"number\":80}}}}]}}]}}]";

static struct rt_table *table(void)
{
	static struct rt_table *t;
	static struct ingress *ing;
	if (!t) {
		json_t *arr = json_loads(SET, 0, NULL);
		struct errlist el = { 0 };
		ingress_parse(json_array_get(arr, 0), 0, &el, &ing);
		errlist_release(&el);
		json_decref(arr);
		const struct ingress *v[1] = { ing };
		struct rt_input in = { .ingresses = v, .ningresses = 1 };
		t = rt_build(&in);
		if (!t)
			abort();
	}
	return t;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *nl = memchr(s, '\n', size);
	size_t hl = nl ? (size_t)(nl - s) : 0;
	const char *path = nl ? nl + 1 : s;
	size_t pl = nl ? size - hl - 1 : size;
	struct rt_decision d, ref;
	int rc = rt_match(table(), s, hl, path, pl, &d);
	/* the fast path decides as the reference matcher */
	if (rt_match_ref(table(), s, hl, path, pl, &ref) != rc || ref.match != d.match ||
	    ref.ingress != d.ingress || ref.backend != d.backend || ref.path != d.path ||
	    ref.key != d.key || ref.group != d.group || ref.changes != d.changes ||
	    ref.winner != d.winner || ref.runner_up != d.runner_up)
		abort();
	if (rc == 0) {
		char *reason = NULL;
		char *text = rt_explain(table(), s, hl, path, pl, &d, &reason);
		free(text);
		free(reason);
	}
	return 0;
}
