/* smp.c - interrupts, the xAPIC and its timer (calibrated on the PIT), and
 * bringing up the second vCPU with INIT/SIPI/SIPI through a real-mode
 * trampoline. */
#include "guest.h"

#define APIC_ID		0x020
#define APIC_EOI	0x0b0
#define APIC_SVR	0x0f0
#define APIC_ICR_LO	0x300
#define APIC_ICR_HI	0x310
#define APIC_LVT_TIMER	0x320
#define APIC_LVT_LINT0	0x350
#define APIC_TIMER_INIT 0x380
#define APIC_TIMER_CUR	0x390
#define APIC_TIMER_DIV	0x3e0
#define ICR_BUSY	(1u << 12)
#define LVT_PERIODIC	(1u << 17)
#define LVT_MASKED	(1u << 16)
#define TIMER_PERIOD_MS 50
#define AP_APIC_ID	1

struct int_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error, rip, cs, rflags, rsp, ss;
};

struct idt_entry {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, zero;
} __attribute__((packed));

extern const uint8_t isr_vectors[];
extern const uint64_t isr_stubs[];
extern const uint32_t isr_count;
extern char tramp_start[], tramp_end[], tramp_cr3[], tramp_stack[],
	tramp_entry[], ap_entry64[], boot_pml4[];

uint32_t apic_timer_count; /* initial count for TIMER_PERIOD_MS */
uint64_t timer_irqs[NR_CPUS];
volatile int cpus_online;

static struct idt_entry idt[256] __attribute__((aligned(16)));
static uint8_t ap_stack[16384] __attribute__((aligned(16)));

static inline uint32_t apic_read(uint32_t reg)
{
	return *(volatile uint32_t *)(APIC_VIRT + reg);
}

static inline void apic_write(uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)(APIC_VIRT + reg) = v;
}

int this_cpu(void)
{
	return apic_read(APIC_ID) >> 24 ? 1 : 0;
}

void isr_dispatch(struct int_frame *f)
{
	uint64_t cr2;

	if (f->vector == TIMER_VECTOR) {
		int cpu = this_cpu();

		timer_irqs[cpu]++;
		apic_write(APIC_EOI, 0);
		return;
	}
	if (f->vector == SPURIOUS_VECTOR)
		return;
	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	panic("exception %lu err=%lx rip=%lx rsp=%lx cr2=%lx rbp=%lx\n",
	      f->vector, f->error, f->rip, f->rsp, cr2, f->rbp);
}

void idt_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = {sizeof(idt) - 1, (uint64_t)idt};
	uint32_t i;

	for (i = 0; i < isr_count; i++) {
		struct idt_entry *e = &idt[isr_vectors[i]];
		uint64_t h = isr_stubs[i];

		e->off_lo = h & 0xffff;
		e->sel = 0x08;
		e->type = 0x8e; /* present, interrupt gate */
		e->off_mid = (h >> 16) & 0xffff;
		e->off_hi = h >> 32;
	}
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

/* PIT channel 2 one-shot, polled on port 0x61 bit 5 (as Linux calibrates). */
static void pit_wait_ms(unsigned int ms)
{
	unsigned int count = 1193182u * ms / 1000;
	long spins = 100000000;

	outb(0x61, (inb(0x61) & ~0x02) | 0x01);
	outb(0x43, 0xb0);
	outb(0x42, count & 0xff);
	outb(0x42, count >> 8);
	while (!(inb(0x61) & 0x20) && --spins)
		cpu_relax();
	if (!spins)
		panic("PIT channel 2 never expired (port 0x61)\n");
}

void apic_timer_calibrate(void)
{
	uint32_t elapsed;

	apic_write(APIC_TIMER_DIV, 0x3); /* divide by 16 */
	apic_write(APIC_LVT_TIMER, LVT_MASKED | TIMER_VECTOR);
	apic_write(APIC_TIMER_INIT, 0xffffffffu);
	pit_wait_ms(10);
	elapsed = 0xffffffffu - apic_read(APIC_TIMER_CUR);
	apic_write(APIC_TIMER_INIT, 0);
	apic_timer_count = elapsed * (TIMER_PERIOD_MS / 10);
	kprintf("sevdbg-guest: apic timer %u counts/10ms\n", elapsed);
}

/* Software-enable the local APIC and start its periodic tick. */
void apic_init(int cpu)
{
	if (cpu == 0) {
		/* The firmware left the 8259 delivering the PIT's IRQ0 (at
		 * vector 8!) through LINT0 as ExtINT: silence both. */
		outb(0x21, 0xff);
		outb(0xa1, 0xff);
	}
	apic_write(APIC_LVT_LINT0, LVT_MASKED);
	apic_write(APIC_SVR, 0x100 | SPURIOUS_VECTOR);
	apic_write(APIC_TIMER_DIV, 0x3);
	apic_write(APIC_LVT_TIMER, LVT_PERIODIC | TIMER_VECTOR);
	apic_write(APIC_TIMER_INIT, apic_timer_count);
}

static void apic_send_ipi(uint32_t apic_id, uint32_t icr)
{
	apic_write(APIC_ICR_HI, apic_id << 24);
	apic_write(APIC_ICR_LO, icr);
	while (apic_read(APIC_ICR_LO) & ICR_BUSY)
		cpu_relax();
}

void smp_boot_ap(void)
{
	uint8_t *t = direct_va(TRAMP_BASE);
	size_t len = tramp_end - tramp_start, i;
	int waited;

	for (i = 0; i < len; i++)
		t[i] = tramp_start[i];
	*(uint64_t *)(t + (tramp_cr3 - tramp_start)) = image_pa(boot_pml4);
	*(uint64_t *)(t + (tramp_stack - tramp_start)) =
		(uint64_t)(ap_stack + sizeof(ap_stack));
	*(uint64_t *)(t + (tramp_entry - tramp_start)) = (uint64_t)ap_entry64;

	apic_send_ipi(AP_APIC_ID, 0x4500); /* INIT */
	pit_wait_ms(10);
	apic_send_ipi(AP_APIC_ID, 0x4600 | (TRAMP_BASE >> 12)); /* SIPI */
	pit_wait_ms(1);
	if (cpus_online < 2)
		apic_send_ipi(AP_APIC_ID, 0x4600 | (TRAMP_BASE >> 12));
	for (waited = 0; cpus_online < 2 && waited < 2000; waited += 10)
		pit_wait_ms(10);
	if (cpus_online < 2)
		kprintf("sevdbg-guest: cpu1 did not come up (run with -smp 2)\n");
}

/* First C code of the AP, already on the final page tables. */
void ap_main(void)
{
	idt_init();
	apic_init(1);
	__atomic_add_fetch(&cpus_online, 1, __ATOMIC_SEQ_CST);
	kprintf("sevdbg-guest: cpu1 online\n");
	cpu_loop(1);
}
