// SPDX-License-Identifier: GPL-2.0-only
/*
 * Raw dumps for scripts: the bytes of one physical (or, with --virtual,
 * virtual) range, read through the router; any unreadable byte fails it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gdbstub/dump/dump-int.h"
#include "gdbstub/mem/router.h"
#include "gdbstub/mem/session.h"

static int raw_error(struct dump_ctx *c, uint64_t addr, ssize_t n)
{
	int err = n < 0 ? (int)n : -EIO;
	char why[200];

	if (!router_last_error(c->s->router, why, sizeof(why)))
		snprintf(why, sizeof(why), "%s", strerror(-err));
	return dump_fail(c, err,
			 "cannot read %s address 0x%llx: %s; a raw dump has no way to mark missing bytes (narrow --range or use --format elf)",
			 c->o->virt ? "virtual" : "physical",
			 (unsigned long long)addr, why);
}

int dump_raw_write(struct dump_ctx *c)
{
	uint64_t addr = c->o->start, len;
	ssize_t n;
	int ret;

	c->off = 0;
	c->pages_total =
		(c->o->end - c->o->start + PAGE_SIZE - 1) >> PAGE_SHIFT;
	while (addr < c->o->end) {
		if (c->s->interrupted && *c->s->interrupted)
			return dump_fail(c, -EINTR,
					 "interrupted; no dump written");
		len = MIN(c->o->end - addr, DUMP_CHUNK);
		if (c->o->virt)
			n = session_read_virt(c->s, c->s->cur_vcpu, addr,
					      c->rbuf, len);
		else
			n = router_read(c->s->router, addr, c->rbuf, len);
		if (n < (ssize_t)len)
			return raw_error(c, addr + (n > 0 ? (uint64_t)n : 0),
					 n);
		ret = dump_append(c, c->rbuf, len);
		if (ret)
			return ret;
		addr += len;
	}
	return 0;
}
