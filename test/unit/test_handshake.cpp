// The peer-link handshake between two instances, bytes passed by hand:
// every way it succeeds (any chunking) and every way it must refuse.
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <cstring>
#include <random>
#include <sodium.h>
#include <stdexcept>

#include "handshake.hpp"

using namespace om;
using Catch::Matchers::ContainsSubstring;
using Bytes = std::vector<std::uint8_t>;
using Done = Handshake::Done;
using Failed = Handshake::Failed;
using InProgress = Handshake::InProgress;

namespace {

constexpr std::size_t kHello = OM_WIRE_HDR_LEN + OM_WIRE_HELLO_LEN;
constexpr std::size_t kAuth = OM_WIRE_HDR_LEN + OM_WIRE_AUTH_LEN;
constexpr std::size_t kReject = OM_WIRE_HDR_LEN + OM_WIRE_REJECT_LEN;

ClusterKey key(std::uint8_t seed)
{
	std::array<std::uint8_t, ClusterKey::kSize> bytes{};
	for (std::size_t i = 0; i < bytes.size(); ++i)
		bytes[i] = static_cast<std::uint8_t>(seed + i);
	return ClusterKey::from_bytes(bytes);
}

// Nonces of one byte repeated, counting up from SEED: repeatable runs.
NonceSource nonces(std::uint8_t seed)
{
	return [n = seed](std::span<std::uint8_t, OM_WIRE_NONCE_LEN> nonce) mutable {
		std::fill(nonce.begin(), nonce.end(), n++);
	};
}

// Node 1 at 10.0.0.1 and its alias 192.168.0.1, node 2 at 10.0.0.2,
// node 3 at 10.0.0.3.
std::shared_ptr<const Map> cluster_map()
{
	const auto ip = [](const char *text) { return Address::parse(text).value(); };
	return std::make_shared<const Map>(std::vector<Node>{
		{1, {ip("10.0.0.1"), ip("192.168.0.1")}},
		{2, {ip("10.0.0.2")}},
		{3, {ip("10.0.0.3")}},
	});
}

Handshake initiator(NodeId self = 1, NodeId peer = 2, const ClusterKey &k = key(1))
{
	return Handshake::initiator(k, self, peer, nonces(0x10));
}

// Node 2, accepting a connection from SOURCE.
Handshake responder(const char *source = "10.0.0.1", const ClusterKey &k = key(1), NodeId self = 2)
{
	return Handshake::responder(k, self,
				    map_peer_check(cluster_map(), Address::parse(source).value()),
				    nonces(0x80));
}

bool over(const Handshake &h)
{
	return !std::holds_alternative<InProgress>(h.state());
}

void append(Bytes &to, const Bytes &bytes)
{
	to.insert(to.end(), bytes.begin(), bytes.end());
}

// Feeds all of IN to H in chunks of random sizes (whole, without RNG) and
// collects what H sends into OUT. Stops where the handshake ends.
void deliver(Handshake &h, Bytes &in, Bytes &out, std::mt19937 *rng)
{
	while (!in.empty() && !over(h)) {
		const std::size_t n =
			rng ? std::uniform_int_distribution<std::size_t>(1, in.size())(*rng) : in.size();
		const Handshake::Step step = h.feed({in.data(), n});
		append(out, step.send);
		CHECK(step.consumed + step.leftover == n);
		REQUIRE(step.state == h.state());
		if (!over(h))
			REQUIRE(step.consumed == n);
		in.erase(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(step.consumed));
		CHECK(h.wanted() <= Handshake::kMaxFrame);
	}
}

// Runs I against R until neither has anything more to say.
void run(Handshake &i, Handshake &r, std::mt19937 *rng = nullptr)
{
	Bytes to_r = i.start(), to_i;
	for (int round = 0; round < 10 && (!to_r.empty() || !to_i.empty()); ++round) {
		deliver(r, to_r, to_i, rng);
		deliver(i, to_i, to_r, rng);
		if (over(i) && over(r))
			break;
	}
}

// A header as the codec writes it, with any field a test wants wrong.
Bytes header(std::uint8_t type, std::uint32_t length, std::uint8_t version = OM_WIRE_VERSION,
	     std::uint16_t flags = 0, std::uint64_t id = 0)
{
	Bytes b(OM_WIRE_HDR_LEN);
	om_wire_hdr h{};
	h.magic = OM_WIRE_MAGIC;
	h.version = version;
	h.type = type;
	h.flags = flags;
	h.length = length;
	h.id = id;
	om_wire_put_hdr(b.data(), &h);
	return b;
}

Bytes hello(std::uint16_t node, std::uint16_t peer, std::uint16_t min = 1,
	    std::uint16_t max = OM_WIRE_VERSION, std::uint8_t nonce = 0x55)
{
	Bytes b = header(OM_WT_HELLO, OM_WIRE_HELLO_LEN);
	om_wire_hello m{};
	m.min_version = min;
	m.max_version = max;
	m.node_id = node;
	m.peer_id = peer;
	std::memset(m.nonce, nonce, sizeof(m.nonce));
	b.resize(kHello);
	om_wire_put_hello(b.data() + OM_WIRE_HDR_LEN, &m);
	return b;
}

Bytes reject(std::uint32_t code, const char *reason)
{
	Bytes b = header(OM_WT_REJECT, OM_WIRE_REJECT_LEN);
	b.resize(kReject);
	om_wire_reject_msg m{};
	m.code = code;
	std::strncpy(m.reason, reason, sizeof(m.reason) - 1);
	om_wire_put_reject(b.data() + OM_WIRE_HDR_LEN, &m);
	return b;
}

// The code of the REJECT frame that ends BYTES.
std::uint32_t reject_code(const Bytes &bytes)
{
	REQUIRE(bytes.size() >= kReject);
	const std::uint8_t *f = bytes.data() + bytes.size() - kReject;
	om_wire_hdr h{};
	REQUIRE(om_wire_get_hdr(f, OM_WIRE_HDR_LEN, &h) == 0);
	REQUIRE(h.type == OM_WT_REJECT);
	om_wire_reject_msg m{};
	REQUIRE(om_wire_get_reject(f + OM_WIRE_HDR_LEN, OM_WIRE_REJECT_LEN, &m) == 0);
	return m.code;
}

const Failed &failure(const Handshake &h)
{
	const auto *f = std::get_if<Failed>(&h.state());
	REQUIRE(f);
	return *f;
}

// H fed BYTES at once; H must fail with CODE and send a REJECT with it.
Failed refuses(Handshake &h, const Bytes &bytes, om_wire_reject code)
{
	const Handshake::Step step = h.feed(bytes);
	const Failed &f = failure(h);
	CAPTURE(f.reason);
	CHECK(f.code == code);
	CHECK(f.send_reject);
	CHECK(step.send.size() >= kReject);
	CHECK(reject_code(step.send) == code);
	CHECK(h.wanted() == 0);
	return f;
}

} // namespace

TEST_CASE("handshake: two nodes with the same key link up", "[handshake]")
{
	Handshake i = initiator(), r = responder();
	CHECK(i.role() == Handshake::Role::Initiator);
	CHECK(r.role() == Handshake::Role::Responder);
	const Bytes hello_i = i.start();
	CHECK(hello_i.size() == kHello);

	Handshake::Step step = r.feed(hello_i);
	CHECK(step.state == Handshake::State{InProgress{}});
	CHECK(step.consumed == kHello);
	CHECK(step.leftover == 0);
	const Bytes hello_r = step.send;
	REQUIRE(hello_r.size() == kHello);

	step = i.feed(hello_r);
	CHECK(step.state == Handshake::State{InProgress{}});
	const Bytes auth_i = step.send;
	REQUIRE(auth_i.size() == kAuth);

	step = r.feed(auth_i);
	CHECK(step.state == Handshake::State{Done{1, 1}});
	const Bytes auth_r = step.send;
	REQUIRE(auth_r.size() == kAuth);

	step = i.feed(auth_r);
	CHECK(step.state == Handshake::State{Done{2, 1}});
	CHECK(step.send.empty());
	CHECK(i.wanted() == 0);
	CHECK(r.wanted() == 0);

	// The MACs are the ones include/openmosix/wire.h specifies.
	for (const auto &[role, auth] : {std::pair{1, auth_i}, std::pair{2, auth_r}}) {
		Bytes input{'o', 'p', 'e', 'n', 'm', 'o', 's', 'i', 'x', '-', 'n', 'g', ' ',
			    'a', 'u', 't', 'h', ' ', 'v', '1'};
		input.push_back(static_cast<std::uint8_t>(role));
		append(input, hello_i);
		append(input, hello_r);
		std::array<std::uint8_t, OM_WIRE_MAC_LEN> mac{};
		const ClusterKey k = key(1);
		REQUIRE(crypto_generichash(mac.data(), mac.size(), input.data(), input.size(),
					   k.bytes().data(), k.bytes().size()) == 0);
		CHECK(Bytes(auth.begin() + OM_WIRE_HDR_LEN, auth.end()) == Bytes(mac.begin(), mac.end()));
	}
}

TEST_CASE("handshake: any chunking of the bytes gives the same result", "[handshake]")
{
	for (unsigned seed = 0; seed < 300; ++seed) {
		CAPTURE(seed);
		std::mt19937 rng(seed);
		Handshake i = initiator(), r = responder();
		run(i, r, &rng);
		CHECK(i.state() == Handshake::State{Done{2, 1}});
		CHECK(r.state() == Handshake::State{Done{1, 1}});
	}
	// One byte at a time, and the real nonces.
	Handshake i = Handshake::initiator(key(1), 1, 2);
	Handshake r = Handshake::responder(
		key(1), 2, map_peer_check(cluster_map(), Address::parse("10.0.0.1").value()));
	Bytes to_r = i.start(), to_i;
	while (!over(i) || !over(r)) {
		REQUIRE((!to_r.empty() || !to_i.empty()));
		for (Bytes *in : {&to_r, &to_i}) {
			if (in->empty())
				continue;
			Handshake &h = in == &to_r ? r : i;
			REQUIRE(h.wanted() >= 1);
			append(in == &to_r ? to_i : to_r, h.feed({in->data(), 1}).send);
			in->erase(in->begin());
		}
	}
	CHECK(i.state() == Handshake::State{Done{2, 1}});
	CHECK(r.state() == Handshake::State{Done{1, 1}});
}

TEST_CASE("handshake: a peer with another key is refused", "[handshake]")
{
	Handshake i = initiator(1, 2, key(1)), r = responder("10.0.0.1", key(2));
	const Bytes hello_r = r.feed(i.start()).send;
	const Bytes auth_i = i.feed(hello_r).send;
	refuses(r, auth_i, OM_WR_AUTH);
	CHECK(failure(r).reason == "the peer does not hold this cluster's key");

	// The initiator learns why from the REJECT, and sends none back.
	Handshake j = initiator(1, 2, key(1)), s = responder("10.0.0.1", key(2));
	run(j, s);
	CHECK(failure(s).code == OM_WR_AUTH);
	CHECK(failure(j) == Failed{OM_WR_AUTH,
				   "the peer refused the link: authentication failed: not this "
				   "cluster's key",
				   false});

	// And the other way round: a responder that answers with an AUTH it
	// could not compute.
	Handshake k = initiator(1, 2, key(1)), t = responder("10.0.0.1", key(3));
	REQUIRE(k.feed(t.feed(k.start()).send).send.size() == kAuth);
	Bytes forged = header(OM_WT_AUTH, OM_WIRE_AUTH_LEN);
	forged.resize(kAuth, 0x42);
	refuses(k, forged, OM_WR_AUTH);
	CHECK(failure(k).reason == "the peer does not hold this cluster's key");
}

TEST_CASE("handshake: a claimed id that does not fit is refused", "[handshake]")
{
	SECTION("node 3 connecting from node 1's address")
	{
		Handshake i = initiator(3, 2), r = responder("10.0.0.1");
		refuses(r, i.start(), OM_WR_IDENTITY);
		CHECK(failure(r).reason == "the peer claims to be node 3, but it connects from "
					   "10.0.0.1, which the map gives to node 1");
	}
	SECTION("an id the map does not have")
	{
		Handshake i = initiator(9, 2), r = responder("10.0.0.1");
		refuses(r, i.start(), OM_WR_IDENTITY);
		CHECK(failure(r).reason == "the peer claims to be node 9, but node 9 is not in the map");
	}
	SECTION("the peer wants another node")
	{
		Handshake i = initiator(1, 3), r = responder("10.0.0.1");
		refuses(r, i.start(), OM_WR_IDENTITY);
		CHECK(failure(r).reason == "the peer wants node 3, but this is node 2");
	}
	SECTION("the peer claims to be this node")
	{
		Handshake r = responder("10.0.0.2");
		refuses(r, hello(2, 2), OM_WR_IDENTITY);
		CHECK(failure(r).reason == "the peer claims to be node 2, which is this node");
	}
	SECTION("the responder is not the node the initiator connected to")
	{
		Handshake i = initiator(1, 2);
		i.start();
		refuses(i, hello(4, 1), OM_WR_IDENTITY);
		CHECK(failure(i).reason == "the peer is node 4, not node 2");
	}
	SECTION("the responder takes the initiator for another node")
	{
		Handshake i = initiator(1, 2);
		i.start();
		refuses(i, hello(2, 5), OM_WR_IDENTITY);
		CHECK(failure(i).reason == "the peer takes this node for node 5, but it is node 1");
	}
}

TEST_CASE("handshake: the responder's check may find a link exists already", "[handshake]")
{
	Handshake i = initiator();
	Handshake r = Handshake::responder(
		key(1), 2,
		[](NodeId claimed) -> std::optional<PeerRefusal> {
			if (claimed == 1)
				return PeerRefusal{OM_WR_BUSY, "a link to it exists already"};
			return std::nullopt;
		},
		nonces(0x80));
	run(i, r);
	CHECK(failure(r) == Failed{OM_WR_BUSY, "the peer claims to be node 1, but a link to it "
					       "exists already", true});
	CHECK(failure(i) == Failed{OM_WR_BUSY, "the peer refused the link: a link to this node "
					       "exists already", false});
}

TEST_CASE("handshake: the source address must be the claimed node's", "[handshake]")
{
	Handshake i = initiator(), r = responder("10.0.0.9");
	refuses(r, i.start(), OM_WR_IDENTITY);
	CHECK(failure(r).reason == "the peer claims to be node 1, but it connects from 10.0.0.9, "
				   "which the map does not give to node 1");
	Handshake i6 = initiator(), r6 = responder("fd00::1");
	refuses(r6, i6.start(), OM_WR_IDENTITY);

	// An alias counts, and so does an IPv4 address on a dual-stack socket.
	for (const char *source : {"192.168.0.1", "::ffff:10.0.0.1"}) {
		CAPTURE(source);
		Handshake a = initiator(), b = responder(source);
		run(a, b);
		CHECK(a.state() == Handshake::State{Done{2, 1}});
		CHECK(b.state() == Handshake::State{Done{1, 1}});
	}
	CHECK_THROWS_AS(map_peer_check(nullptr, Address::parse("10.0.0.1").value()),
			std::invalid_argument);
}

TEST_CASE("handshake: no common protocol version", "[handshake]")
{
	Handshake r = responder("10.0.0.1");
	refuses(r, hello(1, 2, 2, 3), OM_WR_VERSION);
	CHECK(failure(r).reason == "the peer speaks protocol versions 2..3, this node 1..1");

	Handshake i = initiator();
	i.start();
	refuses(i, hello(2, 1, 7, 9), OM_WR_VERSION);

	// A peer that frames with another wire version.
	Handshake s = responder("10.0.0.1");
	Bytes v2 = hello(1, 2);
	v2[4] = 2;
	refuses(s, v2, OM_WR_VERSION);
	CHECK(failure(s).reason == "the peer frames with wire version 2; this node knows version 1");

	// A range that reaches down to ours is fine.
	Handshake t = responder("10.0.0.1");
	t.feed(hello(1, 2, 1, 5));
	CHECK_FALSE(over(t));
}

TEST_CASE("handshake: garbage is refused at its first header", "[handshake]")
{
	const std::string http = "GET / HTTP/1.1\r\nHost: node2\r\n\r\n";
	Handshake r = responder();
	const Handshake::Step step = r.feed({reinterpret_cast<const std::uint8_t *>(http.data()),
					     http.size()});
	CHECK(failure(r) == Failed{OM_WR_PROTOCOL, "the peer does not speak the openMosix-NG "
						   "protocol", true});
	CHECK(step.consumed == OM_WIRE_HDR_LEN);
	CHECK(step.leftover == http.size() - OM_WIRE_HDR_LEN);
	CHECK(reject_code(step.send) == OM_WR_PROTOCOL);

	std::mt19937 rng(1);
	for (int n = 0; n < 200; ++n) {
		Bytes junk(std::uniform_int_distribution<std::size_t>(0, 300)(rng));
		for (auto &b : junk)
			b = static_cast<std::uint8_t>(rng());
		Handshake h = responder();
		const Handshake::Step s = h.feed(junk);
		if (junk.size() < OM_WIRE_HDR_LEN) {
			CHECK_FALSE(over(h));
			CHECK(s.send.empty());
		} else {
			CHECK(failure(h).code == OM_WR_PROTOCOL);
		}
	}
}

TEST_CASE("handshake: frames out of place or malformed", "[handshake]")
{
	const auto auth = [] {
		Bytes b = header(OM_WT_AUTH, OM_WIRE_AUTH_LEN);
		b.resize(kAuth);
		return b;
	};
	Handshake r1 = responder();
	refuses(r1, auth(), OM_WR_PROTOCOL);
	CHECK(failure(r1).reason == "unexpected AUTH frame: the handshake expects HELLO");

	Handshake r2 = responder();
	Bytes load = header(OM_WT_LOAD, OM_WIRE_LOAD_LEN);
	refuses(r2, load, OM_WR_PROTOCOL);
	CHECK(failure(r2).reason == "unexpected LOAD frame: the handshake expects HELLO");

	Handshake r3 = responder();
	refuses(r3, header(200, 0), OM_WR_PROTOCOL);
	CHECK(failure(r3).reason == "unexpected type 200 frame: the handshake expects HELLO");

	Handshake r4 = responder();
	refuses(r4, header(OM_WT_HELLO, OM_WIRE_HELLO_LEN, OM_WIRE_VERSION, OM_WF_REQUEST, 7),
		OM_WR_PROTOCOL);
	CHECK(failure(r4).reason ==
	      "HELLO frame of 44 bytes with flags 0x1: it has 44 bytes and no flags");

	Handshake r5 = responder();
	refuses(r5, hello(0, 2), OM_WR_PROTOCOL);
	CHECK(failure(r5).reason == "a malformed HELLO (bad field value)");

	// A second HELLO where the AUTH is due.
	Handshake i = initiator(), r6 = responder();
	r6.feed(i.start());
	refuses(r6, hello(1, 2), OM_WR_PROTOCOL);
	CHECK(failure(r6).reason == "unexpected HELLO frame: the handshake expects AUTH");
}

TEST_CASE("handshake: a truncated frame waits for the rest", "[handshake]")
{
	Handshake i = initiator(), r = responder();
	const Bytes hello_i = i.start();
	CHECK(r.wanted() == OM_WIRE_HDR_LEN);
	Handshake::Step step = r.feed({hello_i.data(), 10});
	CHECK(step.send.empty());
	CHECK(step.consumed == 10);
	CHECK(r.wanted() == OM_WIRE_HDR_LEN - 10);
	step = r.feed({hello_i.data() + 10, kHello - 11});
	CHECK(step.send.empty());
	CHECK_FALSE(over(r));
	CHECK(r.wanted() == 1);
	step = r.feed({});
	CHECK(step.send.empty());
	CHECK(step.consumed == 0);
	step = r.feed({hello_i.data() + kHello - 1, 1});
	CHECK(step.send.size() == kHello);
	CHECK(r.wanted() == OM_WIRE_HDR_LEN);

	// A peer that stops half-way leaves the handshake waiting (the caller's
	// timeout ends it), having sent nothing it should not have.
	const Bytes auth_i = i.feed(step.send).send;
	step = r.feed({auth_i.data(), kAuth - 1});
	CHECK(step.send.empty());
	CHECK(r.state() == Handshake::State{InProgress{}});
	CHECK(r.wanted() == 1);
}

TEST_CASE("handshake: a reflected AUTH or HELLO is refused", "[handshake]")
{
	// The attacker plays the responder and sends the initiator's own AUTH
	// back: the transcript is the same, only the role byte differs.
	Handshake i = initiator(), r = responder();
	const Bytes hello_r = r.feed(i.start()).send;
	const Bytes auth_i = i.feed(hello_r).send;
	refuses(i, auth_i, OM_WR_AUTH);
	CHECK(failure(i).reason == "the peer does not hold this cluster's key");

	// The initiator's own HELLO sent back.
	Handshake j = initiator();
	const Bytes hello_j = j.start();
	refuses(j, hello_j, OM_WR_IDENTITY);

	// A HELLO that fits but carries the initiator's own nonce.
	Handshake k = initiator();
	k.start();
	refuses(k, hello(2, 1, 1, 1, 0x10), OM_WR_PROTOCOL);
	CHECK(failure(k).reason == "the peer sent this node's own nonce back");
}

TEST_CASE("handshake: nothing oversized is waited for or buffered", "[handshake]")
{
	Bytes big = header(OM_WT_HELLO, 1u << 20);
	big.resize(2u << 20, 0x41);
	Handshake r = responder();
	const Handshake::Step step = r.feed(big);
	CHECK(failure(r).code == OM_WR_PROTOCOL);
	CHECK(step.consumed == OM_WIRE_HDR_LEN);
	CHECK(step.leftover == big.size() - OM_WIRE_HDR_LEN);

	Handshake s = responder();
	refuses(s, header(OM_WT_HELLO, OM_WIRE_HELLO_LEN + 1), OM_WR_PROTOCOL);
	Handshake t = responder();
	refuses(t, header(OM_WT_FIRST_USER, OM_WIRE_MAX_PAYLOAD), OM_WR_PROTOCOL);
	Handshake u = responder();
	refuses(u, header(OM_WT_PING, OM_WIRE_MAX_PAYLOAD + 1), OM_WR_PROTOCOL);
	CHECK(Handshake::kMaxFrame <= 128);
}

TEST_CASE("handshake: bytes after the last AUTH are left to the link", "[handshake]")
{
	Handshake i = initiator(), r = responder();
	const Bytes hello_r = r.feed(i.start()).send;
	Bytes auth_i = i.feed(hello_r).send;
	const Bytes early = header(OM_WT_HEARTBEAT, 0);
	append(auth_i, early);
	Handshake::Step step = r.feed(auth_i);
	CHECK(step.state == Handshake::State{Done{1, 1}});
	CHECK(step.consumed == kAuth);
	CHECK(step.leftover == early.size());
	CHECK(r.wanted() == 0);

	Bytes auth_r = step.send;
	append(auth_r, early);
	append(auth_r, early);
	step = i.feed(auth_r);
	CHECK(step.state == Handshake::State{Done{2, 1}});
	CHECK(step.consumed == kAuth);
	CHECK(step.leftover == 2 * early.size());

	// Once over, nothing more is taken.
	step = i.feed(early);
	CHECK(step.state == Handshake::State{Done{2, 1}});
	CHECK(step.consumed == 0);
	CHECK(step.leftover == early.size());
	CHECK(step.send.empty());
}

TEST_CASE("handshake: a REJECT from the peer ends it without an answer", "[handshake]")
{
	Handshake i = initiator();
	i.start();
	Handshake::Step step = i.feed(reject(OM_WR_BUSY, "a link to this node exists already"));
	CHECK(step.send.empty());
	CHECK(failure(i) == Failed{OM_WR_BUSY,
				   "the peer refused the link: a link to this node exists already",
				   false});

	Handshake r = responder();
	step = r.feed(reject(OM_WR_IDENTITY, "bell\a\xff"));
	CHECK(step.send.empty());
	CHECK(failure(r).reason == "the peer refused the link: bell\\x07\\xff");

	Handshake s = responder();
	step = s.feed(reject(9, "what"));
	CHECK(step.send.empty());
	CHECK(failure(s) == Failed{OM_WR_PROTOCOL,
				   "the peer refused the link with a malformed REJECT (bad field "
				   "value)",
				   false});
}

TEST_CASE("handshake: misuse is a programming error", "[handshake]")
{
	Handshake r = responder();
	CHECK_THROWS_AS(r.start(), std::logic_error);
	Handshake i = initiator();
	CHECK(i.wanted() == 0);
	CHECK_THROWS_AS(i.feed(Bytes{1, 2, 3}), std::logic_error);
	i.start();
	CHECK(i.wanted() == OM_WIRE_HDR_LEN);
	CHECK_THROWS_AS(i.start(), std::logic_error);
	CHECK_THROWS_AS(Handshake::initiator(key(1), 1, 1), std::invalid_argument);
	CHECK_THROWS_AS(Handshake::initiator(key(1), 0, 2), std::invalid_argument);
	CHECK_THROWS_AS(Handshake::responder(key(1), 2, PeerCheck{}), std::invalid_argument);
	CHECK_THROWS_AS(Handshake::initiator(key(1), 1, 2, NonceSource{}), std::invalid_argument);
}
