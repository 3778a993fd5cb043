/* Subcommands: each parses its own argv and returns the exit status (0, 1, 2). */
#ifndef IW_SRC_CMD_H
#define IW_SRC_CMD_H

int cmd_lint(int argc, char **argv);
int cmd_review(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_route(int argc, char **argv);
/* route --gateway-api (src/cmd_route_gw.c; cmd_route hands over to it) */
int cmd_route_gateway(int argc, char **argv);
int cmd_router(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_conformance(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_certs(int argc, char **argv);
int cmd_checks(int argc, char **argv);

#endif
