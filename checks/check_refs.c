/*
 * Checks that look up other objects in the state: dangling-service,
 * dangling-service-port, unknown-ingress-class, no-ingress-class,
 * tls-secret-conflict, wildcard-host-overlap.
 */
#include "checks/checkctx.h"
#include "profile/alb.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* ---- dangling-service, dangling-service-port ------------------------------ */

static void ports_text(const struct iw_service *s, char *buf, size_t size)
{
	size_t o = 0;
	buf[0] = 0;
	for (size_t i = 0; i < s->nports && o + 1 < size; i++) {
		int w = snprintf(buf + o, size - o, "%s%s%s%lld", i ? ", " : "", s->ports[i].name,
		                 *s->ports[i].name ? "/" : "", s->ports[i].port);
		if (w < 0)
			break;
		o += (size_t)w;
	}
	if (!s->nports)
		snprintf(buf, size, "none");
}

static void check_backend(struct chk_ctx *c, const struct iw_backend *be, const struct fpath *at)
{
	/* an ALB action (port use-annotation) names an actions.NAME annotation,
	 * not a Service */
	if (!be->has_service || (c->prof->id == IW_PROFILE_AWS_ALB && iw_alb_is_action(be)))
		return;
	const struct iw_service_backend *sb = &be->service;
	const struct iw_service *svc = iw_state_get_service(c->st, c->ns, iw_nz(sb->name));
	if (!svc) {
		chk_emit(c, IW_CHK_DANGLING_SERVICE, false, FP_KEY(FP_KEY(at, "service"), "name"),
		         "service \"%s/%s\" does not exist: requests for this backend get 503",
		         c->ns, iw_nz(sb->name));
		return;
	}
	bool by_name = sb->port_name && *sb->port_name;
	if (!by_name && !sb->port_number)
		return;
	for (size_t i = 0; i < svc->nports; i++)
		if (by_name ? !strcmp(svc->ports[i].name, sb->port_name)
		            : svc->ports[i].port == sb->port_number)
			return;
	char have[400], want[300];
	ports_text(svc, have, sizeof have);
	if (by_name)
		snprintf(want, sizeof want, "port named \"%s\"", sb->port_name);
	else
		snprintf(want, sizeof want, "port %lld", sb->port_number);
	chk_emit(c, IW_CHK_DANGLING_SERVICE_PORT, false, FP_KEY(FP_KEY(at, "service"), "port"),
	         "service \"%s/%s\" has no %s (its ports: %s)", c->ns, iw_nz(sb->name), want, have);
}

void chk_dangling_service(struct chk_ctx *c)
{
	if (!c->st || !iw_state_knows_services(c->st) ||
	    (!chk_enabled(c, IW_CHK_DANGLING_SERVICE) && !chk_enabled(c, IW_CHK_DANGLING_SERVICE_PORT)))
		return;
	if (c->ing->has_default_backend)
		check_backend(c, &c->ing->default_backend, FP_KEY(FP_KEY(NULL, "spec"), "defaultBackend"));
	for (size_t i = 0; i < c->ing->nrules; i++)
		for (size_t j = 0; j < c->ing->rules[i].npaths; j++)
			if (c->ing->rules[i].paths[j].has_backend)
				check_backend(c, &c->ing->rules[i].paths[j].backend,
				              FP_KEY(CHK_PATH_FP(i, j), "backend"));
}

/* ---- unknown-ingress-class, no-ingress-class --------------------------------- */

void chk_ingress_class(struct chk_ctx *c)
{
	if (!c->st || !iw_state_knows_classes(c->st))
		return;
	const char *explicit_ = ingress_class_of(c->ing);
	if (explicit_) {
		bool ann = iw_meta_annotation(&c->ing->meta, "kubernetes.io/ingress.class") != NULL;
		if (iw_state_get_class(c->st, explicit_))
			return;
		chk_emit(c, IW_CHK_UNKNOWN_INGRESS_CLASS, false,
		         ann ? FP_KEY(FP_KEY(NULL, "metadata"), "annotations[kubernetes.io/ingress.class]")
		             : FP_KEY(FP_KEY(NULL, "spec"), "ingressClassName"),
		         "IngressClass \"%s\" does not exist (%zu known): no controller serves this "
		         "Ingress", explicit_, iw_state_nclasses(c->st));
		return;
	}
	if (iw_state_default_class(c->st))
		return;
	chk_emit(c, IW_CHK_NO_INGRESS_CLASS, false, FP_KEY(FP_KEY(NULL, "spec"), "ingressClassName"),
	         "no spec.ingressClassName and no default IngressClass (annotation "
	         "ingressclass.kubernetes.io/is-default-class: \"true\"): controllers ignore this "
	         "Ingress unless they watch Ingresses without a class");
}

/* ---- pairs (a key of the object, another Ingress) -------------------------- */

/*
 * tls-secret-conflict and wildcard-host-overlap look, for each host of the
 * object, at the other Ingresses the state indexes under it, and for each
 * such Ingress at its own hosts: the secret it gives the host, the exact
 * host the wildcard covers.  Scanning the other Ingress each time costs
 * hosts x its size (an object with 10,000 hosts against one with 10,000:
 * 10^8).  Instead the (key, other) pairs are gathered, sorted by the other
 * Ingress, and each other Ingress's hosts are sorted once and searched.
 * Then each key of the object gives one finding: the first conflicting
 * Ingress (as before), and how many more, a few of them named.
 */
struct opair {
	size_t q, k;                /* the object's key, and the other's rank in the index list */
	const struct ingress *o;
	const char *val;            /* what o says for the key (NULL: nothing) */
};

struct oent {                   /* one host of another Ingress */
	const char *key, *val;
	size_t order;
};

static int cmp_opair_o(const void *a, const void *b)
{
	const struct opair *x = a, *y = b;
	if (x->o != y->o)
		return (uintptr_t)x->o < (uintptr_t)y->o ? -1 : 1;
	if (x->q != y->q)
		return x->q < y->q ? -1 : 1;
	return (x->k > y->k) - (x->k < y->k);
}

static int cmp_opair_q(const void *a, const void *b)
{
	const struct opair *x = a, *y = b;
	if (x->q != y->q)
		return x->q < y->q ? -1 : 1;
	return (x->k > y->k) - (x->k < y->k);
}

static int cmp_oent(const void *a, const void *b)
{
	const struct oent *x = a, *y = b;
	int r = strcmp(x->key, y->key);
	return r ? r : (x->order > y->order) - (x->order < y->order);
}

struct pairs {
	struct opair *v;
	size_t n, cap;
	struct oent *e;             /* scratch: the sorted hosts of one other Ingress */
	size_t ne, ecap;
	enum iw_err err;
};

static void pair_add(struct pairs *p, size_t q, size_t k, const struct ingress *o)
{
	if (p->err)
		return;
	if (p->n == p->cap) {
		size_t nc = p->cap ? 2 * p->cap : 64;
		struct opair *nv = realloc(p->v, nc * sizeof *nv);
		if (!nv) {
			p->err = IW_ENOMEM;
			return;
		}
		p->v = nv;
		p->cap = nc;
	}
	p->v[p->n++] = (struct opair){ q, k, o, NULL };
}

static void oent_add(struct pairs *p, const char *key, const char *val, size_t order)
{
	if (p->err)
		return;
	if (p->ne == p->ecap) {
		size_t nc = p->ecap ? 2 * p->ecap : 16;
		struct oent *nv = realloc(p->e, nc * sizeof *nv);
		if (!nv) {
			p->err = IW_ENOMEM;
			return;
		}
		p->e = nv;
		p->ecap = nc;
	}
	p->e[p->ne++] = (struct oent){ key, val, order };
}

/* Fills p->e with the (key, value) of other Ingress o. */
typedef void (*oent_fill)(struct pairs *p, const struct ingress *o);

/* Sets each pair's val from its other Ingress (its key: keyof(pair)); then
 * sorts the pairs back into (q, k) order. */
static void pairs_resolve(struct pairs *p, oent_fill fill, const char *const *qkeys)
{
	if (!p->n)
		return;
	qsort(p->v, p->n, sizeof *p->v, cmp_opair_o);
	for (size_t a = 0, b; a < p->n && !p->err; a = b) {
		for (b = a; b < p->n && p->v[b].o == p->v[a].o; b++)
			;
		p->ne = 0;
		fill(p, p->v[a].o);
		if (p->ne)
			qsort(p->e, p->ne, sizeof *p->e, cmp_oent);
		for (size_t i = a; i < b && p->ne; i++) {
			/* the first entry with the key: the lowest order */
			const char *key = qkeys[p->v[i].q];
			size_t lo = 0, hi = p->ne;
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				if (strcmp(p->e[mid].key, key) < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			const struct oent *f = lo < p->ne && !strcmp(p->e[lo].key, key) ? &p->e[lo] : NULL;
			p->v[i].val = f ? f->val : NULL;
		}
	}
	qsort(p->v, p->n, sizeof *p->v, cmp_opair_q);
}

static void pairs_release(struct pairs *p)
{
	free(p->v);
	free(p->e);
}

/* "; N more ... (a/b, c/d and K more)" naming the pairs v[1..n) that 'keep'
 * says count, or "" */
static void more_ingresses(const struct opair *v, size_t n, bool (*keep)(const struct opair *, const void *),
                           const void *arg, const char *what, char *buf, size_t size)
{
	size_t count = 0;
	for (size_t i = 1; i < n; i++)
		count += keep(&v[i], arg);
	buf[0] = 0;
	if (!count)
		return;
	int w = snprintf(buf, size, "; %zu more Ingress%s %s (", count, count == 1 ? "" : "es", what);
	/* 'what' reads after "N more Ingresses": "with another secret for this host" */
	size_t o = w > 0 ? (size_t)w : 0, shown = 0;
	for (size_t i = 1; i < n && shown < 5 && o < size; i++) {
		if (!keep(&v[i], arg))
			continue;
		w = snprintf(buf + o, size - o, "%s%s/%s", shown++ ? ", " : "",
		             iw_namespace(&v[i].o->meta), iw_nz(v[i].o->meta.name));
		o += w > 0 ? (size_t)w : 0;
	}
	if (o < size && count > shown)
		o += (size_t)snprintf(buf + o, size - o, " and %zu more", count - shown);
	if (o < size)
		snprintf(buf + o, size - o, ")");
}

/* ---- tls-secret-conflict ---------------------------------------------------- */

struct tkey {                   /* one distinct (host, secret) of the object */
	const char *host, *sec;
	size_t i, j;
};

static int cmp_tkey(const void *a, const void *b)
{
	const struct tkey *x = a, *y = b;
	int r = strcmp(x->host, y->host);
	if (!r)
		r = strcmp(x->sec, y->sec);
	if (!r)
		r = x->i != y->i ? (x->i > y->i) - (x->i < y->i) : (x->j > y->j) - (x->j < y->j);
	return r;
}

static int cmp_tkey_pos(const void *a, const void *b)
{
	const struct tkey *x = a, *y = b;
	return x->i != y->i ? (x->i > y->i) - (x->i < y->i) : (x->j > y->j) - (x->j < y->j);
}

static void fill_tls(struct pairs *p, const struct ingress *o)
{
	size_t order = 0;
	for (size_t a = 0; a < o->ntls; a++)
		for (size_t b = 0; b < o->tls[a].nhosts; b++, order++)
			if (*iw_nz(o->tls[a].secret_name))
				oent_add(p, iw_nz(o->tls[a].hosts[b]), o->tls[a].secret_name, order);
}

struct tls_arg {
	const struct chk_ctx *c;
	const char *sec;
};

/* the other Ingress gives the host another secret, or the same secret of
 * another namespace */
static bool tls_conflicts(const struct opair *x, const void *arg)
{
	const struct tls_arg *t = arg;
	return x->val && (strcmp(x->val, t->sec) || strcmp(iw_namespace(&x->o->meta), t->c->ns));
}

void chk_tls_secret_conflict(struct chk_ctx *c)
{
	const struct ingress *ing = c->ing;
	if (!c->st || !chk_enabled(c, IW_CHK_TLS_SECRET_CONFLICT))
		return;
	size_t nt = 0;
	for (size_t i = 0; i < ing->ntls; i++)
		if (*iw_nz(ing->tls[i].secret_name))
			nt += ing->tls[i].nhosts;
	if (!nt)
		return;
	struct tkey *tk = malloc(nt * sizeof *tk);
	const char **qh = malloc(nt * sizeof *qh);
	struct pairs p = { 0 };
	if (!tk || !qh)
		goto oom;
	nt = 0;
	for (size_t i = 0; i < ing->ntls; i++) {
		const char *sec = iw_nz(ing->tls[i].secret_name);
		if (*sec)
			for (size_t j = 0; j < ing->tls[i].nhosts; j++)
				tk[nt++] = (struct tkey){ iw_nz(ing->tls[i].hosts[j]), sec, i, j };
	}
	/* a host listed again with the same secret says nothing new */
	qsort(tk, nt, sizeof *tk, cmp_tkey);
	size_t nq = 0;
	for (size_t t = 0; t < nt; t++)
		if (!nq || strcmp(tk[t].host, tk[nq - 1].host) || strcmp(tk[t].sec, tk[nq - 1].sec))
			tk[nq++] = tk[t];
	qsort(tk, nq, sizeof *tk, cmp_tkey_pos);
	for (size_t q = 0; q < nq; q++) {
		qh[q] = tk[q].host;
		size_t n;
		const struct ingress *const *l = iw_state_by_tls(c->st, tk[q].host, &n);
		for (size_t k = 0; k < n; k++)
			if (!iw_same_object(&l[k]->meta, &ing->meta) && chk_same_domain(c, l[k]))
				pair_add(&p, q, k, l[k]);
	}
	pairs_resolve(&p, fill_tls, qh);
	if (p.err)
		goto oom;
	for (size_t a = 0, b; a < p.n; a = b) {
		for (b = a; b < p.n && p.v[b].q == p.v[a].q; b++)
			;
		const struct tkey *t = &tk[p.v[a].q];
		struct tls_arg ta = { c, t->sec };
		size_t f = a;
		while (f < b && !tls_conflicts(&p.v[f], &ta))
			f++;
		if (f == b)
			continue;
		char more[400];
		more_ingresses(p.v + f, b - f, tls_conflicts, &ta, "with another secret for this host",
		               more, sizeof more);
		const struct ingress *o = p.v[f].o;
		const char *ons = iw_namespace(&o->meta);
		chk_emit(c, IW_CHK_TLS_SECRET_CONFLICT, false,
		         FP_KEY(FP_IDX(FP_KEY(FP_KEY(NULL, "spec"), "tls"), t->i), "secretName"),
		         "TLS host \"%s\" uses secret %s/%s here but %s/%s in ingress %s/%s: "
		         "the controller serves one certificate per host (the oldest Ingress's)%s",
		         t->host, c->ns, t->sec, ons, p.v[f].val, ons, iw_nz(o->meta.name), more);
	}
	goto out;
oom:
	c->out->err = IW_ENOMEM;
out:
	pairs_release(&p);
	free(qh);
	free(tk);
}

/* ---- wildcard-host-overlap ------------------------------------------------- */

/* the exact hosts of o by their ".suffix" after the first label */
static void fill_suffix(struct pairs *p, const struct ingress *o)
{
	for (size_t r = 0; r < o->nrules; r++) {
		const char *x = iw_nz(o->rules[r].host);
		const char *dot = x[0] != '*' ? strchr(x, '.') : NULL;
		if (dot && dot != x)
			oent_add(p, dot, x, r);
	}
}

/* "*.suffix" of exact host h ("a.b.c" -> "*.b.c"); false when h has no
 * first label or the result does not fit */
static bool wild_of(const char *h, char *w, size_t size)
{
	const char *dot = strchr(h, '.');
	size_t dl = dot ? strlen(dot) : 0;
	if (!dot || dot == h || dl + 2 > size)
		return false;
	w[0] = '*';
	memcpy(w + 1, dot, dl + 1);
	return true;
}

static bool has_val(const struct opair *x, const void *arg)
{
	(void)arg;
	return x->val != NULL;
}

void chk_wildcard_host_overlap(struct chk_ctx *c)
{
	const struct ingress *ing = c->ing;
	if (!c->st || !chk_enabled(c, IW_CHK_WILDCARD_HOST_OVERLAP) || !c->nhosts)
		return;
	struct pairs p = { 0 };
	const char **qkey = malloc(c->nhosts * sizeof *qkey);   /* wildcard: its ".suffix" */
	char w[300];                                              /* exact: its "*.suffix" */
	if (!qkey)
		goto oom;
	for (size_t q = 0; q < c->nhosts; q++) {
		const char *h = iw_nz(ing->rules[c->host_rules[q]].host);
		size_t n = 0;
		const struct ingress *const *l = NULL;
		qkey[q] = "";
		if (!*h)
			continue;
		if (h[0] == '*') {
			/* our wildcard covers exact hosts of other namespaces */
			qkey[q] = h + 1;
			l = iw_state_by_wild(c->st, h, &n);
		} else {
			/* our exact host takes a host away from another namespace's wildcard */
			if (!wild_of(h, w, sizeof w))
				continue;
			l = iw_state_by_host(c->st, w, &n);
		}
		for (size_t k = 0; k < n; k++)
			if (strcmp(iw_namespace(&l[k]->meta), c->ns) && chk_same_domain(c, l[k]))
				pair_add(&p, q, k, l[k]);
	}
	pairs_resolve(&p, fill_suffix, qkey);
	if (p.err)
		goto oom;
	for (size_t a = 0, b; a < p.n; a = b) {
		for (b = a; b < p.n && p.v[b].q == p.v[a].q; b++)
			;
		size_t q = p.v[a].q, i = c->host_rules[q];
		const char *h = iw_nz(ing->rules[i].host);
		char more[400];
		if (h[0] == '*') {
			size_t f = a;
			while (f < b && !p.v[f].val)
				f++;
			if (f == b)
				continue;
			more_ingresses(p.v + f, b - f, has_val, NULL, "in other namespaces with hosts it "
			               "covers", more, sizeof more);
			const struct ingress *o = p.v[f].o;
			chk_emit(c, IW_CHK_WILDCARD_HOST_OVERLAP, false, FP_KEY(CHK_RULE_FP(i), "host"),
			         "wildcard host \"%s\" covers host \"%s\" of ingress %s/%s in another "
			         "namespace: it takes that host's traffic if the Ingress goes away, and "
			         "its unmatched paths on controllers that fall through (Traefik, HAProxy)%s",
			         h, p.v[f].val, iw_namespace(&o->meta), iw_nz(o->meta.name), more);
		} else {
			wild_of(h, w, sizeof w);
			for (size_t x = a; x < b; x++)
				p.v[x].val = "";   /* every one counts */
			more_ingresses(p.v + a, b - a, has_val, NULL, "in other namespaces with this "
			               "wildcard host", more, sizeof more);
			const struct ingress *o = p.v[a].o;
			chk_emit(c, IW_CHK_WILDCARD_HOST_OVERLAP, false, FP_KEY(CHK_RULE_FP(i), "host"),
			         "host \"%s\" takes every request for it away from wildcard host \"%s\" "
			         "of ingress %s/%s in another namespace (an exact host wins over a "
			         "wildcard; paths do not fall through)%s", h, w,
			         iw_namespace(&o->meta), iw_nz(o->meta.name), more);
		}
	}
	goto out;
oom:
	c->out->err = IW_ENOMEM;
out:
	pairs_release(&p);
	free(qkey);
}
