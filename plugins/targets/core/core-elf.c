// SPDX-License-Identifier: GPL-2.0-only
/*
 * ELF vmcore reader for the core target: sevdbg's own dumps and QEMU's
 * dump-guest-memory output; every offset and size checked against the file.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugins/targets/core/core-int.h"

#define PHYS_LIMIT (1ULL << 52) /* x86-64 physical address width */

static int bad(char *err, size_t errlen, int ret, const char *why)
{
	snprintf(err, errlen, "%s", why);
	return ret;
}

static int elf_check_ehdr(const Elf64_Ehdr *eh, char *err, size_t errlen)
{
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return bad(err, errlen, -EINVAL,
			   "not a 64-bit little-endian ELF file");
	if (eh->e_type != ET_CORE)
		return bad(err, errlen, -EINVAL,
			   "an ELF file but not a core dump (e_type is not ET_CORE)");
	if (eh->e_machine != EM_X86_64)
		return bad(err, errlen, -EINVAL,
			   "an ELF core of another architecture; sevdbg reads x86-64 dumps");
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return bad(err, errlen, -EINVAL,
			   "bad ELF program header size (e_phentsize)");
	return 0;
}

/* e_phnum, or section 0's sh_info when it is PN_XNUM. */
static int elf_phnum(struct core_file *cf, const Elf64_Ehdr *eh,
		     uint64_t *phnum, char *err, size_t errlen)
{
	Elf64_Shdr sh;

	*phnum = eh->e_phnum;
	if (eh->e_phnum != PN_XNUM)
		return 0;
	if (eh->e_shentsize < sizeof(sh) ||
	    core_pread(cf, &sh, sizeof(sh), eh->e_shoff))
		return bad(err, errlen, -EINVAL,
			   "e_phnum is PN_XNUM but section header 0 is missing or outside the file");
	*phnum = sh.sh_info;
	return 0;
}

static int elf_add_note(struct core_file *cf, const Elf64_Phdr *ph, char *err,
			size_t errlen)
{
	uint8_t *p;

	if (ph->p_filesz > CORE_MAX_NOTES - cf->notes_len)
		return bad(err, errlen, -EINVAL,
			   "PT_NOTE segments are unreasonably large");
	if (ph->p_offset > cf->size || ph->p_filesz > cf->size - ph->p_offset)
		return bad(err, errlen, -EINVAL,
			   "a PT_NOTE segment lies outside the file (truncated?)");
	p = realloc(cf->notes, cf->notes_len + ph->p_filesz + 1);
	if (!p)
		return -ENOMEM;
	cf->notes = p;
	if (core_pread(cf, p + cf->notes_len, ph->p_filesz, ph->p_offset))
		return bad(err, errlen, -EINVAL,
			   "a PT_NOTE segment lies outside the file (truncated?)");
	cf->notes_len += ph->p_filesz;
	return 0;
}

static int elf_add_load(struct core_file *cf, const Elf64_Phdr *ph, size_t i,
			char *err, size_t errlen)
{
	struct core_seg *s = &cf->segs[cf->nr_segs];

	if (!ph->p_filesz)
		return 0;
	if (ph->p_offset > cf->size || ph->p_filesz > cf->size - ph->p_offset) {
		snprintf(err, errlen,
			 "PT_LOAD %zu (paddr 0x%llx) extends past the end of the file (truncated dump?)",
			 i, (unsigned long long)ph->p_paddr);
		return -EINVAL;
	}
	if (ph->p_paddr >= PHYS_LIMIT ||
	    ph->p_filesz > PHYS_LIMIT - ph->p_paddr) {
		snprintf(err, errlen,
			 "PT_LOAD %zu has an impossible physical address 0x%llx",
			 i, (unsigned long long)ph->p_paddr);
		return -EINVAL;
	}
	s->gpa = ph->p_paddr;
	s->size = ph->p_filesz;
	s->off = ph->p_offset;
	cf->nr_segs++;
	return 0;
}

static int seg_cmp(const void *a, const void *b)
{
	const struct core_seg *x = a, *y = b;

	return x->gpa < y->gpa ? -1 : x->gpa > y->gpa;
}

/*
 * Sort and merge. Overlaps are allowed only when both segments map the
 * same bytes of the file (QEMU's paging dumps alias physical memory).
 */
static int elf_merge_segs(struct core_file *cf, char *err, size_t errlen)
{
	struct core_seg *s = cf->segs, *last;
	size_t i, n = 0;
	uint64_t end;

	qsort(s, cf->nr_segs, sizeof(*s), seg_cmp);
	for (i = 0; i < cf->nr_segs; i++) {
		last = n ? &s[n - 1] : NULL;
		if (last && s[i].gpa <= last->gpa + last->size) {
			if (s[i].gpa < last->gpa + last->size &&
			    s[i].off - s[i].gpa != last->off - last->gpa) {
				snprintf(err, errlen,
					 "PT_LOAD segments overlap at physical 0x%llx with different contents",
					 (unsigned long long)s[i].gpa);
				return -EINVAL;
			}
			if (s[i].off - s[i].gpa == last->off - last->gpa) {
				end = MAX(last->gpa + last->size,
					  s[i].gpa + s[i].size);
				last->size = end - last->gpa;
				continue;
			}
		}
		s[n++] = s[i];
	}
	cf->nr_segs = n;
	return 0;
}

/* The RAM map: page-rounded union of the segments. */
int core_ram_from_segs(struct core_file *cf)
{
	struct ram_region *r;
	uint64_t lo, hi;
	size_t i, n = 0;

	r = calloc(MAX(cf->nr_segs, 1), sizeof(*r));
	if (!r)
		return -ENOMEM;
	for (i = 0; i < cf->nr_segs; i++) {
		lo = ALIGN_DOWN(cf->segs[i].gpa, PAGE_SIZE);
		hi = ALIGN_UP(cf->segs[i].gpa + cf->segs[i].size, PAGE_SIZE);
		if (n && lo <= r[n - 1].gpa + r[n - 1].size) {
			r[n - 1].size = MAX(r[n - 1].gpa + r[n - 1].size, hi) -
					r[n - 1].gpa;
			continue;
		}
		r[n].gpa = lo;
		r[n].size = hi - lo;
		snprintf(r[n].name, sizeof(r[n].name), "core@0x%llx",
			 (unsigned long long)lo);
		n++;
	}
	cf->ram.regions = r;
	cf->ram.nr = n;
	return 0;
}

/*
 * sevdbg's dumps leave missing pages out of every PT_LOAD, but they are
 * still RAM: with a SEVDBG note the RAM map is its page-source map, so a
 * missing page reads as "missing" rather than as a hole.
 */
static int elf_ram_from_sevdbg(struct core_file *cf, char *err, size_t errlen)
{
	const struct sevdbg_note *n = &cf->sev;
	struct ram_region *r = NULL, *nr;
	size_t cnt = 0, cap = 0;
	uint64_t i = 0, start;

	while (i < n->h.npages) {
		if (sevdbg_src_get(n->source, i) == SEVDBG_SRC_NONE) {
			i++;
			continue;
		}
		for (start = i; i < n->h.npages &&
				sevdbg_src_get(n->source, i) != SEVDBG_SRC_NONE;
		     i++)
			;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 16;
			nr = cap > CORE_MAX_SEGS
				     ? NULL
				     : reallocarray(r, cap, sizeof(*r));
			if (!nr) {
				free(r);
				return bad(err, errlen, -EINVAL,
					   "the SEVDBG note describes too many RAM ranges");
			}
			r = nr;
		}
		memset(&r[cnt], 0, sizeof(r[cnt]));
		r[cnt].gpa = (n->h.start_gfn + start) << PAGE_SHIFT;
		r[cnt].size = (i - start) << PAGE_SHIFT;
		snprintf(r[cnt].name, sizeof(r[cnt].name), "core@0x%llx",
			 (unsigned long long)r[cnt].gpa);
		cnt++;
	}
	cf->ram.regions = r;
	cf->ram.nr = cnt;
	return 0;
}

static int elf_read_phdrs(struct core_file *cf, const Elf64_Ehdr *eh,
			  uint64_t phnum, char *err, size_t errlen)
{
	Elf64_Phdr *ph;
	size_t i;
	int ret = 0;

	if (eh->e_phoff > cf->size ||
	    phnum * sizeof(*ph) > cf->size - eh->e_phoff)
		return bad(err, errlen, -EINVAL,
			   "the ELF program headers lie outside the file (truncated dump?)");
	ph = calloc(phnum, sizeof(*ph));
	cf->segs = calloc(phnum, sizeof(*cf->segs));
	if (!ph || !cf->segs) {
		free(ph);
		return -ENOMEM;
	}
	if (core_pread(cf, ph, phnum * sizeof(*ph), eh->e_phoff)) {
		free(ph);
		return bad(err, errlen, -EINVAL,
			   "the ELF program headers lie outside the file (truncated dump?)");
	}
	for (i = 0; i < phnum && !ret; i++) {
		if (ph[i].p_type == PT_NOTE)
			ret = elf_add_note(cf, &ph[i], err, errlen);
		else if (ph[i].p_type == PT_LOAD)
			ret = elf_add_load(cf, &ph[i], i, err, errlen);
	}
	free(ph);
	return ret;
}

int core_elf_parse(struct core_file *cf, char *err, size_t errlen)
{
	Elf64_Ehdr eh;
	uint64_t phnum;
	int ret;

	cf->kind = CORE_ELF;
	if (core_pread(cf, &eh, sizeof(eh), 0))
		return bad(err, errlen, -EINVAL, "truncated ELF header");
	ret = elf_check_ehdr(&eh, err, errlen);
	if (!ret)
		ret = elf_phnum(cf, &eh, &phnum, err, errlen);
	if (ret)
		return ret;
	if (!phnum || phnum > CORE_MAX_SEGS)
		return bad(err, errlen, -EINVAL,
			   "the ELF core has no or too many program headers");
	ret = elf_read_phdrs(cf, &eh, phnum, err, errlen);
	if (!ret)
		ret = elf_merge_segs(cf, err, errlen);
	if (!ret)
		ret = core_parse_notes(cf, err, errlen);
	if (!ret)
		ret = cf->have_sevdbg ? elf_ram_from_sevdbg(cf, err, errlen)
				      : core_ram_from_segs(cf);
	if (ret)
		return ret;
	snprintf(cf->kind_name, sizeof(cf->kind_name), "ELF vmcore (%s)",
		 cf->have_sevdbg      ? "sevdbg"
		 : cf->have_qemu_note ? "QEMU dump-guest-memory"
				      : "plain");
	return 0;
}
