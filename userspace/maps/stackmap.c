// SPDX-License-Identifier: GPL-2.0
/*
 * Stack trace maps (module/maps/stackmap.c): each value is a trace, u64 nr
 * then nr addresses, named by the symbols the module resolved at capture;
 * the info is the bucket count and size.
 */
#include <string.h>
#include "../memory.h"
#include "maps.h"

/* A trace's header: the number of addresses after it. */
#define STACK_NR_SIZE	sizeof(uint64_t)

static void stack_value(const struct entry_view *v, const uint8_t *p)
{
	uint32_t size = v->blk->value_size;
	yajl_gen g = v->e->g;
	uint64_t nr, i, ip;
	const char *sym;
	size_t len;

	memcpy(&nr, p, STACK_NR_SIZE);
	if (nr > (size - STACK_NR_SIZE) / sizeof(ip))
		nr = (size - STACK_NR_SIZE) / sizeof(ip);
	json_obj(g);
	json_kuint(g, "nr", nr);
	json_key(g, "frames");
	json_arr(g);
	for (i = 0; i < nr; i++) {
		memcpy(&ip, p + STACK_NR_SIZE + sizeof(ip) * i, sizeof(ip));
		sym = mem_symbol(v->e->x, ip, &len);
		if (sym)
			json_strn(g, sym, len);
		else
			json_addr(g, ip);
	}
	json_arr_end(g);
	json_obj_end(g);
}

const struct entry_shape stackmap_shape = {
	.flag = SXD_ENTRIES_STACK,
	.min_value_size = STACK_NR_SIZE,
	.value = stack_value,
};

static void stackmap_fields(struct emit *e, const struct sxd_map_info *mi)
{
	json_kuint(e->g, "nr_buckets", mi->val[0]);
	json_kuint(e->g, "elem_size", mi->val[1]);
}

const struct info_kind stackmap_info = {
	.kind = SXD_INFO_STACKMAP,
	.info = stackmap_fields,
};
