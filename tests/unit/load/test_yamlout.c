/* yamlout: JSON values written as YAML read back as the same values
 * (load/yamlout.h, read with load/yamldoc.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "load/yamldoc.h"
#include "load/yamlout.h"

static json_t *parse(const char *json)
{
	json_error_t e;
	json_t *j = json_loads(json, 0, &e);
	assert_non_null(j);
	return j;
}

/* YAML out reads back as the same values: strings that look like numbers,
 * booleans (also go-yaml v1.1's yes/no/on/off), null, "" and "<<" are quoted */
static enum iw_err back(void *ctx, struct yd_doc *d)
{
	json_t *arr = ctx;
	assert_null(d->error);
	return json_array_append(arr, d->root) ? IW_ENOMEM : IW_OK;
}

static void yaml_round_trip(void **state)
{
	(void)state;
	json_t *docs[2];
	docs[0] = parse("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"data\":{\"a\":\"80\",\"b\":\"true\","
	                "\"c\":\"yes\",\"d\":\"null\",\"e\":\"\",\"f\":\"0x1F\",\"g\":\"1.5\",\"h\":\"8e1\","
	                "\"i\":\"~\",\"j\":\"plain text\",\"k\":\"a: b\",\"l\":\"- x\",\"m\":\"line\\nbreak\","
	                "\"<<\":\"merge\",\"y\":\"key y\",\"80\":\"key 80\",\"n\":\" lead\",\"o\":\"#x\"},"
	                "\"num\":80,\"real\":1.5,\"big\":1e+300,\"t\":true,\"nil\":null,\"seq\":[1,[],{}]}");
	docs[1] = parse("{\"x\":[{\"y\":1}]}");
	char *text = NULL;
	size_t len = 0;
	assert_int_equal(yo_dump(docs, 2, &text, &len), IW_OK);
	assert_int_equal(strlen(text), len);
	assert_non_null(strstr(text, "\n---\n"));
	assert_non_null(strstr(text, "num: 80\n"));
	json_t *arr = json_array();
	assert_int_equal(yd_parse(text, len, YD_YAML, NULL, back, arr), IW_OK);
	assert_int_equal(json_array_size(arr), 2);
	for (size_t i = 0; i < 2; i++)
		assert_true(json_equal(json_array_get(arr, i), docs[i]));
	json_decref(arr);
	free(text);
	json_decref(docs[0]);
	json_decref(docs[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(yaml_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
