/* AWS Load Balancer Controller facts (see alb.h). */
#include "profile/alb.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *ann(const struct ingress *ing, const char *name)
{
	char key[160];
	size_t pl = sizeof IW_ALB_PREFIX - 1, nl = strlen(name);
	if (pl + nl >= sizeof key)
		return NULL;
	memcpy(key, IW_ALB_PREFIX, pl);
	memcpy(key + pl, name, nl + 1);
	return iw_meta_annotation(&ing->meta, key);
}

const char *iw_alb_group(const struct ingress *ing)
{
	const char *g = ann(ing, "group.name");
	return g && *g ? g : NULL;
}

bool iw_alb_group_name_ok(const char *g)
{
	size_t n = g ? strlen(g) : 0;
	if (!n || n > 63)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = g[i];
		bool an = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (!an && (i == 0 || i == n - 1 || (c != '-' && c != '.')))
			return false;
	}
	return true;
}

bool iw_alb_group_order(const struct ingress *ing, long *order)
{
	const char *v = ann(ing, "group.order");
	*order = 0;
	if (!v)
		return true;
	/* strconv.ParseInt(v, 10, 64) */
	const char *p = v;
	if (*p == '+' || *p == '-')
		p++;
	if (!*p || strlen(p) > 18)
		return false;
	for (const char *q = p; *q; q++)
		if (*q < '0' || *q > '9')
			return false;
	long x = strtol(v, NULL, 10);
	if (x < -1000 || x > 1000)
		return false;
	*order = x;
	return true;
}

int iw_alb_group_cmp(const struct ingress *a, const struct ingress *b)
{
	long oa, ob;
	iw_alb_group_order(a, &oa);
	iw_alb_group_order(b, &ob);
	if (oa != ob)
		return oa < ob ? -1 : 1;
	int r = strcmp(iw_namespace(&a->meta), iw_namespace(&b->meta));
	return r ? r : strcmp(iw_nz(a->meta.name), iw_nz(b->meta.name));
}

bool iw_alb_is_action(const struct iw_backend *be)
{
	return be && be->has_service && be->service.port_name &&
	       !strcmp(be->service.port_name, "use-annotation");
}

bool iw_alb_narrowed(const struct ingress *ing, const struct iw_backend *be)
{
	char name[300];
	if (!be || !be->has_service || !be->service.name)
		return false;
	size_t l = strlen(be->service.name);
	if (l + 12 >= sizeof name)
		return false;
	memcpy(name, "conditions.", 11);
	memcpy(name + 11, be->service.name, l + 1);
	return ann(ing, name) != NULL;
}

bool iw_alb_regex_paths(const struct ingress *ing)
{
	const char *v = ann(ing, "use-regex-path-match");
	return v && !strcmp(v, "true");
}

bool iw_alb_wildcard(const char *pat, size_t pl, const char *s, size_t sl)
{
	if (pl > 128)
		return false;
	/* the classic matcher with one backtrack point: the last '*' */
	size_t p = 0, i = 0, star = (size_t)-1, mark = 0;
	while (i < sl) {
		if (p < pl && (pat[p] == '?' || pat[p] == s[i])) {
			p++;
			i++;
		} else if (p < pl && pat[p] == '*') {
			star = p++;
			mark = i;
		} else if (star != (size_t)-1) {
			p = star + 1;
			i = ++mark;
		} else {
			return false;
		}
	}
	while (p < pl && pat[p] == '*')
		p++;
	return p == pl;
}

bool iw_alb_path_matches(const char *path, const char *type, const char *req, size_t len)
{
	size_t l = path ? strlen(path) : 0;
	if (!l)
		return true;   /* no path condition: matches as /"*" */
	if (type && (!strcmp(type, "Exact") || !strcmp(type, "Prefix"))) {
		if (strpbrk(path, "*?"))
			return false;   /* refused by the controller */
		if (!strcmp(type, "Exact"))
			return len == l && !memcmp(req, path, l);
		while (l > 0 && path[l - 1] == '/')
			l--;
		/* p and p/ * */
		return (len == l && !memcmp(req, path, l)) ||
		       (len > l && !memcmp(req, path, l) && req[l] == '/');
	}
	return iw_alb_wildcard(path, l, req, len);
}

bool iw_alb_host_covers(const char *rh, const char *h)
{
	char a[300], b[300];
	size_t al = strlen(rh), bl = strlen(h);
	if (!al)
		return true;
	if (!bl || al >= sizeof a || bl >= sizeof b)
		return false;
	for (size_t i = 0; i <= al; i++)
		a[i] = (char)tolower((unsigned char)rh[i]);
	for (size_t i = 0; i <= bl; i++)
		b[i] = (char)tolower((unsigned char)h[i]);
	/* a wildcard of 'h' stands for itself: a '*' of 'rh' matches it */
	return iw_alb_wildcard(a, al, b, bl);
}
