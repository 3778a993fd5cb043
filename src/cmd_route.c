/* ingress-warden route: which backend one request reaches, and why. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/cmd.h"
#include "src/rtload.h"

#define ROUTE_USAGE \
	"usage: ingress-warden route -f PATH [-f PATH...] [--class NAME] [-o text|json]\n" \
	"                            (--host H --path P | URL)\n"

static void route_help(void)
{
	printf(ROUTE_USAGE
	       "\nSays which backend the request (Host H, path P) reaches through the Ingresses\n"
	       "in PATH (YAML or JSON files, List documents, directories, '-' for stdin), per\n"
	       "the Ingress specification and the reference choices where it is silent.\n\n"
	       "  -f, --file PATH   Ingress / IngressClass objects (repeatable)\n"
	       "  --class NAME      serve only Ingresses of this IngressClass (default: all)\n"
	       "  -o text|json      text explains every candidate; json is one object:\n"
	       "                    match (rule|default|none), namespace, ingress, service,\n"
	       "                    port (or resource), rule{host,path,pathType}, reason\n"
	       "  --host H          the Host header (port, case and a trailing dot ignored)\n"
	       "  --path P          the request-target (query and fragment ignored)\n"
	       "  URL               instead of --host/--path: http://H/P\n\n"
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

int cmd_route(int argc, char **argv)
{
	char **files = calloc((size_t)argc + 1, sizeof *files);
	size_t nfiles = 0;
	const char *cls = NULL, *out = "text", *host = NULL, *path = NULL, *url = NULL;
	int ret = 2;
	char *uhost = NULL, *upath = NULL;
	struct rtset *set = NULL;
	if (!files)
		return usage_err("out of memory");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_val = i + 1 < argc;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			route_help();
			ret = 0;
			goto done;
		} else if ((!strcmp(a, "-f") || !strcmp(a, "--file")) && has_val) {
			files[nfiles++] = argv[++i];
		} else if (!strcmp(a, "--class") && has_val) {
			cls = argv[++i];
		} else if (!strcmp(a, "-o") && has_val) {
			out = argv[++i];
		} else if (!strcmp(a, "--host") && has_val) {
			host = argv[++i];
		} else if (!strcmp(a, "--path") && has_val) {
			path = argv[++i];
		} else if (a[0] == '-' && a[1]) {
			char m[256];
			snprintf(m, sizeof m, "unknown option or missing value: '%s'", a);
			ret = usage_err(m);
			goto done;
		} else if (!url) {
			url = a;
		} else {
			ret = usage_err("more than one URL given");
			goto done;
		}
	}
	if (!nfiles) {
		ret = usage_err("no Ingress file given (-f PATH)");
		goto done;
	}
	if (strcmp(out, "text") && strcmp(out, "json")) {
		ret = usage_err("-o takes text or json");
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
	set = rtset_load(files, nfiles, cls, err, sizeof err);
	if (!set) {
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
	return ret;
}
