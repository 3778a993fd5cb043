/* Dispatch: which checks run on which object (see policy.h). */
#include "checks/policy.h"
#include "checks/checkctx.h"

#include <stdlib.h>
#include <string.h>

/* The checks of an Ingress, in the order their findings appear. */
static void (*const ingress_checks[])(struct chk_ctx *) = {
	chk_duplicate_path,
	chk_routing,
	chk_wildcard_host_overlap,
	chk_tls_host_unserved,
	chk_tls_secret_conflict,
	chk_dangling_service,
	chk_ingress_class,
	chk_deprecated_api,
	chk_deprecated_class_annotation,
	chk_annotations,
	chk_dangerous_path,
	chk_regex_in_path,
};

/* The checks of an IngressClass (those marked on_class in check.c). */
static void (*const class_checks[])(struct chk_ctx *) = {
	chk_deprecated_api,
};

static enum iw_err run(struct chk_ctx *c, void (*const *v)(struct chk_ctx *), size_t n)
{
	enum iw_err e = chk_hosts(c);
	if (e)
		return c->out->err = e;
	for (size_t i = 0; i < n && !c->out->err; i++)
		v[i](c);
	chk_finish(c);
	chk_release(c);
	return c->out->err;
}

/* The context of one Ingress; 'audit': only the checks that need the state. */
static struct chk_ctx ingress_ctx(const struct iw_policy *p, const struct ingress *ing,
                                  const struct ingress *old, const struct iw_state *state,
                                  bool audit, struct findings *out)
{
	struct chk_ctx c = {
		.p = p, .kind = IW_KIND_INGRESS, .api = ing->api, .ing = ing, .old = old,
		.st = state, .ns = iw_namespace(&ing->meta), .name = iw_nz(ing->meta.name),
		.cls = iw_effective_class(ing, state), .audit = audit, .out = out,
	};
	c.pc = chk_profile_of(&c, ing);
	c.prof = c.pc.profile;
	iw_profile_note(ing, c.cls, c.pc, c.note, sizeof c.note);
	return c;
}

struct iw_check_memo *iw_check_memo_new(void)
{
	return chk_memo_new();
}

void iw_check_memo_clear(struct iw_check_memo *m)
{
	chk_memo_release(m);
}

void iw_check_memo_free(struct iw_check_memo *m)
{
	chk_memo_release(m);
	free(m);
}

enum iw_err iw_policy_check(const struct iw_policy *p, const struct ingress *ing,
                            const struct ingress *old, const struct iw_state *state,
                            struct findings *out)
{
	return iw_policy_check_memo(p, ing, old, state, NULL, out);
}

enum iw_err iw_policy_check_memo(const struct iw_policy *p, const struct ingress *ing,
                                 const struct ingress *old, const struct iw_state *state,
                                 struct iw_check_memo *m, struct findings *out)
{
	struct chk_ctx c = ingress_ctx(p, ing, old, state, false, out);
	c.memo = m;
	return run(&c, ingress_checks, sizeof ingress_checks / sizeof *ingress_checks);
}

enum iw_err iw_policy_check_class(const struct iw_policy *p, const struct ingress_class *ic,
                                  const struct ingress_class *old,
                                  const struct iw_state *state, struct findings *out)
{
	(void)old;   /* no check of a class compares it with its stored version */
	struct chk_ctx c = {
		.p = p, .kind = IW_KIND_INGRESSCLASS, .api = ic->api, .ic = ic, .st = state,
		.ns = NULL, .name = iw_nz(ic->meta.name), .cls = ic->meta.name, .out = out,
	};
	return run(&c, class_checks, sizeof class_checks / sizeof *class_checks);
}

/* ---- audit ------------------------------------------------------------------ */

/* An Ingress of the audit, and what orders it: its effective class, its
 * least rule host, then namespace/name. */
struct visit {
	const struct ingress *ing;
	const char *cls, *host;
};

static int cmp_visit(const void *a, const void *b)
{
	const struct visit *x = a, *y = b;
	int r = strcmp(x->cls, y->cls);
	if (!r)
		r = strcmp(x->host, y->host);
	if (!r)
		r = strcmp(iw_namespace(&x->ing->meta), iw_namespace(&y->ing->meta));
	return r ? r : strcmp(iw_nz(x->ing->meta.name), iw_nz(y->ing->meta.name));
}

enum iw_err iw_policy_audit(const struct iw_policy *p, const struct iw_state *state,
                            iw_audit_fn fn, void *arg, size_t *nfindings)
{
	size_t n = 0, slots = iw_state_slots(state), total = 0;
	enum iw_err rc = IW_OK;
	if (nfindings)
		*nfindings = 0;
	struct visit *v = malloc((slots ? slots : 1) * sizeof *v);
	struct iw_check_memo *memo = chk_memo_new();
	if (!v || !memo) {
		free(v);
		iw_check_memo_free(memo);
		return IW_ENOMEM;
	}
	for (size_t i = 0; i < slots; i++) {
		const struct ingress *ing = iw_state_slot(state, i);
		if (!ing)
			continue;
		const char *h = NULL, *cls = iw_effective_class(ing, state);
		for (size_t k = 0; k < ing->nrules; k++) {
			const char *x = iw_nz(ing->rules[k].host);
			if (!h || strcmp(x, h) < 0)
				h = x;
		}
		v[n++] = (struct visit){ ing, cls ? cls : "", h ? h : "" };
	}
	/* the Ingresses that share their hosts one after the other, so that
	 * the memo builds the routing table of a set of neighbours once (2,000
	 * Ingresses on one host: 18.7 s without it) */
	qsort(v, n, sizeof *v, cmp_visit);
	for (size_t i = 0; i < n && !rc; i++) {
		struct findings fl = { 0 };
		struct chk_ctx c = ingress_ctx(p, v[i].ing, NULL, state, true, &fl);
		c.memo = memo;
		rc = run(&c, ingress_checks, sizeof ingress_checks / sizeof *ingress_checks);
		findings_drop_suppressed(&fl);   /* ingress-warden.io/ignore */
		if (!rc && fl.n && fn)
			fn(arg, v[i].ing, &fl);
		total += fl.n;
		findings_release(&fl);
	}
	free(v);
	iw_check_memo_free(memo);
	if (nfindings && !rc)
		*nfindings = total;
	return rc;
}
