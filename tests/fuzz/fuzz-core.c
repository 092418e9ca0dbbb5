// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the core target's readers: any bytes as a dump
 * (ELF or kdump), then registers and every RAM page read back.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "plugins/targets/core/core-int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t page[PAGE_SIZE];
	struct core_file cf;
	char err[256];
	uint64_t gpa, n = 0;
	size_t i;

	memset(&cf, 0, sizeof(cf));
	cf.fd = -1;
	cf.mem = data;
	cf.size = size;
	if (core_parse(&cf, err, sizeof(err)) == 0) {
		for (i = 0; i < cf.ram.nr && n < 4096; i++) {
			const struct ram_region *r = &cf.ram.regions[i];

			for (gpa = r->gpa; gpa - r->gpa < r->size && n < 4096;
			     gpa += PAGE_SIZE, n++)
				core_read_phys(&cf, gpa + 3, page,
					       PAGE_SIZE - 3);
		}
	} else if (!err[0]) {
		/* Every refusal must say why (ENOMEM aside). */
		fprintf(stderr, "refused without a reason\n");
	}
	core_release(&cf);
	return 0;
}
