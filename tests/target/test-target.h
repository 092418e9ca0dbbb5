/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The test target's hooks for in-process users (the fuzz harnesses): put a
 * "test:" target back in the state target_open() left it in, cheaply.
 */
#ifndef SEVDBG_TEST_TARGET_H
#define SEVDBG_TEST_TARGET_H

#include "sevdbg/target.h"

/*
 * Registers, breakpoints, run state and RAM as at open (RAM by remapping
 * the pristine copy: no copy, only the pages an input touched fault
 * again). The sim platform's bitmap is not touched; nothing over RSP
 * changes it. 0 or -errno.
 */
int test_target_reset(struct target *t);

#endif
