// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler's programs as the kernel runs them: each struct_ops
 * program's translated instructions, with the maps its 64-bit immediates
 * name, one SXD_REC_PROG_INSNS record each. The decoder reads them to
 * find which u64 fields of map values the programs use as pointers.
 *
 * Safety: the programs are the links' of the struct_ops map, which the
 * capture holds a reference to, so neither they nor their instructions
 * (fixed once loaded) can go. Their used_maps are read under
 * aux->used_maps_mutex: this runs in the capture's sleepable context
 * (the disable work or the request worker), never in the stop.
 * Bounded: at most INSNS_MAX per program and INSNS_MAX_MAPS maps.
 */
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/slab.h>
#include "capture.h"
#include "ksyms.h"

#define INSNS_MAX	131072U	/* 1 MiB of instructions per program */
#define INSNS_MAX_MAPS	64

struct insns_walk {
	struct capture *c;
	struct sxd_prog_insns r;
	struct sxd_prog_map *maps;
};

/* The dump's index of @map, or SXD_NO_INDEX. */
static u32 insns_map_index(struct capture *c, const struct bpf_map *map)
{
	u32 i;

	for (i = 0; i < c->maps.nr; i++) {
		if (c->maps.maps[i] == map)
			return i;
	}
	return SXD_NO_INDEX;
}

/* discover_walk_progs() callback: one program's record. */
static int insns_prog(struct bpf_prog *prog, void *data)
{
	struct insns_walk *w = data;
	struct bpf_prog_aux *aux = prog->aux;
	struct dump_iov iov[3];
	u32 i, n;

	w->r.prog_id = aux->id;
	strscpy(w->r.name, aux->name, sizeof(w->r.name));
	w->r.len = prog->len;
	w->r.nr_insns = min_t(u32, prog->len, INSNS_MAX);
	w->r.flags = prog->len > INSNS_MAX ? SXD_INSNS_CUT : 0;
	mutex_lock(&aux->used_maps_mutex);
	n = min_t(u32, aux->used_map_cnt, INSNS_MAX_MAPS);
	for (i = 0; i < n; i++) {
		struct bpf_map *map = aux->used_maps[i];
		u64 addr = 0;

		w->maps[i] = (struct sxd_prog_map){
			.map_addr = (unsigned long)map,
			.map_index = insns_map_index(w->c, map),
			.value_size = map->value_size,
		};
		if (map->ops->map_direct_value_addr &&
		    !map->ops->map_direct_value_addr(map, &addr, 0))
			w->maps[i].value_addr = addr;
	}
	mutex_unlock(&aux->used_maps_mutex);
	if (aux->used_map_cnt > INSNS_MAX_MAPS)
		capture_error(w->c, -E2BIG, "program %s: maps past the first %u not named",
			      w->r.name, INSNS_MAX_MAPS);
	if (w->r.flags & SXD_INSNS_CUT)
		capture_error(w->c, -E2BIG, "program %s: instructions past the first %u left out",
			      w->r.name, INSNS_MAX);
	w->r.nr_maps = n;
	iov[0] = (struct dump_iov){ &w->r, sizeof(w->r) };
	iov[1] = (struct dump_iov){ w->maps, n * sizeof(*w->maps) };
	iov[2] = (struct dump_iov){ prog->insnsi, (size_t)w->r.nr_insns * sizeof(struct bpf_insn) };
	if (dump_writer_record(&w->c->w, SXD_REC_PROG_INSNS, iov, 3))
		capture_error(w->c, -ENOSPC, "program %s: instructions left out: dump full",
			      w->r.name);
	return 0;
}

void insns_write(struct capture *c)
{
	struct insns_walk w = { .c = c };

	if (!c->maps.ops_map)
		return;
	w.maps = sxd_alloc(kcalloc(INSNS_MAX_MAPS, sizeof(*w.maps), GFP_KERNEL));
	if (!w.maps) {
		capture_error(c, -ENOMEM, "program instructions left out: out of memory");
		return;
	}
	w.r.call_base = ksym_addr("__bpf_call_base");
	w.r.fn_task_storage_get = ksym_addr("bpf_task_storage_get");
	w.r.fn_cgrp_storage_get = ksym_addr("bpf_cgrp_storage_get");
	w.r.fn_map_lookup_elem = ksym_addr("bpf_map_lookup_elem");
	discover_walk_progs(c->maps.ops_map, insns_prog, &w);
	kfree(w.maps);
}
