/* SPDX-License-Identifier: GPL-2.0 */
/* What scxsub's BPF side and its loader share. */
#ifndef SCXSUB_H
#define SCXSUB_H

#define SXB_PARENT_TAG	0x9a9e47ull	/* "parent" */
#define SXB_CHILD_TAG	0xc41dull	/* "child" */

/* Each instance's own record of who it is, in its own map. */
struct sxb_role {
	unsigned long long tag;		/* SXB_PARENT_TAG or SXB_CHILD_TAG */
	unsigned long long sub_cgid;	/* 0 for the parent */
	unsigned long long nr_init;	/* ops.init ran */
	unsigned long long nr_attach;	/* ops.sub_attach accepted a child */
};

#endif
