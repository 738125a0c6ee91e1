// SPDX-License-Identifier: GPL-2.0
/*
 * Pointer fields of map values, from the programs' instructions (infer.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include "index.h"
#include "infer.h"

/* What a register holds, as far as this pass knows. */
enum reg_kind { REG_NONE, REG_MAP, REG_VALUE, REG_LOADED };

struct reg {
	enum reg_kind kind;
	uint32_t map;			/* the program's map slot */
	int64_t off;			/* REG_VALUE: into the value; REG_LOADED: of the field */
};

struct pass {
	const struct sxd_prog_insns *p;
	const struct sxd_prog_map *maps;
	struct infer_index *ix;
	size_t cap;
	int err;
};

static void mark(struct pass *ps, const struct reg *r)
{
	const struct sxd_prog_map *m = &ps->maps[r->map];
	struct infer_field *n;

	if (m->map_index == SXD_NO_INDEX || r->off < 0 || r->off + 8 > m->value_size)
		return;
	if (ps->ix->nr == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 64;
		n = realloc(ps->ix->f, ps->cap * sizeof(*n));
		if (!n) {
			ps->err = -ENOMEM;
			return;
		}
		ps->ix->f = n;
	}
	ps->ix->f[ps->ix->nr++] = (struct infer_field){ m->map_index, (uint32_t)r->off };
}

/* The program's map a 64-bit immediate names, as a register. */
static struct reg imm_reg(const struct pass *ps, uint64_t imm)
{
	uint32_t i;

	for (i = 0; i < ps->p->nr_maps; i++) {
		const struct sxd_prog_map *m = &ps->maps[i];

		if (imm == m->map_addr)
			return (struct reg){ REG_MAP, i, 0 };
		if (m->value_addr && imm >= m->value_addr && imm - m->value_addr < m->value_size)
			return (struct reg){ REG_VALUE, i, (int64_t)(imm - m->value_addr) };
	}
	return (struct reg){ REG_NONE, 0, 0 };
}

/* Is this helper call one that returns a map value of the map in r1? */
static bool returns_value(const struct sxd_prog_insns *p, int32_t imm)
{
	uint64_t fn = p->call_base + (int64_t)imm;

	return p->call_base && fn &&
	       (fn == p->fn_task_storage_get || fn == p->fn_cgrp_storage_get ||
		fn == p->fn_map_lookup_elem);
}

static void prog_pass(struct pass *ps)
{
	const struct sxd_prog_insns *p = ps->p;
	const struct bpf_insn *in = (const void *)(ps->maps + p->nr_maps);
	uint32_t n = p->nr_insns, i;
	struct reg regs[MAX_BPF_REG + 1] = { 0 };
	uint8_t *target = calloc(n + 1, 1);

	if (!target) {
		ps->err = -ENOMEM;
		return;
	}
	/* jump targets: what reaches them may hold anything */
	for (i = 0; i < n; i++) {
		uint8_t cls = BPF_CLASS(in[i].code), op = BPF_OP(in[i].code);
		int64_t t;

		if (in[i].code == (BPF_LD | BPF_IMM | BPF_DW)) {
			i++;
			continue;
		}
		if ((cls != BPF_JMP && cls != BPF_JMP32) || op == BPF_CALL || op == BPF_EXIT)
			continue;
		t = (int64_t)i + 1 + (cls == BPF_JMP32 && op == BPF_JA ? in[i].imm : in[i].off);
		if (t >= 0 && t < n)
			target[t] = 1;
	}
	for (i = 0; i < n && !ps->err; i++) {
		const struct bpf_insn *x = &in[i];
		uint8_t cls = BPF_CLASS(x->code), op = BPF_OP(x->code);
		uint8_t d = x->dst_reg & 0xf, s = x->src_reg & 0xf;
		struct reg *dr, *sr;

		if (target[i])
			memset(regs, 0, sizeof(regs));
		if (d > MAX_BPF_REG || s > MAX_BPF_REG)
			continue;
		dr = &regs[d];
		sr = &regs[s];
		switch (cls) {
		case BPF_LD:
			if (x->code == (BPF_LD | BPF_IMM | BPF_DW) && i + 1 < n) {
				*dr = imm_reg(ps, (uint32_t)x->imm | (uint64_t)(uint32_t)x[1].imm << 32);
				i++;
			} else {
				regs[0] = (struct reg){ REG_NONE, 0, 0 };
			}
			break;
		case BPF_LDX:
			if (sr->kind == REG_LOADED)
				mark(ps, sr);
			if (sr->kind == REG_VALUE && BPF_SIZE(x->code) == BPF_DW)
				*dr = (struct reg){ REG_LOADED, sr->map, sr->off + x->off };
			else
				*dr = (struct reg){ REG_NONE, 0, 0 };
			break;
		case BPF_ST:
		case BPF_STX:
			if (dr->kind == REG_LOADED)
				mark(ps, dr);
			if (BPF_MODE(x->code) == BPF_ATOMIC) {
				*sr = (struct reg){ REG_NONE, 0, 0 };
				regs[0] = (struct reg){ REG_NONE, 0, 0 };
			}
			break;
		case BPF_ALU:
		case BPF_ALU64:
			if (op == BPF_MOV && BPF_SRC(x->code) == BPF_X) {
				/* an arena cast, or the 32-bit move the verifier makes of it */
				if (x->off == 1 && sr->kind == REG_LOADED)
					mark(ps, sr);
				*dr = cls == BPF_ALU64 || sr->kind == REG_LOADED ? *sr :
				      (struct reg){ REG_NONE, 0, 0 };
			} else if (cls == BPF_ALU64 && op == BPF_ADD && BPF_SRC(x->code) == BPF_K &&
				   dr->kind == REG_VALUE) {
				dr->off += x->imm;
			} else {
				*dr = (struct reg){ REG_NONE, 0, 0 };
			}
			break;
		case BPF_JMP:
			if (op != BPF_CALL)
				break;
			if (x->src_reg == 0 && returns_value(p, x->imm) && regs[1].kind == REG_MAP)
				regs[0] = (struct reg){ REG_VALUE, regs[1].map, 0 };
			else
				regs[0] = (struct reg){ REG_NONE, 0, 0 };
			memset(&regs[1], 0, 5 * sizeof(regs[0]));
			if (x->src_reg)	/* a call into a subprogram: it may change anything */
				memset(regs, 0, sizeof(regs));
			break;
		default:
			break;
		}
	}
	ps->ix->nr_insns += n;
	free(target);
}

static int field_cmp(const void *a, const void *b)
{
	const struct infer_field *x = a, *y = b;

	if (x->map_index != y->map_index)
		return x->map_index < y->map_index ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

int infer_build(const struct dump_index *x, struct infer_index *ix)
{
	struct pass ps = { .ix = ix };
	size_t i, j;

	memset(ix, 0, sizeof(*ix));
	for (i = 0; i < x->nr_progs && !ps.err; i++) {
		ps.p = x->progs[i];
		ps.maps = (const void *)(ps.p + 1);
		prog_pass(&ps);
	}
	if (ps.err) {
		infer_free(ix);
		return ps.err;
	}
	if (ix->nr) {
		qsort(ix->f, ix->nr, sizeof(*ix->f), field_cmp);
		for (i = 1, j = 1; i < ix->nr; i++) {
			if (field_cmp(&ix->f[i], &ix->f[j - 1]))
				ix->f[j++] = ix->f[i];
		}
		ix->nr = j;
	}
	return 0;
}

void infer_free(struct infer_index *ix)
{
	free(ix->f);
	memset(ix, 0, sizeof(*ix));
}

bool infer_is_ptr(const struct infer_index *ix, uint32_t map_index, uint32_t off)
{
	struct infer_field k = { map_index, off };

	return ix && ix->nr && bsearch(&k, ix->f, ix->nr, sizeof(k), field_cmp);
}
