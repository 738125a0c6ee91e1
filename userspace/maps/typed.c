// SPDX-License-Identifier: GPL-2.0
/*
 * Keys and values of the maps whose entries are their own bytes (arrays,
 * hashes, LPM tries, queues and stacks, per-CPU variants, storage values):
 * rendered through the map's BTF, the kernel's BTF for struct_ops values,
 * string literals of a .rodata.str section as strings, and numbers or hex
 * without BTF.
 */
#include <string.h>
#include "maps.h"

/* A key or value without BTF: a number when it has a number's size. */
void typed_untyped(yajl_gen g, const uint8_t *p, uint32_t size)
{
	uint64_t v = 0;

	if (size == 1 || size == 2 || size == 4 || size == 8) {
		memcpy(&v, p, size);
		json_uint(g, v);
	} else {
		json_hex(g, p, size);
	}
}

static void emit_typed(const struct entry_view *v, const struct btf *btf, uint32_t type_id,
		       const uint8_t *p, uint32_t size)
{
	if (btf && type_id)
		render_value_mem(v->e->g, btf, type_id, p, size, v->e->mem);
	else
		typed_untyped(v->e->g, p, size);
}

/* libbpf places string literals in a ".rodata.str1.1" section map. */
static bool is_string_section(const struct sxd_map *m)
{
	return strstr(m->name, ".rodata.str") != NULL;
}

static void emit_strings(yajl_gen g, const uint8_t *p, uint32_t size)
{
	uint32_t i = 0, len;

	json_arr(g);
	while (i < size) {
		len = strnlen((const char *)p + i, size - i);
		if (len)
			json_strn(g, p + i, len);
		i += len + 1;
	}
	json_arr_end(g);
}

static void emit_value(const struct entry_view *v, const struct btf *btf, uint32_t type_id,
		       const uint8_t *p, uint32_t size)
{
	if (is_string_section(v->m))
		emit_strings(v->e->g, p, size);
	else if (btf && type_id)
		render_value_map(v->e->g, btf, type_id, p, size, v->e->mem, v->m->map_index);
	else
		typed_untyped(v->e->g, p, size);
}

static void typed_key(const struct entry_view *v, const uint8_t *p)
{
	const struct sxd_entries *b = v->blk;

	if (b->key_size == v->m->key_size)
		emit_typed(v, v->btf, v->btf ? v->m->btf_key_type_id : 0, p, b->key_size);
	else
		typed_untyped(v->e->g, p, b->key_size);
}

static void typed_value(const struct entry_view *v, const uint8_t *p)
{
	const struct sxd_entries *b = v->blk;
	const struct sxd_map *m = v->m;

	if (m->btf_vmlinux_value_type_id && v->e->vmlinux)
		emit_value(v, v->e->vmlinux, m->btf_vmlinux_value_type_id, p, b->value_size);
	else if (b->value_size == m->value_size)
		emit_value(v, v->btf, v->btf && !m->btf_vmlinux_value_type_id ?
			   m->btf_value_type_id : 0, p, b->value_size);
	else
		typed_untyped(v->e->g, p, b->value_size);
}

const struct entry_shape typed_shape = {
	.flag = 0,
	.key = typed_key,
	.value = typed_value,
};
