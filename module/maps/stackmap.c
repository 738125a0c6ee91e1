// SPDX-License-Identifier: GPL-2.0
/*
 * BPF_MAP_TYPE_STACK_TRACE: every stored trace, and its addresses
 * symbolised here, where the kernel's symbols are. Lookup through the map
 * ops is not possible (it returns -EOPNOTSUPP, and the syscall's path swaps
 * the bucket out), so the buckets of the private struct bpf_stack_map are
 * read in place (kernel/bpf/stackmap.c): all of them are preallocated for
 * the map's life, a writer replaces one with xchg(), so a bucket that
 * changed while we copied it is dropped.
 */
#include <linux/bpf.h>
#include <linux/kallsyms.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include "../scxdump.h"

/* Distinct addresses symbolised per map; the rest stay bare. */
#define STACKMAP_MAX_SYMS	8192

static void stackmap_dump_init(struct map_ctx *mc)
{
	mc->value_size = sizeof(u64) + mc->map->value_size;
	mc->entry_flags = SXD_ENTRIES_STACK;
}

static int stackmap_u64_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* One record of every distinct address in the map's traces. */
static void stackmap_symbols(struct map_ctx *mc, u64 *pcs, u32 n)
{
	struct sxd_symbols r = { };
	struct dump_iov iov[2];
	struct sxd_sym *syms;
	u32 i, m = 0;

	sort(pcs, n, sizeof(*pcs), stackmap_u64_cmp, NULL);
	for (i = 0; i < n; i++) {
		if (!i || pcs[i] != pcs[m - 1])
			pcs[m++] = pcs[i];
	}
	syms = sxd_alloc(kvcalloc(m, sizeof(*syms), GFP_KERNEL));
	if (!syms) {
		mc->reason = mc->reason ?: "addresses not symbolised: out of memory";
		return;
	}
	for (i = 0; i < m; i++) {
		syms[i].addr = pcs[i];
		snprintf(syms[i].name, sizeof(syms[i].name), "%pS", (void *)pcs[i]);
	}
	r.nr = m;
	iov[0] = (struct dump_iov){ &r, sizeof(r) };
	iov[1] = (struct dump_iov){ syms, (size_t)m * sizeof(*syms) };
	maplib_entries_flush(mc);	/* the traces' record is closed first */
	dump_writer_record(mc->w, SXD_REC_SYMBOLS, iov, 2);
	kvfree(syms);
}

static int stackmap_dump_capture(struct map_ctx *mc)
{
	u8 *smap = (u8 *)mc->map;
	bool build_id = mc->map->map_flags & BPF_F_STACK_BUILD_ID;
	u32 esize = build_id ? sizeof(struct bpf_stack_build_id) : sizeof(u64);
	u32 n_buckets, i, nr, hash, nr_pcs = 0;
	u8 **buckets, *b, *slot;
	u64 *pcs = NULL, val[2];

	if (!klayout.ok_stackmap)
		return maplib_missing_layout(mc, klayout.missing_stackmap);
	n_buckets = *(u32 *)(smap + klayout.smap_n_buckets);
	buckets = (u8 **)(smap + klayout.smap_buckets);
	val[0] = n_buckets;
	val[1] = esize;
	maplib_info(mc, SXD_INFO_STACKMAP, val, ARRAY_SIZE(val), NULL, 0);
	if (!build_id) {
		pcs = sxd_alloc(kvmalloc_array(STACKMAP_MAX_SYMS, sizeof(*pcs), GFP_KERNEL));
		if (!pcs)
			mc->reason = "addresses not symbolised: out of memory";
	}
	for (i = 0; i < n_buckets; i++) {
		b = READ_ONCE(buckets[i]);
		if (!b)
			continue;
		slot = maplib_entry_slot(mc);
		if (!slot)
			break;	/* no room left (stack maps are not counted) */
		hash = READ_ONCE(*(u32 *)(b + klayout.sbucket_hash));
		nr = min(READ_ONCE(*(u32 *)(b + klayout.sbucket_nr)),
			 mc->map->value_size / esize);
		memcpy(maplib_entry_value(mc, slot, 0) + sizeof(u64), b + klayout.sbucket_data,
		       (size_t)nr * esize);
		if (READ_ONCE(buckets[i]) != b ||
		    READ_ONCE(*(u32 *)(b + klayout.sbucket_hash)) != hash)
			continue;	/* replaced while we copied it */
		*(u64 *)maplib_entry_value(mc, slot, 0) = nr;
		memcpy(slot, &i, sizeof(i));
		if (pcs) {
			u64 *ips = (u64 *)(maplib_entry_value(mc, slot, 0) + sizeof(u64));
			u32 k;

			for (k = 0; k < nr && nr_pcs < STACKMAP_MAX_SYMS; k++)
				pcs[nr_pcs++] = ips[k];
			if (k < nr)
				mc->reason = "more than 8192 addresses: the rest not symbolised";
		}
		maplib_entry_commit(mc);
		maplib_walk_yield(mc);
	}
	/* buckets not reached: the kernel keeps no count of them */
	maplib_walk_rest(mc, 0, SXD_MAP_OMITTED_MORE);
	if (pcs && nr_pcs)
		stackmap_symbols(mc, pcs, nr_pcs);
	kvfree(pcs);
	return 0;
}

const struct map_dump_ops stackmap_dump_ops = {
	.init = stackmap_dump_init,
	.capture = stackmap_dump_capture,
};
