# SPDX-License-Identifier: GPL-2.0
# The decoder library's sources, listed once: the scxdump tool, the unit
# tests and the fuzzer all link libscxdecode.a built from them.
DECODER_SRCS := dumpfile.c records.c index.c memory.c names.c textout.c json.c \
	render.c render_ptr.c render_rules.c plan.c decode.c maps.c summary.c vmlinux_btf.c core.c diff.c timeline.c \
	events.c trace.c \
	jsontree.c fwd.c globals.c mapdef.c sdt.c bump.c infer.c bpftool.c html.c redact.c \
	maps/typed.c maps/local_storage.c maps/arena.c maps/fd_array.c \
	maps/stackmap.c maps/ringbuf.c maps/queue_stack_maps.c \
	maps/bloom_filter.c maps/bpf_struct_ops.c maps/hashtab.c
DECODER_PKGS := libbpf yajl libdeflate
# the Debian package that gives each (Makefile: named when missing)
DECODER_DEB_libbpf := libbpf-dev
DECODER_DEB_yajl := libyajl-dev
DECODER_DEB_libdeflate := libdeflate-dev
