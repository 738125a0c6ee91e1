/* SPDX-License-Identifier: GPL-2.0 */
/* scxrec: what its BPF side, its loader and the test share. */
#ifndef SCXREC_H
#define SCXREC_H

#define SXR_DSQ_A	100		/* task A's DSQ: FIFO */
#define SXR_DSQ_B	200		/* task B's DSQ: by vtime */
#define SXR_SLICE_A	7654321ull	/* A's slice, ns */
#define SXR_SLICE_B	3456789ull	/* B's slice, ns */
#define SXR_VTIME_B	0x5eed0000ull	/* B's vtime: this + its insert's number */
#define SXR_KICK_CPU	1		/* kicked after each insert of B */
#define SXR_FAIL_AT	3		/* the insert of A that fails it */

#endif
