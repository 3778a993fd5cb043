/* In-cluster provisioning of the webhook's certificates (see incluster.h). */
#include "certs/incluster.h"

#include <gnutls/gnutls.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECS_PER_DAY 86400LL

/* The API server's reason for a failed call: Status.message, or the body. */
static void api_reason(const char *body, char *out, size_t size)
{
	json_t *st = body ? json_loads(body, 0, NULL) : NULL;
	const char *m = json_string_value(json_object_get(st, "message"));
	snprintf(out, size, "%.300s", m ? m : body && *body ? body : "no message");
	json_decref(st);
	for (char *p = out; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
}

static int call(const struct certs_api *api, const char *method, const char *path,
                const char *body, long *status, json_t **obj, char *err, size_t errlen)
{
	char *resp = NULL;
	*obj = NULL;
	if (api->call(api->arg, method, path, body, status, &resp, err, errlen) < 0)
		return -1;
	if (*status >= 200 && *status < 300) {
		json_error_t je;
		*obj = json_loads(resp ? resp : "", 0, &je);
		if (!json_is_object(*obj)) {
			snprintf(err, errlen, "%s %s: the answer is not a JSON object: %s", method, path,
			         *obj ? "" : je.text);
			json_decref(*obj);
			*obj = NULL;
			free(resp);
			return -1;
		}
	} else if (*status != 404 && *status != 409) {
		char why[320];
		api_reason(resp, why, sizeof why);
		snprintf(err, errlen, "%s %s: HTTP %ld: %s%s", method, path, *status, why,
		         *status == 403 ? " (RBAC: see manifests/base/rbac.yaml)" : "");
		free(resp);
		return -1;
	}
	free(resp);
	return 0;
}

/* A base64 field of a Secret's data, decoded: new string or NULL. */
static char *secret_field(const json_t *secret, const char *key)
{
	const char *b64 = json_string_value(json_object_get(json_object_get(secret, "data"), key));
	if (!b64 || !*b64)
		return NULL;
	gnutls_datum_t in = { (unsigned char *)(uintptr_t)b64, (unsigned)strlen(b64) }, out = { 0 };
	if (gnutls_base64_decode2(&in, &out) < 0)
		return NULL;
	char *s = strndup((const char *)out.data, out.size);
	gnutls_memset(out.data, 0, out.size);
	gnutls_free(out.data);
	return s;
}

static int set_b64(json_t *data, const char *key, const char *pem)
{
	char *b = certs_base64(pem, strlen(pem));
	int rc = b ? json_object_set_new(data, key, json_string(b)) : -1;
	if (b) {
		gnutls_memset(b, 0, strlen(b));
		free(b);
	}
	return rc;
}

/* The Secret's data for 'p' (bundle: the caBundle, which may hold two CAs). */
static int fill_secret(json_t *secret, const struct certs_pem *p, const char *bundle)
{
	json_t *data = json_object();
	if (!data || set_b64(data, "tls.crt", p->tls_crt) || set_b64(data, "tls.key", p->tls_key) ||
	    set_b64(data, "ca.crt", bundle) || set_b64(data, "ca.key", p->ca_key)) {
		json_decref(data);
		return -1;
	}
	json_object_set_new(secret, "type", json_string("kubernetes.io/tls"));
	return json_object_set_new(secret, "data", data);
}

/* The first certificate of a PEM bundle (the CA that signs): new string. */
static char *first_pem(const char *bundle)
{
	static const char end[] = "-----END CERTIFICATE-----";
	const char *e = bundle ? strstr(bundle, end) : NULL;
	if (!e)
		return bundle ? strdup(bundle) : NULL;
	size_t n = (size_t)(e - bundle) + sizeof end - 1;
	char *s = malloc(n + 2);
	if (s) {
		memcpy(s, bundle, n);
		s[n] = '\n';
		s[n + 1] = '\0';
	}
	return s;
}

/*
 * What the Secret holds, checked: *p gets copies of what is usable; returns
 * 0 usable as is, 1 the serving pair must be renewed (same CA), 2 the CA
 * must be replaced too.
 */
static int judge(const json_t *secret, const struct certs_opts *o, const struct certs_incluster *ic,
                 struct certs_pem *p, char **old_bundle)
{
	char *bundle = secret_field(secret, "ca.crt");
	p->ca_crt = first_pem(bundle);
	p->ca_key = secret_field(secret, "ca.key");
	p->tls_crt = secret_field(secret, "tls.crt");
	p->tls_key = secret_field(secret, "tls.key");
	*old_bundle = bundle;
	long long limit = ic->now + (long long)ic->renew_days * SECS_PER_DAY, ca_end = 0, crt_end = 0;
	if (!p->ca_crt || !p->ca_key || certs_inspect(p->ca_crt, p->ca_key, NULL, &ca_end) != 0 ||
	    ca_end <= limit)
		return 2;
	if (!p->tls_crt || !p->tls_key || certs_inspect(p->tls_crt, p->tls_key, o, &crt_end) != 0 ||
	    crt_end <= limit)
		return 1;
	return 0;
}

static char *secret_path(const struct certs_opts *o, const char *name)
{
	char *s = NULL;
	size_t n = strlen(o->namespace_) + (name ? strlen(name) : 0) + 64;
	if ((s = malloc(n)))
		snprintf(s, n, "/api/v1/namespaces/%s/secrets%s%s", o->namespace_, name ? "/" : "",
		         name ? name : "");
	return s;
}

/* Step 1: the Secret.  On success 'out' holds the pair in use and *bundle the caBundle. */
static int ensure_secret(const struct certs_opts *o, const struct certs_incluster *ic,
                         const struct certs_api *api, struct certs_pem *out, char **bundle,
                         struct certs_outcome *what, char *err, size_t errlen)
{
	char *item = secret_path(o, ic->secret), *coll = secret_path(o, NULL);
	int ret = -1;
	if (!item || !coll) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	for (int attempt = 0; attempt < 4; attempt++) {
		long status;
		json_t *secret = NULL;
		if (call(api, "GET", item, NULL, &status, &secret, err, errlen) < 0)
			goto done;
		certs_release(out);
		free(*bundle);
		*bundle = NULL;
		if (status == 404) {
			/* absent: create it; 409 means another replica was first */
			if (certs_generate(o, out, err, errlen) < 0)
				goto done;
			json_t *s = json_pack("{s:s, s:s, s:{s:s, s:s, s:{s:s, s:s}}}", "apiVersion", "v1",
			                      "kind", "Secret", "metadata", "name", ic->secret, "namespace",
			                      o->namespace_, "labels", "app.kubernetes.io/name",
			                      "ingress-warden", "app.kubernetes.io/managed-by",
			                      "ingress-warden-certs");
			char *body = NULL;
			if (!s || fill_secret(s, out, out->ca_crt) ||
			    !(body = json_dumps(s, JSON_COMPACT))) {
				json_decref(s);
				snprintf(err, errlen, "out of memory");
				goto done;
			}
			json_decref(s);
			json_t *created = NULL;
			int rc = call(api, "POST", coll, body, &status, &created, err, errlen);
			gnutls_memset(body, 0, strlen(body));
			free(body);
			json_decref(created);
			if (rc < 0)
				goto done;
			if (status == 409)
				continue;   /* read what the other replica wrote */
			if (!(*bundle = strdup(out->ca_crt))) {
				snprintf(err, errlen, "out of memory");
				goto done;
			}
			what->created = true;
			ret = 0;
			goto done;
		}
		char *old_bundle = NULL;
		int verdict = judge(secret, o, ic, out, &old_bundle);
		if (verdict == 0) {
			*bundle = old_bundle;
			json_decref(secret);
			ret = 0;
			goto done;
		}
		struct certs_pem fresh;
		int rc;
		if (verdict == 1)
			rc = certs_issue(o, out->ca_crt, out->ca_key, &fresh, err, errlen);
		else
			rc = certs_generate(o, &fresh, err, errlen);
		if (rc < 0) {
			free(old_bundle);
			json_decref(secret);
			goto done;
		}
		/* a new CA: the bundle trusts the new one first and keeps the old one
		 * (if it still parses) for the pods that serve the old pair until
		 * they restart */
		char *nb = NULL;
		long long end;
		if (verdict == 2 && out->ca_crt && certs_inspect(out->ca_crt, NULL, NULL, &end) == 0 &&
		    end > ic->now) {
			size_t n = strlen(fresh.ca_crt) + strlen(out->ca_crt) + 1;
			if ((nb = malloc(n)))
				snprintf(nb, n, "%s%s", fresh.ca_crt, out->ca_crt);
		} else {
			nb = strdup(fresh.ca_crt);
		}
		free(old_bundle);
		certs_release(out);
		*out = fresh;
		char *body = NULL;
		if (!nb || fill_secret(secret, out, nb) || !(body = json_dumps(secret, JSON_COMPACT))) {
			free(nb);
			json_decref(secret);
			snprintf(err, errlen, "out of memory");
			goto done;
		}
		json_decref(secret);   /* the PUT carries its resourceVersion: a race gives 409 */
		json_t *put = NULL;
		rc = call(api, "PUT", item, body, &status, &put, err, errlen);
		gnutls_memset(body, 0, strlen(body));
		free(body);
		json_decref(put);
		if (rc < 0 || status == 404) {
			if (!rc)
				snprintf(err, errlen, "PUT %s: the Secret went away meanwhile", item);
			free(nb);
			goto done;
		}
		if (status == 409) {
			free(nb);
			continue;   /* another replica renewed it: read theirs */
		}
		*bundle = nb;
		what->renewed = true;
		what->new_ca = verdict == 2;
		ret = 0;
		goto done;
	}
	snprintf(err, errlen, "%s: still conflicting after 4 attempts", item);
done:
	free(item);
	free(coll);
	return ret;
}

/* Step 2: the caBundle of the webhooks that call the Service. */
static int ensure_bundle(const struct certs_opts *o, const struct certs_incluster *ic,
                         const struct certs_api *api, const char *bundle,
                         struct certs_outcome *what, char *err, size_t errlen)
{
	char path[512];
	snprintf(path, sizeof path,
	         "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/%s", ic->webhook);
	char *b64 = certs_base64(bundle, strlen(bundle));
	if (!b64) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	int ret = -1;
	for (int attempt = 0; attempt < 4; attempt++) {
		long status;
		json_t *vwc = NULL;
		if (call(api, "GET", path, NULL, &status, &vwc, err, errlen) < 0)
			goto done;
		if (status == 404) {
			snprintf(err, errlen, "the ValidatingWebhookConfiguration '%s' does not exist "
			         "(kubectl apply -k manifests/ creates it)", ic->webhook);
			goto done;
		}
		bool changed = false, found = false;
		size_t i;
		json_t *wh;
		json_array_foreach(json_object_get(vwc, "webhooks"), i, wh) {
			json_t *cc = json_object_get(wh, "clientConfig");
			json_t *svc = json_object_get(cc, "service");
			const char *sn = json_string_value(json_object_get(svc, "name"));
			const char *sns = json_string_value(json_object_get(svc, "namespace"));
			if (!sn || !sns || strcmp(sn, o->service) || strcmp(sns, o->namespace_))
				continue;
			found = true;
			const char *cur = json_string_value(json_object_get(cc, "caBundle"));
			if (cur && !strcmp(cur, b64))
				continue;
			json_object_set_new(cc, "caBundle", json_string(b64));
			changed = true;
		}
		if (!found) {
			json_decref(vwc);
			snprintf(err, errlen, "the ValidatingWebhookConfiguration '%s' has no webhook that "
			         "calls the Service %s/%s", ic->webhook, o->namespace_, o->service);
			goto done;
		}
		if (!changed) {
			json_decref(vwc);
			ret = 0;
			goto done;
		}
		char *body = json_dumps(vwc, JSON_COMPACT);
		json_decref(vwc);
		if (!body) {
			snprintf(err, errlen, "out of memory");
			goto done;
		}
		json_t *put = NULL;
		int rc = call(api, "PUT", path, body, &status, &put, err, errlen);
		free(body);
		json_decref(put);
		if (rc < 0)
			goto done;
		if (status == 409)
			continue;   /* changed meanwhile: read it again */
		if (status == 404) {
			snprintf(err, errlen, "PUT %s: the object went away meanwhile", path);
			goto done;
		}
		what->bundle_patched = true;
		ret = 0;
		goto done;
	}
	snprintf(err, errlen, "%s: still conflicting after 4 attempts", path);
done:
	free(b64);
	return ret;
}

int certs_in_cluster(const struct certs_opts *o, const struct certs_incluster *ic,
                     const struct certs_api *api, struct certs_pem *out,
                     struct certs_outcome *what, char *err, size_t errlen)
{
	char *bundle = NULL;
	memset(out, 0, sizeof *out);
	memset(what, 0, sizeof *what);
	if (!certs_valid_label(o->service) || !certs_valid_label(o->namespace_) ||
	    !certs_valid_label(ic->secret) || (ic->webhook && !*ic->webhook)) {
		snprintf(err, errlen, "service, namespace and secret must be DNS-1123 labels");
		return -1;
	}
	if (ensure_secret(o, ic, api, out, &bundle, what, err, errlen) < 0 ||
	    (ic->webhook && ensure_bundle(o, ic, api, bundle, what, err, errlen) < 0)) {
		free(bundle);
		certs_release(out);
		return -1;
	}
	/* what is written for the server: the caBundle as ca.crt */
	free(out->ca_crt);
	out->ca_crt = bundle;
	certs_inspect(out->tls_crt, NULL, NULL, &what->not_after);
	return 0;
}
