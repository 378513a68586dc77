// omd's pure parts: who dials whom, the redial backoff, and a handshake run
// by two Connections over a socket pair.
#include <catch2/catch_test_macros.hpp>
#include <poll.h>
#include <sys/socket.h>

#include "connection.hpp"
#include "policy.hpp"
#include "test_util.hpp"

using namespace om;
using namespace om::omd;
using namespace std::chrono_literals;
using om::test::node;

namespace {

const Map kMap({node(1, {"10.0.0.1"}), node(2, {"10.0.0.2", "fd00::2"}), node(7, {"10.0.0.7"})});

ClusterKey key(std::uint8_t seed)
{
	std::array<std::uint8_t, ClusterKey::kSize> bytes{};
	bytes.fill(seed);
	return ClusterKey::from_bytes(bytes);
}

} // namespace

TEST_CASE("the lower id dials, the higher one accepts", "[omd]")
{
	CHECK(initiates(1, 2));
	CHECK_FALSE(initiates(2, 1));
	CHECK_FALSE(initiates(3, 3));
	CHECK(accepts_from(2, 1));
	CHECK_FALSE(accepts_from(1, 2));
	CHECK_FALSE(accepts_from(3, 3));
	// Exactly one side of every pair dials.
	for (NodeId a = 1; a < 5; ++a)
		for (NodeId b = 1; b < 5; ++b)
			if (a != b)
				CHECK(initiates(a, b) == accepts_from(b, a));
}

TEST_CASE("a node dials the nodes of the map with higher ids", "[omd]")
{
	CHECK(peers_to_connect(kMap, 1) == std::vector<NodeId>{2, 7});
	CHECK(peers_to_connect(kMap, 2) == std::vector<NodeId>{7});
	CHECK(peers_to_connect(kMap, 7).empty());
	// An explicit id that is not in the map still dials the higher ones.
	CHECK(peers_to_connect(kMap, 5) == std::vector<NodeId>{7});
}

TEST_CASE("a connection's source address names its node", "[omd]")
{
	const auto ip = [](const char *text) { return Address::parse(text).value(); };
	CHECK(node_at(kMap, ip("10.0.0.7")) == 7);
	CHECK(node_at(kMap, ip("fd00::2")) == 2);
	CHECK(node_at(kMap, ip("::ffff:10.0.0.1")) == 1);
	CHECK(node_at(kMap, ip("10.0.0.3")) == std::nullopt);
}

TEST_CASE("backoff doubles from 1 s to 30 s and starts over after a reset", "[omd]")
{
	Backoff b;
	std::vector<long> delays;
	for (int i = 0; i < 8; ++i)
		delays.push_back(static_cast<long>(b.next().count()));
	CHECK(delays == std::vector<long>{1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000});
	b.reset();
	CHECK(b.next() == 1s);
	CHECK(b.next() == 2s);
}

namespace {

// Runs both connections until neither moves on; at most ROUNDS polls.
void run(Connection &a, Connection &b, int rounds = 20)
{
	for (int i = 0; i < rounds; ++i) {
		pollfd fds[] = {{a.fd(), a.poll_events(), 0}, {b.fd(), b.poll_events(), 0}};
		if (poll(fds, 2, 100) <= 0)
			return;
		a.on_ready(fds[0].revents);
		b.on_ready(fds[1].revents);
	}
}

struct Pair {
	Connection initiator, responder;
};

// Node 1 dials node 2 over a socket pair; the responder sees 10.0.0.1.
Pair connected(const ClusterKey &initiator_key)
{
	int sv[2];
	REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == 0);
	const auto deadline = Clock::now() + 5s;
	auto map = std::make_shared<const Map>(kMap);
	return {Connection(UniqueFd(sv[0]), Handshake::initiator(initiator_key, 1, 2), true, 2,
			   "node 2", deadline),
		Connection(UniqueFd(sv[1]),
			   Handshake::responder(key(1), 2,
						map_peer_check(map, Address::parse("10.0.0.1").value())),
			   false, std::nullopt, "node 1", deadline)};
}

} // namespace

TEST_CASE("a handshake between two connections leaves the link's bytes unread", "[omd]")
{
	Pair p = connected(key(1));
	run(p.initiator, p.responder);
	REQUIRE(p.initiator.phase() == Connection::Phase::Done);
	REQUIRE(p.responder.phase() == Connection::Phase::Done);
	CHECK(p.initiator.peer() == 2);
	CHECK(p.responder.peer() == 1);
	// What the kernel would send next is still in the socket for it.
	REQUIRE(send(p.responder.fd(), "link", 4, 0) == 4);
	char buf[8];
	CHECK(recv(p.initiator.fd(), buf, sizeof(buf), MSG_DONTWAIT) == 4);
}

TEST_CASE("a connection with another key fails on both sides with the reason", "[omd]")
{
	Pair p = connected(key(2));
	run(p.initiator, p.responder);
	CHECK(p.initiator.phase() == Connection::Phase::Failed);
	CHECK(p.responder.phase() == Connection::Phase::Failed);
	CHECK(p.initiator.failure().find("refused") != std::string::npos);
	CHECK_FALSE(p.responder.failure().empty());
}

TEST_CASE("a connection whose peer hangs up fails", "[omd]")
{
	int sv[2];
	REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == 0);
	Connection c(UniqueFd(sv[0]), Handshake::initiator(key(1), 1, 2), true, 2, "node 2",
		     Clock::now() + 5s);
	UniqueFd peer(sv[1]);
	c.on_ready(POLLOUT);	// connected: sends its HELLO
	REQUIRE(c.phase() == Connection::Phase::Handshaking);
	peer.reset();
	c.on_ready(POLLIN | POLLHUP);
	CHECK(c.phase() == Connection::Phase::Failed);
	CHECK(c.dialled() == 2);
}
