/* ingress-warden: subcommand table and dispatch; nothing else. */
#include <stdio.h>
#include <string.h>

#include "model/jsonmem.h"
#include "src/cliopt.h"
#include "src/cmd.h"

struct cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
};

/* Each subcommand registers here once it exists (see cmd.h). */
static const struct cmd cmds[] = {
	{ "lint", cmd_lint, "lint [-o text|json|sarif|junit|codequality] [--kube-version V] [--config FILE] [--against STATE] PATH..." },
	{ "review", cmd_review, "review [--config FILE] [--against STATE] [--kube-version V] [FILE|-]" },
	{ "convert", cmd_convert, "convert [-o yaml|json] FILE|-" },
	{ "route", cmd_route, "route -f PATH [-f PATH...] [--class NAME] [-o text|json] (--host H --path P | URL) | --gateway-api ..." },
	{ "diff", cmd_diff, "diff OLD... --to NEW... [--old-controller P] [--new-controller P] [-o text|json]" },
	{ "router", cmd_router, "router --listen ADDR -f PATH... [--class NAME]" },
	{ "conformance", cmd_conformance, "conformance --target URL -f PATH... [-o text|json|junit]" },
	{ "serve", cmd_serve, "serve --listen ADDR --tls-cert F --tls-key F [--client-ca F] [--lint-listen ADDR] ..." },
	{ "checks", cmd_checks, "checks [-o text|json] [ID...]" },
	{ "certs", cmd_certs, "certs --out DIR --service NAME --namespace NS [--days N] [--host H]..." },
	{ NULL, NULL, NULL },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: ingress-warden COMMAND [ARGS]\n\n"
	           "A Kubernetes Ingress guard: the API server's rules, conflict checks,\n"
	           "a reference router and an admission webhook.\n\ncommands:\n");
	for (const struct cmd *c = cmds; c->name; c++)
		fprintf(f, "  %s\n", c->usage);
	fprintf(f, "\n'ingress-warden help COMMAND' (or 'ingress-warden COMMAND --help') describes each command.\n");
}

static const struct cmd *find(const char *name)
{
	for (const struct cmd *c = cmds; c->name; c++)
		if (!strcmp(name, c->name))
			return c;
	return NULL;
}

static int unknown(const char *name)
{
	const char *names[sizeof cmds / sizeof *cmds + 1];
	size_t n = 0;
	for (const struct cmd *c = cmds; c->name; c++)
		names[n++] = c->name;
	names[n] = NULL;
	const char *near = cli_nearest(name, names);
	if (near)
		fprintf(stderr, "ingress-warden: unknown command '%s' (did you mean '%s'?); "
		        "'ingress-warden help' lists the commands\n", name, near);
	else
		fprintf(stderr, "ingress-warden: unknown command '%s'; 'ingress-warden help' lists the "
		        "commands\n", name);
	return 2;
}

int main(int argc, char **argv)
{
	/* jansson's allocations counted (model/jsonmem.h): a failure it does not
	 * report is told from bad input by every command; lint and serve put
	 * their arenas' hooks over these (load/jarena.h), which count too */
	iw_json_install();
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		if (argc > 2) {   /* help COMMAND: that command's --help */
			const struct cmd *c = find(argv[2]);
			if (!c)
				return unknown(argv[2]);
			char *av[] = { argv[2], (char *)"--help", NULL };
			return c->run(2, av);
		}
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("ingress-warden %s\n", IW_VERSION);
		return 0;
	}
	const struct cmd *c = find(argv[1]);
	if (c)
		return c->run(argc - 1, argv + 1);
	return unknown(argv[1]);
}
