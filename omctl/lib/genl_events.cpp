#include "genl_events.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <sys/socket.h>

#include "genl_client.hpp"

namespace om {

namespace {

[[noreturn]] void protocol_error(const std::string &what)
{
	throw KernelError(EPROTO, "", fmt::format("unexpected event from the kernel: {}", what));
}

constexpr nla_policy exact(std::uint16_t type, std::uint16_t len)
{
	return {.type = type, .minlen = len, .maxlen = len};
}

const nla_policy *event_policy()
{
	static const auto policy = [] {
		std::array<nla_policy, OM_A_MAX + 1> p{};
		p[OM_A_NODE_ID] = exact(NLA_U32, 4);
		p[OM_A_LINK_REASON] = exact(NLA_U32, 4);
		p[OM_A_MAP_GENERATION] = exact(NLA_U64, 8);
		p[OM_A_MAP_NODES] = exact(NLA_U32, 4);
		return p;
	}();
	return policy.data();
}

LinkDown parse_link_down(nlattr *const *tb)
{
	if (!tb[OM_A_NODE_ID] || !tb[OM_A_LINK_REASON])
		protocol_error("a link-down event lacks OM_A_NODE_ID or OM_A_LINK_REASON");
	const std::uint32_t node = nla_get_u32(tb[OM_A_NODE_ID]);
	const std::uint32_t reason = nla_get_u32(tb[OM_A_LINK_REASON]);
	if (node == 0 || node > OM_NODE_ID_MAX)
		protocol_error(fmt::format("a link-down event names node {}", node));
	// An errno is small and positive; anything else is no reason.
	if (reason == 0 || reason > 4095)
		protocol_error(fmt::format("a link-down event gives reason {}", reason));
	return {static_cast<NodeId>(node), static_cast<int>(reason)};
}

MapChanged parse_map_changed(nlattr *const *tb)
{
	if (!tb[OM_A_MAP_GENERATION])
		protocol_error("a map-changed event lacks OM_A_MAP_GENERATION");
	MapChanged m{nla_get_u64(tb[OM_A_MAP_GENERATION]), 0};
	if (tb[OM_A_MAP_NODES])
		m.nodes = nla_get_u32(tb[OM_A_MAP_NODES]);
	return m;
}

} // namespace

std::optional<Event> parse_event(nlmsghdr *msg)
{
	if (!genlmsg_valid_hdr(msg, 0))
		protocol_error("a message too short for its generic netlink header");
	const auto *genl = static_cast<const genlmsghdr *>(nlmsg_data(msg));
	if (genl->cmd != OM_CMD_LINK_DOWN && genl->cmd != OM_CMD_MAP_CHANGED)
		return std::nullopt;
	std::array<nlattr *, OM_A_MAX + 1> tb{};
	if (genlmsg_parse(msg, 0, tb.data(), OM_A_MAX, event_policy()) < 0)
		protocol_error(fmt::format("event {} is malformed", genl->cmd));
	if (genl->cmd == OM_CMD_LINK_DOWN)
		return parse_link_down(tb.data());
	return parse_map_changed(tb.data());
}

std::vector<Event> parse_events(std::span<std::uint8_t> bytes, int family)
{
	std::vector<Event> events;
	auto *nlh = reinterpret_cast<nlmsghdr *>(bytes.data());
	int rem = static_cast<int>(bytes.size());
	for (; nlmsg_ok(nlh, rem); nlh = nlmsg_next(nlh, &rem)) {
		if (nlh->nlmsg_type != family)
			continue;
		if (auto event = parse_event(nlh))
			events.push_back(*event);
	}
	if (rem != 0)
		protocol_error(fmt::format("{} bytes of a truncated message", rem));
	return events;
}

GenlEvents::GenlEvents(const std::string &family) : sock_(nl_socket_alloc())
{
	if (!sock_)
		throw std::bad_alloc();
	if (const int rc = genl_connect(sock_.get()); rc < 0)
		throw KernelError(EIO, "", fmt::format("cannot open a generic netlink socket: {}",
						       nl_geterror(rc)));
	family_ = genl_ctrl_resolve(sock_.get(), family.c_str());
	const int group = family_ < 0 ? family_
				      : genl_ctrl_resolve_grp(sock_.get(), family.c_str(), OM_MCGRP_EVENTS);
	if (group == -NLE_OBJ_NOTFOUND)
		throw KernelError(ENOENT, "", fmt::format("the kernel has no '{}' generic netlink "
							  "family with an '{}' group", family,
							  OM_MCGRP_EVENTS));
	if (group < 0)
		throw KernelError(EIO, "", fmt::format("cannot look up the '{}' events: {}", family,
						       nl_geterror(group)));
	// Events are unsolicited: no sequence numbers to check.
	nl_socket_disable_seq_check(sock_.get());
	if (const int rc = nl_socket_add_membership(sock_.get(), group); rc < 0)
		throw KernelError(EIO, "", fmt::format("cannot join the '{}' events: {}", family,
						       nl_geterror(rc)));
	nl_socket_set_nonblocking(sock_.get());
}

int GenlEvents::fd() const noexcept
{
	return nl_socket_get_fd(sock_.get());
}

std::vector<Event> GenlEvents::read()
{
	// An event is a few dozen bytes; a page-sized datagram never comes.
	alignas(nlmsghdr) std::array<std::uint8_t, 8192> buf;
	std::vector<Event> events;
	for (;;) {
		const ssize_t n = recv(fd(), buf.data(), buf.size(), MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return events;
		if (n < 0)
			throw KernelError(errno, "", fmt::format("reading the kernel's events failed: {}",
							       std::strerror(errno)));
		if (static_cast<std::size_t>(n) > buf.size())
			throw KernelError(EMSGSIZE, "", "an event from the kernel was too long");
		for (Event &e : parse_events(std::span(buf.data(), static_cast<std::size_t>(n)), family_))
			events.push_back(e);
	}
}

} // namespace om
