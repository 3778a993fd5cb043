/*
 * rt_explain: the steps of the reference matcher (ref.c) for one request,
 * written out for a person, in the format of router.h ("Explanation").
 * SEMANTICS.md sections are cited as "sec. N".
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "router/ngx.h"
#include "router/table.h"

/* An explanation longer than this is refused (NULL, as out of memory). */
#define EXPLAIN_MAX (16u << 20)
/* A group with more paths lists only those that match; at most this many. */
#define LIST_ALL_UP_TO 64
#define LIST_AT_MOST 200

static const char *group_kind_text(enum rt_group_kind k)
{
	switch (k) {
	case RT_G_EXACT: return "exact host";
	case RT_G_WILDCARD: return "wildcard host";
	case RT_G_HOSTLESS: return "rules without a host";
	case RT_G_NONE: break;
	}
	return "no host group";
}

/* What decided between two candidates (sec. 7); *silent when the
 * specification does not say it. */
static const char *key_text(enum rt_key k, bool *silent)
{
	*silent = k >= RT_K_AGE;
	switch (k) {
	case RT_K_NONE: return "the only matching path";
	case RT_K_LENGTH: return "longest matching path";
	case RT_K_TYPE: return "same length: Exact > Prefix > ImplementationSpecific";
	case RT_K_AGE: return "same path and type: the oldest creationTimestamp wins";
	case RT_K_TIMESTAMP:
		return "same path and type: an Ingress without creationTimestamp sorts after one "
		       "with it [reference choice]";
	case RT_K_NAME:
		return "same path, type and creationTimestamp: namespace/name ascending wins";
	case RT_K_ORDER: return "same path and type in one Ingress: the first in list order wins";
	}
	return "";
}

static void text_entry(struct buf *b, const struct rt_table *t, const struct rt_ent *e)
{
	const struct rt_ing *ii = &t->ings[e->rank];
	buf_printf(b, "%s/%s spec.rules[%u].http.paths[%u] %s %s -> ", ii->ns, ii->name,
	           e->rule, e->pidx, rt_path_type_name(e->type), e->path);
	rt_text_backend(b, e->backend);
}

/* The wildcard group "*." + the host without its first label (sec. 5.2),
 * starting the search at the label after 'from'; -1 when none. */
static long wildcard_of(const struct rt_table *t, const char *h, size_t n, const char *from)
{
	const char *dot = memchr(from, '.', n - (size_t)(from - h));
	if (!dot || dot == h || dot + 1 >= h + n)
		return -1;
	const char *rest = dot + 1;
	size_t rl = n - (size_t)(rest - h);
	for (size_t g = 0; g < t->ngroups; g++) {
		const struct rt_group *gr = &t->groups[g];
		if (gr->kind == RT_G_WILDCARD && gr->hlen == rl + 2 && !memcmp(gr->host + 2, rest, rl))
			return (long)g;
	}
	return -1;
}

/* The request lines: what normalisation (sec. 3, 4) made of the request. */
static void text_request(struct buf *b, const char *host, size_t host_len, const char *path,
                         size_t path_len, const struct rt_nreq *r)
{
	buf_printf(b, "request: host \"%.*s\" -> \"%s\"%s", (int)host_len, host, r->host,
	           r->host_kind == RT_HOST_EMPTY ? " (empty: only rules without a host)"
	           : r->host_kind == RT_HOST_IP ? " (IP literal: only rules without a host)" : "");
	if (r->host_changes) {
		buf_puts(b, " (");
		rt_text_changes(b, r->host_changes);
		buf_puts(b, ") [spec silent]");
	}
	buf_printf(b, "\n         path \"%.*s\" -> \"%s\"", (int)path_len, path, r->path);
	if (r->path_changes) {
		buf_puts(b, " (");
		rt_text_changes(b, r->path_changes);
		buf_printf(b, ")%s", r->path_changes & ~(unsigned)RT_N_QUERY ? " [spec silent]" : "");
	}
	buf_puts(b, "\n");
}

/* Every path of group g, whether it matches and why it lost to the winner
 * (win: entry number, -1 when no path matched). */
static void text_candidates(struct buf *b, const struct rt_table *t, long g, long win,
                            const struct rt_nreq *r)
{
	const struct rt_group *gr = &t->groups[g];
	size_t shown = 0;
	buf_puts(b, "candidates:\n");
	for (size_t i = gr->first; i < gr->first + gr->n; i++) {   /* precedence order */
		const struct rt_ent *e = &t->ents[i];
		bool m = rt_ref_matches(e, r->path, r->path_len);
		if (!m && gr->n > LIST_ALL_UP_TO)
			continue;
		if (++shown > LIST_AT_MOST) {
			buf_puts(b, "  ... (more not shown)\n");
			break;
		}
		bool chosen = (long)i == win;
		buf_printf(b, "  %s ", chosen ? "*" : m ? "-" : " ");
		text_entry(b, t, e);
		if (chosen) {
			buf_puts(b, ": matches; chosen\n");
		} else if (!m) {
			buf_printf(b, ": does not match%s\n",
			           e->type == RT_IS ? " (string prefix)" :
			           e->type == RT_PREFIX ? " (element-wise prefix)" : " (exact)");
		} else {
			enum rt_key k = RT_K_NONE;
			bool silent = false;
			rt_ref_before(t, &t->ents[win], e, &k);
			const char *kt = key_text(k, &silent);
			buf_printf(b, ": matches, loses: %s%s\n", kt, silent ? " [spec silent]" : "");
		}
	}
	if (gr->n == 0)
		buf_puts(b, "  (this host has no paths: a rule with a host and no http "
		            "still claims its host [spec silent])\n");
}

char *rt_explain(const struct rt_table *t, const char *host, size_t host_len,
                 const char *path, size_t path_len, const struct rt_decision *d,
                 char **reason)
{
	if (t->ngx)
		return rt_ngx_explain(t->ngx, host, host_len, path, path_len, d, reason);
	struct buf b, why;
	struct rt_nreq *r = malloc(sizeof *r);
	buf_init(&b, EXPLAIN_MAX);
	buf_init(&why, EXPLAIN_MAX);
	if (reason)
		*reason = NULL;
	if (!r)
		return NULL;
	if (rt_norm_request(host, host_len, path, path_len, r) != IW_OK) {
		buf_puts(&b, "request rejected: host or path too long\n");
		buf_puts(&why, "host or path too long");
		goto out;
	}
	const char *hn = r->host, *np = r->path;
	size_t hl = r->host_len, n = r->path_len;
	bool named = r->host_kind == RT_HOST_NAME;
	long g = rt_ref_group(t, r);                         /* sec. 5 */
	long win = d->match == RT_RULE ? d->winner : -1;

	text_request(&b, host, host_len, path, path_len, r);

	/* sec. 5: the host group, and the wildcards the host meets */
	long wg = named ? wildcard_of(t, hn, hl, hn) : -1;   /* matches one label */
	const char *wild = wg >= 0 ? t->groups[wg].host : NULL;
	const char *deepwild = NULL;                         /* further up: does not match */
	if (named && (g < 0 || t->groups[g].kind == RT_G_HOSTLESS)) {
		const char *dot = memchr(hn, '.', hl);
		while (dot && !deepwild) {
			long dg = wildcard_of(t, hn, hl, dot + 1);
			if (dg >= 0)
				deepwild = t->groups[dg].host;
			dot = memchr(dot + 1, '.', hl - (size_t)(dot + 1 - hn));
		}
	}
	if (deepwild)
		buf_printf(&b, "note: %s matches exactly one label, not \"%s\"\n", deepwild, hn);
	if (g < 0) {
		buf_puts(&b, "host group: none (no rule host matches and there are no rules "
		             "without a host)\n");
	} else {
		const struct rt_group *gr = &t->groups[g];
		buf_printf(&b, "host group: %s \"%s\" (%zu path%s)\n", group_kind_text(gr->kind),
		           gr->host, gr->n, gr->n == 1 ? "" : "s");
		if (gr->kind == RT_G_WILDCARD)
			buf_printf(&b, "  %s matches exactly one more label\n", gr->host);
		if (gr->kind == RT_G_EXACT && wild)
			buf_printf(&b, "  %s also matches, but an exact host comes before a wildcard "
			               "[spec silent]\n", wild);
		if (gr->kind != RT_G_HOSTLESS && t->hostless >= 0)
			buf_puts(&b, "  rules without a host are not considered once a host matched\n");
		/* sec. 6, 7: the candidates */
		text_candidates(&b, t, g, win, r);
	}
	rt_text_decision(&b, d);

	/* the one-line reason */
	if (d->match == RT_RULE) {
		const struct rt_ent *e = &t->ents[win];
		bool silent = false;
		const char *kt = key_text(d->key, &silent);
		buf_printf(&why, "%s %s matches %s%s; %s%s", rt_path_type_name(e->type), e->path, np,
		           e->type == RT_EXACT ? " exactly"
		           : e->type == RT_PREFIX ? " element-wise"
		           : " as a case-sensitive string prefix [spec silent]",
		           kt, silent ? " [spec silent]" : "");
		if (d->group == RT_G_WILDCARD)
			buf_printf(&why, "; host %s matches one label", t->groups[g].host);
		else if (d->group == RT_G_EXACT && wild)
			buf_printf(&why, "; exact host before wildcard %s [spec silent]", wild);
		else if (d->group == RT_G_HOSTLESS && named)
			buf_printf(&why, "; no rule host matches %s%s%s%s, rules without a host apply",
			           hn, deepwild ? " (" : "", deepwild ? deepwild : "",
			           deepwild ? " matches one label only)" : "");
	} else {
		bool claimed = g >= 0 && g != t->hostless;
		if (claimed) {
			buf_printf(&why, "host %s (%s) has no path matching %s", t->groups[g].host,
			           group_kind_text(t->groups[g].kind), np);
			/* no fall-through [spec silent]: say when it would have mattered */
			const char *fell = NULL;
			long best, second;
			if (t->groups[g].kind == RT_G_EXACT && wg >= 0 &&
			    (rt_ref_best(t, wg, np, n, &best, &second), best >= 0))
				fell = wild;
			else if (t->hostless >= 0 &&
			         (rt_ref_best(t, t->hostless, np, n, &best, &second), best >= 0))
				fell = "rules without a host";
			if (fell) {
				buf_printf(&why, "; no fall-through to %s [spec silent]", fell);
				buf_printf(&b, "note: %s would match, but once a host group is chosen only "
				               "its paths are considered [spec silent]\n", fell);
			}
		} else if (g >= 0) {
			buf_printf(&why, "no rule without a host matches %s", np);
		} else {
			buf_printf(&why, "no rule host matches %s", named ? hn : "the request");
		}
		if (deepwild)
			buf_printf(&why, " (%s matches one label only)", deepwild);
		if (d->match == RT_DEFAULT)
			buf_puts(&why, claimed ? "; defaultBackend of the oldest Ingress with a rule for "
			                         "this host"
			                       : "; defaultBackend of the oldest Ingress");
		else
			buf_puts(&why, claimed ? "; no Ingress with a rule for this host has a "
			                         "defaultBackend"
			                       : "; no Ingress has a defaultBackend");
	}
	if (d->ingress) {
		for (size_t i = 0; i < t->nings; i++)
			if (t->ings[i].ing == d->ingress && t->ings[i].via_default_class) {
				buf_printf(&why, "; served through the default IngressClass %s "
				                 "[reference choice]", t->default_class);
				buf_printf(&b, "note: %s/%s has no class and takes the default IngressClass "
				               "%s [reference choice]\n", d->namespace_, d->name,
				           t->default_class);
			}
	}
	unsigned changes = (r->host_changes | r->path_changes) & ~(unsigned)RT_N_QUERY;
	if (changes) {
		buf_puts(&why, " (request normalised: ");
		rt_text_changes(&why, changes);
		buf_puts(&why, ")");
	}
	buf_printf(&b, "reason: %s\n", why.p ? why.p : "");
out:
	free(r);
	char *text = buf_steal(&b, NULL), *line = buf_steal(&why, NULL);
	buf_release(&b);
	buf_release(&why);
	if (!text || !line) {
		free(text);
		free(line);
		return NULL;
	}
	if (reason)
		*reason = line;
	else
		free(line);
	return text;
}
