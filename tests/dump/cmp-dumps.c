// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmp-dumps A B: compare two dumps (ELF or kdump) page by page through the
 * core target's readers. Every RAM page of A must be in B with equal bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plugins/targets/core/core-int.h"

static int open_dump(const char *path, struct core_file *cf)
{
	struct stat st;
	char err[256] = "";

	memset(cf, 0, sizeof(*cf));
	cf->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (cf->fd < 0 || fstat(cf->fd, &st)) {
		perror(path);
		return -1;
	}
	cf->size = (uint64_t)st.st_size;
	if (core_parse(cf, err, sizeof(err))) {
		fprintf(stderr, "cmp-dumps: %s: %s\n", path, err);
		return -1;
	}
	return 0;
}

/* Registers both dumps carry (QEMUCPUState's set) must agree. */
static int cmp_regs(const struct core_file *a, const struct core_file *b)
{
	static const int nrs[] = {
		REGS_RAX,     REGS_RBX, REGS_RCX,    REGS_RDX, REGS_RSI,
		REGS_RDI,     REGS_RBP, REGS_RSP,    REGS_R8,  REGS_R9,
		REGS_R10,     REGS_R11, REGS_R12,    REGS_R13, REGS_R14,
		REGS_R15,     REGS_RIP, REGS_EFLAGS, REGS_CS,  REGS_SS,
		REGS_DS,      REGS_ES,	REGS_FS,     REGS_GS,  REGS_FS_BASE,
		REGS_GS_BASE, REGS_CR0, REGS_CR2,    REGS_CR3, REGS_CR4,
	};
	int v, diff = 0, cmp = 0;
	size_t i;

	if (a->nr_vcpus != b->nr_vcpus) {
		printf("vCPUs: %d vs %d\n", a->nr_vcpus, b->nr_vcpus);
		return 1;
	}
	for (v = 0; v < a->nr_vcpus; v++) {
		for (i = 0; i < ARRAY_SIZE(nrs); i++) {
			unsigned int nr = (unsigned int)nrs[i];
			uint64_t x = regs_get(&a->regs[v], nr);
			uint64_t y = regs_get(&b->regs[v], nr);

			if (!a->regs[v].valid[nr] || !b->regs[v].valid[nr])
				continue;
			cmp++;
			if (x != y && diff++ < 10)
				printf("vCPU %d %s: 0x%llx vs 0x%llx\n", v,
				       regs_desc[nr].name,
				       (unsigned long long)x,
				       (unsigned long long)y);
		}
	}
	printf("%d registers compared, %d differ\n", cmp, diff);
	return diff || !cmp;
}

int main(int argc, char **argv)
{
	static uint8_t pa[PAGE_SIZE], pb[PAGE_SIZE];
	struct core_file a, b;
	uint64_t same = 0, differ = 0, not_in_b = 0, only_b = 0, gpa;
	size_t i;
	int ra, rb;

	if (argc != 3) {
		fprintf(stderr, "usage: cmp-dumps A B\n");
		return 2;
	}
	if (open_dump(argv[1], &a) || open_dump(argv[2], &b))
		return 2;
	for (i = 0; i < a.ram.nr; i++) {
		const struct ram_region *r = &a.ram.regions[i];

		for (gpa = r->gpa; gpa < r->gpa + r->size; gpa += PAGE_SIZE) {
			ra = core_read_phys(&a, gpa, pa, PAGE_SIZE);
			rb = core_read_phys(&b, gpa, pb, PAGE_SIZE);
			if (ra) {
				printf("A cannot read 0x%llx: %s\n",
				       (unsigned long long)gpa, strerror(-ra));
				differ++;
			} else if (rb) {
				if (not_in_b++ < 10)
					printf("0x%llx: not in B (%s)\n",
					       (unsigned long long)gpa,
					       strerror(-rb));
			} else if (memcmp(pa, pb, PAGE_SIZE)) {
				if (differ++ < 10)
					printf("0x%llx: differs\n",
					       (unsigned long long)gpa);
			} else {
				same++;
			}
		}
	}
	for (i = 0; i < b.ram.nr; i++) {
		const struct ram_region *r = &b.ram.regions[i];

		for (gpa = r->gpa; gpa < r->gpa + r->size; gpa += PAGE_SIZE)
			only_b += !ram_find(&a.ram, gpa);
	}
	printf("%llu pages equal, %llu differ, %llu of A not in B, %llu of B not in A (A: %s, %d vCPUs; B: %s, %d vCPUs)\n",
	       (unsigned long long)same, (unsigned long long)differ,
	       (unsigned long long)not_in_b, (unsigned long long)only_b,
	       a.kind_name, a.nr_vcpus, b.kind_name, b.nr_vcpus);
	if (cmp_regs(&a, &b))
		differ++;
	core_release(&a);
	core_release(&b);
	return differ || not_in_b || !same ? 1 : 0;
}
