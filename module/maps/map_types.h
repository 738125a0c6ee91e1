/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which family captures each BPF map type, written once, as the kernel's
 * include/linux/bpf_types.h does: define SXD_MAP_TYPE(type, ops) and
 * include this file. It serves the declarations (scxdump.h) and the
 * type -> family table (mapdrv.c). Each ops lives in the maps/ file named
 * after the kernel file whose structures it reads.
 */
SXD_MAP_TYPE(BPF_MAP_TYPE_ARRAY, sxd_array_ops)			/* arraymap.c */
SXD_MAP_TYPE(BPF_MAP_TYPE_PERCPU_ARRAY, sxd_percpu_array_ops)	/* arraymap.c */
SXD_MAP_TYPE(BPF_MAP_TYPE_HASH, sxd_hash_ops)			/* hashtab.c */
SXD_MAP_TYPE(BPF_MAP_TYPE_LRU_HASH, sxd_lru_hash_ops)		/* hashtab.c */
SXD_MAP_TYPE(BPF_MAP_TYPE_PERCPU_HASH, sxd_percpu_hash_ops)	/* hashtab.c */
SXD_MAP_TYPE(BPF_MAP_TYPE_LRU_PERCPU_HASH, sxd_percpu_hash_ops)	/* hashtab.c */
SXD_MAP_TYPE(BPF_MAP_TYPE_LPM_TRIE, sxd_lpm_trie_ops)		/* lpm_trie.c */
SXD_MAP_TYPE(BPF_MAP_TYPE_QUEUE, sxd_queue_ops)			/* queue_stack_maps.c */
SXD_MAP_TYPE(BPF_MAP_TYPE_STACK, sxd_queue_ops)			/* queue_stack_maps.c */
SXD_MAP_TYPE(BPF_MAP_TYPE_BLOOM_FILTER, sxd_bloom_ops)		/* bloom_filter.c */
SXD_MAP_TYPE(BPF_MAP_TYPE_RINGBUF, sxd_ringbuf_ops)		/* ringbuf.c */
SXD_MAP_TYPE(BPF_MAP_TYPE_USER_RINGBUF, sxd_ringbuf_ops)		/* ringbuf.c */
SXD_MAP_TYPE(BPF_MAP_TYPE_STACK_TRACE, sxd_stackmap_ops)		/* stackmap.c */
SXD_MAP_TYPE(BPF_MAP_TYPE_PROG_ARRAY, sxd_fd_array_ops)		/* fd_array.c */
SXD_MAP_TYPE(BPF_MAP_TYPE_ARRAY_OF_MAPS, sxd_fd_array_ops)	/* fd_array.c */
SXD_MAP_TYPE(BPF_MAP_TYPE_PERF_EVENT_ARRAY, sxd_fd_array_ops)	/* fd_array.c */
SXD_MAP_TYPE(BPF_MAP_TYPE_CGROUP_ARRAY, sxd_fd_array_ops)	/* fd_array.c */
SXD_MAP_TYPE(BPF_MAP_TYPE_HASH_OF_MAPS, sxd_hash_of_maps_ops)	/* fd_array.c */
SXD_MAP_TYPE(BPF_MAP_TYPE_TASK_STORAGE, sxd_storage_ops)		/* local_storage.c */
SXD_MAP_TYPE(BPF_MAP_TYPE_CGRP_STORAGE, sxd_storage_ops)		/* local_storage.c */
SXD_MAP_TYPE(BPF_MAP_TYPE_INODE_STORAGE, sxd_storage_ops)		/* local_storage.c */
SXD_MAP_TYPE(BPF_MAP_TYPE_SK_STORAGE, sxd_storage_ops)		/* local_storage.c */
SXD_MAP_TYPE(BPF_MAP_TYPE_ARENA, sxd_arena_ops)			/* arena.c */
SXD_MAP_TYPE(BPF_MAP_TYPE_STRUCT_OPS, sxd_struct_ops_ops)		/* bpf_struct_ops.c */
