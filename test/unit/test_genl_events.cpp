// The event messages of the openmosix family, built byte by byte.
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_exception.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <cerrno>
#include <linux/genetlink.h>

#include "genl_client.hpp"
#include "genl_events.hpp"
#include "uapi/linux/openmosix.h"
#include "wire_builder.hpp"

using namespace om;
using namespace om::test;
using Catch::Matchers::ContainsSubstring;

namespace {

constexpr std::uint16_t kFamily = 0x20;

WireBuilder event(std::uint8_t cmd)
{
	WireBuilder w(kFamily, 0);
	w.put(genlmsghdr{cmd, OM_GENL_VERSION, 0});
	return w;
}

WireBuilder link_down(std::uint32_t node, std::uint32_t reason)
{
	WireBuilder w = event(OM_CMD_LINK_DOWN);
	w.attr_u32(OM_A_NODE_ID, node).attr_u32(OM_A_LINK_REASON, reason);
	return w;
}

WireBuilder map_changed(std::uint64_t generation, std::uint32_t nodes)
{
	WireBuilder w = event(OM_CMD_MAP_CHANGED);
	w.attr(OM_A_MAP_GENERATION, &generation, sizeof(generation)).attr_u32(OM_A_MAP_NODES, nodes);
	return w;
}

void check_refused(WireBuilder w, const char *text)
{
	CHECK_THROWS_MATCHES(parse_event(w.message()), KernelError,
			     Catch::Matchers::MessageMatches(ContainsSubstring(text)));
}

} // namespace

TEST_CASE("link-down and map-changed events are read", "[events]")
{
	CHECK(parse_event(link_down(3, ETIMEDOUT).message()) == Event{LinkDown{3, ETIMEDOUT}});
	CHECK(parse_event(map_changed(7, 3).message()) == Event{MapChanged{7, 3}});
}

TEST_CASE("an event of a command omd does not know is skipped", "[events]")
{
	WireBuilder w = event(OM_CMD_PING);
	w.attr_u32(OM_A_NODE_ID, 1);
	CHECK(parse_event(w.message()) == std::nullopt);
}

TEST_CASE("events that break the contract are refused", "[events]")
{
	WireBuilder no_reason = event(OM_CMD_LINK_DOWN);
	no_reason.attr_u32(OM_A_NODE_ID, 2);
	check_refused(no_reason, "lacks OM_A_NODE_ID or OM_A_LINK_REASON");
	check_refused(link_down(0, ECONNRESET), "names node 0");
	check_refused(link_down(65536, ECONNRESET), "names node 65536");
	check_refused(link_down(2, 0), "gives reason 0");
	check_refused(event(OM_CMD_MAP_CHANGED), "lacks OM_A_MAP_GENERATION");
	WireBuilder short_node = event(OM_CMD_LINK_DOWN);
	const std::uint16_t two = 2;
	short_node.attr(OM_A_NODE_ID, &two, sizeof(two)).attr_u32(OM_A_LINK_REASON, EPROTO);
	check_refused(short_node, "is malformed");
	WireBuilder bare(kFamily, 0);
	check_refused(bare, "too short");
}

TEST_CASE("a datagram of several events is read in order, other families skipped", "[events]")
{
	WireBuilder a = link_down(2, ECONNRESET), b = map_changed(4, 2);
	WireBuilder other(kFamily + 1, 0);
	other.put(genlmsghdr{OM_CMD_LINK_DOWN, OM_GENL_VERSION, 0});
	std::vector<std::uint8_t> bytes;
	for (WireBuilder *w : {&a, &other, &b}) {
		const auto *m = reinterpret_cast<const std::uint8_t *>(w->message());
		bytes.insert(bytes.end(), m, m + w->size());
	}
	CHECK(parse_events(bytes, kFamily) ==
	      std::vector<Event>{LinkDown{2, ECONNRESET}, MapChanged{4, 2}});
	bytes.resize(bytes.size() - 4);
	CHECK_THROWS_AS(parse_events(bytes, kFamily), KernelError);
}
