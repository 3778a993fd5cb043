/* ingress-warden convert: Ingresses of removed versions written as networking.k8s.io/v1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "load/yamldoc.h"
#include "load/yamlout.h"
#include "model/convert.h"
#include "src/cliopt.h"
#include "src/cmd.h"
#include "src/files.h"

static void help(void)
{
	printf("usage: ingress-warden convert [-o yaml|json] FILE|-\n\n"
	       "Writes the Ingresses and IngressClasses of FILE (or stdin) that use a version\n"
	       "no Kubernetes serves any more (extensions/v1beta1, networking.k8s.io/v1beta1:\n"
	       "removed in 1.22) as networking.k8s.io/v1, the way the API server converted\n"
	       "them: spec.backend becomes spec.defaultBackend, serviceName/servicePort become\n"
	       "service.name and service.port.number (or port.name for a named port), a path\n"
	       "without pathType gets ImplementationSpecific.  Annotations (the class\n"
	       "annotation too) and every other field stay as they are; other documents are\n"
	       "written unchanged, in the same order (List items are converted in place).\n"
	       "Comments are not kept.\n\n"
	       "  -o yaml|json        output: YAML documents (default) or JSON, one document each\n"
	       "  --max-file-bytes N  largest input (default 1Gi)\n\n"
	       "  ingress-warden convert old.yaml > new.yaml && ingress-warden lint new.yaml\n\n"
	       "Exit status: 0 written, 2 usage or input error (nothing is written then).\n");
}

struct docs {
	json_t **v;
	size_t n, cap;
	const char *name;
	size_t converted;
	bool bad;
};

static enum iw_err convert_one(struct docs *ds, json_t *obj)
{
	bool changed = false;
	enum iw_err rc = iw_convert_to_v1(obj, &changed);
	ds->converted += changed;
	return rc;
}

static enum iw_err on_doc(void *ctx, struct yd_doc *d)
{
	struct docs *ds = ctx;
	if (d->error) {
		fprintf(stderr, "ingress-warden convert: %s:%u:%u: %s\n", ds->name, d->err_line,
		        d->err_col, d->error);
		ds->bad = true;
		return IW_OK;
	}
	if (d->empty)
		return IW_OK;   /* only comments: comments are not kept */
	enum iw_err rc = convert_one(ds, d->root);
	const char *kind = json_string_value(json_object_get(d->root, "kind"));
	size_t kl = kind ? strlen(kind) : 0;
	if (!rc && kl >= 4 && !strcmp(kind + kl - 4, "List")) {
		size_t i;
		json_t *it;
		json_array_foreach(json_object_get(d->root, "items"), i, it)
			if (!rc)
				rc = convert_one(ds, it);
	}
	if (rc)
		return rc;
	if (ds->n == ds->cap) {
		size_t c = ds->cap ? ds->cap * 2 : 16;
		json_t **v = realloc(ds->v, c * sizeof *v);
		if (!v)
			return IW_ENOMEM;
		ds->v = v;
		ds->cap = c;
	}
	ds->v[ds->n++] = json_incref(d->root);
	return IW_OK;
}

static void expand_problem(void *ctx, const char *name, unsigned line, unsigned col,
                           const char *msg)
{
	(void)line;
	(void)col;
	*(bool *)ctx = true;
	fprintf(stderr, "ingress-warden convert: %s: %s\n", name, msg);
}

enum { O_HELP = 1, O_OUT, O_MAXFILE };
static const struct cli_opt convert_opts[] = {
	{ "--help", "-h", false, O_HELP },
	{ "--output", "-o", true, O_OUT },
	{ "--max-file-bytes", NULL, true, O_MAXFILE },
	{ NULL, NULL, false, 0 },
};

int cmd_convert(int argc, char **argv)
{
	const char *path = NULL, *out = "yaml";
	struct iw_read_opts ro = { .flag = "--max-file-bytes" };
	struct cli cl;
	cli_init(&cl, "convert", argc, argv, convert_opts);
	const char *v;
	int id;
	while ((id = cli_next(&cl, &v)) != CLI_END) {
		switch (id) {
		case CLI_ERROR:
			fprintf(stderr, "ingress-warden convert: %s\n", cl.error);
			return 2;
		case O_HELP:
			help();
			return 0;
		case O_OUT:
			if (strcmp(v, "yaml") && strcmp(v, "json")) {
				fprintf(stderr, "ingress-warden convert: -o takes yaml or json, not '%s'\n", v);
				return 2;
			}
			out = v;
			break;
		case O_MAXFILE:
			if (iw_parse_size(v, &ro.max_file_bytes) || !ro.max_file_bytes) {
				fprintf(stderr, "ingress-warden convert: --max-file-bytes takes a size such as "
				        "1Gi or 500Mi, not '%s'\n", v);
				return 2;
			}
			break;
		case CLI_ARG:
			if (path) {
				fprintf(stderr, "ingress-warden convert: one FILE at a time ('%s' and '%s')\n",
				        path, v);
				return 2;
			}
			path = v;
			break;
		}
	}
	if (!path) {
		fprintf(stderr, "ingress-warden convert: no FILE given (a file, or '-' for stdin)\n");
		return 2;
	}
	/* one file, read as every command reads it (a directory, a chart or a
	 * kustomization is refused with the reason) */
	struct iw_files fs = { 0 };
	char *one[1] = { (char *)path };
	bool walked = false;
	if (iw_files_expand(&fs, one, 1, &ro, expand_problem, &walked)) {
		fprintf(stderr, "ingress-warden convert: %s\n", iw_strerror(IW_ENOMEM));
		iw_files_release(&fs);
		return 2;
	}
	if (walked || fs.n != 1) {
		if (!walked)
			fprintf(stderr, "ingress-warden convert: %s: a directory: give one file\n", path);
		iw_files_release(&fs);
		return 2;
	}
	struct iw_file *f = &fs.v[0];
	char why[300];
	int rc = 2;
	struct docs ds = { .name = f->name };
	char *text = NULL;
	if (iw_file_read(f, &ro, why, sizeof why)) {
		fprintf(stderr, "ingress-warden convert: %s: %s\n", f->name, why);
		iw_files_release(&fs);
		return 2;
	}
	/* the whole file is converted at once: a document may be as large as the file */
	struct yd_limits lim;
	yd_limits_init(&lim);
	lim.max_doc_bytes = f->len + 1;
	enum iw_err e = yd_parse(f->buf, f->len, f->format, &lim, on_doc, &ds);
	if (e) {
		fprintf(stderr, "ingress-warden convert: %s\n", iw_strerror(e));
		goto done;
	}
	if (ds.bad)
		goto done;   /* nothing is written from an input with errors */
	size_t len = 0;
	if (!strcmp(out, "yaml")) {
		if ((e = yo_dump(ds.v, ds.n, &text, &len))) {
			fprintf(stderr, "ingress-warden convert: %s\n", iw_strerror(e));
			goto done;
		}
		fwrite(text, 1, len, stdout);
	} else {
		for (size_t i = 0; i < ds.n; i++) {
			char *s = json_dumps(ds.v[i], JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			if (!s) {
				fprintf(stderr, "ingress-warden convert: %s\n", iw_strerror(IW_ENOMEM));
				goto done;
			}
			printf("%s\n", s);
			free(s);
		}
	}
	if (fflush(stdout))
		goto done;
	fprintf(stderr, "ingress-warden convert: %zu object%s converted to networking.k8s.io/v1, "
	        "%zu document%s written\n", ds.converted, ds.converted == 1 ? "" : "s", ds.n,
	        ds.n == 1 ? "" : "s");
	rc = 0;
done:
	free(text);
	for (size_t i = 0; i < ds.n; i++)
		json_decref(ds.v[i]);
	free(ds.v);
	iw_files_release(&fs);
	return rc;
}
