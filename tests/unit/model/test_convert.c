/* convert: v1beta1 Ingress / IngressClass to networking.k8s.io/v1 as the API
 * server converted them (model/convert.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "model/convert.h"

static json_t *parse(const char *json)
{
	json_error_t e;
	json_t *j = json_loads(json, JSON_PRESERVE_ORDER, &e);
	assert_non_null(j);
	return j;
}

/* converts 'in' and compares with 'want' (both JSON, compared as text in order) */
static void converts(const char *in, const char *want, bool changed)
{
	json_t *j = parse(in);
	bool ch = !changed;
	assert_int_equal(iw_convert_to_v1(j, &ch), IW_OK);
	assert_int_equal(ch, changed);
	char *got = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_string_equal(got, want);
	free(got);
	json_decref(j);
}

/* The example of the Kubernetes docs before 1.19 (examples/docs-ingress-v1beta1.yaml) */
static void docs_example(void **state)
{
	(void)state;
	converts("{\"apiVersion\":\"extensions/v1beta1\",\"kind\":\"Ingress\",\"metadata\":{\"name\":"
	         "\"test-ingress\",\"annotations\":{\"nginx.ingress.kubernetes.io/rewrite-target\":\"/\"}},"
	         "\"spec\":{\"rules\":[{\"http\":{\"paths\":[{\"path\":\"/testpath\",\"backend\":"
	         "{\"serviceName\":\"test\",\"servicePort\":80}}]}}]}}",
	         "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"metadata\":{\"name\":"
	         "\"test-ingress\",\"annotations\":{\"nginx.ingress.kubernetes.io/rewrite-target\":\"/\"}},"
	         "\"spec\":{\"rules\":[{\"http\":{\"paths\":[{\"path\":\"/testpath\",\"pathType\":"
	         "\"ImplementationSpecific\",\"backend\":{\"service\":{\"name\":\"test\",\"port\":"
	         "{\"number\":80}}}}]}}]}}",
	         true);
}

/* spec.backend, named ports (a string stays a name, even "80"), a given
 * pathType, the class annotation and ingressClassName, tls, resource
 * backends and unknown fields kept where they are */
static void every_field(void **state)
{
	(void)state;
	converts("{\"kind\":\"Ingress\",\"apiVersion\":\"networking.k8s.io/v1beta1\",\"metadata\":{"
	         "\"name\":\"a\",\"annotations\":{\"kubernetes.io/ingress.class\":\"nginx\"}},"
	         "\"spec\":{\"ingressClassName\":\"x\",\"backend\":{\"serviceName\":\"def\","
	         "\"servicePort\":\"http\"},\"tls\":[{\"hosts\":[\"a.example.com\"],\"secretName\":\"s\"}],"
	         "\"rules\":[{\"host\":\"a.example.com\",\"http\":{\"paths\":["
	         "{\"backend\":{\"servicePort\":\"80\",\"serviceName\":\"n\"},\"pathType\":\"Prefix\",\"path\":\"/p\"},"
	         "{\"path\":\"/r\",\"backend\":{\"resource\":{\"kind\":\"Bucket\",\"name\":\"b\"}}},"
	         "{\"path\":\"/z\",\"pathType\":null,\"backend\":{\"serviceName\":\"z\",\"servicePort\":8080,\"extra\":1}}"
	         "]}}]},\"status\":{\"loadBalancer\":{}}}",
	         "{\"kind\":\"Ingress\",\"apiVersion\":\"networking.k8s.io/v1\",\"metadata\":{"
	         "\"name\":\"a\",\"annotations\":{\"kubernetes.io/ingress.class\":\"nginx\"}},"
	         "\"spec\":{\"ingressClassName\":\"x\",\"defaultBackend\":{\"service\":{\"name\":\"def\","
	         "\"port\":{\"name\":\"http\"}}},\"tls\":[{\"hosts\":[\"a.example.com\"],\"secretName\":\"s\"}],"
	         "\"rules\":[{\"host\":\"a.example.com\",\"http\":{\"paths\":["
	         "{\"backend\":{\"service\":{\"name\":\"n\",\"port\":{\"name\":\"80\"}}},\"pathType\":\"Prefix\",\"path\":\"/p\"},"
	         "{\"path\":\"/r\",\"pathType\":\"ImplementationSpecific\",\"backend\":{\"resource\":{\"kind\":\"Bucket\",\"name\":\"b\"}}},"
	         "{\"path\":\"/z\",\"pathType\":\"ImplementationSpecific\",\"backend\":{\"service\":{\"name\":\"z\",\"port\":{\"number\":8080}},\"extra\":1}}"
	         "]}}]},\"status\":{\"loadBalancer\":{}}}",
	         true);
	/* no service name and no port: no service (the API server's rule) */
	converts("{\"apiVersion\":\"extensions/v1beta1\",\"kind\":\"Ingress\",\"spec\":{\"backend\":{\"serviceName\":\"\"}}}",
	         "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"spec\":{\"defaultBackend\":{}}}",
	         true);
}

static void other_objects(void **state)
{
	(void)state;
	converts("{\"apiVersion\":\"networking.k8s.io/v1beta1\",\"kind\":\"IngressClass\",\"metadata\":{\"name\":\"n\"},"
	         "\"spec\":{\"controller\":\"k8s.io/ingress-nginx\"}}",
	         "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"IngressClass\",\"metadata\":{\"name\":\"n\"},"
	         "\"spec\":{\"controller\":\"k8s.io/ingress-nginx\"}}",
	         true);
	const char *same[] = {
		"{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"spec\":{\"backend\":{\"serviceName\":\"x\"}}}",
		"{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"spec\":{\"backend\":{\"serviceName\":\"x\"}}}",
		"{\"apiVersion\":\"extensions/v1beta1\",\"kind\":\"Deployment\",\"spec\":{}}",
	};
	for (size_t i = 0; i < sizeof same / sizeof *same; i++)
		converts(same[i], same[i], false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(docs_example),
		cmocka_unit_test(every_field),
		cmocka_unit_test(other_objects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
