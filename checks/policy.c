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

static int cmp_nsname(const void *a, const void *b)
{
	const struct ingress *x = *(const struct ingress *const *)a;
	const struct ingress *y = *(const struct ingress *const *)b;
	int r = strcmp(iw_namespace(&x->meta), iw_namespace(&y->meta));
	return r ? r : strcmp(iw_nz(x->meta.name), iw_nz(y->meta.name));
}

enum iw_err iw_policy_audit(const struct iw_policy *p, const struct iw_state *state,
                            iw_audit_fn fn, void *arg, size_t *nfindings)
{
	size_t n = 0, slots = iw_state_slots(state), total = 0;
	enum iw_err rc = IW_OK;
	if (nfindings)
		*nfindings = 0;
	const struct ingress **v = malloc((slots ? slots : 1) * sizeof *v);
	if (!v)
		return IW_ENOMEM;
	for (size_t i = 0; i < slots; i++)
		if (iw_state_slot(state, i))
			v[n++] = iw_state_slot(state, i);
	qsort(v, n, sizeof *v, cmp_nsname);
	for (size_t i = 0; i < n && !rc; i++) {
		struct findings fl = { 0 };
		struct chk_ctx c = ingress_ctx(p, v[i], NULL, state, true, &fl);
		rc = run(&c, ingress_checks, sizeof ingress_checks / sizeof *ingress_checks);
		findings_drop_suppressed(&fl);   /* ingress-warden.io/ignore */
		if (!rc && fl.n && fn)
			fn(arg, v[i], &fl);
		total += fl.n;
		findings_release(&fl);
	}
	free(v);
	if (nfindings && !rc)
		*nfindings = total;
	return rc;
}
