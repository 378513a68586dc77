// omd --discover without the network: the node id rule, the choice of the
// address, the announcement against bytes written out by hand (its MAC
// computed with another BLAKE2b, Python's hashlib), what a receiver drops,
// the map it builds, and when it announces.
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <cstring>
#include <fmt/format.h>
#include <stdexcept>

#include "discovery.hpp"
#include "test_util.hpp"
#include "uapi/linux/openmosix.h"

using namespace om;
using namespace om::omd;
using namespace std::chrono_literals;
using Catch::Matchers::ContainsSubstring;
using om::test::ip;
using om::test::node;
using What = Discovery::Received::What;
using Drop = Discovery::Drop;
using Bytes = std::vector<std::uint8_t>;

namespace {

// 00 01 02 ... 1f, the key of the golden datagram.
ClusterKey key(std::uint8_t first = 0, std::uint8_t step = 1)
{
	std::array<std::uint8_t, ClusterKey::kSize> bytes{};
	for (std::size_t i = 0; i < bytes.size(); ++i)
		bytes[i] = static_cast<std::uint8_t>(first + step * i);
	return ClusterKey::from_bytes(bytes);
}

const Discovery::WallClock::time_point kNow{1700000000000ms};	// 0x18bcfe56800

// 10.0.0.7/24, node 7, at kNow, under key().
const Bytes kGolden = {
	0x4f, 0x4d, 0x4e, 0x47, 0x01, 0x07, 0x00, 0x00,	// "OMNG", version 1, ANNOUNCE, no flags
	0x30, 0x00, 0x00, 0x00,				// length 48
	0x00, 0x00, 0x00, 0x00,				// status
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	// id
	0x0a, 0x00, 0x00, 0x07,				// 10.0.0.7
	0x07, 0x00,					// node 7
	0x18, 0x00,					// /24, no flags
	0x00, 0x68, 0xe5, 0xcf, 0x8b, 0x01, 0x00, 0x00,	// 1700000000000 ms
	0x9d, 0x38, 0x4b, 0xd3, 0xed, 0xdc, 0x03, 0x61, 0x8d, 0x99, 0xe6, 0x2d, 0xf5, 0x48,
	0xf9, 0xcc, 0x7d, 0x86, 0x4f, 0x28, 0xaf, 0x94, 0x66, 0x37, 0xbd, 0x7c, 0xed, 0x45,
	0x60, 0xd9, 0x05, 0xaa,
};

DiscoverySelf self(const char *address, unsigned prefix_len, NodeId id, bool id_set = false)
{
	return {ip(address), prefix_len, id, id_set};
}

// The announcement of ADDRESS/PREFIX_LEN as node ID, at kNow + AFTER.
Bytes announce(const char *address, unsigned prefix_len, NodeId id, bool id_set = false,
	       std::chrono::milliseconds after = 0ms, const ClusterKey &k = key())
{
	return Discovery(k, self(address, prefix_len, id, id_set)).announcement(kNow + after);
}

// A receiver that is node 1 at 10.0.0.1/24.
Discovery receiver()
{
	return Discovery(key(), self("10.0.0.1", 24, 1));
}

Discovery::Received receive(Discovery &d, const Bytes &bytes, const char *source,
			    std::chrono::milliseconds at = 0ms)
{
	return d.receive(bytes, ip(source), kNow + at);
}

NodeId id_of(const char *address, unsigned prefix_len)
{
	const auto r = node_id_from_address(ip(address), prefix_len);
	if (const auto *why = std::get_if<std::string>(&r))
		FAIL(address << "/" << prefix_len << ": " << *why);
	return std::get<NodeId>(r);
}

std::string no_id(const char *address, unsigned prefix_len)
{
	const auto r = node_id_from_address(ip(address), prefix_len);
	REQUIRE(std::holds_alternative<std::string>(r));
	return std::get<std::string>(r);
}

LocalAddress local(const char *interface, unsigned index, const char *address, unsigned prefix_len)
{
	return {interface, index, ip(address), prefix_len};
}

const std::vector<LocalAddress> kOneNic = {local("lo", 1, "127.0.0.1", 8),
					   local("eth0", 2, "10.0.0.7", 24)};
const std::vector<LocalAddress> kTwoNics = {
	local("lo", 1, "127.0.0.1", 8), local("eth0", 2, "192.168.1.20", 24),
	local("eth1", 3, "10.0.0.7", 24), local("eth1", 3, "169.254.9.9", 16)};

OmdConfig config(std::optional<const char *> discover_address = std::nullopt,
		 const char *listen = "0.0.0.0")
{
	OmdConfig c;
	c.discover = true;
	c.listen = ip(listen);
	if (discover_address)
		c.discover_address = ip(*discover_address);
	return c;
}

std::string choice_error(const OmdConfig &c, const std::vector<LocalAddress> &addresses,
			 std::optional<std::string> route)
{
	try {
		choose_discovery_address(c, addresses, route);
	} catch (const DiscoveryError &e) {
		return e.what();
	}
	FAIL("an address was chosen");
	return {};
}

} // namespace

TEST_CASE("discovery: the id is the host part, the low 16 bits of a wide one", "[discovery]")
{
	CHECK(id_of("10.0.0.7", 24) == 7);
	CHECK(id_of("192.168.10.220", 24) == 220);	// omdiscd: 2780
	CHECK(id_of("192.168.3.7", 16) == 3 * 256 + 7);
	CHECK(id_of("10.1.2.3", 8) == 2 * 256 + 3);	// 10.1 is beyond 16 bits
	CHECK(id_of("10.0.1.5", 23) == 256 + 5);
	CHECK(id_of("10.0.0.200", 25) == 72);
	CHECK(id_of("172.16.255.254", 16) == 65534);
	CHECK(id_of("10.7.255.255", 8) == 65535);	// a host on a /8
	CHECK(id_of("10.0.0.1", 30) == 1);
	CHECK(id_of("10.0.0.1", 31) == 1);		// RFC 3021: no broadcast on a /31
	CHECK(id_of("10.0.0.7", 0) == 7);
}

TEST_CASE("discovery: addresses that give no id say why", "[discovery]")
{
	CHECK_THAT(no_id("10.0.0.0", 24), ContainsSubstring("address of its network"));
	CHECK_THAT(no_id("10.0.0.0", 31), ContainsSubstring("address of its network"));
	CHECK_THAT(no_id("10.0.0.255", 24), ContainsSubstring("broadcast"));
	CHECK_THAT(no_id("10.0.0.3", 30), ContainsSubstring("broadcast"));
	CHECK_THAT(no_id("10.255.255.255", 8), ContainsSubstring("broadcast"));
	CHECK_THAT(no_id("172.16.255.255", 16), ContainsSubstring("broadcast"));
	CHECK_THAT(no_id("10.1.0.0", 8), ContainsSubstring("low 16 bits"));
	CHECK_THAT(no_id("10.0.0.7", 32), ContainsSubstring("no host part"));
	CHECK_THAT(no_id("10.0.0.7", 33), ContainsSubstring("no IPv4 prefix"));
	CHECK_THAT(no_id("fd00::7", 64), ContainsSubstring("IPv4 only"));
}

TEST_CASE("discovery: this node's id, derived or set", "[discovery]")
{
	const LocalAddress eth0 = local("eth0", 2, "10.0.0.7", 24);
	CHECK(discovery_self(eth0, std::nullopt) == self("10.0.0.7", 24, 7));
	CHECK(discovery_self(eth0, 300) == self("10.0.0.7", 24, 300, true));
	try {
		discovery_self(local("eth0", 2, "10.0.0.7", 32), std::nullopt);
		FAIL("a /32 gave an id");
	} catch (const DiscoveryError &e) {
		CHECK_THAT(e.what(), ContainsSubstring("10.0.0.7/32 on eth0 gives no node id"));
		CHECK_THAT(e.what(), ContainsSubstring("set node-id"));
	}
	CHECK(discovery_self(local("eth0", 2, "10.0.0.7", 32), 7) == self("10.0.0.7", 32, 7, true));
}

TEST_CASE("discovery: the address comes from the configuration first", "[discovery]")
{
	CHECK(choose_discovery_address(config("10.0.0.7"), kTwoNics, "eth0") == kTwoNics[2]);
	CHECK(choose_discovery_address(config(std::nullopt, "10.0.0.7"), kTwoNics, "eth0") ==
	      kTwoNics[2]);
	CHECK(choose_discovery_address(config("10.0.0.7", "10.0.0.7"), kTwoNics, {}) == kTwoNics[2]);
	CHECK(choose_discovery_address(config("10.0.0.7", "::"), kTwoNics, {}) == kTwoNics[2]);

	CHECK_THAT(choice_error(config("10.0.0.9"), kTwoNics, "eth0"),
		   ContainsSubstring("discover-address 10.0.0.9 is not the address of an interface"));
	CHECK_THAT(choice_error(config(std::nullopt, "10.0.0.9"), kTwoNics, "eth0"),
		   ContainsSubstring("listen 10.0.0.9 is not the address of an interface"));
	CHECK_THAT(choice_error(config("10.0.0.7", "192.168.1.20"), kTwoNics, "eth0"),
		   ContainsSubstring("discover-address is 10.0.0.7 but listen is 192.168.1.20"));
	CHECK_THAT(choice_error(config(std::nullopt, "fd00::7"), kTwoNics, "eth0"),
		   ContainsSubstring("IPv4 only, and listen is fd00::7"));
}

TEST_CASE("discovery: else the default route's interface, else the only address", "[discovery]")
{
	CHECK(choose_discovery_address(config(), kTwoNics, "eth0") == kTwoNics[1]);
	// The link-local address of eth1 does not count.
	CHECK(choose_discovery_address(config(), kTwoNics, "eth1") == kTwoNics[2]);
	CHECK(choose_discovery_address(config(), kOneNic, std::nullopt) == kOneNic[1]);
	CHECK(choose_discovery_address(config(), kOneNic, "wlan0") == kOneNic[1]);

	CHECK_THAT(choice_error(config(), kTwoNics, std::nullopt),
		   ContainsSubstring("192.168.1.20/24 on eth0, 10.0.0.7/24 on eth1) is on the "
				     "cluster network (there is no default route): set "
				     "discover-address"));
	auto two_on_eth0 = kTwoNics;
	two_on_eth0.push_back(local("eth0", 2, "192.168.1.21", 24));
	CHECK_THAT(choice_error(config(), two_on_eth0, "eth0"),
		   ContainsSubstring("the default route, eth0, has several IPv4 addresses "
				     "(192.168.1.20/24 on eth0, 192.168.1.21/24 on eth0)"));
	CHECK_THAT(choice_error(config(), {kOneNic[0]}, std::nullopt),
		   ContainsSubstring("no IPv4 address to announce but loopback"));
}

TEST_CASE("discovery: the default route from /proc/net/route", "[discovery]")
{
	const std::string header =
		"Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n";
	CHECK(default_route_interface(header +
				      "eth0\t0000000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
				      "eth1\t00000000\t0100000A\t0003\t0\t0\t100\t00000000\t0\t0\t0\n") ==
	      "eth1");
	// The lowest metric wins; a tie between two interfaces gives none.
	const std::string two = header +
				"eth0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n"
				"wlan0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n";
	CHECK(default_route_interface(two) == "wlan0");
	CHECK_FALSE(default_route_interface(
		two + "eth1\t00000000\t0100000A\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"));
	// Not a default route: a destination, a mask, a route that is not up.
	CHECK_FALSE(default_route_interface(
		header + "eth0\t0000000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
			 "eth0\t00000000\t00000000\t0001\t0\t0\t0\t000000FF\t0\t0\t0\n"
			 "eth1\t00000000\t0100000A\t0002\t0\t0\t0\t00000000\t0\t0\t0\n"
			 "garbage\n"));
	CHECK_FALSE(default_route_interface(""));
}

TEST_CASE("discovery: the announcement, byte by byte", "[discovery][wire]")
{
	REQUIRE(kGolden.size() == Discovery::kDatagramSize);
	CHECK(announce("10.0.0.7", 24, 7) == kGolden);

	// The flag says the id was set; the MAC covers it.
	const Bytes set = announce("10.0.0.7", 24, 7, true);
	CHECK(set[31] == OM_WA_ID_SET);
	CHECK(std::equal(kGolden.begin(), kGolden.begin() + 31, set.begin()));
	CHECK_FALSE(std::equal(kGolden.begin() + 40, kGolden.end(), set.begin() + 40));
	// Another key, another MAC, the rest the same.
	const Bytes other = announce("10.0.0.7", 24, 7, false, 0ms, key(1));
	CHECK(std::equal(kGolden.begin(), kGolden.begin() + 40, other.begin()));
	CHECK_FALSE(std::equal(kGolden.begin() + 40, kGolden.end(), other.begin() + 40));
}

TEST_CASE("discovery: an announcement heard adds its node to the map", "[discovery]")
{
	Discovery d = receiver();
	CHECK(d.map() == Map({node(1, {"10.0.0.1"})}));
	const auto r = receive(d, kGolden, "10.0.0.7");
	CHECK(r.what == What::Added);
	CHECK(r.changed());
	CHECK(r.id == 7);
	CHECK(d.map() == Map({node(1, {"10.0.0.1"}), node(7, {"10.0.0.7"})}));

	// A newer one changes nothing; the same one again is a replay.
	const auto again = receive(d, announce("10.0.0.7", 24, 7, false, 1000ms), "10.0.0.7");
	CHECK(again.what == What::Known);
	CHECK_FALSE(again.changed());
	const auto replay = receive(d, kGolden, "10.0.0.7", 2000ms);
	CHECK(replay.what == What::Dropped);
	CHECK(replay.drop == Drop::Stale);
	CHECK(receive(d, announce("10.0.0.7", 24, 7, false, 500ms), "10.0.0.7").drop == Drop::Stale);
	CHECK(d.map().nodes().size() == 2);

	// Another network's node, with a set id and an IPv4-mapped source.
	const auto far = receive(d, announce("10.0.9.3", 16, 40000, true), "::ffff:10.0.9.3");
	CHECK(far.what == What::Added);
	CHECK(d.map() ==
	      Map({node(1, {"10.0.0.1"}), node(7, {"10.0.0.7"}), node(40000, {"10.0.9.3"})}));
}

TEST_CASE("discovery: this node's own announcement changes nothing", "[discovery]")
{
	Discovery d = receiver();
	const auto r = d.receive(d.announcement(kNow), ip("10.0.0.1"), kNow);
	CHECK(r.what == What::Own);
	CHECK(d.map().nodes().size() == 1);
}

TEST_CASE("discovery: another key, a cut or a changed byte are dropped", "[discovery]")
{
	Discovery d = receiver();
	const auto wrong = receive(d, announce("10.0.0.7", 24, 7, false, 0ms, key(1)), "10.0.0.7");
	CHECK(wrong.what == What::Dropped);
	CHECK(wrong.drop == Drop::Auth);
	CHECK_THAT(wrong.why, ContainsSubstring("not this cluster's key"));

	for (std::size_t n = 0; n < kGolden.size(); ++n) {
		CAPTURE(n);
		const auto r = receive(d, Bytes(kGolden.begin(), kGolden.begin() + long(n)), "10.0.0.7");
		CHECK(r.drop == Drop::Malformed);
		CHECK_THAT(r.why, ContainsSubstring("where an announcement has 72"));
	}
	Bytes longer = kGolden;
	longer.push_back(0);
	CHECK(receive(d, longer, "10.0.0.7").drop == Drop::Malformed);

	// Every bit of every byte: the header refuses it, or the MAC does.
	for (std::size_t i = 0; i < kGolden.size(); ++i)
		for (int bit = 0; bit < 8; ++bit) {
			CAPTURE(i, bit);
			Bytes bytes = kGolden;
			bytes[i] ^= static_cast<std::uint8_t>(1 << bit);
			const auto r = receive(d, bytes, "10.0.0.7");
			CHECK(r.what == What::Dropped);
			CHECK((r.drop == Drop::Malformed || r.drop == Drop::Auth));
		}
	CHECK_THAT(receive(d, Bytes(72, 0), "10.0.0.7").why, ContainsSubstring("bad magic"));
	Bytes ping = kGolden;
	ping[5] = OM_WT_HEARTBEAT;
	ping[8] = 0;	// a HEARTBEAT, which has any length
	CHECK_THAT(receive(d, ping, "10.0.0.7").why, ContainsSubstring("type 4, not an announcement"));
	Bytes flagged = kGolden;
	flagged[6] = OM_WF_REQUEST;
	CHECK_THAT(receive(d, flagged, "10.0.0.7").why, ContainsSubstring("bad flags"));
	CHECK(d.map().nodes().size() == 1);
	CHECK(receive(d, kGolden, "10.0.0.7").what == What::Added);
}

TEST_CASE("discovery: a well signed announcement can still be refused", "[discovery]")
{
	Discovery d = receiver();
	// Not from the address it announces.
	const auto moved = receive(d, kGolden, "10.0.0.8");
	CHECK(moved.drop == Drop::Source);
	CHECK_THAT(moved.why, ContainsSubstring("it announces 10.0.0.7 but comes from 10.0.0.8"));
	// An address no node can have.
	const auto loop = receive(d, announce("127.0.0.7", 8, 7, true), "127.0.0.7");
	CHECK(loop.drop == Drop::Address);
	CHECK_THAT(loop.why, ContainsSubstring("loopback"));
	// The clocks 300 s apart at most.
	CHECK(receive(d, kGolden, "10.0.0.7", 300001ms).drop == Drop::Clock);
	const auto ahead = receive(d, kGolden, "10.0.0.7", -300001ms);
	CHECK(ahead.drop == Drop::Clock);
	CHECK_THAT(ahead.why, ContainsSubstring("300 s ahead of this node's"));
	// An id that is not the address's, unless it was set.
	const auto wrong_id = receive(d, announce("10.0.0.8", 24, 9), "10.0.0.8");
	CHECK(wrong_id.drop == Drop::Id);
	CHECK_THAT(wrong_id.why, ContainsSubstring("node 9, but 10.0.0.8/24 gives node 8"));
	CHECK(receive(d, announce("10.0.0.8", 32, 8), "10.0.0.8").drop == Drop::Id);
	CHECK(d.map().nodes().size() == 1);

	CHECK(receive(d, kGolden, "10.0.0.7", -300000ms).what == What::Added);
	CHECK(receive(d, announce("10.0.0.8", 24, 9, true, 300000ms), "10.0.0.8").what ==
	      What::Added);
	CHECK(d.map() == Map({node(1, {"10.0.0.1"}), node(7, {"10.0.0.7"}), node(9, {"10.0.0.8"})}));
}

TEST_CASE("discovery: two addresses with one id: the first keeps it", "[discovery]")
{
	Discovery d = receiver();
	REQUIRE(receive(d, announce("10.0.0.7", 24, 7), "10.0.0.7").what == What::Added);
	const auto twin = receive(d, announce("10.0.1.7", 24, 7), "10.0.1.7");
	CHECK(twin.drop == Drop::Conflict);
	CHECK_THAT(twin.why, ContainsSubstring("node 7 is at 10.0.0.7 already"));
	// Again later: still refused, never a replay.
	CHECK(receive(d, announce("10.0.1.7", 24, 7, false, 1000ms), "10.0.1.7", 1000ms).drop ==
	      Drop::Conflict);
	// This node's own id.
	const auto mine = receive(d, announce("10.0.1.1", 24, 1), "10.0.1.1");
	CHECK(mine.drop == Drop::Conflict);
	CHECK_THAT(mine.why, ContainsSubstring("that is this node's id"));
	CHECK(d.map() == Map({node(1, {"10.0.0.1"}), node(7, {"10.0.0.7"})}));
}

TEST_CASE("discovery: an address that announces a new id moves to it", "[discovery]")
{
	Discovery d = receiver();
	REQUIRE(receive(d, announce("10.0.0.8", 24, 8), "10.0.0.8").what == What::Added);
	REQUIRE(receive(d, announce("10.0.0.9", 24, 9), "10.0.0.9").what == What::Added);
	const auto r = receive(d, announce("10.0.0.8", 24, 20, true, 1000ms), "10.0.0.8", 1000ms);
	CHECK(r.what == What::Moved);
	CHECK(r.changed());
	CHECK_THAT(r.why, ContainsSubstring("node 8 at 10.0.0.8 is now node 20"));
	CHECK(d.map() == Map({node(1, {"10.0.0.1"}), node(9, {"10.0.0.9"}), node(20, {"10.0.0.8"})}));
	// The old announcement cannot move it back; nor can it take a used id.
	CHECK(receive(d, announce("10.0.0.8", 24, 8), "10.0.0.8", 1000ms).drop == Drop::Stale);
	CHECK(receive(d, announce("10.0.0.8", 24, 9, true, 2000ms), "10.0.0.8", 2000ms).drop ==
	      Drop::Conflict);
	CHECK(d.map().find(20));
}

TEST_CASE("discovery: the map stops at the kernel's limit", "[discovery]")
{
	Discovery d = receiver();
	std::size_t added = 0;
	for (unsigned i = 2; i <= OM_MAP_MAX_NODES + 1; ++i) {
		const std::string a = fmt::format("10.0.{}.{}", i / 250, i % 250 + 2);
		const auto r = d.receive(announce(a.c_str(), 8, static_cast<NodeId>(i), true), ip(a), kNow);
		if (r.what == What::Added)
			++added;
		else
			CHECK(r.drop == Drop::Full);
	}
	CHECK(added == OM_MAP_MAX_NODES - 1);
	CHECK(d.map().nodes().size() == OM_MAP_MAX_NODES);
}

TEST_CASE("discovery: announce at once, every second while young, then every interval",
	  "[discovery]")
{
	const Clock::time_point t0{100s};
	AnnounceSchedule s(t0, 5000ms);
	CHECK(s.due() == t0);
	s.sent(t0);
	CHECK(s.due() == t0 + 1s);
	s.sent(t0 + 9s);
	CHECK(s.due() == t0 + 10s);
	s.sent(t0 + 10s);
	CHECK(s.due() == t0 + 15s);

	// A newcomer: at once if the last was a second ago, else a second after it.
	s.newcomer(t0 + 10500ms);
	CHECK(s.due() == t0 + 11s);
	s.newcomer(t0 + 12s);
	CHECK(s.due() == t0 + 11s);	// never later than it was
	s.sent(t0 + 30s);
	s.newcomer(t0 + 32s);
	CHECK(s.due() == t0 + 32s);

	// An interval shorter than a second is kept while young.
	AnnounceSchedule fast(t0, 200ms);
	fast.sent(t0);
	CHECK(fast.due() == t0 + 200ms);
	AnnounceSchedule fresh(t0, 60000ms);
	fresh.newcomer(t0 + 1ms);
	CHECK(fresh.due() == t0);
}

TEST_CASE("discovery: its keys in omd.conf and on the command line", "[discovery][omd_config]")
{
	const auto parse = [](std::vector<std::string> args, const std::string &text) {
		return parse_omd_config(args, text, "omd.conf");
	};
	const OmdConfigResult defaults = parse({}, "");
	REQUIRE(std::holds_alternative<OmdConfig>(defaults));
	CHECK_FALSE(std::get<OmdConfig>(defaults).discover_address);
	CHECK(std::get<OmdConfig>(defaults).discover_group == ip("239.255.46.60"));

	const OmdConfigResult set = parse({"--discover", "--discover-group", "224.0.0.146"},
					  "discover-address = 10.0.0.7\ndiscover-group = 239.1.2.3\n");
	REQUIRE(std::holds_alternative<OmdConfig>(set));
	const OmdConfig &c = std::get<OmdConfig>(set);
	CHECK(c.discover);
	CHECK(c.discover_address == ip("10.0.0.7"));
	CHECK(c.discover_group == ip("224.0.0.146"));

	const OmdConfigResult bad = parse({"--discover-group", "10.0.0.1"},
					  "discover-address = fd00::7\n"
					  "discover-address = 10.0.0.7\n"
					  "discover-group = 224.0.1.1\n");
	REQUIRE(std::holds_alternative<std::vector<ConfigError>>(bad));
	std::vector<std::string> errors;
	for (const ConfigError &e : std::get<std::vector<ConfigError>>(bad))
		errors.push_back(e.to_string());
	REQUIRE(errors.size() == 4);
	CHECK_THAT(errors[0], ContainsSubstring("--discover-group must be an IPv4 multicast group in "
						"239.0.0.0/8 or 224.0.0.0/24"));
	CHECK_THAT(errors[1], ContainsSubstring("omd.conf:1: discover-address must be this node's "
						"IPv4 address"));
	CHECK_THAT(errors[2], ContainsSubstring("omd.conf:2: discover-address is set again"));
	CHECK_THAT(errors[3], ContainsSubstring("omd.conf:3: discover-group must be"));

	const OmdConfigResult loopback = parse({"--discover-address", "127.0.0.1"}, "");
	REQUIRE(std::holds_alternative<std::vector<ConfigError>>(loopback));
	CHECK_THAT(std::get<std::vector<ConfigError>>(loopback).front().message,
		   ContainsSubstring("cannot be 127.0.0.1: it is a loopback address"));
}
