// SPDX-License-Identifier: GPL-2.0-only
/*
 * Router benchmark on the sim: throughput and platform calls per MiB for
 * shared, encrypted and mixed memory, cold and warm, each pass repeated in
 * rounds (median and spread); 1 TiB bitmap summary.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sevdbg/bitmap.h"
#include "sevdbg/platform.h"
#include "sevdbg/ram.h"
#include "gdbstub/mem/router.h"
#include "sevdbg/util.h"

#define MIB	   (1ULL << 20)
#define MAX_ROUNDS 64
#define NR_PASSES  3 /* cold, warm, uncached */

struct bench {
	uint64_t size; /* bytes of guest RAM */
	size_t chunk;  /* bytes per router_read, like a gdb 'm' */
	unsigned int latency_us;
	unsigned int rounds;
	double proj_us; /* firmware latency for the projection */
	uint8_t *mem, *buf;
	struct ram_map ram;
	int failed;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: bench/router [--size=MIB] [--chunk=BYTES] [--latency=US]\n"
		"                    [--rounds=N] [--project=US]\n"
		"\n"
		"Reads a guest RAM region through the memory router on the sim platform,\n"
		"for three bitmaps: all shared, all encrypted, and mixed (random runs of\n"
		"1..64 pages, about half shared). Each is read cold (right after\n"
		"router_invalidate) and warm (again, cache on), then cold with the cache\n"
		"off; the three passes run in turn, --rounds times. For each pass it\n"
		"prints the median MB/s with its min-max over the rounds, platform calls\n"
		"per MiB (decrypt and host read, as counted by the platform wrappers),\n"
		"the projected firmware ms per MiB (decrypts x --project), the ideal\n"
		"decrypt count per MiB, and PASS/FAIL for \"calls == ideal\" (in every\n"
		"round):\n"
		"  cold, cache on:  one decrypt per encrypted page (256 per MiB when all\n"
		"                   are encrypted), one host read per run of shared pages\n"
		"                   within a chunk;\n"
		"  warm:            no decrypt at all;\n"
		"  cache off:       one decrypt per encrypted page touched per chunk.\n"
		"Then it times summarising a 1 TiB bitmap (256 Mi pages, 32 MiB).\n"
		"Exit status: 0 if every line is PASS.\n"
		"\n"
		"  --size=MIB      region size, default 64\n"
		"  --chunk=BYTES   bytes per read, default 65536\n"
		"  --latency=US    sim firmware latency per DBG command, default 0\n"
		"  --rounds=N      rounds of the three passes, default 5\n"
		"  --project=US    firmware latency for the projection, default 10\n"
		"                  (the sim's default, an assumption)\n"
		"  -h, --help      this text\n");
}

/* Ideal counts for reading [0, size) in chunks under bitmap bm. */
static void ideal(const struct bench *b, const struct bitmap *bm, uint64_t *dec,
		  uint64_t *hr)
{
	uint64_t off, g, gend, next;

	*dec = bitmap_count(bm, 0, b->size >> PAGE_SHIFT);
	*hr = 0;
	for (off = 0; off < b->size; off += b->chunk) {
		gend = MIN(off + b->chunk, b->size) >> PAGE_SHIFT;
		for (g = off >> PAGE_SHIFT; g < gend; g = next) {
			next = MIN(bitmap_next_change(bm, g), gend);
			if (!bitmap_test(bm, g))
				(*hr)++;
		}
	}
}

struct pass_result {
	double mbs[MAX_ROUNDS];
	uint64_t dec, hr; /* calls of the last round */
	bool ok;
};

static void pass(struct bench *b, struct platform *p, struct router *r,
		 struct pass_result *res, unsigned int round,
		 uint64_t dec_ideal, uint64_t hr_ideal)
{
	uint64_t t0, ns, dec0 = p->stats.decrypt_calls;
	uint64_t hr0 = p->stats.host_read_calls, off;
	bool ok = true;

	t0 = now_ns();
	for (off = 0; off < b->size; off += b->chunk) {
		size_t n = (size_t)MIN(b->chunk, b->size - off);

		if (router_read(r, off, b->buf, n) != (ssize_t)n ||
		    memcmp(b->buf, b->mem + off, n))
			ok = false;
	}
	ns = now_ns() - t0;
	res->dec = p->stats.decrypt_calls - dec0;
	res->hr = p->stats.host_read_calls - hr0;
	res->mbs[round] = (double)b->size / 1e6 / ((double)(ns ? ns : 1) / 1e9);
	res->ok = (round == 0 || res->ok) && ok && res->dec == dec_ideal &&
		  res->hr == hr_ideal;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void pass_print(struct bench *b, const char *name, const char *kind,
		       struct pass_result *res, uint64_t dec_ideal)
{
	double mib = (double)b->size / MIB, *m = res->mbs;
	unsigned int n = b->rounds;

	qsort(m, n, sizeof(*m), cmp_double);
	b->failed += !res->ok;
	printf("%-10s %-9s %9.1f %8.1f-%-8.1f %10.1f %10.1f %10.2f %10.1f  %s\n",
	       name, kind, n % 2 ? m[n / 2] : (m[n / 2 - 1] + m[n / 2]) / 2,
	       m[0], m[n - 1], (double)res->dec / mib, (double)res->hr / mib,
	       (double)res->dec / mib * b->proj_us / 1e3,
	       (double)dec_ideal / mib, res->ok ? "PASS" : "FAIL");
}

static void set_bitmap(struct bench *b, struct platform *p, int kind,
		       struct bitmap *bm)
{
	uint64_t n = b->size >> PAGE_SHIFT, g = 0, run,
		 seed = 88172645463325252ULL;

	bitmap_assign(bm, 0, n, kind != 0);
	if (kind == 2) {
		while (g < n) {
			seed ^= seed << 13, seed ^= seed >> 7,
				seed ^= seed << 17;
			run = 1 + seed % 64;
			bitmap_assign(bm, g, run, seed & 0x100);
			g += run;
		}
	}
	if (platform_set_bitmap(p, 0, n, (const uint8_t *)bm->words))
		b->failed++;
}

static void run_region(struct bench *b, int kind)
{
	static const char *const names[] = {"shared", "encrypted", "mixed"};
	struct sim_config cfg = {.launched = true,
				 .hc_fd = -1,
				 .latency_us = b->latency_us};
	struct platform *p;
	struct router *r;
	struct pass_result res[NR_PASSES];
	struct bitmap bm;
	uint64_t dec, hr;
	unsigned int i;

	if (sim_platform_new(&b->ram, &cfg, &p) || router_new(p, &b->ram, &r) ||
	    bitmap_init(&bm, b->size >> PAGE_SHIFT)) {
		fprintf(stderr, "bench: out of memory\n");
		exit(1);
	}
	set_bitmap(b, p, kind, &bm);
	ideal(b, &bm, &dec, &hr);
	router_set_cache_pages(r, (size_t)(b->size >> PAGE_SHIFT));
	/* The passes in turn, round after round: each round's three share
	 * the machine's load of their moment. */
	for (i = 0; i < b->rounds; i++) {
		router_set_cache(r, true);
		router_invalidate(r);
		pass(b, p, r, &res[0], i, dec, hr);
		pass(b, p, r, &res[1], i, 0, hr);
		router_set_cache(r, false);
		pass(b, p, r, &res[2], i, dec, hr);
	}
	pass_print(b, names[kind], "cold", &res[0], dec);
	pass_print(b, names[kind], "warm", &res[1], 0);
	pass_print(b, names[kind], "uncached", &res[2], dec);
	router_free(r);
	platform_destroy(p);
	bitmap_release(&bm);
}

static void bench_tib_bitmap(void)
{
	const uint64_t n = 1ULL << 28;
	struct bitmap_summary s;
	struct bitmap bm;
	uint64_t t0, t_sum, t_walk, g, runs = 0, i;

	if (bitmap_init(&bm, n)) {
		fprintf(stderr, "bench: no memory for a 1 TiB bitmap\n");
		return;
	}
	for (i = 0; i < 100000; i++)
		bitmap_assign(&bm, i * 2683 + 7, 1 + i % 16, false);
	t0 = now_ns();
	bitmap_summarise(&bm, &s);
	t_sum = now_ns() - t0;
	t0 = now_ns();
	for (g = 0; g < n; g = bitmap_next_change(&bm, g))
		runs++;
	t_walk = now_ns() - t0;
	printf("\n1 TiB bitmap (%llu pages): summary %.1f ms (%llu runs, %llu shared), run walk %.1f ms (%llu runs)  %s\n",
	       (unsigned long long)n, (double)t_sum / 1e6,
	       (unsigned long long)s.runs, (unsigned long long)s.shared,
	       (double)t_walk / 1e6, (unsigned long long)runs,
	       runs == s.runs && t_sum < 1000000000ULL ? "PASS" : "FAIL");
	bitmap_release(&bm);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"size", required_argument, NULL, 's'},
		{"chunk", required_argument, NULL, 'c'},
		{"latency", required_argument, NULL, 'l'},
		{"rounds", required_argument, NULL, 'r'},
		{"project", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct bench b = {.size = 64 * MIB,
			  .chunk = 65536,
			  .rounds = 5,
			  .proj_us = 10};
	int c, k;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			b.size = strtoull(optarg, NULL, 0) * MIB;
			break;
		case 'c':
			b.chunk = strtoull(optarg, NULL, 0);
			break;
		case 'l':
			b.latency_us = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'r':
			b.rounds = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'p':
			b.proj_us = strtod(optarg, NULL);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!b.size || !b.chunk || b.chunk % PAGE_SIZE || !b.rounds ||
	    b.rounds > MAX_ROUNDS) {
		fprintf(stderr,
			"bench: --size must be > 0, --chunk a multiple of 4096, --rounds 1..64\n");
		return 2;
	}
	b.mem = malloc(b.size);
	b.buf = malloc(b.chunk);
	if (!b.mem || !b.buf || ram_add(&b.ram, 0, b.size, b.mem, "bench")) {
		fprintf(stderr, "bench: out of memory\n");
		return 1;
	}
	for (uint64_t i = 0; i < b.size; i += 8)
		*(uint64_t *)(b.mem + i) = i * 0x9e3779b97f4a7c15ULL;
	printf("%llu MiB read in %zu-byte chunks, sim latency %u us, %u rounds; firmware projected at %g us per DBG_DECRYPT\n\n",
	       (unsigned long long)(b.size / MIB), b.chunk, b.latency_us,
	       b.rounds, b.proj_us);
	printf("%-10s %-9s %9s %-17s %10s %10s %10s %10s  %s\n", "region",
	       "pass", "MB/s", " (min-max)", "dec/MiB", "host/MiB", "fw ms/MiB",
	       "ideal dec", "calls==ideal");
	for (k = 0; k < 3; k++)
		run_region(&b, k);
	bench_tib_bitmap();
	ram_free(&b.ram);
	free(b.mem);
	free(b.buf);
	return b.failed ? 1 : 0;
}
