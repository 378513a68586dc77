// The cluster view from the command line: 'omctl nodes', 'whois', 'isup',
// the status of peers and daemon, and 'set quiet|noquiet|speed', 'set
// nomfs|mfs' and 'set rootsquash|norootsquash', against FakeKernel.
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <nlohmann/json.hpp>

#include "omctl_harness.hpp"
#include "test_util.hpp"

using namespace om;
using namespace om::test;
using namespace std::chrono_literals;
using Catch::Matchers::ContainsSubstring;

namespace {

constexpr std::uint64_t kGiB = 1ull << 30;

const LoadReport kSelfLoad{.load = 500, .cpus = 1, .speed = 10000, .util = 250,
			   .mem_total = 4 * kGiB, .mem_free = 3 * kGiB / 2, .uptime = 3600};
const LoadReport kPeerLoad{.load = 1250, .cpus = 16, .speed = 250000, .util = 1000,
			   .mem_total = 64 * kGiB, .mem_free = 512ull << 20, .uptime = 60};

// The seed map seen from node 1: node 2 up and quiet, node 3 down since
// 12 s, node 4 never reached.
struct Cluster : Omctl {
	Cluster()
	{
		kernel.local_addresses = {ip("192.168.1.1")};
		load(kSeedAliasMap);
		kernel.set_load(kSelfLoad, 1s);
		kernel.daemon_age = 400ms;
		NodeInfo two;
		two.id = 2;
		two.up = true;
		two.last_seen = now - 300ms;
		two.flags = OM_POLICY_QUIET;
		two.load = kPeerLoad;
		two.load_age = 2500ms;
		NodeInfo three;
		three.id = 3;
		three.last_seen = now - 12s;
		kernel.peers = {two, three};
	}
};

} // namespace

TEST_CASE("cli nodes: a table of every node", "[cli][nodes]")
{
	Cluster omctl;
	CHECK(omctl({"nodes"}) == cli::kSuccess);
	CHECK(omctl.out.str() ==
	      "map generation 1, 2 of 4 nodes up\n"
	      "ID  ADDRESS      STATE      LOAD  CPUS   SPEED     FREE    TOTAL  UTIL  FLAGS  LAST SEEN\n"
	      "1   192.168.1.1  up (self)  0.50     1   10000  1.5 GiB  4.0 GiB   25%  -      now\n"
	      "2   192.168.1.2  up         1.25    16  250000  512 MiB   64 GiB  100%  quiet  now\n"
	      "3   192.168.1.3  down          -     -       -        -        -     -  -      12 s ago\n"
	      "4   192.168.1.4  down          -     -       -        -        -     -  -      never\n");
	CHECK(omctl.err.str().empty());
}

TEST_CASE("cli nodes --json: bytes, fractions, null for the unknown", "[cli][nodes][json]")
{
	Cluster omctl;
	CHECK(omctl({"nodes", "--json"}) == cli::kSuccess);
	const auto json = nlohmann::json::parse(omctl.out.str());
	CHECK(json["generation"] == 1);
	REQUIRE(json["nodes"].size() == 4);
	CHECK(json["nodes"][0].dump() ==
	      R"({"address":"192.168.1.1","cpus":1,"id":1,"last_seen":"2024-05-01T12:00:00.000Z",)"
	      R"("load":0.5,"load_age_ms":400,"mem_free":1610612736,"mem_total":4294967296,)"
	      R"("quiet":false,"self":true,"speed":10000,"state":"up","util":0.25})");
	CHECK(json["nodes"][1]["load"] == 1.25);
	CHECK(json["nodes"][1]["util"] == 1.0);
	CHECK(json["nodes"][1]["quiet"] == true);
	CHECK(json["nodes"][1]["last_seen"] == "2024-05-01T11:59:59.700Z");
	CHECK(json["nodes"][1]["load_age_ms"] == 2500);
	CHECK(json["nodes"][2]["state"] == "down");
	CHECK(json["nodes"][2]["last_seen"] == "2024-05-01T11:59:48.000Z");
	for (const char *key : {"load", "cpus", "speed", "mem_total", "mem_free", "util", "load_age_ms"})
		CHECK(json["nodes"][2][key].is_null());
	CHECK(json["nodes"][3]["last_seen"].is_null());
	// The keys in the documented order.
	CHECK_THAT(omctl.out.str(), Catch::Matchers::StartsWith(
					    R"({"nodes":[{"id":1,"address":"192.168.1.1","state":"up",)"
					    R"("self":true,"load":0.5,"cpus":1,"speed":10000,)"));
}

TEST_CASE("cli nodes: before omd reports, and of an empty map", "[cli][nodes]")
{
	Omctl omctl;
	CHECK(omctl({"nodes"}) == cli::kSuccess);
	CHECK(omctl.out.str() == "map generation 0\nthe map is empty\n");
	CHECK(omctl({"nodes", "--json"}) == cli::kSuccess);
	CHECK(omctl.out.str() == "{\"nodes\":[],\"generation\":0}\n");
	omctl.kernel.local_addresses = {ip("2001:db8::1")};
	omctl.load("1 2001:db8::1 2\n");
	CHECK(omctl({"nodes"}) == cli::kSuccess);
	CHECK(omctl.out.str() ==
	      "map generation 1, 1 of 2 nodes up\n"
	      "ID  ADDRESS      STATE      LOAD  CPUS  SPEED  FREE  TOTAL  UTIL  FLAGS  LAST SEEN\n"
	      "1   2001:db8::1  up (self)     -     -      -     -      -     -  -      now\n"
	      "2   2001:db8::2  down          -     -      -     -      -     -  -      never\n");
}

TEST_CASE("cli nodes: the speed set by hand replaces the measured one", "[cli][nodes]")
{
	Cluster omctl;
	CHECK(omctl({"set", "speed", "20000"}) == cli::kSuccess);
	omctl({"nodes", "--json"});
	CHECK(nlohmann::json::parse(omctl.out.str())["nodes"][0]["speed"] == 20000);
	CHECK(omctl({"set", "speed", "measured"}) == cli::kSuccess);
	omctl({"nodes", "--json"});
	CHECK(nlohmann::json::parse(omctl.out.str())["nodes"][0]["speed"] == 10000);
}

TEST_CASE("cli status: peers, daemon, policy, speed, files and root", "[cli][status]")
{
	Cluster omctl;
	CHECK(omctl({"status"}) == cli::kSuccess);
	CHECK(omctl.out.str() == "node id:         1 (from a local address in the map)\n"
				 "module version:  0.1.0\n"
				 "map:             4 nodes, 5 addresses, generation 1\n"
				 "limits:          4096 nodes, 8192 addresses\n"
				 "peers:           1 of 3 up\n"
				 "daemon:          omd pid 4242, last report 0.4 s ago, interval 1 s\n"
				 "policy:          normal (sends its load to the peers)\n"
				 "speed:           measured by omd\n"
				 "files:           served (to /mfs of the other nodes)\n"
				 "root:            squashed (the other nodes' root is nobody here)\n");
	CHECK(omctl({"status", "--json"}) == cli::kSuccess);
	CHECK_THAT(omctl.out.str(),
		   ContainsSubstring(R"("peers":3,"peers_up":1,"daemon":{"pid":4242,"age_ms":400,)"
				     R"("interval_ms":1000,"silent":false},"quiet":false,"speed":null,)"
				     R"("mfs_served":true,"root_squash":true})"));

	omctl.kernel.daemon_age = 12s;
	omctl({"set", "quiet"});
	omctl({"set", "speed", "15000"});
	omctl({"set", "nomfs"});
	CHECK(omctl({"status"}) == cli::kSuccess);
	CHECK_THAT(omctl.out.str(),
		   ContainsSubstring("daemon:          silent for 12 s (pid 4242)\n"
				     "policy:          quiet (sends no load information; 'omctl set "
				     "noquiet' resumes)\n"
				     "speed:           15000 (set with 'omctl set speed')\n"
				     "files:           not served (nomfs; 'omctl set mfs' resumes)\n"
				     "root:            squashed (the other nodes' root is nobody here)\n"));
	CHECK(omctl({"status", "--json"}) == cli::kSuccess);
	CHECK_THAT(omctl.out.str(),
		   ContainsSubstring(R"("daemon":{"pid":4242,"age_ms":12000,"interval_ms":1000,)"
				     R"("silent":true},"quiet":true,"speed":15000,"mfs_served":false,)"
				     R"("root_squash":true})"));

	omctl({"set", "mfs"});
	omctl({"set", "norootsquash"});
	CHECK(omctl({"status"}) == cli::kSuccess);
	CHECK_THAT(omctl.out.str(),
		   Catch::Matchers::EndsWith("files:           served (to /mfs of the other nodes)\n"
					     "root:            served as root (norootsquash; 'omctl "
					     "set rootsquash' squashes it)\n"));
	CHECK(omctl({"status", "--json"}) == cli::kSuccess);
	CHECK_THAT(omctl.out.str(), ContainsSubstring(R"("mfs_served":true,"root_squash":false})"));
}

TEST_CASE("cli status: peers are the other nodes of the map", "[cli][status]")
{
	Omctl omctl;
	omctl.load(kSeedAliasMap);
	// No id: every node of the map is another one.
	omctl({"status"});
	CHECK_THAT(omctl.out.str(), ContainsSubstring("peers:           0 of 4 up\n"));
	omctl({"set", "node-id", "4"});
	omctl({"status"});
	CHECK_THAT(omctl.out.str(), ContainsSubstring("peers:           0 of 3 up\n"));
	// An id set by hand that the map does not have.
	omctl({"set", "node-id", "9"});
	omctl({"status"});
	CHECK_THAT(omctl.out.str(), ContainsSubstring("peers:           0 of 4 up\n"));
}

TEST_CASE("cli whois: an id gives its addresses, with host names", "[cli][whois]")
{
	Omctl omctl;
	omctl.load(kSeedAliasMap);
	omctl.host_names = {{ip("192.168.1.4"), "node4.example"}};
	CHECK(omctl({"whois", "4"}) == cli::kSuccess);
	CHECK(omctl.out.str() == "node 4: 192.168.1.4 (node4.example), 192.168.10.10\n");
	CHECK(omctl({"whois", "2"}) == cli::kSuccess);
	CHECK(omctl.out.str() == "node 2: 192.168.1.2\n");
	CHECK(omctl({"whois", "7"}) == cli::kFailure);
	CHECK(omctl.err.str() == "omctl: node 7 is not in the map (generation 1)\n");
	CHECK(omctl.out.str().empty());
}

TEST_CASE("cli whois: an address or host name gives its node", "[cli][whois]")
{
	Omctl omctl;
	omctl.load(kSeedAliasMap);
	CHECK(omctl({"whois", "192.168.1.3"}) == cli::kSuccess);
	CHECK(omctl.out.str() == "192.168.1.3 is node 3\n");
	CHECK(omctl({"whois", "192.168.10.10"}) == cli::kSuccess);
	CHECK(omctl.out.str() == "192.168.10.10 is node 4, an alias of 192.168.1.4\n");
	CHECK(omctl({"whois", "node2"}) == cli::kSuccess);
	CHECK(omctl.out.str() == "node2 (192.168.1.2) is node 2\n");

	CHECK(omctl({"whois", "10.9.9.9"}) == cli::kFailure);
	CHECK(omctl.err.str() == "omctl: 10.9.9.9 is not in the map (generation 1)\n");
	omctl.resolver.add("outsider", "10.9.9.9");
	CHECK(omctl({"whois", "outsider"}) == cli::kFailure);
	CHECK(omctl.err.str() == "omctl: outsider (10.9.9.9) is not in the map (generation 1)\n");
	CHECK(omctl({"whois", "node9"}) == cli::kFailure);
	CHECK(omctl.err.str() == "omctl: cannot resolve host 'node9': Name or service not known\n");
	CHECK(omctl.out.str().empty());
}

TEST_CASE("cli isup: exit 0 if up, 1 if down or not in the map", "[cli][isup]")
{
	Cluster omctl;
	CHECK(omctl({"isup", "1"}) == cli::kSuccess);
	CHECK(omctl.out.str() == "node 1 is up\n");
	CHECK(omctl({"isup", "2"}) == cli::kSuccess);
	CHECK(omctl.out.str() == "node 2 is up\n");
	CHECK(omctl({"isup", "3"}) == cli::kFailure);
	CHECK(omctl.out.str() == "node 3 is down\n");
	CHECK(omctl.err.str().empty());
	CHECK(omctl({"isup", "4"}) == cli::kFailure);
	CHECK(omctl.out.str() == "node 4 is down\n");
	CHECK(omctl({"isup", "5"}) == cli::kFailure);
	CHECK(omctl.out.str().empty());
	CHECK(omctl.err.str() == "omctl: node 5 is not in the map (generation 1)\n");
}

TEST_CASE("cli set quiet|noquiet: the policy's quiet flag", "[cli][set]")
{
	Cluster omctl;
	CHECK(omctl({"set", "quiet"}) == cli::kSuccess);
	CHECK(omctl.out.str() == "this node is quiet: it sends no load information until "
				 "'omctl set noquiet'\n");
	CHECK(omctl.kernel.policy == OM_POLICY_QUIET);
	omctl({"nodes", "--json"});
	CHECK(nlohmann::json::parse(omctl.out.str())["nodes"][0]["quiet"] == true);
	CHECK(omctl({"set", "noquiet"}) == cli::kSuccess);
	CHECK(omctl.out.str() == "this node sends its load information to the other nodes\n");
	CHECK(omctl.kernel.policy == 0);
}

// Each of them changes its own flag alone: from none set and from all set,
// OM_A_POLICY_MASK names that flag only, and the others stay as they were.
TEST_CASE("cli set nomfs|mfs, norootsquash|rootsquash: omfs's policy flags", "[cli][set]")
{
	const struct {
		const char *command;
		std::uint32_t flag;
		bool on;
		const char *said;
	} cases[] = {
		{"nomfs", OM_POLICY_NOMFS, true,
		 "this node serves no files to the other nodes until 'omctl set mfs'\n"},
		{"mfs", OM_POLICY_NOMFS, false, "this node serves its files to the other nodes\n"},
		{"norootsquash", OM_POLICY_NOROOTSQUASH, true,
		 "this node serves the other nodes' root as root until 'omctl set rootsquash'\n"},
		{"rootsquash", OM_POLICY_NOROOTSQUASH, false,
		 "this node serves the other nodes' root as nobody\n"},
	};
	for (const auto &c : cases) {
		for (const std::uint32_t before : {0u, std::uint32_t{__OM_POLICY_ALL}}) {
			CAPTURE(c.command, before);
			Cluster omctl;
			omctl.kernel.policy = before;
			CHECK(omctl({"set", c.command}) == cli::kSuccess);
			CHECK(omctl.out.str() == c.said);
			CHECK(omctl.err.str().empty());
			CHECK(omctl.kernel.policy == (c.on ? before | c.flag : before & ~c.flag));
		}
	}
}

TEST_CASE("cli set speed: a number, or back to the measured one", "[cli][set]")
{
	Omctl omctl;
	CHECK(omctl({"set", "speed", "100000000"}) == cli::kSuccess);
	CHECK(omctl.out.str() == "this node's speed: 100000000, until 'omctl set speed measured'\n");
	CHECK(omctl.kernel.speed == 100000000u);
	CHECK(omctl({"set", "speed", "measured"}) == cli::kSuccess);
	CHECK(omctl.out.str() == "this node's speed: as omd measures it\n");
	CHECK_FALSE(omctl.kernel.speed);
}

TEST_CASE("cli: the policy and speed need CAP_NET_ADMIN; reading does not", "[cli][set]")
{
	Cluster omctl;
	omctl.kernel.admin = false;
	for (const auto &args : {std::vector<std::string>{"set", "quiet"},
				 std::vector<std::string>{"set", "noquiet"},
				 std::vector<std::string>{"set", "nomfs"},
				 std::vector<std::string>{"set", "mfs"},
				 std::vector<std::string>{"set", "norootsquash"},
				 std::vector<std::string>{"set", "rootsquash"},
				 std::vector<std::string>{"set", "speed", "20000"}}) {
		CAPTURE(args);
		CHECK(omctl(args) == cli::kFailure);
		CHECK(omctl.err.str() == "omctl: permission denied: changing this node's policy needs "
					 "CAP_NET_ADMIN (run as root)\n");
		CHECK(omctl.out.str().empty());
	}
	CHECK(omctl.kernel.policy == 0);
	CHECK_FALSE(omctl.kernel.speed);
	for (const auto &args : {std::vector<std::string>{"nodes"}, std::vector<std::string>{"isup", "1"},
				 std::vector<std::string>{"whois", "1"}, std::vector<std::string>{"status"}})
		CHECK(omctl(args) == cli::kSuccess);
}
