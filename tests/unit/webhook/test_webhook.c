/* certs generation, the certificate store's refusal rules, metrics rendering,
 * the ?timeout= duration parser: without sockets. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "certs/certs.h"
#include "webhook/metrics.h"
#include "webhook/server.h"
#include "webhook/tlsstore.h"

static void generate_pair(struct certs_pem *p, const char *svc)
{
	struct certs_opts o = { .service = svc, .namespace_ = "ns", .days = 10,
	                        .hosts = { "localhost", "127.0.0.1", "::1" }, .nhosts = 3 };
	char err[256];
	assert_int_equal(certs_generate(&o, p, err, sizeof err), 0);
}

static void certs_sans_and_ca(void **state)
{
	(void)state;
	struct certs_pem p;
	generate_pair(&p, "hook");
	gnutls_x509_crt_t crt, ca;
	gnutls_datum_t d = { (unsigned char *)p.tls_crt, (unsigned)strlen(p.tls_crt) };
	gnutls_datum_t c = { (unsigned char *)p.ca_crt, (unsigned)strlen(p.ca_crt) };
	assert_int_equal(gnutls_x509_crt_init(&crt), 0);
	assert_int_equal(gnutls_x509_crt_init(&ca), 0);
	assert_int_equal(gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM), 0);
	assert_int_equal(gnutls_x509_crt_import(ca, &c, GNUTLS_X509_FMT_PEM), 0);
	static const char *const want[] = { "hook", "hook.ns", "hook.ns.svc", "hook.ns.svc.cluster.local", "localhost" };
	for (unsigned i = 0; i < 5; i++) {
		char buf[256];
		size_t n = sizeof buf;
		unsigned crit;
		assert_int_equal(gnutls_x509_crt_get_subject_alt_name(crt, i, buf, &n, &crit), GNUTLS_SAN_DNSNAME);
		assert_string_equal(buf, want[i]);
	}
	unsigned char ip[16];
	size_t n = sizeof ip;
	assert_int_equal(gnutls_x509_crt_get_subject_alt_name(crt, 5, ip, &n, NULL), GNUTLS_SAN_IPADDRESS);
	assert_int_equal(n, 4);
	n = sizeof ip;
	assert_int_equal(gnutls_x509_crt_get_subject_alt_name(crt, 6, ip, &n, NULL), GNUTLS_SAN_IPADDRESS);
	assert_int_equal(n, 16);
	unsigned status = 1;
	assert_int_equal(gnutls_x509_crt_list_verify(&crt, 1, &ca, 1, NULL, 0, 0, &status), 0);
	assert_int_equal(status, 0);
	assert_int_equal(gnutls_x509_crt_get_ca_status(ca, NULL), 1);
	assert_int_equal(gnutls_x509_crt_get_ca_status(crt, NULL), 0);
	assert_int_equal(gnutls_x509_crt_get_pk_algorithm(crt, NULL), GNUTLS_PK_ECDSA);
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_crt_deinit(ca);
	certs_release(&p);
}

static void certs_rejects_bad_input(void **state)
{
	(void)state;
	struct certs_pem p;
	char err[256];
	struct certs_opts o = { .service = "Bad", .namespace_ = "ns", .days = 10 };
	assert_int_equal(certs_generate(&o, &p, err, sizeof err), -1);
	o.service = "ok";
	o.days = 0;
	assert_int_equal(certs_generate(&o, &p, err, sizeof err), -1);
	o.days = 1;
	o.hosts[0] = "a b";
	o.nhosts = 1;
	assert_int_equal(certs_generate(&o, &p, err, sizeof err), -1);
	assert_non_null(strstr(err, "invalid host"));
	assert_int_equal(certs_valid_label("a-b1"), 1);
	assert_int_equal(certs_valid_label("-ab"), 0);
	assert_int_equal(certs_valid_label("ab-"), 0);
	assert_int_equal(certs_valid_label(""), 0);
	char *b = certs_base64("hello", 5);
	assert_string_equal(b, "aGVsbG8=");
	free(b);
}

static void write_text(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(s, f);
	fclose(f);
}

static void store_refuses_bad_pairs(void **state)
{
	(void)state;
	char dir[] = "/tmp/iw-unit-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char crt[300], key[300], msg[700], err[700];
	snprintf(crt, sizeof crt, "%s/tls.crt", dir);
	snprintf(key, sizeof key, "%s/tls.key", dir);
	struct certs_pem a, b;
	generate_pair(&a, "a");
	generate_pair(&b, "b");
	write_text(crt, a.tls_crt);
	write_text(key, b.tls_key);
	assert_null(wh_tls_open(crt, key, NULL, err, sizeof err));
	assert_non_null(strstr(err, "does not match"));
	write_text(key, a.tls_key);
	struct wh_tls *t = wh_tls_open(crt, key, NULL, err, sizeof err);
	assert_non_null(t);
	long long na = wh_tls_not_after(t);
	assert_int_equal(wh_tls_check(t, msg, sizeof msg), 0);          /* unchanged */
	write_text(crt, "-----BEGIN CERTIFICATE-----\nMIIB");          /* half written */
	assert_int_equal(wh_tls_check(t, msg, sizeof msg), -1);
	assert_int_equal(wh_tls_check(t, msg, sizeof msg), 0);          /* logged once */
	assert_int_equal(wh_tls_not_after(t), na);
	write_text(crt, b.tls_crt);                                      /* new cert, old key */
	assert_int_equal(wh_tls_check(t, msg, sizeof msg), -1);
	write_text(key, b.tls_key);                                      /* now matching */
	assert_int_equal(wh_tls_check(t, msg, sizeof msg), 1);
	unsigned long refused;
	assert_int_equal(wh_tls_reloads(t, &refused), 2);
	assert_int_equal(refused, 2);
	wh_tls_close(t);
	unlink(crt);
	unlink(key);
	rmdir(dir);
	certs_release(&a);
	certs_release(&b);
}

static void metrics_text(void **state)
{
	(void)state;
	static struct wh_metrics m;
	wh_metrics_observe(&m, WH_OUT_ALLOWED, WH_VER_V1, 40000);      /* 40 us */
	wh_metrics_observe(&m, WH_OUT_DENIED, WH_VER_V1BETA1, 2000000); /* 2 ms */
	struct wh_metrics_extra x = { .cert_not_after = 1000, .now = 400, .version = "9.9" };
	char *s = wh_metrics_render(&m, &x);
	assert_non_null(s);
	assert_non_null(strstr(s, "ingress_warden_admission_requests_total{outcome=\"allowed\",version=\"v1\"} 1\n"));
	assert_non_null(strstr(s, "ingress_warden_admission_requests_total{outcome=\"denied\",version=\"v1beta1\"} 1\n"));
	assert_non_null(strstr(s, "ingress_warden_admission_duration_seconds_bucket{le=\"5e-05\"} 1\n"));
	assert_non_null(strstr(s, "ingress_warden_admission_duration_seconds_bucket{le=\"0.001\"} 1\n"));
	assert_non_null(strstr(s, "ingress_warden_admission_duration_seconds_bucket{le=\"0.0025\"} 2\n"));
	assert_non_null(strstr(s, "ingress_warden_admission_duration_seconds_count 2\n"));
	assert_non_null(strstr(s, "ingress_warden_admission_duration_seconds_sum 0.002040000\n"));
	assert_non_null(strstr(s, "ingress_warden_certificate_expiry_seconds 600\n"));
	assert_non_null(strstr(s, "ingress_warden_build_info{version=\"9.9\"} 1\n"));
	free(s);
}

static void durations(void **state)
{
	(void)state;
	assert_int_equal(wh_parse_duration_ms("10s"), 10000);
	assert_int_equal(wh_parse_duration_ms("1500ms"), 1500);
	assert_int_equal(wh_parse_duration_ms("1m30s"), 90000);
	assert_int_equal(wh_parse_duration_ms("2h"), -1);       /* above an hour */
	assert_int_equal(wh_parse_duration_ms(""), -1);
	assert_int_equal(wh_parse_duration_ms("10"), -1);
	assert_int_equal(wh_parse_duration_ms("-1s"), -1);
	assert_int_equal(wh_parse_duration_ms("1.5s"), -1);
	assert_int_equal(wh_parse_duration_ms("10x"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(certs_sans_and_ca),
		cmocka_unit_test(certs_rejects_bad_input),
		cmocka_unit_test(store_refuses_bad_pairs),
		cmocka_unit_test(metrics_text),
		cmocka_unit_test(durations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
