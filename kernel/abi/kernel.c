// SPDX-License-Identifier: GPL-2.0
/*
 * Second half of kernel/check's ABI comparison: built against the patched
 * tree's installed headers, fails to compile unless they match ours.h.
 */
#include <stddef.h>
#include <linux/kvm.h>
#include <linux/kvm_para.h>
#include <asm/kvm_para.h>

#include "ours.h"

#define SAME(what, value)                                          \
	_Static_assert((unsigned long long)(value) == OURS_##what, \
		       "sevdbg_kvm.h differs from the series: " #what)

SAME(GET_PAGE_ENC_BITMAP, KVM_GET_PAGE_ENC_BITMAP);
SAME(SET_PAGE_ENC_BITMAP, KVM_SET_PAGE_ENC_BITMAP);
SAME(BITMAP_SIZE, sizeof(struct kvm_page_enc_bitmap));
SAME(BITMAP_START_GFN, offsetof(struct kvm_page_enc_bitmap, start_gfn));
SAME(BITMAP_NUM_PAGES, offsetof(struct kvm_page_enc_bitmap, num_pages));
SAME(BITMAP_ENC_BITMAP, offsetof(struct kvm_page_enc_bitmap, enc_bitmap));
SAME(BITMAP_FLAGS, offsetof(struct kvm_page_enc_bitmap, flags));
SAME(BITMAP_PAD, offsetof(struct kvm_page_enc_bitmap, pad));
SAME(BITMAP_NR_RANGES, offsetof(struct kvm_page_enc_bitmap, nr_ranges));
SAME(BITMAP_RESERVED, offsetof(struct kvm_page_enc_bitmap, reserved));
SAME(BITMAP_RESERVED_SIZE, sizeof(((struct kvm_page_enc_bitmap *)0)->reserved));
SAME(BITMAP_ENC_BITMAP_SIZE,
     sizeof(((struct kvm_page_enc_bitmap *)0)->enc_bitmap));
SAME(CAP_PAGE_ENC_BITMAP, KVM_CAP_SEV_PAGE_ENC_BITMAP);
SAME(HC_MAP_GPA_RANGE, KVM_HC_MAP_GPA_RANGE);
SAME(PAGE_SZ_4K, KVM_MAP_GPA_RANGE_PAGE_SZ_4K);
SAME(PAGE_SZ_2M, KVM_MAP_GPA_RANGE_PAGE_SZ_2M);
SAME(PAGE_SZ_1G, KVM_MAP_GPA_RANGE_PAGE_SZ_1G);
SAME(ENCRYPTED, KVM_MAP_GPA_RANGE_ENCRYPTED);
SAME(DECRYPTED, KVM_MAP_GPA_RANGE_DECRYPTED);
SAME(MEMORY_ENCRYPT_OP, KVM_MEMORY_ENCRYPT_OP);
SAME(CAP_COPY_ENC_CONTEXT, KVM_CAP_VM_COPY_ENC_CONTEXT_FROM);
SAME(SEV_DBG_DECRYPT, KVM_SEV_DBG_DECRYPT);
SAME(SEV_DBG_ENCRYPT, KVM_SEV_DBG_ENCRYPT);
SAME(CMD_SIZE, sizeof(struct kvm_sev_cmd));
SAME(CMD_ID, offsetof(struct kvm_sev_cmd, id));
SAME(CMD_DATA, offsetof(struct kvm_sev_cmd, data));
SAME(CMD_ERROR, offsetof(struct kvm_sev_cmd, error));
SAME(CMD_SEV_FD, offsetof(struct kvm_sev_cmd, sev_fd));
SAME(DBG_SIZE, sizeof(struct kvm_sev_dbg));
SAME(DBG_SRC, offsetof(struct kvm_sev_dbg, src_uaddr));
SAME(DBG_DST, offsetof(struct kvm_sev_dbg, dst_uaddr));
SAME(DBG_LEN, offsetof(struct kvm_sev_dbg, len));
SAME(SEV_DBG_DECRYPT_VMSA, KVM_SEV_DBG_DECRYPT_VMSA);
SAME(DBG_VMSA_SIZE, sizeof(struct kvm_sev_dbg_vmsa));
SAME(DBG_VMSA_VCPU_ID, offsetof(struct kvm_sev_dbg_vmsa, vcpu_id));
SAME(DBG_VMSA_FLAGS, offsetof(struct kvm_sev_dbg_vmsa, flags));
SAME(DBG_VMSA_DST, offsetof(struct kvm_sev_dbg_vmsa, dst_uaddr));
SAME(DBG_VMSA_LEN, offsetof(struct kvm_sev_dbg_vmsa, len));
SAME(DBG_VMSA_RESERVED, offsetof(struct kvm_sev_dbg_vmsa, reserved));

/* And the bridge's way of using it: kernel headers first, then ours. */
#include "linux/sevdbg_kvm.h"
#include "linux/sevdbg_vmsa.h"

int main(void)
{
	struct kvm_page_enc_bitmap bmap = {.start_gfn = 0};

	return (int)bmap.start_gfn;
}
