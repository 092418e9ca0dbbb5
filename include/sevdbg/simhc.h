/* simhc.h - the simulator's page-encryption hypercall channel (DESIGN.md §4).
 * Shared by the test guest (writer) and the sim platform (reader); plain C. */
#ifndef SEVDBG_SIMHC_H
#define SEVDBG_SIMHC_H

#include <stdint.h>

/* isa-debugcon port the guest writes records to, byte by byte (outb). */
#define SIM_HC_PORT 0xe9

/* Bytes 'S','E','V','H' in that order, read as a little-endian u32. */
#define SIM_HC_MAGIC	   0x48564553u
#define SIM_HC_RECORD_SIZE 32

/* Upstream hypercall number; the only one the channel carries today. */
#define SIM_HC_NR_MAP_GPA_RANGE 12
#ifndef KVM_HC_MAP_GPA_RANGE
#define KVM_HC_MAP_GPA_RANGE 12
#endif

/* attrs, with the upstream KVM_HC_MAP_GPA_RANGE encoding. */
#define SIM_HC_ATTR_PAGE_SIZE_MASK 0xfu /* bits 3:0 */
#define SIM_HC_ATTR_PAGE_4K	   0u
#define SIM_HC_ATTR_PAGE_2M	   1u
#define SIM_HC_ATTR_PAGE_1G	   2u
#define SIM_HC_ATTR_ENCRYPTED	   (1u << 4) /* 1 encrypted, 0 decrypted */
#define SIM_HC_ATTR_VALID_MASK	   0x1fu     /* every other bit must be 0 */

/* On the wire: little endian, packed, 32 bytes, no padding. */
struct sim_hc_record {
	uint32_t magic;	 /* SIM_HC_MAGIC */
	uint32_t nr;	 /* SIM_HC_NR_MAP_GPA_RANGE */
	uint64_t gpa;	 /* first guest-physical address, page aligned */
	uint64_t npages; /* in units of the page size in attrs */
	uint64_t attrs;
};

typedef char sim_hc_record_size_check
	[sizeof(struct sim_hc_record) == SIM_HC_RECORD_SIZE ? 1 : -1];

static inline uint64_t sim_hc_le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = (v << 8) | p[n];
	return v;
}

/* Decode one record from its wire bytes, independent of host endianness.
 * Returns 0, or -1 when the magic, number or attrs are not valid. */
static inline int sim_hc_record_decode(const uint8_t buf[SIM_HC_RECORD_SIZE],
				       struct sim_hc_record *r)
{
	r->magic = (uint32_t)sim_hc_le(buf, 4);
	r->nr = (uint32_t)sim_hc_le(buf + 4, 4);
	r->gpa = sim_hc_le(buf + 8, 8);
	r->npages = sim_hc_le(buf + 16, 8);
	r->attrs = sim_hc_le(buf + 24, 8);
	if (r->magic != SIM_HC_MAGIC || r->nr != SIM_HC_NR_MAP_GPA_RANGE)
		return -1;
	if (r->attrs & ~(uint64_t)SIM_HC_ATTR_VALID_MASK)
		return -1;
	if ((r->attrs & SIM_HC_ATTR_PAGE_SIZE_MASK) > SIM_HC_ATTR_PAGE_1G)
		return -1;
	return 0;
}

/* Bytes covered by one page of the size encoded in attrs. */
static inline uint64_t sim_hc_page_bytes(uint64_t attrs)
{
	return 4096ull << (9 * (attrs & SIM_HC_ATTR_PAGE_SIZE_MASK));
}

#endif /* SEVDBG_SIMHC_H */
