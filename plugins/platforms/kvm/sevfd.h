/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The /dev/sev fd number (DESIGN.md §3.3): a thread of sevdbg whose private
 * fd table holds /dev/sev at QEMU's number, where KVM's DBG commands look.
 */
#ifndef SEVDBG_KVM_SEVFD_H
#define SEVDBG_KVM_SEVFD_H

#include <stddef.h>

/*
 * Linux 6.1 runs every SEV DBG command as __sev_issue_cmd(sev->fd, ...),
 * an fdget() in the calling process, and a mirror VM inherits the owner's
 * sev->fd: QEMU's fd number. sevdbg cannot give that number up in its own
 * table (another part of sevdbg may hold it), so one thread unshares its fd
 * table (unshare(CLONE_FILES)), opens /dev/sev at the number there, and
 * issues the DBG ioctls for everyone: whatever sevdbg had at that number
 * is untouched for every other thread.
 */
struct sevfd;

/*
 * The fd number at which fd_dir (e.g. "/proc/PID/fd") holds dev (e.g.
 * "/dev/sev"), matched by device and inode. On failure err names the cause:
 * the listing refused (permission), or no such fd (not an SEV guest).
 */
int sevfd_find(const char *fd_dir, const char *dev, int *number, char *err,
	       size_t errlen);

/*
 * Start the thread: it opens dev at number in its own fd table. keep_fd
 * (or -1) is an fd the calls will use; if it sits at number it is moved
 * first, and sevfd_fd() gives its number inside the thread.
 */
int sevfd_start(const char *dev, int number, int keep_fd, struct sevfd **out,
		char *err, size_t errlen);

/* keep_fd's number in the thread's table. */
int sevfd_fd(const struct sevfd *g);

/* Run fn(arg) in the thread (one call at a time); returns its result. */
int sevfd_call(struct sevfd *g, int (*fn)(void *arg), void *arg);

void sevfd_stop(struct sevfd *g);

#endif
