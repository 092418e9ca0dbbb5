/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest kernel's debug information from an ELF file (`--symbols`), read
 * with elfutils: symbols both ways, source lines, and the libdwfl session.
 */
#ifndef SEVDBG_SYM_H
#define SEVDBG_SYM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <elfutils/libdwfl.h>

#include "gdbstub/cmd/unwind.h"

struct symtab;

/*
 * addr is where the guest has the symbol: the link address plus the load
 * offset (sym_set_bias). Absolute and per-CPU symbols (a section at
 * address 0) are offsets, not addresses: they never move and never label
 * an address.
 */
struct sym {
	const char *name;
	uint64_t addr, size;
	bool global;
	bool offset; /* SHN_ABS or per-CPU: not an address */
};

/* Read the .symtab (or .dynsym) of an ELF64 file; err gets the reason. */
int sym_load(const char *path, struct symtab **out, char *err, size_t errlen);
void sym_free(struct symtab *st);
/* Exact name lookup (a global symbol before a local one); NULL if none. */
const struct sym *sym_by_name(const struct symtab *st, const char *name);
/* The symbol covering addr (or nearest below within 64 KiB if sizeless). */
const struct sym *sym_by_addr(const struct symtab *st, uint64_t addr);
/* i-th symbol in name order (completion); NULL past the end. */
const struct sym *sym_nth(const struct symtab *st, size_t i);
size_t sym_count(const struct symtab *st);

/*
 * Where the guest loaded the file: bias = load address - link address
 * (a Linux kernel's KASLR offset). Moves every symbol and line. 0 or
 * -errno (the libdwfl session could not be rebuilt: err says why).
 */
int sym_set_bias(struct symtab *st, uint64_t bias, char *err, size_t errlen);
uint64_t sym_bias(const struct symtab *st);
/*
 * len bytes of the file's image at link address addr (before the bias):
 * what the guest should hold there. 0, or -ENOENT outside the file's
 * loaded contents.
 */
int sym_file_bytes(const struct symtab *st, uint64_t addr, void *buf,
		   size_t len);

/* The source line covering addr. file stays valid while st lives. */
struct sym_line {
	const char *file; /* relative to the compilation directory */
	int line;
	uint64_t addr; /* where the line's code starts */
	bool is_stmt;
};
/* 0, or -ENOENT when no line table covers addr. */
int sym_line(struct symtab *st, uint64_t addr, struct sym_line *out);
/* file without comp_dir/ in front: the name the compiler was given. */
const char *sym_relative_path(const char *file, const char *comp_dir);
/* "file:line" of addr into buf; false (buf "") when unknown. */
bool sym_line_str(struct symtab *st, uint64_t addr, char *buf, size_t len);

/* The libdwfl session over the file at the current bias; NULL if none. */
Dwfl *sym_dwfl(struct symtab *st);
Dwfl_Module *sym_module(struct symtab *st);
/* The unwinder's state, attached to this session (gdbstub/cmd/unwind.c). */
struct unwind_src *sym_unwind_src(struct symtab *st);

#endif
