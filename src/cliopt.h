/*
 * Command line options, the same for every command: `--name value`,
 * `--name=value`, `-o value`, `--` (everything after it is a PATH), and an
 * unknown option answered with the nearest known one ("did you mean").
 *
 *   static const struct cli_opt opts[] = {
 *       { "--output", "-o", true, OPT_OUTPUT }, { "--help", "-h", false, OPT_HELP }, { 0 } };
 *   struct cli c;  cli_init(&c, "lint", argc, argv, opts);
 *   const char *v;  int id;
 *   while ((id = cli_next(&c, &v)) != CLI_END) {
 *       if (id == CLI_ERROR) return 2;          // c.error says why
 *       if (id == CLI_ARG) ... v is a positional argument
 *       ...
 *   }
 */
#ifndef IW_SRC_CLIOPT_H
#define IW_SRC_CLIOPT_H

#include <stdbool.h>

struct cli_opt {
	const char *name;    /* "--output" */
	const char *alias;   /* "-o", or NULL */
	bool has_arg;
	int id;              /* > 0 */
};

enum { CLI_END = 0, CLI_ARG = -1, CLI_ERROR = -2 };

struct cli {
	const char *cmd;
	int argc, i;
	char **argv;
	const struct cli_opt *opts;   /* ends with a zeroed entry */
	bool only_args;
	char error[256];              /* after CLI_ERROR: "unknown option '--outptu' (did you mean '--output'?)" */
};

void cli_init(struct cli *c, const char *cmd, int argc, char **argv, const struct cli_opt *opts);

/* The next option's id (its value in *val when it takes one), CLI_ARG (a
 * positional argument in *val), CLI_ERROR, or CLI_END. */
int cli_next(struct cli *c, const char **val);

/* "did you mean": the known word nearest to 'word' (at most 2 edits, or a
 * prefix), NULL when none is near.  'words' ends with NULL. */
const char *cli_nearest(const char *word, const char *const *words);

#endif
