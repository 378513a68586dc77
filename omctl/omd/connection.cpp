#include "connection.hpp"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>

#include "net.hpp"

namespace om::omd {

Connection::Connection(UniqueFd fd, Handshake handshake, bool connecting,
		       std::optional<NodeId> peer, std::string name, Clock::time_point deadline)
	: fd_(std::move(fd)), handshake_(std::move(handshake)),
	  phase_(connecting ? Phase::Connecting : Phase::Handshaking), dialled_(peer),
	  name_(std::move(name)), deadline_(deadline)
{
}

short Connection::poll_events() const noexcept
{
	if (phase_ == Phase::Connecting || !out_.empty())
		return POLLOUT;
	return phase_ == Phase::Handshaking ? POLLIN : 0;
}

void Connection::on_ready(short revents)
{
	if (phase_ == Phase::Connecting) {
		if (revents & (POLLOUT | POLLERR | POLLHUP))
			on_connected();
		return;
	}
	if ((revents & POLLOUT) && !flush())
		return;
	if (phase_ == Phase::Handshaking && (revents & (POLLIN | POLLERR | POLLHUP)))
		on_readable();
}

void Connection::fail(std::string reason)
{
	phase_ = Phase::Failed;
	failure_ = std::move(reason);
}

void Connection::on_connected()
{
	if (const int error = connect_error(fd()))
		return fail(fmt::format("cannot connect: {}", std::strerror(error)));
	phase_ = Phase::Handshaking;
	out_ = handshake_.start();
	flush();
}

void Connection::on_readable()
{
	std::array<std::uint8_t, Handshake::kMaxFrame> buf;
	const std::size_t wanted = std::min(handshake_.wanted(), buf.size());
	if (wanted == 0)
		return;
	const ssize_t n = recv(fd(), buf.data(), wanted, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n < 0)
		return fail(fmt::format("reading failed: {}", std::strerror(errno)));
	if (n == 0)
		return fail("the peer closed the connection during the handshake");
	take(handshake_.feed(std::span(buf.data(), static_cast<std::size_t>(n))));
}

void Connection::take(const Handshake::Step &step)
{
	out_.insert(out_.end(), step.send.begin(), step.send.end());
	if (const auto *failed = std::get_if<Handshake::Failed>(&step.state)) {
		// The REJECT, if any, is one small frame: a single try is enough
		// for an empty socket buffer, and the peer matters no more.
		flush();
		return fail(failed->reason);
	}
	if (const auto *done = std::get_if<Handshake::Done>(&step.state)) {
		peer_ = done->peer;
		// flush() declares it Done only once our last frame (the
		// responder's AUTH) is out: the kernel must not find half a
		// handshake frame in the socket before its own.
	}
	flush();
}

bool Connection::flush()
{
	while (!out_.empty()) {
		const ssize_t n = send(fd(), out_.data(), out_.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return true;
		if (n < 0) {
			fail(fmt::format("writing failed: {}", std::strerror(errno)));
			return false;
		}
		out_.erase(out_.begin(), out_.begin() + n);
	}
	if (phase_ == Phase::Handshaking && peer_ != 0)
		phase_ = Phase::Done;
	return true;
}

} // namespace om::omd
