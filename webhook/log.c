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

/* Writes the line {"time":..,"level":..,"msg":..,MEMBERS} and a newline
 * with one write(2). */
static void write_line(enum wh_level l, const char *msg, const char *members, size_t mlen)
{
	struct timespec ts;
	struct tm tm;
	char when[40];
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(when + n, sizeof when - n, ".%03ldZ", ts.tv_nsec / 1000000);
	struct buf b;
	buf_init(&b, LOG_LINE_MAX);
	buf_puts(&b, "{\"time\":\"");
	buf_puts(&b, when);
	buf_puts(&b, "\",\"level\":\"");
	buf_puts(&b, names[l]);
	buf_puts(&b, "\",\"msg\":");
	buf_json_string(&b, msg ? msg : "", msg ? strlen(msg) : 0);
	if (mlen) {
		buf_putc(&b, ',');
		buf_add(&b, members, mlen);
	}
	buf_puts(&b, "}\n");
	if (!b.err) {
		ssize_t w = write(STDERR_FILENO, b.p, b.len);
		(void)w;   /* nowhere to report a failed log write */
	}
	buf_release(&b);
}

void wh_log_members(enum wh_level l, const char *msg, const char *members)
{
	if (wh_log_enabled(l))
		write_line(l, msg, members ? members : "", members ? strlen(members) : 0);
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
		write_line(l, msg, "", 0);
	else if (!json_dump_callback(fields, dump_to_buf, &m, JSON_COMPACT | JSON_PRESERVE_ORDER) &&
	         !m.err && m.len >= 2)
		write_line(l, msg, m.p + 1, m.len - 2);
	buf_release(&m);
	json_decref(fields);
}
