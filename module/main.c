// SPDX-License-Identifier: GPL-2.0
/*
 * scxdump: capture a failing sched_ext scheduler's BPF maps before sched_ext
 * tears it down, into a self-contained dump in debugfs.
 *
 * Its parameters are params.c's.
 *
 * Load order: kernel symbols (ksyms.c), private layouts from the kernel's
 * BTF (layout.c), the core buffers (core.c), the dumps' debugfs files
 * (dumps.c), the flight recorder (timeline.c), the event recorder
 * (recorder.c), the stall watch (stall.c),
 * the control file (control.c), and last the hook (hook.c). Any missing
 * piece fails insmod with a message saying what is missing.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include "scxdump.h"

/*
 * The hook is armed last: do_init_module() frees a module whose init
 * failed without waiting for anything, so a scheduler failing during
 * insmod must never find the hook pointing into this module once a
 * later step has failed. Every step before it can fail and is undone in
 * reverse order (the same order as scxdump_exit()); hook_init() undoes
 * its own parts when it fails.
 */
static int __init scxdump_init(void)
{
	int err;

	err = ksyms_init();
	if (err)
		return err;
	err = hook_resolve();
	if (err)
		return err;
	err = klayout_init();
	if (err)
		return err;
	if (!ksyms.bpf_stats_enabled_key)
		klayout_note_absent("bpf_stats_enabled",
				    "no bpf_stats_enabled_key in kallsyms: whether programs' run counts are kept is not known");
	err = core_init();
	if (err)
		goto err_layout;
	err = dumps_init();
	if (err)
		goto err_core;
	err = timeline_init();
	if (err)
		goto err_dumps;
	err = recorder_init();
	if (err)
		goto err_timeline;
	err = stall_init();
	if (err)
		goto err_recorder;
	err = control_init(dumps_dir());
	if (err)
		goto err_stall;
	err = hook_init();
	if (err)
		goto err_control;
	dumps_set_armed(true);
	pr_info("armed (version %s)\n", SCXDUMP_VERSION);
	return 0;

err_control:
	control_exit();
err_stall:
	stall_exit();
err_recorder:
	recorder_exit();
err_timeline:
	timeline_exit();
err_dumps:
	dumps_exit();
err_core:
	core_exit();
err_layout:
	klayout_exit();
	return err;
}

/*
 * Teardown, each piece after everything that uses it is gone:
 *  - the hook: unregister_ftrace_function() waits until no handler runs;
 *    a capture it redirected holds a module reference (hook.c), so none
 *    is running once rmmod got here;
 *  - the control file: debugfs_remove() waits for the writes in flight;
 *  - the stall worker: its warning captures, and on-demand captures whose
 *    writer was killed while it waited (trigger_request(): neither holds
 *    a module reference), run to their end before it is destroyed;
 *  - then no capture can run: the event recorder (its probes are
 *    removed and waited for before its rings are freed), the timeline
 *    (its ring is copied by captures), the dumps (published by captures), the core buffers
 *    (filled by the hook and captures) and the layouts (read by all).
 */
static void __exit scxdump_exit(void)
{
	dumps_set_armed(false);
	hook_exit();
	control_exit();
	stall_exit();
	recorder_exit();
	timeline_exit();
	dumps_exit();
	core_exit();
	klayout_exit();
}

module_init(scxdump_init);
module_exit(scxdump_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Capture a failing sched_ext scheduler's BPF maps into a dump");
MODULE_VERSION(SCXDUMP_VERSION);
