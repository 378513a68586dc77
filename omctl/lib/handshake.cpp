#include "handshake.hpp"

#include <algorithm>
#include <cstring>
#include <fmt/format.h>
#include <sodium.h>
#include <stdexcept>
#include <string_view>

namespace om {

namespace {

constexpr std::string_view kMacLabel = "openmosix-ng auth v1";
constexpr std::size_t kHelloFrame = OM_WIRE_HDR_LEN + OM_WIRE_HELLO_LEN;
constexpr std::size_t kMacInput = kMacLabel.size() + 1 + 2 * kHelloFrame;

static_assert(Handshake::kMaxFrame >= kHelloFrame &&
	      Handshake::kMaxFrame >= OM_WIRE_HDR_LEN + OM_WIRE_AUTH_LEN);

// What a REJECT tells the peer: short and fixed; the details stay in our log.
const char *reject_text(om_wire_reject code)
{
	switch (code) {
	case OM_WR_VERSION:
		return "no common protocol version";
	case OM_WR_AUTH:
		return "authentication failed: not this cluster's key";
	case OM_WR_IDENTITY:
		return "node id unknown or not at this address";
	case OM_WR_BUSY:
		return "a link to this node exists already";
	case OM_WR_PROTOCOL:
		break;
	}
	return "malformed or unexpected frame";
}

std::string type_name(unsigned type)
{
	switch (type) {
	case OM_WT_HELLO:
		return "HELLO";
	case OM_WT_AUTH:
		return "AUTH";
	case OM_WT_REJECT:
		return "REJECT";
	case OM_WT_HEARTBEAT:
		return "HEARTBEAT";
	case OM_WT_LOAD:
		return "LOAD";
	case OM_WT_PING:
		return "PING";
	}
	return fmt::format("type {}", type);
}

// The payload length of the frames a handshake takes; 0 for the others.
std::size_t handshake_length(std::uint8_t type)
{
	if (type != OM_WT_HELLO && type != OM_WT_AUTH && type != OM_WT_REJECT)
		return 0;
	return static_cast<std::size_t>(om_wire_type_len(type));
}

// A frame of TYPE with room for its payload after the header.
std::vector<std::uint8_t> frame(om_wire_type type, std::size_t length)
{
	std::vector<std::uint8_t> f(OM_WIRE_HDR_LEN + length);
	om_wire_hdr hdr{};
	hdr.magic = OM_WIRE_MAGIC;
	hdr.version = OM_WIRE_VERSION;
	hdr.type = type;
	hdr.length = static_cast<std::uint32_t>(length);
	om_wire_put_hdr(f.data(), &hdr);
	return f;
}

std::vector<std::uint8_t> auth_frame(std::span<const std::uint8_t, OM_WIRE_MAC_LEN> mac)
{
	std::vector<std::uint8_t> f = frame(OM_WT_AUTH, OM_WIRE_AUTH_LEN);
	std::copy(mac.begin(), mac.end(), f.begin() + OM_WIRE_HDR_LEN);
	return f;
}

std::vector<std::uint8_t> reject_frame(om_wire_reject code)
{
	std::vector<std::uint8_t> f = frame(OM_WT_REJECT, OM_WIRE_REJECT_LEN);
	om_wire_reject_msg m{};
	m.code = code;
	std::strncpy(m.reason, reject_text(code), sizeof(m.reason) - 1);
	om_wire_put_reject(f.data() + OM_WIRE_HDR_LEN, &m);
	return f;
}

// The peer's words as they may go to a log: bytes that are not printable
// ASCII become \xNN.
std::string printable(std::string_view text)
{
	std::string out;
	for (const char c : text.substr(0, text.find('\0'))) {
		if (c >= 0x20 && c < 0x7f)
			out += c;
		else
			out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
	}
	return out;
}

void append(std::vector<std::uint8_t> &to, const std::vector<std::uint8_t> &bytes)
{
	to.insert(to.end(), bytes.begin(), bytes.end());
}

} // namespace

void random_nonce(std::span<std::uint8_t, OM_WIRE_NONCE_LEN> nonce)
{
	init_sodium();
	randombytes_buf(nonce.data(), nonce.size());
}

PeerCheck map_peer_check(std::shared_ptr<const Map> map, const Address &source)
{
	if (!map)
		throw std::invalid_argument("map_peer_check: no map");
	// A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d.
	const Address from = source.unmapped().value_or(source);
	return [map = std::move(map), from](NodeId claimed) -> std::optional<PeerRefusal> {
		const auto at = [&](const Node &node) {
			return std::find(node.addresses.begin(), node.addresses.end(), from) !=
			       node.addresses.end();
		};
		const Node *node = map->find(claimed);
		if (!node)
			return PeerRefusal{OM_WR_IDENTITY,
					   fmt::format("node {} is not in the map", claimed)};
		if (at(*node))
			return std::nullopt;
		for (const Node &other : map->nodes())
			if (at(other))
				return PeerRefusal{OM_WR_IDENTITY,
						   fmt::format("it connects from {}, which the map "
							       "gives to node {}", from.to_string(), other.id)};
		return PeerRefusal{OM_WR_IDENTITY,
				   fmt::format("it connects from {}, which the map does not give to "
					       "node {}", from.to_string(), claimed)};
	};
}

Handshake Handshake::initiator(ClusterKey key, NodeId self, NodeId peer, NonceSource nonces)
{
	if (self == 0 || peer == 0 || self == peer)
		throw std::invalid_argument(fmt::format("Handshake: node {} cannot link to node {}",
							self, peer));
	return Handshake(Role::Initiator, std::move(key), self, peer, {}, std::move(nonces));
}

Handshake Handshake::responder(ClusterKey key, NodeId self, PeerCheck check, NonceSource nonces)
{
	if (self == 0 || !check)
		throw std::invalid_argument("Handshake: a responder needs its node id and a peer check");
	return Handshake(Role::Responder, std::move(key), self, 0, std::move(check), std::move(nonces));
}

Handshake::Handshake(Role role, ClusterKey key, NodeId self, NodeId peer, PeerCheck check,
		     NonceSource nonces)
	: role_(role), key_(std::move(key)), self_(self), peer_(peer), check_(std::move(check)),
	  nonces_(std::move(nonces)), expect_(role == Role::Initiator ? Expect::Start : Expect::Hello)
{
	if (!nonces_)
		throw std::invalid_argument("Handshake: no nonce source");
}

std::vector<std::uint8_t> Handshake::start()
{
	if (role_ != Role::Initiator || expect_ != Expect::Start)
		throw std::logic_error("Handshake::start: only an initiator starts, and once");
	hello_initiator_ = hello_frame(peer_);
	expect_ = Expect::Hello;
	return hello_initiator_;
}

std::size_t Handshake::wanted() const noexcept
{
	if (!std::holds_alternative<InProgress>(state_) || expect_ == Expect::Start)
		return 0;
	return (header_ ? OM_WIRE_HDR_LEN + header_->length : OM_WIRE_HDR_LEN) - have_;
}

Handshake::Step Handshake::feed(std::span<const std::uint8_t> bytes)
{
	if (expect_ == Expect::Start)
		throw std::logic_error("Handshake::feed: the initiator has not started");
	Step step;
	std::size_t used = 0;
	// Copy no more than the frame being read needs: the buffer stays within
	// kMaxFrame whatever the peer sends, and the link's bytes stay out.
	while (std::holds_alternative<InProgress>(state_) && used < bytes.size()) {
		const std::size_t take = std::min(wanted(), bytes.size() - used);
		std::copy_n(bytes.data() + used, take, in_.data() + have_);
		have_ += take;
		used += take;
		if (!header_ && have_ == OM_WIRE_HDR_LEN && !read_header(step))
			break;
		if (header_ && have_ == OM_WIRE_HDR_LEN + header_->length)
			read_frame(step);
	}
	step.state = state_;
	step.consumed = used;
	step.leftover = bytes.size() - used;
	return step;
}

// Judges a frame by its header, before its payload arrives: a peer cannot
// make the handshake wait for, or hold, anything it would not take.
bool Handshake::read_header(Step &step)
{
	om_wire_hdr hdr{};
	const int err = om_wire_get_hdr(in_.data(), have_, &hdr);
	if (err == OM_WE_MAGIC) {
		fail(step, OM_WR_PROTOCOL, "the peer does not speak the openMosix-NG protocol");
		return false;
	}
	if (err == OM_WE_VERSION) {
		fail(step, OM_WR_VERSION, fmt::format("the peer frames with wire version {}; this node "
						      "knows version {}", in_[4], OM_WIRE_VERSION));
		return false;
	}
	if (err) {
		fail(step, OM_WR_PROTOCOL, fmt::format("a malformed frame header ({}) during the "
						       "handshake", om_wire_strerror(err)));
		return false;
	}
	const unsigned due = expect_ == Expect::Hello ? OM_WT_HELLO : OM_WT_AUTH;
	const std::size_t length = handshake_length(hdr.type);
	if (!length || (hdr.type != OM_WT_REJECT && hdr.type != due)) {
		fail(step, OM_WR_PROTOCOL, fmt::format("unexpected {} frame: the handshake expects {}",
						       type_name(hdr.type), type_name(due)));
		return false;
	}
	if (hdr.length != length || hdr.flags != 0) {
		fail(step, OM_WR_PROTOCOL, fmt::format("{} frame of {} bytes with flags {:#x}: it has "
						       "{} bytes and no flags", type_name(hdr.type),
						       hdr.length, hdr.flags, length));
		return false;
	}
	header_ = hdr;
	return true;
}

void Handshake::read_frame(Step &step)
{
	const std::uint8_t *payload = in_.data() + OM_WIRE_HDR_LEN;
	switch (header_->type) {
	case OM_WT_HELLO:
		on_hello(step, payload);
		break;
	case OM_WT_AUTH:
		on_auth(step, payload);
		break;
	default:
		on_reject(step, payload);
		break;
	}
	have_ = 0;
	header_.reset();
}

std::optional<std::string> Handshake::agree_version(const om_wire_hello &hello)
{
	const unsigned low = std::max<unsigned>(hello.min_version, 1);
	const unsigned high = std::min<unsigned>(hello.max_version, OM_WIRE_VERSION);
	if (low > high)
		return fmt::format("the peer speaks protocol versions {}..{}, this node {}..{}",
				   hello.min_version, hello.max_version, 1, OM_WIRE_VERSION);
	version_ = high;
	return std::nullopt;
}

void Handshake::on_hello(Step &step, const std::uint8_t *payload)
{
	om_wire_hello hello{};
	if (const int err = om_wire_get_hello(payload, OM_WIRE_HELLO_LEN, &hello))
		return fail(step, OM_WR_PROTOCOL,
			    fmt::format("a malformed HELLO ({})", om_wire_strerror(err)));
	if (auto why = agree_version(hello))
		return fail(step, OM_WR_VERSION, std::move(*why));
	std::vector<std::uint8_t> received(in_.begin(), in_.begin() + kHelloFrame);
	if (role_ == Role::Initiator) {
		if (hello.node_id != peer_)
			return fail(step, OM_WR_IDENTITY, fmt::format("the peer is node {}, not node {}",
								      hello.node_id, peer_));
		if (hello.peer_id != self_)
			return fail(step, OM_WR_IDENTITY,
				    fmt::format("the peer takes this node for node {}, but it is node {}",
						hello.peer_id, self_));
		if (std::equal(nonce_.begin(), nonce_.end(), hello.nonce))
			return fail(step, OM_WR_PROTOCOL, "the peer sent this node's own nonce back");
		hello_responder_ = std::move(received);
		append(step.send, auth_frame(mac(Role::Initiator)));
	} else {
		if (hello.node_id == self_)
			return fail(step, OM_WR_IDENTITY,
				    fmt::format("the peer claims to be node {}, which is this node", self_));
		if (hello.peer_id != self_)
			return fail(step, OM_WR_IDENTITY,
				    fmt::format("the peer wants node {}, but this is node {}",
						hello.peer_id, self_));
		if (auto refusal = check_(hello.node_id))
			return fail(step, refusal->code,
				    fmt::format("the peer claims to be node {}, but {}", hello.node_id,
						refusal->reason));
		peer_ = hello.node_id;
		hello_initiator_ = std::move(received);
		hello_responder_ = hello_frame(peer_);
		append(step.send, hello_responder_);
	}
	expect_ = Expect::Auth;
}

void Handshake::on_auth(Step &step, const std::uint8_t *payload)
{
	const Role peer_role = role_ == Role::Initiator ? Role::Responder : Role::Initiator;
	const Mac expected = mac(peer_role);
	if (sodium_memcmp(payload, expected.data(), expected.size()) != 0)
		return fail(step, OM_WR_AUTH, "the peer does not hold this cluster's key");
	if (role_ == Role::Responder)
		append(step.send, auth_frame(mac(Role::Responder)));
	expect_ = Expect::Nothing;
	state_ = Done{peer_, version_};
}

void Handshake::on_reject(Step &, const std::uint8_t *payload)
{
	om_wire_reject_msg m{};
	expect_ = Expect::Nothing;
	if (const int err = om_wire_get_reject(payload, OM_WIRE_REJECT_LEN, &m)) {
		state_ = Failed{OM_WR_PROTOCOL,
				fmt::format("the peer refused the link with a malformed REJECT ({})",
					    om_wire_strerror(err)),
				false};
		return;
	}
	state_ = Failed{static_cast<om_wire_reject>(m.code),
			fmt::format("the peer refused the link: {}",
				    printable({m.reason, sizeof(m.reason)})),
			false};
}

std::vector<std::uint8_t> Handshake::hello_frame(NodeId peer)
{
	nonces_(nonce_);
	om_wire_hello hello{};
	hello.min_version = 1;
	hello.max_version = OM_WIRE_VERSION;
	hello.node_id = self_;
	hello.peer_id = peer;
	std::copy(nonce_.begin(), nonce_.end(), hello.nonce);
	std::vector<std::uint8_t> f = frame(OM_WT_HELLO, OM_WIRE_HELLO_LEN);
	om_wire_put_hello(f.data() + OM_WIRE_HDR_LEN, &hello);
	return f;
}

// Keyed BLAKE2b-256 of the label, ROLE and both HELLO frames as sent: the
// role keeps one side's AUTH from passing for the other's.
Handshake::Mac Handshake::mac(Role role) const
{
	std::array<std::uint8_t, kMacInput> input{};
	auto at = std::copy(kMacLabel.begin(), kMacLabel.end(), input.begin());
	*at++ = static_cast<std::uint8_t>(role);
	at = std::copy(hello_initiator_.begin(), hello_initiator_.end(), at);
	std::copy(hello_responder_.begin(), hello_responder_.end(), at);
	Mac out{};
	const ClusterKey::Bytes key = key_.bytes();
	crypto_generichash(out.data(), out.size(), input.data(), input.size(), key.data(), key.size());
	return out;
}

void Handshake::fail(Step &step, om_wire_reject code, std::string reason)
{
	append(step.send, reject_frame(code));
	expect_ = Expect::Nothing;
	state_ = Failed{code, std::move(reason), true};
}

} // namespace om
