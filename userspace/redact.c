// SPDX-License-Identifier: GPL-2.0
/*
 * scxdump redact IN OUT: a copy of a dump that can be shared without
 * telling where the kernel is (KASLR), which still decodes as the
 * original does.
 *
 * Kernel addresses are replaced consistently: every address the dump
 * holds (symbols, kernel objects behind kptrs, the programs' map and
 * helper addresses and the 64-bit immediates naming them, pointer-sized
 * fields of map values, hexadecimal addresses in the kernel's messages) is
 * collected in a first pass, the addresses are grouped into clusters
 * (those within a page of each other, and the ranges an offset is taken
 * within: a map's values, the helpers a program calls relative to one
 * base), and each cluster is moved to a made-up place in the same order
 * and with its own offsets. So a kptr still finds its object, a program's
 * immediates their maps and helpers, a stack trace its symbols; what a
 * reader learns is the order and size of clusters, not where any is.
 *
 * Fields the kernel itself hides from bpf(2) (timers, work items, locks,
 * list and rbtree nodes and heads, refcounts: struct btf_record's special
 * fields) are zeroed as bpf(2) zeroes them. Arena memory and its pointers
 * are user addresses and stay.
 *
 * Which 8-byte words are addresses: those the dump declares as such (the
 * fields above, pointers in BTF-typed values: kptrs, stack traces), inside
 * the kernel's half of the address space as the dump's own kernel objects
 * show it (4- or 5-level paging), below its top 16 MiB (small negative
 * numbers). And words that may hold one (unsigned 64-bit integers at
 * 8-byte offsets of a typed value, .rodata aside; every word of an arena
 * page, a ring buffer, the flight recorder's map values), when they look
 * like one: in that half, 8-byte aligned, no mask of high ones, and within
 * NEAR of an address the dump declares. A number that passes for one is
 * changed (consistently); an address far from every declared one (the
 * only address of its kind in the dump) is left: README says so.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <bpf/btf.h>
#include <libdeflate.h>
#include "array.h"
#include "emit.h"
#include "redact.h"

/* The kernel's half: 4-level paging, 5-level paging; its top is negative numbers. */
#define KADDR_LO_4LEVEL		0xffff800000000000ull
#define KADDR_LO_5LEVEL		0xff00000000000000ull
#define KADDR_HI		0xffffffffff000000ull
/* Where the clusters are moved: above the half's start, page by page. */
#define FAKE_OFFSET		0x0000100000000000ull
#define PAGE			4096ull

struct span {
	uint64_t lo, hi;		/* [lo, hi) */
	uint64_t fake;			/* clusters: where lo goes */
};

/* What 8-byte words of a value are (struct word_map) */
enum { WORD_DATA = 0, WORD_U64 = 1, WORD_PTR = 2 };

/* How far from a declared address a word may be to be taken for one. */
#define NEAR			(1ull << 40)

struct zero_range {
	uint32_t off, len;
};

/* The words of a key or value of one type: which may be addresses, which bytes to zero. */
struct word_map {
	uint8_t *cls;			/* per word; NULL: every word may be */
	size_t nr_words;
	size_t budget;			/* mark() calls left (a hostile BTF's members x elements) */
	struct zero_range *zero;
	size_t nr_zero, cap_zero;
};

/*
 * The passes: the addresses the dump declares (fields that hold one,
 * pointers by BTF, stack traces, messages), then with the words that may
 * be addresses near them, then the rewrite.
 */
enum { PASS_DECLARED, PASS_COLLECT, PASS_APPLY };

struct redact {
	int pass;
	bool apply;			/* PASS_APPLY */
	uint64_t lo;			/* the kernel half's start */
	struct span *spans;		/* collected; then merged clusters */
	size_t nr_spans, cap_spans;
	struct span *declared;		/* the first pass's, merged: what "near" is near */
	size_t nr_declared;
	int err;
	struct redact_stats st;
};

static void span_add(struct redact *r, uint64_t lo, uint64_t hi)
{
	if (r->apply || r->err)
		return;
	if (!array_grow(&r->spans, &r->cap_spans, r->nr_spans + 1, sizeof(*r->spans))) {
		r->err = -ENOMEM;
		return;
	}
	r->spans[r->nr_spans++] = (struct span){ .lo = lo, .hi = hi > lo ? hi : lo + 1 };
}

static bool is_kaddr(const struct redact *r, uint64_t v)
{
	return v >= r->lo && v < KADDR_HI;
}

/* The made-up address of @v, which pass 1 collected. */
static uint64_t fake_of(const struct redact *r, uint64_t v)
{
	size_t lo = 0, hi = r->nr_spans;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v < r->spans[mid].lo)
			hi = mid;
		else if (v >= r->spans[mid].hi)
			lo = mid + 1;
		else
			return r->spans[mid].fake + (v - r->spans[mid].lo);
	}
	return 0;	/* not collected: cannot happen, both passes ask alike */
}

/* An address field: collected, or replaced. 0 is no address. */
static void addr(struct redact *r, void *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	if (!v)
		return;
	if (!r->apply) {
		span_add(r, v, v + 1);
		return;
	}
	v = fake_of(r, v);
	memcpy(p, &v, sizeof(v));
	r->st.addresses++;
}

/* A field that holds an address (or 0, or a user address: those stay). */
static void declared(struct redact *r, void *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	if (is_kaddr(r, v))
		addr(r, p);
}

/* Ones, then zeros (a mask, a sign-extended constant): no address. */
static bool is_mask(uint64_t v)
{
	uint64_t inv = ~v;

	return !(inv & (inv + 1));
}

/* Within NEAR of an address the dump declares (declared[] is sorted, disjoint). */
static bool is_near(const struct redact *r, uint64_t v)
{
	size_t lo = 0, hi = r->nr_declared;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct span *d = &r->declared[mid];
		uint64_t from = d->lo > NEAR ? d->lo - NEAR : 0;
		uint64_t to = d->hi + NEAR > d->hi ? d->hi + NEAR : UINT64_MAX;

		if (v < from)
			hi = mid;
		else if (v >= to)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

/*
 * A word that may be an address (a u64, untyped bytes): taken for one in
 * the kernel half, near an address the dump declares, 8-byte aligned (as
 * kernel objects and functions are) and no mask. A bitmap, a hash or a
 * constant elsewhere stays what it is.
 */
static void word(struct redact *r, uint8_t *p)
{
	uint64_t v;

	if (r->pass == PASS_DECLARED)
		return;
	memcpy(&v, p, sizeof(v));
	if (is_kaddr(r, v) && !(v & 7) && !is_mask(v) && is_near(r, v))
		addr(r, p);
}

/* @len bytes at @p as words that may be addresses. */
static void words(struct redact *r, uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 8 <= len; i += 8)
		word(r, p + i);
}

/* @len bytes at @p as words that hold addresses (stack traces). */
static void declared_words(struct redact *r, uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 8 <= len; i += 8)
		declared(r, p + i);
}

/* --- which words of a typed value may be addresses (BTF) --- */

static const char *const special_structs[] = {
	"bpf_spin_lock", "bpf_res_spin_lock", "bpf_timer", "bpf_wq", "bpf_task_work",
	"bpf_list_head", "bpf_list_node", "bpf_rb_root", "bpf_rb_node", "bpf_refcount",
};

static void zero_add(struct word_map *w, size_t off, size_t len, int *err)
{
	if (!array_grow(&w->zero, &w->cap_zero, w->nr_zero + 1, sizeof(*w->zero))) {
		*err = -ENOMEM;
		return;
	}
	w->zero[w->nr_zero++] = (struct zero_range){ off, len };
}

/* The words of type @id at byte @off; @depth bounds a hostile BTF's nesting. */
static void mark(const struct btf *btf, uint32_t id, size_t off, struct word_map *w, int depth,
		 int *err)
{
	const struct btf_type *t;
	int rid = btf__resolve_type(btf, id);
	int64_t size;
	uint32_t i;

	if (rid < 0 || depth > 32 || *err || !w->budget)
		return;
	w->budget--;
	t = btf__type_by_id(btf, rid);
	size = btf__resolve_size(btf, rid);
	if (!t || size <= 0 || off + size > w->nr_words * 8)
		return;
	if (btf_is_ptr(t) || (btf_is_int(t) && size == 8 && !(btf_int_encoding(t) & BTF_INT_SIGNED))) {
		if (off % 8 == 0)
			w->cls[off / 8] = btf_is_ptr(t) ? WORD_PTR : WORD_U64;
		return;
	}
	if (btf_is_datasec(t)) {
		const struct btf_var_secinfo *v = btf_var_secinfos(t);
		const char *sec = btf__name_by_offset(btf, t->name_off);

		/* .rodata: constants the loader set, no addresses */
		if (sec && strstr(sec, "rodata"))
			return;
		for (i = 0; i < btf_vlen(t); i++, v++)
			mark(btf, v->type, off + v->offset, w, depth + 1, err);
		return;
	}
	if (btf_is_array(t)) {
		const struct btf_array *a = btf_array(t);
		int64_t es = btf__resolve_size(btf, a->type);
		const struct btf_type *et = btf__type_by_id(btf, btf__resolve_type(btf, a->type));

		/* elements of less than a word hold no address */
		if (es < 8 || !et)
			return;
		for (i = 0; i < a->nelems && off + (i + 1) * es <= w->nr_words * 8; i++)
			mark(btf, a->type, off + i * es, w, depth + 1, err);
		return;
	}
	if (btf_is_composite(t)) {
		const struct btf_member *m = btf_members(t);
		const char *name = btf__name_by_offset(btf, t->name_off);

		for (i = 0; name && i < sizeof(special_structs) / sizeof(special_structs[0]); i++) {
			if (!strcmp(name, special_structs[i])) {
				zero_add(w, off, size, err);
				return;
			}
		}
		for (i = 0; i < btf_vlen(t); i++, m++) {
			if (btf_member_bitfield_size(t, i) || btf_member_bit_offset(t, i) % 8)
				continue;
			mark(btf, m->type, off + btf_member_bit_offset(t, i) / 8, w, depth + 1, err);
		}
	}
	/* enums, signed and small integers, floats: data */
}

/* The word map of @size bytes of type @id in @btf (NULL: untyped, every word). */
static int word_map_build(struct word_map *w, const struct btf *btf, uint32_t id, uint32_t size)
{
	int err = 0;

	memset(w, 0, sizeof(*w));
	if (!btf || !id)
		return 0;
	w->nr_words = size / 8;
	/* enough for every word of the largest value many times over */
	w->budget = 16u << 20;
	w->cls = calloc(w->nr_words + 1, 1);
	if (!w->cls)
		return -ENOMEM;
	mark(btf, id, 0, w, 0, &err);
	return err;
}

static void word_map_free(struct word_map *w)
{
	free(w->cls);
	free(w->zero);
	memset(w, 0, sizeof(*w));
}

/* One key or value at @p (8-byte aligned) of @size bytes, by its word map. */
static void typed(struct redact *r, const struct word_map *w, uint8_t *p, uint32_t size)
{
	size_t i;

	if (!w->cls) {
		words(r, p, size);
		return;
	}
	for (i = 0; i < w->nr_words; i++) {
		if (w->cls[i] == WORD_PTR)
			declared(r, p + i * 8);
		else if (w->cls[i] == WORD_U64)
			word(r, p + i * 8);
	}
	for (i = 0; r->apply && i < w->nr_zero; i++) {
		memset(p + w->zero[i].off, 0, w->zero[i].len);
		r->st.special_fields++;
	}
}

/* --- the records --- */

static void entries(struct redact *r, const struct dump_index *x, struct sxd_entries *b)
{
	uint32_t slot = b->map_index < x->nr_map_at ? x->map_at[b->map_index] : 0;
	const struct sxd_map *m = slot ? x->maps[slot - 1].rec : NULL;
	size_t esz = dump_entry_size(b->key_size, b->value_size, b->nr_values);
	const struct btf *btf = NULL;
	struct word_map wk, wv;
	uint8_t *p = (uint8_t *)(b + 1);
	const char *why;
	uint32_t i, c;

	if (m && !m->btf_vmlinux_value_type_id)
		btf = map_btf(x, m, &why);
	if (word_map_build(&wk, btf, m ? m->btf_key_type_id : 0, b->key_size) ||
	    word_map_build(&wv, btf, m ? m->btf_value_type_id : 0, b->value_size)) {
		r->err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < b->nr; i++, p += esz) {
		uint8_t *v = p + sxd_align(b->key_size);

		/* owners (pids, comms, ids) and arena addresses are no kernel addresses */
		if (!(b->flags & (SXD_ENTRIES_OWNER | SXD_ENTRIES_ARENA | SXD_ENTRIES_POSITION)))
			typed(r, &wk, p, b->key_size);
		/* object references are ids and names */
		if (b->flags & SXD_ENTRIES_REF)
			continue;
		for (c = 0; c < b->nr_values; c++) {
			uint8_t *vc = v + (size_t)c * sxd_align(b->value_size);

			/* stack traces: addresses; arena pages: whatever they hold */
			if (b->flags & SXD_ENTRIES_STACK)
				declared_words(r, vc, b->value_size);
			else if (b->flags & SXD_ENTRIES_ARENA)
				words(r, vc, b->value_size);
			else
				typed(r, &wv, vc, b->value_size);
		}
	}
out:
	word_map_free(&wk);
	word_map_free(&wv);
}

/* A program: its helper and map addresses, and the immediates that name them. */
static void prog_insns(struct redact *r, struct sxd_prog_insns *pi)
{
	struct sxd_prog_map *pm = (struct sxd_prog_map *)(pi + 1);
	struct bpf_insn *in = (struct bpf_insn *)(pm + pi->nr_maps);
	uint64_t fns[4] = { pi->call_base, pi->fn_task_storage_get, pi->fn_cgrp_storage_get,
			    pi->fn_map_lookup_elem };
	uint64_t text_lo = UINT64_MAX, text_hi = 0, imm;
	uint32_t i, k;

	/* helpers are called relative to call_base: one range, one move */
	for (k = 0; k < 4; k++) {
		if (fns[k] && fns[k] < text_lo)
			text_lo = fns[k];
		if (fns[k] >= text_hi)
			text_hi = fns[k] + 1;
	}
	for (i = 0; pi->call_base && i < pi->nr_insns; i++) {
		if (in[i].code == (BPF_JMP | BPF_CALL) && in[i].src_reg != BPF_PSEUDO_CALL) {
			uint64_t fn = pi->call_base + (int64_t)in[i].imm;

			if (fn < text_lo)
				text_lo = fn;
			if (fn >= text_hi)
				text_hi = fn + 1;
		}
	}
	if (text_hi && is_kaddr(r, text_lo))
		span_add(r, text_lo, text_hi);
	declared(r, &pi->call_base);
	declared(r, &pi->fn_task_storage_get);
	declared(r, &pi->fn_cgrp_storage_get);
	declared(r, &pi->fn_map_lookup_elem);
	for (k = 0; k < pi->nr_maps; k++) {
		/* direct loads land anywhere in the values (an arena's: user addresses) */
		if (is_kaddr(r, pm[k].value_addr))
			span_add(r, pm[k].value_addr, pm[k].value_addr + pm[k].value_size);
		declared(r, &pm[k].map_addr);
		declared(r, &pm[k].value_addr);
	}
	for (i = 0; i + 1 < pi->nr_insns; i++) {
		if (in[i].code != (BPF_LD | BPF_IMM | BPF_DW))
			continue;
		imm = (uint32_t)in[i].imm | (uint64_t)(uint32_t)in[i + 1].imm << 32;
		if (is_kaddr(r, imm)) {
			declared(r, &imm);
			in[i].imm = (int32_t)(uint32_t)imm;
			in[i + 1].imm = (int32_t)(uint32_t)(imm >> 32);
		}
		i++;
	}
}

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Text the kernel wrote (%px, %lx): 16 hexadecimal digits of a kernel address, in place. */
static void text(struct redact *r, uint8_t *s, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t i, k;
	uint64_t v;

	for (i = 0; i + 16 <= len; i++) {
		if ((i && hexval(s[i - 1]) >= 0) || (i + 16 < len && hexval(s[i + 16]) >= 0))
			continue;
		for (k = 0, v = 0; k < 16 && hexval(s[i + k]) >= 0; k++)
			v = v << 4 | hexval(s[i + k]);
		if (k < 16 || !is_kaddr(r, v))
			continue;
		declared(r, &v);
		if (!r->apply)
			continue;
		r->st.addresses--;	/* counted as text */
		r->st.text_addresses++;
		for (k = 16; k--; v >>= 4)
			s[i + k] = s[i + k] >= 'A' && s[i + k] <= 'F' ? digits[v & 15] - 'a' + 'A' :
				   digits[v & 15];
		i += 15;
	}
}

/* The flight recorder's map values: untyped bytes. */
static void timeline(struct redact *r, struct sxd_timeline *t)
{
	uint8_t *s = (uint8_t *)(t + 1) + (size_t)t->nr_events * sizeof(struct sxd_tl_event) +
		     (size_t)t->nr_maps * sizeof(struct sxd_tl_map);
	size_t at = sizeof(struct sxd_tl_sample) + (size_t)t->nr_events * 8 +
		    (size_t)t->nr_cpus * sizeof(struct sxd_tl_cpu) +
		    (size_t)t->max_dsqs * sizeof(struct sxd_tl_dsq);
	uint32_t n, k;

	for (n = 0; n < t->nr_samples; n++, s += t->sample_size) {
		uint8_t *mv = s + at;

		for (k = 0; k < t->nr_maps; k++) {
			struct sxd_tl_map_val *h = (struct sxd_tl_map_val *)mv;

			words(r, mv + sizeof(*h), h->len < t->map_bytes ? h->len : t->map_bytes);
			mv += sizeof(*h) + t->map_bytes;
		}
	}
}

static void record(struct redact *r, const struct dump_index *x, struct sxd_rec *rec)
{
	uint8_t *end = (uint8_t *)rec + rec->size;
	uint32_t i;

	switch (rec->type) {
	case SXD_REC_SYMBOLS: {
		struct sxd_symbols *s = (struct sxd_symbols *)rec;
		struct sxd_sym *sym = (struct sxd_sym *)(s + 1);

		for (i = 0; i < s->nr; i++)
			declared(r, &sym[i].addr);
		break;
	}
	case SXD_REC_KMEM:
		declared(r, &((struct sxd_kmem *)rec)->addr);
		break;
	case SXD_REC_PROG_INSNS:
		prog_insns(r, (struct sxd_prog_insns *)rec);
		break;
	case SXD_REC_ENTRIES:
		entries(r, x, (struct sxd_entries *)rec);
		break;
	/*
	 * Of the map infos, an arena's kernel address and a ring buffer's
	 * data; the others hold counts, positions, bits, program ids and a
	 * flat copy's bytes, time and element counts (SXD_INFO_FLAT), a task
	 * storage's owner counts and table times (SXD_INFO_OWNERS), no
	 * address: copied as they are.
	 */
	case SXD_REC_MAP_INFO: {
		struct sxd_map_info *mi = (struct sxd_map_info *)rec;

		if (mi->kind == SXD_INFO_ARENA)
			declared(r, &mi->val[2]);	/* kern_vm_start */
		else if (mi->kind == SXD_INFO_RINGBUF)
			words(r, (uint8_t *)(mi + 1), mi->data_len);
		break;
	}
	case SXD_REC_TIMELINE:
		timeline(r, (struct sxd_timeline *)rec);
		break;
	/*
	 * The event recorder's events hold pids, CPUs, DSQ ids, slices,
	 * times, flags and names, no address: copied as they are.
	 */
	case SXD_REC_EVENTS:
		break;
	/*
	 * The core state's tasks: pids, DSQ ids, flags, counts and times
	 * (exec_start is a clock), no address: copied as they are.
	 */
	case SXD_REC_CORE_TASKS:
		break;
	/* the kernel's and the module's messages */
	case SXD_REC_SCHED:
		text(r, (uint8_t *)rec + sizeof(struct sxd_sched), end - (uint8_t *)rec - sizeof(struct sxd_sched));
		break;
	case SXD_REC_ERROR:
		text(r, (uint8_t *)rec + sizeof(struct sxd_error), end - (uint8_t *)rec - sizeof(struct sxd_error));
		break;
	case SXD_REC_ABSENT:
		text(r, (uint8_t *)rec + sizeof(struct sxd_absent), end - (uint8_t *)rec - sizeof(struct sxd_absent));
		break;
	case SXD_REC_MAP_END: {
		struct sxd_map_end *e = (struct sxd_map_end *)rec;

		text(r, end - e->reason_len, e->reason_len);
		break;
	}
	}
}

static int span_cmp(const void *a, const void *b)
{
	const struct span *p = a, *q = b;

	return (p->lo > q->lo) - (p->lo < q->lo);
}

/* The spans sorted and merged: those within a page of each other one cluster. */
static void merge(struct redact *r)
{
	size_t i, n = 0;

	if (!r->nr_spans)
		return;
	qsort(r->spans, r->nr_spans, sizeof(*r->spans), span_cmp);
	for (i = 0; i < r->nr_spans; i++) {
		struct span *c = n ? &r->spans[n - 1] : NULL;

		if (c && r->spans[i].lo <= c->hi + PAGE) {
			if (r->spans[i].hi > c->hi)
				c->hi = r->spans[i].hi;
			continue;
		}
		r->spans[n++] = r->spans[i];
	}
	r->nr_spans = n;
}

/* The first pass's spans, kept as what other words must be near. */
static void keep_declared(struct redact *r)
{
	merge(r);
	r->declared = malloc((r->nr_spans + 1) * sizeof(*r->declared));
	if (!r->declared) {
		r->err = -ENOMEM;
		return;
	}
	if (r->nr_spans)
		memcpy(r->declared, r->spans, r->nr_spans * sizeof(*r->spans));
	r->nr_declared = r->nr_spans;
}

/* The collected spans into clusters, each given its made-up place. */
static void clusters(struct redact *r)
{
	uint64_t next = r->lo + FAKE_OFFSET;
	size_t i, n;

	merge(r);
	n = r->nr_spans;
	for (i = 0; i < n; i++) {
		struct span *c = &r->spans[i];

		/* a page apart, the offset in its page kept (it tells nothing) */
		c->fake = ((next + PAGE - 1) & ~(PAGE - 1)) + (c->lo & (PAGE - 1));
		next = c->fake + (c->hi - c->lo) + PAGE;
	}
	r->st.clusters = n;
}

/* The dump's kernel half: 5-level paging when its own kernel objects say so. */
static uint64_t kernel_half(const struct dump_index *x)
{
	size_t i;

	for (i = 0; i < x->nr_kmems; i++)
		if (x->kmems[i]->addr >= KADDR_LO_5LEVEL && x->kmems[i]->addr < KADDR_LO_4LEVEL)
			return KADDR_LO_5LEVEL;
	for (i = 0; i < x->nr_progs; i++) {
		const struct sxd_prog_map *pm = (const void *)(x->progs[i] + 1);
		uint32_t k;

		for (k = 0; k < x->progs[i]->nr_maps; k++)
			if (pm[k].map_addr >= KADDR_LO_5LEVEL && pm[k].map_addr < KADDR_LO_4LEVEL)
				return KADDR_LO_5LEVEL;
	}
	return KADDR_LO_4LEVEL;
}

/* Both passes over the records of @copy, a copy of @x's dump. */
static int passes(struct redact *r, const struct dump_index *x, uint8_t *copy)
{
	const struct dump_file *f = x->f;
	const struct sxd_rec *rec;
	size_t off;
	int pass;

	for (pass = PASS_DECLARED; pass <= PASS_APPLY && !r->err; pass++) {
		r->pass = pass;
		r->apply = pass == PASS_APPLY;
		if (pass == PASS_COLLECT)
			keep_declared(r);
		else if (pass == PASS_APPLY)
			clusters(r);
		if (r->err)
			break;
		for (off = 0; (rec = dump_next(f, &off)) && !r->err;)
			record(r, x, (struct sxd_rec *)(copy + ((const uint8_t *)rec - f->data)));
	}
	return r->err;
}

int redact_dump(const struct dump_index *x, uint8_t **out, size_t *len, struct redact_stats *st)
{
	const struct dump_file *f = x->f;
	struct redact r = { .lo = kernel_half(x) };
	struct sxd_file_header *h;
	uint8_t *copy;
	int err;

	*out = NULL;
	copy = malloc(f->size);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, f->data, f->size);
	err = passes(&r, x, copy);
	free(r.spans);
	free(r.declared);
	if (err) {
		free(copy);
		return err;
	}
	h = (struct sxd_file_header *)copy;
	h->crc32 = 0;
	h->crc32 = libdeflate_crc32(0, copy, f->size);
	*out = copy;
	*len = f->size;
	*st = r.st;
	return 0;
}
