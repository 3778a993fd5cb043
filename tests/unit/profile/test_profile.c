/*
 * Controller profiles (profile/): the table, the choice of a profile, the
 * owners of annotations, the ingress-nginx annotation validators, canaries,
 * regex mode and path rules, and the ALB facts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile/alb.h"
#include "profile/ingress_nginx.h"
#include "profile/profile.h"

static struct ingress *parse(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, 0, &err);
	if (!j)
		fail_msg("bad test JSON: %s", err.text);
	struct errlist el = { 0 };
	struct ingress *ing = NULL;
	assert_int_equal(ingress_parse(j, 0, &el, &ing), IW_OK);
	json_decref(j);
	assert_non_null(ing);
	assert_int_equal(el.n, 0);
	errlist_release(&el);
	return ing;
}

/* An Ingress with the given annotations (a JSON object's members, or ""). */
static struct ingress *with_annotations(const char *members)
{
	char buf[4096];
	snprintf(buf, sizeof buf,
	         "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"Ingress\","
	         "\"metadata\":{\"name\":\"x\",\"annotations\":{%s}},\"spec\":{}}", members);
	return parse(buf);
}

static struct ingress_class *klass(const char *name, const char *controller)
{
	char buf[512];
	snprintf(buf, sizeof buf,
	         "{\"apiVersion\":\"networking.k8s.io/v1\",\"kind\":\"IngressClass\","
	         "\"metadata\":{\"name\":\"%s\"},\"spec\":{\"controller\":\"%s\"}}", name, controller);
	json_t *j = json_loads(buf, 0, NULL);
	struct errlist el = { 0 };
	struct ingress_class *ic = NULL;
	assert_int_equal(ingress_class_parse(j, 0, &el, &ic), IW_OK);
	json_decref(j);
	errlist_release(&el);
	assert_non_null(ic);
	return ic;
}

static void table(void **state)
{
	(void)state;
	for (int i = 0; i < IW_NPROFILES; i++) {
		const struct iw_profile *p = iw_profile_get((enum iw_profile_id)i);
		assert_int_equal(p->id, i);
		assert_ptr_equal(iw_profile_lookup(p->name), p);
		assert_non_null(p->source);
		assert_non_null(strstr(iw_profile_names(), p->name));
	}
	assert_ptr_equal(iw_profile_lookup("nginx"), iw_profile_get(IW_PROFILE_INGRESS_NGINX));
	assert_ptr_equal(iw_profile_lookup("alb"), iw_profile_get(IW_PROFILE_AWS_ALB));
	assert_null(iw_profile_lookup("haproxy"));
	assert_ptr_equal(iw_profile_by_controller("k8s.io/ingress-nginx"),
	                 iw_profile_get(IW_PROFILE_INGRESS_NGINX));
	assert_ptr_equal(iw_profile_by_controller("ingress.k8s.aws/alb"),
	                 iw_profile_get(IW_PROFILE_AWS_ALB));
	assert_ptr_equal(iw_profile_by_controller("nginx.org/ingress-controller"),
	                 iw_profile_get(IW_PROFILE_NGINX_INC));
	assert_null(iw_profile_by_controller("example.com/custom"));
	assert_int_equal(iw_profile_get(IW_PROFILE_GCE)->merge, IW_MERGE_OBJECT);
	assert_int_equal(iw_profile_get(IW_PROFILE_AWS_ALB)->merge, IW_MERGE_ALB_GROUP);
	assert_int_equal(iw_profile_get(IW_PROFILE_INGRESS_NGINX)->merge, IW_MERGE_CLASS);
	assert_true(iw_profile_get(IW_PROFILE_INGRESS_NGINX)->renders_config);
	assert_false(iw_profile_get(IW_PROFILE_AWS_ALB)->renders_config);
}

static void annotation_owners(void **state)
{
	(void)state;
	const struct iw_profile *ngx = iw_profile_get(IW_PROFILE_INGRESS_NGINX);
	const struct iw_profile *alb = iw_profile_get(IW_PROFILE_AWS_ALB);
	const struct iw_profile *gce = iw_profile_get(IW_PROFILE_GCE);
	assert_ptr_equal(iw_annotation_owner("nginx.ingress.kubernetes.io/rewrite-target"), ngx);
	assert_ptr_equal(iw_annotation_owner("alb.ingress.kubernetes.io/actions.x"), alb);
	assert_ptr_equal(iw_annotation_owner("kubernetes.io/ingress.global-static-ip-name"), gce);
	assert_ptr_equal(iw_annotation_owner("networking.gke.io/managed-certificates"), gce);
	assert_ptr_equal(iw_annotation_owner("nginx.org/server-snippets"),
	                 iw_profile_get(IW_PROFILE_NGINX_INC));
	/* read by every controller, by several, or by none */
	assert_null(iw_annotation_owner("kubernetes.io/ingress.class"));
	assert_null(iw_annotation_owner("ingress.kubernetes.io/ssl-redirect"));
	assert_null(iw_annotation_owner("cert-manager.io/cluster-issuer"));
	assert_null(iw_annotation_owner("nginx.ingress.kubernetes.io/"));   /* no name */
	/* what a controller ignores */
	assert_true(iw_profile_ignores(ngx, "ingress.kubernetes.io/app-root"));
	assert_true(iw_profile_ignores(ngx, "alb.ingress.kubernetes.io/scheme"));
	assert_false(iw_profile_ignores(ngx, "nginx.ingress.kubernetes.io/app-root"));
	assert_false(iw_profile_ignores(ngx, "cert-manager.io/cluster-issuer"));
	assert_false(iw_profile_ignores(ngx, "kubernetes.io/ingress.class"));
	assert_false(iw_profile_ignores(gce, "ingress.kubernetes.io/url-map"));   /* GKE writes it */
	assert_false(iw_profile_ignores(iw_profile_get(IW_PROFILE_CONTOUR),
	                                "ingress.kubernetes.io/force-ssl-redirect"));
	assert_false(iw_profile_ignores(iw_profile_get(IW_PROFILE_SPEC),
	                                "alb.ingress.kubernetes.io/scheme"));
}

static void choice(void **state)
{
	(void)state;
	char note[300];
	struct ingress *plain = with_annotations("");
	struct ingress *albs = with_annotations("\"alb.ingress.kubernetes.io/scheme\":\"internal\","
	                                        "\"cert-manager.io/cluster-issuer\":\"x\"");
	struct ingress *mixed = with_annotations("\"alb.ingress.kubernetes.io/scheme\":\"internal\","
	                                         "\"nginx.ingress.kubernetes.io/use-regex\":\"true\"");
	struct ingress *nic = with_annotations("\"nginx.org/rewrites\":\"x\"");
	struct ingress *gke = with_annotations("\"kubernetes.io/ingress.global-static-ip-name\":\"ip\"");
	struct iw_profile_choice ch;

	ch = iw_profile_of(plain, NULL, NULL, NULL);
	assert_int_equal(ch.profile->id, IW_PROFILE_SPEC);
	assert_int_equal(ch.how, IW_PROFILE_BY_FALLBACK);
	assert_string_equal(iw_profile_note(plain, NULL, ch, note, sizeof note), "");

	/* no class: the annotations name the controller */
	ch = iw_profile_of(albs, NULL, NULL, NULL);
	assert_int_equal(ch.profile->id, IW_PROFILE_AWS_ALB);
	assert_int_equal(ch.how, IW_PROFILE_BY_ANNOTATIONS);
	assert_string_equal(iw_profile_note(albs, NULL, ch, note, sizeof note),
	                    "profile aws-alb, inferred from its alb.ingress.kubernetes.io/ "
	                    "annotations (no class)");
	ch = iw_profile_of(gke, NULL, NULL, NULL);
	assert_int_equal(ch.profile->id, IW_PROFILE_GCE);
	assert_string_equal(iw_profile_note(gke, NULL, ch, note, sizeof note),
	                    "profile gce, inferred from its kubernetes.io/ingress.global-static-ip-name "
	                    "annotation (no class)");
	ch = iw_profile_of(mixed, NULL, NULL, NULL);   /* two controllers: nothing inferred */
	assert_int_equal(ch.profile->id, IW_PROFILE_SPEC);

	/* well-known names; "nginx" is also NGINX Inc's default */
	ch = iw_profile_of(plain, "alb", NULL, NULL);
	assert_int_equal(ch.profile->id, IW_PROFILE_AWS_ALB);
	assert_int_equal(ch.how, IW_PROFILE_BY_CLASS_NAME);
	assert_string_equal(iw_profile_note(plain, "alb", ch, note, sizeof note),
	                    "profile aws-alb: class \"alb\"");
	ch = iw_profile_of(plain, "nginx", NULL, NULL);
	assert_int_equal(ch.profile->id, IW_PROFILE_INGRESS_NGINX);
	ch = iw_profile_of(nic, "nginx", NULL, NULL);
	assert_int_equal(ch.profile->id, IW_PROFILE_NGINX_INC);
	assert_int_equal(ch.how, IW_PROFILE_BY_ANNOTATIONS);
	assert_string_equal(iw_profile_note(nic, "nginx", ch, note, sizeof note),
	                    "profile nginx-inc, inferred from its nginx.org/ annotations (class "
	                    "\"nginx\" is the default name of more than one controller)");
	/* an unknown class name: inferred, or spec */
	ch = iw_profile_of(nic, "f5-nginx", NULL, NULL);
	assert_int_equal(ch.profile->id, IW_PROFILE_NGINX_INC);
	assert_string_equal(iw_profile_note(nic, "f5-nginx", ch, note, sizeof note),
	                    "profile nginx-inc, inferred from its nginx.org/ annotations (class "
	                    "\"f5-nginx\" is not known)");
	ch = iw_profile_of(plain, "nginx-example", NULL, NULL);
	assert_int_equal(ch.profile->id, IW_PROFILE_SPEC);

	/* the IngressClass object decides over the name */
	struct ingress_class *ic = klass("nginx", "ingress.k8s.aws/alb");
	ch = iw_profile_of(plain, "nginx", ic, NULL);
	assert_int_equal(ch.profile->id, IW_PROFILE_AWS_ALB);
	assert_int_equal(ch.how, IW_PROFILE_BY_CONTROLLER);
	ingress_class_free(ic);
	ic = klass("nginx-example", "k8s.io/ingress-nginx");
	ch = iw_profile_of(plain, "nginx-example", ic, NULL);
	assert_int_equal(ch.profile->id, IW_PROFILE_INGRESS_NGINX);
	ingress_class_free(ic);

	/* the configuration maps a class; --controller decides for all */
	struct iw_class_profile map[] = { { (char *)"web", IW_PROFILE_TRAEFIK } };
	struct iw_profile_conf conf = { .classes = map, .nclasses = 1 };
	ch = iw_profile_of(plain, "web", NULL, &conf);
	assert_int_equal(ch.profile->id, IW_PROFILE_TRAEFIK);
	assert_int_equal(ch.how, IW_PROFILE_BY_CONFIG);
	ic = klass("web", "k8s.io/ingress-nginx");   /* the class object wins */
	ch = iw_profile_of(plain, "web", ic, &conf);
	assert_int_equal(ch.profile->id, IW_PROFILE_INGRESS_NGINX);
	ingress_class_free(ic);
	conf.forced = true;
	conf.force = IW_PROFILE_GCE;
	ch = iw_profile_of(albs, "alb", NULL, &conf);
	assert_int_equal(ch.profile->id, IW_PROFILE_GCE);
	assert_int_equal(ch.how, IW_PROFILE_BY_OPTION);

	ingress_free(plain);
	ingress_free(albs);
	ingress_free(mixed);
	ingress_free(nic);
	ingress_free(gke);
}

static bool valid(const char *name, const char *value)
{
	const struct iw_ngx_annotation *a = iw_ngx_annotation(name);
	assert_non_null(a);
	return iw_ngx_validate(a, value, strlen(value), NULL);
}

static void nginx_annotations(void **state)
{
	(void)state;
	assert_int_equal(iw_ngx_nannotations(), 136);
	for (size_t i = 1; i < iw_ngx_nannotations(); i++)
		assert_true(strcmp(iw_ngx_annotation_at(i - 1)->name, iw_ngx_annotation_at(i)->name) < 0);
	assert_null(iw_ngx_annotation("rewrite-taget"));
	assert_ptr_equal(iw_ngx_annotation("whitelist-source-range"),
	                 iw_ngx_annotation("allowlist-source-range"));
	assert_int_equal(iw_ngx_annotation("server-snippet")->risk, IW_NGX_RISK_CRITICAL);
	assert_int_equal(iw_ngx_annotation("auth-url")->risk, IW_NGX_RISK_HIGH);

	/* a trailing newline (a YAML | block) fails every ValidateRegex, Bool and Int */
	assert_true(valid("rewrite-target", "/$2"));
	assert_false(valid("rewrite-target", "/$2\n"));
	assert_true(valid("use-regex", "true"));
	assert_false(valid("use-regex", "true\n"));
	assert_false(valid("use-regex", "yes"));
	assert_true(valid("proxy-read-timeout", "-3600"));
	assert_false(valid("proxy-read-timeout", "3600s"));
	assert_true(valid("proxy-body-size", "8m"));
	assert_true(valid("proxy-body-size", " 8 m "));   /* spaces stripped */
	assert_false(valid("proxy-body-size", "8mb"));
	/* options and server names trim; CIDRs are not judged */
	assert_true(valid("backend-protocol", "GRPC\n"));
	assert_false(valid("backend-protocol", "h2"));
	assert_true(valid("server-alias", "a.example.com, b.example.com\n"));
	assert_false(valid("server-alias", "a.example.com;b"));
	assert_true(valid("mirror-target", "https://mirror.svc$request_uri"));
	assert_false(valid("mirror-target", "https://m.svc\"; x"));
	assert_true(valid("whitelist-source-range", "10.0.0.0/8, 192.168.0.0/16\n"));
	/* character classes */
	assert_true(valid("auth-url", "https://auth.example.com/oauth2/auth?rd=$escaped_request_uri"));
	assert_false(valid("auth-url", "http://auth.svc/\";\nevil;#"));
	assert_true(valid("canary-by-header-pattern", "^(v1|v2)$"));
	assert_false(valid("custom-headers", "ns/name;"));
	/* CVE-2026-1580: exactly one method */
	assert_true(valid("auth-method", "GET"));
	assert_true(valid("auth-method", " POST "));
	assert_false(valid("auth-method", "GET; return 200"));
	assert_false(valid("auth-method", "get"));
	/* local regexes: only CR/LF is judged */
	assert_true(valid("cors-allow-origin", "https://a.example.com, https://b.example.com"));
	assert_false(valid("cors-allow-origin", "https://a.example.com\n"));
	assert_true(valid("default-backend", "custom-404"));
	assert_false(valid("default-backend", "Custom_404"));
	assert_true(valid("auth-tls-match-cn", "CN=client-[0-9]+"));
	assert_false(valid("auth-tls-match-cn", "client"));
	assert_true(valid("configuration-snippet", "more_set_headers \"A: b\";\n"));
	assert_true(valid("rewrite-target", ""));   /* empty values are not validated */
}

static void nginx_facts(void **state)
{
	(void)state;
	bool ok;
	assert_true(iw_ngx_parse_bool("True", &ok) && ok);
	assert_false(iw_ngx_parse_bool("false", &ok));
	assert_true(ok);
	assert_false(iw_ngx_parse_bool("yes", &ok));
	assert_false(ok);

	struct ingress *canary = with_annotations("\"nginx.ingress.kubernetes.io/canary\":\"true\","
	                                          "\"nginx.ingress.kubernetes.io/use-regex\":\"true\"");
	struct ingress *rx = with_annotations("\"nginx.ingress.kubernetes.io/use-regex\":\"1\"");
	struct ingress *rw = with_annotations("\"nginx.ingress.kubernetes.io/rewrite-target\":\"/$2\"");
	struct ingress *badrw = with_annotations("\"nginx.ingress.kubernetes.io/rewrite-target\":\"/a?b\"");
	assert_true(iw_ngx_is_canary(canary));
	assert_false(iw_ngx_is_canary(rx));
	assert_false(iw_ngx_regex_location(canary, "/x"));   /* a canary's annotations are ignored */
	assert_true(iw_ngx_regex_location(rx, "/x"));
	assert_true(iw_ngx_regex_location(rw, "/x(/|$)(.*)"));
	assert_false(iw_ngx_regex_location(rw, "/$2"));      /* target == path */
	assert_false(iw_ngx_regex_location(badrw, "/x"));    /* invalid target: dropped */
	ingress_free(canary);
	ingress_free(rx);
	ingress_free(rw);
	ingress_free(badrw);

	/* paths */
	static const char *const clean[] = { "/", "/api/v1", "/foo/bar/[A-Z0-9]{3}",
	                                     "/something(/|$)(.*)", "/v\\d+/x", "/id/{1,}" };
	for (size_t i = 0; i < sizeof clean / sizeof *clean; i++)
		assert_int_equal(iw_ngx_path_injection(clean[i], strlen(clean[i])), -1);
	assert_int_equal(iw_ngx_path_injection("/a\";evil", 8), 2);
	assert_int_equal(iw_ngx_path_injection("/api/ { return 200; #", 21), 5);
	assert_int_equal(iw_ngx_path_injection("/a\nproxy_pass x;", 16), 2);
	assert_int_equal(iw_ngx_path_injection("/a{evil}", 8), 2);
	assert_int_equal(iw_ngx_path_injection("/a\\", 3), 2);
	assert_string_equal(iw_ngx_deep_inspect("/x;alias /etc/;", 15), "alias ...;");
	assert_string_equal(iw_ngx_deep_inspect("/a/etc/shadow", 13),
	                    "/etc/(passwd|shadow|group|nginx|ingress-controller)");
	assert_string_equal(iw_ngx_deep_inspect("/content_by_lua_block", 21), "_by_lua");
	assert_null(iw_ngx_deep_inspect("/root/x", 7));   /* "root" needs a ';' after it */
	assert_null(iw_ngx_deep_inspect("/etc/hosts", 10));
	assert_true(iw_ngx_strict_path_ok("/api/v1.2_x-y"));
	assert_false(iw_ngx_strict_path_ok("/api/(.*)"));
	assert_false(iw_ngx_strict_path_ok("/~user"));
}

static void alb_facts(void **state)
{
	(void)state;
	assert_true(iw_alb_wildcard("/users/*", 8, "/users/a/b", 10));
	assert_true(iw_alb_wildcard("/*", 2, "/", 1));
	assert_false(iw_alb_wildcard("/users/*", 8, "/users", 6));
	assert_true(iw_alb_wildcard("/a?c", 4, "/abc", 4));
	assert_false(iw_alb_wildcard("/a?c", 4, "/ac", 3));
	assert_true(iw_alb_wildcard("*.example.com", 13, "a.b.example.com", 15));

	assert_true(iw_alb_path_matches("/", "Prefix", "/anything", 9));
	assert_true(iw_alb_path_matches("/api/", "Prefix", "/api", 4));
	assert_true(iw_alb_path_matches("/api", "Prefix", "/api/x", 6));
	assert_false(iw_alb_path_matches("/api", "Prefix", "/apix", 5));
	assert_false(iw_alb_path_matches("/*", "Prefix", "/x", 2));   /* refused */
	assert_true(iw_alb_path_matches("/api", "Exact", "/api", 4));
	assert_false(iw_alb_path_matches("/api", NULL, "/api/x", 6));   /* a pattern, no wildcard */
	assert_true(iw_alb_path_matches("", "Prefix", "/x", 2));

	assert_true(iw_alb_host_covers("", "a.com"));
	assert_true(iw_alb_host_covers("*.example.com", "A.b.example.com"));
	assert_false(iw_alb_host_covers("a.com", ""));
	assert_true(iw_alb_group_name_ok("retail-app-group"));
	assert_false(iw_alb_group_name_ok("Retail"));
	assert_false(iw_alb_group_name_ok("-a"));

	struct ingress *a = with_annotations("\"alb.ingress.kubernetes.io/group.name\":\"g\","
	                                     "\"alb.ingress.kubernetes.io/group.order\":\"-5\","
	                                     "\"alb.ingress.kubernetes.io/conditions.svc\":\"[]\"");
	struct ingress *b = with_annotations("\"alb.ingress.kubernetes.io/group.order\":\"1001\"");
	long o;
	assert_string_equal(iw_alb_group(a), "g");
	assert_null(iw_alb_group(b));
	assert_true(iw_alb_group_order(a, &o));
	assert_int_equal(o, -5);
	assert_false(iw_alb_group_order(b, &o));
	assert_true(iw_alb_group_cmp(a, b) < 0);
	struct iw_backend be = { .has_service = true, .service = { .name = "svc", .port_name = "use-annotation" } };
	assert_true(iw_alb_narrowed(a, &be));
	assert_false(iw_alb_narrowed(b, &be));
	assert_true(iw_alb_is_action(&be));
	ingress_free(a);
	ingress_free(b);
}

/* The order ingress-nginx reads Ingresses in (SEMANTICS-ingress-nginx sec. 3):
 * one function for the router's emulation and the checks.  The list is
 * sorted with it and compared whole. */
static struct ingress *aged(const char *ns, const char *name, const char *ts)
{
	char buf[512];
	snprintf(buf, sizeof buf,
	         "{\"metadata\":{\"namespace\":\"%s\",\"name\":\"%s\"%s%s%s},\"spec\":{}}", ns, name,
	         ts ? ",\"creationTimestamp\":\"" : "", ts ? ts : "", ts ? "\"" : "");
	return parse(buf);
}

static bool order_newest;
static int cmp_order(const void *a, const void *b)
{
	return iw_ngx_order(a, b, order_newest);
}

static void nginx_order(void **state)
{
	(void)state;
	struct ingress *v[] = {
		aged("a", "x", "2024-01-01T00:00:00Z"),
		aged("b", "x", "2024-01-01T00:00:00Z"),      /* b/x beats a/x (ngx-0173) */
		aged("default", "alpha", "2024-01-01T00:00:00Z"),
		aged("default", "beta", "2024-01-01T00:00:00Z"),   /* (ngx-0174) */
		aged("a-b", "x", "2024-01-01T00:00:00Z"),    /* "a/x" > "a-b/x": '/' after '-' */
		aged("z", "old", "2023-06-01T00:00:00+02:00"),     /* age beats name (ngx-0175) */
		aged("none", "x", NULL),                     /* no creationTimestamp */
	};
	size_t n = sizeof v / sizeof *v;
	struct iw_ngx_age age[sizeof v / sizeof *v];
	for (size_t i = 0; i < n; i++)
		age[i] = iw_ngx_age_of(v[i]);
	char got[512];
	for (int newest = 0; newest < 2; newest++) {
		order_newest = newest;
		qsort(age, n, sizeof *age, cmp_order);
		size_t k = 0;
		got[0] = 0;
		for (size_t i = 0; i < n; i++)
			k += (size_t)snprintf(got + k, sizeof got - k, "%s/%s ",
			                      age[i].ing->meta.namespace_, age[i].ing->meta.name);
		assert_string_equal(got, newest ? "z/old default/beta default/alpha b/x a/x a-b/x none/x "
		                                : "none/x z/old default/beta default/alpha b/x a/x a-b/x ");
	}
	assert_int_equal(iw_ngx_order(&age[0], &age[0], false), 0);
	for (size_t i = 0; i < n; i++)
		ingress_free(v[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table),
		cmocka_unit_test(annotation_owners),
		cmocka_unit_test(choice),
		cmocka_unit_test(nginx_annotations),
		cmocka_unit_test(nginx_facts),
		cmocka_unit_test(nginx_order),
		cmocka_unit_test(alb_facts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
