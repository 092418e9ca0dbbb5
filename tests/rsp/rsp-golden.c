// SPDX-License-Identifier: GPL-2.0-only
/*
 * Driver for the golden packet files tests/rsp/NAME.test: runs the server over
 * `--listen stdio`, sends each packet, compares each reply, prints TAP.
 *
 * Lines (text after the marker and one space; \xNN and \\ escapes):
 *   # comment    ! target SPEC    ! option ARG...    ! exit CODE
 *   > PAYLOAD              send $PAYLOAD#cs (checksum computed), expect +
 *   >> BYTES               send BYTES exactly (no ack handling)
 *   < PAYLOAD              the next packet's payload is exactly PAYLOAD
 *   <~ PREFIX              the next packet's payload starts with PREFIX
 *   <* TEXT                the next packet's payload contains TEXT
 *   <O PAYLOAD             skip O packets (monitor output), then PAYLOAD
 *   ?O TEXT                the output of the last <O contained TEXT
 *   << BYTES               the next raw bytes are exactly BYTES
 *   <none                  nothing arrives within 300 ms
 * In ack mode the driver acks every packet it reads; after an OK to
 * QStartNoAckMode it stops expecting and sending acks.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_ARGS 16
#define PKT_MAX	 (1 << 20)

struct drv {
	const char *prog, *file;
	char *args[MAX_ARGS];
	int nargs, expect_exit;
	pid_t pid;
	int to, from;
	bool noack, last_noack_req;
	char out[8192]; /* monitor output of the last <O */
	int tests, failed;
	char why[256];
};

static size_t unescape(const char *s, char *out)
{
	size_t n = 0;
	unsigned int v;

	while (*s) {
		if (s[0] == '\\' && s[1] == 'x' && sscanf(s + 2, "%2x", &v)) {
			out[n++] = (char)v;
			s += 4;
		} else if (s[0] == '\\' && s[1] == '\\') {
			out[n++] = '\\';
			s += 2;
		} else {
			out[n++] = *s++;
		}
	}
	out[n] = '\0';
	return n;
}

static int drv_start(struct drv *d)
{
	int in[2], out[2], i;
	char *argv[MAX_ARGS + 8];
	int n = 0;

	if (pipe(in) || pipe(out))
		return -errno;
	argv[n++] = (char *)d->prog;
	argv[n++] = "serve";
	argv[n++] = "--listen";
	argv[n++] = "stdio";
	for (i = 0; i < d->nargs; i++)
		argv[n++] = d->args[i];
	if (!d->nargs || strncmp(argv[n - 1], "test", 4))
		argv[n++] = "test:";
	argv[n] = NULL;
	d->pid = fork();
	if (d->pid < 0)
		return -errno;
	if (!d->pid) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execv(d->prog, argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	d->to = in[1];
	d->from = out[0];
	return 0;
}

static int rd_byte(struct drv *d, int timeout_ms)
{
	struct pollfd p = {.fd = d->from, .events = POLLIN};
	unsigned char c;

	if (poll(&p, 1, timeout_ms) <= 0)
		return -1;
	return read(d->from, &c, 1) == 1 ? c : -1;
}

static void wr(struct drv *d, const char *buf, size_t len)
{
	if (write(d->to, buf, len) != (ssize_t)len)
		snprintf(d->why, sizeof(d->why), "write to server failed");
}

/* One packet's raw payload (still escaped); 0 or -1 with d->why. */
static int rd_packet(struct drv *d, char *buf, size_t *len)
{
	unsigned char sum = 0;
	unsigned int cs;
	char hex[3] = {0};
	int c;

	*len = 0;
	c = rd_byte(d, 5000);
	if (c != '$') {
		snprintf(d->why, sizeof(d->why),
			 c < 0 ? "no reply (timeout)"
			       : "expected '$', got 0x%02x",
			 c);
		return -1;
	}
	while ((c = rd_byte(d, 5000)) >= 0 && c != '#' && *len < PKT_MAX) {
		buf[(*len)++] = (char)c;
		sum += (unsigned char)c;
	}
	buf[*len] = '\0';
	hex[0] = (char)rd_byte(d, 5000);
	hex[1] = (char)rd_byte(d, 5000);
	if (c != '#' || sscanf(hex, "%2x", &cs) != 1 || cs != sum) {
		snprintf(d->why, sizeof(d->why), "bad framing or checksum");
		return -1;
	}
	if (!d->noack)
		wr(d, "+", 1);
	return 0;
}

static void send_packet(struct drv *d, const char *payload, size_t len)
{
	unsigned char sum = 0;
	char tail[4];
	size_t i;

	for (i = 0; i < len; i++)
		sum += (unsigned char)payload[i];
	wr(d, "$", 1);
	wr(d, payload, len);
	snprintf(tail, sizeof(tail), "#%02x", sum);
	wr(d, tail, 3);
	d->last_noack_req =
		len == 15 && !memcmp(payload, "QStartNoAckMode", 15);
}

static void decode_o(struct drv *d, const char *p)
{
	size_t n = strlen(d->out);
	unsigned int v;

	for (p++; p[0] && p[1] && n + 1 < sizeof(d->out); p += 2)
		if (sscanf(p, "%2x", &v) == 1)
			d->out[n++] = (char)v;
	d->out[n] = '\0';
}

static bool check_reply(struct drv *d, char kind, const char *want, size_t wlen,
			char *buf)
{
	size_t len;

	if (kind == 'O')
		d->out[0] = '\0';
	for (;;) {
		if (rd_packet(d, buf, &len))
			return false;
		if (kind != 'O' || buf[0] != 'O' || !strcmp(buf, "OK"))
			break;
		decode_o(d, buf);
	}
	if (d->last_noack_req && len == 2 && !memcmp(buf, "OK", 2))
		d->noack = true;
	if (kind == '*'	  ? memmem(buf, len, want, wlen) != NULL
	    : kind == '~' ? len >= wlen && !memcmp(buf, want, wlen)
			  : len == wlen && !memcmp(buf, want, wlen))
		return true;
	snprintf(d->why, sizeof(d->why), "got '%.200s'", buf);
	return false;
}

static bool check_raw(struct drv *d, const char *want, size_t wlen)
{
	size_t i;
	int c;

	for (i = 0; i < wlen; i++) {
		c = rd_byte(d, 5000);
		if (c != (unsigned char)want[i]) {
			snprintf(d->why, sizeof(d->why),
				 "byte %zu: got 0x%02x, want 0x%02x", i, c,
				 (unsigned char)want[i]);
			return false;
		}
	}
	return true;
}

static void tap(struct drv *d, bool ok, int line, const char *text)
{
	d->tests++;
	d->failed += !ok;
	printf("%s %d - %s:%d %.60s%s%s\n", ok ? "ok" : "not ok", d->tests,
	       d->file, line, text, ok ? "" : " # ", ok ? "" : d->why);
	fflush(stdout);
}

static bool do_line(struct drv *d, const char *mark, const char *arg, char *buf,
		    char *tmp)
{
	size_t n = unescape(arg, tmp);
	int c;

	d->why[0] = '\0';
	if (!strcmp(mark, ">")) {
		send_packet(d, tmp, n);
		if (!d->noack && (c = rd_byte(d, 5000)) != '+') {
			snprintf(d->why, sizeof(d->why), "no ack (got %d)", c);
			return false;
		}
		return !d->why[0];
	}
	if (!strcmp(mark, ">>")) {
		wr(d, tmp, n);
		return !d->why[0];
	}
	if (!strcmp(mark, "<"))
		return check_reply(d, '=', tmp, n, buf);
	if (!strcmp(mark, "<~"))
		return check_reply(d, '~', tmp, n, buf);
	if (!strcmp(mark, "<*"))
		return check_reply(d, '*', tmp, n, buf);
	if (!strcmp(mark, "<O"))
		return check_reply(d, 'O', tmp, n, buf);
	if (!strcmp(mark, "?O")) {
		snprintf(d->why, sizeof(d->why), "output was '%.200s'", d->out);
		return strstr(d->out, tmp) != NULL;
	}
	if (!strcmp(mark, "<<"))
		return check_raw(d, tmp, n);
	if (!strcmp(mark, "<none")) {
		c = rd_byte(d, 300);
		snprintf(d->why, sizeof(d->why), "got byte 0x%02x", c);
		return c < 0;
	}
	snprintf(d->why, sizeof(d->why), "unknown line marker %.40s", mark);
	return false;
}

static void finish(struct drv *d, int line)
{
	int status = 0;
	bool ok;

	if (!d->pid)
		return;
	close(d->to);
	if (waitpid(d->pid, &status, 0) < 0)
		status = -1;
	close(d->from);
	ok = WIFEXITED(status) && WEXITSTATUS(status) == d->expect_exit;
	snprintf(d->why, sizeof(d->why), "server status 0x%x, want exit %d",
		 status, d->expect_exit);
	tap(d, ok, line, "server exit status");
	d->pid = 0;
}

/* "! exit CODE", "! target SPEC", "! option WORD..." */
static void directive(struct drv *d, char *arg)
{
	char *w, *save = NULL;

	if (!strncmp(arg, "exit ", 5)) {
		d->expect_exit = atoi(arg + 5);
		return;
	}
	strtok_r(arg, " ", &save);
	while ((w = strtok_r(NULL, " ", &save)) && d->nargs < MAX_ARGS - 1)
		d->args[d->nargs++] = strdup(w);
}

static int run_file(struct drv *d, char *buf, char *tmp)
{
	char line[8192], *arg, *sp;
	int lineno = 0;
	bool ok;
	FILE *f = fopen(d->file, "r");

	if (!f) {
		printf("not ok %d - %s: cannot open\n", ++d->tests, d->file);
		return ++d->failed;
	}
	d->nargs = 0;
	d->expect_exit = 0;
	d->noack = false;
	d->pid = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		sp = strchr(line, ' ');
		arg = sp ? sp + 1 : line + strlen(line);
		if (sp)
			*sp = '\0';
		if (!strcmp(line, "!")) {
			directive(d, arg);
			continue;
		}
		if (!d->pid && drv_start(d)) {
			printf("not ok %d - %s: cannot start %s\n", ++d->tests,
			       d->file, d->prog);
			d->failed++;
			break;
		}
		ok = do_line(d, line, arg, buf, tmp);
		if (sp)
			*sp = ' ';
		tap(d, ok, lineno, line);
	}
	fclose(f);
	finish(d, lineno);
	while (d->nargs)
		free(d->args[--d->nargs]);
	return 0;
}

int main(int argc, char **argv)
{
	static struct drv d;
	char *buf = malloc(PKT_MAX + 1), *tmp = malloc(PKT_MAX + 1);
	int i;

	if (argc < 3 || !buf || !tmp) {
		fprintf(stderr, "usage: rsp-golden SEVDBG-TEST FILE.test...\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	d.prog = argv[1];
	for (i = 2; i < argc; i++) {
		d.file = argv[i];
		run_file(&d, buf, tmp);
	}
	printf("1..%d\n", d.tests);
	free(buf);
	free(tmp);
	return d.failed ? 1 : 0;
}
