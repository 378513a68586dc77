#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "handshake.hpp"
#include "unique_fd.hpp"

namespace om::omd {

using Clock = std::chrono::steady_clock;

// One TCP connection while omd runs the handshake on it: an outgoing
// connect under way, or an accepted socket. It reads no more than the
// handshake wants, so the first bytes of the link that follows stay in the
// socket for the kernel.
class Connection {
public:
	enum class Phase { Connecting, Handshaking, Done, Failed };

	// Dialled: CONNECTING until the socket is writable. PEER, the node
	// dialled, if any; NAME says who it is in the log.
	Connection(UniqueFd fd, Handshake handshake, bool connecting, std::optional<NodeId> peer,
		   std::string name, Clock::time_point deadline);

	int fd() const noexcept { return fd_.get(); }
	short poll_events() const noexcept;
	// Moves on after poll() reported REVENTS for fd().
	void on_ready(short revents);

	Phase phase() const noexcept { return phase_; }
	// The node this connection was dialled to; for an accepted one nothing.
	std::optional<NodeId> dialled() const noexcept { return dialled_; }
	// Once Done: the authenticated peer.
	NodeId peer() const noexcept { return peer_; }
	const std::string &name() const noexcept { return name_; }
	const std::string &failure() const noexcept { return failure_; }
	Clock::time_point deadline() const noexcept { return deadline_; }
	// Says why the connection is given up; Failed from then on.
	void fail(std::string reason);

private:
	void on_connected();
	void on_readable();
	void take(const Handshake::Step &step);
	// Writes what is queued; false once the socket failed.
	bool flush();

	UniqueFd fd_;
	Handshake handshake_;
	Phase phase_;
	std::optional<NodeId> dialled_;
	NodeId peer_ = 0;
	std::string name_;
	Clock::time_point deadline_;
	std::vector<std::uint8_t> out_;
	std::string failure_;
};

} // namespace om::omd
