#include "session.hpp"

#include <cerrno>
#include <fmt/format.h>
#include <iostream>
#include <spdlog/spdlog.h>

#include "genl_libnl.hpp"
#include "map_file.hpp"
#include "map_parser.hpp"

namespace om::omd {

SelfUnknown::SelfUnknown(const std::string &map_path)
	: std::runtime_error(fmt::format("this node's id is unknown: none of its addresses is in "
					 "{}; set node-id in omd.conf", map_path))
{
}

MapFile load_map(const OmdConfig &config, Resolver &resolver)
{
	const std::string path = find_map_file(config.map_paths());
	ParseResult parsed = parse_map(read_map_file(path), path, resolver);
	if (auto *errors = std::get_if<std::vector<ParseError>>(&parsed)) {
		for (const ParseError &e : *errors)
			std::cerr << e.to_string() << '\n';
		throw MapError(fmt::format("{} has errors", path));
	}
	Map map = std::move(std::get<Map>(parsed));
	if (map.empty())
		throw MapError(fmt::format("{} defines no node", path));
	spdlog::debug("read {} nodes from {}", map.nodes().size(), path);
	return {std::move(map), path};
}

KernelConnector netlink_connector()
{
	return {[] { return std::make_unique<GenlLibnl>(); },
		[] { return std::make_unique<GenlEvents>(); }};
}

Session open_session(const KernelConnector &connector, const std::function<MapFile()> &read_map,
		     std::optional<NodeId> node_id)
{
	Session s;
	s.kernel = connector.kernel();
	s.events = connector.events();
	MapFile file = read_map();
	s.generation = s.kernel->set_map(file.map);
	s.map = std::make_shared<const Map>(std::move(file.map));
	if (node_id)
		s.kernel->set_self(node_id);
	const Status status = s.kernel->status();
	if (!status.node_id)
		throw SelfUnknown(file.path);
	s.self = *status.node_id;
	return s;
}

bool kernel_gone(const KernelError &error) noexcept
{
	// ENOENT: no such family (any more); EIO: libnl or the socket failed;
	// ESHUTDOWN: a link-down from omcore unloading; ENOBUFS: events lost,
	// so start over from a known state.
	switch (error.error()) {
	case ENOENT:
	case EIO:
	case ESHUTDOWN:
	case ENOBUFS:
		return true;
	default:
		return false;
	}
}

} // namespace om::omd
