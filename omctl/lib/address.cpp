#include "address.hpp"

#include <algorithm>
#include <iterator>
#include <arpa/inet.h>

namespace om {

namespace {

constexpr std::size_t kV4Size = 4;
constexpr std::size_t kV6Size = 16;

} // namespace

std::optional<Address> Address::parse(std::string_view text)
{
	// inet_pton wants a C string; an embedded NUL would cut the text short
	// and let "1.2.3.4<NUL>junk" pass, and nothing longer is an address.
	if (text.empty() || text.size() >= INET6_ADDRSTRLEN ||
	    text.find('\0') != std::string_view::npos)
		return std::nullopt;
	const std::string s(text);
	Address a;
	if (inet_pton(AF_INET, s.c_str(), a.bytes_.data()) == 1)
		return a;
	if (inet_pton(AF_INET6, s.c_str(), a.bytes_.data()) == 1) {
		a.family_ = Family::v6;
		return a;
	}
	return std::nullopt;
}

std::optional<Address> Address::from_bytes(std::span<const std::uint8_t> bytes)
{
	if (bytes.size() != kV4Size && bytes.size() != kV6Size)
		return std::nullopt;
	Address a;
	a.family_ = bytes.size() == kV4Size ? Family::v4 : Family::v6;
	std::copy(bytes.begin(), bytes.end(), a.bytes_.begin());
	return a;
}

std::span<const std::uint8_t> Address::bytes() const noexcept
{
	return {bytes_.data(), is_v4() ? kV4Size : kV6Size};
}

std::string Address::to_string() const
{
	char buf[INET6_ADDRSTRLEN];
	inet_ntop(is_v4() ? AF_INET : AF_INET6, bytes_.data(), buf, sizeof(buf));
	return buf;
}

std::optional<std::string_view> Address::unusable_reason() const noexcept
{
	const auto b = bytes();
	if (std::all_of(b.begin(), b.end(), [](auto x) { return x == 0; }))
		return "the unspecified address";
	if (is_v4()) {
		if (b[0] == 0)
			return "in 0.0.0.0/8, which names no host";
		if (b[0] == 127)
			return "a loopback address";
		if ((b[0] & 0xf0) == 0xe0)
			return "a multicast address";
		if (std::all_of(b.begin(), b.end(), [](auto x) { return x == 0xff; }))
			return "the broadcast address";
		if (b[0] == 169 && b[1] == 254)
			return "a link-local address, which names no host beyond its link";
		return std::nullopt;
	}
	if (b[0] == 0xff)
		return "a multicast address";
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return "a link-local address, which names no host beyond its link";
	if (std::all_of(b.begin(), b.end() - 1, [](auto x) { return x == 0; }) && b[15] == 1)
		return "the loopback address";
	if (unmapped())
		return "an IPv4-mapped address";
	return std::nullopt;
}

std::optional<Address> Address::unmapped() const noexcept
{
	constexpr std::uint8_t kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (is_v4() || !std::equal(std::begin(kPrefix), std::end(kPrefix), bytes_.begin()))
		return std::nullopt;
	return from_bytes(std::span(bytes_).subspan(12, kV4Size));
}

std::uint32_t Address::counter() const noexcept
{
	if (is_v4())
		return bytes_[3];
	return std::uint32_t{bytes_[14]} << 8 | bytes_[15];
}

std::uint32_t Address::counter_max() const noexcept
{
	return is_v4() ? 0xff : 0xffff;
}

std::optional<Address> Address::plus(std::uint32_t n) const noexcept
{
	const std::uint32_t c = counter();
	if (n > counter_max() - c)
		return std::nullopt;
	Address a = *this;
	const std::uint32_t v = c + n;
	if (is_v4()) {
		a.bytes_[3] = static_cast<std::uint8_t>(v);
	} else {
		a.bytes_[14] = static_cast<std::uint8_t>(v >> 8);
		a.bytes_[15] = static_cast<std::uint8_t>(v);
	}
	return a;
}

} // namespace om
