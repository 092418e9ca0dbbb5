// SPDX-License-Identifier: GPL-2.0-only
/*
 * The dump writer's driver: stops the guest, walks guest RAM page by page
 * through the router, and lands the file atomically (temp file + rename).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gdbstub/dump/dump-int.h"
#include "sevdbg/bitmap.h"
#include "gdbstub/mem/router.h"
#include "gdbstub/mem/session.h"

#define STOP_TIMEOUT_MS 10000
#define PREFAULT_STEP	(16 * DUMP_CHUNK)
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22 /* Linux 5.14 */
#endif

int dump_fail(struct dump_ctx *c, int err, const char *fmt, ...)
{
	va_list ap;

	if (c->errlen && !c->err[0]) {
		va_start(ap, fmt);
		vsnprintf(c->err, c->errlen, fmt, ap);
		va_end(ap);
	}
	return err;
}

static void dump_progress(struct dump_ctx *c, bool last)
{
	uint64_t now = now_ns();

	if (!c->o->progress || !c->pages_total)
		return;
	if (!last && now - c->progress_ns < 100000000ULL)
		return;
	c->progress_ns = now;
	fprintf(stderr, "\rdumping: %3u%% (%llu/%llu MiB)%s",
		(unsigned int)(c->pages_done * 100 / c->pages_total),
		(unsigned long long)(c->pages_done >> 8),
		(unsigned long long)(c->pages_total >> 8), last ? "\n" : "");
}

static bool interrupted(const struct dump_ctx *c)
{
	return c->s->interrupted && *c->s->interrupted;
}

/* Errors that mean "this page is unreadable" rather than "target gone". */
static bool page_error(int err)
{
	return err == -EIO || err == -EFAULT || err == -EPERM ||
	       err == -ENODATA || err == -ENOTSUP || err == -EACCES ||
	       err == -ENOENT;
}

/* A page --filter leaves out: it exists, nothing of it is written. */
static int visit_dropped(struct dump_ctx *c, uint64_t gfn, dump_page_fn fn,
			 void *arg)
{
	sevdbg_src_set(c->source, gfn, SEVDBG_SRC_MISSING);
	c->pages_done++;
	return fn(c, gfn, NULL, arg);
}

static int visit_page(struct dump_ctx *c, uint64_t gfn, const uint8_t *data,
		      dump_page_fn fn, void *arg)
{
	unsigned int src = SEVDBG_SRC_MISSING;
	bool enc = c->encbits[gfn / 8] >> (gfn % 8) & 1;

	if (data)
		src = enc ? SEVDBG_SRC_DECRYPTED : SEVDBG_SRC_SHARED;
	sevdbg_src_set(c->source, gfn, src);
	if (!data)
		c->res->pages_missing++;
	else if (enc)
		c->res->pages_encrypted++;
	else
		c->res->pages_shared++;
	/* First bytes differ on almost every page: a cheap test per page
	 * instead of a second pass or QEMU's fw_cfg, which we cannot read. */
	if (data && !c->vmci_len && (c->vmci_len = vmcoreinfo_match(data)))
		memcpy(c->vmci, data + VMCOREINFO_DESC_OFF, c->vmci_len);
	/*
	 * A zero page is known only once read (and decrypted): it cost its
	 * platform call and counts as read. ELF leaves it out; kdump keeps
	 * it in the 2nd bitmap as makedumpfile does, every zero page sharing
	 * one descriptor (so its file and crash's answers match).
	 */
	if (data && (c->o->filter & DL_EXCLUDE_ZERO) &&
	    c->o->format == DUMP_FMT_ELF && dump_page_is_zero(data)) {
		c->res->pages_zero++;
		c->res->pages_filtered[FILTER_ZERO]++;
		c->res->pages_dropped++;
		sevdbg_src_set(c->source, gfn, SEVDBG_SRC_MISSING);
		data = NULL;
	}
	c->pages_done++;
	return fn(c, gfn, data, arg);
}

/* Read [gpa, gpa+len) (kept pages only) and visit each page; unreadable
 * ones as missing. */
static int visit_run(struct dump_ctx *c, uint64_t gpa, size_t len,
		     dump_page_fn fn, void *arg)
{
	size_t done = 0, i;
	ssize_t n;
	int ret;

	while (done < len) {
		n = router_read(c->s->router, gpa + done, c->rbuf, len - done);
		if (n < 0 && !page_error((int)n)) {
			char why[200];

			if (!router_last_error(c->s->router, why, sizeof(why)))
				snprintf(why, sizeof(why), "%s",
					 strerror((int)-n));
			return dump_fail(c, (int)n,
					 "reading guest memory at 0x%llx failed: %s",
					 (unsigned long long)(gpa + done), why);
		}
		n = n < 0 ? 0 : n;
		for (i = 0; i + PAGE_SIZE <= (size_t)n; i += PAGE_SIZE) {
			ret = visit_page(c, (gpa + done + i) >> PAGE_SHIFT,
					 c->rbuf + i, fn, arg);
			if (ret)
				return ret;
		}
		done += i;
		if (done < len) {
			/* The page at done failed: record it, go on after it.
			 */
			ret = visit_page(c, (gpa + done) >> PAGE_SHIFT, NULL,
					 fn, arg);
			if (ret)
				return ret;
			done += PAGE_SIZE;
		}
	}
	return 0;
}

/* A chunk of RAM: runs of kept pages are read, dropped pages never are. */
static int visit_chunk(struct dump_ctx *c, uint64_t gpa, size_t len,
		       dump_page_fn fn, void *arg)
{
	uint64_t gfn = gpa >> PAGE_SHIFT, end = (gpa + len) >> PAGE_SHIFT, e;
	int ret = 0;

	while (gfn < end && !ret) {
		if (filter_dropped(c->drop, gfn)) {
			ret = visit_dropped(c, gfn++, fn, arg);
			continue;
		}
		for (e = gfn + 1; e < end && !filter_dropped(c->drop, e); e++)
			;
		ret = visit_run(c, gfn << PAGE_SHIFT, (e - gfn) << PAGE_SHIFT,
				fn, arg);
		gfn = e;
	}
	return ret;
}

static int walk_ram(struct dump_ctx *c, dump_page_fn fn, void *arg)
{
	const struct ram_map *m = &c->s->t->ram;
	uint64_t gpa, end, len;
	size_t i;
	int ret;

	for (i = 0; i < m->nr; i++) {
		gpa = m->regions[i].gpa;
		end = gpa + m->regions[i].size;
		for (; gpa < end; gpa += len) {
			if (interrupted(c))
				return dump_fail(c, -EINTR,
						 "interrupted; no dump written");
			len = MIN(end - gpa, DUMP_CHUNK);
			ret = visit_chunk(c, gpa, len, fn, arg);
			if (ret)
				return ret;
			dump_progress(c, false);
		}
	}
	dump_progress(c, true);
	return 0;
}

/*
 * Each `sevdbg dump` maps guest RAM afresh, and the first read of every 16
 * pages is a page fault: a fifth of a kdump of a mostly-zero guest. A
 * second thread populates the page tables ahead of the reader. A hint
 * only: the pages are still read through the router, and a kernel without
 * MADV_POPULATE_READ just leaves the work to the faults. With --filter only
 * the kept pages: populating all of RAM cost a 31 dump of an idle guest,
 * which reads 12% of it, a fifth of its CPU (and as much to unmap).
 */
struct prefault {
	const struct ram_map *m;
	const uint8_t *drop; /* --filter's dropped pages, or NULL */
	atomic_bool stop;
	pthread_t th;
	bool started;
};

/* Populate [off, off + len) of region r, kept pages only. */
static int prefault_range(const struct prefault *pf, const struct ram_region *r,
			  uint64_t off, uint64_t len)
{
	uint64_t gfn = (r->gpa + off) >> PAGE_SHIFT,
		 end = gfn + (len >> PAGE_SHIFT);
	uint64_t e;

	if (!pf->drop)
		return madvise(r->hva + off, len, MADV_POPULATE_READ);
	while (gfn < end) {
		if (filter_dropped(pf->drop, gfn)) {
			gfn++;
			continue;
		}
		for (e = gfn + 1; e < end && !filter_dropped(pf->drop, e); e++)
			;
		if (madvise(r->hva + ((gfn << PAGE_SHIFT) - r->gpa),
			    (e - gfn) << PAGE_SHIFT, MADV_POPULATE_READ))
			return -1;
		gfn = e;
	}
	return 0;
}

static void *prefault_run(void *arg)
{
	struct prefault *pf = arg;
	uint64_t off, n;
	size_t i;

	for (i = 0; i < pf->m->nr; i++) {
		const struct ram_region *r = &pf->m->regions[i];

		for (off = 0; r->hva && off < r->size; off += n) {
			if (atomic_load(&pf->stop))
				return NULL;
			n = MIN(r->size - off, PREFAULT_STEP);
			if (prefault_range(pf, r, off, n))
				return NULL;
		}
	}
	return NULL;
}

int dump_for_each_page(struct dump_ctx *c, dump_page_fn fn, void *arg)
{
	struct prefault pf = {.m = &c->s->t->ram, .drop = c->drop};
	int ret;

	atomic_init(&pf.stop, false);
	pf.started = !pthread_create(&pf.th, NULL, prefault_run, &pf);

	/*
	 * Each page is read once: through the decrypted-page cache it would
	 * be copied twice (firmware to slot, slot to us) and push out what a
	 * debugger had cached. Caching is on again afterwards, as it is for
	 * any stopped guest.
	 */
	router_set_cache(c->s->router, false);
	ret = walk_ram(c, fn, arg);
	router_set_cache(c->s->router, !c->s->t->running);
	atomic_store(&pf.stop, true);
	if (pf.started)
		pthread_join(pf.th, NULL);
	return ret;
}

int dump_build_notes(struct dump_ctx *c, struct strbuf *sb, size_t *sevdbg_off)
{
	uint8_t pr[ELF_PRSTATUS_SIZE], qcs[QEMU_CPUSTATE_SIZE];
	uint64_t dsz = sevdbg_desc_size(c->npages, (uint32_t)c->nr_vcpus);
	uint8_t *zero;
	int i;

	for (i = 0; i < c->nr_vcpus; i++) {
		note_prstatus_encode(pr, &c->regs[i], i);
		note_append(sb, "CORE", 1 /* NT_PRSTATUS */, pr, sizeof(pr));
	}
	for (i = 0; i < c->nr_vcpus; i++) {
		note_qemu_encode(qcs, &c->regs[i]);
		note_append(sb, "QEMU", 0, qcs, sizeof(qcs));
	}
	/* Where QEMU puts the guest's note: after the CPU notes. */
	if (c->vmci_len)
		c->vmci_off = note_append(sb, VMCOREINFO_NAME, 0, c->vmci,
					  c->vmci_len);
	/* ELF note sizes are 32-bit: past ~40 TiB of RAM the note cannot
	 * describe every page. */
	if (dsz > UINT32_MAX - 8)
		return dump_fail(c, -EFBIG,
				 "guest RAM too large for the SEVDBG note (%llu pages)",
				 (unsigned long long)c->npages);
	zero = calloc(1, dsz);
	if (!zero)
		return -ENOMEM;
	*sevdbg_off = note_append(sb, SEVDBG_NOTE_NAME, NT_SEVDBG, zero, dsz);
	free(zero);
	return sb->oom ? -ENOMEM : 0;
}

void dump_sevdbg_fill(struct dump_ctx *c, uint8_t *desc)
{
	struct sevdbg_note_hdr h = {0};
	uint64_t bm = ALIGN_UP((c->npages + 7) / 8, 8);
	uint64_t src = ALIGN_UP((c->npages + 3) / 4, 8);
	uint8_t *p;
	int i;

	h.magic = SEVDBG_NOTE_MAGIC;
	h.version = SEVDBG_NOTE_VERSION;
	h.hdr_size = SEVDBG_NOTE_HDR_SIZE;
	h.flags =
		(c->s->pinfo.encrypted ? SEVDBG_NOTE_F_ENCRYPTED : 0) |
		(c->s->pinfo.regs_encrypted ? SEVDBG_NOTE_F_SEV_ES : 0) |
		(c->o->filter ? SEVDBG_NOTE_F_FILTERED |
					c->o->filter << SEVDBG_NOTE_LEVEL_SHIFT
			      : 0);
	h.cbit = c->s->pinfo.cbit;
	h.policy = c->s->pinfo.policy;
	h.nr_vcpus = (uint32_t)c->nr_vcpus;
	h.npages = c->npages;
	h.pages_encrypted = c->res->pages_encrypted;
	h.pages_shared = c->res->pages_shared;
	h.pages_missing = c->res->pages_missing;
	h.bitmap_off = SEVDBG_NOTE_HDR_SIZE;
	h.source_off = h.bitmap_off + bm;
	h.regs_off = h.source_off + src;
	h.regs_size = REGS_BYTES;
	h.regs_nr = REGS_NR;
	snprintf(h.platform, sizeof(h.platform), "%s",
		 c->s->pinfo.kind ? c->s->pinfo.kind : "");
	sevdbg_hdr_encode(desc, &h);
	memcpy(desc + h.bitmap_off, c->encbits, (c->npages + 7) / 8);
	memcpy(desc + h.source_off, c->source, (c->npages + 3) / 4);
	p = desc + h.regs_off;
	for (i = 0; i < c->nr_vcpus; i++) {
		memcpy(p, c->regs[i].raw, REGS_BYTES);
		memcpy(p + REGS_BYTES, c->regs[i].valid, REGS_NR);
		p += REGS_BYTES + REGS_NR;
	}
}

/* Stop every vCPU; *stopped says whether we did. */
static int dump_stop_guest(struct dump_ctx *c, bool *stopped)
{
	char why[160];
	int ret;

	ret = session_stop_guest(c->s, STOP_TIMEOUT_MS, stopped, why,
				 sizeof(why));
	if (ret == -ETIMEDOUT)
		return dump_fail(c, ret, "%s; nothing dumped", why);
	return ret ? dump_fail(c, ret, "%s", why) : 0;
}

static int dump_resume_guest(struct dump_ctx *c)
{
	int ret = session_resume_guest(c->s);

	if (ret)
		pr_warn("the dump is complete but resuming the guest failed: %s",
			strerror(-ret));
	return ret;
}

/* Registers of every vCPU; unreadable ones (SEV-ES) stay all-invalid. */
static int dump_load_cpus(struct dump_ctx *c)
{
	int i, n = target_nr_vcpus(c->s->t);

	if (n < 0)
		n = 0;
	if (n > TARGET_MAX_VCPUS)
		n = TARGET_MAX_VCPUS;
	c->nr_vcpus = n;
	c->regs = calloc((size_t)MAX(n, 1), sizeof(*c->regs));
	if (!c->regs)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		if (session_read_regs(c->s, i, &c->regs[i]))
			memset(&c->regs[i], 0, sizeof(c->regs[i]));
	return 0;
}

static int dump_load_bitmap(struct dump_ctx *c)
{
	const struct bitmap *b = NULL;
	uint64_t gfn;

	c->npages = ram_end(&c->s->t->ram) >> PAGE_SHIFT;
	c->pages_total = ram_total(&c->s->t->ram) >> PAGE_SHIFT;
	c->encbits = calloc(1, (c->npages + 7) / 8 + 8);
	c->source = calloc(1, (c->npages + 3) / 4 + 8);
	if (!c->encbits || !c->source)
		return dump_fail(c, -ENOMEM, "out of memory for the bitmap");
	if (!c->s->pinfo.encrypted)
		return 0;
	b = router_bitmap(c->s->router);
	if (!b)
		return dump_fail(c, -EIO,
				 "cannot read the page-encryption bitmap; nothing dumped");
	for (gfn = 0; gfn < c->npages && gfn < b->npages; gfn++)
		if (bitmap_test(b, gfn))
			c->encbits[gfn / 8] |= (uint8_t)(1u << (gfn % 8));
	return 0;
}

static int dump_check_opts(struct dump_ctx *c)
{
	const struct dump_opts *o = c->o;

	if (!o->path || !*o->path)
		return dump_fail(c, -EINVAL, "no output file: give -o FILE");
	if (o->format == DUMP_FMT_RAW && !o->has_range)
		return dump_fail(c, -EINVAL,
				 "--format raw needs --range START-END");
	if (o->format != DUMP_FMT_RAW && (o->has_range || o->virt))
		return dump_fail(c, -EINVAL,
				 "--range and --virtual are for --format raw; elf and kdump dump all RAM");
	if (o->filter > DL_MAX)
		return dump_fail(c, -EINVAL,
				 "--filter takes a dump level from 0 to 31");
	if (o->filter && o->format == DUMP_FMT_RAW)
		return dump_fail(c, -EINVAL,
				 "--filter is for --format elf and kdump; a raw dump holds every byte of its range");
	if (o->paging && o->format != DUMP_FMT_ELF)
		return dump_fail(c, -EINVAL,
				 "--paging is only for --format elf");
	if (!strcmp(o->path, "-") && o->format != DUMP_FMT_RAW)
		return dump_fail(c, -EINVAL,
				 "only --format raw can go to stdout; give -o FILE");
	return 0;
}

/* Create "<path>.XXXXXX" (O_EXCL, 0600) next to path; refuse symlinks. */
static int dump_open_tmp(struct dump_ctx *c, char *tmp, size_t len)
{
	struct stat st;

	if (lstat(c->o->path, &st) == 0) {
		if (S_ISLNK(st.st_mode))
			return dump_fail(c, -ELOOP,
					 "%s is a symbolic link; refusing to write a dump through it (remove it or choose another path)",
					 c->o->path);
		if (!S_ISREG(st.st_mode))
			return dump_fail(c, -EEXIST,
					 "%s exists and is not a regular file; choose another path",
					 c->o->path);
	}
	if ((size_t)snprintf(tmp, len, "%s.XXXXXX", c->o->path) >= len)
		return dump_fail(c, -ENAMETOOLONG, "output path too long");
	c->fd = mkostemp(tmp, O_CLOEXEC);
	if (c->fd < 0) {
		int err = -errno;

		tmp[0] = '\0';
		return dump_fail(c, err,
				 "cannot create a temporary file next to %s: %s (check the directory exists and is writable)",
				 c->o->path, strerror(-err));
	}
	return fchmod(c->fd, 0600) ? -errno : 0;
}

static void fsync_dir(const char *path)
{
	char dir[PATH_MAX];
	char *slash;
	int fd;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

static int dump_finish(struct dump_ctx *c, const char *tmp)
{
	struct stat st;
	int ret = 0;

	if (fsync(c->fd) && errno != EINVAL)
		ret = -errno;
	if (!ret && fstat(c->fd, &st) == 0)
		c->res->bytes_written = (uint64_t)st.st_size;
	if (close(c->fd) && !ret)
		ret = -errno;
	c->fd = -1;
	if (ret)
		return dump_fail(c, ret,
				 "writing the dump failed: %s (free some space or choose another directory)",
				 strerror(-ret));
	if (rename(tmp, c->o->path))
		return dump_fail(c, -errno, "cannot rename the dump to %s: %s",
				 c->o->path, strerror(errno));
	fsync_dir(c->o->path);
	return 0;
}

static int dump_body(struct dump_ctx *c)
{
	switch (c->o->format) {
	case DUMP_FMT_ELF:
		return dump_elf_write(c);
	case DUMP_FMT_KDUMP:
		return dump_kdump_write(c);
	case DUMP_FMT_RAW:
		return dump_raw_write(c);
	}
	return -EINVAL;
}

static void platform_calls(struct session *s, uint64_t *calls, uint64_t *dec)
{
	const struct platform_stats *st = &s->t->plat->stats;

	*calls = st->decrypt_calls + st->host_read_calls;
	*dec = st->decrypt_calls;
}

/* The dump's platform calls, and the firmware time they would take at
 * the platform's modelled latency (bench/ and --json print both). */
static void dump_count_calls(struct dump_ctx *c, uint64_t calls0, uint64_t dec0)
{
	uint64_t calls, dec;

	platform_calls(c->s, &calls, &dec);
	c->res->platform_calls = calls - calls0;
	c->res->decrypt_calls = dec - dec0;
	c->res->firmware_seconds =
		(double)c->res->decrypt_calls * c->s->pinfo.fw_latency_us / 1e6;
}

/* What to leave out is known before the first page is read. */
static int dump_prepare_filter(struct dump_ctx *c)
{
	if (!(c->o->filter & DL_NEEDS_MEM_MAP) || c->o->format == DUMP_FMT_RAW)
		return 0;
	return dump_filter_prepare(c);
}

int dump_write(struct session *s, const struct dump_opts *o,
	       struct dump_result *res, char *err, size_t errlen)
{
	struct dump_ctx c = {.s = s,
			     .o = o,
			     .res = res,
			     .fd = -1,
			     .err = err,
			     .errlen = errlen};
	char tmp[PATH_MAX] = "";
	uint64_t t0 = now_ns(), calls0 = 0, dec0 = 0;
	bool stopped = false, to_stdout;
	int ret;

	memset(res, 0, sizeof(*res));
	if (errlen)
		err[0] = '\0';
	ret = dump_check_opts(&c);
	if (ret)
		return ret;
	to_stdout = !strcmp(o->path, "-");
	c.wbuf = malloc(DUMP_CHUNK);
	c.rbuf = malloc(DUMP_CHUNK);
	if (!c.wbuf || !c.rbuf) {
		ret = dump_fail(&c, -ENOMEM, "out of memory");
		goto out;
	}
	ret = to_stdout ? 0 : dump_open_tmp(&c, tmp, sizeof(tmp));
	if (ret)
		goto out;
	if (to_stdout) {
		c.fd = STDOUT_FILENO;
		c.seq = true;
	}
	ret = dump_stop_guest(&c, &stopped);
	if (ret)
		goto out;
	platform_calls(s, &calls0, &dec0);
	ret = dump_load_cpus(&c);
	if (!ret)
		ret = dump_load_bitmap(&c);
	if (!ret)
		ret = dump_prepare_filter(&c);
	if (!ret)
		ret = dump_body(&c);
	if (!ret)
		ret = dump_flush(&c);
	dump_count_calls(&c, calls0, dec0);
	if (!ret && !to_stdout)
		ret = dump_finish(&c, tmp);
	if (ret == -ENOMEM)
		dump_fail(&c, ret, "out of memory");
out:
	if (c.fd >= 0 && !to_stdout)
		close(c.fd);
	if (ret && tmp[0])
		unlink(tmp);
	if (stopped && !o->keep_stopped)
		dump_resume_guest(&c);
	if (ret)
		dump_fail(&c, ret, "dump failed: %s", strerror(-ret));
	res->seconds = (double)(now_ns() - t0) / 1e9;
	free(c.regs);
	free(c.encbits);
	free(c.source);
	free(c.drop);
	free(c.wbuf);
	free(c.rbuf);
	return ret;
}
