// SPDX-License-Identifier: GPL-2.0-only
/*
 * The core target's readers on truncated and lying dumps: every prefix of
 * each format, and headers, notes and page descriptors that lie, refused.
 */
#include "tests/unit/core-images.h"

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

/*
 * Found by fuzz-core: a flattened file is a sparse image, so one record at
 * 16 TiB made 4 TiB bitmaps "fit", and the reader asked malloc for them.
 * The bitmaps are data the file must hold.
 */
static void test_flattened_sparse_bitmaps(void **state)
{
	struct img k = build_kdump(), im;

	put_le32(k.b + KDH_BITMAP_BLOCKS, 0x7ffffffe);
	im = build_flat(k, 1000);
	put_be64(im.b + 4096, 1ULL << 44); /* the last chunk, moved to 16 TiB */
	expect_refused(&im, "4 TiB bitmaps in a sparse flattened file");
	free(im.b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_truncated_elf),
		cmocka_unit_test(test_truncated_kdump),
		cmocka_unit_test(test_lying_elf),
		cmocka_unit_test(test_lying_sevdbg_note),
		cmocka_unit_test(test_lying_kdump),
		cmocka_unit_test(test_truncated_flattened),
		cmocka_unit_test(test_lying_flattened),
		cmocka_unit_test(test_flattened_sparse_bitmaps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
