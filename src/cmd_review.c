/* ingress-warden review: one AdmissionReview in, the response serve would answer out. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admission/admission.h"
#include "base/err.h"
#include "checks/policy.h"
#include "checks/stateload.h"
#include "profile/profile.h"
#include "src/cliopt.h"
#include "src/cmd.h"
#include "src/files.h"

#define REVIEW_MAX_BYTES (3u << 20)   /* the API server's request limit */

static void help(void)
{
	printf("usage: ingress-warden review [--config FILE] [--controller P] [--against STATE]...\n"
	       "                             [--kube-version V] [FILE|-]\n\n"
	       "Reads one AdmissionReview request (admission.k8s.io/v1 or v1beta1) from FILE or\n"
	       "stdin and prints the AdmissionReview response exactly as `serve` answers it:\n"
	       "the API server's validation (422 with causes), then the checks beyond it (error\n"
	       "findings deny with 403, one cause per finding; warnings go to response.warnings).\n"
	       "To check manifests (YAML or JSON objects), use `ingress-warden lint`.\n\n"
	       "  --config FILE       policy file (check severities and scopes, profiles of classes)\n"
	       "  --controller P      judge the object under controller profile P; without it,\n"
	       "                      its class decides (docs/profiles.md)\n"
	       "                      profiles: %s\n"
	       "  --against STATE     the cluster's objects (kubectl get ingress,ingressclass,service\n"
	       "                      -A -o json, or -o yaml; files or directories, read as lint\n"
	       "                      reads them: --max-file-bytes N, --exclude GLOB) for the\n"
	       "                      cross-object checks (repeatable)\n"
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

static void against_problem(void *ctx, const char *name, unsigned line, unsigned col,
                            const char *msg)
{
	(void)ctx;
	if (line)
		fprintf(stderr, "ingress-warden review: --against %s:%u:%u: error: %s\n", name, line, col, msg);
	else
		fprintf(stderr, "ingress-warden review: --against %s: error: %s\n", name, msg);
}

/* A manifest where an AdmissionReview belongs: YAML, or a JSON object that is
 * not an AdmissionReview but has a kind. */
static bool looks_like_manifest(const char *buf, size_t len)
{
	size_t i = 0;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r'))
		i++;
	if (i < len && (buf[i] == '{' || buf[i] == '['))
		return false;
	for (size_t k = i; k + 5 < len && k < i + 65536; k++)
		if ((k == 0 || buf[k - 1] == '\n') &&
		    (!strncmp(buf + k, "apiVersion:", 11) || !strncmp(buf + k, "kind:", 5) ||
		     !strncmp(buf + k, "---", 3) || buf[k] == '#'))
			return true;
	return false;
}

enum { O_HELP = 1, O_CONFIG, O_AGAINST, O_KUBE, O_MAXFILE, O_EXCLUDE, O_CONTROLLER };
static const struct cli_opt review_opts[] = {
	{ "--help", "-h", false, O_HELP },
	{ "--config", NULL, true, O_CONFIG },
	{ "--against", NULL, true, O_AGAINST },
	{ "--kube-version", NULL, true, O_KUBE },
	{ "--max-file-bytes", NULL, true, O_MAXFILE },
	{ "--exclude", NULL, true, O_EXCLUDE },
	{ "--controller", NULL, true, O_CONTROLLER },
	{ NULL, NULL, false, 0 },
};

int cmd_review(int argc, char **argv)
{
	const char *path = NULL, *config = NULL;
	const struct iw_profile *controller = NULL;
	struct adm_opts o = { .policy = policy_cb };
	iw_vopts_init(&o.v);
	char **against = calloc((size_t)argc + 1, sizeof *against);
	char **exclude = calloc((size_t)argc + 1, sizeof *exclude);
	size_t nagainst = 0, nexclude = 0;
	struct iw_read_opts ro = { .flag = "--max-file-bytes" };
	struct iw_policy *policy = NULL;
	struct iw_state *st = NULL;
	int rc = 2;
	struct adm_result res = { 0 };
	struct iw_file in = { 0 };
	if (!against || !exclude) {
		fprintf(stderr, "ingress-warden review: out of memory\n");
		goto done;
	}
	struct cli cl;
	cli_init(&cl, "review", argc, argv, review_opts);
	const char *v;
	int id;
	while ((id = cli_next(&cl, &v)) != CLI_END) {
		switch (id) {
		case CLI_ERROR:
			fprintf(stderr, "ingress-warden review: %s\n", cl.error);
			goto done;
		case O_HELP:
			help();
			rc = 0;
			goto done;
		case O_CONFIG: config = v; break;
		case O_CONTROLLER:
			if (!(controller = iw_profile_lookup(v))) {
				rc = usage_err("unknown controller profile", v);
				goto done;
			}
			break;
		case O_AGAINST: against[nagainst++] = (char *)v; break;
		case O_EXCLUDE: exclude[nexclude++] = (char *)v; break;
		case O_KUBE:
			if (!iw_vopts_set_version(&o.v, v)) {
				rc = usage_err("unsupported --kube-version", v);
				goto done;
			}
			break;
		case O_MAXFILE:
			if (iw_parse_size(v, &ro.max_file_bytes) || !ro.max_file_bytes) {
				rc = usage_err("--max-file-bytes takes a size such as 1Gi or 500Mi, not", v);
				goto done;
			}
			break;
		case CLI_ARG:
			if (path) {
				rc = usage_err("more than one input:", v);
				goto done;
			}
			path = v;
			break;
		}
	}
	ro.exclude = exclude;
	ro.nexclude = nexclude;
	if (!path)
		path = "-";
	char err[600] = "";
	if (config ? iw_policyconf_load(config, &policy, err, sizeof err) != IW_OK
	           : !(policy = iw_policy_new())) {
		fprintf(stderr, "ingress-warden review: %s\n", *err ? err : iw_strerror(IW_ENOMEM));
		goto done;
	}
	if (controller) {
		policy->profiles.forced = true;
		policy->profiles.force = controller->id;
	}
	if (nagainst) {
		enum iw_err problem = IW_OK;
		if (!(st = iw_state_new(ingress_free, ingress_class_free)) ||
		    iw_state_load_paths(st, against, nagainst, &ro, against_problem, NULL, NULL, &problem)) {
			fprintf(stderr, "ingress-warden review: %s\n", iw_strerror(IW_ENOMEM));
			goto done;
		}
		if (problem)
			goto done;
	}
	struct pol pol = { policy, st };
	o.policy_arg = &pol;
	in.path = (char *)path;
	in.name = strcmp(path, "-") ? path : "<stdin>";
	struct iw_read_opts inro = { .max_file_bytes = REVIEW_MAX_BYTES };
	if (iw_file_read(&in, &inro, err, sizeof err)) {
		fprintf(stderr, "ingress-warden review: %s: %s\n", in.name, err);
		goto done;
	}
	enum iw_err e = admission_handle(in.buf, in.len, &o, &res, err, sizeof err);
	free(res.log_fields);
	if (e) {
		if (res.outcome == ADM_INVALID && looks_like_manifest(in.buf, in.len))
			fprintf(stderr, "ingress-warden review: %s: this looks like a YAML manifest; review "
			        "reads one AdmissionReview request (JSON): to check manifests, run "
			        "`ingress-warden lint %s`\n", in.name, strcmp(path, "-") ? path : "-");
		else
			fprintf(stderr, "ingress-warden review: %s\n", err);
		goto done;
	}
	printf("%s\n", res.response);
	rc = fflush(stdout) ? 2 : res.outcome == ADM_DENIED ? 1 : 0;
done:
	free(res.response);
	iw_file_drop(&in);
	iw_state_free(st);
	iw_policy_free(policy);
	free(against);
	free(exclude);
	return rc;
}
