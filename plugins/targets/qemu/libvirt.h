/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The libvirt side of the live-QEMU target: a domain found the way virsh
 * finds it, and QMP through libvirt's monitor passthrough (libvirt-qemu).
 */
#ifndef SEVDBG_PLUGINS_QEMU_LIBVIRT_H
#define SEVDBG_PLUGINS_QEMU_LIBVIRT_H

#include <libvirt/libvirt-qemu.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "plugins/targets/qemu/qemu.h"

#define LIBVIRT_DEFAULT_URI "qemu:///system"

/* One running domain; libvirt.c opens it, the monitor keeps references. */
struct qemu_libvirt {
	virConnectPtr conn;
	virDomainPtr dom;
	char uri[256];
	char name[128];
};

/* qmp-libvirt.c: q speaks to lv's QEMU through libvirt (takes refs). */
int qmp_libvirt_open(struct qmp *q, struct qemu_libvirt *lv, char *err,
		     size_t errlen);
/*
 * libvirt.c, at attach once QEMU's pid is known: it is the domain's QEMU,
 * on this host, and sevdbg has the privileges its user needs (else err).
 */
int qemu_libvirt_check(struct qemu_libvirt *lv, int pid, char *err,
		       size_t errlen);
/* A description for `monitor sev stats`: "libvirt domain 'x' at URI". */
void qemu_libvirt_describe(const struct qemu_libvirt *lv, char *buf,
			   size_t len);
/* libvirt's last error message, or "unknown error". */
const char *libvirt_last_error(void);

#endif
