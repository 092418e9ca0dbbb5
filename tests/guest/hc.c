/* hc.c - the page-encryption hypercall: vmmcall on a real SEV guest, the
 * sim's isa-debugcon record channel (include/sevdbg/simhc.h) otherwise. */
#include "guest.h"
#include "sevdbg/simhc.h"

/* Set by boot.S before paging: the one place SEV is detected. */
int sev_active __attribute__((section(".data")));
int sev_cbit __attribute__((section(".data"))) = 52;

uint64_t hc_count;   /* hypercalls issued */
int64_t hc_last_ret; /* vmmcall's rax; 0 for the sim channel */

static struct spinlock hc_lock;

static int64_t hc_vmmcall(uint64_t gpa, uint64_t npages, uint64_t attrs)
{
	int64_t ret;

	__asm__ volatile("vmmcall"
			 : "=a"(ret)
			 : "a"((uint64_t)KVM_HC_MAP_GPA_RANGE), "b"(gpa),
			   "c"(npages), "d"(attrs)
			 : "memory");
	return ret;
}

/* One outb per byte: string I/O would read encrypted memory on SEV. */
static void hc_sim_write(uint64_t gpa, uint64_t npages, uint64_t attrs)
{
	struct sim_hc_record rec = {
		.magic = SIM_HC_MAGIC,
		.nr = SIM_HC_NR_MAP_GPA_RANGE,
		.gpa = gpa,
		.npages = npages,
		.attrs = attrs,
	};
	const uint8_t *b = (const uint8_t *)&rec;
	unsigned int i;

	for (i = 0; i < sizeof(rec); i++)
		outb(SIM_HC_PORT, b[i]);
}

/* Serialized so records from two CPUs never interleave on the port. */
void hc_map_gpa_range(uint64_t gpa, uint64_t npages, uint64_t attrs)
{
	spin_lock(&hc_lock);
	if (sev_active) {
		hc_last_ret = hc_vmmcall(gpa, npages, attrs);
	} else {
		hc_sim_write(gpa, npages, attrs);
		hc_last_ret = 0;
	}
	hc_count++;
	spin_unlock(&hc_lock);
}
