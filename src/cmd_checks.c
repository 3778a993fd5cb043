/* ingress-warden checks: every check beyond the API server, for users (checks/check.h). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/check.h"
#include "src/cliopt.h"
#include "src/cmd.h"

static void help(void)
{
	printf("usage: ingress-warden checks [-o text|json] [ID...]\n\n"
	       "Lists every check lint, review and serve run beyond the API server's rules\n"
	       "(or the checks named): its ID, its default severity (an error denies, a\n"
	       "warning warns), the controller profiles it looks for, what it catches, why it\n"
	       "matters and how to silence it: on one object with the annotation\n"
	       "  metadata.annotations: {" IW_IGNORE_ANNOTATION ": \"ID, ID\"}\n"
	       "(its findings are then reported as suppressed: lint -o json and -o sarif),\n"
	       "or everywhere with a policy file (--config FILE): checks: {ID: off}.\n\n"
	       "  -o text|json   output (default text); json: an array, one object per check\n\n"
	       "Exit status: 0, or 2 for an unknown ID or a usage error.\n");
}

/* "error", "error; sameNamespaceSeverity: warning" */
static void severity_text(const struct iw_check_info *c, char *buf, size_t size)
{
	if (c->alt_key)
		snprintf(buf, size, "%s; its variant %s: %s", iw_severity_name(c->severity), c->alt_key,
		         iw_severity_name(c->alt_severity));
	else
		snprintf(buf, size, "%s", iw_severity_name(c->severity));
}

/* "  label     text", the text wrapped at 80 columns under itself */
static void field(const char *label, const char *text)
{
	const int indent = 12, width = 80;
	printf("  %-9s ", label);
	int col = indent;
	const char *p = text;
	while (*p) {
		size_t n = strcspn(p, " ");
		if (col > indent && col + 1 + (int)n > width) {
			printf("\n%*s", indent, "");
			col = indent;
		} else if (col > indent) {
			putchar(' ');
			col++;
		}
		fwrite(p, 1, n, stdout);
		col += (int)n;
		p += n;
		while (*p == ' ')
			p++;
	}
	putchar('\n');
}

static void print_text(const struct iw_check_info *c)
{
	char sev[128], sil[400];
	severity_text(c, sev, sizeof sev);
	printf("%s: %s\n", c->id, c->title ? c->title : c->summary);
	field("severity", sev);
	field("profiles", c->profiles ? c->profiles : "every profile");
	if (c->needs_state)
		field("looks at", "other objects too: the Ingresses, IngressClasses and Services lint, "
		      "review --against or serve know");
	field("catches", c->summary);
	if (c->why)
		field("matters", c->why);
	bool errs = c->severity == IW_SEV_ERROR || (c->alt_key && c->alt_severity == IW_SEV_ERROR);
	snprintf(sil, sizeof sil, "on one object, the annotation %s: \"%s\"%s; everywhere, "
	         "--config FILE with checks: {%s: off}", IW_IGNORE_ANNOTATION, c->id,
	         errs ? " (its errors only where the policy file says ignoreAnnotation: all)" : "",
	         c->id);
	field("silence", sil);
	putchar('\n');
}

static json_t *check_json(const struct iw_check_info *c)
{
	json_t *profiles = json_array();
	if (c->profiles) {   /* "ingress-nginx, nginx-inc" */
		const char *p = c->profiles;
		while (*p) {
			size_t n = strcspn(p, ",");
			json_array_append_new(profiles, json_stringn(p, n));
			p += n;
			while (*p == ',' || *p == ' ')
				p++;
		}
	}
	json_t *o = json_pack("{s:s, s:s, s:s, s:o, s:s, s:s*, s:b, s:{s:s, s:s}}",
	    "id", c->id, "title", c->title ? c->title : c->summary,
	    "severity", iw_severity_name(c->severity),
	    "profiles", profiles,   /* [] : every profile */
	    "catches", c->summary, "why", c->why, "needsState", c->needs_state,
	    "silence", "annotation", IW_IGNORE_ANNOTATION, "config", "checks");
	if (o && c->alt_key)
		json_object_set_new(o, "variant", json_pack("{s:s, s:s}", "key", c->alt_key,
		                    "severity", iw_severity_name(c->alt_severity)));
	return o;
}

enum { O_HELP = 1, O_OUT };
static const struct cli_opt checks_opts[] = {
	{ "--help", "-h", false, O_HELP },
	{ "--output", "-o", true, O_OUT },
	{ NULL, NULL, false, 0 },
};

int cmd_checks(int argc, char **argv)
{
	struct cli cl;
	cli_init(&cl, "checks", argc, argv, checks_opts);
	const char *v, *out = "text";
	bool want[IW_NCHECKS] = { false };
	bool some = false;
	int id;
	while ((id = cli_next(&cl, &v)) != CLI_END) {
		switch (id) {
		case CLI_ERROR:
			fprintf(stderr, "ingress-warden checks: %s\n", cl.error);
			return 2;
		case O_HELP:
			help();
			return 0;
		case O_OUT:
			if (strcmp(v, "text") != 0 && strcmp(v, "json") != 0) {
				fprintf(stderr, "ingress-warden checks: -o takes text or json, not '%s'\n", v);
				return 2;
			}
			out = v;
			break;
		case CLI_ARG: {
			enum iw_check_id k;
			if (iw_check_lookup(v, &k) != IW_OK) {
				const char *ids[IW_NCHECKS + 1];
				for (int i = 0; i < IW_NCHECKS; i++)
					ids[i] = iw_check_info((enum iw_check_id)i)->id;
				ids[IW_NCHECKS] = NULL;
				const char *near = cli_nearest(v, ids);
				fprintf(stderr, "ingress-warden checks: no check '%s'%s%s%s; "
				        "'ingress-warden checks' lists them\n", v, near ? " (did you mean '" : "",
				        near ? near : "", near ? "'?)" : "");
				return 2;
			}
			want[k] = some = true;
			break;
		}
		}
	}
	if (!strcmp(out, "json")) {
		json_t *a = json_array();
		bool oom = !a;
		for (int i = 0; !oom && i < IW_NCHECKS; i++)
			if (!some || want[i])
				oom = json_array_append_new(a, check_json(iw_check_info((enum iw_check_id)i))) != 0;
		char *s = oom ? NULL : json_dumps(a, JSON_INDENT(2));
		json_decref(a);
		if (!s) {
			fprintf(stderr, "ingress-warden checks: out of memory\n");
			return 2;
		}
		puts(s);
		free(s);
		return 0;
	}
	for (int i = 0; i < IW_NCHECKS; i++)
		if (!some || want[i])
			print_text(iw_check_info((enum iw_check_id)i));
	if (!some)
		printf("%d checks.  Silence one on one object with the %s annotation\n"
		       "(\"check-a, check-b\"), everywhere with --config FILE (README: Policy file).\n",
		       IW_NCHECKS, IW_IGNORE_ANNOTATION);
	return 0;
}
