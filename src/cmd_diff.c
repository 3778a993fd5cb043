/* ingress-warden diff: which requests reach a different backend between two configurations. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff/diff.h"
#include "router/router.h"
#include "src/cliopt.h"
#include "src/cmd.h"
#include "src/objset.h"

#define DIFF_USAGE \
	"usage: ingress-warden diff OLD... --to NEW... [--old-controller P] [--new-controller P]\n" \
	"                           [--class NAME] [--gateway [NS/]NAME] [--max N] [-o text|json]\n" \
	"                           [--allow-invalid] [--exclude GLOB] [--max-file-bytes N]\n"

static void help(void)
{
	printf(DIFF_USAGE
	       "\nGenerates the requests that can tell the two configurations apart (from both\n"
	       "sides' hosts, paths, wildcards, trailing slashes, case, percent-encoding,\n"
	       "methods, headers and query parameters), decides each on both sides and prints\n"
	       "every request whose outcome differs, grouped by cause, with each side's object,\n"
	       "file:line and reason.\n\n"
	       "  OLD..., NEW...      files, directories or '-': Ingresses and IngressClasses, or\n"
	       "                      HTTPRoutes with their Gateways (and ReferenceGrants,\n"
	       "                      Namespaces, Services); a side with HTTPRoutes is decided by\n"
	       "                      them, else by its Ingresses\n"
	       "  --old-controller P  how OLD is decided: an Ingress controller profile (spec,\n"
	       "                      ingress-nginx, ...) or a Gateway API implementation (spec,\n"
	       "                      envoy-gateway, istio, nginx-gateway-fabric); default spec\n"
	       "  --new-controller P  the same for NEW\n"
	       "  --class NAME        Ingress sides serve only this IngressClass (default: all)\n"
	       "  --gateway [NS/]NAME HTTPRoute sides: the Gateway that receives the requests\n"
	       "  --max N             differences listed in full (default 1000; all are counted)\n"
	       "  --allow-invalid     objects the API server would refuse: warnings (Ingresses\n"
	       "                      decided as written, Gateway API objects left out);\n"
	       "                      default: errors, exit 2\n"
	       "  --exclude GLOB, --max-file-bytes N   as lint reads files\n"
	       "  -o text|json\n\n"
	       "Exit status: 0 no request differs, 1 some differ, 2 usage or input error.\n");
}

static int usage_err(const char *why)
{
	fprintf(stderr, "ingress-warden diff: %s\n", why);
	return 2;
}

static const char *where(void *arg, const void *object, char *buf, size_t size)
{
	const struct obj_origin *o = objset_origin(arg, object);
	if (!o)
		return NULL;
	snprintf(buf, size, "%s:%u", o->source, o->line);
	return buf;
}

/* One side from its objects and controller; a one-line reason in err. */
static bool side(struct df_side *sd, const char *label, struct objset *s, const char *ctl,
                 const char *cls, const char *gateway, char *err, size_t errsz)
{
	memset(sd, 0, sizeof *sd);
	sd->label = label;
	sd->where = where;
	sd->where_arg = s;
	if (s->nroutes) {
		int p = gw_profile_parse(ctl ? ctl : "spec");
		if (p < 0) {
			snprintf(err, errsz, "--%s-controller '%.100s': %s has HTTPRoutes, and that is not "
			         "a Gateway API implementation (spec, envoy-gateway, istio, "
			         "nginx-gateway-fabric)", label, ctl, label);
			return false;
		}
		if (!s->ngateways) {
			snprintf(err, errsz, "%s has HTTPRoutes but no Gateway (a route serves requests "
			         "only through a Gateway's listeners)", label);
			return false;
		}
		sd->kind = DF_GATEWAY;
		sd->gw = (struct gw_input){
			(const struct gateway *const *)s->gateways, s->ngateways,
			(const struct httproute *const *)s->routes, s->nroutes,
			(const struct reference_grant *const *)s->grants, s->ngrants,
			(const struct gw_namespace *const *)s->namespaces, s->nnamespaces,
			(const struct iw_service *const *)s->services, s->nservices,
			gateway, (enum gw_profile)p,
		};
		return true;
	}
	if (!s->nings) {
		snprintf(err, errsz, "%s holds no Ingress and no HTTPRoute", label);
		return false;
	}
	int p = rt_profile_parse(ctl ? ctl : "spec");
	if (p < 0) {
		snprintf(err, errsz, "--%s-controller '%.100s': %s has Ingresses, and that is not an "
		         "Ingress controller profile", label, ctl, label);
		return false;
	}
	if (p != IW_PROFILE_SPEC && p != IW_PROFILE_INGRESS_NGINX) {
		snprintf(err, errsz, "--%s-controller '%.100s': routing is emulated for spec and "
		         "ingress-nginx only", label, ctl);
		return false;
	}
	sd->kind = DF_INGRESS;
	sd->ings = (const struct ingress *const *)s->ings;
	sd->nings = s->nings;
	sd->classes = (const struct ingress_class *const *)s->classes;
	sd->nclasses = s->nclasses;
	sd->ingress_class = cls;
	sd->ingress_profile = (enum iw_profile_id)p;
	return true;
}

enum { O_HELP = 1, O_TO, O_OLDCTL, O_NEWCTL, O_CLASS, O_GATEWAY, O_OUT, O_MAX, O_ALLOW,
       O_MAXFILE, O_EXCLUDE };
static const struct cli_opt diff_opts[] = {
	{ "--help", "-h", false, O_HELP },
	{ "--to", NULL, false, O_TO },
	{ "--old-controller", NULL, true, O_OLDCTL },
	{ "--new-controller", NULL, true, O_NEWCTL },
	{ "--class", NULL, true, O_CLASS },
	{ "--gateway", NULL, true, O_GATEWAY },
	{ "--output", "-o", true, O_OUT },
	{ "--max", NULL, true, O_MAX },
	{ "--allow-invalid", NULL, false, O_ALLOW },
	{ "--max-file-bytes", NULL, true, O_MAXFILE },
	{ "--exclude", NULL, true, O_EXCLUDE },
	{ NULL, NULL, false, 0 },
};

int cmd_diff(int argc, char **argv)
{
	char **olds = calloc((size_t)argc + 1, sizeof *olds);
	char **news = calloc((size_t)argc + 1, sizeof *news);
	char **exclude = calloc((size_t)argc + 1, sizeof *exclude);
	size_t nold = 0, nnew = 0, nexclude = 0, max = 1000;
	const char *out = "text", *octl = NULL, *nctl = NULL, *cls = NULL, *gateway = NULL;
	bool to = false;
	int ret = 2;
	struct objset *a = NULL, *b = NULL;
	const struct iw_service **svcs = NULL;
	struct df_result res = { 0 };
	struct objset_opts lo = { .cmd = "diff", .read.flag = "--max-file-bytes" };
	char m[512];
	if (!olds || !news || !exclude) {
		ret = usage_err("out of memory");
		goto done;
	}
	struct cli cl;
	cli_init(&cl, "diff", argc, argv, diff_opts);
	const char *v;
	int id;
	while ((id = cli_next(&cl, &v)) != CLI_END) {
		switch (id) {
		case CLI_ERROR:
			ret = usage_err(cl.error);
			goto done;
		case O_HELP:
			help();
			ret = 0;
			goto done;
		case O_TO: to = true; break;
		case O_OLDCTL: octl = v; break;
		case O_NEWCTL: nctl = v; break;
		case O_CLASS: cls = v; break;
		case O_GATEWAY: gateway = v; break;
		case O_OUT: out = v; break;
		case O_ALLOW: lo.allow_invalid = true; break;
		case O_EXCLUDE: exclude[nexclude++] = (char *)v; break;
		case O_MAXFILE:
			if (iw_parse_size(v, &lo.read.max_file_bytes) || !lo.read.max_file_bytes) {
				ret = usage_err("--max-file-bytes takes a size such as 1Gi or 500Mi");
				goto done;
			}
			break;
		case O_MAX: {
			char *end;
			long n = strtol(v, &end, 10);
			if (!*v || *end || n < 1 || n > 1000000) {
				ret = usage_err("--max takes a number from 1 to 1000000");
				goto done;
			}
			max = (size_t)n;
			break;
		}
		case CLI_ARG:
			if (to)
				news[nnew++] = (char *)v;
			else
				olds[nold++] = (char *)v;
			break;
		}
	}
	lo.read.exclude = exclude;
	lo.read.nexclude = nexclude;
	if (!nold || !nnew) {
		ret = usage_err(!nold ? "no OLD files given" : "no NEW files given (--to NEW...)");
		goto done;
	}
	if (strcmp(out, "text") && strcmp(out, "json")) {
		ret = usage_err("-o takes text or json");
		goto done;
	}
	char err[1024];
	if (objset_load(olds, nold, &lo, &a, err, sizeof err) ||
	    objset_load(news, nnew, &lo, &b, err, sizeof err)) {
		fprintf(stderr, "ingress-warden diff: %s\n", err);
		goto done;
	}
	struct df_side so, sn;
	if (!side(&so, "old", a, octl, cls, gateway, err, sizeof err) ||
	    !side(&sn, "new", b, nctl, cls, gateway, err, sizeof err)) {
		ret = usage_err(err);
		goto done;
	}
	size_t ns = a->nservices + b->nservices;
	if (!(svcs = calloc(ns + 1, sizeof *svcs))) {
		ret = usage_err("out of memory");
		goto done;
	}
	for (size_t i = 0; i < a->nservices; i++)
		svcs[i] = a->services[i];
	for (size_t i = 0; i < b->nservices; i++)
		svcs[a->nservices + i] = b->services[i];
	struct df_opts o = { svcs, ns, max, 0 };
	enum iw_err rc = df_run(&so, &sn, &o, &res);
	if (rc == IW_EINVAL) {
		snprintf(m, sizeof m, "no Gateway '%.200s' in the files", gateway ? gateway : "");
		ret = usage_err(m);
		goto done;
	}
	char *report = rc ? NULL : df_render(&res, strcmp(out, "json") ? DF_TEXT : DF_JSON);
	if (!report) {
		ret = usage_err("out of memory");
		goto done;
	}
	fputs(report, stdout);
	if (!strcmp(out, "json"))
		putchar('\n');
	free(report);
	ret = res.differ ? 1 : 0;
done:
	df_result_release(&res);
	free(svcs);
	objset_free(a);
	objset_free(b);
	free(olds);
	free(news);
	free(exclude);
	return ret;
}
