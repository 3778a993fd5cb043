/* The policy configuration file (see policyconf.h). */
#include "checks/policyconf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

struct pc {
	yaml_document_t *doc;
	const char *name;
	char *msg;
	size_t msgsize;
	enum iw_err rc;   /* the reason of the failure fail() describes: IW_EINVAL by default */
};

/* Writes "NAME:LINE:COLUMN: what" into the caller's buffer; returns c->rc. */
__attribute__((format(printf, 3, 4)))
static enum iw_err fail(struct pc *c, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (n)
		snprintf(c->msg, c->msgsize, "%s:%zu:%zu: %s", c->name, n->start_mark.line + 1,
		         n->start_mark.column + 1, msg);
	else
		snprintf(c->msg, c->msgsize, "%s: %s", c->name, msg);
	return c->rc;
}

static enum iw_err oom(struct pc *c, const yaml_node_t *n)
{
	c->rc = IW_ENOMEM;
	return fail(c, n, "%s", iw_strerror(IW_ENOMEM));
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static enum iw_err severity(struct pc *c, const yaml_node_t *n, enum iw_severity *out)
{
	const char *s = scalar(n);
	if (s && !strcmp(s, "error"))
		*out = IW_SEV_ERROR;
	else if (s && !strcmp(s, "warning"))
		*out = IW_SEV_WARNING;
	else if (s && (!strcmp(s, "off") || !strcmp(s, "false")))
		*out = IW_SEV_OFF;
	else {
		return fail(c, n, "severity must be error, warning or off%s%s%s", s ? " (got \"" : "",
		     s ? s : "", s ? "\")" : "");
	}
	return IW_OK;
}

static enum iw_err str_list(struct pc *c, const yaml_node_t *n, const char *key, char ***out, size_t *nout)
{
	if (*out) {
		return fail(c, n, "%s given twice", key);
	}
	if (n->type != YAML_SEQUENCE_NODE) {
		return fail(c, n, "%s must be a list of names", key);
	}
	size_t len = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (len > 10000) {
		return fail(c, n, "%s has more than 10000 entries", key);
	}
	char **v = calloc(len ? len : 1, sizeof *v);
	if (!v) {
		return oom(c, n);
	}
	*out = v;   /* owned by the policy from here on, even on failure */
	for (size_t i = 0; i < len; i++) {
		const yaml_node_t *it = yaml_document_get_node(c->doc, n->data.sequence.items.start[i]);
		const char *s = scalar(it);
		if (!s || !*s) {
			return fail(c, it, "%s entries must be non-empty names", key);
		}
		if (!(v[i] = strdup(s))) {
			return oom(c, it);
		}
		*nout = i + 1;
	}
	return IW_OK;
}

static enum iw_err check_conf(struct pc *c, enum iw_check_id id, const yaml_node_t *n, struct iw_check_conf *cf)
{
	const struct iw_check_info *info = iw_check_info(id);
	if (n->type == YAML_SCALAR_NODE)
		return severity(c, n, &cf->severity);
	if (n->type != YAML_MAPPING_NODE) {
		return fail(c, n, "check %s: expected a severity or a mapping", info->id);
	}
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		const yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
		const char *key = scalar(k);
		enum iw_err r;
		if (!key) {
			return fail(c, k, "check %s: keys must be strings", info->id);
		}
		if (!strcmp(key, "severity"))
			r = severity(c, v, &cf->severity);
		else if (info->alt_key && !strcmp(key, info->alt_key))
			r = severity(c, v, &cf->alt_severity);
		else if (!strcmp(key, "namespaces"))
			r = str_list(c, v, key, &cf->namespaces, &cf->nnamespaces);
		else if (!strcmp(key, "excludeNamespaces"))
			r = str_list(c, v, key, &cf->exclude_namespaces, &cf->nexclude_namespaces);
		else if (!strcmp(key, "ingressClasses"))
			r = str_list(c, v, key, &cf->classes, &cf->nclasses);
		else {
			return fail(c, k, "check %s: unknown key \"%s\" (severity%s%s, namespaces, "
			     "excludeNamespaces, ingressClasses)", info->id, key,
			     info->alt_key ? ", " : "", info->alt_key ? info->alt_key : "");
		}
		if (r)
			return r;
	}
	return IW_OK;
}

/* classes: {IngressClass name: profile} */
static enum iw_err classes(struct pc *c, const yaml_node_t *v, struct iw_profile_conf *pc)
{
	if (v->type == YAML_SCALAR_NODE && !*scalar(v))
		return IW_OK;   /* "classes:" with nothing under it */
	if (v->type != YAML_MAPPING_NODE)
		return fail(c, v, "\"classes\" must map IngressClass names to profiles (%s)",
		            iw_profile_names());
	if (pc->classes)
		return fail(c, v, "classes given twice");
	size_t len = (size_t)(v->data.mapping.pairs.top - v->data.mapping.pairs.start);
	if (len > 10000)
		return fail(c, v, "classes has more than 10000 entries");
	if (!(pc->classes = calloc(len ? len : 1, sizeof *pc->classes)))
		return oom(c, v);
	for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++) {
		const yaml_node_t *k = yaml_document_get_node(c->doc, q->key);
		const yaml_node_t *x = yaml_document_get_node(c->doc, q->value);
		const char *name = scalar(k), *prof = scalar(x);
		const struct iw_profile *pr = prof ? iw_profile_lookup(prof) : NULL;
		if (!name || !*name)
			return fail(c, k, "classes: keys must be IngressClass names");
		if (!pr)
			return fail(c, x, "classes: unknown profile \"%s\" for class \"%s\" (%s)",
			            prof ? prof : "?", name, iw_profile_names());
		for (size_t i = 0; i < pc->nclasses; i++)
			if (!strcmp(pc->classes[i].cls, name))
				return fail(c, k, "classes: class \"%s\" given twice", name);
		if (!(pc->classes[pc->nclasses].cls = strdup(name)))
			return oom(c, k);
		pc->classes[pc->nclasses++].id = pr->id;
	}
	return IW_OK;
}

static enum iw_err top(struct pc *c, struct iw_policy *p)
{
	const yaml_node_t *root = yaml_document_get_root_node(c->doc);
	if (!root || (root->type == YAML_SCALAR_NODE && !*scalar(root)))
		return IW_OK;   /* an empty file: the defaults */
	if (root->type != YAML_MAPPING_NODE) {
		return fail(c, root, "expected a mapping with a \"checks\" or \"classes\" key");
	}
	for (yaml_node_pair_t *t = root->data.mapping.pairs.start; t < root->data.mapping.pairs.top; t++) {
		const yaml_node_t *k = yaml_document_get_node(c->doc, t->key);
		const yaml_node_t *v = yaml_document_get_node(c->doc, t->value);
		if (scalar(k) && !strcmp(scalar(k), "classes")) {
			enum iw_err r = classes(c, v, &p->profiles);
			if (r)
				return r;
			continue;
		}
		if (scalar(k) && !strcmp(scalar(k), "ignoreAnnotation")) {
			const char *m = scalar(v);
			if (m && !strcmp(m, "warnings"))
				p->ignore = IW_IGNORE_WARNINGS;
			else if (m && !strcmp(m, "all"))
				p->ignore = IW_IGNORE_ALL;
			else if (m && !strcmp(m, "off"))
				p->ignore = IW_IGNORE_NONE;
			else
				return fail(c, v, "ignoreAnnotation must be warnings (the default: the "
				            IW_IGNORE_ANNOTATION " annotation silences warnings only), all or off");
			continue;
		}
		if (!scalar(k) || strcmp(scalar(k), "checks")) {
			return fail(c, k, "unknown key \"%s\" (expected \"checks\", \"classes\" or "
			            "\"ignoreAnnotation\")", scalar(k) ? scalar(k) : "?");
		}
		if (v->type == YAML_SCALAR_NODE && !*scalar(v))
			continue;   /* "checks:" with nothing under it */
		if (v->type != YAML_MAPPING_NODE) {
			return fail(c, v, "\"checks\" must map check IDs to settings");
		}
		for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++) {
			const yaml_node_t *ck = yaml_document_get_node(c->doc, q->key);
			const yaml_node_t *cv = yaml_document_get_node(c->doc, q->value);
			enum iw_check_id id;
			enum iw_err r;
			if (!scalar(ck) || iw_check_lookup(scalar(ck), &id))
				return fail(c, ck, "unknown check \"%s\"", scalar(ck) ? scalar(ck) : "?");
			if ((r = check_conf(c, id, cv, &p->check[id])))
				return r;
		}
	}
	return IW_OK;
}

enum iw_err iw_policyconf_parse(const char *buf, size_t len, const char *name,
                                struct iw_policy **out, char *msg, size_t msgsize)
{
	struct pc c = { .name = name ? name : "config", .msg = msg, .msgsize = msgsize,
	                .rc = IW_EINVAL };
	yaml_parser_t parser;
	yaml_document_t doc;
	struct iw_policy *p = NULL;
	enum iw_err rc;
	*out = NULL;
	if (len > IW_POLICYCONF_MAX_BYTES) {
		c.rc = IW_ETOOBIG;
		return fail(&c, NULL, "larger than %u bytes", IW_POLICYCONF_MAX_BYTES);
	}
	if (!yaml_parser_initialize(&parser))
		return oom(&c, NULL);
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		if (parser.error == YAML_MEMORY_ERROR) {
			rc = oom(&c, NULL);
		} else {
			snprintf(msg, msgsize, "%s:%zu:%zu: %s", c.name, parser.problem_mark.line + 1,
			         parser.problem_mark.column + 1,
			         parser.problem ? parser.problem : "YAML error");
			rc = IW_ESYNTAX;
		}
		yaml_parser_delete(&parser);
		return rc;
	}
	c.doc = &doc;
	if (!(p = iw_policy_new())) {
		rc = oom(&c, NULL);
	} else if ((rc = top(&c, p))) {
		iw_policy_free(p);
		p = NULL;
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	*out = p;
	return rc;
}
