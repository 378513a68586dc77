#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

struct nlmsghdr;

namespace om {

// How the kernel ended a request: the errno of an NLMSG_ERROR (0 for a
// plain ack) or of the NLMSG_DONE of a dump, with the extended ack.
struct KernelAck {
	int error = 0;				// positive errno, 0 for success
	std::string message;			// NLMSGERR_ATTR_MSG
	std::optional<std::uint32_t> offset;	// NLMSGERR_ATTR_OFFS, of the culprit
	std::optional<std::uint32_t> missing;	// NLMSGERR_ATTR_MISS_TYPE

	bool operator==(const KernelAck &) const = default;
};

// Reads an NLMSG_ERROR or NLMSG_DONE message from the SIZE bytes at MSG.
// Nothing if it is another type or too short for its header; malformed
// extended-ack attributes are dropped, the errno is kept.
std::optional<KernelAck> parse_ack(const nlmsghdr *msg, std::size_t size);

} // namespace om
