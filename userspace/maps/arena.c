// SPDX-License-Identifier: GPL-2.0
/*
 * Arenas (module/maps/arena.c): each entry is a page, keyed by its user
 * address, its bytes as hex; the info is the user range and page count;
 * beside it, the program's arena globals (DATASEC .addr_space.1) read out
 * of those pages by name.
 */
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include "../memory.h"
#include "maps.h"

/* Sizes of the arena globals a BTF may claim before it is not believed. */
#define ARENA_GLOBALS_MAX	(64u << 20)
#define ARENA_PAGE_DEFAULT	4096u

static void page_key(const struct entry_view *v, const uint8_t *p)
{
	uint64_t addr;

	memcpy(&addr, p, sizeof(addr));
	json_addr(v->e->g, addr);
}

static void page_value(const struct entry_view *v, const uint8_t *p)
{
	json_hex(v->e->g, p, v->blk->value_size);
}

const struct entry_shape arena_shape = {
	.flag = SXD_ENTRIES_ARENA,
	.min_key_size = sizeof(uint64_t),
	.key = page_key,
	.value = page_value,
	.own_hex = true,
};

static void arena_fields(struct emit *e, const struct sxd_map_info *mi)
{
	json_key(e->g, "user_vm_start");
	json_addr(e->g, mi->val[0]);
	json_key(e->g, "user_vm_end");
	json_addr(e->g, mi->val[1]);
	json_kuint(e->g, "nr_pages", mi->val[3]);
}

/* A program BTF of the dump with arena globals (DATASEC .addr_space.1). */
static const struct btf *arena_datasec(const struct dump_index *x, int32_t *id)
{
	uint32_t i;

	for (i = 0; i < x->nr_btfs; i++) {
		const struct btf *b;

		if (!x->btfs[i].rec || x->btfs[i].rec->kind != SXD_BTF_PROG ||
		    !(b = index_btf_at(x, i, NULL)))
			continue;
		*id = btf__find_by_name_kind(b, ".addr_space.1", BTF_KIND_DATASEC);
		if (*id > 0)
			return b;
	}
	return NULL;
}

/*
 * Arena globals by name. libbpf puts them at the arena's end where it can
 * (and at its start before that): the first place whose pages the dump
 * holds is where they are.
 */
static void arena_globals(struct emit *e, const struct sxd_map *m,
			  const struct sxd_map_info *mi)
{
	const struct sxd_capture *cap = e->x->cap;
	uint64_t page = cap && cap->page_size ? cap->page_size : ARENA_PAGE_DEFAULT;
	const struct btf *btf;
	uint64_t size, at[2];
	uint8_t *buf;
	int32_t id;
	int i;

	btf = arena_datasec(e->x, &id);
	if (!btf)
		return;
	size = btf__type_by_id(btf, id)->size;
	/* the globals live inside the arena: a BTF saying otherwise is wrong */
	if (!size || mi->val[1] <= mi->val[0] || size > mi->val[1] - mi->val[0] ||
	    size > ARENA_GLOBALS_MAX) {
		json_kstr(e->g, "arena_globals_missing", "their BTF size does not fit the arena");
		return;
	}
	at[0] = mi->val[1] - (size + page - 1) / page * page;
	at[1] = mi->val[0];
	buf = calloc(1, size);
	for (i = 0; buf && i < 2; i++) {
		if (at[i] < mi->val[0] || !mem_arena_read(e->x, m->map_index, at[i], buf, size))
			continue;
		json_key(e->g, "arena_globals_at");
		json_addr(e->g, at[i]);
		json_key(e->g, "arena_globals");
		render_value(e->g, btf, id, buf, size);
		break;
	}
	if (!buf)
		json_kstr(e->g, "arena_globals_missing", "out of memory");
	else if (i == 2)
		json_kstr(e->g, "arena_globals_missing", "their pages are not in the dump");
	free(buf);
}

const struct info_kind arena_info = {
	.kind = SXD_INFO_ARENA,
	.info = arena_fields,
	.beside = arena_globals,
};
