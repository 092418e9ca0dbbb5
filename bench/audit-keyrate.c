// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench/audit-keyrate: how often the key-like detector of `sevdbg audit`
 * fires on ordinary memory (raw page images, e.g. `sevdbg dump -f raw`).
 */
#include <stdio.h>
#include <string.h>

#include "gdbstub/audit/audit-scan.h"
#include "sevdbg/ram.h"

struct rate {
	unsigned long long pages, zero, bulk, hit_pages, runs, bytes[5];
	unsigned long long page_runs;
};

static void count_run(void *arg, size_t off, size_t len)
{
	struct rate *r = arg;

	r->runs++;
	r->page_runs++;
	r->bytes[len / 16]++;
}

static int scan_file(const char *path, struct rate *r)
{
	static const unsigned char zero[PAGE_SIZE];
	unsigned char page[PAGE_SIZE];
	FILE *f = fopen(path, "rb");

	if (!f) {
		perror(path);
		return 1;
	}
	while (fread(page, 1, sizeof(page), f) == sizeof(page)) {
		r->pages++;
		if (!memcmp(page, zero, sizeof(page))) {
			r->zero++;
			continue;
		}
		r->page_runs = 0;
		r->bulk += audit_scan_keys(page, count_run, r);
		r->hit_pages += r->page_runs > 0;
	}
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	struct rate r;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s RAW-FILE...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		memset(&r, 0, sizeof(r));
		if (scan_file(argv[i], &r))
			return 1;
		printf("%s: %llu pages (%llu zero, %llu bulk), %llu key-like runs in %llu pages (%.3f%% of non-zero pages); runs of 16/32/48/64 bytes: %llu/%llu/%llu/%llu\n",
		       argv[i], r.pages, r.zero, r.bulk, r.runs, r.hit_pages,
		       r.pages > r.zero ? 100.0 * (double)r.hit_pages /
						  (double)(r.pages - r.zero)
					: 0.0,
		       r.bytes[1], r.bytes[2], r.bytes[3], r.bytes[4]);
	}
	return 0;
}
