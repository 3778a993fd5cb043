/*
 * JSON log lines on stderr, one per event: {"time","level","msg",...fields}.
 * Each line is written with a single write(2), so lines from the server's
 * threads never interleave.  The level check comes before any formatting.
 * Object bodies are never logged: callers pass only the fields they choose,
 * and every line is bounded whatever they pass: a string value is cut after
 * WH_LOG_MAX_STRING bytes ("...(N more bytes)"), an object or array after
 * WH_LOG_MAX_FIELDS members, nesting at WH_LOG_MAX_DEPTH; members already
 * written (wh_log_review) over WH_LOG_MAX_LINE bytes are left out whole
 * ("fields_left_out_bytes": N).
 */
#ifndef IW_WEBHOOK_LOG_H
#define IW_WEBHOOK_LOG_H

#include <jansson.h>

#define WH_LOG_MAX_STRING 1024
#define WH_LOG_MAX_FIELDS 64
#define WH_LOG_MAX_DEPTH 4
#define WH_LOG_MAX_LINE (64u * 1024)

enum wh_level { WH_LOG_DEBUG, WH_LOG_INFO, WH_LOG_WARN, WH_LOG_ERROR, WH_LOG_OFF };

/* "debug", "info", "warn", "error", "off" -> 0, or -1 when unknown. */
int wh_log_parse_level(const char *s, enum wh_level *out);
void wh_log_set_level(enum wh_level l);
int wh_log_enabled(enum wh_level l);
/* Logs msg with 'fields' (an object, stolen; NULL for none). */
void wh_log(enum wh_level l, const char *msg, json_t *fields);
/* The review line: msg "review", the request's fields (JSON members text,
 * adm_result.log_fields; NULL for none), then "status" and "duration_us". */
void wh_log_review(enum wh_level l, const char *fields, unsigned status,
                   unsigned long long duration_us);
/* The same line for another kind of request (the lint listener's: "lint"). */
void wh_log_request(enum wh_level l, const char *msg, const char *fields, unsigned status,
                    unsigned long long duration_us);

#endif
