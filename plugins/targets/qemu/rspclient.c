// SPDX-License-Identifier: GPL-2.0-only
/*
 * RSP client for QEMU's own gdbstub: framing, checksums, no-ack mode, and a
 * non-blocking receive path so stop replies can be polled from event_fd().
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "plugins/targets/qemu/qemu.h"

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

int rspc_send(struct rspc *c, const char *payload)
{
	struct strbuf sb;
	unsigned int sum = 0;
	const char *p;
	int rc;

	for (p = payload; *p; p++)
		sum += (unsigned char)*p;
	sb_init(&sb);
	sb_printf(&sb, "$%s#%02x", payload, sum & 0xff);
	rc = sb.oom ? -ENOMEM : rspc_write(c, sb.buf, sb.len);
	sb_release(&sb);
	return rc;
}

int rspc_interrupt(struct rspc *c)
{
	return rspc_write(c, "\x03", 1);
}

/* Decode escapes and run-length encoding of a packet body into c->pkt. */
static int rspc_decode(struct rspc *c, const char *body, size_t len)
{
	size_t i;

	sb_reset(&c->pkt);
	for (i = 0; i < len; i++) {
		char ch = body[i];

		if (ch == '}' && i + 1 < len) {
			sb_putc(&c->pkt, body[++i] ^ 0x20);
		} else if (ch == '*' && i + 1 < len && c->pkt.len) {
			int n = body[++i] - 29;
			char last = c->pkt.buf[c->pkt.len - 1];

			while (n-- > 0)
				sb_putc(&c->pkt, last);
		} else {
			sb_putc(&c->pkt, ch);
		}
	}
	if (!c->pkt.buf)
		sb_puts(&c->pkt, "");
	return c->pkt.oom ? -ENOMEM : 0;
}

/* Drop the first skip bytes of c->raw. */
static void rspc_consume(struct rspc *c, size_t skip)
{
	memmove(c->raw.buf, c->raw.buf + skip, c->raw.len - skip + 1);
	c->raw.len -= skip;
}

/*
 * Take one packet out of c->raw if a complete one is there. With acks, a
 * packet whose checksum is wrong is dropped after the '-': QEMU sends it
 * again, and taking both would answer the next command with this one's
 * reply.
 */
static int rspc_parse(struct rspc *c)
{
	char *start, *hash;
	unsigned int sum;
	bool ok;
	int rc;

	for (;;) {
		if (!c->raw.len)
			return 0;
		start = memchr(c->raw.buf, '$', c->raw.len);
		if (!start) { /* only acks or noise */
			sb_reset(&c->raw);
			return 0;
		}
		hash = memchr(start, '#', c->raw.len - (start - c->raw.buf));
		if (!hash || (size_t)(hash - c->raw.buf) + 3 > c->raw.len)
			return 0;
		sum = 0;
		for (const char *p = start + 1; p < hash; p++)
			sum += (unsigned char)*p;
		ok = true;
		if (!c->noack) {
			/* A non-hex checksum digit is a bad checksum, not a
			 * shift of -1. */
			int hi = hex_digit(hash[1]), lo = hex_digit(hash[2]);

			ok = hi >= 0 && lo >= 0 &&
			     (unsigned int)(hi << 4 | lo) == (sum & 0xff);
			rc = rspc_write(c, ok ? "+" : "-", 1);
			if (rc)
				return rc;
		}
		rc = ok ? rspc_decode(c, start + 1, hash - start - 1) : 0;
		rspc_consume(c, hash + 3 - c->raw.buf);
		if (ok)
			return rc ? rc : 1;
	}
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

int rspc_open(struct rspc *c, const char *path, int timeout_ms, char *err,
	      size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int rc;

	memset(c, 0, sizeof(*c));
	sb_init(&c->raw);
	sb_init(&c->pkt);
	c->timeout_ms = timeout_ms;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "socket path too long: %s", path);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -errno;
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = -errno;
		snprintf(err, errlen,
			 "cannot connect to QEMU's gdbstub at %s: %s (is another debugger attached to it?)",
			 path, strerror(-rc));
		goto err;
	}
	/* Connecting stops a running VM: QEMU may send that stop first. */
	rc = rspc_cmd(c, "QStartNoAckMode");
	while (!rc && (c->pkt.buf[0] == 'T' || c->pkt.buf[0] == 'S'))
		rc = rspc_recv(c, -1);
	if (!rc && !c->pkt.len)
		return 0; /* QEMU 7.2 has no no-ack mode: keep acking */
	if (rc == -ETIMEDOUT) {
		snprintf(err, errlen,
			 "QEMU's gdbstub at %s does not answer: is another debugger attached to it? (QEMU serves one at a time)",
			 path);
		goto err;
	}
	if (rc || strcmp(c->pkt.buf, "OK")) {
		snprintf(err, errlen,
			 "%s does not speak the gdb protocol like QEMU's gdbstub (%s)",
			 path, rc ? strerror(-rc) : c->pkt.buf);
		rc = rc ?: -EPROTO;
		goto err;
	}
	c->noack = true;
	return 0;
err:
	rspc_close(c);
	return rc;
}

void rspc_close(struct rspc *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	sb_release(&c->raw);
	sb_release(&c->pkt);
}
