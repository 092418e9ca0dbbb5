// SPDX-License-Identifier: GPL-2.0-only
/*
 * Where QEMU's gdbstub listens: "unix:PATH", "tcp:HOST:PORT" (-s, -gdb tcp:),
 * found in query-chardev or given as gdb=; loopback only unless allowed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "plugins/targets/qemu/qemu.h"

/* HOST:PORT, HOST maybe [v6] or a bare v6 address (QEMU writes both). */
static int gdb_addr_parse_inet(const char *s, size_t len, struct gdb_addr *a)
{
	const char *colon = NULL, *host = s;
	size_t hlen;
	char *end;
	long port;

	for (size_t i = 0; i < len; i++)
		if (s[i] == ':')
			colon = s + i;
	if (!colon)
		return -EINVAL;
	hlen = colon - s;
	if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']') {
		host++;
		hlen -= 2;
	}
	if (hlen >= sizeof(a->host) || colon + 1 == s + len)
		return -EINVAL;
	port = strtol(colon + 1, &end, 10);
	if (end != s + len || port < 0 || port > 65535)
		return -EINVAL;
	memcpy(a->host, host, hlen);
	a->host[hlen] = '\0';
	a->port = (int)port;
	a->tcp = true;
	return 0;
}

int gdb_addr_parse(const char *spec, size_t len, struct gdb_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (len >= 4 && !strncmp(spec, "tcp:", 4))
		return gdb_addr_parse_inet(spec + 4, len - 4, a);
	if (len >= 5 && !strncmp(spec, "unix:", 5)) {
		spec += 5;
		len -= 5;
	}
	if (!len || len >= sizeof(a->path))
		return -EINVAL;
	memcpy(a->path, spec, len);
	a->path[len] = '\0';
	return 0;
}

void gdb_addr_str(const struct gdb_addr *a, char *buf, size_t len)
{
	if (!a->tcp)
		snprintf(buf, len, "unix:%s", a->path);
	else if (strchr(a->host, ':'))
		snprintf(buf, len, "tcp:[%s]:%d", a->host, a->port);
	else
		snprintf(buf, len, "tcp:%s:%d", a->host, a->port);
}

static bool sa_is_loopback(const struct sockaddr *sa)
{
	const struct sockaddr_in6 *s6 = (const void *)sa;
	const uint8_t *b = s6->sin6_addr.s6_addr;

	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)
				      ->sin_addr.s_addr) >>
			24) == 127;
	if (sa->sa_family != AF_INET6)
		return false;
	if (IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr))
		return true;
	return IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr) && b[12] == 127;
}

/*
 * Resolve a->host once, to a numeric address that connect() will use
 * (and a reconnect after detach will reuse). A stub that listens on every
 * address (-s is tcp::1234, QEMU shows 0.0.0.0) is reached on loopback.
 * QEMU's gdbstub has no authentication and carries decrypted registers:
 * anything but loopback needs the user's word (allow_remote).
 */
int gdb_addr_resolve(struct gdb_addr *a, bool allow_remote, char *err,
		     size_t errlen)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_NUMERICSERV};
	struct addrinfo *res = NULL;
	char port[8], host[sizeof(a->host)];
	int rc;

	if (!a->tcp)
		return 0;
	if (!a->host[0] || !strcmp(a->host, "0.0.0.0"))
		snprintf(a->host, sizeof(a->host), "127.0.0.1");
	else if (!strcmp(a->host, "::"))
		snprintf(a->host, sizeof(a->host), "::1");
	snprintf(port, sizeof(port), "%d", a->port);
	rc = getaddrinfo(a->host, port, &hints, &res);
	if (rc) {
		snprintf(err, errlen, "cannot resolve %s (QEMU's gdbstub): %s",
			 a->host, gai_strerror(rc));
		return -EHOSTUNREACH;
	}
	rc = getnameinfo(res->ai_addr, res->ai_addrlen, host, sizeof(host),
			 NULL, 0, NI_NUMERICHOST);
	if (!rc && !allow_remote && !sa_is_loopback(res->ai_addr)) {
		snprintf(err, errlen,
			 "QEMU's gdbstub at %s:%d is not on a loopback address: it has no authentication and would carry the guest's decrypted registers over the network. Use QEMU's gdbstub on this host (-gdb unix:PATH or tcp:127.0.0.1:PORT), or add allow-remote-gdb=on to the target if you mean it",
			 a->host, a->port);
		rc = -EPERM;
	} else if (rc) {
		snprintf(err, errlen, "cannot resolve %s: %s", a->host,
			 gai_strerror(rc));
		rc = -EHOSTUNREACH;
	} else {
		if (!sa_is_loopback(res->ai_addr))
			pr_warn("QEMU's gdbstub at %s:%d is reached over the network (allow-remote-gdb=on): it has no authentication",
				host, a->port);
		snprintf(a->host, sizeof(a->host), "%s", host);
	}
	freeaddrinfo(res);
	return rc;
}

int gdb_addr_connect(const struct gdb_addr *a, char *err, size_t errlen)
{
	struct sockaddr_storage ss = {0};
	struct sockaddr_un *un = (void *)&ss;
	struct sockaddr_in *in = (void *)&ss;
	struct sockaddr_in6 *in6 = (void *)&ss;
	socklen_t sl = sizeof(*un);
	char name[QEMU_PATH_MAX + 16];
	int fd, rc;

	gdb_addr_str(a, name, sizeof(name));
	if (!a->tcp) {
		un->sun_family = AF_UNIX;
		snprintf(un->sun_path, sizeof(un->sun_path), "%s", a->path);
	} else if (inet_pton(AF_INET, a->host, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(a->port);
		sl = sizeof(*in);
	} else if (inet_pton(AF_INET6, a->host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(a->port);
		sl = sizeof(*in6);
	} else {
		snprintf(err, errlen, "%s: not a numeric address", name);
		return -EINVAL;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0) {
		rc = -errno;
		snprintf(err, errlen,
			 "cannot connect to QEMU's gdbstub at %s: %s (is QEMU running with -gdb %s?)",
			 name, strerror(-rc), name);
		close(fd);
		return rc;
	}
	return fd;
}

/*
 * One query-chardev "filename": "[disconnected:]unix:PATH,server=on" or
 * "[disconnected:]tcp:HOST:PORT,server=on[ <-> PEER:PORT]". 0 with *a and
 * *busy (a client is connected) set; -EINVAL for what sevdbg cannot reach
 * (a client-mode socket, telnet, stdio, a pty).
 */
int gdb_addr_from_chardev(const char *fn, struct gdb_addr *a, bool *busy,
			  char *peer, size_t peerlen)
{
	const char *end, *arrow;

	*busy = strncmp(fn, "disconnected:", 13) != 0;
	if (!*busy)
		fn += 13;
	if (strncmp(fn, "unix:", 5) && strncmp(fn, "tcp:", 4))
		return -EINVAL;
	end = fn + strcspn(fn, ", ");
	if (strncmp(end, ",server=on", 10))
		return -EINVAL; /* QEMU connects out: nothing to connect to */
	arrow = strstr(end, " <-> ");
	if (peer && peerlen)
		snprintf(peer, peerlen, "%s", arrow ? arrow + 5 : "");
	return gdb_addr_parse(fn, end - fn, a);
}

bool gdb_addr_same(const struct gdb_addr *a, const struct gdb_addr *b)
{
	if (a->tcp != b->tcp)
		return false;
	/* A stub on 0.0.0.0:P is the one reached at 127.0.0.1:P. */
	return a->tcp ? a->port == b->port : !strcmp(a->path, b->path);
}
