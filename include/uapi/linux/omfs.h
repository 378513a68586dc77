/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The mfs file system's user interface: its magic number (statfs f_type of
 * /mfs and its synthetic directories) and the ioctls that set the calling
 * process's `selected` node. The ioctls work on any file descriptor of an
 * mfs mount (omctl opens the mount point itself).
 */
#ifndef _UAPI_LINUX_OMFS_H
#define _UAPI_LINUX_OMFS_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define OMFS_FS_NAME		"mfs"
#define OMFS_SUPER_MAGIC	0x6f6d6673	/* "omfs" */

#define OMFS_IOC_MAGIC		0xBE

/*
 * Sets (a node id of the current map) or clears (0) the `selected` node of
 * the calling process. Every thread of the process shares it, children
 * forked afterwards inherit it, and execve() keeps it. ENOENT: the node is
 * not in the map; ERANGE: not a node id.
 */
#define OMFS_IOC_SET_SELECTED	_IOW(OMFS_IOC_MAGIC, 1, __u32)
/* Reads it back: 0 when none is selected (/mfs/selected is then `home`). */
#define OMFS_IOC_GET_SELECTED	_IOR(OMFS_IOC_MAGIC, 2, __u32)

#endif /* _UAPI_LINUX_OMFS_H */
