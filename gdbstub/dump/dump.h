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

enum dump_codec {
	DUMP_CODEC_ZLIB,   /* QEMU's and makedumpfile's default */
	DUMP_CODEC_LZO,	   /* lzo1x_1 */
	DUMP_CODEC_SNAPPY, /* raw snappy */
	DUMP_CODEC_ZSTD,   /* zstd, level 1 */
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
	/* makedumpfile's dump level (-d): 1 zero, 2 cache, 4 cache private,
	 * 8 user, 16 free pages left out; 0 keeps every page. */
	unsigned int filter;
	enum dump_codec codec; /* kdump page compression */
	unsigned int threads;  /* kdump compressors; 0 = online CPUs */
};

#define DUMP_FILTER_KINDS 7

struct dump_result {
	uint64_t pages_encrypted; /* decrypted through the firmware */
	uint64_t pages_shared;	  /* read directly */
	uint64_t pages_missing;	  /* unreadable: left out, counted */
	uint64_t pages_zero;	  /* kdump: shared zero-page descriptor */
	uint64_t bytes_written;	  /* size of the file */
	uint64_t platform_calls;  /* decrypt + host reads */
	uint64_t decrypt_calls;	  /* DBG_DECRYPT commands alone */
	double firmware_seconds;  /* decrypt_calls x the platform's latency */
	/* --filter: pages left out, in total and by reason (zero, cache,
	 * cache private, user, free, hwpoison, offline), and what deciding
	 * cost: pages probed for VMCOREINFO, sections without struct pages */
	uint64_t pages_dropped;
	uint64_t pages_filtered[DUMP_FILTER_KINDS];
	uint64_t vmci_scan_pages, filter_sections_missing;
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
/* "zlib" | "lzo" | "snappy" | "zstd" → 0, else -EINVAL; -ENOTSUP when
 * this build has no library for it. */
int dump_parse_codec(const char *name, enum dump_codec *c);
/* A dump level 0..31 → 0, else -EINVAL. */
int dump_parse_filter(const char *s, unsigned int *level);
struct strbuf;
/* Append res as one JSON object (no newline); error: why it failed, or NULL. */
void dump_result_json(const struct dump_result *res, const char *error,
		      struct strbuf *out);

#endif
