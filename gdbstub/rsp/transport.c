// SPDX-License-Identifier: GPL-2.0-only
/*
 * Transports for the RSP server: the per-connection poll loop over gdb's fd
 * and the target's event fd, and the unix, tcp and stdio listeners.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "gdbstub/mem/session.h"
#include "gdbstub/rsp/server.h"

#define READ_CHUNK 65536

static int transport_flush(struct server *sv, int fd)
{
	struct strbuf *out = &sv->rsp.out;
	struct pollfd pfd = {.fd = fd, .events = POLLOUT};
	ssize_t n;

	while (out->len) {
		n = write(fd, out->buf, out->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			poll(&pfd, 1, 1000);
			continue;
		}
		if (n <= 0)
			return n < 0 ? -errno : -EPIPE;
		rsp_consume_out(&sv->rsp, (size_t)n);
	}
	return 0;
}

/* Poll timeout: targets without an event fd are polled every 20 ms. */
static int transport_timeout(struct server *sv, int evfd)
{
	return sv->waiting && evfd < 0 ? 20 : sv->waiting ? 500 : -1;
}

/* One gdb at a time: a second one is told why it is refused. */
static void transport_turn_away(int lfd)
{
	static const char msg[] = "$E16#ac";
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	pr_warn("refused a second gdb connection: one gdb at a time (detach the first one)");
	if (write(fd, msg, sizeof(msg) - 1) < 0)
		pr_debug("could not tell the second gdb: %s", strerror(errno));
	close(fd);
}

int transport_serve_fd(struct server *sv, int in_fd, int out_fd, int quit_fd)
{
	uint8_t buf[READ_CHUNK];
	struct pollfd pfd[4];
	int evfd = target_event_fd(sv->s->t), ret;
	ssize_t n;

	for (;;) {
		ret = transport_flush(sv, out_fd);
		if (ret)
			return ret;
		if (sv->closing || sv->target_gone)
			return 0;
		pfd[0] = (struct pollfd){.fd = in_fd, .events = POLLIN};
		pfd[1] = (struct pollfd){.fd = sv->waiting ? evfd : -1,
					 .events = POLLIN};
		pfd[2] = (struct pollfd){.fd = quit_fd, .events = POLLIN};
		pfd[3] = (struct pollfd){.fd = sv->listen_fd, .events = POLLIN};
		ret = poll(pfd, 4, transport_timeout(sv, evfd));
		if (ret < 0 && errno != EINTR)
			return -errno;
		if (ret > 0 && pfd[2].revents)
			return 0;
		/* Only while this gdb is quiet: a pending EOF comes first. */
		if (ret > 0 && pfd[3].revents && !pfd[0].revents)
			transport_turn_away(sv->listen_fd);
		if (ret > 0 && pfd[0].revents) {
			n = read(in_fd, buf, sizeof(buf));
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0) { /* gdb hung up */
				sv->hung_up = true;
				return n < 0 ? -errno : 0;
			}
			server_input(sv, buf, (size_t)n);
		}
		server_poll_stop(sv);
	}
}

static void transport_session(struct server *sv, int in_fd, int out_fd,
			      int quit_fd)
{
	int ret = server_connect(sv);

	if (ret)
		pr_warn("could not stop the guest for gdb: %s (continuing)",
			strerror(-ret));
	sv->hung_up = false;
	ret = transport_serve_fd(sv, in_fd, out_fd, quit_fd);
	if (ret)
		pr_info("connection to gdb lost: %s", strerror(-ret));
	if ((ret || sv->hung_up) && !sv->closing && !sv->target_gone)
		server_gdb_gone(sv);
}

static int listen_unix(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat st;
	mode_t old;
	int fd, ret;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen,
			 "socket path too long: %s (use a shorter path, e.g. under /tmp)",
			 path);
		return -ENAMETOOLONG;
	}
	if (!lstat(path, &st)) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen,
				 "%s exists and is not a socket: remove it or choose another path",
				 path);
			return -EEXIST;
		}
		unlink(path); /* a stale socket from an earlier run */
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	old = umask(0177); /* the socket is born 0600: no window */
	ret = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (ret || listen(fd, 1))
		goto fail;
	return fd;
fail:
	ret = -errno;
	snprintf(err, errlen, "cannot listen on unix:%s: %s", path,
		 strerror(-ret));
	if (fd >= 0)
		close(fd);
	return ret;
}

static bool addr_is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)
				      ->sin_addr.s_addr) >>
			24) == 127;
	if (sa->sa_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(
			&((const struct sockaddr_in6 *)sa)->sin6_addr);
	return false;
}

static int tcp_bind(const struct addrinfo *ai)
{
	int one = 1, fd;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 1)) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	return fd;
}

static int listen_tcp(const char *hostport, bool allow_remote, char *err,
		      size_t errlen)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_PASSIVE};
	struct addrinfo *res = NULL, *ai;
	char host[256];
	const char *colon = strrchr(hostport, ':');
	int fd = -EADDRNOTAVAIL, ret;

	if (!colon || (size_t)(colon - hostport) >= sizeof(host)) {
		snprintf(err, errlen,
			 "bad --listen tcp:%s: write tcp:HOST:PORT, e.g. tcp:127.0.0.1:1234",
			 hostport);
		return -EINVAL;
	}
	memcpy(host, hostport, (size_t)(colon - hostport));
	host[colon - hostport] = '\0';
	ret = getaddrinfo(host[0] ? host : NULL, colon + 1, &hints, &res);
	if (ret) {
		snprintf(err, errlen, "cannot resolve tcp:%s: %s", hostport,
			 gai_strerror(ret));
		return -EINVAL;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		if (!addr_is_loopback(ai->ai_addr) && !allow_remote) {
			snprintf(err, errlen,
				 "refusing to listen on %s: the gdb protocol has no authentication; use 127.0.0.1 or add --allow-remote",
				 host[0] ? host : "all interfaces");
			fd = -EPERM;
			break;
		}
		fd = tcp_bind(ai);
		if (fd >= 0)
			break;
		snprintf(err, errlen, "cannot listen on tcp:%s: %s", hostport,
			 strerror(-fd));
	}
	freeaddrinfo(res);
	if (fd >= 0 && allow_remote)
		pr_warn("listening on tcp:%s: anyone who can reach it can read and write guest memory",
			hostport);
	return fd;
}

static void listen_announce(int fd, const char *spec)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char port[16];

	if (getsockname(fd, (struct sockaddr *)&ss, &len) ||
	    ss.ss_family == AF_UNIX) {
		pr_info("listening on %s", spec);
		return;
	}
	getnameinfo((struct sockaddr *)&ss, len, NULL, 0, port, sizeof(port),
		    NI_NUMERICSERV);
	pr_info("listening on %s (port %s)", spec, port);
}

/* One gdb at a time; quit_fd or a gone target ends the loop. */
static int accept_loop(struct server *sv, int lfd, int quit_fd)
{
	struct pollfd pfd[2];
	int cfd;

	while (!sv->target_gone) {
		pfd[0] = (struct pollfd){.fd = lfd, .events = POLLIN};
		pfd[1] = (struct pollfd){.fd = quit_fd, .events = POLLIN};
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (pfd[1].revents)
			return 0;
		cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (cfd < 0)
			continue;
		pr_info("gdb connected");
		sv->listen_fd = lfd;
		transport_session(sv, cfd, cfd, quit_fd);
		sv->listen_fd = -1;
		close(cfd);
		if (!sv->target_gone)
			pr_info("gdb disconnected; waiting for the next one");
	}
	return 0;
}

int transport_listen_run(struct server *sv, const struct transport_listen *l,
			 char *err, size_t errlen)
{
	const char *spec = l->spec ? l->spec : "stdio";
	bool is_unix = !strncmp(spec, "unix:", 5);
	int lfd, ret;

	if (!strcmp(spec, "stdio")) {
		transport_session(sv, STDIN_FILENO, STDOUT_FILENO, l->quit_fd);
		return 0;
	}
	if (is_unix)
		lfd = listen_unix(spec + 5, err, errlen);
	else if (!strncmp(spec, "tcp:", 4))
		lfd = listen_tcp(spec + 4, l->allow_remote, err, errlen);
	else {
		snprintf(err, errlen,
			 "unknown --listen %s: use unix:PATH, tcp:HOST:PORT or stdio",
			 spec);
		return -EINVAL;
	}
	if (lfd < 0)
		return lfd;
	listen_announce(lfd, spec);
	ret = accept_loop(sv, lfd, l->quit_fd);
	close(lfd);
	if (is_unix)
		unlink(spec + 5);
	return ret;
}
