#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace om {

// An IPv4 or IPv6 address as the map and the kernel hold it: the raw bytes
// in network order. Ordered (family first, then bytes) so it can key a map.
class Address {
public:
	enum class Family : std::uint8_t { v4, v6 };

	// The canonical textual forms only: dotted quad for IPv4 (no "10.1" or
	// hex shorthands), RFC 4291 text for IPv6 (no zone index).
	static std::optional<Address> parse(std::string_view text);
	// 4 bytes make an IPv4 address, 16 an IPv6 one; any other size nothing.
	static std::optional<Address> from_bytes(std::span<const std::uint8_t> bytes);

	Family family() const noexcept { return family_; }
	bool is_v4() const noexcept { return family_ == Family::v4; }
	std::span<const std::uint8_t> bytes() const noexcept;
	std::string to_string() const;

	// Why no node can have this address ("a multicast address", ...), or
	// nothing if one can. The contract refuses what is not the unicast
	// address of a host: unspecified (0.0.0.0/8, ::), multicast, broadcast,
	// loopback (127.0.0.0/8, ::1) and IPv4-mapped addresses.
	std::optional<std::string_view> unusable_reason() const noexcept;
	// The IPv4 address an IPv4-mapped one (::ffff:a.b.c.d) stands for.
	std::optional<Address> unmapped() const noexcept;

	// The part a map range counts up: the last byte of an IPv4 address,
	// the last 16 bits of an IPv6 one; and the largest value it can hold.
	std::uint32_t counter() const noexcept;
	std::uint32_t counter_max() const noexcept;
	// This address with the counter raised by N, or nothing on overflow.
	std::optional<Address> plus(std::uint32_t n) const noexcept;

	auto operator<=>(const Address &) const = default;

private:
	Address() = default;

	Family family_ = Family::v4;
	std::array<std::uint8_t, 16> bytes_{};	// IPv4 uses the first 4
};

} // namespace om
