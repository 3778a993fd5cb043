/* v1beta1 Ingress and IngressClass to networking.k8s.io/v1 (see convert.h). */
#include "model/convert.h"

#include <string.h>

#include "model/model.h"

/* Rebuilds obj's members in their order, each through 'fn', which sets what
 * replaces (k, v) into 'out' (nothing: the member is dropped). */
typedef enum iw_err (*member_fn)(json_t *out, const char *k, json_t *v, void *arg);

static enum iw_err rebuild(json_t *obj, member_fn fn, void *arg)
{
	json_t *out = json_object();
	if (!out)
		return IW_ENOMEM;
	const char *k;
	json_t *v;
	enum iw_err rc = IW_OK;
	json_object_foreach(obj, k, v)
		if ((rc = fn(out, k, v, arg)))
			break;
	if (!rc && (json_object_clear(obj) || json_object_update(obj, out)))
		rc = IW_ENOMEM;
	json_decref(out);
	return rc;
}

static enum iw_err keep(json_t *out, const char *k, json_t *v)
{
	return json_object_set(out, k, v) ? IW_ENOMEM : IW_OK;
}

/* serviceName / servicePort -> service {name, port {number | name}} at the
 * place of the first of them; the rest as it is. */
static enum iw_err backend_member(json_t *out, const char *k, json_t *v, void *arg)
{
	json_t *be = arg;
	bool name = !strcmp(k, "serviceName"), port = !strcmp(k, "servicePort");
	if (!name && !port)
		return keep(out, k, v);
	if (json_object_get(out, "service"))
		return IW_OK;   /* made at the first of the two */
	json_t *sn = json_object_get(be, "serviceName"), *sp = json_object_get(be, "servicePort");
	/* Convert_v1beta1_IngressBackend_To_networking_IngressBackend: a service
	 * when there is a name or a port */
	bool has_name = json_is_string(sn) ? json_string_length(sn) > 0 : sn && !json_is_null(sn);
	bool has_port = sp && !json_is_null(sp) && !(json_is_integer(sp) && !json_integer_value(sp));
	if (!has_name && !has_port)
		return IW_OK;
	json_t *svc = json_object();
	if (!svc || json_object_set_new(out, "service", svc))
		return IW_ENOMEM;
	if (has_name && json_object_set(svc, "name", sn))
		return IW_ENOMEM;
	if (has_port) {
		json_t *p = json_object();
		if (!p || json_object_set_new(svc, "port", p) ||
		    json_object_set(p, json_is_string(sp) ? "name" : "number", sp))
			return IW_ENOMEM;
	}
	return IW_OK;
}

static enum iw_err convert_backend(json_t *be)
{
	if (!json_is_object(be))
		return IW_OK;
	return rebuild(be, backend_member, be);
}

/* pathType ImplementationSpecific right after path, when none is given */
static enum iw_err path_member(json_t *out, const char *k, json_t *v, void *arg)
{
	json_t *p = arg;
	if (!strcmp(k, "pathType") && json_is_null(v))
		return IW_OK;   /* given as null: defaulted below */
	enum iw_err rc = keep(out, k, v);
	json_t *pt = json_object_get(p, "pathType");
	if (!rc && !strcmp(k, "path") && (!pt || json_is_null(pt)) &&
	    json_object_set_new(out, "pathType", json_string("ImplementationSpecific")))
		rc = IW_ENOMEM;
	return rc;
}

static enum iw_err convert_path(json_t *p)
{
	if (!json_is_object(p))
		return IW_OK;
	enum iw_err rc = convert_backend(json_object_get(p, "backend"));
	json_t *pt = json_object_get(p, "pathType");
	if (rc || (pt && !json_is_null(pt)))
		return rc;
	if (json_object_get(p, "path"))
		return rebuild(p, path_member, p);
	return json_object_set_new(p, "pathType", json_string("ImplementationSpecific"))
	       ? IW_ENOMEM : IW_OK;
}

static enum iw_err spec_member(json_t *out, const char *k, json_t *v, void *arg)
{
	(void)arg;
	return keep(out, strcmp(k, "backend") ? k : "defaultBackend", v);
}

static enum iw_err convert_ingress_spec(json_t *spec)
{
	if (!json_is_object(spec))
		return IW_OK;
	enum iw_err rc = IW_OK;
	if (json_object_get(spec, "backend") && !json_object_get(spec, "defaultBackend"))
		rc = rebuild(spec, spec_member, NULL);
	if (!rc)
		rc = convert_backend(json_object_get(spec, "defaultBackend"));
	size_t i, j;
	json_t *rule, *p;
	json_array_foreach(json_object_get(spec, "rules"), i, rule) {
		json_t *paths = json_object_get(json_object_get(rule, "http"), "paths");
		json_array_foreach(paths, j, p)
			if (!rc)
				rc = convert_path(p);
	}
	return rc;
}

enum iw_err iw_convert_to_v1(json_t *obj, bool *changed)
{
	enum iw_kind kind;
	enum iw_api api;
	if (changed)
		*changed = false;
	if (!json_is_object(obj))
		return IW_OK;
	iw_object_type(obj, &kind, &api);
	bool old = api == IW_API_EXTENSIONS_V1BETA1 || api == IW_API_NETWORKING_V1BETA1;
	if (!old || (kind != IW_KIND_INGRESS && kind != IW_KIND_INGRESSCLASS))
		return IW_OK;
	if (json_object_set_new(obj, "apiVersion", json_string("networking.k8s.io/v1")))
		return IW_ENOMEM;
	if (changed)
		*changed = true;
	if (kind == IW_KIND_INGRESS)
		return convert_ingress_spec(json_object_get(obj, "spec"));
	return IW_OK;
}
