/* Command line options (see cliopt.h). */
#include "src/cliopt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_init(struct cli *c, const char *cmd, int argc, char **argv, const struct cli_opt *opts)
{
	memset(c, 0, sizeof *c);
	c->cmd = cmd;
	c->argc = argc;
	c->argv = argv;
	c->opts = opts;
	c->i = 1;
}

/* Edit distance (insert, delete, substitute, swap of neighbours), capped. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return 99;
	size_t d[65][65];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

const char *cli_nearest(const char *word, const char *const *words)
{
	const char *best = NULL;
	size_t bd = 3, wl = strlen(word);
	for (size_t i = 0; words[i]; i++) {
		size_t d = distance(word, words[i]);
		/* "--out" for "--output": a prefix of at least 3 letters counts as near */
		if (d >= bd && wl >= 5 && !strncmp(words[i], word, wl))
			d = 2;
		if (d < bd) {
			bd = d;
			best = words[i];
		}
	}
	return best;
}

static int unknown(struct cli *c, const char *arg, size_t len)
{
	const char *words[128];
	size_t n = 0;
	for (const struct cli_opt *o = c->opts; o->name && n + 2 < 128; o++) {
		words[n++] = o->name;
		if (o->alias)
			words[n++] = o->alias;
	}
	words[n] = NULL;
	char w[80];
	snprintf(w, sizeof w, "%.*s", (int)(len < 79 ? len : 79), arg);
	const char *near = cli_nearest(w, words);
	if (near)
		snprintf(c->error, sizeof c->error, "unknown option '%s' (did you mean '%s'?)", w, near);
	else
		snprintf(c->error, sizeof c->error, "unknown option '%s' (see 'ingress-warden %s --help')",
		         w, c->cmd);
	return CLI_ERROR;
}

int cli_next(struct cli *c, const char **val)
{
	*val = NULL;
	if (c->i >= c->argc)
		return CLI_END;
	const char *a = c->argv[c->i++];
	if (c->only_args || a[0] != '-' || !a[1]) {   /* "-" is stdin: an argument */
		*val = a;
		return CLI_ARG;
	}
	if (!strcmp(a, "--")) {
		c->only_args = true;
		return cli_next(c, val);
	}
	const char *eq = a[1] == '-' ? strchr(a, '=') : NULL;
	size_t len = eq ? (size_t)(eq - a) : strlen(a);
	for (const struct cli_opt *o = c->opts; o->name; o++) {
		bool match = (strlen(o->name) == len && !strncmp(a, o->name, len)) ||
		             (o->alias && !eq && !strcmp(a, o->alias));
		if (!match)
			continue;
		if (!o->has_arg) {
			if (eq) {
				snprintf(c->error, sizeof c->error, "%s takes no value", o->name);
				return CLI_ERROR;
			}
			return o->id;
		}
		if (eq) {
			*val = eq + 1;
			return o->id;
		}
		if (c->i >= c->argc) {
			snprintf(c->error, sizeof c->error, "%s needs a value", a);
			return CLI_ERROR;
		}
		*val = c->argv[c->i++];
		return o->id;
	}
	return unknown(c, a, len);
}
