// SPDX-License-Identifier: GPL-2.0
/*
 * Forward declarations resolved by name across a dump's BTF objects
 * (fwd.h).
 */
#include <string.h>
#include <bpf/btf.h>
#include "fwd.h"
#include "index.h"

/* The complete struct/union @name of @btf, 0 if none (-1: two of them differ). */
static int64_t find_in(const struct btf *btf, const char *name, bool is_union)
{
	uint32_t i, n = btf__type_cnt(btf);
	int64_t found = 0;
	int64_t size = -1;

	for (i = 1; i < n; i++) {
		const struct btf_type *t = btf__type_by_id(btf, i);
		const char *tn;

		if (!t || (is_union ? !btf_is_union(t) : !btf_is_struct(t)))
			continue;
		tn = btf__name_by_offset(btf, t->name_off);
		if (!tn || strcmp(tn, name))
			continue;
		if (found && size != t->size)
			return -1;
		if (!found) {
			found = i;
			size = t->size;
		}
	}
	return found;
}

/* The @i-th BTF object to look in: @first, the dump's, the kernel's; NULL past them. */
static const struct btf *nth(const struct dump_index *x, const struct btf *first, uint32_t i)
{
	if (i == 0)
		return first;
	i--;
	if (x && i < x->nr_btfs) {
		const struct btf *b = index_btf_at(x, i, NULL);

		return b != first ? b : NULL;
	}
	return x && i == x->nr_btfs ? index_vmlinux(x) : NULL;
}

bool fwd_resolve(const struct dump_index *x, const struct btf *first, const char *name,
		 bool is_union, const struct btf **btf, uint32_t *id, const char **why)
{
	uint32_t i, n = 2 + (x ? x->nr_btfs : 0), size = 0;
	bool have = false;

	*why = NULL;
	if (!name || !*name) {
		*why = "an anonymous forward declaration";
		return false;
	}
	for (i = 0; i < n; i++) {
		const struct btf *b = nth(x, first, i);
		const struct btf_type *t;
		int64_t f;

		if (!b)
			continue;
		f = find_in(b, name, is_union);
		if (f < 0) {
			*why = "defined twice with different sizes in one BTF object";
			return false;
		}
		if (!f)
			continue;
		t = btf__type_by_id(b, f);
		if (have && t->size != size) {
			*why = "defined with different sizes in two BTF objects of the dump";
			return false;
		}
		if (!have) {
			*btf = b;
			*id = f;
			size = t->size;
			have = true;
		}
	}
	if (!have)
		*why = "no BTF object in the dump defines it";
	return have;
}
