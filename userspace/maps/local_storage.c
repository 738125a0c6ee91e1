// SPDX-License-Identifier: GPL-2.0
/*
 * Task, cgroup, inode and socket storage (module/maps/local_storage.c):
 * each key is the element's owner (struct sxd_owner), the value is typed
 * by the map's BTF.
 */
#include <arpa/inet.h>
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
