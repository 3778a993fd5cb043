/* The AdmissionReview codec (see admission.h). */
#include "admission/admission.h"

#include "checks/policy.h"
#include "model/jsonmem.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

enum iw_err adm_check_subject(const struct iw_policy *p, const struct adm_subject *s,
                              const struct iw_state *state, struct findings *out)
{
	if (s->ing)
		return iw_policy_check(p, s->ing, s->old, state, out);
	return iw_policy_check_class(p, s->ic, s->old_ic, state, out);
}

/* The distinct errors of el (the same Error() string once), in order, into d. */
static enum iw_err distinct(const struct errlist *el, struct errlist *d)
{
	enum iw_err rc = IW_OK;
	size_t n = 0;
	char **seen = calloc(el->n + 1, sizeof *seen);
	if (!seen)
		return IW_ENOMEM;
	for (size_t i = 0; i < el->n && !rc; i++) {
		char *s = fe_string(&el->v[i]);
		bool dup = false;
		if (!s) {
			rc = IW_ENOMEM;
			break;
		}
		for (size_t j = 0; j < n && !dup; j++)
			dup = !strcmp(s, seen[j]);
		if (dup) {
			free(s);
			continue;
		}
		seen[n++] = s;
		fe_add_str(d, el->v[i].type, el->v[i].field, el->v[i].value, el->v[i].detail);
		rc = d->err;
	}
	for (size_t j = 0; j < n; j++)
		free(seen[j]);
	free(seen);
	return rc;
}

static enum iw_err invalid_status(const struct errlist *el, const char *kind, const char *group,
                                  const char *name, json_t **out)
{
	struct errlist d = { 0 };
	char *msg = NULL;
	json_t *causes = NULL;
	enum iw_err rc = distinct(el, &d);
	*out = NULL;
	if (!rc && (!(msg = fe_invalid_message(&d, kind, group, name)) || !(causes = json_array())))
		rc = IW_ENOMEM;
	for (size_t i = 0; i < d.n && !rc; i++) {
		char *body = fe_body(&d.v[i]);
		if (!body || json_array_append_new(causes, json_pack("{s:s, s:s, s:s}", "reason",
		                                                     fe_type_reason(d.v[i].type),
		                                                     "message", body, "field",
		                                                     d.v[i].field)))
			rc = IW_ENOMEM;
		free(body);
	}
	if (!rc) {
		bool bad_request = errlist_has_type_error(el);
		*out = json_pack("{s:{}, s:s, s:s, s:s, s:{s:s, s:s, s:s, s:O}, s:i}",
		                 "metadata", "status", "Failure", "message", msg,
		                 "reason", bad_request ? "BadRequest" : "Invalid",
		                 "details", "name", name, "group", group, "kind", kind, "causes", causes,
		                 "code", bad_request ? 400 : 422);
		rc = *out ? IW_OK : IW_ENOMEM;
	}
	json_decref(causes);
	free(msg);
	errlist_release(&d);
	return rc;
}

static enum iw_err forbidden_status(const struct findings *fl, const char *kind,
                                    const char *group, const char *name, json_t **out)
{
	json_t *causes = json_array();
	struct buf msg;
	buf_init(&msg, ADM_MAX_RESPONSE);
	buf_printf(&msg, "%s%s%s \"%s\" is forbidden: ", kind, *group ? "." : "", group, name);
	enum iw_err rc = causes ? IW_OK : IW_ENOMEM;
	*out = NULL;
	size_t nerr = 0;
	for (size_t i = 0; i < fl->n && !rc; i++) {
		const struct finding *f = &fl->v[i];
		if (f->severity != IW_SEV_ERROR)
			continue;
		if (json_array_append_new(causes, json_pack("{s:s, s:s, s:s}", "reason", f->check,
		                                            "message", f->message, "field", f->field)))
			rc = IW_ENOMEM;
		buf_printf(&msg, "%s%s: %s%s%s", nerr++ ? "; " : "", f->check, f->field,
		           *f->field ? ": " : "", f->message);
	}
	if (!rc && !(rc = (enum iw_err)msg.err)) {
		*out = json_pack("{s:{}, s:s, s:s, s:s, s:{s:s, s:s, s:s, s:O}, s:i}",
		                 "metadata", "status", "Failure", "message", msg.p ? msg.p : "",
		                 "reason", "Forbidden", "details", "name", name, "group", group,
		                 "kind", kind, "causes", causes, "code", 403);
		rc = *out ? IW_OK : IW_ENOMEM;
	}
	json_decref(causes);
	buf_release(&msg);
	return rc;
}

/* Nesting depth of the raw text, counted outside strings, so that the parser
 * never recurses deeper than ADM_MAX_DEPTH.  Returns the byte offset where
 * the bound is crossed, or -1 when within it. */
static long depth_exceeded(const char *s, size_t len)
{
	/* the bytes that matter here: a quote, an opening or closing bracket */
	static const bool special[256] = { ['"'] = true, ['{'] = true, ['['] = true,
	                                   ['}'] = true, [']'] = true };
	int depth = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!special[(unsigned char)c])
			continue;
		if (c == '"') {
			/* a string: up to the next '"' that no odd run of '\\' escapes */
			for (;;) {
				const char *q = memchr(s + i + 1, '"', len - i - 1);
				if (!q)
					return -1;
				i = (size_t)(q - s);
				size_t bs = 0;   /* stops at the opening '"' at the latest */
				while (s[i - 1 - bs] == '\\')
					bs++;
				if (bs % 2 == 0)
					break;
			}
		} else if (c == '{' || c == '[') {
			if (++depth > ADM_MAX_DEPTH)
				return (long)i;
		} else if (depth > 0) {
			depth--;
		}
	}
	return -1;
}

static const char *type_name(const json_t *v)
{
	if (!v)
		return "missing";
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER:
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "a value";
}

/* The envelope of a request: true with a one-line reason when it is not an
 * AdmissionReview request this codec can answer. */
/* A value from the request, for a one-line message: at most 'max' bytes,
 * quoted as Go's %q (control characters escaped). */
static const char *shown(const char *v, size_t max, char *buf, size_t size)
{
	char cut[80];
	if (max >= sizeof cut)
		max = sizeof cut - 1;
	snprintf(cut, sizeof cut, "%.*s", (int)max, v);
	fe_quote_buf(cut, buf, size);
	return buf;
}

/* Messages are one line (stderr, logs): any control byte left becomes '?'. */
static void one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

/* The envelope's values, read once (json_object_get each). */
struct envelope {
	const char *api;            /* apiVersion */
	json_t *req;                /* request */
	const json_t *uid, *op;     /* request.uid, request.operation (strings) */
	json_t *obj, *old;          /* request.object, request.oldObject (or NULL) */
	const json_t *kind;         /* request.kind (or NULL) */
};

static bool envelope_error(json_t *root, struct envelope *e, char *err, size_t errsize)
{
	char q[400];
#define BAD(...) do { snprintf(err, errsize, "not an AdmissionReview request: " __VA_ARGS__); return true; } while (0)
	if (!json_is_object(root))
		BAD("the top level is %s, not an object", type_name(root));
	const json_t *k = json_object_get(root, "kind");
	if (!json_is_string(k))
		BAD("kind is %s, not \"AdmissionReview\"", type_name(k));
	if (strcmp(json_string_value(k), "AdmissionReview"))
		BAD("kind is %s, not \"AdmissionReview\"", shown(json_string_value(k), 64, q, sizeof q));
	const json_t *a = json_object_get(root, "apiVersion");
	if (!json_is_string(a))
		BAD("apiVersion is %s (admission.k8s.io/v1 or v1beta1)", type_name(a));
	const char *api = json_string_value(a);
	if (strcmp(api, "admission.k8s.io/v1") && strcmp(api, "admission.k8s.io/v1beta1"))
		BAD("unsupported apiVersion %s (admission.k8s.io/v1 or v1beta1)", shown(api, 64, q, sizeof q));
	json_t *req = json_object_get(root, "request");
	if (!json_is_object(req))
		BAD("request is %s, not an object", type_name(req));
	const json_t *uid = json_object_get(req, "uid");
	if (!json_is_string(uid))
		BAD("request.uid is %s, not a string", type_name(uid));
	if (!*json_string_value(uid))
		BAD("request.uid is empty");
	const json_t *op = json_object_get(req, "operation");
	if (!json_is_string(op))
		BAD("request.operation is %s, not a string", type_name(op));
	const char *o = json_string_value(op);
	if (strcmp(o, "CREATE") && strcmp(o, "UPDATE") && strcmp(o, "DELETE") && strcmp(o, "CONNECT"))
		BAD("request.operation %s is not CREATE, UPDATE, DELETE or CONNECT", shown(o, 32, q, sizeof q));
	static const char *const objs[] = { "object", "oldObject" };
	json_t *ov[2];
	for (size_t i = 0; i < 2; i++) {
		json_t *v = ov[i] = json_object_get(req, objs[i]);
		if (v && !json_is_null(v) && !json_is_object(v))
			BAD("request.%s is %s, not an object", objs[i], type_name(v));
	}
	const json_t *rk = json_object_get(req, "kind");
	if (rk && !json_is_null(rk) && !json_is_object(rk))
		BAD("request.kind is %s, not an object", type_name(rk));
	*e = (struct envelope){ api, req, uid, op, ov[0], ov[1], rk };
	return false;
#undef BAD
}

/* One "key":"value" member of the log fields (a comma before all but the first). */
static void log_member(struct buf *b, const char *key, const json_t *v)
{
	if (!json_is_string(v))
		return;
	if (b->len)
		buf_putc(b, ',');
	buf_putc(b, '"');
	buf_puts(b, key);
	buf_puts(b, "\":");
	buf_json_string(b, json_string_value(v), json_string_length(v));
}

/* The request's uid, kind, namespace, name and operation as JSON members. */
static void log_fields(struct buf *b, const struct envelope *e)
{
	const json_t *name = json_object_get(e->req, "name");
	log_member(b, "uid", e->uid);
	log_member(b, "kind", json_object_get(e->kind, "kind"));
	log_member(b, "namespace", json_object_get(e->req, "namespace"));
	if (!json_is_string(name) || !json_string_length(name))
		name = json_object_get(json_object_get(e->obj, "metadata"), "name");
	log_member(b, "name", name);
	log_member(b, "operation", e->op);
}

/* json_dump_callback into a buf */
static int dump_to_buf(const char *p, size_t n, void *b)
{
	return buf_add(b, p, n) ? -1 : 0;
}

/* A value as json_dumps(JSON_COMPACT | JSON_PRESERVE_ORDER) writes it. */
static void dump_json(struct buf *b, const json_t *v)
{
	if (json_dump_callback(v, dump_to_buf, b, JSON_COMPACT | JSON_PRESERVE_ORDER) && !b->err)
		b->err = IW_ENOMEM;
}

/* What the response says besides its uid. */
struct verdict {
	bool allowed;
	json_t *warnings;   /* array of strings, or NULL */
	json_t *status;     /* the Status of a denial, or NULL */
};

/* Decides the request. */
static enum iw_err decide(const struct envelope *e, struct verdict *resp,
                          const struct adm_opts *o, enum adm_outcome *out)
{
	const json_t *gvk = e->kind;
	const char *kind = json_string_value(json_object_get(gvk, "kind"));
	const char *op = json_string_value(e->op);
	json_t *obj = e->obj;
	if (!kind && !gvk)   /* no request.kind: the object's own */
		kind = json_string_value(json_object_get(obj, "kind"));
	json_t *oldj = e->old;
	bool update = op && !strcmp(op, "UPDATE");
	*out = ADM_ALLOWED;
	resp->allowed = true;
	if (!kind || (strcmp(kind, "Ingress") && strcmp(kind, "IngressClass")) || !op ||
	    (strcmp(op, "CREATE") && !update) || !json_is_object(obj))
		return IW_OK;   /* not ours: allowed */
	/* the object's own apiVersion/kind may be missing in hand-written requests */
	if (!json_object_get(obj, "kind"))
		json_object_set_new(obj, "kind", json_string(kind));
	if (!json_object_get(obj, "apiVersion")) {
		const char *g = json_string_value(json_object_get(gvk, "group"));
		const char *v = json_string_value(json_object_get(gvk, "version"));
		char av[200];
		snprintf(av, sizeof av, "%s%s%s", g && *g ? g : "", g && *g ? "/" : "", v ? v : "v1");
		json_object_set_new(obj, "apiVersion", json_string(av));
	}
	if (update && json_is_object(oldj) && !json_object_get(oldj, "apiVersion"))
		json_object_set(oldj, "apiVersion", json_object_get(obj, "apiVersion"));
	if (update && json_is_object(oldj) && !json_object_get(oldj, "kind"))
		json_object_set_new(oldj, "kind", json_string(kind));

	struct errlist el = { 0 }, old_el = { 0 };
	struct findings fl = { 0 };
	enum iw_err rc;
	bool is_ing = !strcmp(kind, "Ingress");
	struct ingress *ing = NULL, *old = NULL;
	struct ingress_class *ic = NULL, *oldic = NULL;
	if (is_ing) {
		rc = ingress_parse(obj, 0, &el, &ing);
		if (!rc && update && json_is_object(oldj))
			rc = ingress_parse(oldj, 0, &old_el, &old);
	} else {
		rc = ingress_class_parse(obj, 0, &el, &ic);
		if (!rc && update && json_is_object(oldj))
			rc = ingress_class_parse(oldj, 0, &old_el, &oldic);
	}
	if (rc)
		goto done;
	if (!errlist_has_type_error(&el)) {
		if (ing)
			iw_validate_ingress(ing, old, &o->v, &el);
		else
			iw_validate_ingress_class(ic, oldic, &o->v, &el);
	}
	const struct iw_meta *m = ing ? &ing->meta : &ic->meta;
	const char *name = iw_nz(m->name);
	enum iw_api api = ing ? ing->api : ic->api;
	const char *group = api == IW_API_EXTENSIONS_V1BETA1 ? "extensions" : "networking.k8s.io";
	if (el.err) {
		rc = el.err;
		goto done;
	}
	if (el.n) {
		if ((rc = invalid_status(&el, kind, group, name, &resp->status)))
			goto done;
		resp->allowed = false;
		*out = ADM_DENIED;
		goto done;
	}
	if (!o->policy)
		goto done;
	const char *extra = NULL;
	struct adm_subject subj = { ing, old, ic, oldic };
	if ((rc = o->policy(o->policy_arg, &subj, &fl, &extra)) || (rc = fl.err))
		goto done;
	findings_drop_suppressed(&fl);   /* ingress-warden.io/ignore */
	json_t *warnings = json_array();
	if (!warnings || (extra && json_array_append_new(warnings, json_string(extra))))
		rc = IW_ENOMEM;
	for (size_t i = 0; i < fl.n && !rc; i++) {
		if (fl.v[i].severity != IW_SEV_WARNING)
			continue;
		struct buf w;
		buf_init(&w, ADM_MAX_RESPONSE);
		buf_printf(&w, "%s: %s%s%s", fl.v[i].check, fl.v[i].field, *fl.v[i].field ? ": " : "",
		           fl.v[i].message);
		if (w.err || json_array_append_new(warnings, json_stringn(w.p, w.len)))
			rc = IW_ENOMEM;
		buf_release(&w);
	}
	if (!rc && json_array_size(warnings))
		resp->warnings = json_incref(warnings);
	json_decref(warnings);
	if (!rc && findings_deny(&fl)) {
		if ((rc = forbidden_status(&fl, kind, group, name, &resp->status)))
			goto done;
		resp->allowed = false;
		*out = ADM_DENIED;
	}
done:
	findings_release(&fl);
	errlist_release(&el);
	errlist_release(&old_el);
	ingress_free(ing);
	ingress_free(old);
	ingress_class_free(ic);
	ingress_class_free(oldic);
	return rc;
}

static enum iw_err handle(const char *body, size_t len, const struct adm_opts *o,
                          struct adm_result *res, char *msg, size_t msgsize)
{
	json_error_t je;
	*res = (struct adm_result){ ADM_INVALID, NULL, NULL, NULL, 0 };
	if (len > ADM_MAX_BODY) {
		snprintf(msg, msgsize, "request body is %zu bytes, over the limit of %u", len,
		         ADM_MAX_BODY);
		return IW_ETOOBIG;
	}
	long at = depth_exceeded(body, len);
	if (at >= 0) {
		snprintf(msg, msgsize, "malformed JSON: nested deeper than %d levels (at byte %ld)",
		         ADM_MAX_DEPTH, at);
		return IW_ETOOBIG;
	}
	json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		snprintf(msg, msgsize, "malformed JSON at line %d column %d: %s", je.line, je.column,
		         je.text);
		one_line(msg);
		return IW_ESYNTAX;
	}
	struct envelope e;
	if (envelope_error(root, &e, msg, msgsize)) {
		one_line(msg);
		json_decref(root);
		return IW_EINVAL;
	}
	const json_t *uid = e.uid;
	res->api_version = !strcmp(e.api, "admission.k8s.io/v1") ? "admission.k8s.io/v1"
	                                                         : "admission.k8s.io/v1beta1";
	struct buf lf;
	buf_init(&lf, ADM_MAX_RESPONSE);
	log_fields(&lf, &e);
	/* the response, written as json_dumps(JSON_COMPACT | JSON_PRESERVE_ORDER)
	 * writes the object {apiVersion, kind, response{uid, allowed, warnings,
	 * status}} */
	struct verdict v = { false, NULL, NULL };
	enum adm_outcome oc;
	enum iw_err rc = decide(&e, &v, o, &oc);
	if (!rc) {
		struct buf b;
		buf_init(&b, ADM_MAX_RESPONSE);
		buf_puts(&b, "{\"apiVersion\":\"");
		buf_puts(&b, res->api_version);
		buf_puts(&b, "\",\"kind\":\"AdmissionReview\",\"response\":{\"uid\":");
		buf_json_string(&b, json_string_value(uid), json_string_length(uid));
		buf_puts(&b, v.allowed ? ",\"allowed\":true" : ",\"allowed\":false");
		if (v.warnings) {
			buf_puts(&b, ",\"warnings\":");
			dump_json(&b, v.warnings);
		}
		if (v.status) {
			buf_puts(&b, ",\"status\":");
			dump_json(&b, v.status);
		}
		buf_puts(&b, "}}");
		rc = (enum iw_err)b.err;
		res->response = buf_steal(&b, &res->response_len);
		if (!rc && !res->response)
			rc = IW_ENOMEM;
		buf_release(&b);
	}
	json_decref(v.warnings);
	json_decref(v.status);
	if (rc) {
		free(res->response);
		res->response = NULL;
		res->response_len = 0;
		res->outcome = ADM_ERROR;
		snprintf(msg, msgsize, "the request could not be decided: %s", iw_strerror(rc));
	} else {
		res->outcome = oc;
		buf_puts(&lf, oc == ADM_ALLOWED ? ",\"allowed\":true" : ",\"allowed\":false");
	}
	res->log_fields = buf_steal(&lf, NULL);
	buf_release(&lf);
	json_decref(root);
	return rc;
}

enum iw_err admission_handle(const char *body, size_t len, const struct adm_opts *o,
                             struct adm_result *res, char *msg, size_t msgsize)
{
	unsigned long f0 = iw_json_failures();
	enum iw_err rc = handle(body, len, o, res, msg, msgsize);
	if (rc != IW_ENOMEM && iw_json_failures() != f0) {
		/* jansson lost an allocation without saying so (model/jsonmem.h): a
		 * syntax error, a missing key or a whole answer may be its doing */
		free(res->response);
		res->response = NULL;
		res->response_len = 0;
		res->outcome = ADM_ERROR;
		rc = IW_ENOMEM;
		snprintf(msg, msgsize, "the request could not be decided: %s", iw_strerror(rc));
	}
	return rc;
}
