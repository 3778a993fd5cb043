/* State from a kubectl snapshot (checks/stateload.h) and checks on parsed models. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks/stateload.h"
#include "src/files.h"
#include "model/model.h"
#include "checks/policy.h"
#include "expect.h"

#define SNAPSHOT \
	"{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[" \
	"{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"metadata\":{\"name\":\"web\"," \
	"\"namespace\":\"team-a\",\"creationTimestamp\":\"2024-01-01T00:00:00Z\"},\"spec\":{" \
	"\"ingressClassName\":\"nginx\",\"rules\":[{\"host\":\"foo.com\",\"http\":{\"paths\":[{\"path\":" \
	"\"/api\",\"pathType\":\"Prefix\",\"backend\":{\"service\":{\"name\":\"api\",\"port\":" \
	"{\"number\":80}}}}]}}]}}," \
	"{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"IngressClass\",\"metadata\":{\"name\":" \
	"\"nginx\",\"annotations\":{\"ingressclass.kubernetes.io/is-default-class\":\"true\"}}," \
	"\"spec\":{\"controller\":\"k8s.io/ingress-nginx\"}}," \
	"{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"api\",\"namespace\":" \
	"\"team-b\"},\"spec\":{\"ports\":[{\"name\":\"http\",\"port\":80}]}}," \
	"{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"}}]}"

#define NEWING(type) \
	"{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"metadata\":{\"name\":\"grab\"," \
	"\"namespace\":\"team-b\"},\"spec\":{\"rules\":[{\"host\":\"foo.com\",\"http\":{\"paths\":[{" \
	"\"path\":\"/api\",\"pathType\":\"" type "\",\"backend\":{\"service\":{\"name\":\"api\"," \
	"\"port\":{\"number\":80}}}}]}}]}}"

static void ing_free_cb(struct ingress *i) { ingress_free(i); }
static void ic_free_cb(struct ingress_class *i) { ingress_class_free(i); }

static void check_new(struct iw_state *st, const char *json, struct findings *fl)
{
	json_error_t je;
	json_t *j = json_loads(json, 0, &je);
	assert_non_null(j);
	struct errlist el = { 0 };
	struct ingress *ing;
	ingress_parse(j, 0, &el, &ing);
	json_decref(j);
	assert_non_null(ing);
	struct iw_policy *p = iw_policy_new();
	iw_policy_check(p, ing, NULL, st, fl);
	iw_policy_free(p);
	ingress_free(ing);
	errlist_release(&el);
}

static void snapshot(void **state)
{
	(void)state;
	char path[] = "/tmp/iw-state-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, SNAPSHOT, strlen(SNAPSHOT)), (ssize_t)strlen(SNAPSHOT));
	close(fd);

	struct iw_state *st = iw_state_new(ing_free_cb, ic_free_cb);
	struct iw_load_counts n = { 0 };
	char err[300];
	assert_int_equal(iw_state_load_file(st, path, &n, err, sizeof err), 0);
	unlink(path);
	assert_int_equal(n.ingresses, 1);
	assert_int_equal(n.classes, 1);
	assert_int_equal(n.services, 1);
	assert_int_equal(n.skipped, 1);
	assert_string_equal(iw_state_default_class(st), "nginx");

	struct findings fl = { 0 };
	/* no class: takes the default class nginx; Exact /api takes /api from team-a/web */
	check_new(st, NEWING("Exact"), &fl);
	expect_list(&fl, "error host-path-conflict spec.rules[0].http.paths[0]: Exact /api on host "
	                 "\"foo.com\" takes requests for \"/api\" from ingress team-a/web (Prefix /api, "
	                 "spec.rules[0].http.paths[0]); while both exist team-b/grab serves them (Exact "
	                 "beats Prefix beats ImplementationSpecific at equal length) [profile "
	                 "ingress-nginx: class \"nginx\"]\n");
	assert_true(findings_deny(&fl));
	findings_release(&fl);
	/* Prefix /apis does not */
	check_new(st, "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\",\"metadata\":"
	              "{\"name\":\"x\",\"namespace\":\"team-b\"},\"spec\":{\"rules\":[{\"host\":"
	              "\"foo.com\",\"http\":{\"paths\":[{\"path\":\"/apis\",\"pathType\":\"Prefix\","
	              "\"backend\":{\"service\":{\"name\":\"api\",\"port\":{\"name\":\"http\"}}}}]}}]}}",
	          &fl);
	expect_list(&fl, "");
	findings_release(&fl);
	iw_state_free(st);
}

static void bad_files(void **state)
{
	(void)state;
	struct iw_state *st = iw_state_new(ing_free_cb, ic_free_cb);
	char err[300];
	assert_int_equal(iw_state_load_file(st, "/nonexistent.json", NULL, err, sizeof err), IW_EIO);
	assert_string_equal(err, "/nonexistent.json: cannot read: No such file or directory");
	char path[] = "/tmp/iw-state-XXXXXX";
	int fd = mkstemp(path);
	assert_int_equal(write(fd, "{\"items\": [\n  {,", 16), 16);
	close(fd);
	assert_int_equal(iw_state_load_file(st, path, NULL, err, sizeof err), IW_ESYNTAX);
	unlink(path);
	char want[300];
	snprintf(want, sizeof want, "%s:2:4: string or '}' expected near ','", path);
	assert_string_equal(err, want);
	iw_state_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(snapshot),
		cmocka_unit_test(bad_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
