// SPDX-License-Identifier: GPL-2.0-only
/*
 * The core target's readers on hand-built dumps: a QEMU-style ELF vmcore,
 * a kdump file and its flattened form read back, through core:FILE too.
 */
#include "tests/unit/core-images.h"

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

/* target_open() hands --bitmap page-tables to the target it opened; with
 * no options at all (NULL, as the fuzzer opens) it keeps every default. */
static void test_open_passes_bitmap_option(void **state)
{
	struct img im = build_elf();
	char path[] = "/tmp/sevdbg-test-core-XXXXXX", spec[64], err[256] = "";
	struct target_opts o = {.bitmap_page_tables = true};
	struct target *t = NULL;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, im.b, im.len), (ssize_t)im.len);
	close(fd);
	snprintf(spec, sizeof(spec), "core:%s", path);
	assert_int_equal(target_open(spec, &o, &t, err, sizeof(err)), 0);
	assert_true(t->bitmap_page_tables);
	target_destroy(t);
	t = NULL;
	assert_int_equal(target_open(spec, NULL, &t, err, sizeof(err)), 0);
	assert_false(t->bitmap_page_tables);
	target_destroy(t);
	unlink(path);
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
		cmocka_unit_test(test_open_passes_bitmap_option),
		cmocka_unit_test(test_elf_pn_xnum),
		cmocka_unit_test(test_kdump_reads_back),
		cmocka_unit_test(test_target_on_file),
		cmocka_unit_test(test_flattened_kdump),
		cmocka_unit_test(test_sevdbg_note_read),
	};

	if (getenv("SEVDBG_WRITE_CORPUS")) {
		write_corpus(getenv("SEVDBG_WRITE_CORPUS"));
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
