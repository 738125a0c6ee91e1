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

/*
 * What a key or a value is rendered as: @btf's type @type_id (NULL, 0:
 * without BTF), @size bytes, a value of map @map_index (UINT32_MAX for a
 * key), or a string section's literals.
 */
struct typed_as {
	const struct btf *btf;
	uint32_t type_id, size, map_index;
	bool strings;
};

static struct typed_as typed_key_as(const struct entry_view *v)
{
	const struct sxd_entries *b = v->blk;
	struct typed_as as = { .size = b->key_size, .map_index = UINT32_MAX };

	if (b->key_size == v->m->key_size && v->btf && v->key_type) {
		as.btf = v->btf;
		as.type_id = v->key_type;
	}
	return as;
}

static struct typed_as typed_value_as(const struct entry_view *v)
{
	const struct sxd_entries *b = v->blk;
	const struct sxd_map *m = v->m;
	struct typed_as as = { .size = b->value_size, .map_index = m->map_index };

	if (m->btf_vmlinux_value_type_id && emit_vmlinux(v->e)) {
		as.btf = emit_vmlinux(v->e);
		as.type_id = m->btf_vmlinux_value_type_id;
	} else if (b->value_size != m->value_size) {
		return as;	/* untyped, even in a string section */
	} else if (v->btf && !m->btf_vmlinux_value_type_id) {
		as.btf = v->btf;
		as.type_id = v->value_type;
	}
	as.strings = is_string_section(m);
	if (!as.type_id)
		as.btf = NULL;
	return as;
}

static void typed_emit(const struct entry_view *v, const struct typed_as *as, const uint8_t *p)
{
	if (as->strings)
		emit_strings(v->e->g, p, as->size);
	else if (as->btf)
		render_value_map(v->e->g, as->btf, as->type_id, p, as->size, v->e->mem,
				 as->map_index);
	else
		typed_untyped(v->e->g, p, as->size);
}

static void typed_key(const struct entry_view *v, const uint8_t *p)
{
	struct typed_as as = typed_key_as(v);

	typed_emit(v, &as, p);
}

static void typed_value(const struct entry_view *v, const uint8_t *p)
{
	struct typed_as as = typed_value_as(v);

	typed_emit(v, &as, p);
}

/* The compiled renderers (plan.h) of the block's keys and values, if both have one. */
bool typed_plans(const struct entry_view *v, const struct plan **key, const struct plan **value)
{
	struct typed_as k = typed_key_as(v), val = typed_value_as(v);
	struct plan_cache *c = &v->e->plans;

	if (k.strings || val.strings)
		return false;
	*key = plan_get(c, k.btf, k.type_id, k.size, v->e->mem, k.map_index);
	*value = *key ? plan_get(c, val.btf, val.type_id, val.size, v->e->mem,
				 val.map_index) : NULL;
	return *value;
}

const struct entry_shape typed_shape = {
	.flag = 0,
	.key = typed_key,
	.value = typed_value,
};
