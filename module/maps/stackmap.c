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
#define SXD_MAX_SYMS	8192

static void sxd_stackmap_init(struct sxd_map_ctx *mc)
{
	mc->value_size = sizeof(u64) + mc->map->value_size;
	mc->entry_flags = SXD_ENTRIES_STACK;
}

static int sxd_u64_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* One record of every distinct address in the map's traces. */
static void sxd_stackmap_symbols(struct sxd_map_ctx *mc, u64 *pcs, u32 n)
{
	struct sxd_symbols r = { };
	struct sxd_iov iov[2];
	struct sxd_sym *syms;
	u32 i, m = 0;

	sort(pcs, n, sizeof(*pcs), sxd_u64_cmp, NULL);
	for (i = 0; i < n; i++) {
		if (!i || pcs[i] != pcs[m - 1])
			pcs[m++] = pcs[i];
	}
	syms = kvcalloc(m, sizeof(*syms), GFP_KERNEL);
	if (!syms) {
		mc->reason = mc->reason ?: "addresses not symbolised: out of memory";
		return;
	}
	for (i = 0; i < m; i++) {
		syms[i].addr = pcs[i];
		snprintf(syms[i].name, sizeof(syms[i].name), "%pS", (void *)pcs[i]);
	}
	r.nr = m;
	iov[0] = (struct sxd_iov){ &r, sizeof(r) };
	iov[1] = (struct sxd_iov){ syms, (size_t)m * sizeof(*syms) };
	sxw_record(mc->w, SXD_REC_SYMBOLS, iov, 2);
	kvfree(syms);
}

static int sxd_stackmap_capture(struct sxd_map_ctx *mc)
{
	u8 *smap = (u8 *)mc->map;
	bool build_id = mc->map->map_flags & BPF_F_STACK_BUILD_ID;
	u32 esize = build_id ? sizeof(struct bpf_stack_build_id) : sizeof(u64);
	u32 n_buckets, i, nr, hash, nr_pcs = 0;
	u8 **buckets, *b, *slot;
	u64 *pcs = NULL, val[2];

	if (!sxd_l.ok_stackmap)
		return sxd_missing_layout(mc, sxd_l.missing_stackmap);
	n_buckets = *(u32 *)(smap + sxd_l.smap_n_buckets);
	buckets = (u8 **)(smap + sxd_l.smap_buckets);
	val[0] = n_buckets;
	val[1] = esize;
	sxd_map_info(mc, SXD_INFO_STACKMAP, val, ARRAY_SIZE(val), NULL, 0);
	if (!build_id) {
		pcs = kvmalloc_array(SXD_MAX_SYMS, sizeof(*pcs), GFP_KERNEL);
		if (!pcs)
			mc->reason = "addresses not symbolised: out of memory";
	}
	for (i = 0; i < n_buckets; i++) {
		b = READ_ONCE(buckets[i]);
		if (!b)
			continue;
		slot = sxd_entry_slot(mc);
		if (!slot)
			break;	/* no room left (stack maps are not counted) */
		hash = READ_ONCE(*(u32 *)(b + sxd_l.sbucket_hash));
		nr = min(READ_ONCE(*(u32 *)(b + sxd_l.sbucket_nr)),
			 mc->map->value_size / esize);
		memcpy(sxd_entry_value(mc, slot, 0) + sizeof(u64), b + sxd_l.sbucket_data,
		       (size_t)nr * esize);
		if (READ_ONCE(buckets[i]) != b ||
		    READ_ONCE(*(u32 *)(b + sxd_l.sbucket_hash)) != hash)
			continue;	/* replaced while we copied it */
		*(u64 *)sxd_entry_value(mc, slot, 0) = nr;
		memcpy(slot, &i, sizeof(i));
		if (pcs) {
			u64 *ips = (u64 *)(sxd_entry_value(mc, slot, 0) + sizeof(u64));
			u32 k;

			for (k = 0; k < nr && nr_pcs < SXD_MAX_SYMS; k++)
				pcs[nr_pcs++] = ips[k];
			if (k < nr)
				mc->reason = "more than 8192 addresses: the rest not symbolised";
		}
		sxd_entry_commit(mc);
		sxd_walk_yield(mc);
	}
	/* buckets not reached: the kernel keeps no count of them */
	sxd_walk_rest(mc, 0, SXD_MAP_OMITTED_MORE);
	if (pcs && nr_pcs)
		sxd_stackmap_symbols(mc, pcs, nr_pcs);
	kvfree(pcs);
	return 0;
}

const struct sxd_map_ops sxd_stackmap_ops = {
	.init = sxd_stackmap_init,
	.capture = sxd_stackmap_capture,
};
