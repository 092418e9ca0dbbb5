// SPDX-License-Identifier: GPL-2.0-only
/*
 * The RSP server's dispatch: a static table of packets with an argument
 * schema each, and the register and memory packets over the session.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdbstub/mem/session.h"
#include "gdbstub/rsp/server-int.h"

/*
 * Schema letters: x hex number, t thread id (-1, 0 or hex), c one char,
 * a annex (up to ':'), r the rest (binary, maybe empty); , : ; = match
 * themselves; ? makes the remainder optional when the packet ends there.
 */
/*
 * A packet goes to the row with the longest name it starts with (a row
 * without a schema must match exactly), so the rows may be in any order.
 */
struct pkt_handler {
	const char *name;   /* prefix of the packet */
	const char *schema; /* NULL: the packet is exactly name */
	pkt_fn fn;
};

static int pkt_read_regs(struct server *sv, const struct pkt_args *a);
static int pkt_write_regs(struct server *sv, const struct pkt_args *a);
static int pkt_read_reg(struct server *sv, const struct pkt_args *a);
static int pkt_write_reg(struct server *sv, const struct pkt_args *a);
static int pkt_read_mem(struct server *sv, const struct pkt_args *a);
static int pkt_read_mem_bin(struct server *sv, const struct pkt_args *a);
static int pkt_write_mem(struct server *sv, const struct pkt_args *a);
static int pkt_write_mem_bin(struct server *sv, const struct pkt_args *a);
static int pkt_set_thread(struct server *sv, const struct pkt_args *a);
static int pkt_thread_alive(struct server *sv, const struct pkt_args *a);
static int pkt_no_ack(struct server *sv, const struct pkt_args *a);
static int pkt_ok(struct server *sv, const struct pkt_args *a);
static int pkt_empty(struct server *sv, const struct pkt_args *a);

static const struct pkt_handler pkt_table[] = {
	{"?", NULL, pkt_stop_reason},
	{"g", NULL, pkt_read_regs},
	{"G", "r", pkt_write_regs},
	{"p", "x", pkt_read_reg},
	{"P", "x=r", pkt_write_reg},
	{"m", "x,x", pkt_read_mem},
	{"x", "x,x", pkt_read_mem_bin},
	{"M", "x,x:r", pkt_write_mem},
	{"X", "x,x:r", pkt_write_mem_bin},
	{"c", "?x", pkt_continue},
	{"C", "x?;x", pkt_continue_sig},
	{"s", "?x", pkt_step},
	{"S", "x?;x", pkt_step_sig},
	{"vCont?", NULL, pkt_vcont_query},
	{"vCont;", "r", pkt_vcont},
	{"Z", "x,x,x?;r", pkt_bp_insert},
	{"z", "x,x,x?;r", pkt_bp_remove},
	{"H", "ct", pkt_set_thread},
	{"T", "t", pkt_thread_alive},
	{"D", "?;x", pkt_detach},
	{"k", NULL, pkt_kill},
	{"vKill;", "x", pkt_vkill},
	{"qSupported", "r", pkt_q_supported},
	{"QStartNoAckMode", NULL, pkt_no_ack},
	{"QNonStop:", "x", pkt_q_nonstop},
	{"vStopped", NULL, pkt_vstopped},
	{"qC", NULL, pkt_q_current},
	{"qfThreadInfo", NULL, pkt_q_thread_first},
	{"qsThreadInfo", NULL, pkt_q_thread_next},
	{"qThreadExtraInfo,", "t", pkt_q_thread_extra},
	{"qAttached", "?:x", pkt_q_attached},
	{"qRcmd,", "r", pkt_q_rcmd},
	{"qSearch:memory:", "x;x;r", pkt_q_search},
	{"qCRC:", "x,x", pkt_q_crc},
	{"qXfer:features:read:", "a:x,x", pkt_q_xfer_features},
	{"qXfer:memory-map:read::", "x,x", pkt_q_xfer_memmap},
	{"qXfer:threads:read::", "x,x", pkt_q_xfer_threads},
	{"qSymbol", "r", pkt_ok},
	{"vMustReplyEmpty", NULL, pkt_empty},
};

static int pkt_hex(const uint8_t **p, const uint8_t *end, uint64_t *out)
{
	uint64_t v = 0;
	int n = 0, d;

	while (*p < end && (d = hex_digit(**p)) >= 0) {
		if (++n > 16)
			return -EINVAL; /* more than 64 bits */
		v = v << 4 | (uint64_t)d;
		(*p)++;
	}
	*out = v;
	return n ? 0 : -EINVAL;
}

static int pkt_tid(const uint8_t **p, const uint8_t *end, int64_t *tid)
{
	uint64_t v;

	if (end - *p >= 2 && (*p)[0] == '-' && (*p)[1] == '1') {
		*p += 2;
		*tid = -1;
		return 0;
	}
	if (pkt_hex(p, end, &v) || v > INT32_MAX)
		return -EINVAL;
	*tid = (int64_t)v;
	return 0;
}

static int pkt_annex(const uint8_t **p, const uint8_t *end, char *out,
		     size_t len)
{
	size_t n = 0;

	while (*p < end && **p != ':') {
		if (n + 1 >= len)
			return -EINVAL;
		out[n++] = (char)*(*p)++;
	}
	out[n] = '\0';
	return 0;
}

/* Fill a from the packet body p..end following schema. */
static int pkt_parse(const char *schema, const uint8_t *p, const uint8_t *end,
		     struct pkt_args *a)
{
	bool optional = false;
	int ret = 0;

	for (; *schema; schema++) {
		if (*schema == '?') {
			optional = true;
			continue;
		}
		if (optional && p == end)
			return 0;
		switch (*schema) {
		case 'x':
			if (a->nr_num == PKT_MAX_NUMS)
				return -EINVAL;
			ret = pkt_hex(&p, end, &a->num[a->nr_num++]);
			break;
		case 't':
			ret = pkt_tid(&p, end, &a->tid);
			break;
		case 'c':
			ret = p < end ? 0 : -EINVAL;
			if (!ret)
				a->op = (char)*p++;
			break;
		case 'a':
			ret = pkt_annex(&p, end, a->annex, sizeof(a->annex));
			break;
		case 'r':
			a->rest = p;
			a->rest_len = (size_t)(end - p);
			p = end;
			break;
		default:
			ret = p < end && *p == (uint8_t)*schema ? 0 : -EINVAL;
			p++;
			break;
		}
		if (ret)
			return ret;
	}
	return p == end ? 0 : -EINVAL;
}

void server_reply_str(struct server *sv, const char *s)
{
	sb_puts(&sv->reply, s);
}

void server_reply_err(struct server *sv, int err)
{
	sb_reset(&sv->reply);
	if (err == -ENOSYS)
		return;
	sb_printf(&sv->reply, "E%02d", err < 0 && err > -100 ? -err : EIO);
}

int server_tid_vcpu(struct server *sv, int64_t tid)
{
	if (tid < 1 || tid > sv->nr_vcpus)
		return -ESRCH;
	return (int)tid - 1;
}

/* The row for pkt (see struct pkt_handler), or NULL: unsupported. */
static const struct pkt_handler *pkt_lookup(const uint8_t *pkt, size_t len)
{
	const struct pkt_handler *h, *best = NULL;
	size_t i, nlen, best_len = 0;

	for (i = 0; i < ARRAY_SIZE(pkt_table); i++) {
		h = &pkt_table[i];
		nlen = strlen(h->name);
		if (len < nlen || memcmp(pkt, h->name, nlen))
			continue;
		if (!h->schema && len != nlen)
			continue;
		if (nlen > best_len) {
			best = h;
			best_len = nlen;
		}
	}
	return best;
}

static void server_dispatch(struct server *sv, const uint8_t *pkt, size_t len)
{
	const struct pkt_handler *h = pkt_lookup(pkt, len);
	struct pkt_args args;
	int ret;

	sb_reset(&sv->reply);
	sv->no_reply = false;
	if (!sv->waiting) /* the guest may have moved behind our back */
		session_sync(sv->s);
	if (h) {
		memset(&args, 0, sizeof(args));
		ret = h->schema ? pkt_parse(h->schema, pkt + strlen(h->name),
					    pkt + len, &args)
				: 0;
		if (!ret)
			ret = h->fn(sv, &args);
		if (ret)
			server_reply_err(sv, ret);
	}
	if (!sv->no_reply)
		rsp_put_packet(&sv->rsp, sv->reply.buf ? sv->reply.buf : "",
			       sv->reply.len);
}

void server_input(struct server *sv, const uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len && !sv->closing; i++) {
		switch (rsp_feed(&sv->rsp, buf[i])) {
		case RSP_PACKET:
			server_dispatch(sv, sv->rsp.buf, sv->rsp.len);
			break;
		case RSP_OVERFLOW:
			pr_debug("dropped a packet longer than PacketSize");
			rsp_put_str(&sv->rsp, "E07");
			break;
		case RSP_INTERRUPT:
			if (sv->waiting)
				target_interrupt(sv->s->t);
			break;
		default:
			break;
		}
	}
}

static void server_put_reg(struct server *sv, const struct regs *r,
			   unsigned int nr)
{
	size_t n = regs_size(nr), i;

	if (r->valid[nr]) {
		sb_hex(&sv->reply, r->raw + regs_offset(nr), n);
		return;
	}
	for (i = 0; i < n; i++)
		sb_puts(&sv->reply, "xx");
}

static int pkt_read_regs(struct server *sv, const struct pkt_args *a)
{
	struct regs r;
	unsigned int i;
	int ret;

	memset(&r, 0, sizeof(r));
	ret = session_read_regs(sv->s, sv->g_vcpu, &r);
	if (ret)
		return ret;
	for (i = 0; i < REGS_NR; i++)
		server_put_reg(sv, &r, i);
	return 0;
}

/* G: every register the hex covers; a shorter G writes the first ones. */
static int pkt_write_regs(struct server *sv, const struct pkt_args *a)
{
	struct regs r;
	unsigned int i;
	int ret;

	if (a->rest_len % 2 || a->rest_len > 2 * REGS_BYTES)
		return -EINVAL;
	if (sv->s->read_only)
		return -EPERM;
	memset(&r, 0, sizeof(r));
	ret = session_read_regs(sv->s, sv->g_vcpu, &r);
	if (ret)
		return ret;
	if (hex_decode((const char *)a->rest, a->rest_len, r.raw))
		return -EINVAL;
	for (i = 0; i < REGS_NR; i++)
		if (regs_offset(i) + regs_size(i) <= a->rest_len / 2)
			r.valid[i] = 1;
	ret = target_write_regs(sv->s->t, sv->g_vcpu, &r);
	if (!ret)
		server_reply_str(sv, "OK");
	return ret;
}

static int pkt_read_reg(struct server *sv, const struct pkt_args *a)
{
	struct regs r;
	int ret;

	if (a->num[0] >= REGS_NR)
		return -EINVAL;
	memset(&r, 0, sizeof(r));
	ret = session_read_regs(sv->s, sv->g_vcpu, &r);
	if (ret)
		return ret;
	server_put_reg(sv, &r, (unsigned int)a->num[0]);
	return 0;
}

static int pkt_write_reg(struct server *sv, const struct pkt_args *a)
{
	uint8_t val[16];
	unsigned int nr = (unsigned int)a->num[0];
	int ret;

	if (a->num[0] >= REGS_NR || a->rest_len != 2 * regs_size(nr) ||
	    hex_decode((const char *)a->rest, a->rest_len, val))
		return -EINVAL;
	if (sv->s->read_only)
		return -EPERM;
	ret = target_write_reg(sv->s->t, sv->g_vcpu, nr, val);
	if (!ret)
		server_reply_str(sv, "OK");
	return ret;
}

/* Read what is readable from the start; 0 readable bytes is EFAULT. */
static ssize_t server_read_mem(struct server *sv, uint64_t addr, uint64_t len)
{
	ssize_t n;

	if (len > SERVER_MEM_MAX)
		return -EINVAL;
	if (len > UINT64_MAX - addr + 1 && addr)
		len = UINT64_MAX - addr + 1; /* stop at the top of memory */
	n = session_read_virt(sv->s, sv->g_vcpu, addr, sv->mem, (size_t)len);
	if (n <= 0) {
		pr_debug("read of 0x%llx bytes at 0x%llx failed (%zd)",
			 (unsigned long long)len, (unsigned long long)addr, n);
		return -EFAULT;
	}
	return n;
}

static int pkt_read_mem(struct server *sv, const struct pkt_args *a)
{
	ssize_t n;

	if (!a->num[1])
		return -EINVAL;
	n = server_read_mem(sv, a->num[0], a->num[1]);
	if (n < 0)
		return (int)n;
	sb_hex(&sv->reply, sv->mem, (size_t)n);
	return 0;
}

/* gdb 16's x: "b" then the bytes, binary-escaped. */
static int pkt_read_mem_bin(struct server *sv, const struct pkt_args *a)
{
	ssize_t n = 0;

	if (a->num[1]) {
		n = server_read_mem(sv, a->num[0], a->num[1]);
		if (n < 0)
			return (int)n;
	}
	sb_putc(&sv->reply, 'b');
	rsp_escape_binary(&sv->reply, sv->mem, (size_t)n);
	return 0;
}

static int server_write_mem(struct server *sv, uint64_t addr, const void *buf,
			    size_t len)
{
	ssize_t n;

	if (!len) {
		server_reply_str(sv, "OK");
		return 0;
	}
	if (sv->s->read_only || sv->s->t->read_only)
		return -EPERM;
	n = session_write_virt(sv->s, sv->g_vcpu, addr, buf, len);
	if (n == -EPERM || n == -EROFS)
		return -EPERM;
	if (n < 0 || (size_t)n != len)
		return -EFAULT;
	server_reply_str(sv, "OK");
	return 0;
}

static int pkt_write_mem(struct server *sv, const struct pkt_args *a)
{
	uint64_t len = a->num[1];

	if (len > SERVER_MEM_MAX || a->rest_len != 2 * len ||
	    hex_decode((const char *)a->rest, a->rest_len, sv->mem))
		return -EINVAL;
	return server_write_mem(sv, a->num[0], sv->mem, (size_t)len);
}

static int pkt_write_mem_bin(struct server *sv, const struct pkt_args *a)
{
	if (a->num[1] != a->rest_len)
		return -EINVAL;
	return server_write_mem(sv, a->num[0], a->rest, a->rest_len);
}

static int pkt_set_thread(struct server *sv, const struct pkt_args *a)
{
	int vcpu;

	if (a->op != 'g' && a->op != 'c')
		return -EINVAL;
	if (a->tid <= 0) {
		/* any thread: keep the selection; all threads (Hc-1): all */
		if (a->op == 'c')
			sv->c_vcpu = a->tid < 0 ? -1 : sv->c_vcpu;
		server_reply_str(sv, "OK");
		return 0;
	}
	vcpu = server_tid_vcpu(sv, a->tid);
	if (vcpu < 0)
		return vcpu;
	if (a->op == 'g') {
		sv->g_vcpu = vcpu;
		sv->s->cur_vcpu = vcpu;
	} else {
		sv->c_vcpu = vcpu;
	}
	server_reply_str(sv, "OK");
	return 0;
}

static int pkt_thread_alive(struct server *sv, const struct pkt_args *a)
{
	int vcpu = server_tid_vcpu(sv, a->tid);

	if (vcpu < 0)
		return vcpu;
	server_reply_str(sv, "OK");
	return 0;
}

static int pkt_no_ack(struct server *sv, const struct pkt_args *a)
{
	/* The OK still travels with acks; everything after it without. */
	rsp_put_str(&sv->rsp, "OK");
	sv->rsp.no_ack = true;
	sv->no_reply = true;
	return 0;
}

static int pkt_ok(struct server *sv, const struct pkt_args *a)
{
	server_reply_str(sv, "OK");
	return 0;
}

static int pkt_empty(struct server *sv, const struct pkt_args *a)
{
	return 0;
}

int server_init(struct server *sv, struct session *s)
{
	int ret;

	memset(sv, 0, sizeof(*sv));
	sv->s = s;
	sv->listen_fd = -1;
	sb_init(&sv->reply);
	sv->mem = malloc(SERVER_MEM_MAX);
	if (!sv->mem)
		return -ENOMEM;
	ret = rsp_init(&sv->rsp, RSP_PACKET_SIZE);
	if (ret) {
		free(sv->mem);
		sv->mem = NULL;
	}
	return ret;
}

void server_release(struct server *sv)
{
	rsp_release(&sv->rsp);
	sb_release(&sv->reply);
	free(sv->mem);
	sv->mem = NULL;
}

int server_connect(struct server *sv)
{
	int n = target_nr_vcpus(sv->s->t);

	rsp_reset(&sv->rsp);
	sv->nr_vcpus = n > 0 ? MIN(n, TARGET_MAX_VCPUS) : 1;
	sv->g_vcpu = sv->s->cur_vcpu < sv->nr_vcpus ? sv->s->cur_vcpu : 0;
	sv->c_vcpu = -1;
	sv->closing = false;
	sv->no_reply = false;
	sv->non_stop = false;	       /* every gdb starts in all-stop */
	sv->gdb_error_message = false; /* until this gdb says so */
	if (sv->s->t->running)
		return server_stop_target(sv, 5000);
	return 0;
}
