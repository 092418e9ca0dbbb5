/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest dumps (DESIGN.md §6): the writer API shared by `sevdbg dump` and the
 * shell, the on-disk layouts sevdbg writes and the core target reads.
 */
#ifndef SEVDBG_DUMP_H
#define SEVDBG_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct session;
struct target;

enum dump_format {
	DUMP_FMT_ELF,	/* QEMU dump-guest-memory compatible */
	DUMP_FMT_KDUMP, /* kdump-compressed (zlib), like QEMU/makedumpfile */
	DUMP_FMT_RAW,	/* bytes of one range, for scripts */
};

struct dump_opts {
	enum dump_format format;
	const char *path; /* output file ("-" = stdout, raw only) */
	bool paging;	  /* ELF: PT_LOADs with virtual addresses */
	bool has_range;
	uint64_t start, end; /* [start, end) */
	bool virt;	     /* range is virtual (selected vCPU) */
	bool keep_stopped;   /* leave the vCPUs stopped afterwards */
	bool progress;	     /* progress bar on stderr */
};

struct dump_result {
	uint64_t pages_encrypted; /* decrypted through the firmware */
	uint64_t pages_shared;	  /* read directly */
	uint64_t pages_missing;	  /* unreadable: left out, counted */
	uint64_t pages_zero;	  /* kdump: shared zero-page descriptor */
	uint64_t bytes_written;	  /* size of the file */
	uint64_t platform_calls;  /* decrypt + host reads */
	double seconds;
	char msg[256]; /* why it failed (when it did) */
};

/*
 * Stop the guest, write the dump to a temporary file next to o->path,
 * fsync and rename it into place, resume the guest (unless keep_stopped).
 * 0 or -errno; on failure res->msg says why and nothing is left at o->path.
 */
int dump_write(struct session *s, const struct dump_opts *o,
	       struct dump_result *res);
/* "elf" | "kdump" | "raw" → 0, else -EINVAL. */
int dump_parse_format(const char *name, enum dump_format *f);
/* Append res as one JSON object (no newline). */
struct strbuf;
void dump_result_json(const struct dump_result *res, struct strbuf *out);

/* The `core:FILE` target type (plugins/core.c). */
struct target_type;
extern const struct target_type core_target_type;

/* Whether a core target's file carried a SEVDBG note (false for QEMU's). */
bool core_has_sevdbg_note(const struct target *t);
/* A dump whose file has no SEVDBG note (QEMU's, makedumpfile's): its
 * bitmap is all shared because nothing recorded it. False for live targets. */
bool core_lacks_sevdbg_note(const struct target *t);

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

#endif
