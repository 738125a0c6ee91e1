// SPDX-License-Identifier: GPL-2.0
/*
 * Finding a scheduler's maps. sched_ext keeps a copy of the registered
 * sched_ext_ops in struct scx_sched and no pointer back to the struct_ops
 * map, but the map's own copy (bpf_struct_ops_map.kvalue.data) has its
 * .priv set to the scx_sched when the scheduler is enabled
 * (kernel/sched/ext/ext.c, scx_alloc_and_add_sched). So: walk the map IDR
 * for the STRUCT_OPS map of type sched_ext_ops whose priv is our
 * scx_sched (on 6.12, which has no priv: whose ops equal scx_ops), then
 * each of its programs' used_maps.
 *
 * The scheduler's object often has more programs than its struct_ops
 * members (tracing programs feeding a stack map, say), and maps that only
 * user space touches. libbpf loads all of an object's programs and creates
 * all its maps with the object's BTF (prog->aux->btf, map->btf): walks of
 * the program and map IDRs pick up what shares it. A map created without
 * BTF and used by no program cannot be attributed.
 */
#include <linux/bpf.h>
#include <linux/slab.h>
#include "scxdump.h"

/* The IDR holds every map of the system; stop somewhere. */
#define DISCOVER_MAX_IDR_WALK	BIT(20)

/*
 * The map (program) with the smallest id >= *id, with a reference, *id
 * set to its id; NULL past the last. The kernel's own
 * bpf_{map,prog}_get_curr_or_next() (kernel/bpf/syscall.c, what the BPF
 * map and program iterators use): they find and pin under the IDR's lock,
 * skipping objects being freed. Not from exported pieces: 6.12's
 * bpf_map_inc_not_zero() takes map_idr_lock itself, 7.x's wants RCU and
 * no lock, and a map freed between the lookup and the pin is freed
 * without an RCU grace period on 6.12.
 */
static struct bpf_map *discover_map_next(u32 *id)
{
	return static_call(ksyms_map_next)(id);
}

static struct bpf_prog *discover_prog_next(u32 *id)
{
	return static_call(ksyms_prog_next)(id);
}

/* The map with exactly @id, with a reference, or NULL. */
struct bpf_map *discover_map_get_by_id(u32 id)
{
	u32 got = id;
	struct bpf_map *map = discover_map_next(&got);

	if (map && got != id) {
		bpf_map_put(map);
		map = NULL;
	}
	return map;
}

static bool discover_is_ops_map_of(struct bpf_map *map, struct scx_sched *sch)
{
	const struct bpf_struct_ops_desc *desc;
	const char *name;
	void *kdata;

	if (map->map_type != BPF_MAP_TYPE_STRUCT_OPS)
		return false;
	desc = *(const struct bpf_struct_ops_desc **)((u8 *)map + klayout.stmap_desc);
	if (!desc || !desc->st_ops || !desc->st_ops->name)
		return false;
	name = desc->st_ops->name;
	if (strcmp(name, "sched_ext_ops") && strcmp(name, "sched_ext_ops_cid"))
		return false;
	kdata = (u8 *)map + klayout.stmap_kdata;
	if (klayout.has_ops_priv)
		return READ_ONCE(*(void **)((u8 *)kdata + klayout.ops_priv)) == sch;
	/*
	 * 6.12 keeps no pointer back: enabling copied the registered ops,
	 * trampoline addresses and all, into scx_ops (scx_ops = *ops in
	 * scx_ops_enable()), which nothing writes again before the disable
	 * work's memset after ops.exit. Only that map's kdata equals it.
	 */
	return !memcmp(kdata, scxsched_ops(sch), klayout.ops_size);
}

static struct bpf_map *discover_ops_map(struct scx_sched *sch)
{
	struct bpf_map *map;
	u32 id = 0, n;

	for (n = 0; n < DISCOVER_MAX_IDR_WALK; n++, id++) {
		map = discover_map_next(&id);
		if (!map)
			return NULL;
		if (discover_is_ops_map_of(map, sch))
			return map;
		bpf_map_put(map);
	}
	return NULL;
}

/*
 * Add @map, taking a reference, unless it is there already. Each map is
 * looked up by its id (unique while we hold the map), so a scheduler with
 * thousands of inner maps costs no more than it holds. Past max_maps, a
 * map is left out and its id kept (an xarray value, not a map), so it is
 * counted once however often it is met. Sleeps (GFP_KERNEL).
 */
int sched_maps_add(struct sched_maps *m, struct bpf_map *map)
{
	struct bpf_map **maps;
	int err;

	if (xa_load(&m->ids, map->id))
		return 0;
	if (m->nr == m->max) {
		err = xa_insert(&m->ids, map->id, xa_mk_value(0), GFP_KERNEL);
		if (!err)
			m->nr_over++;
		else if (err != -EBUSY)
			m->nr_nomem++;
		return 0;
	}
	if (m->nr == m->cap) {
		u32 cap = min(m->cap ? m->cap * 2 : 16, m->max);

		maps = sxd_alloc(kvmalloc_array(cap, sizeof(*maps), GFP_KERNEL));
		if (!maps) {
			m->nr_nomem++;
			return -ENOMEM;
		}
		if (m->nr)
			memcpy(maps, m->maps, m->nr * sizeof(*maps));
		kvfree(m->maps);
		m->maps = maps;
		m->cap = cap;
	}
	err = xa_insert(&m->ids, map->id, map, GFP_KERNEL);
	if (err) {
		m->nr_nomem++;
		return err;
	}
	bpf_map_inc(map);
	m->maps[m->nr++] = map;
	return 0;
}

static bool discover_is_prog_btf(const struct sched_maps *m, const struct btf *btf)
{
	u32 i;

	for (i = 0; btf && i < m->nr_prog_btfs; i++) {
		if (m->prog_btfs[i] == btf)
			return true;
	}
	return false;
}

/*
 * Each program of the struct_ops map @st_map, walked as the kernel's own
 * bpf_struct_ops_for_each_prog() does (7.x exports it, 6.12 has none):
 * links[0, funcs_cnt), empty slots skipped. The links are set when the
 * map is updated and dropped only when it is freed or its update fails,
 * and the caller holds a reference on the map, which has been registered
 * (the scheduler runs from it). funcs_cnt is the ops' member count.
 */
int discover_walk_progs(struct bpf_map *st_map,
			int (*cb)(struct bpf_prog *prog, void *data), void *data)
{
	struct bpf_link **links, *link;
	u32 i, n;
	int err;

	if (!klayout.ok_stmap)
		return -EOPNOTSUPP;
	links = READ_ONCE(*(struct bpf_link ***)((u8 *)st_map + klayout.stmap_links));
	n = READ_ONCE(*(u32 *)((u8 *)st_map + klayout.stmap_funcs_cnt));
	for (i = 0; links && i < n; i++) {
		link = READ_ONCE(links[i]);
		if (!link || !link->prog)
			continue;
		err = cb(link->prog, data);
		if (err)
			return err;
	}
	return 0;
}

/* discover_walk_progs() callback: the program's maps. */
static int discover_prog_maps(struct bpf_prog *prog, void *data)
{
	struct bpf_prog_aux *aux = prog->aux;
	struct sched_maps *m = data;
	int err = 0;
	u32 i;

	if (aux->btf && !discover_is_prog_btf(m, aux->btf)) {
		if (m->nr_prog_btfs < DISCOVER_MAX_PROG_BTFS)
			m->prog_btfs[m->nr_prog_btfs++] = aux->btf;
		else
			m->prog_btfs_overflow = true;
	}

	mutex_lock(&aux->used_maps_mutex);
	for (i = 0; i < aux->used_map_cnt && !err; i++)
		err = sched_maps_add(m, aux->used_maps[i]);
	mutex_unlock(&aux->used_maps_mutex);
	return err;
}

/* Add the maps created with one of the programs' BTF objects. */
static int discover_sibling_maps(struct sched_maps *m)
{
	struct bpf_prog *prog;
	struct bpf_map *map;
	u32 id = 0, n;
	int err = 0;

	if (!m->nr_prog_btfs)
		return 0;
	for (n = 0; n < DISCOVER_MAX_IDR_WALK && !err; n++, id++) {
		prog = discover_prog_next(&id);
		if (!prog)
			break;
		if (discover_is_prog_btf(m, prog->aux->btf))
			err = discover_prog_maps(prog, m);
		bpf_prog_put(prog);
	}
	for (n = 0, id = 0; n < DISCOVER_MAX_IDR_WALK && !err; n++, id++) {
		map = discover_map_next(&id);
		if (!map)
			break;
		if (discover_is_prog_btf(m, map->btf))
			err = sched_maps_add(m, map);
		bpf_map_put(map);
	}
	return err;
}

/*
 * Fill @m with the scheduler's struct_ops map followed by every map its
 * programs use, each with a reference (sched_maps_release() drops them).
 */
int discover_maps(struct scx_sched *sch, struct sched_maps *m)
{
	struct bpf_map *st_map;
	int err;

	memset(m, 0, sizeof(*m));
	xa_init(&m->ids);
	m->max = READ_ONCE(opt_max_maps);
	st_map = discover_ops_map(sch);
	if (!st_map)
		return -ENOENT;
	/*
	 * m->ops_map is kept only while m->maps[0] holds a reference on it
	 * (dropped by sched_maps_release()): added to an empty list, the map
	 * is maps[0] whenever sched_maps_add() succeeds. When it fails, the
	 * only reference is ours and goes now: a pointer kept then would be
	 * read after the map is unregistered and freed (insns_write(),
	 * scxsched_write_prog_stats()). The caller records the error, and
	 * without ops_map those parts are left out.
	 */
	err = sched_maps_add(m, st_map);
	if (!err && m->nr == 1 && m->maps[0] == st_map)
		m->ops_map = st_map;
	bpf_map_put(st_map);
	if (err)
		return err;
	if (!m->ops_map)
		return -ENOMEM;	/* not listed (cannot happen: an empty list) */
	err = discover_walk_progs(st_map, discover_prog_maps, m);
	if (err)
		return err;
	return discover_sibling_maps(m);
}

void sched_maps_release(struct sched_maps *m)
{
	u32 i;

	for (i = 0; i < m->nr; i++)
		bpf_map_put(m->maps[i]);
	kvfree(m->maps);
	xa_destroy(&m->ids);
	memset(m, 0, sizeof(*m));
}
