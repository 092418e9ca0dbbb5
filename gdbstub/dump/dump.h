/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The dump writer (DESIGN.md §6): `sevdbg dump`, the shell's and monitor's
 * `dump`. The on-disk formats are in include/sevdbg/dumpfmt.h.
 */
#ifndef SEVDBG_DUMP_H
#define SEVDBG_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct session;
struct target;

enum dump_format {
	DUMP_FMT_ELF,	/* QEMU dump-guest-memory compatible */
	DUMP_FMT_KDUMP, /* kdump-compressed (zlib), like QEMU/makedumpfile */
	DUMP_FMT_RAW,	/* bytes of one range, for scripts */
};

struct dump_opts {
	enum dump_format format;
	const char *path; /* output file ("-" = stdout, raw only) */
	bool paging;	  /* ELF: PT_LOADs with virtual addresses */
	bool has_range;
	uint64_t start, end; /* [start, end) */
	bool virt;	     /* range is virtual (selected vCPU) */
	bool keep_stopped;   /* leave the vCPUs stopped afterwards */
	bool progress;	     /* progress bar on stderr */
};

struct dump_result {
	uint64_t pages_encrypted; /* decrypted through the firmware */
	uint64_t pages_shared;	  /* read directly */
	uint64_t pages_missing;	  /* unreadable: left out, counted */
	uint64_t pages_zero;	  /* kdump: shared zero-page descriptor */
	uint64_t bytes_written;	  /* size of the file */
	uint64_t platform_calls;  /* decrypt + host reads */
	double seconds;
};

/*
 * Stop the guest, write the dump to a temporary file next to o->path,
 * fsync and rename it into place, resume the guest (unless keep_stopped).
 * 0 or -errno; on failure err says why and nothing is left at o->path.
 */
int dump_write(struct session *s, const struct dump_opts *o,
	       struct dump_result *res, char *err, size_t errlen);
/* "elf" | "kdump" | "raw" → 0, else -EINVAL. */
int dump_parse_format(const char *name, enum dump_format *f);
struct strbuf;
/* Append res as one JSON object (no newline); error: why it failed, or NULL. */
void dump_result_json(const struct dump_result *res, const char *error,
		      struct strbuf *out);

#endif
