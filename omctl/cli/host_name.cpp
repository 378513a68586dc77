#include "host_name.hpp"

#include <cstring>
#include <netdb.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

namespace om::cli {

std::optional<std::string> lookup_host_name(const Address &address)
{
	sockaddr_storage storage{};
	socklen_t length = 0;
	const auto bytes = address.bytes();
	if (address.is_v4()) {
		auto *sin = reinterpret_cast<sockaddr_in *>(&storage);
		sin->sin_family = AF_INET;
		std::memcpy(&sin->sin_addr, bytes.data(), bytes.size());
		length = sizeof(*sin);
	} else {
		auto *sin6 = reinterpret_cast<sockaddr_in6 *>(&storage);
		sin6->sin6_family = AF_INET6;
		std::memcpy(&sin6->sin6_addr, bytes.data(), bytes.size());
		length = sizeof(*sin6);
	}
	char host[NI_MAXHOST];
	// NI_NAMEREQD: an address without a name is no name, not its own text.
	const int rc = getnameinfo(reinterpret_cast<sockaddr *>(&storage), length, host,
				   sizeof(host), nullptr, 0, NI_NAMEREQD);
	if (rc != 0) {
		spdlog::debug("no host name for {}: {}", address.to_string(), gai_strerror(rc));
		return std::nullopt;
	}
	return std::string(host);
}

} // namespace om::cli
