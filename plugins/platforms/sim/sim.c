// SPDX-License-Identifier: GPL-2.0-only
/*
 * The sim platform (DESIGN.md §4): the hypervisor's view of a plaintext guest
 * as if it were SEV-encrypted, the PSP debug rules, and the series' bitmap.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "sevdbg/bitmap.h"
#include "sevdbg/platform.h"
#include "sevdbg/ram.h"
#include "sevdbg/simhc.h"
#include "sevdbg/util.h"

#define SIM_DEFAULT_CBIT 52
#define BLK		 16

struct sim {
	struct platform p;
	const struct ram_map *ram;
	uint64_t ram_gen; /* ram->gen bm is sized for */
	struct sim_config cfg;
	/* What the guest's memory really is: drives read_host and DBG. */
	struct bitmap bm;
	/* The kernel's bitmap (GET/SET) when records never reach it
	 * (cfg.bitmap_untracked); otherwise bm is both. */
	struct bitmap kbm;
	/* XEX: C = E_k1(P ^ T) ^ T with T = E_k2(gpa of the 16-byte block). */
	EVP_CIPHER_CTX *enc, *dec, *tweak;
	uint8_t rx[SIM_HC_RECORD_SIZE]; /* partial record from the channel */
	size_t rxlen;
	uint64_t hc_off; /* read offset when hc_fd is a file */
	struct sim_stats st;
	/* The PSP runs one command at a time for the whole host: every
	 * thread's DBG command takes this lock for its whole duration. */
	pthread_mutex_t psp;
	uint8_t tin[PAGE_SIZE], tw[PAGE_SIZE], blk[PAGE_SIZE];
	/* SEV-ES: each vCPU's VMSA page as the hypervisor holds it (cipher-
	 * text), and whether it is saved (stopped) or the vCPU runs. */
	uint8_t *vmsa[SIM_MAX_VCPUS];
	enum { VMSA_NONE, VMSA_RUNNING, VMSA_SAVED } vmsa_state[SIM_MAX_VCPUS];
};

static const struct platform_ops sim_ops;

static struct sim *to_sim(struct platform *p)
{
	return p->priv;
}

/* Tweaks for the n blocks starting at 16-aligned gpa into s->tw. */
static int sim_tweaks(struct sim *s, uint64_t gpa, size_t n)
{
	int outl;
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t a = gpa + i * BLK;

		memcpy(&s->tin[i * BLK], &a, 8);
		memset(&s->tin[i * BLK + 8], 0, 8);
	}
	if (!EVP_EncryptUpdate(s->tweak, s->tw, &outl, s->tin, (int)(n * BLK)))
		return -EIO;
	return 0;
}

/* XEX over whole blocks of one page; in and out may be the same. */
static int sim_xex(struct sim *s, bool encrypt, uint64_t gpa, const uint8_t *in,
		   uint8_t *out, size_t len)
{
	size_t n = len / BLK, i;
	int outl, ok;

	if (sim_tweaks(s, gpa, n))
		return -EIO;
	for (i = 0; i < len; i++)
		out[i] = in[i] ^ s->tw[i];
	if (encrypt)
		ok = EVP_EncryptUpdate(s->enc, out, &outl, out, (int)len);
	else
		ok = EVP_DecryptUpdate(s->dec, out, &outl, out, (int)len);
	if (!ok)
		return -EIO;
	for (i = 0; i < len; i++)
		out[i] ^= s->tw[i];
	return 0;
}

/* Our mapping of [gpa, gpa+len), or NULL if it leaves RAM or is unmapped. */
static uint8_t *sim_hva(struct sim *s, uint64_t gpa, size_t len)
{
	const struct ram_region *r = ram_find(s->ram, gpa);

	if (!r || !r->hva || len > r->gpa + r->size - gpa)
		return NULL;
	return r->hva + (gpa - r->gpa);
}

static bool sim_encrypted(struct sim *s, uint64_t gpa)
{
	return bitmap_test(&s->bm, gpa >> PAGE_SHIFT);
}

/* What the hypervisor reads at gpa, inside one page. */
static int sim_phys_read(struct sim *s, uint64_t gpa, uint8_t *hva,
			 uint8_t *out, size_t len)
{
	uint64_t a = ALIGN_DOWN(gpa, BLK), e = ALIGN_UP(gpa + len, BLK);
	int ret;

	if (!sim_encrypted(s, gpa)) {
		memcpy(out, hva, len);
		return 0;
	}
	ret = sim_xex(s, true, a, hva - (gpa - a), s->blk, e - a);
	if (!ret)
		memcpy(out, s->blk + (gpa - a), len);
	return ret;
}

/* The hypervisor writes at gpa, inside one page: ciphertext if encrypted. */
static int sim_phys_write(struct sim *s, uint64_t gpa, uint8_t *hva,
			  const uint8_t *in, size_t len)
{
	uint64_t a = ALIGN_DOWN(gpa, BLK), e = ALIGN_UP(gpa + len, BLK);
	uint8_t *base = hva - (gpa - a);
	int ret;

	if (!sim_encrypted(s, gpa)) {
		memcpy(hva, in, len);
		return 0;
	}
	ret = sim_xex(s, true, a, base, s->blk, e - a);
	if (ret)
		return ret;
	memcpy(s->blk + (gpa - a), in, len);
	return sim_xex(s, false, a, s->blk, base, e - a);
}

static int sim_host_access(struct platform *p, uint64_t gpa, uint8_t *rbuf,
			   const uint8_t *wbuf, size_t len)
{
	struct sim *s = to_sim(p);
	uint8_t *hva = sim_hva(s, gpa, len);
	size_t done = 0, n;
	int ret = 0;

	if (!hva)
		return -EFAULT;
	while (done < len && !ret) {
		n = MIN(len - done, PAGE_SIZE - ((gpa + done) & ~PAGE_MASK));
		if (rbuf)
			ret = sim_phys_read(s, gpa + done, hva + done,
					    rbuf + done, n);
		else
			ret = sim_phys_write(s, gpa + done, hva + done,
					     wbuf + done, n);
		done += n;
	}
	return ret;
}

static int sim_read_host(struct platform *p, uint64_t gpa, void *buf,
			 size_t len)
{
	return sim_host_access(p, gpa, buf, NULL, len);
}

static int sim_write_host(struct platform *p, uint64_t gpa, const void *buf,
			  size_t len)
{
	return sim_host_access(p, gpa, NULL, buf, len);
}

/*
 * The firmware's cost of one command, paid while holding s->psp so that
 * commands from different threads queue as they do on the one PSP.
 * Short latencies spin: nanosleep's own overhead is ~50 us.
 */
static void sim_firmware_delay(struct sim *s)
{
	struct timespec ts;
	uint64_t until;

	s->st.firmware_ns += s->cfg.latency_us * 1000ULL;
	if (!s->cfg.latency_us)
		return;
	if (s->cfg.latency_us < 100) {
		until = now_ns() + s->cfg.latency_us * 1000ULL;
		while (now_ns() < until)
			;
		return;
	}
	ts.tv_sec = s->cfg.latency_us / 1000000;
	ts.tv_nsec = (long)(s->cfg.latency_us % 1000000) * 1000;
	nanosleep(&ts, NULL);
}

/* The PSP's checks for DBG_DECRYPT/ENCRYPT, in the firmware's order. */
static int sim_dbg_check(struct sim *s, uint64_t gpa, size_t len, int *fw_error,
			 uint8_t **hva)
{
	int fw = SEV_RET_SUCCESS, ret = -EIO;

	if (!s->cfg.launched)
		fw = SEV_RET_INVALID_GUEST_STATE;
	else if (s->cfg.policy & SEV_POLICY_NODBG)
		fw = SEV_RET_POLICY_FAILURE;
	else if (gpa % SEV_DBG_ALIGN)
		fw = SEV_RET_INVALID_ADDRESS, ret = -EINVAL;
	else if (!len || len % SEV_DBG_ALIGN ||
		 (gpa & ~PAGE_MASK) + len > PAGE_SIZE)
		fw = SEV_RET_INVALID_LEN, ret = -EINVAL;
	else if (!(*hva = sim_hva(s, gpa, len)))
		fw = SEV_RET_INVALID_ADDRESS, ret = -EFAULT;
	*fw_error = fw;
	if (fw == SEV_RET_SUCCESS)
		return 0;
	s->st.fw_errors++;
	return ret;
}

static int sim_dbg_decrypt_locked(struct sim *s, uint64_t gpa, void *buf,
				  size_t len, int *fw_error)
{
	uint8_t *hva = NULL;
	int ret;

	s->st.decrypt_cmds++;
	sim_firmware_delay(s);
	ret = sim_dbg_check(s, gpa, len, fw_error, &hva);
	if (ret)
		return ret;
	/* Memory holds plaintext for private pages; a shared page's bytes
	 * are taken for ciphertext and come out as garbage, as on hardware. */
	if (sim_encrypted(s, gpa)) {
		memcpy(buf, hva, len);
		return 0;
	}
	return sim_xex(s, false, gpa, hva, buf, len);
}

static int sim_dbg_encrypt_locked(struct sim *s, uint64_t gpa, const void *buf,
				  size_t len, int *fw_error)
{
	uint8_t *hva = NULL;
	int ret;

	s->st.encrypt_cmds++;
	sim_firmware_delay(s);
	ret = sim_dbg_check(s, gpa, len, fw_error, &hva);
	if (ret)
		return ret;
	if (sim_encrypted(s, gpa)) {
		memcpy(hva, buf, len);
		return 0;
	}
	return sim_xex(s, true, gpa, buf, hva, len);
}

static int sim_dbg_decrypt(struct platform *p, uint64_t gpa, void *buf,
			   size_t len, int *fw_error)
{
	struct sim *s = to_sim(p);
	int ret;

	pthread_mutex_lock(&s->psp);
	ret = sim_dbg_decrypt_locked(s, gpa, buf, len, fw_error);
	pthread_mutex_unlock(&s->psp);
	return ret;
}

static int sim_dbg_encrypt(struct platform *p, uint64_t gpa, const void *buf,
			   size_t len, int *fw_error)
{
	struct sim *s = to_sim(p);
	int ret;

	pthread_mutex_lock(&s->psp);
	ret = sim_dbg_encrypt_locked(s, gpa, buf, len, fw_error);
	pthread_mutex_unlock(&s->psp);
	return ret;
}

/*
 * The VMSA pages live outside guest RAM; their tweaks come from addresses
 * no RAM has, one page per vCPU, so no two vCPUs share a keystream.
 */
#define SIM_VMSA_TWEAK_BASE (1ULL << 60)

int sim_platform_save_vmsa(struct platform *p, int vcpu, const void *vmsa,
			   size_t len)
{
	struct sim *s = to_sim(p);
	uint64_t tweak = SIM_VMSA_TWEAK_BASE + (uint64_t)vcpu * PAGE_SIZE;
	int ret = 0;

	if (p->ops != &sim_ops || !s->cfg.es || vcpu < 0 ||
	    vcpu >= SIM_MAX_VCPUS || len > PAGE_SIZE)
		return -EINVAL;
	if (!vmsa) {
		if (s->vmsa_state[vcpu] == VMSA_SAVED)
			s->vmsa_state[vcpu] = VMSA_RUNNING;
		return 0;
	}
	if (!s->vmsa[vcpu] && !(s->vmsa[vcpu] = calloc(1, PAGE_SIZE)))
		return -ENOMEM;
	pthread_mutex_lock(&s->psp);
	memset(s->blk, 0, PAGE_SIZE);
	memcpy(s->blk, vmsa, len);
	ret = sim_xex(s, true, tweak, s->blk, s->vmsa[vcpu], PAGE_SIZE);
	OPENSSL_cleanse(s->blk, PAGE_SIZE);
	pthread_mutex_unlock(&s->psp);
	if (!ret)
		s->vmsa_state[vcpu] = VMSA_SAVED;
	return ret;
}

/* The series' KVM_SEV_DBG_DECRYPT_VMSA, its checks in the kernel's order. */
static int sim_read_vmsa_locked(struct sim *s, int vcpu, void *buf, size_t len,
				int *fw_error)
{
	uint64_t tweak = SIM_VMSA_TWEAK_BASE + (uint64_t)vcpu * PAGE_SIZE;
	int ret;

	*fw_error = 0;
	if (!len || len > PAGE_SIZE)
		return -EINVAL;
	if (s->cfg.no_regs)
		return -EINVAL; /* a stock kernel: no such command */
	if (!s->cfg.es)
		return -EOPNOTSUPP;
	if (s->cfg.policy & SEV_POLICY_NODBG)
		return -EPERM; /* KVM checks before the PSP would refuse */
	if (vcpu < 0 || vcpu >= SIM_MAX_VCPUS ||
	    s->vmsa_state[vcpu] == VMSA_NONE)
		return -ENOENT;
	if (s->vmsa_state[vcpu] == VMSA_RUNNING)
		return -EBUSY;
	s->st.decrypt_cmds++;
	sim_firmware_delay(s);
	if (!s->cfg.launched) {
		s->st.fw_errors++;
		*fw_error = SEV_RET_INVALID_GUEST_STATE;
		return -EIO;
	}
	ret = sim_xex(s, false, tweak, s->vmsa[vcpu], s->blk, PAGE_SIZE);
	if (!ret)
		memcpy(buf, s->blk, len);
	OPENSSL_cleanse(s->blk, PAGE_SIZE);
	return ret;
}

static int sim_read_vmsa(struct platform *p, int vcpu, void *buf, size_t len,
			 int *fw_error)
{
	struct sim *s = to_sim(p);
	int ret;

	pthread_mutex_lock(&s->psp);
	ret = sim_read_vmsa_locked(s, vcpu, buf, len, fw_error);
	pthread_mutex_unlock(&s->psp);
	return ret;
}

/*
 * Hot-plugged RAM: the series sizes its bitmap from the memslots, so a new
 * memslot brings new bits, encrypted as every page starts.
 */
static int sim_follow_ram(struct sim *s)
{
	uint64_t npages = ALIGN_UP(ram_end(s->ram), PAGE_SIZE) >> PAGE_SHIFT;
	int ret;

	if (s->ram_gen == s->ram->gen)
		return 0;
	ret = bitmap_grow(&s->bm, npages);
	if (!ret && s->kbm.words)
		ret = bitmap_grow(&s->kbm, npages);
	if (!ret)
		s->ram_gen = s->ram->gen;
	return ret;
}

static struct bitmap *sim_kernel_bitmap(struct sim *s)
{
	return s->cfg.bitmap_untracked ? &s->kbm : &s->bm;
}

static int sim_get_bitmap(struct platform *p, uint64_t start_gfn,
			  uint64_t npages, uint8_t *bits)
{
	struct sim *s = to_sim(p);

	return sim_follow_ram(s)
		       ?: bitmap_get(sim_kernel_bitmap(s), start_gfn, npages,
				     bits);
}

/* The series counts a SET as a range told (userspace restoring it). */
static int sim_set_bitmap(struct platform *p, uint64_t start_gfn,
			  uint64_t npages, const uint8_t *bits)
{
	struct sim *s = to_sim(p);
	int ret = sim_follow_ram(s)
			  ?: bitmap_set(sim_kernel_bitmap(s), start_gfn, npages,
					bits);

	if (!ret)
		s->st.nr_ranges++;
	return ret;
}

static int sim_sync(struct platform *p);

static int sim_info(struct platform *p, struct platform_info *info)
{
	struct sim *s = to_sim(p);

	memset(info, 0, sizeof(*info));
	info->kind = s->cfg.es ? "sim-es" : "sim";
	info->regs_encrypted = s->cfg.es || s->cfg.no_regs;
	info->cbit = s->cfg.cbit;
	info->policy = s->cfg.policy;
	info->encrypted = true;
	info->fw_latency_us = s->cfg.latency_us;
	/* The kvm platform's rule (kvm_trust_bitmap): a kernel bitmap that
	 * was never told anything is not followed. Records that arrived
	 * while the guest ran count, so drain them first. */
	sim_sync(p);
	if (!s->st.nr_ranges) {
		info->bitmap_from_paging = true;
		info->bitmap_caveat =
			"the guest never reported a page to the kernel's bitmap (nr_ranges 0): shared pages come from the guest's page tables, `verify` compares the two";
	}
	return 0;
}

/* The number is checked by the caller; the bitmap explains bad fields. */
static void sim_apply(struct sim *s)
{
	struct sim_hc_record rec;
	char why[80];

	(void)sim_hc_record_decode(s->rx, &rec);
	(void)sim_follow_ram(s); /* a record may be for hot-plugged RAM */
	if (!bitmap_apply_record(&s->bm, rec.gpa, rec.npages, rec.attrs, why,
				 sizeof(why))) {
		s->st.records++;
		if (!s->cfg.bitmap_untracked)
			s->st.nr_ranges++;
		return;
	}
	s->st.bad_records++;
	pr_warn("sim: ignoring page-encryption record (gpa 0x%llx npages %llu attrs 0x%llx): %s; the guest's hypercall is wrong",
		(unsigned long long)rec.gpa, (unsigned long long)rec.npages,
		(unsigned long long)rec.attrs, why);
}

/* After a record with an unknown number: restart at the next magic in it. */
static void sim_resync(struct sim *s, const uint8_t *magic)
{
	size_t k, n;

	for (k = 1; k < SIM_HC_RECORD_SIZE; k++) {
		n = MIN(4, SIM_HC_RECORD_SIZE - k);
		if (!memcmp(&s->rx[k], magic, n))
			break;
	}
	s->st.garbage_bytes += k;
	memmove(s->rx, &s->rx[k], SIM_HC_RECORD_SIZE - k);
	s->rxlen = SIM_HC_RECORD_SIZE - k;
}

static void sim_record_done(struct sim *s, const uint8_t *magic)
{
	uint32_t nr = (uint32_t)sim_hc_le(s->rx + 4, 4);

	if (nr != SIM_HC_NR_MAP_GPA_RANGE) {
		pr_warn("sim: skipping a record with hypercall number %u (only %u, MAP_GPA_RANGE, is defined); resynchronising",
			nr, SIM_HC_NR_MAP_GPA_RANGE);
		s->st.bad_records++;
		sim_resync(s, magic);
		return;
	}
	sim_apply(s);
	s->rxlen = 0;
}

int sim_platform_feed(struct platform *p, const void *buf, size_t len)
{
	static const uint8_t magic[4] = {'S', 'E', 'V', 'H'};
	struct sim *s;
	const uint8_t *c = buf;
	size_t i;

	if (p->ops != &sim_ops)
		return -EINVAL;
	s = to_sim(p);
	for (i = 0; i < len; i++) {
		if (s->rxlen < sizeof(magic) && c[i] != magic[s->rxlen]) {
			/* Resync: the byte may itself start a new magic. */
			s->st.garbage_bytes += s->rxlen + (c[i] != magic[0]);
			s->rxlen = 0;
			if (c[i] != magic[0])
				continue;
		}
		s->rx[s->rxlen++] = c[i];
		if (s->rxlen == SIM_HC_RECORD_SIZE)
			sim_record_done(s, magic);
	}
	return 0;
}

/* Drain the debugcon channel without blocking: pipe, socket or a file. */
static int sim_sync(struct platform *p)
{
	struct sim *s = to_sim(p);
	uint8_t buf[4096];
	struct stat st;
	ssize_t n;

	if (s->cfg.hc_fd < 0)
		return 0;
	if (fstat(s->cfg.hc_fd, &st))
		return -errno;
	/* The router syncs before every read (a dump: once per MiB); a
	 * file that has not grown needs no read. */
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size <= s->hc_off)
		return 0;
	for (;;) {
		if (S_ISREG(st.st_mode)) {
			n = pread(s->cfg.hc_fd, buf, sizeof(buf),
				  (off_t)s->hc_off);
		} else {
			struct pollfd pfd = {.fd = s->cfg.hc_fd,
					     .events = POLLIN};

			if (poll(&pfd, 1, 0) <= 0 || !(pfd.revents & POLLIN))
				return 0;
			n = read(s->cfg.hc_fd, buf, sizeof(buf));
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		if (n == 0)
			return 0; /* EOF: a file may grow later */
		s->hc_off += (uint64_t)n;
		sim_platform_feed(p, buf, (size_t)n);
	}
}

static void sim_destroy(struct platform *p)
{
	struct sim *s = to_sim(p);

	EVP_CIPHER_CTX_free(s->enc);
	EVP_CIPHER_CTX_free(s->dec);
	EVP_CIPHER_CTX_free(s->tweak);
	bitmap_release(&s->bm);
	bitmap_release(&s->kbm);
	OPENSSL_cleanse(s->blk, sizeof(s->blk));
	pthread_mutex_destroy(&s->psp);
	for (int i = 0; i < SIM_MAX_VCPUS; i++)
		free(s->vmsa[i]);
	free(s);
}

static const struct platform_ops sim_ops = {
	.name = "sim",
	.read_host = sim_read_host,
	.write_host = sim_write_host,
	.dbg_decrypt = sim_dbg_decrypt,
	.dbg_encrypt = sim_dbg_encrypt,
	.get_bitmap = sim_get_bitmap,
	.set_bitmap = sim_set_bitmap,
	.info = sim_info,
	.sync = sim_sync,
	.read_vmsa = sim_read_vmsa,
	.destroy = sim_destroy,
};

static int sim_init_ciphers(struct sim *s, const uint8_t *key)
{
	static const uint8_t label[BLK] = "sevdbg-simtweak";
	uint8_t k1[BLK], k2[BLK];
	int outl, ret = -EIO;

	if (key)
		memcpy(k1, key, BLK);
	else if (RAND_bytes(k1, BLK) != 1)
		goto out;
	s->enc = EVP_CIPHER_CTX_new();
	s->dec = EVP_CIPHER_CTX_new();
	s->tweak = EVP_CIPHER_CTX_new();
	if (!s->enc || !s->dec || !s->tweak)
		goto out;
	if (!EVP_EncryptInit_ex(s->enc, EVP_aes_128_ecb(), NULL, k1, NULL) ||
	    !EVP_DecryptInit_ex(s->dec, EVP_aes_128_ecb(), NULL, k1, NULL))
		goto out;
	EVP_CIPHER_CTX_set_padding(s->enc, 0);
	EVP_CIPHER_CTX_set_padding(s->dec, 0);
	/* The tweak key is derived from the guest key: one key to configure. */
	if (!EVP_EncryptUpdate(s->enc, k2, &outl, label, BLK) ||
	    !EVP_EncryptInit_ex(s->tweak, EVP_aes_128_ecb(), NULL, k2, NULL))
		goto out;
	EVP_CIPHER_CTX_set_padding(s->tweak, 0);
	ret = 0;
out:
	OPENSSL_cleanse(k1, sizeof(k1));
	OPENSSL_cleanse(k2, sizeof(k2));
	return ret;
}

int sim_platform_new(const struct ram_map *ram, const struct sim_config *cfg,
		     struct platform **out)
{
	struct sim *s;
	int ret;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	if (cfg) {
		s->cfg = *cfg;
	} else {
		s->cfg.launched = true;
		s->cfg.hc_fd = -1;
	}
	s->cfg.key = NULL; /* not kept: the caller's buffer */
	if (!s->cfg.cbit)
		s->cfg.cbit = SIM_DEFAULT_CBIT;
	s->ram = ram;
	s->ram_gen = ram->gen;
	pthread_mutex_init(&s->psp, NULL);
	ret = bitmap_init(&s->bm,
			  ALIGN_UP(ram_end(ram), PAGE_SIZE) >> PAGE_SHIFT);
	if (!ret && s->cfg.bitmap_untracked)
		ret = bitmap_init(&s->kbm, s->bm.npages);
	if (ret)
		goto err_bitmap;
	ret = sim_init_ciphers(s, cfg ? cfg->key : NULL);
	if (ret)
		goto err_ciphers;
	s->p.ops = &sim_ops;
	s->p.priv = s;
	*out = &s->p;
	return 0;
err_ciphers:
	EVP_CIPHER_CTX_free(s->enc);
	EVP_CIPHER_CTX_free(s->dec);
	EVP_CIPHER_CTX_free(s->tweak);
err_bitmap:
	bitmap_release(&s->kbm);
	bitmap_release(&s->bm);
	pthread_mutex_destroy(&s->psp);
	free(s);
	return ret;
}

int sim_platform_stats(struct platform *p, struct sim_stats *st)
{
	if (p->ops != &sim_ops)
		return -EINVAL;
	*st = to_sim(p)->st;
	return 0;
}
