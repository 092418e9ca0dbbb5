/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fixture the dump writer's tests share (tests/unit/test-dump*.c): a
 * sim-backed session over two RAM ranges, and read-back checks.
 */
#ifndef SEVDBG_TEST_DUMP_FIXTURE_H
#define SEVDBG_TEST_DUMP_FIXTURE_H

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "gdbstub/dump/dump-int.h"
#include "gdbstub/dump/dump.h"
#include "sevdbg/platform.h"
#include "gdbstub/mem/router.h"
#include "gdbstub/mem/session.h"
#include "sevdbg/simhc.h"
#include "plugins/targets/core/core-int.h"

/* A GNU extension, hidden by -std=gnu11's strictness in places. */
void *memmem(const void *hay, size_t hlen, const void *needle, size_t nlen);

/* RAM: A = [0, 48 pages), hole, B = [1 MiB, 1 MiB + 16 pages). */
#define A_PAGES	    200
#define B_GPA	    0x100000ULL
#define B_PAGES	    16
#define NR_VCPUS    2
#define ZERO_PAGE_A 5  /* all zero: kdump shares a descriptor */
#define SHARED_A    10 /* pages 10..13 of A shared */
#define SHARED_B    (B_GPA + 2 * PAGE_SIZE)
#define PRIVATE_GPA (20 * PAGE_SIZE)

/* Run control of the fake: counts what the dump writer asked for. */
struct fake_run {
	int interrupts, waits, resumes;
	enum resume_action last[NR_VCPUS];
};

struct fx {
	struct target t;
	struct fake_run run;
	struct session s;
	uint8_t *mem[2];
	char dir[64], path[96];
	char err[256]; /* of the last dump_write */
	uint8_t *file;
	size_t file_len;
};

bool has_sevdbg_note(struct target *t);
void make_shared(struct platform *p, uint64_t gpa, uint64_t npages);
int setup(void **state);
int setup_nodbg(void **state);
int dir_entries(const char *dir);
int teardown(void **state);
void slurp(struct fx *f);
const uint8_t *plain(struct fx *f, uint64_t gpa);
int do_dump(struct fx *f, enum dump_format fmt, struct dump_result *r);
void check_read_back(struct fx *f, uint64_t missing_gpa);
void check_no_ciphertext(struct fx *f, uint64_t gpa, bool want_plain);
void check_counts(const struct dump_result *r, uint64_t missing);

#endif
