/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The gdb remote serial protocol framing as a transport-free byte state
 * machine: bytes in, packets/acks/interrupts out, framed replies buffered.
 */
#ifndef SEVDBG_RSP_H
#define SEVDBG_RSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sevdbg/util.h"

/* Largest packet payload we accept (advertised as PacketSize, in hex). */
#define RSP_PACKET_SIZE 0x20000

enum rsp_state {
	RS_IDLE,
	RS_GETLINE,
	RS_GETLINE_ESC,
	RS_GETLINE_RLE,
	RS_CHKSUM1,
	RS_CHKSUM2,
};

enum rsp_event {
	RSP_NONE,      /* byte consumed, nothing complete yet */
	RSP_PACKET,    /* a packet is in buf/len (acked already) */
	RSP_INTERRUPT, /* \x03 outside a packet */
	RSP_ACK,       /* '+' */
	RSP_NACK,      /* '-': the last reply was queued again (not no-ack) */
	RSP_BAD_CHECKSUM, /* '-' queued; gdb will resend */
	RSP_OVERFLOW,	  /* packet longer than the limit: dropped */
};

struct rsp {
	enum rsp_state state;
	uint8_t *buf; /* unescaped, RLE-expanded payload, NUL-ended */
	size_t len, max;
	uint8_t csum;	    /* running sum of the raw bytes */
	uint8_t rx_csum;    /* the two digits after '#' */
	bool overflow;	    /* this packet went past max */
	bool bad;	    /* malformed RLE or checksum digit */
	bool no_ack;	    /* QStartNoAckMode in effect */
	struct strbuf out;  /* framed bytes waiting to be written */
	struct strbuf last; /* the last framed packet, for '-' */
};

int rsp_init(struct rsp *r, size_t max);
void rsp_release(struct rsp *r);
/* Back to a fresh connection: idle, acks on, nothing queued. */
void rsp_reset(struct rsp *r);
enum rsp_event rsp_feed(struct rsp *r, uint8_t c);

/*
 * Queue one packet as is: gdb unescapes only binary replies (x, qXfer), so
 * their handlers escape with rsp_escape_binary(); text replies are plain.
 */
void rsp_put_packet(struct rsp *r, const void *data, size_t len);
void rsp_put_str(struct rsp *r, const char *s);
/* Append len bytes to sb with the binary escaping of X/x/qXfer. */
void rsp_escape_binary(struct strbuf *sb, const void *data, size_t len);
/* Drop len written bytes from the head of r->out. */
void rsp_consume_out(struct rsp *r, size_t len);

#endif
