/* The ConfigMap model (see configmap.h). */
#include "model/configmap.h"
#include "model/model.h"

#include <stdlib.h>
#include <string.h>

#define MAX_DATA 65536   /* entries kept: bound hostile input */

void iw_configmap_free(struct iw_configmap *cm)
{
	if (!cm)
		return;
	for (size_t i = 0; i < cm->ndata; i++) {
		free((char *)cm->data[i].key);
		free((char *)cm->data[i].value);
	}
	free(cm->data);
	free(cm->namespace_);
	free(cm->name);
	free(cm);
}

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

enum iw_err iw_configmap_parse(const json_t *obj, struct iw_configmap **out)
{
	const json_t *meta = json_object_get(obj, "metadata");
	const char *name = json_string_value(json_object_get(meta, "name"));
	const char *ns = json_string_value(json_object_get(meta, "namespace"));
	*out = NULL;
	if (!json_is_object(obj) || !name || !*name)
		return IW_EINVAL;
	struct iw_configmap *cm = calloc(1, sizeof *cm);
	if (!cm)
		return IW_ENOMEM;
	cm->name = strdup(name);
	cm->namespace_ = strdup(iw_namespace_of(ns));
	if (!cm->name || !cm->namespace_)
		goto fail;
	const json_t *data = json_object_get(obj, "data");
	size_t n = json_is_object(data) ? json_object_size(data) : 0;
	if (n > MAX_DATA)
		n = MAX_DATA;
	if (n && !(cm->data = calloc(n, sizeof *cm->data)))
		goto fail;
	const char *k;
	size_t kl;
	json_t *v;
	json_object_keylen_foreach((json_t *)data, k, kl, v) {
		if (cm->ndata == n)
			break;
		if (!json_is_string(v))
			continue;
		struct iw_kv *e = &cm->data[cm->ndata];
		size_t vl = json_string_length(v);
		e->key = dup_n(k, kl);
		e->value = dup_n(json_string_value(v), vl);
		if (!e->key || !e->value) {
			free((char *)e->key);
			free((char *)e->value);
			goto fail;
		}
		e->key_len = kl;
		e->value_len = vl;
		cm->ndata++;
	}
	*out = cm;
	return IW_OK;
fail:
	iw_configmap_free(cm);
	return IW_ENOMEM;
}
