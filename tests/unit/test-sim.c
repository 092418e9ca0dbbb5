// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for the sim platform: the hypervisor's ciphertext view, each PSP
 * rule and error code, the record channel, and the platform_*() wrappers.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "sevdbg/bitmap.h"
#include "sevdbg/platform.h"
#include "sevdbg/ram.h"
#include "sevdbg/simhc.h"
#include "sevdbg/util.h"

#define LOW_SIZE  (1u << 20) /* [0, 1M) */
#define HIGH_GPA  (4u << 20) /* [4M, 4M + 256K) */
#define HIGH_SIZE (256u << 10)

struct fixture {
	struct ram_map ram;
	uint8_t *low, *high;
	struct sim_config cfg;
	struct platform *p;
};

static const uint8_t key[16] = "0123456789abcdef";

static uint8_t pattern(uint64_t gpa)
{
	return (uint8_t)(gpa * 7 + (gpa >> 8) * 13);
}

static void fill(uint8_t *m, uint64_t gpa, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		m[i] = pattern(gpa + i);
}

static int setup_with(void **state, const struct sim_config *cfg)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->low = malloc(LOW_SIZE);
	f->high = malloc(HIGH_SIZE);
	fill(f->low, 0, LOW_SIZE);
	fill(f->high, HIGH_GPA, HIGH_SIZE);
	assert_int_equal(ram_add(&f->ram, HIGH_GPA, HIGH_SIZE, f->high, "hi"),
			 0);
	assert_int_equal(ram_add(&f->ram, 0, LOW_SIZE, f->low, "lo"), 0);
	f->cfg = *cfg;
	assert_int_equal(sim_platform_new(&f->ram, &f->cfg, &f->p), 0);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	struct sim_config cfg = {.key = key, .launched = true, .hc_fd = -1};

	return setup_with(state, &cfg);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	platform_destroy(f->p);
	ram_free(&f->ram);
	free(f->low);
	free(f->high);
	free(f);
	return 0;
}

static void make_shared(struct platform *p, uint64_t gfn, uint64_t n)
{
	uint8_t zeros[64] = {0};

	assert_true(n <= 8 * sizeof(zeros));
	assert_int_equal(platform_set_bitmap(p, gfn, n, zeros), 0);
}

static void test_ram_map(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(f->ram.nr, 2);
	assert_int_equal(f->ram.regions[0].gpa, 0);
	assert_null(ram_find(&f->ram, LOW_SIZE));
	assert_int_equal(ram_span(&f->ram, LOW_SIZE - 16), 16);
	assert_int_equal(ram_end(&f->ram), HIGH_GPA + HIGH_SIZE);
	assert_int_equal(ram_total(&f->ram), LOW_SIZE + HIGH_SIZE);
	assert_int_equal(ram_add(&f->ram, LOW_SIZE - 4096, 8192, NULL, "x"),
			 -EEXIST);
	assert_int_equal(ram_add(&f->ram, 0x1234, 4096, NULL, "x"), -EINVAL);
}

static void test_host_view(void **state)
{
	struct fixture *f = *state;
	uint8_t a[64], b[64];
	struct platform *other;
	struct sim_config cfg = f->cfg;
	const uint8_t key2[16] = "another key 1234";

	/* Encrypted page: ciphertext, not the guest's bytes. */
	assert_int_equal(platform_read_host(f->p, 0x2000, a, 64), 0);
	assert_memory_not_equal(a, f->low + 0x2000, 64);
	/* Same plaintext at another gpa gives other ciphertext (tweak). */
	memcpy(f->low + 0x3000, f->low + 0x2000, 64);
	assert_int_equal(platform_read_host(f->p, 0x3000, b, 64), 0);
	assert_memory_not_equal(a, b, 64);
	/* Deterministic under a given key, different under another. */
	assert_int_equal(sim_platform_new(&f->ram, &cfg, &other), 0);
	assert_int_equal(platform_read_host(other, 0x2000, b, 64), 0);
	assert_memory_equal(a, b, 64);
	platform_destroy(other);
	cfg.key = key2;
	assert_int_equal(sim_platform_new(&f->ram, &cfg, &other), 0);
	assert_int_equal(platform_read_host(other, 0x2000, b, 64), 0);
	assert_memory_not_equal(a, b, 64);
	platform_destroy(other);
	/* Unaligned read_host returns the same bytes as an aligned one. */
	assert_int_equal(platform_read_host(f->p, 0x2005, b, 40), 0);
	assert_memory_equal(a + 5, b, 40);
	/* Shared page: plaintext. */
	make_shared(f->p, 2, 1);
	assert_int_equal(platform_read_host(f->p, 0x2000, a, 64), 0);
	assert_memory_equal(a, f->low + 0x2000, 64);
	/* A read crossing from shared into encrypted: split correctly. */
	assert_int_equal(platform_read_host(f->p, 0x2ff0, a, 32), 0);
	assert_memory_equal(a, f->low + 0x2ff0, 16);
	assert_memory_not_equal(a + 16, f->low + 0x3000, 16);
}

static void test_host_write(void **state)
{
	struct fixture *f = *state;
	uint8_t ct[64], x[64], back[64], orig[64];

	memcpy(orig, f->low + 0x5000, 64);
	/* Writing back what was read leaves the guest's plaintext intact. */
	assert_int_equal(platform_read_host(f->p, 0x5000, ct, 64), 0);
	assert_int_equal(platform_write_host(f->p, 0x5000, ct, 64), 0);
	assert_memory_equal(f->low + 0x5000, orig, 64);
	/* The hypervisor's bytes are ciphertext: the guest sees garbage. */
	memset(x, 0x41, sizeof(x));
	assert_int_equal(platform_write_host(f->p, 0x5000, x, 64), 0);
	assert_memory_not_equal(f->low + 0x5000, x, 64);
	assert_int_equal(platform_read_host(f->p, 0x5000, back, 64), 0);
	assert_memory_equal(back, x, 64);
	/* Unaligned write: neighbours' ciphertext unchanged. */
	assert_int_equal(platform_write_host(f->p, 0x5003, "zz", 2), 0);
	assert_int_equal(platform_read_host(f->p, 0x5000, back, 64), 0);
	assert_memory_equal(back, x, 3);
	assert_memory_equal(back + 3, "zz", 2);
	assert_memory_equal(back + 5, x + 5, 59);
	/* Shared: direct. */
	make_shared(f->p, 5, 1);
	assert_int_equal(platform_write_host(f->p, 0x5100, x, 64), 0);
	assert_memory_equal(f->low + 0x5100, x, 64);
}

static void test_dbg_commands(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[4096], in[32];
	int fw = -1;

	assert_int_equal(platform_dbg_decrypt(f->p, 0x7000, buf, 4096, &fw), 0);
	assert_int_equal(fw, SEV_RET_SUCCESS);
	assert_memory_equal(buf, f->low + 0x7000, 4096);
	assert_int_equal(platform_dbg_decrypt(f->p, HIGH_GPA + 0x10, buf, 32,
					      &fw),
			 0);
	assert_memory_equal(buf, f->high + 0x10, 32);
	memset(in, 0x33, sizeof(in));
	assert_int_equal(platform_dbg_encrypt(f->p, 0x7020, in, 32, &fw), 0);
	assert_memory_equal(f->low + 0x7020, in, 32);
	/* Mis-routed: decrypting a shared page yields garbage, encrypting
	 * into it leaves ciphertext the guest cannot read. */
	make_shared(f->p, 8, 1);
	assert_int_equal(platform_dbg_decrypt(f->p, 0x8000, buf, 64, &fw), 0);
	assert_memory_not_equal(buf, f->low + 0x8000, 64);
	assert_int_equal(platform_dbg_encrypt(f->p, 0x8000, in, 32, &fw), 0);
	assert_memory_not_equal(f->low + 0x8000, in, 32);
	assert_int_equal(platform_read_host(f->p, 0x8000, buf, 32), 0);
	assert_memory_not_equal(buf, in, 32);
}

static void expect_fw(struct platform *p, uint64_t gpa, size_t len, int ret,
		      int fw_want)
{
	uint8_t buf[8192];
	int fw = -1;

	assert_int_equal(platform_dbg_decrypt(p, gpa, buf, len, &fw), ret);
	assert_int_equal(fw, fw_want);
	fw = -1;
	memset(buf, 0, sizeof(buf));
	assert_int_equal(platform_dbg_encrypt(p, gpa, buf, len, &fw), ret);
	assert_int_equal(fw, fw_want);
}

static void test_psp_rules(void **state)
{
	struct fixture *f = *state;
	struct sim_stats st;

	expect_fw(f->p, 0x1008, 16, -EINVAL, SEV_RET_INVALID_ADDRESS);
	expect_fw(f->p, 0x1001, 32, -EINVAL, SEV_RET_INVALID_ADDRESS);
	expect_fw(f->p, 0x1000, 8, -EINVAL, SEV_RET_INVALID_LEN);
	expect_fw(f->p, 0x1000, 0, -EINVAL, SEV_RET_INVALID_LEN);
	expect_fw(f->p, 0x1000, 24, -EINVAL, SEV_RET_INVALID_LEN);
	expect_fw(f->p, 0x1ff0, 32, -EINVAL, SEV_RET_INVALID_LEN);
	expect_fw(f->p, 0x1000, 8192, -EINVAL, SEV_RET_INVALID_LEN);
	expect_fw(f->p, LOW_SIZE, 16, -EFAULT, SEV_RET_INVALID_ADDRESS);
	expect_fw(f->p, 0x1ff0, 16, 0, SEV_RET_SUCCESS);
	assert_int_equal(sim_platform_stats(f->p, &st), 0);
	assert_int_equal(st.decrypt_cmds, 9);
	assert_int_equal(st.encrypt_cmds, 9);
	assert_int_equal(st.fw_errors, 16);
	assert_string_equal(sev_fw_strerror(SEV_RET_POLICY_FAILURE),
			    "POLICY_FAILURE (guest policy forbids debugging)");
	assert_non_null(
		strstr(sev_fw_strerror(SEV_RET_INVALID_LEN), "INVALID_LENGTH"));
	assert_string_equal(sev_fw_strerror(-3), "unknown firmware status");
	assert_string_equal(sev_fw_strerror(1000), "unknown firmware status");
}

static void test_policy_nodbg(void **state)
{
	struct sim_config cfg = {.key = key,
				 .launched = true,
				 .hc_fd = -1,
				 .policy = SEV_POLICY_NODBG};
	struct fixture *f;
	struct platform_info info;
	uint8_t buf[16];

	setup_with(state, &cfg);
	f = *state;
	expect_fw(f->p, 0x1000, 16, -EIO, SEV_RET_POLICY_FAILURE);
	/* The hypervisor's direct view still works (it is ciphertext). */
	assert_int_equal(platform_read_host(f->p, 0x1000, buf, 16), 0);
	assert_int_equal(platform_info(f->p, &info), 0);
	assert_string_equal(info.kind, "sim");
	assert_int_equal(info.cbit, 52);
	assert_int_equal(info.policy, SEV_POLICY_NODBG);
	assert_true(info.encrypted);
	teardown(state);
}

static void test_not_launched(void **state)
{
	struct sim_config cfg = {.key = key,
				 .launched = false,
				 .hc_fd = -1,
				 .cbit = 47};
	struct fixture *f;
	struct platform_info info;

	setup_with(state, &cfg);
	f = *state;
	expect_fw(f->p, 0x1000, 16, -EIO, SEV_RET_INVALID_GUEST_STATE);
	assert_int_equal(platform_info(f->p, &info), 0);
	assert_int_equal(info.cbit, 47);
	teardown(state);
}

static void test_read_host_hole(void **state)
{
	struct fixture *f = *state;
	uint8_t buf[64];

	assert_int_equal(platform_read_host(f->p, LOW_SIZE - 32, buf, 64),
			 -EFAULT);
	assert_int_equal(platform_write_host(f->p, LOW_SIZE, buf, 1), -EFAULT);
	assert_int_equal(platform_read_host(f->p, LOW_SIZE - 32, buf, 32), 0);
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void record(uint8_t *r, uint32_t nr, uint64_t gpa, uint64_t npages,
		   uint64_t attrs)
{
	memcpy(r, "SEVH", 4);
	put_le(r + 4, nr, 4);
	put_le(r + 8, gpa, 8);
	put_le(r + 16, npages, 8);
	put_le(r + 24, attrs, 8);
}

static uint8_t bits_of(struct platform *p, uint64_t gfn)
{
	uint8_t b = 0;

	assert_int_equal(platform_get_bitmap(p, gfn, 8, &b), 0);
	return b;
}

static void test_feed_records(void **state)
{
	struct fixture *f = *state;
	uint8_t stream[4 * 32 + 16], *s = stream;
	struct sim_stats st;
	size_t i, cut;

	/* garbage, a valid record, "SE" garbage, a bad-attrs record, a
	 * record with an unknown number hiding a real one, then a valid one */
	memcpy(s, "xyS", 3);
	s += 3;
	record(s, 12, 0x10000, 2, 0);
	s += 32;
	memcpy(s, "SE", 2);
	s += 2;
	record(s, 12, 0x20000, 1, 1ULL << 7); /* reserved attr bit */
	s += 32;
	record(s, 99, 0, 0, 0);
	record(s + 8, 12, 0x30000, 1, 0); /* starts inside */
	s += 8 + 32;
	record(s, 12, 0x11000, 1, HC_MAP_GPA_RANGE_ENCRYPTED);
	s += 32;
	/* Any split must give the same result. */
	for (cut = 1; cut <= 33; cut += 4) {
		assert_int_equal(platform_set_bitmap(f->p, 0, 0, NULL), 0);
		for (i = 0; i < (size_t)(s - stream); i += cut)
			sim_platform_feed(f->p, stream + i,
					  MIN(cut, (size_t)(s - stream) - i));
		assert_int_equal(bits_of(f->p, 0x10), 0xfe); /* 0x10 clear */
		assert_int_equal(bits_of(f->p, 0x20), 0xff);
		assert_int_equal(bits_of(f->p, 0x30), 0xfe);
	}
	assert_int_equal(sim_platform_stats(f->p, &st), 0);
	assert_int_equal(st.records, 9 * 3);
	assert_int_equal(st.bad_records, 9 * 2);
	assert_true(st.garbage_bytes >= 9 * (3 - 1 + 2 + 8));
	/* Out-of-range record: ignored. */
	record(stream, 12, HIGH_GPA + HIGH_SIZE, 1, 0);
	sim_platform_feed(f->p, stream, 32);
	assert_int_equal(sim_platform_stats(f->p, &st), 0);
	assert_int_equal(st.bad_records, 9 * 2 + 1);
	/* A 2M record. */
	record(stream, 12, 0x200000, 1, HC_MAP_GPA_RANGE_PAGE_SZ_2M);
	sim_platform_feed(f->p, stream, 32);
	assert_int_equal(bits_of(f->p, 0x200), 0);
	assert_int_equal(bits_of(f->p, 0x3f8), 0);
	assert_int_equal(bits_of(f->p, 0x400), 0xff);
}

/*
 * --sim-bitmap=untracked: records change what the guest shares (the
 * hardware's view) but not the kernel's bitmap, whose nr_ranges stays 0.
 */
static void test_untracked_records(void **state)
{
	struct sim_config cfg = {.key = key,
				 .launched = true,
				 .hc_fd = -1,
				 .bitmap_untracked = true};
	struct fixture *f = *state;
	struct platform_info pi;
	struct platform *p;
	struct sim_stats st;
	uint8_t rec[32], buf[16];
	int fw;

	assert_int_equal(sim_platform_new(&f->ram, &cfg, &p), 0);
	record(rec, 12, 0x10000, 1, 0);
	sim_platform_feed(p, rec, 32);
	assert_int_equal(bits_of(p, 0x10), 0xff);
	assert_int_equal(sim_platform_stats(p, &st), 0);
	assert_int_equal(st.records, 1);
	assert_int_equal(st.nr_ranges, 0);
	/* The page is shared: plaintext to the host, garbage to DBG. */
	assert_int_equal(platform_read_host(p, 0x10000, buf, 16), 0);
	assert_memory_equal(buf, f->low + 0x10000, 16);
	assert_int_equal(platform_dbg_decrypt(p, 0x10000, buf, 16, &fw), 0);
	assert_memory_not_equal(buf, f->low + 0x10000, 16);
	assert_int_equal(platform_info(p, &pi), 0);
	assert_true(pi.bitmap_from_paging);
	assert_non_null(pi.bitmap_caveat);
	platform_destroy(p);

	/* Tracked (the default): the same record reaches the bitmap. */
	sim_platform_feed(f->p, rec, 32);
	assert_int_equal(bits_of(f->p, 0x10), 0xfe);
	assert_int_equal(sim_platform_stats(f->p, &st), 0);
	assert_int_equal(st.nr_ranges, 1);
	assert_int_equal(platform_info(f->p, &pi), 0);
	assert_false(pi.bitmap_from_paging);
	assert_null(pi.bitmap_caveat);
}

static void test_sync_pipe_and_file(void **state)
{
	struct fixture *f = *state;
	struct sim_config cfg = f->cfg;
	struct platform *p;
	uint8_t rec[32];
	char path[] = "/tmp/sevdbg-hc-XXXXXX";
	int fds[2], fd;

	/* A pipe: drained without blocking, also when empty. */
	assert_int_equal(pipe(fds), 0);
	cfg.hc_fd = fds[0];
	assert_int_equal(sim_platform_new(&f->ram, &cfg, &p), 0);
	assert_int_equal(platform_sync(p), 0);
	record(rec, 12, 0x40000, 1, 0);
	assert_int_equal(write(fds[1], rec, 20), 20);
	assert_int_equal(platform_sync(p), 0);
	assert_int_equal(bits_of(p, 0x40), 0xff); /* not complete yet */
	assert_int_equal(write(fds[1], rec + 20, 12), 12);
	assert_int_equal(platform_sync(p), 0);
	assert_int_equal(bits_of(p, 0x40), 0xfe);
	close(fds[1]);
	assert_int_equal(platform_sync(p), 0); /* EOF */
	platform_destroy(p);
	close(fds[0]);
	/* A socket. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	cfg.hc_fd = fds[0];
	assert_int_equal(sim_platform_new(&f->ram, &cfg, &p), 0);
	record(rec, 12, 0x41000, 1, 0);
	assert_int_equal(write(fds[1], rec, 32), 32);
	assert_int_equal(platform_sync(p), 0);
	assert_int_equal(bits_of(p, 0x40), 0xfd);
	platform_destroy(p);
	close(fds[0]);
	close(fds[1]);
	/* A regular file that grows: the offset is remembered at EOF. */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	cfg.hc_fd = fd;
	assert_int_equal(sim_platform_new(&f->ram, &cfg, &p), 0);
	record(rec, 12, 0x42000, 1, 0);
	assert_int_equal(write(fd, rec, 32), 32);
	assert_int_equal(platform_sync(p), 0);
	assert_int_equal(bits_of(p, 0x40), 0xfb);
	assert_int_equal(platform_set_bitmap(p, 0, 0, NULL), 0);
	assert_int_equal(platform_sync(p), 0); /* nothing re-read */
	assert_int_equal(bits_of(p, 0x40), 0xff);
	record(rec, 12, 0x43000, 1, 0);
	assert_int_equal(write(fd, rec, 32), 32);
	assert_int_equal(platform_sync(p), 0);
	assert_int_equal(bits_of(p, 0x40), 0xf7);
	platform_destroy(p);
	close(fd);
}

static void test_latency(void **state)
{
	struct fixture *f = *state;
	struct sim_config cfg = f->cfg;
	struct platform *p;
	uint8_t buf[16];
	uint64_t t0;
	int fw;

	cfg.latency_us = 3000;
	assert_int_equal(sim_platform_new(&f->ram, &cfg, &p), 0);
	t0 = now_ns();
	assert_int_equal(platform_dbg_decrypt(p, 0, buf, 16, &fw), 0);
	assert_true(now_ns() - t0 >= 3000000);
	platform_destroy(p);
}

struct psp_thread {
	struct platform *p;
	uint64_t gpa;
	int ret;
};

static void *psp_decrypt(void *arg)
{
	struct psp_thread *t = arg;
	uint8_t buf[16];
	int fw;

	t->ret = platform_dbg_decrypt(t->p, t->gpa, buf, sizeof(buf), &fw);
	return NULL;
}

/* The PSP runs one command at a time: two threads' commands queue. */
static void test_latency_serial(void **state)
{
	struct fixture *f = *state;
	struct sim_config cfg = f->cfg;
	struct psp_thread t[2];
	pthread_t th[2];
	struct sim_stats st;
	uint64_t t0;
	int i;

	cfg.latency_us = 20000;
	t[0].gpa = 0;
	t[1].gpa = PAGE_SIZE;
	assert_int_equal(sim_platform_new(&f->ram, &cfg, &t[0].p), 0);
	t[1].p = t[0].p;
	t0 = now_ns();
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, psp_decrypt,
						&t[i]),
				 0);
	for (i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(t[i].ret, 0);
	}
	assert_true(now_ns() - t0 >= 40000000ULL);
	assert_int_equal(sim_platform_stats(t[0].p, &st), 0);
	assert_int_equal(st.firmware_ns, 40000000ULL);
	platform_destroy(t[0].p);
}

/* A platform with nothing but info: every other wrapper says -ENOSYS. */
static int info_only(struct platform *p, struct platform_info *i)
{
	memset(i, 0, sizeof(*i));
	i->kind = "plain";
	return 0;
}

static void test_wrappers(void **state)
{
	struct fixture *f = *state;
	static const struct platform_ops ops = {.name = "empty",
						.info = info_only};
	struct platform empty = {.ops = &ops};
	uint8_t buf[4096];
	int fw = 0;

	assert_int_equal(platform_read_host(&empty, 0, buf, 1), -ENOSYS);
	assert_int_equal(platform_write_host(&empty, 0, buf, 1), -ENOSYS);
	assert_int_equal(platform_dbg_decrypt(&empty, 0, buf, 16, &fw),
			 -ENOSYS);
	assert_int_equal(platform_dbg_encrypt(&empty, 0, buf, 16, &fw),
			 -ENOSYS);
	assert_int_equal(platform_get_bitmap(&empty, 0, 1, buf), -ENOSYS);
	assert_int_equal(platform_set_bitmap(&empty, 0, 1, buf), -ENOSYS);
	assert_int_equal(platform_sync(&empty), -ENOSYS);
	assert_int_equal(empty.stats.errors, 6);
	platform_destroy(&empty); /* NULL destroy is fine */

	/* Counters and fault injection on the sim. */
	memset(&f->p->stats, 0, sizeof(f->p->stats));
	f->p->fail_decrypt_at = 2;
	assert_int_equal(platform_dbg_decrypt(f->p, 0, buf, 4096, &fw), 0);
	assert_int_equal(platform_dbg_decrypt(f->p, 0, buf, 16, &fw), -EIO);
	assert_int_equal(fw, SEV_RET_INVALID_ADDRESS);
	assert_int_equal(platform_dbg_decrypt(f->p, 0, buf, 16, &fw), 0);
	f->p->fail_read_host_at = 1;
	assert_int_equal(platform_read_host(f->p, 0, buf, 100), -EIO);
	assert_int_equal(platform_read_host(f->p, 0, buf, 100), 0);
	assert_int_equal(f->p->stats.decrypt_calls, 3);
	assert_int_equal(f->p->stats.decrypt_bytes, 4096 + 16);
	assert_int_equal(f->p->stats.host_read_calls, 2);
	assert_int_equal(f->p->stats.host_read_bytes, 100);
	assert_int_equal(f->p->stats.errors, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ram_map, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_view, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_host_write, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dbg_commands, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_psp_rules, setup,
						teardown),
		cmocka_unit_test(test_policy_nodbg),
		cmocka_unit_test(test_not_launched),
		cmocka_unit_test_setup_teardown(test_read_host_hole, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_feed_records, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_untracked_records, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sync_pipe_and_file, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_latency, setup, teardown),
		cmocka_unit_test_setup_teardown(test_latency_serial, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_wrappers, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
