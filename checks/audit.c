/* Audit: the checks of every Ingress of a state (see policy.h). */
#include "checks/policy.h"
#include "checks/state.h"

#include <stdlib.h>
#include <string.h>

static int cmp_nsname(const void *a, const void *b)
{
	const struct ingress *x = *(const struct ingress *const *)a;
	const struct ingress *y = *(const struct ingress *const *)b;
	int r = strcmp(iw_namespace(&x->meta), iw_namespace(&y->meta));
	return r ? r : strcmp(x->meta.name ? x->meta.name : "", y->meta.name ? y->meta.name : "");
}

long iw_policy_audit(const struct iw_policy *p, const struct iw_state *state,
                     iw_audit_fn fn, void *arg)
{
	size_t n = 0, slots = iw_state_slots(state);
	const struct ingress **v = malloc((slots ? slots : 1) * sizeof *v);
	if (!v)
		return -1;
	for (size_t i = 0; i < slots; i++)
		if (iw_state_slot(state, i))
			v[n++] = iw_state_slot(state, i);
	qsort(v, n, sizeof *v, cmp_nsname);
	long total = 0;
	for (size_t i = 0; i < n; i++) {
		struct findings fl = { 0 };
		iw_policy_check(p, v[i], NULL, state, &fl);
		if (fl.oom) {
			findings_release(&fl);
			free(v);
			return -1;
		}
		if (fl.n && fn)
			fn(arg, v[i], &fl);
		total += (long)fl.n;
		findings_release(&fl);
	}
	free(v);
	return total;
}
