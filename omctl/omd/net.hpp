#pragma once

#include <cstdint>
#include <optional>
#include <string>

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

} // namespace om::omd
