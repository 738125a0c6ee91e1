// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_ARRAY and PERCPU_ARRAY: every key, 0..max_entries-1.
 * struct bpf_array is public (include/linux/bpf.h): values sit
 * elem_size = round_up(value_size, 8) apart in array->value, per-CPU ones
 * behind array->pptrs[] (kernel/bpf/arraymap.c, array_map_alloc and
 * bpf_percpu_array_copy). Global sections (.bss, .data, .rodata, ...) are
 * arrays of one entry.
 */
#include <linux/bpf.h>
#include <linux/cpumask.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include "../scxdump.h"

static void array_dump_copy(struct map_ctx *mc, u8 *slot, u32 i)
{
	struct bpf_array *array = container_of(mc->map, struct bpf_array, map);
	u32 size = mc->map->value_size;
	void __percpu *pptr;
	int cpu;

	if (mc->nr_values == 1) {
		memcpy(maplib_entry_value(mc, slot, 0),
		       array->value + (size_t)array->elem_size * i, size);
		return;
	}
	pptr = array->pptrs[i & array->index_mask];
	for_each_possible_cpu(cpu)
		memcpy(maplib_entry_value(mc, slot, cpu), per_cpu_ptr(pptr, cpu), size);
}

static int array_dump_capture(struct map_ctx *mc)
{
	u32 i, n = mc->map->max_entries;
	u8 *slot;

	/* the key, and every value but those of CPUs that cannot exist */
	mc->fills_entries = mc->nr_values == 1 || num_possible_cpus() == nr_cpu_ids;
	for (i = 0; i < n; i++) {
		slot = maplib_entry_slot(mc);
		if (!slot) {
			mc->nr_omitted += n - i;
			break;
		}
		memcpy(slot, &i, sizeof(i));
		array_dump_copy(mc, slot, i);
		maplib_entry_commit(mc);
		if (!(i & 1023))
			maplib_walk_yield(mc);	/* a stop is seen by the next slot */
	}
	return 0;
}

/* Every index is an entry. */
static bool array_dump_count(struct map_ctx *mc, u64 *nr)
{
	*nr = mc->map->max_entries;
	return true;
}

const struct map_dump_ops array_dump_ops = {
	.capture = array_dump_capture,
	.count = array_dump_count,
	.stoppable = true,
};

const struct map_dump_ops percpu_array_dump_ops = {
	.init = maplib_percpu,
	.capture = array_dump_capture,
	.count = array_dump_count,
	.stoppable = true,
};
