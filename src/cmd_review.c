/* ingress-warden review: one AdmissionReview in, the response serve would answer out. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/files.h"
#include "checks/stateload.h"
#include "src/cmd.h"
#include "checks/policy.h"
#include "admission/admission.h"

#define REVIEW_MAX_BYTES (3u << 20)   /* the API server's request limit */

static void help(void)
{
	printf("usage: ingress-warden review [--config FILE] [--controller P] [--against STATE]\n"
	       "                             [--kube-version V] [FILE|-]\n\n"
	       "Reads one AdmissionReview request (admission.k8s.io/v1 or v1beta1) from FILE or\n"
	       "stdin and prints the AdmissionReview response exactly as `serve` answers it:\n"
	       "the API server's validation (422 with causes), then the checks beyond it (error\n"
	       "findings deny with 403, one cause per finding; warnings go to response.warnings).\n\n"
	       "  --config FILE       policy file (check severities and scopes, profiles of classes)\n"
	       "  --controller P      judge the object under controller profile P; without it,\n"
	       "                      its class decides (docs/profiles.md)\n"
	       "                      profiles: %s\n"
	       "  --against STATE     the cluster's objects (kubectl get ingress,ingressclass,service\n"
	       "                      -A -o json) for the cross-object checks\n"
	       "  --kube-version V    API server rules of 1.%d to 1.%d (default 1.%d)\n\n"
	       "Exit status: 0 allowed, 1 denied, 2 usage or input error.\n",
	       iw_profile_names(), IW_KUBE_MINOR_MIN, IW_KUBE_MINOR_MAX, IW_KUBE_MINOR_DEFAULT);
}

static int usage_err(const char *msg, const char *arg)
{
	fprintf(stderr, "ingress-warden review: %s%s%s (see --help)\n", msg, arg ? " " : "",
	        arg ? arg : "");
	return 2;
}

static char *read_input(const char *path, size_t *len, char *err, size_t errsize)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return NULL;
	}
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (n == cap) {
			if (cap >= REVIEW_MAX_BYTES) {
				snprintf(err, errsize, "%s: larger than %u bytes", path, REVIEW_MAX_BYTES);
				free(buf);
				buf = NULL;
				break;
			}
			char *b = realloc(buf, cap * 2);
			if (!b) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = b;
			cap *= 2;
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (!r)
			break;
	}
	if (!buf && !*err)
		snprintf(err, errsize, "out of memory");
	else if (buf && ferror(f)) {
		snprintf(err, errsize, "%s: read error", path);
		free(buf);
		buf = NULL;
	}
	if (f != stdin)
		fclose(f);
	*len = n;
	return buf;
}

struct pol {
	const struct iw_policy *p;
	const struct iw_state *st;
};

static enum iw_err policy_cb(void *arg, const struct adm_subject *s, struct findings *out,
                             const char **warning)
{
	struct pol *p = arg;
	(void)warning;
	return adm_check_subject(p->p, s, p->st, out);
}

int cmd_review(int argc, char **argv)
{
	const char *path = NULL, *config = NULL, *against = NULL;
	const struct iw_profile *controller = NULL;
	struct adm_opts o = { .policy = policy_cb };
	iw_vopts_init(&o.v);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			help();
			return 0;
		} else if (!strcmp(a, "--controller")) {
			if (i + 1 >= argc)
				return usage_err("missing value after", a);
			if (!(controller = iw_profile_lookup(argv[++i])))
				return usage_err("unknown controller profile", argv[i]);
		} else if (!strcmp(a, "--config") || !strcmp(a, "--against") || !strcmp(a, "--kube-version")) {
			if (i + 1 >= argc)
				return usage_err("missing value after", a);
			const char *v = argv[++i];
			if (!strcmp(a, "--config"))
				config = v;
			else if (!strcmp(a, "--against"))
				against = v;
			else if (!iw_vopts_set_version(&o.v, v))
				return usage_err("unsupported --kube-version", v);
		} else if (a[0] == '-' && a[1]) {
			return usage_err("unknown option", a);
		} else if (path) {
			return usage_err("more than one input:", a);
		} else {
			path = a;
		}
	}
	if (!path)
		path = "-";
	char err[600] = "";
	struct pol pol = { 0 };
	struct iw_policy *policy = NULL;
	struct iw_state *st = NULL;
	int rc = 2;
	char *body = NULL;
	struct adm_result res = { 0 };
	if (config ? iw_policyconf_load(config, &policy, err, sizeof err) != IW_OK
	           : !(policy = iw_policy_new())) {
		fprintf(stderr, "ingress-warden review: %s\n", *err ? err : iw_strerror(IW_ENOMEM));
		return 2;
	}
	if (controller) {
		policy->profiles.forced = true;
		policy->profiles.force = controller->id;
	}
	if (against) {
		st = iw_state_new(ingress_free, ingress_class_free);
		if (!st || iw_state_load_file(st, against, NULL, err, sizeof err)) {
			fprintf(stderr, "ingress-warden review: --against %s\n",
			        st ? err : iw_strerror(IW_ENOMEM));
			goto done;
		}
	}
	pol = (struct pol){ policy, st };
	o.policy_arg = &pol;
	size_t len = 0;
	if (!(body = read_input(path, &len, err, sizeof err))) {
		fprintf(stderr, "ingress-warden review: %s\n", err);
		goto done;
	}
	enum iw_err e = admission_handle(body, len, &o, &res, err, sizeof err);
	free(res.log_fields);
	if (e) {
		fprintf(stderr, "ingress-warden review: %s\n", err);
		goto done;
	}
	printf("%s\n", res.response);
	rc = fflush(stdout) ? 2 : res.outcome == ADM_DENIED ? 1 : 0;
done:
	free(res.response);
	free(body);
	iw_state_free(st);
	iw_policy_free(policy);
	return rc;
}
