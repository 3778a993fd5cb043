/* JSON log lines (see log.h). */
#include "webhook/log.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static atomic_int level = WH_LOG_INFO;   /* process-wide: the shell's one setting */
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

void wh_log(enum wh_level l, const char *msg, json_t *fields)
{
	if (!wh_log_enabled(l)) {
		json_decref(fields);
		return;
	}
	struct timespec ts;
	struct tm tm;
	char when[40];
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(when + n, sizeof when - n, ".%03ldZ", ts.tv_nsec / 1000000);
	json_t *o = json_object();
	if (!o) {
		json_decref(fields);
		return;
	}
	json_object_set_new(o, "time", json_string(when));
	json_object_set_new(o, "level", json_string(names[l]));
	json_object_set_new(o, "msg", json_string(msg ? msg : ""));
	if (fields)
		json_object_update(o, fields);
	json_decref(fields);
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!s)
		return;
	size_t len = strlen(s);
	char *line = realloc(s, len + 2);
	if (!line) {
		free(s);
		return;
	}
	line[len] = '\n';
	ssize_t w = write(STDERR_FILENO, line, len + 1);
	(void)w;   /* nowhere to report a failed log write */
	free(line);
}
