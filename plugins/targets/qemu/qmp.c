// SPDX-License-Identifier: GPL-2.0-only
/*
 * A small QMP client (jansson) over a transport: commands and their replies,
 * events queued. The Unix-socket transport (greeting, capabilities, replies
 * matched by id, timeouts everywhere) is here; libvirt's is qmp-libvirt.c.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "plugins/targets/qemu/qemu.h"

static int unix_connect(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "socket path too long: %s", path);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = -errno;

		snprintf(err, errlen,
			 "cannot connect to %s: %s (is QEMU running with -qmp unix:%s,server=on,wait=off?)",
			 path, strerror(-e), path);
		close(fd);
		return e;
	}
	return fd;
}

/* Read until one full line is buffered; returns its length (with '\n'). */
static int qmp_read_line(struct qmp *q, char *err, size_t errlen)
{
	uint64_t deadline = now_ns() + (uint64_t)q->timeout_ms * 1000000;

	for (;;) {
		char *nl =
			q->in.buf ? memchr(q->in.buf, '\n', q->in.len) : NULL;
		struct pollfd pfd = {.fd = q->fd, .events = POLLIN};
		char chunk[4096];
		int64_t left;
		ssize_t n;

		if (nl)
			return (int)(nl - q->in.buf) + 1;
		left = (int64_t)(deadline - now_ns()) / 1000000;
		if (left <= 0 || poll(&pfd, 1, (int)left) == 0) {
			snprintf(err, errlen,
				 "QEMU did not answer on QMP within %d ms (is it hung or paused in a monitor?)",
				 q->timeout_ms);
			return -ETIMEDOUT;
		}
		n = read(q->fd, chunk, sizeof(chunk));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			snprintf(err, errlen,
				 "QEMU closed its QMP socket (QEMU exited?)");
			return -EPIPE;
		}
		sb_add(&q->in, chunk, n);
		if (q->in.oom)
			return -ENOMEM;
	}
}

/* Next JSON object from the socket. */
static int qmp_read_msg(struct qmp *q, json_t **msg, char *err, size_t errlen)
{
	json_error_t jerr;
	int n = qmp_read_line(q, err, errlen);

	if (n < 0)
		return n;
	*msg = json_loadb(q->in.buf, n, 0, &jerr);
	memmove(q->in.buf, q->in.buf + n, q->in.len - n + 1);
	q->in.len -= n;
	if (!*msg || !json_is_object(*msg)) {
		json_decref(*msg);
		snprintf(err, errlen, "QEMU sent malformed QMP: %s", jerr.text);
		return -EPROTO;
	}
	return 0;
}

void qmp_push_event(struct qmp *q, const char *ev)
{
	snprintf(q->last_event, sizeof(q->last_event), "%s", ev);
	if (!strcmp(ev, "SHUTDOWN"))
		q->shutdown_seen = true;
	pr_debug("qmp: event %s", ev);
	if (q->nr_events ==
	    QMP_EVENTS_MAX) /* keep the news that we lost some */
		ev = QMP_EVENT_LOST;
	else
		q->nr_events++;
	snprintf(q->events[q->nr_events - 1], sizeof(q->events[0]), "%s", ev);
}

static void qmp_note_event(struct qmp *q, json_t *msg)
{
	const char *ev = json_string_value(json_object_get(msg, "event"));

	/* QEMU names every event; an empty name is noise, not news. */
	if (ev && *ev)
		qmp_push_event(q, ev);
}

int qmp_next_event(struct qmp *q, char *name, size_t len)
{
	qmp_drain(q);
	if (!q->nr_events)
		return q->closed ? -EPIPE : 0;
	snprintf(name, len, "%s", q->events[0]);
	memmove(q->events[0], q->events[1],
		(--q->nr_events) * sizeof(q->events[0]));
	return 1;
}

void qmp_drop_events(struct qmp *q)
{
	qmp_drain(q);
	q->nr_events = 0;
}

void qmp_drain(struct qmp *q)
{
	if (q->tp)
		q->tp->drain(q);
}

static void unix_drain(struct qmp *q)
{
	char chunk[4096], *nl;
	ssize_t n;

	if (q->fd < 0)
		return;
	while ((n = recv(q->fd, chunk, sizeof(chunk), MSG_DONTWAIT)) > 0)
		sb_add(&q->in, chunk, n);
	if (!n || (n < 0 && errno != EAGAIN && errno != EINTR))
		q->closed = true;
	while (q->in.len && (nl = memchr(q->in.buf, '\n', q->in.len))) {
		size_t len = nl - q->in.buf + 1;
		json_t *msg = json_loadb(q->in.buf, len, 0, NULL);

		if (msg)
			qmp_note_event(q, msg);
		json_decref(msg);
		memmove(q->in.buf, q->in.buf + len, q->in.len - len + 1);
		q->in.len -= len;
	}
}

static int qmp_send(struct qmp *q, json_t *msg, char *err, size_t errlen)
{
	char *s = json_dumps(msg, JSON_COMPACT);
	size_t len, off = 0;

	if (!s)
		return -ENOMEM;
	len = strlen(s);
	s[len] = '\n';	     /* json_dumps leaves room for the NUL only: */
	while (off <= len) { /* write the NUL's slot as the newline */
		ssize_t n = send(q->fd, s + off, len + 1 - off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen,
				 "cannot write to QEMU's QMP socket: %s (QEMU exited?)",
				 strerror(errno));
			free(s);
			return -EPIPE;
		}
		off += n;
	}
	free(s);
	return 0;
}

/* Send req, then read until the reply with its id; events are queued. */
static int unix_exec(struct qmp *q, json_t *req, json_t **reply, char *err,
		     size_t errlen)
{
	unsigned int id = ++q->next_id;
	json_t *msg = NULL;
	int rc;

	json_object_set_new(req, "id", json_integer(id));
	rc = qmp_send(q, req, err, errlen);
	while (!rc) {
		json_t *jid;

		rc = qmp_read_msg(q, &msg, err, errlen);
		if (rc)
			break;
		jid = json_object_get(msg, "id");
		if (!jid) {
			qmp_note_event(q, msg);
			json_decref(msg);
			continue;
		}
		if (json_integer_value(jid) != (json_int_t)id) {
			json_decref(msg); /* a stale reply */
			continue;
		}
		*reply = msg;
		break;
	}
	return rc;
}

int qmp_call(struct qmp *q, const char *cmd, json_t *args, json_t **ret,
	     char *err, size_t errlen)
{
	json_t *req, *msg = NULL, *e;
	int rc;

	req = q->tp ? json_pack("{s:s}", "execute", cmd) : NULL;
	if (!req) {
		json_decref(args);
		if (!q->tp)
			snprintf(err, errlen, "QEMU's monitor is closed");
		return q->tp ? -ENOMEM : -EPIPE;
	}
	if (args)
		json_object_set_new(req, "arguments", args);
	rc = q->tp->exec(q, req, &msg, err, errlen);
	json_decref(req);
	if (rc)
		return rc;
	e = json_object_get(msg, "error");
	if (e) {
		snprintf(err, errlen, "QEMU refused %s: %s", cmd,
			 json_string_value(json_object_get(e, "desc"))
				 ?: "unknown error");
		rc = -EREMOTEIO;
	} else if (ret) {
		*ret = json_incref(json_object_get(msg, "return"));
	}
	json_decref(msg);
	return rc;
}

int qmp_hmp(struct qmp *q, const char *line, char **out, char *err,
	    size_t errlen)
{
	json_t *ret = NULL;
	int rc;

	rc = qmp_call(q, "human-monitor-command",
		      json_pack("{s:s}", "command-line", line), &ret, err,
		      errlen);
	if (rc)
		return rc;
	if (!json_is_string(ret)) {
		json_decref(ret);
		snprintf(err, errlen, "QEMU's '%s' returned no text", line);
		return -EPROTO;
	}
	*out = strdup(json_string_value(ret));
	json_decref(ret);
	return *out ? 0 : -ENOMEM;
}

static void unix_close(struct qmp *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
	sb_release(&q->in);
}

static const struct qmp_transport qmp_unix_transport = {
	.exec = unix_exec,
	.drain = unix_drain,
	.close = unix_close,
};

void qmp_init_fd(struct qmp *q, int fd, int timeout_ms)
{
	memset(q, 0, sizeof(*q));
	sb_init(&q->in);
	q->tp = &qmp_unix_transport;
	q->fd = fd;
	q->timeout_ms = timeout_ms;
}

int qmp_open(struct qmp *q, const char *path, int timeout_ms, char *err,
	     size_t errlen)
{
	json_t *greet = NULL;
	int rc;

	qmp_init_fd(q, -1, timeout_ms);
	q->fd = unix_connect(path, err, errlen);
	if (q->fd < 0) {
		rc = q->fd;
		goto err;
	}
	rc = qmp_read_msg(q, &greet, err, errlen);
	if (rc == -ETIMEDOUT)
		snprintf(err, errlen,
			 "QEMU's QMP socket %s took the connection but sent no greeting within %d ms: another client holds it (QEMU serves one per socket: another sevdbg, libvirt, a monitor; `ss -xp | grep %s` names it). Stop that client, or give QEMU a second -qmp unix:PATH,server=on,wait=off for sevdbg",
			 path, q->timeout_ms, path);
	if (rc)
		goto err_close;
	if (!json_object_get(greet, "QMP")) {
		snprintf(err, errlen, "%s is not a QMP socket (no greeting)",
			 path);
		rc = -EPROTO;
		goto err_close;
	}
	rc = qmp_call(q, "qmp_capabilities", NULL, NULL, err, errlen);
	if (rc)
		goto err_close;
	json_decref(greet);
	return 0;

err_close:
	json_decref(greet);
	close(q->fd);
err:
	q->fd = -1;
	q->tp = NULL;
	sb_release(&q->in);
	return rc;
}

void qmp_close(struct qmp *q)
{
	if (q->tp)
		q->tp->close(q);
	q->tp = NULL;
}
