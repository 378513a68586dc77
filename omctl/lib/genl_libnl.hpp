#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "genl_client.hpp"
#include "nl_handles.hpp"
#include "uapi/linux/openmosix.h"

namespace om {

// Kernel over the openmosix generic netlink family, with libnl-genl.
// One socket, one request at a time; not for use by several threads.
class GenlLibnl final : public Kernel {
public:
	// Connects and resolves FAMILY, which makes the kernel load the module
	// that provides it if it can. Only tests name another family.
	explicit GenlLibnl(const std::string &family = OM_GENL_NAME);

	Status status() override;
	std::uint64_t set_map(const Map &map) override;
	MapSnapshot get_map() override;
	void set_self(std::optional<NodeId> id) override;
	void link_add(NodeId peer, int fd) override;

private:
	NlMsgPtr request(std::uint8_t cmd, int flags, std::size_t payload = 0) const;
	std::optional<MapSnapshot> dump_map();

	NlSockPtr sock_;
	int family_ = 0;
};

} // namespace om
