/*
 * diff (see diff.h): both sides' routers, every probe decided twice, the
 * outcomes compared, the differences kept with their explanations and
 * grouped by cause.
 */
#include "diff/diff.h"
#include "diff/probes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "router/router.h"

struct svc_key {
	const char *ns, *name;
	const struct iw_service *s;
};

struct run {
	const struct df_opts *o;
	struct df_result *res;
	struct arena *mem;
	struct svc_key *svcs;
	size_t nsvcs;
	size_t listed_max;
	size_t *order;           /* generation index of each listed diff */
	bool oom;                /* an allocation for the listed details failed */
};

struct built {
	const struct df_side *s;
	struct rt_table *rt;
	struct gw_table *gw;
};

/* What one side did, for comparing and classifying: pointers into the
 * models and tables (no copy on the hot path), text only for the rare
 * outcomes that need it. */
struct out {
	int status;
	/* who receives the request: a Service (ns/svc, port or port name), or 'text' */
	const char *ns, *svc, *port_name;
	long long port;
	bool has_text;
	char text[GW_MAX_LOCATION + 64];   /* a Location, a split, a resource */
	bool matched;             /* a rule (or a default backend) decided */
	int ptype;                /* the rule's path: 0 Exact, 1 prefix, 2 ImplementationSpecific,
	                             3 RegularExpression, -1 none */
	bool is_default;          /* an Ingress defaultBackend */
	bool vhost_404;           /* 404 inside a virtual host (a profile without fall-through) */
	bool location_404;        /* 404: nginx's location for the path has no match for it */
	bool host_404;            /* Ingress: a host group was chosen, no path of it matched */
	bool broad;               /* the rule that decided has a wildcard host or none */
	const char *obj_ns, *obj_name, *rule_path;   /* the rule that decided (NULL: none) */
};

static void out_reset(struct out *o)
{
	o->status = 404;
	o->ns = o->svc = o->port_name = NULL;
	o->port = 0;
	o->has_text = false;
	o->text[0] = '\0';
	o->matched = o->is_default = o->vhost_404 = o->location_404 = o->host_404 = false;
	o->broad = false;
	o->ptype = -1;
	o->obj_ns = o->obj_name = o->rule_path = NULL;
}

/* "ns/svc:port", the text, or "" */
static const char *out_target(const struct out *o, char *buf, size_t size)
{
	if (o->has_text)
		return o->text;
	if (!o->svc)
		return "";
	if (o->port_name)
		snprintf(buf, size, "%s/%s:%s", o->ns, o->svc, o->port_name);
	else
		snprintf(buf, size, "%s/%s:%lld", o->ns, o->svc, o->port);
	return buf;
}

static char *mdup(struct run *r, const char *s)
{
	if (!s)
		return NULL;
	char *d = arena_strndup(r->mem, s, strlen(s));
	if (!d)
		r->oom = true;
	return d;
}

/* ---------- Services: named ports ---------- */

static int svc_cmp(const void *a, const void *b)
{
	const struct svc_key *x = a, *y = b;
	int c = strcmp(x->ns, y->ns);
	return c ? c : strcmp(x->name, y->name);
}

static const struct iw_service *svc_find(const struct run *r, const char *ns, const char *name)
{
	size_t lo = 0, hi = r->nsvcs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(r->svcs[mid].ns, ns);
		if (!c)
			c = strcmp(r->svcs[mid].name, name);
		if (!c)
			return r->svcs[mid].s;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---------- outcomes ---------- */

static void ingress_out(const struct run *r, const struct rt_decision *d, struct out *o)
{
	out_reset(o);
	o->matched = d->match != RT_NONE;
	o->is_default = d->match == RT_DEFAULT;
	o->ptype = d->match == RT_RULE ? (d->path_type == RT_EXACT ? 0 : d->path_type == RT_PREFIX ? 1 : 2)
	                               : -1;
	o->host_404 = d->match != RT_RULE && d->group != RT_G_NONE && d->group != RT_G_HOSTLESS;
	o->broad = d->match == RT_RULE && d->group != RT_G_EXACT;
	/* a profile that models what the controller answers itself (ingress-nginx:
	 * redirects, 400, 403; 0 when the emulation cannot tell, router/compare.h's
	 * "unknown") */
	bool models_status = d->profile != IW_PROFILE_SPEC;
	if (!o->matched) {
		if (models_status && d->status != 404) {
			o->status = d->status;
			o->has_text = d->status == 0 || (d->status >= 300 && d->status < 400);
			if (d->status == 0)
				snprintf(o->text, sizeof o->text, "unknown (%s)",
				         d->note ? d->note : "the emulation cannot tell");
			else if (o->has_text)
				snprintf(o->text, sizeof o->text, "redirect (%d)", d->status);
		}
		return;
	}
	o->obj_ns = d->namespace_;
	o->obj_name = d->name;
	o->rule_path = d->match == RT_RULE ? d->rule_path : "(defaultBackend)";
	o->status = models_status && d->status ? d->status : 200;
	const struct iw_backend *be = d->backend;
	if (be && be->has_service) {
		const struct iw_service_backend *sb = &be->service;
		o->ns = d->namespace_;
		o->svc = sb->name;
		o->port = sb->port_number;
		if (*iw_nz(sb->port_name)) {
			/* a named port compares by its number when a Service says it */
			const struct iw_service *svc = svc_find(r, d->namespace_, sb->name);
			o->port_name = sb->port_name;
			for (size_t i = 0; svc && i < svc->nports; i++)
				if (!strcmp(svc->ports[i].name, sb->port_name)) {
					o->port = svc->ports[i].port;
					o->port_name = NULL;
				}
		}
	} else if (be && be->has_resource) {
		o->has_text = true;
		snprintf(o->text, sizeof o->text, "resource %s/%s/%s", iw_nz(be->resource.api_group),
		         be->resource.kind, be->resource.name);
	}
}

static long long gcd(long long a, long long b)
{
	while (b) {
		long long t = a % b;
		a = b;
		b = t;
	}
	return a;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void gateway_out(const struct gw_decision *d, struct out *o)
{
	out_reset(o);
	o->status = d->status;
	o->matched = d->matched;
	o->ptype = d->matched ? (d->match->path_type == GW_PATH_EXACT ? 0
	                         : d->match->path_type == GW_PATH_PREFIX ? 1 : 3) : -1;
	o->vhost_404 = !d->matched && d->none == GW_NONE_NO_RULE && d->virtual_host;
	o->location_404 = !d->matched && d->none == GW_NONE_LOCATION;
	if (!d->matched)
		return;
	o->broad = !d->hostname || d->hostname[0] == '*';
	o->obj_ns = d->namespace_;
	o->obj_name = d->name;
	o->rule_path = d->match->path;
	if (d->status == 500)
		return;
	if (d->redirected) {
		o->has_text = true;
		snprintf(o->text, sizeof o->text, "%s", d->location);
		return;
	}
	if (d->single >= 0) {
		const struct gw_backend_out *b = &d->backends[d->single];
		o->ns = b->namespace_;
		o->svc = b->name;
		o->port = b->has_port ? b->port : 0;
		return;
	}
	/* a split: the live entries with their share, in a canonical order */
	long long g = 0;
	for (size_t i = 0; i < d->nbackends; i++)
		if (d->backends[i].weight > 0)
			g = gcd(g, d->backends[i].weight);
	char entries[GW_MAX_BACKENDS][600];
	char *ptrs[GW_MAX_BACKENDS];
	size_t k = 0;
	for (size_t i = 0; i < d->nbackends; i++) {
		const struct gw_backend_out *b = &d->backends[i];
		if (b->weight <= 0)
			continue;
		snprintf(entries[k], sizeof entries[k], "%s/%s:%lld*%lld%s", b->namespace_, b->name,
		         b->has_port ? b->port : 0, g ? b->weight / g : b->weight,
		         b->invalid ? "(invalid)" : "");
		ptrs[k] = entries[k];
		k++;
	}
	qsort(ptrs, k, sizeof *ptrs, entry_cmp);
	o->has_text = true;
	size_t n = (size_t)snprintf(o->text, sizeof o->text, "split");
	for (size_t i = 0; i < k && n < sizeof o->text; i++)
		n += (size_t)snprintf(o->text + n, sizeof o->text - n, " %s", ptrs[i]);
}

static bool str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool same_out(const struct out *a, const struct out *b)
{
	if (a->status != b->status || a->has_text != b->has_text)
		return false;
	if (a->has_text)
		return !strcmp(a->text, b->text);
	return str_eq(a->ns, b->ns) && str_eq(a->svc, b->svc) && str_eq(a->port_name, b->port_name) &&
	       (a->port_name || a->port == b->port);
}

/* ---------- causes ---------- */

/* 'base_same': the configured path this request is a neighbour of gets the
 * same outcome on both sides (so the neighbour itself shows the difference) */
static const char *cause_of(const struct df_probe *q, const struct out *a, const struct out *b,
                            const struct df_side *sa, const struct df_side *sb, bool base_same)
{
	bool mixed = sa->kind != sb->kind;
	bool redirect = (a->status >= 300 && a->status < 400) != (b->status >= 300 && b->status < 400);
	/* two rules of the same object decide, one Exact and one a prefix:
	 * precedence, whatever neighbour of a path or host the request is (rules
	 * of two objects: the other side may simply lack the Exact rule, or its
	 * conditions may not hold) */
	if (!redirect && a->matched && b->matched && a->ptype != b->ptype &&
	    (a->ptype == 0 || b->ptype == 0) && str_eq(a->obj_ns, b->obj_ns) &&
	    str_eq(a->obj_name, b->obj_name))
		return "Exact-versus-longest-prefix precedence";
	/* a virtual host per hostname: the other side let a less specific
	 * hostname's route serve */
	if ((a->vhost_404 && b->matched) || (b->vhost_404 && a->matched))
		return "one virtual host per hostname: no fall-through to less specific hostnames";
	/* (a side that stopped at its host may still answer with a defaultBackend) */
	if ((a->host_404 && (!a->matched || a->is_default) && b->matched && b->broad) ||
	    (b->host_404 && (!b->matched || b->is_default) && a->matched && a->broad))
		return "fall-through: Ingress stops at the most specific host that matches, Gateway API "
		       "lets a less specific hostname's route serve";
	if ((a->location_404 && b->matched) || (b->location_404 && a->matched))
		return "nginx chooses the location by the path alone: its matches do not hold, 404 "
		       "(nginx-gateway-fabric)";
	if (!redirect && a->matched && b->matched && a->ptype != b->ptype &&
	    (a->ptype == 3 || b->ptype == 3))
		return "RegularExpression precedence";
	switch (q->host_kind) {
	case PK_WILD_DEEP:
		return mixed ? "wildcard depth: *.domain matches one label under Ingress, any number "
		               "under Gateway API"
		             : "wildcard depth (two labels under a wildcard)";
	case PK_WILD_BARE:
		return "a wildcard's bare domain";
	case PK_HOST_CASE:
		return "host name case";
	case PK_UNKNOWN_HOST:
		return "a host no rule names (defaultBackend, catch-all route, 404)";
	default:
		break;
	}
	switch (base_same ? q->kind : PK_PATH) {
	case PK_SLASH:
		return redirect ? "trailing-slash redirect" : "trailing slash";
	case PK_CASE:
		return "path case (case-insensitive matching)";
	case PK_PCT:
		return "percent-encoded path";
	case PK_SIBLING:
		return "string prefix versus element-wise prefix";
	case PK_REGEX:
		return "regular expression paths";
	case PK_METHOD:
	case PK_HEADER:
	case PK_QUERY:
		return "method, header and query conditions";
	case PK_UNKNOWN_PATH:
		return "a path no rule names on a known host (defaultBackend, fall-through, 404)";
	default:
		break;
	}
	if (redirect)
		return "redirects";
	if (a->matched && b->matched && (a->is_default || b->is_default))
		return "defaultBackend versus a rule";
	if (a->matched && !b->matched)
		return "requests the new side does not route (404)";
	if (!a->matched && b->matched)
		return "requests only the new side routes";
	if (a->status != b->status)
		return "status";
	/* the rule as written (object, path type, path): the same on both sides, or another */
	bool same_rule = str_eq(a->obj_ns, b->obj_ns) && str_eq(a->obj_name, b->obj_name) &&
	                 a->ptype == b->ptype && str_eq(a->rule_path, b->rule_path);
	return same_rule ? "the same rule, another backend" : "another rule serves the request";
}

static size_t cause_index(struct run *r, const char *title)
{
	struct df_result *res = r->res;
	for (size_t i = 0; i < res->ncauses; i++)
		if (!strcmp(res->causes[i].title, title))
			return i;
	if (res->ncauses == res->cap_causes_) {
		size_t nc = res->cap_causes_ ? 2 * res->cap_causes_ : 16;
		struct df_cause *v = realloc(res->causes, nc * sizeof *v);
		if (!v)
			return SIZE_MAX;
		res->causes = v;
		res->cap_causes_ = nc;
	}
	char *t = mdup(r, title);
	if (!t)
		return SIZE_MAX;
	res->causes[res->ncauses] = (struct df_cause){ t, 0, 0 };
	return res->ncauses++;
}

/* ---------- details of a difference ---------- */

static void detail(struct run *r, const struct built *b, const struct df_probe *q,
                   const struct gw_request *req, struct df_outcome *out)
{
	char buf[GW_MAX_LOCATION + 128], where[512];
	memset(out, 0, sizeof *out);
	if (b->rt) {
		struct rt_decision d;
		if (rt_match(b->rt, q->host, strlen(q->host), q->path, strlen(q->path), &d))
			return;
		char *reason = NULL;
		char *text = rt_explain(b->rt, q->host, strlen(q->host), q->path, strlen(q->path), &d,
		                        &reason);
		struct out *o = malloc(sizeof *o);
		if (!o || !text) {   /* rt_match took the request: only memory lacked */
			r->oom = true;
			free(o);
			free(reason);
			free(text);
			return;
		}
		ingress_out(r, &d, o);
		out->status = o->status;
		char tb[600];
		const char *target = out_target(o, tb, sizeof tb);
		if (d.match == RT_NONE && o->status != 404) {
			/* the controller answers itself (ingress-nginx: redirects, 400, 403) */
			snprintf(buf, sizeof buf, "%s", o->has_text ? target : "");
			if (!o->has_text)
				snprintf(buf, sizeof buf, "%d (the controller answers)", o->status);
			out->target = mdup(r, buf);
		} else if (d.match == RT_NONE) {
			out->target = mdup(r, "404 (no rule: the controller's default backend)");
		} else {
			snprintf(buf, sizeof buf, "%s%s", o->has_text ? "" : "service ", target);
			out->target = mdup(r, *target ? buf : "");
			out->kind = "Ingress";
			snprintf(buf, sizeof buf, "%s/%s", d.namespace_, d.name);
			out->object = mdup(r, buf);
			if (b->s->where && b->s->where(b->s->where_arg, d.ingress, where, sizeof where))
				out->where = mdup(r, where);
			if (d.match == RT_RULE)
				snprintf(buf, sizeof buf, "%s %s%s%s", rt_path_type_name(d.path_type),
				         *d.rule_path ? d.rule_path : "/", *d.rule_host ? " on host " : "",
				         d.rule_host);
			else
				snprintf(buf, sizeof buf, "defaultBackend");
			out->rule = mdup(r, buf);
		}
		out->why = mdup(r, reason);
		free(o);
		free(reason);
		free(text);
		return;
	}
	struct gw_decision *d = malloc(sizeof *d);
	if (!d) {
		r->oom = true;
		return;
	}
	char *reason = NULL;
	char *text = gw_explain(b->gw, req, d, &reason);
	if (!text)
		r->oom = true;   /* gw_route took the request: only memory lacked */
	else {
		out->status = d->status;
		gw_outcome_text(d, buf, sizeof buf);
		out->target = mdup(r, buf);
		if (d->matched) {
			out->kind = "HTTPRoute";
			snprintf(buf, sizeof buf, "%s/%s", d->namespace_, d->name);
			out->object = mdup(r, buf);
			if (b->s->where && b->s->where(b->s->where_arg, d->route, where, sizeof where))
				out->where = mdup(r, where);
			snprintf(buf, sizeof buf, "spec.rules[%zu].matches[%zu] %s %s%s%s", d->rule_index,
			         d->match_index, gw_path_type_name(d->match), d->match->path,
			         d->hostname ? " on hostname " : "", d->hostname ? d->hostname : "");
			out->rule = mdup(r, buf);
		}
		out->why = mdup(r, reason);
	}
	free(reason);
	free(text);
	free(d);
}

/* ---------- the run ---------- */

static enum iw_err build(const struct df_side *s, struct built *b)
{
	b->s = s;
	if (s->kind == DF_INGRESS) {
		struct rt_input in = { s->ings, s->nings, s->classes, s->nclasses, s->ingress_class,
		                       s->ingress_profile };
		b->rt = rt_build(&in);
		return b->rt ? IW_OK : IW_ENOMEM;
	}
	b->gw = gw_build(&s->gw);
	if (!b->gw)
		return IW_ENOMEM;
	return gw_build_status(b->gw) == IW_ENOTFOUND ? IW_EINVAL : IW_OK;
}

static enum iw_err decide(const struct built *b, const struct run *r, const struct df_probe *q,
                          const struct gw_request *req, struct gw_decision *gd, struct out *o)
{
	if (b->rt) {
		struct rt_decision d;
		if (rt_match(b->rt, q->host, strlen(q->host), q->path, strlen(q->path), &d))
			return IW_ETOOBIG;
		ingress_out(r, &d, o);
		return IW_OK;
	}
	enum iw_err rc = (enum iw_err)gw_route(b->gw, req, gd);
	if (rc)
		return rc;
	gateway_out(gd, o);
	return IW_OK;
}

/* 'rt': the side's table once built (NULL before): says how many Ingresses
 * the class selection left when it is not all of them */
static char *describe(const struct df_side *s, const struct rt_table *rt)
{
	char buf[256];
	size_t served = rt ? rt_nserved(rt) : s->nings;
	if (s->kind == DF_INGRESS && served != s->nings)
		snprintf(buf, sizeof buf, "%zu Ingress%s under %s%s%s, %zu of them of a class it serves",
		         s->nings, s->nings == 1 ? "" : "es", rt_profile_name(s->ingress_profile),
		         s->ingress_class ? ", class " : "", s->ingress_class ? s->ingress_class : "",
		         served);
	else if (s->kind == DF_INGRESS)
		snprintf(buf, sizeof buf, "%zu Ingress%s under %s%s%s", s->nings, s->nings == 1 ? "" : "es",
		         rt_profile_name(s->ingress_profile), s->ingress_class ? ", class " : "",
		         s->ingress_class ? s->ingress_class : "");
	else
		snprintf(buf, sizeof buf, "%zu HTTPRoute%s on %zu Gateway%s under %s", s->gw.nroutes,
		         s->gw.nroutes == 1 ? "" : "s", s->gw.ngateways, s->gw.ngateways == 1 ? "" : "s",
		         gw_profile_name(s->gw.profile));
	return strdup(buf);
}

enum iw_err df_run(const struct df_side *old, const struct df_side *new_, const struct df_opts *o,
                   struct df_result *res)
{
	struct arena *mem = calloc(1, sizeof *mem);
	if (!mem)
		return IW_ENOMEM;
	*mem = (struct arena)ARENA_INIT(64 * 1024, 8 * 1024);
	res->mem_ = mem;
	res->old_desc = describe(old, NULL);
	res->new_desc = describe(new_, NULL);
	struct run r = { o, res, mem, NULL, 0, o->max_listed ? o->max_listed : 1000, NULL, false };
	struct built a = { 0 }, b = { 0 };
	struct df_probes probes = { 0 };
	struct gw_decision *gd = malloc(sizeof *gd);
	struct out *oa = malloc(sizeof *oa), *ob = malloc(sizeof *ob);
	struct out *ba = malloc(sizeof *ba), *bb = malloc(sizeof *bb);
	enum iw_err rc = gd && oa && ob && ba && bb && res->old_desc && res->new_desc ? IW_OK
	                                                                              : IW_ENOMEM;
	if (!rc && o->nservices) {
		if (!(r.svcs = calloc(o->nservices, sizeof *r.svcs)))
			rc = IW_ENOMEM;
		for (size_t i = 0; !rc && i < o->nservices; i++)
			r.svcs[r.nsvcs++] = (struct svc_key){ iw_namespace_of(o->services[i]->namespace_),
			                                      o->services[i]->name, o->services[i] };
		if (!rc && r.nsvcs > 1)
			qsort(r.svcs, r.nsvcs, sizeof *r.svcs, svc_cmp);
	}
	if (!rc)
		rc = build(old, &a);
	if (!rc)
		rc = build(new_, &b);
	for (int k = 0; !rc && k < 2; k++) {   /* with the class selection's count */
		char **desc = k ? &res->new_desc : &res->old_desc;
		const struct built *bt = k ? &b : &a;
		if (!bt->rt || rt_nserved(bt->rt) == bt->s->nings)
			continue;
		char *d = describe(bt->s, bt->rt);
		if (!d) {
			rc = IW_ENOMEM;
			break;
		}
		free(*desc);
		*desc = d;
	}
	if (!rc)
		rc = df_probes_generate(old, new_, o->max_probes, &probes);
	res->truncated = probes.truncated;
	for (size_t i = 0; !rc && i < probes.n; i++) {
		const struct df_probe *q = &probes.v[i];
		struct gw_request req = { q->host, strlen(q->host), q->path, strlen(q->path), q->method,
		                          q->has_hdr ? &q->hdr : NULL, q->has_hdr, q->has_q ? &q->q : NULL,
		                          q->has_q, 0 };
		enum iw_err da = decide(&a, &r, q, &req, gd, oa);
		enum iw_err db = da ? da : decide(&b, &r, q, &req, gd, ob);
		if (da == IW_ENOMEM || db == IW_ENOMEM) {
			rc = IW_ENOMEM;
			break;
		}
		if (da || db)
			continue;   /* a probe too long for a router: not a difference */
		res->checked++;
		if (same_out(oa, ob))
			continue;
		res->differ++;
		bool base_same = false;
		if (q->base && q->kind != PK_PATH && q->kind < PK_WILD_ONE) {
			/* the configured path itself, on the same host */
			struct df_probe base = *q;
			base.path = q->base;
			struct gw_request breq = req;
			breq.path = q->base;
			breq.path_len = strlen(q->base);
			enum iw_err ea = decide(&a, &r, &base, &breq, gd, ba);
			enum iw_err eb = ea ? ea : decide(&b, &r, &base, &breq, gd, bb);
			if (ea == IW_ENOMEM || eb == IW_ENOMEM) {
				rc = IW_ENOMEM;
				break;
			}
			base_same = !ea && !eb && same_out(ba, bb);
		}
		size_t c = cause_index(&r, cause_of(q, oa, ob, old, new_, base_same));
		if (c == SIZE_MAX) {
			rc = IW_ENOMEM;
			break;
		}
		res->causes[c].count++;
		if (res->ndiffs >= r.listed_max)
			continue;
		if (res->ndiffs == res->cap_diffs_) {
			size_t nc = res->cap_diffs_ ? 2 * res->cap_diffs_ : 64;
			struct df_diff *v = realloc(res->diffs, nc * sizeof *v);
			if (!v) {
				rc = IW_ENOMEM;
				break;
			}
			res->diffs = v;
			res->cap_diffs_ = nc;
		}
		struct df_diff *df = &res->diffs[res->ndiffs++];
		res->causes[c].listed++;
		df->cause = c;
		df->req = (struct df_request){ mdup(&r, q->host), mdup(&r, q->path), mdup(&r, q->method),
		                               NULL, 0, NULL, 0, q->kind, q->host_kind, q->note };
		if (q->has_hdr) {
			struct gw_kv *kv = arena_alloc(mem, sizeof *kv);
			if (kv) {
				*kv = (struct gw_kv){ mdup(&r, q->hdr.name), mdup(&r, q->hdr.value) };
				df->req.headers = kv;
				df->req.nheaders = 1;
			} else {
				r.oom = true;
			}
		}
		if (q->has_q) {
			struct gw_kv *kv = arena_alloc(mem, sizeof *kv);
			if (kv) {
				*kv = (struct gw_kv){ mdup(&r, q->q.name), mdup(&r, q->q.value) };
				df->req.query = kv;
				df->req.nquery = 1;
			} else {
				r.oom = true;
			}
		}
		detail(&r, &a, q, &req, &df->old);
		detail(&r, &b, q, &req, &df->new_);
		if (r.oom)
			rc = IW_ENOMEM;
	}
	/* listed differences by cause, then generation order (a stable sort) */
	for (size_t i = 1; !rc && i < res->ndiffs; i++) {
		struct df_diff x = res->diffs[i];
		size_t j = i;
		while (j > 0 && res->diffs[j - 1].cause > x.cause) {
			res->diffs[j] = res->diffs[j - 1];
			j--;
		}
		res->diffs[j] = x;
	}
	df_probes_release(&probes);
	rt_free(a.rt);
	gw_free(a.gw);
	rt_free(b.rt);
	gw_free(b.gw);
	free(r.svcs);
	free(gd);
	free(oa);
	free(ob);
	free(ba);
	free(bb);
	return rc;
}

void df_result_release(struct df_result *res)
{
	free(res->diffs);
	free(res->causes);
	free(res->old_desc);
	free(res->new_desc);
	if (res->mem_) {
		arena_release(res->mem_);
		free(res->mem_);
	}
	memset(res, 0, sizeof *res);
}
