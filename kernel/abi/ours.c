// SPDX-License-Identifier: GPL-2.0
/*
 * First half of kernel/check's ABI comparison: prints, as C macros, every
 * number of include/uapi/linux/sevdbg_kvm.h, seen without kernel headers.
 */
#include <stddef.h>
#include <stdio.h>

#include "linux/sevdbg_kvm.h"
#include "linux/sevdbg_vmsa.h"

#define SHOW(name, value) \
	printf("#define OURS_%s %#llxULL\n", name, (unsigned long long)(value))

int main(void)
{
	SHOW("GET_PAGE_ENC_BITMAP", KVM_GET_PAGE_ENC_BITMAP);
	SHOW("SET_PAGE_ENC_BITMAP", KVM_SET_PAGE_ENC_BITMAP);
	SHOW("BITMAP_SIZE", sizeof(struct kvm_page_enc_bitmap));
	SHOW("BITMAP_START_GFN",
	     offsetof(struct kvm_page_enc_bitmap, start_gfn));
	SHOW("BITMAP_NUM_PAGES",
	     offsetof(struct kvm_page_enc_bitmap, num_pages));
	SHOW("BITMAP_ENC_BITMAP",
	     offsetof(struct kvm_page_enc_bitmap, enc_bitmap));
	SHOW("BITMAP_FLAGS", offsetof(struct kvm_page_enc_bitmap, flags));
	SHOW("BITMAP_PAD", offsetof(struct kvm_page_enc_bitmap, pad));
	SHOW("BITMAP_NR_RANGES",
	     offsetof(struct kvm_page_enc_bitmap, nr_ranges));
	SHOW("BITMAP_RESERVED", offsetof(struct kvm_page_enc_bitmap, reserved));
	SHOW("BITMAP_RESERVED_SIZE",
	     sizeof(((struct kvm_page_enc_bitmap *)0)->reserved));
	SHOW("BITMAP_ENC_BITMAP_SIZE",
	     sizeof(((struct kvm_page_enc_bitmap *)0)->enc_bitmap));
	SHOW("CAP_PAGE_ENC_BITMAP", KVM_CAP_SEV_PAGE_ENC_BITMAP);
	SHOW("HC_MAP_GPA_RANGE", KVM_HC_MAP_GPA_RANGE);
	SHOW("PAGE_SZ_4K", KVM_MAP_GPA_RANGE_PAGE_SZ_4K);
	SHOW("PAGE_SZ_2M", KVM_MAP_GPA_RANGE_PAGE_SZ_2M);
	SHOW("PAGE_SZ_1G", KVM_MAP_GPA_RANGE_PAGE_SZ_1G);
	SHOW("ENCRYPTED", KVM_MAP_GPA_RANGE_ENCRYPTED);
	SHOW("DECRYPTED", KVM_MAP_GPA_RANGE_DECRYPTED);
	SHOW("MEMORY_ENCRYPT_OP", KVM_MEMORY_ENCRYPT_OP);
	SHOW("CAP_COPY_ENC_CONTEXT", KVM_CAP_VM_COPY_ENC_CONTEXT_FROM);
	SHOW("SEV_DBG_DECRYPT", KVM_SEV_DBG_DECRYPT);
	SHOW("SEV_DBG_ENCRYPT", KVM_SEV_DBG_ENCRYPT);
	SHOW("CMD_SIZE", sizeof(struct kvm_sev_cmd));
	SHOW("CMD_ID", offsetof(struct kvm_sev_cmd, id));
	SHOW("CMD_DATA", offsetof(struct kvm_sev_cmd, data));
	SHOW("CMD_ERROR", offsetof(struct kvm_sev_cmd, error));
	SHOW("CMD_SEV_FD", offsetof(struct kvm_sev_cmd, sev_fd));
	SHOW("DBG_SIZE", sizeof(struct kvm_sev_dbg));
	SHOW("DBG_SRC", offsetof(struct kvm_sev_dbg, src_uaddr));
	SHOW("DBG_DST", offsetof(struct kvm_sev_dbg, dst_uaddr));
	SHOW("DBG_LEN", offsetof(struct kvm_sev_dbg, len));
	SHOW("SEV_DBG_DECRYPT_VMSA", KVM_SEV_DBG_DECRYPT_VMSA);
	SHOW("DBG_VMSA_SIZE", sizeof(struct kvm_sev_dbg_vmsa));
	SHOW("DBG_VMSA_VCPU_ID", offsetof(struct kvm_sev_dbg_vmsa, vcpu_id));
	SHOW("DBG_VMSA_FLAGS", offsetof(struct kvm_sev_dbg_vmsa, flags));
	SHOW("DBG_VMSA_DST", offsetof(struct kvm_sev_dbg_vmsa, dst_uaddr));
	SHOW("DBG_VMSA_LEN", offsetof(struct kvm_sev_dbg_vmsa, len));
	SHOW("DBG_VMSA_RESERVED", offsetof(struct kvm_sev_dbg_vmsa, reserved));
	return 0;
}
