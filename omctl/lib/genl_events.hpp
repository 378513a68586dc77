#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "map.hpp"
#include "nl_handles.hpp"
#include "uapi/linux/openmosix.h"

struct nlmsghdr;

namespace om {

// OM_CMD_LINK_DOWN: the kernel closed its link to NODE, for REASON (an errno).
struct LinkDown {
	NodeId node = 0;
	int reason = 0;
	bool operator==(const LinkDown &) const = default;
};

// OM_CMD_MAP_CHANGED: someone installed a map.
struct MapChanged {
	std::uint64_t generation = 0;
	std::uint32_t nodes = 0;
	bool operator==(const MapChanged &) const = default;
};

using Event = std::variant<LinkDown, MapChanged>;

// One message of the events group. Nothing for a command this omlib does
// not know (a newer module may send more); KernelError with EPROTO for a
// known one that breaks the contract.
std::optional<Event> parse_event(nlmsghdr *msg);

// The events in BYTES, what one recv() on the event socket returned:
// messages of family FAMILY only, anything else is skipped.
std::vector<Event> parse_events(std::span<std::uint8_t> bytes, int family);

// Where omd's events come from: poll fd(), then read().
class EventSource {
public:
	virtual ~EventSource() = default;
	virtual int fd() const noexcept = 0;
	// Every event waiting, without blocking. Throws KernelError when the
	// source fails; ENOBUFS means events were lost (the reader was slow).
	virtual std::vector<Event> read() = 0;
};

// A subscription to the openmosix family's "events" group, on a socket of
// its own so that events never interleave with the replies GenlLibnl
// waits for. Non-blocking. It ends with the module: after omcore is
// reloaded, a new one must be made.
class GenlEvents final : public EventSource {
public:
	// Throws KernelError: ENOENT if the family (or its group) is missing.
	explicit GenlEvents(const std::string &family = OM_GENL_NAME);

	int fd() const noexcept override;
	std::vector<Event> read() override;

private:
	NlSockPtr sock_;
	int family_ = 0;
};

} // namespace om
