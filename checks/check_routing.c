/*
 * host-path-conflict and shadowed-path, decided with the reference router.
 *
 * Two routing tables are built from the object's neighbours (the Ingresses of
 * the same class that name one of its hosts): "before" without the object,
 * "after" with it.  For every host group the object names, probe requests are
 * derived from every path of the group (for a path p: p itself; for Prefix
 * also p/ and p/<fresh>; for ImplementationSpecific p<fresh> and p/<fresh>),
 * which covers every distinct set of matching paths.  A probe that another
 * Ingress wins before and the object wins after is a request the object takes
 * away: host-path-conflict.  A path of the object with the same host, path and
 * pathType as a path another Ingress wins is shadowed now and takes over when
 * that Ingress goes away: host-path-conflict too.  A path of the object that
 * wins no probe at all never receives traffic: shadowed-path.
 *
 * Under a profile (profile/profile.h) the neighbours are the object's merge
 * domain (chk_neighbours): none for GKE, one IngressGroup for ALB, where
 * check_alb.c decides instead (the first matching rule wins there).  Under
 * ingress-nginx, canaries take no part (they create no locations;
 * check_nginx.c checks them), a host in regex mode is left out (the
 * reference router would compare its regexes as literal strings; the
 * ingress-nginx emulation of the router is the place to decide them), and
 * the duplicate locations nginx refuses are looked for on the other hosts.
 * Paths a profile matches as patterns (GKE and Application Gateway '*') are
 * not probed.
 */
#include "checks/checkctx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile/ingress_nginx.h"
#include "router/router.h"

#define FRESH "~iw-probe~"
#define WILD_LABEL "iw-probe--x"


static const char *key_reason(enum rt_key k)
{
	switch (k) {
	case RT_K_LENGTH: return "longer path";
	case RT_K_TYPE: return "Exact beats Prefix beats ImplementationSpecific at equal length";
	case RT_K_AGE: return "older creationTimestamp";
	case RT_K_TIMESTAMP: return "the other has no creationTimestamp";
	case RT_K_NAME: return "equal age: namespace/name order";
	case RT_K_ORDER: return "list order";
	default: return "only candidate";
	}
}

/* dst = a b c (the parts' lengths given); returns the length.  The callers
 * keep the total below PROBE_MAX. */
static size_t cat3(char *dst, const char *a, size_t al, const char *b, size_t bl,
                   const char *c, size_t cl)
{
	memcpy(dst, a, al);
	memcpy(dst + al, b, bl);
	memcpy(dst + al + bl, c, cl);
	dst[al + bl + cl] = '\0';
	return al + bl + cl;
}

#define PROBE_MAX 1100
#define FRESH_LEN (sizeof FRESH - 1)

/* Builds the probe path(s) of entry e into out[] (each < PROBE_MAX) and their
 * lengths into len[]; returns the count. */
static int probes(const struct rt_entry *e, char out[3][PROBE_MAX], size_t len[3])
{
	size_t l = strlen(e->path);
	if (l > 1000)
		return 0;
	switch (e->path_type) {
	case RT_EXACT:
		len[0] = cat3(out[0], e->path, l, "", 0, "", 0);
		return 1;
	case RT_PREFIX: {
		size_t q = l > 1 && e->path[l - 1] == '/' ? l - 1 : l;
		if (l == 1) {
			len[0] = cat3(out[0], "/", 1, "", 0, "", 0);
			len[1] = cat3(out[1], "/", 1, FRESH, FRESH_LEN, "", 0);
			return 2;
		}
		len[0] = cat3(out[0], e->path, q, "", 0, "", 0);
		len[1] = cat3(out[1], e->path, q, "/", 1, "", 0);
		len[2] = cat3(out[2], e->path, q, "/", 1, FRESH, FRESH_LEN);
		return 3;
	}
	default: {
		bool slash = l && e->path[l - 1] == '/';
		len[0] = cat3(out[0], e->path, l, "", 0, "", 0);
		len[1] = cat3(out[1], e->path, l, FRESH, FRESH_LEN, "", 0);
		len[2] = cat3(out[2], e->path, l, "/", slash ? 0 : 1, FRESH, FRESH_LEN);
		return 3;
	}
	}
}

/* Host header that selects the group of rule host 'h', cut to size - 1
 * bytes; returns its length */
static size_t probe_host(const char *h, char *buf, size_t size)
{
	size_t hl = strlen(h), n;
	if (h[0] == '*') {
		size_t wl = sizeof WILD_LABEL - 1;
		n = cat3(buf, WILD_LABEL, wl, "", 0, "", 0);
		hl--;
		h++;
	} else {
		n = 0;
	}
	if (n + hl > size - 1)
		hl = size - 1 - n;
	return n + cat3(buf + n, h, hl, "", 0, "", 0);
}

static bool find_group(const struct rt_table *t, const char *h, size_t *first, size_t *n)
{
	for (size_t g = 0; g < rt_ngroups(t); g++) {
		enum rt_group_kind k;
		const char *gh;
		if (rt_group_get(t, g, &k, &gh, first, n) && !strcmp(gh, h))
			return true;
	}
	return false;
}

struct taken {   /* (other Ingress, our path) pairs already reported */
	const struct ingress *other;
	size_t rule, path;
};

static bool seen_pair(struct taken *v, size_t *n, size_t cap, const struct ingress *o,
                      size_t r, size_t p)
{
	for (size_t i = 0; i < *n; i++)
		if (v[i].other == o && v[i].rule == r && v[i].path == p)
			return true;
	if (*n < cap)
		v[(*n)++] = (struct taken){ o, r, p };
	return false;
}

/* How a message names the requests of a probe: "\"/api\"", or, for a probe
 * standing for many paths, "paths under \"/api/\"" / "paths that start with
 * \"/apix\"" (the probe's own text is internal). */
static const char *probe_text(const char *probe, char *buf, size_t size)
{
	const char *f = strstr(probe, FRESH);
	if (!f)
		snprintf(buf, size, "\"%s\"", probe);
	else if (f > probe && f[-1] == '/')
		snprintf(buf, size, "paths under \"%.*s\"", (int)(f - probe), probe);
	else
		snprintf(buf, size, "paths that start with \"%.*s\"", (int)(f - probe), probe);
	return buf;
}

/* Whether the profile matches entry e as the reference router does: GKE and
 * Application Gateway read a '*' of an ImplementationSpecific path as a
 * wildcard. */
static bool literal(const struct chk_ctx *c, const struct rt_entry *e)
{
	return e->path_type != RT_IS ||
	       (c->prof->is != IW_IS_GCE_URLMAP && c->prof->is != IW_IS_APPGW &&
	        c->prof->is != IW_IS_ALB_PATTERN) ||
	       !strpbrk(e->path, "*?");
}

static void check_group(struct chk_ctx *c, const struct rt_table *before,
                        const struct rt_table *after, const char *h,
                        struct taken *tk, size_t *ntk, size_t tkcap, bool no_shadow)
{
	size_t first, n;
	char host[600];
	if (!find_group(after, h, &first, &n))
		return;
	size_t hl = probe_host(h, host, sizeof host);
	/* the host is normalised and its group chosen once per table */
	struct rt_host ha, hb;
	bool hb_ready = false;
	rt_host_prepare(after, host, hl, &ha);
	enum rt_group_kind want = h[0] == '*' ? RT_G_WILDCARD : *h ? RT_G_EXACT : RT_G_HOSTLESS;
	bool conflict_on = chk_enabled(c, IW_CHK_HOST_PATH_CONFLICT);

	for (size_t i = first; i < first + n; i++) {
		struct rt_entry e;
		rt_entry_get(after, i, &e);
		if (!literal(c, &e))
			continue;
		char pr[3][PROBE_MAX], what[PROBE_MAX + 40];
		size_t prl[3];
		int np = probes(&e, pr, prl);
		bool ours = e.ingress == c->ing;
		bool won = false;
		for (int k = 0; k < np; k++) {
			struct rt_decision da, db = { 0 };
			if (rt_match_host(after, &ha, pr[k], prl[k], &da))
				continue;
			if (ours && da.match == RT_RULE && da.ingress == c->ing &&
			    da.rule_index == e.rule_index && da.path_index == e.path_index)
				won = true;
			if (!conflict_on || !before || da.match != RT_RULE || da.ingress != c->ing)
				continue;
			/* served today by another Ingress's rule on this host, or by the
			 * defaultBackend of an Ingress that claims the host (sec. 8.1) */
			if (!hb_ready) {
				rt_host_prepare(before, host, hl, &hb);
				hb_ready = true;
			}
			if (rt_match_host(before, &hb, pr[k], prl[k], &db) ||
			    (db.match != RT_RULE && db.match != RT_DEFAULT) || db.group != want)
				continue;
			if (seen_pair(tk, ntk, tkcap, db.ingress, da.rule_index, da.path_index))
				continue;
			const char *ons = iw_namespace(&db.ingress->meta);
			if (db.match == RT_DEFAULT) {
				chk_emit(c, IW_CHK_HOST_PATH_CONFLICT, !strcmp(ons, c->ns),
				         CHK_PATH_FP(da.rule_index, da.path_index),
				         "%s %s on host \"%s\" takes requests for %s from the "
				         "spec.defaultBackend of ingress %s/%s, which serves the unmatched "
				         "paths of that host today",
				         rt_path_type_name(da.path_type), da.path->path && *da.path->path
				                                          ? da.path->path : "/",
				         *h ? h : "(any)", probe_text(pr[k], what, sizeof what), ons,
				         iw_nz(db.ingress->meta.name));
				continue;
			}
			chk_emit(c, IW_CHK_HOST_PATH_CONFLICT, !strcmp(ons, c->ns),
			         CHK_PATH_FP(da.rule_index, da.path_index),
			         "%s %s on host \"%s\" takes requests for %s from ingress %s/%s "
			         "(%s %s, spec.rules[%zu].http.paths[%zu]); while both exist %s/%s "
			         "serves them (%s)",
			         rt_path_type_name(da.path_type), da.path->path && *da.path->path
			                                          ? da.path->path : "/",
			         *h ? h : "(any)", probe_text(pr[k], what, sizeof what), ons,
			         iw_nz(db.ingress->meta.name),
			         rt_path_type_name(db.path_type),
			         db.path->path && *db.path->path ? db.path->path : "/",
			         db.rule_index, db.path_index, c->ns, c->name, key_reason(da.key));
		}
		if (!ours)
			continue;
		/* the same host+path+pathType already served by another Ingress */
		bool dup_other = false, dup_self = false;
		for (size_t j = first; j < i; j++) {
			struct rt_entry o;
			rt_entry_get(after, j, &o);
			if (o.path_type != e.path_type || strcmp(o.path, e.path))
				continue;
			if (o.ingress == c->ing) {
				dup_self = true;
				continue;
			}
			dup_other = true;
			if (!seen_pair(tk, ntk, tkcap, o.ingress, e.rule_index, e.path_index)) {
				const char *ons = iw_namespace(&o.ingress->meta);
				chk_emit(c, IW_CHK_HOST_PATH_CONFLICT, !strcmp(ons, c->ns),
				         CHK_PATH_FP(e.rule_index, e.path_index),
				         "%s %s on host \"%s\" is already served by ingress %s/%s "
				         "(spec.rules[%zu].http.paths[%zu]): while both exist %s/%s keeps "
				         "it (%s); this path takes over when that Ingress goes away",
				         rt_path_type_name(e.path_type), e.path, *h ? h : "(any)", ons,
				         iw_nz(o.ingress->meta.name), o.rule_index, o.path_index, ons,
				         iw_nz(o.ingress->meta.name),
				         o.rank < e.rank ? (o.has_timestamp && !e.has_timestamp
				                            ? "it has a creationTimestamp, this object none yet"
				                            : "older, or first by namespace/name")
				                         : "list order");
			}
		}
		if (!won && !dup_other && !dup_self && np > 0 && !no_shadow) {
			/* who wins the path's own request instead */
			struct rt_decision d;
			if (!rt_match_host(after, &ha, pr[0], prl[0], &d) &&
			    d.match == RT_RULE)
				chk_emit(c, IW_CHK_SHADOWED_PATH, false, CHK_PATH_FP(e.rule_index, e.path_index),
				         "%s %s on host \"%s\" never receives traffic: every request it "
				         "matches goes to %s %s of %s %s/%s (%s)",
				         rt_path_type_name(e.path_type), e.path, *h ? h : "(any)",
				         rt_path_type_name(d.path_type),
				         d.path->path && *d.path->path ? d.path->path : "/",
				         d.ingress == c->ing ? "this Ingress," : "ingress",
				         iw_namespace(&d.ingress->meta), iw_nz(d.ingress->meta.name),
				         key_reason(d.key));
		}
	}
}

void chk_routing(struct chk_ctx *c)
{
	bool ngx = c->prof->id == IW_PROFILE_INGRESS_NGINX;
	bool alb = c->prof->merge == IW_MERGE_ALB_GROUP;
	bool canary = ngx && iw_ngx_is_canary(c->ing);
	bool routes = chk_enabled(c, IW_CHK_HOST_PATH_CONFLICT) || chk_enabled(c, IW_CHK_SHADOWED_PATH);
	bool rejects = (ngx || alb) && chk_enabled(c, IW_CHK_CONTROLLER_REJECTS);
	if (canary ? !chk_enabled(c, IW_CHK_CANARY_WITHOUT_MAIN) &&
	             !chk_enabled(c, IW_CHK_HOST_PATH_CONFLICT)
	           : !routes && !rejects)
		return;
	if (!c->ing->nrules && !alb)
		return;
	size_t nn = 0;
	const struct ingress **nb;
	if ((c->out->err = chk_neighbours(c, &nb, &nn)))
		return;
	/* chk_neighbours leaves room for one more: the object itself */
	const struct ingress *self[1];
	const struct ingress **all = nn ? nb : self;
	struct taken tk[256];   /* only the first ntk are read */
	struct rt_table *before = NULL, *after = NULL;
	if (alb) {
		chk_alb(c, nb, nn);
		goto out;
	}
	if (canary) {
		chk_canary(c, nb, nn);
		goto out;
	}
	if (ngx) {   /* canaries create no locations (SEMANTICS-ingress-nginx sec. 5.2, 6.3) */
		size_t w = 0;
		for (size_t i = 0; i < nn; i++)
			if (!iw_ngx_is_canary(nb[i]))
				nb[w++] = nb[i];
		nn = w;
	}
	all[nn] = c->ing;
	struct rt_input in = { .ingresses = all, .ningresses = nn + 1 };
	if (routes) {
		if (!(after = rt_build(&in)))
			goto oom;
		if (nn) {
			in.ningresses = nn;
			if (!(before = rt_build(&in)))
				goto oom;
		}
	}
	size_t ntk = 0;
	for (size_t i = 0; i < c->ing->nrules && !c->out->err; i++) {
		const char *h = iw_nz(c->ing->rules[i].host);
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++)
			seen = !strcmp(h, iw_nz(c->ing->rules[k].host));
		if (seen)
			continue;
		bool refused = false;
		if (ngx) {
			if (chk_ngx_regex_host(all, nn + 1, h))
				continue;   /* regex mode: not literal strings */
			/* when nginx refuses the host's locations, which path is shadowed
			 * is moot */
			refused = chk_ngx_locations(c, all, nn + 1, h);
		}
		if (routes)
			check_group(c, before, after, h, tk, &ntk, 256, refused);
	}
	goto out;
oom:
	c->out->err = IW_ENOMEM;
out:
	rt_free(before);
	rt_free(after);
	free(nb);
}
