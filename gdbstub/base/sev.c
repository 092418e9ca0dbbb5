// SPDX-License-Identifier: GPL-2.0-only
/*
 * Facts about the SEV firmware that every layer reports: the names and
 * meanings of its status codes (AMD SEV API specification, chapter 4).
 */
#include <errno.h>
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

const char *sev_vmsa_strerror(int ret, int fw_error)
{
	if (ret == -EPERM || fw_error == SEV_RET_POLICY_FAILURE)
		return "the guest policy forbids debugging (NODBG): its VMSA stays encrypted; relaunch the guest with policy bit 0 clear";
	if (ret == -EIO && fw_error)
		return sev_fw_strerror(fw_error);
	switch (ret) {
	case -ENOSYS:
		return "this platform has no VMSA to read (a dump, or not an SEV-ES guest)";
	case -ENOTTY:
	case -EINVAL:
		/* A stock kernel answers EINVAL to an unknown command from a
		 * mirror VM and ENOTTY without SEV; the series answers EINVAL
		 * only for a VMSA not yet launched. */
		return "KVM refused KVM_SEV_DBG_DECRYPT_VMSA: the host kernel lacks the sevdbg series' VMSA patch (kernel/patches), or the vCPU's VMSA is not launched yet";
	case -EOPNOTSUPP:
		return "the guest is SEV without -ES: its registers are not in a VMSA";
	case -EBUSY:
		return "the vCPU is running: stop the guest first";
	case -ENOENT:
		return "no such vCPU";
	default:
		return "reading the VMSA failed";
	}
}
