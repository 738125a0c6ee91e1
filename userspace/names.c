// SPDX-License-Identifier: GPL-2.0
/* The names of the dump's numbers (names.h). */
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
