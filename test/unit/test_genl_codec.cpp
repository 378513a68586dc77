// The openmosix attributes as omlib builds and reads them, without a kernel.
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_exception.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <array>
#include <cerrno>
#include <linux/genetlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "genl_codec.hpp"
#include "test_util.hpp"
#include "nl_handles.hpp"
#include "uapi/linux/openmosix.h"
#include "wire_builder.hpp"

using namespace om;
using namespace om::test;
using Catch::Matchers::ContainsSubstring;

namespace {

const Map kMap({node(1, {"192.168.1.1"}), node(2, {"192.168.1.2", "2001:db8::2", "10.0.0.2"}),
		node(65535, {"fd00::ffff"})});

// An OM_CMD_SET_MAP request for MAP, as GenlLibnl builds it.
struct Encoded {
	NlMsgPtr msg;
	Landmarks landmarks;
};

Encoded encode(const Map &map)
{
	Encoded e{NlMsgPtr(nlmsg_alloc_size(nlmsg_total_size(GENL_HDRLEN + map_payload_size(map)))),
		  {}};
	REQUIRE(genlmsg_put(e.msg.get(), 0, 0, 0x20, 0, 0, OM_CMD_SET_MAP, OM_GENL_VERSION));
	e.landmarks = put_map(e.msg.get(), map);
	return e;
}

// The top-level attributes of E's message.
std::vector<nlattr *> attributes(const Encoded &e)
{
	nlmsghdr *nlh = nlmsg_hdr(e.msg.get());
	std::vector<nlattr *> list;
	nlattr *a;
	int rem;
	nlmsg_for_each_attr(a, nlh, GENL_HDRLEN, rem)
		list.push_back(a);
	REQUIRE(rem == 0);
	return list;
}

std::uint32_t offset_of(const Encoded &e, const void *p)
{
	return static_cast<std::uint32_t>(static_cast<const std::uint8_t *>(p) -
					  reinterpret_cast<const std::uint8_t *>(nlmsg_hdr(e.msg.get())));
}

WireBuilder genl_message(std::uint8_t cmd)
{
	WireBuilder w(0x20, 0);
	w.put(genlmsghdr{cmd, OM_GENL_VERSION, 0});
	return w;
}

void put_u64(WireBuilder &w, std::uint16_t type, std::uint64_t value)
{
	w.attr(type, &value, sizeof(value));
}

// A status reply, leaving out attribute OMIT.
WireBuilder status_wire(int omit = -1, std::uint32_t source = OM_SELF_ADDRESS)
{
	WireBuilder w = genl_message(OM_CMD_GET_STATUS);
	const auto u32 = [&](int type, std::uint32_t v) {
		if (type != omit)
			w.attr_u32(static_cast<std::uint16_t>(type), v);
	};
	if (omit != OM_A_VERSION)
		w.attr_string(OM_A_VERSION, "0.1.0");
	u32(OM_A_NODE_ID, 3);
	if (omit != OM_A_SELF_SOURCE)
		w.attr_u32(OM_A_SELF_SOURCE, source);
	w.attr(OM_A_PAD, nullptr, 0);	// as nla_put_u64_64bit aligns the u64
	if (omit != OM_A_MAP_GENERATION)
		put_u64(w, OM_A_MAP_GENERATION, 7);
	u32(OM_A_MAP_NODES, 4);
	u32(OM_A_MAP_ADDRS, 5);
	u32(OM_A_LIMIT_NODES, OM_MAP_MAX_NODES);
	u32(OM_A_LIMIT_ADDRS, OM_MAP_MAX_ADDRS);
	u32(OM_A_PEERS_UP, 2);
	u32(OM_A_POLICY, OM_POLICY_QUIET);
	w.attr_u32(OM_A_MAX + 10, 0);	// from a newer module: ignored
	return w;
}

// A node nest whose addresses ADD_ADDRESSES writes.
template <class F> void put_node_wire(WireBuilder &w, std::uint16_t type, std::uint32_t id, F add_addresses)
{
	const auto n = w.open(type);
	w.attr_u32(OM_NODE_A_ID, id);
	const auto addrs = w.open(OM_NODE_A_ADDRS);
	add_addresses(w);
	w.close(addrs).close(n);
}

void put_v4(WireBuilder &w, std::uint16_t index, std::uint32_t last_byte)
{
	const auto a = w.open(index);
	const std::uint8_t bytes[4] = {10, 0, 0, static_cast<std::uint8_t>(last_byte)};
	w.attr(OM_ADDR_A_INET, bytes, sizeof(bytes));
	w.close(a);
}

// A message of the dump CMD, opened with its GENERATION.
WireBuilder dump_wire(std::uint64_t generation, std::uint8_t cmd = OM_CMD_GET_MAP)
{
	WireBuilder w = genl_message(cmd);
	put_u64(w, OM_A_MAP_GENERATION, generation);
	return w;
}

} // namespace

TEST_CASE("a map is encoded as the contract draws it and reads back", "[codec]")
{
	const Encoded e = encode(kMap);
	CHECK(nlmsg_hdr(e.msg.get())->nlmsg_len == NLMSG_HDRLEN + GENL_HDRLEN + map_payload_size(kMap));
	const std::vector<nlattr *> attrs = attributes(e);
	REQUIRE(attrs.size() == 1 + kMap.nodes().size());
	CHECK(nla_type(attrs[0]) == OM_A_MAP_NODES);
	CHECK(nla_get_u32(attrs[0]) == kMap.nodes().size());
	for (std::size_t i = 0; i < kMap.nodes().size(); ++i) {
		nlattr *nest = attrs[i + 1];
		CHECK(nla_type(nest) == OM_A_NODE);
		CHECK(nla_is_nested(nest));
		CHECK(parse_node(nest) == kMap.nodes()[i]);
	}
}

TEST_CASE("address entries are nests typed 1, 2, ...", "[codec]")
{
	const Encoded e = encode(Map({node(2, {"192.168.1.2", "2001:db8::2", "10.0.0.2"})}));
	nlattr *node2 = attributes(e).at(1);
	nlattr *addrs = nla_find(static_cast<nlattr *>(nla_data(node2)), nla_len(node2), OM_NODE_A_ADDRS);
	REQUIRE(addrs);
	CHECK(nla_is_nested(addrs));
	nlattr *entry;
	int rem;
	int index = 0;
	nla_for_each_nested(entry, addrs, rem) {
		CHECK(nla_type(entry) == ++index);
		CHECK(nla_is_nested(entry));
	}
	CHECK(index == 3);
}

TEST_CASE("an empty map is OM_A_MAP_NODES 0 and no node", "[codec]")
{
	const Encoded e = encode(Map{});
	const std::vector<nlattr *> attrs = attributes(e);
	REQUIRE(attrs.size() == 1);
	CHECK(nla_type(attrs[0]) == OM_A_MAP_NODES);
	CHECK(nla_get_u32(attrs[0]) == 0);
}

TEST_CASE("landmarks name the node and address an offset falls in", "[codec]")
{
	const Encoded e = encode(kMap);
	const std::vector<nlattr *> attrs = attributes(e);
	nlattr *node2 = attrs.at(2);
	CHECK(e.landmarks.find(offset_of(e, attrs[0])).empty());
	CHECK(e.landmarks.find(offset_of(e, node2)) == "node 2");
	nlattr *id = nla_find(static_cast<nlattr *>(nla_data(node2)), nla_len(node2), OM_NODE_A_ID);
	CHECK(e.landmarks.find(offset_of(e, id)) == "node 2");
	nlattr *addrs = nla_find(static_cast<nlattr *>(nla_data(node2)), nla_len(node2), OM_NODE_A_ADDRS);
	CHECK(e.landmarks.find(offset_of(e, addrs)) == "node 2");
	nlattr *second = nla_find(static_cast<nlattr *>(nla_data(addrs)), nla_len(addrs), 2);
	CHECK(e.landmarks.find(offset_of(e, second)) == "node 2 address 2001:db8::2");
	CHECK(e.landmarks.find(offset_of(e, nla_data(second))) == "node 2 address 2001:db8::2");
	CHECK(e.landmarks.find(offset_of(e, attrs.at(3))) == "node 65535");
}

TEST_CASE("the largest map is one message of 256 KiB", "[codec][limits]")
{
	std::vector<Node> nodes;
	for (int i = 0; i < OM_MAP_MAX_NODES; ++i) {
		Node n{static_cast<NodeId>(i + 1), {}};
		for (int k = 0; k < OM_MAP_MAX_ADDRS / OM_MAP_MAX_NODES; ++k) {
			std::array<std::uint8_t, 16> v6{0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
							static_cast<std::uint8_t>(k),
							static_cast<std::uint8_t>(i >> 16),
							static_cast<std::uint8_t>(i >> 8),
							static_cast<std::uint8_t>(i)};
			n.addresses.push_back(Address::from_bytes(v6).value());
		}
		nodes.push_back(std::move(n));
	}
	const Map full(std::move(nodes));
	CHECK(map_payload_size(full) == 8 + 4096 * 16 + 8192 * 24);
	const Encoded e = encode(full);
	CHECK(attributes(e).size() == 1 + OM_MAP_MAX_NODES);
	CHECK(parse_node(attributes(e).back()) == full.nodes().back());
}

TEST_CASE("a status reply is read whole", "[codec]")
{
	WireBuilder w = status_wire();
	const Status s = parse_status(w.message());
	CHECK(s == Status{.node_id = 3,
			  .self_source = SelfSource::FromAddress,
			  .version = "0.1.0",
			  .map_generation = 7,
			  .map_nodes = 4,
			  .map_addresses = 5,
			  .limit_nodes = OM_MAP_MAX_NODES,
			  .limit_addresses = OM_MAP_MAX_ADDRS,
			  .peers_up = 2,
			  .policy = OM_POLICY_QUIET,
			  .speed = std::nullopt,
			  .daemon_pid = std::nullopt});
	WireBuilder unknown = status_wire(OM_A_NODE_ID, OM_SELF_NONE);
	const Status none = parse_status(unknown.message());
	CHECK_FALSE(none.node_id);
	CHECK(none.self_source == SelfSource::None);
}

TEST_CASE("a status reply that breaks the contract is refused", "[codec]")
{
	for (const int omit : {OM_A_VERSION, OM_A_SELF_SOURCE, OM_A_MAP_GENERATION, OM_A_MAP_NODES,
			       OM_A_MAP_ADDRS, OM_A_LIMIT_NODES, OM_A_LIMIT_ADDRS, OM_A_PEERS_UP,
			       OM_A_POLICY}) {
		CAPTURE(omit);
		WireBuilder w = status_wire(omit);
		CHECK(error_of([&] { parse_status(w.message()); }) == EPROTO);
	}
	WireBuilder bad_source = status_wire(-1, 9);
	CHECK_THROWS_WITH(parse_status(bad_source.message()),
			  ContainsSubstring("self source 9 is unknown"));
	WireBuilder short_id = genl_message(OM_CMD_GET_STATUS);
	const std::uint16_t id16 = 3;
	short_id.attr(OM_A_NODE_ID, &id16, sizeof(id16));
	CHECK(error_of([&] { parse_status(short_id.message()); }) == EPROTO);
}

TEST_CASE("a dump message carries its generation and any number of nodes", "[codec]")
{
	WireBuilder w = dump_wire(9);
	put_node_wire(w, OM_A_NODE, 5, [](WireBuilder &b) {
		put_v4(b, 1, 5);
		put_v4(b, 2, 55);
	});
	put_node_wire(w, OM_A_NODE, 6, [](WireBuilder &b) { put_v4(b, 1, 6); });
	const MapPart part = parse_map_part(w.message());
	CHECK(part.generation == 9);
	CHECK(part.nodes == std::vector<Node>{node(5, {"10.0.0.5", "10.0.0.55"}), node(6, {"10.0.0.6"})});

	WireBuilder empty = dump_wire(10);
	CHECK(parse_map_part(empty.message()).nodes.empty());
}

TEST_CASE("a dump message that breaks the contract is refused", "[codec]")
{
	const auto refused = [](auto add_addresses, std::uint32_t id = 5) {
		WireBuilder w = dump_wire(1);
		put_node_wire(w, OM_A_NODE, id, add_addresses);
		return error_of([&] { parse_map_part(w.message()); }) == EPROTO;
	};
	CHECK(refused([](WireBuilder &b) { put_v4(b, 1, 1); }, 0));
	CHECK(refused([](WireBuilder &b) { put_v4(b, 1, 1); }, 65536));
	CHECK(refused([](WireBuilder &) {}));
	CHECK(refused([](WireBuilder &b) {
		for (std::uint16_t i = 1; i <= OM_NODE_MAX_ADDRS + 1; ++i)
			put_v4(b, i, i);
	}));
	CHECK(refused([](WireBuilder &b) {
		const auto a = b.open(1);
		const std::uint8_t five[5] = {10, 0, 0, 1, 0};
		b.attr(OM_ADDR_A_INET, five, sizeof(five));
		b.close(a);
	}));
	CHECK(refused([](WireBuilder &b) {
		const auto a = b.open(1);
		const std::uint8_t v4[4] = {10, 0, 0, 1};
		const std::uint8_t v6[16] = {0xfd};
		b.attr(OM_ADDR_A_INET, v4, sizeof(v4)).attr(OM_ADDR_A_INET6, v6, sizeof(v6));
		b.close(a);
	}));
	WireBuilder no_generation = genl_message(OM_CMD_GET_MAP);
	CHECK(error_of([&] { parse_map_part(no_generation.message()); }) == EPROTO);
}

namespace {

// A message for CMD with the attributes PUT adds, as GenlLibnl builds it.
template <class Put> Encoded encode_with(std::uint8_t cmd, std::size_t payload, Put put)
{
	Encoded e{NlMsgPtr(nlmsg_alloc_size(nlmsg_total_size(GENL_HDRLEN + payload))), {}};
	REQUIRE(genlmsg_put(e.msg.get(), 0, 0, 0x20, 0, 0, cmd, OM_GENL_VERSION));
	e.landmarks = put(e.msg.get());
	return e;
}

const LoadReport kLoad{.load = 1250, .cpus = 4, .speed = 20000, .util = 999,
		       .mem_total = 1ull << 40, .mem_free = 1ull << 33, .uptime = 86400};

void put_load_wire(WireBuilder &w, std::uint16_t type, const LoadReport &l, int omit = -1)
{
	const auto nest = w.open(type);
	const auto u32 = [&](int t, std::uint32_t v) {
		if (t != omit)
			w.attr_u32(static_cast<std::uint16_t>(t), v);
	};
	const auto u64 = [&](int t, std::uint64_t v) {
		if (t != omit)
			put_u64(w, static_cast<std::uint16_t>(t), v);
	};
	u32(OM_LOAD_A_LOAD, l.load);
	u32(OM_LOAD_A_CPUS, l.cpus);
	u32(OM_LOAD_A_SPEED, l.speed);
	u32(OM_LOAD_A_UTIL, l.util);
	w.attr(OM_LOAD_A_PAD, nullptr, 0);
	u64(OM_LOAD_A_MEM_TOTAL, l.mem_total);
	u64(OM_LOAD_A_MEM_FREE, l.mem_free);
	u64(OM_LOAD_A_UPTIME, l.uptime);
	w.close(nest);
}

} // namespace

TEST_CASE("a load report goes out as OM_A_LOAD and its interval, and reads back", "[codec]")
{
	const Encoded e = encode_with(OM_CMD_SET_LOAD, load_payload_size(), [](nl_msg *msg) {
		return put_load(msg, kLoad, std::chrono::milliseconds(1500));
	});
	CHECK(nlmsg_hdr(e.msg.get())->nlmsg_len == NLMSG_HDRLEN + GENL_HDRLEN + load_payload_size());
	const std::vector<nlattr *> attrs = attributes(e);
	REQUIRE(attrs.size() == 2);
	CHECK(nla_type(attrs[0]) == OM_A_LOAD);
	CHECK(nla_is_nested(attrs[0]));
	CHECK(parse_load(attrs[0]) == kLoad);
	CHECK(nla_type(attrs[1]) == OM_A_LOAD_INTERVAL_MS);
	CHECK(nla_get_u32(attrs[1]) == 1500);
	// An extended ack pointing at a field names it and its value.
	const auto field = [&](int type) {
		return nla_find(static_cast<nlattr *>(nla_data(attrs[0])), nla_len(attrs[0]), type);
	};
	CHECK(e.landmarks.find(offset_of(e, attrs[0])) == "the load report");
	CHECK(e.landmarks.find(offset_of(e, field(OM_LOAD_A_CPUS))) == "cpus 4");
	CHECK(e.landmarks.find(offset_of(e, field(OM_LOAD_A_UTIL))) == "util 999");
	CHECK(e.landmarks.find(offset_of(e, field(OM_LOAD_A_MEM_FREE))) == "mem_free 8589934592");
	CHECK(e.landmarks.find(offset_of(e, attrs[1])) == "interval 1500 ms");
}

TEST_CASE("an interval out of u32's range is clamped, not wrapped", "[codec]")
{
	for (const auto &[interval, wire] : {std::pair{std::chrono::milliseconds(-5), 0u},
					     {std::chrono::milliseconds((1ll << 32) + 1000), 0xffffffffu}}) {
		const Encoded e = encode_with(OM_CMD_SET_LOAD, load_payload_size(), [&](nl_msg *msg) {
			return put_load(msg, kLoad, interval);
		});
		CHECK(nla_get_u32(attributes(e).at(1)) == wire);
	}
}

TEST_CASE("a policy change carries only what changes", "[codec]")
{
	const auto types = [](const PolicyChange &change) {
		const Encoded e = encode_with(OM_CMD_SET_POLICY, policy_payload_size(),
					      [&](nl_msg *msg) { return put_policy(msg, change); });
		std::vector<std::pair<int, std::uint32_t>> list;
		for (nlattr *a : attributes(e))
			list.emplace_back(nla_type(a), nla_get_u32(a));
		return list;
	};
	using List = std::vector<std::pair<int, std::uint32_t>>;
	CHECK(types({.set = 1, .mask = 1, .speed = std::nullopt}) ==
	      List{{OM_A_POLICY, 1}, {OM_A_POLICY_MASK, 1}});
	CHECK(types({.set = 0, .mask = 1, .speed = std::nullopt}) ==
	      List{{OM_A_POLICY, 0}, {OM_A_POLICY_MASK, 1}});
	CHECK(types({.set = 0, .mask = 0, .speed = 0}) == List{{OM_A_SPEED, 0}});
	CHECK(types({.set = 0, .mask = 0, .speed = 30000}) == List{{OM_A_SPEED, 30000}});
	// Flags outside the mask go out for the kernel to refuse in its words.
	CHECK(types({.set = 2, .mask = 0, .speed = 5}) ==
	      List{{OM_A_POLICY, 2}, {OM_A_POLICY_MASK, 0}, {OM_A_SPEED, 5}});
	CHECK(types({.set = 0, .mask = 0, .speed = std::nullopt}).empty());
}

TEST_CASE("a status reply with a daemon, a policy and a speed", "[codec]")
{
	WireBuilder w = status_wire();
	w.attr_u32(OM_A_SPEED, 15000);
	w.attr_u32(OM_A_DAEMON_PID, 321);
	w.attr_u32(OM_A_DAEMON_AGE_MS, 450);
	w.attr_u32(OM_A_LOAD_INTERVAL_MS, 1000);
	const Status s = parse_status(w.message());
	CHECK(s.peers_up == 2);
	CHECK(s.policy == OM_POLICY_QUIET);
	CHECK(s.speed == 15000u);
	CHECK(s.daemon_pid == 321u);
	CHECK(s.daemon_age == std::chrono::milliseconds(450));
	CHECK(s.load_interval == std::chrono::seconds(1));

	// A daemon without its age or interval breaks the contract.
	WireBuilder no_age = status_wire();
	no_age.attr_u32(OM_A_DAEMON_PID, 321).attr_u32(OM_A_LOAD_INTERVAL_MS, 1000);
	CHECK_THROWS_WITH(parse_status(no_age.message()), ContainsSubstring("OM_A_DAEMON_AGE_MS"));
}

TEST_CASE("a cluster view message: every node attribute", "[codec]")
{
	WireBuilder w = dump_wire(5, OM_CMD_GET_NODES);
	{
		const auto info = w.open(OM_A_NODE_INFO);
		w.attr_u32(OM_INFO_A_ID, 1);
		put_v4(w, OM_INFO_A_ADDR, 1);
		w.attr_u32(OM_INFO_A_STATE, OM_NODE_UP);
		w.attr(OM_INFO_A_SELF, nullptr, 0);
		w.attr(OM_INFO_A_PAD, nullptr, 0);
		put_u64(w, OM_INFO_A_LAST_SEEN, 1714564800250000000ull);
		w.attr_u32(OM_INFO_A_FLAGS, OM_POLICY_QUIET);
		put_load_wire(w, OM_INFO_A_LOAD, kLoad);
		w.attr_u32(OM_INFO_A_LOAD_AGE_MS, 700);
		w.attr_u32(OM_INFO_A_MAX + 5, 0);	// from a newer module: ignored
		w.close(info);
	}
	{
		const auto info = w.open(OM_A_NODE_INFO);
		w.attr_u32(OM_INFO_A_ID, 2);
		w.attr_u32(OM_INFO_A_STATE, OM_NODE_DOWN);
		w.close(info);
	}
	const NodesPart part = parse_nodes_part(w.message());
	CHECK(part.generation == 5);
	REQUIRE(part.nodes.size() == 2);
	const NodeInfo &one = part.nodes[0];
	CHECK(one.id == 1);
	CHECK(one.address == ip("10.0.0.1"));
	CHECK(one.up);
	CHECK(one.self);
	CHECK(one.last_seen == std::chrono::system_clock::time_point(
				       std::chrono::milliseconds(1714564800250)));
	CHECK(one.flags == OM_POLICY_QUIET);
	CHECK(one.load == kLoad);
	CHECK(one.load_age == std::chrono::milliseconds(700));
	NodeInfo two;
	two.id = 2;
	CHECK(part.nodes[1] == two);

	WireBuilder empty = dump_wire(6, OM_CMD_GET_NODES);
	CHECK(parse_nodes_part(empty.message()).nodes.empty());
}

TEST_CASE("a cluster view message that breaks the contract is refused", "[codec]")
{
	const auto refused = [](auto add) {
		WireBuilder w = dump_wire(1, OM_CMD_GET_NODES);
		const auto info = w.open(OM_A_NODE_INFO);
		add(w);
		w.close(info);
		return error_of([&] { parse_nodes_part(w.message()); }) == EPROTO;
	};
	CHECK(refused([](WireBuilder &w) { w.attr_u32(OM_INFO_A_STATE, OM_NODE_UP); }));
	CHECK(refused([](WireBuilder &w) { w.attr_u32(OM_INFO_A_ID, 1); }));
	CHECK(refused([](WireBuilder &w) {
		w.attr_u32(OM_INFO_A_ID, 0).attr_u32(OM_INFO_A_STATE, OM_NODE_UP);
	}));
	CHECK(refused([](WireBuilder &w) {
		w.attr_u32(OM_INFO_A_ID, 1).attr_u32(OM_INFO_A_STATE, __OM_NODE_STATE_LAST);
	}));
	CHECK(refused([](WireBuilder &w) {
		w.attr_u32(OM_INFO_A_ID, 1).attr_u32(OM_INFO_A_STATE, OM_NODE_UP);
		w.attr_u32(OM_INFO_A_LAST_SEEN, 5);	// a u64 cut short
	}));
	for (const int omit : {OM_LOAD_A_LOAD, OM_LOAD_A_CPUS, OM_LOAD_A_SPEED, OM_LOAD_A_UTIL,
			       OM_LOAD_A_MEM_TOTAL, OM_LOAD_A_MEM_FREE, OM_LOAD_A_UPTIME}) {
		CAPTURE(omit);
		CHECK(refused([&](WireBuilder &w) {
			w.attr_u32(OM_INFO_A_ID, 1).attr_u32(OM_INFO_A_STATE, OM_NODE_UP);
			put_load_wire(w, OM_INFO_A_LOAD, kLoad, omit);
		}));
	}
	WireBuilder no_generation = genl_message(OM_CMD_GET_NODES);
	CHECK(error_of([&] { parse_nodes_part(no_generation.message()); }) == EPROTO);
}
