// SPDX-License-Identifier: GPL-2.0
/*
 * Loader of scxsub: attaches the parent, makes the cgroup /scxsub,
 * attaches a second instance as its child there, lets both run for
 * --hold-ms (default 200), then has the parent fail and waits until
 * sched_ext has disabled both.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "scxsub.h"
#include "loader.h"

typedef unsigned long long u64;
typedef unsigned int u32;
#include "scxsub.skel.h"

#define CGROUP "/sys/fs/cgroup/scxsub"

static struct scxsub_bpf *load(const char *name, u64 cgid)
{
	struct scxsub_bpf *skel = scxsub_bpf__open();

	if (!skel)
		return NULL;
	skel->struct_ops.sxb_ops->sub_cgroup_id = cgid;
	/*
	 * The skeleton's shadow of the ops leaves char arrays out, but it
	 * lies on the ops' own bytes, and name[128] follows sub_cgroup_id.
	 */
	snprintf((char *)(&skel->struct_ops.sxb_ops->sub_cgroup_id + 1), 128, "%s", name);
	skel->rodata->sub_cgid = cgid;
	if (cgid)
		skel->struct_ops.sxb_ops->sub_attach = NULL;
	if (scxsub_bpf__load(skel)) {
		scxsub_bpf__destroy(skel);
		return NULL;
	}
	return skel;
}

int main(int argc, char **argv)
{
	struct scxsub_bpf *parent = NULL, *child = NULL;
	struct bpf_link *pl = NULL, *cl = NULL;
	char sub[128];
	struct stat st;
	int rc = 1;
	long hold_ms = 200;
	double t0;

	if (argc == 3 && !strcmp(argv[1], "--hold-ms"))
		hold_ms = atol(argv[2]);
	if ((argc != 1 && argc != 3) || hold_ms <= 0) {
		fprintf(stderr, "usage: scxsub [--hold-ms MS]\n");
		return 2;
	}
	parent = load("scxsub_parent", 0);
	pl = parent ? bpf_map__attach_struct_ops(parent->maps.sxb_ops) : NULL;
	if (!pl) {
		fprintf(stderr, "scxsub: parent: %s\n", strerror(errno));
		goto out;
	}
	if ((mkdir(CGROUP, 0755) && errno != EEXIST) || stat(CGROUP, &st)) {
		fprintf(stderr, "scxsub: %s: %s\n", CGROUP, strerror(errno));
		goto out;
	}
	child = load("scxsub_child", st.st_ino);
	cl = child ? bpf_map__attach_struct_ops(child->maps.sxb_ops) : NULL;
	if (!cl) {
		fprintf(stderr, "scxsub: child: %s\n", strerror(errno));
		goto out;
	}
	/* attaching succeeds even when enabling failed: look for it */
	snprintf(sub, sizeof(sub), "/sys/kernel/sched_ext/root/sub/sub-%llu",
		 (u64)st.st_ino);
	if (access(sub, F_OK)) {
		fprintf(stderr, "scxsub: the child is not enabled (no %s)\n", sub);
		goto out;
	}
	printf("scxsub: parent and child (cgroup id %llu) enabled\n", (u64)st.st_ino);
	fflush(stdout);
	usleep(hold_ms * 1000);
	parent->bss->trigger_error = 1;
	for (t0 = now_ms(); now_ms() - t0 < 20000 && !state_is("disabled");)
		usleep(20000);
	printf("scxsub: state %s after the parent's failure\n",
	       state_is("disabled") ? "disabled" : "not disabled");
	rc = !state_is("disabled");
out:
	bpf_link__destroy(cl);
	bpf_link__destroy(pl);
	scxsub_bpf__destroy(child);
	scxsub_bpf__destroy(parent);
	rmdir(CGROUP);
	return rc;
}
