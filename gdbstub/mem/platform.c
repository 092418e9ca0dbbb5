// SPDX-License-Identifier: GPL-2.0-only
/*
 * The platform_*() wrappers: a NULL op becomes -ENOSYS, every call is counted
 * in p->stats, and tests can make the n-th call of a kind fail.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sevdbg/platform.h"
#include "sevdbg/util.h"

#define CALL_OP(p, op, ...) \
	((p)->ops->op ? (p)->ops->op((p), __VA_ARGS__) : -ENOSYS)

static int count(struct platform *p, uint64_t *bytes, size_t len, int ret)
{
	if (ret < 0)
		p->stats.errors++;
	else if (bytes)
		*bytes += len;
	return ret;
}

int platform_read_host(struct platform *p, uint64_t gpa, void *buf, size_t len)
{
	p->stats.host_read_calls++;
	if (p->fail_read_host_at &&
	    p->stats.host_read_calls == p->fail_read_host_at)
		return count(p, NULL, 0, -EIO);
	return count(p, &p->stats.host_read_bytes, len,
		     CALL_OP(p, read_host, gpa, buf, len));
}

/*
 * SEVDBG_FAULT="decrypt:N[,read_host:M]" (docs/security.md): tests make the
 * N-th call of a kind fail in a whole process, from outside.
 */
int platform_fault_from_env(struct platform *p)
{
	const char *env = getenv("SEVDBG_FAULT");
	char kind[16];
	uint64_t n;
	int used;

	while (env && *env) {
		if (sscanf(env, "%15[a-z_]:%" SCNu64 "%n", kind, &n, &used) !=
		    2)
			goto bad;
		if (!strcmp(kind, "decrypt"))
			p->fail_decrypt_at = n;
		else if (!strcmp(kind, "read_host"))
			p->fail_read_host_at = n;
		else
			goto bad;
		env += used;
		if (*env && *env++ != ',')
			goto bad;
	}
	return 0;
bad:
	pr_warn("ignoring SEVDBG_FAULT=\"%s\": expected decrypt:N or read_host:N, comma-separated (a test-only setting; unset it)",
		getenv("SEVDBG_FAULT"));
	p->fail_decrypt_at = p->fail_read_host_at = 0;
	return -EINVAL;
}

int platform_write_host(struct platform *p, uint64_t gpa, const void *buf,
			size_t len)
{
	p->stats.host_write_calls++;
	return count(p, &p->stats.host_write_bytes, len,
		     CALL_OP(p, write_host, gpa, buf, len));
}

int platform_dbg_decrypt(struct platform *p, uint64_t gpa, void *buf,
			 size_t len, int *fw_error)
{
	int fw = 0, ret;

	p->stats.decrypt_calls++;
	if (p->fail_decrypt_at &&
	    p->stats.decrypt_calls == p->fail_decrypt_at) {
		/* What the PSP says for a page it cannot access. */
		fw = SEV_RET_INVALID_ADDRESS;
		ret = -EIO;
	} else {
		ret = CALL_OP(p, dbg_decrypt, gpa, buf, len, &fw);
	}
	if (fw_error)
		*fw_error = fw;
	return count(p, &p->stats.decrypt_bytes, len, ret);
}

int platform_dbg_encrypt(struct platform *p, uint64_t gpa, const void *buf,
			 size_t len, int *fw_error)
{
	int fw = 0, ret;

	p->stats.encrypt_calls++;
	ret = CALL_OP(p, dbg_encrypt, gpa, buf, len, &fw);
	if (fw_error)
		*fw_error = fw;
	return count(p, &p->stats.encrypt_bytes, len, ret);
}

int platform_get_bitmap(struct platform *p, uint64_t start_gfn, uint64_t npages,
			uint8_t *bits)
{
	p->stats.bitmap_calls++;
	return count(p, NULL, 0,
		     CALL_OP(p, get_bitmap, start_gfn, npages, bits));
}

int platform_set_bitmap(struct platform *p, uint64_t start_gfn, uint64_t npages,
			const uint8_t *bits)
{
	p->stats.bitmap_calls++;
	return count(p, NULL, 0,
		     CALL_OP(p, set_bitmap, start_gfn, npages, bits));
}

int platform_info(struct platform *p, struct platform_info *info)
{
	return CALL_OP(p, info, info);
}

int platform_sync(struct platform *p)
{
	return p->ops->sync ? p->ops->sync(p) : -ENOSYS;
}

int platform_read_vmsa(struct platform *p, int vcpu, void *buf, size_t len,
		       int *fw_error)
{
	int fw = 0, ret;

	p->stats.vmsa_calls++;
	ret = CALL_OP(p, read_vmsa, vcpu, buf, len, &fw);
	if (fw_error)
		*fw_error = fw;
	return count(p, NULL, 0, ret);
}

void platform_destroy(struct platform *p)
{
	if (p && p->ops->destroy)
		p->ops->destroy(p);
}
