/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest-physical RAM map: which ranges are RAM, and (for live targets and
 * the sim) where each range is mapped in this process.
 */
#ifndef SEVDBG_RAM_H
#define SEVDBG_RAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1ULL << PAGE_SHIFT)
#define PAGE_MASK  (~(PAGE_SIZE - 1))

struct ram_region {
	uint64_t gpa;  /* page aligned */
	uint64_t size; /* page multiple */
	uint8_t *hva;  /* our mapping, or NULL when not mapped here */
	char name[32]; /* e.g. "pc.ram", "pc.ram@4G" */
	/*
	 * Guest RAM this process cannot reach (a QEMU backend without
	 * share=on, served with --allow-partial): no hole, since the guest
	 * has RAM there, but every access fails naming the region.
	 */
	bool unreachable;
};

struct ram_map {
	size_t nr;
	struct ram_region *regions; /* sorted by gpa, non-overlapping */
	/* Bumped by every change (memory hot-plug): whoever sized something
	 * by ram_end() compares it and follows. */
	uint64_t gen;
};

/* The region holding gpa, or NULL for a hole (MMIO, beyond RAM). */
const struct ram_region *ram_find(const struct ram_map *m, uint64_t gpa);
/* Bytes of RAM from gpa to the end of its region (0 in a hole). */
uint64_t ram_span(const struct ram_map *m, uint64_t gpa);
/* One past the highest RAM address: the bitmap's size in bytes. */
uint64_t ram_end(const struct ram_map *m);
uint64_t ram_total(const struct ram_map *m);
int ram_add(struct ram_map *m, uint64_t gpa, uint64_t size, uint8_t *hva,
	    const char *name);
/* A region of guest RAM that cannot be read from here (see unreachable). */
int ram_add_unreachable(struct ram_map *m, uint64_t gpa, uint64_t size,
			const char *name);
/*
 * dst takes src's regions (the layout changed: hot-plug); src is left
 * empty. dst keeps its address, which routers and platforms hold.
 */
void ram_replace(struct ram_map *dst, struct ram_map *src);
void ram_free(struct ram_map *m);

#endif
