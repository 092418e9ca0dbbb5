// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest-physical RAM map: sorted, non-overlapping regions and where each
 * is mapped in this process; lookups are a binary search.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sevdbg/ram.h"

const struct ram_region *ram_find(const struct ram_map *m, uint64_t gpa)
{
	size_t lo = 0, hi = m->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct ram_region *r = &m->regions[mid];

		if (gpa < r->gpa)
			hi = mid;
		else if (gpa - r->gpa >= r->size)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

uint64_t ram_span(const struct ram_map *m, uint64_t gpa)
{
	const struct ram_region *r = ram_find(m, gpa);

	return r ? r->gpa + r->size - gpa : 0;
}

uint64_t ram_end(const struct ram_map *m)
{
	const struct ram_region *r;

	if (!m->nr)
		return 0;
	r = &m->regions[m->nr - 1];
	return r->gpa + r->size;
}

uint64_t ram_total(const struct ram_map *m)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < m->nr; i++)
		sum += m->regions[i].size;
	return sum;
}

static int ram_insert(struct ram_map *m, uint64_t gpa, uint64_t size,
		      uint8_t *hva, const char *name, bool unreachable)
{
	struct ram_region *nr;
	size_t i;

	if (!size || (gpa | size) & ~PAGE_MASK || gpa + size < gpa)
		return -EINVAL;
	for (i = 0; i < m->nr; i++) {
		const struct ram_region *r = &m->regions[i];

		if (gpa < r->gpa + r->size && r->gpa < gpa + size)
			return -EEXIST;
		if (r->gpa > gpa)
			break;
	}
	nr = realloc(m->regions, (m->nr + 1) * sizeof(*nr));
	if (!nr)
		return -ENOMEM;
	m->regions = nr;
	memmove(&nr[i + 1], &nr[i], (m->nr - i) * sizeof(*nr));
	memset(&nr[i], 0, sizeof(*nr));
	nr[i].gpa = gpa;
	nr[i].size = size;
	nr[i].hva = hva;
	snprintf(nr[i].name, sizeof(nr[i].name), "%s", name ? name : "ram");
	nr[i].unreachable = unreachable;
	m->nr++;
	m->gen++;
	return 0;
}

int ram_add(struct ram_map *m, uint64_t gpa, uint64_t size, uint8_t *hva,
	    const char *name)
{
	return ram_insert(m, gpa, size, hva, name, false);
}

int ram_add_unreachable(struct ram_map *m, uint64_t gpa, uint64_t size,
			const char *name)
{
	return ram_insert(m, gpa, size, NULL, name, true);
}

void ram_replace(struct ram_map *dst, struct ram_map *src)
{
	uint64_t gen = dst->gen;

	free(dst->regions);
	dst->regions = src->regions;
	dst->nr = src->nr;
	dst->gen = gen + 1;
	src->regions = NULL;
	src->nr = 0;
}

/* Frees the table only: the mappings belong to whoever created them. */
void ram_free(struct ram_map *m)
{
	free(m->regions);
	m->regions = NULL;
	m->nr = 0;
	m->gen++;
}
