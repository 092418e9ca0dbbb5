// SPDX-License-Identifier: GPL-2.0-only
/*
 * The QMP transport through libvirt: commands by virDomainQemuMonitorCommand,
 * events by virConnectDomainQemuMonitorEventRegister and a polled event loop.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugins/targets/qemu/libvirt.h"

/* What libvirt's callbacks see: they may fire during any libvirt call. */
struct qmp_lv {
	virConnectPtr conn;
	virDomainPtr dom;
	int mon_cb, life_cb; /* callback ids, -1 = none */
	bool gone;	     /* the domain stopped */
	char events[QMP_EVENTS_MAX][32];
	unsigned int nr_events;
	bool lost; /* more events came than fit */
};

const char *libvirt_last_error(void)
{
	virErrorPtr e = virGetLastError();

	return e && e->message ? e->message : "unknown error";
}

static void lv_monitor_event(virConnectPtr conn, virDomainPtr dom,
			     const char *event, long long seconds,
			     unsigned int micros, const char *details,
			     void *opaque)
{
	struct qmp_lv *lv = opaque;

	(void)conn, (void)dom, (void)seconds, (void)micros, (void)details;
	if (lv->nr_events == QMP_EVENTS_MAX) {
		lv->lost = true;
		return;
	}
	snprintf(lv->events[lv->nr_events++], sizeof(lv->events[0]), "%s",
		 event);
}

static int lv_lifecycle(virConnectPtr conn, virDomainPtr dom, int event,
			int detail, void *opaque)
{
	struct qmp_lv *lv = opaque;

	(void)conn, (void)dom, (void)detail;
	if (event == VIR_DOMAIN_EVENT_STOPPED)
		lv->gone = true;
	return 0;
}

static void lv_tick(int timer, void *opaque)
{
	(void)timer, (void)opaque;
}

/*
 * Turns of libvirt's event loop that cannot block: a timer due at once ends
 * each turn. An event takes two: one reads it from the daemon's socket and
 * queues it, the next flushes the queue to our callbacks (by a timer).
 */
#define LV_POLL_TURNS 3

static void lv_poll(void)
{
	int t = virEventAddTimeout(0, lv_tick, NULL, NULL), i;

	if (t < 0)
		return;
	for (i = 0; i < LV_POLL_TURNS; i++)
		virEventRunDefaultImpl();
	virEventRemoveTimeout(t);
}

/* Hand the events libvirt delivered to the QMP client's queue. */
static void lv_move_events(struct qmp *q, struct qmp_lv *lv)
{
	unsigned int i;

	for (i = 0; i < lv->nr_events; i++)
		qmp_push_event(q, lv->events[i]);
	if (lv->lost)
		qmp_push_event(q, QMP_EVENT_LOST);
	lv->nr_events = 0;
	lv->lost = false;
}

static void lv_drain(struct qmp *q)
{
	struct qmp_lv *lv = q->priv;

	lv_poll();
	lv_move_events(q, lv);
	/* Both are known locally: no round trip to the daemon per drain. */
	if (lv->gone || virConnectIsAlive(lv->conn) != 1)
		q->closed = true;
}

static int lv_exec(struct qmp *q, json_t *req, json_t **reply, char *err,
		   size_t errlen)
{
	struct qmp_lv *lv = q->priv;
	char *cmd = json_dumps(req, JSON_COMPACT), *out = NULL;
	json_error_t jerr;
	virErrorPtr e;
	int rc;

	if (!cmd)
		return -ENOMEM;
	rc = virDomainQemuMonitorCommand(lv->dom, cmd, &out, 0);
	free(cmd);
	if (rc < 0) {
		e = virGetLastError();
		if (e && e->code == VIR_ERR_OPERATION_DENIED) {
			snprintf(err, errlen,
				 "libvirt refused a QEMU monitor command on a read-only connection: %s (sevdbg needs a read-write connection: run it as root)",
				 libvirt_last_error());
			return -EACCES;
		}
		if (virDomainIsActive(lv->dom) != 1) {
			snprintf(err, errlen,
				 "the domain is no longer running (%s)",
				 libvirt_last_error());
			return -EPIPE;
		}
		snprintf(err, errlen, "libvirt: %s", libvirt_last_error());
		return -EIO;
	}
	*reply = json_loads(out, 0, &jerr);
	free(out);
	lv_move_events(q, lv);
	if (!json_is_object(*reply)) {
		json_decref(*reply);
		*reply = NULL;
		snprintf(err, errlen, "libvirt passed on malformed QMP: %s",
			 jerr.text);
		return -EPROTO;
	}
	return 0;
}

static void lv_close(struct qmp *q)
{
	struct qmp_lv *lv = q->priv;

	if (!lv)
		return;
	if (lv->mon_cb >= 0)
		virConnectDomainQemuMonitorEventDeregister(lv->conn,
							   lv->mon_cb);
	if (lv->life_cb >= 0)
		virConnectDomainEventDeregisterAny(lv->conn, lv->life_cb);
	virDomainFree(lv->dom);
	virConnectClose(lv->conn);
	free(lv);
	q->priv = NULL;
}

static const struct qmp_transport qmp_libvirt_transport = {
	.exec = lv_exec,
	.drain = lv_drain,
	.close = lv_close,
};

int qmp_libvirt_open(struct qmp *q, struct qemu_libvirt *l, char *err,
		     size_t errlen)
{
	struct qmp_lv *lv = calloc(1, sizeof(*lv));
	int rc;

	if (!lv)
		return -ENOMEM;
	memset(q, 0, sizeof(*q));
	sb_init(&q->in);
	q->fd = -1;
	q->tp = &qmp_libvirt_transport;
	q->priv = lv;
	lv->conn = l->conn;
	lv->dom = l->dom;
	lv->mon_cb = lv->life_cb = -1;
	virConnectRef(lv->conn);
	virDomainRef(lv->dom);
	/* A read-only connection fails here, with the reason. */
	rc = qmp_call(q, "query-version", NULL, NULL, err, errlen);
	if (rc) {
		qmp_close(q);
		return rc;
	}
	lv->mon_cb =
		virConnectDomainQemuMonitorEventRegister(lv->conn, lv->dom,
							 NULL, lv_monitor_event,
							 lv, NULL, 0);
	lv->life_cb =
		virConnectDomainEventRegisterAny(lv->conn, lv->dom,
						 VIR_DOMAIN_EVENT_ID_LIFECYCLE,
						 VIR_DOMAIN_EVENT_CALLBACK(
							 lv_lifecycle),
						 lv, NULL);
	if (lv->mon_cb < 0 || lv->life_cb < 0) {
		snprintf(err, errlen,
			 "libvirt would not pass on QEMU's monitor events of domain '%s': %s",
			 l->name, libvirt_last_error());
		qmp_close(q);
		return -EIO;
	}
	return 0;
}
