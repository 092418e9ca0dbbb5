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
#include "gdbstub/mem/walk.h"

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

/*
 * Count each page the range touches once, by the path the router takes for
 * it (the bitmap says which): a raw dump reads outside dump_for_each_page,
 * so without this its summary said 0 pages while it made platform calls.
 * A virtual page is counted by the physical page it maps to.
 */
static void raw_count(struct dump_ctx *c, uint64_t va, uint64_t len,
		      uint64_t *next)
{
	uint64_t page = MAX(ALIGN_DOWN(va, PAGE_SIZE), *next), gpa, gfn;
	struct walk_result wr;
	struct walk_cpu wc;

	if (c->o->virt && session_walk_cpu(c->s, c->s->cur_vcpu, &wc))
		return;
	for (; page < va + len; page += PAGE_SIZE) {
		gpa = page;
		if (c->o->virt) {
			if (walk_translate(c->s->router, &wc, page, &wr) ||
			    (wr.status != WALK_OK &&
			     wr.status != WALK_PAGING_OFF))
				continue;
			gpa = wr.pa;
		}
		gfn = gpa >> PAGE_SHIFT;
		if (gfn < c->npages && (c->encbits[gfn / 8] >> (gfn % 8) & 1))
			c->res->pages_encrypted++;
		else
			c->res->pages_shared++;
	}
	*next = page;
}

int dump_raw_write(struct dump_ctx *c)
{
	uint64_t addr = c->o->start, len, next = 0;
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
		raw_count(c, addr, len, &next);
		ret = dump_append(c, c->rbuf, len);
		if (ret)
			return ret;
		addr += len;
	}
	return 0;
}
