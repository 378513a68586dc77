#include "system_resolver.hpp"

#include <cerrno>
#include <cstring>
#include <memory>
#include <netdb.h>
#include <netinet/in.h>
#include <span>

namespace om {

namespace {

struct AddrinfoDeleter {
	void operator()(addrinfo *ai) const noexcept { freeaddrinfo(ai); }
};
using AddrinfoPtr = std::unique_ptr<addrinfo, AddrinfoDeleter>;

std::optional<Address> to_address(const addrinfo &ai)
{
	if (ai.ai_family == AF_INET) {
		const auto *sin = reinterpret_cast<const sockaddr_in *>(ai.ai_addr);
		const auto *p = reinterpret_cast<const std::uint8_t *>(&sin->sin_addr);
		return Address::from_bytes(std::span(p, sizeof(sin->sin_addr)));
	}
	if (ai.ai_family == AF_INET6) {
		const auto *sin6 = reinterpret_cast<const sockaddr_in6 *>(ai.ai_addr);
		const auto *p = reinterpret_cast<const std::uint8_t *>(&sin6->sin6_addr);
		return Address::from_bytes(std::span(p, sizeof(sin6->sin6_addr)));
	}
	return std::nullopt;
}

} // namespace

Resolver::Result SystemResolver::resolve(const std::string &host)
{
	addrinfo hints{};
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;	// one entry per address, not per protocol
	addrinfo *raw = nullptr;
	const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &raw);
	const AddrinfoPtr list(raw);
	if (rc == EAI_SYSTEM)
		return {std::nullopt, std::strerror(errno)};
	if (rc != 0)
		return {std::nullopt, gai_strerror(rc)};
	for (const addrinfo *ai = list.get(); ai; ai = ai->ai_next)
		if (auto a = to_address(*ai))
			return {a, {}};
	return {std::nullopt, "no IPv4 or IPv6 address"};
}

} // namespace om
