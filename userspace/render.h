/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Rendering of raw bytes as JSON through BTF, one function per BTF kind
 * (the shape of bpftool's btf_dumper.c): integers, enums by name, structs
 * by member name, arrays, char arrays as strings, global sections
 * (DATASEC) as named variables (render.c). A pointer is its address in
 * hexadecimal, and, with memory to follow it into (an arena's pages, a
 * kernel object the capture copied), what it points to, each pointee once
 * (render_ptr.c).
 */
#ifndef SCXDUMP_RENDER_H
#define SCXDUMP_RENDER_H

#include <stddef.h>
#include <stdint.h>
#include <bpf/btf.h>
#include "json.h"

/* Deeper values are cut and marked; real BTF stays far below this. */
#define RENDER_MAX_DEPTH	32

/* Deref budget: pointees rendered in one top-level value. */
#define RENDER_MAX_DEREFS	256

struct render_slot;
struct render_bump;

/* A kernel object's identity, as the capture copied it. */
struct render_kobj {
	enum { RENDER_KOBJ_TASK = 1, RENDER_KOBJ_CGROUP } kind;
	int32_t pid, tgid;		/* a task's */
	char comm[16];
	uint64_t cgroup_id;		/* a cgroup's */
	int32_t level;
	char name[48];
	char path[64];			/* empty when the dump has none */
};

/* What the dump holds that a pointer may point into (memory.c gives it). */
struct render_mem {
	/*
	 * memory a pointer may point into (a dump's arena pages): read @len
	 * bytes at user address @addr into @buf, false if the dump does not
	 * hold them
	 */
	bool (*read)(const void *ctx, uint64_t addr, void *buf, uint32_t len);
	/* the bits of the struct bpf_cpumask at @addr, if the dump has them */
	bool (*cpumask)(const void *ctx, uint64_t addr, const uint8_t **bits,
			uint32_t *nr_bits);
	/* what the capture copied of the task or cgroup at @addr (a kptr) */
	bool (*kobj)(const void *ctx, uint64_t addr, struct render_kobj *o);
	/* the definition of a struct (union) @btf only declares (fwd.h) */
	bool (*fwd)(const void *ctx, const struct btf *btf, const char *name, bool is_union,
		    const struct btf **def, uint32_t *id, const char **why);
	/* the live allocator slot that holds @addr (sdt.h) */
	bool (*slot)(const void *ctx, uint64_t addr, struct render_slot *s);
	/* the bump allocator block that holds @addr (bump.h) */
	bool (*bump)(const void *ctx, uint64_t addr, struct render_bump *b);
	/* is the u64 at @off of map @map_index's values a pointer (infer.h)? */
	bool (*inferred)(const void *ctx, uint32_t map_index, uint32_t off);
	const void *ctx;
};

/* A slot of an allocator, as a pointer into it is rendered. */
struct render_slot {
	const char *allocator;		/* the allocator global's name */
	uint64_t start;			/* the slot's header */
	uint64_t index;			/* its position in the allocator's tree */
	int32_t idx, gen;		/* its header's id */
	uint32_t hdr_size, payload_size;
	const struct btf *btf;		/* the payload's type, or NULL: */
	uint32_t type;
	const char *why;		/* why there is none */
};

/* Where a pointer into a bump allocator's block points. */
struct render_bump {
	const char *allocator;		/* the allocator global's name */
	uint32_t block;			/* the block's number, in allocation order */
	uint64_t offset;		/* from the block's start */
	bool past_used;			/* in the newest block, past what it handed out */
};

/* "0-3,8": the CPUs set in @nr_bits bits at @bits, into @buf. */
void render_cpulist(const uint8_t *bits, uint32_t nr_bits, char *buf, size_t len);

/* Render @size bytes at @data as BTF type @type_id of @btf. */
/* @data as bpftool's BTF dumper writes it (--format bpftool) */
void render_value_bpftool(yajl_gen g, const struct btf *btf, uint32_t type_id,
			  const void *data, size_t size);
void render_value(yajl_gen g, const struct btf *btf, uint32_t type_id,
		  const void *data, size_t size);
/* The same, following pointers into @mem (bounded, each pointee once). */
void render_value_mem(yajl_gen g, const struct btf *btf, uint32_t type_id,
		      const void *data, size_t size, const struct render_mem *mem);
/*
 * A value of map @map_index: as render_value_mem(), and the u64 fields
 * its programs use as pointers (mem->inferred) rendered as pointers.
 */
void render_value_map(yajl_gen g, const struct btf *btf, uint32_t type_id,
		      const void *data, size_t size, const struct render_mem *mem,
		      uint32_t map_index);
/* The C spelling of a type's name, e.g. "struct task_ctx" or "u32[4]". */
void render_type_name(const struct btf *btf, uint32_t type_id, char *buf, size_t len);

/*
 * What render.c decides about types and bytes, shared with the compiled
 * renderers (plan.c) so that both decide alike.
 */
/* past typedefs, qualifiers and type tags: the type the bytes are, or -1 */
int32_t render_skip_mods(const struct btf *btf, uint32_t id);
/* the little-endian @bits (<= 64) bits at @bit_off of @data, as they are */
uint64_t render_read_bits(const uint8_t *data, uint32_t bit_off, uint32_t bits);
/* the integer of @bits (<= 64) bits at @bit_off, sign-extended when @is_signed */
uint64_t render_int_value(const uint8_t *data, uint32_t bit_off, uint32_t bits, bool is_signed);
/* is @id C's char type (an element of a string)? */
bool render_is_char(const struct btf *btf, uint32_t id);
/* text up to the first NUL (its length in *len), only NULs after it? */
bool render_holds_text(const uint8_t *p, size_t n, size_t *len);
/* the whole 1, 2, 4 or 8-byte integer type (not bool) @id is, or NULL */
const struct btf_type *render_plain_int(const struct btf *btf, uint32_t id);
/* a C identifier, written between quotes as it is? */
bool render_plain_name(const char *s);

/*
 * The decisions render.c and plan.c both take, each in one function
 * (render_rules.c, with the ones above and below), so that the two write
 * the same bytes: how an integer of @bits bits of @t
 * is written; whether @t's bits lie inside its bytes (else hex); whether
 * an enum has a size it is read at (else hex); enumerator @i of @t, its
 * value as compared with the bytes and its name; why an array of elements
 * of @esz bytes is an error object, or NULL.
 */
enum render_int_as { RENDER_INT_HEX, RENDER_INT_BOOL, RENDER_INT_SIGNED, RENDER_INT_UNSIGNED };
enum render_int_as render_int_as(const struct btf_type *t, uint32_t bits);
bool render_int_fits(const struct btf_type *t);
bool render_enum_sized(const struct btf_type *t);
int64_t render_enumerator(const struct btf *btf, const struct btf_type *t, uint16_t i,
			  const char **name);
const char *render_array_error(const struct btf_array *a, int64_t esz);

/* What a struct's member is written as (render_member_of()). */
struct render_member {
	enum {
		RENDER_MEMBER_SKIP,	/* anonymous, not a struct or union inside ours */
		RENDER_MEMBER_INLINE,	/* anonymous struct or union: its members, as ours */
		RENDER_MEMBER_OUTSIDE,	/* an error: not inside its struct */
		RENDER_MEMBER_UNALIGNED, /* an error: a bit-field of no integer or enum */
		RENDER_MEMBER_BITS_INT,	/* nr_bits bits at bit off: an integer of mt */
		RENDER_MEMBER_BITS_ENUM, /* nr_bits bits at bit off: an unsigned number */
		RENDER_MEMBER_WHOLE,	/* size bytes of type at off / 8 */
	} as;
	const char *name;
	uint32_t type, off, bits, nr_bits;	/* off and bits (0: whole) from BTF */
	const struct btf_type *mt;		/* its type resolved, for all but WHOLE */
	int64_t size;
};
void render_member_of(const struct btf *btf, const struct btf_type *t, uint16_t i,
		      size_t size, int depth, struct render_member *rm);

#endif
