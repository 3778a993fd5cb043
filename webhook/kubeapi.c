/* The Kubernetes API client's requests (see kubeapi.h). */
#include "webhook/kubeapi.h"

#include <errno.h>
#include <gnutls/gnutls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

static char *read_token_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *t = calloc(1, 16385);
	size_t n = t ? fread(t, 1, 16384, f) : 0;
	fclose(f);
	while (t && n && (t[n - 1] == '\n' || t[n - 1] == '\r' || t[n - 1] == ' '))
		t[--n] = 0;
	return t;
}

CURL *iw_kube_easy(const struct iw_watch_opts *o, const char *url, struct curl_slist **hdrs)
{
	CURL *c = curl_easy_init();
	if (!c)
		return NULL;
	*hdrs = curl_slist_append(NULL, "Accept: application/json");
	char *tok = o->token_file ? read_token_file(o->token_file) : NULL;
	const char *t = tok && *tok ? tok : o->token;
	if (t) {
		size_t hl = strlen(t) + 32;
		char *h = malloc(hl);
		if (h) {
			snprintf(h, hl, "Authorization: Bearer %s", t);
			*hdrs = curl_slist_append(*hdrs, h);
			memset(h, 0, hl);
			free(h);
		}
	}
	free(tok);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, *hdrs);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "ingress-warden/" IW_VERSION);
	if (o->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file);
	if (o->client_cert)
		curl_easy_setopt(c, CURLOPT_SSLCERT, o->client_cert);
	if (o->client_key)
		curl_easy_setopt(c, CURLOPT_SSLKEY, o->client_key);
	if (o->insecure) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	return c;
}

struct body {
	char *p;
	size_t len, max;
	int too_big;
};

static size_t collect(char *data, size_t sz, size_t n, void *arg)
{
	struct body *b = arg;
	size_t k = sz * n;
	if (b->len + k > b->max) {
		b->too_big = 1;
		return 0;
	}
	char *np = realloc(b->p, b->len + k + 1);
	if (!np)
		return 0;
	b->p = np;
	memcpy(b->p + b->len, data, k);
	b->len += k;
	b->p[b->len] = '\0';
	return k;
}

int iw_kube_request(const struct iw_watch_opts *o, const char *method, const char *path,
                    const char *body, size_t max, long *status, char **resp,
                    char *err, size_t errlen)
{
	*status = 0;
	*resp = NULL;
	size_t ul = strlen(o->server) + strlen(path) + 1;
	char *url = malloc(ul);
	if (!url) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(url, ul, "%s%s", o->server, path);
	struct curl_slist *h = NULL;
	CURL *c = iw_kube_easy(o, url, &h);
	free(url);
	if (!c) {
		curl_slist_free_all(h);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (body)
		h = curl_slist_append(h, !strcmp(method, "PATCH") ? "Content-Type: application/merge-patch+json"
		                                                  : "Content-Type: application/json");
	struct body b = { .max = max };
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
	}
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	CURLcode cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	if (cc != CURLE_OK) {
		snprintf(err, errlen, "%s %s%s: %s", method, o->server, path,
		         b.too_big ? "answer too large" : curl_easy_strerror(cc));
		free(b.p);
		return -1;
	}
	*resp = b.p ? b.p : calloc(1, 1);
	if (!*resp) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* ---- configuration sources ------------------------------------------------ */

static char *xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

void iw_watch_opts_release(struct iw_watch_opts *o)
{
	free((char *)o->server);
	free((char *)o->token);
	free((char *)o->token_file);
	free((char *)o->ca_file);
	free((char *)o->client_cert);
	free((char *)o->client_key);
	o->server = o->token = o->token_file = o->ca_file = o->client_cert = o->client_key = NULL;
}

#define SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"

int iw_watch_in_cluster(struct iw_watch_opts *o, char *err, size_t errsize)
{
	const char *host = getenv("KUBERNETES_SERVICE_HOST");
	const char *port = getenv("KUBERNETES_SERVICE_PORT");
	if (!host || !*host) {
		snprintf(err, errsize, "not in a cluster: KUBERNETES_SERVICE_HOST is not set "
		                       "(use --kubeconfig)");
		return -1;
	}
	if (access(SA_DIR "/token", R_OK)) {
		snprintf(err, errsize, "%s/token: %s", SA_DIR, strerror(errno));
		return -1;
	}
	char url[600];
	bool v6 = strchr(host, ':') != NULL;
	snprintf(url, sizeof url, "https://%s%s%s:%s", v6 ? "[" : "", host, v6 ? "]" : "",
	         port && *port ? port : "443");
	o->server = xstrdup(url);
	o->token_file = xstrdup(SA_DIR "/token");
	o->ca_file = xstrdup(SA_DIR "/ca.crt");
	if (!o->server || !o->token_file || !o->ca_file) {
		iw_watch_opts_release(o);
		snprintf(err, errsize, "out of memory");
		return -1;
	}
	return 0;
}

/* kubeconfig: small helpers over the libyaml document */
static yaml_node_t *map_get(yaml_document_t *d, yaml_node_t *m, const char *key)
{
	if (!m || m->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(d, p->key);
		if (k && k->type == YAML_SCALAR_NODE && !strcmp((char *)k->data.scalar.value, key))
			return yaml_document_get_node(d, p->value);
	}
	return NULL;
}

static const char *sval(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* the entry named 'name' of the list 'key' ("clusters"), its 'inner' mapping */
static yaml_node_t *named(yaml_document_t *d, yaml_node_t *root, const char *key,
                          const char *name, const char *inner)
{
	yaml_node_t *l = map_get(d, root, key);
	if (!l || l->type != YAML_SEQUENCE_NODE || !name)
		return NULL;
	for (yaml_node_item_t *i = l->data.sequence.items.start; i < l->data.sequence.items.top; i++) {
		yaml_node_t *e = yaml_document_get_node(d, *i);
		const char *n = sval(map_get(d, e, "name"));
		if (n && !strcmp(n, name))
			return map_get(d, e, inner);
	}
	return NULL;
}

static int write_b64(const char *b64, char **path, char *err, size_t errsize)
{
	gnutls_datum_t in = { (unsigned char *)b64, (unsigned)strlen(b64) }, out = { NULL, 0 };
	if (gnutls_base64_decode2(&in, &out) < 0) {
		snprintf(err, errsize, "certificate-authority-data is not base64");
		return -1;
	}
	const char *tmp = getenv("TMPDIR");
	char tpl[512];
	snprintf(tpl, sizeof tpl, "%s/iw-ca-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemp(tpl);
	int rc = -1;
	if (fd < 0)
		snprintf(err, errsize, "%s: %s", tpl, strerror(errno));
	else if (write(fd, out.data, out.size) != (ssize_t)out.size)
		snprintf(err, errsize, "%s: %s", tpl, strerror(errno));
	else if (!(*path = strdup(tpl)))
		snprintf(err, errsize, "out of memory");
	else
		rc = 0;
	if (fd >= 0)
		close(fd);
	if (rc && fd >= 0)
		unlink(tpl);
	gnutls_free(out.data);
	return rc;
}

int iw_watch_kubeconfig(const char *path, struct iw_watch_opts *o, char **tmp_ca,
                        char *err, size_t errsize)
{
	*tmp_ca = NULL;
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return -1;
	}
	yaml_parser_t p;
	yaml_document_t d;
	int rc = -1;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	if (!yaml_parser_load(&p, &d)) {
		snprintf(err, errsize, "%s:%zu: %s", path, p.problem_mark.line + 1,
		         p.problem ? p.problem : "YAML error");
		yaml_parser_delete(&p);
		fclose(f);
		return -1;
	}
	yaml_node_t *root = yaml_document_get_root_node(&d);
	const char *cur = sval(map_get(&d, root, "current-context"));
	yaml_node_t *ctx = named(&d, root, "contexts", cur, "context");
	yaml_node_t *cl = named(&d, root, "clusters", sval(map_get(&d, ctx, "cluster")), "cluster");
	yaml_node_t *us = named(&d, root, "users", sval(map_get(&d, ctx, "user")), "user");
	const char *server = sval(map_get(&d, cl, "server"));
	if (!server) {
		snprintf(err, errsize, "%s: no server for the current context \"%s\"", path,
		         cur ? cur : "");
		goto out;
	}
	o->server = xstrdup(server);
	o->ca_file = xstrdup(sval(map_get(&d, cl, "certificate-authority")));
	const char *cad = sval(map_get(&d, cl, "certificate-authority-data"));
	if (!o->ca_file && cad) {
		if (write_b64(cad, tmp_ca, err, errsize))
			goto out;
		o->ca_file = xstrdup(*tmp_ca);
	}
	const char *ins = sval(map_get(&d, cl, "insecure-skip-tls-verify"));
	o->insecure = ins && !strcmp(ins, "true");
	o->token = xstrdup(sval(map_get(&d, us, "token")));
	o->token_file = xstrdup(sval(map_get(&d, us, "tokenFile")));
	o->client_cert = xstrdup(sval(map_get(&d, us, "client-certificate")));
	o->client_key = xstrdup(sval(map_get(&d, us, "client-key")));
	if (map_get(&d, us, "client-certificate-data") || map_get(&d, us, "exec")) {
		snprintf(err, errsize, "%s: client-certificate-data and exec credentials are not "
		                       "supported: use a token, tokenFile or certificate files", path);
		goto out;
	}
	rc = 0;
out:
	if (rc) {
		iw_watch_opts_release(o);
		if (*tmp_ca) {
			unlink(*tmp_ca);
			free(*tmp_ca);
			*tmp_ca = NULL;
		}
	}
	yaml_document_delete(&d);
	yaml_parser_delete(&p);
	fclose(f);
	return rc;
}
