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
	if (alen) {
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
	if (!wh_log_enabled(l))
		return;
	char tail[80];
	size_t n = 0;
	memcpy(tail, "\"status\":", 9);
	n = 9 + put_uint(tail + 9, status);
	memcpy(tail + n, ",\"duration_us\":", 15);
	n += 15;
	n += put_uint(tail + n, duration_us);
	write_line(l, "review", fields ? fields : "", fields ? strlen(fields) : 0, tail, n);
}

/* json_dump_callback into a buf */
static int dump_to_buf(const char *p, size_t n, void *b)
{
	return buf_add(b, p, n) ? -1 : 0;
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
	else if (!json_dump_callback(fields, dump_to_buf, &m, JSON_COMPACT | JSON_PRESERVE_ORDER) &&
	         !m.err && m.len >= 2)
		write_line(l, msg, m.p + 1, m.len - 2, "", 0);
	buf_release(&m);
	json_decref(fields);
}
