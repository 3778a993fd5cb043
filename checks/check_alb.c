/*
 * The AWS Load Balancer Controller (profile aws-alb): an IngressGroup is one
 * load balancer whose listener rules are evaluated in order, the first match
 * winning (profile/alb.h has the order and the path patterns).  Decided here
 * instead of with the reference router, which takes the longest match:
 *
 *   shadowed-path       a path of the object that an earlier rule of the
 *                       group (or of the object) matches in full;
 *   host-path-conflict  a rule of the object, earlier in the group, that
 *                       matches every request of another member's path (the
 *                       docs warn that a member "can add more rules or
 *                       overwrite existing rules with higher priority").  A
 *                       more specific path carved out of another member's
 *                       catch-all is what joining a group is for: no finding;
 *   controller-rejects  what fails the whole IngressGroup: group.order out of
 *                       range, an invalid group.name, two members with a
 *                       spec.defaultBackend.
 *
 * A path narrowed by a conditions annotation matches only some requests: it
 * shadows nothing.  A path the controller refuses (a wildcard in Exact or
 * Prefix, reported by regex-in-path; longer than the 128 characters of an
 * AWS path pattern) or a regex path (use-regex-path-match) is left out.
 */
#include "checks/checkctx.h"
#include "profile/alb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FRESH "~iw-probe~"
#define ALB_MAX_RULES 1024   /* beyond any real group (ALB: 100 rules per listener) */
#define ALB_MAX_PATH 128     /* the AWS limit of a path-pattern value */
/* Matching is O(pattern x path) at worst ('*' patterns): the comparisons of
 * one check stop after this many pattern-x-path steps (a hostile group costs
 * tens of milliseconds, not hours). */
#define ALB_BUDGET (64u << 20)

struct rule {
	const struct ingress *ing;
	size_t rule, path;           /* indexes in the Ingress */
	const char *host, *p, *type; /* type: "Exact", "Prefix", "ImplementationSpecific" */
	int rank;                    /* 0 Exact, 1 Prefix, 2 ImplementationSpecific */
	bool narrowed, skip;
};

static int cmp_member(const void *a, const void *b)
{
	return iw_alb_group_cmp(*(const struct ingress *const *)a, *(const struct ingress *const *)b);
}

/* Exact first, then Prefix by length (longest first), then the rest; stable
 * (manifest order) through the path index */
static int cmp_in_rule(const void *a, const void *b)
{
	const struct rule *x = a, *y = b;
	if (x->rank != y->rank)
		return x->rank - y->rank;
	if (x->rank == 1) {
		size_t lx = strlen(x->p), ly = strlen(y->p);
		if (lx != ly)
			return lx > ly ? -1 : 1;
	}
	return x->path < y->path ? -1 : x->path > y->path;
}

/* The request paths that stand for every request of r (a few). */
static int probes(const struct rule *r, char out[3][600])
{
	size_t l = strlen(r->p);
	if (l > 500)
		return 0;
	if (!l) {
		snprintf(out[0], 600, "/");
		snprintf(out[1], 600, "/" FRESH);
		return 2;
	}
	if (r->rank == 0) {
		snprintf(out[0], 600, "%s", r->p);
		return 1;
	}
	if (r->rank == 1) {
		while (l > 0 && r->p[l - 1] == '/')
			l--;
		snprintf(out[0], 600, "%.*s", (int)l, r->p);
		snprintf(out[1], 600, "%.*s/", (int)l, r->p);
		snprintf(out[2], 600, "%.*s/" FRESH, (int)l, r->p);
		return l ? 3 : 2;   /* Prefix /: "/" and "/~fresh" */
	}
	/* an ALB pattern: its '*' as nothing and as a fresh run, '?' as one byte */
	for (int k = 0; k < 2; k++) {
		size_t o = 0;
		for (size_t i = 0; i < l && o < 590; i++) {
			if (r->p[i] == '*') {
				if (k)
					o += (size_t)snprintf(out[k] + o, 600 - o, FRESH);
			} else {
				out[k][o++] = r->p[i] == '?' ? 'x' : r->p[i];
			}
		}
		out[k][o] = '\0';
	}
	return strpbrk(r->p, "*") ? 2 : 1;
}

/* f matches every request of r; *budget pays for the matching */
static bool covers(const struct rule *f, const struct rule *r, size_t *budget)
{
	char pr[3][600];
	if (f->narrowed || f->skip)
		return false;
	if (strpbrk(f->host, "*?")) {
		size_t cost = (strlen(f->host) + 1) * (strlen(r->host) + 1);
		if (cost > *budget)
			return false;
		*budget -= cost;
	}
	if (!iw_alb_host_covers(f->host, r->host))
		return false;
	int n = probes(r, pr);
	size_t pl = strlen(f->p) + 1;
	for (int k = 0; k < n; k++) {
		size_t l = strlen(pr[k]), cost = pl * (l + 1);
		if (cost > *budget)
			return false;
		*budget -= cost;
		if (!iw_alb_path_matches(f->p, f->rank == 2 ? NULL : f->type, pr[k], l))
			return false;
	}
	return n > 0;
}

static const char *rule_text(const struct rule *r, char *buf, size_t size)
{
	snprintf(buf, size, "%s %s on %s%s%s", r->type, *r->p ? r->p : "(no path)",
	         *r->host ? "host \"" : "any host", r->host, *r->host ? "\"" : "");
	return buf;
}

static void group_settings(struct chk_ctx *c, const struct ingress *const *members, size_t n)
{
	char field[200];
	long order;
	const char *g = iw_alb_group(c->ing);
	if (!iw_alb_group_order(c->ing, &order)) {
		snprintf(field, sizeof field, "annotations[%sgroup.order]", IW_ALB_PREFIX);
		chk_emit(c, IW_CHK_CONTROLLER_REJECTS, false, FP_KEY(FP_KEY(NULL, "metadata"), field),
		         "group.order must be an integer from -1000 to 1000: the AWS Load Balancer "
		         "Controller fails the whole IngressGroup%s%s%s", g ? " \"" : "", g ? g : "",
		         g ? "\"" : "");
	}
	if (g && !iw_alb_group_name_ok(g)) {
		snprintf(field, sizeof field, "annotations[%sgroup.name]", IW_ALB_PREFIX);
		chk_emit(c, IW_CHK_CONTROLLER_REJECTS, false, FP_KEY(FP_KEY(NULL, "metadata"), field),
		         "group.name \"%s\" is not valid (lower-case letters, digits, '-' and '.', at "
		         "most 63): the AWS Load Balancer Controller refuses the Ingress", g);
	}
	if (!c->ing->has_default_backend)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct ingress *o = members[i];
		if (o == c->ing || !o->has_default_backend)
			continue;
		chk_emit(c, IW_CHK_CONTROLLER_REJECTS, false,
		         FP_KEY(FP_KEY(NULL, "spec"), "defaultBackend"),
		         "ingress %s/%s of IngressGroup \"%s\" has a spec.defaultBackend too: the AWS "
		         "Load Balancer Controller fails the whole group (\"multiple ingress defined "
		         "default backend\")", iw_namespace(&o->meta), iw_nz(o->meta.name), iw_nz(g));
		return;
	}
}

/* Runs the checks above on c->ing and the other members of its group
 * ('nb', 'nn': chk_neighbours; room for one more). */
void chk_alb(struct chk_ctx *c, const struct ingress **nb, size_t nn)
{
	const struct ingress *self[1];
	const struct ingress **m = nn ? nb : self;
	m[nn] = c->ing;
	size_t nm = nn + 1, n = 0;
	group_settings(c, m, nm);
	if (!chk_enabled(c, IW_CHK_SHADOWED_PATH) && !chk_enabled(c, IW_CHK_HOST_PATH_CONFLICT))
		return;
	qsort(m, nm, sizeof *m, cmp_member);
	for (size_t i = 0; i < nm; i++)
		for (size_t r = 0; r < m[i]->nrules; r++)
			n += m[i]->rules[r].npaths;
	if (!n)
		return;
	if (n > ALB_MAX_RULES)
		n = ALB_MAX_RULES;
	struct rule *v = calloc(n, sizeof *v);
	if (!v) {
		c->out->err = IW_ENOMEM;
		return;
	}
	size_t k = 0;
	for (size_t i = 0; i < nm && k < n; i++) {
		const struct ingress *ing = m[i];
		bool rx = iw_alb_regex_paths(ing);
		for (size_t r = 0; r < ing->nrules && k < n; r++) {
			size_t first = k;
			for (size_t j = 0; j < ing->rules[r].npaths && k < n; j++) {
				const struct iw_path *p = &ing->rules[r].paths[j];
				const char *t = p->path_type ? p->path_type : "ImplementationSpecific";
				int rank = !strcmp(t, "Exact") ? 0 : !strcmp(t, "Prefix") ? 1 : 2;
				v[k] = (struct rule){ ing, r, j, iw_nz(ing->rules[r].host), iw_nz(p->path), t,
				                      rank, iw_alb_narrowed(ing, &p->backend),
				                      (rank < 2 && strpbrk(iw_nz(p->path), "*?")) ||
				                      (rank == 2 && rx) || !p->has_backend ||
				                      strlen(iw_nz(p->path)) > ALB_MAX_PATH };
				k++;
			}
			qsort(v + first, k - first, sizeof *v, cmp_in_rule);
		}
	}
	n = k;
	size_t budget = ALB_BUDGET;
	char a[700], b[700];
	for (size_t i = 0; i < n; i++) {
		const struct rule *e = &v[i];
		if (e->skip)
			continue;
		if (e->ing == c->ing) {
			/* the first earlier rule that takes every request of this one */
			for (size_t j = 0; j < i; j++) {
				const struct rule *f = &v[j];
				if (!covers(f, e, &budget))
					continue;
				if (f->ing == c->ing && !strcmp(f->p, e->p) && !strcmp(f->type, e->type) &&
				    !strcmp(f->host, e->host))
					break;   /* the same path twice: duplicate-path */
				chk_emit(c, IW_CHK_SHADOWED_PATH, false, CHK_PATH_FP(e->rule, e->path),
				         "%s never receives traffic: the load balancer evaluates its rules in "
				         "order (group.order, namespace/name, then Exact, Prefix longest first, "
				         "ImplementationSpecific) and the earlier rule %s of %s %s%s%s matches "
				         "every request it matches", rule_text(e, a, sizeof a),
				         rule_text(f, b, sizeof b), f->ing == c->ing ? "this Ingress" : "ingress",
				         f->ing == c->ing ? "" : iw_namespace(&f->ing->meta),
				         f->ing == c->ing ? "" : "/", f->ing == c->ing ? "" : iw_nz(f->ing->meta.name));
				break;
			}
			continue;
		}
		/* another member's rule: the first rule of the object before it that
		 * takes all of its requests, unless an earlier rule takes them first */
		size_t fo = (size_t)-1;
		for (size_t j = 0; j < i && fo == (size_t)-1; j++)
			if (v[j].ing == c->ing && covers(&v[j], e, &budget))
				fo = j;
		if (fo == (size_t)-1)
			continue;
		bool first = true;
		for (size_t j = 0; j < fo && first; j++)
			first = v[j].ing == c->ing || !covers(&v[j], e, &budget);
		if (!first)
			continue;
		const struct rule *f = &v[fo];
		const char *ons = iw_namespace(&e->ing->meta);
		chk_emit(c, IW_CHK_HOST_PATH_CONFLICT, !strcmp(ons, c->ns), CHK_PATH_FP(f->rule, f->path),
		         "%s takes every request of %s of ingress %s/%s (spec.rules[%zu].http.paths[%zu]) "
		         "in IngressGroup \"%s\": the load balancer evaluates this rule first "
		         "(group.order, namespace/name), so that path never receives traffic",
		         rule_text(f, a, sizeof a), rule_text(e, b, sizeof b), ons,
		         iw_nz(e->ing->meta.name), e->rule, e->path, iw_nz(iw_alb_group(c->ing)));
	}
	free(v);
}
