/* The helpers every check uses (see checkctx.h). */
#include "checks/checkctx.h"
#include "base/utf8.h"
#include "profile/alb.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers shared by the checks ---------------------------------------- */

static int cmp_ptr(const void *a, const void *b)
{
	const void *x = *(const void *const *)a, *y = *(const void *const *)b;
	return x < y ? -1 : x > y;
}

/* ---- the distinct rule hosts of the object ------------------------------ */

struct hkey {
	const char *host;
	size_t rule;
};

static int cmp_hkey(const void *a, const void *b)
{
	const struct hkey *x = a, *y = b;
	int r = strcmp(x->host, y->host);
	return r ? r : (x->rule > y->rule) - (x->rule < y->rule);
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return (x > y) - (x < y);
}

enum iw_err chk_hosts(struct chk_ctx *c)
{
	const struct ingress *ing = c->ing;
	size_t n = ing ? ing->nrules : 0;
	c->host_rules = c->hosts_small_;
	c->nhosts = 0;
	if (!n)
		return IW_OK;
	size_t *out = c->hosts_small_;
	if (n > sizeof c->hosts_small_ / sizeof *c->hosts_small_) {
		if (!(out = c->hosts_own_ = malloc(n * sizeof *out)))
			return IW_ENOMEM;
	} else {
		/* a few rules: compare each with those before it */
		for (size_t i = 0; i < n; i++) {
			const char *h = iw_nz(ing->rules[i].host);
			bool seen = false;
			for (size_t k = 0; k < i && !seen; k++)
				seen = !strcmp(h, iw_nz(ing->rules[k].host));
			if (!seen)
				out[c->nhosts++] = i;
		}
		return IW_OK;
	}
	struct hkey *v = malloc(n * sizeof *v);
	if (!v)
		return IW_ENOMEM;
	for (size_t i = 0; i < n; i++)
		v[i] = (struct hkey){ iw_nz(ing->rules[i].host), i };
	qsort(v, n, sizeof *v, cmp_hkey);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || strcmp(v[i].host, v[i - 1].host))
			out[c->nhosts++] = v[i].rule;
	free(v);
	qsort(out, c->nhosts, sizeof *out, cmp_size);   /* rule order */
	c->host_rules = out;
	return IW_OK;
}

void chk_release(struct chk_ctx *c)
{
	free(c->hosts_own_);
	c->hosts_own_ = NULL;
	c->host_rules = NULL;
	c->nhosts = 0;
}

enum iw_err chk_neighbours(const struct chk_ctx *c, const struct ingress ***out, size_t *n)
{
	const struct ingress **v = NULL;
	size_t len = 0, cap = 0;
	*n = 0;
	*out = NULL;
	if (!c->st || c->prof->merge == IW_MERGE_OBJECT ||
	    (c->prof->merge == IW_MERGE_ALB_GROUP && !iw_alb_group(c->ing)))
		return IW_OK;   /* the object is a routing table of its own */
	/* an ALB IngressGroup: every member, whatever hosts it names (a
	 * host-less rule of one member takes every host of the others) */
	bool group = c->prof->merge == IW_MERGE_ALB_GROUP;
	for (size_t hi = 0; hi < (group ? 1 : c->nhosts); hi++) {
		const char *h = group ? "" : iw_nz(c->ing->rules[c->host_rules[hi]].host);
		size_t m;
		const struct ingress *const *l = group ? iw_state_by_group(c->st, iw_alb_group(c->ing), &m)
		                                       : iw_state_by_host(c->st, h, &m);
		for (size_t j = 0; j < m; j++) {
			if (l[j] == c->ing || iw_same_object(&l[j]->meta, &c->ing->meta) ||
			    !chk_same_domain(c, l[j]))
				continue;
			if (len + 1 >= cap) {   /* and a free slot after the last */
				size_t nc = cap ? cap * 2 : 16;
				const struct ingress **nv = realloc(v, nc * sizeof *nv);
				if (!nv) {
					free(v);
					return IW_ENOMEM;
				}
				v = nv;
				cap = nc;
			}
			v[len++] = l[j];
		}
	}
	if (len > 1) {   /* one Ingress may name several of the hosts */
		qsort(v, len, sizeof *v, cmp_ptr);
		size_t w = 1;
		for (size_t i = 1; i < len; i++)
			if (v[i] != v[w - 1])
				v[w++] = v[i];
		len = w;
	}
	*n = len;
	*out = v;
	return IW_OK;
}

const char *chk_probe_text(const char *probe, const char *fresh, char *buf, size_t size)
{
	const char *f = strstr(probe, fresh);
	if (!f)
		snprintf(buf, size, "\"%s\"", probe);
	else if (f > probe && f[-1] == '/')
		snprintf(buf, size, "paths under \"%.*s\"", (int)(f - probe), probe);
	else
		snprintf(buf, size, "paths that start with \"%.*s\"", (int)(f - probe), probe);
	return buf;
}

struct iw_profile_choice chk_profile_of(const struct chk_ctx *c, const struct ingress *o)
{
	const char *cls = o == c->ing ? c->cls : iw_effective_class(o, c->st);
	const struct ingress_class *ic = cls && c->st ? iw_state_get_class(c->st, cls) : NULL;
	return iw_profile_of(o, cls, ic, &c->p->profiles);
}

bool chk_same_domain(const struct chk_ctx *c, const struct ingress *o)
{
	if (!iw_same_class(iw_effective_class(o, c->st), c->cls))
		return false;
	if (chk_profile_of(c, o).profile != c->prof)
		return false;
	switch (c->prof->merge) {
	case IW_MERGE_CLASS:
		return true;
	case IW_MERGE_ALB_GROUP: {
		const char *a = iw_alb_group(c->ing), *b = iw_alb_group(o);
		return a && b && !strcmp(a, b);
	}
	default:
		return false;
	}
}

/* ---- configuration scope and emission ------------------------------------- */

static bool in_list(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (s && !strcmp(v[i], s))
			return true;
	return false;
}

static bool in_scope(const struct chk_ctx *c, const struct iw_check_conf *cf)
{
	if (cf->namespaces && !in_list(cf->namespaces, cf->nnamespaces, c->ns))
		return false;
	if (cf->exclude_namespaces && in_list(cf->exclude_namespaces, cf->nexclude_namespaces, c->ns))
		return false;
	if (cf->classes && !in_list(cf->classes, cf->nclasses, c->cls))
		return false;
	return true;
}

/* Whether check 'id' runs on this object at all (severities aside). */
static bool runs_here(const struct chk_ctx *c, enum iw_check_id id)
{
	const struct iw_check_info *info = iw_check_info(id);
	if (c->kind == IW_KIND_INGRESSCLASS && !info->on_class)
		return false;
	if (c->audit && !info->needs_state)
		return false;
	return in_scope(c, &c->p->check[id]);
}

bool chk_enabled(const struct chk_ctx *c, enum iw_check_id id)
{
	const struct iw_check_conf *cf = &c->p->check[id];
	if (cf->severity == IW_SEV_OFF && (!iw_check_info(id)->alt_key || cf->alt_severity == IW_SEV_OFF))
		return false;
	return runs_here(c, id);
}

/* Whether the object's IW_IGNORE_ANNOTATION lists check 'id' (comma
 * separated, blanks around the IDs ignored). */
static bool ignored(const struct chk_ctx *c, const char *id)
{
	const struct iw_meta *m = c->ing ? &c->ing->meta : c->ic ? &c->ic->meta : NULL;
	const char *v = m ? iw_meta_annotation(m, IW_IGNORE_ANNOTATION) : NULL;
	size_t n = strlen(id);
	while (v && *v) {
		v += strspn(v, " \t,");
		size_t k = strcspn(v, ",");
		size_t e = k;
		while (e && (v[e - 1] == ' ' || v[e - 1] == '\t'))
			e--;
		if (e == n && !memcmp(v, id, n))
			return true;
		v += k;
	}
	return false;
}

void chk_emit(struct chk_ctx *c, enum iw_check_id id, bool alt, const struct fpath *at,
              const char *fmt, ...)
{
	const struct iw_check_conf *cf = &c->p->check[id];
	enum iw_severity sev = alt && iw_check_info(id)->alt_key ? cf->alt_severity : cf->severity;
	if (sev == IW_SEV_OFF || c->out->err || !runs_here(c, id))
		return;
	if (c->emitted[id] >= CHK_MAX_PER_CHECK) {
		c->dropped[id]++;
		if (sev > c->dropped_sev[id])
			c->dropped_sev[id] = sev;
		return;
	}
	c->emitted[id]++;
	/* A message echoes the object's values (paths, hosts, annotation
	 * values): at most CHK_MSG_MAX bytes of it are kept, cut on a character
	 * boundary and marked with its whole length. */
	char msg[CHK_MSG_MAX + IW_CLIP_EXTRA];
	va_list ap;
	va_start(ap, fmt);
	int len = vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (len > CHK_MSG_MAX) {
		size_t cut = iw_utf8_prefix(msg, strlen(msg), CHK_MSG_MAX);
		snprintf(msg + cut, sizeof msg - cut, "\xe2\x80\xa6 (%d bytes)", len);
	}
	/* which profile decided, where it decides something (nothing is said
	 * under spec by fallback) */
	bool note = *c->note && id != IW_CHK_DEPRECATED_API && id != IW_CHK_UNKNOWN_INGRESS_CLASS &&
	            id != IW_CHK_NO_INGRESS_CLASS && id != IW_CHK_DANGLING_SERVICE &&
	            id != IW_CHK_DANGLING_SERVICE_PORT;
	if (findings_add(c->out, iw_check_info(id)->id, sev, at, "%s%s%s%s", msg, note ? " [" : "",
	                 note ? c->note : "", note ? "]" : "") != IW_OK)
		return;
	struct finding *f = &c->out->v[c->out->n - 1];
	if (note) {
		f->profile = c->prof->name;
		f->profile_inferred = c->pc.how == IW_PROFILE_BY_ANNOTATIONS;
	}
	f->suppressed = c->p->ignore != IW_IGNORE_NONE &&
	                (sev == IW_SEV_WARNING || c->p->ignore == IW_IGNORE_ALL) &&
	                ignored(c, iw_check_info(id)->id);
}

void chk_finish(struct chk_ctx *c)
{
	for (size_t id = 0; id < IW_NCHECKS && !c->out->err; id++)
		if (c->dropped[id] &&
		    findings_add(c->out, iw_check_info((enum iw_check_id)id)->id, c->dropped_sev[id],
		                 NULL, "%zu more findings of this check are not listed (at most %d "
		                 "per object)", c->dropped[id], CHK_MAX_PER_CHECK) == IW_OK)
			c->out->v[c->out->n - 1].more = c->dropped[id];
}
