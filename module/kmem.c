// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel objects behind kptrs: a map value may hold a referenced or
 * unreferenced kptr to a cpumask, a task or a cgroup (the kernel's own
 * BTF types, klayout's *_type_id). While the value is captured (in the
 * stop or under RCU: nothing here sleeps or allocates), what identifies
 * the pointee is copied into the map's struct map_kmems; after the map,
 * kmem_write() writes each pointee once as a KMEM record, which the
 * decoder finds by address. Every read of a pointee is fault-safe: the
 * program may drop its reference, and the object be freed, at any time.
 */
#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/cgroup-defs.h>
#include <linux/cpumask.h>
#include <linux/kernfs.h>
#include <linux/sched.h>
#include <linux/sort.h>
#include <linux/uaccess.h>
#include "capture.h"
#include "kmem.h"

/* A kptr field to kernel type @type_id of the kernel's own BTF? */
static bool kmem_kptr_to(const struct btf_field *f, s32 type_id)
{
	return (f->type & (BPF_KPTR_REF | BPF_KPTR_UNREF)) && type_id > 0 &&
	       f->kptr.btf_id == type_id && f->kptr.btf &&
	       *(u32 *)((u8 *)f->kptr.btf + klayout.btf_id) == 1;	/* vmlinux */
}

/* What the capture copies behind kptr @f: an enum sxd_kmem_kind, or 0. */
static u32 kmem_kptr_kind(const struct btf_field *f)
{
	if (kmem_kptr_to(f, klayout.cpumask_type_id))
		return SXD_KMEM_CPUMASK;
	if (kmem_kptr_to(f, klayout.task_type_id))
		return SXD_KMEM_TASK;
	if (kmem_kptr_to(f, klayout.cgroup_type_id))
		return SXD_KMEM_CGROUP;
	return 0;
}

/*
 * The string at kernel address @src into @dst (@len bytes, NUL-ended),
 * byte by byte up to its NUL: never past the string's end, whatever
 * follows it. Its length, or -1 if a byte faulted.
 */
static int kmem_kstr(char *dst, const char *src, u32 len)
{
	u32 i;

	for (i = 0; src && i < len - 1; i++) {
		if (copy_from_kernel_nofault(&dst[i], src + i, 1))
			return -1;
		if (!dst[i])
			return i;
	}
	dst[i] = '\0';
	return i;
}

/* Components of a cgroup's path read at most: deeper ones are cut. */
#define KMEM_CGROUP_DEPTH	32

/*
 * @g->path: @kn's path from its hierarchy's root, read up the parent
 * links (klayout.kn_parent) g->level times, each read fault-safe: a node
 * freed or renamed meanwhile gives a wrong or empty component, never a
 * fault. Longer than the field, its last characters after "...".
 */
static void kmem_cgroup_path(struct sxd_kmem_cgroup *g, struct kernfs_node *kn)
{
	char buf[256], comp[64];
	u32 pos = sizeof(buf) - 1, depth;
	const char *name;
	bool cut = false;
	int n;

	buf[pos] = '\0';
	if (klayout.kn_parent < 0)
		return;
	for (depth = 0; (s32)depth < g->level && kn; depth++) {
		n = -1;
		if (depth < KMEM_CGROUP_DEPTH &&
		    !copy_from_kernel_nofault(&name, &kn->name, sizeof(name)))
			n = kmem_kstr(comp, name, sizeof(comp));
		if (n < 0 || n + 1 > pos) {
			cut = true;
			break;
		}
		pos -= n;
		memcpy(buf + pos, comp, n);
		buf[--pos] = '/';
		if (copy_from_kernel_nofault(&kn, (u8 *)kn + klayout.kn_parent, sizeof(kn)))
			kn = NULL;
	}
	if ((s32)depth < g->level)
		cut = true;		/* a link that faulted: the top is missing */
	else if (!depth)
		buf[--pos] = '/';	/* the root */
	if (cut || sizeof(buf) - 1 - pos > sizeof(g->path) - 1) {
		u32 keep = min_t(u32, sizeof(buf) - 1 - pos, sizeof(g->path) - 4);

		memcpy(g->path, "...", 3);
		memcpy(g->path + 3, buf + sizeof(buf) - 1 - keep, keep + 1);
		return;
	}
	memcpy(g->path, buf + pos, sizeof(buf) - pos);
}

/*
 * Copy what identifies the pointee of a kptr of @kind at @ptr into @m.
 * The pointee may be freed under us (a kptr's reference is the map's, and
 * the program can drop it at any time): every read is fault-safe, and
 * what faulted is not written. False if nothing could be read.
 */
static bool kmem_read(u32 kind, u64 ptr, u64 *bits, u32 *len)
{
	u32 words = min_t(u32, BITS_TO_LONGS(nr_cpu_ids), KMEM_WORDS);

	BUILD_BUG_ON(sizeof(struct sxd_kmem_task) > KMEM_WORDS * 8 ||
		     sizeof(struct sxd_kmem_cgroup) > KMEM_WORDS * 8);
	memset(bits, 0, KMEM_WORDS * 8);
	switch (kind) {
	case SXD_KMEM_CPUMASK:
		*len = words * 8;
		return !copy_from_kernel_nofault(bits, (void *)(ptr + klayout.cpumask_bits),
						 *len);
	case SXD_KMEM_TASK: {
		struct sxd_kmem_task *t = (void *)bits;
		struct task_struct *p = (void *)ptr;

		*len = sizeof(*t);
		if (copy_from_kernel_nofault(&t->pid, &p->pid, sizeof(t->pid)) ||
		    copy_from_kernel_nofault(&t->tgid, &p->tgid, sizeof(t->tgid)) ||
		    copy_from_kernel_nofault(t->comm, p->comm, sizeof(t->comm)))
			return false;
		t->comm[sizeof(t->comm) - 1] = '\0';
		return true;
	}
	case SXD_KMEM_CGROUP: {
		struct sxd_kmem_cgroup *g = (void *)bits;
		struct cgroup *cgrp = (void *)ptr;
		struct kernfs_node *kn;
		const char *name;

		*len = sizeof(*g);
		if (copy_from_kernel_nofault(&kn, &cgrp->kn, sizeof(kn)) || !kn ||
		    copy_from_kernel_nofault(&g->level, &cgrp->level, sizeof(g->level)) ||
		    copy_from_kernel_nofault(&g->id, &kn->id, sizeof(g->id)) ||
		    copy_from_kernel_nofault(&name, &kn->name, sizeof(name)))
			return false;
		if (kmem_kstr(g->name, name, sizeof(g->name)) < 0)
			g->name[0] = '\0';
		kmem_cgroup_path(g, kn);
		return true;
	}
	}
	return false;
}

void kmem_read_value(struct map_kmems *k, const struct bpf_map *map, const u8 *value)
{
	const struct btf_record *rec = map->record;
	u32 i, kind;
	u64 ptr;

	for (i = 0; i < rec->cnt; i++) {
		const struct btf_field *f = &rec->fields[i];

		kind = kmem_kptr_kind(f);
		if (!kind || f->offset + sizeof(ptr) > map->value_size)
			continue;
		memcpy(&ptr, value + f->offset, sizeof(ptr));
		if (!ptr)
			continue;
		if (k->nr == KMEM_MAX) {
			k->nr_over++;
			continue;
		}
		if (!kmem_read(kind, ptr, k->m[k->nr].bits, &k->m[k->nr].len)) {
			k->nr_unreadable++;
			continue;
		}
		k->m[k->nr].kind = kind;
		k->m[k->nr++].addr = ptr;
	}
}

bool kmem_map_has_kptr(const struct bpf_map *map)
{
	const struct btf_record *rec = map->record;
	u32 i;

	for (i = 0; !IS_ERR_OR_NULL(rec) && i < rec->cnt; i++) {
		if (kmem_kptr_kind(&rec->fields[i]))
			return true;
	}
	return false;
}

static int kmem_cmp(const void *a, const void *b)
{
	const struct map_kmem *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/*
 * The pointees sorted first (in place, sort() allocates nothing): inside
 * the stop, comparing each with
 * every one before it took half a million comparisons for 1024 pointees,
 * past the time budget; the decoder finds them by address in any order.
 */
void kmem_write(struct capture *c, struct bpf_map *map, struct map_kmems *k)
{
	struct sxd_kmem r = { 0 };
	struct dump_iov iov[2];
	bool cpumask = false;
	u32 i;

	if (k->nr_over)
		capture_error(c, -E2BIG, "map %s: %u kptr pointees past the first %u not read",
			      map->name, k->nr_over, KMEM_MAX);
	if (k->nr_unreadable)
		capture_error(c, -EFAULT, "map %s: %u kptr pointees freed while read",
			      map->name, k->nr_unreadable);
	sort(k->m, k->nr, sizeof(k->m[0]), kmem_cmp, NULL);
	for (i = 0; i < k->nr; i++) {
		if (i && k->m[i - 1].addr == k->m[i].addr)
			continue;	/* the same pointee in another value */
		cpumask |= k->m[i].kind == SXD_KMEM_CPUMASK;
		r.addr = k->m[i].addr;
		r.kind = k->m[i].kind;
		r.nr_bits = k->m[i].len * 8;
		iov[0] = (struct dump_iov){ &r, sizeof(r) };
		iov[1] = (struct dump_iov){ k->m[i].bits, k->m[i].len };
		dump_writer_record(&c->w, SXD_REC_KMEM, iov, 2);
	}
	if (BITS_TO_LONGS(nr_cpu_ids) > KMEM_WORDS && cpumask)
		capture_error(c, -E2BIG, "map %s: cpumask bits of CPUs past %u not read",
			      map->name, KMEM_WORDS * 64 - 1);
}

/* What the KMEM records of one map take at most, for the size estimate. */
u64 kmem_bytes_max(void)
{
	return KMEM_MAX * sxd_align(sizeof(struct sxd_kmem) + KMEM_WORDS * 8);
}
