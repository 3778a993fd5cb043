/*
 * For tests that compare a whole text: on a mismatch, the text that came
 * out is printed as C string literals (one per line of it), ready to be
 * read and, once checked, pasted as the expectation.  Include after
 * <cmocka.h>.
 */
#ifndef IW_TESTS_UNIT_CSTRING_H
#define IW_TESTS_UNIT_CSTRING_H

#include <string.h>

static inline void print_c_string(const char *s)
{
	print_error("\t\"");
	for (const char *c = s; *c; c++) {
		if (*c == '"' || *c == '\\')
			print_error("\\%c", *c);
		else if (*c == '\n')
			print_error("\\n\"%s", c[1] ? "\n\t\"" : "\n");
		else
			print_error("%c", *c);
	}
	if (!*s || s[strlen(s) - 1] != '\n')
		print_error("\"\n");
}

#endif
