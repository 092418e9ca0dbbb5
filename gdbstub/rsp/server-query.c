// SPDX-License-Identifier: GPL-2.0-only
/*
 * The RSP server's query packets: qSupported, threads, qXfer objects
 * (target description, memory map, thread list), qRcmd, qSearch, qCRC.
 */
#include <endian.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "gdbstub/cmd/cmd.h"
#include "gdbstub/mem/session.h"
#include "gdbstub/rsp/server-int.h"

#define O_PACKET_CHUNK 1024 /* bytes of monitor output per O packet */

/* Whether gdb's qSupported list holds feature (e.g. "error-message+"). */
static bool server_gdb_feature(const struct pkt_args *a, const char *feature)
{
	size_t n = strlen(feature), i = 0;
	const char *r = (const char *)a->rest;

	if (a->rest_len && r[0] == ':')
		i = 1;
	while (i < a->rest_len) {
		size_t len = 0;

		while (i + len < a->rest_len && r[i + len] != ';')
			len++;
		if (len == n && !memcmp(r + i, feature, n))
			return true;
		i += len + 1;
	}
	return false;
}

int pkt_q_supported(struct server *sv, const struct pkt_args *a)
{
	sv->gdb_error_message = server_gdb_feature(a, "error-message+");
	sb_printf(&sv->reply,
		  "PacketSize=%x;QStartNoAckMode+;QNonStop+;qXfer:features:read+;qXfer:memory-map:read+;qXfer:threads:read+;swbreak+;hwbreak+;vContSupported+;binary-upload+",
		  RSP_PACKET_SIZE);
	return 0;
}

int pkt_q_current(struct server *sv, const struct pkt_args *a)
{
	sb_printf(&sv->reply, "QC%x", sv->g_vcpu + 1);
	return 0;
}

int pkt_q_thread_first(struct server *sv, const struct pkt_args *a)
{
	int i;

	sb_putc(&sv->reply, 'm');
	for (i = 0; i < sv->nr_vcpus; i++)
		sb_printf(&sv->reply, "%s%x", i ? "," : "", i + 1);
	return 0;
}

int pkt_q_thread_next(struct server *sv, const struct pkt_args *a)
{
	server_reply_str(sv, "l");
	return 0;
}

/* Non-stop mode: gdb shows these vCPUs "(running)"; the text says why. */
static void server_vcpu_text(struct server *sv, int vcpu, char *buf, size_t len)
{
	size_t n;

	if (target_vcpu_describe(sv->s->t, vcpu, buf, len) < 0 || !buf[0])
		snprintf(buf, len, "vCPU %d", vcpu);
	n = strlen(buf);
	if (sv->non_stop && n < len)
		snprintf(buf + n, len - n, "; stopped, registers unavailable");
}

int pkt_q_thread_extra(struct server *sv, const struct pkt_args *a)
{
	int vcpu = server_tid_vcpu(sv, a->tid);
	char text[128];

	if (vcpu < 0)
		return vcpu;
	server_vcpu_text(sv, vcpu, text, sizeof(text));
	sb_hex(&sv->reply, text, strlen(text));
	return 0;
}

int pkt_q_attached(struct server *sv, const struct pkt_args *a)
{
	server_reply_str(sv, sv->s->t->launched ? "0" : "1");
	return 0;
}

/* One slice of a qXfer object: 'm' more follows, 'l' last. */
static int server_xfer(struct server *sv, const char *data, size_t len,
		       uint64_t off, uint64_t want)
{
	size_t n;

	if (off >= len) {
		server_reply_str(sv, "l");
		return 0;
	}
	n = (size_t)MIN(MIN(want, (uint64_t)(len - off)), SERVER_MEM_MAX);
	sb_putc(&sv->reply, off + n < len ? 'm' : 'l');
	rsp_escape_binary(&sv->reply, data + off, n);
	return 0;
}

int pkt_q_xfer_features(struct server *sv, const struct pkt_args *a)
{
	const char *xml = regs_target_xml();

	if (strcmp(a->annex, "target.xml"))
		return -ENOENT;
	return server_xfer(sv, xml, strlen(xml), a->num[0], a->num[1]);
}

static void xml_escape(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<':
			sb_puts(sb, "&lt;");
			break;
		case '>':
			sb_puts(sb, "&gt;");
			break;
		case '&':
			sb_puts(sb, "&amp;");
			break;
		case '"':
			sb_puts(sb, "&quot;");
			break;
		default:
			sb_putc(sb, *s);
			break;
		}
	}
}

/*
 * gdb refuses addresses outside a memory map, and gdb's addresses are
 * virtual: with paging off they are the RAM map; with paging on the whole
 * address space is left to the page-table walker.
 */
static void server_memory_map(struct server *sv, struct strbuf *sb)
{
	const struct ram_map *ram = &sv->s->t->ram;
	struct regs r;
	bool paging = true;
	size_t i;

	/*
	 * gdb reads the map once per connection: a live guest that has paging
	 * off now (stopped at its first instruction, say) may turn it on, so
	 * only a target whose state cannot change gets the RAM map.
	 */
	memset(&r, 0, sizeof(r));
	if (!sv->s->t->live && !session_read_regs(sv->s, sv->g_vcpu, &r) &&
	    r.valid[REGS_CR0])
		paging = regs_get(&r, REGS_CR0) & (1ULL << 31);
	sb_puts(sb,
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE memory-map PUBLIC \"+//IDN gnu.org//DTD GDB Memory Map V1.0//EN\" \"http://sourceware.org/gdb/gdb-memory-map.dtd\">\n"
		"<memory-map>\n");
	if (paging || !ram->nr) {
		sb_puts(sb,
			"<memory type=\"ram\" start=\"0x0\" length=\"0xffffffffffffffff\"/>\n");
	}
	for (i = 0; !paging && i < ram->nr; i++)
		sb_printf(sb,
			  "<memory type=\"ram\" start=\"0x%llx\" length=\"0x%llx\"/>\n",
			  (unsigned long long)ram->regions[i].gpa,
			  (unsigned long long)ram->regions[i].size);
	sb_puts(sb, "</memory-map>\n");
}

static int server_xfer_sb(struct server *sv, struct strbuf *sb,
			  const struct pkt_args *a)
{
	int ret = sb->oom ? -ENOMEM
			  : server_xfer(sv, sb->buf, sb->len, a->num[0],
					a->num[1]);

	sb_release(sb);
	return ret;
}

int pkt_q_xfer_memmap(struct server *sv, const struct pkt_args *a)
{
	struct strbuf sb;

	sb_init(&sb);
	server_memory_map(sv, &sb);
	return server_xfer_sb(sv, &sb, a);
}

int pkt_q_xfer_threads(struct server *sv, const struct pkt_args *a)
{
	struct strbuf sb;
	char text[128];
	int i;

	sb_init(&sb);
	sb_puts(&sb, "<?xml version=\"1.0\"?>\n<threads>\n");
	for (i = 0; i < sv->nr_vcpus; i++) {
		server_vcpu_text(sv, i, text, sizeof(text));
		sb_printf(&sb, "<thread id=\"%x\" core=\"%d\" name=\"CPU#%d\">",
			  i + 1, i, i);
		xml_escape(&sb, text);
		sb_puts(&sb, "</thread>\n");
	}
	sb_puts(&sb, "</threads>\n");
	return server_xfer_sb(sv, &sb, a);
}

/* Monitor output travels as hex O packets before the final reply. */
static void server_console(struct server *sv, const char *text, size_t len)
{
	struct strbuf pkt;
	size_t off, n;

	sb_init(&pkt);
	for (off = 0; off < len; off += n) {
		n = MIN(len - off, (size_t)O_PACKET_CHUNK);
		sb_reset(&pkt);
		sb_putc(&pkt, 'O');
		sb_hex(&pkt, text + off, n);
		rsp_put_packet(&sv->rsp, pkt.buf, pkt.len);
	}
	sb_release(&pkt);
}

/*
 * "E." and the command's first "error: " line. A reply cannot carry $ #
 * or * (gdb's read_frame takes them as framing and run-length, and
 * decodes no } escapes outside binary data): they are left out. The full
 * text went to the console already.
 */
static void server_reply_text_error(struct server *sv, const struct strbuf *out)
{
	const char *e = out->buf ? strstr(out->buf, "error: ") : NULL;
	const char *p;

	sb_reset(&sv->reply);
	sb_puts(&sv->reply, "E.");
	if (!e) {
		sb_puts(&sv->reply, "the command failed");
		return;
	}
	for (p = e + 7; *p && *p != '\n'; p++)
		if (*p >= 0x20 && *p < 0x7f && !strchr("$#*}", *p))
			sb_putc(&sv->reply, *p);
}

int pkt_q_rcmd(struct server *sv, const struct pkt_args *a)
{
	char line[4096];
	struct strbuf out;
	size_t i;
	int ret;

	if (!a->rest_len || a->rest_len / 2 >= sizeof(line) ||
	    hex_decode((const char *)a->rest, a->rest_len, (uint8_t *)line))
		return -EINVAL;
	line[a->rest_len / 2] = '\0';
	for (i = 0; i < a->rest_len / 2; i++)
		if (!line[i])
			return -EINVAL;
	sb_init(&out);
	ret = cmd_run(sv->s, sv->env, line, &out, true);
	if (out.len)
		server_console(sv, out.buf, out.len);
	if (ret && sv->gdb_error_message)
		server_reply_text_error(sv, &out);
	else
		server_reply_str(sv, "OK");
	sb_release(&out);
	return 0;
}

int pkt_q_search(struct server *sv, const struct pkt_args *a)
{
	uint64_t addr = a->num[0], left = a->num[1], step;
	const uint8_t *hit;
	size_t plen = a->rest_len, want;
	ssize_t n;

	if (!plen || plen > SERVER_MEM_MAX / 2)
		return -EINVAL;
	while (left >= plen) {
		want = (size_t)MIN(left, (uint64_t)SERVER_MEM_MAX);
		n = session_read_virt(sv->s, sv->g_vcpu, addr, sv->mem, want);
		if (n <= 0)
			return -EFAULT;
		hit = memmem(sv->mem, (size_t)n, a->rest, plen);
		if (hit) {
			sb_printf(&sv->reply, "1,%llx",
				  (unsigned long long)(addr +
						       (uint64_t)(hit -
								  sv->mem)));
			return 0;
		}
		if ((size_t)n < want)
			return -EFAULT; /* the rest is unreadable */
		/* Keep plen - 1 bytes of overlap for matches across chunks. */
		step = (size_t)n >= plen ? (uint64_t)n - plen + 1 : 1;
		if (left - step < plen || (size_t)n == left)
			break;
		addr += step;
		left -= step;
	}
	server_reply_str(sv, "0");
	return 0;
}

/* gdb's CRC-32 (libiberty xcrc32: polynomial 0x04c11db7, MSB first, no
 * final xor), eight bytes at a time (slicing-by-8): qCRC may cover
 * megabytes. crc_table[0] is the bytewise table; crc_table[k][i] is the
 * CRC of byte i followed by k zero bytes. */
static uint32_t crc_table[8][256];
static pthread_once_t crc_table_once = PTHREAD_ONCE_INIT;

static void crc_table_init(void)
{
	uint32_t c, i, k;
	int bit;

	for (i = 0; i < 256; i++) {
		c = i << 24;
		for (bit = 0; bit < 8; bit++)
			c = c & 0x80000000u ? (c << 1) ^ 0x04c11db7u : c << 1;
		crc_table[0][i] = c;
	}
	for (k = 1; k < 8; k++)
		for (i = 0; i < 256; i++)
			crc_table[k][i] =
				(crc_table[k - 1][i] << 8) ^
				crc_table[0][crc_table[k - 1][i] >> 24];
}

uint32_t server_crc32(uint32_t crc, const uint8_t *buf, size_t len)
{
	size_t i = 0;

	pthread_once(&crc_table_once, crc_table_init);
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		uint32_t hi, lo;

		/* One load of eight bytes, not eight loads (and, under ASan,
		 * one shadow check instead of eight). */
		memcpy(&w, buf + i, sizeof(w));
		w = be64toh(w);
		hi = crc ^ (uint32_t)(w >> 32);
		lo = (uint32_t)w;
		crc = crc_table[7][hi >> 24] ^ crc_table[6][(hi >> 16) & 0xff] ^
		      crc_table[5][(hi >> 8) & 0xff] ^ crc_table[4][hi & 0xff] ^
		      crc_table[3][lo >> 24] ^ crc_table[2][(lo >> 16) & 0xff] ^
		      crc_table[1][(lo >> 8) & 0xff] ^ crc_table[0][lo & 0xff];
	}
	for (; i < len; i++)
		crc = (crc << 8) ^ crc_table[0][(crc >> 24) ^ buf[i]];
	return crc;
}

int pkt_q_crc(struct server *sv, const struct pkt_args *a)
{
	uint64_t addr = a->num[0], left = a->num[1];
	uint32_t crc = 0xffffffffu;
	ssize_t n;

	while (left) {
		n = session_read_virt(sv->s, sv->g_vcpu, addr, sv->mem,
				      (size_t)MIN(left, SERVER_MEM_MAX));
		if (n <= 0)
			return -EFAULT;
		crc = server_crc32(crc, sv->mem, (size_t)n);
		addr += (uint64_t)n;
		left -= (uint64_t)n;
	}
	sb_printf(&sv->reply, "C%08x", crc);
	return 0;
}
