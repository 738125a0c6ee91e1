// SPDX-License-Identifier: GPL-2.0
/*
 * The dumps, in /sys/kernel/debug/scxdump/: "dump" (the last capture,
 * binary, root only), "dumps/<seq>" (the last keep_dumps captures, one
 * file each) and "status" (text, pollable: it wakes a reader when a
 * capture is published or fails). Captures publish into it (capture.c);
 * it calls nothing of theirs. A reader that opened a dump holds a
 * reference to it, so a new capture, or the eviction of the oldest kept
 * dump, never changes what an open reader sees.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include "scxdump.h"

static DEFINE_MUTEX(dumps_lock);		/* protects everything below */
static struct held_dump *dumps_current;
static struct dentry *dumps_dir_dentry;
static struct dentry *dumps_kept_dir;
/* The kept dumps, oldest first; each holds a reference and has a file. */
static struct dumps_kept {
	struct held_dump *dump;
	struct dentry *dentry;
} dumps_kept[DUMPS_MAX_KEPT];
static u32 dumps_nr_kept;
static struct dentry *dumps_dump_dentry;
static bool dumps_armed;			/* the hook is in place */
static u32 dumps_nr_captures;
static u64 dumps_last_time_ns;		/* CLOCK_REALTIME of the last capture */
static int dumps_last_err;
static char dumps_last_err_what[64];
/*
 * Bumped at each published or failed capture, under dumps_lock; a reader
 * of "status" polls for a change since its last read (dumps_events_wq).
 */
static u64 dumps_events;
static DECLARE_WAIT_QUEUE_HEAD(dumps_events_wq);

static void held_dump_free(struct kref *ref)
{
	struct held_dump *d = container_of(ref, struct held_dump, ref);

	kvfree(d->buf);
	kfree(d);
}

void held_dump_put(struct held_dump *d)
{
	if (d)
		kref_put(&d->ref, held_dump_free);
}

static void dumps_set_inode_size(struct dentry *dentry, loff_t size)
{
	struct inode *inode;

	if (IS_ERR_OR_NULL(dentry))
		return;
	inode = d_inode(dentry);
	inode_lock(inode);
	i_size_write(inode, size);
	inode_unlock(inode);
}

static const struct file_operations dumps_kept_fops;

/*
 * Drop the oldest kept dumps until at most @keep remain; their files are
 * removed and the dumps freed once no reader has them open. Called
 * without dumps_lock: debugfs_remove() waits for file operations in flight,
 * and an open of a kept dump takes dumps_lock.
 */
static void dumps_evict(u32 keep)
{
	struct dumps_kept old;

	for (;;) {
		mutex_lock(&dumps_lock);
		if (dumps_nr_kept <= keep) {
			mutex_unlock(&dumps_lock);
			return;
		}
		old = dumps_kept[0];
		memmove(&dumps_kept[0], &dumps_kept[1], --dumps_nr_kept * sizeof(dumps_kept[0]));
		mutex_unlock(&dumps_lock);
		debugfs_remove(old.dentry);
		held_dump_put(old.dump);
	}
}

/* Give @d its own file under dumps/, if that directory exists. */
static void dumps_keep(struct held_dump *d)
{
	struct dentry *dentry = NULL;
	char name[16];
	u32 keep;

	keep = clamp_t(unsigned long, READ_ONCE(opt_keep_dumps), 1, DUMPS_MAX_KEPT);
	dumps_evict(keep - 1);
	snprintf(name, sizeof(name), "%08u", d->seq);
	kref_get(&d->ref);
	mutex_lock(&dumps_lock);
	if (dumps_kept_dir && dumps_nr_kept < DUMPS_MAX_KEPT) {
		/*
		 * Not the proxy: it fails reads once the file is removed, and
		 * a reader of an evicted dump must go on reading it. Our open
		 * checks the dump is still kept; the reader's reference does
		 * the rest.
		 */
		dentry = debugfs_create_file_unsafe(name, 0400, dumps_kept_dir, d,
						    &dumps_kept_fops);
		if (!IS_ERR(dentry)) {
			dumps_set_inode_size(dentry, d->len);
			dumps_kept[dumps_nr_kept].dump = d;
			dumps_kept[dumps_nr_kept++].dentry = dentry;
		}
	}
	mutex_unlock(&dumps_lock);
	if (IS_ERR_OR_NULL(dentry)) {
		pr_err("dump %u is not kept under dumps/ (%ld)\n", d->seq,
		       PTR_ERR(dentry));
		held_dump_put(d);
	}
}

/*
 * Make @d the current dump and keep it under dumps/; the previous current
 * one lives on there and in open readers.
 */
void dumps_publish(struct held_dump *d)
{
	struct held_dump *old;

	dumps_keep(d);
	mutex_lock(&dumps_lock);
	/*
	 * Unloading (dumps_exit()) has begun. main.c tears the captures down
	 * first, so none should get here; one that did would hold the last
	 * reference to its dump past the module: it is dropped, and said.
	 */
	if (!dumps_dir_dentry) {
		mutex_unlock(&dumps_lock);
		pr_err("dump %u dropped: unloading\n", d->seq);
		held_dump_put(d);
		return;
	}
	old = dumps_current;
	dumps_current = d;
	dumps_nr_captures++;
	dumps_last_time_ns = ktime_get_real_ns();
	dumps_last_err = 0;
	WRITE_ONCE(dumps_events, dumps_events + 1);
	dumps_set_inode_size(dumps_dump_dentry, d->len);
	mutex_unlock(&dumps_lock);
	held_dump_put(old);
	wake_up_interruptible(&dumps_events_wq);
}

void dumps_note_failure(int err, const char *what)
{
	pr_err("capture failed: %s (%d)\n", what, err);
	mutex_lock(&dumps_lock);
	dumps_last_err = err;
	strscpy(dumps_last_err_what, what, sizeof(dumps_last_err_what));
	WRITE_ONCE(dumps_events, dumps_events + 1);
	mutex_unlock(&dumps_lock);
	wake_up_interruptible(&dumps_events_wq);
}

void dumps_set_armed(bool armed)
{
	mutex_lock(&dumps_lock);
	dumps_armed = armed;
	mutex_unlock(&dumps_lock);
}

static int dumps_dump_open(struct inode *inode, struct file *file)
{
	struct held_dump *d;

	mutex_lock(&dumps_lock);
	d = dumps_current;
	if (d)
		kref_get(&d->ref);
	mutex_unlock(&dumps_lock);
	if (!d)
		return -ENODATA;	/* nothing captured yet */
	file->private_data = d;
	return 0;
}

static ssize_t dumps_dump_read(struct file *file, char __user *buf, size_t len,
			       loff_t *ppos)
{
	struct held_dump *d = file->private_data;

	return simple_read_from_buffer(buf, len, ppos, d->buf, d->len);
}

static int dumps_dump_release(struct inode *inode, struct file *file)
{
	held_dump_put(file->private_data);
	return 0;
}

static const struct file_operations dumps_dump_fops = {
	.owner = THIS_MODULE,
	.open = dumps_dump_open,
	.read = dumps_dump_read,
	.llseek = default_llseek,
	.release = dumps_dump_release,
};

/*
 * dumps/<seq>: its dump, if it is still kept. The file's dentry, which
 * the open file pins, identifies it: the dump may be gone already.
 */
static int dumps_kept_open(struct inode *inode, struct file *file)
{
	struct held_dump *d;
	int err = -ENOENT;
	u32 i;

	mutex_lock(&dumps_lock);
	for (i = 0; i < dumps_nr_kept; i++) {
		if (dumps_kept[i].dentry == file->f_path.dentry) {
			d = dumps_kept[i].dump;
			kref_get(&d->ref);
			file->private_data = d;
			err = 0;
			break;
		}
	}
	mutex_unlock(&dumps_lock);
	return err;
}

static const struct file_operations dumps_kept_fops = {
	.owner = THIS_MODULE,
	.open = dumps_kept_open,
	.read = dumps_dump_read,
	.llseek = default_llseek,
	.release = dumps_dump_release,
};

/* What a reader of "status" saw: the events at its last read. */
struct dumps_status_reader {
	u64 seen;
};

static int dumps_status_show(struct seq_file *m, void *v)
{
	struct dumps_status_reader *r = m->private;
	u32 i;

	mutex_lock(&dumps_lock);
	WRITE_ONCE(r->seen, dumps_events);
	seq_printf(m, "events: %llu\n", dumps_events);
	seq_printf(m, "armed: %s\n", dumps_armed ? "yes" : "no");
	seq_printf(m, "capture_all_exits: %s\n", opt_capture_all_exits ? "yes" : "no");
	seq_printf(m, "max_dump_bytes: %lu\n", opt_max_dump_bytes);
	seq_printf(m, "captures: %u\n", dumps_nr_captures);
	hook_status(m);
	seq_printf(m, "keep_dumps: %lu\n", opt_keep_dumps);
	seq_puts(m, "kept:");
	for (i = 0; i < dumps_nr_kept; i++)
		seq_printf(m, " %u", dumps_kept[i].dump->seq);
	seq_puts(m, "\n");
	if (dumps_current) {
		seq_printf(m, "last_capture_seq: %u\n", dumps_current->seq);
		seq_printf(m, "last_capture_bytes: %zu\n", dumps_current->len);
		seq_printf(m, "last_capture_time_ns: %llu\n", dumps_last_time_ns);
	}
	if (dumps_last_err)
		seq_printf(m, "last_error: %d (%s)\n", dumps_last_err, dumps_last_err_what);
	else
		seq_puts(m, "last_error: none\n");
	mutex_unlock(&dumps_lock);
	stall_status(m);
	timeline_status(m);
	recorder_status(m);
	return 0;
}

static int dumps_status_open(struct inode *inode, struct file *file)
{
	/* (not kzalloc_obj(): 6.12 lacks it) */
	struct dumps_status_reader *r = sxd_alloc(kzalloc(sizeof(*r), GFP_KERNEL));
	int err;

	if (!r)
		return -ENOMEM;
	mutex_lock(&dumps_lock);
	WRITE_ONCE(r->seen, dumps_events);
	mutex_unlock(&dumps_lock);
	err = single_open(file, dumps_status_show, r);
	if (err)
		kfree(r);
	return err;
}

static int dumps_status_release(struct inode *inode, struct file *file)
{
	struct dumps_status_reader *r = ((struct seq_file *)file->private_data)->private;
	int err;

	err = single_release(inode, file);
	kfree(r);
	return err;
}

/*
 * Readable (EPOLLIN | EPOLLPRI) once a capture was published or failed
 * since this file was opened or last read; the reader then reads it again
 * from offset 0. The wait queue is static: an open file holds a reference
 * on the module (the debugfs proxy takes its fops' owner), so it outlives
 * every waiter.
 */
static __poll_t dumps_status_poll(struct file *file, poll_table *pt)
{
	struct dumps_status_reader *r = ((struct seq_file *)file->private_data)->private;

	poll_wait(file, &dumps_events_wq, pt);
	if (READ_ONCE(dumps_events) != READ_ONCE(r->seen))
		return EPOLLIN | EPOLLRDNORM | EPOLLPRI;
	return 0;
}

static const struct file_operations dumps_status_fops = {
	.owner = THIS_MODULE,
	.open = dumps_status_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.poll = dumps_status_poll,
	.release = dumps_status_release,
};

/* The debugfs directory, for control.c's file; NULL before init. */
struct dentry *dumps_dir(void)
{
	return dumps_dir_dentry;
}

int dumps_init(void)
{
	struct dentry *dir;

	dir = debugfs_create_dir("scxdump", NULL);
	if (IS_ERR(dir)) {
		pr_err("cannot create debugfs directory (%ld); is debugfs enabled?\n",
		       PTR_ERR(dir));
		return PTR_ERR(dir);
	}
	/* Its size, shown by ls -l, follows the current dump. */
	dumps_dump_dentry = debugfs_create_file("dump", 0400, dir, NULL,
						&dumps_dump_fops);
	debugfs_create_file("status", 0400, dir, NULL, &dumps_status_fops);
	mutex_lock(&dumps_lock);
	dumps_dir_dentry = dir;
	dumps_kept_dir = debugfs_create_dir("dumps", dir);
	if (IS_ERR(dumps_kept_dir)) {
		pr_err("no dumps/ directory (%ld); only the last dump is readable\n",
		       PTR_ERR(dumps_kept_dir));
		dumps_kept_dir = NULL;
	}
	mutex_unlock(&dumps_lock);
	return 0;
}

void dumps_exit(void)
{
	struct dentry *dir;

	mutex_lock(&dumps_lock);
	dir = dumps_dir_dentry;
	dumps_dir_dentry = NULL;
	dumps_kept_dir = NULL;
	mutex_unlock(&dumps_lock);
	/* Waits for open files' operations; their dumps stay referenced. */
	debugfs_remove(dir);
	mutex_lock(&dumps_lock);
	while (dumps_nr_kept)
		held_dump_put(dumps_kept[--dumps_nr_kept].dump);
	held_dump_put(dumps_current);
	dumps_current = NULL;
	mutex_unlock(&dumps_lock);
}
