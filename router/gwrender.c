/* Gateway API decisions rendered: key texts, `route -o json`, outcome ids. */
#include "router/httproute.h"

#include <stdio.h>
#include <string.h>

const char *gw_key_text(enum gw_key k, enum gw_profile p)
{
	switch (k) {
	case GW_K_NONE: return "no other candidate";
	case GW_K_HOST_EXACT: return "a matching non-wildcard hostname with more characters wins";
	case GW_K_HOST_CHARS: return "a matching hostname with more characters wins";
	case GW_K_PATH_TYPE:
		return p == GW_PROFILE_ENVOY_GATEWAY
		       ? "path match type: Exact > RegularExpression > PathPrefix [envoy-gateway]"
		       : p == GW_PROFILE_ISTIO
		       ? "path match type: Exact > PathPrefix > RegularExpression [istio]"
		       : "path match type: Exact > PathPrefix > RegularExpression (RegularExpression "
		         "last [spec silent])";
	case GW_K_PATH_CHARS:
		return p == GW_PROFILE_ENVOY_GATEWAY
		       ? "the longer path value wins (a PathPrefix \"/\" counts 0) [envoy-gateway]"
		       : p == GW_PROFILE_ISTIO
		       ? "the longer path value wins (a PathPrefix without its trailing '/') [istio]"
		       : "the longer path value (characters as written) wins";
	case GW_K_METHOD: return "a method match wins";
	case GW_K_HEADERS:
		return p == GW_PROFILE_ENVOY_GATEWAY
		       ? "more header matches win (a method match counts as a \":method\" header) "
		         "[envoy-gateway]"
		       : "more header matches win";
	case GW_K_EXACT_HEADERS: return "more Exact header matches win [envoy-gateway]";
	case GW_K_QUERY: return "more query parameter matches win";
	case GW_K_EXACT_QUERY: return "more Exact query parameter matches win [envoy-gateway]";
	case GW_K_AGE: return "the oldest route (creationTimestamp) wins";
	case GW_K_TIMESTAMP:
		return p == GW_PROFILE_SPEC
		       ? "a route with a creationTimestamp wins over one without [spec silent]"
		       : "a route without a creationTimestamp sorts first (Go's zero time)";
	case GW_K_NAME: return "same age: the first route by namespace, then name, wins";
	case GW_K_RULE_ORDER: return "same route: the first matching rule wins";
	case GW_K_REGEX_ORDER:
		return "regex locations are tried longest pattern first [nginx-gateway-fabric]";
	case GW_K_LOCATION: return "nginx chose another location for the path [nginx-gateway-fabric]";
	case GW_K_VHOST: return "another hostname's virtual host";
	}
	return "";
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *gw_decision_json(const struct gw_decision *d, const char *reason)
{
	json_t *o = json_object();
	if (!o)
		return NULL;
	int bad = 0;
	bad |= json_object_set_new(o, "match", json_string(d->matched ? "rule" : "none"));
	bad |= json_object_set_new(o, "kind", d->matched ? json_string("HTTPRoute") : json_null());
	bad |= json_object_set_new(o, "name", str_or_null(d->matched ? d->name : NULL));
	bad |= json_object_set_new(o, "route", str_or_null(d->matched ? d->name : NULL));
	bad |= json_object_set_new(o, "route_namespace", str_or_null(d->matched ? d->namespace_ : NULL));
	const struct gw_backend_out *one = d->single >= 0 ? &d->backends[d->single] : NULL;
	bad |= json_object_set_new(o, "namespace", str_or_null(one ? one->namespace_ : NULL));
	bad |= json_object_set_new(o, "service", str_or_null(one ? one->name : NULL));
	bad |= json_object_set_new(o, "port", one && one->has_port ? json_integer(one->port) : json_null());
	bad |= json_object_set_new(o, "status", json_integer(d->status));
	bad |= json_object_set_new(o, "redirect", d->redirected ? json_string(d->location) : json_null());
	if (d->matched) {
		json_t *bs = json_array();
		for (size_t i = 0; bs && i < d->nbackends; i++) {
			const struct gw_backend_out *b = &d->backends[i];
			json_t *e = json_object();
			if (!e) {
				bad = 1;
				break;
			}
			bad |= json_object_set_new(e, "namespace", json_string(b->namespace_));
			bad |= json_object_set_new(e, "service", json_string(b->name));
			bad |= json_object_set_new(e, "port", b->has_port ? json_integer(b->port) : json_null());
			bad |= json_object_set_new(e, "weight", json_integer(b->weight));
			if (*b->group || strcmp(b->kind, "Service")) {
				bad |= json_object_set_new(e, "group", json_string(b->group));
				bad |= json_object_set_new(e, "kind", json_string(b->kind));
			}
			if (b->invalid)
				bad |= json_object_set_new(e, "invalid", json_string(b->invalid));
			bad |= json_array_append_new(bs, e);
		}
		bad |= !bs || json_object_set_new(o, "backends", bs);
		json_t *rule = json_pack("{s:o, s:o, s:s, s:s, s:I, s:I}",
		                         "host", str_or_null(d->hostname),
		                         "hostname", str_or_null(d->hostname),
		                         "path", d->match->path, "pathType", gw_path_type_name(d->match),
		                         "index", (json_int_t)d->rule_index,
		                         "match", (json_int_t)d->match_index);
		if (rule && d->rule->name)
			bad |= json_object_set_new(rule, "name", json_string(d->rule->name));
		bad |= !rule || json_object_set_new(o, "rule", rule);
		json_t *l = json_pack("{s:s, s:s, s:I}", "gateway", iw_nz(d->gateway->meta.name),
		                      "gateway_namespace", iw_namespace(&d->gateway->meta),
		                      "port", (json_int_t)d->port);
		if (l)
			bad |= json_object_set_new(l, "name", json_string(d->listener->name));
		bad |= !l || json_object_set_new(o, "listener", l);
	}
	bad |= json_object_set_new(o, "profile", json_string(gw_profile_name(d->profile)));
	if (reason)
		bad |= json_object_set_new(o, "reason", json_string(reason));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

void gw_outcome_text(const struct gw_decision *d, char *buf, size_t size)
{
	if (!size)
		return;
	if (!d->matched) {
		snprintf(buf, size, "404 (no rule)");
		return;
	}
	if (d->redirected) {
		snprintf(buf, size, "redirect %d %s", d->status, d->location);
		return;
	}
	size_t n = 0;
	buf[0] = '\0';
	if (d->single >= 0) {
		const struct gw_backend_out *b = &d->backends[d->single];
		snprintf(buf, size, "service %s/%s:%lld", b->namespace_, b->name, b->has_port ? b->port : 0);
		return;
	}
	if (d->status == 500 && !d->nbackends) {
		snprintf(buf, size, "500 (the rule has no backendRefs)");
		return;
	}
	n = (size_t)snprintf(buf, size, "%s", d->status == 500 ? "500 (" : "split ");
	for (size_t i = 0; i < d->nbackends && n < size; i++) {
		const struct gw_backend_out *b = &d->backends[i];
		n += (size_t)snprintf(buf + n, size - n, "%s%s/%s:%lld weight %lld%s%s", i ? ", " : "",
		                      b->namespace_, b->name, b->has_port ? b->port : 0, b->weight,
		                      b->invalid ? " " : "", b->invalid ? b->invalid : "");
	}
	if (d->status == 500 && n < size)
		snprintf(buf + n, size - n, ")");
}

void gw_outcome_id(const struct gw_decision *d, char *buf, size_t size)
{
	if (!size)
		return;
	buf[0] = '\0';
	if (!d->matched) {
		snprintf(buf, size, "404");
		return;
	}
	if (d->redirected) {
		snprintf(buf, size, "redirect %d %s", d->status, d->location);
		return;
	}
	if (d->status == 500) {
		snprintf(buf, size, "500");
		return;
	}
	if (d->single >= 0) {
		const struct gw_backend_out *b = &d->backends[d->single];
		snprintf(buf, size, "%s/%s:%lld", b->namespace_, b->name, b->has_port ? b->port : 0);
		return;
	}
	size_t n = (size_t)snprintf(buf, size, "split");
	for (size_t i = 0; i < d->nbackends && n < size; i++) {
		const struct gw_backend_out *b = &d->backends[i];
		if (b->weight <= 0)
			continue;
		n += (size_t)snprintf(buf + n, size - n, "%s%s/%s:%lld*%lld%s", n > 5 ? "+" : " ",
		                      b->namespace_, b->name, b->has_port ? b->port : 0, b->weight,
		                      b->invalid ? "(invalid)" : "");
	}
}
