// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/scxdump/control: commands, one a write. It asks the
 * trigger policy (trigger.c) for a capture; errors are logged, rate
 * limited, and returned.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/security.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "scxdump.h"

/*
 * "control": one command a write. "capture" captures the running
 * scheduler now (the dump says trigger "request"); it keeps running.
 */
static ssize_t control_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	char buf[32], *cmd;
	int err;

	if (!len || len >= sizeof(buf)) {
		pr_err_ratelimited("control: write one command (capture), not %zu bytes\n",
				   len);
		return -EINVAL;
	}
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	cmd = strim(buf);
	if (strcmp(cmd, "capture")) {
		pr_err_ratelimited("control: unknown command '%s'; commands: capture\n",
				   cmd);
		return -EINVAL;
	}
	err = trigger_request();
	/* rate-limited: a loop of writers must not flood the log */
	if (err == -ENODEV)
		pr_err_ratelimited("control: no sched_ext scheduler is running\n");
	else if (err)
		pr_err_ratelimited("control: capture failed (%d)\n", err);
	return err ? err : len;
}

static const struct file_operations control_fops = {
	.owner = THIS_MODULE,
	.write = control_write,
	.llseek = noop_llseek,
};

static struct dentry *control_dentry;

int control_init(struct dentry *dir)
{
	struct dentry *d;

	if (!dir)
		return -ENOENT;
	d = debugfs_create_file("control", 0200, dir, NULL, &control_fops);
	if (IS_ERR(d)) {
		pr_err("cannot create the control file (%ld)\n", PTR_ERR(d));
		return PTR_ERR(d);
	}
	control_dentry = d;
	/*
	 * Under lockdown (Secure Boot on Debian's kernels, or a write to
	 * /sys/kernel/security/lockdown) debugfs refuses to open any file
	 * that can be written (fs/debugfs/file.c, debugfs_locked_down()):
	 * control then fails with EPERM before this module sees the write.
	 * The read-only files and every capture the hook or the stall watch
	 * makes are not affected. Said once, here; a lockdown raised later
	 * is the README's to explain.
	 */
	if (security_locked_down(LOCKDOWN_DEBUGFS))
		pr_warn("the kernel is locked down: debugfs refuses to open control (EPERM), so no capture on demand; failures and stall warnings are still captured, and dump, dumps/ and status read\n");
	return 0;
}

/*
 * No new command after this returns. debugfs_remove() waits for the
 * writes in flight (the proxy's active users), so a writer that captures
 * in its own context (no stall worker: trigger_request()) has finished;
 * one whose capture was handed to the stall worker may have returned
 * already (killed while it waited): stall_exit() flushes that capture.
 */
void control_exit(void)
{
	debugfs_remove(control_dentry);
	control_dentry = NULL;
}
