/* Minimal YAML to JSON loader: see yamljson.h. */
#include "lib/yamljson.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define MAX_DEPTH 64
#define MAX_DOCS 10000
#define MAX_NODES 1000000

struct anchor {
	char *name;
	json_t *value;   /* borrowed from the document being built */
	size_t nodes;    /* nodes under it, for the alias bound */
};

struct ctx {
	yaml_parser_t p;
	const char *src;
	char *err;
	size_t errsz;
	struct anchor *anchors;
	size_t nanchors, capanchors;
	size_t nodes;
	bool failed;
};

static void fail_at(struct ctx *c, const yaml_mark_t *m, const char *what)
{
	if (!c->failed)
		snprintf(c->err, c->errsz, "%s:%zu:%zu: %s", c->src, m->line + 1, m->column + 1, what);
	c->failed = true;
}

static bool count(struct ctx *c, size_t n, const yaml_mark_t *m)
{
	c->nodes += n;
	if (c->nodes > MAX_NODES) {
		fail_at(c, m, "too many YAML nodes (aliases expand to more than 1000000)");
		return false;
	}
	return true;
}

static json_t *scalar(const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;
	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return json_stringn(v, n);
	if (n == 0 || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") || !strcmp(v, "NULL"))
		return json_null();
	if (!strcmp(v, "true") || !strcmp(v, "True") || !strcmp(v, "TRUE"))
		return json_true();
	if (!strcmp(v, "false") || !strcmp(v, "False") || !strcmp(v, "FALSE"))
		return json_false();
	if (strlen(v) == n) {
		char *end;
		errno = 0;
		long long i = strtoll(v, &end, 10);
		bool digits = (v[0] >= '0' && v[0] <= '9') || ((v[0] == '-' || v[0] == '+') && v[1] >= '0' && v[1] <= '9');
		if (digits && !*end && !errno)
			return json_integer(i);
		if (digits || (v[0] == '.' && v[1] >= '0' && v[1] <= '9')) {
			errno = 0;
			double d = strtod(v, &end);
			if (!*end && !errno && !strpbrk(v, "xXnN"))
				return json_real(d);
		}
	}
	return json_stringn(v, n);
}

static void anchor_add(struct ctx *c, const yaml_char_t *name, json_t *v, size_t nodes)
{
	if (!name)
		return;
	if (c->nanchors == c->capanchors) {
		size_t cap = c->capanchors ? c->capanchors * 2 : 16;
		struct anchor *na = realloc(c->anchors, cap * sizeof *na);
		if (!na) {
			c->failed = true;
			snprintf(c->err, c->errsz, "%s: out of memory", c->src);
			return;
		}
		c->anchors = na;
		c->capanchors = cap;
	}
	c->anchors[c->nanchors].name = strdup((const char *)name);
	c->anchors[c->nanchors].value = v;
	c->anchors[c->nanchors].nodes = nodes;
	c->nanchors++;
}

/* Builds the node that starts with 'ev' (already parsed); new reference or NULL. */
static json_t *node(struct ctx *c, yaml_event_t *ev, int depth)
{
	size_t before = c->nodes;
	json_t *v = NULL;
	const yaml_char_t *anchor = NULL;
	if (depth > MAX_DEPTH) {
		fail_at(c, &ev->start_mark, "YAML nested deeper than 64 levels");
		return NULL;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		if (!count(c, 1, &ev->start_mark))
			return NULL;
		anchor = ev->data.scalar.anchor;
		v = scalar(ev);
		break;
	case YAML_ALIAS_EVENT: {
		const char *name = (const char *)ev->data.alias.anchor;
		for (size_t i = c->nanchors; i-- > 0;)
			if (!strcmp(c->anchors[i].name, name)) {
				if (!count(c, c->anchors[i].nodes, &ev->start_mark))
					return NULL;
				return json_incref(c->anchors[i].value);
			}
		fail_at(c, &ev->start_mark, "unknown YAML alias");
		return NULL;
	}
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		bool map = ev->type == YAML_MAPPING_START_EVENT;
		anchor = map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
		yaml_char_t *aname = anchor ? (yaml_char_t *)strdup((const char *)anchor) : NULL;
		anchor = aname;
		if (!count(c, 1, &ev->start_mark)) {
			free(aname);
			return NULL;
		}
		v = map ? json_object() : json_array();
		for (;;) {
			yaml_event_t k;
			if (!yaml_parser_parse(&c->p, &k)) {
				fail_at(c, &c->p.problem_mark, c->p.problem ? c->p.problem : "YAML syntax error");
				break;
			}
			if (k.type == YAML_SEQUENCE_END_EVENT || k.type == YAML_MAPPING_END_EVENT) {
				yaml_event_delete(&k);
				break;
			}
			if (!map) {
				json_t *item = node(c, &k, depth + 1);
				yaml_event_delete(&k);
				if (!item)
					break;
				json_array_append_new(v, item);
				continue;
			}
			if (k.type != YAML_SCALAR_EVENT) {
				fail_at(c, &k.start_mark, "mapping keys must be scalars");
				yaml_event_delete(&k);
				break;
			}
			char *key = strndup((const char *)k.data.scalar.value, k.data.scalar.length);
			yaml_event_delete(&k);
			yaml_event_t ve;
			if (!key || !yaml_parser_parse(&c->p, &ve)) {
				fail_at(c, &c->p.problem_mark, c->p.problem ? c->p.problem : "YAML syntax error");
				free(key);
				break;
			}
			json_t *val = node(c, &ve, depth + 1);
			yaml_event_delete(&ve);
			if (!val) {
				free(key);
				break;
			}
			json_object_set_new(v, key, val);
			free(key);
		}
		if (c->failed) {
			json_decref(v);
			free(aname);
			return NULL;
		}
		anchor_add(c, anchor, v, c->nodes - before);
		free(aname);
		return v;
	}
	default:
		fail_at(c, &ev->start_mark, "unexpected YAML event");
		return NULL;
	}
	if (v && anchor)
		anchor_add(c, anchor, v, c->nodes - before);
	return v;
}

int yamljson_load(const char *buf, size_t len, const char *src, json_t *docs, char *err,
                  size_t errsz)
{
	struct ctx c = { .src = src, .err = err, .errsz = errsz };
	size_t ndocs = 0;
	if (!yaml_parser_initialize(&c.p)) {
		snprintf(err, errsz, "%s: out of memory", src);
		return -1;
	}
	yaml_parser_set_input_string(&c.p, (const unsigned char *)buf, len);
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&c.p, &ev)) {
			fail_at(&c, &c.p.problem_mark, c.p.problem ? c.p.problem : "YAML syntax error");
			break;
		}
		yaml_event_type_t t = ev.type;
		if (t == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (t == YAML_DOCUMENT_START_EVENT) {
			for (size_t i = 0; i < c.nanchors; i++)   /* anchors are per document */
				free(c.anchors[i].name);
			c.nanchors = 0;
			if (++ndocs > MAX_DOCS)
				fail_at(&c, &ev.start_mark, "more than 10000 YAML documents");
		} else if (t != YAML_DOCUMENT_END_EVENT && t != YAML_STREAM_START_EVENT) {
			json_t *doc = node(&c, &ev, 0);
			if (doc && !json_is_null(doc))
				json_array_append(docs, doc);
			json_decref(doc);
		}
		yaml_event_delete(&ev);
		if (c.failed)
			break;
	}
	for (size_t i = 0; i < c.nanchors; i++)
		free(c.anchors[i].name);
	free(c.anchors);
	yaml_parser_delete(&c.p);
	return c.failed ? -1 : 0;
}
