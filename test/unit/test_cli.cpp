// omctl's commands end to end against FakeKernel: exit statuses, output,
// and what reaches the kernel.
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <nlohmann/json.hpp>

#include "omctl_harness.hpp"
#include "test_util.hpp"

using namespace om;
using namespace om::test;
using Catch::Matchers::ContainsSubstring;
using Catch::Matchers::StartsWith;

TEST_CASE("cli: usage errors exit 2 with a hint to --help", "[cli]")
{
	Omctl omctl;
	struct Case {
		std::vector<std::string> args;
		std::string err;
	};
	const Case cases[] = {
		{{}, "omctl: missing command, one of: map, status, nodes, whois, isup, set, keygen, "
		     "select\nomctl: try 'omctl --help'\n"},
		{{"bogus"}, "omctl: unknown command 'bogus'\nomctl: try 'omctl --help'\n"},
		{{"--bogus"}, "omctl: unrecognised option '--bogus'\nomctl: try 'omctl --help'\n"},
		{{"map"}, "omctl: map: missing command, one of: load, show, clear\n"
			  "omctl: try 'omctl map --help'\n"},
		{{"map", "bogus"}, "omctl: map: unknown command 'bogus'\nomctl: try 'omctl map --help'\n"},
		{{"map", "-x"}, "omctl: map: unknown option '-x'\nomctl: try 'omctl map --help'\n"},
		{{"map", "show", "--js"}, "omctl: map show: unrecognised option '--js'\n"
					  "omctl: try 'omctl map show --help'\n"},
		{{"map", "load", "a", "b"}, "omctl: map load: too many positional options have been "
					    "specified on the command line\n"
					    "omctl: try 'omctl map load --help'\n"},
		{{"map", "clear", "now"}, "omctl: map clear: too many positional options have been "
					  "specified on the command line\n"
					  "omctl: try 'omctl map clear --help'\n"},
		{{"status", "--json", "x"}, "omctl: status: too many positional options have been "
					    "specified on the command line\n"
					    "omctl: try 'omctl status --help'\n"},
		{{"set", "node-id"}, "omctl: set node-id: missing ID: give a node id 1..65535 or auto\n"
				     "omctl: try 'omctl set node-id --help'\n"},
		{{"set", "node-id", "0"}, "omctl: set node-id: '0' is no node id: use 1..65535 or auto\n"
					  "omctl: try 'omctl set node-id --help'\n"},
		{{"set", "node-id", "65536"}, "omctl: set node-id: '65536' is no node id: use 1..65535 "
					      "or auto\nomctl: try 'omctl set node-id --help'\n"},
		{{"set", "node-id", "3x"}, "omctl: set node-id: '3x' is no node id: use 1..65535 or "
					   "auto\nomctl: try 'omctl set node-id --help'\n"},
		{{"set", "hostname", "x"}, "omctl: set: unknown command 'hostname'\n"
					   "omctl: try 'omctl set --help'\n"},
		{{"nodes", "x"}, "omctl: nodes: too many positional options have been specified on "
				 "the command line\nomctl: try 'omctl nodes --help'\n"},
		{{"whois"}, "omctl: whois: missing ID, ADDRESS or HOSTNAME\n"
			    "omctl: try 'omctl whois --help'\n"},
		{{"whois", "0"}, "omctl: whois: '0' is no node id: use 1..65535\n"
				 "omctl: try 'omctl whois --help'\n"},
		{{"whois", "65536"}, "omctl: whois: '65536' is no node id: use 1..65535\n"
				     "omctl: try 'omctl whois --help'\n"},
		{{"isup"}, "omctl: isup: missing ID: give a node id 1..65535\n"
			   "omctl: try 'omctl isup --help'\n"},
		{{"isup", "node1"}, "omctl: isup: 'node1' is no node id: use 1..65535\n"
				    "omctl: try 'omctl isup --help'\n"},
		{{"isup", "1", "2"}, "omctl: isup: too many positional options have been specified "
				     "on the command line\nomctl: try 'omctl isup --help'\n"},
		{{"set", "quiet", "yes"}, "omctl: set quiet: too many positional options have been "
					  "specified on the command line\n"
					  "omctl: try 'omctl set quiet --help'\n"},
		{{"set", "nomfs", "now"}, "omctl: set nomfs: too many positional options have been "
					  "specified on the command line\n"
					  "omctl: try 'omctl set nomfs --help'\n"},
		{{"set", "speed"}, "omctl: set speed: missing N: use 1..100000000 (10000 is a "
				   "Pentium III at 1 GHz) or measured\n"
				   "omctl: try 'omctl set speed --help'\n"},
		{{"set", "speed", "0"}, "omctl: set speed: '0' is no speed: use 1..100000000 (10000 "
					"is a Pentium III at 1 GHz) or measured\n"
					"omctl: try 'omctl set speed --help'\n"},
		{{"set", "speed", "100000001"}, "omctl: set speed: '100000001' is no speed: use "
						"1..100000000 (10000 is a Pentium III at 1 GHz) or "
						"measured\nomctl: try 'omctl set speed --help'\n"},
		{{"set", "speed", "fast"}, "omctl: set speed: 'fast' is no speed: use 1..100000000 "
					   "(10000 is a Pentium III at 1 GHz) or measured\n"
					   "omctl: try 'omctl set speed --help'\n"},
		{{"select", "65536", "--", "sh"}, "omctl: select: '65536' is no node id: use "
						  "1..65535, or home (also 0 or none) to select "
						  "none\nomctl: try 'omctl select --help'\n"},
		{{"select", "-1", "--", "sh"}, "omctl: select: unrecognised option '-1'\n"
					       "omctl: try 'omctl select --help'\n"},
		{{"select", "node2", "--", "sh"}, "omctl: select: 'node2' is no node id: use "
						  "1..65535, or home (also 0 or none) to select "
						  "none\nomctl: try 'omctl select --help'\n"},
		{{"select", "00", "--", "sh"}, "omctl: select: '00' is no node id: use 1..65535, "
					       "or home (also 0 or none) to select none\n"
					       "omctl: try 'omctl select --help'\n"},
		{{"select", "", "--", "sh"}, "omctl: select: '' is no node id: use 1..65535, or "
					     "home (also 0 or none) to select none\n"
					     "omctl: try 'omctl select --help'\n"},
		{{"select", "2"}, "omctl: select: missing '-- COMMAND' after ID: omctl select ID -- "
				  "COMMAND [ARGS...]\nomctl: try 'omctl select --help'\n"},
		{{"select", "2", "--"}, "omctl: select: missing COMMAND after '--': omctl select ID "
					"-- COMMAND [ARGS...]\nomctl: try 'omctl select --help'\n"},
		{{"select", "--", "sh"}, "omctl: select: missing ID before '--': omctl select ID -- "
					 "COMMAND [ARGS...]\nomctl: try 'omctl select --help'\n"},
		{{"select", "2", "sh"}, "omctl: select: COMMAND goes after '--': omctl select ID -- "
					"COMMAND [ARGS...]\nomctl: try 'omctl select --help'\n"},
		{{"select", "2", "ls", "-l"}, "omctl: select: unrecognised option '-l'\n"
					      "omctl: try 'omctl select --help'\n"},
		{{"select", "--json", "2", "--", "sh"}, "omctl: select: --json prints the "
							"selection: it takes no ID\n"
							"omctl: try 'omctl select --help'\n"},
	};
	for (const Case &c : cases) {
		CAPTURE(c.args);
		CHECK(omctl(c.args) == cli::kUsage);
		CHECK(omctl.err.str() == c.err);
		CHECK(omctl.out.str().empty());
	}
	CHECK(omctl.kernel_opens == 0);
}

TEST_CASE("cli: every command has --help, which needs no kernel", "[cli]")
{
	Omctl omctl;
	const std::pair<std::vector<std::string>, std::string> cases[] = {
		{{"--help"}, "Usage: omctl [OPTIONS] COMMAND [ARGS]\n"},
		{{"-h"}, "Usage: omctl [OPTIONS] COMMAND [ARGS]\n"},
		{{"help"}, "Usage: omctl [OPTIONS] COMMAND [ARGS]\n"},
		{{"map", "--help"}, "Usage: omctl map COMMAND [ARGS]\n"},
		{{"map", "load", "--help"}, "Usage: omctl map load [FILE]\n"},
		{{"map", "show", "-h"}, "Usage: omctl map show [--json]\n"},
		{{"map", "clear", "--help"}, "Usage: omctl map clear\n"},
		{{"status", "--help"}, "Usage: omctl status [--json]\n"},
		{{"set", "--help"}, "Usage: omctl set COMMAND [ARGS]\n"},
		{{"set", "node-id", "--help"}, "Usage: omctl set node-id ID|auto\n"},
		{{"set", "quiet", "--help"}, "Usage: omctl set quiet\n"},
		{{"set", "noquiet", "--help"}, "Usage: omctl set noquiet\n"},
		{{"set", "nomfs", "--help"}, "Usage: omctl set nomfs\n"},
		{{"set", "mfs", "--help"}, "Usage: omctl set mfs\n"},
		{{"set", "norootsquash", "--help"}, "Usage: omctl set norootsquash\n"},
		{{"set", "rootsquash", "--help"}, "Usage: omctl set rootsquash\n"},
		{{"set", "speed", "--help"}, "Usage: omctl set speed N|measured\n"},
		{{"nodes", "--help"}, "Usage: omctl nodes [--json]\n"},
		{{"whois", "--help"}, "Usage: omctl whois ID|ADDRESS|HOSTNAME\n"},
		{{"isup", "--help"}, "Usage: omctl isup ID\n"},
		{{"select", "--help"}, "Usage: omctl select [ID -- COMMAND [ARGS...]]\n"},
	};
	for (const auto &[args, first_line] : cases) {
		CAPTURE(args);
		CHECK(omctl(args) == cli::kSuccess);
		CHECK_THAT(omctl.out.str(), StartsWith(first_line) && ContainsSubstring("--help"));
		CHECK(omctl.err.str().empty());
	}
	omctl({"--help"});
	for (const char *command : {"  map ", "  status ", "  nodes ", "  whois ", "  isup ", "  set ",
				    "  select ", "--version", "--verbose"})
		CHECK_THAT(omctl.out.str(), ContainsSubstring(command));
	CHECK(omctl.kernel_opens == 0);
}

TEST_CASE("cli: --version", "[cli]")
{
	Omctl omctl;
	CHECK(omctl({"--version"}) == cli::kSuccess);
	CHECK_THAT(omctl.out.str(), StartsWith("omctl ") && Catch::Matchers::EndsWith("\n"));
	CHECK(omctl.kernel_opens == 0);
}

TEST_CASE("cli: map load sends the map and says what it did", "[cli][map]")
{
	Omctl omctl;
	const std::string path = omctl.etc.write("cluster.map", kSeedAliasMap);
	CHECK(omctl({"map", "load", path}) == cli::kSuccess);
	CHECK(omctl.out.str() == "loaded 4 nodes from " + path + " (generation 1)\n");
	CHECK(omctl.err.str().empty());
	CHECK(omctl.kernel.get_map().map == parse_ok(kSeedAliasMap));
}

TEST_CASE("cli: map load with errors prints them all and sends nothing", "[cli][map]")
{
	Omctl omctl;
	const std::string path = omctl.etc.write("bad.map", "1 192.168.1.1 1\n"
							    "1 192.168.1.2 1\n"
							    "2 node9 1\n"
							    "3 192.168.1.250 10\n");
	CHECK(omctl({"map", "load", path}) == cli::kFailure);
	CHECK(omctl.err.str() ==
	      path + ":2:1: node 1 is already defined at " + path + ":1: node ids must be unique\n" +
	      path + ":3:3: cannot resolve host 'node9': Name or service not known: fix the name "
		     "or write its IP address\n" +
	      path + ":4:17: a range of 10 from 192.168.1.250 would end at 192.168.1.259, past the "
		     "last byte: use a COUNT of at most 6 or split the range\n"
		     "omctl: " + path + " has errors; the kernel's map was left as it was\n");
	CHECK(omctl.out.str().empty());
	CHECK(omctl.kernel_opens == 0);
	CHECK(omctl.kernel.set_map_calls == 0);
}

TEST_CASE("cli: map load without FILE searches openMosix's places", "[cli][map]")
{
	Omctl omctl;
	CHECK(omctl({"map", "load"}) == cli::kFailure);
	CHECK(omctl.err.str() == "omctl: no map file: looked for " + omctl.ctx.map_paths[0] + ", " +
					 omctl.ctx.map_paths[1] + ", " + omctl.ctx.map_paths[2] +
					 "; create " + omctl.ctx.map_paths[0] +
					 " or name the file to use\n");
	omctl.etc.write("hpc.map", "1 node1 1\n");
	omctl.etc.write("mosix.map", "1 node1 1\n2 node2 1\n");
	CHECK(omctl({"map", "load"}) == cli::kSuccess);
	CHECK(omctl.out.str() == "loaded 2 nodes from " + omctl.ctx.map_paths[1] + " (generation 1)\n");
}

TEST_CASE("cli: map load refuses an empty map and a file it cannot read", "[cli][map]")
{
	Omctl omctl;
	const std::string empty = omctl.etc.write("empty.map", "# nothing here\n");
	CHECK(omctl({"map", "load", empty}) == cli::kFailure);
	CHECK(omctl.err.str() == "omctl: " + empty + " defines no node; to empty the kernel's map, "
						      "run 'omctl map clear'\n");
	CHECK(omctl({"map", "load", omctl.etc.path("missing.map")}) == cli::kFailure);
	CHECK(omctl.err.str() == "omctl: cannot read map file " + omctl.etc.path("missing.map") +
					 ": No such file or directory\n");
	CHECK(omctl.kernel.set_map_calls == 0);
}

TEST_CASE("cli: what the kernel refuses is reported in its words", "[cli][map]")
{
	Omctl omctl;
	const std::string path = omctl.etc.write("four.map", "1 192.168.1.1 4\n");

	omctl.kernel.limit_nodes = 2;
	CHECK(omctl({"map", "load", path}) == cli::kFailure);
	CHECK(omctl.err.str() == "omctl: replacing the map failed: the map has more nodes than "
				 "OM_MAP_MAX_NODES\n");

	omctl.kernel.admin = false;
	CHECK(omctl({"map", "load", path}) == cli::kFailure);
	CHECK(omctl.err.str() == "omctl: permission denied: replacing the map needs CAP_NET_ADMIN "
				 "(run as root)\n");
	CHECK(omctl({"map", "clear"}) == cli::kFailure);
	CHECK(omctl({"set", "node-id", "1"}) == cli::kFailure);
	CHECK(omctl.err.str() == "omctl: permission denied: setting the node id needs CAP_NET_ADMIN "
				 "(run as root)\n");
	CHECK(omctl.out.str().empty());
}

TEST_CASE("cli: without the module every kernel command fails the same way", "[cli]")
{
	Omctl omctl;
	omctl.module_loaded = false;
	const std::string path = omctl.etc.write("one.map", "1 192.168.1.1 1\n");
	const std::vector<std::string> commands[] = {
		{"status"}, {"map", "show"}, {"map", "clear"}, {"map", "load", path},
		{"set", "node-id", "auto"}, {"nodes"}, {"whois", "1"}, {"whois", "node1"},
		{"isup", "1"}, {"set", "quiet"}, {"set", "nomfs"}, {"set", "norootsquash"},
		{"set", "speed", "measured"}};
	for (const auto &args : commands) {
		CAPTURE(args);
		CHECK(omctl(args) == cli::kFailure);
		CHECK(omctl.err.str() == "omctl: the kernel has no 'openmosix' generic netlink family: "
					 "the omcore module is not loaded (modprobe omcore)\n");
	}
}

TEST_CASE("cli: map show prints a table", "[cli][map]")
{
	Omctl omctl;
	omctl.kernel.local_addresses = {ip("192.168.10.10")};
	omctl.load(kSeedAliasMap);
	CHECK(omctl({"map", "show"}) == cli::kSuccess);
	CHECK(omctl.out.str() == "map generation 1, this node: 4 (from a local address in the map)\n"
				 "ID    ADDRESSES\n"
				 "1     192.168.1.1\n"
				 "2     192.168.1.2\n"
				 "3     192.168.1.3\n"
				 "4     192.168.1.4 192.168.10.10\n");
	CHECK(omctl.err.str().empty());
}

TEST_CASE("cli: map show --json", "[cli][map][json]")
{
	Omctl omctl;
	omctl.load(kSeedAliasMap);
	omctl.kernel.set_self(NodeId{2});
	CHECK(omctl({"map", "show", "--json"}) == cli::kSuccess);
	CHECK(omctl.out.str() ==
	      R"({"generation":1,"self":2,"nodes":[{"id":1,"addresses":["192.168.1.1"]},)"
	      R"({"id":2,"addresses":["192.168.1.2"]},{"id":3,"addresses":["192.168.1.3"]},)"
	      R"({"id":4,"addresses":["192.168.1.4","192.168.10.10"]}]})"
	      "\n");
}

TEST_CASE("cli: map show of an empty map", "[cli][map]")
{
	Omctl omctl;
	CHECK(omctl({"map", "show"}) == cli::kSuccess);
	CHECK(omctl.out.str() == "map generation 0, this node: unknown (no local address is in the map)\n"
				 "the map is empty\n");
	CHECK(omctl({"map", "show", "--json"}) == cli::kSuccess);
	CHECK(omctl.out.str() == "{\"generation\":0,\"self\":null,\"nodes\":[]}\n");
}

TEST_CASE("cli: map clear empties the kernel's map", "[cli][map]")
{
	Omctl omctl;
	omctl.load("1 192.168.1.1 4\n");
	CHECK(omctl({"map", "clear"}) == cli::kSuccess);
	CHECK(omctl.out.str() == "cleared the map (generation 2)\n");
	CHECK(omctl.kernel.get_map().map.empty());
}

TEST_CASE("cli: status", "[cli][status]")
{
	Omctl omctl;
	omctl.kernel.local_addresses = {ip("192.168.1.3")};
	omctl.load(kSeedAliasMap);
	CHECK(omctl({"status"}) == cli::kSuccess);
	CHECK(omctl.out.str() == "node id:         3 (from a local address in the map)\n"
				 "module version:  0.1.0\n"
				 "map:             4 nodes, 5 addresses, generation 1\n"
				 "limits:          4096 nodes, 8192 addresses\n"
				 "peers:           0 of 3 up\n"
				 "daemon:          not running (no load report since omcore loaded)\n"
				 "policy:          normal (sends its load to the peers)\n"
				 "speed:           measured by omd\n"
				 "files:           served (to /mfs of the other nodes)\n"
				 "root:            squashed (the other nodes' root is nobody here)\n");
	CHECK(omctl({"status", "--json"}) == cli::kSuccess);
	CHECK(omctl.out.str() ==
	      R"({"node_id":3,"self_source":"address","version":"0.1.0","map_generation":1,)"
	      R"("map_nodes":4,"map_addresses":5,"limits":{"nodes":4096,"addresses":8192},)"
	      R"("peers":3,"peers_up":0,"daemon":null,"quiet":false,"speed":null,)"
	      R"("mfs_served":true,"root_squash":true})"
	      "\n");
}

TEST_CASE("cli: status says why the node id is unknown", "[cli][status]")
{
	Omctl omctl;
	omctl.load(kSeedAliasMap);
	omctl({"status"});
	CHECK_THAT(omctl.out.str(), StartsWith("node id:         unknown (no local address is in the map)\n"));
	omctl.kernel.local_addresses = {ip("192.168.1.1"), ip("192.168.1.2")};
	omctl({"status", "--json"});
	const auto json = nlohmann::json::parse(omctl.out.str());
	CHECK(json["node_id"].is_null());
	CHECK(json["self_source"] == "ambiguous");
	omctl({"status"});
	CHECK_THAT(omctl.out.str(), StartsWith("node id:         unknown (local addresses of several "
					       "nodes are in the map: choose one with 'omctl set "
					       "node-id ID')\n"));
}

TEST_CASE("cli: set node-id, and back to auto", "[cli][set]")
{
	Omctl omctl;
	omctl.kernel.local_addresses = {ip("192.168.1.2")};
	omctl.load(kSeedAliasMap);
	CHECK(omctl({"set", "node-id", "65535"}) == cli::kSuccess);
	CHECK(omctl.out.str() == "this node's id: 65535 (set with 'omctl set node-id')\n");
	CHECK(omctl.kernel.status().self_source == SelfSource::Explicit);
	CHECK(omctl({"set", "node-id", "auto"}) == cli::kSuccess);
	CHECK(omctl.out.str() == "this node's id: 2 (from a local address in the map)\n");
}

TEST_CASE("cli: -v turns on debug logging, before or after the command", "[cli]")
{
	Omctl omctl;
	CHECK(omctl.log->level() == spdlog::level::info);
	CHECK(omctl({"-v", "status"}) == cli::kSuccess);
	CHECK(omctl.log->level() == spdlog::level::debug);
	omctl.log->set_level(spdlog::level::info);
	CHECK(omctl({"map", "show", "--verbose"}) == cli::kSuccess);
	CHECK(omctl.log->level() == spdlog::level::debug);
}
