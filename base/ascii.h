/*
 * ASCII facts every parser of the program needs (request lines, paths,
 * escapes, regexes, IP literals): one definition each.
 *
 * Pure: no I/O, no globals.
 */
#ifndef IW_BASE_ASCII_H
#define IW_BASE_ASCII_H

/* The value of the hexadecimal digit c (0-9, a-f, A-F), or -1. */
static inline int iw_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
