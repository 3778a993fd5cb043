/*
 * The parsing libraries alone, on the same files as the lint benchmark:
 *   parse_only json FILE   jansson: json_loadb of every concatenated document
 *   parse_only json-arena FILE
 *                          the same with the allocator lint gives jansson
 *                          (load/jarena.c: a bump arena reset after each document)
 *   parse_only yaml FILE   libyaml: every event of the stream, nothing built
 * Prints "<mode> docs=N seconds=S docs_per_s=R" (the file read excluded).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yaml.h>

#include "load/jarena.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	FILE *f = fopen(argv[2], "rb");
	if (!f)
		return 2;
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)len + 1);
	if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len)
		return 2;
	fclose(f);
	size_t docs = 0;
	double t0 = now();
	bool arena = !strcmp(argv[1], "json-arena");
	struct jarena *a = NULL;
	if (arena) {
		jarena_install();
		if (!(a = jarena_new(256u << 20)))
			return 2;
		jarena_bind(a);
	}
	if (!strcmp(argv[1], "json") || arena) {
		size_t at = 0;
		while (at < (size_t)len) {
			while (at < (size_t)len && (buf[at] == '\n' || buf[at] == ' '))
				at++;
			if (at >= (size_t)len)
				break;
			json_error_t err;
			jarena_begin(a);
			json_t *v = json_loadb(buf + at, (size_t)len - at, JSON_DISABLE_EOF_CHECK, &err);
			jarena_end(a);
			if (!v) {
				fprintf(stderr, "%s\n", err.text);
				return 1;
			}
			if (!jarena_exclusive(a))
				json_decref(v);
			jarena_reset(a);
			at += (size_t)err.position;
			docs++;
		}
	} else {
		yaml_parser_t p;
		yaml_event_t e;
		yaml_parser_initialize(&p);
		yaml_parser_set_input_string(&p, (const unsigned char *)buf, (size_t)len);
		for (;;) {
			if (!yaml_parser_parse(&p, &e)) {
				fprintf(stderr, "yaml error\n");
				return 1;
			}
			int t = e.type;
			if (t == YAML_DOCUMENT_END_EVENT)
				docs++;
			yaml_event_delete(&e);
			if (t == YAML_STREAM_END_EVENT)
				break;
		}
		yaml_parser_delete(&p);
	}
	double s = now() - t0;
	printf("%s docs=%zu seconds=%.3f docs_per_s=%.0f\n", argv[1], docs, s, (double)docs / s);
	free(buf);
	return 0;
}
