/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hand-built dumps for the core target's tests (tests/unit/test-core*.c):
 * a QEMU-style ELF vmcore, a kdump file, its flattened form, a sevdbg ELF.
 */
#ifndef SEVDBG_TEST_CORE_IMAGES_H
#define SEVDBG_TEST_CORE_IMAGES_H

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "plugins/targets/core/core-int.h"
#include "sevdbg/platform.h"

#define SEG2_GPA 0x10000

struct img {
	uint8_t *b;
	size_t len;
};

#define KD_NOTE_OFF (PAGE_SIZE + KDUMP_SUB_HEADER_SIZE)
#define KD_BM_OFF   (2 * PAGE_SIZE)
#define KD_DESC_OFF (4 * PAGE_SIZE)

bool has_sevdbg_note(struct target *t);
uint8_t pattern(uint64_t gpa);
void fill(uint8_t *p, uint64_t gpa, size_t len);
void img_regs(struct regs *r);
struct img build_elf(void);
struct img build_kdump(void);
struct img build_flat(struct img src, size_t chunk);
struct img build_sevdbg_elf(void);
int parse(struct img *im, struct core_file *cf, char *err, size_t errlen);
void put_be64(uint8_t *p, uint64_t v);

#endif
