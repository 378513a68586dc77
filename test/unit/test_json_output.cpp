#include <catch2/catch_test_macros.hpp>

#include "json_output.hpp"
#include "uapi/linux/openmosix.h"
#include "test_util.hpp"

using namespace om;
using namespace om::test;

TEST_CASE("map JSON: generation, self, nodes with own address first", "[json]")
{
	const MapSnapshot snapshot{7, Map({node(4, {"192.168.1.4", "192.168.10.10"}),
					   node(1, {"192.168.1.1"}), node(2, {"2001:db8::2"})})};
	CHECK(map_to_json(snapshot, NodeId{4}).dump() ==
	      R"({"generation":7,"self":4,"nodes":[)"
	      R"({"id":1,"addresses":["192.168.1.1"]},)"
	      R"({"id":2,"addresses":["2001:db8::2"]},)"
	      R"({"id":4,"addresses":["192.168.1.4","192.168.10.10"]}]})");
}

TEST_CASE("map JSON: unknown self is null, an empty map has no nodes", "[json]")
{
	CHECK(map_to_json(MapSnapshot{}, std::nullopt).dump() ==
	      R"({"generation":0,"self":null,"nodes":[]})");
}

TEST_CASE("status JSON", "[json]")
{
	Status s{.node_id = 3,
		 .self_source = SelfSource::FromAddress,
		 .version = "0.1.0",
		 .map_generation = 18446744073709551615u,
		 .map_nodes = 4,
		 .map_addresses = 5,
		 .limit_nodes = 4096,
		 .limit_addresses = 8192,
		 .speed = std::nullopt,
		 .daemon_pid = std::nullopt};
	CHECK(status_to_json(s, 3).dump() ==
	      R"({"node_id":3,"self_source":"address","version":"0.1.0",)"
	      R"("map_generation":18446744073709551615,"map_nodes":4,"map_addresses":5,)"
	      R"("limits":{"nodes":4096,"addresses":8192},"peers":3,"peers_up":0,)"
	      R"("daemon":null,"quiet":false,"speed":null,"mfs_served":true,"root_squash":true})");
	s.node_id.reset();
	for (const auto &[source, name] : {std::pair{SelfSource::None, "none"},
					   {SelfSource::Explicit, "explicit"},
					   {SelfSource::Ambiguous, "ambiguous"}}) {
		s.self_source = source;
		const auto json = status_to_json(s, 4);
		CHECK(json["self_source"] == name);
		CHECK(json["node_id"].is_null());
	}
}

TEST_CASE("status JSON: peers, the daemon, policy and speed", "[json]")
{
	Status s;
	s.peers_up = 2;
	s.policy = OM_POLICY_QUIET;
	s.speed = 20000;
	s.daemon_pid = 123;
	s.daemon_age = std::chrono::milliseconds(400);
	s.load_interval = std::chrono::seconds(1);
	const auto json = status_to_json(s, 3);
	CHECK(json["peers"] == 3);
	CHECK(json["peers_up"] == 2);
	CHECK(json["daemon"].dump() == R"({"pid":123,"age_ms":400,"interval_ms":1000,"silent":false})");
	CHECK(json["quiet"] == true);
	CHECK(json["speed"] == 20000);
	// Each flag shows as its own boolean, the omfs ones as what they allow.
	const struct {
		std::uint32_t policy;
		bool quiet, mfs_served, root_squash;
	} flags[] = {{OM_POLICY_QUIET, true, true, true},
		     {OM_POLICY_NOMFS, false, false, true},
		     {OM_POLICY_NOROOTSQUASH, false, true, false},
		     {__OM_POLICY_ALL, true, false, false}};
	for (const auto &f : flags) {
		CAPTURE(f.policy);
		s.policy = f.policy;
		const auto policy = status_to_json(s, 3);
		CHECK(policy["quiet"] == f.quiet);
		CHECK(policy["mfs_served"] == f.mfs_served);
		CHECK(policy["root_squash"] == f.root_squash);
	}
	// Three intervals without a report are still in time; more are not.
	s.daemon_age = std::chrono::seconds(3);
	CHECK_FALSE(daemon_silent(s));
	s.daemon_age = std::chrono::milliseconds(3001);
	CHECK(daemon_silent(s));
	CHECK(status_to_json(s, 3)["daemon"]["silent"] == true);
}

TEST_CASE("nodes JSON: every field, null for what is unknown", "[json]")
{
	using namespace std::chrono;
	NodeInfo self;
	self.id = 1;
	self.address = ip("10.0.0.1");
	self.up = true;
	self.self = true;
	self.last_seen = system_clock::time_point(milliseconds(1714564800250));
	self.load = LoadReport{.load = 500, .cpus = 1, .speed = 10000, .util = 250,
			       .mem_total = 4294967296, .mem_free = 1073741824, .uptime = 60};
	self.load_age = milliseconds(400);
	NodeInfo down;
	down.id = 2;
	down.address = ip("2001:db8::2");
	down.flags = OM_POLICY_QUIET;
	NodeInfo no_address;
	no_address.id = 3;
	CHECK(nodes_to_json(ClusterView{7, {self, down, no_address}}).dump() ==
	      R"({"nodes":[)"
	      R"({"id":1,"address":"10.0.0.1","state":"up","self":true,"load":0.5,"cpus":1,)"
	      R"("speed":10000,"mem_total":4294967296,"mem_free":1073741824,"util":0.25,)"
	      R"("quiet":false,"last_seen":"2024-05-01T12:00:00.250Z","load_age_ms":400},)"
	      R"({"id":2,"address":"2001:db8::2","state":"down","self":false,"load":null,)"
	      R"("cpus":null,"speed":null,"mem_total":null,"mem_free":null,"util":null,)"
	      R"("quiet":true,"last_seen":null,"load_age_ms":null},)"
	      R"({"id":3,"address":null,"state":"down","self":false,"load":null,)"
	      R"("cpus":null,"speed":null,"mem_total":null,"mem_free":null,"util":null,)"
	      R"("quiet":false,"last_seen":null,"load_age_ms":null}],)"
	      R"("generation":7})");
	CHECK(nodes_to_json(ClusterView{}).dump() == R"({"nodes":[],"generation":0})");
}

TEST_CASE("times are ISO 8601 in UTC to the millisecond", "[json]")
{
	using namespace std::chrono;
	CHECK(iso8601_utc(system_clock::time_point{}) == "1970-01-01T00:00:00.000Z");
	CHECK(iso8601_utc(system_clock::time_point(nanoseconds(1709210096999999999))) ==
	      "2024-02-29T12:34:56.999Z");
}
