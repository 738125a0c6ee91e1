// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_STRUCT_OPS: the registered value (for sched_ext, the
 * sched_ext_ops as user space gave it, with program ids in the function
 * slots: st_map->uvalue, what bpf(2)'s lookup returns), its state, and the
 * program behind each function slot (st_map->links[], in member order).
 * The value's type is in the kernel's BTF (map->btf_vmlinux_value_type_id),
 * which the capture embeds once.
 */
#include <linux/bpf.h>
#include <linux/slab.h>
#include "../scxdump.h"

static int struct_ops_dump_capture(struct map_ctx *mc)
{
	u8 *st = (u8 *)mc->map;
	struct bpf_struct_ops_common_value *kv;
	struct bpf_link **links;
	struct sxd_obj_ref *refs;
	u32 i, nr, key = 0;
	void *uvalue;
	u64 val[2];
	u8 *slot;
	int err;

	if (!klayout.ok_stmap)
		return maplib_missing_layout(mc, klayout.missing_stmap);
	kv = (void *)(st + klayout.stmap_kvalue);
	uvalue = *(void **)(st + klayout.stmap_uvalue);
	links = *(struct bpf_link ***)(st + klayout.stmap_links);
	nr = min(*(u32 *)(st + klayout.stmap_funcs_cnt), 256u);
	/* pairs with smp_store_release() of the state in bpf_struct_ops.c */
	val[0] = smp_load_acquire(&kv->state);
	val[1] = nr;
	refs = sxd_alloc(kcalloc(nr ?: 1, sizeof(*refs), GFP_KERNEL));
	if (!refs) {
		mc->reason = "out of memory for the function slots";
		return -ENOMEM;
	}
	for (i = 0; links && i < nr; i++) {
		struct bpf_link *link = READ_ONCE(links[i]);

		if (!link || !link->prog)
			continue;
		refs[i].kind = SXD_REF_PROG;
		refs[i].id = link->prog->aux->id;
		strscpy(refs[i].name, link->prog->aux->name, sizeof(refs[i].name));
	}
	err = maplib_info(mc, SXD_INFO_STRUCT_OPS, val, ARRAY_SIZE(val), refs,
			  nr * sizeof(*refs));
	kfree(refs);
	slot = uvalue ? maplib_entry_slot(mc) : NULL;
	if (slot) {
		memcpy(slot, &key, sizeof(key));
		memcpy(maplib_entry_value(mc, slot, 0), uvalue, mc->map->value_size);
		maplib_entry_commit(mc);
	}
	return err;
}

const struct map_dump_ops struct_ops_dump_ops = {
	.capture = struct_ops_dump_capture,
};
