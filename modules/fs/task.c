// SPDX-License-Identifier: GPL-2.0
/*
 * Per-process state of /mfs: the node a process selected.
 *
 * openMosix kept it in /proc/PID/selected. A module cannot add files to
 * /proc/PID, nor fields to task_struct, so the state lives here, in a hash
 * keyed by the process's thread-group pid, and is set with an ioctl on any
 * file of an mfs mount. Like the original, it belongs to the process (all
 * its threads), is inherited by the children it forks afterwards, and
 * survives execve(), which keeps the thread-group pid.
 *
 * Inheritance follows the sched_process_fork tracepoint and the end of the
 * process the sched_process_exit one. Their register_trace_*() helpers are
 * not exported to modules; the tracepoints themselves are found by name.
 * Only processes that selected something (and their descendants) have an
 * entry, and the probes return at once while there is none.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "omfs.h"

#include <linux/atomic.h>
#include <linux/hashtable.h>
#include <linux/pid.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/tracepoint.h>
#include <openmosix/omcore.h>
#include <uapi/linux/omfs.h>

struct omfs_task {
	struct hlist_node node;
	struct pid *tgid;		/* referenced: the key cannot be reused */
	u16 selected;
	struct rcu_head rcu;
};

static DEFINE_HASHTABLE(omfs_tasks, 10);
static DEFINE_SPINLOCK(omfs_tasks_lock);	/* writers; readers use RCU */
static atomic_t omfs_ntasks = ATOMIC_INIT(0);

static struct tracepoint *omfs_tp_fork, *omfs_tp_exit;

static struct omfs_task *omfs_task_find(struct pid *tgid)
{
	struct omfs_task *t;

	hash_for_each_possible_rcu(omfs_tasks, t, node, (unsigned long)tgid,
				   lockdep_is_held(&omfs_tasks_lock))
		if (t->tgid == tgid)
			return t;
	return NULL;
}

static struct omfs_task *omfs_task_alloc(struct pid *tgid, u16 selected,
					 gfp_t gfp)
{
	struct omfs_task *t = kmalloc(sizeof(*t), gfp);

	if (!t)
		return NULL;
	t->tgid = get_pid(tgid);
	t->selected = selected;
	return t;
}

static void omfs_task_insert(struct omfs_task *t)
{
	lockdep_assert_held(&omfs_tasks_lock);
	hash_add_rcu(omfs_tasks, &t->node, (unsigned long)t->tgid);
	atomic_inc(&omfs_ntasks);
}

/*
 * Readers compare the key pointer only, never dereference it, so the pid
 * may go before the grace period: a reader's own pid cannot be a recycled
 * copy of one that was unlinked after the reader started.
 */
static void omfs_task_remove(struct omfs_task *t)
{
	lockdep_assert_held(&omfs_tasks_lock);
	hash_del_rcu(&t->node);
	atomic_dec(&omfs_ntasks);
	put_pid(t->tgid);
	kfree_rcu(t, rcu);
}

u16 omfs_task_selected(void)
{
	struct omfs_task *t;
	u16 selected = 0;

	if (!atomic_read(&omfs_ntasks))
		return 0;
	rcu_read_lock();
	t = omfs_task_find(task_tgid(current));
	if (t)
		selected = READ_ONCE(t->selected);
	rcu_read_unlock();
	return selected;
}

static int omfs_task_set_selected(u16 selected)
{
	struct pid *tgid = task_tgid(current);
	struct omfs_task *t, *fresh = NULL;

	if (selected) {
		fresh = omfs_task_alloc(tgid, selected, GFP_KERNEL);
		if (!fresh)
			return -ENOMEM;
	}
	spin_lock(&omfs_tasks_lock);
	t = omfs_task_find(tgid);
	if (t && selected) {
		WRITE_ONCE(t->selected, selected);
	} else if (t) {
		omfs_task_remove(t);
	} else if (selected) {
		omfs_task_insert(fresh);
		fresh = NULL;
	}
	spin_unlock(&omfs_tasks_lock);
	if (fresh) {		/* another thread of ours was first */
		put_pid(fresh->tgid);
		kfree(fresh);
	}
	return 0;
}

/* Called by kernel_clone() right after copy_process(); not preemptible. */
static void omfs_probe_fork(void *data, struct task_struct *parent,
			    struct task_struct *child)
{
	struct omfs_task *t, *copy;
	u16 selected;

	if (!atomic_read(&omfs_ntasks) || !thread_group_leader(child))
		return;		/* a thread shares its process's entry */
	rcu_read_lock();
	t = omfs_task_find(task_tgid(parent));
	selected = t ? READ_ONCE(t->selected) : 0;
	rcu_read_unlock();
	if (!selected)
		return;
	copy = omfs_task_alloc(task_tgid(child), selected, GFP_ATOMIC);
	if (!copy) {
		pr_warn_ratelimited("out of memory: pid %d does not inherit selected node %u\n",
				    task_pid_nr(child), selected);
		return;
	}
	spin_lock(&omfs_tasks_lock);
	omfs_task_insert(copy);
	spin_unlock(&omfs_tasks_lock);
}

/* Called by do_exit() after the thread left signal->live. */
static void omfs_probe_exit(void *data, struct task_struct *task)
{
	struct omfs_task *t;

	if (!atomic_read(&omfs_ntasks) || atomic_read(&task->signal->live))
		return;		/* other threads of the process still run */
	spin_lock(&omfs_tasks_lock);
	t = omfs_task_find(task_tgid(task));
	if (t)
		omfs_task_remove(t);
	spin_unlock(&omfs_tasks_lock);
}

long omfs_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	u32 __user *uarg = (u32 __user *)arg;
	u32 id;

	switch (cmd) {
	case OMFS_IOC_SET_SELECTED:
		if (get_user(id, uarg))
			return -EFAULT;
		if (id > U16_MAX)
			return -ERANGE;
		if (id && !om_node_in_map(id))
			return -ENOENT;
		return omfs_task_set_selected(id);
	case OMFS_IOC_GET_SELECTED:
		return put_user((u32)omfs_task_selected(), uarg);
	default:
		return -ENOTTY;
	}
}

static void omfs_find_tracepoint(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "sched_process_fork"))
		omfs_tp_fork = tp;
	else if (!strcmp(tp->name, "sched_process_exit"))
		omfs_tp_exit = tp;
}

int omfs_task_init(void)
{
	int err;

	for_each_kernel_tracepoint(omfs_find_tracepoint, NULL);
	if (!omfs_tp_fork || !omfs_tp_exit) {
		pr_err("the kernel has no sched_process_fork/exit tracepoints\n");
		return -ENOENT;
	}
	err = tracepoint_probe_register(omfs_tp_fork, omfs_probe_fork, NULL);
	if (err)
		return err;
	err = tracepoint_probe_register(omfs_tp_exit, omfs_probe_exit, NULL);
	if (err) {
		tracepoint_probe_unregister(omfs_tp_fork, omfs_probe_fork, NULL);
		tracepoint_synchronize_unregister();
	}
	return err;
}

void omfs_task_exit(void)
{
	struct hlist_node *tmp;
	struct omfs_task *t;
	int bkt;

	tracepoint_probe_unregister(omfs_tp_exit, omfs_probe_exit, NULL);
	tracepoint_probe_unregister(omfs_tp_fork, omfs_probe_fork, NULL);
	tracepoint_synchronize_unregister();	/* no probe runs any more */
	spin_lock(&omfs_tasks_lock);
	hash_for_each_safe(omfs_tasks, bkt, tmp, t, node)
		omfs_task_remove(t);
	spin_unlock(&omfs_tasks_lock);
}
