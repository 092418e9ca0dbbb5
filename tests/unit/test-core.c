// SPDX-License-Identifier: GPL-2.0-only
/*
 * The core target's readers on hand-built dumps: a QEMU-style ELF vmcore
 * and a kdump file read back, then truncated and lying variants refused.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "plugins/targets/core/core-int.h"
#include "sevdbg/platform.h"

/* A dump written by sevdbg carries its bitmap; others come with a caveat. */
static bool has_sevdbg_note(struct target *t)
{
	struct platform_info pi;

	return !platform_info(t->plat, &pi) && !pi.bitmap_caveat;
}

#define SEG2_GPA 0x10000

struct img {
	uint8_t *b;
	size_t len;
};

static uint8_t pattern(uint64_t gpa)
{
	return (uint8_t)(gpa * 7 + (gpa >> 12) * 13 + 1);
}

static void fill(uint8_t *p, uint64_t gpa, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = pattern(gpa + i);
}

static void test_regs(struct regs *r)
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
static struct img build_elf(void)
{
	uint8_t pr[ELF_PRSTATUS_SIZE], qcs[QEMU_CPUSTATE_SIZE];
	struct strbuf notes;
	struct regs r;
	Elf64_Ehdr eh = {0};
	Elf64_Phdr ph[3] = {0};
	struct img im;
	size_t hdr = sizeof(eh) + sizeof(ph), data;

	sb_init(&notes);
	test_regs(&r);
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
#define KD_NOTE_OFF (PAGE_SIZE + KDUMP_SUB_HEADER_SIZE)
#define KD_BM_OFF   (2 * PAGE_SIZE)
#define KD_DESC_OFF (4 * PAGE_SIZE)

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

static struct img build_kdump(void)
{
	uint8_t pr[ELF_PRSTATUS_SIZE];
	struct strbuf notes;
	struct regs r;
	struct img im;
	uint8_t *h, *sub, *pd;
	size_t off = KD_DESC_OFF + 4 * KDUMP_PD_SIZE, zero_off;

	sb_init(&notes);
	test_regs(&r);
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
static void put_be64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static struct img build_flat(struct img src, size_t chunk)
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
static struct img build_sevdbg_elf(void)
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
	test_regs(&r);
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

static int parse(struct img *im, struct core_file *cf, char *err, size_t errlen)
{
	memset(cf, 0, sizeof(*cf));
	cf->fd = -1;
	cf->mem = im->b;
	cf->size = im->len;
	err[0] = '\0';
	return core_parse(cf, err, errlen);
}

static void test_elf_reads_back(void **state)
{
	struct img im = build_elf();
	struct core_file cf;
	uint8_t buf[2 * PAGE_SIZE], want[2 * PAGE_SIZE];
	char err[200];

	assert_int_equal(parse(&im, &cf, err, sizeof(err)), 0);
	assert_string_equal(cf.kind_name,
			    "ELF vmcore (QEMU dump-guest-memory)");
	assert_int_equal(cf.nr_vcpus, 1);
	assert_true(cf.have_cr3);
	assert_false(cf.have_sevdbg);
	assert_int_equal(regs_get(&cf.regs[0], REGS_RIP),
			 0xffffffff81001234ULL);
	assert_int_equal(regs_get(&cf.regs[0], REGS_R15), 0xf15);
	assert_int_equal(regs_get(&cf.regs[0], REGS_CR3), 0x5000);
	assert_int_equal(regs_get(&cf.regs[0], REGS_EFER), 0xd00);
	assert_int_equal(cf.ram.nr, 2);
	assert_int_equal(core_read_phys(&cf, 0x10, buf, 2 * PAGE_SIZE - 0x10),
			 0);
	fill(want, 0x10, 2 * PAGE_SIZE - 0x10);
	assert_memory_equal(buf, want, 2 * PAGE_SIZE - 0x10);
	assert_int_equal(core_read_phys(&cf, SEG2_GPA + 8, buf, 16), 0);
	fill(want, SEG2_GPA + 8, 16);
	assert_memory_equal(buf, want, 16);
	assert_int_equal(core_read_phys(&cf, 0x4000, buf, 16), -EFAULT);
	assert_int_equal(core_read_phys(&cf, PAGE_SIZE, buf, 2 * PAGE_SIZE),
			 -EFAULT);
	core_release(&cf);
	free(im.b);
}

/* More than 65534 headers: e_phnum is PN_XNUM, section 0 holds the count. */
static void test_elf_pn_xnum(void **state)
{
	struct img im = build_elf();
	Elf64_Shdr sh = {0};
	Elf64_Ehdr *eh;
	struct core_file cf;
	uint8_t buf[16], want[16];
	char err[200];

	im.b = realloc(im.b, im.len + sizeof(sh));
	assert_non_null(im.b);
	sh.sh_info = 3;
	memcpy(im.b + im.len, &sh, sizeof(sh));
	eh = (Elf64_Ehdr *)im.b;
	eh->e_phnum = PN_XNUM;
	eh->e_shoff = im.len;
	eh->e_shentsize = sizeof(sh);
	eh->e_shnum = 1;
	im.len += sizeof(sh);
	assert_int_equal(parse(&im, &cf, err, sizeof(err)), 0);
	assert_int_equal(cf.ram.nr, 2);
	assert_int_equal(core_read_phys(&cf, SEG2_GPA, buf, 16), 0);
	fill(want, SEG2_GPA, 16);
	assert_memory_equal(buf, want, 16);
	core_release(&cf);
	free(im.b);
}

static void test_kdump_reads_back(void **state)
{
	struct img im = build_kdump();
	struct core_file cf;
	uint8_t buf[PAGE_SIZE], want[PAGE_SIZE];
	char err[200];
	uint64_t pfn;

	assert_int_equal(parse(&im, &cf, err, sizeof(err)), 0);
	assert_int_equal(cf.nr_vcpus, 1);
	assert_false(cf.have_cr3); /* NT_PRSTATUS only */
	assert_int_equal(cf.ram.nr, 2);
	for (pfn = 0; pfn < 8; pfn++) {
		int ret =
			core_read_phys(&cf, pfn << PAGE_SHIFT, buf, PAGE_SIZE);

		if (pfn == 3) {
			assert_int_equal(ret, -ENODATA); /* excluded */
			continue;
		}
		if (pfn == 4 || pfn == 5 || pfn == 7) {
			assert_int_equal(ret, -EFAULT); /* not RAM */
			continue;
		}
		assert_int_equal(ret, 0);
		if (pfn == 2)
			memset(want, 0, PAGE_SIZE);
		else
			fill(want, pfn << PAGE_SHIFT, PAGE_SIZE);
		assert_memory_equal(buf, want, PAGE_SIZE);
	}
	core_release(&cf);
	free(im.b);
}

static int readable_pages(struct core_file *cf)
{
	uint8_t page[PAGE_SIZE];
	uint64_t pfn;
	int n = 0;

	for (pfn = 0; pfn < 0x11; pfn++)
		n += core_read_phys(cf, pfn << PAGE_SHIFT, page, PAGE_SIZE) ==
		     0;
	return n;
}

/*
 * Every strict prefix of a dump is refused at open or, when only page data
 * is cut off (kdump), loses those pages with an error, never a crash.
 */
static void check_truncations(struct img im, const char *what)
{
	struct core_file cf;
	struct img t;
	char err[200];
	size_t len, step = im.len / 97 + 1;
	int full;

	assert_int_equal(parse(&im, &cf, err, sizeof(err)), 0);
	full = readable_pages(&cf);
	core_release(&cf);
	for (len = 0; len < im.len; len += (len < 1024 ? 1 : step)) {
		t.b = malloc(len ? len : 1);
		assert_non_null(t.b);
		memcpy(t.b, im.b, len);
		t.len = len;
		if (parse(&t, &cf, err, sizeof(err)) == 0) {
			if (readable_pages(&cf) >= full)
				fail_msg("%s truncated to %zu bytes was accepted whole",
					 what, len);
		} else {
			assert_true(err[0] != '\0');
		}
		core_release(&cf);
		free(t.b);
	}
	free(im.b);
}

static void test_truncated_elf(void **state)
{
	check_truncations(build_elf(), "ELF");
}

static void test_truncated_kdump(void **state)
{
	check_truncations(build_kdump(), "kdump");
}

static void expect_refused(struct img *im, const char *what)
{
	struct core_file cf;
	char err[200];

	if (parse(im, &cf, err, sizeof(err)) == 0)
		fail_msg("lying file accepted: %s", what);
	assert_true(err[0] != '\0');
	printf("# %s: %s\n", what, err);
	core_release(&cf);
}

static Elf64_Phdr *phdr(struct img *im, int i)
{
	return (Elf64_Phdr *)(im->b + sizeof(Elf64_Ehdr)) + i;
}

static void test_lying_elf(void **state)
{
	struct img im = build_elf();
	uint8_t *save = malloc(im.len);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)im.b;
	uint8_t *note;

	assert_non_null(save);
	memcpy(save, im.b, im.len);
#define RESET() memcpy(im.b, save, im.len)
	phdr(&im, 1)->p_offset = UINT64_MAX - 10;
	expect_refused(&im, "PT_LOAD offset near 2^64");
	RESET();
	phdr(&im, 1)->p_filesz = UINT64_MAX;
	expect_refused(&im, "PT_LOAD size 2^64-1");
	RESET();
	phdr(&im, 2)->p_offset = phdr(&im, 1)->p_offset + 16;
	phdr(&im, 2)->p_paddr = 0x1000;
	expect_refused(&im, "overlapping PT_LOADs with different bytes");
	RESET();
	phdr(&im, 2)->p_paddr = UINT64_MAX - 0xfff;
	expect_refused(&im, "PT_LOAD at an impossible address");
	RESET();
	eh->e_phnum = 0xfff0;
	expect_refused(&im, "e_phnum past the file");
	RESET();
	eh->e_phnum = PN_XNUM;
	eh->e_shoff = im.len - 8;
	eh->e_shentsize = sizeof(Elf64_Shdr);
	expect_refused(&im, "PN_XNUM without a section header");
	RESET();
	eh->e_phoff = UINT64_MAX - 100;
	expect_refused(&im, "e_phoff near 2^64");
	RESET();
	phdr(&im, 0)->p_filesz = UINT64_MAX - 3;
	expect_refused(&im, "PT_NOTE size 2^64-4");
	RESET();
	note = im.b + phdr(&im, 0)->p_offset;
	put_le32(note + 4, 0xffffffffu);
	expect_refused(&im, "note descsz 0xffffffff");
	RESET();
	put_le32(note, 0xfffffffdu);
	expect_refused(&im, "note namesz 0xfffffffd");
	RESET();
	eh->e_machine = EM_AARCH64;
	expect_refused(&im, "another architecture");
	RESET();
	eh->e_type = ET_EXEC;
	expect_refused(&im, "not a core");
	RESET();
	im.b[0] = 'X';
	expect_refused(&im, "no signature");
#undef RESET
	free(save);
	free(im.b);
}

static void test_lying_sevdbg_note(void **state)
{
	struct img im = build_elf();
	uint8_t desc[SEVDBG_NOTE_HDR_SIZE + 64] = {0};
	struct sevdbg_note_hdr h = {0};
	struct sevdbg_note n;
	char why[80];

	h.magic = SEVDBG_NOTE_MAGIC;
	h.version = SEVDBG_NOTE_VERSION;
	h.hdr_size = SEVDBG_NOTE_HDR_SIZE;
	h.npages = 8;
	h.bitmap_off = SEVDBG_NOTE_HDR_SIZE;
	h.source_off = SEVDBG_NOTE_HDR_SIZE + 8;
	h.regs_off = SEVDBG_NOTE_HDR_SIZE + 16;
	h.regs_size = REGS_BYTES;
	h.regs_nr = REGS_NR;
	sevdbg_hdr_encode(desc, &h);
	assert_int_equal(sevdbg_note_parse(desc, sizeof(desc), &n, why,
					   sizeof(why)),
			 0);
	h.npages = 1ULL << 40;
	sevdbg_hdr_encode(desc, &h);
	assert_int_equal(sevdbg_note_parse(desc, sizeof(desc), &n, why,
					   sizeof(why)),
			 -EINVAL);
	h.npages = 8;
	h.source_off = UINT64_MAX - 1;
	sevdbg_hdr_encode(desc, &h);
	assert_int_equal(sevdbg_note_parse(desc, sizeof(desc), &n, why,
					   sizeof(why)),
			 -EINVAL);
	h.source_off = SEVDBG_NOTE_HDR_SIZE + 8;
	h.nr_vcpus = 1; /* a register record does not fit in 64 bytes */
	sevdbg_hdr_encode(desc, &h);
	assert_int_equal(sevdbg_note_parse(desc, sizeof(desc), &n, why,
					   sizeof(why)),
			 -EINVAL);
	h.nr_vcpus = 0;
	h.version = 2;
	sevdbg_hdr_encode(desc, &h);
	assert_int_equal(sevdbg_note_parse(desc, sizeof(desc), &n, why,
					   sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "newer"));
	free(im.b);
}

static void test_lying_kdump(void **state)
{
	struct img im = build_kdump();
	uint8_t *save = malloc(im.len), *pd = im.b + KD_DESC_OFF;
	struct core_file cf;
	uint8_t page[PAGE_SIZE];
	char err[200];

	assert_non_null(save);
	memcpy(save, im.b, im.len);
#define RESET() memcpy(im.b, save, im.len)
	put_le64(im.b + PAGE_SIZE + KSH_MAX_MAPNR_64, 1ULL << 50);
	expect_refused(&im, "max_mapnr larger than the bitmaps");
	RESET();
	put_le32(im.b + KDH_BITMAP_BLOCKS, 3);
	expect_refused(&im, "odd bitmap block count");
	RESET();
	put_le32(im.b + KDH_BITMAP_BLOCKS, 0x7ffffffe);
	expect_refused(&im, "bitmaps past the file");
	RESET();
	put_le32(im.b + KDH_BLOCK_SIZE, 0);
	expect_refused(&im, "block size 0");
	RESET();
	put_le64(im.b + PAGE_SIZE + KSH_NOTE_SIZE, UINT64_MAX);
	expect_refused(&im, "note size 2^64-1");
	RESET();
	memset(im.b + KD_BM_OFF + PAGE_SIZE, 0xff, PAGE_SIZE);
	put_le64(im.b + PAGE_SIZE + KSH_MAX_MAPNR_64, 8 * PAGE_SIZE);
	expect_refused(&im, "more descriptors than the file holds");
	RESET();
	/* Descriptors that lie are found when the page is read. */
	put_le64(pd, UINT64_MAX - 4);
	put_le32(pd + KDUMP_PD_SIZE + 8, PAGE_SIZE + 1);
	put_le32(pd + 3 * KDUMP_PD_SIZE + 12, KDUMP_DH_COMPRESSED_LZO);
	assert_int_equal(parse(&im, &cf, err, sizeof(err)), 0);
	assert_int_equal(core_read_phys(&cf, 0, page, 16), -EIO);
	assert_int_equal(core_read_phys(&cf, PAGE_SIZE, page, 16), -EIO);
	assert_int_equal(core_read_phys(&cf, 6 * PAGE_SIZE, page, 16),
			 -ENOTSUP);
	core_release(&cf);
	RESET();
	/* Corrupt zlib data: an error, not garbage. */
	im.b[get_le64(pd) + 5] ^= 0xff;
	im.b[get_le64(pd) + 6] ^= 0xff;
	assert_int_equal(parse(&im, &cf, err, sizeof(err)), 0);
	assert_int_equal(core_read_phys(&cf, 0, page, 16), -EIO);
	core_release(&cf);
#undef RESET
	free(save);
	free(im.b);
}

/* The target over a real file: read-only, file platform, no SEVDBG. */
static void test_target_on_file(void **state)
{
	struct img im = build_elf();
	char path[] = "/tmp/sevdbg-test-core-XXXXXX", err[256] = "";
	struct platform_info info;
	struct target_opts o = {0};
	struct target *t = NULL;
	uint8_t bits[1] = {0xff}, buf[32], want[32];
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, im.b, im.len), (ssize_t)im.len);
	close(fd);
	assert_int_equal(core_target_type.open(path, &o, &t, err, sizeof(err)),
			 0);
	assert_true(t->read_only);
	assert_false(t->live);
	assert_false(has_sevdbg_note(t));
	assert_int_equal(platform_info(t->plat, &info), 0);
	assert_false(info.encrypted);
	assert_int_equal(platform_get_bitmap(t->plat, 0, 8, bits), 0);
	assert_int_equal(bits[0], 0);
	assert_int_equal(platform_read_host(t->plat, 0x100, buf, 32), 0);
	fill(want, 0x100, 32);
	assert_memory_equal(buf, want, 32);
	assert_true(platform_write_host(t->plat, 0x100, buf, 32) < 0);
	assert_int_equal(target_describe(t, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "no SEVDBG note"));
	target_destroy(t);
	unlink(path);
	assert_int_not_equal(core_target_type.open(path, &o, &t, err,
						   sizeof(err)),
			     0);
	assert_non_null(strstr(err, path));
	free(im.b);
}

static void test_flattened_kdump(void **state)
{
	struct img im = build_flat(build_kdump(), 1000);
	struct core_file cf;
	uint8_t buf[PAGE_SIZE], want[PAGE_SIZE];
	char err[200];

	assert_int_equal(parse(&im, &cf, err, sizeof(err)), 0);
	assert_string_equal(cf.kind_name, "kdump-compressed, flattened");
	assert_int_equal(core_read_phys(&cf, 6 * PAGE_SIZE, buf, PAGE_SIZE), 0);
	fill(want, 6 * PAGE_SIZE, PAGE_SIZE);
	assert_memory_equal(buf, want, PAGE_SIZE);
	assert_int_equal(core_read_phys(&cf, 3 * PAGE_SIZE, buf, 16), -ENODATA);
	core_release(&cf);
	free(im.b);
}

static void test_truncated_flattened(void **state)
{
	check_truncations(build_flat(build_kdump(), 1000), "flattened");
}

static void test_lying_flattened(void **state)
{
	struct img im = build_flat(build_kdump(), 1000);
	uint8_t *save = malloc(im.len), *rec = im.b + 4096;

	assert_non_null(save);
	memcpy(save, im.b, im.len);
	put_be64(rec + 8, UINT64_MAX - 20);
	expect_refused(&im, "flattened record size near 2^64");
	memcpy(im.b, save, im.len);
	put_be64(rec, 1ULL << 63);
	expect_refused(&im, "flattened record offset 2^63");
	memcpy(im.b, save, im.len);
	/* Make the first record (highest offset) overlap the one before. */
	put_be64(rec, 10);
	expect_refused(&im, "overlapping flattened records");
	memcpy(im.b, save, im.len);
	put_be64(im.b + 16, 7);
	expect_refused(&im, "unknown flattened type");
	memcpy(im.b, save, im.len);
	/* Found by fuzz-core: no records at all (qsort(NULL) before). */
	put_be64(rec, UINT64_MAX);
	expect_refused(&im, "flattened file without records");
	free(save);
	free(im.b);
}

static void test_sevdbg_note_read(void **state)
{
	struct img im = build_sevdbg_elf();
	struct core_file cf;
	uint8_t buf[PAGE_SIZE], want[PAGE_SIZE];
	char err[200];

	assert_int_equal(parse(&im, &cf, err, sizeof(err)), 0);
	assert_true(cf.have_sevdbg);
	assert_string_equal(cf.kind_name, "ELF vmcore (sevdbg)");
	assert_int_equal(cf.sev.h.cbit, 51);
	/* SEVDBG registers win over NT_PRSTATUS and QEMUCPUState. */
	assert_int_equal(regs_get(&cf.regs[0], REGS_RIP), 0x5eed);
	/* RAM: the source map (pages 0-1 and 0x10), not the PT_LOADs. */
	assert_int_equal(cf.ram.nr, 2);
	assert_int_equal(cf.ram.regions[0].size, 2 * PAGE_SIZE);
	assert_int_equal(core_read_phys(&cf, 0, buf, PAGE_SIZE), 0);
	fill(want, 0, PAGE_SIZE);
	assert_memory_equal(buf, want, PAGE_SIZE);
	assert_int_equal(core_read_phys(&cf, PAGE_SIZE, buf, 16), -ENODATA);
	core_release(&cf);
	free(im.b);
}

/* SEVDBG_WRITE_CORPUS=DIR: write the seed dumps for tests/fuzz. */
static void write_corpus(const char *dir)
{
	struct img im[4] = {build_elf(), build_kdump(),
			    build_flat(build_kdump(), 3000),
			    build_sevdbg_elf()};
	const char *name[4] = {"qemu-elf", "kdump", "flattened", "sevdbg-elf"};
	char path[512];
	int i, fd;

	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, name[i]);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0 && write(fd, im[i].b, im[i].len) < 0)
			perror(path);
		if (fd >= 0)
			close(fd);
		free(im[i].b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elf_reads_back),
		cmocka_unit_test(test_elf_pn_xnum),
		cmocka_unit_test(test_kdump_reads_back),
		cmocka_unit_test(test_truncated_elf),
		cmocka_unit_test(test_truncated_kdump),
		cmocka_unit_test(test_lying_elf),
		cmocka_unit_test(test_lying_sevdbg_note),
		cmocka_unit_test(test_lying_kdump),
		cmocka_unit_test(test_target_on_file),
		cmocka_unit_test(test_flattened_kdump),
		cmocka_unit_test(test_truncated_flattened),
		cmocka_unit_test(test_lying_flattened),
		cmocka_unit_test(test_sevdbg_note_read),
	};

	if (getenv("SEVDBG_WRITE_CORPUS")) {
		write_corpus(getenv("SEVDBG_WRITE_CORPUS"));
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
