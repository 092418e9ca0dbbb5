/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Symbols of the guest kernel from an ELF file (`--symbols`): names to
 * addresses for expressions and completion, addresses to "name+off" labels.
 */
#ifndef SEVDBG_SYM_H
#define SEVDBG_SYM_H

#include <stddef.h>
#include <stdint.h>

struct symtab;

struct sym {
	const char *name;
	uint64_t addr, size;
};

/* Read the .symtab (or .dynsym) of an ELF64 file; err gets the reason. */
int sym_load(const char *path, struct symtab **out, char *err, size_t errlen);
void sym_free(struct symtab *st);
/* Exact name lookup; NULL if unknown. */
const struct sym *sym_by_name(const struct symtab *st, const char *name);
/* The symbol covering addr (or nearest below within 64 KiB if sizeless). */
const struct sym *sym_by_addr(const struct symtab *st, uint64_t addr);
/* i-th symbol in name order (completion); NULL past the end. */
const struct sym *sym_nth(const struct symtab *st, size_t i);
size_t sym_count(const struct symtab *st);

#endif
