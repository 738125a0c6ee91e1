/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every name the decoder prints for a number of the dump, in one place:
 * map types, triggers, snapshot modes and copies, BTF, owner and
 * reference kinds, struct_ops states, address families. An unknown number
 * is "unknown".
 */
#ifndef SCXDUMP_NAMES_H
#define SCXDUMP_NAMES_H

#include <stdint.h>

const char *name_map_type(uint32_t type);
const char *name_trigger(uint32_t trigger);
const char *name_errno(int32_t err);	/* -E or E, from the dump */
const char *name_snapshot_mode(uint32_t mode);
/* "flat" or "walk" for a map the snapshot copied, NULL for one it did not */
const char *name_snapshot_copy(uint32_t map_flags);
const char *name_btf_kind(uint32_t kind);
const char *name_owner_kind(uint32_t kind);
const char *name_ref_kind(uint32_t kind);
const char *name_struct_ops_state(uint64_t state);
const char *name_inet_family(uint32_t family);	/* "other" if not IP */
const char *name_core_when(uint32_t when);
const char *name_sched_class(uint32_t class);
const char *name_sched_policy(uint32_t policy);
const char *name_ops_state(uint32_t state);
const char *name_dsq_kind(uint32_t kind);
char name_task_state_char(uint32_t state);

#endif
