#pragma once

#include <functional>
#include <string_view>

#include "landmarks.hpp"
#include "nl_handles.hpp"

struct nl_sock;
struct nl_msg;
struct nlmsghdr;

namespace om {

// A generic netlink socket set up for exchange(): extended acks on, acks
// capped, buffers for the largest requests and replies. Throws KernelError.
NlSockPtr open_genl_socket();

using ReplyHandler = std::function<void(nlmsghdr *)>;

// Sends MSG on SOCK and reads until the kernel acks it or, for a dump,
// ends it. ON_REPLY sees every data message; what it throws comes out of
// here. A refusal throws KernelError for ACTION ("loading the map") with
// the kernel's extended-ack message, and, when the kernel points at an
// attribute, what LANDMARKS call that part of MSG.
//
// Returns true if the kernel flagged the dump as interrupted
// (NLM_F_DUMP_INTR): what ON_REPLY saw may be inconsistent.
bool exchange(nl_sock *sock, nl_msg *msg, std::string_view action,
	      const ReplyHandler &on_reply, const Landmarks *landmarks = nullptr);

} // namespace om
