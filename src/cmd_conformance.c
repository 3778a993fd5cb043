/*
 * ingress-warden conformance: fire the probes that pin down the routing
 * semantics at a real ingress controller and report every divergence from
 * the reference router.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "router/probes.h"
#include "src/cliopt.h"
#include "src/cmd.h"
#include "src/rtload.h"

#define CONF_USAGE \
	"usage: ingress-warden conformance --target URL -f PATH [-f PATH...] [-o text|json|junit]\n" \
	"                                  [--class NAME] [--backend-header NAME] [--backend-field F]\n" \
	"                                  [--timeout SECONDS] [--allow-invalid]\n" \
	"                                  [--controller spec|ingress-nginx]\n"
#define ROUTER_HEADER "X-Ingress-Warden-Backend"
#define MAX_BODY (64 * 1024)
#define MAX_REDIRECTS 5

static void conf_help(void)
{
	printf(CONF_USAGE
	       "\nGenerates the probes that pin down the routing semantics of the Ingresses in\n"
	       "PATH (per path: itself, with/without trailing slash, a sub-path, a sibling\n"
	       "with the same string prefix, the parent; per host: upper case, a port, a\n"
	       "trailing dot, wildcard expansions, an unmatched path; an unrelated host),\n"
	       "computes the expected backend with the reference router, sends each probe to\n"
	       "the target with its Host header, and tells from the answer which backend\n"
	       "served it:\n"
	       "  - the " ROUTER_HEADER " header (NAMESPACE/INGRESS/SERVICE:PORT) of\n"
	       "    `ingress-warden router`, or the header given by --backend-header\n"
	       "    (a value with '/' is compared as NAMESPACE/INGRESS/SERVICE:PORT, else as\n"
	       "    the service name);\n"
	       "  - else the JSON body: the field given by --backend-field, or the\n"
	       "    namespace/ingress/service fields of the router and of the\n"
	       "    ingress-controller-conformance echoserver;\n"
	       "  - 404 means no backend.  Redirects are followed to the same address.\n"
	       "With --controller ingress-nginx the expectations are those of the\n"
	       "ingress-nginx emulation, the probes add letter case, percent-encoding and\n"
	       "regex variants, and the status must be the one ingress-nginx answers with\n"
	       "(redirects are not followed; 200 with the expected backend, or 301, 302,\n"
	       "308, 400, 403, 404 without one).  Probes whose outcome the emulation cannot\n"
	       "tell are skipped.\n"
	       "The files are read and validated as `route` reads them (objects the API server\n"
	       "would refuse are reported and refused, exit 2, unless --allow-invalid).\n"
	       "Exit status: 0 no divergence, 1 divergences, 2 usage or input error, or nothing\n"
	       "answering at the target (\"cannot connect\").\n");
}

struct answer {
	long status;
	char *body;
	size_t blen;
	char backend[512];       /* the identity header's value, "" if absent */
	char location[2048];
	const char *hname;       /* identity header name */
};

static size_t on_body(char *data, size_t sz, size_t nm, void *ud)
{
	struct answer *a = ud;
	size_t n = sz * nm;
	if (a->blen + n > MAX_BODY)
		return n;   /* keep the first 64 KiB, drain the rest */
	char *nb = realloc(a->body, a->blen + n + 1);
	if (!nb)
		return 0;
	memcpy(nb + a->blen, data, n);
	a->blen += n;
	nb[a->blen] = '\0';
	a->body = nb;
	return n;
}

static void header_value(const char *line, size_t n, const char *name, char *out, size_t size)
{
	size_t nl = strlen(name);
	if (n <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
		return;
	const char *v = line + nl + 1;
	size_t vl = n - nl - 1;
	while (vl && (*v == ' ' || *v == '\t'))
		v++, vl--;
	while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' '))
		vl--;
	snprintf(out, size, "%.*s", (int)vl, v);
}

static size_t on_header(char *data, size_t sz, size_t nm, void *ud)
{
	struct answer *a = ud;
	size_t n = sz * nm;
	if (n >= 5 && !strncmp(data, "HTTP/", 5)) {   /* a new response: reset */
		a->backend[0] = a->location[0] = '\0';
		a->blen = 0;
	}
	header_value(data, n, a->hname, a->backend, sizeof a->backend);
	header_value(data, n, "Location", a->location, sizeof a->location);
	return n;
}

struct result {
	const struct rt_probe *probe;
	char sent_host[1100];
	char sent_path[2100];
	char expected[640];
	char observed[600];
	bool ok, skipped;
};

struct opts {
	const char *target, *out, *cls, *bheader, *bfield;
	enum iw_profile_id profile;
	long timeout;
	char base[1024];          /* scheme://authority of the target */
	char authority[512];      /* its host[:port] */
};

/* Tells which backend answered; writes a description into obs.
 * Returns true when it matches the expected decision. */
static bool judge(const struct opts *o, const struct answer *a, const struct rt_decision *d,
                  const char *want_id, char *obs, size_t osz)
{
	if (a->status == 404) {
		snprintf(obs, osz, "none (404)");
		return d->match == RT_NONE;
	}
	if (a->status < 200 || a->status > 299) {
		snprintf(obs, osz, "status %ld", a->status);
		return false;
	}
	const char *svc = d->match == RT_NONE ? "" : d->backend->has_resource
	                ? iw_nz(d->backend->resource.name)
	                : d->backend->service.name;
	if (a->backend[0]) {
		snprintf(obs, osz, "%s", a->backend);
		if (d->match == RT_NONE)
			return false;
		return strchr(a->backend, '/') ? !strcmp(a->backend, want_id) : !strcmp(a->backend, svc);
	}
	json_t *j = a->body ? json_loadb(a->body, a->blen, 0, NULL) : NULL;
	if (!json_is_object(j)) {
		snprintf(obs, osz, "status %ld, no backend identity (no %s header, body not JSON)",
		         a->status, a->hname);
		json_decref(j);
		return false;
	}
	bool ok;
	if (o->bfield) {
		const char *v = json_string_value(json_object_get(j, o->bfield));
		snprintf(obs, osz, "%s=%s", o->bfield, v ? v : "(absent)");
		ok = v && d->match != RT_NONE && (strchr(v, '/') ? !strcmp(v, want_id) : !strcmp(v, svc));
	} else {
		const char *ns = json_string_value(json_object_get(j, "namespace"));
		const char *ing = json_string_value(json_object_get(j, "ingress"));
		const char *sv = json_string_value(json_object_get(j, "service"));
		snprintf(obs, osz, "%s/%s/%s", ns ? ns : "?", ing ? ing : "?", sv ? sv : "?");
		ok = sv && d->match != RT_NONE && !strcmp(sv, svc) &&
		     (!ns || !*ns || !strcmp(ns, d->namespace_)) &&
		     (!ing || !*ing || !strcmp(ing, d->name));
	}
	json_decref(j);
	return ok;
}

/* A profile that models the controller's answer (ingress-nginx): the status
 * must be the expected one; with a backend (200), its identity too; a 200
 * without one (/healthz) carries no identity. */
static bool judge_status(const struct answer *a, const struct rt_decision *d,
                         const char *want_id, char *obs, size_t osz)
{
	char id[600] = "";
	if (a->backend[0]) {
		snprintf(id, sizeof id, "%s", a->backend);
	} else if (a->status == 200 && a->body && d->match != RT_NONE) {
		json_t *j = json_loadb(a->body, a->blen, 0, NULL);
		const char *ns = json_string_value(json_object_get(j, "namespace"));
		const char *ing = json_string_value(json_object_get(j, "ingress"));
		const char *sv = json_string_value(json_object_get(j, "service"));
		if (ns && ing && sv)
			snprintf(id, sizeof id, "%s/%s/%s", ns, ing, sv);
		json_decref(j);
	}
	snprintf(obs, osz, "%.500s %ld", id[0] ? id : "none", a->status);
	if (a->status != d->status)
		return false;
	if (d->status != 200)
		return true;   /* nginx's own answer (a redirect carries the location's headers) */
	if (d->match == RT_NONE)
		return !id[0];
	/* the body names NS/INGRESS/SERVICE; the header NS/INGRESS/SERVICE:PORT */
	return a->backend[0] ? !strcmp(id, want_id) : !strncmp(want_id, id, strlen(id));
}

/* Sends one probe (following redirects to the same address); fills r. */
static void run_probe(CURL *c, const struct opts *o, const struct rt_table *t,
                      const struct rt_probe *p, struct result *r)
{
	struct answer a = { .hname = o->bheader ? o->bheader : ROUTER_HEADER };
	char host[1100], path[2100], url[3200];
	snprintf(host, sizeof host, "%s", *p->host ? p->host : o->authority);
	snprintf(path, sizeof path, "%s", p->path);
	snprintf(r->sent_host, sizeof r->sent_host, "%s", host);
	snprintf(r->sent_path, sizeof r->sent_path, "%s", path);
	r->probe = p;

	struct rt_decision d;
	char want_id[600];
	rt_match(t, host, strlen(host), path, strlen(path), &d);
	rt_backend_id(&d, want_id, sizeof want_id);
	bool status = o->profile != IW_PROFILE_SPEC;
	snprintf(r->expected, sizeof r->expected, "%s%s", d.match == RT_DEFAULT ? "default " : "",
	         want_id);
	if (status)
		snprintf(r->expected + strlen(r->expected), sizeof r->expected - strlen(r->expected),
		         " %d", d.status);
	if (status && d.status == 0) {
		snprintf(r->observed, sizeof r->observed, "not sent: %s",
		         d.note ? d.note : "the emulation cannot tell");
		r->ok = r->skipped = true;
		return;
	}

	for (int hop = 0;; hop++) {
		char hh[1200];
		snprintf(url, sizeof url, "%s%s", o->base, path);
		snprintf(hh, sizeof hh, "Host: %s", host);
		struct curl_slist *hdrs = curl_slist_append(NULL, hh);
		a.blen = 0;
		a.backend[0] = a.location[0] = '\0';
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &a);
		curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(c, CURLOPT_HEADERDATA, &a);
		CURLcode rc = curl_easy_perform(c);
		curl_slist_free_all(hdrs);
		if (rc != CURLE_OK) {
			snprintf(r->observed, sizeof r->observed, "request failed: %s", curl_easy_strerror(rc));
			r->ok = false;
			break;
		}
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &a.status);
		bool redirect = !status && (a.status == 301 || a.status == 302 || a.status == 303 ||
		                            a.status == 307 || a.status == 308) && a.location[0];
		if (redirect && hop < MAX_REDIRECTS) {
			/* the conformance suite follows to the same address with the
			 * Location's host and path */
			CURLU *u = curl_url();
			char *lh = NULL, *lp = NULL;
			if (u && curl_url_set(u, CURLUPART_URL, a.location,
			                      CURLU_NON_SUPPORT_SCHEME | CURLU_PATH_AS_IS) == CURLUE_OK) {
				curl_url_get(u, CURLUPART_HOST, &lh, 0);
				curl_url_get(u, CURLUPART_PATH, &lp, 0);
				if (lh)
					snprintf(host, sizeof host, "%s", lh);
			} else if (a.location[0] == '/') {
				lp = NULL;
				snprintf(path, sizeof path, "%s", a.location);
			}
			if (lp)
				snprintf(path, sizeof path, "%s", lp);
			curl_free(lh);
			curl_free(lp);
			curl_url_cleanup(u);
			continue;
		}
		r->ok = status ? judge_status(&a, &d, want_id, r->observed, sizeof r->observed)
		               : judge(o, &a, &d, want_id, r->observed, sizeof r->observed);
		if (hop)
			snprintf(r->observed + strlen(r->observed),
			         sizeof r->observed - strlen(r->observed), " after %d redirect%s", hop,
			         hop > 1 ? "s" : "");
		break;
	}
	free(a.body);
}

static void xml_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\t')
				fputc('?', f);
			else
				fputc(*s, f);
		}
	}
}

static int set_target(struct opts *o)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *h = NULL, *port = NULL;
	int rc = -1;
	if (u && curl_url_set(u, CURLUPART_URL, o->target, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK) {
		curl_url_get(u, CURLUPART_PORT, &port, 0);
		snprintf(o->authority, sizeof o->authority, "%s%s%s", h, port ? ":" : "", port ? port : "");
		snprintf(o->base, sizeof o->base, "%s://%s", scheme, o->authority);
		rc = 0;
	}
	curl_free(scheme);
	curl_free(h);
	curl_free(port);
	curl_url_cleanup(u);
	return rc;
}

static int bad(const char *why, const char *arg)
{
	fprintf(stderr, "ingress-warden conformance: %s%s%s%s\n", why, arg ? " '" : "",
	        arg ? arg : "", arg ? "'" : "");
	return 2;
}

enum { O_HELP = 1, O_FILE, O_TARGET, O_OUT, O_CLASS, O_BHEADER, O_BFIELD, O_TIMEOUT, O_ALLOW,
       O_MAXFILE, O_EXCLUDE, O_CONTROLLER };
static const struct cli_opt conf_opts[] = {
	{ "--help", "-h", false, O_HELP },
	{ "--file", "-f", true, O_FILE },
	{ "--target", NULL, true, O_TARGET },
	{ "--output", "-o", true, O_OUT },
	{ "--class", NULL, true, O_CLASS },
	{ "--backend-header", NULL, true, O_BHEADER },
	{ "--backend-field", NULL, true, O_BFIELD },
	{ "--timeout", NULL, true, O_TIMEOUT },
	{ "--allow-invalid", NULL, false, O_ALLOW },
	{ "--max-file-bytes", NULL, true, O_MAXFILE },
	{ "--exclude", NULL, true, O_EXCLUDE },
	{ "--controller", NULL, true, O_CONTROLLER },
	{ NULL, NULL, false, 0 },
};

/* Can the target be reached at all?  NULL, or curl's reason. */
static const char *unreachable(const struct opts *o)
{
	CURL *c = curl_easy_init();
	if (!c)
		return "out of memory";
	curl_easy_setopt(c, CURLOPT_URL, o->base);
	curl_easy_setopt(c, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, o->timeout);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	CURLcode rc = curl_easy_perform(c);
	curl_easy_cleanup(c);
	return rc == CURLE_OK ? NULL : curl_easy_strerror(rc);
}

int cmd_conformance(int argc, char **argv)
{
	struct opts o = { .out = "text", .timeout = 5 };
	char **files = calloc((size_t)argc + 1, sizeof *files);
	char **exclude = calloc((size_t)argc + 1, sizeof *exclude);
	size_t nfiles = 0, nexclude = 0;
	struct rtload_opts lo = { .cmd = "conformance", .read.flag = "--max-file-bytes" };
	int ret = 2;
	struct rtset *set = NULL;
	struct rt_probes probes = { 0 };
	struct result *res = NULL;
	CURL *c = NULL;
	if (!files || !exclude)
		goto out;
	struct cli cl;
	cli_init(&cl, "conformance", argc, argv, conf_opts);
	const char *v;
	int id;
	while ((id = cli_next(&cl, &v)) != CLI_END) {
		switch (id) {
		case CLI_ERROR:
			fprintf(stderr, "ingress-warden conformance: %s\n", cl.error);
			goto out;
		case CLI_ARG:
			ret = bad("unexpected argument (files go after -f):", v);
			goto out;
		case O_HELP:
			conf_help();
			ret = 0;
			goto out;
		case O_FILE: files[nfiles++] = (char *)v; break;
		case O_TARGET: o.target = v; break;
		case O_OUT: o.out = v; break;
		case O_CLASS: o.cls = lo.cls = v; break;
		case O_CONTROLLER: {
			int p = rt_profile_parse(v);
			if (p != IW_PROFILE_SPEC && p != IW_PROFILE_INGRESS_NGINX) {
				ret = bad("--controller takes spec or ingress-nginx, not", v);
				goto out;
			}
			o.profile = lo.profile = (enum iw_profile_id)p;
			break;
		}
		case O_BHEADER: o.bheader = v; break;
		case O_BFIELD: o.bfield = v; break;
		case O_ALLOW: lo.allow_invalid = true; break;
		case O_EXCLUDE: exclude[nexclude++] = (char *)v; break;
		case O_MAXFILE:
			if (iw_parse_size(v, &lo.read.max_file_bytes) || !lo.read.max_file_bytes) {
				ret = bad("--max-file-bytes takes a size such as 1Gi or 500Mi, not", v);
				goto out;
			}
			break;
		case O_TIMEOUT: {
			char *end;
			o.timeout = strtol(v, &end, 10);
			if (*end || o.timeout <= 0 || o.timeout > 3600) {
				ret = bad("--timeout takes seconds (1-3600), not", v);
				goto out;
			}
			break;
		}
		}
	}
	lo.read.exclude = exclude;
	lo.read.nexclude = nexclude;
	if (!o.target || !nfiles) {
		ret = bad("--target URL and -f PATH are required", NULL);
		goto out;
	}
	if (strcmp(o.out, "text") && strcmp(o.out, "json") && strcmp(o.out, "junit")) {
		ret = bad("-o takes text, json or junit, not", o.out);
		goto out;
	}
	if (set_target(&o) < 0) {
		ret = bad("cannot parse --target", o.target);
		goto out;
	}
	char err[1024];
	if (rtset_load(files, nfiles, &lo, &set, err, sizeof err)) {
		fprintf(stderr, "ingress-warden conformance: %s\n", err);
		goto out;
	}
	const char *why = unreachable(&o);
	if (why) {
		fprintf(stderr, "ingress-warden conformance: cannot connect to %s: %s (is the "
		        "controller listening there?)\n", o.base, why);
		goto out;
	}
	if (rt_probes_generate_ex(set->table, o.profile == IW_PROFILE_SPEC ? 0 : RT_PROBE_ALL,
	                          &probes) != IW_OK) {
		fprintf(stderr, "ingress-warden conformance: out of memory\n");
		goto out;
	}
	res = calloc(probes.n ? probes.n : 1, sizeof *res);
	c = curl_easy_init();
	if (!res || !c) {
		fprintf(stderr, "ingress-warden conformance: out of memory\n");
		goto out;
	}
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, o.timeout);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);   /* as the conformance suite */
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	size_t failed = 0, skipped = 0;
	for (size_t i = 0; i < probes.n; i++) {
		run_probe(c, &o, set->table, &probes.v[i], &res[i]);
		failed += !res[i].ok;
		skipped += res[i].skipped;
	}

	if (!strcmp(o.out, "json")) {
		json_t *arr = json_array(), *root = json_object();
		for (size_t i = 0; i < probes.n; i++)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:b}",
			        "host", res[i].sent_host, "path", res[i].sent_path,
			        "note", probes.v[i].note, "expected", res[i].expected,
			        "observed", res[i].observed, "ok", res[i].ok, "skipped", res[i].skipped));
		json_object_set_new(root, "target", json_string(o.target));
		json_object_set_new(root, "probes", arr);
		json_object_set_new(root, "summary", json_pack("{s:I, s:I, s:I, s:I, s:b}",
		        "probes", (json_int_t)probes.n,
		        "passed", (json_int_t)(probes.n - failed - skipped),
		        "failed", (json_int_t)failed, "skipped", (json_int_t)skipped,
		        "truncated", probes.truncated));
		char *s = json_dumps(root, JSON_PRESERVE_ORDER | JSON_INDENT(1));
		if (s)
			puts(s);
		free(s);
		json_decref(root);
	} else if (!strcmp(o.out, "junit")) {
		printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		       "<testsuite name=\"ingress-warden conformance\" tests=\"%zu\" failures=\"%zu\">\n",
		       probes.n, failed);
		for (size_t i = 0; i < probes.n; i++) {
			printf("  <testcase classname=\"");
			xml_escaped(stdout, probes.v[i].note);
			printf("\" name=\"");
			xml_escaped(stdout, res[i].sent_host);
			xml_escaped(stdout, res[i].sent_path);
			if (res[i].ok) {
				printf("\"/>\n");
				continue;
			}
			printf("\">\n    <failure message=\"expected ");
			xml_escaped(stdout, res[i].expected);
			printf(", got ");
			xml_escaped(stdout, res[i].observed);
			printf("\"/>\n  </testcase>\n");
		}
		printf("</testsuite>\n");
	} else {
		for (size_t i = 0; i < probes.n; i++)
			printf("%s %s%s: expected %s, got %s (%s)\n",
			       res[i].skipped ? "skip" : res[i].ok ? "ok  " : "FAIL",
			       res[i].sent_host, res[i].sent_path, res[i].expected, res[i].observed,
			       probes.v[i].note);
		printf("%zu probes, %zu passed, %zu failed", probes.n, probes.n - failed - skipped,
		       failed);
		if (skipped)
			printf(", %zu skipped", skipped);
		printf("%s\n", probes.truncated ? " (probe list truncated)" : "");
	}
	ret = failed ? 1 : 0;
out:
	if (c)
		curl_easy_cleanup(c);
	free(res);
	rt_probes_release(&probes);
	rtset_free(set);
	free(files);
	free(exclude);
	return ret;
}
