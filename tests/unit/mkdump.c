// SPDX-License-Identifier: GPL-2.0
/*
 * Writes synthetic dumps for the decoder's unit tests: every record kind,
 * BTF made with libbpf's btf__add_*() and known values, plus deliberately
 * broken variants. Independent of the module's writer on purpose: the
 * format is checked from both sides.
 *
 *   mkdump [--version N] [--corrupt-len] [--no-end] [--later]
 *          [--bad-timeline|--no-timeline] [--hostile] [--starved] [--core]
 *          [--bad-core-tasks none|pid|nr|size|len] [--same-map-index]
 *          [--two-ends] [--stats on|off]
 *          [--events] [--bad-events nr|sum|size] [--flat] [--flat-bad] [--flat-untimed]
 *          [--snapshot-v1] OUT
 *
 * Each map is written by its own map_N(), the records around them by
 * add_*(); main() orders them as the module writes a dump.
 *
 * --hostile: the dump's text as an attacker would write it (HOSTILE_*
 * below): ill-formed UTF-8, a literal \xff, terminal escapes.
 * --same-map-index and --two-ends make dumps whose framing and checksum
 * are good but whose records contradict each other.
 * --flat: the stop copied map 0 flat and walked map 2 (add_snapshot()),
 * map 0 with its SXD_INFO_FLAT (map_0()); --flat-bad: that and 2 of its
 * hash lists cut short by a bad link; --flat-untimed: that with no time
 * for the copy (0 ns).
 * --snapshot-v1: the SNAPSHOT record as dumps of before flat copies
 * wrote it, 72 bytes.
 * --owners: map 9 (a task storage) with its SXD_INFO_OWNERS: 3 owners
 * named from a table of 120 tasks, 1 read from its task, the table cut
 * by its time and by a change of the task list.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <bpf/btf.h>
#include <libdeflate.h>
#include "../../include/scxdump_format.h"

/*
 * --hostile: every ill-formed kind of Unicode Table 3-7 (a surrogate, three
 * overlong forms, a code point past U+10FFFF, a lone FF), the literal
 * text \xff, an OSC title sequence, a screen clear, a C1 CSI, a DEL
 */
#define HOSTILE_MSG	"sur\xed\xa0\x80 ov\xe0\x80\x80 ov\xc0\xaf ov\xf0\x80\x80\x80 big\xf4\x90\x80\x80 " \
			"ff\xff lit\\xff osc\x1b]0;pwned\x07 cls\x1b[2J c1\xc2\x9b del\x7f"
#define HOSTILE_MAP1	"\xed\xa0\x80\xe0\x80\x80\xc0\xaf\xf4\x90\x80\x80\xff"	/* 13 bytes */
#define HOSTILE_MAP5	"\\xff\x1b]0;t\x07\x1b[2J"				/* 14 bytes */
#define HOSTILE_SCHED	"synth\x1b]0;t\x07\xff"
#define HOSTILE_COMM	"v\x1b[2J\xc2\x9b\x7f\\"
#define HOSTILE_WANT	"no\x1b[2J\xed\xa0\x80\xff"
static bool hostile;
/* --later, --corrupt-len: what the maps hold, as map_N() write them */
static bool later, corrupt;
/* --flat, --snapshot-v1: the snapshot's record and which maps it copied how */
static bool flat, snapshot_v1, snapshot_v2;
/* --owners: map 9's SXD_INFO_OWNERS */
static bool owners;
/* --flat-bad, --flat-untimed: the flat copy's lists a bad link cut short, its time */
static unsigned long long flat_bad_lists, flat_ns = 1500000;
/* make_btf()'s types: the struct val, the .data section, u32, char[6] */
static int val_id, sec_id, u32_id;
static int chars6_id;

static unsigned char buf[1 << 20];
static size_t len = sizeof(struct sxd_file_header);
static unsigned int nr_records;

static void *rec(unsigned int type, size_t fixed, const void *tail, size_t tail_len)
{
	struct sxd_rec *r = (void *)(buf + len);

	memset(r, 0, fixed);
	r->type = type;
	r->size = fixed + tail_len;
	if (tail_len)
		memcpy(buf + len + fixed, tail, tail_len);
	len += sxd_align(r->size);
	nr_records++;
	return r;
}

/* Record with several trailing strings. */
static void *rec_strs(unsigned int type, size_t fixed, const char **s, int n)
{
	char tail[4096];
	size_t t = 0;
	int i;

	for (i = 0; i < n; i++) {
		memcpy(tail + t, s[i], strlen(s[i]));
		t += strlen(s[i]);
	}
	return rec(type, fixed, tail, t);
}

/*
 * struct val { int i; unsigned char bytes[4]; char name[8]; enum color c;
 *              unsigned int f3:3, f5:5; bool ok; double d; struct val *next;
 *              struct { short s; } in; } (56 bytes, as struct val below)
 * and DATASEC .data { int counter; char tag[6]; }
 */
static struct btf *make_btf(int *val_id, int *sec_id, int *u32_id)
{
	struct btf *b = btf__new_empty();
	int i32, u8, ch, u32, en, bo, db, sh, arr_u8, arr_ch, anon, val, ptr, v1, v2, arr6, sec;

	i32 = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
	u8 = btf__add_int(b, "unsigned char", 1, 0);
	ch = btf__add_int(b, "char", 1, BTF_INT_CHAR);
	u32 = btf__add_int(b, "unsigned int", 4, 0);
	bo = btf__add_int(b, "_Bool", 1, BTF_INT_BOOL);
	db = btf__add_float(b, "double", 8);
	sh = btf__add_int(b, "short", 2, BTF_INT_SIGNED);
	en = btf__add_enum(b, "color", 4);
	btf__add_enum_value(b, "RED", 1);
	btf__add_enum_value(b, "GREEN", 2);
	arr_u8 = btf__add_array(b, u32, u8, 4);
	arr_ch = btf__add_array(b, u32, ch, 8);
	anon = btf__add_struct(b, NULL, 2);
	btf__add_field(b, "s", sh, 0, 0);
	val = btf__add_struct(b, "val", 56);
	ptr = val + 1;	/* added right after the members */
	btf__add_field(b, "i", i32, 0, 0);
	btf__add_field(b, "bytes", arr_u8, 32, 0);
	btf__add_field(b, "name", arr_ch, 64, 0);
	btf__add_field(b, "c", en, 128, 0);
	btf__add_field(b, "f3", u32, 160, 3);
	btf__add_field(b, "f5", u32, 163, 5);
	btf__add_field(b, "ok", bo, 168, 0);
	btf__add_field(b, "d", db, 256, 0);
	btf__add_field(b, "next", ptr, 320, 0);
	btf__add_field(b, "in", anon, 384, 0);
	btf__add_ptr(b, val);
	arr6 = btf__add_array(b, u32, ch, 6);
	chars6_id = arr6;
	v1 = btf__add_var(b, "counter", BTF_VAR_GLOBAL_ALLOCATED, i32);
	v2 = btf__add_var(b, "tag", BTF_VAR_GLOBAL_ALLOCATED, arr6);
	sec = btf__add_datasec(b, ".data", 12);
	btf__add_datasec_var_info(b, v1, 0, 4);
	btf__add_datasec_var_info(b, v2, 4, 6);
	/* arena globals: unsigned int arena_flag (a u64 first) */
	v1 = btf__add_var(b, "arena_word", BTF_VAR_GLOBAL_ALLOCATED, i32);
	v2 = btf__add_var(b, "arena_tag", BTF_VAR_GLOBAL_ALLOCATED, arr6);
	btf__add_datasec(b, ".addr_space.1", 16);
	btf__add_datasec_var_info(b, v1, 0, 4);
	btf__add_datasec_var_info(b, v2, 8, 6);
	*val_id = val;
	*sec_id = sec;
	*u32_id = u32;
	return b;
}

struct val {
	int i;
	unsigned char bytes[4];
	char name[8];
	int c;
	unsigned int bits;	/* f3 in bits 0-2, f5 in bits 3-7, ok in byte 1 */
	unsigned int pad;
	double d;
	unsigned long long next;
	short s;
	char pad2[6];
};

/* A BTF record: @raw as the dump's BTF object @index. */
static void add_btf(unsigned int index, unsigned int kind, unsigned int kernel_id,
		    const void *raw, unsigned int size)
{
	struct sxd_btf *b = rec(SXD_REC_BTF, sizeof(*b), raw, size);

	b->btf_index = index;
	b->kind = kind;
	b->kernel_id = kernel_id;
	b->size = size;
}

/* --same-map-index: every MAP record claims map index 0 */
static bool same_map_index;

static void add_map(unsigned int index, unsigned int type, const char *name,
		    unsigned int ks, unsigned int vs, unsigned int btf_index,
		    unsigned int kt, unsigned int vt)
{
	struct sxd_map *m = rec(SXD_REC_MAP, sizeof(*m), NULL, 0);

	m->map_index = same_map_index ? 0 : index;
	m->id = 100 + index;
	m->type = type;
	m->key_size = ks;
	m->value_size = vs;
	m->max_entries = 64;
	m->btf_index = btf_index;
	m->btf_key_type_id = kt;
	m->btf_value_type_id = vt;
	snprintf(m->name, sizeof(m->name), "%s", name);
}

static void add_entries(unsigned int index, unsigned int ks, unsigned int vs,
			const void *data, unsigned int nr, bool corrupt)
{
	size_t esz = sxd_align(ks) + sxd_align(vs);
	struct sxd_entries *e = rec(SXD_REC_ENTRIES, sizeof(*e), data, esz * nr);

	e->map_index = index;
	e->nr = nr + corrupt;	/* corrupt: claims one entry more than it holds */
	e->key_size = ks;
	e->value_size = vs;
	e->nr_values = 1;
}

static void add_entries_flags(unsigned int index, unsigned int ks, unsigned int vs,
			      unsigned int nr_values, unsigned int flags,
			      const void *data, unsigned int nr)
{
	size_t esz = sxd_align(ks) + (size_t)nr_values * sxd_align(vs);
	struct sxd_entries *e = rec(SXD_REC_ENTRIES, sizeof(*e), data, esz * nr);

	e->map_index = index;
	e->nr = nr;
	e->key_size = ks;
	e->value_size = vs;
	e->nr_values = nr_values;
	e->flags = flags;
}

static void add_info(unsigned int index, unsigned int kind, const unsigned long long *val,
		     int nr, const void *data, unsigned int len)
{
	struct sxd_map_info *mi = rec(SXD_REC_MAP_INFO, sizeof(*mi), data, len);

	mi->map_index = index;
	mi->kind = kind;
	memcpy(mi->val, val, nr * sizeof(*val));
	mi->data_len = len;
}

static void add_map_end(unsigned int index, unsigned long long n, unsigned long long omitted,
			unsigned int flags, const char *reason)
{
	struct sxd_map_end *e = rec(SXD_REC_MAP_END, sizeof(*e), reason, strlen(reason));

	e->duration_ns = 1000ull * index + 7;
	e->map_index = index;
	e->nr_entries = n;
	e->nr_omitted = omitted;
	e->flags = flags;
	e->reason_len = strlen(reason);
}

/*
 * The flight recorder's ring: 3 samples kept of 7 taken, 100 ms apart,
 * the last 100 ms before the capture; 2 counters, 2 CPUs, 2 DSQ slots,
 * and map 2 (synth.data, id 102: DATASEC { int counter; char tag[6]; })
 * sampled: counter 5, 9, 9 and tag "ab", "ab", "cd"; a second map asked
 * for and not found. --bad-timeline: a sample size its counts do not give.
 */
struct tl_sample {
	struct sxd_tl_sample s;
	long long ev[2];
	struct sxd_tl_cpu cpu[2];
	struct sxd_tl_dsq dsq[2];
	struct sxd_tl_map_val v0;
	unsigned char d0[16];
	struct sxd_tl_map_val v1;
	unsigned char d1[16];
};

static void add_timeline(unsigned long long boottime_ns, bool bad)
{
	struct {
		struct sxd_tl_event ev[2];
		struct sxd_tl_map map[2];
		struct tl_sample s[3];
	} t;
	static const int counter[3] = { 5, 9, 9 };
	/* --hostile: a backslash and a byte not UTF-8 in the last */
	static const char *const tag[3] = { "ab", "ab", "cd" }, *const htag[3] = { "ab", "ab", "c\\\xff" };
	struct sxd_timeline *r;
	int i;

	memset(&t, 0, sizeof(t));
	strcpy(t.ev[0].name, "SCX_EV_KEEP_LAST");
	strcpy(t.ev[1].name, "SCX_EV_BYPASS");
	strcpy(t.map[0].want, ".data");
	strcpy(t.map[0].name, "synth.data");
	t.map[0].id = 102;
	t.map[0].type = 2;
	t.map[0].value_size = 12;
	t.map[0].elem_size = 16;
	t.map[0].max_entries = 1;
	strcpy(t.map[1].want, hostile ? HOSTILE_WANT : "nosuch");
	t.map[1].status = SXD_TL_MAP_NOT_FOUND;
	for (i = 0; i < 3; i++) {
		struct tl_sample *x = &t.s[i];

		x->s.seq = 4 + i;
		x->s.boottime_ns = boottime_ns - (3 - i) * 100000000ull;
		x->s.duration_ns = 20000 + i;
		x->s.nr_cpus = 2;
		x->s.nr_dsqs = 2;
		x->s.dsqs_seen = 2;
		x->ev[0] = i ? 15 : 10;
		x->ev[1] = i == 2 ? 27 : 20;
		x->cpu[0] = (struct sxd_tl_cpu){ .nr_running = 1, .scx_nr_running = 1,
						 .flags = SXD_CORE_CPU_ONLINE };
		x->cpu[1] = (struct sxd_tl_cpu){ .nr_running = 2 + i, .scx_nr_running = 2,
						 .local_nr = i, .flags = SXD_CORE_CPU_ONLINE };
		x->dsq[0] = (struct sxd_tl_dsq){ .id = 0x8000000000000001ull, .nr = 0,
						 .kind = SXD_DSQ_GLOBAL };
		x->dsq[1] = (struct sxd_tl_dsq){ .id = 100, .nr = 3 + (i > 0),
						 .kind = SXD_DSQ_USER };
		x->v0.len = 16;
		memcpy(x->d0, &counter[i], 4);
		memcpy(x->d0 + 4, (hostile ? htag : tag)[i], 3);
		x->v1.status = SXD_TL_MAP_NOT_FOUND;
	}
	r = rec(SXD_REC_TIMELINE, sizeof(*r), &t, sizeof(t));
	r->interval_ms = 100;
	r->nr_samples = 3;
	r->enable_seq = 3;
	r->nr_taken = 7;
	r->nr_events = 2;
	r->nr_cpus = 2;
	r->max_dsqs = 2;
	r->nr_maps = 2;
	r->map_bytes = 16;
	r->sample_size = sizeof(struct tl_sample) + (bad ? 8 : 0);
}

/*
 * --core: the scheduler's core state (SXD_REC_CORE) as module/core.c
 * writes it: 2 CPUs, 3 DSQs (CPU 0's and CPU 1's local, user DSQ 100 with
 * 2 tasks listed of 3), 4 tasks. HZ 250, so task 42 (runnable 2500
 * jiffies) has waited 10000 ms; task 77's runnable_at lies 4e16 jiffies
 * back (a hostile or broken field: 1.6e17 ms, whose product with 1000
 * overflows an int64); task 99 sleeps (no wait); task 5 became runnable
 * after the walk read jiffies (0 ms).
 */
static void add_core(void)
{
	const unsigned long long jiffies = 40000000000005000ull;
	struct {
		struct sxd_core_cpu cpu[2];
		struct sxd_core_dsq dsq[3];
		struct sxd_core_task queued[2];
		struct sxd_core_task task[4];
		unsigned long long masks[2 * SXD_CORE_CPU_MASKS + 4];
	} t;
	static const int pids[4] = { 42, 77, 99, 5 };
	struct sxd_core *c;
	int i;

	memset(&t, 0, sizeof(t));
	for (i = 0; i < 2; i++) {
		t.cpu[i] = (struct sxd_core_cpu){
			.cpu = i, .flags = SXD_CORE_CPU_ONLINE, .nr_running = 1 + i,
			.cfs_nr_running = i, .scx_nr_running = 1, .local_dsq = i,
			.ops_qseq = 100 + i, .curr_pid = i ? 42 : -1,
			.curr_class = SXD_CLASS_EXT, .curr_prio = 120,
		};
		t.dsq[i] = (struct sxd_core_dsq){
			.id = 0x8000000000000002ull, .kind = SXD_DSQ_LOCAL, .cpu = i,
		};
	}
	strcpy(t.cpu[1].curr_comm, "worker");
	t.dsq[2] = (struct sxd_core_dsq){ .id = 100, .kind = SXD_DSQ_USER, .cpu = -1, .nr = 3,
					  .seq = 9, .first = 0, .nr_listed = 2,
					  .flags = SXD_DSQ_PRIQ };
	for (i = 0; i < 4; i++) {
		struct sxd_core_task *k = &t.task[i];

		k->pid = k->tgid = pids[i];
		snprintf(k->comm, sizeof(k->comm), "task%d", pids[i]);
		k->state = pids[i] == 99 ? 1 : 0;
		k->cpu = i % 2;
		k->scx_state = 2;
		k->dsq_id = i < 2 ? 100 : SXD_CORE_NO_DSQ;
		k->runnable_at = pids[i] == 42 ? jiffies - 2500 : pids[i] == 77 ? 5000 :
				 pids[i] == 5 ? jiffies + 3 : jiffies - 1;
		k->dsq_vtime = 1000 * (i + 1);
		k->slice = 20000000;
		k->weight = 100;
		k->prio = 120;
		k->class = SXD_CLASS_EXT;
	}
	t.queued[0] = t.task[0];
	t.queued[1] = t.task[1];
	t.masks[0] = 0x2;			/* CPU 0 kicks CPU 1 */
	for (i = 0; i < 4; i++)
		t.masks[2 * SXD_CORE_CPU_MASKS + i] = 0x3;
	c = rec(SXD_REC_CORE, sizeof(*c), &t, sizeof(t));
	c->when = SXD_CORE_BEFORE_BYPASS;
	c->boottime_ns = 43129000000ull;
	c->jiffies = jiffies;
	c->duration_ns = 12345;
	c->hz = 250;
	c->nr_cpus = 2;
	c->nr_dsqs = 3;
	c->nr_queued = 2;
	c->nr_tasks = 4;
	c->mask_words = 1;
	c->tasks_seen = 4;
	c->dsqs_seen = 3;
	c->max_dsq_tasks = 2;
	strcpy(c->task_states[0], "NONE");
	strcpy(c->task_states[2], "READY");
	strcpy(c->task_states[3], "ENABLED");
}

/*
 * After the core record, more of its 4 tasks (SXD_REC_CORE_TASKS), 64
 * bytes each (8 more than struct sxd_core_task_more: a later module's
 * fields, not read), read at 43.128 s of local_clock():
 *   42: parent 1, no direct dispatch, ran 1.5 ms, 3 + 2 switches, last 2.5 ms ago
 *   77: parent not read (-1), ran 2^40 ns, 0 + 7 switches, exec_start 0
 *   99: parent 42, ran 0.25 ms, 12 + 0 switches, exec_start after the clock
 *    5: parent 1, a direct dispatch to SCX_DSQ_LOCAL_ON|1 pending (enq_flags
 *       8), never ran, exec_start the clock itself (0 ms ago)
 * --bad-core-tasks none: no such record (an older module's dump); pid:
 * task 99's entry says pid 1234; nr: 3 tasks; size: 48-byte tasks; len: 4
 * tasks of 64 bytes in the room of 3 and a half.
 * --later: each task ran 1 ms more, once more, 1 ms later, and task 5's
 * direct dispatch is done.
 */
#define CORE_TASKS_CLOCK	43128000000ull
static void add_core_tasks(const char *bad)
{
	struct more {
		struct sxd_core_task_more m;
		unsigned long long later;
	} t[4] = {
		{ { .pid = 42, .parent_tgid = 1, .ddsp_dsq_id = 1ull << 63,
		    .sum_exec_runtime = 1500000, .nvcsw = 3, .nivcsw = 2,
		    .exec_start = CORE_TASKS_CLOCK - 2500000 }, ~0ull },
		{ { .pid = 77, .parent_tgid = -1, .ddsp_dsq_id = 1ull << 63,
		    .sum_exec_runtime = 1ull << 40, .nivcsw = 7 }, ~0ull },
		{ { .pid = 99, .parent_tgid = 42, .ddsp_dsq_id = 1ull << 63,
		    .sum_exec_runtime = 250000, .nvcsw = 12,
		    .exec_start = CORE_TASKS_CLOCK + 1000 }, ~0ull },
		{ { .pid = 5, .parent_tgid = 1, .ddsp_dsq_id = 0xc000000000000001ull,
		    .ddsp_enq_flags = 8, .exec_start = CORE_TASKS_CLOCK }, ~0ull },
	};
	size_t size = sizeof(t[0]), tail = sizeof(t);
	struct sxd_core_tasks *r;
	unsigned char small[4][48];
	const void *p = t;
	unsigned int nr = 4, i;

	for (i = 0; later && i < 4; i++) {
		t[i].m.sum_exec_runtime += 1000000;
		t[i].m.nvcsw++;
		if (t[i].m.exec_start)
			t[i].m.exec_start += 1000000;
		t[i].m.ddsp_dsq_id = 1ull << 63;
		t[i].m.ddsp_enq_flags = 0;
	}
	if (bad && !strcmp(bad, "none"))
		return;
	if (bad && !strcmp(bad, "pid")) {
		t[2].m.pid = 1234;
	} else if (bad && !strcmp(bad, "nr")) {
		nr = 3;
		tail = 3 * size;
	} else if (bad && !strcmp(bad, "size")) {
		for (i = 0; i < 4; i++)
			memcpy(small[i], &t[i], sizeof(small[i]));
		p = small;
		size = sizeof(small[0]);
		tail = sizeof(small);
	} else if (bad && !strcmp(bad, "len")) {
		tail = 3 * size + size / 2;
	}
	r = rec(SXD_REC_CORE_TASKS, sizeof(*r), p, tail);
	r->when = SXD_CORE_BEFORE_BYPASS;
	r->nr_tasks = nr;
	r->task_size = size;
	r->clock_ns = CORE_TASKS_CLOCK + (later ? 1000000 : 0);
}

/*
 * --events: the event recorder's record (SXD_REC_EVENTS), stopped by an
 * SCX_EXIT_ERROR_BPF (1025) at 10 s of local_clock(), read 2 ms later:
 * CPU 0 (seq 100-105) and CPU 1 (seq 200-204), times in ms from the stop:
 *   -5.0 cpu 0 switch 0 -> 42      -4.5 cpu 1 switch 0 -> 5
 *   -4.0 cpu 0 insert 77 DSQ 100   -4.0 cpu 1 move_to_local GLOBAL
 *   -3.0 cpu 0 wakeup 77 -> cpu 1  -2.5 cpu 1 insert_vtime 99 DSQ 200
 *   -2.0 cpu 0 kick cpu 1          -1.5 cpu 1 switch 5 -> 77 (preempt)
 *   -1.0 cpu 0 error (prog name with a byte not UTF-8 and an ESC)
 *                                  -0.5 cpu 1 scx_event (24-byte name, no NUL)
 *    0   cpu 0 exit
 * --bad-events: nr_events past the record, CPU counts that do not add
 * up to it, or an event size not the format's.
 */
#define EV_STOP		10000000000ull
#define EV_PROG		"bad\xff\x1b[2Jprog"
#define EV_COUNTER	"SELECT_CPU_FALLBACK_LONG"	/* 24 bytes */

static void add_events(const char *bad)
{
	struct {
		struct sxd_ev_hook hook[3];
		struct sxd_ev_cpu cpu[2];
		struct sxd_event ev[11];
	} t;
	struct sxd_events *h;
	struct sxd_event *e = t.ev;
	int i;

	memset(&t, 0, sizeof(t));
	t.hook[0] = (struct sxd_ev_hook){ "sched_switch", SXD_EV_HOOK_TRACEPOINT, SXD_EV_SWITCH };
	t.hook[1] = (struct sxd_ev_hook){ "scx_bpf_dsq_insert", SXD_EV_HOOK_KFUNC, SXD_EV_INSERT };
	t.hook[2] = (struct sxd_ev_hook){ "sched_ext_event", SXD_EV_HOOK_TRACEPOINT,
					  SXD_EV_SCX_EVENT };
	t.cpu[0] = (struct sxd_ev_cpu){ .cpu = 0, .nr = 6, .written = 106, .overwritten = 100,
					.torn = 1 };
	t.cpu[1] = (struct sxd_ev_cpu){ .cpu = 1, .nr = 5, .written = 205, .overwritten = 200,
					.other = 3, .after_stop = 2 };
	/* CPU 0 */
	e[0] = (struct sxd_event){ .type = SXD_EV_SWITCH, .pid = 0, .arg = 42, .a = 0,
				   .b = SXD_CLASS_IDLE | SXD_CLASS_EXT << 8, .c = 0, .d = 42 };
	e[1] = (struct sxd_event){ .type = SXD_EV_INSERT, .pid = 77, .arg = SXD_EV_RES_TRUE,
				   .a = 100, .b = 5000000, .c = 0 };
	e[2] = (struct sxd_event){ .type = SXD_EV_WAKEUP, .pid = 77, .arg = 1, .a = 77,
				   .b = SXD_CLASS_EXT };
	e[3] = (struct sxd_event){ .type = SXD_EV_KICK, .pid = 42, .arg = 1, .a = 1 };
	e[4] = (struct sxd_event){ .type = SXD_EV_ERROR, .pid = 42 };
	memcpy(&e[4].b, EV_PROG, sizeof(EV_PROG) - 1);
	e[5] = (struct sxd_event){ .type = SXD_EV_EXIT, .pid = 42, .arg = 1025 };
	/* CPU 1 */
	e[6] = (struct sxd_event){ .type = SXD_EV_SWITCH, .pid = 0, .arg = 5,
				   .b = SXD_CLASS_IDLE | SXD_CLASS_EXT << 8, .d = 5 };
	e[7] = (struct sxd_event){ .type = SXD_EV_MOVE_TO_LOCAL, .pid = -1,
				   .arg = SXD_EV_RES_TRUE, .a = 0x8000000000000001ull };
	e[8] = (struct sxd_event){ .type = SXD_EV_INSERT_VTIME, .pid = 99, .arg = SXD_EV_RES_VOID,
				   .a = 200, .b = 3000000, .c = 8, .d = 123456 };
	e[9] = (struct sxd_event){ .type = SXD_EV_SWITCH, .pid = 5, .arg = 77, .a = 1,
				   .b = SXD_CLASS_EXT | SXD_CLASS_EXT << 8 | SXD_EV_SW_PREEMPT,
				   .c = 5, .d = 77 };
	e[10] = (struct sxd_event){ .type = SXD_EV_SCX_EVENT, .pid = 99, .a = 3 };
	memcpy(&e[10].b, EV_COUNTER, 24);
	{
		static const long long ms10[11] = { -50, -40, -30, -20, -10, 0,
						    -45, -40, -25, -15, -5 };

		for (i = 0; i < 11; i++) {
			e[i].ts = EV_STOP + ms10[i] * 100000;
			e[i].cpu = i < 6 ? 0 : 1;
			e[i].seq = i < 6 ? 100 + i : 200 + i - 6;
			e[i].load = 3;
		}
	}
	h = rec(SXD_REC_EVENTS, sizeof(*h), &t, sizeof(t));
	h->load = 3;
	h->enable_seq = 5;
	h->stop_ns = EV_STOP;
	h->capture_ns = EV_STOP + 2000000;
	h->per_cpu = 128;
	h->nr_cpus = 2;
	h->nr_events = 11;
	h->nr_hooks = 3;
	h->flags = SXD_EV_F_STOPPED;
	h->stop_kind = 1025;
	h->event_size = sizeof(struct sxd_event);
	if (bad && !strcmp(bad, "nr"))
		h->nr_events = 1000000;
	else if (bad && !strcmp(bad, "sum"))
		t.cpu[0].nr = 5, memcpy(h + 1, &t, sizeof(t));
	else if (bad && !strcmp(bad, "size"))
		h->event_size = 56;
}

/* The CAPTURE record: an exit, 4 CPU slots, 3 online. */
static struct sxd_capture *add_capture(void)
{
	struct sxd_capture *cap = rec(SXD_REC_CAPTURE, sizeof(*cap), NULL, 0);

	cap->realtime_ns = 1795561233816467734ull;
	cap->boottime_ns = 43129861134ull;
	cap->trigger = SXD_TRIGGER_EXIT;
	cap->nr_cpu_slots = 4;
	cap->nr_possible_cpus = 4;
	cap->nr_online_cpus = 3;
	cap->page_size = 4096;
	/*
	 * --later: the same scheduler captured again (for scxdump diff):
	 * vals[0].i 41 -> -5, vals[1].s -300 -> 300, pcpu[0] on CPU 1
	 * 1000 -> 2^64 - 1, raw_hash's key 21 gone and key 41 new.
	 */
	cap->capture_seq = later ? 8 : 7;
	strcpy(cap->kernel_release, "7.3.4-test");
	strcpy(cap->machine, "x86_64");
	strcpy(cap->module_version, "0.1.0");
	return cap;
}

/* The scheduler: its SCHED record, counters, program stats, tree. */
static void add_sched(unsigned int stats_flags)
{
	struct sxd_sched *s;

	{
		const char *strs[] = { "scx_bpf_error", hostile ? HOSTILE_MSG : "it broke: \x01\xff bytes",
				       "frame_a+0x1/0x10\nframe_b+0x2/0x20\n", "DUMP TEXT" };

		s = rec_strs(SXD_REC_SCHED, sizeof(*s), strs, 4);
		s->exit_kind = 1025;
		s->exit_code = -3;
		s->exit_cpu = 2;
		s->nr_maps = 3;
		s->reason_len = strlen(strs[0]);
		s->msg_len = strlen(strs[1]);
		s->bt_len = strlen(strs[2]);
		s->dump_len = strlen(strs[3]);
		strcpy(s->name, hostile ? HOSTILE_SCHED : "synthetic");
		strcpy(s->exit_kind_name, "SCX_EXIT_ERROR_BPF");
	}

	{
		struct sxd_counter ev[2] = { { "SCX_EV_KEEP_LAST", 42 }, { "SCX_EV_BYPASS", -1 } };
		struct sxd_prog_stat st = { .id = 9, .name = "my_enqueue", .run_cnt = 500,
					    .run_time_ns = 123456, .recursion_misses = 2,
					    .flags = stats_flags };
		struct sxd_counters *co = rec(SXD_REC_COUNTERS, sizeof(*co), ev, sizeof(ev));
		struct sxd_prog_stats *ps;

		co->nr = 2;
		ps = rec(SXD_REC_PROG_STATS, sizeof(*ps), &st, sizeof(st));
		ps->nr = 1;
		{
			struct sxd_sched_tree *t = rec(SXD_REC_SCHED_TREE, sizeof(*t),
						       "/scxsub", 7);

			t->level = 1;
			t->id = 5;
			t->cgroup_id = 77;
			t->parent_id = 4;
			strcpy(t->parent_name, "parent_sched");
			t->path_len = 7;
		}
		s = (struct sxd_sched *)(buf + sizeof(struct sxd_file_header) +
					 sxd_align(sizeof(struct sxd_capture)));
		s->ops_flags = 0x44;
		s->timeout_ms = 5000;
	}
}

/*
 * A consistent snapshot whose 5 ms budget ran out, two maps read live.
 * --flat: it copied map 0 flat (3 MB of kernel memory) and walked map 2;
 * of the two read live, one the plan left out; it is the second stop, the
 * first having run out of its budget after 5.1 ms. --snapshot-v1: the
 * record ends before the flat copies' fields; --snapshot-v2: before the
 * stop done again's.
 */
static void add_snapshot(void)
{
	struct sxd_snapshot *sn = rec(SXD_REC_SNAPSHOT,
				      snapshot_v1 ? SXD_SNAPSHOT_SIZE_V1 :
				      snapshot_v2 ? SXD_SNAPSHOT_SIZE_V2 : sizeof(*sn), NULL, 0);

	sn->copied_bytes = 98765;
	sn->mode = SXD_SNAP_STOPPED;
	sn->held_ns = 1234567;
	sn->stop_ns = 2000000;
	sn->reserved_bytes = 1 << 20;
	sn->nr_maps = flat ? 2 : 1;
	sn->nr_cpus = 3;
	sn->budget_ns = 5000000;
	sn->nr_maps_live = 2;
	sn->snap_flags = SXD_SNAP_F_BUDGET;
	if (!flat || snapshot_v1)
		return;
	sn->flat_bytes = 3000000;
	sn->plan_ns = 4500000;
	sn->nr_maps_flat = 1;
	sn->nr_maps_unplanned = 1;
	sn->copy_ps_per_byte = 125;
	if (snapshot_v2)
		return;
	sn->snap_flags |= SXD_SNAP_F_REDONE;
	sn->first_held_ns = 5100000;
}

/* An exit after a stall warning: dump 5, 1.5 s before this capture. */
static void add_stall(unsigned long long boottime_ns)
{
	struct sxd_stall_task t[2] = {
		{ .pid = 4242, .cpu = 1, .wait_ms = 2600, .comm = "victim" },
		{ .pid = 77, .cpu = 3, .wait_ms = 2550, .comm = "kworker/3:1" },
	};
	struct sxd_stall *st;

	if (hostile)
		memcpy(t[0].comm, HOSTILE_COMM, sizeof(HOSTILE_COMM));
	st = rec(SXD_REC_STALL, sizeof(*st), t, sizeof(t));

	st->flags = SXD_STALL_PAIRED;
	st->warning_seq = 5;
	st->warning_boottime_ns = boottime_ns - 1500000000ull;
	st->enable_seq = 3;
	st->timeout_ms = 5000;
	st->threshold_ms = 2500;
	st->nr_tasks = 2;
	st->nr_waiting = 2;
}

/* map 0: array of struct val, with BTF */
static void map_0(void)
{
	unsigned char e[2][8 + sizeof(struct val)];
	struct val v;
	int c;

	memset(e, 0, sizeof(e));
	for (c = 0; c < 2; c++) {
		memset(&v, 0, sizeof(v));
		v.i = c ? -7 : later ? -5 : 41;
		memcpy(v.bytes, c ? "\x01\x02\x00\x04" : "ab\0\0", 4);
		/* --hostile: a backslash, bytes not UTF-8 */
		strcpy(v.name, !hostile ? (c ? "second" : "first") : c ? "a\\b" : "\\x\xc0\xaf\xff");
		v.c = c ? 9 : 2;
		v.bits = (c ? 5 : 3) | (c ? 17 : 31) << 3 | 1 << 8;
		v.d = c ? -0.5 : 2.25;
		v.next = c ? 0xffff888012345678ull : 0;
		v.s = c ? (later ? 300 : -300) : 300;
		memcpy(e[c], &c, 4);
		memcpy(e[c] + 8, &v, sizeof(v));
	}
	add_map(0, 2, "vals", 4, sizeof(struct val), 0, u32_id, val_id);
	add_entries(0, 4, sizeof(struct val), e, 2, corrupt);
	/*
	 * --flat: 3 MB copied in 1.5 ms (2000 MB/s), 1030 elements in 1024
	 * buckets, the 2 entries found in the lists
	 */
	if (flat)
		add_info(0, SXD_INFO_FLAT, (unsigned long long[]){ 3000000, flat_ns, 1030, 1024, 2,
								   flat_bad_lists }, 6, NULL, 0);
	add_map_end(0, 2, 0, SXD_MAP_SNAPSHOT | (flat ? SXD_MAP_FLAT : 0), "");
}

/* map 1: hash without BTF, truncated by the caps */
static void map_1(void)
{
	unsigned char e[3][16];
	unsigned int k;

	memset(e, 0, sizeof(e));
	for (k = 0; k < 3; k++) {
		unsigned int key = 10 * (later && k == 2 ? 4 : k) + 1;
		unsigned long long val = 1000ull * k;
		unsigned char odd[5] = { 1, 2, 3, 4, (unsigned char)k };

		memcpy(e[k], &key, 4);
		memcpy(e[k] + 8, odd, 5);
		(void)val;
	}
	add_map(1, 1, hostile ? HOSTILE_MAP1 : "raw_hash", 4, 5, SXD_NO_INDEX, 0, 0);
	add_entries(1, 4, 5, e, 3, false);
	add_map_end(1, 3, 9, SXD_MAP_TRUNCATED | SXD_MAP_OMITTED_EST,
		    "dump size limit (max_dump_bytes) reached");
}

/* map 2: a global section (--flat: walked in the snapshot) */
static void map_2(void)
{
	unsigned char e[8 + 16];
	int counter = 12345;

	memset(e, 0, sizeof(e));
	memcpy(e + 8, &counter, 4);
	memcpy(e + 12, "hello", 6);
	add_map(2, 2, "synth.data", 4, 12, 0, 0, sec_id);
	add_entries(2, 4, 12, e, 1, false);
	add_map_end(2, 1, 0, flat ? SXD_MAP_SNAPSHOT : 0, "");
}

/* map 4: per-CPU array, two CPUs */
static void map_4(void)
{
	unsigned long long e[2][3] = { { 0, 1000, 2000 }, { 1, 1001, 2001 } };

	if (later)
		e[0][1] = ~0ull;

	add_map(4, 6, "pcpu", 4, 8, SXD_NO_INDEX, 0, 0);
	add_entries_flags(4, 4, 8, 2, 0, e, 2);
	add_map_end(4, 2, 0, 0, "");
}

/* map 5: a queue, positions as keys */
static void map_5(void)
{
	unsigned long long e[3][2] = { { 0, 10 }, { 1, 20 }, { 2, 30 } };
	unsigned long long v[4] = { 3, 0, 9, 3 };

	add_map(5, 22, hostile ? HOSTILE_MAP5 : "q", 0, 4, SXD_NO_INDEX, 0, 0);
	add_info(5, SXD_INFO_QUEUE, v, 4, NULL, 0);
	add_entries_flags(5, 4, 4, 1, SXD_ENTRIES_POSITION, e, 3);
	add_map_end(5, 3, 0, 0, "");
}

/* map 6: a bloom filter, 64 bits with 3 set */
static void map_6(void)
{
	unsigned char bits[8] = { 0x81, 0, 0, 0, 0, 0, 0, 0x10 };
	unsigned long long v[3] = { 3, 77, 64 };

	add_map(6, 30, "bf", 0, 4, SXD_NO_INDEX, 0, 0);
	add_info(6, SXD_INFO_BLOOM, v, 3, bits, 8);
	add_map_end(6, 0, 0, 0, "");
}

/* map 7: a ring buffer: committed, discarded, then busy records */
static void map_7(void)
{
	unsigned char data[48] = { 0 };
	unsigned int h;
	unsigned long long v[4] = { 4096, 100, 140, 140 };

	h = 4;
	memcpy(data, &h, 4);
	memcpy(data + 8, "\xaa\xbb\xcc\xdd", 4);
	h = 4 | 0x40000000u;
	memcpy(data + 16, &h, 4);
	h = 8 | 0x80000000u;
	memcpy(data + 32, &h, 4);
	add_map(7, 27, "rb", 0, 0, SXD_NO_INDEX, 0, 0);
	add_info(7, SXD_INFO_RINGBUF, v, 4, data, 40);
	add_map_end(7, 0, 0, 0, "");
}

/* map 8: stack traces, symbolised where the dump has the symbol */
static void map_8(void)
{
	unsigned long long e[1][5] = { { 3, 2, 0xffffffff81000010ull, 0xffffffff81000020ull, 0 } };
	struct sxd_symbols *sy;
	struct sxd_sym y;

	add_map(8, 7, "stk", 4, 24, SXD_NO_INDEX, 0, 0);
	add_info(8, SXD_INFO_STACKMAP, (unsigned long long[]){ 4, 8 }, 2, NULL, 0);
	add_entries_flags(8, 4, 32, 1, SXD_ENTRIES_STACK, e, 1);
	add_map_end(8, 1, 0, 0, "");
	memset(&y, 0, sizeof(y));
	y.addr = 0xffffffff81000010ull;
	strcpy(y.name, "schedule+0x10/0x80");
	sy = rec(SXD_REC_SYMBOLS, sizeof(*sy), &y, sizeof(y));
	sy->nr = 1;
}

/* map 9: local storage: an owner of every kind as keys */
static void map_9(void)
{
	struct { struct sxd_owner o; unsigned long long v; } e[4];
	int c;

	memset(e, 0, sizeof(e));
	e[0].o.kind = SXD_OWNER_TASK;
	e[0].o.pid = 42;
	e[0].o.tgid = 40;
	strcpy(e[0].o.comm, "worker");
	e[1].o.kind = SXD_OWNER_CGROUP;
	e[1].o.id = 99;
	strcpy(e[1].o.path, "/a/b");
	e[2].o.kind = SXD_OWNER_INODE;
	e[2].o.id = 1234;
	e[2].o.dev = (8u << 20) | 1;
	e[3].o.kind = SXD_OWNER_SOCK;
	e[3].o.family = 10;
	e[3].o.sport = 80;
	e[3].o.dport = 5555;
	e[3].o.saddr[15] = 1;
	e[3].o.daddr[15] = 1;
	for (c = 0; c < 4; c++)
		e[c].v = 500 + c;
	add_map(9, 29, "own", 4, 8, SXD_NO_INDEX, 0, 0);
	add_entries_flags(9, sizeof(struct sxd_owner), 8, 1, SXD_ENTRIES_OWNER, e, 4);
	if (owners)
		add_info(9, SXD_INFO_OWNERS, (unsigned long long[]){ 3, 1, 120, 2100000, 512000,
			 SXD_OWNERS_TIME | SXD_OWNERS_CHANGED }, 6, NULL, 0);
	add_map_end(9, 4, 0, 0, "");
}

/* map 10: object references */
static void map_10(void)
{
	struct { unsigned long long k; struct sxd_obj_ref r; } e[3];

	memset(e, 0, sizeof(e));
	e[0].k = 0;
	e[0].r.kind = SXD_REF_PROG;
	e[0].r.id = 17;
	strcpy(e[0].r.name, "tailer");
	e[1].k = 3;
	e[1].r.kind = SXD_REF_MAP;
	e[1].r.id = 23;
	strcpy(e[1].r.name, "inner");
	e[2].k = 4;
	e[2].r.kind = SXD_REF_CGROUP;
	e[2].r.extra = 7777;
	add_map(10, 3, "pa", 4, 4, SXD_NO_INDEX, 0, 0);
	add_entries_flags(10, 4, sizeof(struct sxd_obj_ref), 1, SXD_ENTRIES_REF, e, 3);
	add_map_end(10, 3, 0, 0, "");
}

/* map 11: arena pages, the globals on the last page */
static void map_11(void)
{
	static unsigned char e[2][8 + 4096];
	unsigned long long a0 = 0x100000000ull, a1 = 0x100000000ull + 3 * 4096;
	unsigned long long v[4] = { 0x100000000ull, 0x100000000ull + 4 * 4096, 0, 2 };
	int word = -99;

	unsigned long long node[2] = { 4242, 7 };	/* map 14's struct node */

	memcpy(e[0], &a0, 8);
	memcpy(e[0] + 8, "\x6f\0\0\0\0\0\0\0", 8);
	memcpy(e[0] + 8 + 2048, node, sizeof(node));
	memcpy(e[1], &a1, 8);
	memcpy(e[1] + 8, &word, 4);
	memcpy(e[1] + 16, "arena", 6);
	add_map(11, 33, "ar", 0, 0, SXD_NO_INDEX, 0, 0);
	add_info(11, SXD_INFO_ARENA, v, 4, NULL, 0);
	add_entries_flags(11, 8, 4096, 1, SXD_ENTRIES_ARENA, e, 2);
	add_map_end(11, 2, 0, 0, "");
}

/* map 12: a kernel-typed value (struct_ops) with its programs */
static void map_12(void)
{
	struct btf *kb = btf__new_empty();
	struct sxd_obj_ref refs[3];
	unsigned long long v[2] = { 1, 3 };
	unsigned char e[8 + 16];
	const void *kraw;
	unsigned int ksz;
	int ki, kc, ka, ks;
	int c;

	ki = btf__add_int(kb, "int", 4, BTF_INT_SIGNED);
	kc = btf__add_int(kb, "char", 1, BTF_INT_SIGNED);
	ka = btf__add_array(kb, ki, kc, 8);
	ks = btf__add_struct(kb, "fake_ops", 16);
	btf__add_field(kb, "timeout_ms", ki, 0, 0);
	btf__add_field(kb, "name", ka, 64, 0);
	kraw = btf__raw_data(kb, &ksz);
	add_btf(1, SXD_BTF_VMLINUX, 1, kraw, ksz);
	memset(refs, 0, sizeof(refs));
	refs[0].kind = SXD_REF_PROG;
	refs[0].id = 31;
	strcpy(refs[0].name, "my_enqueue");
	refs[2].kind = SXD_REF_PROG;
	refs[2].id = 33;
	strcpy(refs[2].name, "my_init");
	memset(e, 0, sizeof(e));
	c = 5000;
	memcpy(e + 8, &c, 4);
	memcpy(e + 16, "opsname", 8);
	add_map(12, 26, "my_ops", 4, 16, SXD_NO_INDEX, 0, 0);
	((struct sxd_map *)(buf + len - sxd_align(sizeof(struct sxd_map))))->btf_vmlinux_value_type_id = ks;
	add_info(12, SXD_INFO_STRUCT_OPS, v, 2, refs, sizeof(refs));
	add_entries_flags(12, 4, 16, 1, 0, e, 1);
	add_map_end(12, 1, 0, 0, "");
	btf__free(kb);
}

/* map 13: a cpumask kptr whose bits the capture copied */
static void map_13(void)
{
	struct btf *cb = btf__new_empty();
	struct sxd_kmem *km;
	unsigned long long bits = 0x10f, e[2] = { 0, 0xffff888012340000ull };
	const void *craw;
	unsigned int csz;
	int cu, cm, cp, ch;

	cu = btf__add_int(cb, "unsigned long", 8, 0);
	cm = btf__add_struct(cb, "bpf_cpumask", 8);
	btf__add_field(cb, "bits", cu, 0, 0);
	cp = btf__add_ptr(cb, cm);
	ch = btf__add_struct(cb, "holder", 8);
	btf__add_field(cb, "mask", cp, 0, 0);
	craw = btf__raw_data(cb, &csz);
	add_btf(2, SXD_BTF_PROG, 0, craw, csz);
	add_map(13, 2, "masks", 4, 8, 2, cu, ch);
	add_entries_flags(13, 4, 8, 1, 0, e, 1);
	km = rec(SXD_REC_KMEM, sizeof(*km), &bits, 8);
	km->addr = e[1];
	km->kind = SXD_KMEM_CPUMASK;
	km->nr_bits = 64;
	add_map_end(13, 1, 0, 0, "");
	btf__free(cb);
}

/*
 * map 14: pointers to structs its BTF (3) only declares: struct node,
 * which BTF object 4 (a sibling program's) defines, into the arena
 * page of map 11; struct ghost, which no object defines.
 */
static void map_14(void)
{
	struct btf *fb = btf__new_empty(), *sb = btf__new_empty();
	unsigned long long v[2] = { 0x100000000ull + 2048, 0x1234 };
	unsigned char ent[8 + 16] = { 0 };
	const void *fraw, *sraw;
	unsigned int fsz, ssz;
	int fu, fn, fg, fh, su;

	fu = btf__add_int(fb, "unsigned int", 4, 0);
	fn = btf__add_fwd(fb, "node", BTF_FWD_STRUCT);
	fg = btf__add_fwd(fb, "ghost", BTF_FWD_STRUCT);
	fh = btf__add_struct(fb, "holder2", 16);
	btf__add_field(fb, "n", fh + 1, 0, 0);
	btf__add_field(fb, "g", fh + 2, 64, 0);
	btf__add_ptr(fb, fn);
	btf__add_ptr(fb, fg);
	su = btf__add_int(sb, "unsigned long long", 8, 0);
	btf__add_struct(sb, "node", 16);
	btf__add_field(sb, "v", su, 0, 0);
	btf__add_field(sb, "w", su, 64, 0);
	fraw = btf__raw_data(fb, &fsz);
	sraw = btf__raw_data(sb, &ssz);
	add_btf(3, SXD_BTF_PROG, 0, fraw, fsz);
	add_btf(4, SXD_BTF_PROG, 0, sraw, ssz);
	add_map(14, 2, "fwds", 4, 16, 3, fu, fh);
	memcpy(ent + 8, v, sizeof(v));
	add_entries_flags(14, 4, 16, 1, 0, ent, 1);
	add_map_end(14, 1, 0, 0, "");
	btf__free(fb);
	btf__free(sb);
}

/* map 15: task and cgroup kptrs whose identities the capture copied */
static void map_15(void)
{
	struct btf *kb = btf__new_empty();
	unsigned long long e[2] = { 0xffff888000aa0000ull, 0xffff888000bb0000ull };
	struct sxd_kmem_task t = { .pid = 321, .tgid = 320, .comm = "worker" };
	struct sxd_kmem_cgroup g = { .id = 4242, .level = 2, .name = "slice",
				     .path = "/a/slice" };
	unsigned char ent[8 + 16] = { 0 };
	struct sxd_kmem *km;
	const void *kraw;
	unsigned int ksz;
	int ku, kt, kc, kh;

	ku = btf__add_int(kb, "int", 4, BTF_INT_SIGNED);
	kt = btf__add_struct(kb, "task_struct", 4);
	btf__add_field(kb, "pid", ku, 0, 0);
	kc = btf__add_struct(kb, "cgroup", 4);
	btf__add_field(kb, "level", ku, 0, 0);
	kh = btf__add_struct(kb, "owners", 16);
	btf__add_field(kb, "task", kh + 1, 0, 0);
	btf__add_field(kb, "cgrp", kh + 2, 64, 0);
	btf__add_ptr(kb, kt);
	btf__add_ptr(kb, kc);
	kraw = btf__raw_data(kb, &ksz);
	add_btf(5, SXD_BTF_PROG, 0, kraw, ksz);
	add_map(15, 2, "kobjs", 4, 16, 5, ku, kh);
	memcpy(ent + 8, e, sizeof(e));
	add_entries_flags(15, 4, 16, 1, 0, ent, 1);
	km = rec(SXD_REC_KMEM, sizeof(*km), &t, sizeof(t));
	km->addr = e[0];
	km->kind = SXD_KMEM_TASK;
	km->nr_bits = sizeof(t) * 8;
	km = rec(SXD_REC_KMEM, sizeof(*km), &g, sizeof(g));
	km->addr = e[1];
	km->kind = SXD_KMEM_CGROUP;
	km->nr_bits = sizeof(g) * 8;
	add_map_end(15, 1, 0, 0, "");
	btf__free(kb);
}

/*
 * map 16: two u64 fields; the program's instructions load the first
 * and read through it (a pointer), load the second and only add to it
 */
static void map_16(void)
{
	struct btf *ib = btf__new_empty();
	unsigned long long v[2] = { 0x1234, 77 };
	unsigned long long maddr = 0xffff888000cc0000ull, vaddr = 0xffffc90000dd0000ull;
	struct bpf_insn insns[] = {
		{ .code = BPF_LD | BPF_IMM | BPF_DW, .dst_reg = 1, .imm = (int)(unsigned int)vaddr },
		{ .imm = (int)(vaddr >> 32) },
		{ .code = BPF_LDX | BPF_MEM | BPF_DW, .dst_reg = 2, .src_reg = 1 },
		{ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = 3, .src_reg = 2, .off = 4 },
		{ .code = BPF_LD | BPF_IMM | BPF_DW, .dst_reg = 1, .imm = (int)(unsigned int)(vaddr + 8) },
		{ .imm = (int)(vaddr >> 32) },
		{ .code = BPF_LDX | BPF_MEM | BPF_DW, .dst_reg = 2, .src_reg = 1 },
		{ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = 2, .imm = 1 },
		{ .code = BPF_STX | BPF_MEM | BPF_DW, .dst_reg = 1, .src_reg = 2 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct sxd_prog_map pm = { maddr, vaddr, 16, 16 };
	unsigned char ent[8 + 16] = { 0 }, tail[sizeof(pm) + sizeof(insns)];
	struct sxd_prog_insns *pi;
	const void *iraw;
	unsigned int isz;
	int iu, is;

	iu = btf__add_int(ib, "unsigned long long", 8, 0);
	is = btf__add_struct(ib, "pair", 16);
	btf__add_field(ib, "p", iu, 0, 0);
	btf__add_field(ib, "cnt", iu, 64, 0);
	iraw = btf__raw_data(ib, &isz);
	add_btf(6, SXD_BTF_PROG, 0, iraw, isz);
	add_map(16, 2, "infer", 4, 16, 6, iu, is);
	memcpy(ent + 8, v, sizeof(v));
	add_entries_flags(16, 4, 16, 1, 0, ent, 1);
	add_map_end(16, 1, 0, 0, "");
	memcpy(tail, &pm, sizeof(pm));
	memcpy(tail + sizeof(pm), insns, sizeof(insns));
	pi = rec(SXD_REC_PROG_INSNS, sizeof(*pi), tail, sizeof(tail));
	pi->prog_id = 9;
	pi->nr_insns = pi->len = sizeof(insns) / sizeof(insns[0]);
	pi->nr_maps = 1;
	snprintf(pi->name, sizeof(pi->name), "reader");
	btf__free(ib);
}

/*
 * map 17: a global section with a bump allocator (struct bump) whose
 * newest block is map 11's first arena page, handed out up to 1024,
 * whose link (0x6f) is no address in the dump; and a pointer into
 * that block, past what it handed out
 */
static void map_17(void)
{
	struct btf *bb = btf__new_empty();
	unsigned long long g[6] = { 4096, 0x100000000ull, 1024, 16384, 8192,
				    0x100000000ull + 2048 };
	unsigned char ent[8 + sizeof(g)] = { 0 };
	const void *braw;
	unsigned int bsz;
	int bu, bv, bs, bc, bp, v1, v2, sec;

	bu = btf__add_int(bb, "unsigned long long", 8, 0);
	bv = btf__add_ptr(bb, 0);
	bs = btf__add_struct(bb, "bump", 40);
	btf__add_field(bb, "max_contig_bytes", bu, 0, 0);
	btf__add_field(bb, "memory", bv, 64, 0);
	btf__add_field(bb, "off", bu, 128, 0);
	btf__add_field(bb, "lim_memusage", bu, 192, 0);
	btf__add_field(bb, "cur_memusage", bu, 256, 0);
	bc = btf__add_struct(bb, "cell", 16);
	btf__add_field(bb, "v", bu, 0, 0);
	btf__add_field(bb, "w", bu, 64, 0);
	bp = btf__add_ptr(bb, bc);
	v1 = btf__add_var(bb, "heap", BTF_VAR_GLOBAL_ALLOCATED, bs);
	v2 = btf__add_var(bb, "obj", BTF_VAR_GLOBAL_ALLOCATED, bp);
	sec = btf__add_datasec(bb, ".bss", sizeof(g));
	btf__add_datasec_var_info(bb, v1, 0, 40);
	btf__add_datasec_var_info(bb, v2, 40, 8);
	braw = btf__raw_data(bb, &bsz);
	add_btf(7, SXD_BTF_PROG, 0, braw, bsz);
	add_map(17, 2, "bumps.bss", 4, sizeof(g), 7, 0, sec);
	memcpy(ent + 8, g, sizeof(g));
	add_entries_flags(17, 4, sizeof(g), 1, 0, ent, 1);
	add_map_end(17, 1, 0, 0, "");
	btf__free(bb);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "version", required_argument, NULL, 'v' },
		{ "corrupt-len", no_argument, NULL, 'c' },
		{ "no-end", no_argument, NULL, 'n' },
		{ "later", no_argument, NULL, 'l' },
		{ "bad-timeline", no_argument, NULL, 't' },
		{ "no-timeline", no_argument, NULL, 'T' },
		{ "hostile", no_argument, NULL, 'H' },
		{ "starved", no_argument, NULL, 's' },
		{ "core", no_argument, NULL, 'C' },
		{ "bad-core-tasks", required_argument, NULL, 'K' },
		{ "same-map-index", no_argument, NULL, 'S' },
		{ "two-ends", no_argument, NULL, 'E' },
		{ "stats", required_argument, NULL, 'P' },
		{ "events", no_argument, NULL, 'e' },
		{ "bad-events", required_argument, NULL, 'B' },
		{ "flat", no_argument, NULL, 'F' },
		{ "flat-bad", no_argument, NULL, 'L' },
		{ "flat-untimed", no_argument, NULL, 'U' },
		{ "snapshot-v1", no_argument, NULL, '1' },
		{ "snapshot-v2", no_argument, NULL, '2' },
		{ "owners", no_argument, NULL, 'O' },
		{ 0 }
	};
	unsigned int version = SXD_VERSION, btf_size;
	bool no_end = false;
	/*
	 * --starved: what a dump whose room ran out before its describing
	 * records says: no SNAPSHOT record, some_bloom without its MAP_END,
	 * END counting 20 maps and 3 errors the dump does not all hold.
	 */
	bool starved = false;
	bool bad_timeline = false, no_timeline = false, core = false, two_ends = false;
	/* --bad-core-tasks KIND: the core state's tasks record, not agreeing */
	const char *bad_core_tasks = NULL;
	/* --events, --bad-events KIND: the event recorder's record, sound or not */
	bool events = false;
	const char *bad_events = NULL;
	/* --stats on|off: the programs' SXD_PROG_STATS_* (none: not said) */
	unsigned int stats_flags = 0;
	int c;
	struct sxd_file_header *h = (void *)buf;
	struct sxd_capture *cap;
	struct sxd_error *err;
	struct sxd_absent *absent;
	struct sxd_end *end;
	const void *raw;
	struct btf *btf;
	FILE *out;

	static const char usage[] =
		"usage: mkdump [--version N] [--corrupt-len] [--no-end] [--later]\n"
		"              [--bad-timeline|--no-timeline] [--hostile] [--starved] [--core]\n"
		"              [--bad-core-tasks none|pid|nr|size|len] [--same-map-index]\n"
		"              [--two-ends] [--stats on|off]\n"
		"              [--events] [--bad-events nr|sum|size] [--flat] [--flat-bad]\n"
		"              [--flat-untimed] [--snapshot-v1] [--owners] OUT\n";

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'v': version = atoi(optarg); break;
		case 'c': corrupt = true; break;
		case 'n': no_end = true; break;
		case 'l': later = true; break;
		case 't': bad_timeline = true; break;
		case 'T': no_timeline = true; break;
		case 'H': hostile = true; break;
		case 's': starved = true; break;
		case 'C': core = true; break;
		case 'K': core = true; bad_core_tasks = optarg; break;
		case 'S': same_map_index = true; break;
		case 'E': two_ends = true; break;
		case 'e': events = true; break;
		case 'B': events = true; bad_events = optarg; break;
		case 'F': flat = true; break;
		case 'L': flat = true; flat_bad_lists = 2; break;
		case 'U': flat = true; flat_ns = 0; break;
		case '1': snapshot_v1 = true; break;
		case '2': snapshot_v2 = true; break;
		case 'O': owners = true; break;
		case 'P':
			stats_flags = !strcmp(optarg, "on") ? SXD_PROG_STATS_ON :
				      !strcmp(optarg, "off") ? SXD_PROG_STATS_OFF : ~0u;
			if (stats_flags == ~0u) {
				fputs(usage, stderr);
				return 2;
			}
			break;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		fputs(usage, stderr);
		return 2;
	}

	cap = add_capture();
	add_sched(stats_flags);
	btf = make_btf(&val_id, &sec_id, &u32_id);
	raw = btf__raw_data(btf, &btf_size);
	add_btf(0, SXD_BTF_PROG, 55, raw, btf_size);

	map_0();
	if (!starved)
		add_snapshot();
	/* the core state is read right after the snapshot (module/capture.c) */
	if (core) {
		add_core();
		add_core_tasks(bad_core_tasks);
	}
	map_1();
	map_2();
	/* --two-ends: an END record after map 2's, the last one too */
	if (two_ends)
		((struct sxd_end *)rec(SXD_REC_END, sizeof(*end), NULL, 0))->nr_maps = 3;
	map_4();
	map_5();
	map_6();
	map_7();
	map_8();
	map_9();
	map_10();
	map_11();
	map_12();
	map_13();
	map_14();
	map_15();
	map_16();
	map_17();
	/*
	 * --hostile, map 18: char[6] values by u32 key, which plan.c writes:
	 * a backslash in one (plan.c's text), a byte not UTF-8 in the other
	 * (render.c's)
	 */
	if (hostile) {
		unsigned char e[2][16];

		memset(e, 0, sizeof(e));
		e[1][0] = 1;
		memcpy(e[0] + 8, "a\\b", 3);
		memcpy(e[1] + 8, "\xff\\", 2);
		add_map(18, 1, "chars", 4, 6, 0, u32_id, chars6_id);
		add_entries(18, 4, 6, e, 2, false);
		add_map_end(18, 2, 0, 0, "");
	}
	/* map 3: a type the module does not capture */
	add_map(3, 30, "some_bloom", 0, 8, SXD_NO_INDEX, 0, 0);
	if (!starved)
		add_map_end(3, 0, 0, SXD_MAP_UNSUPPORTED,
			    "this map type is not captured by this scxdump version");

	err = rec(SXD_REC_ERROR, sizeof(*err), "BTF 9 of map x left out", 23);
	err->err = -28;
	err->msg_len = 23;
	add_stall(cap->boottime_ns);
	/* what a 6.12 kernel cannot give */
	absent = rec(SXD_REC_ABSENT, sizeof(*absent), "event_countersno scx_sched.pcpu", 31);
	absent->feature_len = 14;
	absent->reason_len = 17;
	if (!no_timeline)
		add_timeline(cap->boottime_ns, bad_timeline);
	if (events)
		add_events(bad_events);

	if (!no_end) {
		end = rec(SXD_REC_END, sizeof(*end), NULL, 0);
		end->duration_ns = 4955297;
		end->nr_maps = starved ? 20 : 14;
		end->nr_errors = starved ? 3 : 1;
		end->bytes_omitted = 4096;
		end->records_omitted = 2;
	}

	memcpy(h->magic, SXD_MAGIC, 8);
	h->version = version;
	h->header_size = sizeof(*h);
	h->byte_order = SXD_BYTE_ORDER;
	h->total_size = len;
	h->nr_records = nr_records;
	h->flags = SXD_F_TRUNCATED;
	h->crc32 = 0;
	h->crc32 = libdeflate_crc32(0, buf, len);

	out = fopen(argv[optind], "wb");
	if (!out || fwrite(buf, 1, len, out) != len || fclose(out))
		return 1;
	btf__free(btf);
	return 0;
}
