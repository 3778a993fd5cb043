/*
 * ObjectMeta and the facts every module asks about it (see meta.h).
 */
#include "model/meta.h"

#include <stdbool.h>
#include <string.h>

int iw_kv_cmp(const void *a, const void *b)
{
	const struct iw_kv *x = a, *y = b;
	size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
	int r = memcmp(x->key, y->key, n);
	if (r)
		return r;
	return (x->key_len > y->key_len) - (x->key_len < y->key_len);
}

static const char *kv_find(const struct iw_kv *v, size_t n, const char *key)
{
	size_t lo = 0, hi = n, klen = strlen(key);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		struct iw_kv probe = { key, NULL, klen, 0 };
		int r = iw_kv_cmp(&probe, &v[mid]);
		if (r == 0)
			return v[mid].value;
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const char *iw_meta_annotation(const struct iw_meta *m, const char *key)
{
	return kv_find(m->annotations, m->nannotations, key);
}

const char *iw_meta_label(const struct iw_meta *m, const char *key)
{
	return kv_find(m->labels, m->nlabels, key);
}

const char *iw_namespace_of(const char *ns)
{
	return ns && *ns ? ns : "default";
}

const char *iw_namespace(const struct iw_meta *m)
{
	return iw_namespace_of(m->namespace_);
}

bool iw_same_object(const struct iw_meta *a, const struct iw_meta *b)
{
	return !strcmp(iw_nz(a->name), iw_nz(b->name)) && !strcmp(iw_namespace(a), iw_namespace(b));
}

/* ---------- RFC 3339 time ---------- */

static bool digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static long long days_from_civil(long long y, int m, int d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

bool iw_parse_time(const char *s, long long *out)
{
	int Y, M, D, h, m, sec;
	if (!s || strlen(s) < 20)
		return false;
	if (!digits(s, 4, &Y) || s[4] != '-' || !digits(s + 5, 2, &M) || s[7] != '-' ||
	    !digits(s + 8, 2, &D) || s[10] != 'T' || !digits(s + 11, 2, &h) || s[13] != ':' ||
	    !digits(s + 14, 2, &m) || s[16] != ':' || !digits(s + 17, 2, &sec))
		return false;
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (M < 1 || M > 12 || h > 23 || m > 59 || sec > 59)
		return false;
	bool leap = (Y % 4 == 0 && Y % 100 != 0) || Y % 400 == 0;
	int dmax = mdays[M - 1] + (M == 2 && leap);
	if (D < 1 || D > dmax)
		return false;
	const char *p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	long long off = 0;
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh, om;
		if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om) || oh > 23 || om > 59)
			return false;
		off = (oh * 3600LL + om * 60LL) * (*p == '-' ? -1 : 1);
		p += 6;
	} else {
		return false;
	}
	if (*p)
		return false;
	*out = days_from_civil(Y, M, D) * 86400LL + h * 3600LL + m * 60LL + sec - off;
	return true;
}
