/* JSON values as YAML documents (see yamlout.h). */
#include "load/yamlout.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "base/buf.h"
#include "load/yamldoc.h"

#define YO_MAX (SIZE_MAX / 2)

static int write_cb(void *data, unsigned char *buffer, size_t size)
{
	return buf_add(data, buffer, size) == IW_OK;
}

static bool scalar(yaml_emitter_t *e, const char *s, size_t len, bool quote_if_needed)
{
	yaml_event_t ev;
	yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE;
	if (quote_if_needed && !yd_plain_is_string(s, len))
		style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	/* plain_implicit: a plain scalar needs no tag; quoted_implicit: neither does a quoted one */
	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (const yaml_char_t *)s, (int)len, 1, 1,
	                                  style))
		return false;
	return yaml_emitter_emit(e, &ev);
}

static bool value(yaml_emitter_t *e, const json_t *v)
{
	yaml_event_t ev;
	char num[64];
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE) ||
		    !yaml_emitter_emit(e, &ev))
			return false;
		const char *k;
		json_t *x;
		json_object_foreach((json_t *)v, k, x)
			if (!scalar(e, k, strlen(k), true) || !value(e, x))
				return false;
		return yaml_mapping_end_event_initialize(&ev) && yaml_emitter_emit(e, &ev);
	}
	case JSON_ARRAY: {
		if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE) ||
		    !yaml_emitter_emit(e, &ev))
			return false;
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
			if (!value(e, x))
				return false;
		return yaml_sequence_end_event_initialize(&ev) && yaml_emitter_emit(e, &ev);
	}
	case JSON_STRING:
		return scalar(e, json_string_value(v), json_string_length(v), true);
	case JSON_INTEGER:
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return scalar(e, num, strlen(num), false);
	case JSON_REAL: {
		snprintf(num, sizeof num, "%.17g", json_real_value(v));
		if (!strpbrk(num, ".eEn"))   /* 1e+21 stays; 5 becomes 5.0 (a real) */
			strcat(num, ".0");
		return scalar(e, num, strlen(num), false);
	}
	case JSON_TRUE:
		return scalar(e, "true", 4, false);
	case JSON_FALSE:
		return scalar(e, "false", 5, false);
	default:
		return scalar(e, "null", 4, false);
	}
}

enum iw_err yo_dump(json_t *const *docs, size_t n, char **out, size_t *len)
{
	*out = NULL;
	struct buf b;
	buf_init(&b, YO_MAX);
	yaml_emitter_t e;
	yaml_event_t ev;
	if (!yaml_emitter_initialize(&e))
		return IW_ENOMEM;
	yaml_emitter_set_output(&e, write_cb, &b);
	yaml_emitter_set_unicode(&e, 1);
	yaml_emitter_set_width(&e, -1);   /* long strings stay on one line */
	yaml_emitter_set_indent(&e, 2);
	bool ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) &&
	          yaml_emitter_emit(&e, &ev);
	for (size_t i = 0; ok && i < n; i++) {
		ok = yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, i == 0) &&
		     yaml_emitter_emit(&e, &ev) && value(&e, docs[i]) &&
		     yaml_document_end_event_initialize(&ev, 1) && yaml_emitter_emit(&e, &ev);
	}
	ok = ok && yaml_stream_end_event_initialize(&ev) && yaml_emitter_emit(&e, &ev) &&
	     yaml_emitter_flush(&e);
	enum iw_err rc = IW_OK;
	if (!ok)
		rc = b.err ? b.err : e.error == YAML_MEMORY_ERROR ? IW_ENOMEM : IW_EINVAL;
	yaml_emitter_delete(&e);
	if (!rc && !(*out = buf_steal(&b, len)))
		rc = b.err ? b.err : IW_ENOMEM;
	buf_release(&b);
	return rc;
}
