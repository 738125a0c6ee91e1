// SPDX-License-Identifier: GPL-2.0
/*
 * struct_ops maps (module/maps/bpf_struct_ops.c): the value is typed by
 * the kernel's BTF (typed.c); the info is the map's state and the
 * program in each slot of the ops.
 */
#include "../names.h"
#include "maps.h"

static void struct_ops_fields(struct emit *e, const struct sxd_map_info *mi)
{
	const struct sxd_obj_ref *slots = (const void *)(mi + 1);
	yajl_gen g = e->g;
	uint64_t i;

	json_kstr(g, "state", name_struct_ops_state(mi->val[0]));
	json_key(g, "programs");
	json_arr(g);
	for (i = 0; i < mi->data_len / sizeof(*slots); i++) {
		const struct sxd_obj_ref *r = &slots[i];

		if (!r->kind)
			continue;
		json_obj(g);
		json_kuint(g, "slot", i);
		json_kuint(g, "id", r->id);
		json_kfixed(g, "name", r->name, sizeof(r->name));
		json_obj_end(g);
	}
	json_arr_end(g);
}

const struct info_kind struct_ops_info = {
	.kind = SXD_INFO_STRUCT_OPS,
	.info = struct_ops_fields,
};
