/*
 * The checks of the NGINX Inc profile (F5 NGINX Ingress Controller,
 * nginx/kubernetes-ingress 0eb3072d14f0).  Sources:
 *   internal/k8s/validation.go validateIngress (:788-828), validateIngressSpec
 *       (:1245-1290), validateBackend, validateMasterSpec / validateMinionSpec
 *       (:1424-1450), validateMergeableIngressTypeAnnotation (:963-967);
 *   internal/k8s/configuration.go: step 1 of rebuildHosts (:1640-1680): every
 *       Ingress but the minions claims the hosts of its rules, one Ingress per
 *       host, the winner chosen by chooseObjectMetaWinner (:65-71: the older
 *       creationTimestamp, at equal ones the greater metadata.uid), the loser
 *       gets "host X is taken by another resource" and its rules for that host
 *       are not served; buildMinionConfigs (:1802-1845): the minions of a
 *       master's host, their paths keyed by the path string alone (not the
 *       pathType), the older minion keeping a path;
 *   examples/ingress-resources/mergeable-ingress-types/README.md.
 *
 *   controller-rejects (nginx-inc)  what validateIngress refuses (the
 *       Ingress is rejected, not served): no rules; a rule without a host
 *       (the default -allow-empty-ingress-host=false); a host twice in one
 *       Ingress; a resource backend; a mergeable-ingress-type other than
 *       master / minion; a master with other than one rule or with paths; a
 *       minion with TLS, with other than one rule, or without paths.
 *   host-path-conflict (nginx-inc)  a host another Ingress of the class holds
 *       (masters and regular Ingresses: one per host); a minion path another
 *       minion of the host holds.
 *   minion-without-master          a minion whose host has no master: the
 *       controller builds minions only into their master's server.
 */
#include "checks/checkctx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MERGEABLE "nginx.org/mergeable-ingress-type"

enum nic_kind { NIC_REGULAR, NIC_MASTER, NIC_MINION, NIC_INVALID };

static enum nic_kind kind_of(const struct ingress *ing)
{
	const char *v = iw_meta_annotation(&ing->meta, MERGEABLE);
	if (!v)
		return NIC_REGULAR;
	return !strcmp(v, "master") ? NIC_MASTER : !strcmp(v, "minion") ? NIC_MINION : NIC_INVALID;
}

/* chooseObjectMetaWinner: >0 when a wins, <0 when b wins, 0 when it is
 * decided by metadata.uid (equal creationTimestamps) or unknown.  An object
 * without a creationTimestamp (one being created) is the newest. */
static int nic_wins(const struct ingress *a, const struct ingress *b)
{
	long long ta = 0, tb = 0;
	bool ha = a->meta.creation_timestamp && iw_parse_time(a->meta.creation_timestamp, &ta);
	bool hb = b->meta.creation_timestamp && iw_parse_time(b->meta.creation_timestamp, &tb);
	if (ha != hb)
		return ha ? 1 : -1;
	if (!ha || ta == tb)
		return 0;
	return ta < tb ? 1 : -1;
}

static const char *host_of(const struct ingress *ing)
{
	return ing->nrules ? iw_nz(ing->rules[0].host) : "";
}

#define RULES_FP FP_KEY(FP_KEY(NULL, "spec"), "rules")

void chk_nic_spec(struct chk_ctx *c)
{
	const struct ingress *ing = c->ing;
	const char *pre = "the NGINX Ingress Controller rejects the Ingress (internal/k8s/validation.go)";
	enum nic_kind k = kind_of(ing);
	if (k == NIC_INVALID)
		chk_emit(c, IW_CHK_CONTROLLER_REJECTS, false,
		         FP_KEY(FP_KEY(FP_KEY(NULL, "metadata"), "annotations"), MERGEABLE),
		         "annotation %s must be one of: 'master' or 'minion': %s", MERGEABLE, pre);
	if (!ing->nrules) {
		chk_emit(c, IW_CHK_CONTROLLER_REJECTS, false, FP_KEY(NULL, "spec"),
		         "no spec.rules: %s; it serves no defaultBackend-only Ingress", pre);
		return;
	}
	for (size_t r = 0; r < ing->nrules; r++) {
		const char *h = iw_nz(ing->rules[r].host);
		if (!*h)
			chk_emit(c, IW_CHK_CONTROLLER_REJECTS, false, CHK_RULE_FP(r),
			         "a rule without a host: %s unless it runs with "
			         "-allow-empty-ingress-host (default false)", pre);
		else
			for (size_t q = 0; q < r; q++)
				if (!strcmp(h, iw_nz(ing->rules[q].host))) {
					chk_emit(c, IW_CHK_CONTROLLER_REJECTS, false,
					         FP_KEY(CHK_RULE_FP(r), "host"),
					         "host \"%s\" again (also spec.rules[%zu]): %s", h, q, pre);
					break;
				}
		for (size_t j = 0; j < ing->rules[r].npaths; j++)
			if (ing->rules[r].paths[j].backend.has_resource)
				chk_emit(c, IW_CHK_CONTROLLER_REJECTS, false,
				         FP_KEY(CHK_PATH_FP(r, j), "backend"),
				         "a resource backend: %s (resource backends are not supported)", pre);
	}
	if (ing->has_default_backend && ing->default_backend.has_resource)
		chk_emit(c, IW_CHK_CONTROLLER_REJECTS, false,
		         FP_KEY(FP_KEY(NULL, "spec"), "defaultBackend"),
		         "a resource defaultBackend: %s (resource backends are not supported)", pre);
	if (k == NIC_MASTER) {
		if (ing->nrules != 1)
			chk_emit(c, IW_CHK_CONTROLLER_REJECTS, false, RULES_FP,
			         "a master (%s) has exactly one rule, this one %zu: %s", MERGEABLE,
			         ing->nrules, pre);
		else if (ing->rules[0].npaths)
			chk_emit(c, IW_CHK_CONTROLLER_REJECTS, false,
			         FP_KEY(FP_KEY(CHK_RULE_FP(0), "http"), "paths"),
			         "a master (%s) has no paths (its minions bring them), this one %zu: %s",
			         MERGEABLE, ing->rules[0].npaths, pre);
	} else if (k == NIC_MINION) {
		if (ing->ntls)
			chk_emit(c, IW_CHK_CONTROLLER_REJECTS, false, FP_KEY(FP_KEY(NULL, "spec"), "tls"),
			         "a minion (%s) has no spec.tls (TLS is the master's): %s", MERGEABLE, pre);
		if (ing->nrules != 1)
			chk_emit(c, IW_CHK_CONTROLLER_REJECTS, false, RULES_FP,
			         "a minion (%s) has exactly one rule, this one %zu: %s", MERGEABLE,
			         ing->nrules, pre);
		else if (!ing->rules[0].npaths)
			chk_emit(c, IW_CHK_CONTROLLER_REJECTS, false, CHK_RULE_FP(0),
			         "a minion (%s) has at least one path: %s", MERGEABLE, pre);
	}
}

/* "older" / "newer" / "of the same age (the greater metadata.uid wins)" */
static const char *age_word(int w)
{
	return w > 0 ? "newer" : w < 0 ? "older" : "created at the same time (the greater "
	                                            "metadata.uid wins)";
}

static void minion(struct chk_ctx *c, const struct ingress *const *nb, size_t nn)
{
	const char *h = host_of(c->ing);
	bool master = false;
	for (size_t i = 0; i < nn && !master; i++)   /* one the controller accepts */
		master = kind_of(nb[i]) == NIC_MASTER && nb[i]->nrules == 1 &&
		         !nb[i]->rules[0].npaths && !strcmp(host_of(nb[i]), h);
	if (!master)
		chk_emit(c, IW_CHK_MINION_WITHOUT_MASTER, false, CHK_RULE_FP(0),
		         "minion (%s) for host \"%s\" has no master: no Ingress of the class with "
		         "%s: master (one rule, no paths) names this host, and the NGINX Ingress "
		         "Controller builds minions only into their master's server, so none of its "
		         "paths is served", MERGEABLE, h, MERGEABLE);
	if (!chk_enabled(c, IW_CHK_HOST_PATH_CONFLICT) || !c->ing->nrules)
		return;
	const struct iw_rule *mine = &c->ing->rules[0];
	for (size_t j = 0; j < mine->npaths; j++) {
		const char *p = iw_nz(mine->paths[j].path);
		for (size_t i = 0; i < nn; i++) {
			const struct ingress *o = nb[i];
			if (kind_of(o) != NIC_MINION || strcmp(host_of(o), h))
				continue;
			const struct iw_rule *theirs = &o->rules[0];
			size_t k = 0;
			while (k < theirs->npaths && strcmp(iw_nz(theirs->paths[k].path), p))
				k++;
			if (k == theirs->npaths)
				continue;
			int w = nic_wins(c->ing, o);
			bool same_ns = !strcmp(iw_namespace(&o->meta), c->ns);
			chk_emit(c, IW_CHK_HOST_PATH_CONFLICT, same_ns, CHK_PATH_FP(0, j),
			         "path \"%s\" on host \"%s\" is also a path of minion %s/%s "
			         "(spec.rules[0].http.paths[%zu]): the NGINX Ingress Controller keys the "
			         "paths of a master's minions by the path alone (pathType aside) and the "
			         "older minion keeps it; %s",
			         p, h, iw_namespace(&o->meta), iw_nz(o->meta.name), k,
			         w < 0 ? "that one is older: this path is not served"
			         : w > 0 ? "this Ingress is older: it takes the path from that one"
			                 : "both were created at the same time: the greater metadata.uid "
			                   "keeps it");
			break;
		}
	}
}

void chk_nic(struct chk_ctx *c, const struct ingress *const *nb, size_t nn)
{
	enum nic_kind k = kind_of(c->ing);
	if (k == NIC_INVALID)
		return;   /* rejected (chk_nic_spec) */
	if (k == NIC_MINION) {
		/* a minion the controller rejects (chk_nic_spec) is not looked at */
		if (c->ing->nrules == 1 && *host_of(c->ing) && !c->ing->ntls &&
		    c->ing->rules[0].npaths)
			minion(c, nb, nn);
		return;
	}
	if (!chk_enabled(c, IW_CHK_HOST_PATH_CONFLICT))
		return;
	for (size_t hi = 0; hi < c->nhosts; hi++) {
		size_t r = c->host_rules[hi];
		const char *h = iw_nz(c->ing->rules[r].host);
		if (!*h)
			continue;   /* refused (chk_nic_spec) */
		for (size_t i = 0; i < nn; i++) {
			const struct ingress *o = nb[i];
			enum nic_kind ok = kind_of(o);
			if (ok == NIC_MINION || ok == NIC_INVALID ||
			    (ok == NIC_MASTER && (o->nrules != 1 || o->rules[0].npaths)))
				continue;   /* no host claim; a master it rejects */
			bool names = false;
			for (size_t q = 0; q < o->nrules && !names; q++)
				names = !strcmp(iw_nz(o->rules[q].host), h);
			if (!names)
				continue;
			int w = nic_wins(c->ing, o);
			bool same_ns = !strcmp(iw_namespace(&o->meta), c->ns);
			chk_emit(c, IW_CHK_HOST_PATH_CONFLICT, same_ns, FP_KEY(CHK_RULE_FP(r), "host"),
			         "host \"%s\" is also a host of ingress %s/%s, which is %s: the NGINX "
			         "Ingress Controller gives each host to one Ingress (the oldest; "
			         "%s: master and minion Ingresses share one), %s",
			         h, iw_namespace(&o->meta), iw_nz(o->meta.name), age_word(w), MERGEABLE,
			         w < 0 ? "so none of this Ingress's rules for the host is served "
			                 "(\"host is taken by another resource\")"
			         : w > 0 ? "so this Ingress takes the host and that Ingress's rules for "
			                   "it stop being served"
			                 : "so the rules of one of them for the host are not served");
		}
	}
}
