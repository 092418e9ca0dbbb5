// SPDX-License-Identifier: GPL-2.0-only
/*
 * RSP framing (QEMU gdbstub style): a byte-at-a-time state machine that
 * unescapes and RLE-expands packets, checks checksums and queues acks.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sevdbg/rsp.h"

int rsp_init(struct rsp *r, size_t max)
{
	memset(r, 0, sizeof(*r));
	r->buf = malloc(max + 1);
	if (!r->buf)
		return -ENOMEM;
	r->max = max;
	sb_init(&r->out);
	sb_init(&r->last);
	rsp_reset(r);
	return 0;
}

void rsp_release(struct rsp *r)
{
	free(r->buf);
	r->buf = NULL;
	sb_release(&r->out);
	sb_release(&r->last);
}

void rsp_reset(struct rsp *r)
{
	r->state = RS_IDLE;
	r->len = 0;
	r->buf[0] = '\0';
	r->overflow = false;
	r->bad = false;
	r->no_ack = false;
	sb_reset(&r->out);
	sb_reset(&r->last);
}

static void rsp_store(struct rsp *r, uint8_t c)
{
	if (r->len >= r->max) {
		r->overflow = true;
		return;
	}
	r->buf[r->len++] = c;
}

static void rsp_start(struct rsp *r)
{
	r->state = RS_GETLINE;
	r->len = 0;
	r->csum = 0;
	r->rx_csum = 0;
	r->overflow = false;
	r->bad = false;
}

/* The byte after '#'s two digits decides the packet's fate. */
static enum rsp_event rsp_finish(struct rsp *r)
{
	r->state = RS_IDLE;
	r->buf[r->len] = '\0';
	if (r->bad || r->rx_csum != r->csum) {
		if (!r->no_ack)
			sb_putc(&r->out, '-');
		return RSP_BAD_CHECKSUM;
	}
	if (!r->no_ack)
		sb_putc(&r->out, '+');
	return r->overflow ? RSP_OVERFLOW : RSP_PACKET;
}

static enum rsp_event rsp_idle(struct rsp *r, uint8_t c)
{
	switch (c) {
	case '$':
		rsp_start(r);
		return RSP_NONE;
	case 0x03:
		return RSP_INTERRUPT;
	case '+':
		return RSP_ACK;
	case '-':
		/*
		 * gdb lost our reply: send it again. Not in no-ack mode,
		 * where gdb 13 sends '-' whenever a reply takes over 2 s
		 * (remotetimeout) and would take a copy for its next reply.
		 */
		if (r->last.len && !r->no_ack)
			sb_add(&r->out, r->last.buf, r->last.len);
		return RSP_NACK;
	default:
		return RSP_NONE; /* line noise between packets */
	}
}

static void rsp_getline(struct rsp *r, uint8_t c)
{
	switch (c) {
	case '$':
		/* A new start means the previous packet was cut: resync. */
		rsp_start(r);
		return;
	case '#':
		r->state = RS_CHKSUM1;
		return;
	case '}':
		r->state = RS_GETLINE_ESC;
		break;
	case '*':
		r->state = RS_GETLINE_RLE;
		break;
	default:
		rsp_store(r, c);
		break;
	}
	r->csum += c;
}

/* "X*n": repeat the previous byte n - 29 more times. */
static void rsp_rle(struct rsp *r, uint8_t c)
{
	int n = (int)c - 29;

	r->csum += c;
	r->state = RS_GETLINE;
	if (r->len == 0 || n < 3 || n > 126 - 29) {
		r->bad = true; /* nothing to repeat, or a count gdb never sends
				*/
		return;
	}
	while (n-- > 0 && !r->overflow)
		rsp_store(r, r->buf[r->len - 1]);
}

enum rsp_event rsp_feed(struct rsp *r, uint8_t c)
{
	int d;

	switch (r->state) {
	case RS_IDLE:
		return rsp_idle(r, c);
	case RS_GETLINE:
		rsp_getline(r, c);
		return RSP_NONE;
	case RS_GETLINE_ESC:
		r->csum += c;
		rsp_store(r, c ^ 0x20);
		r->state = RS_GETLINE;
		return RSP_NONE;
	case RS_GETLINE_RLE:
		rsp_rle(r, c);
		return RSP_NONE;
	case RS_CHKSUM1:
	case RS_CHKSUM2:
		d = hex_digit(c);
		if (d < 0)
			r->bad = true;
		r->rx_csum = (uint8_t)(r->rx_csum << 4 | (d & 0xf));
		if (r->state == RS_CHKSUM1) {
			r->state = RS_CHKSUM2;
			return RSP_NONE;
		}
		return rsp_finish(r);
	}
	return RSP_NONE;
}

static bool rsp_needs_escape(uint8_t c)
{
	return c == '$' || c == '#' || c == '}' || c == '*';
}

void rsp_escape_binary(struct strbuf *sb, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i < len; i++) {
		if (rsp_needs_escape(p[i])) {
			sb_putc(sb, '}');
			sb_putc(sb, (char)(p[i] ^ 0x20));
		} else {
			sb_putc(sb, (char)p[i]);
		}
	}
}

void rsp_put_packet(struct rsp *r, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint8_t sum = 0;
	size_t i;

	for (i = 0; i < len; i++)
		sum += p[i];
	sb_reset(&r->last);
	sb_putc(&r->last, '$');
	sb_add(&r->last, data, len);
	sb_printf(&r->last, "#%02x", sum);
	sb_add(&r->out, r->last.buf, r->last.len);
}

void rsp_put_str(struct rsp *r, const char *s)
{
	rsp_put_packet(r, s, strlen(s));
}

void rsp_consume_out(struct rsp *r, size_t len)
{
	if (len >= r->out.len) {
		sb_reset(&r->out);
		return;
	}
	memmove(r->out.buf, r->out.buf + len, r->out.len - len);
	r->out.len -= len;
	r->out.buf[r->out.len] = '\0';
}
