#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "address.hpp"
#include "unique_fd.hpp"

namespace om::omd {

// "10.0.0.1:4660", "[fd00::1]:4660": a peer as the log names it.
std::string endpoint(const Address &addr, std::uint16_t port);

// A non-blocking TCP socket listening on ADDR:PORT, with SO_REUSEADDR so
// that a restarted omd need not wait for old connections to time out.
// :: accepts IPv4 as well. Throws std::system_error.
UniqueFd listen_on(const Address &addr, std::uint16_t port);

// A non-blocking connect to TO:PORT, under way: poll for POLLOUT, then ask
// connect_error(). FROM, if it is an address of this machine, is the
// source, so that the peer sees the address the map gives this node.
// Throws std::system_error when it fails at once.
UniqueFd start_connect(const Address &to, std::uint16_t port, const std::optional<Address> &from);

// The outcome of a non-blocking connect: 0 or an errno.
int connect_error(int fd);

// A connection accepted from LISTENER, non-blocking, and where it comes
// from; nothing if none was waiting.
struct Accepted {
	UniqueFd fd;
	Address from;
	std::uint16_t port = 0;
};
std::optional<Accepted> accept_from(int listener);

// Clears O_NONBLOCK: a socket handed to the kernel is left as a plain
// connected socket, whatever omd needed while it ran the handshake.
void make_blocking(int fd);

// An IPv4 address of this machine and the interface that has it.
struct LocalAddress {
	std::string interface;
	unsigned index = 0;		// the interface's
	Address address = Address::parse("0.0.0.0").value();
	unsigned prefix_len = 0;	// of its network

	bool operator==(const LocalAddress &) const = default;
};

// Every IPv4 address of this machine's interfaces that are up, loopback
// included. Throws std::system_error.
std::vector<LocalAddress> local_ipv4_addresses();

// The interface of the IPv4 default route in TEXT, the content of
// /proc/net/route: the one with the lowest metric; nothing if there is no
// default route or two interfaces share the lowest metric.
std::optional<std::string> default_route_interface(std::string_view text);
// The same, from /proc/net/route itself; nothing if it cannot be read.
std::optional<std::string> default_route_interface();

// A non-blocking UDP socket for the multicast GROUP:PORT on LOCAL's
// interface: bound to the group, a member of it there, sending from LOCAL
// with TTL 1, without hearing itself. Throws std::system_error.
UniqueFd multicast_socket(const LocalAddress &local, const Address &group, std::uint16_t port);

// Sends BYTES to GROUP:PORT from LOCAL's address and interface: 0 or an
// errno.
int send_multicast(int fd, std::span<const std::uint8_t> bytes, const LocalAddress &local,
		   const Address &group, std::uint16_t port);

// A datagram waiting on FD and its sender's address; nothing if none is.
// One longer than BUFFER comes cut to its size.
struct Datagram {
	std::size_t size = 0;
	Address from = Address::parse("0.0.0.0").value();
};
std::optional<Datagram> receive_datagram(int fd, std::span<std::uint8_t> buffer);

} // namespace om::omd
