/* The commands' file input (see files.h). */
#include "src/files.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct iw_policy *iw_policyconf_load(const char *path, char *err, size_t errsize)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return NULL;
	}
	size_t cap = 1 << 14, len = 0;
	char *buf = malloc(cap);
	struct iw_policy *p = NULL;
	while (buf) {
		if (len == cap) {
			if (cap > IW_POLICYCONF_MAX_BYTES) {
				snprintf(err, errsize, "%s: larger than %u bytes", path, IW_POLICYCONF_MAX_BYTES);
				goto out;
			}
			char *nb = realloc(buf, cap * 2);
			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		size_t r = fread(buf + len, 1, cap - len, f);
		len += r;
		if (r == 0)
			break;
	}
	if (!buf) {
		snprintf(err, errsize, "%s: out of memory", path);
		goto out;
	}
	if (ferror(f)) {
		snprintf(err, errsize, "%s: read error", path);
		goto out;
	}
	p = iw_policyconf_parse(buf, len, path, err, errsize);
out:
	free(buf);
	fclose(f);
	return p;
}

int iw_state_load_file(struct iw_state *st, const char *path, struct iw_load_counts *n,
                       char *err, size_t errsize)
{
	struct stat sb;
	if (stat(path, &sb)) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errsize, "%s: not a regular file", path);
		return -1;
	}
	if ((size_t)sb.st_size > IW_STATE_MAX_FILE_BYTES) {
		snprintf(err, errsize, "%s: larger than %zu bytes", path, IW_STATE_MAX_FILE_BYTES);
		return -1;
	}
	json_error_t je;
	json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	if (!doc) {
		snprintf(err, errsize, "%s:%d:%d: %s (expected the JSON of kubectl get "
		         "ingress,ingressclass,service -A -o json)", path, je.line, je.column, je.text);
		return -1;
	}
	if (!json_is_object(doc)) {
		json_decref(doc);
		snprintf(err, errsize, "%s: expected a JSON object (a List or one object)", path);
		return -1;
	}
	int rc = iw_state_add_json(st, doc, n);
	json_decref(doc);
	if (rc)
		snprintf(err, errsize, "%s: out of memory", path);
	return rc;
}
