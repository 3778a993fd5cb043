/* ingress-warden route --gateway-api: which backend one request reaches through HTTPRoutes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "model/jsonmem.h"
#include "router/httproute.h"
#include "src/cliopt.h"
#include "src/cmd.h"
#include "src/objset.h"

#define ROUTE_GW_USAGE \
	"usage: ingress-warden route --gateway-api -f PATH [-f PATH...] --host H --path P\n" \
	"                            [--method M] [--header K=V]... [--query K=V]... [--port N]\n" \
	"                            [--gateway [NS/]NAME] [--controller P] [-o text|json]\n" \
	"                            [--allow-invalid] [--exclude GLOB] [--max-file-bytes N]\n"

static void help(void)
{
	printf(ROUTE_GW_USAGE
	       "\nSays which backend the request reaches through the HTTPRoutes attached to the\n"
	       "Gateway listeners in PATH (YAML or JSON files, Lists, directories, '-' for\n"
	       "stdin; Gateway, HTTPRoute, ReferenceGrant, Namespace and Service objects), per\n"
	       "the Gateway API specification, or as an implementation orders routes where the\n"
	       "specification leaves it open.\n\n"
	       "  -f, --file PATH     objects (repeatable; read as lint reads them: --exclude\n"
	       "                      GLOB and --max-file-bytes N too)\n"
	       "  --allow-invalid     objects the API server would refuse are reported as\n"
	       "                      warnings and left out (default: errors, exit 2)\n"
	       "  --host H            the Host header (a port in it is ignored)\n"
	       "  --path P            the request path (a ?query adds query parameters)\n"
	       "  --method M          default GET\n"
	       "  --header K=V        a request header (repeatable; names are case-insensitive)\n"
	       "  --query K=V         a query parameter (repeatable)\n"
	       "  --port N            the listener port the request arrives on (default: 80 when\n"
	       "                      a listener has it, else the lowest listener port)\n"
	       "  --gateway [NS/]NAME the Gateway that receives the request (default: every\n"
	       "                      Gateway given)\n"
	       "  --controller P      spec (default), envoy-gateway, istio, nginx-gateway-fabric\n"
	       "  -o text|json        text explains every step; json is one object: match,\n"
	       "                      route, route_namespace, namespace, service, port, status,\n"
	       "                      redirect, backends, rule, listener, profile, reason\n\n"
	       "Exit status: 0 a decision was printed (also for 404), 2 usage or input error.\n");
}

static int usage_err(const char *why)
{
	fprintf(stderr, "ingress-warden route: %s\n", why);
	return 2;
}

/* "K=V" into kv (split at the first '='); false without '=' */
static bool split_kv(char *s, struct gw_kv *kv)
{
	char *eq = strchr(s, '=');
	if (!eq || eq == s)
		return false;
	*eq = '\0';
	kv->name = s;
	kv->value = eq + 1;
	return true;
}

enum { O_HELP = 1, O_GWAPI, O_FILE, O_OUT, O_HOST, O_PATH, O_METHOD, O_GATEWAY, O_CONTROLLER,
       O_HEADER, O_QUERY, O_PORT, O_ALLOW, O_MAXFILE, O_EXCLUDE };
static const struct cli_opt gw_opts[] = {
	{ "--help", "-h", false, O_HELP },
	{ "--gateway-api", NULL, false, O_GWAPI },
	{ "--file", "-f", true, O_FILE },
	{ "--output", "-o", true, O_OUT },
	{ "--host", NULL, true, O_HOST },
	{ "--path", NULL, true, O_PATH },
	{ "--method", NULL, true, O_METHOD },
	{ "--gateway", NULL, true, O_GATEWAY },
	{ "--controller", NULL, true, O_CONTROLLER },
	{ "--profile", NULL, true, O_CONTROLLER },
	{ "--header", NULL, true, O_HEADER },
	{ "--query", NULL, true, O_QUERY },
	{ "--port", NULL, true, O_PORT },
	{ "--allow-invalid", NULL, false, O_ALLOW },
	{ "--max-file-bytes", NULL, true, O_MAXFILE },
	{ "--exclude", NULL, true, O_EXCLUDE },
	{ NULL, NULL, false, 0 },
};

int cmd_route_gateway(int argc, char **argv)
{
	char **files = calloc((size_t)argc + 1, sizeof *files);
	char **exclude = calloc((size_t)argc + 1, sizeof *exclude);
	struct gw_kv *headers = calloc((size_t)argc + 1, sizeof *headers);
	struct gw_kv *query = calloc((size_t)argc + 1, sizeof *query);
	size_t nfiles = 0, nh = 0, nq = 0, nexclude = 0;
	const char *out = "text", *host = NULL, *path = NULL, *method = NULL, *gateway = NULL;
	const char *controller = "spec";
	long port = 0;
	int ret = 2;
	struct objset *set = NULL;
	struct gw_table *t = NULL;
	struct gw_decision *d = NULL;
	struct objset_opts so = { .cmd = "route", .read.flag = "--max-file-bytes" };
	char m[512];
	if (!files || !exclude || !headers || !query) {
		ret = usage_err("out of memory");
		goto done;
	}
	struct cli cl;
	cli_init(&cl, "route", argc, argv, gw_opts);
	const char *v;
	int id;
	while ((id = cli_next(&cl, &v)) != CLI_END) {
		switch (id) {
		case CLI_ERROR:
			ret = usage_err(cl.error);
			goto done;
		case CLI_ARG:
			snprintf(m, sizeof m, "unexpected argument '%.200s' (files are given with -f)", v);
			ret = usage_err(m);
			goto done;
		case O_HELP:
			help();
			ret = 0;
			goto done;
		case O_GWAPI: break;
		case O_FILE: files[nfiles++] = (char *)v; break;
		case O_OUT: out = v; break;
		case O_HOST: host = v; break;
		case O_PATH: path = v; break;
		case O_METHOD: method = v; break;
		case O_GATEWAY: gateway = v; break;
		case O_CONTROLLER: controller = v; break;
		case O_ALLOW: so.allow_invalid = true; break;
		case O_EXCLUDE: exclude[nexclude++] = (char *)v; break;
		case O_MAXFILE:
			if (iw_parse_size(v, &so.read.max_file_bytes) || !so.read.max_file_bytes) {
				ret = usage_err("--max-file-bytes takes a size such as 1Gi or 500Mi");
				goto done;
			}
			break;
		case O_HEADER:
		case O_QUERY: {
			bool hdr = id == O_HEADER;
			if (!split_kv((char *)v, hdr ? &headers[nh] : &query[nq])) {
				snprintf(m, sizeof m, "%s takes NAME=VALUE, not '%.200s'",
				         hdr ? "--header" : "--query", v);
				ret = usage_err(m);
				goto done;
			}
			hdr ? nh++ : nq++;
			break;
		}
		case O_PORT: {
			char *end;
			port = strtol(v, &end, 10);
			if (!*v || *end || port < 1 || port > 65535) {
				ret = usage_err("--port takes a number from 1 to 65535");
				goto done;
			}
			break;
		}
		}
	}
	so.read.exclude = exclude;
	so.read.nexclude = nexclude;
	if (!nfiles) {
		ret = usage_err("no file given (-f PATH)");
		goto done;
	}
	if (strcmp(out, "text") && strcmp(out, "json")) {
		ret = usage_err("-o takes text or json");
		goto done;
	}
	if (!host || !path) {
		ret = usage_err("no request given (--host H --path P)");
		goto done;
	}
	int profile = gw_profile_parse(controller);
	if (profile < 0) {
		snprintf(m, sizeof m, "unknown --controller '%.100s' for --gateway-api (spec, "
		                      "envoy-gateway, istio, nginx-gateway-fabric)", controller);
		ret = usage_err(m);
		goto done;
	}
	if (nh > GW_MAX_REQ_FIELDS || nq > GW_MAX_REQ_FIELDS) {
		ret = usage_err("more than 64 headers or query parameters");
		goto done;
	}
	char err[1024];
	if (objset_load(files, nfiles, &so, &set, err, sizeof err)) {
		fprintf(stderr, "ingress-warden route: %s\n", err);
		goto done;
	}
	if (!set->ngateways) {
		ret = usage_err("no Gateway in the files (an HTTPRoute serves requests only through "
		                "a Gateway's listeners)");
		goto done;
	}
	struct gw_input in = {
		(const struct gateway *const *)set->gateways, set->ngateways,
		(const struct httproute *const *)set->routes, set->nroutes,
		(const struct reference_grant *const *)set->grants, set->ngrants,
		(const struct gw_namespace *const *)set->namespaces, set->nnamespaces,
		(const struct iw_service *const *)set->services, set->nservices,
		gateway, (enum gw_profile)profile,
	};
	if (!(t = gw_build(&in)) || !(d = malloc(sizeof *d))) {
		fprintf(stderr, "ingress-warden route: out of memory\n");
		goto done;
	}
	if (gw_build_status(t) == IW_ENOTFOUND) {
		snprintf(m, sizeof m, "no Gateway '%.200s' in the files", gateway);
		ret = usage_err(m);
		goto done;
	}
	struct gw_request req = { host, strlen(host), path, strlen(path), method, headers, nh,
	                          query, nq, port };
	char *reason = NULL;
	char *text = gw_explain(t, &req, d, &reason);
	if (!text) {
		ret = usage_err("host or path too long, or out of memory");
		goto done;
	}
	if (!strcmp(out, "json")) {
		unsigned long f0 = iw_json_failures();
		json_t *o = gw_decision_json(d, reason);
		char *s = o ? json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT) : NULL;
		if (s && iw_json_failures() != f0) {   /* jansson lost text (model/jsonmem.h) */
			free(s);
			s = NULL;
		}
		if (s)
			printf("%s\n", s);
		free(s);
		json_decref(o);
		ret = s ? 0 : 2;
	} else {
		const char *notes = gw_build_notes(t);
		if (*notes) {
			const char *p = notes;
			while (*p) {
				const char *nl = strchr(p, '\n');
				size_t n = nl ? (size_t)(nl - p) : strlen(p);
				printf("note: %.*s\n", (int)n, p);
				p += n + (nl != NULL);
			}
		}
		fputs(text, stdout);
		ret = 0;
	}
	free(text);
	free(reason);
done:
	free(d);
	gw_free(t);
	objset_free(set);
	free(files);
	free(exclude);
	free(headers);
	free(query);
	return ret;
}
