// SPDX-License-Identifier: GPL-2.0
/*
 * --vmlinux-btf: the kernel's BTF given apart, for a dump written with
 * embed_kernel_btf=N. It is used only if it is the BTF of the kernel that
 * wrote the dump: same size and CRC-32 as the capture record says.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <libdeflate.h>
#include "decode.h"

struct btf *vmlinux_btf_load(const struct dump_index *x, const char *path,
			     char *msg, size_t len)
{
	const struct sxd_capture *c = x->cap;
	struct btf *btf = NULL;
	uint8_t *data = NULL;
	long size;
	FILE *in;

	in = fopen(path, "rb");
	if (!in) {
		snprintf(msg, len, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fseek(in, 0, SEEK_END) || (size = ftell(in)) <= 0 || fseek(in, 0, SEEK_SET) ||
	    !(data = malloc(size)) || fread(data, 1, size, in) != (size_t)size) {
		snprintf(msg, len, "%s: cannot read it", path);
		goto out;
	}
	if (c && c->kernel_btf_size &&
	    ((uint64_t)size != c->kernel_btf_size ||
	     libdeflate_crc32(0, data, size) != c->kernel_btf_crc32)) {
		snprintf(msg, len, "%s is not the BTF of the kernel that wrote the dump (%.*s: %u bytes, CRC 0x%08x)",
			 path, (int)strnlen(c->kernel_release, sizeof(c->kernel_release)),
			 c->kernel_release, c->kernel_btf_size, c->kernel_btf_crc32);
		goto out;
	}
	btf = btf__new(data, size);
	if (!btf)
		snprintf(msg, len, "%s: not raw BTF", path);
out:
	free(data);
	fclose(in);
	return btf;
}
