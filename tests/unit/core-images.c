// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hand-built dumps the core target's tests read: each format written
 * the way QEMU, makedumpfile or sevdbg write it, with known page contents.
 */
#include "tests/unit/core-images.h"

/* A dump written by sevdbg carries its bitmap; others come with a caveat. */
bool has_sevdbg_note(struct target *t)
{
	struct platform_info pi;

	return !platform_info(t->plat, &pi) && !pi.bitmap_caveat;
}

uint8_t pattern(uint64_t gpa)
{
	return (uint8_t)(gpa * 7 + (gpa >> 12) * 13 + 1);
}

void fill(uint8_t *p, uint64_t gpa, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = pattern(gpa + i);
}

void img_regs(struct regs *r)
{
	memset(r, 0, sizeof(*r));
	regs_set(r, REGS_RIP, 0xffffffff81001234ULL);
	regs_set(r, REGS_RSP, 0xffffc90000001ff0ULL);
	regs_set(r, REGS_RAX, 0x1111);
	regs_set(r, REGS_R15, 0xf15);
	regs_set(r, REGS_CS, 0x10);
	regs_set(r, REGS_CR0, 0x80050033);
	regs_set(r, REGS_CR3, 0x5000);
	regs_set(r, REGS_CR4, 0x20);
	memset(r->valid, 1, sizeof(r->valid));
}

/* QEMU-style: PT_NOTE (CORE + QEMU), PT_LOAD [0, 8K), PT_LOAD [64K, 68K). */
struct img build_elf(void)
{
	uint8_t pr[ELF_PRSTATUS_SIZE], qcs[QEMU_CPUSTATE_SIZE];
	struct strbuf notes;
	struct regs r;
	Elf64_Ehdr eh = {0};
	Elf64_Phdr ph[3] = {0};
	struct img im;
	size_t hdr = sizeof(eh) + sizeof(ph), data;

	sb_init(&notes);
	img_regs(&r);
	note_prstatus_encode(pr, &r, 0);
	note_append(&notes, "CORE", 1, pr, sizeof(pr));
	note_qemu_encode(qcs, &r);
	put_le32(qcs + 152 + 8, 1u << 21); /* cs.flags: L */
	note_append(&notes, "QEMU", 0, qcs, sizeof(qcs));
	data = hdr + notes.len;
	im.len = data + 3 * PAGE_SIZE;
	im.b = calloc(1, im.len);
	assert_non_null(im.b);
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = 3;
	ph[0].p_type = PT_NOTE;
	ph[0].p_offset = hdr;
	ph[0].p_filesz = notes.len;
	ph[1].p_type = PT_LOAD;
	ph[1].p_offset = data;
	ph[1].p_paddr = 0;
	ph[1].p_filesz = ph[1].p_memsz = 2 * PAGE_SIZE;
	ph[2].p_type = PT_LOAD;
	ph[2].p_offset = data + 2 * PAGE_SIZE;
	ph[2].p_paddr = SEG2_GPA;
	ph[2].p_filesz = ph[2].p_memsz = PAGE_SIZE;
	memcpy(im.b, &eh, sizeof(eh));
	memcpy(im.b + sizeof(eh), ph, sizeof(ph));
	memcpy(im.b + hdr, notes.buf, notes.len);
	fill(im.b + data, 0, 2 * PAGE_SIZE);
	fill(im.b + data + 2 * PAGE_SIZE, SEG2_GPA, PAGE_SIZE);
	sb_release(&notes);
	return im;
}

/*
 * kdump: max_mapnr 8; RAM = pages 0-3 and 6; dumped = 0, 1, 2, 6 (3 was
 * left out). Page 0 zlib, page 1 raw, page 2 the shared zero page, 6 zlib.
 */

static size_t kd_page(struct img *im, size_t off, uint8_t *pd, uint64_t pfn,
		      bool compress)
{
	uint8_t page[PAGE_SIZE];
	uLongf clen = compressBound(PAGE_SIZE);

	fill(page, pfn << PAGE_SHIFT, PAGE_SIZE);
	if (compress) {
		assert_int_equal(compress2(im->b + off, &clen, page, PAGE_SIZE,
					   1),
				 Z_OK);
		assert_true(clen < PAGE_SIZE);
	} else {
		clen = PAGE_SIZE;
		memcpy(im->b + off, page, PAGE_SIZE);
	}
	put_le64(pd, off);
	put_le32(pd + 8, (uint32_t)clen);
	put_le32(pd + 12, compress ? KDUMP_DH_COMPRESSED_ZLIB : 0);
	return off + clen;
}

struct img build_kdump(void)
{
	uint8_t pr[ELF_PRSTATUS_SIZE];
	struct strbuf notes;
	struct regs r;
	struct img im;
	uint8_t *h, *sub, *pd;
	size_t off = KD_DESC_OFF + 4 * KDUMP_PD_SIZE, zero_off;

	sb_init(&notes);
	img_regs(&r);
	note_prstatus_encode(pr, &r, 0);
	note_append(&notes, "CORE", 1, pr, sizeof(pr));
	im.len = off + 3 * PAGE_SIZE + 2 * compressBound(PAGE_SIZE);
	im.b = calloc(1, im.len);
	assert_non_null(im.b);
	h = im.b;
	memcpy(h, KDUMP_SIGNATURE, KDUMP_SIG_LEN);
	put_le32(h + KDH_VERSION, 6);
	put_le32(h + KDH_BLOCK_SIZE, PAGE_SIZE);
	put_le32(h + KDH_SUB_HDR_SIZE, 1);
	put_le32(h + KDH_BITMAP_BLOCKS, 2);
	put_le32(h + KDH_MAX_MAPNR, 8);
	put_le32(h + KDH_NR_CPUS, 1);
	sub = im.b + PAGE_SIZE;
	put_le64(sub + KSH_OFFSET_NOTE, KD_NOTE_OFF);
	put_le64(sub + KSH_NOTE_SIZE, notes.len);
	put_le64(sub + KSH_MAX_MAPNR_64, 8);
	memcpy(im.b + KD_NOTE_OFF, notes.buf, notes.len);
	im.b[KD_BM_OFF] = 0x4f;		    /* 0-3, 6 */
	im.b[KD_BM_OFF + PAGE_SIZE] = 0x47; /* 0-2, 6 */
	pd = im.b + KD_DESC_OFF;
	zero_off = off;
	off += PAGE_SIZE;
	off = kd_page(&im, off, pd, 0, true);
	off = kd_page(&im, off, pd + KDUMP_PD_SIZE, 1, false);
	put_le64(pd + 2 * KDUMP_PD_SIZE, zero_off);
	put_le32(pd + 2 * KDUMP_PD_SIZE + 8, PAGE_SIZE);
	off = kd_page(&im, off, pd + 3 * KDUMP_PD_SIZE, 6, true);
	im.len = off;
	sb_release(&notes);
	return im;
}

/* makedumpfile -F: 4 KiB header, (BE offset, BE size, data) records in
 * reverse order (any order is legal), then the -1 end marker. */
void put_be64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

struct img build_flat(struct img src, size_t chunk)
{
	struct img im;
	size_t nrec = (src.len + chunk - 1) / chunk, off, i;
	uint8_t *p;

	im.len = 4096 + nrec * 16 + src.len + 16;
	im.b = calloc(1, im.len);
	assert_non_null(im.b);
	memcpy(im.b, "makedumpfile", 12);
	put_be64(im.b + 16, 1);
	put_be64(im.b + 24, 1);
	p = im.b + 4096;
	for (i = nrec; i-- > 0;) {
		off = i * chunk;
		put_be64(p, off);
		put_be64(p + 8, MIN(chunk, src.len - off));
		memcpy(p + 16, src.b + off, MIN(chunk, src.len - off));
		p += 16 + MIN(chunk, src.len - off);
	}
	put_be64(p, UINT64_MAX);
	put_be64(p + 8, 0);
	free(src.b);
	return im;
}

/*
 * sevdbg's own ELF: build_elf plus a SEVDBG note saying page 1 was missing
 * (left out: PT_LOAD 1 shrinks to page 0), pages 0x10 shared, 0 encrypted,
 * and a full register record for vCPU 0 with a distinct rip.
 */
struct img build_sevdbg_elf(void)
{
	struct img im = build_elf(), out;
	uint64_t npages = 0x11, dsz = sevdbg_desc_size(npages, 1);
	struct sevdbg_note_hdr h = {0};
	struct strbuf note;
	struct regs r;
	uint8_t *desc = calloc(1, dsz), *rec;
	size_t off;
	Elf64_Phdr *ph;

	assert_non_null(desc);
	h.magic = SEVDBG_NOTE_MAGIC;
	h.version = SEVDBG_NOTE_VERSION;
	h.hdr_size = SEVDBG_NOTE_HDR_SIZE;
	h.flags = SEVDBG_NOTE_F_ENCRYPTED;
	h.cbit = 51;
	h.nr_vcpus = 1;
	h.npages = npages;
	h.bitmap_off = SEVDBG_NOTE_HDR_SIZE;
	h.source_off = h.bitmap_off + 8;
	h.regs_off = h.source_off + 8;
	h.regs_size = REGS_BYTES;
	h.regs_nr = REGS_NR;
	sevdbg_hdr_encode(desc, &h);
	desc[h.bitmap_off] = 0x03; /* pages 0, 1 encrypted */
	sevdbg_src_set(desc + h.source_off, 0, SEVDBG_SRC_DECRYPTED);
	sevdbg_src_set(desc + h.source_off, 1, SEVDBG_SRC_MISSING);
	sevdbg_src_set(desc + h.source_off, 0x10, SEVDBG_SRC_SHARED);
	img_regs(&r);
	regs_set(&r, REGS_RIP, 0x5eed);
	rec = desc + h.regs_off;
	memcpy(rec, r.raw, REGS_BYTES);
	memcpy(rec + REGS_BYTES, r.valid, REGS_NR);
	sb_init(&note);
	note_append(&note, SEVDBG_NOTE_NAME, NT_SEVDBG, desc, dsz);
	/* The note goes at the end of the file; the [64K, 68K) PT_LOAD
	 * slot becomes its PT_NOTE, so page 0x10 is RAM without data. */
	out.len = im.len + note.len;
	out.b = calloc(1, out.len);
	assert_non_null(out.b);
	memcpy(out.b, im.b, im.len);
	memcpy(out.b + im.len, note.buf, note.len);
	off = im.len;
	ph = (Elf64_Phdr *)(out.b + sizeof(Elf64_Ehdr));
	ph[1].p_filesz = ph[1].p_memsz = PAGE_SIZE; /* page 1 left out */
	ph[2].p_type = PT_NOTE;
	ph[2].p_offset = off;
	ph[2].p_filesz = note.len;
	ph[2].p_paddr = 0;
	ph[2].p_memsz = 0;
	sb_release(&note);
	free(desc);
	free(im.b);
	return out;
}

int parse(struct img *im, struct core_file *cf, char *err, size_t errlen)
{
	memset(cf, 0, sizeof(*cf));
	cf->fd = -1;
	cf->mem = im->b;
	cf->size = im->len;
	err[0] = '\0';
	return core_parse(cf, err, errlen);
}
