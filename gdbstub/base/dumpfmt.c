// SPDX-License-Identifier: GPL-2.0-only
/*
 * ELF note codecs shared by the dump writers, the core target and the memory
 * model: NT_PRSTATUS, QEMUCPUState, the SEVDBG note, the guest's VMCOREINFO.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sevdbg/dumpfmt.h"
#include "sevdbg/target.h"
#include "sevdbg/util.h"

size_t note_append(struct strbuf *sb, const char *name, uint32_t type,
		   const void *desc, size_t descsz)
{
	static const uint8_t zero[4];
	size_t namesz = strlen(name) + 1, off;
	uint8_t hdr[12];

	put_le32(hdr, (uint32_t)namesz);
	put_le32(hdr + 4, (uint32_t)descsz);
	put_le32(hdr + 8, type);
	sb_add(sb, hdr, sizeof(hdr));
	sb_add(sb, name, namesz);
	sb_add(sb, zero, NOTE_ALIGN4(namesz) - namesz);
	off = sb->len;
	sb_add(sb, desc, descsz);
	sb_add(sb, zero, NOTE_ALIGN4(descsz) - descsz);
	return off;
}

/* user_regs_struct order (x86_64) → our register numbers; -1 = orig_rax. */
static const int prstatus_regs[ELF_PRSTATUS_NREGS] = {
	REGS_R15,    REGS_R14, REGS_R13, REGS_R12,     REGS_RBP,     REGS_RBX,
	REGS_R11,    REGS_R10, REGS_R9,	 REGS_R8,      REGS_RAX,     REGS_RCX,
	REGS_RDX,    REGS_RSI, REGS_RDI, -1,	       REGS_RIP,     REGS_CS,
	REGS_EFLAGS, REGS_RSP, REGS_SS,	 REGS_FS_BASE, REGS_GS_BASE, REGS_DS,
	REGS_ES,     REGS_FS,  REGS_GS,
};

static uint64_t reg_or_zero(const struct regs *r, int nr)
{
	return nr >= 0 && r->valid[nr] ? regs_get(r, (unsigned int)nr) : 0;
}

void note_prstatus_encode(uint8_t out[ELF_PRSTATUS_SIZE], const struct regs *r,
			  int vcpu)
{
	unsigned int i;

	memset(out, 0, ELF_PRSTATUS_SIZE);
	put_le32(out + ELF_PRSTATUS_PID_OFF, (uint32_t)vcpu + 1);
	for (i = 0; i < ELF_PRSTATUS_NREGS; i++)
		put_le64(out + ELF_PRSTATUS_REG_OFF + 8 * i,
			 reg_or_zero(r, prstatus_regs[i]));
}

void note_prstatus_decode(const uint8_t *in, struct regs *r)
{
	unsigned int i;

	for (i = 0; i < ELF_PRSTATUS_NREGS; i++) {
		int nr = prstatus_regs[i];

		if (nr < 0)
			continue;
		regs_set(r, (unsigned int)nr,
			 get_le64(in + ELF_PRSTATUS_REG_OFF + 8 * i));
		r->valid[nr] = 1;
	}
}

/* QEMUCPUState (target/i386/arch_dump.c), version 1, little endian. */
#define QCS_GPR	    8 /* rax rbx rcx rdx rsi rdi rsp rbp r8..r15 */
#define QCS_RIP	    136
#define QCS_RFLAGS  144
#define QCS_SEG	    152 /* cs ds es fs gs ss ldt tr gdt idt, 24 each */
#define QCS_CR	    392 /* cr[5] */
#define QCS_KGSBASE 432
#define QCS_SEG_L   (1u << 21) /* DESC_L_MASK: 64-bit code segment */

static const int qcs_gpr[16] = {
	REGS_RAX, REGS_RBX, REGS_RCX, REGS_RDX, REGS_RSI, REGS_RDI,
	REGS_RSP, REGS_RBP, REGS_R8,  REGS_R9,	REGS_R10, REGS_R11,
	REGS_R12, REGS_R13, REGS_R14, REGS_R15,
};

static const struct {
	int sel, base;
} qcs_seg[6] = {
	{REGS_CS, REGS_CS_BASE}, {REGS_DS, REGS_DS_BASE},
	{REGS_ES, REGS_ES_BASE}, {REGS_FS, REGS_FS_BASE},
	{REGS_GS, REGS_GS_BASE}, {REGS_SS, REGS_SS_BASE},
};

static const int qcs_cr[5] = {REGS_CR0, -1, REGS_CR2, REGS_CR3, REGS_CR4};

/*
 * Limits and descriptor flags are not part of gdb's register file, so they
 * are written as 0 (unknown), like the ldt/tr/gdt/idt entries.
 */
void note_qemu_encode(uint8_t out[QEMU_CPUSTATE_SIZE], const struct regs *r)
{
	unsigned int i;

	memset(out, 0, QEMU_CPUSTATE_SIZE);
	put_le32(out, 1);
	put_le32(out + 4, QEMU_CPUSTATE_SIZE);
	for (i = 0; i < ARRAY_SIZE(qcs_gpr); i++)
		put_le64(out + QCS_GPR + 8 * i, reg_or_zero(r, qcs_gpr[i]));
	put_le64(out + QCS_RIP, reg_or_zero(r, REGS_RIP));
	put_le64(out + QCS_RFLAGS, reg_or_zero(r, REGS_EFLAGS));
	for (i = 0; i < ARRAY_SIZE(qcs_seg); i++) {
		uint8_t *seg = out + QCS_SEG + 24 * i;

		put_le32(seg, (uint32_t)reg_or_zero(r, qcs_seg[i].sel));
		put_le64(seg + 16, reg_or_zero(r, qcs_seg[i].base));
	}
	for (i = 0; i < ARRAY_SIZE(qcs_cr); i++)
		put_le64(out + QCS_CR + 8 * i, reg_or_zero(r, qcs_cr[i]));
	put_le64(out + QCS_KGSBASE, reg_or_zero(r, REGS_K_GS_BASE));
}

static void set_valid(struct regs *r, int nr, uint64_t v)
{
	regs_set(r, (unsigned int)nr, v);
	r->valid[nr] = 1;
}

int note_qemu_decode(const uint8_t *in, size_t len, struct regs *r)
{
	uint32_t size;
	uint64_t cr0, cr4;
	unsigned int i;

	if (len < QEMU_CPUSTATE_SIZE_OLD || get_le32(in) != 1)
		return -EINVAL;
	size = get_le32(in + 4);
	if (size < QEMU_CPUSTATE_SIZE_OLD || size > len)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(qcs_gpr); i++)
		set_valid(r, qcs_gpr[i], get_le64(in + QCS_GPR + 8 * i));
	set_valid(r, REGS_RIP, get_le64(in + QCS_RIP));
	set_valid(r, REGS_EFLAGS, get_le64(in + QCS_RFLAGS));
	for (i = 0; i < ARRAY_SIZE(qcs_seg); i++) {
		const uint8_t *seg = in + QCS_SEG + 24 * i;

		set_valid(r, qcs_seg[i].sel, get_le32(seg));
		set_valid(r, qcs_seg[i].base, get_le64(seg + 16));
	}
	for (i = 0; i < ARRAY_SIZE(qcs_cr); i++)
		if (qcs_cr[i] >= 0)
			set_valid(r, qcs_cr[i], get_le64(in + QCS_CR + 8 * i));
	if (size >= QEMU_CPUSTATE_SIZE)
		set_valid(r, REGS_K_GS_BASE, get_le64(in + QCS_KGSBASE));
	/*
	 * QEMUCPUState has no EFER. Long mode is a fact QEMU does record: a
	 * 64-bit CS (L bit) with paging and PAE on means LME|LMA; NXE is
	 * assumed with it, as every 64-bit kernel sets it.
	 */
	cr0 = get_le64(in + QCS_CR);
	cr4 = get_le64(in + QCS_CR + 32);
	if ((get_le32(in + QCS_SEG + 8) & QCS_SEG_L) && (cr0 >> 31 & 1) &&
	    (cr4 >> 5 & 1))
		set_valid(r, REGS_EFER, 0xd00);
	return 0;
}

_Static_assert(sizeof(struct sevdbg_note_hdr) == SEVDBG_NOTE_HDR_SIZE,
	       "the SEVDBG note header has no padding");

uint64_t sevdbg_desc_size(uint64_t npages, uint32_t nr_vcpus)
{
	return SEVDBG_NOTE_HDR_SIZE + ALIGN_UP((npages + 7) / 8, 8) +
	       ALIGN_UP((npages + 3) / 4, 8) +
	       (uint64_t)nr_vcpus * (REGS_BYTES + REGS_NR);
}

void sevdbg_hdr_encode(uint8_t *out, const struct sevdbg_note_hdr *h)
{
	memset(out, 0, SEVDBG_NOTE_HDR_SIZE);
	put_le32(out, h->magic);
	put_le16(out + 4, h->version);
	put_le16(out + 6, h->hdr_size);
	put_le32(out + 8, h->flags);
	put_le32(out + 12, h->cbit);
	put_le32(out + 16, h->policy);
	put_le32(out + 20, h->nr_vcpus);
	put_le64(out + 24, h->start_gfn);
	put_le64(out + 32, h->npages);
	put_le64(out + 40, h->pages_encrypted);
	put_le64(out + 48, h->pages_shared);
	put_le64(out + 56, h->pages_missing);
	put_le64(out + 64, h->bitmap_off);
	put_le64(out + 72, h->source_off);
	put_le64(out + 80, h->regs_off);
	put_le32(out + 88, h->regs_size);
	put_le32(out + 92, h->regs_nr);
	memcpy(out + 96, h->platform, sizeof(h->platform));
}

static void sevdbg_hdr_decode(const uint8_t *in, struct sevdbg_note_hdr *h)
{
	h->magic = get_le32(in);
	h->version = get_le16(in + 4);
	h->hdr_size = get_le16(in + 6);
	h->flags = get_le32(in + 8);
	h->cbit = get_le32(in + 12);
	h->policy = get_le32(in + 16);
	h->nr_vcpus = get_le32(in + 20);
	h->start_gfn = get_le64(in + 24);
	h->npages = get_le64(in + 32);
	h->pages_encrypted = get_le64(in + 40);
	h->pages_shared = get_le64(in + 48);
	h->pages_missing = get_le64(in + 56);
	h->bitmap_off = get_le64(in + 64);
	h->source_off = get_le64(in + 72);
	h->regs_off = get_le64(in + 80);
	h->regs_size = get_le32(in + 88);
	h->regs_nr = get_le32(in + 92);
	memcpy(h->platform, in + 96, sizeof(h->platform));
	h->platform[sizeof(h->platform) - 1] = '\0';
}

/* Whether [off, off+size) lies inside len, without overflow. */
static bool in_bounds(uint64_t off, uint64_t size, uint64_t len)
{
	return off <= len && size <= len - off;
}

int sevdbg_note_parse(const uint8_t *desc, size_t len, struct sevdbg_note *n,
		      char *err, size_t errlen)
{
	struct sevdbg_note_hdr *h = &n->h;
	const char *why;
	uint64_t rec;

	memset(n, 0, sizeof(*n));
	why = "SEVDBG note shorter than its header";
	if (len < SEVDBG_NOTE_HDR_SIZE)
		goto bad;
	sevdbg_hdr_decode(desc, h);
	why = "SEVDBG note has a bad magic number";
	if (h->magic != SEVDBG_NOTE_MAGIC)
		goto bad;
	why = "SEVDBG note version is newer than this sevdbg understands";
	if (h->version != SEVDBG_NOTE_VERSION)
		goto bad;
	why = "SEVDBG note header size is wrong";
	if (h->hdr_size < SEVDBG_NOTE_HDR_SIZE || h->hdr_size > len)
		goto bad;
	why = "SEVDBG note bitmap lies outside the note";
	if (h->npages > (1ULL << 52) || h->start_gfn > (1ULL << 52) ||
	    !in_bounds(h->bitmap_off, (h->npages + 7) / 8, len))
		goto bad;
	why = "SEVDBG note page-source map lies outside the note";
	if (!in_bounds(h->source_off, (h->npages + 3) / 4, len))
		goto bad;
	why = "SEVDBG note has too many vCPUs";
	if (h->nr_vcpus > TARGET_MAX_VCPUS)
		goto bad;
	n->bitmap = desc + h->bitmap_off;
	n->source = desc + h->source_off;
	if (h->regs_size == REGS_BYTES && h->regs_nr == REGS_NR) {
		rec = (uint64_t)REGS_BYTES + REGS_NR;
		why = "SEVDBG note registers lie outside the note";
		if (!in_bounds(h->regs_off, rec * h->nr_vcpus, len))
			goto bad;
		n->regs = desc + h->regs_off;
	}
	return 0;
bad:
	if (errlen)
		snprintf(err, errlen, "%s", why);
	return -EINVAL;
}

size_t vmcoreinfo_match(const uint8_t *page)
{
	static const char key[] = "OSRELEASE=";
	uint32_t descsz;
	size_t i;

	if (get_le32(page) != sizeof(VMCOREINFO_NAME) || get_le32(page + 8))
		return 0;
	if (memcmp(page + 12, VMCOREINFO_NAME, sizeof(VMCOREINFO_NAME)))
		return 0;
	descsz = get_le32(page + 4);
	if (descsz < sizeof(key) - 1 || descsz > VMCOREINFO_MAX_DESC)
		return 0;
	if (memcmp(page + VMCOREINFO_DESC_OFF, key, sizeof(key) - 1))
		return 0;
	/* The text is "KEY=value\n" lines: anything else is not the note. */
	for (i = 0; i < descsz; i++) {
		uint8_t ch = page[VMCOREINFO_DESC_OFF + i];

		if (ch != '\n' && (ch < 0x20 || ch > 0x7e))
			return 0;
	}
	return descsz;
}

bool vmci_get(const char *text, size_t len, const char *key, int64_t *val)
{
	size_t klen = strlen(key), i = 0;
	char num[32], *end;
	bool hex = !strncmp(key, "SYMBOL(", 7) || !strcmp(key, "KERNELOFFSET");

	while (i < len) {
		const char *line = text + i, *nl = memchr(line, '\n', len - i);
		size_t ll = nl ? (size_t)(nl - line) : len - i;

		i += ll + 1;
		if (ll <= klen || line[klen] != '=' || memcmp(line, key, klen))
			continue;
		ll -= klen + 1;
		if (!ll || ll >= sizeof(num))
			return false;
		memcpy(num, line + klen + 1, ll);
		num[ll] = '\0';
		errno = 0;
		*val = hex ? (int64_t)strtoull(num, &end, 16)
			   : (int64_t)strtoll(num, &end, 10);
		return !errno && *end == '\0';
	}
	return false;
}
