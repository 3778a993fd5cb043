/* JSON log lines (see log.h). */
#include "webhook/log.h"

#include "base/buf.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static atomic_int level = WH_LOG_INFO;   /* process-wide: the shell's one setting */
/* A line longer than this is not written. */
#define LOG_LINE_MAX (16u << 20)

static const char *const names[] = { "debug", "info", "warn", "error", "off" };

int wh_log_parse_level(const char *s, enum wh_level *out)
{
	for (int i = 0; i <= WH_LOG_OFF; i++)
		if (s && !strcmp(s, names[i])) {
			*out = (enum wh_level)i;
			return 0;
		}
	return -1;
}

void wh_log_set_level(enum wh_level l) { atomic_store(&level, (int)l); }
int wh_log_enabled(enum wh_level l) { return (int)l >= atomic_load(&level) && l != WH_LOG_OFF; }

/* v in decimal at p; returns the number of digits */
static size_t put_uint(char *p, unsigned long long v)
{
	char d[24];
	size_t n = 0;
	do
		d[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	for (size_t i = 0; i < n; i++)
		p[i] = d[n - 1 - i];
	return n;
}

/* v as exactly 'w' digits (leading zeros) at p */
static void put_fixed(char *p, unsigned v, int w)
{
	for (int i = w - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
}

/* Writes the line {"time":..,"level":..,"msg":..,A,B} and a newline with one
 * write(2); A and B are members text (either may be empty). */
static void write_line(enum wh_level l, const char *msg, const char *a, size_t alen,
                       const char *b2, size_t blen)
{
	struct timespec ts;
	struct tm tm;
	char when[32];   /* 2026-12-04T22:33:37.347Z */
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	put_fixed(when, (unsigned)(tm.tm_year + 1900) % 10000, 4);
	when[4] = '-';
	put_fixed(when + 5, (unsigned)tm.tm_mon + 1, 2);
	when[7] = '-';
	put_fixed(when + 8, (unsigned)tm.tm_mday, 2);
	when[10] = 'T';
	put_fixed(when + 11, (unsigned)tm.tm_hour, 2);
	when[13] = ':';
	put_fixed(when + 14, (unsigned)tm.tm_min, 2);
	when[16] = ':';
	put_fixed(when + 17, (unsigned)tm.tm_sec, 2);
	when[19] = '.';
	put_fixed(when + 20, (unsigned)(ts.tv_nsec / 1000000), 3);
	when[23] = 'Z';
	when[24] = '\0';
	struct buf b;
	buf_init(&b, LOG_LINE_MAX);
	buf_puts(&b, "{\"time\":\"");
	buf_puts(&b, when);
	buf_puts(&b, "\",\"level\":\"");
	buf_puts(&b, names[l]);
	buf_puts(&b, "\",\"msg\":");
	buf_json_string(&b, msg ? msg : "", msg ? strlen(msg) : 0);
	if (alen > WH_LOG_MAX_LINE) {   /* fields already written by a caller: kept out whole */
		char note[64];
		snprintf(note, sizeof note, ",\"fields_left_out_bytes\":%zu", alen);
		buf_puts(&b, note);
	} else if (alen) {
		buf_putc(&b, ',');
		buf_add(&b, a, alen);
	}
	if (blen) {
		buf_putc(&b, ',');
		buf_add(&b, b2, blen);
	}
	buf_puts(&b, "}\n");
	if (!b.err) {
		ssize_t w = write(STDERR_FILENO, b.p, b.len);
		(void)w;   /* nowhere to report a failed log write */
	}
	buf_release(&b);
}

void wh_log_review(enum wh_level l, const char *fields, unsigned status,
                   unsigned long long duration_us)
{
	wh_log_request(l, "review", fields, status, duration_us);
}

void wh_log_request(enum wh_level l, const char *msg, const char *fields, unsigned status,
                    unsigned long long duration_us)
{
	if (!wh_log_enabled(l))
		return;
	char tail[80];
	size_t n = 0;
	memcpy(tail, "\"status\":", 9);
	n = 9 + put_uint(tail + 9, status);
	memcpy(tail + n, ",\"duration_us\":", 15);
	n += 15;
	n += put_uint(tail + n, duration_us);
	write_line(l, msg, fields ? fields : "", fields ? strlen(fields) : 0, tail, n);
}

/* json_dump_callback into a buf */
static int dump_to_buf(const char *p, size_t n, void *b)
{
	return buf_add(b, p, n) ? -1 : 0;
}

/*
 * The last line of defence against a request reaching a log line unbounded
 * (the codec caps what it echoes first): a string value longer than
 * WH_LOG_MAX_STRING bytes keeps its first bytes (cut on a UTF-8 boundary) and
 * says how many it left out; at most WH_LOG_MAX_FIELDS fields, nested values
 * WH_LOG_MAX_DEPTH deep.  Keys are the callers' own.
 */
static json_t *capped(json_t *v, int depth)
{
	if (json_is_string(v)) {
		size_t n = json_string_length(v);
		if (n <= WH_LOG_MAX_STRING)
			return json_incref(v);
		const char *p = json_string_value(v);
		size_t k = WH_LOG_MAX_STRING;
		while (k > 0 && ((unsigned char)p[k] & 0xc0) == 0x80)
			k--;
		char tail[64];
		int t = snprintf(tail, sizeof tail, "...(%zu more bytes)", n - k);
		char *b = malloc(k + (size_t)t + 1);
		if (!b)
			return json_string("(out of memory)");
		memcpy(b, p, k);
		memcpy(b + k, tail, (size_t)t + 1);
		json_t *r = json_stringn_nocheck(b, k + (size_t)t);
		free(b);
		return r;
	}
	if (!json_is_object(v) && !json_is_array(v))
		return json_incref(v);
	if (depth >= WH_LOG_MAX_DEPTH)
		return json_string("(nested too deeply)");
	json_t *out = json_is_object(v) ? json_object() : json_array();
	size_t i = 0, total = json_is_object(v) ? json_object_size(v) : json_array_size(v);
	if (json_is_object(v)) {
		const char *k;
		json_t *x;
		json_object_foreach(v, k, x) {
			if (i++ == WH_LOG_MAX_FIELDS)
				break;
			json_object_set_new(out, k, capped(x, depth + 1));
		}
		if (total > WH_LOG_MAX_FIELDS)
			json_object_set_new(out, "fields_left_out", json_integer((json_int_t)(total - WH_LOG_MAX_FIELDS)));
	} else {
		json_t *x;
		json_array_foreach(v, i, x) {
			if (i == WH_LOG_MAX_FIELDS) {
				json_array_append_new(out, json_sprintf("(%zu more)", total - i));
				break;
			}
			json_array_append_new(out, capped(x, depth + 1));
		}
	}
	return out;
}

void wh_log(enum wh_level l, const char *msg, json_t *fields)
{
	if (!wh_log_enabled(l)) {
		json_decref(fields);
		return;
	}
	/* the object's members: its text without the braces */
	struct buf m;
	buf_init(&m, LOG_LINE_MAX);
	if (!fields || !json_object_size(fields))
		write_line(l, msg, "", 0, "", 0);
	else {
		json_t *c = capped(fields, 0);
		if (c && !json_dump_callback(c, dump_to_buf, &m, JSON_COMPACT | JSON_PRESERVE_ORDER) &&
		    !m.err && m.len >= 2)
			write_line(l, msg, m.p + 1, m.len - 2, "", 0);
		json_decref(c);
	}
	buf_release(&m);
	json_decref(fields);
}
