// SPDX-License-Identifier: GPL-2.0
/*
 * What a value is written as, decided once for render.c (which writes it)
 * and plan.c (which compiles the same writing ahead): an integer's form
 * and bits, an enum's size and enumerators, when a char array is text,
 * which integers are plain, an array's error, what a struct member is
 * written as, which names go between quotes as they are. Neither file
 * decides any of these on its own: the compiled plans write the bytes
 * render.c would, by construction (tests/unit/test-plans.sh checks it on
 * every dump the tests have).
 */
#include <ctype.h>
#include <endian.h>
#include <string.h>
#include "render.h"
#include "render_priv.h"

const char *render_name_of(const struct btf *btf, const struct btf_type *t)
{
	return btf__name_by_offset(btf, t->name_off) ?: "";
}

/*
 * The little-endian integer of @bits (<= 64) bits starting @bit_off bits
 * into @data, read from the bytes it spans only.
 */
uint64_t render_read_bits(const uint8_t *data, uint32_t bit_off, uint32_t bits)
{
	uint32_t shift = bit_off % 8, n = (shift + bits + 7) / 8, i;
	uint64_t lo = 0, hi = 0, v;
	uint32_t v32;
	uint16_t v16;

	data += bit_off / 8;
	switch (shift ? 0 : bits) {	/* whole, byte-aligned integers */
	case 64: memcpy(&lo, data, 8); return le64toh(lo);
	case 32: memcpy(&v32, data, 4); return le32toh(v32);
	case 16: memcpy(&v16, data, 2); return le16toh(v16);
	case 8: return data[0];
	}
	for (i = 0; i < n && i < 8; i++)
		lo |= (uint64_t)data[i] << (8 * i);
	if (n > 8)
		hi = data[8];
	v = lo >> shift;
	if (shift)
		v |= hi << (64 - shift);
	return bits < 64 ? v & ((1ull << bits) - 1) : v;
}

/* The integer of @bits bits at @bit_off, sign-extended when @is_signed. */
uint64_t render_int_value(const uint8_t *data, uint32_t bit_off, uint32_t bits, bool is_signed)
{
	uint64_t v = render_read_bits(data, bit_off, bits);

	if (is_signed && bits && bits < 64 && (v & (1ull << (bits - 1))))
		v |= ~0ull << bits;
	return v;
}

enum render_int_as render_int_as(const struct btf_type *t, uint32_t bits)
{
	uint32_t enc = btf_int_encoding(t);

	if (bits > 64)
		return RENDER_INT_HEX;
	if (enc & BTF_INT_BOOL)
		return RENDER_INT_BOOL;
	return enc & BTF_INT_SIGNED ? RENDER_INT_SIGNED : RENDER_INT_UNSIGNED;
}

bool render_int_fits(const struct btf_type *t)
{
	return (uint64_t)btf_int_offset(t) + btf_int_bits(t) <= (uint64_t)t->size * 8;
}

bool render_enum_sized(const struct btf_type *t)
{
	return t->size == 1 || t->size == 2 || t->size == 4 || t->size == 8;
}

int64_t render_enumerator(const struct btf *btf, const struct btf_type *t, uint16_t i,
			  const char **name)
{
	uint32_t name_off;
	int64_t v;

	if (btf_is_enum(t)) {
		const struct btf_enum *e = btf_enum(t) + i;

		v = btf_kflag(t) ? (int64_t)e->val : (int64_t)(uint32_t)e->val;
		name_off = e->name_off;
	} else {
		const struct btf_enum64 *e = btf_enum64(t) + i;

		v = (int64_t)btf_enum64_value(e);
		name_off = e->name_off;
	}
	*name = btf__name_by_offset(btf, name_off);
	return v;
}

/*
 * Is @id C's char type, i.e. an element of a string? Only "char" itself
 * (any signedness, const or volatile): typedefs such as u8 hold bytes.
 */
bool render_is_char(const struct btf *btf, uint32_t id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	int i;

	for (i = 0; t && (btf_is_const(t) || btf_is_volatile(t)) && i < RENDER_MAX_DEPTH; i++)
		t = btf__type_by_id(btf, t->type);
	return t && btf_is_int(t) && t->size == 1 &&
	       !(btf_int_encoding(t) & BTF_INT_BOOL) && strstr(render_name_of(btf, t), "char");
}

/*
 * Text up to the first NUL, with only NULs after it? Text is what
 * isprint() or isspace() take in the C locale (the decoder's), and any
 * byte of UTF-8 (0x80 on), spelt out: it runs on every byte of every
 * char array a dump holds.
 */
bool render_holds_text(const uint8_t *p, size_t n, size_t *len)
{
	size_t i = 0;

	/* text starts with a printable character, not with a control byte */
	if (n && p[0] && (p[0] < 0x20 || p[0] == 0x7f))
		return false;
	while (i < n && ((p[i] >= 0x20 && p[i] != 0x7f) || (p[i] >= '\t' && p[i] <= '\r')))
		i++;
	*len = i;
	if (i < n && p[i])
		return false;
	for (; i < n; i++) {
		if (p[i])
			return false;
	}
	return true;
}

/* The whole integer type of 1, 2, 4 or 8 bytes (not bool) @id is, or NULL. */
const struct btf_type *render_plain_int(const struct btf *btf, uint32_t id)
{
	int32_t rid = render_skip_mods(btf, id);
	const struct btf_type *t = rid > 0 ? btf__type_by_id(btf, rid) : NULL;

	if (!t || !btf_is_int(t) || btf_int_offset(t) || btf_int_bits(t) != t->size * 8 ||
	    (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8) ||
	    (btf_int_encoding(t) & BTF_INT_BOOL))
		return NULL;
	return t;
}

const char *render_array_error(const struct btf_array *a, int64_t esz)
{
	if (esz < 0)
		return "array element of unknown size";
	/* elements of no size cost nothing to claim: do not render billions */
	if (esz == 0 && a->nelems > 0)
		return "array of zero-size elements";
	return NULL;
}

/* An enum bit-field (or unaligned enum) of at most 64 bits inside @size bytes. */
static bool enum_bits_fit(const struct btf_type *t, uint32_t off, uint32_t bits,
			  size_t size)
{
	uint64_t width = bits ?: (uint64_t)t->size * 8;

	return width && width <= 64 && off + width <= (uint64_t)size * 8;
}

/*
 * BTF from a dump is not trusted: every member must lie inside the bytes
 * its struct has here (@size), whatever offsets the BTF claims. What
 * member @i of @t is written as, decided here for render_members() and
 * plan.c alike.
 */
void render_member_of(const struct btf *btf, const struct btf_type *t, uint16_t i,
		      size_t size, int depth, struct render_member *rm)
{
	const struct btf_member *m = btf_members(t) + i;
	uint32_t off = btf_member_bit_offset(t, i), bits = btf_member_bitfield_size(t, i);
	const struct btf_type *mt = NULL;

	*rm = (struct render_member){ .name = btf__name_by_offset(btf, m->name_off) ?: "",
				      .type = m->type, .off = off, .bits = bits };
	if (bits || off % 8 || !*rm->name)
		mt = btf__type_by_id(btf, btf__resolve_type(btf, m->type));
	rm->mt = mt;
	if (!*rm->name) {
		/* Anonymous struct/union: its members belong to us. */
		rm->as = mt && btf_is_composite(mt) && depth < RENDER_MAX_DEPTH &&
			 off / 8 <= size && mt->size <= size - off / 8 ?
			 RENDER_MEMBER_INLINE : RENDER_MEMBER_SKIP;
		return;
	}
	if ((uint64_t)off + (bits ? bits : 8) > (uint64_t)size * 8) {
		rm->as = RENDER_MEMBER_OUTSIDE;
	} else if (bits || off % 8) {
		if (mt && btf_is_int(mt) &&
		    (uint64_t)off + (bits ?: btf_int_bits(mt)) <= (uint64_t)size * 8) {
			rm->as = RENDER_MEMBER_BITS_INT;
			rm->nr_bits = bits ?: btf_int_bits(mt);
		} else if (mt && btf_is_any_enum(mt) && enum_bits_fit(mt, off, bits, size)) {
			rm->as = RENDER_MEMBER_BITS_ENUM;
			rm->nr_bits = bits ?: mt->size * 8;
		} else {
			rm->as = RENDER_MEMBER_UNALIGNED;
		}
	} else {
		rm->size = btf__resolve_size(btf, m->type);
		rm->as = rm->size < 0 || (uint64_t)rm->size > size - off / 8 ?
			 RENDER_MEMBER_OUTSIDE : RENDER_MEMBER_WHOLE;
	}
}

/* A C identifier: written between quotes as it is. */
bool render_plain_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	}
	return true;
}

/* Past typedefs, qualifiers and type tags: the type the bytes are. */
int32_t render_skip_mods(const struct btf *btf, uint32_t id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	int i;

	for (i = 0; t && i < RENDER_MAX_DEPTH; i++) {
		if (!btf_is_mod(t) && !btf_is_typedef(t))
			return id;
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	return -1;
}
