// SPDX-License-Identifier: GPL-2.0-only
/*
 * ELF vmcore writer, laid out like QEMU's dump-guest-memory: ELF header,
 * program headers, one PT_NOTE, then RAM with one PT_LOAD per readable run.
 */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gdbstub/dump/dump-int.h"
#include "gdbstub/mem/session.h"
#include "gdbstub/mem/walk.h"

#define ELF_SPARE_PHDRS	 64 /* room for runs split by missing pages */
#define ELF_MAX_MAPPINGS (1u << 20)

struct elf_seg {
	uint64_t vaddr, paddr, off, size;
};

struct elf_state {
	struct elf_seg *segs; /* physical runs, in gpa order */
	size_t nr, cap;
	bool open; /* last run may grow */
	uint64_t next_gfn;
	struct walk_mapping *maps; /* --paging: virtual mappings */
	size_t nr_maps, cap_maps;
};

static int grow(void **arr, size_t *cap, size_t nr, size_t elem)
{
	size_t ncap;
	void *p;

	if (nr < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 64;
	p = reallocarray(*arr, ncap, elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

static int seg_add(struct elf_state *st, const struct elf_seg *seg)
{
	if (grow((void **)&st->segs, &st->cap, st->nr, sizeof(*seg)))
		return -ENOMEM;
	st->segs[st->nr++] = *seg;
	return 0;
}

static int elf_page(struct dump_ctx *c, uint64_t gfn, const uint8_t *data,
		    void *arg)
{
	struct elf_state *st = arg;
	struct elf_seg seg = {0, gfn << PAGE_SHIFT, c->off, 0};

	if (!data) {
		st->open = false; /* split the PT_LOAD around it */
		return 0;
	}
	if (!st->open || gfn != st->next_gfn) {
		if (seg_add(st, &seg))
			return -ENOMEM;
		st->open = true;
	}
	st->segs[st->nr - 1].size += PAGE_SIZE;
	st->next_gfn = gfn + 1;
	return dump_append(c, data, PAGE_SIZE);
}

static int map_add(const struct walk_mapping *m, void *arg)
{
	struct elf_state *st = arg;
	struct walk_mapping *last;

	if (st->nr_maps) {
		last = &st->maps[st->nr_maps - 1];
		if (last->va + last->size == m->va &&
		    last->pa + last->size == m->pa) {
			last->size += m->size;
			return 0;
		}
	}
	if (st->nr_maps >= ELF_MAX_MAPPINGS)
		return -E2BIG;
	if (grow((void **)&st->maps, &st->cap_maps, st->nr_maps, sizeof(*m)))
		return -ENOMEM;
	st->maps[st->nr_maps++] = *m;
	return 0;
}

static int elf_collect_mappings(struct dump_ctx *c, struct elf_state *st)
{
	struct walk_cpu wc;
	int ret;

	ret = session_walk_cpu(c->s, c->s->cur_vcpu, &wc);
	if (ret)
		return dump_fail(c, ret,
				 "--paging needs the vCPU's page tables but its registers are unavailable (%s); dump without --paging",
				 strerror(-ret));
	ret = walk_mappings(c->s->router, &wc, 0, UINT64_MAX, map_add, st);
	if (ret == -E2BIG)
		return dump_fail(c, ret,
				 "--paging: more than %u virtual mappings; dump without --paging",
				 ELF_MAX_MAPPINGS);
	if (ret < 0)
		return dump_fail(c, ret,
				 "--paging: walking the page tables failed: %s",
				 strerror(-ret));
	return 0;
}

/* Virtual PT_LOADs: each mapping's pieces that lie in dumped runs. */
static int elf_virtual_segs(struct elf_state *st, size_t nr_phys)
{
	size_t i, j;

	for (i = 0; i < st->nr_maps; i++) {
		const struct walk_mapping *m = &st->maps[i];

		for (j = 0; j < nr_phys; j++) {
			struct elf_seg p = st->segs[j], v;
			uint64_t lo = MAX(m->pa, p.paddr);
			uint64_t hi = MIN(m->pa + m->size, p.paddr + p.size);

			if (lo >= hi)
				continue;
			v.vaddr = m->va + (lo - m->pa);
			v.paddr = lo;
			v.off = p.off + (lo - p.paddr);
			v.size = hi - lo;
			if (seg_add(st, &v))
				return -ENOMEM;
		}
	}
	return 0;
}

static void elf_fill_phdrs(Elf64_Phdr *ph, const struct elf_state *st,
			   uint64_t notes_off, uint64_t notes_len)
{
	size_t i;

	memset(ph, 0, sizeof(*ph) * (st->nr + 1));
	ph[0].p_type = PT_NOTE;
	ph[0].p_offset = notes_off;
	ph[0].p_filesz = notes_len;
	for (i = 0; i < st->nr; i++) {
		Elf64_Phdr *p = &ph[i + 1];

		p->p_type = PT_LOAD;
		p->p_flags = PF_R | PF_W | PF_X;
		p->p_offset = st->segs[i].off;
		p->p_vaddr = st->segs[i].vaddr;
		p->p_paddr = st->segs[i].paddr;
		p->p_filesz = st->segs[i].size;
		p->p_memsz = st->segs[i].size;
	}
}

static void elf_fill_ehdr(Elf64_Ehdr *eh, uint64_t phoff, uint64_t phnum,
			  uint64_t shoff)
{
	memset(eh, 0, sizeof(*eh));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_CORE;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = phoff;
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	/* More than PN_XNUM-1 headers: the count lives in section 0. */
	eh->e_phnum = phnum < PN_XNUM ? (Elf64_Half)phnum : PN_XNUM;
	if (shoff) {
		eh->e_shoff = shoff;
		eh->e_shentsize = sizeof(Elf64_Shdr);
		eh->e_shnum = 1;
	}
}

/* Write ELF header, program headers (in place or appended) and notes. */
static int elf_write_headers(struct dump_ctx *c, struct elf_state *st,
			     struct strbuf *notes, uint64_t notes_off,
			     size_t reserved)
{
	uint64_t phnum = st->nr + 1, phoff = sizeof(Elf64_Ehdr), shoff = 0;
	size_t phlen = phnum * sizeof(Elf64_Phdr);
	Elf64_Ehdr eh;
	Elf64_Shdr sh;
	Elf64_Phdr *ph;
	int ret;

	ph = calloc(phnum, sizeof(*ph));
	if (!ph)
		return -ENOMEM;
	elf_fill_phdrs(ph, st, notes_off, notes->len);
	if (phnum > reserved)
		phoff = c->off; /* too many splits: after the data */
	ret = dump_pwrite(c, ph, phlen, phoff);
	free(ph);
	if (ret)
		return ret;
	if (phoff == c->off)
		c->off += phlen;
	if (phnum >= PN_XNUM) {
		memset(&sh, 0, sizeof(sh));
		sh.sh_info = (Elf64_Word)phnum;
		shoff = c->off;
		ret = dump_pwrite(c, &sh, sizeof(sh), shoff);
		if (ret)
			return ret;
		c->off += sizeof(sh);
	}
	elf_fill_ehdr(&eh, phoff, phnum, shoff);
	ret = dump_pwrite(c, notes->buf, notes->len, notes_off);
	return ret ? ret : dump_pwrite(c, &eh, sizeof(eh), 0);
}

/*
 * The RAM pass found the guest's VMCOREINFO after the data was placed, so
 * the notes, rebuilt with it, move up into the program header slots left
 * unused (crash reads the notes only before the first PT_LOAD): a 6.1
 * kernel's 3.3 KiB note fits the 64 spare slots. If it does not fit, it is
 * left out with a warning rather than growing every dump by a page.
 */
static int elf_add_vmci(struct dump_ctx *c, struct elf_state *st,
			struct strbuf *notes, size_t *sevdbg_off,
			uint64_t *notes_off, size_t *reserved,
			uint64_t data_off)
{
	uint64_t phnum = st->nr + 1, off = sizeof(Elf64_Ehdr);
	int ret;

	if (phnum <= *reserved) {
		off += phnum * sizeof(Elf64_Phdr);
		*reserved = phnum;
	}
	sb_release(notes);
	sb_init(notes);
	ret = dump_build_notes(c, notes, sevdbg_off);
	if (ret || off + notes->len <= data_off) {
		*notes_off = off;
		return ret;
	}
	pr_warn("the guest's VMCOREINFO note (%zu bytes) does not fit before the data; the ELF dump leaves it out (--format kdump keeps it)",
		c->vmci_len);
	c->vmci_len = 0;
	sb_release(notes);
	sb_init(notes);
	return dump_build_notes(c, notes, sevdbg_off);
}

int dump_elf_write(struct dump_ctx *c)
{
	struct elf_state st = {0};
	struct strbuf notes;
	size_t sevdbg_off = 0, reserved, nr_phys;
	uint64_t notes_off, data_off;
	int ret;

	sb_init(&notes);
	if (c->o->paging) {
		ret = elf_collect_mappings(c, &st);
		if (ret)
			goto out;
	}
	ret = dump_build_notes(c, &notes, &sevdbg_off);
	if (ret)
		goto out;
	reserved = 1 + c->s->t->ram.nr + ELF_SPARE_PHDRS + st.nr_maps;
	notes_off = sizeof(Elf64_Ehdr) + reserved * sizeof(Elf64_Phdr);
	data_off = ALIGN_UP(notes_off + notes.len, PAGE_SIZE);
	c->off = data_off;
	ret = dump_for_each_page(c, elf_page, &st);
	if (!ret)
		ret = dump_flush(c);
	if (ret)
		goto out;
	nr_phys = st.nr;
	/*
	 * Without --paging, the kernel image still gets virtual PT_LOADs
	 * aliasing its physical data (no extra bytes): drgn reads the top
	 * page table by its virtual address, and fails without them.
	 */
	if (!c->o->paging)
		dump_kernel_image_mappings(c, map_add, &st);
	ret = elf_virtual_segs(&st, nr_phys);
	if (!ret && c->vmci_len)
		ret = elf_add_vmci(c, &st, &notes, &sevdbg_off, &notes_off,
				   &reserved, data_off);
	if (ret)
		goto out;
	dump_sevdbg_fill(c, (uint8_t *)notes.buf + sevdbg_off);
	ret = elf_write_headers(c, &st, &notes, notes_off, reserved);
out:
	free(st.segs);
	free(st.maps);
	sb_release(&notes);
	return ret;
}
