/* vmcoreinfo.c - this kernel's VMCOREINFO note, laid out as Linux's
 * crash_save_vmcoreinfo_init() leaves it, so a debugger without registers
 * can find the top page table (SYMBOL(init_top_pgt), NUMBER(phys_base)). */
#include "guest.h"

#define NOTE_NAME     "VMCOREINFO"
#define NOTE_DESC_OFF 24 /* Elf64_Nhdr (12) + "VMCOREINFO\0" padded to 12 */

extern char _text[];

/* A page of its own, private, as Linux allocates it. */
static uint8_t vmcoreinfo_page[PAGE_SIZE] __attribute__((aligned(4096)));
uint64_t vmcoreinfo_pa;

static char *put_str(char *p, const char *s)
{
	while (*s)
		*p++ = *s++;
	return p;
}

/* As Linux prints them: %lx for SYMBOL() and KERNELOFFSET, %ld else. */
static char *put_num(char *p, uint64_t v, unsigned int base)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static char *put_line(char *p, const char *key, uint64_t v, unsigned int base)
{
	p = put_str(p, key);
	p = put_num(p, v, base);
	*p++ = '\n';
	return p;
}

void vmcoreinfo_init(const void *top_pgt)
{
	uint32_t *hdr = (uint32_t *)vmcoreinfo_page;
	char *text = (char *)vmcoreinfo_page + NOTE_DESC_OFF, *p = text;
	/* Loaded where it is linked: phys_base = load - link address = 0. */
	uint64_t phys_base = image_pa(_text) - ((uint64_t)_text - KERNEL_VMA);
	unsigned int i;

	p = put_str(p, "OSRELEASE=sevdbg-test-guest\nPAGESIZE=4096\n");
	p = put_line(p, "SYMBOL(init_top_pgt)=", (uint64_t)top_pgt, 16);
	p = put_line(p, "NUMBER(phys_base)=", phys_base, 10);
	p = put_line(p, "NUMBER(pgtable_l5_enabled)=", 0, 10);
	p = put_line(p, "KERNELOFFSET=", 0, 16);
	for (i = 0; i < sizeof(NOTE_NAME); i++)
		vmcoreinfo_page[12 + i] = NOTE_NAME[i];
	hdr[0] = sizeof(NOTE_NAME);
	hdr[1] = (uint32_t)(p - text);
	hdr[2] = 0;
	vmcoreinfo_pa = image_pa(vmcoreinfo_page);
	kprintf("sevdbg-guest: vmcoreinfo at 0x%lx, init_top_pgt=0x%lx\n",
		vmcoreinfo_pa, (uint64_t)top_pgt);
}
