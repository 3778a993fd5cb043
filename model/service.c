/* The Service model (see service.h). */
#include "model/service.h"
#include "model/model.h"

#include <stdlib.h>
#include <string.h>

void iw_service_free(struct iw_service *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nports; i++)
		free((char *)s->ports[i].name);
	free(s->ports);
	free(s->namespace_);
	free(s->name);
	free(s);
}

enum iw_err iw_service_parse(const json_t *obj, struct iw_service **out)
{
	const json_t *meta = json_object_get(obj, "metadata");
	const char *name = json_string_value(json_object_get(meta, "name"));
	const char *ns = json_string_value(json_object_get(meta, "namespace"));
	*out = NULL;
	if (!json_is_object(obj) || !name || !*name)
		return IW_EINVAL;
	struct iw_service *s = calloc(1, sizeof *s);
	if (!s)
		return IW_ENOMEM;
	s->name = strdup(name);
	s->namespace_ = strdup(iw_namespace_of(ns));
	if (!s->name || !s->namespace_)
		goto fail;
	const json_t *ports = json_object_get(json_object_get(obj, "spec"), "ports");
	size_t n = json_is_array(ports) ? json_array_size(ports) : 0;
	if (n > 65536)
		n = 65536;   /* a Service has at most a few; bound hostile input */
	if (n && !(s->ports = calloc(n, sizeof *s->ports)))
		goto fail;
	for (size_t i = 0; i < n; i++) {
		const json_t *p = json_array_get(ports, i);
		const char *pn = json_string_value(json_object_get(p, "name"));
		const json_t *num = json_object_get(p, "port");
		if (!(s->ports[s->nports].name = strdup(pn ? pn : "")))
			goto fail;
		s->ports[s->nports].port = json_is_integer(num) ? json_integer_value(num) : 0;
		s->nports++;
	}
	*out = s;
	return IW_OK;
fail:
	iw_service_free(s);
	return IW_ENOMEM;
}
