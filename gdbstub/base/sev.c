// SPDX-License-Identifier: GPL-2.0-only
/*
 * Facts about the SEV firmware that every layer reports: the names and
 * meanings of its status codes (AMD SEV API specification, chapter 4).
 */
#include <stddef.h>

#include "sevdbg/platform.h"
#include "sevdbg/util.h"

const char *sev_fw_strerror(int fw_error)
{
	static const char *const names[] = {
		[SEV_RET_SUCCESS] = "SUCCESS",
		[SEV_RET_INVALID_PLATFORM_STATE] =
			"INVALID_PLATFORM_STATE (SEV firmware not initialised)",
		[SEV_RET_INVALID_GUEST_STATE] =
			"INVALID_GUEST_STATE (guest not launched or shut down)",
		[3] = "INVALID_CONFIG",
		[SEV_RET_INVALID_LEN] =
			"INVALID_LENGTH (length not a multiple of 16 or crosses a page)",
		[5] = "ALREADY_OWNED",
		[6] = "INVALID_CERTIFICATE",
		[SEV_RET_POLICY_FAILURE] =
			"POLICY_FAILURE (guest policy forbids debugging)",
		[8] = "INACTIVE (guest not activated)",
		[SEV_RET_INVALID_ADDRESS] =
			"INVALID_ADDRESS (address not 16-byte aligned or not guest memory)",
		[10] = "BAD_SIGNATURE",
		[11] = "BAD_MEASUREMENT",
		[12] = "ASID_OWNED",
		[13] = "INVALID_ASID",
		[14] = "WBINVD_REQUIRED",
		[15] = "DFFLUSH_REQUIRED",
		[16] = "INVALID_GUEST (no such guest handle)",
		[17] = "INVALID_COMMAND",
		[18] = "ACTIVE",
		[19] = "HWSEV_RET_PLATFORM (hardware error)",
		[20] = "HWSEV_RET_UNSAFE",
		[21] = "UNSUPPORTED",
		[SEV_RET_INVALID_PARAM] = "INVALID_PARAM",
		[23] = "RESOURCE_LIMIT",
		[24] = "SECURE_DATA_INVALID",
	};

	if (fw_error >= 0 &&
	    (size_t)fw_error < sizeof(names) / sizeof(names[0]) &&
	    names[fw_error])
		return names[fw_error];
	return "unknown firmware status";
}
