// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest kernel's symbols for the shell (`--symbols ELF`): the ELF64
 * .symtab read with <elf.h>, sorted by address and by name.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gdbstub/cmd/sym.h"

struct symtab {
	struct sym *by_addr;
	struct sym **by_name;
	size_t nr;
	char *strings; /* copy of the string table */
};

static int cmp_addr(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* Prefer a sized symbol at the same address. */
	return x->size < y->size ? 1 : (x->size > y->size ? -1 : 0);
}

static int cmp_name(const void *a, const void *b)
{
	const struct sym *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

static const Elf64_Shdr *sym_find_table(const uint8_t *map, size_t size,
					const Elf64_Ehdr *eh, uint32_t type)
{
	const Elf64_Shdr *sh;
	size_t i;

	if (eh->e_shoff == 0 || eh->e_shentsize != sizeof(*sh) ||
	    eh->e_shoff > size ||
	    (size - eh->e_shoff) / sizeof(*sh) < eh->e_shnum)
		return NULL;
	sh = (const Elf64_Shdr *)(map + eh->e_shoff);
	for (i = 0; i < eh->e_shnum; i++)
		if (sh[i].sh_type == type && sh[i].sh_link < eh->e_shnum)
			return &sh[i];
	return NULL;
}

static bool sym_wanted(const Elf64_Sym *es, const char *name)
{
	unsigned int type = ELF64_ST_TYPE(es->st_info);

	if (!*name || es->st_shndx == SHN_UNDEF || es->st_value == 0)
		return false;
	return type == STT_FUNC || type == STT_OBJECT || type == STT_NOTYPE;
}

static int sym_fill(struct symtab *st, const uint8_t *map, size_t size,
		    const Elf64_Shdr *tab, const Elf64_Shdr *str)
{
	const Elf64_Sym *es = (const Elf64_Sym *)(map + tab->sh_offset);
	size_t n = tab->sh_size / sizeof(*es), i;

	if (tab->sh_offset > size || tab->sh_size > size - tab->sh_offset ||
	    str->sh_offset > size || str->sh_size > size - str->sh_offset ||
	    str->sh_size == 0)
		return -EINVAL;
	st->strings = malloc(str->sh_size + 1);
	st->by_addr = calloc(n ? n : 1, sizeof(*st->by_addr));
	if (!st->strings || !st->by_addr)
		return -ENOMEM;
	memcpy(st->strings, map + str->sh_offset, str->sh_size);
	st->strings[str->sh_size] = '\0';
	for (i = 0; i < n; i++) {
		const char *name;

		if (es[i].st_name >= str->sh_size)
			continue;
		name = st->strings + es[i].st_name;
		if (!sym_wanted(&es[i], name))
			continue;
		st->by_addr[st->nr].name = name;
		st->by_addr[st->nr].addr = es[i].st_value;
		st->by_addr[st->nr].size = es[i].st_size;
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

static int sym_parse(struct symtab *st, const uint8_t *map, size_t size,
		     char *err, size_t errlen)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)map;
	const Elf64_Shdr *tab, *shdrs;

	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64) {
		snprintf(err, errlen, "not an ELF64 file");
		return -EINVAL;
	}
	tab = sym_find_table(map, size, eh, SHT_SYMTAB);
	if (!tab)
		tab = sym_find_table(map, size, eh, SHT_DYNSYM);
	if (!tab) {
		snprintf(err, errlen,
			 "no symbol table (stripped? use the unstripped vmlinux or a file with debug info)");
		return -ENOENT;
	}
	shdrs = (const Elf64_Shdr *)(map + eh->e_shoff);
	if (sym_fill(st, map, size, tab, &shdrs[tab->sh_link])) {
		snprintf(err, errlen, "corrupt symbol table");
		return -EINVAL;
	}
	return sym_index(st);
}

int sym_load(const char *path, struct symtab **out, char *err, size_t errlen)
{
	struct symtab *st = NULL;
	struct stat sb;
	void *map = MAP_FAILED;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (sb.st_size == 0 || map == MAP_FAILED) {
		ret = -EINVAL;
		snprintf(err, errlen, "%s: empty or unreadable file", path);
		goto out;
	}
	st = calloc(1, sizeof(*st));
	ret = st ? sym_parse(st, map, (size_t)sb.st_size, err, errlen)
		 : -ENOMEM;
	if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory reading %s", path);
	if (ret == 0) {
		*out = st;
		st = NULL;
	}
out:
	sym_free(st);
	if (map != MAP_FAILED)
		munmap(map, (size_t)sb.st_size);
	if (fd >= 0)
		close(fd);
	return ret;
}

void sym_free(struct symtab *st)
{
	if (!st)
		return;
	free(st->by_addr);
	free(st->by_name);
	free(st->strings);
	free(st);
}

const struct sym *sym_by_name(const struct symtab *st, const char *name)
{
	struct sym key = {.name = name};
	const struct sym *kp = &key;
	struct sym **hit;

	if (!st)
		return NULL;
	hit = bsearch(&kp, st->by_name, st->nr, sizeof(*st->by_name), cmp_name);
	return hit ? *hit : NULL;
}

const struct sym *sym_by_addr(const struct symtab *st, uint64_t addr)
{
	size_t lo = 0, hi;
	const struct sym *s;

	if (!st || st->nr == 0)
		return NULL;
	hi = st->nr;
	/* Last symbol with addr <= the address. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (st->by_addr[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	s = &st->by_addr[lo];
	while (lo > 0 && st->by_addr[lo - 1].addr == s->addr)
		s = &st->by_addr[--lo];
	if (s->addr > addr)
		return NULL;
	if (s->size ? addr - s->addr < s->size : addr - s->addr < 0x10000)
		return s;
	return NULL;
}

const struct sym *sym_nth(const struct symtab *st, size_t i)
{
	return st && i < st->nr ? st->by_name[i] : NULL;
}

size_t sym_count(const struct symtab *st)
{
	return st ? st->nr : 0;
}
