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

/* Reads and parses a file (at most IW_POLICYCONF_MAX_BYTES) into *out:
 * iw_policyconf_parse's codes, and IW_EIO when the file cannot be read;
 * "FILE...: reason" in 'msg' on failure. */
enum iw_err iw_policyconf_load(const char *path, struct iw_policy **out, char *msg,
                               size_t msgsize);

/*
 * Reads a JSON snapshot file into 'st'.  Returns IW_OK; IW_EIO (unreadable,
 * not a regular file), IW_ETOOBIG, IW_ESYNTAX (not JSON: with line and
 * column), IW_ENOMEM, with "FILE: reason" in 'msg'.
 */
enum iw_err iw_state_load_file(struct iw_state *st, const char *path, struct iw_load_counts *n,
                               char *msg, size_t msgsize);

#endif
