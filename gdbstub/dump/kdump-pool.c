// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kdump writer's compressor threads: one batch of pages is compressed
 * on every core while the writer reads the next; output order is page order.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "gdbstub/dump/dump-int.h"
#include "gdbstub/dump/kdump-codec.h"

#define KDUMP_MAX_THREADS 64
/* Pages a worker takes per turn of the lock: fewer wake-ups and less
 * contention than one at a time, still spread over the workers. */
#define KDUMP_CLAIM 8

struct kdump_worker {
	struct kdump_pool *p;
	struct kdump_codec codec;
	pthread_t th;
	bool started;
};

struct kdump_pool {
	struct kdump_batch b[2];
	int filling;		    /* index of the batch being filled */
	struct kdump_batch *flight; /* handed to the workers, or NULL */
	size_t bound;
	unsigned int nthreads;
	struct kdump_worker *w; /* nthreads > 1 */
	struct kdump_codec inline_codec;
	pthread_mutex_t lock;
	pthread_cond_t work, done;
	uint32_t next, finished; /* data pages of flight taken / compressed */
	uint64_t gen;		 /* bumped per batch handed over */
	bool stop;
};

static void compress_one(struct kdump_codec *k, struct kdump_batch *b,
			 uint32_t i, size_t bound)
{
	size_t n = PAGE_SIZE;

	kdump_codec_page(k, b->in + (size_t)i * PAGE_SIZE, b->out + i * bound,
			 &n);
	b->clen[i] = (uint32_t)n;
	b->kind[i] = n < PAGE_SIZE ? KDUMP_PAGE_COMPRESSED : KDUMP_PAGE_RAW;
}

static void *worker_run(void *arg)
{
	struct kdump_worker *w = arg;
	struct kdump_pool *p = w->p;
	uint64_t seen = 0;
	uint32_t i, start, end;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->stop && (p->gen == seen || !p->flight ||
				    p->next >= p->flight->nd))
			pthread_cond_wait(&p->work, &p->lock);
		if (p->stop)
			break;
		start = p->next;
		end = MIN(start + KDUMP_CLAIM, p->flight->nd);
		p->next = end;
		pthread_mutex_unlock(&p->lock);
		for (i = start; i < end; i++)
			compress_one(&w->codec, p->flight, i, p->bound);
		pthread_mutex_lock(&p->lock);
		p->finished += end - start;
		if (p->finished == p->flight->nd) {
			seen = p->gen;
			pthread_cond_broadcast(&p->done);
		}
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static int pool_start(struct kdump_pool *p, enum dump_codec c)
{
	unsigned int i;
	int ret;

	p->w = calloc(p->nthreads, sizeof(*p->w));
	if (!p->w)
		return -ENOMEM;
	for (i = 0; i < p->nthreads; i++) {
		p->w[i].p = p;
		ret = kdump_codec_init(&p->w[i].codec, c);
		if (ret)
			return ret;
		ret = -pthread_create(&p->w[i].th, NULL, worker_run, &p->w[i]);
		if (ret)
			return ret;
		p->w[i].started = true;
	}
	return 0;
}

int kdump_pool_new(enum dump_codec c, unsigned int nthreads,
		   struct kdump_pool **out)
{
	struct kdump_pool *p = calloc(1, sizeof(*p));
	int i, ret;

	if (!p)
		return -ENOMEM;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	p->nthreads = MIN(nthreads, KDUMP_MAX_THREADS);
	ret = kdump_codec_init(&p->inline_codec, c);
	p->bound = p->inline_codec.bound;
	for (i = 0; i < 2 && !ret; i++) {
		p->b[i].in = malloc((size_t)KDUMP_BATCH * PAGE_SIZE);
		p->b[i].out = malloc(KDUMP_BATCH * p->bound);
		if (!p->b[i].in || !p->b[i].out)
			ret = -ENOMEM;
	}
	if (!ret && p->nthreads > 1)
		ret = pool_start(p, c);
	if (ret) {
		kdump_pool_free(p);
		return ret;
	}
	*out = p;
	return 0;
}

void kdump_pool_free(struct kdump_pool *p)
{
	unsigned int i;

	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; p->w && i < p->nthreads; i++) {
		if (p->w[i].started)
			pthread_join(p->w[i].th, NULL);
		kdump_codec_release(&p->w[i].codec);
	}
	free(p->w);
	kdump_codec_release(&p->inline_codec);
	for (i = 0; i < 2; i++) {
		free(p->b[i].in);
		free(p->b[i].out);
	}
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
	free(p);
}

bool kdump_pool_add(struct kdump_pool *p, const uint8_t *data)
{
	struct kdump_batch *b = &p->b[p->filling];

	if (dump_page_is_zero(data)) {
		b->slot[b->n++] = KDUMP_SLOT_ZERO;
	} else {
		memcpy(b->in + (size_t)b->nd * PAGE_SIZE, data, PAGE_SIZE);
		b->slot[b->n++] = (uint16_t)b->nd++;
	}
	return b->n == KDUMP_SLOTS || b->nd == KDUMP_BATCH;
}

size_t kdump_pool_bound(const struct kdump_pool *p)
{
	return p->bound;
}

/*
 * The caller has read its batch: rather than wait, it compresses what the
 * workers have not taken yet (with its own codec: the same bytes whoever
 * compresses a page). When reading is cheap (a --filter dump, the sim)
 * that is one compressor more; when it is slow, there is nothing left.
 */
struct kdump_batch *kdump_pool_drain(struct kdump_pool *p)
{
	struct kdump_batch *b = p->flight;
	uint32_t i, start, end;

	if (!b)
		return NULL;
	pthread_mutex_lock(&p->lock);
	while (p->next < b->nd) {
		start = p->next;
		end = MIN(start + KDUMP_CLAIM, b->nd);
		p->next = end;
		pthread_mutex_unlock(&p->lock);
		for (i = start; i < end; i++)
			compress_one(&p->inline_codec, b, i, p->bound);
		pthread_mutex_lock(&p->lock);
		p->finished += end - start;
	}
	while (p->finished < b->nd)
		pthread_cond_wait(&p->done, &p->lock);
	p->flight = NULL;
	pthread_mutex_unlock(&p->lock);
	return b;
}

struct kdump_batch *kdump_pool_submit(struct kdump_pool *p)
{
	struct kdump_batch *prev = kdump_pool_drain(p), *b = &p->b[p->filling];
	uint32_t i;

	p->filling ^= 1;
	if (p->nthreads <= 1) {
		/* No workers: compress now; it is returned next time. */
		for (i = 0; i < b->nd; i++)
			compress_one(&p->inline_codec, b, i, p->bound);
		p->flight = b;
		p->next = p->finished = b->nd;
		return prev;
	}
	pthread_mutex_lock(&p->lock);
	p->flight = b;
	p->next = 0;
	p->finished = 0;
	p->gen++;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	return prev;
}
