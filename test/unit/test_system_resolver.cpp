#include <catch2/catch_test_macros.hpp>

#include "system_resolver.hpp"

using namespace om;

// Only names every system knows without a network: the unit tests must not
// wait for DNS.
TEST_CASE("the system resolver reads /etc/hosts", "[resolver]")
{
	SystemResolver resolver;
	const auto localhost = resolver.resolve("localhost");
	REQUIRE(localhost.address);
	CHECK((localhost.address == Address::parse("127.0.0.1") ||
	       localhost.address == Address::parse("::1")));
	CHECK(localhost.error.empty());
}

TEST_CASE("the system resolver passes getaddrinfo's reason on", "[resolver]")
{
	SystemResolver resolver;
	const auto none = resolver.resolve("");
	CHECK_FALSE(none.address);
	CHECK_FALSE(none.error.empty());
}
