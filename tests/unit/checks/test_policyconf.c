/* The policy configuration file: severities, variants, scope lists, errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "checks/policyconf.h"
#include "src/files.h"

/* The policy, or NULL with the reason in *rc and the message in err. */
static struct iw_policy *parse_rc(const char *s, enum iw_err *rc, char *err, size_t size)
{
	struct iw_policy *p;
	err[0] = 0;
	*rc = iw_policyconf_parse(s, strlen(s), "policy.yaml", &p, err, size);
	assert_true(*rc == IW_OK ? p != NULL : p == NULL);
	return p;
}

static struct iw_policy *parse(const char *s, char *err, size_t size)
{
	enum iw_err rc;
	return parse_rc(s, &rc, err, size);
}

static void full_example(void **state)
{
	(void)state;
	char err[512];
	struct iw_policy *p = parse(
		"# example\n"
		"checks:\n"
		"  host-path-conflict:\n"
		"    severity: warning\n"
		"    sameNamespaceSeverity: off\n"
		"    namespaces: [prod, staging]\n"
		"    excludeNamespaces:\n"
		"      - sandbox\n"
		"    ingressClasses: [nginx]\n"
		"  regex-in-path: off\n"
		"  duplicate-path: {sameBackendSeverity: error}\n", err, sizeof err);
	assert_non_null(p);
	const struct iw_check_conf *c = &p->check[IW_CHK_HOST_PATH_CONFLICT];
	assert_int_equal(c->severity, IW_SEV_WARNING);
	assert_int_equal(c->alt_severity, IW_SEV_OFF);
	assert_int_equal(c->nnamespaces, 2);
	assert_string_equal(c->namespaces[1], "staging");
	assert_int_equal(c->nexclude_namespaces, 1);
	assert_string_equal(c->exclude_namespaces[0], "sandbox");
	assert_int_equal(c->nclasses, 1);
	assert_int_equal(p->check[IW_CHK_REGEX_IN_PATH].severity, IW_SEV_OFF);
	assert_int_equal(p->check[IW_CHK_DUPLICATE_PATH].severity, IW_SEV_WARNING);   /* the default */
	assert_int_equal(p->check[IW_CHK_DUPLICATE_PATH].alt_severity, IW_SEV_ERROR);
	/* untouched checks keep their defaults */
	assert_int_equal(p->check[IW_CHK_DANGEROUS_ANNOTATION].severity, IW_SEV_ERROR);
	assert_int_equal(p->check[IW_CHK_TLS_HOST_UNSERVED].severity, IW_SEV_WARNING);
	iw_policy_free(p);
}

static void empty_is_default(void **state)
{
	(void)state;
	char err[256];
	struct iw_policy *p = parse("", err, sizeof err);
	assert_non_null(p);
	assert_int_equal(p->check[IW_CHK_HOST_PATH_CONFLICT].severity, IW_SEV_ERROR);
	assert_int_equal(p->check[IW_CHK_HOST_PATH_CONFLICT].alt_severity, IW_SEV_WARNING);
	iw_policy_free(p);
	p = parse("checks:\n", err, sizeof err);
	assert_non_null(p);
	iw_policy_free(p);
}

static void errors_name_file_line(void **state)
{
	(void)state;
	static const struct { const char *in, *want; enum iw_err rc; } cases[] = {
		{ "checks:\n  host-path-conflikt: off\n", "policy.yaml:2:3: unknown check \"host-path-conflikt\"", IW_EINVAL },
		{ "checks:\n  regex-in-path: maybe\n", "policy.yaml:2:18: severity must be error, warning or off (got \"maybe\")", IW_EINVAL },
		{ "checks:\n  regex-in-path:\n    sevrity: off\n", "policy.yaml:3:5: check regex-in-path: unknown key \"sevrity\" (severity, namespaces, excludeNamespaces, ingressClasses)", IW_EINVAL },
		{ "checks:\n  regex-in-path:\n    sameNamespaceSeverity: off\n", "policy.yaml:3:5: check regex-in-path: unknown key \"sameNamespaceSeverity\" (severity, namespaces, excludeNamespaces, ingressClasses)", IW_EINVAL },
		{ "chekcs: {}\n", "policy.yaml:1:1: unknown key \"chekcs\" (expected \"checks\", \"classes\" or \"ignoreAnnotation\")", IW_EINVAL },
		{ "checks:\n  regex-in-path:\n    namespaces: prod\n", "policy.yaml:3:17: namespaces must be a list of names", IW_EINVAL },
		{ "checks: [a\n", "policy.yaml:2:1: did not find expected ',' or ']'", IW_ESYNTAX },
		{ "- 1\n", "policy.yaml:1:1: expected a mapping with a \"checks\" or \"classes\" key", IW_EINVAL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char err[512];
		enum iw_err rc;
		assert_null(parse_rc(cases[i].in, &rc, err, sizeof err));
		if (strcmp(err, cases[i].want) || rc != cases[i].rc)
			fail_msg("case %zu: got \"%s\" (%s), want \"%s\" (%s)", i, err, iw_err_name(rc),
			         cases[i].want, iw_err_name(cases[i].rc));
	}
	/* over the size bound */
	size_t big = IW_POLICYCONF_MAX_BYTES + 1;
	char *huge = malloc(big + 1);
	memset(huge, '#', big);
	huge[big] = 0;
	char err[512];
	enum iw_err rc;
	assert_null(parse_rc(huge, &rc, err, sizeof err));
	assert_int_equal(rc, IW_ETOOBIG);
	assert_string_equal(err, "policy.yaml: larger than 1048576 bytes");
	free(huge);
}

/* ignoreAnnotation: what the ingress-warden.io/ignore annotation may silence */
static void ignore_annotation_mode(void **state)
{
	(void)state;
	char err[512];
	static const struct { const char *in; enum iw_ignore_mode want; } ok[] = {
		{ "", IW_IGNORE_WARNINGS },
		{ "ignoreAnnotation: warnings\n", IW_IGNORE_WARNINGS },
		{ "ignoreAnnotation: all\n", IW_IGNORE_ALL },
		{ "ignoreAnnotation: off\n", IW_IGNORE_NONE },
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		struct iw_policy *p = parse(ok[i].in, err, sizeof err);
		assert_non_null(p);
		assert_int_equal(p->ignore, ok[i].want);
		iw_policy_free(p);
	}
	enum iw_err rc;
	assert_null(parse_rc("checks: {}\nignoreAnnotation: errors\n", &rc, err, sizeof err));
	assert_int_equal(rc, IW_EINVAL);
	assert_string_equal(err, "policy.yaml:2:19: ignoreAnnotation must be warnings (the default: the "
	                    "ingress-warden.io/ignore annotation silences warnings only), all or off");
}

static void class_profiles(void **state)
{
	(void)state;
	char err[512];
	struct iw_policy *p = parse("classes:\n  web: ingress-nginx\n  public: alb\n"
	                            "checks:\n  regex-in-path: off\n", err, sizeof err);
	assert_non_null(p);
	assert_false(p->profiles.forced);
	assert_int_equal(p->profiles.nclasses, 2);
	assert_string_equal(p->profiles.classes[0].cls, "web");
	assert_int_equal(p->profiles.classes[0].id, IW_PROFILE_INGRESS_NGINX);
	assert_string_equal(p->profiles.classes[1].cls, "public");
	assert_int_equal(p->profiles.classes[1].id, IW_PROFILE_AWS_ALB);
	assert_int_equal(p->check[IW_CHK_REGEX_IN_PATH].severity, IW_SEV_OFF);
	iw_policy_free(p);
	static const struct { const char *in, *want; } bad[] = {
		{ "classes:\n  web: haproxy\n", "policy.yaml:2:8: classes: unknown profile \"haproxy\" "
		  "for class \"web\" (spec, ingress-nginx, aws-alb, gce, traefik, nginx-inc, contour, agic)" },
		{ "classes:\n  web: spec\n  web: gce\n", "policy.yaml:3:3: classes: class \"web\" given twice" },
		{ "classes: [web]\n", "policy.yaml:1:10: \"classes\" must map IngressClass names to profiles" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_null(parse(bad[i].in, err, sizeof err));
		if (!strstr(err, bad[i].want))
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, err, bad[i].want);
	}
}

static void load_missing_file(void **state)
{
	(void)state;
	char err[256];
	struct iw_policy *p;
	assert_int_equal(iw_policyconf_load("/nonexistent/policy.yaml", &p, err, sizeof err), IW_EIO);
	assert_null(p);
	assert_string_equal(err, "/nonexistent/policy.yaml: cannot read: No such file or directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(full_example),
		cmocka_unit_test(empty_is_default),
		cmocka_unit_test(errors_name_file_line),
		cmocka_unit_test(ignore_annotation_mode),
		cmocka_unit_test(class_profiles),
		cmocka_unit_test(load_missing_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
