/* Field error lists and their renderings (k8s.io/apimachinery field.Error). */
#include "model/fielderr.h"
#include "base/utf8.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_text[] = {
	[FE_REQUIRED] = "Required value",
	[FE_INVALID] = "Invalid value",
	[FE_NOT_SUPPORTED] = "Unsupported value",
	[FE_FORBIDDEN] = "Forbidden",
	[FE_DUPLICATE] = "Duplicate value",
	[FE_TOO_LONG] = "Too long",
	[FE_TOO_MANY] = "Too many items",
	[FE_NOT_FOUND] = "Not found",
	[FE_TYPE_INVALID] = "Invalid type",
};

static const char *const type_reason[] = {
	[FE_REQUIRED] = "FieldValueRequired",
	[FE_INVALID] = "FieldValueInvalid",
	[FE_NOT_SUPPORTED] = "FieldValueNotSupported",
	[FE_FORBIDDEN] = "FieldValueForbidden",
	[FE_DUPLICATE] = "FieldValueDuplicate",
	[FE_TOO_LONG] = "FieldValueTooLong",
	[FE_TOO_MANY] = "FieldValueTooMany",
	[FE_NOT_FOUND] = "FieldValueNotFound",
	[FE_TYPE_INVALID] = "FieldValueTypeInvalid",
};

const char *fe_type_text(enum fe_type t)
{
	return (unsigned)t < sizeof type_text / sizeof *type_text ? type_text[t] : "Internal error";
}

const char *fe_type_reason(enum fe_type t)
{
	return (unsigned)t < sizeof type_reason / sizeof *type_reason ? type_reason[t] : "InternalError";
}

/* Appends 's' at *pos inside buf[size]; keeps counting past the end. */
static void put(char *buf, size_t size, size_t *pos, const char *s, size_t n)
{
	if (*pos < size) {
		size_t room = size - *pos - 1;
		memcpy(buf + *pos, s, n < room ? n : room);
	}
	*pos += n;
}

static size_t render(const struct fpath *p, char *buf, size_t size, size_t pos)
{
	char num[32];
	if (!p)
		return pos;
	pos = render(p->up, buf, size, pos);
	if (p->key) {
		if (p->up)
			put(buf, size, &pos, ".", 1);
		put(buf, size, &pos, p->key, strlen(p->key));
	} else {
		int n = snprintf(num, sizeof num, "[%ld]", p->idx);
		put(buf, size, &pos, num, (size_t)n);
	}
	return pos;
}

size_t fpath_render(const struct fpath *p, char *buf, size_t size)
{
	size_t n = render(p, buf, size, 0);
	if (size)
		buf[n < size ? n : size - 1] = '\0';
	return n;
}

static void push(struct errlist *el, enum fe_type t, char *field, const char *value, char *detail)
{
	char *val = NULL;
	if (el->err)
		goto fail;
	if (value && !(val = strdup(value)))
		goto fail;
	if (!field || !detail)
		goto fail;
	if (el->n == el->cap) {
		size_t cap = el->cap ? el->cap * 2 : 8;
		struct field_err *v = realloc(el->v, cap * sizeof *v);
		if (!v)
			goto fail;
		el->v = v;
		el->cap = cap;
	}
	el->v[el->n++] = (struct field_err){ t, field, val, detail };
	return;
fail:
	if (!el->err)
		el->err = IW_ENOMEM;
	free(field);
	free(val);
	free(detail);
}

void fe_add(struct errlist *el, enum fe_type t, const struct fpath *at,
            const char *value, const char *fmt, ...)
{
	char small[256], *field, *detail = NULL;
	size_t n = fpath_render(at, small, sizeof small);
	if (n < sizeof small) {
		field = strdup(small);
	} else if ((field = malloc(n + 1))) {
		fpath_render(at, field, n + 1);
	}
	if (!fmt || !*fmt) {
		detail = strdup("");
	} else {
		va_list ap;
		va_start(ap, fmt);
		int len = vsnprintf(NULL, 0, fmt, ap);
		va_end(ap);
		if (len >= 0 && (detail = malloc((size_t)len + 1))) {
			va_start(ap, fmt);
			vsnprintf(detail, (size_t)len + 1, fmt, ap);
			va_end(ap);
		}
	}
	push(el, t, field, value, detail);
}

void fe_add_str(struct errlist *el, enum fe_type t, const char *field,
                const char *value, const char *detail)
{
	push(el, t, strdup(field ? field : ""), value, strdup(detail ? detail : ""));
}

void errlist_extend(struct errlist *el, const struct errlist *src)
{
	for (size_t i = 0; i < src->n; i++)
		fe_add_str(el, src->v[i].type, src->v[i].field, src->v[i].value, src->v[i].detail);
	if (src->err && !el->err)
		el->err = src->err;
}

void errlist_release(struct errlist *el)
{
	for (size_t i = 0; i < el->n; i++) {
		free(el->v[i].field);
		free(el->v[i].value);
		free(el->v[i].detail);
	}
	free(el->v);
	*el = (struct errlist){ 0 };
}

bool errlist_has_type_error(const struct errlist *el)
{
	for (size_t i = 0; i < el->n; i++)
		if (el->v[i].type == FE_TYPE_INVALID)
			return true;
	return false;
}

/* Decodes one UTF-8 sequence; returns its length, or 0 if invalid (Go's RuneError width 1). */
static size_t utf8_decode(const unsigned char *s, uint32_t *r)
{
	unsigned c = s[0];
	if (c < 0x80) {
		*r = c;
		return 1;
	}
	size_t n;
	uint32_t v, min;
	if ((c & 0xE0) == 0xC0) { n = 2; v = c & 0x1F; min = 0x80; }
	else if ((c & 0xF0) == 0xE0) { n = 3; v = c & 0x0F; min = 0x800; }
	else if ((c & 0xF8) == 0xF0) { n = 4; v = c & 0x07; min = 0x10000; }
	else return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*r = v;
	return n;
}

/* An approximation of unicode.IsPrint for runes >= 0x80. */
static bool rune_printable(uint32_t r)
{
	if (r < 0xA0)
		return false;           /* C1 controls */
	if (r == 0xAD || r == 0x2028 || r == 0x2029 || r == 0xFEFF)
		return false;
	if (r >= 0x200B && r <= 0x200F)
		return false;
	if (r >= 0x202A && r <= 0x202E)
		return false;
	if (r >= 0x2060 && r <= 0x206F)
		return false;
	if (r >= 0xE000 && r <= 0xF8FF)
		return false;           /* private use */
	if (r >= 0xFFF9 && r <= 0xFFFB)
		return false;
	if ((r & 0xFFFE) == 0xFFFE)
		return false;           /* noncharacters */
	if (r >= 0xF0000)
		return false;
	return true;
}

/*
 * Go's %q of str; a value longer than FE_ECHO_MAX bytes is quoted as its
 * first bytes (cut on a character boundary) and "…", with its length after
 * the quote: "aaaa…" (3000000 bytes).  The API server echoes the whole value
 * (field.Error.ErrorBody); a webhook that did so would answer a 3 MB name
 * with a 12 MB Status (issue 11).
 */
static size_t quote_into(const char *str, char *buf, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	size_t len = strlen(str), cut = iw_utf8_prefix(str, len, FE_ECHO_MAX);
	const unsigned char *end = s + cut;
	size_t pos = 0;
	char tmp[40];
	put(buf, size, &pos, "\"", 1);
	while (s < end) {
		uint32_t r;
		size_t w = utf8_decode(s, &r);
		if (w == 0) {
			tmp[0] = '\\'; tmp[1] = 'x'; tmp[2] = hex[*s >> 4]; tmp[3] = hex[*s & 15];
			put(buf, size, &pos, tmp, 4);
			s++;
			continue;
		}
		if (r == '"' || r == '\\') {
			tmp[0] = '\\'; tmp[1] = (char)r;
			put(buf, size, &pos, tmp, 2);
		} else if (r >= 0x20 && r < 0x7F) {
			put(buf, size, &pos, (const char *)s, 1);
		} else if (r >= 0x80 && rune_printable(r)) {
			put(buf, size, &pos, (const char *)s, w);
		} else {
			const char *esc = NULL;
			switch (r) {
			case '\a': esc = "\\a"; break;
			case '\b': esc = "\\b"; break;
			case '\f': esc = "\\f"; break;
			case '\n': esc = "\\n"; break;
			case '\r': esc = "\\r"; break;
			case '\t': esc = "\\t"; break;
			case '\v': esc = "\\v"; break;
			}
			if (esc) {
				put(buf, size, &pos, esc, 2);
			} else if (r < 0x20 || r == 0x7F) {
				tmp[0] = '\\'; tmp[1] = 'x'; tmp[2] = hex[r >> 4]; tmp[3] = hex[r & 15];
				put(buf, size, &pos, tmp, 4);
			} else if (r < 0x10000) {
				int n = snprintf(tmp, sizeof tmp, "\\u%04x", (unsigned)r);
				put(buf, size, &pos, tmp, (size_t)n);
			} else {
				int n = snprintf(tmp, sizeof tmp, "\\U%08x", (unsigned)r);
				put(buf, size, &pos, tmp, (size_t)n);
			}
		}
		s += w;
	}
	if (cut < len) {
		int n = snprintf(tmp, sizeof tmp, "\xe2\x80\xa6\" (%zu bytes)", len);
		put(buf, size, &pos, tmp, (size_t)n);
	} else {
		put(buf, size, &pos, "\"", 1);
	}
	if (size)
		buf[pos < size ? pos : size - 1] = '\0';
	return pos;
}

void fe_quote_buf(const char *s, char *buf, size_t size)
{
	quote_into(s, buf, size);
}

char *fe_quote(const char *s)
{
	size_t n = quote_into(s, NULL, 0);
	char *d = malloc(n + 1);
	if (d)
		quote_into(s, d, n + 1);
	return d;
}

const char *fe_int(long long v, char *buf, size_t size)
{
	snprintf(buf, size, "%lld", v);
	return buf;
}

char *fe_body(const struct field_err *e)
{
	const char *t = fe_type_text(e->type);
	const char *d = e->detail ? e->detail : "";
	size_t n = strlen(t) + 1;
	bool show_value = e->value && (e->type == FE_INVALID || e->type == FE_NOT_SUPPORTED ||
	                               e->type == FE_DUPLICATE || e->type == FE_TYPE_INVALID ||
	                               e->type == FE_NOT_FOUND);
	if (show_value)
		n += 2 + strlen(e->value);
	if (*d)
		n += 2 + strlen(d);
	char *s = malloc(n);
	if (!s)
		return NULL;
	strcpy(s, t);
	if (show_value) {
		strcat(s, ": ");
		strcat(s, e->value);
	}
	if (*d) {
		strcat(s, ": ");
		strcat(s, d);
	}
	return s;
}

char *fe_string(const struct field_err *e)
{
	char *body = fe_body(e);
	if (!body)
		return NULL;
	size_t fl = strlen(e->field), bl = strlen(body);
	char *s = malloc(fl + 2 + bl + 1);
	if (s) {
		memcpy(s, e->field, fl);
		memcpy(s + fl, ": ", 2);
		memcpy(s + fl + 2, body, bl + 1);
	}
	free(body);
	return s;
}

struct fe_str {
	char *s;
	size_t i;
};

static int cmp_fe_str(const void *a, const void *b)
{
	const struct fe_str *x = a, *y = b;
	int r = strcmp(x->s, y->s);
	return r ? r : (x->i > y->i) - (x->i < y->i);
}

enum iw_err fe_distinct(const struct errlist *el, char ***strs, size_t **idx, size_t *n)
{
	struct fe_str *v = malloc((el->n ? el->n : 1) * sizeof *v);
	char **out = calloc(el->n ? el->n : 1, sizeof *out);
	size_t k = 0, *ix = idx ? malloc((el->n ? el->n : 1) * sizeof *ix) : NULL;
	*strs = NULL;
	*n = 0;
	if (idx)
		*idx = NULL;
	if (!v || !out || (idx && !ix))
		goto oom;
	if (!el->n)
		goto done;
	for (size_t i = 0; i < el->n; i++) {
		if (!(v[i].s = fe_string(&el->v[i]))) {
			for (size_t j = 0; j < i; j++)
				free(v[j].s);
			goto oom;
		}
		v[i].i = i;
	}
	/* sorted, the copies of one string are a run whose first has the
	 * lowest index: the others go; then back into list order */
	qsort(v, el->n, sizeof *v, cmp_fe_str);
	const char *kept = NULL;   /* the first of the current run */
	for (size_t i = 0; i < el->n; i++) {
		if (kept && !strcmp(v[i].s, kept)) {
			free(v[i].s);
			continue;
		}
		out[v[i].i] = v[i].s;
		kept = v[i].s;
	}
	for (size_t i = 0; i < el->n; i++)
		if (out[i]) {
			if (ix)
				ix[k] = i;
			out[k++] = out[i];
		}
done:
	free(v);
	*strs = out;
	*n = k;
	if (idx)
		*idx = ix;
	return IW_OK;
oom:
	free(v);
	free(out);
	free(ix);
	return IW_ENOMEM;
}

char *fe_invalid_message(const struct errlist *el, const char *kind,
                         const char *group, const char *name)
{
	char **strs;
	size_t nuniq, total = 0;
	char *msg = NULL;
	if (fe_distinct(el, &strs, NULL, &nuniq))
		return NULL;
	size_t listed = nuniq < FE_MAX_LISTED ? nuniq : FE_MAX_LISTED;
	for (size_t j = 0; j < listed; j++)
		total += strlen(strs[j]) + 2;
	char *qname = fe_quote(name ? name : "");
	if (!qname)
		goto out;
	size_t n = strlen(kind) + strlen(group) + strlen(qname) + total + 64;
	if ((msg = malloc(n))) {
		size_t pos = (size_t)snprintf(msg, n, "%s%s%s %s is invalid: %s", kind, *group ? "." : "",
		                              group, qname, nuniq > 1 ? "[" : "");
		for (size_t j = 0; j < listed; j++)
			pos += (size_t)snprintf(msg + pos, n - pos, "%s%s", j ? ", " : "", strs[j]);
		if (nuniq > listed)
			pos += (size_t)snprintf(msg + pos, n - pos, ", and %zu more errors", nuniq - listed);
		if (nuniq > 1)
			snprintf(msg + pos, n - pos, "]");
	}
	free(qname);
out:
	for (size_t j = 0; j < nuniq; j++)
		free(strs[j]);
	free(strs);
	return msg;
}
