// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for the RSP framing state machine, the register table and its
 * target XML, and gdb's CRC-32 as qCRC computes it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sevdbg/regs.h"
#include "sevdbg/rsp.h"
#include "gdbstub/rsp/server.h"

/* Feed s; return the last event other than RSP_NONE. */
static enum rsp_event feed(struct rsp *r, const char *s, size_t len)
{
	enum rsp_event ev, last = RSP_NONE;
	size_t i;

	for (i = 0; i < len; i++) {
		ev = rsp_feed(r, (uint8_t)s[i]);
		if (ev != RSP_NONE)
			last = ev;
	}
	return last;
}
#define FEED(r, lit) feed((r), (lit), sizeof(lit) - 1)

static void test_packet_and_ack(void **state)
{
	struct rsp r;

	assert_int_equal(rsp_init(&r, 64), 0);
	assert_int_equal(FEED(&r, "$m1000,4#8e"), RSP_PACKET);
	assert_int_equal(r.len, 7);
	assert_string_equal((char *)r.buf, "m1000,4");
	assert_string_equal(r.out.buf, "+");
	rsp_release(&r);
}

static void test_bad_checksum(void **state)
{
	struct rsp r;

	assert_int_equal(rsp_init(&r, 64), 0);
	assert_int_equal(FEED(&r, "$m1000,4#8f"), RSP_BAD_CHECKSUM);
	assert_int_equal(FEED(&r, "$m1000,4#g8"), RSP_BAD_CHECKSUM);
	assert_string_equal(r.out.buf, "--");
	/* back in sync for the next packet */
	assert_int_equal(FEED(&r, "$m1000,4#8E"), RSP_PACKET);
	rsp_release(&r);
}

static void test_escape_and_rle(void **state)
{
	struct rsp r;

	assert_int_equal(rsp_init(&r, 64), 0);
	/* "}]" is '}', "0* " is 0 plus 3 more; checksum over the raw bytes */
	assert_int_equal(FEED(&r, "$X}]0* #ac"), RSP_PACKET);
	assert_int_equal(r.len, 6);
	assert_memory_equal(r.buf, "X}0000", 6);
	/* a repeat count under 3, or with nothing to repeat, is malformed */
	assert_int_equal(FEED(&r, "$*\"#4c"), RSP_BAD_CHECKSUM);
	rsp_release(&r);
}

static void test_overflow_keeps_sync(void **state)
{
	struct rsp r;

	assert_int_equal(rsp_init(&r, 4), 0);
	assert_int_equal(FEED(&r, "$abcdef#55"), RSP_OVERFLOW);
	assert_int_equal(FEED(&r, "$abcd#8a"), RSP_PACKET);
	/* RLE can overflow too */
	assert_int_equal(FEED(&r, "$a*~#09"), RSP_OVERFLOW);
	rsp_release(&r);
}

static void test_retransmit_noack_interrupt(void **state)
{
	struct rsp r;

	assert_int_equal(rsp_init(&r, 64), 0);
	assert_int_equal(FEED(&r, "-"), RSP_NACK); /* nothing to resend yet */
	assert_int_equal(r.out.len, 0);
	rsp_put_str(&r, "OK");
	assert_string_equal(r.out.buf, "$OK#9a");
	rsp_consume_out(&r, 3);
	assert_string_equal(r.out.buf, "#9a");
	rsp_consume_out(&r, 100);
	assert_int_equal(FEED(&r, "-"), RSP_NACK);
	assert_string_equal(r.out.buf, "$OK#9a");
	assert_int_equal(FEED(&r, "\x03"), RSP_INTERRUPT);
	assert_int_equal(FEED(&r, "+"), RSP_ACK);
	rsp_consume_out(&r, r.out.len);
	r.no_ack = true;
	assert_int_equal(FEED(&r, "$g#67"), RSP_PACKET);
	assert_int_equal(FEED(&r, "$g#00"), RSP_BAD_CHECKSUM);
	assert_int_equal(r.out.len, 0);
	/* \x03 inside a packet is data (X payloads) */
	assert_int_equal(FEED(&r, "$\x03#03"), RSP_PACKET);
	/*
	 * gdb 13 still sends '-' after each 2 s it waits for a reply in
	 * no-ack mode; resending would give it the reply twice, and it
	 * would take the copy as the reply to its next packet.
	 */
	rsp_put_str(&r, "OK");
	rsp_consume_out(&r, r.out.len);
	assert_int_equal(FEED(&r, "-"), RSP_NACK);
	assert_int_equal(r.out.len, 0);
	rsp_release(&r);
}

static void test_escape_binary(void **state)
{
	struct strbuf sb;

	sb_init(&sb);
	rsp_escape_binary(&sb, "a$#}*b", 6);
	assert_string_equal(sb.buf, "a}\x04}\x03}]}\nb");
	sb_release(&sb);
}

static void test_regs_layout(void **state)
{
	unsigned int i;

	assert_int_equal(regs_offset(REGS_NR), REGS_BYTES);
	assert_int_equal(regs_offset(REGS_RIP), 128);
	assert_int_equal(regs_size(REGS_EFLAGS), 4);
	assert_int_equal(regs_size(REGS_ST0), 10);
	assert_int_equal(regs_size(REGS_XMM15), 16);
	assert_string_equal(regs_desc[REGS_CR3].name, "cr3");
	assert_string_equal(regs_desc[REGS_K_GS_BASE].name, "k_gs_base");
	assert_string_equal(regs_desc[REGS_MXCSR].name, "mxcsr");
	for (i = 0; i < REGS_NR; i++)
		assert_true(regs_desc[i].bits % 8 == 0);
}

/* The XML numbers registers like gdb: regnum="N" or previous + 1. */
static void test_target_xml_matches_table(void **state)
{
	const char *p = regs_target_xml();
	int seen[REGS_NR] = {0}, next = 0, nr, bits, i;
	char name[32];

	assert_non_null(strstr(p, "<architecture>i386:x86-64</architecture>"));
	assert_non_null(strstr(p, "org.gnu.gdb.i386.core"));
	assert_non_null(strstr(p, "org.gnu.gdb.i386.sse"));
	while ((p = strstr(p, "<reg "))) {
		assert_int_equal(sscanf(p,
					"<reg name=\"%31[^\"]\" bitsize=\"%d\"",
					name, &bits),
				 2);
		nr = next;
		const char *end = strchr(p, '>'), *rn = strstr(p, "regnum=\"");

		if (rn && rn < end)
			nr = atoi(rn + 8);
		assert_in_range(nr, 0, REGS_NR - 1);
		assert_string_equal(name, regs_desc[nr].name);
		assert_int_equal(bits, (int)regs_desc[nr].bits);
		seen[nr]++;
		next = nr + 1;
		p = end;
	}
	for (i = 0; i < REGS_NR; i++)
		assert_int_equal(seen[i], 1);
}

static void test_regs_get_set(void **state)
{
	struct regs r;

	memset(&r, 0, sizeof(r));
	regs_set(&r, REGS_EFLAGS, 0x1234567890ULL);
	assert_int_equal(regs_get(&r, REGS_EFLAGS), 0x34567890);
	assert_true(r.valid[REGS_EFLAGS]);
	regs_set(&r, REGS_CR3, 0x9000);
	assert_int_equal(r.raw[regs_offset(REGS_CR3) + 1], 0x90);
}

/* gdb's xcrc32 is CRC-32/MPEG-2: check value 0x0376e6e7 for "123456789". */
static void test_crc32(void **state)
{
	assert_int_equal(server_crc32(0xffffffffu, (const uint8_t *)"123456789",
				      9),
			 0x0376e6e7);
	assert_int_equal(server_crc32(0xffffffffu, NULL, 0), 0xffffffffu);
}

/* The sliced CRC equals a bit-at-a-time one at every length and offset,
 * and over a buffer split anywhere (qCRC crosses chunks). */
static uint32_t crc32_bitwise(uint32_t crc, const uint8_t *buf, size_t len)
{
	int bit;

	while (len--) {
		crc ^= (uint32_t)*buf++ << 24;
		for (bit = 0; bit < 8; bit++)
			crc = crc & 0x80000000u ? (crc << 1) ^ 0x04c11db7u
						: crc << 1;
	}
	return crc;
}

static void test_crc32_sliced(void **state)
{
	uint8_t buf[300];
	uint32_t x = 0x12345678;
	size_t i, off, len;

	for (i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245 + 12345;
		buf[i] = (uint8_t)(x >> 16);
	}
	for (off = 0; off < 8; off++)
		for (len = 0; len + off <= sizeof(buf); len += 1 + len / 16)
			assert_int_equal(server_crc32(0xffffffffu, buf + off,
						      len),
					 crc32_bitwise(0xffffffffu, buf + off,
						       len));
	for (i = 0; i <= 64; i++)
		assert_int_equal(server_crc32(server_crc32(0xffffffffu, buf, i),
					      buf + i, 64 - i),
				 crc32_bitwise(0xffffffffu, buf, 64));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_packet_and_ack),
		cmocka_unit_test(test_bad_checksum),
		cmocka_unit_test(test_escape_and_rle),
		cmocka_unit_test(test_overflow_keeps_sync),
		cmocka_unit_test(test_retransmit_noack_interrupt),
		cmocka_unit_test(test_escape_binary),
		cmocka_unit_test(test_regs_layout),
		cmocka_unit_test(test_target_xml_matches_table),
		cmocka_unit_test(test_regs_get_set),
		cmocka_unit_test(test_crc32),
		cmocka_unit_test(test_crc32_sliced),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
