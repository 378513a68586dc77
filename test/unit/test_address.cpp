#include <catch2/catch_test_macros.hpp>
#include <catch2/generators/catch_generators.hpp>

#include "address.hpp"

using om::Address;

namespace {

Address ip(const char *text)
{
	return Address::parse(text).value();
}

} // namespace

TEST_CASE("addresses parse and print in canonical form", "[address]")
{
	CHECK(ip("192.168.1.1").to_string() == "192.168.1.1");
	CHECK(ip("192.168.1.1").is_v4());
	CHECK(ip("2001:DB8:0:0::1").to_string() == "2001:db8::1");
	CHECK_FALSE(ip("::1").is_v4());
	CHECK(ip("::ffff:10.0.0.1").to_string() == "::ffff:10.0.0.1");
}

TEST_CASE("only canonical address text parses", "[address]")
{
	const auto text = GENERATE(as<std::string>{}, "", "10.1", "10.0.0.256", "0x7f.0.0.1",
				   "1.2.3.4 ", " 1.2.3.4", "fe80::1%eth0", "2001:db8::g",
				   "node1", std::string("1.2.3.4\0junk", 12),
				   std::string(100, '1'));
	CAPTURE(text);
	CHECK_FALSE(Address::parse(text));
}

TEST_CASE("addresses come from 4 or 16 bytes", "[address]")
{
	const std::uint8_t v4[] = {10, 0, 0, 1};
	CHECK(Address::from_bytes(v4) == ip("10.0.0.1"));
	std::uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8};
	v6[15] = 1;
	CHECK(Address::from_bytes(v6) == ip("2001:db8::1"));
	CHECK_FALSE(Address::from_bytes(std::span(v6, 5)));
	CHECK(ip("10.0.0.1").bytes().size() == 4);
	CHECK(ip("::1").bytes().size() == 16);
}

TEST_CASE("addresses no node can have say why", "[address]")
{
	CHECK(ip("0.0.0.0").unusable_reason() == "the unspecified address");
	CHECK(ip("0.1.2.3").unusable_reason() == "in 0.0.0.0/8, which names no host");
	CHECK(ip("127.0.0.1").unusable_reason() == "a loopback address");
	CHECK(ip("127.1.2.3").unusable_reason() == "a loopback address");
	CHECK(ip("224.0.0.1").unusable_reason() == "a multicast address");
	CHECK(ip("239.255.255.255").unusable_reason() == "a multicast address");
	CHECK(ip("255.255.255.255").unusable_reason() == "the broadcast address");
	CHECK(ip("::").unusable_reason() == "the unspecified address");
	CHECK(ip("::1").unusable_reason() == "the loopback address");
	CHECK(ip("ff02::1").unusable_reason() == "a multicast address");
	CHECK(ip("::ffff:10.0.0.1").unusable_reason() == "an IPv4-mapped address");
	CHECK(ip("169.254.1.2").unusable_reason() ==
	      "a link-local address, which names no host beyond its link");
	CHECK(ip("fe80::1").unusable_reason() ==
	      "a link-local address, which names no host beyond its link");
	CHECK(ip("febf::1").unusable_reason() ==
	      "a link-local address, which names no host beyond its link");
	CHECK_FALSE(ip("fec0::1").unusable_reason());
	CHECK_FALSE(ip("169.253.1.2").unusable_reason());
	for (const char *usable : {"10.0.0.1", "1.0.0.0", "126.255.255.255", "128.0.0.1",
				   "223.255.255.255", "240.0.0.1", "10.0.0.255", "2001:db8::1",
				   "::2", "::ffff:0:0:1", "fe00::1", "64:ff9b::a00:1"})
	{
		CAPTURE(usable);
		CHECK_FALSE(ip(usable).unusable_reason());
	}
}

TEST_CASE("an IPv4-mapped address unmaps to its IPv4 address", "[address]")
{
	CHECK(ip("::ffff:192.168.1.4").unmapped() == ip("192.168.1.4"));
	CHECK_FALSE(ip("192.168.1.4").unmapped());
	CHECK_FALSE(ip("2001:db8::ffff:c0a8:104").unmapped());
}

TEST_CASE("ranges count up in the last byte or the last 16 bits", "[address]")
{
	CHECK(ip("192.168.1.1").plus(3) == ip("192.168.1.4"));
	CHECK(ip("192.168.1.250").plus(5) == ip("192.168.1.255"));
	CHECK_FALSE(ip("192.168.1.250").plus(6));
	CHECK(ip("2001:db8::ff").plus(1) == ip("2001:db8::100"));
	CHECK(ip("2001:db8::fffe").plus(1) == ip("2001:db8::ffff"));
	CHECK_FALSE(ip("2001:db8::fffe").plus(2));
	CHECK(ip("10.0.0.7").counter() == 7);
	CHECK(ip("2001:db8::1:2").counter() == 2);
	CHECK(ip("2001:db8::102").counter() == 0x102);
}

TEST_CASE("addresses order by family, then bytes", "[address]")
{
	CHECK(ip("10.0.0.1") < ip("10.0.0.2"));
	CHECK(ip("255.255.255.254") < ip("::"));
	CHECK(ip("10.0.0.1") != ip("::ffff:10.0.0.1"));
}
