/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What render.c (values by BTF kind) and render_ptr.c (pointers) share,
 * and no other file: one rendering in progress and the calls between them.
 */
#ifndef SCXDUMP_RENDER_PRIV_H
#define SCXDUMP_RENDER_PRIV_H

#include "render.h"

struct render {
	yajl_gen g;
	const struct btf *btf;
	const struct render_mem *mem;	/* NULL: pointers stay hex */
	const uint8_t *base;		/* a map value's start, for mem->inferred */
	uint32_t map_index;
	bool compact;			/* no indentation: json_ints() may be used */
	bool bpftool;			/* as bpftool's BTF dumper writes them */
	struct {
		uint64_t addr;
		uint32_t type;
	} seen[RENDER_MAX_DEREFS];	/* pointees rendered so far */
	uint32_t nr_seen;
};

/* @size bytes at @data as type @id of r->btf, @depth levels down. */
void render_type(struct render *r, uint32_t id, const uint8_t *data, size_t size, int depth);
const char *render_name_of(const struct btf *btf, const struct btf_type *t);
/* render_ptr.c: a pointer of type @t; a u64 the programs dereference */
void render_ptr(struct render *r, const struct btf_type *t, const uint8_t *data, size_t size,
		int depth);
void render_inferred(struct render *r, const uint8_t *data, int depth);

#endif
