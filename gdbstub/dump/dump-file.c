// SPDX-License-Identifier: GPL-2.0-only
/*
 * The dump file's output path: an append buffer, positioned writes, and a
 * disk-full or signal turned into one clear failure.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "gdbstub/dump/dump-int.h"

static int write_full(struct dump_ctx *c, const void *buf, size_t len,
		      uint64_t off)
{
	const uint8_t *p = buf;
	ssize_t n;

	while (len) {
		if (c->seq)
			n = write(c->fd, p, len);
		else
			n = pwrite(c->fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = n < 0 ? -errno : -ENOSPC;

			return dump_fail(c, err,
					 "writing the dump failed: %s (free some space or choose another directory)",
					 strerror(-err));
		}
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

int dump_pwrite(struct dump_ctx *c, const void *buf, size_t len, uint64_t off)
{
	return write_full(c, buf, len, off);
}

int dump_flush(struct dump_ctx *c)
{
	int ret;

	if (!c->wlen)
		return 0;
	ret = write_full(c, c->wbuf, c->wlen, c->off - c->wlen);
	c->wlen = 0;
	return ret;
}

int dump_append(struct dump_ctx *c, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t n;
	int ret;

	while (len) {
		n = MIN(len, DUMP_CHUNK - c->wlen);
		memcpy(c->wbuf + c->wlen, p, n);
		c->wlen += n;
		c->off += n;
		p += n;
		len -= n;
		if (c->wlen == DUMP_CHUNK) {
			ret = dump_flush(c);
			if (ret)
				return ret;
		}
	}
	return 0;
}
