/*
 * The ConfigMap model: a v1 ConfigMap's namespace, name and string `data`
 * (binaryData is not read), for the checks that follow an annotation naming a
 * ConfigMap (ingress-nginx auth-proxy-set-headers: CVE-2025-15566).  Owned
 * strings; released with iw_configmap_free.
 *
 * Pure: libc + jansson, no I/O, no globals.
 */
#ifndef IW_MODEL_CONFIGMAP_H
#define IW_MODEL_CONFIGMAP_H

#include <jansson.h>
#include <stddef.h>

#include "base/err.h"
#include "model/meta.h"

struct iw_configmap {
	char *namespace_, *name;   /* owned */
	struct iw_kv *data;        /* owned keys and values, in the object's order */
	size_t ndata;
};

/*
 * Parses a v1 ConfigMap (metadata.namespace/name, data) into *out (the caller
 * owns it).  A missing namespace is "default" (iw_namespace_of); data entries
 * whose value is not a string are skipped; at most 65,536 entries are kept.
 * Returns IW_OK; IW_EINVAL when 'obj' is not an object with a metadata.name;
 * IW_ENOMEM.  *out is NULL on failure.
 */
enum iw_err iw_configmap_parse(const json_t *obj, struct iw_configmap **out);
void iw_configmap_free(struct iw_configmap *cm);

#endif
