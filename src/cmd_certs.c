/* ingress-warden certs: a CA and a serving certificate for the webhook. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <time.h>
#include <unistd.h>

#include "certs/certs.h"
#include "certs/incluster.h"
#include "src/cliopt.h"
#include "src/cmd.h"
#include "webhook/kubeapi.h"

static const char usage_text[] =
	"usage: ingress-warden certs --out DIR --service NAME --namespace NS [--days N]\n"
	"                            [--host H]... [--new-ca] [--secret FILE] [--secret-name NAME]\n"
	"                            [--webhook-config FILE] [--webhook-path PATH]\n"
	"       ingress-warden certs --in-cluster [--out DIR] [--service NAME] [--namespace NS]\n"
	"                            [--secret-name NAME] [--webhook NAME] [--renew-before DAYS]\n"
	"                            [--kubeconfig FILE] [--wait SECONDS]\n"
	"\n"
	"Generates a CA and an ECDSA P-256 serving certificate whose subject alternative\n"
	"names are NAME, NAME.NS, NAME.NS.svc and NAME.NS.svc.cluster.local (plus each\n"
	"--host: a DNS name or an IP address, e.g. localhost, 127.0.0.1), writes\n"
	"DIR/ca.crt, DIR/tls.crt, DIR/tls.key and DIR/ca.key (keys mode 0600) and prints\n"
	"the base64 caBundle on stdout.  When DIR already holds ca.crt and ca.key, the\n"
	"CA is kept and only the serving pair is new, so the caBundle stays valid\n"
	"(--new-ca makes a new CA).\n"
	"\n"
	"  --days N              validity of the serving certificate in days (default 365)\n"
	"  --ca-days N           validity of a new CA (default 3650)\n"
	"  --new-ca              a new CA even when DIR holds one\n"
	"  --secret FILE         also write a kubernetes.io/tls Secret (JSON) to FILE\n"
	"  --secret-name NAME    its name (default NAME-tls)\n"
	"  --webhook-config FILE also write the ValidatingWebhookConfiguration (JSON)\n"
	"                        with the caBundle filled in\n"
	"  --webhook-path PATH   the URL path in it (default /validate)\n"
	"\n"
	"--in-cluster (the Deployment's init container): in the cluster, through the API\n"
	"server (the pod's service account, or --kubeconfig): creates the Secret\n"
	"NS/NAME-tls with a CA and a serving pair when it is absent, renews the pair with\n"
	"the same CA when it expires within --renew-before days (default 30) or does not\n"
	"name the Service, sets the caBundle of the ValidatingWebhookConfiguration\n"
	"(--webhook, default NAME) and, with --out, writes the pair for the server.\n"
	"--service defaults to ingress-warden, --namespace to the pod's namespace;\n"
	"--wait SECONDS (default 60) waits for the ValidatingWebhookConfiguration to exist.\n"
	"Exit status: 0 written, 1 the API server refused (the message says why), 2 usage\n"
	"or input error.\n";

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

static bool number(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || end == s || *s == '-' || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* DIR/NAME when it exists and is small (a PEM file): new string, else NULL. */
static char *read_small(const char *dir, const char *name)
{
	char path[4096];
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
		return NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = calloc(1, 65537);
	size_t n = buf ? fread(buf, 1, 65536, f) : 0;
	fclose(f);
	if (buf && (n == 0 || n == 65536)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* certs_api over the watch's HTTP client. */
static int api_call(void *arg, const char *method, const char *path, const char *body,
                    long *status, char **resp, char *err, size_t errlen)
{
	return iw_kube_request(arg, method, path, body, 8u << 20, status, resp, err, errlen);
}

static int in_cluster_run(struct certs_opts *o, const char *out, const char *secret_name,
                          const char *vwc, const char *kubeconfig, unsigned renew, unsigned wait_s)
{
	struct iw_watch_opts wo = { 0 };
	char err[512], *tmp_ca = NULL, ns[64] = "", sname[128];
	if (!o->service)
		o->service = "ingress-warden";
	if (!certs_valid_label(o->service))
		return bad_usage("--service must be a DNS-1123 label");
	if (!o->namespace_) {
		FILE *f = fopen("/var/run/secrets/kubernetes.io/serviceaccount/namespace", "r");
		if (f) {
			if (!fgets(ns, sizeof ns, f))
				ns[0] = '\0';
			fclose(f);
			ns[strcspn(ns, "\r\n")] = '\0';
		}
		if (!*ns)
			return bad_usage("--namespace is required outside a pod");
		o->namespace_ = ns;
	}
	if (!certs_valid_label(o->namespace_))
		return bad_usage("--namespace must be a DNS-1123 label");
	if (!secret_name) {
		snprintf(sname, sizeof sname, "%s-tls", o->service);
		secret_name = sname;
	} else if (!certs_valid_label(secret_name)) {
		return bad_usage("--secret-name must be a DNS-1123 label");
	}
	if (!vwc)
		vwc = o->service;
	int rc = kubeconfig ? iw_watch_kubeconfig(kubeconfig, &wo, &tmp_ca, err, sizeof err)
	                    : iw_watch_in_cluster(&wo, err, sizeof err);
	if (rc < 0) {
		fprintf(stderr, "ingress-warden certs: %s\n", err);
		return 2;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	struct certs_api api = { api_call, &wo };
	struct certs_incluster ic = { .secret = secret_name, .webhook = vwc, .renew_days = renew };
	struct certs_pem p;
	struct certs_outcome what;
	int ret = 1;
	for (unsigned waited = 0;; waited++) {
		ic.now = (long long)time(NULL);
		if (certs_in_cluster(o, &ic, &api, &p, &what, err, sizeof err) == 0)
			break;
		/* the webhook configuration may be applied after the Deployment */
		if (waited >= wait_s || !strstr(err, "does not exist")) {
			fprintf(stderr, "ingress-warden certs: %s\n", err);
			goto done;
		}
		sleep(1);
	}
	char exp[32] = "";
	time_t na = (time_t)what.not_after;
	struct tm tm;
	gmtime_r(&na, &tm);
	strftime(exp, sizeof exp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "ingress-warden certs: Secret %s/%s %s; serving certificate valid until %s; "
	        "caBundle of %s %s\n", o->namespace_, secret_name,
	        what.created ? "created" : what.new_ca ? "renewed with a new CA" :
	        what.renewed ? "renewed (same CA)" : "in place", exp, vwc,
	        what.bundle_patched ? "written" : "already current");
	if (out) {
		struct certs_pem files = p;
		files.ca_key = NULL;   /* the server never needs the CA's key */
		if (certs_write_dir(out, &files, err, sizeof err) < 0) {
			fprintf(stderr, "ingress-warden certs: %s\n", err);
			certs_release(&p);
			goto done;
		}
	}
	certs_release(&p);
	ret = 0;
done:
	iw_watch_opts_release(&wo);
	if (tmp_ca) {
		unlink(tmp_ca);
		free(tmp_ca);
	}
	return ret;
}

int cmd_certs(int argc, char **argv)
{
	unsigned long renew_tmp;
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
		{ "ca-days", required_argument, NULL, 'C' },
		{ "new-ca", no_argument, NULL, 'A' },
		{ "in-cluster", no_argument, NULL, 'I' },
		{ "webhook", required_argument, NULL, 'w' },
		{ "renew-before", required_argument, NULL, 'R' },
		{ "kubeconfig", required_argument, NULL, 'K' },
		{ "wait", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct certs_opts o = { .days = 365, .ca_days = 3650 };
	const char *out = NULL, *secret = NULL, *secret_name = NULL, *webhook = NULL;
	const char *wpath = "/validate", *vwc = NULL, *kubeconfig = NULL;
	bool new_ca = false, in_cluster = false;
	unsigned long renew = 30, wait_s = 60;
	char sname[128];
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 's': o.service = optarg; break;
		case 'n': o.namespace_ = optarg; break;
		case 'd':
			if (!number(optarg, 1, 36500, &renew_tmp))
				return bad_usage("--days must be a number 1..36500");
			o.days = (unsigned)renew_tmp;
			break;
		case 'H':
			if (o.nhosts >= CERTS_MAX_HOSTS)
				return bad_usage("too many --host");
			o.hosts[o.nhosts++] = optarg;
			break;
		case 'S': secret = optarg; break;
		case 'N': secret_name = optarg; break;
		case 'W': webhook = optarg; break;
		case 'P': wpath = optarg; break;
		case 'C':
			if (!number(optarg, 1, 36500, &renew_tmp))
				return bad_usage("--ca-days must be a number 1..36500");
			o.ca_days = (unsigned)renew_tmp;
			break;
		case 'A': new_ca = true; break;
		case 'I': in_cluster = true; break;
		case 'w': vwc = optarg; break;
		case 'R':
			if (!number(optarg, 0, 36500, &renew))
				return bad_usage("--renew-before must be a number 0..36500");
			break;
		case 'K': kubeconfig = optarg; break;
		case 'T':
			if (!number(optarg, 0, 3600, &wait_s))
				return bad_usage("--wait must be a number 0..3600");
			break;
		case 'h': fputs(usage_text, stdout); return 0;
		default: {
			char msg[240], w[104], names[sizeof longopts / sizeof *longopts][24];
			const char *words[sizeof longopts / sizeof *longopts + 1];
			const char *arg = argv[optind - 1 > 0 ? optind - 1 : 1];
			size_t n = 0;
			for (size_t i = 0; longopts[i].name; i++) {
				snprintf(names[i], sizeof names[i], "--%s", longopts[i].name);
				words[n++] = names[i];
			}
			words[n] = NULL;
			snprintf(w, sizeof w, "%.*s", (int)strcspn(arg, "="), arg);
			const char *near = cli_nearest(w, words);
			if (near && strcmp(near, w))
				snprintf(msg, sizeof msg, "unknown option '%s' (did you mean '%s'?)", w, near);
			else
				snprintf(msg, sizeof msg, "unknown or incomplete option '%.100s'", arg);
			return bad_usage(msg);
		}
		}
	}
	if (optind < argc)
		return bad_usage("unexpected argument");
	if (in_cluster)
		return in_cluster_run(&o, out, secret_name, vwc, kubeconfig, (unsigned)renew, (unsigned)wait_s);
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
	char *old_crt = NULL, *old_key = NULL;
	if (!new_ca) {   /* keep the CA of an earlier run: the caBundle stays valid */
		old_crt = read_small(out, "ca.crt");
		old_key = read_small(out, "ca.key");
	}
	bool keep = old_crt && old_key;
	int gr = keep ? certs_issue(&o, old_crt, old_key, &p, err, sizeof err)
	              : certs_generate(&o, &p, err, sizeof err);
	if (old_key)
		memset(old_key, 0, strlen(old_key));
	free(old_crt);
	free(old_key);
	if (gr < 0) {
		fprintf(stderr, "ingress-warden certs: %s%s\n", err,
		        keep ? " (the CA in --out; --new-ca makes a new one)" : "");
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
