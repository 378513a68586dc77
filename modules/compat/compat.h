/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the target kernels (Debian's 6.1 and 6.12), forced
 * into every compilation unit so that the modules' .c files are written
 * against one API. Each entry tests for the feature, not for a version.
 *
 * What the modules use that differs has its own header: vfs.h (omfs's VFS
 * calls) and net.h (sending pages on a socket), fed by Kbuild.probes.
 * Known differences to keep in mind (each becomes an entry the day a
 * module needs it):
 * - nla_policy.range points at a mutable netlink_range_validation on 6.1,
 *   a const one on 6.12: ranges are declared __ro_after_init, not const.
 * - NL_SET_ERR_MSG_FMT(), NL_ASSERT_DUMP_CTX_FITS() and
 *   nla_for_each_attr_type() exist on 6.12 only.
 * - genl_split_ops and the pre_doit signature differ; the modules use
 *   struct genl_ops, which both kernels take.
 * - kvfree_rcu() with one argument is kvfree_rcu_mightsleep() on 6.12.
 */
#ifndef _OM_COMPAT_H
#define _OM_COMPAT_H

#endif /* _OM_COMPAT_H */
