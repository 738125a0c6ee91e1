// SPDX-License-Identifier: GPL-2.0
/*
 * The dumps, in /sys/kernel/debug/scxdump/: "dump" (the last capture,
 * binary, root only), "dumps/<seq>" (the last keep_dumps captures, one
 * file each) and "status" (text). Captures publish into it (session.c);
 * it calls nothing of theirs. A reader that opened a dump holds a
 * reference to it, so a new capture, or the eviction of the oldest kept
 * dump, never changes what an open reader sees.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include "scxdump.h"

static DEFINE_MUTEX(sxd_lock);		/* protects everything below */
static struct sxd_dump *sxd_current;
static struct dentry *sxd_dir;
static struct dentry *sxd_kept_dir;
/* The kept dumps, oldest first; each holds a reference and has a file. */
static struct sxd_kept {
	struct sxd_dump *dump;
	struct dentry *dentry;
} sxd_kept[SXD_MAX_KEPT];
static u32 sxd_nr_kept;
static struct dentry *sxd_dump_dentry;
static bool sxd_armed;			/* the hook is in place */
static u32 sxd_nr_captures;
static u64 sxd_last_time_ns;		/* CLOCK_REALTIME of the last capture */
static int sxd_last_err;
static char sxd_last_err_what[64];

static void sxd_dump_free(struct kref *ref)
{
	struct sxd_dump *d = container_of(ref, struct sxd_dump, ref);

	kvfree(d->buf);
	kfree(d);
}

void sxd_dump_put(struct sxd_dump *d)
{
	if (d)
		kref_put(&d->ref, sxd_dump_free);
}

static void sxd_set_inode_size(struct dentry *dentry, loff_t size)
{
	struct inode *inode;

	if (IS_ERR_OR_NULL(dentry))
		return;
	inode = d_inode(dentry);
	inode_lock(inode);
	i_size_write(inode, size);
	inode_unlock(inode);
}

static const struct file_operations sxd_kept_fops;

/*
 * Drop the oldest kept dumps until at most @keep remain; their files are
 * removed and the dumps freed once no reader has them open. Called
 * without sxd_lock: debugfs_remove() waits for file operations in flight,
 * and an open of a kept dump takes sxd_lock.
 */
static void sxd_evict(u32 keep)
{
	struct sxd_kept old;

	for (;;) {
		mutex_lock(&sxd_lock);
		if (sxd_nr_kept <= keep) {
			mutex_unlock(&sxd_lock);
			return;
		}
		old = sxd_kept[0];
		memmove(&sxd_kept[0], &sxd_kept[1], --sxd_nr_kept * sizeof(sxd_kept[0]));
		mutex_unlock(&sxd_lock);
		debugfs_remove(old.dentry);
		sxd_dump_put(old.dump);
	}
}

/* Give @d its own file under dumps/, if that directory exists. */
static void sxd_keep(struct sxd_dump *d)
{
	struct dentry *dentry = NULL;
	char name[16];
	u32 keep;

	keep = clamp_t(unsigned long, READ_ONCE(sxd_keep_dumps), 1, SXD_MAX_KEPT);
	sxd_evict(keep - 1);
	snprintf(name, sizeof(name), "%08u", d->seq);
	kref_get(&d->ref);
	mutex_lock(&sxd_lock);
	if (sxd_kept_dir && sxd_nr_kept < SXD_MAX_KEPT) {
		/*
		 * Not the proxy: it fails reads once the file is removed, and
		 * a reader of an evicted dump must go on reading it. Our open
		 * checks the dump is still kept; the reader's reference does
		 * the rest.
		 */
		dentry = debugfs_create_file_unsafe(name, 0400, sxd_kept_dir, d,
						    &sxd_kept_fops);
		if (!IS_ERR(dentry)) {
			sxd_set_inode_size(dentry, d->len);
			sxd_kept[sxd_nr_kept].dump = d;
			sxd_kept[sxd_nr_kept++].dentry = dentry;
		}
	}
	mutex_unlock(&sxd_lock);
	if (IS_ERR_OR_NULL(dentry)) {
		pr_err("scxdump: dump %u is not kept under dumps/ (%ld)\n", d->seq,
		       PTR_ERR(dentry));
		sxd_dump_put(d);
	}
}

/*
 * Make @d the current dump and keep it under dumps/; the previous current
 * one lives on there and in open readers.
 */
void sxd_publish(struct sxd_dump *d)
{
	struct sxd_dump *old;

	sxd_keep(d);
	mutex_lock(&sxd_lock);
	old = sxd_current;
	sxd_current = d;
	sxd_nr_captures++;
	sxd_last_time_ns = ktime_get_real_ns();
	sxd_last_err = 0;
	sxd_set_inode_size(sxd_dump_dentry, d->len);
	mutex_unlock(&sxd_lock);
	sxd_dump_put(old);
}

void sxd_note_failure(int err, const char *what)
{
	pr_err("scxdump: capture failed: %s (%d)\n", what, err);
	mutex_lock(&sxd_lock);
	sxd_last_err = err;
	strscpy(sxd_last_err_what, what, sizeof(sxd_last_err_what));
	mutex_unlock(&sxd_lock);
}

void sxd_set_armed(bool armed)
{
	mutex_lock(&sxd_lock);
	sxd_armed = armed;
	mutex_unlock(&sxd_lock);
}

static int sxd_dump_open(struct inode *inode, struct file *file)
{
	struct sxd_dump *d;

	mutex_lock(&sxd_lock);
	d = sxd_current;
	if (d)
		kref_get(&d->ref);
	mutex_unlock(&sxd_lock);
	if (!d)
		return -ENODATA;	/* nothing captured yet */
	file->private_data = d;
	return 0;
}

static ssize_t sxd_dump_read(struct file *file, char __user *buf, size_t len,
			     loff_t *ppos)
{
	struct sxd_dump *d = file->private_data;

	return simple_read_from_buffer(buf, len, ppos, d->buf, d->len);
}

static int sxd_dump_release(struct inode *inode, struct file *file)
{
	sxd_dump_put(file->private_data);
	return 0;
}

static const struct file_operations sxd_dump_fops = {
	.owner = THIS_MODULE,
	.open = sxd_dump_open,
	.read = sxd_dump_read,
	.llseek = default_llseek,
	.release = sxd_dump_release,
};

/*
 * dumps/<seq>: its dump, if it is still kept. The file's dentry, which
 * the open file pins, identifies it: the dump may be gone already.
 */
static int sxd_kept_open(struct inode *inode, struct file *file)
{
	struct sxd_dump *d;
	int err = -ENOENT;
	u32 i;

	mutex_lock(&sxd_lock);
	for (i = 0; i < sxd_nr_kept; i++) {
		if (sxd_kept[i].dentry == file->f_path.dentry) {
			d = sxd_kept[i].dump;
			kref_get(&d->ref);
			file->private_data = d;
			err = 0;
			break;
		}
	}
	mutex_unlock(&sxd_lock);
	return err;
}

static const struct file_operations sxd_kept_fops = {
	.owner = THIS_MODULE,
	.open = sxd_kept_open,
	.read = sxd_dump_read,
	.llseek = default_llseek,
	.release = sxd_dump_release,
};

static int sxd_status_show(struct seq_file *m, void *v)
{
	u32 i;

	mutex_lock(&sxd_lock);
	seq_printf(m, "armed: %s\n", sxd_armed ? "yes" : "no");
	seq_printf(m, "capture_all_exits: %s\n", sxd_capture_all_exits ? "yes" : "no");
	seq_printf(m, "max_dump_bytes: %lu\n", sxd_max_dump_bytes);
	seq_printf(m, "captures: %u\n", sxd_nr_captures);
	seq_printf(m, "keep_dumps: %lu\n", sxd_keep_dumps);
	seq_puts(m, "kept:");
	for (i = 0; i < sxd_nr_kept; i++)
		seq_printf(m, " %u", sxd_kept[i].dump->seq);
	seq_puts(m, "\n");
	if (sxd_current) {
		seq_printf(m, "last_capture_seq: %u\n", sxd_current->seq);
		seq_printf(m, "last_capture_bytes: %zu\n", sxd_current->len);
		seq_printf(m, "last_capture_time_ns: %llu\n", sxd_last_time_ns);
	}
	if (sxd_last_err)
		seq_printf(m, "last_error: %d (%s)\n", sxd_last_err, sxd_last_err_what);
	else
		seq_puts(m, "last_error: none\n");
	mutex_unlock(&sxd_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sxd_status);

/* The debugfs directory, for control.c's file; NULL before init. */
struct dentry *sxd_dumps_dir(void)
{
	return sxd_dir;
}

int sxd_debugfs_init(void)
{
	struct dentry *dir;

	dir = debugfs_create_dir("scxdump", NULL);
	if (IS_ERR(dir)) {
		pr_err("scxdump: cannot create debugfs directory (%ld); is debugfs enabled?\n",
		       PTR_ERR(dir));
		return PTR_ERR(dir);
	}
	/* Its size, shown by ls -l, follows the current dump. */
	sxd_dump_dentry = debugfs_create_file("dump", 0400, dir, NULL,
					      &sxd_dump_fops);
	debugfs_create_file("status", 0400, dir, NULL, &sxd_status_fops);
	mutex_lock(&sxd_lock);
	sxd_dir = dir;
	sxd_kept_dir = debugfs_create_dir("dumps", dir);
	if (IS_ERR(sxd_kept_dir)) {
		pr_err("scxdump: no dumps/ directory (%ld); only the last dump is readable\n",
		       PTR_ERR(sxd_kept_dir));
		sxd_kept_dir = NULL;
	}
	mutex_unlock(&sxd_lock);
	return 0;
}

void sxd_debugfs_exit(void)
{
	struct dentry *dir;

	mutex_lock(&sxd_lock);
	dir = sxd_dir;
	sxd_dir = NULL;
	sxd_kept_dir = NULL;
	mutex_unlock(&sxd_lock);
	/* Waits for open files' operations; their dumps stay referenced. */
	debugfs_remove(dir);
	mutex_lock(&sxd_lock);
	while (sxd_nr_kept)
		sxd_dump_put(sxd_kept[--sxd_nr_kept].dump);
	sxd_dump_put(sxd_current);
	sxd_current = NULL;
	mutex_unlock(&sxd_lock);
}
