#include "net.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <system_error>

namespace om::omd {

namespace {

[[noreturn]] void fail(const std::string &what)
{
	throw std::system_error(errno, std::generic_category(), what);
}

socklen_t to_sockaddr(const Address &addr, std::uint16_t port, sockaddr_storage &ss)
{
	std::memset(&ss, 0, sizeof(ss));
	const auto bytes = addr.bytes();
	if (addr.is_v4()) {
		auto &sin = reinterpret_cast<sockaddr_in &>(ss);
		sin.sin_family = AF_INET;
		sin.sin_port = htons(port);
		std::memcpy(&sin.sin_addr, bytes.data(), bytes.size());
		return sizeof(sin);
	}
	auto &sin6 = reinterpret_cast<sockaddr_in6 &>(ss);
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(port);
	std::memcpy(&sin6.sin6_addr, bytes.data(), bytes.size());
	return sizeof(sin6);
}

std::optional<Accepted> from_sockaddr(const sockaddr_storage &ss, UniqueFd fd)
{
	if (ss.ss_family == AF_INET) {
		const auto &sin = reinterpret_cast<const sockaddr_in &>(ss);
		const auto *b = reinterpret_cast<const std::uint8_t *>(&sin.sin_addr);
		return Accepted{std::move(fd), *Address::from_bytes(std::span(b, 4)), ntohs(sin.sin_port)};
	}
	if (ss.ss_family == AF_INET6) {
		const auto &sin6 = reinterpret_cast<const sockaddr_in6 &>(ss);
		const auto *b = reinterpret_cast<const std::uint8_t *>(&sin6.sin6_addr);
		const Address a = *Address::from_bytes(std::span(b, 16));
		return Accepted{std::move(fd), a.unmapped().value_or(a), ntohs(sin6.sin6_port)};
	}
	return std::nullopt;
}

UniqueFd tcp_socket(const Address &addr)
{
	UniqueFd fd(socket(addr.is_v4() ? AF_INET : AF_INET6,
			   SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
	if (!fd)
		fail("cannot create a TCP socket");
	return fd;
}

} // namespace

std::string endpoint(const Address &addr, std::uint16_t port)
{
	return addr.is_v4() ? fmt::format("{}:{}", addr.to_string(), port)
			    : fmt::format("[{}]:{}", addr.to_string(), port);
}

UniqueFd listen_on(const Address &addr, std::uint16_t port)
{
	UniqueFd fd = tcp_socket(addr);
	const int one = 1, zero = 0;
	if (setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		fail("SO_REUSEADDR");
	if (!addr.is_v4() && setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)) < 0)
		fail("IPV6_V6ONLY");
	sockaddr_storage ss;
	const socklen_t len = to_sockaddr(addr, port, ss);
	if (bind(fd.get(), reinterpret_cast<sockaddr *>(&ss), len) < 0)
		fail(fmt::format("cannot listen on {}", endpoint(addr, port)));
	if (listen(fd.get(), SOMAXCONN) < 0)
		fail(fmt::format("cannot listen on {}", endpoint(addr, port)));
	return fd;
}

UniqueFd start_connect(const Address &to, std::uint16_t port, const std::optional<Address> &from)
{
	UniqueFd fd = tcp_socket(to);
	sockaddr_storage ss;
	if (from && from->family() == to.family()) {
		// Not an address of this machine (an explicit node id): let the
		// kernel choose, the peer's identity check will tell.
		const socklen_t len = to_sockaddr(*from, 0, ss);
		if (bind(fd.get(), reinterpret_cast<sockaddr *>(&ss), len) < 0 && errno != EADDRNOTAVAIL)
			fail(fmt::format("cannot bind to {}", from->to_string()));
	}
	const socklen_t len = to_sockaddr(to, port, ss);
	if (connect(fd.get(), reinterpret_cast<sockaddr *>(&ss), len) < 0 && errno != EINPROGRESS)
		fail(fmt::format("cannot connect to {}", endpoint(to, port)));
	return fd;
}

int connect_error(int fd)
{
	int error = 0;
	socklen_t len = sizeof(error);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) < 0)
		return errno;
	return error;
}

std::optional<Accepted> accept_from(int listener)
{
	sockaddr_storage ss{};
	socklen_t len = sizeof(ss);
	UniqueFd fd(accept4(listener, reinterpret_cast<sockaddr *>(&ss), &len,
			    SOCK_NONBLOCK | SOCK_CLOEXEC));
	if (!fd)
		return std::nullopt;
	return from_sockaddr(ss, std::move(fd));
}

void make_blocking(int fd)
{
	const int flags = fcntl(fd, F_GETFL);
	if (flags >= 0)
		fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
}

} // namespace om::omd
