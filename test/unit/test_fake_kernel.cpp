// The fake follows the contract, or the CLI tests would prove little.
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_exception.hpp>
#include <cerrno>

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
