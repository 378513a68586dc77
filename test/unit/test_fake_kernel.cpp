// The fake follows the contract, or the CLI tests would prove little.
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_exception.hpp>
#include <cerrno>
#include <fmt/format.h>

#include "fake_kernel.hpp"
#include "test_util.hpp"

using namespace om;
using namespace om::test;
using Catch::Matchers::Message;

namespace {

void check_refused(FakeKernel &kernel, const Map &map, const std::string &sentence)
{
	CHECK_THROWS_MATCHES(kernel.set_map(map), KernelError, Message(sentence));
	CHECK(kernel.get_map().map.empty());
}

} // namespace

TEST_CASE("fake: the node id comes from local addresses unless set", "[fake]")
{
	FakeKernel kernel;
	kernel.set_map(Map({node(1, {"10.0.0.1"}), node(2, {"10.0.0.2", "10.1.0.2"})}));
	CHECK(kernel.status().self_source == SelfSource::None);
	kernel.local_addresses = {ip("10.1.0.2")};
	CHECK(kernel.status().node_id == NodeId{2});
	CHECK(kernel.status().self_source == SelfSource::FromAddress);
	kernel.local_addresses.insert(ip("10.0.0.1"));
	CHECK_FALSE(kernel.status().node_id);
	CHECK(kernel.status().self_source == SelfSource::Ambiguous);
	kernel.set_self(NodeId{7});
	CHECK(kernel.status().node_id == NodeId{7});
	CHECK(kernel.status().self_source == SelfSource::Explicit);
	kernel.set_self(std::nullopt);
	CHECK(kernel.status().self_source == SelfSource::Ambiguous);
}

TEST_CASE("fake: every accepted map bumps the generation", "[fake]")
{
	FakeKernel kernel;
	kernel.set_map(Map({node(1, {"10.0.0.1"})}));
	kernel.set_map(Map{});
	CHECK(kernel.get_map() == MapSnapshot{2, Map{}});
	CHECK(kernel.status().map_generation == 2);
}

TEST_CASE("fake: maps that break the rules are refused whole, as omcore words it", "[fake]")
{
	FakeKernel kernel;
	const std::string failed = "replacing the map failed: ";
	check_refused(kernel, Map({node(1, {"10.0.0.1"}), node(1, {"10.0.0.2"})}),
		      failed + "a node id appears twice in the map");
	check_refused(kernel, Map({node(1, {"10.0.0.1"}), node(2, {"10.0.0.1"})}),
		      failed + "an address appears twice in the map");
	check_refused(kernel, Map({node(1, {"127.0.0.1"})}),
		      failed + "not an address a peer can be reached at (0.0.0.0/8, multicast, "
			       "broadcast, loopback, link-local, :: or IPv4-mapped)");
	check_refused(kernel, Map({node(1, {})}),
		      failed + "a node needs at least one address (at node 1)");
	Node crowded{3, {}};
	for (int i = 1; i <= OM_NODE_MAX_ADDRS + 1; ++i)
		crowded.addresses.push_back(ip("10.0.0." + std::to_string(i)));
	check_refused(kernel, Map({crowded}),
		      failed + "too many addresses for one node (limit OM_NODE_MAX_ADDRS) (at node 3 "
			       "address 10.0.0.17)");
	kernel.limit_nodes = 1;
	check_refused(kernel, Map({node(1, {"10.0.0.1"}), node(2, {"10.0.0.2"})}),
		      failed + "the map has more nodes than OM_MAP_MAX_NODES");
}

TEST_CASE("fake: changes need CAP_NET_ADMIN", "[fake]")
{
	FakeKernel kernel;
	kernel.admin = false;
	CHECK_THROWS_MATCHES(kernel.set_self(NodeId{1}), KernelError,
			     Message("permission denied: setting the node id needs CAP_NET_ADMIN "
				     "(run as root)"));
	try {
		kernel.set_map(Map{});
	} catch (const KernelError &e) {
		CHECK(e.error() == EPERM);
	}
	CHECK(kernel.status().map_generation == 0);
}

namespace {

const LoadReport kLoad{.load = 500, .cpus = 2, .speed = 10000, .util = 250,
		       .mem_total = 1000, .mem_free = 1000, .uptime = 5};

std::string refusal(const std::function<void()> &f)
{
	try {
		f();
	} catch (const KernelError &e) {
		return e.what();
	}
	return "";
}

} // namespace

TEST_CASE("fake: load reports outside the contract's ranges are refused", "[fake]")
{
	using std::chrono::milliseconds;
	FakeKernel kernel;
	const auto report = [&](auto change, milliseconds interval = milliseconds(1000)) {
		LoadReport l = kLoad;
		change(l);
		return refusal([&] { kernel.set_load(l, interval); });
	};
	const std::string failed = "reporting the load failed: ";
	CHECK(report([](LoadReport &l) { l.cpus = 0; }) == failed + "integer out of range (at cpus 0)");
	CHECK(report([](LoadReport &l) { l.cpus = OM_LOAD_MAX_CPUS + 1; }) ==
	      failed + "integer out of range (at cpus 65537)");
	CHECK(report([](LoadReport &l) { l.speed = 0; }) == failed + "integer out of range (at speed 0)");
	CHECK(report([](LoadReport &l) { l.util = 1001; }) ==
	      failed + "integer out of range (at util 1001)");
	CHECK(report([](LoadReport &) {}, milliseconds(99)) ==
	      failed + "integer out of range (at interval 99 ms)");
	CHECK(report([](LoadReport &) {}, milliseconds(60001)) ==
	      failed + "integer out of range (at interval 60001 ms)");
	CHECK(report([](LoadReport &l) { l.mem_free = 1001; }) ==
	      failed + "free memory exceeds the total (at mem_free 1001)");
	CHECK_FALSE(kernel.status().daemon_pid);
	CHECK(report([](LoadReport &) {}).empty());
	CHECK(kernel.load == kLoad);
	const Status s = kernel.status();
	CHECK(s.daemon_pid == kernel.caller_pid);
	CHECK(s.load_interval == milliseconds(1000));
}

TEST_CASE("fake: policy changes follow omcore's rules", "[fake]")
{
	FakeKernel kernel;
	const std::string failed = "changing this node's policy failed: ";
	const auto change = [&](PolicyChange c) { return refusal([&] { kernel.set_policy(c); }); };
	// The first bit past __OM_POLICY_ALL, whose flags are contiguous.
	constexpr std::uint32_t all = __OM_POLICY_ALL;
	constexpr std::uint32_t reserved = all + 1;
	static_assert((all & reserved) == 0 && (reserved & (reserved - 1)) == 0);
	CHECK(change({.set = reserved, .mask = reserved, .speed = std::nullopt}) ==
	      failed + fmt::format("reserved bit set (at policy {:#x})", reserved));
	CHECK(change({.set = 0, .mask = all | reserved, .speed = std::nullopt}) ==
	      failed + fmt::format("reserved bit set (at policy mask {:#x})", all | reserved));
	CHECK(change({.set = 1, .mask = 0, .speed = std::nullopt}) ==
	      failed + "OM_A_POLICY sets a flag that OM_A_POLICY_MASK leaves out (at policy 0x1)");
	CHECK(change({.set = 0, .mask = 0, .speed = OM_LOAD_MAX_SPEED + 1}) ==
	      failed + "integer out of range (at speed 100000001)");
	CHECK(change({.set = 0, .mask = 0, .speed = std::nullopt}) ==
	      failed + "nothing to change: give OM_A_POLICY and OM_A_POLICY_MASK, or OM_A_SPEED");
	CHECK(kernel.status().policy == 0);
	CHECK(change({.set = 1, .mask = 1, .speed = 7}).empty());
	CHECK(kernel.status().policy == OM_POLICY_QUIET);
	CHECK(kernel.status().speed == 7u);
	// The speed alone leaves the flags, and 0 goes back to the measured one.
	CHECK(change({.set = 0, .mask = 0, .speed = 0}).empty());
	CHECK(kernel.status().policy == OM_POLICY_QUIET);
	CHECK_FALSE(kernel.status().speed);
	// omfs's flags: each changes alone, as its mask says.
	CHECK(change({.set = OM_POLICY_NOMFS | OM_POLICY_NOROOTSQUASH,
		      .mask = OM_POLICY_NOMFS | OM_POLICY_NOROOTSQUASH, .speed = std::nullopt})
		      .empty());
	CHECK(kernel.status().policy == all);
	CHECK(change({.set = 0, .mask = OM_POLICY_NOMFS, .speed = std::nullopt}).empty());
	CHECK(kernel.status().policy == (OM_POLICY_QUIET | OM_POLICY_NOROOTSQUASH));
}

TEST_CASE("fake: the view has every node of the map, this one from its own reports", "[fake]")
{
	FakeKernel kernel;
	kernel.set_map(Map({node(1, {"10.0.0.1"}), node(2, {"10.0.0.2", "10.1.0.2"}),
			    node(3, {"10.0.0.3"})}));
	kernel.local_addresses = {ip("10.0.0.1")};
	NodeInfo two;
	two.id = 2;
	two.up = false;
	two.load = kLoad;	// omcore drops the load of a node that is down
	NodeInfo nine;
	nine.id = 9;		// not in the map: not in the view
	nine.up = true;
	kernel.peers = {two, nine};
	ClusterView view = kernel.get_nodes();
	CHECK(view.generation == 1);
	REQUIRE(view.nodes.size() == 3);
	CHECK(view.nodes[0].self);
	CHECK(view.nodes[0].up);
	CHECK_FALSE(view.nodes[0].load);
	CHECK(view.nodes[1].address == ip("10.0.0.2"));
	CHECK_FALSE(view.nodes[1].load);
	CHECK_FALSE(view.nodes[2].up);
	CHECK_FALSE(view.nodes[2].last_seen);
	CHECK(kernel.status().peers_up == 0);

	kernel.set_load(kLoad, std::chrono::seconds(1));
	kernel.set_policy({.set = 0, .mask = 0, .speed = 30000});
	view = kernel.get_nodes();
	REQUIRE(view.nodes[0].load);
	CHECK(view.nodes[0].load->speed == 30000);
}

TEST_CASE("fake: load and policy need CAP_NET_ADMIN", "[fake]")
{
	FakeKernel kernel;
	kernel.admin = false;
	CHECK(refusal([&] { kernel.set_load(kLoad, std::chrono::seconds(1)); }) ==
	      "permission denied: reporting the load needs CAP_NET_ADMIN (run as root)");
	CHECK(error_of([&] { kernel.set_policy({.set = 1, .mask = 1, .speed = std::nullopt}); }) ==
	      EPERM);
	CHECK_FALSE(kernel.load);
	CHECK(kernel.status().policy == 0);
}
