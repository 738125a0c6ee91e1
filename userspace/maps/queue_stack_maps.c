// SPDX-License-Identifier: GPL-2.0
/*
 * Queues and stacks (module/maps/queue_stack_maps.c): the entries are
 * values at their positions (typed.c); the info is the ring's head, tail,
 * slots and count.
 */
#include "maps.h"

static void queue_fields(struct emit *e, const struct sxd_map_info *mi)
{
	json_kuint(e->g, "head", mi->val[0]);
	json_kuint(e->g, "tail", mi->val[1]);
	json_kuint(e->g, "slots", mi->val[2]);
	json_kuint(e->g, "count", mi->val[3]);
}

const struct info_kind queue_stack_info = {
	.kind = SXD_INFO_QUEUE,
	.info = queue_fields,
};
