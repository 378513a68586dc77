// libFuzzer target for the map parser. Whatever the bytes, the result is
// either a map that keeps every rule of the contract, which also survives
// being written out and parsed again, or errors fit to print; never a
// crash, a hang or undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "map_parser.hpp"
#include "uapi/linux/openmosix.h"

namespace {

// Offline and deterministic: names starting with "bad" do not resolve,
// "mc..." resolves to multicast, any other name to a 10/8 address made
// from its text (so that distinct names can still collide).
class FuzzResolver final : public om::Resolver {
public:
	Result resolve(const std::string &host) override
	{
		if (host.starts_with("bad"))
			return {std::nullopt, "Name or service not known"};
		std::uint32_t h = 2166136261u;	// FNV-1a
		for (const char c : host)
			h = (h ^ static_cast<std::uint8_t>(c)) * 16777619u;
		const std::uint8_t bytes[4] = {static_cast<std::uint8_t>(host.starts_with("mc") ? 224 : 10),
					       static_cast<std::uint8_t>(h >> 16),
					       static_cast<std::uint8_t>(h >> 8), static_cast<std::uint8_t>(h)};
		return {om::Address::from_bytes(bytes), {}};
	}
};

void check(bool ok)
{
	if (!ok)
		std::abort();
}

void check_map(const om::Map &map)
{
	check(map.nodes().size() <= OM_MAP_MAX_NODES);
	check(map.address_count() <= OM_MAP_MAX_ADDRS);
	std::set<om::Address> seen;
	unsigned previous = 0;
	for (const om::Node &node : map.nodes()) {
		check(node.id > previous);
		previous = node.id;
		check(!node.addresses.empty() && node.addresses.size() <= OM_NODE_MAX_ADDRS);
		for (const om::Address &a : node.addresses)
			check(!a.unusable_reason() && seen.insert(a).second);
	}
}

void check_errors(const std::vector<om::ParseError> &errors)
{
	check(!errors.empty() && errors.size() <= om::kMaxParseErrors + 1);
	std::size_t line = 0;
	for (const om::ParseError &e : errors) {
		check(e.line >= line && e.column >= 1 && e.file == "fuzz.map" && !e.message.empty());
		line = e.line;
		// Input bytes reach the terminal only escaped.
		for (const char c : e.message)
			check(c >= 0x20 && c < 0x7f);
	}
}

// MAP in map syntax: each node on its own line, then its aliases.
std::string to_text(const om::Map &map)
{
	std::string text;
	for (const om::Node &node : map.nodes()) {
		const std::string id = std::to_string(node.id);
		text += id + " " + node.addresses.front().to_string() + " 1\n";
		for (std::size_t i = 1; i < node.addresses.size(); ++i)
			text += id + "\t" + node.addresses[i].to_string() + "\tALIAS\n";
	}
	return text;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	const std::string_view text(reinterpret_cast<const char *>(data), size);
	FuzzResolver resolver;
	const om::ParseResult result = om::parse_map(text, "fuzz.map", resolver);
	if (const auto *map = std::get_if<om::Map>(&result)) {
		check_map(*map);
		const om::ParseResult again = om::parse_map(to_text(*map), "again.map", resolver);
		const auto *same = std::get_if<om::Map>(&again);
		check(same && *same == *map);
	} else {
		check_errors(std::get<std::vector<om::ParseError>>(result));
	}
	return 0;
}
