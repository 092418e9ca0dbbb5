/* guest.h - internal interfaces of the sevdbg test guest: memory layout,
 * CPU helpers and the functions the guest's files share. */
#ifndef GUEST_H
#define GUEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define KERNEL_VMA	0xffffffff80000000ul /* image: KERNEL_VMA + phys */
#define DIRECT_MAP_BASE 0xffff888000000000ul /* all RAM: base + phys */
#define ALIAS_1G_BASE	0xffffc90000000000ul /* first 1 GiB, one 1G page */
#define APIC_VIRT	0xffffffffff000000ul /* xAPIC MMIO, uncached */
#define LEAK_VIRT	0xffffc90040000000ul /* leak mode: bad mapping */
#define APIC_PHYS	0xfee00000ul

#define PAGE_SIZE	4096ul
#define NR_CPUS		2
#define TIMER_VECTOR	0x40
#define SPURIOUS_VECTOR 0xff
#define TRAMP_BASE	0x8000

/* Keep call frames real so gdb can break, bt, finish and next through them. */
#define NOINLINE __attribute__((noinline, noipa, used))

static inline uint64_t image_pa(const void *p)
{
	return (uint64_t)p - KERNEL_VMA;
}

static inline void *image_va(uint64_t pa)
{
	return (void *)(pa + KERNEL_VMA);
}

static inline void *direct_va(uint64_t pa)
{
	return (void *)(pa + DIRECT_MAP_BASE);
}

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c,
			 uint32_t *d)
{
	__asm__ volatile("cpuid"
			 : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
			 : "a"(leaf), "c"(0));
}

static inline void write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline void invlpg(const void *va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

struct spinlock {
	volatile int locked;
};

static inline void spin_lock(struct spinlock *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (l->locked)
			cpu_relax();
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

/* console.c */
void serial_init(void);
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void panic(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

/* paging.c */
struct ram_range {
	uint64_t start, end;
};
extern uint64_t kernel_cr3;
extern uint64_t ram_top;
void paging_init(uint64_t start_info_pa);
void map_private_alias(uint64_t va, uint64_t pa);
void set_memory_shared(void *va, unsigned long npages);
void set_memory_private(void *va, unsigned long npages);

/* vmcoreinfo.c */
extern uint64_t vmcoreinfo_pa;
void vmcoreinfo_init(const void *top_pgt);

/* hc.c */
extern int sev_active;
extern int sev_cbit;
void hc_map_gpa_range(uint64_t gpa, uint64_t npages, uint64_t attrs);

/* smp.c */
void idt_init(void);
void apic_init(int cpu);
void apic_timer_calibrate(void);
void smp_boot_ap(void);
int this_cpu(void);

/* main.c */
void cpu_loop(int cpu) __attribute__((noreturn));
/* leak.c */
void guest_leak(uint64_t start_info_pa);
void timer_interrupt(int cpu);

#endif /* GUEST_H */
