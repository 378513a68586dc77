#pragma once

#include <cstdint>
#include <cstring>
#include <linux/netlink.h>
#include <string>
#include <vector>

namespace om::test {

// Netlink messages built byte by byte, as a kernel (or a broken one) might
// send them, for the readers to be tested on.
class WireBuilder {
public:
	WireBuilder(std::uint16_t type, std::uint16_t flags)
	{
		put(nlmsghdr{0, type, flags, 1, 0});
	}

	template <class T> WireBuilder &put(const T &value)
	{
		return raw(&value, sizeof(value));
	}

	// resize and memcpy rather than insert, which trips gcc 12's
	// -Wstringop-overflow at -O2 (a false positive).
	WireBuilder &raw(const void *data, std::size_t size)
	{
		const std::size_t at = bytes_.size();
		bytes_.resize(at + size);
		if (size)
			std::memcpy(bytes_.data() + at, data, size);
		return *this;
	}

	WireBuilder &pad()
	{
		bytes_.resize(NLA_ALIGN(bytes_.size()));
		return *this;
	}

	WireBuilder &attr(std::uint16_t type, const void *data, std::size_t size)
	{
		put(nlattr{static_cast<std::uint16_t>(NLA_HDRLEN + size), type});
		return raw(data, size).pad();
	}

	WireBuilder &attr_u32(std::uint16_t type, std::uint32_t value)
	{
		return attr(type, &value, sizeof(value));
	}

	WireBuilder &attr_string(std::uint16_t type, const std::string &value)
	{
		return attr(type, value.c_str(), value.size() + 1);
	}

	// Opens a nest; close() fixes its length once its content is in.
	std::size_t open(std::uint16_t type)
	{
		const std::size_t at = bytes_.size();
		put(nlattr{0, static_cast<std::uint16_t>(type | NLA_F_NESTED)});
		return at;
	}

	WireBuilder &close(std::size_t at)
	{
		const auto len = static_cast<std::uint16_t>(bytes_.size() - at);
		std::memcpy(bytes_.data() + at, &len, sizeof(len));
		return *this;
	}

	// The message with its length set.
	nlmsghdr *message()
	{
		header()->nlmsg_len = static_cast<std::uint32_t>(bytes_.size());
		return header();
	}

	std::size_t size() const { return bytes_.size(); }

private:
	nlmsghdr *header() { return reinterpret_cast<nlmsghdr *>(bytes_.data()); }

	std::vector<std::uint8_t> bytes_;
};

} // namespace om::test
