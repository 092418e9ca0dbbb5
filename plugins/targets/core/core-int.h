/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The core target's file model: a dump parsed (with strict bounds checks)
 * into physical segments or kdump page descriptors, registers and notes.
 */
#ifndef SEVDBG_CORE_INT_H
#define SEVDBG_CORE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sevdbg/dumpfmt.h"
#include "sevdbg/ram.h"
#include "sevdbg/regs.h"
#include "sevdbg/target.h"
#include "sevdbg/util.h"

#define CORE_MAX_SEGS  (1u << 20)   /* PT_LOADs, or kdump RAM runs */
#define CORE_MAX_NOTES (256u << 20) /* bytes of notes we accept */

struct core_seg {
	uint64_t gpa, size, off; /* file bytes [off, off+size) */
};

enum core_kind { CORE_ELF, CORE_KDUMP };

struct core_file {
	/* The source: a file (fd) or, for the fuzzer, a buffer (mem). */
	int fd;
	const uint8_t *mem;
	uint64_t size;		/* of the dump (flattened: rebuilt) */
	uint64_t file_size;	/* of the bytes on disk */
	struct core_flat *flat; /* makedumpfile -F chunks, by dst */
	size_t nr_flat;

	enum core_kind kind;
	char kind_name[64]; /* "ELF vmcore (QEMU dump-guest-memory)" */

	struct core_seg *segs; /* ELF: sorted by gpa, no overlap */
	size_t nr_segs;

	/* kdump */
	uint32_t block_size;
	uint64_t max_mapnr;
	uint8_t *bm1, *bm2; /* exists / dumped, max_mapnr bits */
	uint64_t *rank;	    /* dumped pages before each 64-page word */
	uint64_t desc_off, nr_desc;
	uint8_t *page, *cpage; /* decompressed cache, compressed input */
	uint64_t cached_pfn;   /* UINT64_MAX = none */

	struct ram_map ram; /* from the segments / 1st bitmap */

	uint8_t *notes; /* copy of the note area */
	uint64_t notes_len;
	int nr_vcpus;
	struct regs regs[TARGET_MAX_VCPUS];
	bool have_qemu_note, have_cr3;
	bool have_sevdbg;
	struct sevdbg_note sev; /* pointers into notes */
	const uint8_t *vmci;	/* the guest's VMCOREINFO text, in notes */
	uint32_t vmci_len;
};

/* The core:FILE target type (listed in plugins/targets/targets.c). */
struct target_type;
extern const struct target_type core_target_type;

/* One data record of makedumpfile's flattened format. */
struct core_flat {
	uint64_t dst, len, src;
};

/* Bytes [off, off+len) of the file as stored, bounds-checked. */
int core_raw_pread(const struct core_file *cf, void *buf, uint64_t len,
		   uint64_t off);
/* Flattened format (QEMU 7.2's kdump output): index it, then read through
 * the index; cf->size becomes the rebuilt file's size. */
int core_flat_parse(struct core_file *cf, char *err, size_t errlen);
int core_flat_pread(const struct core_file *cf, void *buf, uint64_t len,
		    uint64_t off);

/* Bounds-checked read of [off, off+len); -EINVAL past the end. */
int core_pread(const struct core_file *cf, void *buf, uint64_t len,
	       uint64_t off);

/* Parse cf (fd or mem, size set); err gets the reason on failure. */
int core_parse(struct core_file *cf, char *err, size_t errlen);
void core_release(struct core_file *cf);
/* Plaintext guest-physical bytes; -EFAULT in a hole, -ENODATA for a page
 * the dump left out (missing, excluded), -EIO for a corrupt one. */
int core_read_phys(struct core_file *cf, uint64_t gpa, void *buf, size_t len);

/* Format parsers (core-elf.c, core-kdump.c). */
int core_elf_parse(struct core_file *cf, char *err, size_t errlen);
int core_kdump_parse(struct core_file *cf, char *err, size_t errlen);
int core_kdump_read_page(struct core_file *cf, uint64_t pfn);
/* cf->ram from cf->segs (sorted, merged): their page-rounded union. */
int core_ram_from_segs(struct core_file *cf);
/* Walk an ELF note area: registers, QEMU notes, the SEVDBG note. */
int core_parse_notes(struct core_file *cf, char *err, size_t errlen);

#endif
