/* paging.c - the guest's final page tables: higher-half image (4K), a direct
 * map of all RAM (2M, split to 4K around shared pages), a 1G-page alias, the
 * xAPIC; C-bit on every private entry; shared/private page conversion. */
#include "guest.h"
#include "sevdbg/simhc.h"

#define PTE_P	       0x001ul
#define PTE_RW	       0x002ul
#define PTE_PWT	       0x008ul
#define PTE_PCD	       0x010ul
#define PTE_PS	       0x080ul
#define PTE_ADDR       0x000ffffffffff000ul
#define PT_POOL_PAGES  96
#define MAX_RAM_RANGES 32
#define SZ_2M	       0x200000ul

#define PVH_START_MAGIC 0x336ec578u
#define E820_RAM	1

struct hvm_start_info {
	uint32_t magic, version, flags, nr_modules;
	uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
	uint32_t memmap_entries, reserved;
};

struct hvm_memmap_table_entry {
	uint64_t addr, size;
	uint32_t type, reserved;
};

extern char _text[], _end[], __shared_start[], __shared_end[];

/* Exported for tests and for the AP entry code. */
uint64_t kernel_cr3;
uint64_t ram_top;    /* end of the highest RAM range */
uint64_t ram_bytes;  /* sum of the RAM ranges */
int alias_1g_active; /* ALIAS_1G_BASE maps [0, 1 GiB) */
uint64_t direct_map_base = DIRECT_MAP_BASE;
struct ram_range ram_ranges[MAX_RAM_RANGES];
int nr_ram_ranges;

static uint64_t pt_pool[PT_POOL_PAGES][512] __attribute__((aligned(4096)));
static unsigned int pt_used;
static uint64_t *pml4;
static uint64_t cbit_mask;

static uint64_t *pt_alloc(void)
{
	if (pt_used == PT_POOL_PAGES)
		panic("page-table pool exhausted (%d pages)\n", PT_POOL_PAGES);
	return pt_pool[pt_used++];
}

static uint64_t *pt_next(uint64_t *table, unsigned int idx)
{
	if (!(table[idx] & PTE_P))
		table[idx] = image_pa(pt_alloc()) | PTE_P | PTE_RW | cbit_mask;
	else if (table[idx] & PTE_PS)
		panic("remapping inside a large page\n");
	return image_va(table[idx] & PTE_ADDR & ~cbit_mask);
}

/* level 1 = 4K PTE, 2 = 2M PDE, 3 = 1G PDPTE */
static void map_one(uint64_t va, uint64_t pa, uint64_t flags, int level)
{
	uint64_t *t = pml4;
	int lvl;

	for (lvl = 4; lvl > level; lvl--)
		t = pt_next(t, (va >> (12 + 9 * (lvl - 1))) & 511);
	t[(va >> (12 + 9 * (level - 1))) & 511] =
		pa | flags | (level > 1 ? PTE_PS : 0);
}

static uint64_t *pte_lookup(uint64_t va)
{
	uint64_t *t = pml4;
	int lvl;

	for (lvl = 4; lvl > 1; lvl--) {
		uint64_t e = t[(va >> (12 + 9 * (lvl - 1))) & 511];

		if (!(e & PTE_P) || (e & PTE_PS))
			panic("no 4K mapping at %lx\n", va);
		t = image_va(e & PTE_ADDR & ~cbit_mask);
	}
	return &t[(va >> 12) & 511];
}

static void read_memmap(uint64_t start_info_pa)
{
	/* Still on the boot tables, which identity-map the first 1 GiB. */
	const struct hvm_start_info *si = (void *)start_info_pa;
	const struct hvm_memmap_table_entry *e;
	uint32_t i;

	if (!start_info_pa || si->magic != PVH_START_MAGIC)
		panic("no PVH start_info (ebx=%lx); boot with -kernel\n",
		      start_info_pa);
	if (si->version < 1 || !si->memmap_entries)
		panic("PVH start_info has no memmap (version %u)\n",
		      si->version);
	e = (const void *)si->memmap_paddr;
	for (i = 0; i < si->memmap_entries; i++) {
		uint64_t s = (e[i].addr + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
		uint64_t end = (e[i].addr + e[i].size) & ~(PAGE_SIZE - 1);

		kprintf("sevdbg-guest: memmap %016lx-%016lx type %u\n",
			e[i].addr, e[i].addr + e[i].size, e[i].type);
		if (e[i].type != E820_RAM || end <= s)
			continue;
		if (nr_ram_ranges == MAX_RAM_RANGES)
			panic("too many RAM ranges\n");
		ram_ranges[nr_ram_ranges].start = s;
		ram_ranges[nr_ram_ranges++].end = end;
		ram_bytes += end - s;
		if (end > ram_top)
			ram_top = end;
	}
}

static int range_is_ram(uint64_t s, uint64_t e)
{
	int i;

	for (i = 0; i < nr_ram_ranges; i++)
		if (s >= ram_ranges[i].start && e <= ram_ranges[i].end)
			return 1;
	return 0;
}

static int chunk_has_shared(uint64_t pa)
{
	uint64_t s = image_pa(__shared_start), e = image_pa(__shared_end);

	return pa < e && pa + SZ_2M > s;
}

/* Like Linux: 2M pages where a whole chunk is RAM; 4K pages where it is not,
 * or where shared pages need their own C-bit. */
static void map_direct(void)
{
	uint64_t flags = PTE_P | PTE_RW | cbit_mask;
	uint64_t c, p;

	for (c = 0; c < ram_top; c += SZ_2M) {
		if (range_is_ram(c, c + SZ_2M) && !chunk_has_shared(c)) {
			map_one(DIRECT_MAP_BASE + c, c, flags, 2);
			continue;
		}
		for (p = c; p < c + SZ_2M; p += PAGE_SIZE)
			if (range_is_ram(p, p + PAGE_SIZE))
				map_one(DIRECT_MAP_BASE + p, p, flags, 1);
	}
}

static int cpu_has_1g_pages(void)
{
	uint32_t a, b, c, d;

	cpuid(0x80000000, &a, &b, &c, &d);
	if (a < 0x80000001)
		return 0;
	cpuid(0x80000001, &a, &b, &c, &d);
	return (d >> 26) & 1;
}

void paging_init(uint64_t start_info_pa)
{
	uint64_t pa;

	cbit_mask = 1ul << sev_cbit;
	read_memmap(start_info_pa);
	pml4 = pt_alloc();

	for (pa = image_pa(_text); pa < image_pa(_end); pa += PAGE_SIZE)
		map_one(KERNEL_VMA + pa, pa, PTE_P | PTE_RW | cbit_mask, 1);
	map_direct();
	if (cpu_has_1g_pages()) {
		/* Read-only alias; exists so walkers meet a 1 GiB page. */
		map_one(ALIAS_1G_BASE, 0, PTE_P | cbit_mask, 3);
		alias_1g_active = 1;
	}
	/* MMIO is never encrypted: no C-bit, uncached. */
	map_one(APIC_VIRT, APIC_PHYS, PTE_P | PTE_RW | PTE_PCD | PTE_PWT, 1);

	kernel_cr3 = image_pa(pml4);
	write_cr3(kernel_cr3);
	vmcoreinfo_init(pml4);
	kprintf("sevdbg-guest: ram %lu MiB top=0x%lx cr3=0x%lx pt-pages=%u alias1g=%d\n",
		ram_bytes >> 20, ram_top, kernel_cr3, pt_used, alias_1g_active);
}

/* A writable private (C-bit) 4K mapping of pa at va: leak mode maps a
 * shared page this way, the mismatch `sevdbg audit` must find. */
void map_private_alias(uint64_t va, uint64_t pa)
{
	map_one(va, pa, PTE_P | PTE_RW | cbit_mask, 1);
	invlpg((void *)va);
}

static void set_cbit(uint64_t va, int enc)
{
	uint64_t *pte = pte_lookup(va);

	*pte = enc ? (*pte | cbit_mask) : (*pte & ~cbit_mask);
	invlpg((void *)va);
}

/* Both mappings of an image page: the image itself and the direct map.
 * Only the local TLB is flushed; the other CPU never touches these pages. */
static void set_cbit_range(void *va, unsigned long npages, int enc)
{
	uint64_t pa = image_pa(va);
	unsigned long i;

	for (i = 0; i < npages; i++) {
		set_cbit(KERNEL_VMA + pa + i * PAGE_SIZE, enc);
		set_cbit(DIRECT_MAP_BASE + pa + i * PAGE_SIZE, enc);
	}
}

/* As Linux: change the mappings, then tell the hypervisor. */
void set_memory_shared(void *va, unsigned long npages)
{
	set_cbit_range(va, npages, 0);
	hc_map_gpa_range(image_pa(va), npages, SIM_HC_ATTR_PAGE_4K);
}

/* Tell the hypervisor first, so it never sees a private mapping of a page
 * it still considers shared. */
void set_memory_private(void *va, unsigned long npages)
{
	hc_map_gpa_range(image_pa(va), npages,
			 SIM_HC_ATTR_PAGE_4K | SIM_HC_ATTR_ENCRYPTED);
	set_cbit_range(va, npages, 1);
}
