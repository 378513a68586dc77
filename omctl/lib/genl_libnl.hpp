#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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
	void set_load(const LoadReport &load, std::chrono::milliseconds interval) override;
	void set_policy(const PolicyChange &change) override;
	ClusterView get_nodes() override;

private:
	NlMsgPtr request(std::uint8_t cmd, int flags, std::size_t payload = 0) const;
	template <class Parse> auto dump(std::uint8_t cmd, std::string_view what, Parse parse);

	NlSockPtr sock_;
	int family_ = 0;
};

} // namespace om
