/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sockets as the target kernels differ in them, for omcore. Fed by the
 * probes of Kbuild.probes:
 *
 *   om_sock_send_pages(sock, from, flags)
 *       sends what @from (an ITER_BVEC source, each piece within one
 *       page) holds without copying it: the socket keeps references to
 *       the pages until the peer has acknowledged them. Blocks as
 *       sendmsg() does (sk_sndtimeo, signals). Answers the bytes sent,
 *       fewer when interrupted or out of time after some went, else
 *       -errno; @from is advanced by what went.
 */
#ifndef _OM_COMPAT_NET_H
#define _OM_COMPAT_NET_H

#include <linux/bvec.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <linux/uio.h>

#ifdef OM_HAVE_SENDMSG_SPLICE
static inline int om_sock_send_pages(struct socket *sock, struct iov_iter *from,
				     int flags)
{
	struct msghdr msg = { .msg_flags = flags | MSG_SPLICE_PAGES };
	int ret;

	msg.msg_iter = *from;
	ret = sock_sendmsg(sock, &msg);
	if (ret > 0)
		iov_iter_advance(from, ret);
	return ret;
}
#else
static inline int om_sock_send_pages(struct socket *sock, struct iov_iter *from,
				     int flags)
{
	int done = 0, ret;

	while (iov_iter_count(from)) {
		const struct bio_vec *bv = from->bvec;
		size_t len = min_t(size_t, bv->bv_len - from->iov_offset,
				   iov_iter_count(from));

		ret = kernel_sendpage(sock, bv->bv_page,
				      bv->bv_offset + from->iov_offset, len,
				      flags | (len < iov_iter_count(from) ?
					       MSG_MORE : 0));
		if (ret <= 0)
			return done ?: ret;
		iov_iter_advance(from, ret);
		done += ret;
	}
	return done;
}
#endif

#endif /* _OM_COMPAT_NET_H */
