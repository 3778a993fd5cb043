/*
 * The field paths of networking.k8s.io/v1beta1 Ingresses, as a v1beta1 file
 * writes them (lint, the lint server and route name fields by them).
 *
 * Pure: no I/O, no globals.
 */
#ifndef IW_LINT_LINT_PATHS_H
#define IW_LINT_LINT_PATHS_H

#include <stddef.h>

/*
 * Maps an internal field path of a v1beta1 Ingress back to what a v1beta1
 * file says: spec.defaultBackend -> spec.backend, backend.service.name ->
 * backend.serviceName, backend.service.port[.name|.number] ->
 * backend.servicePort, backend.service -> backend.serviceName.  Writes into
 * out (always terminated).
 */
void lint_map_v1beta1_path(const char *in, char *out, size_t size);

#endif
