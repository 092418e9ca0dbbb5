// SPDX-License-Identifier: GPL-2.0-only
/*
 * The `core:FILE` target: a dump (ELF vmcore or kdump-compressed, detected
 * by content) as a read-only target, with its `file` platform.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plugins/targets/core/core-int.h"
#include "sevdbg/platform.h"

int core_raw_pread(const struct core_file *cf, void *buf, uint64_t len,
		   uint64_t off)
{
	uint8_t *p = buf;
	ssize_t n;

	if (off > cf->file_size || len > cf->file_size - off)
		return -EINVAL;
	if (cf->mem) {
		memcpy(buf, cf->mem + off, len);
		return 0;
	}
	while (len) {
		n = pread(cf->fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO; /* shrank under us */
		p += n;
		len -= (uint64_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

int core_pread(const struct core_file *cf, void *buf, uint64_t len,
	       uint64_t off)
{
	if (off > cf->size || len > cf->size - off)
		return -EINVAL;
	if (cf->flat)
		return core_flat_pread(cf, buf, len, off);
	return core_raw_pread(cf, buf, len, off);
}

static bool note_is(const uint8_t *name, uint32_t namesz, const char *want)
{
	return namesz == strlen(want) + 1 && !memcmp(name, want, namesz);
}

static int core_one_note(struct core_file *cf, const uint8_t *name,
			 uint32_t namesz, uint32_t type, const uint8_t *desc,
			 uint32_t descsz, int *npr, int *nq, char *err,
			 size_t errlen)
{
	if (note_is(name, namesz, "CORE") && type == 1 &&
	    descsz >= ELF_PRSTATUS_SIZE && *npr < TARGET_MAX_VCPUS) {
		note_prstatus_decode(desc, &cf->regs[(*npr)++]);
	} else if (note_is(name, namesz, "QEMU") && type == 0 &&
		   *nq < TARGET_MAX_VCPUS) {
		if (!note_qemu_decode(desc, descsz, &cf->regs[*nq]))
			cf->have_qemu_note = true;
		(*nq)++;
	} else if (note_is(name, namesz, SEVDBG_NOTE_NAME) &&
		   type == NT_SEVDBG) {
		if (cf->have_sevdbg) {
			snprintf(err, errlen, "the dump has two SEVDBG notes");
			return -EINVAL;
		}
		if (sevdbg_note_parse(desc, descsz, &cf->sev, err, errlen))
			return -EINVAL;
		cf->have_sevdbg = true;
	} else if (note_is(name, namesz, VMCOREINFO_NAME) && type == 0 &&
		   !cf->vmci) {
		cf->vmci = desc;
		cf->vmci_len = descsz;
	}
	return 0;
}

/* Registers: NT_PRSTATUS, then QEMUCPUState over it, then SEVDBG's. */
static void core_apply_sevdbg_regs(struct core_file *cf)
{
	const uint8_t *rec = cf->sev.regs;
	uint32_t i, j;
	bool any;

	if (cf->sev.h.flags & SEVDBG_NOTE_F_SEV_ES)
		memset(cf->regs, 0, sizeof(cf->regs));
	for (i = 0; rec && i < cf->sev.h.nr_vcpus; i++) {
		const uint8_t *v = rec + REGS_BYTES;

		for (any = false, j = 0; j < REGS_NR; j++)
			any |= v[j] != 0;
		if (any) {
			memcpy(cf->regs[i].raw, rec, REGS_BYTES);
			for (j = 0; j < REGS_NR; j++)
				cf->regs[i].valid[j] = v[j] ? 1 : 0;
		}
		rec += REGS_BYTES + REGS_NR;
	}
	if ((int)cf->sev.h.nr_vcpus > cf->nr_vcpus)
		cf->nr_vcpus = (int)cf->sev.h.nr_vcpus;
}

int core_parse_notes(struct core_file *cf, char *err, size_t errlen)
{
	const uint8_t *p = cf->notes;
	uint64_t pos = 0, len = cf->notes_len, name_off, desc_off, next;
	uint32_t namesz, descsz, type;
	int npr = 0, nq = 0, ret;

	while (len - pos >= 12) {
		namesz = get_le32(p + pos);
		descsz = get_le32(p + pos + 4);
		type = get_le32(p + pos + 8);
		name_off = pos + 12;
		desc_off = name_off + NOTE_ALIGN4((uint64_t)namesz);
		next = desc_off + NOTE_ALIGN4((uint64_t)descsz);
		if (next > len) {
			snprintf(err, errlen,
				 "an ELF note at offset %llu of the note area runs past its end (%llu bytes)",
				 (unsigned long long)pos,
				 (unsigned long long)len);
			return -EINVAL;
		}
		ret = core_one_note(cf, p + name_off, namesz, type,
				    p + desc_off, descsz, &npr, &nq, err,
				    errlen);
		if (ret)
			return ret;
		pos = next;
	}
	cf->nr_vcpus = MAX(npr, nq);
	if (cf->have_sevdbg)
		core_apply_sevdbg_regs(cf);
	cf->have_cr3 = cf->nr_vcpus > 0 && cf->regs[0].valid[REGS_CR3];
	return 0;
}

int core_parse(struct core_file *cf, char *err, size_t errlen)
{
	uint8_t magic[8];
	int ret;

	cf->cached_pfn = UINT64_MAX;
	cf->file_size = cf->size;
	if (core_pread(cf, magic, sizeof(magic), 0)) {
		snprintf(err, errlen,
			 "the file is too short to be a dump (%llu bytes)",
			 (unsigned long long)cf->size);
		return -EINVAL;
	}
	if (!memcmp(magic, "\177ELF", 4))
		ret = core_elf_parse(cf, err, errlen);
	else if (!memcmp(magic, KDUMP_SIGNATURE, KDUMP_SIG_LEN))
		ret = core_kdump_parse(cf, err, errlen);
	else if (!memcmp(magic, "makedump", 8))
		ret = core_flat_parse(cf, err, errlen);
	else
		ret = -EINVAL,
		snprintf(err, errlen,
			 "neither an ELF vmcore nor a kdump-compressed dump (unknown signature)");
	return ret;
}

void core_release(struct core_file *cf)
{
	free(cf->segs);
	free(cf->bm1);
	free(cf->bm2);
	free(cf->rank);
	free(cf->page);
	free(cf->cpage);
	free(cf->notes);
	free(cf->flat);
	ram_free(&cf->ram);
	if (cf->fd >= 0 && !cf->mem)
		close(cf->fd);
	memset(cf, 0, sizeof(*cf));
	cf->fd = -1;
}

static bool core_page_missing(const struct core_file *cf, uint64_t gfn)
{
	const struct sevdbg_note *n = &cf->sev;

	return cf->have_sevdbg && gfn >= n->h.start_gfn &&
	       gfn - n->h.start_gfn < n->h.npages &&
	       sevdbg_src_get(n->source, gfn - n->h.start_gfn) ==
		       SEVDBG_SRC_MISSING;
}

static const struct core_seg *core_find_seg(const struct core_file *cf,
					    uint64_t gpa)
{
	size_t lo = 0, hi = cf->nr_segs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct core_seg *s = &cf->segs[mid];

		if (gpa < s->gpa)
			hi = mid;
		else if (gpa - s->gpa >= s->size)
			lo = mid + 1;
		else
			return s;
	}
	return NULL;
}

int core_read_phys(struct core_file *cf, uint64_t gpa, void *buf, size_t len)
{
	uint8_t *p = buf;
	uint64_t n, pfn, in;
	const struct core_seg *s;
	int ret;

	while (len) {
		pfn = gpa >> PAGE_SHIFT;
		if (core_page_missing(cf, pfn))
			return -ENODATA;
		if (cf->kind == CORE_KDUMP) {
			ret = core_kdump_read_page(cf, pfn);
			if (ret)
				return ret;
			in = gpa & (PAGE_SIZE - 1);
			n = MIN(len, PAGE_SIZE - in);
			memcpy(p, cf->page + in, n);
		} else {
			s = core_find_seg(cf, gpa);
			if (!s)
				return -EFAULT;
			n = MIN(len, s->size - (gpa - s->gpa));
			ret = core_pread(cf, p, n, s->off + (gpa - s->gpa));
			if (ret)
				return -EIO;
		}
		p += n;
		gpa += n;
		len -= n;
	}
	return 0;
}

/* ---- the file platform: the dump's plaintext and its saved bitmap ---- */

static int file_read(struct platform *p, uint64_t gpa, void *buf, size_t len)
{
	return core_read_phys(p->priv, gpa, buf, len);
}

static int file_decrypt(struct platform *p, uint64_t gpa, void *buf, size_t len,
			int *fw_error)
{
	*fw_error = SEV_RET_SUCCESS;
	return core_read_phys(p->priv, gpa, buf, len);
}

static int file_get_bitmap(struct platform *p, uint64_t start_gfn,
			   uint64_t npages, uint8_t *bits)
{
	const struct core_file *cf = p->priv;
	const struct sevdbg_note *n = &cf->sev;
	uint64_t i, g;

	memset(bits, 0, (npages + 7) / 8);
	if (!cf->have_sevdbg || !(n->h.flags & SEVDBG_NOTE_F_ENCRYPTED))
		return 0; /* no SEVDBG note: every page plain */
	for (i = 0; i < npages; i++) {
		g = start_gfn + i;
		if (g < n->h.start_gfn || g - n->h.start_gfn >= n->h.npages)
			continue;
		g -= n->h.start_gfn;
		if (n->bitmap[g / 8] >> (g % 8) & 1)
			bits[i / 8] |= (uint8_t)(1u << (i % 8));
	}
	return 0;
}

static int file_info(struct platform *p, struct platform_info *info)
{
	const struct core_file *cf = p->priv;

	memset(info, 0, sizeof(*info));
	info->kind = "file";
	if (cf->have_sevdbg) {
		info->cbit = cf->sev.h.cbit;
		info->policy = cf->sev.h.policy;
		info->encrypted = cf->sev.h.flags & SEVDBG_NOTE_F_ENCRYPTED;
		info->regs_encrypted = cf->sev.h.flags & SEVDBG_NOTE_F_SEV_ES;
	} else {
		info->bitmap_caveat =
			"this dump has no SEVDBG note (it was not written by sevdbg): every page is shown as plain";
	}
	return 0;
}

static const struct platform_ops file_platform_ops = {
	.name = "file",
	.read_host = file_read,
	.dbg_decrypt = file_decrypt,
	.get_bitmap = file_get_bitmap,
	.info = file_info,
};

/* ---- the target ---- */

struct core_target {
	struct target t;
	struct platform plat;
	struct core_file cf;
	char path[256];
};

static struct core_file *core_of(struct target *t)
{
	return &((struct core_target *)t->priv)->cf;
}

static int core_nr_vcpus(struct target *t)
{
	return MAX(core_of(t)->nr_vcpus, 1);
}

static int core_read_regs(struct target *t, int vcpu, struct regs *regs)
{
	struct core_file *cf = core_of(t);

	if (vcpu < 0 || vcpu >= core_nr_vcpus(t))
		return -EINVAL;
	if (vcpu >= cf->nr_vcpus)
		memset(regs, 0, sizeof(*regs)); /* all <unavailable> */
	else
		*regs = cf->regs[vcpu];
	return 0;
}

static int core_vcpu_describe(struct target *t, int vcpu, char *buf, size_t len)
{
	snprintf(buf, len, "vCPU %d (dump)", vcpu);
	return 0;
}

static int core_describe(struct target *t, char *buf, size_t len)
{
	struct core_target *ct = t->priv;
	const struct core_file *cf = &ct->cf;
	char vmci[80] = "";
	size_t n;

	/* Its first line names the kernel the dump is of. */
	if (cf->vmci) {
		n = 0;
		while (n < cf->vmci_len && n < sizeof(vmci) - 1 &&
		       cf->vmci[n] >= 0x20 && cf->vmci[n] < 0x7f)
			n++;
		snprintf(vmci, sizeof(vmci), "; vmcoreinfo: %.*s", (int)n,
			 (const char *)cf->vmci);
	}
	snprintf(buf, len, "core: %s, %s, %d vCPU(s)%s%s%s", ct->path,
		 cf->kind_name, cf->nr_vcpus, vmci,
		 cf->have_sevdbg
			 ? ""
			 : "; this dump has no SEVDBG note: every page is shown as shared/plain",
		 cf->have_cr3
			 ? ""
			 : "; no CR3 saved (NT_PRSTATUS only): virtual addresses are unavailable");
	return 0;
}

static void core_destroy(struct target *t)
{
	struct core_target *ct = t->priv;

	ram_free(&t->ram);
	core_release(&ct->cf);
	free(ct);
}

static const struct target_ops core_target_ops = {
	.name = "core",
	.nr_vcpus = core_nr_vcpus,
	.vcpu_describe = core_vcpu_describe,
	.read_regs = core_read_regs,
	.describe = core_describe,
	.destroy = core_destroy,
};

static int core_open_fd(struct core_target *ct, const char *path, char *err,
			size_t errlen)
{
	struct stat st;
	char why[200] = "";
	int ret;

	ct->cf.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (ct->cf.fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot open dump %s: %s", path,
			 strerror(errno));
		return ret;
	}
	if (fstat(ct->cf.fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s is not a regular file", path);
		return -EINVAL;
	}
	ct->cf.size = (uint64_t)st.st_size;
	ret = core_parse(&ct->cf, why, sizeof(why));
	if (ret)
		snprintf(err, errlen, "%s: %s", path, why);
	return ret;
}

static int core_open(const char *arg, const struct target_opts *o,
		     struct target **out, char *err, size_t errlen)
{
	struct core_target *ct;
	int ret;

	if (!arg || !*arg) {
		snprintf(err, errlen, "core: needs a file: core:FILE");
		return -EINVAL;
	}
	ct = calloc(1, sizeof(*ct));
	if (!ct)
		return -ENOMEM;
	ct->cf.fd = -1;
	snprintf(ct->path, sizeof(ct->path), "%s", arg);
	ret = core_open_fd(ct, arg, err, errlen);
	if (ret) {
		core_release(&ct->cf);
		free(ct);
		return ret;
	}
	ct->t.ops = &core_target_ops;
	ct->t.priv = ct;
	ct->t.ram = ct->cf.ram; /* the target owns the map now */
	memset(&ct->cf.ram, 0, sizeof(ct->cf.ram));
	ct->plat.ops = &file_platform_ops;
	ct->plat.priv = &ct->cf;
	ct->t.plat = &ct->plat;
	ct->t.live = false;
	ct->t.read_only = true;
	*out = &ct->t;
	return 0;
}

const struct target_type core_target_type = {
	.prefix = "core",
	.usage =
		"core:FILE  a dump (sevdbg or QEMU ELF vmcore, kdump-compressed)",
	.open = core_open,
};
