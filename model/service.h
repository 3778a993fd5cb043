/*
 * The Service model: the small part of a v1 Service that the reference
 * checks read (namespace, name, ports).  Owned strings; released with
 * iw_service_free.
 *
 * Pure: libc + jansson, no I/O, no globals.
 */
#ifndef IW_MODEL_SERVICE_H
#define IW_MODEL_SERVICE_H

#include <jansson.h>
#include <stddef.h>

#include "base/err.h"

struct iw_service_port {
	const char *name;      /* "" when unnamed */
	long long port;
};

struct iw_service {
	char *namespace_, *name;   /* owned */
	struct iw_service_port *ports;   /* names owned by the service */
	size_t nports;
};

/*
 * Parses a v1 Service (metadata.namespace/name, spec.ports[].name/port) into
 * *out (the caller owns it).  A missing namespace is "default"
 * (iw_namespace_of).  Returns IW_OK; IW_EINVAL when 'obj' is not an object
 * with a metadata.name; IW_ENOMEM.  *out is NULL on failure.
 */
enum iw_err iw_service_parse(const json_t *obj, struct iw_service **out);
void iw_service_free(struct iw_service *s);

#endif
