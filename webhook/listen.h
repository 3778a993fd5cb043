/*
 * The listen addresses of serve's listeners (webhook, lint, probes): read,
 * checked and tried before libmicrohttpd binds them, so that a bad address
 * gets its reason.  I/O: wh_bind_probe opens a socket.
 */
#ifndef IW_WEBHOOK_LISTEN_H
#define IW_WEBHOOK_LISTEN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "base/err.h"

/* "HOST:PORT" (an IPv4 or IPv6 address, "[v6]", localhost, or "" / 0.0.0.0 for
 * every address; port 0-65535) into *ss and *sl; *loopback says whether it is
 * a loopback address.  -1 with the reason in err. */
int wh_parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *sl, int *loopback,
                    char *err, size_t errlen);

/* What wh_server_start checks of an address before it binds: a numeric
 * address or localhost and a port 0-65535, and plain HTTP (tls false) only on
 * loopback (wh_server_start passes true for the probe listener, which
 * answers only /healthz and /readyz).  IW_OK, or IW_EINVAL with the reason
 * in err.  serve --check asks it, so that --check and serve agree. */
enum iw_err wh_listen_check(const char *listen, bool tls, char *err, size_t errlen);

/* The system's reason when the address cannot be bound (in use, not an
 * address of this machine, a privileged port): libmicrohttpd only says that
 * it did not start.  Bound the way it binds (SO_REUSEADDR), then let go.
 * 0, or -1 with the reason in why. */
int wh_bind_probe(const struct sockaddr_storage *ss, socklen_t sl, char *why, size_t n);

#endif
