// SPDX-License-Identifier: GPL-2.0-only
/*
 * Who holds QEMU's gdbstub: the client end of its connection, found through
 * /proc/net/unix (+ the unix sock_diag peer) or /proc/net/tcp, then
 * /proc/PID/fd.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "plugins/targets/qemu/qemu.h"

#define HOLDERS_MAX 8

/* The process with an fd on socket inode ino: its pid, or 0. */
static int holder_pid(unsigned long ino)
{
	char want[40], link[64], path[64 + 2 * NAME_MAX];
	struct dirent *pe, *fe;
	DIR *proc, *fds;
	int pid = 0;

	snprintf(want, sizeof(want), "socket:[%lu]", ino);
	proc = opendir("/proc");
	if (!proc)
		return 0;
	while (!pid && (pe = readdir(proc))) {
		if (!isdigit((unsigned char)pe->d_name[0]) ||
		    atoi(pe->d_name) == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", pe->d_name);
		fds = opendir(path);
		if (!fds)
			continue; /* gone, or not ours to look at */
		while (!pid && (fe = readdir(fds))) {
			ssize_t n;

			snprintf(path, sizeof(path), "/proc/%s/fd/%s",
				 pe->d_name, fe->d_name);
			n = readlink(path, link, sizeof(link) - 1);
			if (n > 0 && (link[n] = '\0', !strcmp(link, want)))
				pid = atoi(pe->d_name);
		}
		closedir(fds);
	}
	closedir(proc);
	return pid;
}

/* "process 1234 (gdb -q -ex target remote ...)" */
static void holder_name(int pid, char *buf, size_t len)
{
	char path[40], cmd[160] = "";
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	f = fopen(path, "re");
	if (f) {
		n = fread(cmd, 1, sizeof(cmd) - 1, f);
		fclose(f);
	}
	for (size_t i = 0; i + 1 < n; i++)
		if (!cmd[i])
			cmd[i] = ' ';
	cmd[n] = '\0';
	if (n == sizeof(cmd) - 1)
		snprintf(cmd + n - 4, 4, "...");
	snprintf(buf, len, "process %d (%s)", pid, n ? cmd : "?");
}

/* The socket at the other end of unix socket ino (sock_diag), or 0. */
static unsigned long unix_peer(unsigned long ino)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req req;
	} msg = {
		.nlh = {.nlmsg_len = sizeof(msg),
			.nlmsg_type = SOCK_DIAG_BY_FAMILY,
			.nlmsg_flags = NLM_F_REQUEST},
		.req = {.sdiag_family = AF_UNIX,
			.udiag_states = ~0u,
			.udiag_ino = (unsigned int)ino,
			.udiag_show = UDIAG_SHOW_PEER,
			.udiag_cookie = {INET_DIAG_NOCOOKIE,
					 INET_DIAG_NOCOOKIE}},
	};
	union {
		struct nlmsghdr nlh;
		char buf[1024];
	} r;
	unsigned long peer = 0;
	struct rtattr *rta;
	ssize_t n;
	int fd, len;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return 0;
	if (send(fd, &msg, sizeof(msg), 0) != sizeof(msg))
		goto out;
	n = recv(fd, &r, sizeof(r), 0);
	if (n < (ssize_t)NLMSG_LENGTH(sizeof(struct unix_diag_msg)) ||
	    !NLMSG_OK(&r.nlh, (size_t)n) ||
	    r.nlh.nlmsg_type != SOCK_DIAG_BY_FAMILY)
		goto out; /* NLMSG_ERROR: no unix_diag in this kernel */
	rta = (struct rtattr *)((char *)NLMSG_DATA(&r.nlh) +
				NLMSG_ALIGN(sizeof(struct unix_diag_msg)));
	len = (int)r.nlh.nlmsg_len -
	      NLMSG_LENGTH(NLMSG_ALIGN(sizeof(struct unix_diag_msg)));
	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
		if (rta->rta_type == UNIX_DIAG_PEER &&
		    RTA_PAYLOAD(rta) >= sizeof(uint32_t))
			peer = *(uint32_t *)RTA_DATA(rta);
out:
	close(fd);
	return peer;
}

/*
 * The client ends of connections to the unix socket path: QEMU's accepted
 * socket carries the path in /proc/net/unix (state 03 = connected, not a
 * listener); its peer is the client.
 */
static int unix_clients(const char *path, unsigned long *ino, int max)
{
	char line[512 + QEMU_PATH_MAX];
	int n = 0;
	FILE *f = fopen("/proc/net/unix", "re");

	if (!f)
		return -errno;
	while (n < max && fgets(line, sizeof(line), f)) {
		unsigned long flags, inode, peer;
		unsigned int st;
		int off = 0;

		if (sscanf(line, "%*x: %*x %*x %lx %*x %x %lu %n", &flags, &st,
			   &inode, &off) != 3 ||
		    !off || st != 3 || (flags & 0x10000))
			continue;
		line[strcspn(line, "\n")] = '\0';
		if (strcmp(line + off, path))
			continue;
		peer = unix_peer(inode);
		if (peer)
			ino[n++] = peer;
	}
	fclose(f);
	return n;
}

/* Established connections to port (the client's side): their inodes. */
static int tcp_clients(const char *table, int port, unsigned long *ino, int max,
		       int n)
{
	char line[512];
	FILE *f = fopen(table, "re");

	if (!f)
		return n;
	while (n < max && fgets(line, sizeof(line), f)) {
		unsigned int rport, st;
		unsigned long inode;
		char raddr[40];

		if (sscanf(line,
			   "%*d: %*[0-9A-Fa-f]:%*x %39[0-9A-Fa-f]:%x %x %*x:%*x %*x:%*x %*x %*u %*d %lu",
			   raddr, &rport, &st, &inode) == 4 &&
		    st == 1 && (int)rport == port && inode)
			ino[n++] = inode;
	}
	fclose(f);
	return n;
}

int gdb_addr_holder(const struct gdb_addr *a, const char *peer, char *buf,
		    size_t len)
{
	unsigned long ino[HOLDERS_MAX];
	int n, pid = 0;

	if (a->tcp)
		n = tcp_clients("/proc/net/tcp6", a->port, ino, HOLDERS_MAX,
				tcp_clients("/proc/net/tcp", a->port, ino,
					    HOLDERS_MAX, 0));
	else
		n = unix_clients(a->path, ino, HOLDERS_MAX);
	for (int i = 0; i < n && !pid; i++)
		pid = holder_pid(ino[i]);
	if (pid) {
		holder_name(pid, buf, len);
		return 1;
	}
	if (peer && *peer)
		snprintf(buf, len,
			 "a client at %s that is no process on this host sevdbg can see",
			 peer);
	else
		snprintf(buf, len,
			 "a client sevdbg cannot name (not found in /proc/net/%s and /proc/*/fd: another namespace, or run sevdbg as root to see every process)",
			 a->tcp ? "tcp" : "unix");
	return 0;
}
