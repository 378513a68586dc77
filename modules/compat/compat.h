/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the target kernels (Debian's 6.1 and 6.12), forced
 * into every compilation unit so that the modules' .c files are written
 * against one API. Each entry tests for the feature, not for a version.
 */
#ifndef _OM_COMPAT_H
#define _OM_COMPAT_H

#endif /* _OM_COMPAT_H */
