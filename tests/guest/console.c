/* console.c - polled COM1 output for the test guest: a tiny printf whose
 * lines never interleave across CPUs, and panic(). */
#include "guest.h"

#define COM1	 0x3f8
#define LSR_THRE 0x20

static struct spinlock console_lock;

void serial_init(void)
{
	outb(COM1 + 1, 0x00); /* no interrupts: output is polled */
	outb(COM1 + 3, 0x80); /* DLAB */
	outb(COM1 + 0, 0x01); /* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); /* 8n1 */
	outb(COM1 + 2, 0xc7); /* FIFO on, cleared */
	outb(COM1 + 4, 0x03); /* DTR, RTS */
}

static void serial_putc(char c)
{
	int spins = 100000;

	if (c == '\n')
		serial_putc('\r');
	while (!(inb(COM1 + 5) & LSR_THRE) && --spins)
		cpu_relax();
	outb(COM1, (uint8_t)c);
}

static void put_str(const char *s)
{
	while (*s)
		serial_putc(*s++);
}

static void put_num(uint64_t v, unsigned int base, int width, char pad)
{
	char buf[24];
	int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n < width--)
		serial_putc(pad);
	while (n)
		serial_putc(buf[--n]);
}

/* Supports %s %c %d %u %x %p with an optional 0/width and l/ll. */
static void vprint(const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		int lng = 0, width = 0;
		char pad = ' ';
		uint64_t u;
		int64_t s;

		if (*fmt != '%') {
			serial_putc(*fmt);
			continue;
		}
		fmt++;
		if (*fmt == '0')
			pad = '0';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l') {
			lng = 1;
			fmt++;
		}
		switch (*fmt) {
		case 's':
			put_str(va_arg(ap, const char *));
			break;
		case 'c':
			serial_putc((char)va_arg(ap, int));
			break;
		case 'd':
			s = lng ? va_arg(ap, long) : va_arg(ap, int);
			if (s < 0) {
				serial_putc('-');
				s = -s;
			}
			put_num((uint64_t)s, 10, width, pad);
			break;
		case 'u':
		case 'x':
			u = lng ? va_arg(ap, unsigned long)
				: va_arg(ap, unsigned int);
			put_num(u, *fmt == 'u' ? 10 : 16, width, pad);
			break;
		case 'p':
			put_str("0x");
			put_num((uint64_t)va_arg(ap, void *), 16, 16, '0');
			break;
		case '%':
			serial_putc('%');
			break;
		default:
			serial_putc('?');
			break;
		}
	}
}

void kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	spin_lock(&console_lock);
	vprint(fmt, ap);
	spin_unlock(&console_lock);
	va_end(ap);
}

/* No lock: the CPU may already hold it when it faults. */
void panic(const char *fmt, ...)
{
	va_list ap;

	__asm__ volatile("cli");
	va_start(ap, fmt);
	put_str("sevdbg-guest: PANIC: ");
	vprint(fmt, ap);
	va_end(ap);
	for (;;)
		__asm__ volatile("cli; hlt");
}
