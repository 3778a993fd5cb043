/*
 * Where a piece of text is in a buffer: the shape the manifest readers
 * (yamldoc, jsonscan) hand each other for the items of a large List.
 */
#ifndef IW_LOAD_RANGE_H
#define IW_LOAD_RANGE_H

#include <stddef.h>

/* buf[offset .. offset+length), starting at line:col. */
struct yd_range {
	size_t offset, length;
	unsigned line, col;
};

#endif
