/*
 * The commands' file input: reading a policy configuration file and a
 * cluster snapshot file into the pure cores.  (I/O lives in src/, webhook/
 * and certs/ only; checks/ parses buffers.)
 */
#ifndef IW_SRC_FILES_H
#define IW_SRC_FILES_H

#include <stddef.h>

#include "checks/policyconf.h"
#include "checks/stateload.h"

/* Reads and parses a file (at most IW_POLICYCONF_MAX_BYTES). */
struct iw_policy *iw_policyconf_load(const char *path, char *err, size_t errsize);

/*
 * Reads a JSON snapshot file into 'st'.  Returns 0, or -1 with
 * "FILE: reason" in 'err' (unreadable, too large, not JSON: with line and
 * column).
 */
int iw_state_load_file(struct iw_state *st, const char *path, struct iw_load_counts *n,
                       char *err, size_t errsize);

#endif
