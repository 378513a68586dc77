#include "map_parser.hpp"

#include <fmt/format.h>
#include <map>
#include <utility>

#include "map_entry.hpp"
#include "map_lines.hpp"
#include "uapi/linux/openmosix.h"

namespace om {

namespace {

// Turns checked entries into nodes in two passes over the file: define()
// takes every line's ids first, because an ALIAS may come before the line
// that defines its node; claim() then hands out addresses in file order,
// so "already used" always points at the earlier line.
class MapBuilder {
public:
	explicit MapBuilder(ErrorList &errors) : errors_(errors), mentioned_(OM_NODE_ID_MAX + 1) {}

	void define(const Entry &e);
	void claim(const Entry &e);
	Map build() const;

private:
	struct Draft {
		std::size_t line = 0;	// the line that defines the node
		std::optional<Address> own;
		std::vector<Address> aliases;
	};
	struct Owner {
		NodeId id;
		std::size_t line;
	};

	void claim_range(const Entry &e);
	void claim_alias(const Entry &e);
	bool take_address(const Entry &e, const Address &a, NodeId id, const std::string &note);

	ErrorList &errors_;
	std::map<NodeId, Draft> drafts_;
	// Ids some line meant to define, even if it failed: an ALIAS for one of
	// them must not add a misleading "no line defines" to the real error.
	std::vector<bool> mentioned_;
	std::map<Address, Owner> owners_;
	bool too_many_nodes_ = false;
	bool too_many_addresses_ = false;
};

void MapBuilder::define(const Entry &e)
{
	if (!e.id || e.is_alias())
		return;
	const std::uint32_t first = *e.id;
	const std::uint32_t last = e.count ? first + *e.count - 1 : first;
	for (std::uint32_t id = first; id <= last; ++id)
		mentioned_[id] = true;
	if (!e.count)
		return;
	if (const auto clash = drafts_.lower_bound(e.id.value()); clash != drafts_.end() && clash->first <= last) {
		const std::string range = first == last ? "" : fmt::format(" (of nodes {}..{})", first, last);
		errors_.add(e.line, e.id_field.column,
			    fmt::format("node {}{} is already defined at {}: node ids must be unique",
					clash->first, range, errors_.where(clash->second.line)));
		return;
	}
	if (drafts_.size() + (last - first + 1) > OM_MAP_MAX_NODES) {
		if (!std::exchange(too_many_nodes_, true))
			errors_.add(e.line, e.id_field.column,
				    fmt::format("this line brings the map to {} nodes: a map holds "
						"at most {}", drafts_.size() + (last - first + 1),
						OM_MAP_MAX_NODES));
		return;
	}
	for (std::uint32_t id = first; id <= last; ++id)
		drafts_.emplace_hint(drafts_.end(), static_cast<NodeId>(id), Draft{e.line, {}, {}});
}

void MapBuilder::claim(const Entry &e)
{
	if (!e.id || !e.count || !e.address)
		return;
	if (e.is_alias())
		claim_alias(e);
	else
		claim_range(e);
}

void MapBuilder::claim_range(const Entry &e)
{
	for (std::uint32_t k = 0; k < *e.count; ++k) {
		const auto id = static_cast<NodeId>(*e.id + k);
		const auto draft = drafts_.find(id);
		if (draft == drafts_.end() || draft->second.line != e.line)
			return;	// define() refused the ids and said why
		const Address a = e.address->plus(k).value();	// the range was checked
		std::string note;
		if (*e.count > 1)
			note = fmt::format(" (node {} of this line)", id);
		else if (e.host_name)
			note = fmt::format(" (from {})", quote(*e.host_name));
		if (!take_address(e, a, id, note))
			return;
		draft->second.own = a;
	}
}

void MapBuilder::claim_alias(const Entry &e)
{
	const NodeId id = *e.id;
	const auto draft = drafts_.find(id);
	if (draft == drafts_.end()) {
		if (!mentioned_[id])
			errors_.add(e.line, e.id_field.column,
				    fmt::format("ALIAS for node {}, which no line defines: add a "
						"line '{} ADDRESS 1' or fix the id", id, id));
		return;
	}
	Draft &d = draft->second;
	if (1 + d.aliases.size() >= OM_NODE_MAX_ADDRS) {
		errors_.add(e.line, e.host_field.column,
			    fmt::format("node {} already has {} addresses, the most one node "
					"can have", id, OM_NODE_MAX_ADDRS));
		return;
	}
	const std::string note = e.host_name ? fmt::format(" (from {})", quote(*e.host_name)) : "";
	if (take_address(e, *e.address, id, note))
		d.aliases.push_back(*e.address);
}

bool MapBuilder::take_address(const Entry &e, const Address &a, NodeId id,
			      const std::string &note)
{
	const std::size_t column = e.host_field.column;
	if (const auto v4 = a.unmapped()) {
		errors_.add(e.line, column, fmt::format("{}{} is an IPv4-mapped address: write it "
							"as {}", a.to_string(), note, v4->to_string()));
		return false;
	}
	if (const auto why = a.unusable_reason()) {
		errors_.add(e.line, column, fmt::format("{}{} is {}: a node needs a unicast address "
							"the other nodes can reach", a.to_string(),
							note, *why));
		return false;
	}
	if (const auto o = owners_.find(a); o != owners_.end()) {
		errors_.add(e.line, column,
			    fmt::format("address {}{} is already used by node {} at {}: an "
					"address belongs to one node", a.to_string(), note,
					o->second.id, errors_.where(o->second.line)));
		return false;
	}
	if (owners_.size() >= OM_MAP_MAX_ADDRS) {
		if (!std::exchange(too_many_addresses_, true))
			errors_.add(e.line, column,
				    fmt::format("this line brings the map past {} addresses, the "
						"most a map can hold", OM_MAP_MAX_ADDRS));
		return false;
	}
	owners_.emplace(a, Owner{id, e.line});
	return true;
}

Map MapBuilder::build() const
{
	std::vector<Node> nodes;
	nodes.reserve(drafts_.size());
	for (const auto &[id, d] : drafts_) {
		Node node{id, {d.own.value()}};	// every node got one, or there were errors
		node.addresses.insert(node.addresses.end(), d.aliases.begin(), d.aliases.end());
		nodes.push_back(std::move(node));
	}
	return Map(std::move(nodes));
}

} // namespace

ParseResult parse_map(std::string_view text, std::string_view file, Resolver &resolver)
{
	ErrorList errors(file);
	std::vector<Entry> entries;
	for (const Line &line : split_lines(text)) {
		if (errors.full())
			break;
		if (auto e = parse_entry(line, errors))
			entries.push_back(std::move(*e));
	}
	resolve_hosts(entries, resolver, errors);
	MapBuilder builder(errors);
	for (const Entry &e : entries)
		builder.define(e);
	for (const Entry &e : entries)
		builder.claim(e);
	if (!errors.empty())
		return errors.take();
	return builder.build();
}

} // namespace om
