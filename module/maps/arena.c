// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_ARENA: every mapped page, as (user address, page bytes).
 *
 * An arena (kernel/bpf/arena.c) reserves 4 GiB of kernel address space plus
 * a guard, kern_vm; a page at user address A lives at
 *   kern_vm_start + (u32)A,   kern_vm_start = kern_vm->addr + GUARD_SZ / 2
 * For example with user_vm_start = 0x10000000000 (map_extra = 1 << 40) and
 * kern_vm->addr = 0xffffc90000800000 (a 64 KiB guard), page 5 of the arena
 * (user 0x10000005000) is at 0xffffc90000808000 + 0x5000.
 * GUARD_SZ is not in BTF; it is what kern_vm holds beyond 4 GiB.
 *
 * A page is captured if vmalloc_to_page() finds one and, on kernels with a
 * scratch page (7.3: installed when a BPF program faults on a free page),
 * it is not that page. Pages can be freed at any time without an RCU
 * wait, so they are read with copy_from_kernel_nofault().
 */
#include <linux/bpf.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include "../scxdump.h"

static void arena_dump_init(struct map_ctx *mc)
{
	mc->key_size = sizeof(u64);
	mc->value_size = PAGE_SIZE;
	mc->entry_flags = SXD_ENTRIES_ARENA;
}

static int arena_dump_capture(struct map_ctx *mc)
{
	u8 *arena = (u8 *)mc->map;
	struct page *scratch = NULL, *page;
	u64 start, end, kstart, uaddr, val[4];
	struct vm_struct *kern_vm;
	u32 pgoff, n = mc->map->max_entries, pages = 0;
	unsigned long guard;
	void *kaddr;
	u8 *slot;

	if (!klayout.ok_arena)
		return maplib_missing_layout(mc, klayout.missing_arena);
	start = READ_ONCE(*(u64 *)(arena + klayout.arena_user_vm_start));
	end = READ_ONCE(*(u64 *)(arena + klayout.arena_user_vm_end));
	kern_vm = *(struct vm_struct **)(arena + klayout.arena_kern_vm);
	if (klayout.has_arena_scratch)
		scratch = READ_ONCE(*(struct page **)(arena + klayout.arena_scratch_page));
	if (!kern_vm || !start) {
		mc->reason = "arena not mapped yet (no user_vm_start)";
		return 0;
	}
	/* vmalloc_to_page() must only ever see addresses inside kern_vm */
	if (get_vm_area_size(kern_vm) < SZ_4G || end < start || end - start > SZ_4G) {
		mc->reason = "unexpected arena layout: not captured";
		return -EINVAL;
	}
	guard = get_vm_area_size(kern_vm) - SZ_4G;
	mc->fills_entries = true;	/* the address, then the page */
	kstart = (u64)kern_vm->addr + guard / 2;
	for (pgoff = 0; pgoff < n; pgoff++) {
		/* up to a million page-table walks: bounded in time too */
		if (!(pgoff & 63)) {
			maplib_walk_chunk(mc);
			if (mc->over_budget || (mc->counting && mc->stop))
				break;
		}
		uaddr = start + (u64)pgoff * PAGE_SIZE;
		if (uaddr >= end)
			break;
		kaddr = (void *)(kstart + (u32)uaddr);
		page = vmalloc_to_page(kaddr);
		if (!page || page == scratch)
			continue;
		slot = maplib_entry_slot(mc);	/* NULL once stopped; checks the budget */
		if (!slot) {
			if (mc->over_budget || (mc->counting && mc->stop))
				break;
			/*
			 * Counting, or no room left: the kernel keeps no count
			 * of mapped pages, so the page-table walk goes on, copying
			 * nothing, and counts exactly the pages it leaves out.
			 */
			mc->nr_omitted++;
			continue;
		}
		if (copy_from_kernel_nofault(maplib_entry_value(mc, slot, 0), kaddr, PAGE_SIZE))
			continue;	/* freed under us */
		memcpy(slot, &uaddr, sizeof(uaddr));
		maplib_entry_commit(mc);
		pages++;
	}
	val[0] = start;
	val[1] = end;
	val[2] = kstart;
	val[3] = pages;
	return maplib_info(mc, SXD_INFO_ARENA, val, ARRAY_SIZE(val), NULL, 0);
}

const struct map_dump_ops arena_dump_ops = {
	.init = arena_dump_init,
	.capture = arena_dump_capture,
	.stoppable = true,
};
