// SPDX-License-Identifier: GPL-2.0-only
/*
 * The built-in target types, looked up by the prefix of a TARGET string.
 * Each plugin exports one `const struct target_type`; list it here.
 */
#include <stddef.h>

#include "sevdbg/target.h"

extern const struct target_type core_target_type;

extern const struct target_type qemu_target_type;
extern const struct target_type libvirt_target_type;
extern const struct target_type launch_target_type;
extern const struct target_type demo_target_type;

const struct target_type *const builtin_targets[] = {
	&core_target_type, &qemu_target_type,	 &launch_target_type,
	&demo_target_type, &libvirt_target_type, NULL,
};
