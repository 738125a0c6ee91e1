// SPDX-License-Identifier: GPL-2.0
/* The names of the dump's numbers (names.h). */
#include <string.h>
#include <sys/socket.h>
#include <bpf/libbpf.h>
#include "../include/scxdump_format.h"
#include "names.h"

#define NAME_IN(table, i) \
	((i) < sizeof(table) / sizeof(table[0]) && (table)[i] ? (table)[i] : "unknown")

/* uapi map types newer than the installed headers (include/uapi/linux/bpf.h) */
enum {
	MAP_TYPE_ARENA		= 33,
	MAP_TYPE_INSN_ARRAY	= 34,
};

/* libbpf's names, and ours for types newer than the libbpf at hand. */
const char *name_map_type(uint32_t type)
{
	static const char *const newer[] = {
		[MAP_TYPE_ARENA] = "arena", [MAP_TYPE_INSN_ARRAY] = "insn_array",
	};
	const char *name = libbpf_bpf_map_type_str(type);

	return name ? name : NAME_IN(newer, type);
}

const char *name_trigger(uint32_t trigger)
{
	static const char *const names[] = {
		[SXD_TRIGGER_EXIT] = "exit", [SXD_TRIGGER_REQUEST] = "request",
		[SXD_TRIGGER_STALL_WARNING] = "stall_warning",
	};

	return NAME_IN(names, trigger);
}

const char *name_snapshot_mode(uint32_t mode)
{
	static const char *const names[] = {
		[SXD_SNAP_LIVE] = "live", [SXD_SNAP_STOPPED] = "stop_machine",
	};

	return NAME_IN(names, mode);
}

/* How the stop copied a map (its MAP_END's flags): NULL when it did not. */
const char *name_snapshot_copy(uint32_t map_flags)
{
	if (!(map_flags & SXD_MAP_SNAPSHOT))
		return NULL;
	return map_flags & SXD_MAP_FLAT ? "flat" : "walk";
}

const char *name_btf_kind(uint32_t kind)
{
	static const char *const names[] = {
		[SXD_BTF_PROG] = "program", [SXD_BTF_VMLINUX] = "vmlinux",
	};

	return NAME_IN(names, kind);
}

const char *name_owner_kind(uint32_t kind)
{
	static const char *const names[] = {
		[SXD_OWNER_TASK] = "task", [SXD_OWNER_CGROUP] = "cgroup",
		[SXD_OWNER_INODE] = "inode", [SXD_OWNER_SOCK] = "socket",
	};

	return NAME_IN(names, kind);
}

const char *name_ref_kind(uint32_t kind)
{
	static const char *const names[] = {
		[SXD_REF_PROG] = "prog", [SXD_REF_MAP] = "map",
		[SXD_REF_PERF_EVENT] = "perf_event", [SXD_REF_CGROUP] = "cgroup",
	};

	return NAME_IN(names, kind);
}

/* enum bpf_struct_ops_state (include/linux/bpf.h), as the module copies it */
const char *name_struct_ops_state(uint64_t state)
{
	static const char *const names[] = { "init", "inuse", "tobefree", "ready" };

	return NAME_IN(names, state);
}

const char *name_inet_family(uint32_t family)
{
	return family == AF_INET ? "inet" : family == AF_INET6 ? "inet6" : "other";
}

const char *name_core_when(uint32_t when)
{
	static const char *const names[] = {
		[SXD_CORE_BEFORE_BYPASS] = "before_bypass", [SXD_CORE_LIVE] = "live",
	};

	return NAME_IN(names, when);
}

const char *name_sched_class(uint32_t class)
{
	static const char *const names[] = {
		[SXD_CLASS_OTHER] = "other", [SXD_CLASS_STOP] = "stop", [SXD_CLASS_DL] = "deadline",
		[SXD_CLASS_RT] = "rt", [SXD_CLASS_FAIR] = "fair", [SXD_CLASS_EXT] = "ext",
		[SXD_CLASS_IDLE] = "idle",
	};

	return NAME_IN(names, class);
}

/* include/uapi/linux/sched.h */
const char *name_sched_policy(uint32_t policy)
{
	static const char *const names[] = {
		[0] = "SCHED_NORMAL", [1] = "SCHED_FIFO", [2] = "SCHED_RR", [3] = "SCHED_BATCH",
		[5] = "SCHED_IDLE", [6] = "SCHED_DEADLINE", [7] = "SCHED_EXT",
	};

	return NAME_IN(names, policy);
}

/* sched_ext's enum scx_ops_state (SCX_OPSS_*), the same in every kernel */
const char *name_ops_state(uint32_t state)
{
	static const char *const names[] = { "NONE", "QUEUEING", "QUEUED", "DISPATCHING" };

	return NAME_IN(names, state);
}

const char *name_dsq_kind(uint32_t kind)
{
	static const char *const names[] = {
		[SXD_DSQ_LOCAL] = "local", [SXD_DSQ_GLOBAL] = "global",
		[SXD_DSQ_BYPASS] = "bypass", [SXD_DSQ_USER] = "user",
	};

	return NAME_IN(names, kind);
}

/* The letter ps(1) shows for a task's __state (fs/proc/array.c). */
char name_task_state_char(uint32_t state)
{
	static const char letters[] = "RSDTtXZPI";
	uint32_t i;

	if (state == 0x402)	/* TASK_IDLE */
		return 'I';
	for (i = 0; i < sizeof(letters) - 3; i++) {
		if (state & (1u << i))
			return letters[i + 1];
	}
	return state ? '?' : 'R';
}

/*
 * strerror() of an errno the module recorded, as -E or E: the dump's value
 * is untrusted, so its magnitude is taken without negating INT_MIN.
 */
const char *name_errno(int32_t err)
{
	uint32_t mag = err < 0 ? 0u - (uint32_t)err : (uint32_t)err;

	return mag > 4095 ? "unknown error" : strerror((int)mag);
}
