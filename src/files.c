/* The commands' file input (see files.h). */
#include "src/files.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum iw_err iw_policyconf_load(const char *path, struct iw_policy **out, char *msg,
                               size_t msgsize)
{
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(msg, msgsize, "%s: %s", path, strerror(errno));
		return IW_EIO;
	}
	size_t cap = 1 << 14, len = 0;
	char *buf = malloc(cap);
	enum iw_err rc = IW_OK;
	while (buf) {
		if (len == cap) {
			if (cap > IW_POLICYCONF_MAX_BYTES) {
				snprintf(msg, msgsize, "%s: larger than %u bytes", path, IW_POLICYCONF_MAX_BYTES);
				rc = IW_ETOOBIG;
				goto out;
			}
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		size_t r = fread(buf + len, 1, cap - len, f);
		len += r;
		if (r == 0)
			break;
	}
	if (!buf) {
		snprintf(msg, msgsize, "%s: %s", path, iw_strerror(IW_ENOMEM));
		rc = IW_ENOMEM;
	} else if (ferror(f)) {
		snprintf(msg, msgsize, "%s: read error", path);
		rc = IW_EIO;
	} else {
		rc = iw_policyconf_parse(buf, len, path, out, msg, msgsize);
	}
out:
	free(buf);
	fclose(f);
	return rc;
}

enum iw_err iw_state_load_file(struct iw_state *st, const char *path, struct iw_load_counts *n,
                               char *msg, size_t msgsize)
{
	struct stat sb;
	if (stat(path, &sb)) {
		snprintf(msg, msgsize, "%s: %s", path, strerror(errno));
		return IW_EIO;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(msg, msgsize, "%s: not a regular file", path);
		return IW_EIO;
	}
	if ((size_t)sb.st_size > IW_STATE_MAX_FILE_BYTES) {
		snprintf(msg, msgsize, "%s: larger than %zu bytes", path, IW_STATE_MAX_FILE_BYTES);
		return IW_ETOOBIG;
	}
	json_error_t je;
	json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!doc) {
		snprintf(msg, msgsize, "%s:%d:%d: %s (expected the JSON of kubectl get "
		         "ingress,ingressclass,service -A -o json)", path, je.line, je.column, je.text);
		return json_error_code(&je) == json_error_out_of_memory ? IW_ENOMEM : IW_ESYNTAX;
	}
	if (!json_is_object(doc)) {
		json_decref(doc);
		snprintf(msg, msgsize, "%s: expected a JSON object (a List or one object)", path);
		return IW_ESYNTAX;
	}
	enum iw_err rc = iw_state_add_json(st, doc, n);
	json_decref(doc);
	if (rc)
		snprintf(msg, msgsize, "%s: %s", path, iw_strerror(rc));
	return rc;
}
