#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "address.hpp"
#include "cluster_key.hpp"
#include "map.hpp"
#include "openmosix/wire.h"

namespace om {

// Fills a HELLO nonce; random_nonce in omd, something repeatable in tests.
using NonceSource = std::function<void(std::span<std::uint8_t, OM_WIRE_NONCE_LEN>)>;
void random_nonce(std::span<std::uint8_t, OM_WIRE_NONCE_LEN> nonce);

// Why a responder turns away a peer that claims to be some node: the code
// its REJECT carries (OM_WR_IDENTITY; OM_WR_BUSY when a link to that node
// exists already) and, for the log, the end of "the peer claims to be node
// N, but ...".
struct PeerRefusal {
	om_wire_reject code = OM_WR_IDENTITY;
	std::string reason;
};

// Whether a peer that claims to be node CLAIMED may link: nothing if so.
using PeerCheck = std::function<std::optional<PeerRefusal>(NodeId claimed)>;

// The check a responder makes: CLAIMED is in MAP and SOURCE, the address
// the connection comes from, is one of that node's addresses.
PeerCheck map_peer_check(std::shared_ptr<const Map> map, const Address &source);

// The peer-link handshake of include/openmosix/wire.h for one connection,
// without any I/O: bytes from the peer go into feed(), which says what to
// send back and how far the handshake got. The initiator connected to the
// peer it expects; the responder accepted a connection and asks a
// PeerCheck whether the peer is who it claims to be. Either side proves it
// holds the cluster key with a MAC over both HELLO frames and its role, so
// neither a peer without the key nor a reflected AUTH gets through.
class Handshake {
public:
	enum class Role : std::uint8_t { Initiator = 1, Responder = 2 };

	struct InProgress {
		bool operator==(const InProgress &) const = default;
	};
	struct Done {
		NodeId peer = 0;
		unsigned version = 0;	// the protocol version both speak
		bool operator==(const Done &) const = default;
	};
	struct Failed {
		om_wire_reject code = OM_WR_PROTOCOL;
		std::string reason;		// for the log: what went wrong
		bool send_reject = false;	// Step::send ends with a REJECT frame
		bool operator==(const Failed &) const = default;
	};
	using State = std::variant<InProgress, Done, Failed>;

	struct Step {
		std::vector<std::uint8_t> send;	// to write to the peer, in order
		State state;
		std::size_t consumed = 0;	// bytes of the input the handshake took
		// Bytes of the input after the handshake's last frame: they belong
		// to the link that follows, or to a peer that sends too early.
		std::size_t leftover = 0;
	};

	// The longest frame a handshake takes: the most it ever buffers.
	static constexpr std::size_t kMaxFrame = OM_WIRE_HDR_LEN + OM_WIRE_REJECT_LEN;

	// SELF connects to node PEER.
	static Handshake initiator(ClusterKey key, NodeId self, NodeId peer,
				   NonceSource nonces = random_nonce);
	// SELF accepted a connection; CHECK judges the id the peer claims.
	static Handshake responder(ClusterKey key, NodeId self, PeerCheck check,
				   NonceSource nonces = random_nonce);

	Role role() const noexcept { return role_; }
	// The initiator's first frame, its HELLO; once, before feed().
	std::vector<std::uint8_t> start();
	// Takes BYTES from the peer, whole frames or any part of them: as many
	// as the handshake needs, never the bytes after its last frame.
	Step feed(std::span<const std::uint8_t> bytes);
	// How many more bytes the frame being read needs (0 once the handshake
	// is over): reading no more than this never takes the link's bytes.
	std::size_t wanted() const noexcept;
	const State &state() const noexcept { return state_; }

private:
	enum class Expect { Start, Hello, Auth, Nothing };
	using Mac = std::array<std::uint8_t, OM_WIRE_MAC_LEN>;

	Handshake(Role role, ClusterKey key, NodeId self, NodeId peer, PeerCheck check,
		  NonceSource nonces);

	bool read_header(Step &step);
	void read_frame(Step &step);
	void on_hello(Step &step, const std::uint8_t *payload);
	void on_auth(Step &step, const std::uint8_t *payload);
	void on_reject(Step &step, const std::uint8_t *payload);
	// Sets version_ to the highest both speak; else says why there is none.
	std::optional<std::string> agree_version(const om_wire_hello &hello);
	std::vector<std::uint8_t> hello_frame(NodeId peer);
	Mac mac(Role role) const;
	void fail(Step &step, om_wire_reject code, std::string reason);

	Role role_;
	ClusterKey key_;
	NodeId self_;
	NodeId peer_;		// the initiator's expected peer; the responder's once claimed
	PeerCheck check_;
	NonceSource nonces_;
	Expect expect_;
	State state_;
	std::array<std::uint8_t, OM_WIRE_NONCE_LEN> nonce_{};
	std::vector<std::uint8_t> hello_initiator_, hello_responder_;	// as sent
	std::array<std::uint8_t, kMaxFrame> in_{};
	std::size_t have_ = 0;
	std::optional<om_wire_hdr> header_;	// of the frame in in_, once read
	unsigned version_ = 0;
};

} // namespace om
