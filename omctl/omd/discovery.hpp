#pragma once

// Automatic discovery (omd --discover), what openMosix's omdiscd did: every
// node announces itself on the cluster network, listens for the others and
// builds the node map from what it hears, so that no map file is needed.
//
// Transport: UDP multicast, IPv4 only, to the group discover-group
// (default 239.255.46.60, in the IPv4 Local Scope 239.255.0.0/16 of RFC
// 2365) on the peer-link port (default 4660/udp), with TTL 1: the
// announcements never leave the link. They go out of, and are listened for
// on, the interface that carries this node's address, which is the first
// of: discover-address; listen, if it is a specific IPv4 address; the one
// IPv4 address of the interface of the default route; the machine's only
// IPv4 address besides loopback. Anything else is an error that says to
// set discover-address. The socket joins the group on that interface
// (IP_ADD_MEMBERSHIP), sends from it (IP_MULTICAST_IF, and the address as
// the source of every datagram), does not hear its own datagrams
// (IP_MULTICAST_LOOP off), and takes no datagram to another group
// (bound to the group, IP_MULTICAST_ALL off). Switches that snoop IGMP need
// a querier on the network, or a group in 224.0.0.0/24, which they always
// flood; a Linux bridge floods while it has seen no querier.
//
// The datagram: an OM_WT_ANNOUNCE frame of include/openmosix/wire.h, a
// 24-byte header and 48 bytes of payload {address, node id, prefix length,
// flags, time in ms, MAC}. The MAC is a keyed BLAKE2b-256 under the cluster
// key (as the handshake's) of "openmosix-ng announce v1", the header and
// the first 16 bytes of the payload. A node announces at start, then
// every second for its first 10 s (a datagram may be lost while a link
// comes up), then every interval; and, at most once a second, soon after
// it hears a node it did not know, so that a newcomer learns of it without
// waiting an interval.
//
// Node ids, as openMosix gave them: the host part of the address within
// its network, the low 16 bits for a network wider than /16. 10.0.0.7/24
// is node 7, 192.168.3.7/16 node 775 (3 x 256 + 7), 10.1.2.3/8 node 515:
// for /16 and wider exactly omdiscd's "last two octets"; on a narrower
// network only the host bits count, so 192.168.10.220/24 is node 220, not
// omdiscd's 2780. The id always fits in 16 bits; a host part of 0, or the
// broadcast address of a network up to /30, gives no id, and omd refuses
// to start with the reason: set node-id. A node-id that is set is
// announced as it is (flagged OM_WA_ID_SET); otherwise the receivers check
// that the id is the one the address and prefix give.
//
// The map: this node and every node that announced itself with the
// cluster key, each at the address it announced; installed in the kernel
// (OM_CMD_SET_MAP) whenever it changes, so that omd dials the new nodes
// as it does those of a map file. Two addresses that give the same id:
// the first heard keeps it, the other is refused and logged (set node-id
// on one of them). An address heard with a newer announcement of another
// id moves to that id. A node that stops announcing stays in the map
// (down in the cluster view); omd forgets it only when it restarts.
//
// What a receiver drops, logging it once at warning per sender and
// reason, then at debug: anything that does not decode or has the wrong
// size, a wrong MAC (another cluster, or no key), an address no node can
// have, a datagram not sent from the address it announces, a time more
// than 300 s off this node's clock (Kerberos's limit: the clocks must be
// roughly set), or not newer than the last accepted from that address.
//
// Replay: the MAC covers the address and the id, so a recorded
// announcement can only say again that a real node of the cluster is at
// its real address, and only within 300 s of when it was made, from that
// address, and at most once to each node that hears it. The worst it can do is put a node that left back in the
// map of a node that restarted, where it stays down; or take an id first
// on a network where two addresses give the same id. It cannot make a
// node link to anyone without the key: every link still runs the
// handshake.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "address.hpp"
#include "cluster_key.hpp"
#include "map.hpp"
#include "net.hpp"
#include "omd_config.hpp"
#include "openmosix/wire.h"
#include "unique_fd.hpp"

namespace om::omd {

using Clock = std::chrono::steady_clock;

// Discovery cannot run: the message says what to set.
class DiscoveryError : public std::runtime_error {
public:
	using std::runtime_error::runtime_error;
};

// The node id ADDRESS (IPv4) gives within a network of PREFIX_LEN bits,
// as the header says, or why it gives none.
std::variant<NodeId, std::string> node_id_from_address(const Address &address, unsigned prefix_len);

// This node as it announces itself.
struct DiscoverySelf {
	Address address = Address::parse("0.0.0.0").value();	// IPv4, on the cluster network
	unsigned prefix_len = 0;	// of that network
	NodeId id = 0;
	bool id_set = false;		// node-id set, not derived

	bool operator==(const DiscoverySelf &) const = default;
};

// LOCAL as a node: with ID if one is set, else the id its address gives.
// Throws DiscoveryError when it gives none.
DiscoverySelf discovery_self(const LocalAddress &local, std::optional<NodeId> id);

// The address discovery runs on, chosen as the header says among LOCAL,
// this machine's IPv4 addresses, with DEFAULT_ROUTE the interface of the
// default route, if any. Throws DiscoveryError.
LocalAddress choose_discovery_address(const OmdConfig &config, std::span<const LocalAddress> local,
				      const std::optional<std::string> &default_route);

// The protocol, without sockets: makes this node's announcements, judges
// the ones received, and keeps the map they make.
class Discovery {
public:
	using WallClock = std::chrono::system_clock;

	static constexpr std::size_t kDatagramSize = OM_WIRE_HDR_LEN + OM_WIRE_ANNOUNCE_LEN;
	static constexpr std::chrono::seconds kMaxSkew{300};
	static constexpr std::string_view kMacLabel = "openmosix-ng announce v1";

	// Why a datagram was dropped.
	enum class Drop {
		Malformed,	// does not decode, or not an announcement
		Auth,		// wrong MAC
		Address,	// an address no node can have
		Source,		// not sent from the address it announces
		Clock,		// too far from this node's clock
		Stale,		// not newer than the last from that address
		Id,		// the id is not the one its address gives
		Conflict,	// the id is this node's, or another address's
		Full,		// the map holds OM_MAP_MAX_NODES nodes
	};

	// What a datagram did.
	struct Received {
		enum class What { Added, Moved, Known, Own, Dropped } what = What::Dropped;
		NodeId id = 0;		// the node announced, once decoded
		Drop drop = Drop::Malformed;	// when Dropped
		std::string why;	// for the log: what happened, or why dropped

		bool changed() const noexcept { return what == What::Added || what == What::Moved; }
	};

	Discovery(ClusterKey key, DiscoverySelf self);

	const DiscoverySelf &self() const noexcept { return self_; }
	// This node's announcement, stamped NOW.
	std::vector<std::uint8_t> announcement(WallClock::time_point now) const;
	// DATAGRAM, from SOURCE, received at NOW.
	Received receive(std::span<const std::uint8_t> datagram, const Address &source,
			 WallClock::time_point now);
	// This node and every node accepted.
	Map map() const;

private:
	struct Known {
		Address address;
		std::uint64_t time_ms = 0;	// of the newest announcement accepted
	};
	using Mac = std::array<std::uint8_t, OM_WIRE_MAC_LEN>;

	Mac mac(std::span<const std::uint8_t> datagram) const;
	Received accept(const om_wire_announce &a, const Address &address);
	static Received dropped(Drop drop, std::string why, NodeId id = 0);

	ClusterKey key_;
	DiscoverySelf self_;
	std::map<NodeId, Known> nodes_;		// the others, by id
};

// When to announce, as the header says.
class AnnounceSchedule {
public:
	static constexpr std::chrono::seconds kYoung{10};	// announce fast this long
	static constexpr std::chrono::seconds kFast{1};

	AnnounceSchedule(Clock::time_point start, std::chrono::milliseconds interval);

	Clock::time_point due() const noexcept { return due_; }
	void sent(Clock::time_point now);
	// A node this one did not know was heard at NOW: announce soon.
	void newcomer(Clock::time_point now);

private:
	Clock::time_point start_;
	std::chrono::milliseconds interval_;
	Clock::time_point due_;
	std::optional<Clock::time_point> last_;
};

// Discovery as omd runs it: the protocol over the multicast socket, on
// the schedule, with the drops logged once per sender and reason.
class DiscoveryAgent {
public:
	// Chooses the address, derives the id and opens the socket. Throws
	// DiscoveryError or std::system_error.
	DiscoveryAgent(const OmdConfig &config, const ClusterKey &key);

	int fd() const noexcept { return fd_.get(); }
	Clock::time_point due() const noexcept { return schedule_.due(); }
	const DiscoverySelf &self() const noexcept { return discovery_.self(); }
	Map map() const { return discovery_.map(); }

	// Reads the datagrams waiting (a bounded number): whether the map changed.
	bool on_readable();
	// Announces if it is time to.
	void on_timer(Clock::time_point now);

private:
	void log(const Discovery::Received &r, const Address &source);

	LocalAddress local_;
	Address group_;
	std::uint16_t port_;
	Discovery discovery_;
	AnnounceSchedule schedule_;
	UniqueFd fd_;
	std::set<std::pair<Address, Discovery::Drop>> warned_;
	bool send_failed_ = false;
};

} // namespace om::omd
