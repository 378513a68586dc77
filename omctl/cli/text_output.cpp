#include "text_output.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <ostream>
#include <span>
#include <vector>

#include "json_output.hpp"

namespace om::cli {

namespace {

std::string plural(std::size_t n, std::string_view one, std::string_view many)
{
	return fmt::format("{} {}", n, n == 1 ? one : many);
}

struct Column {
	std::string_view title;
	bool right = false;	// numbers line up on their last digit
};

// Each column as wide as its widest cell, two spaces apart; the last one
// unpadded, so no line ends in blanks.
void print_table(std::ostream &out, std::span<const Column> columns,
		 const std::vector<std::vector<std::string>> &rows)
{
	std::vector<std::size_t> width;
	for (const Column &c : columns)
		width.push_back(c.title.size());
	for (const auto &row : rows)
		for (std::size_t i = 0; i < row.size(); ++i)
			width[i] = std::max(width[i], row[i].size());
	const auto line = [&](const auto &cell) {
		std::string text;
		for (std::size_t i = 0; i < columns.size(); ++i) {
			const std::string_view value = cell(i);
			const bool last = i + 1 == columns.size();
			if (i)
				text += "  ";
			if (columns[i].right)
				text += fmt::format("{:>{}}", value, width[i]);
			else
				text += last ? std::string(value) : fmt::format("{:<{}}", value, width[i]);
		}
		out << text << '\n';
	};
	line([&](std::size_t i) { return columns[i].title; });
	for (const auto &row : rows)
		line([&](std::size_t i) { return std::string_view(row[i]); });
}

// "now" for this node and for what was heard from within the last second.
std::string last_seen(const NodeInfo &node, std::chrono::system_clock::time_point now)
{
	if (node.self)
		return "now";
	if (!node.last_seen)
		return "never";
	const auto age = std::chrono::duration_cast<std::chrono::milliseconds>(now - *node.last_seen);
	return age < std::chrono::seconds(1) ? "now" : format_duration(age) + " ago";
}

std::vector<std::string> node_row(const NodeInfo &node, std::chrono::system_clock::time_point now)
{
	std::vector<std::string> row{std::to_string(node.id),
				     node.address ? node.address->to_string() : "-",
				     node.self ? "up (self)" : node.up ? "up" : "down"};
	if (const auto &l = node.load) {
		row.insert(row.end(), {format_load(l->load), std::to_string(l->cpus),
				       std::to_string(l->speed), format_bytes(l->mem_free),
				       format_bytes(l->mem_total),
				       fmt::format("{}%", (l->util + 5) / 10)});
	} else {
		row.insert(row.end(), 6, "-");
	}
	row.push_back(has_flag(node.flags, Policy::Quiet) ? "quiet" : "-");
	row.push_back(last_seen(node, now));
	return row;
}

std::string describe_daemon(const Status &status)
{
	if (!status.daemon_pid)
		return "not running (no load report since omcore loaded)";
	if (daemon_silent(status))
		return fmt::format("silent for {} (pid {})", format_duration(status.daemon_age),
				   *status.daemon_pid);
	return fmt::format("omd pid {}, last report {} ago, interval {}", *status.daemon_pid,
			   format_duration(status.daemon_age), format_duration(status.load_interval));
}

} // namespace

std::string describe_self(const Status &status)
{
	const std::string id = status.node_id ? std::to_string(*status.node_id) : "unknown";
	switch (status.self_source) {
	case SelfSource::FromAddress:
		return id + " (from a local address in the map)";
	case SelfSource::Explicit:
		return id + " (set with 'omctl set node-id')";
	case SelfSource::Ambiguous:
		return id + " (local addresses of several nodes are in the map: choose one "
			    "with 'omctl set node-id ID')";
	case SelfSource::None:
		break;
	}
	return id + " (no local address is in the map)";
}

void print_map(std::ostream &out, const MapSnapshot &snapshot, const Status &status)
{
	out << fmt::format("map generation {}, this node: {}\n", snapshot.generation,
			   describe_self(status));
	if (snapshot.map.empty()) {
		out << "the map is empty\n";
		return;
	}
	out << fmt::format("{:<6}{}\n", "ID", "ADDRESSES");
	for (const Node &node : snapshot.map.nodes()) {
		std::vector<std::string> addresses;
		for (const Address &a : node.addresses)
			addresses.push_back(a.to_string());
		out << fmt::format("{:<6}{}\n", node.id, fmt::join(addresses, " "));
	}
}

void print_status(std::ostream &out, const Status &status, std::uint32_t peers)
{
	out << fmt::format("node id:         {}\n", describe_self(status))
	    << fmt::format("module version:  {}\n", status.version)
	    << fmt::format("map:             {}, {}, generation {}\n",
			   plural(status.map_nodes, "node", "nodes"),
			   plural(status.map_addresses, "address", "addresses"), status.map_generation)
	    << fmt::format("limits:          {} nodes, {} addresses\n", status.limit_nodes,
			   status.limit_addresses)
	    << fmt::format("peers:           {} of {} up\n", status.peers_up, peers)
	    << fmt::format("daemon:          {}\n", describe_daemon(status))
	    << fmt::format("policy:          {}\n",
			   has_flag(status.policy, Policy::Quiet)
				   ? "quiet (sends no load information; 'omctl set noquiet' resumes)"
				   : "normal (sends its load to the peers)")
	    << fmt::format("speed:           {}\n",
			   status.speed ? fmt::format("{} (set with 'omctl set speed')", *status.speed)
					: std::string("measured by omd"))
	    << fmt::format("files:           {}\n",
			   has_flag(status.policy, Policy::NoMfs)
				   ? "not served (nomfs; 'omctl set mfs' resumes)"
				   : "served (to /mfs of the other nodes)")
	    << fmt::format("root:            {}\n",
			   has_flag(status.policy, Policy::NoRootSquash)
				   ? "served as root (norootsquash; 'omctl set rootsquash' squashes it)"
				   : "squashed (the other nodes' root is nobody here)");
}

void print_nodes(std::ostream &out, const ClusterView &view,
		 std::chrono::system_clock::time_point now)
{
	if (view.nodes.empty()) {
		out << fmt::format("map generation {}\nthe map is empty\n", view.generation);
		return;
	}
	const auto up = std::count_if(view.nodes.begin(), view.nodes.end(),
				      [](const NodeInfo &n) { return n.up; });
	out << fmt::format("map generation {}, {} of {} up\n", view.generation, up,
			   plural(view.nodes.size(), "node", "nodes"));
	static constexpr Column columns[] = {
		{"ID"}, {"ADDRESS"}, {"STATE"}, {"LOAD", true}, {"CPUS", true}, {"SPEED", true},
		{"FREE", true}, {"TOTAL", true}, {"UTIL", true}, {"FLAGS"}, {"LAST SEEN"}};
	std::vector<std::vector<std::string>> rows;
	for (const NodeInfo &node : view.nodes)
		rows.push_back(node_row(node, now));
	print_table(out, columns, rows);
}

std::string format_load(std::uint32_t load)
{
	const std::uint64_t hundredths = (std::uint64_t{load} + 5) / 10;
	return fmt::format("{}.{:02}", hundredths / 100, hundredths % 100);
}

std::string format_bytes(std::uint64_t bytes)
{
	static constexpr const char *units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	if (bytes < 1024)
		return fmt::format("{} B", bytes);
	double value = static_cast<double>(bytes) / 1024;
	std::size_t unit = 0;
	for (; value >= 1024 && unit + 1 < std::size(units); ++unit)
		value /= 1024;
	return fmt::format("{:.{}f} {}", value, value < 9.95 ? 1 : 0, units[unit]);
}

std::string format_duration(std::chrono::milliseconds duration)
{
	const std::int64_t ms = std::max<std::int64_t>(duration.count(), 0);
	if (ms < 9'950) {
		std::string s = fmt::format("{:.1f}", ms / 1000.0);
		if (s.ends_with(".0"))
			s.resize(s.size() - 2);
		return s + " s";
	}
	if (ms < 120'000)
		return fmt::format("{} s", (ms + 500) / 1000);
	if (ms < 120 * 60'000)
		return fmt::format("{} min", ms / 60'000);
	if (ms < 48 * 3'600'000)
		return fmt::format("{} h", ms / 3'600'000);
	return fmt::format("{} d", ms / 86'400'000);
}

} // namespace om::cli
