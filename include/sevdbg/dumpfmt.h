/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The on-disk dump formats (DESIGN.md §6) that the dump writer produces and
 * the core target reads: ELF notes, the SEVDBG note, the kdump header.
 */
#ifndef SEVDBG_DUMPFMT_H
#define SEVDBG_DUMPFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sevdbg/ram.h"
#include "sevdbg/regs.h"

struct strbuf;

/*
 * ELF notes sevdbg writes (all little endian, 4-byte padded per ELF):
 *   "CORE"   NT_PRSTATUS  per vCPU, struct elf_prstatus of x86_64 (336 bytes)
 *   "QEMU"   type 0       per vCPU, QEMUCPUState version 1 (as QEMU writes)
 *   "SEVDBG" NT_SEVDBG    once, layout below
 */
#define ELF_PRSTATUS_SIZE      336
#define ELF_PRSTATUS_PID_OFF   32
#define ELF_PRSTATUS_REG_OFF   112
#define ELF_PRSTATUS_NREGS     27  /* user_regs_struct */
#define QEMU_CPUSTATE_SIZE     440 /* with kernel_gs_base */
#define QEMU_CPUSTATE_SIZE_OLD 432 /* before kernel_gs_base */
#define SEVDBG_NOTE_HDR_SIZE   112

/*
 * The SEVDBG note, version 1. The descriptor starts with this header;
 * every *_off is from the start of the descriptor and every array lies
 * inside it:
 *   bitmap    ceil(npages / 8) bytes: bit i of byte i/8 = page start_gfn+i
 *             is encrypted (the series' bitmap, 1 = encrypted)
 *   source    ceil(npages / 4) bytes: 2 bits per page, page i in bits
 *             2*(i%4)+1..2*(i%4) of byte i/4, values SEVDBG_SRC_*
 *   regs      nr_vcpus records of regs_size bytes: the register file in
 *             gdb's 'g' order (include/sevdbg/regs.h, REGS_BYTES), then
 *             regs_nr validity bytes (1 = valid)
 * The header is the struct below laid out little endian with no padding
 * (field offsets 0, 4, 6, 8, 12, 16, 20, 24, 32, ... 88, 92, 96; 112 bytes).
 * The note (name "SEVDBG", 7 bytes with the NUL, type NT_SEVDBG) is the
 * last one in the PT_NOTE segment of an ELF dump and in the sub-header note
 * area of a kdump. Readers must check magic, version, sizes and offsets,
 * refuse other versions, and ignore flags they do not know.
 */
#define SEVDBG_NOTE_NAME    "SEVDBG"
#define NT_SEVDBG	    0x53455600u
#define SEVDBG_NOTE_MAGIC   0x47424456u /* "VDBG" */
#define SEVDBG_NOTE_VERSION 1

enum sevdbg_src {
	SEVDBG_SRC_NONE = 0,	  /* not RAM (hole) */
	SEVDBG_SRC_DECRYPTED = 1, /* encrypted page, written decrypted */
	SEVDBG_SRC_SHARED = 2,	  /* shared page, read directly */
	SEVDBG_SRC_MISSING = 3,	  /* unreadable: not in the dump */
};

#define SEVDBG_NOTE_F_ENCRYPTED (1u << 0) /* the guest was SEV/sim */
#define SEVDBG_NOTE_F_SEV_ES	(1u << 1) /* registers were in the VMSA */
/* Written with --filter: pages it left out are SEVDBG_SRC_MISSING, and
 * bits 8..15 of flags hold the dump level (makedumpfile's -d). */
#define SEVDBG_NOTE_F_FILTERED	(1u << 2)
#define SEVDBG_NOTE_LEVEL_SHIFT 8

struct sevdbg_note_hdr {
	uint32_t magic;	   /* SEVDBG_NOTE_MAGIC */
	uint16_t version;  /* SEVDBG_NOTE_VERSION */
	uint16_t hdr_size; /* sizeof(struct sevdbg_note_hdr) */
	uint32_t flags;	   /* SEVDBG_NOTE_F_* */
	uint32_t cbit;	   /* C-bit position, 0 = none */
	uint32_t policy;   /* guest policy */
	uint32_t nr_vcpus;
	uint64_t start_gfn; /* first page covered (0) */
	uint64_t npages;    /* pages covered (RAM end / 4 KiB) */
	uint64_t pages_encrypted, pages_shared, pages_missing;
	uint64_t bitmap_off, source_off, regs_off;
	uint32_t regs_size; /* REGS_BYTES */
	uint32_t regs_nr;   /* REGS_NR */
	char platform[16];  /* platform kind, NUL padded */
};

/*
 * kdump-compressed layout (makedumpfile's diskdump format, header version
 * 6, as QEMU's create_kdump_vmcore writes it): block 0 the header, then the
 * sub-header and ELF notes, the 1st bitmap (pages that exist) and 2nd
 * bitmap (pages dumped), page descriptors in pfn order for each bit of the
 * 2nd bitmap, then page data.
 */
#define KDUMP_SIGNATURE		   "KDUMP   "
#define KDUMP_SIG_LEN		   8
#define KDUMP_HEADER_VERSION	   6
#define KDUMP_HEADER_SIZE	   464 /* struct disk_dump_header, 64-bit */
#define KDUMP_SUB_HEADER_SIZE	   104 /* struct kdump_sub_header, 64-bit */
#define KDUMP_PD_SIZE		   24  /* struct page_desc */
#define KDUMP_DH_COMPRESSED_ZLIB   0x1
#define KDUMP_DH_COMPRESSED_LZO	   0x2
#define KDUMP_DH_COMPRESSED_SNAPPY 0x4
#define KDUMP_DH_COMPRESSED_ZSTD   0x20

/* Offsets inside the 64-bit disk_dump_header. */
#define KDH_VERSION	     8
#define KDH_UTS		     12 /* 6 x 65 bytes */
#define KDH_UTS_MACHINE	     (KDH_UTS + 4 * 65)
#define KDH_TIMESTAMP	     408
#define KDH_STATUS	     424
#define KDH_BLOCK_SIZE	     428
#define KDH_SUB_HDR_SIZE     432
#define KDH_BITMAP_BLOCKS    436
#define KDH_MAX_MAPNR	     440
#define KDH_TOTAL_RAM_BLOCKS 444
#define KDH_DEVICE_BLOCKS    448
#define KDH_WRITTEN_BLOCKS   452
#define KDH_CURRENT_CPU	     456
#define KDH_NR_CPUS	     460
/* Offsets inside kdump_sub_header. */
#define KSH_PHYS_BASE	      0
#define KSH_DUMP_LEVEL	      8
#define KSH_SPLIT	      12
#define KSH_START_PFN	      16
#define KSH_END_PFN	      24
#define KSH_OFFSET_VMCOREINFO 32
#define KSH_SIZE_VMCOREINFO   40
#define KSH_OFFSET_NOTE	      48
#define KSH_NOTE_SIZE	      56
#define KSH_OFFSET_ERASEINFO  64
#define KSH_SIZE_ERASEINFO    72
#define KSH_START_PFN_64      80
#define KSH_END_PFN_64	      88
#define KSH_MAX_MAPNR_64      96

static inline void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, (uint16_t)v);
	put_le16(p + 2, (uint16_t)(v >> 16));
}

static inline void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

static inline uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)get_le16(p) | (uint32_t)get_le16(p + 2) << 16;
}

static inline uint64_t get_le64(const uint8_t *p)
{
	return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

#define NOTE_ALIGN4(x) (((x) + 3) & ~(uint64_t)3)
/* Bytes of one ELF note with this name (including NUL) and descriptor. */
static inline uint64_t note_size(size_t namesz, uint64_t descsz)
{
	return 12 + NOTE_ALIGN4(namesz) + NOTE_ALIGN4(descsz);
}

/* Append one note; returns the offset of its descriptor in sb. */
size_t note_append(struct strbuf *sb, const char *name, uint32_t type,
		   const void *desc, size_t descsz);

/* The x86_64 NT_PRSTATUS descriptor and the "QEMU" QEMUCPUState note. */
void note_prstatus_encode(uint8_t out[ELF_PRSTATUS_SIZE], const struct regs *r,
			  int vcpu);
void note_prstatus_decode(const uint8_t *in, struct regs *r);
void note_qemu_encode(uint8_t out[QEMU_CPUSTATE_SIZE], const struct regs *r);
/* 0, or -EINVAL when version/size are not QEMUCPUState version 1. */
int note_qemu_decode(const uint8_t *in, size_t len, struct regs *r);

/* Size of a SEVDBG note descriptor for npages pages and nr_vcpus vCPUs. */
uint64_t sevdbg_desc_size(uint64_t npages, uint32_t nr_vcpus);

/* A parsed, bounds-checked SEVDBG descriptor (pointers into it). */
struct sevdbg_note {
	struct sevdbg_note_hdr h;
	const uint8_t *bitmap; /* h.npages bits */
	const uint8_t *source; /* h.npages 2-bit codes */
	const uint8_t *regs;   /* h.nr_vcpus records */
};
/* 0 or -EINVAL with the reason in err. */
int sevdbg_note_parse(const uint8_t *desc, size_t len, struct sevdbg_note *n,
		      char *err, size_t errlen);
void sevdbg_hdr_encode(uint8_t *out, const struct sevdbg_note_hdr *h);

/*
 * The guest's VMCOREINFO note (Linux kernel/crash_core.c): a page-aligned
 * Elf64_Nhdr {11, descsz, 0}, "VMCOREINFO" padded to 12, then the text
 * "OSRELEASE=...\n...". QEMU copies it through its vmcoreinfo device; the
 * dump writer finds it in RAM. Only a descriptor that ends inside the first
 * page is taken (Linux 6.1 writes about 2.5 KiB of its 4 KiB maximum).
 */
#define VMCOREINFO_NAME	    "VMCOREINFO"
#define VMCOREINFO_DESC_OFF 24
#define VMCOREINFO_MAX_DESC (PAGE_SIZE - VMCOREINFO_DESC_OFF)
/* descsz when page starts with the guest's VMCOREINFO note, else 0. */
size_t vmcoreinfo_match(const uint8_t *page);
/* The value of KEY= in VMCOREINFO text (hex for SYMBOL and KERNELOFFSET,
 * decimal otherwise); false when absent or malformed. */
bool vmci_get(const char *text, size_t len, const char *key, int64_t *val);

static inline unsigned int sevdbg_src_get(const uint8_t *src, uint64_t i)
{
	return (src[i / 4] >> (2 * (i % 4))) & 3;
}

static inline void sevdbg_src_set(uint8_t *src, uint64_t i, unsigned int v)
{
	src[i / 4] = (uint8_t)((src[i / 4] & ~(3u << (2 * (i % 4)))) |
			       v << (2 * (i % 4)));
}

#endif
