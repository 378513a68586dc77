#include "json_output.hpp"

#include <ctime>
#include <fmt/format.h>

namespace om {

namespace {

using json = nlohmann::ordered_json;

template <class T> json value_or_null(const std::optional<T> &value)
{
	return value ? json(*value) : json(nullptr);
}

json daemon_to_json(const Status &status)
{
	if (!status.daemon_pid)
		return nullptr;
	return {{"pid", *status.daemon_pid},
		{"age_ms", status.daemon_age.count()},
		{"interval_ms", status.load_interval.count()},
		{"silent", daemon_silent(status)}};
}

json node_to_json(const NodeInfo &node)
{
	const std::optional<LoadReport> &l = node.load;
	const auto load = [&](auto field) { return l ? json(field(*l)) : json(nullptr); };
	return {{"id", node.id},
		{"address", node.address ? json(node.address->to_string()) : json(nullptr)},
		{"state", node.up ? "up" : "down"},
		{"self", node.self},
		{"load", load([](const LoadReport &r) { return r.load / 1000.0; })},
		{"cpus", load([](const LoadReport &r) { return r.cpus; })},
		{"speed", load([](const LoadReport &r) { return r.speed; })},
		{"mem_total", load([](const LoadReport &r) { return r.mem_total; })},
		{"mem_free", load([](const LoadReport &r) { return r.mem_free; })},
		{"util", load([](const LoadReport &r) { return r.util / 1000.0; })},
		{"quiet", has_flag(node.flags, Policy::Quiet)},
		{"last_seen", node.last_seen ? json(iso8601_utc(*node.last_seen)) : json(nullptr)},
		{"load_age_ms", l ? json(node.load_age.count()) : json(nullptr)}};
}

} // namespace

json map_to_json(const MapSnapshot &snapshot, std::optional<NodeId> self)
{
	auto nodes = json::array();
	for (const Node &node : snapshot.map.nodes()) {
		auto addresses = json::array();
		for (const Address &a : node.addresses)
			addresses.push_back(a.to_string());
		nodes.push_back({{"id", node.id}, {"addresses", std::move(addresses)}});
	}
	return {{"generation", snapshot.generation},
		{"self", value_or_null(self)},
		{"nodes", std::move(nodes)}};
}

json status_to_json(const Status &status, std::uint32_t peers)
{
	return {{"node_id", value_or_null(status.node_id)},
		{"self_source", to_string(status.self_source)},
		{"version", status.version},
		{"map_generation", status.map_generation},
		{"map_nodes", status.map_nodes},
		{"map_addresses", status.map_addresses},
		{"limits", {{"nodes", status.limit_nodes}, {"addresses", status.limit_addresses}}},
		{"peers", peers},
		{"peers_up", status.peers_up},
		{"daemon", daemon_to_json(status)},
		{"quiet", has_flag(status.policy, Policy::Quiet)},
		{"speed", value_or_null(status.speed)},
		{"mfs_served", !has_flag(status.policy, Policy::NoMfs)},
		{"root_squash", !has_flag(status.policy, Policy::NoRootSquash)}};
}

json nodes_to_json(const ClusterView &view)
{
	auto nodes = json::array();
	for (const NodeInfo &node : view.nodes)
		nodes.push_back(node_to_json(node));
	return {{"nodes", std::move(nodes)}, {"generation", view.generation}};
}

json selected_to_json(std::optional<NodeId> selected)
{
	return {{"selected", value_or_null(selected)}};
}

bool daemon_silent(const Status &status) noexcept
{
	return status.daemon_pid && status.daemon_age > kSilentIntervals * status.load_interval;
}

std::string iso8601_utc(std::chrono::system_clock::time_point t)
{
	using namespace std::chrono;
	const auto ms = floor<milliseconds>(t.time_since_epoch());
	const auto secs = floor<seconds>(ms);
	const std::time_t tt = static_cast<std::time_t>(secs.count());
	std::tm tm{};
	gmtime_r(&tt, &tm);
	return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900,
			   tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			   (ms - secs).count());
}

} // namespace om
