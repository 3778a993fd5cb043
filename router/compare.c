/* Comparing two routers (see compare.h). */
#include "router/compare.h"

#include <stdio.h>   /* snprintf only */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"

void rt_outcome(const struct rt_decision *d, char *buf, size_t size)
{
	bool models_status = d->profile != IW_PROFILE_SPEC;
	if (d->match != RT_NONE) {
		rt_backend_id(d, buf, size);
	} else if (models_status && d->status == 0) {
		snprintf(buf, size, "unknown");
	} else if (d->status && d->status != 404) {
		snprintf(buf, size, "none (%d)", d->status);
	} else {
		snprintf(buf, size, "none");
	}
}

bool rt_outcomes_differ(const struct rt_decision *a, const struct rt_decision *b)
{
	char x[640], y[640];
	rt_outcome(a, x, sizeof x);
	rt_outcome(b, y, sizeof y);
	return strcmp(x, y) != 0;
}

void rt_comparison_release(struct rt_comparison *c)
{
	rt_probes_release(&c->probes);
	free(c->v);
	memset(c, 0, sizeof *c);
}

int rt_compare(const struct rt_table *a, const struct rt_table *b, struct rt_comparison *c)
{
	if (rt_probes_generate_ex(a, RT_PROBE_ALL, &c->probes) != IW_OK ||
	    rt_probes_generate_ex(b, RT_PROBE_ALL, &c->probes) != IW_OK)
		return IW_ENOMEM;
	size_t cap = 0;
	for (size_t i = 0; i < c->probes.n; i++) {
		const struct rt_probe *p = &c->probes.v[i];
		struct rt_decision da, db;
		if (rt_match(a, p->host, strlen(p->host), p->path, strlen(p->path), &da) != IW_OK ||
		    rt_match(b, p->host, strlen(p->host), p->path, strlen(p->path), &db) != IW_OK) {
			c->undecided++;
			continue;
		}
		if (!rt_outcomes_differ(&da, &db))
			continue;
		c->ndiff++;
		if (c->n >= RT_COMPARE_MAX_DIFFS)
			continue;
		if (c->n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct rt_difference *nv = realloc(c->v, nc * sizeof *nv);
			if (!nv)
				return IW_ENOMEM;
			c->v = nv;
			cap = nc;
		}
		c->v[c->n++] = (struct rt_difference){ i, da, db };
	}
	return IW_OK;
}
