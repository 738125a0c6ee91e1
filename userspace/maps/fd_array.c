// SPDX-License-Identifier: GPL-2.0
/*
 * Program arrays, map-in-maps, perf event and cgroup arrays
 * (module/maps/fd_array.c): each value is the kernel object the slot
 * holds (struct sxd_obj_ref).
 */
#include "../names.h"
#include "maps.h"

static void ref_value(const struct entry_view *v, const uint8_t *p)
{
	const struct sxd_obj_ref *r = (const void *)p;
	yajl_gen g = v->e->g;

	json_obj(g);
	json_kstr(g, "kind", name_ref_kind(r->kind));
	if (r->kind == SXD_REF_PROG || r->kind == SXD_REF_MAP) {
		json_kuint(g, "id", r->id);
		json_kfixed(g, "name", r->name, sizeof(r->name));
	} else if (r->kind == SXD_REF_CGROUP) {
		json_kuint(g, "cgroup_id", r->extra);
	}
	json_obj_end(g);
}

const struct entry_shape fd_array_shape = {
	.flag = SXD_ENTRIES_REF,
	.min_value_size = sizeof(struct sxd_obj_ref),
	.value = ref_value,
};
