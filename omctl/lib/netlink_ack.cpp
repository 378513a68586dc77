#include "netlink_ack.hpp"

#include <array>
#include <cerrno>
#include <climits>
#include <cstring>
#include <linux/netlink.h>
#include <netlink/attr.h>

namespace om {

namespace {

const nla_policy *ack_policy()
{
	static const auto policy = [] {
		std::array<nla_policy, NLMSGERR_ATTR_MAX + 1> p{};
		p[NLMSGERR_ATTR_MSG] = {.type = NLA_STRING, .minlen = 0, .maxlen = 0};
		p[NLMSGERR_ATTR_OFFS] = {.type = NLA_U32, .minlen = 4, .maxlen = 4};
		p[NLMSGERR_ATTR_MISS_TYPE] = {.type = NLA_U32, .minlen = 4, .maxlen = 4};
		return p;
	}();
	return policy.data();
}

// NLMSG_ALIGN works in unsigned int and would wrap a bogus echoed length.
constexpr std::size_t align4(std::size_t n)
{
	return (n + 3) & ~std::size_t{3};
}

// The kernel reports -errno; anything else is not an errno at all.
int to_errno(int wire)
{
	if (wire == 0)
		return 0;
	return wire < 0 && wire != INT_MIN ? -wire : EPROTO;
}

void parse_tlvs(KernelAck &ack, const std::uint8_t *data, std::size_t size)
{
	std::array<nlattr *, NLMSGERR_ATTR_MAX + 1> tb{};
	// nla_parse only reads, whatever its prototype says.
	auto *head = reinterpret_cast<nlattr *>(const_cast<std::uint8_t *>(data));
	if (nla_parse(tb.data(), NLMSGERR_ATTR_MAX, head, static_cast<int>(size), ack_policy()) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		ack.message = nla_get_string(tb[NLMSGERR_ATTR_MSG]);
	if (tb[NLMSGERR_ATTR_OFFS])
		ack.offset = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);
	if (tb[NLMSGERR_ATTR_MISS_TYPE])
		ack.missing = nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
}

} // namespace

std::optional<KernelAck> parse_ack(const nlmsghdr *msg, std::size_t size)
{
	if (size < NLMSG_HDRLEN || msg->nlmsg_len < NLMSG_HDRLEN || msg->nlmsg_len > size)
		return std::nullopt;
	const std::size_t len = msg->nlmsg_len;
	const auto *base = reinterpret_cast<const std::uint8_t *>(msg);
	int wire = 0;
	std::size_t tlvs = 0;	// where the extended ack attributes start
	if (msg->nlmsg_type == NLMSG_ERROR) {
		nlmsgerr err;
		if (len < NLMSG_HDRLEN + sizeof(err))
			return std::nullopt;
		std::memcpy(&err, base + NLMSG_HDRLEN, sizeof(err));
		wire = err.error;
		// The request is echoed whole unless the ack was capped to its header.
		const std::size_t echoed = msg->nlmsg_flags & NLM_F_CAPPED ? sizeof(nlmsghdr)
									    : err.msg.nlmsg_len;
		tlvs = NLMSG_HDRLEN + align4(sizeof(err.error) + echoed);
	} else if (msg->nlmsg_type == NLMSG_DONE) {
		if (len >= NLMSG_HDRLEN + sizeof(wire))	// a dump's result
			std::memcpy(&wire, base + NLMSG_HDRLEN, sizeof(wire));
		tlvs = NLMSG_HDRLEN + align4(sizeof(wire));
	} else {
		return std::nullopt;
	}
	KernelAck ack;
	ack.error = to_errno(wire);
	if (msg->nlmsg_flags & NLM_F_ACK_TLVS && tlvs < len)
		parse_tlvs(ack, base + tlvs, len - tlvs);
	return ack;
}

} // namespace om
