// SPDX-License-Identifier: GPL-2.0
/*
 * A dump file: mapped read-only (or, when it cannot be mapped, read into
 * memory), checked whole before anything reads it
 * (magic, byte order, version, size, CRC-32, then every record's framing
 * and, by the record table, its lengths), walked record by record with
 * the pages behind the walk dropped.
 */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libdeflate.h>
#include "dumpfile.h"
#include "records.h"
#include "tool.h"

_Static_assert(sizeof(struct sxd_file_header) == 72, "header layout");
_Static_assert(sizeof(struct sxd_capture) == 160, "capture layout");
_Static_assert(sizeof(struct sxd_sched) == 232, "sched layout");
_Static_assert(sizeof(struct sxd_map) == 80, "map layout");
_Static_assert(sizeof(struct sxd_entries) == 32, "entries layout");
_Static_assert(sizeof(struct sxd_map_end) == 48, "map_end layout");
_Static_assert(sizeof(struct sxd_snapshot) == 112 && SXD_SNAPSHOT_SIZE_V2 == 104 &&
	       SXD_SNAPSHOT_SIZE_V1 == 72, "snapshot layout");
_Static_assert(sizeof(struct sxd_end) == 40, "end layout");
_Static_assert(sizeof(struct sxd_owner) == 208, "owner layout");
_Static_assert(sizeof(struct sxd_obj_ref) == 32, "ref layout");
_Static_assert(sizeof(struct sxd_map_info) == 72, "map_info layout");
_Static_assert(sizeof(struct sxd_core) == 216 && sizeof(struct sxd_core_cpu) == 80 &&
	       sizeof(struct sxd_core_dsq) == 40 && sizeof(struct sxd_core_task) == 96, "core layout");
_Static_assert(sizeof(struct sxd_sym) == 128, "sym layout");

static int fail(char *msg, size_t len, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	return code;
}

size_t dump_entry_size(uint32_t key_size, uint32_t value_size, uint32_t nr_values)
{
	uint64_t v = (uint64_t)sxd_align(value_size) * nr_values;
	uint64_t n = sxd_align(key_size) + v;

	return n > SXD_REC_MAX_SIZE ? 0 : (size_t)n;
}

/*
 * Drop the mapped pages of [from, to) once a pass has read them. The
 * mapping is of the file, read-only, so they come back from it if touched
 * again: a dump of any size decodes in bounded memory.
 */
void dump_release(const struct dump_file *f, size_t from, size_t to)
{
	long page = sysconf(_SC_PAGESIZE);
	uintptr_t a = ((uintptr_t)f->data + from + page - 1) & ~(uintptr_t)(page - 1);
	uintptr_t b = ((uintptr_t)f->data + to) & ~(uintptr_t)(page - 1);

	if (f->map_len && b > a)
		madvise((void *)a, b - a, MADV_DONTNEED);
}

/* Salvaging: the first damage is what the dump says stopped the read. */
static void damage(struct dump_file *f, const char *fmt, ...)
{
	va_list ap;

	if (f->damaged)
		return;
	f->damaged = true;
	va_start(ap, fmt);
	vsnprintf(f->damage, sizeof(f->damage), fmt, ap);
	va_end(ap);
}

static int check_header(struct dump_file *f, char *msg, size_t len)
{
	const struct sxd_file_header *h = (const void *)f->data;
	struct sxd_file_header copy;
	size_t off, n;
	uint32_t crc;

	if (f->size == 0)
		return fail(msg, len, DUMP_EFORMAT, "empty file: not an scxdump dump");
	if (f->size < sizeof(*h) || memcmp(h->magic, SXD_MAGIC, sizeof(h->magic)))
		return fail(msg, len, DUMP_EFORMAT, "not an scxdump dump (bad magic)");
	if (h->byte_order != SXD_BYTE_ORDER)
		return fail(msg, len, DUMP_EFORMAT,
			    "dump written with another byte order (0x%08x)", h->byte_order);
	if (h->version != SXD_VERSION)
		return fail(msg, len, DUMP_EVERSION,
			    "dump format version %u is not supported (this scxdump reads version %u)%s",
			    h->version, SXD_VERSION,
			    h->version > SXD_VERSION ? ": upgrade scxdump" : "");
	if (h->header_size != sizeof(*h))
		return fail(msg, len, DUMP_EFORMAT, "corrupt dump: header size %u", h->header_size);
	f->hdr_valid = true;
	f->file_size = f->size;
	if (h->total_size != f->size && f->salvage) {
		damage(f, "truncated or padded dump: header says %llu bytes, file has %zu "
		       "(checksum not checked)", (unsigned long long)h->total_size, f->size);
		f->hdr = h;
		return 0;
	}
	if (h->total_size != f->size)
		return fail(msg, len, DUMP_EFORMAT,
			    "truncated or padded dump: header says %llu bytes, file has %zu",
			    (unsigned long long)h->total_size, f->size);
	memcpy(&copy, h, sizeof(copy));
	copy.crc32 = 0;
	crc = libdeflate_crc32(0, &copy, sizeof(copy));
	/* in windows: read pages are dropped as the checksum passes them */
	for (off = sizeof(copy); off < f->size; off += n) {
		n = f->size - off < DUMP_WINDOW ? f->size - off : DUMP_WINDOW;
		crc = libdeflate_crc32(crc, f->data + off, n);
		dump_release(f, off, off + n);
	}
	if (crc != h->crc32 && f->salvage)
		damage(f, "checksum mismatch (stored 0x%08x, computed 0x%08x): any record may be damaged",
		       h->crc32, crc);
	else if (crc != h->crc32)
		return fail(msg, len, DUMP_EFORMAT,
			    "corrupt dump: checksum mismatch (stored 0x%08x, computed 0x%08x)",
			    h->crc32, crc);
	f->hdr = h;
	return 0;
}

/* Salvaging: the records end at @off, where @msg's damage is. */
static void salvage_stop(struct dump_file *f, size_t off, const char *msg)
{
	damage(f, "%s", msg);
	snprintf(f->stop_reason, sizeof(f->stop_reason), "%s", msg);
	f->size = off;
}

/*
 * What the records met so far claim once: the map indexes of the MAP and
 * MAP_END records (two bits an index, grown to the highest one met), the
 * END record.
 */
struct seen_maps {
	uint8_t *bits;
	size_t nr;		/* indexes covered */
	size_t end_at;		/* the END record's offset, 0 before it */
};

_Static_assert(offsetof(struct sxd_map, map_index) == sizeof(struct sxd_rec) &&
	       offsetof(struct sxd_map_end, map_index) == sizeof(struct sxd_rec),
	       "MAP and MAP_END name their map first");

/*
 * What the module writes once: a MAP record and a MAP_END record per map,
 * each map's index below max_maps' bound, and the END record, after which
 * nothing (salvage keeps the records up to it). A dump
 * that says otherwise (two dumps' records run together, a forged or
 * damaged index) would decode its maps repeated or mixed up: it is
 * corrupt. 0, DUMP_EFORMAT, or DUMP_EIO out of memory.
 */
static int check_indexes(struct seen_maps *s, const struct sxd_rec *r, size_t off, char *msg,
			 size_t len)
{
	uint32_t i;
	uint8_t bit, *n;
	size_t nr;

	if (s->end_at)
		return fail(msg, len, DUMP_EFORMAT,
			    "corrupt dump: a record at offset %zu after the END record at %zu",
			    off, s->end_at);
	if (r->type == SXD_REC_END)
		s->end_at = off;
	if (r->type != SXD_REC_MAP && r->type != SXD_REC_MAP_END)
		return 0;
	memcpy(&i, r + 1, sizeof(i));
	if (i >= DUMP_MAX_MAP_INDEX)
		return fail(msg, len, DUMP_EFORMAT,
			    "corrupt dump: map index %u at offset %zu, beyond any dump's %u maps",
			    i, off, DUMP_MAX_MAP_INDEX);
	if (i >= s->nr) {
		nr = (i + 1) * 2 > DUMP_MAX_MAP_INDEX ? DUMP_MAX_MAP_INDEX : (i + 1) * 2;
		n = realloc(s->bits, nr / 4 + 1);
		if (!n)
			return fail(msg, len, DUMP_EIO, "out of memory checking the map indexes");
		memset(n + (s->nr ? s->nr / 4 + 1 : 0), 0, nr / 4 + 1 - (s->nr ? s->nr / 4 + 1 : 0));
		s->bits = n;
		s->nr = nr;
	}
	bit = 1u << (i % 4 * 2 + (r->type == SXD_REC_MAP_END));
	if (s->bits[i / 4] & bit)
		return fail(msg, len, DUMP_EFORMAT,
			    "corrupt dump: a second %s record of map index %u at offset %zu",
			    r->type == SXD_REC_MAP ? "MAP" : "MAP_END", i, off);
	s->bits[i / 4] |= bit;
	return 0;
}

static int check_records(struct dump_file *f, struct seen_maps *seen, char *msg, size_t len);

/* Validate the whole file; on success every record can be trusted. */
int dump_check(struct dump_file *f, char *msg, size_t len)
{
	struct seen_maps seen = { 0 };
	int err;

	err = check_header(f, msg, len);
	if (!err)
		err = check_records(f, &seen, msg, len);
	free(seen.bits);
	return err;
}

static int check_records(struct dump_file *f, struct seen_maps *seen, char *msg, size_t len)
{
	const struct sxd_rec *r = NULL;
	size_t off = sizeof(struct sxd_file_header);
	uint32_t n = 0;
	int err = 0;

	while (off < f->size) {
		r = (const void *)(f->data + off);
		if (f->size - off < sizeof(*r))
			err = fail(msg, len, DUMP_EFORMAT, "corrupt dump: partial record at %zu", off);
		else if (r->size < sizeof(*r) || r->size > f->size - off)
			err = fail(msg, len, DUMP_EFORMAT,
				   "corrupt dump: record at offset %zu claims %u bytes", off, r->size);
		else if (rec_check(r, off, msg, len))
			err = DUMP_EFORMAT;
		else
			err = check_indexes(seen, r, off, msg, len);
		if (err && (!f->salvage || err == DUMP_EIO))
			return err;
		if (err) {
			r = NULL;
			salvage_stop(f, off, msg);
			break;
		}
		if (off / DUMP_WINDOW != (off + sxd_align(r->size)) / DUMP_WINDOW)
			dump_release(f, 0, off / DUMP_WINDOW * DUMP_WINDOW);
		off += sxd_align(r->size);
		n++;
	}
	f->nr_intact = n;
	if (f->salvage && (!r || r->type != SXD_REC_END || n != f->hdr->nr_records)) {
		damage(f, !r || r->type != SXD_REC_END ? "incomplete dump: no END record" :
		       "corrupt dump: the header counts another number of records");
		if (!f->stop_reason[0])
			snprintf(f->stop_reason, sizeof(f->stop_reason), "%s",
				 r && r->type == SXD_REC_END ? "the END record" :
				 "the file ends before the END record");
		if (r && r->type == SXD_REC_END)
			f->end = (const void *)r;
		return 0;
	}
	if (f->damaged)		/* a bad checksum: every record read, whatever it holds */
		snprintf(f->stop_reason, sizeof(f->stop_reason), "the END record");
	if (off != f->size || !r || r->type != SXD_REC_END)
		return fail(msg, len, DUMP_EFORMAT, "incomplete dump: no END record");
	if (n != f->hdr->nr_records)
		return fail(msg, len, DUMP_EFORMAT, "corrupt dump: %u records, header says %u",
			    n, f->hdr->nr_records);
	f->end = (const void *)r;
	return 0;
}

/*
 * A mapped file that shrinks while it is read (another process truncates
 * it) faults with SIGBUS on the pages past its new end: the data the
 * checks passed is gone. The handler says so and leaves with EXIT_IO,
 * instead of the process dying of the signal; a fault outside the
 * mappings goes to the handler that was there before. (A file rewritten
 * in place, same size, is not caught: the dump must not change while it
 * is read, as the module's and collect's files do not.)
 */
#define DUMP_MAX_MAPPED		4	/* open at once: diff has two */

static struct mapped {
	const uint8_t *start;
	size_t len;
	char msg[320];
	size_t msg_len;
} mapped[DUMP_MAX_MAPPED];
static struct sigaction sigbus_prev;
static bool sigbus_installed;

static void on_sigbus(int sig, siginfo_t *si, void *ctx)
{
	uintptr_t a = (uintptr_t)si->si_addr;
	ssize_t n;
	int i;

	for (i = 0; i < DUMP_MAX_MAPPED; i++) {
		if (mapped[i].len && a - (uintptr_t)mapped[i].start < mapped[i].len) {
			n = write(STDERR_FILENO, mapped[i].msg, mapped[i].msg_len);
			(void)n;
			_exit(EXIT_IO);
		}
	}
	/* not ours: the fault comes again under the handler before ours */
	sigaction(SIGBUS, &sigbus_prev, NULL);
}

static void sigbus_watch(const struct dump_file *f, const char *path)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };
	int i;

	for (i = 0; i < DUMP_MAX_MAPPED && mapped[i].len; i++)
		;
	if (i == DUMP_MAX_MAPPED)
		return;
	snprintf(mapped[i].msg, sizeof(mapped[i].msg),
		 "scxdump: %s: the file shrank while it was read (truncated by another process)\n",
		 path);
	mapped[i].msg_len = strlen(mapped[i].msg);
	mapped[i].start = f->data;
	mapped[i].len = f->map_len;
	if (!sigbus_installed && !sigaction(SIGBUS, &sa, &sigbus_prev))
		sigbus_installed = true;
}

static void sigbus_unwatch(const struct dump_file *f)
{
	int i;

	for (i = 0; i < DUMP_MAX_MAPPED; i++) {
		if (mapped[i].len && mapped[i].start == f->data)
			mapped[i].len = 0;
	}
}

/*
 * Wait until @fd (a FIFO or pipe) can be read. A FIFO opened with
 * O_NONBLOCK before any writer reports nothing to poll() until a writer
 * has come (Linux keeps POLLHUP back), so this waits for one as cat does,
 * saying so after a second; a signal (Ctrl-C, timeout) ends the wait.
 */
static void wait_readable(int fd, const char *path)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int timeout = 1000, n;

	for (;;) {
		n = poll(&p, 1, timeout);
		if (n > 0 || (n < 0 && errno != EINTR))
			return;
		if (!n && timeout > 0) {
			fprintf(stderr, "scxdump: %s: waiting for a writer\n", path);
			timeout = -1;
		}
	}
}

/*
 * Read what cannot be mapped (a pipe, a FIFO, stdin, a character device,
 * a debugfs or procfs file) into memory, to its end: at most the largest
 * dump the module writes, and no further than bytes that are no dump's
 * (a wrong magic).
 */
static int read_whole(struct dump_file *f, int fd, const char *path, const struct stat *st,
		      char *msg, size_t len)
{
	const struct sxd_file_header *h;
	size_t n = 0, cap;
	ssize_t got;
	char *buf, *b;

	if (S_ISFIFO(st->st_mode))
		wait_readable(fd, path);
	/* reads block from here: a pipe's writer is awaited, not polled */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	cap = S_ISREG(st->st_mode) && st->st_size > 0 && (uint64_t)st->st_size < DUMP_READ_MAX ?
	      (size_t)st->st_size + 1 : 1u << 20;
	buf = malloc(cap);
	if (!buf)
		return fail(msg, len, DUMP_EIO, "out of memory");
	for (;;) {
		if (n == cap) {
			if (cap > DUMP_READ_MAX) {
				free(buf);
				return fail(msg, len, DUMP_EFORMAT,
					    "more than %zu bytes, larger than any dump: not an scxdump dump",
					    (size_t)DUMP_READ_MAX);
			}
			cap = cap * 2 > DUMP_READ_MAX + 1 ? DUMP_READ_MAX + 1 : cap * 2;
			b = realloc(buf, cap);
			if (!b) {
				free(buf);
				return fail(msg, len, DUMP_EIO, "out of memory reading %zu bytes", n);
			}
			buf = b;
		}
		got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && errno == EAGAIN) {	/* a stdin left non-blocking */
			wait_readable(fd, path);
			continue;
		}
		if (got < 0) {
			free(buf);
			return fail(msg, len, DUMP_EIO, "%s", strerror(errno));
		}
		if (!got)
			break;
		n += got;
		/* bytes that are no dump's need not be read to their end */
		if (n >= sizeof(h->magic) && memcmp(buf, SXD_MAGIC, sizeof(h->magic)))
			break;
		h = (const void *)buf;
		if (n >= sizeof(*h) && h->total_size > DUMP_READ_MAX) {
			unsigned long long claim = h->total_size;

			free(buf);
			return fail(msg, len, DUMP_EFORMAT,
				    "the header claims %llu bytes, more than any dump (%zu)",
				    claim, (size_t)DUMP_READ_MAX);
		}
	}
	f->owned = buf;
	f->data = (const uint8_t *)buf;
	f->size = n;
	return 0;
}

/*
 * Open @path ("-": stdin). A regular file is mapped, never copied (a dump
 * may be gigabytes); what cannot be mapped is read. The open does not
 * block: a FIFO without a writer is opened at once, then waited on.
 */
int dump_open(struct dump_file *f, const char *path, bool salvage, char *msg, size_t len)
{
	bool in = !strcmp(path, "-");
	struct stat st;
	int fd, err;
	void *p;

	memset(f, 0, sizeof(*f));
	fd = in ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return fail(msg, len, DUMP_EIO, "%s", strerror(errno));
	if (fstat(fd, &st)) {
		err = fail(msg, len, DUMP_EIO, "%s", strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		err = fail(msg, len, DUMP_EIO, "a directory, not a dump file");
		goto out;
	}
	if (S_ISREG(st.st_mode) && st.st_size > 0) {
		p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED && errno != ENODEV && errno != EINVAL && errno != EACCES) {
			err = fail(msg, len, DUMP_EIO, "%s", strerror(errno));
			goto out;
		}
		if (p != MAP_FAILED) {
			f->data = p;
			f->map_len = st.st_size;
			f->size = st.st_size;
			sigbus_watch(f, path);
		}
	}
	/* a FIFO, pipe, device, or a file of a filesystem that cannot map it */
	err = f->data ? 0 : read_whole(f, fd, path, &st, msg, len);
out:
	if (!in)
		close(fd);
	if (err)
		return err;
	f->salvage = salvage;
	err = dump_check(f, msg, len);
	if (err && err != DUMP_EVERSION && f->hdr_valid) {
		size_t n = strlen(msg);

		snprintf(msg + n, len - n, " (scxdump decode --salvage reads the whole records before the damage)");
	}
	if (err)
		dump_close(f);
	return err;
}

void dump_close(struct dump_file *f)
{
	if (f->map_len) {
		sigbus_unwatch(f);
		munmap((void *)f->data, f->map_len);
	}
	free(f->owned);
	memset(f, 0, sizeof(*f));
}

const struct sxd_rec *dump_next(const struct dump_file *f, size_t *off)
{
	const struct sxd_rec *r;

	if (!*off)
		*off = sizeof(struct sxd_file_header);
	if (*off >= f->size)
		return NULL;
	r = (const void *)(f->data + *off);
	/* crossing into a new window: the one before it has been read */
	if (*off / DUMP_WINDOW != (*off + sxd_align(r->size)) / DUMP_WINDOW && *off >= DUMP_WINDOW)
		dump_release(f, *off / DUMP_WINDOW * DUMP_WINDOW - DUMP_WINDOW,
				 *off / DUMP_WINDOW * DUMP_WINDOW);
	*off += sxd_align(r->size);
	return r;
}
