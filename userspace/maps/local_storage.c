// SPDX-License-Identifier: GPL-2.0
/*
 * Task, cgroup, inode and socket storage (module/maps/local_storage.c):
 * each key is the element's owner (struct sxd_owner), the value is typed
 * by the map's BTF. A task storage's info (SXD_INFO_OWNERS) says how its
 * owners were named.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/socket.h>
#include "../names.h"
#include "maps.h"

/* The kernel's dev_t (include/linux/kdev_t.h): minor in the low 20 bits. */
#define KDEV_MINORBITS	20
#define KDEV_MINORMASK	((1u << KDEV_MINORBITS) - 1)

static void emit_ip(yajl_gen g, const uint8_t *p, int family)
{
	char buf[INET6_ADDRSTRLEN];

	inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, p, buf, sizeof(buf));
	json_str(g, buf);
}

static void owner_key(const struct entry_view *v, const uint8_t *p)
{
	const struct sxd_owner *o = (const void *)p;
	yajl_gen g = v->e->g;
	char buf[32];

	json_obj(g);
	json_kstr(g, "owner", name_owner_kind(o->kind));
	switch (o->kind) {
	case SXD_OWNER_TASK:
		json_kint(g, "pid", o->pid);
		json_kint(g, "tgid", o->tgid);
		json_kfixed(g, "comm", o->comm, sizeof(o->comm));
		break;
	case SXD_OWNER_CGROUP:
		json_kuint(g, "id", o->id);
		json_kfixed(g, "path", o->path, sizeof(o->path));
		break;
	case SXD_OWNER_INODE:
		json_kuint(g, "ino", o->id);
		snprintf(buf, sizeof(buf), "%u:%u", o->dev >> KDEV_MINORBITS,
			 o->dev & KDEV_MINORMASK);
		json_kstr(g, "dev", buf);
		break;
	case SXD_OWNER_SOCK:
		json_kstr(g, "family", name_inet_family(o->family));
		json_key(g, "src");
		emit_ip(g, o->saddr, o->family);
		json_kuint(g, "sport", o->sport);
		json_key(g, "dst");
		emit_ip(g, o->daddr, o->family);
		json_kuint(g, "dport", o->dport);
		break;
	}
	json_obj_end(g);
}

const struct entry_shape local_storage_shape = {
	.flag = SXD_ENTRIES_OWNER,
	.min_key_size = sizeof(struct sxd_owner),
	.key = owner_key,
	.own_hex = true,
};

/* What cut the table of task identities short (SXD_OWNERS_*), in words. */
static const struct {
	uint64_t bit;
	const char *name;
} owners_cuts[] = {
	{ SXD_OWNERS_COUNT, "tasks" },
	{ SXD_OWNERS_TIME, "time" },
	{ SXD_OWNERS_CHANGED, "task_list_changed" },
	{ SXD_OWNERS_NOMEM, "no_memory" },
};

#define NR_OWNERS_CUTS	(sizeof(owners_cuts) / sizeof(owners_cuts[0]))

/*
 * SXD_INFO_OWNERS: how a task storage's owners were named, from the
 * identities taken before the stop or read from their tasks.
 */
static void owners_fields(struct emit *e, const struct sxd_map_info *mi)
{
	size_t i;

	json_kstr(e->g, "kind", "owners");
	json_kuint(e->g, "from_table", mi->val[0]);
	json_kuint(e->g, "from_task", mi->val[1]);
	json_kuint(e->g, "table_tasks", mi->val[2]);
	json_kuint(e->g, "table_ns", mi->val[3]);
	json_kuint(e->g, "table_age_ns", mi->val[4]);
	json_key(e->g, "table_cut");
	json_arr(e->g);
	for (i = 0; i < NR_OWNERS_CUTS; i++) {
		if (mi->val[5] & owners_cuts[i].bit)
			json_str(e->g, owners_cuts[i].name);
	}
	json_arr_end(e->g);
}

static void owners_text(FILE *out, const struct sxd_map_info *mi)
{
	size_t i;

	fprintf(out, "owners: %" PRIu64 " named from %" PRIu64 " tasks' identities taken %.3f ms before (in %.3f ms), %" PRIu64 " read from their task",
		(uint64_t)mi->val[0], (uint64_t)mi->val[2], mi->val[4] / 1e6, mi->val[3] / 1e6,
		(uint64_t)mi->val[1]);
	for (i = 0; i < NR_OWNERS_CUTS; i++) {
		if (mi->val[5] & owners_cuts[i].bit)
			fprintf(out, "; table cut: %s", owners_cuts[i].name);
	}
}

const struct info_kind owners_info = {
	.kind = SXD_INFO_OWNERS,
	.info = owners_fields,
	.text = owners_text,
};
