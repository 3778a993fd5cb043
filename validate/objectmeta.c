/*
 * ObjectMeta rules: k8s.io/apimachinery pkg/api/validation/objectmeta.go,
 * pkg/apis/meta/v1/validation (labels), and the core wrapper in
 * k8s.io/kubernetes pkg/apis/core/validation (finalizer names).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate/vrules.h"

#define TOTAL_ANNOTATION_SIZE_LIMIT 262144   /* 256 KiB: TotalAnnotationSizeLimitB */
#define DNS1123_SUBDOMAIN_MAX 253

void vr_invalid_msgs(struct errlist *el, const struct fpath *at, const char *v,
                     const struct iw_msgs *m)
{
	if (!m->n)
		return;
	char *q = fe_quote(v);
	if (!q) {
		el->err = IW_ENOMEM;
		return;
	}
	for (size_t i = 0; i < m->n; i++)
		fe_add(el, FE_INVALID, at, q, "%s", m->v[i]);
	free(q);
}

void vr_invalid_str(struct errlist *el, const struct fpath *at, const char *v, const char *detail)
{
	char *q = fe_quote(v);
	if (!q) {
		el->err = IW_ENOMEM;
		return;
	}
	fe_add(el, FE_INVALID, at, q, "%s", detail);
	free(q);
}

/* The name functions: NameIsDNSSubdomain or ValidatePathSegmentName, with the prefix form. */
static void check_name(const char *name, bool prefix, enum vr_name_rule rule, struct iw_msgs *m)
{
	iw_msgs_init(m);
	if (rule == VR_NAME_PATH_SEGMENT) {
		if (prefix)
			iw_is_path_segment_prefix(name, m);
		else
			iw_is_path_segment_name(name, m);
		return;
	}
	if (prefix) {
		size_t n = strlen(name);
		char *buf = malloc(n + 1);
		if (!buf) {
			/* cannot happen for sane sizes; validate unmasked rather than skip */
			iw_is_dns1123_subdomain(name, m);
			return;
		}
		iw_is_dns1123_subdomain(iw_mask_trailing_dash(name, buf, n + 1), m);
		free(buf);
		return;
	}
	iw_is_dns1123_subdomain(name, m);
}

/* k8s: ValidateLabels (meta/v1/validation) */
static void labels(const struct iw_meta *md, int kube_minor, const struct fpath *mp,
                   struct errlist *el)
{
	const struct fpath *lp = FP_KEY(mp, "labels");
	struct iw_msgs m;
	for (size_t i = 0; i < md->nlabels; i++) {
		iw_msgs_init(&m);
		iw_is_qualified_name(md->labels[i].key, kube_minor, &m);
		vr_invalid_msgs(el, lp, md->labels[i].key, &m);
		iw_msgs_init(&m);
		iw_is_label_value(md->labels[i].value, kube_minor, &m);
		vr_invalid_msgs(el, lp, md->labels[i].value, &m);
	}
}

/* k8s: ValidateAnnotations */
static void annotations(const struct iw_meta *md, int kube_minor, const struct fpath *mp,
                        struct errlist *el)
{
	const struct fpath *ap = FP_KEY(mp, "annotations");
	struct iw_msgs m;
	size_t total = 0;
	for (size_t i = 0; i < md->nannotations; i++) {
		const struct iw_kv *kv = &md->annotations[i];
		total += kv->key_len + kv->value_len;
		/* the rule is QualifiedName except that case does not matter */
		char *lower = malloc(kv->key_len + 1);
		if (!lower) {
			el->err = IW_ENOMEM;
			return;
		}
		for (size_t j = 0; j <= kv->key_len; j++) {
			char c = kv->key[j];
			lower[j] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
		}
		iw_msgs_init(&m);
		iw_is_qualified_name(lower, kube_minor, &m);
		free(lower);
		vr_invalid_msgs(el, ap, kv->key, &m);
	}
	/* k8s: ValidateAnnotationsSize */
	if (total > TOTAL_ANNOTATION_SIZE_LIMIT)
		fe_add(el, FE_TOO_LONG, ap, NULL, "may not be more than %d bytes",
		       TOTAL_ANNOTATION_SIZE_LIMIT);
}

/* Renders the JSON of the source ownerReferences array (the Go value printed as JSON). */
static void owner_refs(const struct iw_meta *md, int kube_minor, const struct fpath *mp,
                       struct errlist *el)
{
	const struct fpath *op = FP_KEY(mp, "ownerReferences");
	const char *first_kind = NULL, *first_name = NULL;
	for (size_t i = 0; i < md->nowner_refs; i++) {
		const struct iw_owner_ref *r = &md->owner_refs[i];
		/* apimachinery master indexes the path and reports Required (RULES.md §6 M8c) */
		bool indexed = kube_minor >= 37;
		const struct fpath *rp = indexed ? FP_IDX(op, i) : op;
		/* k8s: validateOwnerReference */
		const char *av = r->api_version;
		const char *slash = strchr(av, '/');
		bool no_version = !*av || (slash && (!slash[1] || strchr(slash + 1, '/')));
		if (no_version)
			vr_invalid_str(el, FP_KEY(rp, "apiVersion"), av, "version must not be empty");
		struct { const char *key, *v; } req[] = {
			{ "kind", r->kind }, { "name", r->name }, { "uid", r->uid },
		};
		for (size_t k = 0; k < 3; k++) {
			if (*req[k].v)
				continue;
			if (indexed)
				fe_add(el, FE_REQUIRED, FP_KEY(rp, req[k].key), NULL, NULL);
			else
				vr_invalid_str(el, FP_KEY(rp, req[k].key), "", "must not be empty");
		}
		/* BannedOwners: core v1 Event */
		if (!strcmp(av, "v1") && !strcmp(r->kind, "Event"))
			fe_add(el, FE_INVALID, rp, NULL, "/v1, Kind=Event is disallowed from being an owner");
		if (r->has_controller && r->controller) {
			if (first_kind) {
				fe_add(el, FE_INVALID, op, NULL,
				       "Only one reference can have Controller set to true. Found \"true\" "
				       "in references for %s/%s and %s/%s",
				       first_kind, first_name, r->kind, r->name);
			} else {
				first_kind = r->kind;
				first_name = r->name;
			}
		}
	}
}

/* k8s: ValidateFinalizers (apimachinery) */
static void finalizers(const struct iw_meta *md, int kube_minor, const struct fpath *mp,
                       struct errlist *el)
{
	const struct fpath *fp = FP_KEY(mp, "finalizers");
	bool orphan = false, foreground = false;
	struct iw_msgs m;
	for (size_t i = 0; i < md->nfinalizers; i++) {
		iw_msgs_init(&m);
		iw_is_qualified_name(md->finalizers[i], kube_minor, &m);
		vr_invalid_msgs(el, fp, md->finalizers[i], &m);
		orphan |= !strcmp(md->finalizers[i], "orphan");
		foreground |= !strcmp(md->finalizers[i], "foregroundDeletion");
	}
	if (orphan && foreground) {
		/* the bad value is the whole []string, printed as JSON */
		json_t *arr = json_array();
		for (size_t i = 0; arr && i < md->nfinalizers; i++)
			json_array_append_new(arr, json_string(md->finalizers[i]));
		/* json_dumpb into our own memory: json_dumps returns memory of
		 * jansson's allocator, which need not be malloc's (load/jarena.h) */
		size_t n = arr ? json_dumpb(arr, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY) : 0;
		char *v = n ? malloc(n + 1) : NULL;
		if (v && json_dumpb(arr, v, n, JSON_COMPACT | JSON_ENCODE_ANY) == n)
			v[n] = '\0';
		else if (v) {
			free(v);
			v = NULL;
		}
		json_decref(arr);
		if (!v) {
			el->err = IW_ENOMEM;
			return;
		}
		fe_add(el, FE_INVALID, fp, v, "finalizer orphan and foregroundDeletion cannot be both set");
		free(v);
	}
}

/* k8s: ValidateObjectMetaAccessor */
void vr_object_meta(const struct iw_meta *md, bool namespaced, enum vr_name_rule rule,
                    int kube_minor, struct errlist *el)
{
	const struct fpath *mp = FP_KEY(NULL, "metadata");
	struct iw_msgs m;
	if (md->generate_name && *md->generate_name) {
		check_name(md->generate_name, true, rule, &m);
		vr_invalid_msgs(el, FP_KEY(mp, "generateName"), md->generate_name, &m);
	}
	if (!md->name || !*md->name) {
		fe_add(el, FE_REQUIRED, FP_KEY(mp, "name"), NULL, "name or generateName is required");
	} else {
		check_name(md->name, false, rule, &m);
		vr_invalid_msgs(el, FP_KEY(mp, "name"), md->name, &m);
	}
	if (namespaced) {
		if (!md->namespace_ || !*md->namespace_) {
			fe_add(el, FE_REQUIRED, FP_KEY(mp, "namespace"), NULL, NULL);
		} else {
			iw_msgs_init(&m);
			iw_is_dns1123_label(md->namespace_, &m);
			vr_invalid_msgs(el, FP_KEY(mp, "namespace"), md->namespace_, &m);
		}
	} else if (md->namespace_ && *md->namespace_) {
		fe_add(el, FE_FORBIDDEN, FP_KEY(mp, "namespace"), NULL, "not allowed on this type");
	}
	/* generation: set by the server (1 on CREATE, copied on UPDATE): never negative here */
	labels(md, kube_minor, mp, el);
	annotations(md, kube_minor, mp, el);
	owner_refs(md, kube_minor, mp, el);
	finalizers(md, kube_minor, mp, el);
	/* managedFields are rebuilt by the server's field manager: not checked */
}

/* k8s: validateKubeFinalizerName (core) */
static void kube_finalizer_names(const struct iw_meta *md, struct errlist *el)
{
	const struct fpath *fp = FP_KEY(FP_KEY(NULL, "metadata"), "finalizers");
	for (size_t i = 0; i < md->nfinalizers; i++) {
		const char *f = md->finalizers[i];
		if (strchr(f, '/'))
			continue;
		if (!strcmp(f, "kubernetes") || !strcmp(f, "orphan") || !strcmp(f, "foregroundDeletion"))
			continue;
		vr_invalid_str(el, FP_IDX(fp, i), f,
		               "name is neither a standard finalizer name nor is it fully qualified");
	}
}

/* k8s: ValidateObjectMeta (pkg/apis/core/validation) */
void vr_core_object_meta(const struct iw_meta *md, bool namespaced, int kube_minor,
                         struct errlist *el)
{
	vr_object_meta(md, namespaced, VR_NAME_DNS_SUBDOMAIN, kube_minor, el);
	kube_finalizer_names(md, el);
}

static bool str_eq(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

static void immutable_str(const char *nv, const char *ov, const struct fpath *at, struct errlist *el)
{
	if (!str_eq(nv, ov))
		vr_invalid_str(el, at, nv ? nv : "", "field is immutable");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* k8s: ValidateNoNewFinalizers */
static void no_new_finalizers(const struct iw_meta *md, const struct iw_meta *old,
                              const struct fpath *fp, struct errlist *el)
{
	const char **extra = calloc(md->nfinalizers + 1, sizeof *extra);
	size_t n = 0, len = 0;
	if (!extra) {
		el->err = IW_ENOMEM;
		return;
	}
	for (size_t i = 0; i < md->nfinalizers; i++) {
		bool seen = false;
		for (size_t j = 0; j < old->nfinalizers && !seen; j++)
			seen = !strcmp(md->finalizers[i], old->finalizers[j]);
		for (size_t j = 0; j < n && !seen; j++)
			seen = !strcmp(md->finalizers[i], extra[j]);
		if (!seen)
			extra[n++] = md->finalizers[i];
	}
	if (n) {
		qsort(extra, n, sizeof *extra, cmp_str);
		/* %#v of a []string: []string{"a", "b"} */
		for (size_t i = 0; i < n; i++)
			len += strlen(extra[i]) * 4 + 8;
		size_t cap = len + 16, pos;
		char *buf = malloc(cap);
		if (!buf) {
			el->err = IW_ENOMEM;
			free(extra);
			return;
		}
		pos = (size_t)snprintf(buf, cap, "[]string{");
		for (size_t i = 0; i < n && pos < cap; i++) {
			char *q = fe_quote(extra[i]);
			if (q) {
				pos += (size_t)snprintf(buf + pos, cap - pos, "%s%s", i ? ", " : "", q);
				free(q);
			}
		}
		if (pos < cap)
			snprintf(buf + pos, cap - pos, "}");
		fe_add(el, FE_FORBIDDEN, fp, NULL,
		       "no new finalizers can be added if the object is being deleted, found new "
		       "finalizers %s", buf);
		free(buf);
	}
	free(extra);
}

/* k8s: ValidateObjectMetaAccessorUpdate */
void vr_object_meta_update(const struct iw_meta *md, const struct iw_meta *old, int kube_minor,
                           struct errlist *el)
{
	const struct fpath *mp = FP_KEY(NULL, "metadata");
	if (old->deletion_timestamp)
		no_new_finalizers(md, old, FP_KEY(mp, "finalizers"), el);
	/* resourceVersion: filled from storage for unconditional updates (Ingress,
	 * IngressClass); generation: copied from the old object by BeforeUpdate. */
	immutable_str(md->name, old->name, FP_KEY(mp, "name"), el);
	immutable_str(md->namespace_, old->namespace_, FP_KEY(mp, "namespace"), el);
	immutable_str(md->uid, old->uid, FP_KEY(mp, "uid"), el);
	immutable_str(md->creation_timestamp, old->creation_timestamp,
	              FP_KEY(mp, "creationTimestamp"), el);
	immutable_str(md->deletion_timestamp, old->deletion_timestamp,
	              FP_KEY(mp, "deletionTimestamp"), el);
	if (md->has_deletion_grace != old->has_deletion_grace ||
	    md->deletion_grace_period_seconds != old->deletion_grace_period_seconds) {
		char v[32];
		if (md->has_deletion_grace)
			fe_int(md->deletion_grace_period_seconds, v, sizeof v);
		else
			snprintf(v, sizeof v, "null");
		fe_add(el, FE_INVALID, FP_KEY(mp, "deletionGracePeriodSeconds"), v, "field is immutable");
	}
	labels(md, kube_minor, mp, el);
	annotations(md, kube_minor, mp, el);
	owner_refs(md, kube_minor, mp, el);
}
