// SPDX-License-Identifier: GPL-2.0-only
/*
 * The target_*() wrappers (a NULL op is -ENOSYS, t->running is kept here)
 * and the registry that turns a TARGET string into an opened target.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sevdbg/target.h"

#define TARGET_MAX_REGISTERED 8

#define TARGET_CALL(t, op, ...) \
	((t) && (t)->ops->op ? (t)->ops->op((t), ##__VA_ARGS__) : -ENOSYS)

int target_nr_vcpus(struct target *t)
{
	return TARGET_CALL(t, nr_vcpus);
}

int target_vcpu_describe(struct target *t, int vcpu, char *buf, size_t len)
{
	return TARGET_CALL(t, vcpu_describe, vcpu, buf, len);
}

int target_read_regs(struct target *t, int vcpu, struct regs *regs)
{
	return TARGET_CALL(t, read_regs, vcpu, regs);
}

int target_write_reg(struct target *t, int vcpu, unsigned int nr,
		     const uint8_t *val)
{
	if (nr >= REGS_NR)
		return -EINVAL;
	if (t && t->read_only)
		return -EPERM;
	return TARGET_CALL(t, write_reg, vcpu, nr, val);
}

int target_write_regs(struct target *t, int vcpu, const struct regs *regs)
{
	if (t && t->read_only)
		return -EPERM;
	return TARGET_CALL(t, write_regs, vcpu, regs);
}

int target_resume(struct target *t, const struct resume_req *req)
{
	int ret = TARGET_CALL(t, resume, req);

	if (!ret)
		t->running = true;
	return ret;
}

int target_interrupt(struct target *t)
{
	return TARGET_CALL(t, interrupt);
}

int target_event_fd(struct target *t)
{
	return TARGET_CALL(t, event_fd);
}

int target_wait_stop(struct target *t, struct stop_event *ev)
{
	int ret = TARGET_CALL(t, wait_stop, ev);

	if (!ret)
		t->running = false;
	return ret;
}

int target_insert_bp(struct target *t, enum bp_type type, uint64_t addr,
		     unsigned int kind)
{
	return TARGET_CALL(t, insert_bp, type, addr, kind);
}

int target_remove_bp(struct target *t, enum bp_type type, uint64_t addr,
		     unsigned int kind)
{
	return TARGET_CALL(t, remove_bp, type, addr, kind);
}

/* Detach leaves a live guest running (target_ops.detach). */
int target_detach(struct target *t)
{
	int ret = TARGET_CALL(t, detach);

	if (!ret && t->live)
		t->running = true;
	return ret;
}

int target_kill(struct target *t)
{
	int ret = TARGET_CALL(t, kill);

	if (!ret)
		t->running = false;
	return ret;
}

/* A target that cannot be changed behind our back has nothing to say. */
int target_sync(struct target *t)
{
	int ret = TARGET_CALL(t, sync);

	return ret == -ENOSYS ? 0 : ret;
}

int target_describe(struct target *t, char *buf, size_t len)
{
	return TARGET_CALL(t, describe, buf, len);
}

void target_destroy(struct target *t)
{
	if (t && t->ops->destroy)
		t->ops->destroy(t);
}

/*
 * Types added at run time (tests); the one piece of mutable process state
 * here, like the log level, because a registry outlives any context.
 */
static const struct target_type *registered[TARGET_MAX_REGISTERED];

int target_register(const struct target_type *type)
{
	size_t i;

	for (i = 0; i < TARGET_MAX_REGISTERED; i++) {
		if (registered[i] == type)
			return 0;
		if (!registered[i]) {
			registered[i] = type;
			return 0;
		}
	}
	return -ENOSPC;
}

/* Registered types first (a test may shadow a built-in), then built-ins. */
const struct target_type *const *target_types(size_t *nr)
{
	static const struct target_type *all[TARGET_MAX_REGISTERED + 16];
	size_t n = 0, i;

	for (i = 0; i < TARGET_MAX_REGISTERED && registered[i]; i++)
		all[n++] = registered[i];
	for (i = 0;
	     builtin_targets[i] && n < (sizeof(all) / sizeof(all[0])) - 1; i++)
		all[n++] = builtin_targets[i];
	all[n] = NULL;
	if (nr)
		*nr = n;
	return all;
}

static void target_known(char *buf, size_t len)
{
	const struct target_type *const *types = target_types(NULL);
	size_t off = 0, i;

	buf[0] = '\0';
	for (i = 0; types[i] && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					i ? ", " : "", types[i]->prefix);
}

int target_open(const char *spec, const struct target_opts *o,
		struct target **out, char *err, size_t errlen)
{
	const struct target_type *const *types = target_types(NULL);
	const char *colon = strchr(spec, ':');
	size_t plen = colon ? (size_t)(colon - spec) : strlen(spec);
	char known[256];
	size_t i;

	for (i = 0; types[i]; i++) {
		if (strlen(types[i]->prefix) == plen &&
		    !strncmp(types[i]->prefix, spec, plen))
			break;
	}
	if (types[i]) {
		int ret = types[i]->open(colon ? colon + 1 : "", o, out, err,
					 errlen);

		if (!ret && o) /* NULL: every default */
			(*out)->bitmap_page_tables = o->bitmap_page_tables;
		return ret;
	}
	target_known(known, sizeof(known));
	snprintf(err, errlen,
		 "unknown target '%.*s': use one of %s (see sevdbg --help)",
		 (int)plen, spec, known[0] ? known : "(none built in)");
	return -EINVAL;
}
