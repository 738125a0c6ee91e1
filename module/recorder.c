// SPDX-License-Identifier: GPL-2.0
/*
 * The event recorder: with events_per_cpu set, every CPU keeps a ring of
 * its last events_per_cpu events in module memory, and every dump of a
 * root scheduler's load (exit, stall warning, on demand) carries the
 * events of that load, CPU by CPU, oldest first (an SXD_REC_EVENTS record,
 * include/scxdump_format.h): the story before the failure.
 *
 * What is recorded, from where, and why each hook is safe there:
 *
 *  - the scheduler core's tracepoints sched_switch (in __schedule(): the
 *    rq lock held, IRQs off), sched_wakeup and sched_wakeup_new (under
 *    the woken task's rq lock, IRQs off) and sched_migrate_task
 *    (set_task_cpu(): the task's pi_lock or rq lock held). The tasks they
 *    pass are pinned by those locks for the probe's duration; a probe
 *    reads their pid, tgid and sched_class (struct task_struct, a public
 *    header's) and nothing else.
 *  - sched_ext's tracepoints sched_ext_event (a counter's name, a string
 *    constant, and its delta; any context sched_ext counts in) and
 *    sched_ext_exit (7.x: scx_claim_exit(), preemption off, possibly NMI:
 *    the moment an exit kind is set, where recording stops).
 *  - the BPF scheduler's kfuncs: insert into a DSQ (plain and vtime),
 *    move to the local DSQ, the DSQ moves, kick CPU, slice and vtime
 *    updates, DSQ create and destroy, scx_bpf_error() and scx_bpf_exit().
 *    6.12 names them otherwise (scx_bpf_dispatch, scx_bpf_consume,
 *    scx_bpf_dispatch_from_dsq, ...): rec_kfuncs[] is the one place that
 *    says which is which, and layout.c checks each one's prototype in the
 *    kernel's BTF. Most are recorded at their entry by a callback of an
 *    ftrace_ops of the module (their arguments from the registers); those
 *    whose result tells what happened (a move, a DSQ's creation) at their
 *    return by a kretprobe, which costs more (pt_regs, a return hook).
 *    Both run with preemption disabled, in whatever context the program
 *    calls from (rq lock held in ops.enqueue/dispatch, a sleepable
 *    ops.init or syscall program, in between). A call from the kernel's
 *    own text (one kfunc wrapping another) is not the scheduler's
 *    decision and is left out, as is a wrapper's tail call of its v2
 *    (scx_bpf_dsq_insert() jumps to scx_bpf_dsq_insert___v2()).
 *    scx_bpf_error() and scx_bpf_exit() are recorded at their entry, with
 *    the calling program's name: their call sets the exit kind, which
 *    stops the recording.
 *
 * A write never locks, allocates or sleeps: the slot is reserved with a
 * local_t increment on the CPU's own ring (safe against an interrupt or
 * an NMI nesting on that CPU: it gets the next slot), its seq is set to
 * U64_MAX, the event written, then its seq (release order). A reader
 * (a capture, on another CPU) copies a slot between two reads of its seq
 * and keeps it only if both are the slot's expected seq: a slot being
 * written is counted as torn, never half-read. Every read of sched_ext's
 * state from a hook is a word of a root scheduler reached through scx_root
 * with preemption off (an RCU read-side section: a struct scx_sched is
 * freed after a grace period), or, on 6.12, ext.c's statics. The cost is
 * one ring slot (64 bytes), local_clock() and two or three loads of
 * sched_ext's state per event: `make bench` measures it.
 *
 * Loads: the recorder numbers the root scheduler's loads itself (7.x: a
 * new scx_root, or the same address with its exit kind cleared; 6.12: the
 * enable state leaving DISABLED with the exit kind cleared), since a
 * load's ops.init runs before scx_enable_seq counts it and a failed
 * enable is never counted. Recording stops for a load when its exit kind
 * is set (seen by sched_ext_exit, or by the next event): the tail is the
 * story before the failure, not the teardown. A dump carries the current
 * load's events, and the stop's time and kind.
 *
 * Memory: events_per_cpu (rounded up to a power of two) slots of 64
 * bytes per possible CPU, allocated at load; REC_MAX_BYTES at most, or
 * insmod fails and says why. 0 leaves it off: no ring, no probe.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ftrace.h>
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/tracepoint.h>
#include <asm/local.h>
#include "capture.h"

#define REC_MAX_BYTES	(32u << 20)	/* and so one record of a dump */
#define REC_STOPPED	1ul		/* rec.state: the load's recording stopped */
#define REC_NAME_LEN	24		/* a name in an event's b..d */

struct rec_ring {
	local_t head;			/* events reserved: the next seq */
	local_t unrecorded;		/* after the stop, or as a load began */
	unsigned long gen;		/* the load of its last event */
	u64 gen_start;			/* the seq of that load's first event here */
	struct sxd_event ev[];
};

static struct {
	u32 per_cpu, mask;
	struct rec_ring **rings;	/* by CPU */
	/* the load: its number << 1 | REC_STOPPED */
	unsigned long state;
	const void *root;		/* the root scheduler of that load */
	u64 stop_ns;
	s32 stop_kind;
	unsigned long stop_state;	/* the state the stop was recorded for */
	raw_spinlock_t lock;		/* numbering a new load: tried, never waited for */
	unsigned long text_start, text_end;	/* the kernel's own text */
	struct sxd_ev_hook hooks[32];
	u32 nr_hooks;
} rec;

/*
 * The root scheduler and its exit kind: NULL when none runs. 7.x: *scx_root,
 * the caller has preemption off (an RCU read-side section); 6.12: the one
 * scheduler's statics while its enable state is not DISABLED.
 */
static notrace const void *rec_root(s32 *kind)
{
	const void *sch;

	if (klayout.sched_globals) {
		if (atomic_read(ksyms.scx_ops_enable_state) == klayout.ops_disabled)
			return NULL;
		*kind = atomic_read(ksyms.scx_exit_kind);
		return ksyms.scx_ops;
	}
	sch = READ_ONCE(*ksyms.scx_root);
	if (sch)
		*kind = atomic_read((const atomic_t *)((const u8 *)sch + klayout.sch_exit_kind));
	return sch;
}

struct rec_slot {
	struct sxd_event *e;
	u64 seq;
};

static notrace struct sxd_event *rec_reserve(struct rec_slot *s, unsigned long state,
					     u16 type, s32 pid)
{
	int cpu = raw_smp_processor_id();
	struct rec_ring *r = rec.rings[cpu];
	unsigned long gen = state >> 1;
	struct sxd_event *e;

	s->seq = local_inc_return(&r->head) - 1;
	if (unlikely(READ_ONCE(r->gen) != gen)) {
		WRITE_ONCE(r->gen, gen);
		WRITE_ONCE(r->gen_start, s->seq);
	}
	e = &r->ev[s->seq & rec.mask];
	WRITE_ONCE(e->seq, U64_MAX);
	smp_wmb();	/* the seq's invalidation before the new content */
	e->ts = local_clock();
	e->load = gen;
	e->type = type;
	e->cpu = cpu;
	e->pid = pid;
	e->arg = 0;
	e->a = 0;
	e->b = 0;
	e->c = 0;
	e->d = 0;
	s->e = e;
	return e;
}

static notrace void rec_commit(struct rec_slot *s)
{
	/* the event before its seq: rec_copy_cpu()'s acquire pairs with it */
	smp_store_release(&s->e->seq, s->seq);
}

/* The stop: once per load, by whoever sees its exit kind first. */
static notrace void rec_stop(unsigned long state, s32 kind)
{
	struct rec_slot s;
	struct sxd_event *e;

	if (cmpxchg(&rec.state, state, state | REC_STOPPED) != state)
		return;
	WRITE_ONCE(rec.stop_ns, local_clock());
	WRITE_ONCE(rec.stop_kind, kind);
	/* the stop's time and kind before the load it is of (recorder_write()) */
	smp_store_release(&rec.stop_state, state);
	e = rec_reserve(&s, state, SXD_EV_EXIT, current->pid);
	e->arg = kind;
	e->ts = rec.stop_ns;
	rec_commit(&s);
}

/*
 * A new load: a new root, or the stopped one's exit kind cleared. The
 * first CPU to see it numbers it, under a lock that is only tried (a
 * probe may run in NMI): a CPU that finds it taken leaves its event out.
 */
static notrace bool rec_new_load(const void *sch, s32 kind)
{
	unsigned long flags, state;

	if (!raw_spin_trylock_irqsave(&rec.lock, flags))
		return false;
	state = READ_ONCE(rec.state);
	if (sch != rec.root || ((state & REC_STOPPED) && !kind)) {
		/* a stop racing with this one was the old load's: lost with it */
		xchg(&rec.state, ((state >> 1) + 1) << 1);
		WRITE_ONCE(rec.root, sch);
	}
	raw_spin_unlock_irqrestore(&rec.lock, flags);
	return true;
}

/*
 * Whether to record now, and the load's state to record with: a root runs,
 * its exit kind is not set, and the load's recording has not stopped.
 * Preemption is off (every caller is a probe).
 */
static notrace bool rec_begin(unsigned long *statep)
{
	s32 kind = 0;
	const void *sch = rec_root(&kind);
	unsigned long state = READ_ONCE(rec.state);

	if (!sch)
		return false;
	if (sch != READ_ONCE(rec.root) || ((state & REC_STOPPED) && !kind)) {
		if (!rec_new_load(sch, kind))
			goto unrecorded;
		state = READ_ONCE(rec.state);
	}
	if (kind && !(state & REC_STOPPED))
		rec_stop(state, kind);
	if (kind || (state & REC_STOPPED))
		goto unrecorded;
	*statep = state;
	return true;
unrecorded:
	local_inc(&rec.rings[raw_smp_processor_id()]->unrecorded);
	return false;
}

/* An event of @type begun if recording now (rec_begin()), or NULL. */
static notrace struct sxd_event *rec_start(struct rec_slot *s, u16 type, s32 pid)
{
	unsigned long state;

	return rec_begin(&state) ? rec_reserve(s, state, type, pid) : NULL;
}

static notrace u32 rec_class(const struct task_struct *p)
{
	return core_sched_class(READ_ONCE(p->sched_class));
}

/* tracepoints */
static notrace void rec_tp_switch(void *data, bool preempt, struct task_struct *prev,
				  struct task_struct *next, unsigned int prev_state)
{
	struct rec_slot s;
	struct sxd_event *e = rec_start(&s, SXD_EV_SWITCH, prev->pid);

	if (!e)
		return;
	e->arg = next->pid;
	e->a = prev_state;
	e->b = rec_class(prev) | rec_class(next) << 8 | (preempt ? SXD_EV_SW_PREEMPT : 0);
	e->c = prev->tgid;
	e->d = next->tgid;
	rec_commit(&s);
}

static notrace void rec_wakeup(struct task_struct *p, u16 type)
{
	struct rec_slot s;
	struct sxd_event *e = rec_start(&s, type, p->pid);

	if (!e)
		return;
	e->arg = task_cpu(p);
	e->a = p->tgid;
	e->b = rec_class(p);
	rec_commit(&s);
}

static notrace void rec_tp_wakeup(void *data, struct task_struct *p)
{
	rec_wakeup(p, SXD_EV_WAKEUP);
}

static notrace void rec_tp_wakeup_new(void *data, struct task_struct *p)
{
	rec_wakeup(p, SXD_EV_WAKEUP_NEW);
}

static notrace void rec_tp_migrate(void *data, struct task_struct *p, int dest_cpu)
{
	struct rec_slot s;
	struct sxd_event *e = rec_start(&s, SXD_EV_MIGRATE, p->pid);

	if (!e)
		return;
	e->arg = dest_cpu;
	e->a = p->tgid;
	e->b = task_cpu(p);
	rec_commit(&s);
}

/* a name into b..d: at most REC_NAME_LEN - 1 bytes, NUL-padded */
static notrace void rec_name(struct sxd_event *e, const char *name)
{
	char *to = (char *)&e->b;
	u32 i;

	for (i = 0; i < REC_NAME_LEN - 1 && name[i]; i++)
		to[i] = name[i];
}

static notrace void rec_tp_scx_event(void *data, const char *name, s64 delta)
{
	struct rec_slot s;
	struct sxd_event *e = rec_start(&s, SXD_EV_SCX_EVENT, -1);

	if (!e)
		return;
	e->a = delta;
	/* a string constant of the kernel's: SCX_EV_NAME */
	if (name && !strncmp(name, "SCX_EV_", 7))
		name += 7;
	if (name)
		rec_name(e, name);
	rec_commit(&s);
}

/* 7.x: an exit kind was just set; a root's stops the recording */
static notrace void rec_tp_scx_exit(void *data, struct scx_sched *sch, u32 kind)
{
	unsigned long state;

	if (sch == READ_ONCE(*ksyms.scx_root))
		rec_begin(&state);
}

static const struct rec_tp {
	const char *name;
	void *probe;
	u16 type;
	bool sched_ext;			/* not every kernel has it */
} rec_tps[] = {
	{ "sched_switch", rec_tp_switch, SXD_EV_SWITCH },
	{ "sched_wakeup", rec_tp_wakeup, SXD_EV_WAKEUP },
	{ "sched_wakeup_new", rec_tp_wakeup_new, SXD_EV_WAKEUP_NEW },
	{ "sched_migrate_task", rec_tp_migrate, SXD_EV_MIGRATE },
	{ "sched_ext_event", rec_tp_scx_event, SXD_EV_SCX_EVENT, true },
	{ "sched_ext_exit", rec_tp_scx_exit, SXD_EV_EXIT, true },
};

static struct tracepoint *rec_tp_found[ARRAY_SIZE(rec_tps)];

/* kfuncs */
enum rec_args {
	REC_P_DSQ_SLICE_FLAGS,		/* (p, dsq_id, slice, enq_flags) */
	REC_P_DSQ_SLICE_VTIME_FLAGS,	/* (p, dsq_id, slice, vtime, enq_flags) */
	REC_P_VTIME_ARGS,		/* (p, struct { dsq_id, slice, vtime, enq_flags } *) */
	REC_DSQ,			/* (dsq_id) */
	REC_DSQ_FLAGS,			/* (dsq_id, enq_flags) */
	REC_IT_P_DSQ_FLAGS,		/* (it, p, dsq_id, enq_flags) */
	REC_P_VAL,			/* (p, slice or vtime) */
	REC_CPU_FLAGS,			/* (cpu, flags) */
	REC_DSQ_NODE,			/* (dsq_id, node) */
	REC_NONE,			/* (fmt, ...) */
	REC_CODE,			/* (exit_code, fmt, ...) */
};

/*
 * How each is recorded: at its entry, by a callback of the module's
 * ftrace_ops (the arguments from its registers: the cheap way, for the
 * calls a scheduler makes on every enqueue), or at its return by a
 * kretprobe, for its result (whether a move moved a task, a DSQ's
 * creation): ret 1 a bool, 2 an s32.
 */
static const struct rec_kfunc {
	const char *name;
	u16 type;
	u8 args;			/* enum rec_args */
	u8 ret;				/* 0: at the entry */
	bool wraps;			/* tail-calls the next one: recorded once */
} rec_kfuncs[] = {
	/* 7.x */
	{ "scx_bpf_dsq_insert", SXD_EV_INSERT, REC_P_DSQ_SLICE_FLAGS, 0, true },
	{ "scx_bpf_dsq_insert___v2", SXD_EV_INSERT, REC_P_DSQ_SLICE_FLAGS, 0 },
	{ "scx_bpf_dsq_insert_vtime", SXD_EV_INSERT_VTIME, REC_P_DSQ_SLICE_VTIME_FLAGS, 0 },
	{ "__scx_bpf_dsq_insert_vtime", SXD_EV_INSERT_VTIME, REC_P_VTIME_ARGS, 0 },
	{ "scx_bpf_dsq_move_to_local", SXD_EV_MOVE_TO_LOCAL, REC_DSQ, 1 },
	{ "scx_bpf_dsq_move_to_local___v2", SXD_EV_MOVE_TO_LOCAL, REC_DSQ_FLAGS, 1 },
	{ "scx_bpf_dsq_move", SXD_EV_MOVE, REC_IT_P_DSQ_FLAGS, 1 },
	{ "scx_bpf_dsq_move_vtime", SXD_EV_MOVE_VTIME, REC_IT_P_DSQ_FLAGS, 1 },
	{ "scx_bpf_task_set_slice", SXD_EV_SET_SLICE, REC_P_VAL, 0 },
	{ "scx_bpf_task_set_dsq_vtime", SXD_EV_SET_VTIME, REC_P_VAL, 0 },
	/* both */
	{ "scx_bpf_kick_cpu", SXD_EV_KICK, REC_CPU_FLAGS, 0 },
	{ "scx_bpf_create_dsq", SXD_EV_DSQ_CREATE, REC_DSQ_NODE, 2 },
	{ "scx_bpf_destroy_dsq", SXD_EV_DSQ_DESTROY, REC_DSQ, 0 },
	{ "scx_bpf_error_bstr", SXD_EV_ERROR, REC_NONE, 0 },
	{ "scx_bpf_exit_bstr", SXD_EV_BPF_EXIT, REC_CODE, 0 },
	/* 6.12 */
	{ "scx_bpf_dispatch", SXD_EV_INSERT, REC_P_DSQ_SLICE_FLAGS, 0 },
	{ "scx_bpf_dispatch_vtime", SXD_EV_INSERT_VTIME, REC_P_DSQ_SLICE_VTIME_FLAGS, 0 },
	{ "scx_bpf_consume", SXD_EV_MOVE_TO_LOCAL, REC_DSQ, 1 },
	{ "scx_bpf_dispatch_from_dsq", SXD_EV_MOVE, REC_IT_P_DSQ_FLAGS, 1 },
	{ "scx_bpf_dispatch_vtime_from_dsq", SXD_EV_MOVE_VTIME, REC_IT_P_DSQ_FLAGS, 1 },
};

#define REC_NR_KFUNCS	ARRAY_SIZE(rec_kfuncs)
#define REC_NR_ARGS	5

struct rec_kprobe {
	struct kretprobe rp;
	const struct rec_kfunc *f;
	bool registered;
};

static struct rec_kprobe rec_kps[REC_NR_KFUNCS];

/* the entry-recorded ones: where each is traced */
static struct {
	unsigned long ip;
	const struct rec_kfunc *f;
} rec_fentries[REC_NR_KFUNCS];
static u32 rec_nr_fentries;
static bool rec_fops_on;

/* per CPU: the caller of the last wrapper's entry (rec_kfunc.wraps) */
static DEFINE_PER_CPU(unsigned long, rec_wrapper_from);

/* what a kfunc's entry saves for its return */
struct rec_kdata {
	s32 pid;
	u32 arg;
	u64 a, b, c, d;
};

/*
 * The event's fields from the call's arguments @v. Only
 * __scx_bpf_dsq_insert_vtime() passes a pointer to read: a struct on the
 * calling program's stack, copied fault-safe all the same; a task is the
 * verifier's trusted pointer (KF_RCU), alive for the call, its pid copied
 * fault-safe as well.
 */
static notrace void rec_kargs(const struct rec_kfunc *f, const unsigned long *v,
			      struct rec_kdata *k)
{
	const struct task_struct *p = NULL;
	u64 w[4];

	k->pid = -1;
	k->arg = SXD_EV_RES_VOID;
	k->a = 0;
	k->b = 0;
	k->c = 0;
	k->d = 0;
	switch (f->args) {
	case REC_P_DSQ_SLICE_FLAGS:
		p = (void *)v[0];
		k->a = v[1];
		k->b = v[2];
		k->c = v[3];
		break;
	case REC_P_DSQ_SLICE_VTIME_FLAGS:
		p = (void *)v[0];
		k->a = v[1];
		k->b = v[2];
		k->d = v[3];
		k->c = v[4];
		break;
	case REC_P_VTIME_ARGS:
		p = (void *)v[0];
		if (!copy_from_kernel_nofault(w, (void *)v[1], sizeof(w))) {
			k->a = w[0];
			k->b = w[1];
			k->d = w[2];
			k->c = w[3];
		}
		break;
	case REC_DSQ:
		k->a = v[0];
		break;
	case REC_DSQ_FLAGS:
		k->a = v[0];
		k->c = v[1];
		break;
	case REC_IT_P_DSQ_FLAGS:
		p = (void *)v[1];
		k->a = v[2];
		k->c = v[3];
		break;
	case REC_P_VAL:
		p = (void *)v[0];
		k->a = v[1];
		break;
	case REC_CPU_FLAGS:
		k->arg = (u32)v[0];
		k->a = v[1];
		break;
	case REC_DSQ_NODE:
		k->a = v[0];
		k->arg = (u32)v[1];
		break;
	case REC_CODE:
		k->a = v[0];
		fallthrough;
	case REC_NONE:
		k->pid = current->pid;
		break;
	}
	if (p && copy_from_kernel_nofault(&k->pid, &p->pid, sizeof(k->pid)))
		k->pid = -1;
}

static notrace void rec_kput(const struct rec_kfunc *f, const struct rec_kdata *k,
			     const char *prog)
{
	struct rec_slot s;
	struct sxd_event *e = rec_start(&s, f->type, k->pid);

	if (!e)
		return;
	e->arg = k->arg;
	e->a = k->a;
	e->b = k->b;
	e->c = k->c;
	e->d = k->d;
	if (prog)
		rec_name(e, prog);
	rec_commit(&s);
}

/*
 * scx_bpf_error() and scx_bpf_exit(), with the calling program's name
 * from its address (kallsyms names a BPF program "bpf_prog_<tag>_<name>"):
 * once per load, and apart from the other kfuncs' path, which needs no
 * KSYM_SYMBOL_LEN bytes of stack.
 */
static noinline notrace void rec_kput_prog(const struct rec_kfunc *f,
					   const struct rec_kdata *k, unsigned long ip)
{
	char buf[KSYM_SYMBOL_LEN];
	const char *n = buf;

	if (!sprint_symbol_no_offset(buf, ip)) {
		n = NULL;
	} else if (!strncmp(n, "bpf_prog_", 9)) {
		n += 9;
		while (*n && *n != '_')
			n++;
		if (*n)
			n++;
	}
	rec_kput(f, k, n);
}

/* a call from the kernel's own text: one kfunc wrapping another */
static notrace bool rec_from_kernel(unsigned long from)
{
	return from >= rec.text_start && from < rec.text_end;
}

/*
 * The entry-recorded kfuncs: a callback of rec_fops, with preemption off
 * (ftrace's recursion guard). @ip is the function's ftrace site, a few
 * bytes into it (past its ENDBR); @parent_ip who called it.
 */
static notrace void rec_fentry(unsigned long ip, unsigned long parent_ip,
			       struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	const struct rec_kfunc *f = NULL;
	unsigned long v[REC_NR_ARGS], *from;
	struct rec_kdata k;
	u32 i;

	for (i = 0; i < rec_nr_fentries; i++) {
		if (ip - rec_fentries[i].ip < 16) {
			f = rec_fentries[i].f;
			break;
		}
	}
	if (!f || rec_from_kernel(parent_ip))
		return;
	/*
	 * A wrapper that tail-calls its v2 (scx_bpf_dsq_insert() jumps to
	 * scx_bpf_dsq_insert___v2()) leaves the program as the v2's caller
	 * too: the v2's entry right after the wrapper's, from the same
	 * caller, is the same call.
	 */
	from = this_cpu_ptr(&rec_wrapper_from);
	if (f > rec_kfuncs && f[-1].wraps && *from == parent_ip) {
		*from = 0;
		return;
	}
	*from = f->wraps ? parent_ip : 0;
	for (i = 0; i < REC_NR_ARGS; i++)
		v[i] = ftrace_regs_get_argument(fregs, i);
	rec_kargs(f, v, &k);
	if (f->type == SXD_EV_ERROR || f->type == SXD_EV_BPF_EXIT)
		rec_kput_prog(f, &k, parent_ip);
	else
		rec_kput(f, &k, NULL);
}

static struct ftrace_ops rec_fops = {
	.func = rec_fentry,
	.flags = FTRACE_OPS_FL_DYNAMIC | FTRACE_OPS_FL_RECURSION,
};

/*
 * The return-recorded ones: a kretprobe's entry saves the arguments (or
 * says to skip the call: from the kernel's own text, as a wrapper's
 * kretprobe leaves its tail-called v2 returning to the kretprobe's
 * trampoline), its return records them with the result, on the CPU it
 * returns on.
 */
static notrace int rec_kentry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct rec_kprobe *kp = container_of(get_kretprobe(ri), struct rec_kprobe, rp);
	unsigned long v[REC_NR_ARGS], from;
	u32 i;

	/* at the entry, the stack's top is the return address: who called */
	if (copy_from_kernel_nofault(&from, (void *)kernel_stack_pointer(regs), sizeof(from)) ||
	    rec_from_kernel(from))
		return 1;
	for (i = 0; i < REC_NR_ARGS; i++)
		v[i] = regs_get_kernel_argument(regs, i);
	rec_kargs(kp->f, v, (struct rec_kdata *)ri->data);
	return 0;
}

static notrace int rec_kreturn(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct rec_kprobe *kp = container_of(get_kretprobe(ri), struct rec_kprobe, rp);
	struct rec_kdata *k = (void *)ri->data;
	unsigned long ret = regs_return_value(regs);

	if (kp->f->ret == 1)
		k->arg = (u8)ret ? SXD_EV_RES_TRUE : SXD_EV_RES_FALSE;
	else
		k->b = (s64)(s32)ret;	/* create: 0 or -errno; arg keeps the node */
	rec_kput(kp->f, k, NULL);
	return 0;
}

static void rec_hook_add(const char *name, u32 kind, u32 type)
{
	struct sxd_ev_hook *h;

	if (rec.nr_hooks >= ARRAY_SIZE(rec.hooks))
		return;
	h = &rec.hooks[rec.nr_hooks++];
	strscpy(h->name, name, sizeof(h->name));
	h->kind = kind;
	h->type = type;
}

/* a hook left out: said at load and in every dump (SXD_REC_ABSENT) */
static void rec_absent(const char *what, const char *why)
{
	char reason[96];

	pr_warn("event recorder: %s: %s (kernel BTF): not recorded\n", what, why);
	snprintf(reason, sizeof(reason), "%s: %s: not recorded", what, why);
	klayout_note_absent("events", reason);
}

static void rec_tp_lookup(struct tracepoint *tp, void *priv)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(rec_tps); i++) {
		if (!strcmp(tp->name, rec_tps[i].name))
			rec_tp_found[i] = tp;
	}
}

static void rec_unregister(void)
{
	u32 i;

	/* waits until no callback runs */
	if (rec_fops_on)
		unregister_ftrace_function(&rec_fops);
	rec_fops_on = false;
	ftrace_free_filter(&rec_fops);
	rec_nr_fentries = 0;

	for (i = 0; i < REC_NR_KFUNCS; i++) {
		if (rec_kps[i].registered)
			unregister_kretprobe(&rec_kps[i].rp);
		rec_kps[i].registered = false;
	}
	for (i = 0; i < ARRAY_SIZE(rec_tps); i++) {
		if (rec_tp_found[i])
			tracepoint_probe_unregister(rec_tp_found[i], rec_tps[i].probe, NULL);
		rec_tp_found[i] = NULL;
	}
	/* no probe runs on past this: the rings may go */
	tracepoint_synchronize_unregister();
}

static int rec_register(void)
{
	char proto[64];
	u32 i;
	int err;

	for_each_kernel_tracepoint(rec_tp_lookup, NULL);
	for (i = 0; i < ARRAY_SIZE(rec_tps); i++) {
		const struct rec_tp *t = &rec_tps[i];

		snprintf(proto, sizeof(proto), "btf_trace_%s", t->name);
		if (!rec_tp_found[i] || klayout_func_proto(proto)) {
			if (!t->sched_ext || rec_tp_found[i])
				rec_absent(t->name, rec_tp_found[i] ?
					   "its prototype is not the one read" :
					   "no such tracepoint");
			rec_tp_found[i] = NULL;
			continue;
		}
		if (t->type == SXD_EV_EXIT && klayout.sched_globals) {
			rec_tp_found[i] = NULL;
			continue;
		}
		err = tracepoint_probe_register(rec_tp_found[i], t->probe, NULL);
		if (err) {
			pr_err("event recorder: cannot attach to tracepoint %s (%d)\n",
			       t->name, err);
			rec_tp_found[i] = NULL;
			return err;
		}
		rec_hook_add(t->name, SXD_EV_HOOK_TRACEPOINT, t->type);
	}
	for (i = 0; i < REC_NR_KFUNCS; i++) {
		const struct rec_kfunc *f = &rec_kfuncs[i];
		struct rec_kprobe *kp = &rec_kps[i];
		unsigned long addr = ksym_addr(f->name);

		if (!addr)
			continue;	/* the other kernel's name */
		if (klayout_func_proto(f->name)) {
			rec_absent(f->name, "its prototype is not the one read");
			continue;
		}
		if (!f->ret) {
			if (!IS_ENABLED(CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS)) {
				rec_absent(f->name, "no ftrace with arguments");
				continue;
			}
			err = ftrace_set_filter_ip(&rec_fops, addr, 0, 0);
			if (err) {
				pr_err("event recorder: cannot trace %s (%d)\n", f->name, err);
				return err;
			}
			rec_fentries[rec_nr_fentries].ip = addr;
			rec_fentries[rec_nr_fentries++].f = f;
		} else {
			kp->f = f;
			kp->rp.kp.addr = (kprobe_opcode_t *)addr;
			kp->rp.entry_handler = rec_kentry;
			kp->rp.handler = rec_kreturn;
			kp->rp.data_size = sizeof(struct rec_kdata);
			kp->rp.maxactive = 4 * num_possible_cpus();
			err = register_kretprobe(&kp->rp);
			if (err) {
				pr_err("event recorder: cannot probe %s (%d)\n", f->name, err);
				return err;
			}
			kp->registered = true;
		}
		rec_hook_add(f->name, SXD_EV_HOOK_KFUNC, f->type);
	}
	if (rec_nr_fentries) {
		err = register_ftrace_function(&rec_fops);
		if (err) {
			pr_err("event recorder: cannot trace the kfuncs (%d)\n", err);
			return err;
		}
		rec_fops_on = true;
	}
	return 0;
}

static void rec_free(void)
{
	int cpu;

	if (!rec.rings)
		return;
	for_each_possible_cpu(cpu)
		kvfree(rec.rings[cpu]);
	kfree(rec.rings);
	rec.rings = NULL;
}

int recorder_init(void)
{
	u64 bytes;
	int cpu, err;

	if (!opt_events_per_cpu)
		return 0;
	if (!klayout.sched_globals && !ksyms.scx_root) {
		klayout_note_absent("events",
				    "no scx_root in kallsyms: no root scheduler to record");
		return 0;
	}
	rec.per_cpu = roundup_pow_of_two(opt_events_per_cpu);
	rec.mask = rec.per_cpu - 1;
	bytes = (u64)num_possible_cpus() *
		(sizeof(struct rec_ring) + (u64)rec.per_cpu * sizeof(struct sxd_event));
	if (bytes > REC_MAX_BYTES) {
		pr_err("event recorder: events_per_cpu %u on %u CPUs needs %llu MiB, over %u MiB: lower events_per_cpu\n",
		       rec.per_cpu, num_possible_cpus(), bytes >> 20, REC_MAX_BYTES >> 20);
		return -E2BIG;
	}
	rec.text_start = ksym_addr("_stext");
	rec.text_end = ksym_addr("_etext");
	if (!rec.text_start || rec.text_end <= rec.text_start) {
		pr_err("event recorder: no _stext/_etext in kallsyms: kfunc calls cannot be told from the kernel's own\n");
		return -ENOENT;
	}
	rec.stop_kind = -1;
	raw_spin_lock_init(&rec.lock);
	rec.rings = sxd_alloc(kcalloc(nr_cpu_ids, sizeof(*rec.rings), GFP_KERNEL));
	if (!rec.rings)
		goto nomem;
	for_each_possible_cpu(cpu) {
		size_t size = struct_size(rec.rings[cpu], ev, rec.per_cpu);

		rec.rings[cpu] = sxd_alloc(kvzalloc_node(size, GFP_KERNEL, cpu_to_node(cpu)));
		if (!rec.rings[cpu])
			goto nomem;
	}
	err = rec_register();
	if (err) {
		rec_unregister();
		rec_free();
		return err;
	}
	pr_info("event recorder: %u events per CPU, %llu KiB, %u hooks\n",
		rec.per_cpu, bytes >> 10, rec.nr_hooks);
	return 0;
nomem:
	pr_err("event recorder: cannot allocate its rings (%llu KiB)\n", bytes >> 10);
	rec_free();
	return -ENOMEM;
}

void recorder_exit(void)
{
	if (!rec.rings)
		return;
	rec_unregister();
	rec_free();
}

/*
 * One CPU's events of load @gen into @out (room for rec.per_cpu), oldest
 * first; its counts into @cpu.
 */
static u32 rec_copy_cpu(int cpu, unsigned long gen, struct sxd_event *out, struct sxd_ev_cpu *o)
{
	struct rec_ring *r = rec.rings[cpu];
	u64 head = local_read(&r->head);
	u64 n = min_t(u64, head, rec.per_cpu);
	u64 s, seq, start;
	u32 k = 0;

	o->cpu = cpu;
	o->written = head;
	o->after_stop = local_read(&r->unrecorded);
	for (s = head - n; s < head; s++) {
		const struct sxd_event *e = &r->ev[s & rec.mask];

		/* pairs with rec_commit(): the seq, then the event it commits */
		seq = smp_load_acquire(&e->seq);
		if (seq != s) {
			o->torn++;
			continue;
		}
		memcpy(&out[k], e, sizeof(*e));
		smp_rmb();	/* the copy before the second look at its seq */
		if (READ_ONCE(e->seq) != s) {
			o->torn++;
			continue;
		}
		if (out[k].load != (u32)gen) {
			o->other++;
			continue;
		}
		k++;
	}
	start = READ_ONCE(r->gen_start);
	if (READ_ONCE(r->gen) == gen && head - start > rec.per_cpu)
		o->overwritten = head - start - rec.per_cpu;
	o->nr = k;
	return k;
}

/*
 * Calls a kretprobe let pass unrecorded since the module loaded (all its
 * instances in use at once: more nested or concurrent calls than
 * 4 * CPUs; or a kprobe hit while another ran): said in the dump, an
 * error record per kfunc.
 */
static void rec_write_missed(struct capture *c)
{
	u32 i;

	for (i = 0; i < REC_NR_KFUNCS; i++) {
		struct kretprobe *rp = &rec_kps[i].rp;
		unsigned long n = 0;

		if (rec_kps[i].registered)
			n = (unsigned long)READ_ONCE(rp->nmissed) + READ_ONCE(rp->kp.nmissed);
		if (n)
			capture_error(c, -EBUSY,
				      "the event recorder missed %lu calls of %s since the module loaded (its kretprobe's %d instances in use, or a probe running)",
				      n, rec_kps[i].f->name, rec_kps[i].rp.maxactive);
	}
}

/* The rings into capture @c's dump (capture_lock held): the current load's. */
void recorder_write(struct capture *c)
{
	unsigned long state = READ_ONCE(rec.state);
	struct sxd_events r = { };
	struct sxd_ev_cpu *cpus;
	struct sxd_event *evs;
	struct dump_iov iov[4];
	u32 nr_cpus = 0, nr = 0;
	int cpu, err;

	if (!rec.rings)
		return;
	cpus = sxd_alloc(kcalloc(num_possible_cpus(), sizeof(*cpus), GFP_KERNEL));
	evs = sxd_alloc(kvmalloc_array((size_t)num_possible_cpus() * rec.per_cpu, sizeof(*evs),
				       GFP_KERNEL));
	if (!cpus || !evs) {
		capture_error(c, -ENOMEM, "the event recorder's events left out: out of memory");
		goto out;
	}
	r.capture_ns = local_clock();
	for_each_possible_cpu(cpu) {
		nr += rec_copy_cpu(cpu, state >> 1, evs + nr, &cpus[nr_cpus]);
		nr_cpus++;
	}
	r.enable_seq = trigger_load_seq();
	r.load = state >> 1;
	r.per_cpu = rec.per_cpu;
	r.nr_cpus = nr_cpus;
	r.nr_events = nr;
	r.nr_hooks = rec.nr_hooks;
	r.event_size = sizeof(struct sxd_event);
	r.stop_kind = -1;
	if ((state & REC_STOPPED) &&
	    /* pairs with rec_stop(): the load's stop, then its time and kind */
	    smp_load_acquire(&rec.stop_state) == (state & ~REC_STOPPED)) {
		r.flags |= SXD_EV_F_STOPPED;
		r.stop_ns = READ_ONCE(rec.stop_ns);
		r.stop_kind = READ_ONCE(rec.stop_kind);
	} else {
		r.flags |= SXD_EV_F_LIVE;
	}
	iov[0] = (struct dump_iov){ &r, sizeof(r) };
	iov[1] = (struct dump_iov){ rec.hooks, (size_t)rec.nr_hooks * sizeof(rec.hooks[0]) };
	iov[2] = (struct dump_iov){ cpus, (size_t)nr_cpus * sizeof(*cpus) };
	iov[3] = (struct dump_iov){ evs, (size_t)nr * sizeof(*evs) };
	err = dump_writer_record(&c->w, SXD_REC_EVENTS, iov, ARRAY_SIZE(iov));
	if (err)
		capture_error(c, err, "the event recorder's %u events (%zu bytes) left out: %s",
			      nr, (size_t)nr * sizeof(*evs), capture_why(err));
	rec_write_missed(c);
out:
	kvfree(evs);
	kfree(cpus);
}

void recorder_status(struct seq_file *m)
{
	unsigned long state = READ_ONCE(rec.state);

	if (!rec.rings) {
		seq_puts(m, "events: off\n");
		return;
	}
	seq_printf(m, "events: %u per CPU, %u hooks, load %lu%s\n", rec.per_cpu, rec.nr_hooks,
		   state >> 1, state & REC_STOPPED ? " (stopped)" : "");
}
