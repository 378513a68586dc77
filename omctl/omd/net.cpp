#include "net.hpp"

#include <arpa/inet.h>
#include <bit>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <ifaddrs.h>
#include <limits>
#include <net/if.h>
#include <netinet/in.h>
#include <sstream>
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

in_addr to_in_addr(const Address &addr)
{
	in_addr a{};
	std::memcpy(&a, addr.bytes().data(), sizeof(a));
	return a;
}

unsigned prefix_of(const sockaddr *netmask)
{
	if (!netmask || netmask->sa_family != AF_INET)
		return 32;
	const auto &sin = reinterpret_cast<const sockaddr_in &>(*netmask);
	return static_cast<unsigned>(std::popcount(static_cast<std::uint32_t>(sin.sin_addr.s_addr)));
}

template <class T> void set_option(int fd, int level, int name, const T &value, const char *what)
{
	if (setsockopt(fd, level, name, &value, sizeof(value)) < 0)
		fail(what);
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

std::vector<LocalAddress> local_ipv4_addresses()
{
	ifaddrs *list = nullptr;
	if (getifaddrs(&list) < 0)
		fail("cannot list the network interfaces");
	std::vector<LocalAddress> out;
	for (const ifaddrs *i = list; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || !(i->ifa_flags & IFF_UP))
			continue;
		const auto &sin = reinterpret_cast<const sockaddr_in &>(*i->ifa_addr);
		const auto *b = reinterpret_cast<const std::uint8_t *>(&sin.sin_addr);
		out.push_back({i->ifa_name, if_nametoindex(i->ifa_name),
			       *Address::from_bytes(std::span(b, 4)), prefix_of(i->ifa_netmask)});
	}
	freeifaddrs(list);
	return out;
}

// Lines of "Iface Destination Gateway Flags RefCnt Use Metric Mask ...",
// the addresses in hex; the default route has destination and mask 0.
std::optional<std::string> default_route_interface(std::string_view text)
{
	constexpr unsigned kRouteUp = 0x1;	// RTF_UP
	std::istringstream in{std::string(text)};
	std::string line;
	std::getline(in, line);	// the column names
	std::optional<std::string> best;
	unsigned long best_metric = std::numeric_limits<unsigned long>::max();
	bool tie = false;
	while (std::getline(in, line)) {
		std::istringstream fields(line);
		std::string iface, dest, gateway, flags, refcnt, use, metric, mask;
		if (!(fields >> iface >> dest >> gateway >> flags >> refcnt >> use >> metric >> mask))
			continue;
		unsigned long f = 0, m = 0;
		const auto hex = [](const std::string &t, unsigned long &v) {
			const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v, 16);
			return ec == std::errc{} && end == t.data() + t.size();
		};
		if (dest != "00000000" || mask != "00000000" || !hex(flags, f) || !(f & kRouteUp) ||
		    std::from_chars(metric.data(), metric.data() + metric.size(), m).ec != std::errc{})
			continue;
		if (m < best_metric) {
			best = iface;
			best_metric = m;
			tie = false;
		} else if (m == best_metric && iface != *best) {
			tie = true;
		}
	}
	return tie ? std::nullopt : best;
}

std::optional<std::string> default_route_interface()
{
	std::ifstream in("/proc/net/route");
	if (!in)
		return std::nullopt;
	std::ostringstream text;
	text << in.rdbuf();
	return default_route_interface(text.str());
}

UniqueFd multicast_socket(const LocalAddress &local, const Address &group, std::uint16_t port)
{
	UniqueFd fd(socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
	if (!fd)
		fail("cannot create a UDP socket");
	// Only this group's datagrams, whatever other sockets of the machine
	// join: Linux hands a socket bound to the port every group's otherwise.
	set_option(fd.get(), IPPROTO_IP, IP_MULTICAST_ALL, 0, "IP_MULTICAST_ALL");
	sockaddr_storage ss;
	const socklen_t len = to_sockaddr(group, port, ss);
	if (bind(fd.get(), reinterpret_cast<sockaddr *>(&ss), len) < 0)
		fail(fmt::format("cannot bind to {}", endpoint(group, port)));
	ip_mreqn mreq{};
	mreq.imr_multiaddr = to_in_addr(group);
	mreq.imr_address = to_in_addr(local.address);
	mreq.imr_ifindex = static_cast<int>(local.index);
	if (setsockopt(fd.get(), IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof(mreq)) < 0)
		fail(fmt::format("cannot join {} on {}", group.to_string(), local.interface));
	mreq.imr_multiaddr = {};
	set_option(fd.get(), IPPROTO_IP, IP_MULTICAST_IF, mreq, "IP_MULTICAST_IF");
	set_option(fd.get(), IPPROTO_IP, IP_MULTICAST_TTL, 1, "IP_MULTICAST_TTL");
	set_option(fd.get(), IPPROTO_IP, IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP");
	return fd;
}

// IP_PKTINFO names the source: an interface with several addresses would
// otherwise send from its primary one.
int send_multicast(int fd, std::span<const std::uint8_t> bytes, const LocalAddress &local,
		   const Address &group, std::uint16_t port)
{
	sockaddr_storage ss;
	const socklen_t len = to_sockaddr(group, port, ss);
	iovec iov{const_cast<std::uint8_t *>(bytes.data()), bytes.size()};
	alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in_pktinfo))] = {};
	msghdr msg{};
	msg.msg_name = &ss;
	msg.msg_namelen = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = control;
	msg.msg_controllen = sizeof(control);
	cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = IPPROTO_IP;
	cmsg->cmsg_type = IP_PKTINFO;
	cmsg->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
	in_pktinfo info{};
	info.ipi_ifindex = static_cast<int>(local.index);
	info.ipi_spec_dst = to_in_addr(local.address);
	std::memcpy(CMSG_DATA(cmsg), &info, sizeof(info));
	if (sendmsg(fd, &msg, 0) < 0)
		return errno;
	return 0;
}

std::optional<Datagram> receive_datagram(int fd, std::span<std::uint8_t> buffer)
{
	sockaddr_storage ss{};
	socklen_t len = sizeof(ss);
	const ssize_t n = recvfrom(fd, buffer.data(), buffer.size(), 0,
				   reinterpret_cast<sockaddr *>(&ss), &len);
	if (n < 0)
		return std::nullopt;
	auto from = from_sockaddr(ss, UniqueFd());
	if (!from)
		return Datagram{static_cast<std::size_t>(n)};
	return Datagram{static_cast<std::size_t>(n), from->from};
}

} // namespace om::omd
