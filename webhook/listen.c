/* The servers' listen addresses (see listen.h). */
#include "webhook/listen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int wh_parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *sl, int *loopback,
                    char *err, size_t errlen)
{
	char host[256];
	const char *colon = strrchr(listen, ':');
	if (!colon || colon == listen + strlen(listen) - 1 || (size_t)(colon - listen) >= sizeof host) {
		snprintf(err, errlen, "listen address '%s' must be HOST:PORT", listen);
		return -1;
	}
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = 0;
	char *h = host;
	size_t hl = strlen(h);
	if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') {
		h[hl - 1] = 0;
		h++;
	}
	char *end;
	errno = 0;
	long port = strtol(colon + 1, &end, 10);
	if (errno || *end || port < 0 || port > 65535) {
		snprintf(err, errlen, "invalid port in '%s'", listen);
		return -1;
	}
	memset(ss, 0, sizeof *ss);
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	if (!*h || !strcmp(h, "0.0.0.0")) {
		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_ANY);
		s4->sin_port = htons((uint16_t)port);
		*sl = sizeof *s4;
		*loopback = 0;
	} else if (!strcmp(h, "localhost") || inet_pton(AF_INET, h, &s4->sin_addr) == 1) {
		if (!strcmp(h, "localhost"))
			s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		*sl = sizeof *s4;
		*loopback = (ntohl(s4->sin_addr.s_addr) >> 24) == 127;
	} else if (inet_pton(AF_INET6, h, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*sl = sizeof *s6;
		*loopback = IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr);
	} else {
		snprintf(err, errlen, "listen host '%s' must be an IP address or localhost", h);
		return -1;
	}
	return 0;
}

enum iw_err wh_listen_check(const char *listen, bool tls, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int loopback = 0;
	if (wh_parse_listen(listen, &ss, &sl, &loopback, err, errlen) < 0)
		return IW_EINVAL;
	if (!tls && !loopback) {
		snprintf(err, errlen, "plain HTTP is only served on loopback: '%s' is not", listen);
		return IW_EINVAL;
	}
	return IW_OK;
}

int wh_bind_probe(const struct sockaddr_storage *ss, socklen_t sl, char *why, size_t n)
{
	int fd = socket(ss->ss_family, SOCK_STREAM, 0);
	if (fd < 0) {
		snprintf(why, n, "%s", strerror(errno));
		return -1;
	}
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (ss->ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
	int rc = bind(fd, (const struct sockaddr *)ss, sl);
	int e = errno;
	close(fd);
	if (rc < 0) {
		snprintf(why, n, "%s", strerror(e));
		return -1;
	}
	return 0;
}
