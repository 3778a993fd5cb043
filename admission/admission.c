/* The AdmissionReview codec (see admission.h). */
#include "admission/admission.h"

#include "checks/policy.h"
#include "model/jsonmem.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/map.h"
#include "base/utf8.h"

enum iw_err adm_check_subject(const struct iw_policy *p, const struct adm_subject *s,
                              const struct iw_state *state, struct findings *out)
{
	if (s->ing)
		return iw_policy_check(p, s->ing, s->old, state, out);
	return iw_policy_check_class(p, s->ic, s->old_ic, state, out);
}

/* The distinct errors of el (the same Error() string once), in order, into
 * d: the first ADM_MAX_CAUSES of them (the message says how many more). */
static enum iw_err distinct(const struct errlist *el, struct errlist *d)
{
	char **strs;
	size_t *idx, n;
	enum iw_err rc = fe_distinct(el, &strs, &idx, &n);
	if (rc)
		return rc;
	for (size_t j = 0; j < n && j < ADM_MAX_CAUSES && !rc; j++) {
		const struct field_err *e = &el->v[idx[j]];
		fe_add_str(d, e->type, e->field, e->value, e->detail);
		rc = d->err;
	}
	for (size_t j = 0; j < n; j++)
		free(strs[j]);
	free(strs);
	free(idx);
	return rc;
}

static enum iw_err invalid_status(const struct errlist *el, const char *kind, const char *group,
                                  const char *name, json_t **out)
{
	struct errlist d = { 0 };
	char *msg = NULL;
	json_t *causes = NULL;
	enum iw_err rc = distinct(el, &d);
	char shown[FE_ECHO_MAX + IW_CLIP_EXTRA];
	*out = NULL;
	if (!rc && (!(msg = fe_invalid_message(el, kind, group, name)) || !(causes = json_array())))
		rc = IW_ENOMEM;
	name = iw_clip(name, strlen(name), FE_ECHO_MAX, shown, sizeof shown);   /* details.name */
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
	char shown[FE_ECHO_MAX + IW_CLIP_EXTRA];
	name = iw_clip(name, strlen(name), FE_ECHO_MAX, shown, sizeof shown);
	buf_init(&msg, ADM_MAX_RESPONSE);
	buf_printf(&msg, "%s%s%s \"%s\" is forbidden: ", kind, *group ? "." : "", group, name);
	enum iw_err rc = causes ? IW_OK : IW_ENOMEM;
	*out = NULL;
	size_t nerr = 0;
	for (size_t i = 0; i < fl->n && !rc; i++) {
		const struct finding *f = &fl->v[i];
		if (f->severity != IW_SEV_ERROR || nerr++ >= ADM_MAX_CAUSES)
			continue;
		if (json_array_append_new(causes, json_pack("{s:s, s:s, s:s}", "reason", f->check,
		                                            "message", f->message, "field", f->field)))
			rc = IW_ENOMEM;
		buf_printf(&msg, "%s%s: %s%s%s", nerr > 1 ? "; " : "", f->check, f->field,
		           *f->field ? ": " : "", f->message);
	}
	if (nerr > ADM_MAX_CAUSES)
		buf_printf(&msg, "; and %zu more", nerr - ADM_MAX_CAUSES);
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

/* One warning of an answer: its text (owned) and the number of findings it
 * stands for (1, or N for "N more findings of this check are not listed"). */
struct warning {
	char *text;
	size_t count;
};

/*
 * response.warnings as the API server keeps them (admission.h): the texts
 * w[0..n) (repeats already dropped) as they are when they fit in
 * ADM_WARN_TOTAL_RUNES characters; else each cut to ADM_WARN_ITEM_RUNES
 * characters, as many as fit with a last warning that says how many more
 * there were (the findings the dropped ones stand for).
 */
static enum iw_err warnings_capped(const struct warning *w, size_t n, json_t **out)
{
	size_t total = 0, all = 0, used = 0, k = 0;
	*out = NULL;
	if (!n)
		return IW_OK;
	for (size_t i = 0; i < n; i++) {
		total += iw_utf8_runes(w[i].text, strlen(w[i].text));
		all += w[i].count;
	}
	json_t *a = json_array();
	if (!a)
		return IW_ENOMEM;
	char more[160];
	/* room kept for the last warning (ASCII: its length is its characters;
	 * written with every count, the count can only shrink) */
	size_t more_runes = total <= ADM_WARN_TOTAL_RUNES ? 0 :
		(size_t)snprintf(more, sizeof more, "ingress-warden: %zu more warnings are not listed "
		                 "(the API server keeps %d characters of warnings)", all,
		                 ADM_WARN_TOTAL_RUNES);
	for (; k < n; k++) {
		size_t len = strlen(w[k].text), runes = iw_utf8_runes(w[k].text, len);
		bool cut = false;
		if (total > ADM_WARN_TOTAL_RUNES) {
			if (runes > ADM_WARN_ITEM_RUNES) {   /* 255 characters and "…" */
				len = iw_utf8_rune_bytes(w[k].text, len, ADM_WARN_ITEM_RUNES - 1);
				runes = ADM_WARN_ITEM_RUNES;
				cut = true;
			}
			if (used + runes + more_runes > ADM_WARN_TOTAL_RUNES)
				break;
		}
		struct buf t;
		buf_init(&t, ADM_MAX_RESPONSE);
		buf_add(&t, w[k].text, len);
		if (cut)
			buf_puts(&t, "\xe2\x80\xa6");
		json_t *s = t.err ? NULL : json_stringn(t.p ? t.p : "", t.len);
		buf_release(&t);
		if (!s || json_array_append_new(a, s)) {
			json_decref(a);
			return IW_ENOMEM;
		}
		used += runes;
	}
	if (k < n) {
		size_t left = 0;
		for (size_t i = k; i < n; i++)
			left += w[i].count;
		snprintf(more, sizeof more, "ingress-warden: %zu more warnings are not listed (the API "
		         "server keeps %d characters of warnings)", left, ADM_WARN_TOTAL_RUNES);
		if (json_array_append_new(a, json_string(more))) {
			json_decref(a);
			return IW_ENOMEM;
		}
	}
	*out = a;
	return IW_OK;
}

/* response.warnings of a decided object: 'extra' (may be NULL) and the
 * warning findings of fl as "CHECK: FIELD: MESSAGE", each text once (the
 * API server drops repeats too), cut by warnings_capped.  *out NULL when
 * there are none. */
static enum iw_err warnings_of(const struct findings *fl, const char *extra, json_t **out)
{
	struct warning *w = calloc(fl->n + 1, sizeof *w);
	struct map seen = MAP_INIT;
	size_t nw = 0;
	enum iw_err rc = w ? IW_OK : IW_ENOMEM;
	*out = NULL;
	for (size_t i = 0; i <= fl->n && !rc; i++) {
		const struct finding *f = i ? &fl->v[i - 1] : NULL;
		if (f ? f->severity != IW_SEV_WARNING : !extra)
			continue;
		struct buf t;
		buf_init(&t, ADM_MAX_RESPONSE);
		if (f)
			buf_printf(&t, "%s: %s%s%s", f->check, f->field, *f->field ? ": " : "", f->message);
		else
			buf_puts(&t, extra);
		size_t len;
		char *text = buf_steal(&t, &len);
		buf_release(&t);
		bool added;
		if (!text || !map_put(&seen, text, len, &added)) {
			free(text);
			rc = IW_ENOMEM;
		} else if (!added) {
			free(text);
		} else {
			w[nw++] = (struct warning){ text, f && f->more ? f->more : 1 };
		}
	}
	if (!rc)
		rc = warnings_capped(w, nw, out);
	for (size_t i = 0; i < nw; i++)
		free(w[i].text);
	free(w);
	map_release(&seen);
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
	char shown[ADM_LOG_VALUE_MAX + IW_CLIP_EXTRA];
	size_t len = json_string_length(v);
	const char *s = json_string_value(v);
	if (len > ADM_LOG_VALUE_MAX) {   /* a 3 MB uid is not a 3 MB log line */
		s = iw_clip(s, len, ADM_LOG_VALUE_MAX, shown, sizeof shown);
		len = strlen(s);
	}
	buf_json_string(b, s, len);
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
	if ((rc = warnings_of(&fl, extra, &resp->warnings)))
		goto done;
	if (findings_deny(&fl)) {
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
	if (o->drop_tree)
		o->drop_tree(root, o->drop_arg);
	else
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
