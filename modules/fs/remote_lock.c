// SPDX-License-Identifier: GPL-2.0
/*
 * Record locks and flock() of another node's files (docs/design/omfs.md
 * §8.15). A lock is held on the serving node, where it excludes that
 * node's processes and every other node's alike; once granted there, it
 * is also recorded here, where it cannot conflict (every lock recorded
 * here is held there too) but is what /proc/locks shows and what close()
 * looks at: locks_remove_posix() and locks_remove_flock() call us back to
 * unlock only while this node has a lock recorded on the inode. Unlocking
 * goes here first, then there.
 *
 * A server thread never waits for a lock: F_SETLKW and a flock() without
 * LOCK_NB ask again with a growing pause, until granted or interrupted.
 */
#include "remote_int.h"

#include <linux/delay.h>
#include <linux/random.h>
#include <linux/sched/signal.h>
#include <linux/siphash.h>

/* A wait for a lock asks again after 10 ms, doubling up to 500 ms. */
#define OMFS_LOCK_RETRY_MIN_MS	10
#define OMFS_LOCK_RETRY_MAX_MS	500

/* Lock owners go to the server as keyed hashes, never as kernel addresses. */
static siphash_key_t omfs_lock_key;

void omfs_remote_lock_init(void)
{
	get_random_bytes(&omfs_lock_key, sizeof(omfs_lock_key));
}

static u8 omfs_lock_type(int type)
{
	switch (type) {
	case F_RDLCK:
		return OMFS_LK_RD;
	case F_WRLCK:
		return OMFS_LK_WR;
	default:
		return OMFS_LK_UN;
	}
}

/* LOCK of @fl's range and type (or unlock) for its owner. */
static int omfs_lock_call(struct file *file, u8 cmd, struct file_lock *fl,
			  u8 type, struct omfs_wire_lock_rsp *lr)
{
	struct omfs_rfile *rf = file->private_data;
	struct omfs_wire_lock lk = {
		.owner = siphash_1u64((u64)(unsigned long)om_fl_owner(fl),
				      &omfs_lock_key),
		.start = fl->fl_start,
		.end = fl->fl_end,
		.fid = rf->fid,
		.pid = current->tgid,
		.cmd = cmd,
		.type = type,
	};
	struct om_rpc_resp resp;
	struct omfs_msg m;
	int err;

	if (om_fl_flags(fl) & FL_OFDLCK)
		lk.flags |= OMFS_LK_OFD;
	err = omfs_msg_init(&m, OMFS_WIRE_LOCK_LEN, 0);
	if (err)
		return err;
	omfs_wire_put_lock(omfs_msg_put(&m, OMFS_WIRE_LOCK_LEN), &lk);
	err = omfs_inode_call(file_inode(file), OMFS_WT_LOCK, &m,
			      OMFS_WIRE_LOCK_RSP_LEN, &resp);
	omfs_msg_free(&m);
	if (err)
		return err;
	err = omfs_wire_get_lock_rsp(resp.data, resp.len, lr) ? -EIO : 0;
	kvfree(resp.data);
	return err;
}

/*
 * F_GETLK: the lock that would conflict, as the server has it. Its pid is
 * one of this node's processes, or 0 for a holder elsewhere: another
 * node's pid means nothing here.
 */
static int omfs_getlk(struct file *file, struct file_lock *fl)
{
	struct omfs_wire_lock_rsp lr;
	int err;

	err = omfs_lock_call(file, OMFS_LK_GETLK, fl,
			     omfs_lock_type(om_fl_type(fl)), &lr);
	if (err)
		return err;
	switch (lr.type) {
	case OMFS_LK_UN:
		om_fl_type(fl) = F_UNLCK;
		return 0;
	case OMFS_LK_RD:
		om_fl_type(fl) = F_RDLCK;
		break;
	default:
		om_fl_type(fl) = F_WRLCK;
		break;
	}
	fl->fl_start = lr.start;
	fl->fl_end = lr.end;
	om_fl_pid(fl) = lr.node == om_self_id() ? lr.pid : 0;
	return 0;
}

/*
 * Asks @call until it is not -EAGAIN, unless @wait is false, pausing
 * longer each time; a signal ends the wait as it ends F_SETLKW's.
 */
static int omfs_lock_retry(struct file *file, struct file_lock *fl, bool wait,
			   int (*call)(struct file *, struct file_lock *))
{
	unsigned int pause = OMFS_LOCK_RETRY_MIN_MS;
	int err;

	for (;;) {
		err = call(file, fl);
		if (err != -EAGAIN || !wait)
			return err;
		if (msleep_interruptible(pause) || signal_pending(current))
			return -ERESTARTSYS;
		pause = min(pause * 2, OMFS_LOCK_RETRY_MAX_MS);
	}
}

static int omfs_setlk_call(struct file *file, struct file_lock *fl)
{
	struct omfs_wire_lock_rsp lr;

	return omfs_lock_call(file, OMFS_LK_SETLK, fl,
			      omfs_lock_type(om_fl_type(fl)), &lr);
}

static int omfs_unlock_call(struct file *file, struct file_lock *fl)
{
	struct omfs_wire_lock_rsp lr;

	return omfs_lock_call(file, OMFS_LK_SETLK, fl, OMFS_LK_UN, &lr);
}

static int omfs_flock_call(struct file *file, struct file_lock *fl)
{
	struct omfs_rfile *rf = file->private_data;
	struct om_rpc_resp resp;
	u32 arg;
	int err;

	switch (om_fl_type(fl)) {
	case F_RDLCK:
		arg = OMFS_FL_SH;
		break;
	case F_WRLCK:
		arg = OMFS_FL_EX;
		break;
	default:
		arg = OMFS_FL_UN;
		break;
	}
	err = omfs_fid_call(file_inode(file), OMFS_WT_FLOCK, rf->fid, arg, 0,
			    &resp);
	if (!err)
		kvfree(resp.data);
	/* flock(2) says EWOULDBLOCK, which is EAGAIN. */
	return err;
}

/*
 * Held there, now recorded here; if it cannot be (no memory), it is let
 * go there again rather than held without this node knowing.
 */
static int omfs_lock_record(struct file *file, struct file_lock *fl,
			    int (*unlock)(struct file *, struct file_lock *))
{
	unsigned char type = om_fl_type(fl);
	int err;

	om_fl_flags(fl) &= ~FL_SLEEP;
	err = locks_lock_file_wait(file, fl);
	if (err) {
		om_fl_type(fl) = F_UNLCK;
		unlock(file, fl);
		om_fl_type(fl) = type;
	}
	return err;
}

/* Here first, so that close() stops calling us back; then there. */
static int omfs_unlock(struct file *file, struct file_lock *fl,
		       int (*unlock)(struct file *, struct file_lock *))
{
	int err = locks_lock_file_wait(file, fl);
	int err2 = unlock(file, fl);

	return err ?: err2;
}

int omfs_remote_lock(struct file *file, int cmd, struct file_lock *fl)
{
	int err;

	if (!(om_fl_flags(fl) & FL_POSIX))
		return -ENOLCK;
	if (IS_GETLK(cmd))
		return omfs_getlk(file, fl);
	if (om_fl_type(fl) == F_UNLCK)
		return omfs_unlock(file, fl, omfs_unlock_call);
	err = omfs_lock_retry(file, fl, IS_SETLKW(cmd), omfs_setlk_call);
	if (err)
		return err;
	return omfs_lock_record(file, fl, omfs_unlock_call);
}

int omfs_remote_flock(struct file *file, int cmd, struct file_lock *fl)
{
	int err;

	if (!(om_fl_flags(fl) & FL_FLOCK))
		return -ENOLCK;
	if (om_fl_type(fl) == F_UNLCK)
		return omfs_unlock(file, fl, omfs_flock_call);
	err = omfs_lock_retry(file, fl, om_fl_flags(fl) & FL_SLEEP,
			      omfs_flock_call);
	if (err)
		return err;
	return omfs_lock_record(file, fl, omfs_flock_call);
}
