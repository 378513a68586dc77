#include <catch2/catch_test_macros.hpp>

#include "json_output.hpp"
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
	CHECK(status_to_json(s).dump() ==
	      R"({"node_id":3,"self_source":"address","version":"0.1.0",)"
	      R"("map_generation":18446744073709551615,"map_nodes":4,"map_addresses":5,)"
	      R"("limits":{"nodes":4096,"addresses":8192}})");
	s.node_id.reset();
	for (const auto &[source, name] : {std::pair{SelfSource::None, "none"},
					   {SelfSource::Explicit, "explicit"},
					   {SelfSource::Ambiguous, "ambiguous"}}) {
		s.self_source = source;
		const auto json = status_to_json(s);
		CHECK(json["self_source"] == name);
		CHECK(json["node_id"].is_null());
	}
}
