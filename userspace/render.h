/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rendering of raw bytes as JSON through BTF, one function per BTF kind
 * (the shape of bpftool's btf_dumper.c): integers, enums by name, structs
 * by member name, arrays, char arrays as strings, global sections
 * (DATASEC) as named variables. Pointers stay hexadecimal.
 */
#ifndef SCXDUMP_RENDER_H
#define SCXDUMP_RENDER_H

#include <stddef.h>
#include <stdint.h>
#include <bpf/btf.h>
#include "json.h"

/* Deeper values are cut and marked; real BTF stays far below this. */
#define RENDER_MAX_DEPTH	32

/* Deref budget: pointees rendered in one top-level value. */
#define RENDER_MAX_DEREFS	256

/*
 * Memory a pointer may point into (a dump's arena pages): read @len bytes
 * at user address @addr into @buf, false if the dump does not hold them.
 */
struct render_mem {
	bool (*read)(const void *ctx, uint64_t addr, void *buf, uint32_t len);
	/* the bits of the struct bpf_cpumask at @addr, if the dump has them */
	bool (*cpumask)(const void *ctx, uint64_t addr, const uint8_t **bits,
			uint32_t *nr_bits);
	const void *ctx;
};

/* "0-3,8": the CPUs set in @nr_bits bits at @bits, into @buf. */
void render_cpulist(const uint8_t *bits, uint32_t nr_bits, char *buf, size_t len);

/* Render @size bytes at @data as BTF type @type_id of @btf. */
void render_value(yajl_gen g, const struct btf *btf, uint32_t type_id,
		  const void *data, size_t size);
/* The same, following pointers into @mem (bounded, each pointee once). */
void render_value_mem(yajl_gen g, const struct btf *btf, uint32_t type_id,
		      const void *data, size_t size, const struct render_mem *mem);
/* The C spelling of a type's name, e.g. "struct task_ctx" or "u32[4]". */
void render_type_name(const struct btf *btf, uint32_t type_id, char *buf, size_t len);

#endif
