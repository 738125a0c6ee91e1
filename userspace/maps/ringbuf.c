// SPDX-License-Identifier: GPL-2.0
/*
 * Ring buffers (module/maps/ringbuf.c): no entries; the info is the
 * positions and the unconsumed bytes, split into records by their
 * headers (include/uapi/linux/bpf.h: BPF_RINGBUF_*).
 */
#include <string.h>
#include <linux/bpf.h>
#include "maps.h"

/* Records from the consumer position on: header, then payload, padded. */
static void emit_records(yajl_gen g, const struct sxd_map_info *mi)
{
	const uint8_t *data = (const uint8_t *)(mi + 1);
	uint32_t off = 0, len, hdr;

	json_key(g, "records");
	json_arr(g);
	while (mi->data_len - off >= BPF_RINGBUF_HDR_SZ) {
		memcpy(&hdr, data + off, sizeof(hdr));
		len = hdr & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
		json_obj(g);
		json_kuint(g, "pos", mi->val[1] + off);
		json_kuint(g, "len", len);
		json_kbool(g, "busy", hdr & BPF_RINGBUF_BUSY_BIT);
		json_kbool(g, "discarded", hdr & BPF_RINGBUF_DISCARD_BIT);
		if (len > mi->data_len - off - BPF_RINGBUF_HDR_SZ) {
			json_kbool(g, "cut", true);
			len = mi->data_len - off - BPF_RINGBUF_HDR_SZ;
		}
		json_khex(g, "data_hex", data + off + BPF_RINGBUF_HDR_SZ, len);
		json_obj_end(g);
		if (hdr & BPF_RINGBUF_BUSY_BIT)
			break;	/* not committed: nothing after it is either */
		/* the kernel rounds each record up to 8 bytes */
		off += (len + BPF_RINGBUF_HDR_SZ + 7) & ~7u;
	}
	json_arr_end(g);
}

static void ringbuf_fields(struct emit *e, const struct sxd_map_info *mi)
{
	yajl_gen g = e->g;

	json_kuint(g, "capacity", mi->val[0]);
	json_kuint(g, "consumer_pos", mi->val[1]);
	json_kuint(g, "producer_pos", mi->val[2]);
	json_kuint(g, "pending_pos", mi->val[3]);
	json_kbool(g, "overwrite", mi->val[5]);
	if (mi->val[5])
		json_kuint(g, "overwrite_pos", mi->val[4]);
	json_kuint(g, "unconsumed_bytes", mi->data_len);
	emit_records(g, mi);
}

const struct info_kind ringbuf_info = {
	.kind = SXD_INFO_RINGBUF,
	.info = ringbuf_fields,
};
