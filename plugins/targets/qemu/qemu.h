/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internals of the live-QEMU target: the QMP client, the RSP client to
 * QEMU's own gdbstub, and starting a QEMU with what sevdbg needs.
 */
#ifndef SEVDBG_PLUGINS_QEMU_H
#define SEVDBG_PLUGINS_QEMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "sevdbg/rsp.h"
#include "sevdbg/util.h"

struct target;
struct target_opts;
struct target_type;
struct ram_map;

#define QEMU_TIMEOUT_MS 10000
#define QEMU_PATH_MAX	108 /* sun_path */

/* --- qmp.c: QMP over a transport (a unix socket, libvirt) ---------------- */
#define QMP_EVENTS_MAX 16
#define QMP_EVENT_LOST "SEVDBG_EVENTS_LOST" /* the queue overflowed */

struct qmp;

/* How commands reach QEMU's monitor and its events come back. */
struct qmp_transport {
	/*
	 * Run req ({"execute", "arguments"}): *reply gets QEMU's whole reply
	 * ({"return"} or {"error"}); events met on the way are queued with
	 * qmp_push_event. -EPIPE (err says why) once the monitor is gone.
	 */
	int (*exec)(struct qmp *q, json_t *req, json_t **reply, char *err,
		    size_t errlen);
	/* Queue what QEMU sent unasked, never blocking; set q->closed when
	 * the monitor is gone. */
	void (*drain)(struct qmp *q);
	void (*close)(struct qmp *q);
};

struct qmp {
	const struct qmp_transport *tp; /* NULL: not open */
	void *priv;			/* the transport's own state */
	int fd;				/* the unix transport's socket */
	unsigned int next_id;
	int timeout_ms;
	struct strbuf in;   /* bytes received, not yet a full line */
	bool shutdown_seen; /* a SHUTDOWN event arrived */
	bool closed;	    /* QEMU hung up */
	char last_event[32];
	/* Events not yet taken by qmp_next_event(), oldest first. */
	char events[QMP_EVENTS_MAX][32];
	unsigned int nr_events;
};

/* QMP on a unix socket: connect, greeting, capabilities. */
int qmp_open(struct qmp *q, const char *path, int timeout_ms, char *err,
	     size_t errlen);
/* The unix transport on a connected fd, after negotiation (tests). */
void qmp_init_fd(struct qmp *q, int fd, int timeout_ms);
void qmp_close(struct qmp *q);
static inline bool qmp_is_open(const struct qmp *q)
{
	return q->tp != NULL;
}
/* A transport saw event name: queue it (QMP_EVENT_LOST on overflow). */
void qmp_push_event(struct qmp *q, const char *name);
/* Run cmd (args stolen, may be NULL); *ret gets "return" (caller decrefs). */
int qmp_call(struct qmp *q, const char *cmd, json_t *args, json_t **ret,
	     char *err, size_t errlen);
/* Read whatever QEMU sent unasked (events) into the queue; never blocks. */
void qmp_drain(struct qmp *q);
/*
 * The next event QEMU sent ("STOP", "RESUME", "RESET", ...; QMP_EVENT_LOST
 * after an overflow), never blocking: 1 with name filled, 0 = none now,
 * -EPIPE = QEMU hung up. The one way the target learns of events, so
 * another monitor transport (libvirt's passthrough) only has to provide it.
 */
int qmp_next_event(struct qmp *q, char *name, size_t len);
/* Forget the queued events (they describe a run we asked for). */
void qmp_drop_events(struct qmp *q);
/* human-monitor-command; *out is malloc'ed text. */
int qmp_hmp(struct qmp *q, const char *line, char **out, char *err,
	    size_t errlen);

/* --- rspclient.c: RSP client to QEMU's gdbstub ---------------------------- */
/* QEMU 7.2 answers in at most 4 KiB (its MAX_PACKET_LENGTH). */
#define RSPC_PACKET_MAX 0x10000

struct rspc {
	int fd;
	bool noack;
	int timeout_ms;
	struct rsp rsp;	   /* framing: the server's state machine */
	struct strbuf raw; /* received bytes not yet fed to rsp */
	struct strbuf pkt; /* the last complete packet (decoded) */
	bool stray_stop;   /* rspc_cmd skipped a stop reply (QEMU's Hg moved) */
	bool multiprocess; /* thread ids are pP.T and D wants D;pid */
};

/* An unconnected client on fd (-1: none yet); 0 or -ENOMEM. */
int rspc_init(struct rspc *c, int fd, int timeout_ms);

/*
 * Connect to QEMU's gdbstub at spec (gdb_addr_parse's forms, numeric):
 * -EBUSY, err naming the holder, when another client keeps it silent.
 */
int rspc_open(struct rspc *c, const char *spec, int timeout_ms, char *err,
	      size_t errlen);
void rspc_close(struct rspc *c);
int rspc_send(struct rspc *c, const char *payload);
int rspc_interrupt(struct rspc *c);
/* Parse what was received: 1 = packet in c->pkt, 0 = none yet, -EPIPE. */
int rspc_poll(struct rspc *c);
/* Wait up to timeout_ms (-1: c->timeout_ms) for a packet: 0, -ETIMEDOUT. */
int rspc_recv(struct rspc *c, int timeout_ms);
/* Send cmd and wait for its reply (in c->pkt); "Exx" becomes -EIO. */
int rspc_cmd(struct rspc *c, const char *cmd);
/*
 * A thread id in either form ("pP.T" or "T"; pid 1 when absent): 0 with
 * *end after it, or -EPROTO. Formatting follows the mode QEMU is in.
 */
int rspc_parse_tid(const char *s, const char **end, int *pid, int *tid);
void rspc_fmt_tid(const struct rspc *c, char *buf, size_t len, int pid,
		  int tid);

/* --- gdbaddr.c, holder.c: where QEMU's gdbstub is, who holds it --------- */
struct gdb_addr {
	bool tcp;
	char host[64]; /* tcp: numeric once resolved */
	int port;
	char path[QEMU_PATH_MAX]; /* unix */
};

/* "unix:PATH", "tcp:HOST:PORT" (HOST may be [v6] or empty) or a PATH. */
int gdb_addr_parse(const char *spec, size_t len, struct gdb_addr *a);
void gdb_addr_str(const struct gdb_addr *a, char *buf, size_t len);
/* To a numeric address; -EPERM off loopback unless allow_remote. */
int gdb_addr_resolve(struct gdb_addr *a, bool allow_remote, char *err,
		     size_t errlen);
/* A connected socket (fd) or -errno with err set. */
int gdb_addr_connect(const struct gdb_addr *a, char *err, size_t errlen);
/* A query-chardev filename: 0 (a, *busy, peer "HOST:PORT" or ""), -EINVAL. */
int gdb_addr_from_chardev(const char *fn, struct gdb_addr *a, bool *busy,
			  char *peer, size_t peerlen);
bool gdb_addr_same(const struct gdb_addr *a, const struct gdb_addr *b);
/*
 * Name the client connected to QEMU's gdbstub at a ("process PID (cmdline)"):
 * 1 when found, 0 when not (buf says so; peer = what QEMU reported, or "").
 */
int gdb_addr_holder(const struct gdb_addr *a, const char *peer, char *buf,
		    size_t len);

/* --- launch.c: starting QEMU ---------------------------------------------- */
struct qemu_launch {
	char dir[64]; /* private temp dir, mode 0700 */
	char qmp[QEMU_PATH_MAX], gdb[QEMU_PATH_MAX];
	char hc[QEMU_PATH_MAX]; /* debugcon file the sim tails */
	char errlog[QEMU_PATH_MAX];
	char serial[QEMU_PATH_MAX]; /* guest serial log, "" = none */
	char accel[8];
	pid_t pid;
};

/*
 * Start qemu (QEMU_SYSTEM_X86_64 or $SEVDBG_QEMU) with argv (user arguments,
 * NULL-terminated) plus the sockets, shared RAM and debugcon sevdbg needs.
 */
#define QEMU_LAUNCH_SERIAL_LOG 1 /* -serial file:DIR/serial.log */
int qemu_launch_start(struct qemu_launch *l, char *const *argv,
		      const char *accel, unsigned int flags, char *err,
		      size_t errlen);
/* Wait (up to timeout_ms) until the serial log contains marker: 0/-ETIME. */
int qemu_launch_wait_serial(struct qemu_launch *l, const char *marker,
			    int timeout_ms);
/* The bundled test guest: build tree first, then the install dir. */
int qemu_demo_guest(char *path, size_t len);
/* Kill QEMU if still running, reap it, remove the temp dir. */
void qemu_launch_stop(struct qemu_launch *l);
/* "exited with status 1", "killed by signal 9"; 0 once reaped, -EAGAIN. */
int qemu_launch_reap(struct qemu_launch *l, bool wait, char *why, size_t len);
/* QEMU's last stderr line ("" if none), for "QEMU failed: ..." */
void qemu_launch_last_error(struct qemu_launch *l, char *buf, size_t len);
/* The accelerator to use: kvm only on hardware-backed KVM. */
const char *qemu_pick_accel(const char *want);
/* Split a launch: argument string into argv (malloc'ed, free both). */
int qemu_split_args(const char *s, char ***argv, int *argc);

/* --- qemu-ram.c, qemu-layout.c: QEMU's process and RAM ------------------ */
/* QEMU's PID (the Tgid of a vCPU thread) and its number of vCPUs. */
int qemu_find_pid(struct qmp *q, int *pid, int *nr_vcpus, char *err,
		  size_t errlen);

/* One memory backend (query-memdev) and our mapping of it. */
struct qemu_backend {
	char id[64];
	uint64_t size;
	bool share;    /* query-memdev says share=on */
	bool private;  /* ... but QEMU's mapping of it is private */
	bool reported; /* said once that it cannot be read */
	uint8_t *map;  /* our mapping of all of it, NULL = none */
};

struct qemu_ram {
	struct qemu_backend *be;
	size_t nr;
	bool allow_partial; /* serve the rest when a backend is unshared */
	bool hotplug;	    /* -m ...,slots=N: DIMMs may come and go */
	bool libvirt;	    /* a libvirt domain: fixes are domain XML */
	char *devices;	    /* query-memory-devices when last mapped */
};

/*
 * Map every backend the guest sees and fill m with the guest-physical
 * layout. A backend that is not shareable fails with -EPERM (err names it,
 * its range and the option to use) unless r->allow_partial, which leaves
 * it in m as unreachable.
 */
int qemu_map_ram(struct qmp *q, int pid, struct qemu_ram *r, struct ram_map *m,
		 char *err, size_t errlen);
/*
 * At a stop: when memory devices were plugged or unplugged since r was
 * mapped, map QEMU's RAM again into m (same address, bigger gen).
 * 1 = the layout changed, 0 = it did not, -errno (m left as it was).
 */
int qemu_follow_ram(struct qmp *q, int pid, struct qemu_ram *r,
		    struct ram_map *m, char *err, size_t errlen);
/* Map backend b, which the guest sees at gpa (offset off into b);
 * -EPERM when QEMU's own mapping of it is private. */
int qemu_backend_map(struct qmp *q, int pid, struct qemu_backend *b,
		     uint64_t gpa, uint64_t off, char *err, size_t errlen);
void qemu_unmap_ram(struct qemu_ram *r);

/* --- qemu.c: the target ----------------------------------------------------
 */
struct qemu_libvirt;

struct qemu_attach {
	const char *qmp;	      /* QMP socket */
	struct qemu_libvirt *libvirt; /* or QMP through libvirt (libvirt.h) */
	const char *gdb;	      /* its gdbstub (gdb_addr_parse), NULL: the
				       * one query-chardev shows, or start one */
	bool allow_remote_gdb;	      /* gdb= may be off loopback */
	const char *hc;		      /* sim channel file, NULL: none */
	struct qemu_launch *launch;   /* owned by the target when not NULL */
};

int qemu_target_attach(const struct qemu_attach *a, const struct target_opts *o,
		       struct target **out, char *err, size_t errlen);
/* The launch behind a launched target, NULL when attached. */
struct qemu_launch *qemu_target_launch(struct target *t);

extern const struct target_type qemu_target_type;
extern const struct target_type launch_target_type;
extern const struct target_type demo_target_type;
extern const struct target_type libvirt_target_type;

#endif
