// Every error the map parser reports, with the exact place and wording.
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_vector.hpp>

#include "test_util.hpp"
#include "uapi/linux/openmosix.h"

using namespace om;
using namespace om::test;
using Lines = std::vector<std::string>;

namespace {

// OM_MAP_MAX_NODES nodes 1..4096 at 10.0.0.0 .. 10.0.15.255, in 16 lines.
std::string full_map()
{
	std::string text;
	for (int i = 0; i < 16; ++i)
		text += std::to_string(i * 256 + 1) + " 10.0." + std::to_string(i) + ".0 256\n";
	return text;
}

} // namespace

TEST_CASE("bad node ids", "[parser][errors]")
{
	CHECK(parse_errors("x 10.0.0.1 1") ==
	      Lines{"test.map:1:1: node id 'x' is not a number: use 1..65535"});
	CHECK(parse_errors("0 10.0.0.1 1") ==
	      Lines{"test.map:1:1: node id 0 is out of range: use 1..65535"});
	CHECK(parse_errors("  65536 10.0.0.1 1") ==
	      Lines{"test.map:1:3: node id 65536 is out of range: use 1..65535"});
	CHECK(parse_errors("-3 10.0.0.1 1") ==
	      Lines{"test.map:1:1: node id -3 is out of range: use 1..65535"});
	CHECK(parse_errors("99999999999999999999999 10.0.0.1 1") ==
	      Lines{"test.map:1:1: node id 99999999999999999999... is out of range: use 1..65535"});
	CHECK(parse_errors("1\x01 10.0.0.1 1") ==
	      Lines{"test.map:1:1: node id '1\\x01' is not a number: use 1..65535"});
}

TEST_CASE("an id range past 65535", "[parser][errors]")
{
	CHECK(parse_errors("65534 10.0.0.1 4") ==
	      Lines{"test.map:1:16: nodes 65534..65537 would go past the last node id 65535: "
		    "use a COUNT of at most 2"});
}

TEST_CASE("bad counts", "[parser][errors]")
{
	CHECK(parse_errors("1 10.0.0.1 x") ==
	      Lines{"test.map:1:12: COUNT 'x' is not a number: use 1 or more for that many "
		    "nodes, or ALIAS for one more address of node ID"});
	CHECK(parse_errors("1 10.0.0.1 -1") ==
	      Lines{"test.map:1:12: COUNT -1 is negative: use 1 or more for that many nodes, "
		    "or ALIAS for one more address of node ID"});
	CHECK(parse_errors("1 10.0.0.1 5000") ==
	      Lines{"test.map:1:12: COUNT 5000 is too large: a map holds at most 4096 nodes"});
}

TEST_CASE("a range past the last byte or the last 16 bits", "[parser][errors]")
{
	CHECK(parse_errors("1 192.168.1.250 10") ==
	      Lines{"test.map:1:17: a range of 10 from 192.168.1.250 would end at "
		    "192.168.1.259, past the last byte: use a COUNT of at most 6 or split the range"});
	CHECK(parse_errors("1 2001:db8::fffe 3") ==
	      Lines{"test.map:1:18: a range of 3 from 2001:db8::fffe would need 0x10000 in "
		    "the last 16 bits, past 0xffff: use a COUNT of at most 2 or split the range"});
}

TEST_CASE("duplicate node ids name the first definition", "[parser][errors]")
{
	CHECK(parse_errors("1 10.0.0.1 1\n1 10.0.0.2 1") ==
	      Lines{"test.map:2:1: node 1 is already defined at test.map:1: node ids must be unique"});
	CHECK(parse_errors("1 10.0.0.1 4\n\n3 10.0.1.3 1") ==
	      Lines{"test.map:3:1: node 3 is already defined at test.map:1: node ids must be unique"});
	CHECK(parse_errors("3 10.0.1.3 1\n1 10.0.0.1 4") ==
	      Lines{"test.map:2:1: node 3 (of nodes 1..4) is already defined at test.map:1: "
		    "node ids must be unique"});
}

TEST_CASE("an address used twice names its node and line", "[parser][errors]")
{
	CHECK(parse_errors("1 10.0.0.1 1\n2 10.0.0.1 1") ==
	      Lines{"test.map:2:3: address 10.0.0.1 is already used by node 1 at test.map:1: "
		    "an address belongs to one node"});
	CHECK(parse_errors("1 10.0.0.1 1\n5 10.0.0.0 4") ==
	      Lines{"test.map:2:3: address 10.0.0.1 (node 6 of this line) is already used by "
		    "node 1 at test.map:1: an address belongs to one node"});
	CHECK(parse_errors("1 10.0.0.1 1\n2 10.0.0.2 1\n2 10.0.0.1 ALIAS") ==
	      Lines{"test.map:3:3: address 10.0.0.1 is already used by node 1 at test.map:1: "
		    "an address belongs to one node"});
	// The first in the file wins, even when it is an alias.
	CHECK(parse_errors("2 10.0.0.9 ALIAS\n1 10.0.0.9 1\n2 10.0.0.2 1") ==
	      Lines{"test.map:2:3: address 10.0.0.9 is already used by node 2 at test.map:1: "
		    "an address belongs to one node"});
	FakeResolver resolver{{"node1", "10.0.0.1"}};
	CHECK(parse_errors("1 10.0.0.1 1\n2 node1 1", resolver) ==
	      Lines{"test.map:2:3: address 10.0.0.1 (from 'node1') is already used by node 1 "
		    "at test.map:1: an address belongs to one node"});
}

TEST_CASE("ALIAS for a node no line defines", "[parser][errors]")
{
	CHECK(parse_errors("1 10.0.0.1 1\n9 10.0.0.9 ALIAS") ==
	      Lines{"test.map:2:1: ALIAS for node 9, which no line defines: add a line "
		    "'9 ADDRESS 1' or fix the id"});
	// A line that meant to define the node has its own error; no second one.
	CHECK(parse_errors("9 nosuchhost 1\n9 10.0.0.9 ALIAS") ==
	      Lines{"test.map:1:3: cannot resolve host 'nosuchhost': Name or service not known: "
		    "fix the name or write its IP address"});
}

TEST_CASE("missing and extra fields", "[parser][errors]")
{
	CHECK(parse_errors("1 10.0.0.1") ==
	      Lines{"test.map:1:11: missing COUNT: a line is 'ID HOST COUNT', with COUNT 1 for "
		    "one node or ALIAS for another address of node ID"});
	CHECK(parse_errors("\n  1  # just an id") ==
	      Lines{"test.map:2:4: missing HOST and COUNT: a line is 'ID HOST COUNT'"});
	CHECK(parse_errors("1 10.0.0.1 1 x y") ==
	      Lines{"test.map:1:14: unexpected 4th field 'x': a line is 'ID HOST COUNT' and "
		    "comments start with '#'"});
}

TEST_CASE("host names that cannot be resolved", "[parser][errors]")
{
	CHECK(parse_errors("1 nosuchhost 1") ==
	      Lines{"test.map:1:3: cannot resolve host 'nosuchhost': Name or service not known: "
		    "fix the name or write its IP address"});
}

TEST_CASE("text that is neither an address nor a host name", "[parser][errors]")
{
	CHECK(parse_errors("1 192.168.1.300 1") ==
	      Lines{"test.map:1:3: '192.168.1.300' is not a valid IPv4 address: write four "
		    "numbers 0..255 separated by dots"});
	CHECK(parse_errors("1 10.1 1") ==
	      Lines{"test.map:1:3: '10.1' is not a valid IPv4 address: write four numbers "
		    "0..255 separated by dots"});
	CHECK(parse_errors("1 2001:db8::g 1") ==
	      Lines{"test.map:1:3: '2001:db8::g' is not a valid IPv6 address"});
	CHECK(parse_errors("1 host/x 1") ==
	      Lines{"test.map:1:3: 'host/x' is neither an IP address nor a host name"});
	CHECK(parse_errors("1 0x7f.1 1") ==
	      Lines{"test.map:1:3: '0x7f.1' is an abbreviated IPv4 address: write four decimal "
		    "numbers separated by dots"});
}

TEST_CASE("a range needs an address, not a host name", "[parser][errors]")
{
	FakeResolver resolver{{"node1", "10.0.0.1"}};
	CHECK(parse_errors("1 node1 4", resolver) ==
	      Lines{"test.map:1:3: a range of 4 nodes counts up from an IP address, not from "
		    "the host name 'node1': write node 1's address"});
	CHECK(resolver.lookups == 0);
}

TEST_CASE("addresses no node can have", "[parser][errors]")
{
	const std::string tail = ": a node needs a unicast address the other nodes can reach";
	CHECK(parse_errors("1 0.0.0.0 1") ==
	      Lines{"test.map:1:3: 0.0.0.0 is the unspecified address" + tail});
	CHECK(parse_errors("1 0.0.0.1 1") ==
	      Lines{"test.map:1:3: 0.0.0.1 is in 0.0.0.0/8, which names no host" + tail});
	CHECK(parse_errors("1 127.0.0.1 1") ==
	      Lines{"test.map:1:3: 127.0.0.1 is a loopback address" + tail});
	CHECK(parse_errors("1 224.0.0.1 1") ==
	      Lines{"test.map:1:3: 224.0.0.1 is a multicast address" + tail});
	CHECK(parse_errors("1 255.255.255.255 1") ==
	      Lines{"test.map:1:3: 255.255.255.255 is the broadcast address" + tail});
	CHECK(parse_errors("1 :: 1") == Lines{"test.map:1:3: :: is the unspecified address" + tail});
	CHECK(parse_errors("1 ::1 1") == Lines{"test.map:1:3: ::1 is the loopback address" + tail});
	CHECK(parse_errors("1 fe80::1 1") ==
	      Lines{"test.map:1:3: fe80::1 is a link-local address, which names no host beyond "
		    "its link" + tail});
	CHECK(parse_errors("1 ff02::1 1") ==
	      Lines{"test.map:1:3: ff02::1 is a multicast address" + tail});
	CHECK(parse_errors("1 255.255.255.254 2") ==
	      Lines{"test.map:1:3: 255.255.255.255 (node 2 of this line) is the broadcast address" +
		    tail});
	CHECK(parse_errors("1 10.0.0.1 1\n1 239.1.1.1 ALIAS") ==
	      Lines{"test.map:2:3: 239.1.1.1 is a multicast address" + tail});
	FakeResolver resolver{{"mcast", "239.1.1.1"}, {"localhost", "127.0.0.1"}};
	CHECK(parse_errors("1 mcast 1\n2 localhost 1", resolver) ==
	      Lines{"test.map:1:3: 239.1.1.1 (from 'mcast') is a multicast address" + tail,
		    "test.map:2:3: 127.0.0.1 (from 'localhost') is a loopback address" + tail});
}

TEST_CASE("an IPv4-mapped address is to be written as IPv4", "[parser][errors]")
{
	CHECK(parse_errors("1 10.0.0.1 1\n2 ::ffff:10.0.0.2 1") ==
	      Lines{"test.map:2:3: ::ffff:10.0.0.2 is an IPv4-mapped address: write it as 10.0.0.2"});
}

TEST_CASE("more than OM_MAP_MAX_NODES nodes", "[parser][errors][limits]")
{
	CHECK(parse_errors(full_map() + "4097 10.1.0.1 1\n4098 10.1.0.2 1\n") ==
	      Lines{"test.map:17:1: this line brings the map to 4097 nodes: a map holds at most 4096"});
}

TEST_CASE("more than OM_NODE_MAX_ADDRS addresses on one node", "[parser][errors][limits]")
{
	std::string text = "1 10.0.0.1 1\n";
	for (int k = 1; k <= OM_NODE_MAX_ADDRS; ++k)
		text += "1 10.0.1." + std::to_string(k) + " ALIAS\n";
	CHECK(parse_errors(text) ==
	      Lines{"test.map:17:3: node 1 already has 16 addresses, the most one node can have"});
}

TEST_CASE("more than OM_MAP_MAX_ADDRS addresses", "[parser][errors][limits]")
{
	std::string text = full_map();
	for (int id = 1; id <= 4096; ++id)
		text += std::to_string(id) + " 10.1." + std::to_string(id / 256) + "." +
			std::to_string(id % 256) + " ALIAS\n";
	text += "1 12.0.0.1 ALIAS\n1 12.0.0.2 ALIAS\n";
	CHECK(parse_errors(text) ==
	      Lines{"test.map:4113:3: this line brings the map past 8192 addresses, the most "
		    "a map can hold"});
}

TEST_CASE("every error of a line, every line, in line order", "[parser][errors]")
{
	CHECK(parse_errors("x 0.0.0.0.0 y") ==
	      Lines{"test.map:1:1: node id 'x' is not a number: use 1..65535",
		    "test.map:1:3: '0.0.0.0.0' is not a valid IPv4 address: write four numbers "
		    "0..255 separated by dots",
		    "test.map:1:13: COUNT 'y' is not a number: use 1 or more for that many nodes, "
		    "or ALIAS for one more address of node ID"});
	// Found in different passes, reported by line.
	CHECK(parse_errors("1 10.0.0.1 1\n1 10.0.0.2 1\nx 10.0.0.3 1") ==
	      Lines{"test.map:2:1: node 1 is already defined at test.map:1: node ids must be unique",
		    "test.map:3:1: node id 'x' is not a number: use 1..65535"});
}

TEST_CASE("at most kMaxParseErrors errors, then a note", "[parser][errors]")
{
	std::string text;
	for (int i = 1; i <= 30; ++i)
		text += "x 10.0.0." + std::to_string(i) + " 1\n";
	const Lines errors = parse_errors(text);
	REQUIRE(errors.size() == kMaxParseErrors + 1);
	CHECK(errors[19] == "test.map:20:1: node id 'x' is not a number: use 1..65535");
	CHECK(errors[20] == "test.map:21:1: too many errors, stopping after 20; fix these first");
}
