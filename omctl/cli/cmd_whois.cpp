#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <ostream>
#include <spdlog/spdlog.h>

#include "commands.hpp"

namespace om::cli {

namespace {

bool all_digits(std::string_view text)
{
	return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
		return c >= '0' && c <= '9';
	});
}

// "192.168.1.4 (node4)", or the address alone if it has no host name.
std::string with_host_name(const Address &address, Context &ctx)
{
	const std::optional<std::string> name = ctx.host_name(address);
	return name ? fmt::format("{} ({})", address.to_string(), *name) : address.to_string();
}

int whois_id(NodeId id, Context &ctx)
{
	const MapSnapshot snapshot = ctx.kernel().get_map();
	const Node *node = snapshot.map.find(id);
	if (!node) {
		ctx.log.error("node {} is not in the map (generation {})", id, snapshot.generation);
		return kFailure;
	}
	std::vector<std::string> addresses;
	for (const Address &a : node->addresses)
		addresses.push_back(with_host_name(a, ctx));
	ctx.out << fmt::format("node {}: {}\n", id, fmt::join(addresses, ", "));
	return kSuccess;
}

// TEXT is an address, or a host name that the resolver turns into one.
int whois_address(const std::string &text, Context &ctx)
{
	std::optional<Address> address = Address::parse(text);
	std::string what = text;
	if (!address) {
		const Resolver::Result resolved = ctx.resolver.resolve(text);
		if (!resolved.address) {
			ctx.log.error("cannot resolve host '{}': {}", text, resolved.error);
			return kFailure;
		}
		address = resolved.address;
		what = fmt::format("{} ({})", text, address->to_string());
	}
	const MapSnapshot snapshot = ctx.kernel().get_map();
	for (const Node &node : snapshot.map.nodes()) {
		const auto it = std::find(node.addresses.begin(), node.addresses.end(), *address);
		if (it == node.addresses.end())
			continue;
		ctx.out << (it == node.addresses.begin()
				    ? fmt::format("{} is node {}\n", what, node.id)
				    : fmt::format("{} is node {}, an alias of {}\n", what, node.id,
						  node.addresses.front().to_string()));
		return kSuccess;
	}
	ctx.log.error("{} is not in the map (generation {})", what, snapshot.generation);
	return kFailure;
}

} // namespace

int cmd_whois(const Invocation &inv, Context &ctx)
{
	Leaf leaf{"omctl whois ID|ADDRESS|HOSTNAME",
		  "Tell a node id from an address and back, by the kernel's map (openMosix's\n"
		  "'mosctl whois'). For an ID, print the node's addresses, its own first, each\n"
		  "with its host name if a reverse lookup finds one. For an ADDRESS, or a\n"
		  "HOSTNAME resolved as 'omctl map load' resolves it, print the node it\n"
		  "belongs to. Exit status 1 if it is not in the map."};
	leaf.argument("what", "ID, ADDRESS or HOSTNAME");
	const auto vm = parse_leaf(inv, leaf, ctx);
	if (!vm)
		return kSuccess;
	const std::string text =
		required_argument(*vm, "what", inv, "missing ID, ADDRESS or HOSTNAME");
	return all_digits(text) ? whois_id(node_id_argument(text, inv), ctx)
				: whois_address(text, ctx);
}

} // namespace om::cli
