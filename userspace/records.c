// SPDX-License-Identifier: GPL-2.0
/*
 * The record table: per record type, its fixed size, how long its fields
 * say its tail is, and what the index keeps (docs/format.md describes each
 * record). Unknown types are skipped by every reader.
 */
#include <stdio.h>
#include "dumpfile.h"
#include "index.h"
#include "records.h"

static uint64_t sched_tail(const struct sxd_rec *r)
{
	const struct sxd_sched *s = (const void *)r;

	return (uint64_t)s->reason_len + s->msg_len + s->bt_len + s->dump_len;
}

static uint64_t btf_tail(const struct sxd_rec *r)
{
	return ((const struct sxd_btf *)r)->size;
}

static uint64_t entries_tail(const struct sxd_rec *r)
{
	const struct sxd_entries *e = (const void *)r;
	size_t esz = dump_entry_size(e->key_size, e->value_size, e->nr_values);

	/*
	 * Values of no size take no bytes: more than one of them per entry
	 * would let a few bytes of dump claim billions of values to write.
	 */
	if (!e->value_size && e->nr_values > 1)
		return REC_BAD_TAIL;
	return esz ? (uint64_t)esz * e->nr : REC_BAD_TAIL;
}

static uint64_t map_end_tail(const struct sxd_rec *r)
{
	return ((const struct sxd_map_end *)r)->reason_len;
}

static uint64_t error_tail(const struct sxd_rec *r)
{
	return ((const struct sxd_error *)r)->msg_len;
}

static uint64_t map_info_tail(const struct sxd_rec *r)
{
	return ((const struct sxd_map_info *)r)->data_len;
}

static uint64_t symbols_tail(const struct sxd_rec *r)
{
	return (uint64_t)((const struct sxd_symbols *)r)->nr * sizeof(struct sxd_sym);
}

static uint64_t kmem_tail(const struct sxd_rec *r)
{
	const struct sxd_kmem *k = (const void *)r;

	/* the bits come in whole u64 words */
	return k->nr_bits % 64 ? REC_BAD_TAIL : k->nr_bits / 8;
}

static uint64_t counters_tail(const struct sxd_rec *r)
{
	return (uint64_t)((const struct sxd_counters *)r)->nr * sizeof(struct sxd_counter);
}

static uint64_t prog_stats_tail(const struct sxd_rec *r)
{
	return (uint64_t)((const struct sxd_prog_stats *)r)->nr * sizeof(struct sxd_prog_stat);
}

static uint64_t sched_tree_tail(const struct sxd_rec *r)
{
	return ((const struct sxd_sched_tree *)r)->path_len;
}

static uint64_t absent_tail(const struct sxd_rec *r)
{
	const struct sxd_absent *a = (const void *)r;

	return (uint64_t)a->feature_len + a->reason_len;
}

/*
 * The core state's arrays, whose sizes the header gives; a listing that
 * points outside the queued tasks is as bad as a wrong length.
 */
static uint64_t core_tail(const struct sxd_rec *r)
{
	const struct sxd_core *c = (const void *)r;
	const struct sxd_core_dsq *d;
	uint64_t words = c->mask_words, tail;
	uint32_t i;

	if (!words || words > SXD_CORE_MAX_MASK_WORDS)
		return REC_BAD_TAIL;
	tail = (uint64_t)c->nr_cpus * sizeof(struct sxd_core_cpu) +
	       (uint64_t)c->nr_dsqs * sizeof(struct sxd_core_dsq) +
	       ((uint64_t)c->nr_queued + c->nr_tasks) * sizeof(struct sxd_core_task) +
	       ((uint64_t)c->nr_cpus * SXD_CORE_CPU_MASKS + c->nr_tasks) * words * 8;
	if (tail + sizeof(*c) != r->size)
		return REC_BAD_TAIL;
	d = (const void *)((const uint8_t *)(c + 1) +
			   (size_t)c->nr_cpus * sizeof(struct sxd_core_cpu));
	for (i = 0; i < c->nr_dsqs; i++) {
		if ((uint64_t)d[i].first + d[i].nr_listed > c->nr_queued)
			return REC_BAD_TAIL;
	}
	return tail;
}

/* the tasks a stall warning names */
static size_t stall_tail(const struct sxd_rec *r)
{
	const struct sxd_stall *st = (const void *)r;

	if (st->nr_tasks > (SXD_REC_MAX_SIZE / sizeof(struct sxd_stall_task)))
		return REC_BAD_TAIL;
	return (size_t)st->nr_tasks * sizeof(struct sxd_stall_task);
}

/*
 * The flight recorder's names, maps and samples: every count bounded, the
 * sample size the one its counts give, each sample's own counts within
 * their slots (checked again where a sample is read: timeline.c).
 */
static size_t timeline_tail(const struct sxd_rec *r)
{
	const struct sxd_timeline *t = (const void *)r;
	uint64_t sample, tail;

	if (t->nr_events > 1024 || t->nr_cpus > 65536 || t->max_dsqs > 65536 ||
	    t->nr_maps > 64 || t->map_bytes % 8 || t->map_bytes > (1u << 20))
		return REC_BAD_TAIL;
	sample = sizeof(struct sxd_tl_sample) + (uint64_t)t->nr_events * 8 +
		 (uint64_t)t->nr_cpus * sizeof(struct sxd_tl_cpu) +
		 (uint64_t)t->max_dsqs * sizeof(struct sxd_tl_dsq) +
		 (uint64_t)t->nr_maps * (sizeof(struct sxd_tl_map_val) + t->map_bytes);
	if (sample != t->sample_size || t->nr_samples > SXD_REC_MAX_SIZE / sample)
		return REC_BAD_TAIL;
	tail = (uint64_t)t->nr_events * sizeof(struct sxd_tl_event) +
	       (uint64_t)t->nr_maps * sizeof(struct sxd_tl_map) + (uint64_t)t->nr_samples * sample;
	return tail > SXD_REC_MAX_SIZE ? REC_BAD_TAIL : (size_t)tail;
}

/* a program's maps and instructions */
static size_t prog_insns_tail(const struct sxd_rec *r)
{
	const struct sxd_prog_insns *p = (const void *)r;
	uint64_t tail = (uint64_t)p->nr_maps * sizeof(struct sxd_prog_map) +
			(uint64_t)p->nr_insns * 8;

	return p->nr_maps > 4096 || tail > SXD_REC_MAX_SIZE ? REC_BAD_TAIL : (size_t)tail;
}

/*
 * The event recorder's hooks, CPUs and events: each count bounded, the
 * event size this decoder's, the record's size the one they give, and
 * the CPUs' counts adding up to the events (events.c reads them so).
 */
static uint64_t events_tail(const struct sxd_rec *r)
{
	const struct sxd_events *h = (const void *)r;
	const struct sxd_ev_cpu *c;
	uint64_t tail, sum = 0;
	uint32_t i;

	if (h->event_size != sizeof(struct sxd_event) || h->nr_hooks > 4096 ||
	    h->nr_cpus > 65536 || h->nr_events > SXD_REC_MAX_SIZE / sizeof(struct sxd_event))
		return REC_BAD_TAIL;
	tail = (uint64_t)h->nr_hooks * sizeof(struct sxd_ev_hook) +
	       (uint64_t)h->nr_cpus * sizeof(struct sxd_ev_cpu) +
	       (uint64_t)h->nr_events * sizeof(struct sxd_event);
	if (tail > SXD_REC_MAX_SIZE || tail + sizeof(*h) != r->size)
		return REC_BAD_TAIL;
	c = (const void *)((const uint8_t *)(h + 1) +
			   (size_t)h->nr_hooks * sizeof(struct sxd_ev_hook));
	for (i = 0; i < h->nr_cpus; i++)
		sum += c[i].nr;
	return sum == h->nr_events ? tail : REC_BAD_TAIL;
}

/*
 * More of the core record's tasks: nr_tasks entries of task_size bytes
 * (the index refuses a size below the decoder's, and a count that is
 * not the core record's).
 */
static uint64_t core_tasks_tail(const struct sxd_rec *r)
{
	const struct sxd_core_tasks *t = (const void *)r;

	return (uint64_t)t->nr_tasks * t->task_size;
}

#define REC(t, n, sz, tl, ix) \
	[SXD_REC_##t] = { .name = n, .min_size = sz, .tail = tl, .index = ix }

static const struct rec_type rec_types[] = {
	REC(CAPTURE, "capture", sizeof(struct sxd_capture), NULL, index_capture),
	REC(SCHED, "sched", sizeof(struct sxd_sched), sched_tail, index_sched),
	REC(BTF, "btf", sizeof(struct sxd_btf), btf_tail, index_btf),
	REC(MAP, "map", sizeof(struct sxd_map), NULL, index_map),
	REC(ENTRIES, "entries", sizeof(struct sxd_entries), entries_tail, index_entries),
	REC(MAP_END, "map_end", sizeof(struct sxd_map_end), map_end_tail, index_map_end),
	REC(ERROR, "error", sizeof(struct sxd_error), error_tail, index_error),
	REC(END, "end", sizeof(struct sxd_end), NULL, NULL),
	REC(MAP_INFO, "map_info", sizeof(struct sxd_map_info), map_info_tail, index_map_info),
	REC(SYMBOLS, "symbols", sizeof(struct sxd_symbols), symbols_tail, index_symbols),
	REC(KMEM, "kmem", sizeof(struct sxd_kmem), kmem_tail, index_kmem),
	REC(COUNTERS, "counters", sizeof(struct sxd_counters), counters_tail,
	    index_sched_stats),
	REC(PROG_STATS, "prog_stats", sizeof(struct sxd_prog_stats), prog_stats_tail,
	    index_sched_stats),
	REC(SNAPSHOT, "snapshot", SXD_SNAPSHOT_SIZE_V1, NULL, index_snapshot),
	REC(SCHED_TREE, "sched_tree", sizeof(struct sxd_sched_tree), sched_tree_tail,
	    index_sched_stats),
	REC(ABSENT, "absent", sizeof(struct sxd_absent), absent_tail, index_absent),
	REC(CORE, "core", sizeof(struct sxd_core), core_tail, index_core),
	REC(STALL, "stall", sizeof(struct sxd_stall), stall_tail, index_stall),
	REC(TIMELINE, "timeline", sizeof(struct sxd_timeline), timeline_tail, index_timeline),
	REC(PROG_INSNS, "prog_insns", sizeof(struct sxd_prog_insns), prog_insns_tail,
	    index_prog_insns),
	REC(EVENTS, "events", sizeof(struct sxd_events), events_tail, index_events),
	REC(CORE_TASKS, "core_tasks", sizeof(struct sxd_core_tasks), core_tasks_tail,
	    index_core_tasks),
};

const struct rec_type *rec_type_of(uint32_t type)
{
	if (type >= sizeof(rec_types) / sizeof(rec_types[0]) || !rec_types[type].name)
		return NULL;
	return &rec_types[type];
}

int rec_check(const struct sxd_rec *r, size_t off, char *msg, size_t len)
{
	const struct rec_type *t = rec_type_of(r->type);

	if (!t)
		return 0;
	if (r->size < t->min_size) {
		snprintf(msg, len, "corrupt dump: record type %u at offset %zu is %u bytes, needs %zu",
			 r->type, off, r->size, t->min_size);
		return -1;
	}
	if (t->tail && (t->tail(r) == REC_BAD_TAIL || t->min_size + t->tail(r) != r->size)) {
		snprintf(msg, len, "corrupt dump: record type %u at offset %zu has inconsistent lengths",
			 r->type, off);
		return -1;
	}
	return 0;
}
