/* SPDX-License-Identifier: GPL-2.0 */
/* scxstall: what its BPF side and its loader share. */
#ifndef SCXSTALL_H
#define SCXSTALL_H

#define SXS_DSQ		77	/* the victim's DSQ: nobody consumes it */
#define SXS_TIMEOUT_MS	4000	/* the watchdog's: short, for the test */
#define SXS_VICTIM_MAX_MS 60000	/* the victim's busy loop ends by then */

#endif
