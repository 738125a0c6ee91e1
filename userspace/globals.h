/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A dump's BPF globals (the VARs of its global-section maps' DATASECs,
 * with the bytes the capture copied), and the BTF lookups that recognise
 * a global by the shape of its type: arena allocators are found this way
 * (sdt.h, bump.h), never by a map's or a variable's name.
 */
#ifndef SCXDUMP_GLOBALS_H
#define SCXDUMP_GLOBALS_H

#include <stdbool.h>
#include <stdint.h>

struct btf;
struct dump_index;
struct sxd_map;

/* @id past typedefs and qualifiers (a forward declaration stays); 0 if none. */
uint32_t globals_bare(const struct btf *btf, uint32_t id);

/*
 * Member @name of struct/union @id, looking into anonymous members: its
 * byte offset and type. False if absent or a bit-field.
 */
bool globals_member(const struct btf *btf, uint32_t id, const char *name, uint32_t *off,
		    uint32_t *type);

/* Member @name is an @size-byte integer or pointer: its byte offset. */
bool globals_member_sized(const struct btf *btf, uint32_t id, const char *name,
			  uint32_t size, uint32_t *off);

/* The type a pointer-typed @type points at (past modifiers), or 0. */
uint32_t globals_pointee(const struct btf *btf, uint32_t type);

/* One global: where it is, its type and the bytes the capture copied. */
struct global {
	const struct sxd_map *map;	/* the global section that holds it */
	const struct btf *btf;
	const char *name;
	uint32_t type;			/* the VAR's type, past modifiers */
	const uint8_t *bytes;
	uint32_t size;
};

/*
 * @fn on every global of the dump whose type @want takes and whose
 * section's bytes are in the dump, in map order (a section's bytes are
 * looked up only for a global @want takes); stops at and returns @fn's
 * first non-zero return.
 */
int globals_each(const struct dump_index *x,
		 bool (*want)(const struct btf *btf, uint32_t type, void *ctx),
		 int (*fn)(const struct global *g, void *ctx), void *ctx);

#endif
