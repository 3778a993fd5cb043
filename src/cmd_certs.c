/* ingress-warden certs: a CA and a serving certificate for the webhook. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "certs/certs.h"
#include "src/cmd.h"

static const char usage_text[] =
	"usage: ingress-warden certs --out DIR --service NAME --namespace NS [--days N]\n"
	"                            [--host H]... [--secret FILE] [--secret-name NAME]\n"
	"                            [--webhook-config FILE] [--webhook-path PATH]\n"
	"\n"
	"Generates a CA and an ECDSA P-256 serving certificate whose subject alternative\n"
	"names are NAME, NAME.NS, NAME.NS.svc and NAME.NS.svc.cluster.local (plus each\n"
	"--host: a DNS name or an IP address, e.g. localhost, 127.0.0.1), writes\n"
	"DIR/ca.crt, DIR/tls.crt and DIR/tls.key (mode 0600) and prints the base64\n"
	"caBundle on stdout.\n"
	"\n"
	"  --days N              validity in days (default 365)\n"
	"  --secret FILE         also write a kubernetes.io/tls Secret (JSON) to FILE\n"
	"  --secret-name NAME    its name (default NAME-tls)\n"
	"  --webhook-config FILE also write the ValidatingWebhookConfiguration (JSON)\n"
	"                        with the caBundle filled in\n"
	"  --webhook-path PATH   the URL path in it (default /validate)\n"
	"Exit status: 0 written, 2 usage or input error.\n";

static int bad_usage(const char *msg)
{
	fprintf(stderr, "ingress-warden certs: %s (see --help)\n", msg);
	return 2;
}

static json_t *secret_json(const char *name, const char *ns, const struct certs_pem *p)
{
	char *crt = certs_base64(p->tls_crt, strlen(p->tls_crt));
	char *key = certs_base64(p->tls_key, strlen(p->tls_key));
	char *ca = certs_base64(p->ca_crt, strlen(p->ca_crt));
	json_t *j = NULL;
	if (crt && key && ca)
		j = json_pack("{s:s, s:s, s:{s:s, s:s, s:{s:s}}, s:s, s:{s:s, s:s, s:s}}",
		              "apiVersion", "v1", "kind", "Secret",
		              "metadata", "name", name, "namespace", ns,
		              "labels", "app.kubernetes.io/name", "ingress-warden",
		              "type", "kubernetes.io/tls",
		              "data", "tls.crt", crt, "tls.key", key, "ca.crt", ca);
	free(crt);
	if (key) {
		memset(key, 0, strlen(key));
		free(key);
	}
	free(ca);
	return j;
}

/* Same webhook settings as manifests/base/webhook.yaml (the comments there say why). */
static json_t *webhook_json(const char *svc, const char *ns, const char *path, const char *bundle)
{
	return json_pack(
		"{s:s, s:s, s:{s:s, s:{s:s}}, s:[{s:s, s:[s,s], s:{s:{s:s, s:s, s:s, s:i}, s:s},"
		" s:[{s:[s,s], s:[s], s:[s], s:[s,s], s:s}], s:s, s:s, s:i, s:s}]}",
		"apiVersion", "admissionregistration.k8s.io/v1",
		"kind", "ValidatingWebhookConfiguration",
		"metadata", "name", "ingress-warden",
		"labels", "app.kubernetes.io/name", "ingress-warden",
		"webhooks",
		"name", "validate.ingress-warden.io",
		"admissionReviewVersions", "v1", "v1beta1",
		"clientConfig", "service", "name", svc, "namespace", ns, "path", path, "port", 443,
		"caBundle", bundle,
		"rules", "operations", "CREATE", "UPDATE", "apiGroups", "networking.k8s.io",
		"apiVersions", "*", "resources", "ingresses", "ingressclasses", "scope", "*",
		"sideEffects", "None", "failurePolicy", "Fail", "timeoutSeconds", 5,
		"matchPolicy", "Equivalent");
}

/* Writes j (consumed) as JSON to file; 'mode' 0600 for anything holding a key. */
static int dump_to(json_t *j, const char *file, unsigned mode)
{
	char *s = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(j);
	if (!s) {
		fprintf(stderr, "ingress-warden certs: out of memory\n");
		return -1;
	}
	size_t n = strlen(s);
	char *t = realloc(s, n + 2);   /* a trailing newline */
	if (t) {
		s = t;
		s[n] = '\n';
		s[n + 1] = 0;
	}
	char err[256];
	int rc = certs_write_file(file, s, mode, err, sizeof err);
	memset(s, 0, n);
	free(s);
	if (rc < 0)
		fprintf(stderr, "ingress-warden certs: %s\n", err);
	return rc;
}

int cmd_certs(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "service", required_argument, NULL, 's' },
		{ "namespace", required_argument, NULL, 'n' },
		{ "days", required_argument, NULL, 'd' },
		{ "host", required_argument, NULL, 'H' },
		{ "secret", required_argument, NULL, 'S' },
		{ "secret-name", required_argument, NULL, 'N' },
		{ "webhook-config", required_argument, NULL, 'W' },
		{ "webhook-path", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct certs_opts o = { .days = 365 };
	const char *out = NULL, *secret = NULL, *secret_name = NULL, *webhook = NULL;
	const char *wpath = "/validate";
	char sname[128];
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 's': o.service = optarg; break;
		case 'n': o.namespace_ = optarg; break;
		case 'd': {
			char *end;
			errno = 0;
			long d = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || d < 1 || d > 36500)
				return bad_usage("--days must be a number 1..36500");
			o.days = (unsigned)d;
			break;
		}
		case 'H':
			if (o.nhosts >= CERTS_MAX_HOSTS)
				return bad_usage("too many --host");
			o.hosts[o.nhosts++] = optarg;
			break;
		case 'S': secret = optarg; break;
		case 'N': secret_name = optarg; break;
		case 'W': webhook = optarg; break;
		case 'P': wpath = optarg; break;
		case 'h': fputs(usage_text, stdout); return 0;
		default: {
			char msg[160];
			snprintf(msg, sizeof msg, "unknown or incomplete option '%.100s'",
			         argv[optind - 1 > 0 ? optind - 1 : 1]);
			return bad_usage(msg);
		}
		}
	}
	if (optind < argc)
		return bad_usage("unexpected argument");
	if (!out || !o.service || !o.namespace_)
		return bad_usage("--out, --service and --namespace are required");
	if (!certs_valid_label(o.service))
		return bad_usage("--service must be a DNS-1123 label");
	if (!certs_valid_label(o.namespace_))
		return bad_usage("--namespace must be a DNS-1123 label");
	if (wpath[0] != '/' || strlen(wpath) > 256)
		return bad_usage("--webhook-path must start with '/'");
	if (!secret_name) {
		snprintf(sname, sizeof sname, "%s-tls", o.service);
		secret_name = sname;
	} else if (!certs_valid_label(secret_name)) {
		return bad_usage("--secret-name must be a DNS-1123 label");
	}

	struct certs_pem p;
	char err[256];
	if (certs_generate(&o, &p, err, sizeof err) < 0) {
		fprintf(stderr, "ingress-warden certs: %s\n", err);
		return 2;
	}
	int ret = 2;
	char *bundle = NULL;
	if (certs_write_dir(out, &p, err, sizeof err) < 0) {
		fprintf(stderr, "ingress-warden certs: %s\n", err);
		goto done;
	}
	bundle = certs_base64(p.ca_crt, strlen(p.ca_crt));
	if (!bundle) {
		fprintf(stderr, "ingress-warden certs: out of memory\n");
		goto done;
	}
	if (secret && dump_to(secret_json(secret_name, o.namespace_, &p), secret, 0600) < 0)
		goto done;
	if (webhook && dump_to(webhook_json(o.service, o.namespace_, wpath, bundle), webhook, 0644) < 0)
		goto done;
	printf("%s\n", bundle);
	ret = 0;
done:
	free(bundle);
	certs_release(&p);
	return ret;
}
