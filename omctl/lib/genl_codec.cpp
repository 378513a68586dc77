#include "genl_codec.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <fmt/format.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <span>

#include "uapi/linux/openmosix.h"

namespace om {

static_assert(static_cast<std::uint32_t>(Policy::Quiet) == OM_POLICY_QUIET &&
	      static_cast<std::uint32_t>(Policy::NoMfs) == OM_POLICY_NOMFS &&
	      static_cast<std::uint32_t>(Policy::NoRootSquash) == OM_POLICY_NOROOTSQUASH);

namespace {

[[noreturn]] void protocol_error(const std::string &what)
{
	throw KernelError(EPROTO, "",
			  fmt::format("unexpected reply from the kernel: {} (are omctl and the "
				      "omcore module from the same release?)", what));
}

// libnl checks a minimum length unless maxlen is set too; the contract's
// integers and addresses have exact sizes, so anything else is refused.
constexpr nla_policy exact(std::uint16_t type, std::uint16_t len)
{
	return {.type = type, .minlen = len, .maxlen = len};
}

constexpr nla_policy of_type(std::uint16_t type)
{
	return {.type = type, .minlen = 0, .maxlen = 0};
}

// The top level, OM_A_*: status replies and dump messages.
const nla_policy *top_policy()
{
	static const auto policy = [] {
		std::array<nla_policy, OM_A_MAX + 1> p{};
		p[OM_A_VERSION] = of_type(NLA_STRING);
		p[OM_A_NODE_ID] = exact(NLA_U32, 4);
		p[OM_A_SELF_SOURCE] = exact(NLA_U32, 4);
		p[OM_A_MAP_GENERATION] = exact(NLA_U64, 8);
		for (const int a : {OM_A_MAP_NODES, OM_A_MAP_ADDRS, OM_A_LIMIT_NODES, OM_A_LIMIT_ADDRS,
				    OM_A_PEERS_UP, OM_A_POLICY, OM_A_POLICY_MASK, OM_A_SPEED,
				    OM_A_DAEMON_PID, OM_A_DAEMON_AGE_MS, OM_A_LOAD_INTERVAL_MS})
			p[a] = exact(NLA_U32, 4);
		for (const int a : {OM_A_NODE, OM_A_LOAD, OM_A_NODE_INFO})
			p[a] = of_type(NLA_NESTED);
		return p;
	}();
	return policy.data();
}

const nla_policy *load_policy()
{
	static const auto policy = [] {
		std::array<nla_policy, OM_LOAD_A_MAX + 1> p{};
		for (const int a : {OM_LOAD_A_LOAD, OM_LOAD_A_CPUS, OM_LOAD_A_SPEED, OM_LOAD_A_UTIL})
			p[a] = exact(NLA_U32, 4);
		for (const int a : {OM_LOAD_A_MEM_TOTAL, OM_LOAD_A_MEM_FREE, OM_LOAD_A_UPTIME})
			p[a] = exact(NLA_U64, 8);
		return p;
	}();
	return policy.data();
}

const nla_policy *info_policy()
{
	static const auto policy = [] {
		std::array<nla_policy, OM_INFO_A_MAX + 1> p{};
		for (const int a : {OM_INFO_A_ID, OM_INFO_A_STATE, OM_INFO_A_FLAGS, OM_INFO_A_LOAD_AGE_MS})
			p[a] = exact(NLA_U32, 4);
		p[OM_INFO_A_LAST_SEEN] = exact(NLA_U64, 8);
		p[OM_INFO_A_SELF] = exact(NLA_FLAG, 0);
		for (const int a : {OM_INFO_A_ADDR, OM_INFO_A_LOAD})
			p[a] = of_type(NLA_NESTED);
		return p;
	}();
	return policy.data();
}

const nla_policy *node_policy()
{
	static const auto policy = [] {
		std::array<nla_policy, OM_NODE_A_MAX + 1> p{};
		p[OM_NODE_A_ID] = exact(NLA_U32, 4);
		p[OM_NODE_A_ADDRS] = of_type(NLA_NESTED);
		return p;
	}();
	return policy.data();
}

const nla_policy *addr_policy()
{
	static const auto policy = [] {
		std::array<nla_policy, OM_ADDR_A_MAX + 1> p{};
		p[OM_ADDR_A_INET] = exact(NLA_UNSPEC, 4);
		p[OM_ADDR_A_INET6] = exact(NLA_UNSPEC, 16);
		return p;
	}();
	return policy.data();
}

constexpr std::size_t attr_size(std::size_t payload)
{
	return NLA_ALIGN(NLA_HDRLEN + payload);
}


// The size was computed up front, so this fails only for a node that no
// attribute can hold (thousands of addresses), which the kernel would refuse.
void check_put(int rc)
{
	if (rc < 0)
		throw KernelError(EMSGSIZE, "", fmt::format("building the request failed: {}",
							    nl_geterror(rc)));
}

nlattr *nest_start(nl_msg *msg, int type)
{
	nlattr *nest = nla_nest_start(msg, type);
	if (!nest)
		check_put(-NLE_NOMEM);
	return nest;
}

// nla_nest_end() would drop an empty nest; a node without addresses should
// reach the kernel as it is, to be refused in the kernel's own words.
void nest_end(nl_msg *msg, nlattr *nest)
{
	check_put(nla_nest_end_keep_empty(msg, nest));
}

std::uint32_t offset_of(nl_msg *msg, const nlattr *attr)
{
	const auto *start = reinterpret_cast<const std::uint8_t *>(nlmsg_hdr(msg));
	return static_cast<std::uint32_t>(reinterpret_cast<const std::uint8_t *>(attr) - start);
}

// Where the next attribute put into MSG will start.
std::uint32_t next_offset(nl_msg *msg)
{
	return NLMSG_ALIGN(nlmsg_hdr(msg)->nlmsg_len);
}

// Puts a u32 or u64 attribute, marked as WHAT.
void put_marked(nl_msg *msg, int type, std::uint32_t value, Landmarks &marks, std::string what)
{
	marks.add(next_offset(msg), std::move(what));
	check_put(nla_put_u32(msg, type, value));
}

void put_marked(nl_msg *msg, int type, std::uint64_t value, Landmarks &marks, std::string what)
{
	marks.add(next_offset(msg), std::move(what));
	check_put(nla_put_u64(msg, type, value));
}

void put_node(nl_msg *msg, const Node &node, Landmarks &marks)
{
	nlattr *nest = nest_start(msg, OM_A_NODE);
	marks.add(offset_of(msg, nest), fmt::format("node {}", node.id));
	check_put(nla_put_u32(msg, OM_NODE_A_ID, node.id));
	nlattr *addrs = nest_start(msg, OM_NODE_A_ADDRS);
	// Entries may have any type; counting from 1, as the kernel's dumps do,
	// keeps clear of 0 (NLA_UNSPEC), which strict validation can refuse.
	int index = 0;
	for (const Address &a : node.addresses) {
		nlattr *entry = nest_start(msg, ++index);
		marks.add(offset_of(msg, entry),
			  fmt::format("node {} address {}", node.id, a.to_string()));
		const auto bytes = a.bytes();
		check_put(nla_put(msg, a.is_v4() ? OM_ADDR_A_INET : OM_ADDR_A_INET6,
				  static_cast<int>(bytes.size()), bytes.data()));
		nest_end(msg, entry);
	}
	nest_end(msg, addrs);
	nest_end(msg, nest);
}

Address parse_address(nlattr *nest, NodeId id)
{
	std::array<nlattr *, OM_ADDR_A_MAX + 1> tb{};
	if (nla_parse_nested(tb.data(), OM_ADDR_A_MAX, nest, addr_policy()) < 0)
		protocol_error(fmt::format("node {} has an address of the wrong size", id));
	nlattr *a = tb[OM_ADDR_A_INET] ? tb[OM_ADDR_A_INET] : tb[OM_ADDR_A_INET6];
	if (!a || (tb[OM_ADDR_A_INET] && tb[OM_ADDR_A_INET6]))
		protocol_error(fmt::format("an address of node {} does not hold exactly one "
					   "of OM_ADDR_A_INET and OM_ADDR_A_INET6", id));
	const auto *bytes = static_cast<const std::uint8_t *>(nla_data(a));
	return Address::from_bytes(std::span(bytes, static_cast<std::size_t>(nla_len(a)))).value();
}

SelfSource to_self_source(std::uint32_t wire)
{
	switch (wire) {
	case OM_SELF_NONE:
		return SelfSource::None;
	case OM_SELF_ADDRESS:
		return SelfSource::FromAddress;
	case OM_SELF_EXPLICIT:
		return SelfSource::Explicit;
	case OM_SELF_AMBIGUOUS:
		return SelfSource::Ambiguous;
	}
	protocol_error(fmt::format("self source {} is unknown", wire));
}

std::uint32_t get_u32(nlattr *const *tb, int type, const char *name)
{
	if (!tb[type])
		protocol_error(fmt::format("the status lacks {}", name));
	return nla_get_u32(tb[type]);
}

// The attributes that are there, so repeated ones are all seen: nla_parse
// keeps only the last of them.
template <class F> void for_each_top_attr(nlmsghdr *msg, int type, F f)
{
	auto *gnlh = static_cast<genlmsghdr *>(nlmsg_data(msg));
	nlattr *a;
	int rem;
	nla_for_each_attr(a, genlmsg_attrdata(gnlh, 0), genlmsg_attrlen(gnlh, 0), rem)
		if (nla_type(a) == type)
			f(a);
}

// The dump messages' common part: the generation they all carry.
std::uint64_t dump_generation(nlmsghdr *msg, const char *what)
{
	std::array<nlattr *, OM_A_MAX + 1> tb{};
	if (genlmsg_parse(msg, 0, tb.data(), OM_A_MAX, top_policy()) < 0 ||
	    !tb[OM_A_MAP_GENERATION])
		protocol_error(fmt::format("a message of {} is malformed or lacks "
					   "OM_A_MAP_GENERATION", what));
	return nla_get_u64(tb[OM_A_MAP_GENERATION]);
}

NodeId to_node_id(std::uint32_t id, std::string_view whose)
{
	if (id == 0 || id > OM_NODE_ID_MAX)
		protocol_error(fmt::format("{} id {} is out of range", whose, id));
	return static_cast<NodeId>(id);
}

std::chrono::system_clock::time_point from_epoch_ns(std::uint64_t ns)
{
	return std::chrono::system_clock::time_point(
		std::chrono::duration_cast<std::chrono::system_clock::duration>(
			std::chrono::nanoseconds(ns)));
}

} // namespace

std::size_t map_payload_size(const Map &map)
{
	std::size_t size = attr_size(sizeof(std::uint32_t));
	for (const Node &node : map.nodes()) {
		size += NLA_HDRLEN + attr_size(sizeof(std::uint32_t)) + NLA_HDRLEN;
		for (const Address &a : node.addresses)
			size += NLA_HDRLEN + attr_size(a.bytes().size());
	}
	return size;
}

Landmarks put_map(nl_msg *msg, const Map &map)
{
	// The kernel counts the OM_A_NODE attributes against this, so that a
	// message cut short cannot pass for a smaller map.
	check_put(nla_put_u32(msg, OM_A_MAP_NODES, static_cast<std::uint32_t>(map.nodes().size())));
	Landmarks marks;
	for (const Node &node : map.nodes())
		put_node(msg, node, marks);
	return marks;
}

std::size_t load_payload_size()
{
	return NLA_HDRLEN + 4 * attr_size(sizeof(std::uint32_t)) +
	       3 * attr_size(sizeof(std::uint64_t)) + attr_size(sizeof(std::uint32_t));
}

std::size_t policy_payload_size()
{
	return 3 * attr_size(sizeof(std::uint32_t));
}

Landmarks put_load(nl_msg *msg, const LoadReport &load, std::chrono::milliseconds interval)
{
	Landmarks marks;
	nlattr *nest = nest_start(msg, OM_A_LOAD);
	marks.add(offset_of(msg, nest), "the load report");
	put_marked(msg, OM_LOAD_A_LOAD, load.load, marks, fmt::format("load {}", load.load));
	put_marked(msg, OM_LOAD_A_CPUS, load.cpus, marks, fmt::format("cpus {}", load.cpus));
	put_marked(msg, OM_LOAD_A_SPEED, load.speed, marks, fmt::format("speed {}", load.speed));
	put_marked(msg, OM_LOAD_A_UTIL, load.util, marks, fmt::format("util {}", load.util));
	put_marked(msg, OM_LOAD_A_MEM_TOTAL, load.mem_total, marks,
		   fmt::format("mem_total {}", load.mem_total));
	put_marked(msg, OM_LOAD_A_MEM_FREE, load.mem_free, marks,
		   fmt::format("mem_free {}", load.mem_free));
	put_marked(msg, OM_LOAD_A_UPTIME, load.uptime, marks, fmt::format("uptime {}", load.uptime));
	nest_end(msg, nest);
	// Out of u32's range either way: clamped, so the kernel refuses it
	// rather than taking what is left after a wrap.
	const auto ms = static_cast<std::uint32_t>(
		std::clamp<std::int64_t>(interval.count(), 0, UINT32_MAX));
	put_marked(msg, OM_A_LOAD_INTERVAL_MS, ms, marks, fmt::format("interval {} ms", ms));
	return marks;
}

Landmarks put_policy(nl_msg *msg, const PolicyChange &change)
{
	Landmarks marks;
	// Flags outside the mask still go out, for the kernel to refuse.
	if (change.mask || change.set) {
		put_marked(msg, OM_A_POLICY, change.set, marks, fmt::format("policy {:#x}", change.set));
		put_marked(msg, OM_A_POLICY_MASK, change.mask, marks,
			   fmt::format("policy mask {:#x}", change.mask));
	}
	if (change.speed)
		put_marked(msg, OM_A_SPEED, *change.speed, marks, fmt::format("speed {}", *change.speed));
	return marks;
}

LoadReport parse_load(nlattr *nest)
{
	std::array<nlattr *, OM_LOAD_A_MAX + 1> tb{};
	if (nla_parse_nested(tb.data(), OM_LOAD_A_MAX, nest, load_policy()) < 0)
		protocol_error("a load report has an attribute of the wrong size");
	for (const auto &[type, name] : {std::pair{OM_LOAD_A_LOAD, "OM_LOAD_A_LOAD"},
					 {OM_LOAD_A_CPUS, "OM_LOAD_A_CPUS"},
					 {OM_LOAD_A_SPEED, "OM_LOAD_A_SPEED"},
					 {OM_LOAD_A_UTIL, "OM_LOAD_A_UTIL"},
					 {OM_LOAD_A_MEM_TOTAL, "OM_LOAD_A_MEM_TOTAL"},
					 {OM_LOAD_A_MEM_FREE, "OM_LOAD_A_MEM_FREE"},
					 {OM_LOAD_A_UPTIME, "OM_LOAD_A_UPTIME"}})
		if (!tb[type])
			protocol_error(fmt::format("a load report lacks {}", name));
	return {.load = nla_get_u32(tb[OM_LOAD_A_LOAD]),
		.cpus = nla_get_u32(tb[OM_LOAD_A_CPUS]),
		.speed = nla_get_u32(tb[OM_LOAD_A_SPEED]),
		.util = nla_get_u32(tb[OM_LOAD_A_UTIL]),
		.mem_total = nla_get_u64(tb[OM_LOAD_A_MEM_TOTAL]),
		.mem_free = nla_get_u64(tb[OM_LOAD_A_MEM_FREE]),
		.uptime = nla_get_u64(tb[OM_LOAD_A_UPTIME])};
}

NodeInfo parse_node_info(nlattr *nest)
{
	std::array<nlattr *, OM_INFO_A_MAX + 1> tb{};
	if (nla_parse_nested(tb.data(), OM_INFO_A_MAX, nest, info_policy()) < 0 ||
	    !tb[OM_INFO_A_ID] || !tb[OM_INFO_A_STATE])
		protocol_error("a node of the cluster view is malformed or lacks OM_INFO_A_ID or "
			       "OM_INFO_A_STATE");
	NodeInfo info;
	info.id = to_node_id(nla_get_u32(tb[OM_INFO_A_ID]), "a node's");
	switch (const std::uint32_t state = nla_get_u32(tb[OM_INFO_A_STATE])) {
	case OM_NODE_DOWN:
	case OM_NODE_UP:
		info.up = state == OM_NODE_UP;
		break;
	default:
		protocol_error(fmt::format("node {} has the unknown state {}", info.id, state));
	}
	info.self = tb[OM_INFO_A_SELF] != nullptr;
	if (tb[OM_INFO_A_ADDR])
		info.address = parse_address(tb[OM_INFO_A_ADDR], info.id);
	if (tb[OM_INFO_A_LAST_SEEN])
		info.last_seen = from_epoch_ns(nla_get_u64(tb[OM_INFO_A_LAST_SEEN]));
	if (tb[OM_INFO_A_FLAGS])
		info.flags = nla_get_u32(tb[OM_INFO_A_FLAGS]);
	if (tb[OM_INFO_A_LOAD])
		info.load = parse_load(tb[OM_INFO_A_LOAD]);
	if (tb[OM_INFO_A_LOAD_AGE_MS])
		info.load_age = std::chrono::milliseconds(nla_get_u32(tb[OM_INFO_A_LOAD_AGE_MS]));
	return info;
}

Node parse_node(nlattr *nest)
{
	std::array<nlattr *, OM_NODE_A_MAX + 1> tb{};
	if (nla_parse_nested(tb.data(), OM_NODE_A_MAX, nest, node_policy()) < 0 ||
	    !tb[OM_NODE_A_ID] || !tb[OM_NODE_A_ADDRS])
		protocol_error("a node lacks OM_NODE_A_ID or OM_NODE_A_ADDRS");
	const NodeId id = to_node_id(nla_get_u32(tb[OM_NODE_A_ID]), "node");
	Node node{id, {}};
	nlattr *a;
	int rem;
	nla_for_each_nested(a, tb[OM_NODE_A_ADDRS], rem) {
		if (node.addresses.size() == OM_NODE_MAX_ADDRS)
			protocol_error(fmt::format("node {} has more than {} addresses", id,
						   OM_NODE_MAX_ADDRS));
		node.addresses.push_back(parse_address(a, node.id));
	}
	if (rem != 0 || node.addresses.empty())
		protocol_error(fmt::format("the addresses of node {} are malformed or missing", id));
	return node;
}

Status parse_status(nlmsghdr *msg)
{
	std::array<nlattr *, OM_A_MAX + 1> tb{};
	if (genlmsg_parse(msg, 0, tb.data(), OM_A_MAX, top_policy()) < 0)
		protocol_error("the status is malformed");
	if (!tb[OM_A_VERSION] || !tb[OM_A_SELF_SOURCE] || !tb[OM_A_MAP_GENERATION])
		protocol_error("the status lacks OM_A_VERSION, OM_A_SELF_SOURCE or "
			       "OM_A_MAP_GENERATION");
	Status s;
	s.version = nla_get_string(tb[OM_A_VERSION]);
	s.self_source = to_self_source(nla_get_u32(tb[OM_A_SELF_SOURCE]));
	s.map_generation = nla_get_u64(tb[OM_A_MAP_GENERATION]);
	s.map_nodes = get_u32(tb.data(), OM_A_MAP_NODES, "OM_A_MAP_NODES");
	s.map_addresses = get_u32(tb.data(), OM_A_MAP_ADDRS, "OM_A_MAP_ADDRS");
	s.limit_nodes = get_u32(tb.data(), OM_A_LIMIT_NODES, "OM_A_LIMIT_NODES");
	s.limit_addresses = get_u32(tb.data(), OM_A_LIMIT_ADDRS, "OM_A_LIMIT_ADDRS");
	s.peers_up = get_u32(tb.data(), OM_A_PEERS_UP, "OM_A_PEERS_UP");
	s.policy = get_u32(tb.data(), OM_A_POLICY, "OM_A_POLICY");
	if (tb[OM_A_NODE_ID])
		s.node_id = to_node_id(nla_get_u32(tb[OM_A_NODE_ID]), "this node's");
	if (tb[OM_A_SPEED])
		s.speed = nla_get_u32(tb[OM_A_SPEED]);
	// The daemon's three go together: the age and interval mean nothing
	// without a daemon.
	if (tb[OM_A_DAEMON_PID]) {
		s.daemon_pid = nla_get_u32(tb[OM_A_DAEMON_PID]);
		s.daemon_age = std::chrono::milliseconds(
			get_u32(tb.data(), OM_A_DAEMON_AGE_MS, "OM_A_DAEMON_AGE_MS"));
		s.load_interval = std::chrono::milliseconds(
			get_u32(tb.data(), OM_A_LOAD_INTERVAL_MS, "OM_A_LOAD_INTERVAL_MS"));
	}
	return s;
}

std::uint64_t parse_set_map_reply(nlmsghdr *msg)
{
	std::array<nlattr *, OM_A_MAX + 1> tb{};
	if (genlmsg_parse(msg, 0, tb.data(), OM_A_MAX, top_policy()) < 0 ||
	    !tb[OM_A_MAP_GENERATION])
		protocol_error("the reply to a new map is malformed or lacks OM_A_MAP_GENERATION");
	return nla_get_u64(tb[OM_A_MAP_GENERATION]);
}

// One node per message today, but any number is read.
MapPart parse_map_part(nlmsghdr *msg)
{
	MapPart part{dump_generation(msg, "the map"), {}};
	for_each_top_attr(msg, OM_A_NODE, [&](nlattr *a) { part.nodes.push_back(parse_node(a)); });
	return part;
}

NodesPart parse_nodes_part(nlmsghdr *msg)
{
	NodesPart part{dump_generation(msg, "the cluster view"), {}};
	for_each_top_attr(msg, OM_A_NODE_INFO,
			  [&](nlattr *a) { part.nodes.push_back(parse_node_info(a)); });
	return part;
}

} // namespace om
