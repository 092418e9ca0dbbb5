// SPDX-License-Identifier: GPL-2.0-only
/*
 * End-to-end memory model check on the real test guest under QEMU/TCG: the
 * sim fed from the debugcon records, the router and the walker on its tables.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sevdbg/bitmap.h"
#include "sevdbg/platform.h"
#include "sevdbg/ram.h"
#include "gdbstub/mem/router.h"
#include "sevdbg/util.h"
#include "gdbstub/mem/walk.h"

#define KERNEL_BASE 0xffffffff80000000ULL
#define DIRECT_MAP  0xffff888000000000ULL
#define ALIAS_1G    0xffffc90000000000ULL
#define SHARED_GPA  0x200000ULL /* dma_buf 4, bss_dec 1, flip 2 pages */

struct check {
	struct ram_map ram;
	struct platform *p;
	struct router *r;
	struct walk_cpu cpu;
	uint64_t sym_private_page, sym_private_secret, sym_kernel_cr3;
	uint64_t sym_flip_in_progress, sym_alias_1g_active;
	int n, failed;
};

static __printf(3, 4) void tap(struct check *c, bool ok, const char *fmt, ...)
{
	va_list ap;

	c->n++;
	c->failed += !ok;
	printf("%sok %d - ", ok ? "" : "not ", c->n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok) {
		char why[200];

		if (router_last_error(c->r, why, sizeof(why)))
			printf("# router: %s\n", why);
	}
}

static uint64_t pa_of(uint64_t sym)
{
	return sym - KERNEL_BASE;
}

static uint64_t read_u64(struct check *c, uint64_t gpa)
{
	uint64_t v = 0;

	if (router_read(c->r, gpa, &v, 8) != 8)
		return ~0ULL;
	return v;
}

/* The guest flips two pages every ~2 s; wait until PTEs and records agree. */
static void settle(struct check *c)
{
	struct timespec ts = {0, 20 * 1000 * 1000};
	int i;

	for (i = 0; i < 100; i++) {
		router_invalidate(c->r);
		if (read_u64(c, pa_of(c->sym_flip_in_progress)) == 0)
			return;
		nanosleep(&ts, NULL);
	}
}

static void check_bitmap(struct check *c)
{
	const struct bitmap *bm = router_bitmap(c->r);
	struct bitmap_summary s;
	bool flip = !bitmap_test(bm, 0x205);

	bitmap_summarise(bm, &s);
	tap(c, bitmap_count(bm, 0x200, 5) == 0,
	    "dma_buf and bss_dec_page are shared in the bitmap");
	tap(c, bitmap_test(bm, 0x205) == bitmap_test(bm, 0x206),
	    "flip_region's two pages agree");
	tap(c, s.shared == (flip ? 7u : 5u),
	    "no other page is shared (%" PRIu64 " shared)", s.shared);
}

static void check_router(struct check *c)
{
	static const uint64_t want[2] = {0x342d261f18110a03ULL,
					 0x6c655e575049423bULL};
	uint64_t got[2], ct[2], dec0 = c->p->stats.decrypt_calls;
	uint64_t hr0 = c->p->stats.host_read_calls;
	uint64_t pp = pa_of(c->sym_private_page);
	char pat[22] = "";

	tap(c,
	    router_read(c->r, SHARED_GPA, pat, 21) == 21 &&
		    !strcmp(pat, "SEVDBG-SHARED-PATTERN"),
	    "dma_buf reads as its pattern through read_host");
	tap(c,
	    c->p->stats.host_read_calls == hr0 + 1 &&
		    c->p->stats.decrypt_calls == dec0,
	    "  ... with one host read and no decrypt");
	tap(c, router_read(c->r, pp, got, 16) == 16 && !memcmp(got, want, 16),
	    "private_page decrypts to its pattern");
	tap(c, c->p->stats.decrypt_calls == dec0 + 1,
	    "  ... with one decrypt call");
	tap(c, !platform_read_host(c->p, pp, ct, 16) && memcmp(ct, want, 16),
	    "the hypervisor's direct view of private_page is ciphertext");
}

static void check_walk(struct check *c)
{
	struct walk_result res;
	char secret[34] = "", buf[160];
	uint8_t old[16], mark[16], back[16];

	c->cpu.cr3 = read_u64(c, pa_of(c->sym_kernel_cr3));
	c->cpu.cr0 = 0x80000011;
	c->cpu.cr4 = 0x20;   /* PAE */
	c->cpu.efer = 0xd00; /* LME | LMA | NXE */
	c->cpu.cbit = 52;
	tap(c, c->cpu.cr3 && c->cpu.cr3 != ~0ULL, "kernel_cr3 = 0x%" PRIx64,
	    c->cpu.cr3);
	walk_translate(c->r, &c->cpu, c->sym_private_secret, &res);
	tap(c,
	    res.status == WALK_OK && res.pa == pa_of(c->sym_private_secret) &&
		    res.cbit,
	    "private_secret: %s, C-bit %d",
	    walk_strerror(&res, buf, sizeof(buf)), res.cbit);
	tap(c,
	    walk_read(c->r, &c->cpu, c->sym_private_secret, secret, 33) == 33 &&
		    !strcmp(secret, "SEVDBG-PRIVATE-PATTERN-0123456789"),
	    "private_secret reads by virtual address");
	walk_translate(c->r, &c->cpu, DIRECT_MAP + SHARED_GPA + 0x10, &res);
	tap(c,
	    res.status == WALK_OK && res.pa == SHARED_GPA + 0x10 && !res.cbit &&
		    res.page_size == PAGE_SIZE,
	    "direct map of dma_buf: 4 KiB, no C-bit");
	/* A write through the walker lands in guest plaintext; restore it. */
	memset(mark, 0xa5, sizeof(mark));
	walk_read(c->r, &c->cpu, c->sym_private_page + 2048, old, 16);
	walk_write(c->r, &c->cpu, c->sym_private_page + 2051, mark, 9);
	router_invalidate(c->r);
	walk_read(c->r, &c->cpu, DIRECT_MAP + pa_of(c->sym_private_page) + 2048,
		  back, 16);
	tap(c,
	    !memcmp(back, old, 3) && !memcmp(back + 3, mark, 9) &&
		    !memcmp(back + 12, old + 12, 4),
	    "unaligned write via the image map reads back via the direct map");
	walk_write(c->r, &c->cpu, c->sym_private_page + 2048, old, 16);
}

static void check_verify(struct check *c)
{
	const struct bitmap *bm;
	struct bitmap scan;
	int n, alias, diff = 0;
	uint64_t g;

	settle(c);
	n = walk_verify(c->r, &c->cpu, DIRECT_MAP,
			DIRECT_MAP + ram_end(&c->ram), NULL, NULL);
	tap(c, n == 0, "direct map C-bits agree with the bitmap (%d runs)", n);
	alias = (int)read_u64(c, pa_of(c->sym_alias_1g_active));
	n = walk_verify(c->r, &c->cpu, ALIAS_1G, ALIAS_1G + (1ULL << 30), NULL,
			NULL);
	tap(c, n == (alias ? 1 : 0),
	    "the 1 GiB alias disagrees exactly on the shared run (%d)", n);
	bitmap_init(&scan, ram_end(&c->ram) >> PAGE_SHIFT);
	n = walk_shared_scan(c->r, &c->cpu, 0xffff800000000000ULL, UINT64_MAX,
			     &scan);
	bm = router_bitmap(c->r);
	for (g = 0; g < scan.npages; g++)
		diff += bitmap_test(&scan, g) != bitmap_test(bm, g);
	tap(c, n > 0 && diff == 0,
	    "page-table scan finds the bitmap's shared pages (%d, %d differ)",
	    n, diff);
	bitmap_release(&scan);
}

static int map_ram(struct check *c, const char *memfd, uint64_t size)
{
	int fd = open(memfd, O_RDWR);
	void *m;

	if (fd < 0) {
		printf("Bail out! cannot open %s: %s\n", memfd,
		       strerror(errno));
		return -1;
	}
	m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED) {
		printf("Bail out! mmap: %s\n", strerror(errno));
		return -1;
	}
	return ram_add(&c->ram, 0, size, m, "pc.ram");
}

int main(int argc, char **argv)
{
	struct sim_config cfg = {.cbit = 52, .launched = true};
	struct check c = {.n = 0};

	if (argc != 10) {
		fprintf(stderr,
			"usage: %s MEMFD RAMSIZE HCFILE private_page private_secret kernel_cr3 flip_in_progress alias_1g_active -\n(run by guest-memory.sh)\n",
			argv[0]);
		return 2;
	}
	c.sym_private_page = strtoull(argv[4], NULL, 16);
	c.sym_private_secret = strtoull(argv[5], NULL, 16);
	c.sym_kernel_cr3 = strtoull(argv[6], NULL, 16);
	c.sym_flip_in_progress = strtoull(argv[7], NULL, 16);
	c.sym_alias_1g_active = strtoull(argv[8], NULL, 16);
	if (map_ram(&c, argv[1], strtoull(argv[2], NULL, 0)))
		return 1;
	cfg.hc_fd = open(argv[3], O_RDONLY);
	if (cfg.hc_fd < 0 || sim_platform_new(&c.ram, &cfg, &c.p) ||
	    router_new(c.p, &c.ram, &c.r)) {
		printf("Bail out! cannot set up the sim on %s\n", argv[3]);
		return 1;
	}
	printf("1..16\n");
	router_set_cache(c.r, true);
	settle(&c);
	check_bitmap(&c);
	check_router(&c);
	check_walk(&c);
	check_verify(&c);
	router_free(c.r);
	platform_destroy(c.p);
	ram_free(&c.ram); /* LeakSanitizer in the ASan CI run */
	return c.failed ? 1 : 0;
}
