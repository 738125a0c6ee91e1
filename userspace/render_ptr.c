// SPDX-License-Identifier: GPL-2.0
/*
 * Pointers, as render.c meets them in a value: into captured memory (an
 * arena's pages) followed to their pointee, rendered once each within a
 * depth and a budget (RENDER_MAX_DEREFS); through a forward declaration
 * to the definition another BTF object gives; into an allocator's slot or
 * a bump allocator's block, said which; to a cpumask, task or cgroup
 * whose identity the capture copied; the address alone otherwise. What
 * the dump holds comes through struct render_mem (memory.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "render.h"
#include "render_priv.h"

static bool seen_before(struct render *r, uint64_t addr, uint32_t type)
{
	uint32_t i;

	for (i = 0; i < r->nr_seen; i++) {
		if (r->seen[i].addr == addr && r->seen[i].type == type)
			return true;
	}
	if (r->nr_seen < RENDER_MAX_DEREFS) {
		r->seen[r->nr_seen].addr = addr;
		r->seen[r->nr_seen].type = type;
		r->nr_seen++;
	}
	return false;
}

/* The pointee @pid of @btf, @psize bytes at @v, as "target" (or "seen"). */
/* The pointee @pid of @btf, read into @buf already: "target" (or "seen"). */
static void render_pointee(struct render *r, const struct btf *btf, int32_t pid,
			   const uint8_t *buf, int64_t psize, uint64_t v, int depth)
{
	const struct btf *saved = r->btf;

	if (seen_before(r, v, pid)) {
		json_kbool(r->g, "seen", true);
		return;
	}
	json_key(r->g, "target");
	r->btf = btf;
	render_type(r, pid, buf, psize, depth + 1);
	r->btf = saved;
}

/* The pointee @pid of @btf, @psize bytes at @v, read and rendered. */
static void render_target(struct render *r, const struct btf *btf, int32_t pid,
			  int64_t psize, uint64_t v, int depth)
{
	uint8_t *buf;

	if (psize <= 0 || psize > 65536 || depth >= RENDER_MAX_DEPTH ||
	    r->nr_seen >= RENDER_MAX_DEREFS || !r->mem->read || !(buf = malloc(psize))) {
		json_kstr(r->g, "error", "pointee not followed (size, depth or budget)");
		return;
	}
	if (!r->mem->read(r->mem->ctx, v, buf, psize))
		json_kstr(r->g, "error", "pointee not in the dump");
	else
		render_pointee(r, btf, pid, buf, psize, v, depth);
	free(buf);
}

/*
 * A pointer into a live allocator slot: {"addr", "slot": {...}, "target"}.
 * The target is the declared pointee when it is a complete type other
 * than the slot's header; else the payload, typed as the allocator chose
 * (its bytes, with why, when it could not).
 */
static void render_slot_ptr(struct render *r, const struct render_slot *sl, uint64_t v,
			    const char *hex, int32_t pid, int64_t psize, bool declared, int depth,
			    bool inferred)
{
	uint8_t *buf;

	json_obj(r->g);
	json_kstr(r->g, "addr", hex);
	if (inferred)
		json_kbool(r->g, "inferred", true);
	json_key(r->g, "slot");
	json_obj(r->g);
	json_kstr(r->g, "allocator", sl->allocator);
	json_kuint(r->g, "index", sl->index);
	json_kint(r->g, "idx", sl->idx);
	json_kint(r->g, "gen", sl->gen);
	json_obj_end(r->g);
	if (declared) {
		render_target(r, r->btf, pid, psize, v, depth);
	} else if (sl->btf) {
		render_target(r, sl->btf, sl->type, btf__resolve_size(sl->btf, sl->type),
			      sl->start + sl->hdr_size, depth);
	} else if (sl->payload_size && sl->payload_size <= 65536 &&
		   (buf = malloc(sl->payload_size))) {
		if (r->mem->read(r->mem->ctx, sl->start + sl->hdr_size, buf, sl->payload_size)) {
			json_key(r->g, "target");
			json_hex(r->g, buf, sl->payload_size);
		}
		json_kstr(r->g, "target_untyped", sl->why ?: "the payload's type is unknown");
		free(buf);
	}
	json_obj_end(r->g);
}

/*
 * "bump": {allocator, block, offset} when @v points into a bump
 * allocator's block (its type is the pointer's own: a bump allocator's
 * memory has none), with "past_used" when it points past what the newest
 * block handed out.
 */
static void render_bump_key(struct render *r, uint64_t v)
{
	struct render_bump b;

	if (!r->mem || !r->mem->bump || !r->mem->bump(r->mem->ctx, v, &b))
		return;
	json_key(r->g, "bump");
	json_obj(r->g);
	json_kstr(r->g, "allocator", b.allocator);
	json_kuint(r->g, "block", b.block);
	json_kuint(r->g, "offset", b.offset);
	if (b.past_used)
		json_kbool(r->g, "past_used", true);
	json_obj_end(r->g);
}

/*
 * A u64 the programs use as a pointer (infer.h): {addr, inferred: true},
 * with the slot and its typed payload when it points into a live
 * allocator slot; the address alone otherwise (no type is guessed).
 */
void render_inferred(struct render *r, const uint8_t *data, int depth)
{
	struct render_slot sl;
	uint64_t v;
	char hex[24];

	memcpy(&v, data, 8);
	snprintf(hex, sizeof(hex), "0x%" PRIx64, v);
	if (v && r->mem->slot && r->mem->slot(r->mem->ctx, v, &sl) &&
	    (v == sl.start || v == sl.start + sl.hdr_size)) {
		render_slot_ptr(r, &sl, v, hex, 0, -1, false, depth, true);
		return;
	}
	json_obj(r->g);
	json_kstr(r->g, "addr", hex);
	json_kbool(r->g, "inferred", true);
	render_bump_key(r, v);
	json_obj_end(r->g);
}

/*
 * A kptr to a task or a cgroup whose identity the capture copied:
 * {addr, pid, tgid, comm} or {addr, cgroup_id, level, name, path}.
 */
static bool render_kobj(struct render *r, uint64_t v, const char *hex)
{
	struct render_kobj o;

	if (!r->mem->kobj(r->mem->ctx, v, &o))
		return false;
	json_obj(r->g);
	json_kstr(r->g, "addr", hex);
	if (o.kind == RENDER_KOBJ_TASK) {
		json_kint(r->g, "pid", o.pid);
		json_kint(r->g, "tgid", o.tgid);
		json_kstr(r->g, "comm", o.comm);
	} else {
		json_kuint(r->g, "cgroup_id", o.cgroup_id);
		json_kint(r->g, "level", o.level);
		json_kstr(r->g, "name", o.name);
		if (o.path[0])
			json_kstr(r->g, "path", o.path);
	}
	json_obj_end(r->g);
	return true;
}

/*
 * A pointer into memory the dump holds (an arena) becomes
 * {"addr": ..., "target": pointee}, or {"addr": ..., "seen": true} when
 * that pointee was rendered already (cycles, shared nodes); a pointer to
 * a forward declaration is followed through the definition another BTF
 * object of the dump gives ({"addr", "fwd", "reason"} when none does); a
 * pointer into an allocator's live slot says which slot, one into a bump
 * allocator's block which block; any other pointer stays a hex string.
 */
void render_ptr(struct render *r, const struct btf_type *t, const uint8_t *data, size_t size,
		int depth)
{
	int32_t pid = render_skip_mods(r->btf, t->type);
	const struct btf_type *pt = pid > 0 ? btf__type_by_id(r->btf, pid) : NULL;
	const struct btf *pbtf = r->btf;
	struct render_slot sl;
	const char *why = NULL;
	uint8_t *buf;
	uint64_t v = 0;
	int64_t psize;
	uint32_t did;
	char hex[24];

	memcpy(&v, data, size < 8 ? size : 8);
	if (r->bpftool) {
		json_uint(r->g, v);
		return;
	}
	snprintf(hex, sizeof(hex), "0x%" PRIx64, v);
	if (r->mem && r->mem->cpumask && v && pt && btf_is_struct(pt) &&
	    !strcmp(render_name_of(r->btf, pt), "bpf_cpumask")) {
		const uint8_t *bits;
		uint32_t nr_bits;
		char list[1024];

		if (r->mem->cpumask(r->mem->ctx, v, &bits, &nr_bits)) {
			render_cpulist(bits, nr_bits, list, sizeof(list));
			json_obj(r->g);
			json_kstr(r->g, "addr", hex);
			json_kstr(r->g, "cpus", list);
			json_obj_end(r->g);
			return;
		}
	}
	if (r->mem && r->mem->kobj && v && pt && btf_is_struct(pt) &&
	    (!strcmp(render_name_of(r->btf, pt), "task_struct") || !strcmp(render_name_of(r->btf, pt), "cgroup")) &&
	    render_kobj(r, v, hex))
		return;
	if (v && pt && btf_is_fwd(pt) && r->mem && r->mem->fwd) {
		if (r->mem->fwd(r->mem->ctx, r->btf, render_name_of(r->btf, pt), btf_kflag(pt), &pbtf,
				&did, &why)) {
			pid = did;
			pt = btf__type_by_id(pbtf, did);
		}
	}
	psize = pt && !btf_is_fwd(pt) ? btf__resolve_size(pbtf, pid) : -1;
	if (v && r->mem && r->mem->slot && r->mem->slot(r->mem->ctx, v, &sl) &&
	    (v == sl.start || v == sl.start + sl.hdr_size)) {
		/* the header's own type (struct sdt_data) says nothing of the payload */
		bool declared = pt && psize > 0 && !btf_is_func_proto(pt) &&
				!(v == sl.start && psize <= sl.hdr_size);
		const struct btf *saved = r->btf;

		r->btf = pbtf;
		render_slot_ptr(r, &sl, v, hex, pid, psize, declared, depth, false);
		r->btf = saved;
		return;
	}
	if (v && pt && btf_is_fwd(pt) && why) {
		char fwd[160], reason[320];

		snprintf(fwd, sizeof(fwd), "%s %s", btf_kflag(pt) ? "union" : "struct",
			 render_name_of(r->btf, pt));
		/* with allocators in the dump, the slot it would type is the news */
		if (r->mem->slot)
			snprintf(reason, sizeof(reason),
				 "%s, and no live slot of the dump's allocators is at it (freed, or taken after the arena was copied)",
				 why);
		else
			snprintf(reason, sizeof(reason), "%s", why);
		json_obj(r->g);
		json_kstr(r->g, "addr", hex);
		json_kstr(r->g, "fwd", fwd);
		json_kstr(r->g, "reason", reason);
		json_obj_end(r->g);
		return;
	}
	if (!r->mem || !r->mem->read || !v || psize <= 0 || psize > 65536 || btf_is_func_proto(pt) ||
	    depth >= RENDER_MAX_DEPTH || r->nr_seen >= RENDER_MAX_DEREFS) {
		json_str(r->g, hex);
		return;
	}
	buf = malloc(psize);
	if (!buf || !r->mem->read(r->mem->ctx, v, buf, psize)) {
		json_str(r->g, hex);	/* not in the dump: the address alone */
		free(buf);
		return;
	}
	json_obj(r->g);
	json_kstr(r->g, "addr", hex);
	render_bump_key(r, v);
	render_pointee(r, pbtf, pid, buf, psize, v, depth);
	json_obj_end(r->g);
	free(buf);
}
