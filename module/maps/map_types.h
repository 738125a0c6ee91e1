/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which family captures each BPF map type, written once, as the kernel's
 * include/linux/bpf_types.h does: define MAPDRV_TYPE(type, ops) and
 * include this file. It serves the declarations (scxdump.h) and the
 * type -> family table (mapdrv.c). Each ops lives in the maps/ file named
 * after the kernel file whose structures it reads.
 */
MAPDRV_TYPE(BPF_MAP_TYPE_ARRAY, array_dump_ops)			/* arraymap.c */
MAPDRV_TYPE(BPF_MAP_TYPE_PERCPU_ARRAY, percpu_array_dump_ops)	/* arraymap.c */
MAPDRV_TYPE(BPF_MAP_TYPE_HASH, htab_dump_ops)			/* hashtab.c */
MAPDRV_TYPE(BPF_MAP_TYPE_LRU_HASH, lru_hash_dump_ops)		/* hashtab.c */
MAPDRV_TYPE(BPF_MAP_TYPE_PERCPU_HASH, percpu_hash_dump_ops)	/* hashtab.c */
MAPDRV_TYPE(BPF_MAP_TYPE_LRU_PERCPU_HASH, percpu_hash_dump_ops)	/* hashtab.c */
MAPDRV_TYPE(BPF_MAP_TYPE_LPM_TRIE, lpm_trie_dump_ops)		/* lpm_trie.c */
MAPDRV_TYPE(BPF_MAP_TYPE_QUEUE, queue_dump_ops)			/* queue_stack_maps.c */
MAPDRV_TYPE(BPF_MAP_TYPE_STACK, queue_dump_ops)			/* queue_stack_maps.c */
MAPDRV_TYPE(BPF_MAP_TYPE_BLOOM_FILTER, bloom_dump_ops)		/* bloom_filter.c */
MAPDRV_TYPE(BPF_MAP_TYPE_RINGBUF, ringbuf_dump_ops)		/* ringbuf.c */
MAPDRV_TYPE(BPF_MAP_TYPE_USER_RINGBUF, ringbuf_dump_ops)		/* ringbuf.c */
MAPDRV_TYPE(BPF_MAP_TYPE_STACK_TRACE, stackmap_dump_ops)		/* stackmap.c */
MAPDRV_TYPE(BPF_MAP_TYPE_PROG_ARRAY, fd_array_dump_ops)		/* fd_array.c */
MAPDRV_TYPE(BPF_MAP_TYPE_ARRAY_OF_MAPS, fd_array_dump_ops)	/* fd_array.c */
MAPDRV_TYPE(BPF_MAP_TYPE_PERF_EVENT_ARRAY, fd_array_dump_ops)	/* fd_array.c */
MAPDRV_TYPE(BPF_MAP_TYPE_CGROUP_ARRAY, fd_array_dump_ops)	/* fd_array.c */
MAPDRV_TYPE(BPF_MAP_TYPE_HASH_OF_MAPS, hash_of_maps_dump_ops)	/* fd_array.c */
MAPDRV_TYPE(BPF_MAP_TYPE_TASK_STORAGE, storage_dump_ops)		/* local_storage.c */
MAPDRV_TYPE(BPF_MAP_TYPE_CGRP_STORAGE, storage_dump_ops)		/* local_storage.c */
MAPDRV_TYPE(BPF_MAP_TYPE_INODE_STORAGE, storage_dump_ops)		/* local_storage.c */
MAPDRV_TYPE(BPF_MAP_TYPE_SK_STORAGE, storage_dump_ops)		/* local_storage.c */
MAPDRV_TYPE(BPF_MAP_TYPE_ARENA, arena_dump_ops)			/* arena.c */
MAPDRV_TYPE(BPF_MAP_TYPE_STRUCT_OPS, struct_ops_dump_ops)		/* bpf_struct_ops.c */
