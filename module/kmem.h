/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel objects behind kptrs in map values (kmem.c). */
#ifndef SCXDUMP_KMEM_H
#define SCXDUMP_KMEM_H

#include <linux/types.h>

struct bpf_map;
struct capture;

/*
 * Pointees copied while values are captured (under RCU too: no sleeping
 * here), written out after the map as SXD_REC_KMEM records.
 */
#define KMEM_MAX		1024
#define KMEM_WORDS		16	/* up to 1024 CPUs */

struct map_kmems {
	u32 nr;
	u32 nr_over;		/* past KMEM_MAX: not read, counted */
	u32 nr_unreadable;	/* freed under us: not read, counted */
	struct map_kmem {
		u64 addr;
		u32 kind;	/* enum sxd_kmem_kind */
		u32 len;	/* bytes of bits[] it fills */
		u64 bits[KMEM_WORDS];
	} m[KMEM_MAX];
};

/* Does @map's value hold a kptr whose pointee the capture copies? */
bool kmem_map_has_kptr(const struct bpf_map *map);
/* Copy what every kptr in @value points at into @k. Never sleeps. */
void kmem_read_value(struct map_kmems *k, const struct bpf_map *map, const u8 *value);
/* @map's pointees in @k as KMEM records, each once; what was not read, an error */
void kmem_write(struct capture *c, struct bpf_map *map, struct map_kmems *k);
u64 kmem_bytes_max(void);

#endif /* SCXDUMP_KMEM_H */
