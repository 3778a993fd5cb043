/* lib/yamljson: YAML documents to JSON values, with bounds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/yamljson.h"

static char *load(const char *yaml, int *rc, char *err, size_t errsz)
{
	json_t *docs = json_array();
	*rc = yamljson_load(yaml, strlen(yaml), "t.yaml", docs, err, errsz);
	char *s = json_dumps(docs, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(docs);
	return s;
}

static void documents_and_scalars(void **state)
{
	(void)state;
	char err[256];
	int rc;
	char *s = load("a: 1\nb: \"2\"\nc: true\nd: ~\ne: 1.5\nf: yes\ng: '080'\nh: -3\n"
	               "---\n---\n- x\n- {k: v}\n", &rc, err, sizeof err);
	assert_int_equal(rc, 0);
	assert_string_equal(s, "[{\"a\":1,\"b\":\"2\",\"c\":true,\"d\":null,\"e\":1.5,\"f\":\"yes\","
	                       "\"g\":\"080\",\"h\":-3},[\"x\",{\"k\":\"v\"}]]");
	free(s);
}

static void aliases_and_bounds(void **state)
{
	(void)state;
	char err[256];
	int rc;
	char *s = load("a: &x [1, 2]\nb: *x\n", &rc, err, sizeof err);
	assert_int_equal(rc, 0);
	assert_string_equal(s, "[{\"a\":[1,2],\"b\":[1,2]}]");
	free(s);
	/* billion laughs */
	char lol[4096] = "a: &a [x,x,x,x,x,x,x,x,x,x]\n";
	for (int i = 1; i < 12; i++) {
		char line[128];
		snprintf(line, sizeof line, "%c: &%c [*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c]\n", 'a' + i,
		         'a' + i, 'a' + i - 1, 'a' + i - 1, 'a' + i - 1, 'a' + i - 1, 'a' + i - 1,
		         'a' + i - 1, 'a' + i - 1, 'a' + i - 1, 'a' + i - 1, 'a' + i - 1);
		strcat(lol, line);
	}
	s = load(lol, &rc, err, sizeof err);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "too many YAML nodes"));
	free(s);
	char deep[300];
	memset(deep, '[', 100);
	memset(deep + 100, ']', 100);
	deep[200] = '\0';
	s = load(deep, &rc, err, sizeof err);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "deeper than 64"));
	free(s);
	s = load("a: [1\nb: 2\n", &rc, err, sizeof err);
	assert_int_equal(rc, -1);
	assert_true(!strncmp(err, "t.yaml:2:", 9));
	free(s);
	s = load("a: *nope\n", &rc, err, sizeof err);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "unknown YAML alias"));
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(documents_and_scalars),
		cmocka_unit_test(aliases_and_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
