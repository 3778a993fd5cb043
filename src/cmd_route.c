/* ingress-warden route: which backend one request reaches, and why. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "router/compare.h"
#include "src/cliopt.h"
#include "src/cmd.h"
#include "src/rtload.h"

#define ROUTE_USAGE \
	"usage: ingress-warden route -f PATH [-f PATH...] [--class NAME] [-o text|json]\n" \
	"                            [--allow-invalid] [--controller spec|ingress-nginx]\n" \
	"                            (--host H --path P | URL)\n" \
	"       ingress-warden route --compare spec,ingress-nginx -f PATH [-f PATH...]\n" \
	"                            [--class NAME] [-o text|json]\n"

static void route_help(void)
{
	printf(ROUTE_USAGE
	       "\nSays which backend the request (Host H, path P) reaches through the Ingresses\n"
	       "in PATH (YAML or JSON files, List documents, directories, '-' for stdin), per\n"
	       "the Ingress specification and the reference choices where it is silent.\n\n"
	       "  -f, --file PATH   Ingress / IngressClass objects (repeatable; read as lint reads\n"
	       "                    them: --exclude GLOB and --max-file-bytes N too)\n"
	       "  --allow-invalid   route objects the API server would refuse (default: they are\n"
	       "                    reported with their errors, exit 2)\n"
	       "  --class NAME      serve only Ingresses of this IngressClass (default: all;\n"
	       "                    under ingress-nginx its class, \"nginx\")\n"
	       "  --controller P    decide as controller P does: spec (the reference, default)\n"
	       "                    or ingress-nginx (v1.15 on nginx 1.27, emulated; json adds\n"
	       "                    \"status\", the HTTP status the controller answers)\n"
	       "  --compare A,B     no request: every probe request whose outcome differs\n"
	       "                    between controllers A and B, with both explanations\n"
	       "                    (exit 1 when some differ)\n"
	       "  -o text|json      text explains every candidate; json is one object:\n"
	       "                    match (rule|default|none), namespace, ingress, service,\n"
	       "                    port (or resource), rule{host,path,pathType}, reason\n"
	       "  --host H          the Host header (port, case and a trailing dot ignored)\n"
	       "  --path P          the request-target (query and fragment ignored)\n"
	       "  URL               instead of --host/--path: http://H/P\n"
	       "  --gateway-api     route through HTTPRoutes and Gateways instead (see\n"
	       "                    'route --gateway-api --help')\n\n"
	       "Exit status: 0 a decision was printed (also for 'none'), 2 usage or input error.\n");
}

static int usage_err(const char *why)
{
	fprintf(stderr, "ingress-warden route: %s\n", why);
	return 2;
}

/* Splits URL into a Host value (host[:port]) and a path (with query). */
static int split_url(const char *url, char **host, char **path)
{
	CURLU *u = curl_url();
	char *h = NULL, *port = NULL, *p = NULL, *q = NULL;
	int rc = -1;
	if (!u)
		return -1;
	if (curl_url_set(u, CURLUPART_URL, url,
	                 CURLU_NON_SUPPORT_SCHEME | CURLU_PATH_AS_IS | CURLU_GUESS_SCHEME) != CURLUE_OK)
		goto out;
	if (curl_url_get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK)
		goto out;
	curl_url_get(u, CURLUPART_PORT, &port, 0);
	if (curl_url_get(u, CURLUPART_PATH, &p, 0) != CURLUE_OK)
		goto out;
	curl_url_get(u, CURLUPART_QUERY, &q, 0);
	size_t hl = strlen(h) + (port ? strlen(port) + 1 : 0) + 1;
	size_t pl = strlen(p) + (q ? strlen(q) + 1 : 0) + 1;
	*host = malloc(hl);
	*path = malloc(pl);
	if (!*host || !*path) {
		free(*host);
		free(*path);
		goto out;
	}
	snprintf(*host, hl, "%s%s%s", h, port ? ":" : "", port ? port : "");
	snprintf(*path, pl, "%s%s%s", p, q ? "?" : "", q ? q : "");
	rc = 0;
out:
	curl_free(h);
	curl_free(port);
	curl_free(p);
	curl_free(q);
	curl_url_cleanup(u);
	return rc;
}

/* A profile with a router: spec or ingress-nginx.  0, or 2 after a message. */
static int parse_profile(const char *name, enum iw_profile_id *out)
{
	int p = rt_profile_parse(name);
	if (p == IW_PROFILE_SPEC || p == IW_PROFILE_INGRESS_NGINX) {
		*out = (enum iw_profile_id)p;
		return 0;
	}
	char m[512];
	snprintf(m, sizeof m, "%s '%.200s': routing is emulated for spec and ingress-nginx only%s%s",
	         p < 0 ? "unknown controller" : "controller", name, p < 0 ? " (profiles: " : "",
	         p < 0 ? iw_profile_names() : "");
	if (p < 0)
		strncat(m, ")", sizeof m - strlen(m) - 1);
	return usage_err(m);
}

/* The explanation of one side, as a JSON object: the decision, its outcome,
 * its reason and the text. */
static json_t *side_json(const struct rt_table *t, const struct rt_probe *p,
                         const struct rt_decision *d)
{
	char *reason = NULL;
	char *text = rt_explain(t, p->host, strlen(p->host), p->path, strlen(p->path), d, &reason);
	json_t *o = text ? rt_decision_json(d, reason) : NULL;
	char id[640];
	rt_outcome(d, id, sizeof id);
	if (o) {
		json_object_set_new(o, "outcome", json_string(id));
		json_object_set_new(o, "explanation", json_string(text));
	}
	free(text);
	free(reason);
	return o;
}

static void side_text(const struct rt_table *t, const char *name, const struct rt_probe *p,
                      const struct rt_decision *d)
{
	char *reason = NULL;
	char *text = rt_explain(t, p->host, strlen(p->host), p->path, strlen(p->path), d, &reason);
	char id[640];
	rt_outcome(d, id, sizeof id);
	printf("  %s: %s%s", name, d->match == RT_DEFAULT ? "default " : "", id);
	if (d->profile != IW_PROFILE_SPEC && d->match == RT_NONE && d->status)
		printf(" (status %d)", d->status);
	printf("\n");
	for (const char *l = text; l && *l;) {
		const char *e = strchr(l, '\n');
		size_t n = e ? (size_t)(e - l) : strlen(l);
		printf("    | %.*s\n", (int)n, l);
		l = e ? e + 1 : l + n;
	}
	if (!text)
		printf("    | (out of memory)\n");
	free(text);
	free(reason);
}

/* route --compare A,B: the probe requests whose outcome differs between
 * profiles A and B, each with both explanations.  0 none, 1 some, 2 error. */
static int route_compare(char **files, size_t nfiles, struct rtload_opts *lo, const char *spec,
                         const char *out)
{
	char a[64], b[64];
	const char *comma = strchr(spec, ',');
	if (!comma || (size_t)(comma - spec) >= sizeof a || strlen(comma + 1) >= sizeof b)
		return usage_err("--compare takes two controllers: A,B (e.g. spec,ingress-nginx)");
	snprintf(a, sizeof a, "%.*s", (int)(comma - spec), spec);
	snprintf(b, sizeof b, "%s", comma + 1);
	enum iw_profile_id pa, pb;
	int rc;
	if ((rc = parse_profile(a, &pa)) || (rc = parse_profile(b, &pb)))
		return rc;
	if (strcmp(out, "text") && strcmp(out, "json"))
		return usage_err("-o takes text or json");
	char err[1024];
	struct rtset *set = NULL;
	lo->profile = pa;
	if (rtset_load(files, nfiles, lo, &set, err, sizeof err)) {
		fprintf(stderr, "ingress-warden route: %s\n", err);
		return 2;
	}
	struct rt_table *tb = rtset_table(set, lo->cls, pb);
	struct rt_comparison c = { 0 };
	int ret = 2;
	if (!tb || rt_compare(set->table, tb, &c) != IW_OK) {
		fprintf(stderr, "ingress-warden route: out of memory\n");
		goto out;
	}
	const char *na = rt_profile_name(pa), *nb = rt_profile_name(pb);
	if (!strcmp(out, "json")) {
		json_t *root = json_object(), *arr = json_array();
		for (size_t i = 0; i < c.n; i++) {
			const struct rt_probe *p = &c.probes.v[c.v[i].probe];
			json_t *e = json_pack("{s:s, s:s, s:s}", "host", p->host, "path", p->path,
			                      "probe", p->note);
			json_object_set_new(e, na, side_json(set->table, p, &c.v[i].a));
			json_object_set_new(e, nb, side_json(tb, p, &c.v[i].b));
			json_array_append_new(arr, e);
		}
		json_object_set_new(root, "compare", json_pack("[s, s]", na, nb));
		json_object_set_new(root, "differences", arr);
		json_object_set_new(root, "summary", json_pack("{s:I, s:I, s:I, s:b}",
		        "requests", (json_int_t)c.probes.n, "differ", (json_int_t)c.ndiff,
		        "undecided", (json_int_t)c.undecided, "truncated",
		        c.probes.truncated || c.n < c.ndiff));
		char *s = json_dumps(root, JSON_PRESERVE_ORDER | JSON_INDENT(1));
		json_decref(root);
		if (!s) {
			fprintf(stderr, "ingress-warden route: out of memory\n");
			goto out;
		}
		puts(s);
		free(s);
	} else {
		for (size_t i = 0; i < c.n; i++) {
			const struct rt_probe *p = &c.probes.v[c.v[i].probe];
			printf("%s%s%s (%s)\n", i ? "\n" : "", *p->host ? p->host : "(no Host)", p->path,
			       p->note);
			side_text(set->table, na, p, &c.v[i].a);
			side_text(tb, nb, p, &c.v[i].b);
		}
		printf("%s%zu requests compared, %zu reach another outcome under %s than under %s%s\n",
		       c.n ? "\n" : "", c.probes.n, c.ndiff, nb, na,
		       c.probes.truncated || c.n < c.ndiff ? " (list truncated)" : "");
	}
	ret = c.ndiff ? 1 : 0;
out:
	rt_comparison_release(&c);
	rt_free(tb);
	rtset_free(set);
	return ret;
}

enum { O_HELP = 1, O_FILE, O_CLASS, O_OUT, O_HOST, O_PATH, O_ALLOW, O_MAXFILE, O_EXCLUDE,
       O_CONTROLLER, O_COMPARE };
static const struct cli_opt route_opts[] = {
	{ "--help", "-h", false, O_HELP },
	{ "--file", "-f", true, O_FILE },
	{ "--class", NULL, true, O_CLASS },
	{ "--output", "-o", true, O_OUT },
	{ "--host", NULL, true, O_HOST },
	{ "--path", NULL, true, O_PATH },
	{ "--allow-invalid", NULL, false, O_ALLOW },
	{ "--max-file-bytes", NULL, true, O_MAXFILE },
	{ "--exclude", NULL, true, O_EXCLUDE },
	{ "--controller", NULL, true, O_CONTROLLER },
	{ "--compare", NULL, true, O_COMPARE },
	{ NULL, NULL, false, 0 },
};

int cmd_route(int argc, char **argv)
{
	char **files = calloc((size_t)argc + 1, sizeof *files);
	char **exclude = calloc((size_t)argc + 1, sizeof *exclude);
	size_t nfiles = 0, nexclude = 0;
	const char *out = "text", *host = NULL, *path = NULL, *url = NULL;
	const char *controller = NULL, *compare = NULL;
	int ret = 2;
	char *uhost = NULL, *upath = NULL;
	struct rtset *set = NULL;
	struct rtload_opts lo = { .cmd = "route", .read.flag = "--max-file-bytes" };
	if (!files || !exclude) {
		free(files);
		free(exclude);
		return usage_err("out of memory");
	}
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--gateway-api")) {
			free(files);
			free(exclude);
			return cmd_route_gateway(argc, argv);
		}
	struct cli cl;
	cli_init(&cl, "route", argc, argv, route_opts);
	const char *v;
	int id;
	while ((id = cli_next(&cl, &v)) != CLI_END) {
		switch (id) {
		case CLI_ERROR:
			ret = usage_err(cl.error);
			goto done;
		case O_HELP:
			route_help();
			ret = 0;
			goto done;
		case O_FILE: files[nfiles++] = (char *)v; break;
		case O_CLASS: lo.cls = v; break;
		case O_OUT: out = v; break;
		case O_HOST: host = v; break;
		case O_PATH: path = v; break;
		case O_CONTROLLER: controller = v; break;
		case O_COMPARE: compare = v; break;
		case O_ALLOW: lo.allow_invalid = true; break;
		case O_EXCLUDE: exclude[nexclude++] = (char *)v; break;
		case O_MAXFILE:
			if (iw_parse_size(v, &lo.read.max_file_bytes) || !lo.read.max_file_bytes) {
				ret = usage_err("--max-file-bytes takes a size such as 1Gi or 500Mi");
				goto done;
			}
			break;
		case CLI_ARG:
			if (url) {
				ret = usage_err("more than one URL given");
				goto done;
			}
			url = v;
			break;
		}
	}
	lo.read.exclude = exclude;
	lo.read.nexclude = nexclude;
	if (!nfiles) {
		ret = usage_err("no Ingress file given (-f PATH)");
		goto done;
	}
	if (strcmp(out, "text") && strcmp(out, "json")) {
		ret = usage_err("-o takes text or json");
		goto done;
	}
	if (controller && (ret = parse_profile(controller, &lo.profile)) != 0)
		goto done;
	if (compare) {
		if (controller || url || host || path) {
			ret = usage_err("--compare takes no --controller and no request");
			goto done;
		}
		ret = route_compare(files, nfiles, &lo, compare, out);
		goto done;
	}
	if (url && (host || path)) {
		ret = usage_err("give either a URL or --host/--path, not both");
		goto done;
	}
	if (!url && !host && !path) {
		ret = usage_err("no request given (--host H --path P, or a URL)");
		goto done;
	}
	if (url) {
		if (split_url(url, &uhost, &upath) < 0) {
			char m[256];
			snprintf(m, sizeof m, "cannot parse URL '%.200s'", url);
			ret = usage_err(m);
			goto done;
		}
		host = uhost;
		path = upath;
	}
	if (!host)
		host = "";
	if (!path)
		path = "/";

	char err[1024];
	if (rtset_load(files, nfiles, &lo, &set, err, sizeof err)) {
		fprintf(stderr, "ingress-warden route: %s\n", err);
		goto done;
	}
	struct rt_decision d;
	if (rt_match(set->table, host, strlen(host), path, strlen(path), &d) < 0) {
		ret = usage_err("host or path too long");
		goto done;
	}
	char *reason = NULL;
	char *text = rt_explain(set->table, host, strlen(host), path, strlen(path), &d, &reason);
	if (!text) {
		fprintf(stderr, "ingress-warden route: out of memory\n");
		goto done;
	}
	if (!strcmp(out, "json")) {
		json_t *o = rt_decision_json(&d, reason);
		char *s = o ? json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT) : NULL;
		if (s)
			printf("%s\n", s);
		free(s);
		json_decref(o);
		ret = s ? 0 : 2;
	} else {
		fputs(text, stdout);
		ret = 0;
	}
	free(text);
	free(reason);
done:
	rtset_free(set);
	free(uhost);
	free(upath);
	free(files);
	free(exclude);
	return ret;
}
