/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internals shared by the dump writers (gdbstub/dump*.c) and the core target
 * readers (plugins/core*.c): byte order helpers and ELF note codecs.
 */
#ifndef SEVDBG_DUMP_INT_H
#define SEVDBG_DUMP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "gdbstub/dump/dump.h"
#include "sevdbg/ram.h"
#include "sevdbg/regs.h"
#include "sevdbg/target.h"
#include "sevdbg/util.h"

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
/* 0 or -EINVAL with a reason in *why. */
int sevdbg_note_parse(const uint8_t *desc, size_t len, struct sevdbg_note *n,
		      const char **why);
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

static inline unsigned int sevdbg_src_get(const uint8_t *src, uint64_t i)
{
	return (src[i / 4] >> (2 * (i % 4))) & 3;
}

static inline void sevdbg_src_set(uint8_t *src, uint64_t i, unsigned int v)
{
	src[i / 4] = (uint8_t)((src[i / 4] & ~(3u << (2 * (i % 4)))) |
			       v << (2 * (i % 4)));
}

/* ---- the writer (gdbstub/dump*.c) ---- */
struct session;
struct strbuf;

#define DUMP_CHUNK (256 * PAGE_SIZE) /* one router_read, one write */

struct dump_ctx {
	struct session *s;
	const struct dump_opts *o;
	struct dump_result *res;
	int fd;
	bool seq;      /* fd is a pipe: write(), no offsets */
	uint64_t off;  /* next append offset */
	uint8_t *wbuf; /* append buffer, DUMP_CHUNK */
	size_t wlen;
	int nr_vcpus;
	struct regs *regs; /* nr_vcpus */
	uint64_t npages;   /* RAM end / PAGE_SIZE */
	uint8_t *encbits;  /* 1 = encrypted, npages bits */
	uint8_t *source;   /* SEVDBG_SRC_* per page */
	uint64_t pages_total, pages_done;
	uint64_t progress_ns;
	uint8_t *rbuf;			   /* read buffer, DUMP_CHUNK */
	uint8_t vmci[VMCOREINFO_MAX_DESC]; /* the guest's VMCOREINFO text */
	size_t vmci_len;		   /* 0 = none found (yet) */
	size_t vmci_off;		   /* its descriptor in the note area */
};

/* Called per RAM page in gpa order; data is NULL for a missing page. */
typedef int (*dump_page_fn)(struct dump_ctx *c, uint64_t gfn,
			    const uint8_t *data, void *arg);
int dump_for_each_page(struct dump_ctx *c, dump_page_fn fn, void *arg);
int dump_append(struct dump_ctx *c, const void *buf, size_t len);
int dump_flush(struct dump_ctx *c);
int dump_pwrite(struct dump_ctx *c, const void *buf, size_t len, uint64_t off);
/* Set res->msg (first failure wins) and return err. */
int dump_fail(struct dump_ctx *c, int err, const char *fmt, ...) __printf(3, 4);
/* prstatus and QEMU notes for every vCPU, the guest's VMCOREINFO when
 * found (c->vmci_off), then a SEVDBG note whose descriptor (at *sevdbg_off
 * in sb) dump_sevdbg_fill writes later. Built once before the RAM pass to
 * size the area (plus DUMP_VMCI_RESERVE) and again after it. */
int dump_build_notes(struct dump_ctx *c, struct strbuf *sb, size_t *sevdbg_off);
void dump_sevdbg_fill(struct dump_ctx *c, uint8_t *desc);

#define DUMP_VMCI_RESERVE (12 + 12 + VMCOREINFO_MAX_DESC)

int dump_elf_write(struct dump_ctx *c);
int dump_kdump_write(struct dump_ctx *c);
int dump_raw_write(struct dump_ctx *c);

#endif
