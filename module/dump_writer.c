// SPDX-License-Identifier: GPL-2.0
/*
 * The dump writer: a growing buffer of framed records (see
 * include/scxdump_format.h). The first record-sized piece of the first
 * iovec of every record is a struct whose leading struct sxd_rec the
 * writer fills in, so callers never compute sizes by hand.
 */
#include <linux/crc32.h>
#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/sched/rt.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include "alloc.h"
#include "dump_writer.h"

#define SXW_INITIAL_CAP		(64u << 10)
/* the CRC is computed this much at a time, yielding between (dump_writer_finish()) */
#define DUMP_WRITER_CRC_CHUNK	SZ_1M
/* an RT caller computes it for this long at most, then rests (below) */
#define DUMP_WRITER_CRC_RUN_NS	(4 * NSEC_PER_MSEC)
#define DUMP_WRITER_CRC_REST_US	1000
/* always kept free, whatever else is reserved: the END record's room */
#define SXW_END_ROOM		sxd_align(sizeof(struct sxd_end))

int dump_writer_init(struct dump_writer *w, size_t limit)
{
	size_t min = sizeof(struct sxd_file_header) + sizeof(struct sxd_end);

	memset(w, 0, sizeof(*w));
	if (limit < min + SXD_ALIGN)
		return -EINVAL;
	w->limit = limit;
	w->reserve = SXW_END_ROOM;
	w->cap = min_t(size_t, SXW_INITIAL_CAP, limit);
	w->buf = sxd_alloc(kvzalloc(w->cap, GFP_KERNEL));
	if (!w->buf)
		return -ENOMEM;
	w->len = sizeof(struct sxd_file_header);
	return 0;
}

void dump_writer_release(struct dump_writer *w)
{
	kvfree(w->buf);
	w->buf = NULL;
	w->len = 0;
	w->cap = 0;
}

/*
 * Move the records into a new buffer of @cap bytes. Not zeroed: only the
 * first len bytes are ever read, and every record is written whole, its
 * padding included.
 */
static int dump_writer_resize(struct dump_writer *w, size_t cap)
{
	u8 *buf = sxd_alloc(kvmalloc(cap, GFP_KERNEL));

	if (!buf)
		return -ENOMEM;
	memcpy(buf, w->buf, w->len);
	kvfree(w->buf);
	w->buf = buf;
	w->cap = cap;
	return 0;
}

/* Grow to hold @need bytes; doubling keeps the copies linear overall. */
static int dump_writer_grow(struct dump_writer *w, size_t need)
{
	size_t cap = w->cap;

	if (need <= w->cap)
		return 0;
	if (w->fixed)
		return -ENOSPC;
	while (cap < need)
		cap = cap > w->limit / 2 ? w->limit : cap * 2;
	return dump_writer_resize(w, cap);
}

/* What @room more bytes (and the reserve) need, capped at the limit. */
static size_t dump_writer_room_need(const struct dump_writer *w, size_t room)
{
	size_t need;

	if (check_add_overflow(w->len + w->reserve, room, &need) || need > w->limit)
		need = w->limit;
	return need;
}

/*
 * Make room for @room more bytes (and the reserve) now, exactly, under
 * the limit: records that fit in it can then be written where nothing may
 * allocate (see dump_writer_fix()).
 */
int dump_writer_prealloc(struct dump_writer *w, size_t room)
{
	size_t need;

	if (!w->buf)
		return -EINVAL;
	need = dump_writer_room_need(w, room);
	return need <= w->cap ? 0 : dump_writer_resize(w, need);
}

/*
 * dump_writer_prealloc() for a room asked for again and again as a capture goes
 * on (one bucket of a map after the other): the buffer grows by doubling,
 * so the copies stay linear overall.
 */
int dump_writer_make_room(struct dump_writer *w, size_t room)
{
	if (!w->buf)
		return -EINVAL;
	if (w->fixed)
		return dump_writer_room_need(w, room) <= w->cap ? 0 : -ENOSPC;
	return dump_writer_grow(w, dump_writer_room_need(w, room));
}

/*
 * While fixed, a record that does not fit in the room there is left out.
 * Returns the previous state, to restore.
 */
bool dump_writer_fix(struct dump_writer *w, bool fixed)
{
	bool old = w->fixed;

	w->fixed = fixed;
	return old;
}

/**
 * dump_writer_open() - room for a record to fill in place
 * @w: the writer
 * @max: the most bytes the record will take, its struct sxd_rec included
 * @room: set to the bytes the caller may fill, at most @max, a multiple of
 *	SXD_ALIGN; less than @max near the limit or, while fixed, the room
 *	prepared
 *
 * The caller writes the record from the address returned, then ends it
 * with dump_writer_close(); nothing else may be written in between. The
 * buffer does not move while the record is open. Allocates only when the
 * writer is not fixed.
 *
 * Return: where the record starts, or NULL when there is no room at all.
 */
void *dump_writer_open(struct dump_writer *w, size_t max, size_t *room)
{
	size_t end = w->fixed ? w->cap : w->limit, want;

	*room = 0;
	if (!w->buf || w->open || w->len + w->reserve + SXD_ALIGN > end)
		return NULL;
	want = min(max, end - w->len - w->reserve);
	if (!w->fixed && dump_writer_grow(w, w->len + want + w->reserve))
		want = w->cap > w->len + w->reserve ? w->cap - w->len - w->reserve : 0;
	*room = round_down(want, SXD_ALIGN);
	if (*room < sizeof(struct sxd_rec))
		return NULL;
	w->open = true;
	return w->buf + w->len;
}

/* End the record dump_writer_open() gave: @size bytes of @type (<= its room). */
void dump_writer_close(struct dump_writer *w, u32 type, size_t size)
{
	struct sxd_rec *rec = (struct sxd_rec *)(w->buf + w->len);
	size_t padded = sxd_align(size);

	w->open = false;
	memset(w->buf + w->len + size, 0, padded - size);
	rec->type = type;
	rec->size = size;
	w->len += padded;
	w->nr_records++;
}

/* Leave the record dump_writer_open() gave unwritten. */
void dump_writer_cancel(struct dump_writer *w)
{
	w->open = false;
}

/* A record of @size bytes that had no room: the dump says it is cut. */
void dump_writer_omit(struct dump_writer *w, size_t size)
{
	w->truncated = true;
	w->bytes_omitted += sxd_align(size);
	w->records_omitted++;
}

/* Would a record with @payload bytes after its struct sxd_rec fit? */
bool dump_writer_fits(const struct dump_writer *w, size_t payload)
{
	size_t need = sxd_align(sizeof(struct sxd_rec)) + payload + SXD_ALIGN;

	return w->buf && w->len + need + w->reserve <= w->limit;
}

static size_t dump_iov_len(const struct dump_iov *iov, unsigned int nr_iov)
{
	size_t total = 0;
	unsigned int i;

	for (i = 0; i < nr_iov; i++) {
		if (check_add_overflow(total, iov[i].len, &total))
			return SIZE_MAX;
	}
	return total;
}

/*
 * Append one record of @type made of @iov; a @reserved one may use the
 * bytes dump_writer_reserve() holds back, all but the END record's.
 */
static int dump_writer_append(struct dump_writer *w, u32 type, const struct dump_iov *iov,
			      unsigned int nr_iov, bool reserved)
{
	size_t size = dump_iov_len(iov, nr_iov);
	size_t keep = reserved ? min_t(size_t, w->reserve, SXW_END_ROOM) : w->reserve;
	struct sxd_rec *rec;
	size_t padded, off;
	unsigned int i;
	int err;

	if (!w->buf)
		return -EINVAL;
	if (!nr_iov || iov[0].len < sizeof(*rec) || size > SXD_REC_MAX_SIZE)
		return -EINVAL;
	if (w->open) {		/* a record is being filled in place: not here */
		dump_writer_omit(w, size);
		return -EBUSY;
	}
	padded = sxd_align(size);
	if (w->len + padded + keep > (w->fixed ? w->cap : w->limit)) {
		dump_writer_omit(w, padded);
		return -ENOSPC;
	}
	err = dump_writer_grow(w, w->len + padded + keep);
	if (err)
		return err;
	off = w->len;
	for (i = 0; i < nr_iov; i++) {
		if (iov[i].len)
			memcpy(w->buf + off, iov[i].base, iov[i].len);
		off += iov[i].len;
	}
	memset(w->buf + off, 0, padded - size);
	rec = (struct sxd_rec *)(w->buf + w->len);
	rec->type = type;
	rec->size = size;
	w->len += padded;
	w->nr_records++;
	/* drawn from the reserve first, then from the free room */
	if (reserved)
		w->reserve = max(keep, w->reserve > padded ? w->reserve - padded : 0);
	return 0;
}

/*
 * Append one record of @type made of @iov. iov[0] must start with a
 * struct sxd_rec, which is filled in here. Returns -ENOSPC (and counts the
 * record as omitted) when it does not fit under the limit, the reserve
 * kept free.
 */
int dump_writer_record(struct dump_writer *w, u32 type, const struct dump_iov *iov,
		       unsigned int nr_iov)
{
	return dump_writer_append(w, type, iov, nr_iov, false);
}

/**
 * dump_writer_reserve() - hold bytes back for records written later
 * @w: the writer
 * @bytes: the padded sizes of those records, added up
 *
 * Ordinary records, and entries filled in place, may not use the
 * reserve; dump_writer_record_reserved() draws from it. Reserved before
 * the first entry, the room for the records that say what a dump holds
 * and lacks (each map's MAP and MAP_END, the SNAPSHOT record, errors) is
 * there however many entries fill the rest.
 *
 * Return: 0, or -ENOSPC when @bytes do not fit under the limit beside
 * what is written and reserved already (nothing is reserved then).
 */
int dump_writer_reserve(struct dump_writer *w, size_t bytes)
{
	size_t need;

	if (!w->buf)
		return -EINVAL;
	if (check_add_overflow(w->len + w->reserve, bytes, &need) || need > w->limit)
		return -ENOSPC;
	w->reserve += bytes;
	return 0;
}

/*
 * dump_writer_record() for a record whose room was reserved: it draws
 * from the reserve (and from the free room if it is larger than what is
 * left of the reserve). Left out, and counted, only when neither holds it.
 */
int dump_writer_record_reserved(struct dump_writer *w, u32 type, const struct dump_iov *iov,
				unsigned int nr_iov)
{
	return dump_writer_append(w, type, iov, nr_iov, true);
}

/* Write the END record and the file header; the dump is complete. */
int dump_writer_finish(struct dump_writer *w, struct sxd_end *end)
{
	struct dump_iov iov = { end, sizeof(*end) };
	struct sxd_file_header *hdr;
	size_t off, n;
	u32 crc = ~0u;
	u64 t;
	int err;

	if (!w->buf)
		return -EINVAL;
	end->bytes_omitted = w->bytes_omitted;
	end->records_omitted = w->records_omitted;
	w->reserve = 0;
	err = dump_writer_record(w, SXD_REC_END, &iov, 1);
	if (err)
		return err;
	hdr = (struct sxd_file_header *)w->buf;
	memset(hdr, 0, sizeof(*hdr));
	memcpy(hdr->magic, SXD_MAGIC, sizeof(hdr->magic));
	hdr->version = SXD_VERSION;
	hdr->header_size = sizeof(*hdr);
	hdr->byte_order = SXD_BYTE_ORDER;
	hdr->total_size = w->len;
	hdr->nr_records = w->nr_records;
	hdr->flags = w->truncated ? SXD_F_TRUNCATED : 0;
	/*
	 * The IEEE CRC-32 that zlib's crc32() computes in the decoder, a
	 * chunk at a time (crc32_le() carries on from the last), yielding
	 * between chunks: a dump may be 2 GiB. Called sleepable (capture.c).
	 * The caller keeps its policy: the stall watch's worker stays
	 * SCHED_FIFO, which a stalling scheduler cannot strand (stall.c),
	 * and cond_resched() yields nothing to the classes below it, so an
	 * RT caller sleeps DUMP_WRITER_CRC_REST_US after each
	 * DUMP_WRITER_CRC_RUN_NS of CRC: a dump of a few MiB takes less and
	 * never rests; a 2 GiB one leaves its CPU to the others a fifth of
	 * the time.
	 */
	t = ktime_get_ns();
	for (off = 0; off < w->len; off += n) {
		n = min_t(size_t, w->len - off, DUMP_WRITER_CRC_CHUNK);
		crc = crc32_le(crc, w->buf + off, n);
		if (rt_task(current) && ktime_get_ns() - t >= DUMP_WRITER_CRC_RUN_NS) {
			usleep_range(DUMP_WRITER_CRC_REST_US, 2 * DUMP_WRITER_CRC_REST_US);
			t = ktime_get_ns();
		} else {
			cond_resched();
		}
	}
	hdr->crc32 = ~crc;
	return 0;
}

/* Hand the finished buffer over to the caller, who kvfree()s it. */
void *dump_writer_detach(struct dump_writer *w, size_t *len)
{
	void *buf = w->buf;

	*len = w->len;
	w->buf = NULL;
	w->len = 0;
	w->cap = 0;
	return buf;
}
