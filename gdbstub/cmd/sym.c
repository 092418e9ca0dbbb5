// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest kernel's debug information (`--symbols ELF`) through elfutils:
 * libelf for the symbol table and file bytes, libdwfl for lines and CFI.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dwarf.h>
#include <elfutils/libdw.h>

#include "gdbstub/cmd/sym.h"

#define SYM_SIZELESS_SPAN 0x10000 /* a sizeless symbol labels this far */

struct symtab {
	char *path;
	int fd;
	Elf *elf; /* the symbol names point into its mapping */
	struct sym *by_addr;
	struct sym **by_name;
	size_t nr;
	uint64_t bias;
	uint64_t lo, hi; /* link addresses the PT_LOADs span */
	Dwfl *dwfl;
	Dwfl_Module *mod;
	struct unwind_src unwind;
};

static int cmp_addr(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* Prefer a sized, then a global symbol at the same address. */
	if (x->size != y->size)
		return x->size < y->size ? 1 : -1;
	return (int)y->global - (int)x->global;
}

static int cmp_name(const void *a, const void *b)
{
	const struct sym *const *x = a, *const *y = b;
	int c = strcmp((*x)->name, (*y)->name);

	if (c)
		return c;
	/* Same name: the global one first, then by address. */
	if ((*x)->global != (*y)->global)
		return (int)(*y)->global - (int)(*x)->global;
	return (*x)->addr < (*y)->addr ? -1 : (*x)->addr > (*y)->addr;
}

/* Named code and data; not sections, files, or undefined references. */
static bool sym_wanted(const GElf_Sym *es, const char *name)
{
	unsigned int type = GELF_ST_TYPE(es->st_info);

	if (!name || !*name || es->st_shndx == SHN_UNDEF || es->st_value == 0)
		return false;
	return type == STT_FUNC || type == STT_OBJECT || type == STT_NOTYPE;
}

/* Absolute symbols and those of a section linked at 0 (the kernel's
 * per-CPU data) are offsets: they neither move nor label addresses. */
static bool sym_is_offset(Elf *elf, const GElf_Sym *es)
{
	GElf_Shdr sh;
	Elf_Scn *scn;

	if (es->st_shndx == SHN_ABS)
		return true;
	if (es->st_shndx >= SHN_LORESERVE)
		return false;
	scn = elf_getscn(elf, es->st_shndx);
	return scn && gelf_getshdr(scn, &sh) && sh.sh_addr == 0;
}

static Elf_Scn *sym_find_table(Elf *elf, GElf_Shdr *sh)
{
	static const uint32_t types[] = {SHT_SYMTAB, SHT_DYNSYM};
	Elf_Scn *scn;
	size_t t;

	for (t = 0; t < 2; t++) {
		scn = NULL;
		while ((scn = elf_nextscn(elf, scn)))
			if (gelf_getshdr(scn, sh) && sh->sh_type == types[t])
				return scn;
	}
	return NULL;
}

static int sym_fill(struct symtab *st, Elf_Scn *scn, const GElf_Shdr *sh)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t n, i;

	if (!data || !sh->sh_entsize)
		return -EINVAL;
	n = sh->sh_size / sh->sh_entsize;
	st->by_addr = calloc(n ? n : 1, sizeof(*st->by_addr));
	if (!st->by_addr)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct sym *s = &st->by_addr[st->nr];
		GElf_Sym es;
		const char *name;

		if (!gelf_getsym(data, (int)i, &es))
			return -EINVAL;
		name = elf_strptr(st->elf, sh->sh_link, es.st_name);
		if (!sym_wanted(&es, name))
			continue;
		s->name = name;
		s->addr = es.st_value;
		s->size = es.st_size;
		s->global = GELF_ST_BIND(es.st_info) != STB_LOCAL;
		s->offset = sym_is_offset(st->elf, &es);
		st->nr++;
	}
	return 0;
}

static int sym_index(struct symtab *st)
{
	size_t i;

	qsort(st->by_addr, st->nr, sizeof(*st->by_addr), cmp_addr);
	st->by_name = calloc(st->nr ? st->nr : 1, sizeof(*st->by_name));
	if (!st->by_name)
		return -ENOMEM;
	for (i = 0; i < st->nr; i++)
		st->by_name[i] = &st->by_addr[i];
	qsort(st->by_name, st->nr, sizeof(*st->by_name), cmp_name);
	return 0;
}

/* The span of the loaded image, from the first PT_LOAD on (libdwfl's
 * rule; the kernel's per-CPU segment at 0 is not part of it). */
static void sym_span(struct symtab *st)
{
	size_t n = 0, i;
	bool first = true;
	GElf_Phdr ph;

	elf_getphdrnum(st->elf, &n);
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(st->elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (first) {
			st->lo = ph.p_vaddr & -(ph.p_align ? ph.p_align : 1);
			first = false;
		}
		if (ph.p_vaddr >= st->lo && ph.p_vaddr + ph.p_memsz > st->hi)
			st->hi = ph.p_vaddr + ph.p_memsz;
	}
}

static int sym_parse(struct symtab *st, char *err, size_t errlen)
{
	GElf_Ehdr eh;
	GElf_Shdr sh;
	Elf_Scn *scn;
	int ret;

	if (elf_kind(st->elf) != ELF_K_ELF || !gelf_getehdr(st->elf, &eh) ||
	    gelf_getclass(st->elf) != ELFCLASS64) {
		snprintf(err, errlen, "not an ELF64 file");
		return -EINVAL;
	}
	scn = sym_find_table(st->elf, &sh);
	if (!scn) {
		snprintf(err, errlen,
			 "no symbol table (stripped? use the unstripped vmlinux or a file with debug info)");
		return -ENOENT;
	}
	ret = sym_fill(st, scn, &sh);
	if (ret == -EINVAL)
		snprintf(err, errlen, "corrupt symbol table: %s",
			 elf_errmsg(-1));
	if (!ret)
		ret = sym_index(st);
	sym_span(st);
	return ret;
}

int sym_load(const char *path, struct symtab **out, char *err, size_t errlen)
{
	struct symtab *st;
	int ret;

	elf_version(EV_CURRENT);
	st = calloc(1, sizeof(*st));
	if (!st || !(st->path = strdup(path))) {
		free(st);
		snprintf(err, errlen, "out of memory reading %s", path);
		return -ENOMEM;
	}
	st->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (st->fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	st->elf = elf_begin(st->fd, ELF_C_READ_MMAP, NULL);
	if (!st->elf) {
		ret = -EINVAL;
		snprintf(err, errlen, "%s: %s", path, elf_errmsg(-1));
		goto fail;
	}
	ret = sym_parse(st, err, errlen);
	if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory reading %s", path);
	if (!ret)
		ret = sym_set_bias(st, 0, err, errlen);
	if (ret)
		goto fail;
	*out = st;
	return 0;
fail:
	sym_free(st);
	return ret;
}

void sym_free(struct symtab *st)
{
	if (!st)
		return;
	if (st->dwfl)
		dwfl_end(st->dwfl);
	free(st->by_addr);
	free(st->by_name);
	if (st->elf)
		elf_end(st->elf);
	if (st->fd >= 0)
		close(st->fd);
	free(st->path);
	free(st);
}

const struct sym *sym_by_name(const struct symtab *st, const char *name)
{
	size_t lo = 0, hi;

	if (!st)
		return NULL;
	/* The first of equal names: the global one. */
	hi = st->nr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(st->by_name[mid]->name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < st->nr && !strcmp(st->by_name[lo]->name, name))
		return st->by_name[lo];
	return NULL;
}

/*
 * gdb's choice (minsyms.c): the nearest symbol at or below addr, except
 * that a sized symbol covering addr beats the sizeless labels inside it
 * (secondary_startup_64 over secondary_startup_64_no_verify).
 */
const struct sym *sym_by_addr(const struct symtab *st, uint64_t addr)
{
	const struct sym *s, *label = NULL;
	size_t lo = 0, hi;

	if (!st || st->nr == 0)
		return NULL;
	/* One past the last symbol with addr <= the address. */
	hi = st->nr;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (st->by_addr[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo > 0; lo--) {
		s = &st->by_addr[lo - 1];
		if (s->offset)
			continue;
		if (addr - s->addr >= SYM_SIZELESS_SPAN)
			break;
		if (s->size)
			return addr - s->addr < s->size ? s : label;
		/* Of labels at one address, cmp_addr sorted the best first. */
		if (!label || s->addr == label->addr)
			label = s;
	}
	return label;
}

const struct sym *sym_nth(const struct symtab *st, size_t i)
{
	return st && i < st->nr ? st->by_name[i] : NULL;
}

size_t sym_count(const struct symtab *st)
{
	return st ? st->nr : 0;
}

uint64_t sym_bias(const struct symtab *st)
{
	return st ? st->bias : 0;
}

int sym_file_bytes(const struct symtab *st, uint64_t addr, void *buf,
		   size_t len)
{
	size_t n = 0, i, size;
	const char *raw = elf_rawfile(st->elf, &size);
	GElf_Phdr ph;

	elf_getphdrnum(st->elf, &n);
	for (i = 0; raw && i < n; i++) {
		if (!gelf_getphdr(st->elf, (int)i, &ph) ||
		    ph.p_type != PT_LOAD || addr < ph.p_vaddr ||
		    addr - ph.p_vaddr >= ph.p_filesz ||
		    len > ph.p_filesz - (addr - ph.p_vaddr) ||
		    ph.p_offset + (addr - ph.p_vaddr) + len > size)
			continue;
		memcpy(buf, raw + ph.p_offset + (addr - ph.p_vaddr), len);
		return 0;
	}
	return -ENOENT;
}

/* --- the libdwfl session: lines, CFI, inlines ---------------------------- */

/* libdwfl opens the module by its name: the path. */
static int sym_find_elf(Dwfl_Module *mod, void **userdata, const char *name,
			Dwarf_Addr base, char **file_name, Elf **elfp)
{
	int fd = open(name, O_RDONLY | O_CLOEXEC);

	if (fd >= 0)
		*file_name = strdup(name);
	*elfp = NULL;
	return fd;
}

/* The DWARF is in the file or nowhere: no search of the host's debug
 * directories, and no debuginfod download behind the user's back. */
static int sym_find_debuginfo(Dwfl_Module *mod, void **userdata,
			      const char *modname, Dwarf_Addr base,
			      const char *file_name, const char *debuglink,
			      GElf_Word crc, char **debuginfo_file_name)
{
	return -1;
}

static const Dwfl_Callbacks sym_dwfl_callbacks = {
	.find_elf = sym_find_elf,
	.find_debuginfo = sym_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

/*
 * A module reported at [lo + bias, hi + bias): libdwfl takes its bias from
 * there, also for an ET_EXEC (it treats a moved kernel as ET_DYN).
 */
static int sym_dwfl_open(struct symtab *st, uint64_t bias, Dwfl **out,
			 Dwfl_Module **mod)
{
	Dwfl *d = dwfl_begin(&sym_dwfl_callbacks);

	if (!d)
		return -ENOMEM;
	dwfl_report_begin(d);
	*mod = dwfl_report_module(d, st->path, st->lo + bias, st->hi + bias);
	if (!*mod || dwfl_report_end(d, NULL, NULL)) {
		dwfl_end(d);
		return -EINVAL;
	}
	*out = d;
	return 0;
}

int sym_set_bias(struct symtab *st, uint64_t bias, char *err, size_t errlen)
{
	uint64_t delta = bias - st->bias;
	Dwfl_Module *mod;
	Dwfl *d = NULL;
	size_t i;
	int ret;

	if (st->dwfl && bias == st->bias)
		return 0;
	if (st->hi > st->lo) {
		ret = sym_dwfl_open(st, bias, &d, &mod);
		if (ret) {
			snprintf(err, errlen, "%s: libdwfl: %s", st->path,
				 dwfl_errmsg(-1));
			return ret;
		}
	}
	if (st->dwfl)
		dwfl_end(st->dwfl);
	st->dwfl = d;
	st->mod = d ? mod : NULL;
	st->unwind.attached = false; /* a new session has no unwinder yet */
	for (i = 0; i < st->nr; i++)
		if (!st->by_addr[i].offset)
			st->by_addr[i].addr += delta;
	st->bias = bias;
	return 0;
}

Dwfl *sym_dwfl(struct symtab *st)
{
	return st ? st->dwfl : NULL;
}

Dwfl_Module *sym_module(struct symtab *st)
{
	return st ? st->mod : NULL;
}

struct unwind_src *sym_unwind_src(struct symtab *st)
{
	return &st->unwind;
}

/* gdb shows a file as the compiler named it: relative to the CU's
 * compilation directory. */
const char *sym_relative_path(const char *file, const char *comp_dir)
{
	size_t n = comp_dir ? strlen(comp_dir) : 0;

	if (n && !strncmp(file, comp_dir, n) && file[n] == '/')
		return file + n + 1;
	return file;
}

static bool sym_row(Dwarf_Lines *lines, size_t i, Dwarf_Addr *addr, bool *stmt,
		    bool *end)
{
	Dwarf_Line *l = dwarf_onesrcline(lines, i);

	return l && !dwarf_lineaddr(l, addr) &&
	       !dwarf_linebeginstatement(l, stmt) &&
	       !dwarf_lineendsequence(l, end);
}

/*
 * The row of CU's line table for pc, chosen as gdb does (symtab.c): the
 * last one at or below pc, or, when that is not a statement, a statement
 * at the same address before it. -ENOENT past a sequence's end.
 */
static int sym_find_row(Dwarf_Lines *lines, size_t n, Dwarf_Addr pc,
			size_t *row)
{
	size_t lo = 0, hi = n, i;
	Dwarf_Addr a, b;
	bool stmt, end, s2, e2;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (!sym_row(lines, mid, &a, &stmt, &end))
			return -EINVAL;
		if (a <= pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || !sym_row(lines, lo - 1, &a, &stmt, &end) || end)
		return -ENOENT;
	*row = lo - 1;
	for (i = lo - 1; !stmt && i > 0; i--) {
		if (!sym_row(lines, i - 1, &b, &s2, &e2) || b != a || e2)
			break;
		if (s2) {
			*row = i - 1;
			stmt = true;
		}
	}
	return 0;
}

int sym_line(struct symtab *st, uint64_t addr, struct sym_line *out)
{
	Dwarf_Addr bias = 0, laddr;
	Dwarf_Die *cu = st && st->mod
				? dwfl_module_addrdie(st->mod, addr, &bias)
				: NULL;
	const char *file, *comp_dir = NULL;
	Dwarf_Attribute at;
	Dwarf_Lines *lines;
	Dwarf_Line *l;
	size_t n, row;
	int line;

	if (!cu || dwarf_getsrclines(cu, &lines, &n) ||
	    sym_find_row(lines, n, addr - bias, &row))
		return -ENOENT;
	l = dwarf_onesrcline(lines, row);
	file = l ? dwarf_linesrc(l, NULL, NULL) : NULL;
	if (!file || dwarf_lineno(l, &line) || line <= 0 ||
	    dwarf_lineaddr(l, &laddr))
		return -ENOENT;
	if (dwarf_attr(cu, DW_AT_comp_dir, &at))
		comp_dir = dwarf_formstring(&at);
	out->file = sym_relative_path(file, comp_dir);
	out->line = line;
	out->addr = laddr + bias;
	dwarf_linebeginstatement(l, &out->is_stmt);
	return 0;
}

bool sym_line_str(struct symtab *st, uint64_t addr, char *buf, size_t len)
{
	struct sym_line sl;

	buf[0] = '\0';
	if (sym_line(st, addr, &sl))
		return false;
	snprintf(buf, len, "%s:%d", sl.file, sl.line);
	return true;
}
