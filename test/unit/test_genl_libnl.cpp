// GenlLibnl and exchange() against a real kernel. The openmosix family is
// not there on a build host, but nlctrl, the family that lists the others,
// always is; its command numbers mean other things, which exercises every
// way a request can fail.
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <array>
#include <cerrno>
#include <linux/genetlink.h>
#include <netlink/genl/genl.h>

#include "genl_libnl.hpp"
#include "test_util.hpp"
#include "nl_exchange.hpp"
#include "uapi/linux/openmosix.h"

using namespace om;
using om::test::error_of;
using Catch::Matchers::EndsWith;
using Catch::Matchers::StartsWith;

namespace {

void require_genl()
{
	try {
		open_genl_socket();
	} catch (const KernelError &e) {
		SKIP("no generic netlink here: " << e.what());
	}
}

Map map_of(std::size_t nodes)
{
	std::vector<Node> list;
	for (std::size_t i = 0; i < nodes; ++i)
		list.push_back(test::node(static_cast<NodeId>(i + 1), {"10.0.0.1"}));
	return Map(std::move(list));
}

NlMsgPtr getfamily(int flags)
{
	NlMsgPtr msg(nlmsg_alloc());
	REQUIRE(genlmsg_put(msg.get(), NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0, flags,
			    CTRL_CMD_GETFAMILY, 1));
	return msg;
}

} // namespace

TEST_CASE("a missing family means the module is not loaded", "[netlink]")
{
	require_genl();
	try {
		GenlLibnl kernel("omtest-nonexistent");
		FAIL("a family that does not exist was found");
	} catch (const KernelError &e) {
		CHECK(e.error() == ENOENT);
		CHECK(std::string(e.what()) ==
		      "the kernel has no 'omtest-nonexistent' generic netlink family: the omcore "
		      "module is not loaded (modprobe omcore)");
	}
}

TEST_CASE("a refused request reports the kernel's errno", "[netlink]")
{
	require_genl();
	GenlLibnl nlctrl("nlctrl");
	// OM_CMD_GET_STATUS, SET_MAP, SET_SELF are commands nlctrl does not have.
	CHECK(error_of([&] { nlctrl.status(); }) == EOPNOTSUPP);
	CHECK_THROWS_WITH(nlctrl.set_self(3), StartsWith("setting the node id failed: "));
	CHECK(error_of([&] { nlctrl.set_map(map_of(100)); }) == EOPNOTSUPP);
	CHECK(error_of([&] { nlctrl.set_map(Map{}); }) == EOPNOTSUPP);
}

TEST_CASE("load, policy and the cluster view reach the kernel as requests", "[netlink]")
{
	require_genl();
	GenlLibnl nlctrl("nlctrl");
	// Commands nlctrl does not have; the view is a dump, refused the same.
	const LoadReport load{.load = 1, .cpus = 1, .speed = 1, .util = 0, .mem_total = 1,
			      .mem_free = 0, .uptime = 0};
	CHECK_THROWS_WITH(nlctrl.set_load(load, std::chrono::seconds(1)),
			  StartsWith("reporting the load failed: "));
	CHECK_THROWS_WITH(nlctrl.set_policy({.set = 1, .mask = 1, .speed = 5}),
			  StartsWith("changing this node's policy failed: "));
	CHECK(error_of([&] { nlctrl.get_nodes(); }) == EOPNOTSUPP);
}

TEST_CASE("the largest map goes out as one request", "[netlink][limits]")
{
	require_genl();
	GenlLibnl nlctrl("nlctrl");
	// 256 KiB: nlctrl refuses the command, but only after it came through.
	std::vector<Node> nodes;
	for (std::uint32_t i = 0; i < OM_MAP_MAX_NODES; ++i) {
		Node n{static_cast<NodeId>(i + 1), {}};
		for (std::uint8_t k = 0; k < 2; ++k) {
			const std::array<std::uint8_t, 16> v6{0xfd, k, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
							      static_cast<std::uint8_t>(i >> 8),
							      static_cast<std::uint8_t>(i)};
			n.addresses.push_back(Address::from_bytes(v6).value());
		}
		nodes.push_back(std::move(n));
	}
	CHECK(error_of([&] { nlctrl.set_map(Map(std::move(nodes))); }) == EOPNOTSUPP);
}

TEST_CASE("a reply that breaks the contract fails, and the socket stays usable", "[netlink]")
{
	require_genl();
	GenlLibnl nlctrl("nlctrl");
	// OM_CMD_GET_MAP is CTRL_CMD_GETFAMILY: a dump of all families, in
	// messages that are no map.
	CHECK(error_of([&] { nlctrl.get_map(); }) == EPROTO);
	// The rest of that dump was read away: this answer is to this request.
	CHECK(error_of([&] { nlctrl.status(); }) == EOPNOTSUPP);
}

TEST_CASE("exchange() hands over a reply, then the ack", "[netlink]")
{
	require_genl();
	const NlSockPtr sock = open_genl_socket();
	const NlMsgPtr msg = getfamily(0);
	REQUIRE(nla_put_string(msg.get(), CTRL_ATTR_FAMILY_NAME, "nlctrl") == 0);
	int replies = 0;
	CHECK_FALSE(exchange(sock.get(), msg.get(), "looking up nlctrl", [&](nlmsghdr *) { ++replies; }));
	CHECK(replies == 1);
}

TEST_CASE("exchange() reads a dump to its end", "[netlink]")
{
	require_genl();
	const NlSockPtr sock = open_genl_socket();
	// Twice: the second dump must not see leftovers of the first.
	for (int round = 0; round < 2; ++round) {
		int replies = 0;
		exchange(sock.get(), getfamily(NLM_F_DUMP).get(), "listing families",
			 [&](nlmsghdr *) { ++replies; });
		CHECK(replies >= 1);
	}
}

TEST_CASE("the kernel's extended ack reaches the user, pointed at its attribute", "[netlink]")
{
	require_genl();
	const NlSockPtr sock = open_genl_socket();
	const NlMsgPtr msg = getfamily(0);
	// nlctrl's policy allows family names of at most GENL_NAMSIZ - 1 bytes.
	REQUIRE(nla_put_string(msg.get(), CTRL_ATTR_FAMILY_NAME, std::string(40, 'x').c_str()) == 0);
	Landmarks landmarks;
	landmarks.add(NLMSG_HDRLEN + GENL_HDRLEN, "the family name");
	try {
		exchange(sock.get(), msg.get(), "looking up a family", [](nlmsghdr *) {}, &landmarks);
		FAIL("the kernel took a family name of 40 bytes");
	} catch (const KernelError &e) {
		CHECK(e.error() == EINVAL);
		CHECK_FALSE(e.extack().empty());
		CHECK_THAT(e.what(), StartsWith("looking up a family failed: " + e.extack()) &&
					     EndsWith(" (at the family name)"));
	}
}
