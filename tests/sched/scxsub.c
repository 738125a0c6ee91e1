// SPDX-License-Identifier: GPL-2.0
/*
 * Loader of scxsub: attaches the parent, makes the cgroup /scxsub,
 * attaches a second instance as its child there (with --children N,
 * N children, the others on /scxsub-2 .. /scxsub-N), lets them run for
 * --hold-ms (default 200), then has the parent fail and waits until
 * sched_ext has disabled them all.
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

/* Sub-schedulers at most (--children): as many as the module captures at once and more */
#define MAX_CHILDREN 16

int main(int argc, char **argv)
{
	struct scxsub_bpf *parent = NULL, *child[MAX_CHILDREN] = { NULL };
	struct bpf_link *pl = NULL, *cl[MAX_CHILDREN] = { NULL };
	char sub[128], cg[MAX_CHILDREN][64], name[32];
	u64 cgid[MAX_CHILDREN];
	struct stat st;
	int rc = 1, i, n = 0, argi;
	long hold_ms = 200, children = 1;
	double t0;

	for (argi = 1; argi + 1 < argc; argi += 2) {
		if (!strcmp(argv[argi], "--hold-ms"))
			hold_ms = atol(argv[argi + 1]);
		else if (!strcmp(argv[argi], "--children"))
			children = atol(argv[argi + 1]);
		else
			break;
	}
	if (argi != argc || hold_ms <= 0 || children < 1 || children > MAX_CHILDREN) {
		fprintf(stderr, "usage: scxsub [--hold-ms MS] [--children 1-%d]\n", MAX_CHILDREN);
		return 2;
	}
	parent = load("scxsub_parent", 0);
	pl = parent ? bpf_map__attach_struct_ops(parent->maps.sxb_ops) : NULL;
	if (!pl) {
		fprintf(stderr, "scxsub: parent: %s\n", strerror(errno));
		goto out;
	}
	/* the first child on /scxsub as scxsub_child, more on /scxsub-N as scxsub_childN */
	for (n = 0; n < children; n++) {
		if (n)
			snprintf(cg[n], sizeof(cg[n]), "%s-%d", CGROUP, n + 1);
		else
			snprintf(cg[n], sizeof(cg[n]), "%s", CGROUP);
		if ((mkdir(cg[n], 0755) && errno != EEXIST) || stat(cg[n], &st)) {
			fprintf(stderr, "scxsub: %s: %s\n", cg[n], strerror(errno));
			goto out;
		}
		cgid[n] = st.st_ino;
		if (n)
			snprintf(name, sizeof(name), "scxsub_child%d", n + 1);
		else
			snprintf(name, sizeof(name), "scxsub_child");
		child[n] = load(name, cgid[n]);
		cl[n] = child[n] ? bpf_map__attach_struct_ops(child[n]->maps.sxb_ops) : NULL;
		if (!cl[n]) {
			fprintf(stderr, "scxsub: %s: %s\n", name, strerror(errno));
			n++;
			goto out;
		}
		/* attaching succeeds even when enabling failed: look for it */
		snprintf(sub, sizeof(sub), "/sys/kernel/sched_ext/root/sub/sub-%llu", cgid[n]);
		if (access(sub, F_OK)) {
			fprintf(stderr, "scxsub: %s is not enabled (no %s)\n", name, sub);
			n++;
			goto out;
		}
	}
	if (children == 1)
		printf("scxsub: parent and child (cgroup id %llu) enabled\n", cgid[0]);
	else
		printf("scxsub: parent and %ld children enabled\n", children);
	fflush(stdout);
	usleep(hold_ms * 1000);
	parent->bss->trigger_error = 1;
	for (t0 = now_ms(); now_ms() - t0 < 20000 && !state_is("disabled");)
		usleep(20000);
	printf("scxsub: state %s after the parent's failure\n",
	       state_is("disabled") ? "disabled" : "not disabled");
	rc = !state_is("disabled");
out:
	for (i = n - 1; i >= 0; i--) {
		bpf_link__destroy(cl[i]);
		scxsub_bpf__destroy(child[i]);
	}
	bpf_link__destroy(pl);
	scxsub_bpf__destroy(parent);
	for (i = n - 1; i >= 0; i--)
		rmdir(cg[i]);
	return rc;
}
