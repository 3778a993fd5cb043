/*
 * parse_floor: how long jansson alone takes to parse one body, the floor of
 * any review of it (bench/hostile/README.md, item 2).
 *
 *   cc -O2 -o /tmp/parse_floor bench/hostile/parse_floor.c -ljansson
 *   /tmp/parse_floor r.json [arena]
 *
 * Parses the file 6 times with json_loadb (duplicate keys refused, as
 * admission_handle does) and prints the CPU time of each parse and of its
 * json_decref.  "arena": jansson allocates from a bump arena with huge pages
 * (as serve's review arenas, load/jarena.h), reset between parses.
 */
#define _DEFAULT_SOURCE
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define RESERVE (1ul << 30)
static char *base;
static size_t used;

static void *bump(size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (n > RESERVE - used)
		return NULL;
	void *p = base + used;
	used += n;
	return p;
}

static void nofree(void *p)
{
	(void)p;
}

static double cpu_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: parse_floor FILE [arena]\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f || fseek(f, 0, SEEK_END)) {
		perror(argv[1]);
		return 2;
	}
	long n = ftell(f);
	rewind(f);
	char *b = malloc(n > 0 ? (size_t)n : 1);
	if (!b || fread(b, 1, (size_t)n, f) != (size_t)n) {
		perror(argv[1]);
		return 2;
	}
	fclose(f);
	int arena = argc > 2 && !strcmp(argv[2], "arena");
	if (arena) {
		base = mmap(NULL, RESERVE, PROT_READ | PROT_WRITE,
		            MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (base == MAP_FAILED)
			return 2;
		madvise(base, RESERVE, MADV_HUGEPAGE);
		json_set_alloc_funcs(bump, nofree);
	}
	for (int i = 0; i < 6; i++) {
		json_error_t e;
		used = 0;
		double t0 = cpu_ms();
		json_t *j = json_loadb(b, (size_t)n, JSON_REJECT_DUPLICATES, &e);
		double t1 = cpu_ms();
		if (!j) {
			fprintf(stderr, "%s: %s\n", argv[1], e.text);
			return 1;
		}
		json_decref(j);
		double t2 = cpu_ms();
		printf("parse %.1f ms, decref %.1f ms%s\n", t1 - t0, t2 - t1, arena ? " (arena)" : "");
	}
	free(b);
	return 0;
}
