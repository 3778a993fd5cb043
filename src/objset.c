/* Objects of a set of files, with their origins (see objset.h). */
#include "src/objset.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/manifest.h"
#include "src/rtload.h"
#include "validate/gwvalidate.h"

struct loadctx {
	struct objset *s;
	const struct rtload_opts *lo;
	const char *source;      /* the file being read, as owned by the set */
	size_t ning_at;
};

static bool grow(void **v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return true;
	size_t nc = *cap ? 2 * *cap : 16;
	void *p = realloc(*v, nc * size);
	if (!p)
		return false;
	*v = p;
	*cap = nc;
	return true;
}

static bool keep(void **v, size_t *cap, size_t *n, void *item)
{
	if (!grow(v, cap, *n, sizeof item))
		return false;
	((void **)*v)[(*n)++] = item;
	return true;
}

/* The set's copy of the file name (one per file). */
static enum iw_err source_of(struct loadctx *c, const char *file)
{
	struct objset *s = c->s;
	if (c->source && !strcmp(c->source, file))
		return IW_OK;
	char **v = realloc(s->sources_, (s->nsources_ + 1) * sizeof *v);
	if (!v)
		return IW_ENOMEM;
	s->sources_ = v;
	if (!(v[s->nsources_] = strdup(file)))
		return IW_ENOMEM;
	c->source = v[s->nsources_++];
	return IW_OK;
}

static struct obj_origin origin(const struct loadctx *c, const struct mf_object *mo)
{
	return (struct obj_origin){ c->source, mo->line, mo->item };
}

static enum iw_err on_ingress(void *ctx, const struct ingress *ing, const char *file,
                              const struct mf_object *mo)
{
	(void)ing;
	struct loadctx *c = ctx;
	struct objset *s = c->s;
	if (source_of(c, file) || !grow((void **)&s->ing_at, &s->cap_[1], c->ning_at,
	                                sizeof *s->ing_at))
		return IW_ENOMEM;
	s->ing_at[c->ning_at++] = origin(c, mo);
	return IW_OK;
}

/* A Gateway API object: decoded, validated with its CRD's rules, kept only
 * when the API server would accept it. */
static enum iw_err take_gateway_api(struct loadctx *c, const struct mf_object *mo, json_t *obj,
                                    enum gw_kind gk)
{
	struct objset *s = c->s;
	struct gateway *g = NULL;
	struct httproute *r = NULL;
	struct reference_grant *rg = NULL;
	struct errlist el = { 0 };
	struct obj_origin at = origin(c, mo);
	const struct iw_meta *meta = NULL;
	enum iw_err rc;
	if (gk == GW_KIND_GATEWAY) {
		if (!(rc = gateway_parse(obj, 0, &el, &g))) {
			meta = &g->meta;
			if (!el.n)
				iw_validate_gateway(g, NULL, &el);
		}
	} else if (gk == GW_KIND_HTTPROUTE) {
		if (!(rc = httproute_parse(obj, 0, &el, &r))) {
			meta = &r->meta;
			if (!el.n)
				iw_validate_httproute(r, NULL, &el);
		}
	} else {
		if (!(rc = reference_grant_parse(obj, 0, &el, &rg))) {
			meta = &rg->meta;
			if (!el.n)
				iw_validate_reference_grant(rg, NULL, &el);
		}
	}
	if (!rc)
		rc = el.err;
	if (!rc && el.n) {
		char what[400];
		snprintf(what, sizeof what, "%s %s/%s", gw_kind_name(gk), iw_namespace(meta),
		         *iw_nz(meta->name) ? meta->name : "(no name)");
		rc = rtload_refused(c->lo, mo, c->source, what, false, &el);
		if (!rc) {
			s->refused++;
			rc = IW_EINVAL;
		}
	} else if (!rc && g) {
		if (keep((void **)&s->gateways, &s->cap_[4], &s->ngateways, g)) {
			g = NULL;
			if (grow((void **)&s->gateway_at, &s->cap_[5], s->ngateways, sizeof *s->gateway_at))
				s->gateway_at[s->ngateways - 1] = at;
			else
				rc = IW_ENOMEM;
		} else {
			rc = IW_ENOMEM;
		}
	} else if (!rc && r) {
		if (keep((void **)&s->routes, &s->cap_[6], &s->nroutes, r)) {
			r = NULL;
			if (grow((void **)&s->route_at, &s->cap_[7], s->nroutes, sizeof *s->route_at))
				s->route_at[s->nroutes - 1] = at;
			else
				rc = IW_ENOMEM;
		} else {
			rc = IW_ENOMEM;
		}
	} else if (!rc && rg) {
		if (keep((void **)&s->grants, &s->cap_[8], &s->ngrants, rg))
			rg = NULL;
		else
			rc = IW_ENOMEM;
	}
	errlist_release(&el);
	gateway_free(g);
	httproute_free(r);
	reference_grant_free(rg);
	return rc;
}

/* An object of a kind route does not read (rtload_opts.other). */
static enum iw_err on_other(void *ctx, struct mf_object *mo, const char *file)
{
	struct loadctx *c = ctx;
	struct objset *s = c->s;
	enum gw_kind gk;
	enum gw_api ga;
	gw_object_type(mo->obj, &gk, &ga);
	bool service = !strcmp(mo->kind, "Service") && !strcmp(mo->api_version, "v1");
	if (!service && gk == GW_KIND_OTHER) {
		s->ignored++;
		return IW_OK;
	}
	enum iw_err rc = source_of(c, file);
	json_t *obj = rc ? NULL : mf_keep(mo);   /* the models keep what they point into */
	if (!obj)
		return IW_ENOMEM;
	if (service) {
		struct iw_service *svc = NULL;
		/* a Service without metadata.name is not one we can name: skipped */
		if (!iw_service_parse(obj, &svc) && svc &&
		    !keep((void **)&s->services, &s->cap_[3], &s->nservices, svc)) {
			iw_service_free(svc);
			rc = IW_ENOMEM;
		}
	} else if (gk == GW_KIND_NAMESPACE) {
		struct gw_namespace *n = NULL;
		struct errlist el = { 0 };
		if (!(rc = gw_namespace_parse(obj, 0, &el, &n)) &&
		    !keep((void **)&s->namespaces, &s->cap_[9], &s->nnamespaces, n)) {
			gw_namespace_free(n);
			rc = IW_ENOMEM;
		}
		if (!rc)
			rc = el.err;
		errlist_release(&el);
	} else {
		rc = take_gateway_api(c, mo, obj, gk);
	}
	json_decref(obj);
	return rc;
}

static int index_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(const void *const *)a, y = (uintptr_t)*(const void *const *)b;
	return (x > y) - (x < y);
}

enum iw_err objset_load(char *const *paths, size_t npaths, const struct objset_opts *o,
                        struct objset **out, char *msg, size_t msgsize)
{
	*out = NULL;
	struct objset *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(msg, msgsize, "%s", iw_strerror(IW_ENOMEM));
		return IW_ENOMEM;
	}
	struct loadctx c = { s, NULL, NULL, 0 };
	struct rtload_opts lo = {
		.cmd = o->cmd, .allow_invalid = o->allow_invalid, .read = o->read,
		.other = on_other, .kept = on_ingress, .ctx = &c, .no_table = true,
	};
	c.lo = &lo;
	enum iw_err rc = rtset_load(paths, npaths, &lo, &s->rs_, msg, msgsize);
	if (rc == IW_EINVAL && s->refused) {
		size_t n = strlen(msg);
		snprintf(msg + n, msgsize - n, " (Gateway API objects: left out)");
	}
	if (rc) {
		objset_free(s);
		return rc;
	}
	s->ings = s->rs_->ings;
	s->nings = s->rs_->nings;
	s->classes = s->rs_->classes;
	s->nclasses = s->rs_->nclasses;
	s->ignored += s->rs_->ignored;
	/* where each Ingress and HTTPRoute came from, by address */
	if (c.ning_at != s->nings ||
	    !(s->index_ = calloc(s->nings + s->nroutes + 1, sizeof *s->index_))) {
		snprintf(msg, msgsize, "%s", iw_strerror(IW_ENOMEM));
		objset_free(s);
		return IW_ENOMEM;
	}
	for (size_t i = 0; i < s->nings; i++)
		s->index_[s->nindex_++] = (struct obj_index_){ s->ings[i], &s->ing_at[i] };
	for (size_t i = 0; i < s->nroutes; i++)
		s->index_[s->nindex_++] = (struct obj_index_){ s->routes[i], &s->route_at[i] };
	qsort(s->index_, s->nindex_, sizeof *s->index_, index_cmp);
	*out = s;
	return IW_OK;
}

void objset_free(struct objset *s)
{
	if (!s)
		return;
	rtset_free(s->rs_);   /* the Ingresses and classes */
	for (size_t i = 0; i < s->nservices; i++)
		iw_service_free(s->services[i]);
	for (size_t i = 0; i < s->ngateways; i++)
		gateway_free(s->gateways[i]);
	for (size_t i = 0; i < s->nroutes; i++)
		httproute_free(s->routes[i]);
	for (size_t i = 0; i < s->ngrants; i++)
		reference_grant_free(s->grants[i]);
	for (size_t i = 0; i < s->nnamespaces; i++)
		gw_namespace_free(s->namespaces[i]);
	for (size_t i = 0; i < s->nsources_; i++)
		free(s->sources_[i]);
	free(s->ing_at);
	free(s->services);
	free(s->gateways);
	free(s->gateway_at);
	free(s->routes);
	free(s->route_at);
	free(s->grants);
	free(s->namespaces);
	free(s->sources_);
	free(s->index_);
	free(s);
}

const struct obj_origin *objset_origin(const struct objset *s, const void *model)
{
	size_t lo = 0, hi = s->nindex_;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->index_[mid].m == model)
			return s->index_[mid].at;
		if ((uintptr_t)s->index_[mid].m < (uintptr_t)model)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
