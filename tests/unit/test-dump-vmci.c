// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's VMCOREINFO note: found in RAM and carried in ELF and kdump
 * dumps, near misses refused, and kept when a dump is dumped again.
 */
#include "gdbstub/mem/vmci.h"
#include "tests/unit/dump-fixture.h"

#define VMCI_TEXT "OSRELEASE=6.1.0-test\nPAGESIZE=4096\nKERNELOFFSET=1e00000\n"
#define VMCI_GFN  30 /* private: only a decrypted read finds it */

static void put_vmci(struct fx *f, uint64_t gfn, uint32_t descsz,
		     const char *name, const char *text)
{
	uint8_t *p = f->mem[0] + gfn * PAGE_SIZE;

	memset(p, 0, PAGE_SIZE);
	put_le32(p, 11);
	put_le32(p + 4, descsz);
	memcpy(p + 12, name, 11);
	memcpy(p + VMCOREINFO_DESC_OFF, text, strlen(text));
}

/* The descriptor of the first note called name in [p, p+len), its index
 * among the notes in *idx. */
static const uint8_t *find_note(const uint8_t *p, uint64_t len,
				const char *name, uint32_t *descsz, int *idx)
{
	uint64_t pos = 0;

	for (*idx = 0; pos + 12 <= len; (*idx)++) {
		uint32_t nsz = get_le32(p + pos), dsz = get_le32(p + pos + 4);
		const uint8_t *desc = p + pos + 12 + NOTE_ALIGN4(nsz);

		if (nsz == strlen(name) + 1 &&
		    !memcmp(p + pos + 12, name, nsz)) {
			*descsz = dsz;
			return desc;
		}
		pos += 12 + NOTE_ALIGN4(nsz) + NOTE_ALIGN4(dsz);
	}
	return NULL;
}

static const uint8_t *elf_vmci(struct fx *f, uint32_t *len, int *idx)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)f->file;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(f->file + eh->e_phoff);

	assert_int_equal(ph[0].p_type, PT_NOTE);
	/* crash reads the notes only from before the first PT_LOAD. */
	assert_true(ph[0].p_offset + ph[0].p_filesz <= ph[1].p_offset);
	assert_true(ph[0].p_offset >= eh->e_phoff + eh->e_phnum * sizeof(*ph));
	return find_note(f->file + ph[0].p_offset, ph[0].p_filesz,
			 VMCOREINFO_NAME, len, idx);
}

static void check_core_describes(struct fx *f, bool want)
{
	struct target_opts o = {0};
	struct target *t = NULL;
	char err[256] = "", desc[512];

	assert_int_equal(core_target_type.open(f->path, &o, &t, err,
					       sizeof(err)),
			 0);
	assert_int_equal(target_describe(t, desc, sizeof(desc)), 0);
	assert_int_equal(!!strstr(desc, "; vmcoreinfo: OSRELEASE=6.1.0-test"),
			 want);
	target_destroy(t);
}

/* Near misses before the real note: none of them may be taken. */
static void put_near_misses(struct fx *f)
{
	static const char near[] = "OSRELEASE=near-miss\n";

	put_vmci(f, 24, sizeof(near) - 1, "VMCOREINFX", near);
	put_vmci(f, 25, sizeof(near) - 1, "VMCOREINFO", "OSRELEASF=1\n");
	put_vmci(f, 26, VMCOREINFO_MAX_DESC + 1, "VMCOREINFO", near);
	put_vmci(f, 27, sizeof(near) + 1, "VMCOREINFO", near); /* NULs */
	put_vmci(f, 28, sizeof(near) - 1, "VMCOREINFO", near);
	put_le32(f->mem[0] + 28 * PAGE_SIZE + 8, 1); /* type 1 */
	put_vmci(f, 29, 0, "VMCOREINFO", "");
}

static void test_elf_vmcoreinfo(void **state)
{
	struct fx *f = *state;
	struct dump_result r;
	const uint8_t *d;
	size_t plain_len;
	uint32_t len;
	int idx;

	put_near_misses(f);
	assert_int_equal(do_dump(f, DUMP_FMT_ELF, &r), 0);
	slurp(f);
	plain_len = f->file_len;
	put_vmci(f, VMCI_GFN, sizeof(VMCI_TEXT) - 1, "VMCOREINFO", VMCI_TEXT);
	put_vmci(f, VMCI_GFN + 1, 13, "VMCOREINFO", "OSRELEASE=2\n");
	assert_int_equal(do_dump(f, DUMP_FMT_ELF, &r), 0);
	slurp(f);
	/* The note moved into unused header room: no page added. */
	assert_int_equal(f->file_len, plain_len);
	d = elf_vmci(f, &len, &idx);
	assert_non_null(d);
	assert_int_equal(len, sizeof(VMCI_TEXT) - 1);
	assert_memory_equal(d, VMCI_TEXT, len);
	assert_int_equal(idx, 2 * NR_VCPUS); /* after the CPU notes */
	check_read_back(f, UINT64_MAX);
	check_core_describes(f, true);
}

static void test_kdump_vmcoreinfo(void **state)
{
	struct fx *f = *state;
	struct dump_result r;
	const uint8_t *sub, *d;
	uint32_t len;
	int idx;

	put_near_misses(f);
	put_vmci(f, VMCI_GFN, sizeof(VMCI_TEXT) - 1, "VMCOREINFO", VMCI_TEXT);
	assert_int_equal(do_dump(f, DUMP_FMT_KDUMP, &r), 0);
	slurp(f);
	sub = f->file + PAGE_SIZE;
	assert_int_equal(get_le64(sub + KSH_SIZE_VMCOREINFO),
			 sizeof(VMCI_TEXT) - 1);
	assert_memory_equal(f->file + get_le64(sub + KSH_OFFSET_VMCOREINFO),
			    VMCI_TEXT, sizeof(VMCI_TEXT) - 1);
	d = find_note(f->file + get_le64(sub + KSH_OFFSET_NOTE),
		      get_le64(sub + KSH_NOTE_SIZE), VMCOREINFO_NAME, &len,
		      &idx);
	assert_ptr_equal(d, f->file + get_le64(sub + KSH_OFFSET_VMCOREINFO));
	assert_int_equal(idx, 2 * NR_VCPUS);
	check_read_back(f, UINT64_MAX);
	check_core_describes(f, true);
}

/* Without the page: no note, no sub-header pointer, nothing described. */
static void test_no_vmcoreinfo(void **state)
{
	struct fx *f = *state;
	struct dump_result r;
	uint32_t len;
	int idx;

	put_near_misses(f);
	assert_int_equal(do_dump(f, DUMP_FMT_ELF, &r), 0);
	slurp(f);
	assert_null(elf_vmci(f, &len, &idx));
	check_core_describes(f, false);
	assert_int_equal(do_dump(f, DUMP_FMT_KDUMP, &r), 0);
	slurp(f);
	assert_int_equal(get_le64(f->file + PAGE_SIZE + KSH_OFFSET_VMCOREINFO),
			 0);
	assert_int_equal(get_le64(f->file + PAGE_SIZE + KSH_SIZE_VMCOREINFO),
			 0);
	check_core_describes(f, false);
}

/*
 * Both ends of the highest region are probed before the rest of RAM, a
 * page from each in turn, as Linux puts the note a few MiB into its
 * highest zone (-kernel) or 26 MiB below the top of low RAM (OVMF): a
 * note 3 pages into B costs 7 probes, not the whole of A first. One in A
 * is found after all of B and A's ends up to it; one 2 pages below A's
 * top after B and 6 probes of A.
 */
static void test_search_order(void **state)
{
	struct fx *f = *state;
	uint8_t page[PAGE_SIZE];
	uint64_t gpa, scanned = 0;
	uint8_t *b3 = f->mem[1] + 3 * PAGE_SIZE;

	memset(b3, 0, PAGE_SIZE);
	put_le32(b3, 11);
	put_le32(b3 + 4, (uint32_t)strlen(VMCI_TEXT));
	memcpy(b3 + 12, VMCOREINFO_NAME, 11);
	memcpy(b3 + VMCOREINFO_DESC_OFF, VMCI_TEXT, strlen(VMCI_TEXT));
	assert_true(vmci_find(f->s.router, false, page, &gpa, &scanned, NULL) >
		    0);
	assert_int_equal(gpa, B_GPA + 3 * PAGE_SIZE);
	assert_int_equal(scanned, 2 * 3 + 1);

	memset(b3, 0, PAGE_SIZE);
	put_vmci(f, VMCI_GFN, (uint32_t)strlen(VMCI_TEXT), VMCOREINFO_NAME,
		 VMCI_TEXT);
	router_invalidate(f->s.router); /* the guest ran: memory changed */
	scanned = 0;
	assert_true(vmci_find(f->s.router, false, page, &gpa, &scanned, NULL) >
		    0);
	assert_int_equal(gpa, VMCI_GFN * PAGE_SIZE);
	assert_int_equal(scanned, B_PAGES + 2 * VMCI_GFN + 1);

	memset(f->mem[0] + VMCI_GFN * PAGE_SIZE, 0, PAGE_SIZE);
	put_vmci(f, A_PAGES - 3, (uint32_t)strlen(VMCI_TEXT), VMCOREINFO_NAME,
		 VMCI_TEXT);
	router_invalidate(f->s.router);
	scanned = 0;
	assert_true(vmci_find(f->s.router, false, page, &gpa, &scanned, NULL) >
		    0);
	assert_int_equal(gpa, (A_PAGES - 3) * PAGE_SIZE);
	assert_int_equal(scanned, B_PAGES + 2 * 2 + 2);
}

/* A dump of the core target carries the note again (found in its RAM). */
static void test_core_redump_vmcoreinfo(void **state)
{
	struct fx *f = *state;
	struct target_opts o = {0};
	struct dump_opts dopts = {.format = DUMP_FMT_KDUMP};
	struct target *t = NULL;
	struct dump_result r;
	struct session s;
	char err[256] = "", path2[sizeof(f->path)];

	put_vmci(f, VMCI_GFN, sizeof(VMCI_TEXT) - 1, "VMCOREINFO", VMCI_TEXT);
	assert_int_equal(do_dump(f, DUMP_FMT_ELF, &r), 0);
	assert_int_equal(core_target_type.open(f->path, &o, &t, err,
					       sizeof(err)),
			 0);
	assert_int_equal(session_init(&s, t), 0);
	assert_true(strlen(f->dir) + 7 < sizeof(path2));
	snprintf(path2, sizeof(path2), "%s/again", f->dir);
	dopts.path = path2;
	assert_int_equal(dump_write(&s, &dopts, &r, f->err, sizeof(f->err)), 0);
	session_release(&s);
	target_destroy(t);
	memcpy(f->path, path2, sizeof(path2));
	check_core_describes(f, true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_elf_vmcoreinfo, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_kdump_vmcoreinfo, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_search_order, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_vmcoreinfo, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_core_redump_vmcoreinfo,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
