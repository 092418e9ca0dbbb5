/* main.c - what the test guest is for: known patterns in private and shared
 * memory, a shared/private page that flips at run time, and a loop of real
 * call frames on every CPU for breakpoints, backtraces and watchpoints.
 * The symbols and patterns here are the contract in README.md. */
#include "guest.h"

#define DMA_BUF_PAGES  4
#define FLIP_PAGES     2
#define TICKS_PER_LINE 20 /* 50 ms timer: one progress line a second */
#define TICKS_PER_FLIP 40
#define MAILBOX_HALT   0x484c54 /* "HLT": cpu0 does cli; hlt for good */
#define MAILBOX_REBOOT 0x524254 /* "RBT": the guest resets itself */

static const char shared_pattern[] = "SEVDBG-SHARED-PATTERN";

/* DMA-like buffer, shared with the host. */
struct shared_area {
	char pattern[64];
	volatile uint64_t shared_counter; /* BSP: +1 per tick */
	volatile uint64_t ap_counter;	  /* AP: +1 per tick */
	volatile uint64_t flip_count;	  /* copy of flip_count */
	uint8_t rest[DMA_BUF_PAGES * PAGE_SIZE - 64 - 3 * 8];
};

struct shared_area dma_buf
	__attribute__((section(".shared.dma_buf"), aligned(4096)));
/* gdb: `print shared_counter` works too (alias into dma_buf). */
extern volatile uint64_t shared_counter;
__asm__(".globl shared_counter\n.set shared_counter, dma_buf + 64");

uint8_t bss_dec_page[PAGE_SIZE]
	__attribute__((section(".shared.bss_decrypted"), aligned(4096)));
uint8_t flip_region[FLIP_PAGES * PAGE_SIZE]
	__attribute__((section(".shared.flip"), aligned(4096)));

char private_secret[] = "SEVDBG-PRIVATE-PATTERN-0123456789";
uint8_t private_page[PAGE_SIZE] __attribute__((aligned(4096)));

/* Guest-physical addresses, for tests that do not want to compute them. */
uint64_t dma_buf_pa, bss_dec_page_pa, flip_region_pa, private_page_pa;

volatile int flip_state;       /* 1 = flip_region shared, 0 = private */
volatile uint64_t flip_count;  /* completed flips */
volatile int flip_in_progress; /* PTEs and hypervisor may disagree */

volatile uint64_t ticks;	      /* BSP iterations */
volatile uint64_t cpu_ticks[NR_CPUS]; /* per-CPU iterations */
volatile uint64_t watch_me;	      /* written by every CPU, every tick */
volatile uint64_t step_result[NR_CPUS];
volatile uint64_t mailbox;	/* write it from a debugger ... */
volatile uint64_t mailbox_seen; /* ... and the guest copies it here */
volatile int guest_ready;	/* "ready" has been printed */

extern volatile int cpus_online;

NOINLINE uint64_t leaf_function(uint64_t x)
{
	uint64_t r = x * 2654435761u;

	r ^= r >> 13;
	return r;
}

NOINLINE uint64_t compute_step(int cpu, uint64_t n)
{
	uint64_t r = leaf_function(n + (uint64_t)cpu);

	step_result[cpu] = r;
	return r + 1;
}

NOINLINE void work_tick(int cpu)
{
	uint64_t n = ++cpu_ticks[cpu];

	if (cpu == 0) {
		ticks++;
		shared_counter++; /* dma_buf.shared_counter */
	} else {
		dma_buf.ap_counter++;
	}
	watch_me = ((uint64_t)cpu << 56) | n;
	compute_step(cpu, n);
}

/* byte i of flip_region: 'S' shared / 'P' private; first 8 bytes = count. */
static void flip_fill(void)
{
	size_t i;

	for (i = 0; i < sizeof(flip_region); i++)
		flip_region[i] = flip_state ? 'S' : 'P';
	*(volatile uint64_t *)flip_region = flip_count;
}

NOINLINE void flip_toggle(void)
{
	flip_in_progress = 1;
	if (flip_state)
		set_memory_private(flip_region, FLIP_PAGES);
	else
		set_memory_shared(flip_region, FLIP_PAGES);
	flip_state = !flip_state;
	flip_count++;
	flip_fill();
	dma_buf.flip_count = flip_count;
	flip_in_progress = 0;
}

/*
 * What a debugger sees a guest do behind its back, on request: halt the
 * BSP with interrupts off (only an NMI or a reset wakes it; the AP keeps
 * counting) or reset the machine (keyboard controller pulse, as Linux's
 * reboot=k does).
 */
NOINLINE void halt_irqs_off(void)
{
	for (;;)
		__asm__ volatile("cli; hlt" ::: "memory");
}

NOINLINE void guest_reboot(void)
{
	outb(0x64, 0xfe);
	for (;;) /* the reset takes effect before the next instruction */
		__asm__ volatile("cli; hlt" ::: "memory");
}

NOINLINE void check_mailbox(void)
{
	uint64_t m = mailbox;

	if (m == mailbox_seen)
		return;
	mailbox_seen = m;
	kprintf("mailbox: 0x%lx\n", m);
	if (m == MAILBOX_HALT) {
		kprintf("sevdbg-guest: cpu0 halts with interrupts off\n");
		halt_irqs_off();
	} else if (m == MAILBOX_REBOOT) {
		kprintf("sevdbg-guest: rebooting (keyboard controller reset)\n");
		guest_reboot();
	}
}

static void bsp_housekeeping(void)
{
	check_mailbox();
	if (!guest_ready && cpu_ticks[1]) {
		guest_ready = 1;
		kprintf("sevdbg-guest: ready\n");
	}
	if (ticks % TICKS_PER_FLIP == 0)
		flip_toggle();
	if (ticks % TICKS_PER_LINE == 0)
		kprintf("tick %lu flip=%d cpu1=%lu shared=%lu\n", ticks,
			flip_state, cpu_ticks[1], dma_buf.shared_counter);
}

/* Sleep until the next timer tick; interrupts are on only inside hlt. */
NOINLINE void idle_wait(void)
{
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}

void cpu_loop(int cpu)
{
	for (;;) {
		work_tick(cpu);
		if (cpu == 0)
			bsp_housekeeping();
		idle_wait();
	}
}

static void fill_patterns(void)
{
	size_t i;

	for (i = 0; i < sizeof(private_page); i++)
		private_page[i] = (uint8_t)(i * 7 + 3);
	/* Shared pages are written after the conversion, through the new
	 * mapping, as on SEV old contents do not survive it. */
	for (i = 0; i < sizeof(dma_buf); i++)
		((uint8_t *)&dma_buf)[i] =
			shared_pattern[i % (sizeof(shared_pattern) - 1)];
	dma_buf.shared_counter = 0;
	dma_buf.ap_counter = 0;
	dma_buf.flip_count = 0;
	for (i = 0; i < sizeof(bss_dec_page); i++)
		bss_dec_page[i] = (uint8_t)(0xff - i * 3);
}

void kmain(uint64_t info_pa, int protocol)
{
	serial_init();
	kprintf("sevdbg-guest: booting\n");
	kprintf("sevdbg-guest: sev=%d cbit=%d\n", sev_active, sev_cbit);
	paging_init(info_pa, protocol);
	idt_init();
	apic_timer_calibrate();
	apic_init(0);
	cpus_online = 1;

	dma_buf_pa = image_pa(&dma_buf);
	bss_dec_page_pa = image_pa(bss_dec_page);
	flip_region_pa = image_pa(flip_region);
	private_page_pa = image_pa(private_page);
	set_memory_shared(&dma_buf, DMA_BUF_PAGES);
	set_memory_shared(bss_dec_page, 1);
	fill_patterns();
	flip_fill();
	flip_toggle(); /* flip_region starts shared, flip_count 1 */
	guest_leak(info_pa, protocol); /* only with sevdbg.leak */
	kprintf("sevdbg-guest: shared dma_buf=0x%lx bss_dec_page=0x%lx flip_region=0x%lx private_page=0x%lx\n",
		dma_buf_pa, bss_dec_page_pa, flip_region_pa, private_page_pa);

	smp_boot_ap();
	cpu_loop(0);
}
