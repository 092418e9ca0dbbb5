// SPDX-License-Identifier: GPL-2.0-only
/*
 * RSP client for QEMU's own gdbstub over the shared framing state machine:
 * no-ack mode, and a non-blocking receive path polled from event_fd().
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "plugins/targets/qemu/qemu.h"
#include "sevdbg/rsp.h"

static int rspc_write(struct rspc *c, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EPIPE || errno == ECONNRESET ? -EPIPE
								     : -errno;
		p += n;
		len -= n;
	}
	return 0;
}

/* Write out what the framing queued: packets, acks, resends. */
static int rspc_flush(struct rspc *c)
{
	int rc;

	if (c->rsp.out.oom)
		return -ENOMEM;
	rc = c->rsp.out.len ? rspc_write(c, c->rsp.out.buf, c->rsp.out.len) : 0;
	rsp_consume_out(&c->rsp, c->rsp.out.len);
	return rc;
}

int rspc_send(struct rspc *c, const char *payload)
{
	rsp_put_str(&c->rsp, payload);
	return rspc_flush(c);
}

int rspc_interrupt(struct rspc *c)
{
	return rspc_write(c, "\x03", 1);
}

/* Drop the first skip bytes of c->raw. */
static void rspc_consume(struct rspc *c, size_t skip)
{
	if (!skip)
		return;
	memmove(c->raw.buf, c->raw.buf + skip, c->raw.len - skip + 1);
	c->raw.len -= skip;
}

/*
 * Feed c->raw to the framing state machine (the server's: one decoder
 * for both directions) until one packet completes; it is copied to
 * c->pkt. With acks, a packet whose checksum is wrong is answered '-' and
 * dropped: QEMU sends it again, and taking both would answer the next
 * command with this one's reply. A '-' from QEMU resends our last packet.
 */
static int rspc_parse(struct rspc *c)
{
	size_t i;
	int rc = 0;

	c->rsp.no_ack = c->noack;
	for (i = 0; i < c->raw.len && !rc; i++) {
		switch (rsp_feed(&c->rsp, (uint8_t)c->raw.buf[i])) {
		case RSP_PACKET:
			sb_reset(&c->pkt);
			sb_add(&c->pkt, c->rsp.buf, c->rsp.len);
			if (!c->pkt.buf)
				sb_puts(&c->pkt, "");
			rc = c->pkt.oom ? -ENOMEM : 1;
			break;
		case RSP_OVERFLOW:
			rc = -EMSGSIZE; /* QEMU never sends more than 4 KiB */
			break;
		default:
			break; /* acks, a bad checksum, noise */
		}
	}
	rspc_consume(c, i);
	return rspc_flush(c) ?: rc;
}

int rspc_poll(struct rspc *c)
{
	char chunk[16384];
	int rc = rspc_parse(c);

	if (rc)
		return rc;
	for (;;) {
		ssize_t n = recv(c->fd, chunk, sizeof(chunk), MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0)
			return -EPIPE;
		sb_add(&c->raw, chunk, n);
		if (c->raw.oom)
			return -ENOMEM;
		rc = rspc_parse(c);
		if (rc)
			return rc;
	}
}

int rspc_recv(struct rspc *c, int timeout_ms)
{
	uint64_t deadline;

	if (timeout_ms < 0)
		timeout_ms = c->timeout_ms;
	deadline = now_ns() + (uint64_t)timeout_ms * 1000000;
	for (;;) {
		struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
		int64_t left;
		int rc = rspc_poll(c);

		if (rc < 0)
			return rc;
		if (rc > 0)
			return 0;
		left = (int64_t)(deadline - now_ns()) / 1000000;
		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
			return -errno;
	}
}

int rspc_cmd(struct rspc *c, const char *cmd)
{
	int rc = rspc_send(c, cmd);

	/*
	 * QEMU reports every VM stop, also one we did not ask for (the VM
	 * was resumed and stopped again over QMP): no command we send is
	 * answered with a stop reply, so skip it rather than take it as
	 * this command's answer and be one reply behind from then on.
	 */
	while (!rc) {
		rc = rspc_recv(c, -1);
		if (rc || (c->pkt.buf[0] != 'T' && c->pkt.buf[0] != 'S'))
			break;
		pr_debug("qemu: skipped a stop reply nobody asked for: %s",
			 c->pkt.buf);
		c->stray_stop = true;
	}
	if (rc)
		return rc;
	if (c->pkt.len == 3 && c->pkt.buf[0] == 'E')
		return -EIO;
	return 0;
}

int rspc_parse_tid(const char *s, const char **end, int *pid, int *tid)
{
	char *e;

	*pid = 1;
	if (*s == 'p') {
		*pid = (int)strtol(s + 1, &e, 16);
		if (e == s + 1 || *e != '.')
			return -EPROTO;
		s = e + 1;
	}
	*tid = (int)strtol(s, &e, 16);
	if (e == s)
		return -EPROTO;
	if (end)
		*end = e;
	return 0;
}

void rspc_fmt_tid(const struct rspc *c, char *buf, size_t len, int pid, int tid)
{
	if (c->multiprocess)
		snprintf(buf, len, "p%x.%x", pid, tid);
	else
		snprintf(buf, len, "%x", tid);
}

/*
 * QEMU 7.2 keeps the multiprocess mode an earlier gdb negotiated, for every
 * later client: ask for it ourselves so the form of thread ids and of 'D'
 * is known. A stub that does not offer it stays in the plain form.
 */
static int rspc_negotiate(struct rspc *c)
{
	int rc = rspc_cmd(c, "qSupported:multiprocess+");

	if (rc == -EIO)
		rc = 0; /* refused: the plain form */
	c->multiprocess = !rc && strstr(c->pkt.buf, "multiprocess+");
	pr_debug("qemu: gdbstub thread ids in %s form",
		 c->multiprocess ? "multiprocess (pP.T)" : "plain");
	return rc;
}

/* QEMU took the connection and says nothing: another client holds it. */
static void rspc_busy(struct rspc *c, const struct gdb_addr *a, char *err,
		      size_t errlen)
{
	char name[QEMU_PATH_MAX + 16], who[256];

	close(c->fd); /* not a client of QEMU's while we look */
	c->fd = -1;
	gdb_addr_str(a, name, sizeof(name));
	gdb_addr_holder(a, NULL, who, sizeof(who));
	snprintf(err, errlen,
		 "QEMU's gdbstub at %s does not answer: another debugger holds it: %s. QEMU serves one at a time: detach or quit that one, then try again",
		 name, who);
}

int rspc_open(struct rspc *c, const char *spec, int timeout_ms, char *err,
	      size_t errlen)
{
	struct gdb_addr a;
	int rc;

	rc = rspc_init(c, -1, timeout_ms);
	if (rc) {
		rspc_close(c);
		return rc;
	}
	if (gdb_addr_parse(spec, strlen(spec), &a)) {
		snprintf(err, errlen,
			 "'%s' is no gdbstub address (unix:PATH, tcp:HOST:PORT or a socket path)",
			 spec);
		rc = -EINVAL;
		goto err;
	}
	c->fd = gdb_addr_connect(&a, err, errlen);
	if (c->fd < 0) {
		rc = c->fd;
		goto err;
	}
	/* Connecting stops a running VM: QEMU may send that stop first. */
	rc = rspc_cmd(c, "QStartNoAckMode");
	while (!rc && (c->pkt.buf[0] == 'T' || c->pkt.buf[0] == 'S'))
		rc = rspc_recv(c, -1);
	if (!rc && !c->pkt.len)
		goto negotiate; /* QEMU 7.2 has no no-ack mode: keep acking */
	if (rc == -ETIMEDOUT) {
		rspc_busy(c, &a, err, errlen);
		rc = -EBUSY;
		goto err;
	}
	if (rc || strcmp(c->pkt.buf, "OK")) {
		snprintf(err, errlen,
			 "%s does not speak the gdb protocol like QEMU's gdbstub (%s)",
			 spec, rc ? strerror(-rc) : c->pkt.buf);
		rc = rc ?: -EPROTO;
		goto err;
	}
	c->noack = true;
negotiate:
	rc = rspc_negotiate(c);
	if (!rc)
		return 0;
	snprintf(err, errlen,
		 "QEMU's gdbstub at %s did not answer qSupported: %s", spec,
		 strerror(-rc));
err:
	rspc_close(c);
	return rc;
}

int rspc_init(struct rspc *c, int fd, int timeout_ms)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->timeout_ms = timeout_ms;
	sb_init(&c->raw);
	sb_init(&c->pkt);
	return rsp_init(&c->rsp, RSPC_PACKET_MAX);
}

void rspc_close(struct rspc *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	sb_release(&c->raw);
	sb_release(&c->pkt);
	rsp_release(&c->rsp);
}
