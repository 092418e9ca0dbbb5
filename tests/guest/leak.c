/* leak.c - leak mode (-append sevdbg.leak, README.md): the confidentiality
 * bugs `sevdbg audit` must find, planted on purpose in a normal guest. */
#include "guest.h"

#define LEAK_SECRET_OFF 0x800 /* in dma_buf, shared */
#define LEAK_KEY_OFF	0x900
#define PVH_CMDLINE_OFF 24 /* hvm_start_info.cmdline_paddr */

extern char private_secret[];
extern uint64_t dma_buf_pa, bss_dec_page_pa;

int leak_mode;		 /* "sevdbg.leak" is on the command line */
char guest_cmdline[256]; /* the command line (PVH or multiboot2) */

/* 32 random bytes: what a key looks like to the host. */
uint8_t leak_key[32] = {0x66, 0x60, 0x18, 0x59, 0xb7, 0xc6, 0x3f, 0x8b,
			0x61, 0x75, 0xa8, 0x8a, 0x47, 0x04, 0xee, 0xd7,
			0x50, 0xfb, 0x57, 0x31, 0xa5, 0x3c, 0x3a, 0x95,
			0x73, 0xa8, 0xa0, 0x6d, 0x6a, 0x97, 0x66, 0x97};

/* The command line, through the direct map (the boot identity map is
 * gone by now): PVH's (-append), or GRUB's (the words after the file on
 * its multiboot2 line); leak mode when the word "sevdbg.leak" is in it. */
static void read_cmdline(uint64_t info_pa, int protocol)
{
	static const char word[] = "sevdbg.leak";
	const struct mb2_tag *t;
	const char *c = NULL;
	size_t i, k;

	if (protocol == BOOT_MB2) {
		t = mb2_find_tag(direct_va(info_pa), MB2_TAG_CMDLINE);
		if (t)
			c = (const char *)&t->entry_size;
	} else {
		uint64_t pa = *(uint64_t *)direct_va(info_pa + PVH_CMDLINE_OFF);

		if (pa)
			c = direct_va(pa);
	}
	for (i = 0; c && c[i] && i + 1 < sizeof(guest_cmdline); i++)
		guest_cmdline[i] = c[i];
	for (i = 0; guest_cmdline[i]; i++) {
		for (k = 0; word[k] && guest_cmdline[i + k] == word[k]; k++)
			;
		if (!word[k])
			leak_mode = 1;
	}
}

/* A secret and a key copied where the host reads them (dma_buf, through
 * its shared direct mapping), and a writable private mapping of a page
 * the hypervisor was told is shared. */
void guest_leak(uint64_t info_pa, int protocol)
{
	uint8_t *dma = direct_va(dma_buf_pa);
	size_t i;

	read_cmdline(info_pa, protocol);
	if (!leak_mode)
		return;
	for (i = 0; i == 0 || private_secret[i - 1]; i++)
		dma[LEAK_SECRET_OFF + i] = (uint8_t)private_secret[i];
	for (i = 0; i < sizeof(leak_key); i++)
		dma[LEAK_KEY_OFF + i] = leak_key[i];
	map_private_alias(LEAK_VIRT, bss_dec_page_pa);
	kprintf("sevdbg-guest: leak mode: secret at pa 0x%lx, key at pa 0x%lx, private mapping of pa 0x%lx at 0x%lx\n",
		dma_buf_pa + LEAK_SECRET_OFF, dma_buf_pa + LEAK_KEY_OFF,
		bss_dec_page_pa, LEAK_VIRT);
}
