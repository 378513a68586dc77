// The map syntax of openMosix, from the examples of its HOWTO (seed 001).
#include <catch2/catch_test_macros.hpp>

#include "test_util.hpp"
#include "uapi/linux/openmosix.h"

using namespace om;
using namespace om::test;

namespace {

const Map kFourNodes({node(1, {"192.168.1.1"}), node(2, {"192.168.1.2"}),
		      node(3, {"192.168.1.3"}), node(4, {"192.168.1.4"})});

} // namespace

TEST_CASE("seed: one line per node, by host name", "[parser][seed]")
{
	FakeResolver resolver{{"node1", "192.168.1.1"}, {"node2", "192.168.1.2"},
			      {"node3", "192.168.1.3"}, {"node4", "192.168.1.4"}};
	const Map map = parse_ok("1       node1   1\n"
				 "2       node2   1\n"
				 "3       node3   1\n"
				 "4       node4   1\n",
				 resolver);
	CHECK(map == kFourNodes);
}

TEST_CASE("seed: one line per node, by address", "[parser][seed]")
{
	CHECK(parse_ok("1       192.168.1.1     1\n"
		       "2       192.168.1.2     1\n"
		       "3       192.168.1.3     1\n"
		       "4       192.168.1.4     1\n") == kFourNodes);
}

TEST_CASE("seed: a range counts up the last byte and equals the lines", "[parser][seed]")
{
	CHECK(parse_ok("1       192.168.1.1     4\n") == kFourNodes);
}

TEST_CASE("seed: ALIAS gives node 4 a second interface", "[parser][seed]")
{
	const Map map = parse_ok("1       192.168.1.1     1\n"
				 "2       192.168.1.2     1\n"
				 "3       192.168.1.3     1\n"
				 "4       192.168.1.4     1\n"
				 "4       192.168.10.10   ALIAS\n");
	REQUIRE(map.nodes().size() == 4);
	CHECK(*map.find(4) == node(4, {"192.168.1.4", "192.168.10.10"}));
	CHECK(map.address_count() == 5);
}

TEST_CASE("ALIAS is COUNT 0, in any case, before or after its node", "[parser]")
{
	const Map expected({node(1, {"10.0.0.1", "10.1.0.1", "10.2.0.1", "10.3.0.1"})});
	CHECK(parse_ok("1 10.1.0.1 alias\n"
		       "1 10.0.0.1 1\n"
		       "1 10.2.0.1 0\n"
		       "1 10.3.0.1 Alias\n") == expected);
}

TEST_CASE("aliases of a range's nodes and by host name", "[parser]")
{
	FakeResolver resolver{{"node2-eth1", "10.9.0.2"}};
	const Map map = parse_ok("1 10.0.0.1 3\n2 node2-eth1 ALIAS\n", resolver);
	CHECK(*map.find(2) == node(2, {"10.0.0.2", "10.9.0.2"}));
}

TEST_CASE("nodes come out sorted by id, whatever the file order", "[parser]")
{
	const Map map = parse_ok("30 10.0.0.30 1\n1 10.0.0.1 2\n20 10.0.0.20 1\n");
	std::vector<NodeId> ids;
	for (const Node &n : map.nodes())
		ids.push_back(n.id);
	CHECK(ids == std::vector<NodeId>{1, 2, 20, 30});
}

TEST_CASE("IPv6 ranges count up the last 16 bits", "[parser][ipv6]")
{
	CHECK(parse_ok("1 2001:db8::1 3\n") ==
	      Map({node(1, {"2001:db8::1"}), node(2, {"2001:db8::2"}), node(3, {"2001:db8::3"})}));
	CHECK(parse_ok("10 2001:db8::ff 2\n") ==
	      Map({node(10, {"2001:db8::ff"}), node(11, {"2001:db8::100"})}));
	CHECK(parse_ok("1 fd00::fffe 2\n") == Map({node(1, {"fd00::fffe"}), node(2, {"fd00::ffff"})}));
}

TEST_CASE("IPv4 and IPv6 mix, also on one node", "[parser][ipv6]")
{
	CHECK(parse_ok("1 10.0.0.1 1\n1 2001:db8::1 ALIAS\n2 2001:db8::2 1\n") ==
	      Map({node(1, {"10.0.0.1", "2001:db8::1"}), node(2, {"2001:db8::2"})}));
}

TEST_CASE("comments, blank lines, tabs and CRLF", "[parser]")
{
	CHECK(parse_ok("# the cluster\n"
		       "\n"
		       "   \t \n"
		       "1\t192.168.1.1\t2   # the first two\n"
		       "\t3 192.168.1.3 1#no space before the comment\n"
		       "# 9 10.0.0.9 1\n"
		       "4 192.168.1.4 1\r\n"
		       "   # indented comment") == kFourNodes);
}

TEST_CASE("a file without nodes is an empty map", "[parser]")
{
	CHECK(parse_ok("").empty());
	CHECK(parse_ok("# nothing yet\n\n").empty());
}

TEST_CASE("each host name is looked up once", "[parser]")
{
	FakeResolver resolver{{"node1", "10.0.0.1"}};
	parse_errors("1 node1 1\n2 node1 1\n3 node1 1\n", resolver);
	CHECK(resolver.lookups == 1);
}

TEST_CASE("the limits can be reached exactly", "[parser][limits]")
{
	std::string text;
	for (int i = 0; i < 16; ++i)	// 16 x 256 = OM_MAP_MAX_NODES
		text += std::to_string(i * 256 + 1) + " 10.0." + std::to_string(i) + ".0 256\n";
	for (int id = 1; id <= 4096; ++id)	// one alias each: OM_MAP_MAX_ADDRS
		text += std::to_string(id) + " 10.1." + std::to_string(id / 256) + "." +
			std::to_string(id % 256) + " ALIAS\n";
	const Map map = parse_ok(text);
	CHECK(map.nodes().size() == OM_MAP_MAX_NODES);
	CHECK(map.address_count() == OM_MAP_MAX_ADDRS);
}

TEST_CASE("a node can have OM_NODE_MAX_ADDRS addresses", "[parser][limits]")
{
	std::string text = "1 10.0.0.1 1\n";
	for (int k = 1; k < OM_NODE_MAX_ADDRS; ++k)
		text += "1 10.0.1." + std::to_string(k) + " ALIAS\n";
	CHECK(parse_ok(text).find(1)->addresses.size() == OM_NODE_MAX_ADDRS);
}
