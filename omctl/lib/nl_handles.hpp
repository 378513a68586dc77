#pragma once

#include <memory>
#include <netlink/handlers.h>
#include <netlink/msg.h>
#include <netlink/socket.h>

namespace om {

// Owning handles for the libnl objects omlib uses.
struct NlSockDeleter {
	void operator()(nl_sock *sock) const noexcept { nl_socket_free(sock); }
};
struct NlMsgDeleter {
	void operator()(nl_msg *msg) const noexcept { nlmsg_free(msg); }
};
struct NlCbDeleter {
	void operator()(nl_cb *cb) const noexcept { nl_cb_put(cb); }
};

using NlSockPtr = std::unique_ptr<nl_sock, NlSockDeleter>;
using NlMsgPtr = std::unique_ptr<nl_msg, NlMsgDeleter>;
using NlCbPtr = std::unique_ptr<nl_cb, NlCbDeleter>;

} // namespace om
