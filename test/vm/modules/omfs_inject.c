// SPDX-License-Identifier: GPL-2.0
/*
 * omfs_inject: test only. Lets a VM scenario send omcore RPC frames of its
 * own making to a peer, through om_rpc_call_resp() as mfs sends its own,
 * so that a peer's handlers can be fed what no correct client sends:
 * frames of the fuzz corpus, truncated, flipped and random ones.
 *
 * /sys/kernel/debug/omfs_inject/call (root only): each write() is one
 * frame,
 *
 *   __le16 node | u8 type | u8 oneway | __le32 timeout_ms | payload
 *
 * sent before write() returns; a read from offset 0 then gives its
 * outcome,
 *
 *   __le32 err (omcore's, as s32) | __le32 status (the peer's) | payload
 *
 * Each open file keeps the outcome of its last frame.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <openmosix/omcore.h>
#include <openmosix/wire.h>

#define INJECT_HDR_LEN		8
#define INJECT_TIMEOUT_MAX	60000		/* ms */

struct inject_file {
	struct mutex lock;		/* one frame at a time */
	void *out;			/* the last outcome, kvmalloc'ed */
	size_t out_len;
};

static struct dentry *inject_dir;

static int inject_open(struct inode *inode, struct file *file)
{
	struct inject_file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	mutex_init(&f->lock);
	file->private_data = f;
	return 0;
}

static int inject_release(struct inode *inode, struct file *file)
{
	struct inject_file *f = file->private_data;

	kvfree(f->out);
	mutex_destroy(&f->lock);
	kfree(f);
	return 0;
}

/* The outcome of one frame: @err is omcore's, the rest the peer's. */
static int inject_outcome(struct inject_file *f, int err,
			  const struct om_rpc_resp *resp)
{
	size_t len = INJECT_HDR_LEN + (err ? 0 : resp->len);
	__le32 *out = kvmalloc(len, GFP_KERNEL);

	if (!out)
		return -ENOMEM;
	out[0] = cpu_to_le32(err);
	out[1] = cpu_to_le32(err ? 0 : resp->status);
	if (!err && resp->len)
		memcpy(out + 2, resp->data, resp->len);
	kvfree(f->out);
	f->out = out;
	f->out_len = len;
	return 0;
}

static ssize_t inject_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct inject_file *f = file->private_data;
	struct om_rpc_resp resp = {};
	__le32 timeout_ms;
	__le16 node;
	u8 *buf;
	int err;

	if (count < INJECT_HDR_LEN ||
	    count > INJECT_HDR_LEN + OM_WIRE_MAX_PAYLOAD)
		return -EMSGSIZE;
	buf = vmemdup_user(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	memcpy(&node, buf, sizeof(node));
	memcpy(&timeout_ms, buf + 4, sizeof(timeout_ms));
	err = -EINVAL;
	if (buf[3] > 1 || !timeout_ms ||
	    le32_to_cpu(timeout_ms) > INJECT_TIMEOUT_MAX)
		goto out;
	if (mutex_lock_killable(&f->lock)) {
		err = -EINTR;
		goto out;
	}
	if (buf[3])
		err = om_rpc_send(le16_to_cpu(node), buf[2],
				  buf + INJECT_HDR_LEN, count - INJECT_HDR_LEN);
	else
		err = om_rpc_call_resp(le16_to_cpu(node), buf[2],
				       buf + INJECT_HDR_LEN,
				       count - INJECT_HDR_LEN,
				       OM_WIRE_MAX_PAYLOAD, &resp,
				       le32_to_cpu(timeout_ms));
	err = inject_outcome(f, err, &resp);
	mutex_unlock(&f->lock);
	kvfree(resp.data);
out:
	kvfree(buf);
	return err ?: count;
}

static ssize_t inject_read(struct file *file, char __user *ubuf, size_t count,
			   loff_t *ppos)
{
	struct inject_file *f = file->private_data;
	ssize_t ret;

	if (mutex_lock_killable(&f->lock))
		return -EINTR;
	ret = f->out ? simple_read_from_buffer(ubuf, count, ppos, f->out,
					       f->out_len) : -ENODATA;
	mutex_unlock(&f->lock);
	return ret;
}

static const struct file_operations inject_fops = {
	.owner = THIS_MODULE,
	.open = inject_open,
	.release = inject_release,
	.read = inject_read,
	.write = inject_write,
	.llseek = default_llseek,
};

static int __init inject_init(void)
{
	inject_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("call", 0600, inject_dir, NULL, &inject_fops);
	return 0;
}

static void __exit inject_exit(void)
{
	debugfs_remove(inject_dir);
}

module_init(inject_init);
module_exit(inject_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("openMosix-NG test only: RPC frames of a test's making");
