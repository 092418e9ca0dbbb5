// SPDX-License-Identifier: GPL-2.0-only
/*
 * kdump-compressed writer (makedumpfile's diskdump format, header version 6,
 * laid out as QEMU's create_kdump_vmcore does), a codec per page run by a
 * pool of compressor threads.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "gdbstub/dump/dump-int.h"
#include "gdbstub/dump/kdump-codec.h"
#include "gdbstub/mem/session.h"

#define KD_BLOCK    PAGE_SIZE
#define KD_PD_BATCH 4096 /* descriptors written per pwrite */

struct kdump_state {
	uint64_t len_bitmap; /* bytes of one bitmap */
	uint8_t *bm1, *bm2;  /* exists / dumped */
	uint64_t desc_off;   /* first page descriptor */
	uint64_t nr_desc;    /* descriptors written so far */
	uint8_t *pd;	     /* KD_PD_BATCH descriptors pending */
	size_t nr_pd;
	uint8_t zero_pd[KDUMP_PD_SIZE]; /* shared by every zero page */
	struct kdump_pool *pool;
};

static void pd_encode(uint8_t *pd, uint64_t off, uint32_t size, uint32_t flags)
{
	put_le64(pd, off);
	put_le32(pd + 8, size);
	put_le32(pd + 12, flags);
	put_le64(pd + 16, 0); /* page_flags */
}

static int pd_flush(struct dump_ctx *c, struct kdump_state *st)
{
	uint64_t off = st->desc_off + (st->nr_desc - st->nr_pd) * KDUMP_PD_SIZE;
	int ret;

	if (!st->nr_pd)
		return 0;
	ret = dump_pwrite(c, st->pd, st->nr_pd * KDUMP_PD_SIZE, off);
	st->nr_pd = 0;
	return ret;
}

static int pd_add(struct dump_ctx *c, struct kdump_state *st, const uint8_t *pd)
{
	memcpy(st->pd + st->nr_pd * KDUMP_PD_SIZE, pd, KDUMP_PD_SIZE);
	st->nr_pd++;
	st->nr_desc++;
	return st->nr_pd == KD_PD_BATCH ? pd_flush(c, st) : 0;
}

/* Descriptors and data of a compressed batch, in page order. */
static int kdump_emit(struct dump_ctx *c, struct kdump_state *st,
		      struct kdump_batch *b)
{
	uint32_t flag = kdump_codec_flag(c->o->codec), i, d;
	size_t bound = kdump_pool_bound(st->pool);
	uint8_t pd[KDUMP_PD_SIZE];
	int ret = 0;

	for (i = 0; b && i < b->n && !ret; i++) {
		d = b->slot[i];
		if (d == KDUMP_SLOT_ZERO) {
			c->res->pages_zero++;
			ret = pd_add(c, st, st->zero_pd);
			continue;
		}
		if (b->kind[d] == KDUMP_PAGE_COMPRESSED) {
			pd_encode(pd, c->off, b->clen[d], flag);
			ret = dump_append(c, b->out + d * bound, b->clen[d]);
		} else { /* compression did not help: stored as is */
			pd_encode(pd, c->off, PAGE_SIZE, 0);
			ret = dump_append(c, b->in + (size_t)d * PAGE_SIZE,
					  PAGE_SIZE);
		}
		if (!ret)
			ret = pd_add(c, st, pd);
	}
	if (b)
		b->n = b->nd = 0;
	return ret;
}

static int kdump_page(struct dump_ctx *c, uint64_t gfn, const uint8_t *data,
		      void *arg)
{
	struct kdump_state *st = arg;

	st->bm1[gfn / 8] |= (uint8_t)(1u << (gfn % 8));
	if (!data)
		return 0; /* missing or filtered: exists, but not dumped */
	st->bm2[gfn / 8] |= (uint8_t)(1u << (gfn % 8));
	if (!kdump_pool_add(st->pool, data))
		return 0;
	return kdump_emit(c, st, kdump_pool_submit(st->pool));
}

/* The last batches: the one being filled, then the one in flight. */
static int kdump_pages_flush(struct dump_ctx *c, struct kdump_state *st)
{
	int ret = kdump_emit(c, st, kdump_pool_submit(st->pool));

	return ret ? ret : kdump_emit(c, st, kdump_pool_drain(st->pool));
}

static void kdump_fill_header(struct dump_ctx *c, uint8_t *h,
			      uint32_t sub_blocks, uint32_t bitmap_blocks)
{
	struct timeval tv;

	memset(h, 0, KD_BLOCK);
	memcpy(h, KDUMP_SIGNATURE, KDUMP_SIG_LEN);
	put_le32(h + KDH_VERSION, KDUMP_HEADER_VERSION);
	/* As makedumpfile: the kernel's own utsname (libkdumpfile takes the
	 * architecture from it only when every field is set); without
	 * VMCOREINFO, the machine alone, as QEMU writes it. */
	if (dump_read_utsname(c, h + KDH_UTS, 6 * 65) ||
	    memcmp(h + KDH_UTS_MACHINE, "x86_64", 7)) {
		memset(h + KDH_UTS, 0, 6 * 65);
		memcpy(h + KDH_UTS_MACHINE, "x86_64", 6);
	}
	gettimeofday(&tv, NULL);
	put_le64(h + KDH_TIMESTAMP, (uint64_t)tv.tv_sec);
	put_le64(h + KDH_TIMESTAMP + 8, (uint64_t)tv.tv_usec);
	put_le32(h + KDH_STATUS, kdump_codec_flag(c->o->codec));
	put_le32(h + KDH_BLOCK_SIZE, KD_BLOCK);
	put_le32(h + KDH_SUB_HDR_SIZE, sub_blocks);
	put_le32(h + KDH_BITMAP_BLOCKS, bitmap_blocks);
	put_le32(h + KDH_MAX_MAPNR, (uint32_t)MIN(c->npages, UINT32_MAX));
	put_le32(h + KDH_NR_CPUS, (uint32_t)c->nr_vcpus);
}

static void kdump_fill_sub(struct dump_ctx *c, uint8_t *sh, uint64_t note_len)
{
	uint64_t notes_off = KD_BLOCK + KDUMP_SUB_HEADER_SIZE;

	memset(sh, 0, KDUMP_SUB_HEADER_SIZE);
	/* What was left out (crash prints it; a page not in the 2nd
	 * bitmap reads as zeros only when the level has bit 1). */
	put_le32(sh + KSH_DUMP_LEVEL, c->o->filter);
	if (c->have_mm || (c->vmci_len && c->mm.phys_base != VMCI_NONE))
		put_le64(sh + KSH_PHYS_BASE, (uint64_t)c->mm.phys_base);
	if (c->vmci_len) {
		/* As QEMU's write_dump_header: the note's descriptor. */
		put_le64(sh + KSH_OFFSET_VMCOREINFO, notes_off + c->vmci_off);
		put_le64(sh + KSH_SIZE_VMCOREINFO, c->vmci_len);
	}
	put_le64(sh + KSH_OFFSET_NOTE, notes_off);
	put_le64(sh + KSH_NOTE_SIZE, note_len);
	put_le64(sh + KSH_END_PFN_64, c->npages);
	put_le64(sh + KSH_MAX_MAPNR_64, c->npages);
}

static int kdump_write_meta(struct dump_ctx *c, struct kdump_state *st,
			    struct strbuf *notes, uint32_t sub_blocks)
{
	uint32_t bitmap_blocks = (uint32_t)(2 * st->len_bitmap / KD_BLOCK);
	uint64_t bm_off = (1 + (uint64_t)sub_blocks) * KD_BLOCK;
	uint8_t *blk;
	int ret;

	blk = malloc(KD_BLOCK);
	if (!blk)
		return -ENOMEM;
	kdump_fill_header(c, blk, sub_blocks, bitmap_blocks);
	ret = dump_pwrite(c, blk, KD_BLOCK, 0);
	if (!ret) {
		kdump_fill_sub(c, blk, notes->len);
		ret = dump_pwrite(c, blk, KDUMP_SUB_HEADER_SIZE, KD_BLOCK);
	}
	free(blk);
	if (!ret)
		ret = dump_pwrite(c, notes->buf, notes->len,
				  KD_BLOCK + KDUMP_SUB_HEADER_SIZE);
	if (!ret)
		ret = dump_pwrite(c, st->bm1, st->len_bitmap, bm_off);
	if (!ret)
		ret = dump_pwrite(c, st->bm2, st->len_bitmap,
				  bm_off + st->len_bitmap);
	return ret;
}

static unsigned int kdump_threads(const struct dump_ctx *c)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (c->o->threads)
		return c->o->threads;
	return n > 0 ? (unsigned int)n : 1;
}

int dump_kdump_write(struct dump_ctx *c)
{
	struct kdump_state st = {0};
	struct strbuf notes;
	static const uint8_t zero_page[PAGE_SIZE];
	size_t sevdbg_off = 0;
	uint32_t sub_blocks;
	uint64_t nr_ram = ram_total(&c->s->t->ram) >> PAGE_SHIFT;
	int ret = -ENOMEM;

	sb_init(&notes);
	ret = dump_build_notes(c, &notes, &sevdbg_off);
	if (ret)
		goto out;
	ret = -ENOMEM;
	st.len_bitmap = ALIGN_UP(MAX(c->npages, 1), 8 * KD_BLOCK) / 8;
	st.bm1 = calloc(1, st.len_bitmap);
	st.bm2 = calloc(1, st.len_bitmap);
	st.pd = malloc(KD_PD_BATCH * KDUMP_PD_SIZE);
	if (notes.oom || !st.bm1 || !st.bm2 || !st.pd)
		goto out;
	ret = kdump_pool_new(c->o->codec, kdump_threads(c), &st.pool);
	if (ret)
		goto out;
	sub_blocks = (uint32_t)((KDUMP_SUB_HEADER_SIZE + notes.len +
				 DUMP_VMCI_RESERVE + KD_BLOCK - 1) /
				KD_BLOCK);
	st.desc_off =
		(1 + sub_blocks + 2 * st.len_bitmap / KD_BLOCK) * KD_BLOCK;
	/* Room for a descriptor per RAM page; missing pages leave slack. */
	c->off = st.desc_off + nr_ram * KDUMP_PD_SIZE;
	pd_encode(st.zero_pd, c->off, PAGE_SIZE, 0);
	ret = dump_append(c, zero_page, PAGE_SIZE);
	if (!ret)
		ret = dump_for_each_page(c, kdump_page, &st);
	if (!ret)
		ret = kdump_pages_flush(c, &st);
	if (!ret)
		ret = pd_flush(c, &st);
	if (!ret)
		ret = dump_flush(c);
	if (!ret && c->vmci_len) {
		/* Found in RAM: the notes again, with it (room was kept). */
		sb_release(&notes);
		sb_init(&notes);
		ret = dump_build_notes(c, &notes, &sevdbg_off);
	}
	if (ret)
		goto out;
	dump_sevdbg_fill(c, (uint8_t *)notes.buf + sevdbg_off);
	ret = kdump_write_meta(c, &st, &notes, sub_blocks);
out:
	kdump_pool_free(st.pool);
	free(st.bm1);
	free(st.bm2);
	free(st.pd);
	sb_release(&notes);
	return ret;
}
