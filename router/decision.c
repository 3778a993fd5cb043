/*
 * What every router of the module shares (router.h, "shared by every
 * router"): the names of profiles, match kinds and path types, a decision
 * as the `route -o json` object and as a backend id, and the explanation
 * pieces every router prints the same way.
 */
#include "router/router.h"

#include <stdio.h>   /* snprintf only */
#include <string.h>

#include "router/norm.h"

const char *rt_profile_name(enum iw_profile_id p)
{
	return iw_profile_get(p)->name;
}

int rt_profile_parse(const char *name)
{
	const struct iw_profile *p = name ? iw_profile_lookup(name) : NULL;
	return p ? (int)p->id : -1;
}

const char *rt_path_type_name(enum rt_path_type pt)
{
	switch (pt) {
	case RT_EXACT: return "Exact";
	case RT_PREFIX: return "Prefix";
	case RT_IS: return "ImplementationSpecific";
	}
	return "?";
}

const char *rt_match_name(enum rt_match m)
{
	switch (m) {
	case RT_RULE: return "rule";
	case RT_DEFAULT: return "default";
	case RT_NONE: return "none";
	}
	return "?";
}

/* ---- route -o json ------------------------------------------------------- */

void rt_backend_json(json_t *obj, const struct iw_backend *be)
{
	if (be->has_resource) {
		json_t *r = json_object();
		if (be->resource.api_group)
			json_object_set_new(r, "apiGroup", json_string(be->resource.api_group));
		json_object_set_new(r, "kind", json_string(be->resource.kind ? be->resource.kind : ""));
		json_object_set_new(r, "name", json_string(be->resource.name ? be->resource.name : ""));
		json_object_set_new(obj, "resource", r);
		return;
	}
	const struct iw_service_backend *sv = &be->service;
	json_object_set_new(obj, "service", json_string(sv->name ? sv->name : ""));
	if (sv->port_name && *sv->port_name)
		json_object_set_new(obj, "port", json_string(sv->port_name));
	else if (sv->port_number)
		json_object_set_new(obj, "port", json_integer(sv->port_number));
	else
		json_object_set_new(obj, "port", json_null());
}

json_t *rt_decision_json(const struct rt_decision *d, const char *reason)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	json_object_set_new(o, "match", json_string(rt_match_name(d->match)));
	if (d->match != RT_NONE) {
		json_object_set_new(o, "namespace", json_string(d->namespace_));
		if (!d->kind || !strcmp(d->kind, "Ingress")) {
			json_object_set_new(o, "ingress", json_string(d->name));
		} else {
			json_object_set_new(o, "kind", json_string(d->kind));
			json_object_set_new(o, "name", json_string(d->name));
		}
		rt_backend_json(o, d->backend);
	}
	if (d->match == RT_RULE) {
		json_object_set_new(o, "rule", json_pack("{s:s, s:s, s:s}",
		        "host", d->rule_host ? d->rule_host : "",
		        "path", d->rule_path ? d->rule_path : "",
		        "pathType", rt_path_type_name(d->path_type)));
	}
	if (d->status)
		json_object_set_new(o, "status", json_integer(d->status));
	if (d->profile != IW_PROFILE_SPEC)
		json_object_set_new(o, "profile", json_string(rt_profile_name(d->profile)));
	if (reason)
		json_object_set_new(o, "reason", json_string(reason));
	return o;
}

void rt_backend_id(const struct rt_decision *d, char *buf, size_t size)
{
	const struct iw_backend *be = d->backend;
	if (d->match == RT_NONE) {
		snprintf(buf, size, "none");
	} else if (be->has_resource) {
		snprintf(buf, size, "%s/%s/resource:%s/%s", d->namespace_, d->name,
		         be->resource.kind ? be->resource.kind : "", be->resource.name ? be->resource.name : "");
	} else if (be->service.port_name && *be->service.port_name) {
		snprintf(buf, size, "%s/%s/%s:%s", d->namespace_, d->name, be->service.name,
		         be->service.port_name);
	} else {
		snprintf(buf, size, "%s/%s/%s:%lld", d->namespace_, d->name, be->service.name,
		         be->service.port_number);
	}
}

/* ---- explanation pieces -------------------------------------------------- */

void rt_text_backend(struct buf *b, const struct iw_backend *be)
{
	if (be->has_resource) {
		buf_printf(b, "resource %s%s%s/%s", be->resource.api_group ? be->resource.api_group : "",
		           be->resource.api_group ? "." : "", be->resource.kind, be->resource.name);
	} else if (be->service.port_name && *be->service.port_name) {
		buf_printf(b, "service %s:%s", be->service.name, be->service.port_name);
	} else {
		buf_printf(b, "service %s:%lld", be->service.name, be->service.port_number);
	}
}

void rt_text_changes(struct buf *b, unsigned c)
{
	static const struct { unsigned bit; const char *text; } tx[] = {
		{ RT_N_PORT, "port removed" },
		{ RT_N_CASE, "host lower-cased" },
		{ RT_N_DOT, "trailing host dot removed" },
		{ RT_N_QUERY, "query/fragment ignored" },
		{ RT_N_PCT, "%XX of unreserved characters decoded" },
		{ RT_N_PCT_UPPER, "%xx written upper case, not decoded (reserved)" },
		{ RT_N_SLASHES, "runs of '/' merged" },
		{ RT_N_DOTSEG, "dot segments removed" },
		{ RT_N_ROOT, "made absolute" },
		{ RT_N_ABSOLUTE, "host taken from the absolute-form target" },
		{ RT_N_PCT_ALL, "every %XX decoded (%2F is a '/')" },
	};
	bool first = true;
	for (size_t i = 0; i < sizeof tx / sizeof *tx; i++)
		if (c & tx[i].bit) {
			buf_printf(b, "%s%s", first ? "" : ", ", tx[i].text);
			first = false;
		}
}

void rt_text_decision(struct buf *b, const struct rt_decision *d)
{
	buf_printf(b, "decision: %s", rt_match_name(d->match));
	if (d->match != RT_NONE) {
		buf_printf(b, " %s/%s -> ", d->namespace_, d->name);
		rt_text_backend(b, d->backend);
	}
	buf_puts(b, "\n");
}
