/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Forward declarations (BTF_KIND_FWD) resolved by name against every BTF
 * object of a dump: a program's BTF often has only "struct sdt_data;"
 * while a sibling object or the kernel defines it.
 */
#ifndef SCXDUMP_FWD_H
#define SCXDUMP_FWD_H

#include <stdbool.h>
#include <stdint.h>

struct btf;
struct dump_index;

/*
 * The struct (or union, as @is_union says) named @name: in @first (the
 * BTF that declared it) if it defines it after all, then in the dump's
 * BTF objects in index order, then in the kernel's. One definition is
 * taken only if every object that has one gives it the same size; true
 * with *@btf and *@id set, else false with *@why saying why not.
 */
bool fwd_resolve(const struct dump_index *x, const struct btf *first, const char *name,
		 bool is_union, const struct btf **btf, uint32_t *id, const char **why);

#endif
