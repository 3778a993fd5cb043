/* jansson's allocator, counting failures per thread (see jsonmem.h). */
#include "model/jsonmem.h"

#include <jansson.h>
#include <stdlib.h>

static _Thread_local unsigned long failures;

void *iw_json_malloc(size_t n)
{
	void *p = malloc(n);
	if (!p)
		failures++;
	return p;
}

void iw_json_free(void *p)
{
	free(p);
}

unsigned long iw_json_failures(void)
{
	return failures;
}

void iw_json_install(void)
{
	json_set_alloc_funcs(iw_json_malloc, iw_json_free);
}
