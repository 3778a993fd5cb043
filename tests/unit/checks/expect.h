/*
 * A list of findings compared whole: one line per finding, "severity check
 * field: message".  Shared by the tests of checks/ (fixture.h includes it;
 * a test without the fixture includes it alone).
 */
#ifndef IW_TESTS_CHECKS_EXPECT_H
#define IW_TESTS_CHECKS_EXPECT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/findings.h"
#include "../cstring.h"

/* The findings, one per line: "severity check field: message". */
static inline char *findings_text(const struct findings *fl)
{
	size_t size = 1;
	for (size_t i = 0; i < fl->n; i++)
		size += strlen(fl->v[i].check) + strlen(fl->v[i].field) + strlen(fl->v[i].message) + 16;
	char *s = malloc(size), *p = s;
	assert_non_null(s);
	*p = 0;
	for (size_t i = 0; i < fl->n; i++)
		p += sprintf(p, "%s %s %s: %s\n", iw_severity_name(fl->v[i].severity), fl->v[i].check,
		             fl->v[i].field, fl->v[i].message);
	return s;
}

/* The whole list fl is 'want'; on a mismatch the list is printed as a C
 * string, ready to be read (and, once checked, pasted). */
#define expect_list(fl, want) expect_list_((fl), (want), __LINE__)
static inline void expect_list_(const struct findings *fl, const char *want, int line)
{
	char *got = findings_text(fl);
	if (strcmp(got, want)) {
		print_error("line %d: the findings are\n", line);
		print_c_string(got);
		free(got);
		fail_msg("line %d: other findings than expected", line);
	}
	free(got);
}

#endif
