// SPDX-License-Identifier: GPL-2.0
/*
 * Local storage: TASK_STORAGE, CGRP_STORAGE, INODE_STORAGE, SK_STORAGE.
 * Every element with its owner's identity. The map's buckets
 * (include/linux/bpf_local_storage.h) are walked under RCU without their
 * locks, as the kernel's own sk storage iterator does
 * (net/core/bpf_sk_storage.c, bpf_sk_storage_map_seq_find_next): an
 * element whose storage was unlinked is skipped.
 *
 * The owner itself is not protected by that walk (a task is freed right
 * after its storage, kernel/fork.c, free_task), so its fields are read
 * with copy_from_kernel_nofault(). Nothing under RCU may sleep: each
 * bucket is counted first, room is made, then it is copied.
 *
 * Inside the stop, a task owner's fields are read directly: free_task()
 * frees the task only after bpf_task_storage_free() has returned, and
 * that destroy unlinks each element from its map bucket, or, where the
 * bucket lock cannot be had (7.x's resilient lock), sets the element's
 * local_storage to NULL, which the walk skips; 6.12's destroy unlinks
 * under the locks, which cannot fail (kernel/bpf/bpf_local_storage.c,
 * bpf_local_storage_destroy(); kernel/fork.c, free_task() and the
 * dup_task_struct() error path, before any storage). So an element in a
 * bucket with its storage set belongs to a task not yet freed, and in
 * the stop no CPU runs to free it while we read. Read fault-safely, the
 * three fields took a quarter of each element's time under TCG; read
 * directly, the first touch of each owner's page still took half: so
 * the stop names an owner from the identities taken before it
 * (task_ids.c), where the table holds it, and reads only the others.
 */
#include <linux/bpf.h>
#include <linux/bpf_local_storage.h>
#include <linux/cgroup.h>
#include <linux/fs.h>
#include <linux/sched.h>
#include <net/sock.h>
#include "../scxdump.h"

/* A bucket longer than this is being filled faster than we read. */
#define STORAGE_MAX_BUCKET_LEN	BIT(16)

/* Entries filled in runs of up to this many (maplib_entry_run()). */
#define STORAGE_RUN	32

static void storage_dump_init(struct map_ctx *mc)
{
	mc->key_size = sizeof(struct sxd_owner);
	mc->entry_flags = SXD_ENTRIES_OWNER;
	mc->fills_entries = true;	/* storage_fill(): every byte */
}

#define storage_peek(dst, src) copy_from_kernel_nofault(&(dst), &(src), sizeof(dst))

static void storage_owner_task(struct map_ctx *mc, struct sxd_owner *o, struct task_struct *t)
{
	o->kind = SXD_OWNER_TASK;
	/* held by the table: that very task (task_ids.c) */
	if (mc->atomic && task_ids_find(mc->task_ids, t, o)) {
		mc->owners_found++;
		return;
	}
	mc->owners_read++;
	if (mc->atomic) {	/* not freed before the stop ends (above) */
		o->pid = t->pid;
		o->tgid = t->tgid;
		memcpy(o->comm, t->comm, sizeof(o->comm));
		o->comm[sizeof(o->comm) - 1] = '\0';
		return;
	}
	storage_peek(o->pid, t->pid);
	storage_peek(o->tgid, t->tgid);
	storage_peek(o->comm, t->comm);
	o->comm[sizeof(o->comm) - 1] = '\0';
}

/*
 * A cgroup is freed right after its storage, with no grace period in
 * between (kernel/cgroup/cgroup.c, css_free_rwork_fn(): the storage is
 * freed, then the cgroup), so our RCU section does not keep the owner
 * alive. Its id is read with fault-safe copies; a reference taken by
 * that id (cgroup_get_from_id(), which only takes live cgroups and never
 * sleeps) pins a live cgroup, and when it is the very same object its
 * path is read under that reference. Ids are never reused.
 */
static void storage_owner_cgroup(struct sxd_owner *o, struct cgroup *cg)
{
	struct kernfs_node *kn = NULL;
	struct cgroup *live;

	o->kind = SXD_OWNER_CGROUP;
	if (storage_peek(kn, cg->kn) || !kn || storage_peek(o->id, kn->id))
		return;
	live = cgroup_get_from_id(o->id);
	if (IS_ERR(live))
		return;
	if (live == cg)
		cgroup_path(live, o->path, sizeof(o->path));
	cgroup_put(live);
}

static void storage_owner_inode(struct sxd_owner *o, struct inode *inode)
{
	struct super_block *sb = NULL;

	o->kind = SXD_OWNER_INODE;
	storage_peek(o->id, inode->i_ino);
	if (!storage_peek(sb, inode->i_sb) && sb)
		storage_peek(o->dev, sb->s_dev);
}

static void storage_owner_sock(struct sxd_owner *o, struct sock *sk)
{
	struct sock_common *c = &sk->__sk_common;
	__be16 dport = 0;

	o->kind = SXD_OWNER_SOCK;
	storage_peek(o->family, c->skc_family);
	storage_peek(o->sport, c->skc_num);
	if (!storage_peek(dport, c->skc_dport))
		o->dport = ntohs(dport);
	if (o->family == AF_INET) {
		storage_peek(*(__be32 *)o->saddr, c->skc_rcv_saddr);
		storage_peek(*(__be32 *)o->daddr, c->skc_daddr);
#if IS_ENABLED(CONFIG_IPV6)
	} else if (o->family == AF_INET6) {
		copy_from_kernel_nofault(o->saddr, &c->skc_v6_rcv_saddr, 16);
		copy_from_kernel_nofault(o->daddr, &c->skc_v6_daddr, 16);
#endif
	}
}

static void storage_owner(struct map_ctx *mc, void *owner, struct sxd_owner *o)
{
	memset(o, 0, sizeof(*o));
	switch (mc->map->map_type) {
	case BPF_MAP_TYPE_TASK_STORAGE:
		storage_owner_task(mc, o, owner);
		break;
	case BPF_MAP_TYPE_CGRP_STORAGE:
		storage_owner_cgroup(o, owner);
		break;
	case BPF_MAP_TYPE_INODE_STORAGE:
		storage_owner_inode(o, owner);
		break;
	case BPF_MAP_TYPE_SK_STORAGE:
		storage_owner_sock(o, owner);
		break;
	default:
		break;
	}
}

static u32 storage_bucket_len(struct bpf_local_storage_map_bucket *b)
{
	struct bpf_local_storage_elem *selem;
	u32 n = 0;

	rcu_read_lock();
	hlist_for_each_entry_rcu(selem, &b->list, map_node) {
		if (++n == STORAGE_MAX_BUCKET_LEN)
			break;
	}
	rcu_read_unlock();
	return n;
}

/* One entry: the owner, then the value and its pad, every byte written. */
static void storage_fill(struct map_ctx *mc, void *owner,
			 struct bpf_local_storage_elem *selem, u8 *slot)
{
	u32 size = mc->map->value_size;
	u8 *v = maplib_entry_value(mc, slot, 0);

	storage_owner(mc, owner, (struct sxd_owner *)slot);
	memcpy(v, SDATA(selem)->data, size);
	memset(v + size, 0, sxd_align(size) - size);
}

/*
 * Copy the elements of @b, in runs of entries (the stop's clock read once
 * a run). When the walk must stop (no room, or the stop's time), the rest
 * of this bucket is still counted, exactly.
 */
static void storage_bucket_copy(struct map_ctx *mc, struct bpf_local_storage_map_bucket *b)
{
	struct bpf_local_storage_elem *selem;
	struct bpf_local_storage *ls;
	u32 n = 0, filled = 0, room = 0;
	u8 *run = NULL;
	void *owner;

	rcu_read_lock();
	hlist_for_each_entry_rcu(selem, &b->list, map_node) {
		if (++n > STORAGE_MAX_BUCKET_LEN) {
			mc->flags |= SXD_MAP_ITER_LIMIT | SXD_MAP_OMITTED_MORE;
			mc->reason = "a bucket longer than 65536 elements: the rest not read";
			break;
		}
		ls = rcu_dereference(selem->local_storage);
		owner = ls ? READ_ONCE(ls->owner) : NULL;
		if (!owner)
			continue;	/* being unlinked */
		if (filled == room) {
			if (filled)
				maplib_entry_run_commit(mc, filled);
			filled = 0;
			/* NULL once stopped; checks the budget */
			run = maplib_entry_run(mc, STORAGE_RUN, &room);
			if (!run) {
				room = 0;
				if (mc->over_budget)
					break;	/* undone and captured again after the stop */
				mc->nr_omitted++;
				continue;
			}
		}
		storage_fill(mc, owner, selem, run + (size_t)filled++ * mc->entry_size);
	}
	if (filled)
		maplib_entry_run_commit(mc, filled);
	rcu_read_unlock();
}

/* How the owners were named (SXD_INFO_OWNERS): from the table, or read. */
static void storage_owners_info(struct map_ctx *mc)
{
	u64 val[6] = { mc->owners_found, mc->owners_read };

	task_ids_info(mc->task_ids, val);
	maplib_info(mc, SXD_INFO_OWNERS, val, ARRAY_SIZE(val), NULL, 0);
}

/*
 * The kernel uses few buckets (max(2, roundup_pow_of_two(nr_cpus))), so
 * one bucket can hold thousands of owners: a bucket is counted, the
 * dump's room for it made (which may sleep), then it is copied under RCU
 * with full blocks flushed into that room. Inside the stop the room is
 * there already and nothing is counted.
 */
static int storage_dump_capture(struct map_ctx *mc)
{
	struct bpf_local_storage_map *smap =
		container_of(mc->map, struct bpf_local_storage_map, map);
	u32 i, n, nr_buckets = 1u << smap->bucket_log;
	bool fixed;

	for (i = 0; i < nr_buckets && maplib_walk_yield(mc); i++) {
		n = mc->atomic ? 1 : storage_bucket_len(&smap->buckets[i]);
		if (!n)
			continue;
		if (mc->counting) {
			mc->nr_omitted += n;
			if (mc->nr_omitted >= mc->count_cap)
				break;
			continue;
		}
		/* and slack for owners that come between the two walks */
		fixed = maplib_nosleep_begin(mc, (u64)n + n / 8 + 16);
		storage_bucket_copy(mc, &smap->buckets[i]);
		maplib_nosleep_end(mc, fixed);
		if (mc->stop)
			break;
	}
	/* buckets not reached: the kernel keeps no count of their owners */
	if (i + 1 < nr_buckets)
		maplib_walk_rest(mc, 0, SXD_MAP_OMITTED_MORE);
	if (mc->map->map_type == BPF_MAP_TYPE_TASK_STORAGE && !mc->over_budget)
		storage_owners_info(mc);
	return 0;
}

const struct map_dump_ops storage_dump_ops = {
	.init = storage_dump_init,
	.capture = storage_dump_capture,
	.stoppable = true,
};
