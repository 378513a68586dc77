#include "discovery.hpp"

#include <algorithm>
#include <cstring>
#include <fmt/format.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

#include "uapi/linux/openmosix.h"

namespace om::omd {

namespace {

constexpr std::size_t kMaced = OM_WIRE_HDR_LEN + OM_WIRE_ANNOUNCE_MACED;
// Senders whose drops are remembered, so that each is warned about once:
// beyond this many, every drop is logged at debug only.
constexpr std::size_t kMaxWarned = 1024;

std::uint32_t host_order(const Address &address)
{
	const auto b = address.bytes();
	return std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 | std::uint32_t{b[2]} << 8 | b[3];
}

bool unspecified(const Address &address)
{
	const auto b = address.bytes();
	return std::all_of(b.begin(), b.end(), [](auto x) { return x == 0; });
}

std::string with_prefix(const Address &address, unsigned prefix_len)
{
	return fmt::format("{}/{}", address.to_string(), prefix_len);
}

std::string names(const std::vector<LocalAddress> &addresses)
{
	std::string out;
	for (const LocalAddress &a : addresses)
		out += fmt::format("{}{} on {}", out.empty() ? "" : ", ",
				   with_prefix(a.address, a.prefix_len), a.interface);
	return out;
}

std::uint64_t epoch_ms(Discovery::WallClock::time_point t)
{
	const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch());
	return static_cast<std::uint64_t>(std::max<std::chrono::milliseconds::rep>(ms.count(), 0));
}

} // namespace

std::variant<NodeId, std::string> node_id_from_address(const Address &address, unsigned prefix_len)
{
	if (!address.is_v4())
		return std::string("discovery speaks IPv4 only");
	if (prefix_len > 32)
		return fmt::format("/{} is no IPv4 prefix", prefix_len);
	if (prefix_len == 32)
		return std::string("a /32 has no host part");
	const std::uint32_t host_mask = prefix_len == 0 ? ~0u : ~0u >> prefix_len;
	const std::uint32_t host = host_order(address) & host_mask;
	if (host == 0)
		return std::string("it is the address of its network itself");
	if (host == host_mask && prefix_len <= 30)
		return std::string("it is the broadcast address of its network");
	const std::uint32_t id = host & 0xffff;
	if (id == 0)
		return std::string("the low 16 bits of its host part are 0, and no node has id 0");
	return static_cast<NodeId>(id);
}

DiscoverySelf discovery_self(const LocalAddress &local, std::optional<NodeId> id)
{
	if (id)
		return {local.address, local.prefix_len, *id, true};
	const auto derived = node_id_from_address(local.address, local.prefix_len);
	if (const auto *why = std::get_if<std::string>(&derived))
		throw DiscoveryError(fmt::format("{} on {} gives no node id: {}; set node-id",
						 with_prefix(local.address, local.prefix_len),
						 local.interface, *why));
	return {local.address, local.prefix_len, std::get<NodeId>(derived), false};
}

LocalAddress choose_discovery_address(const OmdConfig &config, std::span<const LocalAddress> local,
				      const std::optional<std::string> &default_route)
{
	const auto find = [&](const Address &a) {
		return std::find_if(local.begin(), local.end(),
				    [&](const LocalAddress &l) { return l.address == a; });
	};
	const bool listen_any = unspecified(config.listen);
	if (config.discover_address) {
		const Address &want = *config.discover_address;
		if (!listen_any && config.listen != want)
			throw DiscoveryError(fmt::format("discover-address is {} but listen is {}: the "
							 "peers dial the address discovery announces",
							 want.to_string(), config.listen.to_string()));
		const auto it = find(want);
		if (it == local.end())
			throw DiscoveryError(fmt::format("discover-address {} is not the address of an "
							 "interface of this machine that is up",
							 want.to_string()));
		return *it;
	}
	if (!listen_any) {
		if (!config.listen.is_v4())
			throw DiscoveryError(fmt::format("discovery speaks IPv4 only, and listen is {}: "
							 "set discover-address to this node's IPv4 "
							 "address", config.listen.to_string()));
		const auto it = find(config.listen);
		if (it == local.end())
			throw DiscoveryError(fmt::format("listen {} is not the address of an interface "
							 "of this machine that is up",
							 config.listen.to_string()));
		return *it;
	}
	std::vector<LocalAddress> usable, on_route;
	for (const LocalAddress &l : local)
		if (!l.address.unusable_reason())
			usable.push_back(l);
	for (const LocalAddress &l : usable)
		if (default_route && l.interface == *default_route)
			on_route.push_back(l);
	if (on_route.size() == 1)
		return on_route.front();
	if (on_route.size() > 1)
		throw DiscoveryError(fmt::format("the interface of the default route, {}, has several "
						 "IPv4 addresses ({}): set discover-address to the one "
						 "of this node", *default_route, names(on_route)));
	if (usable.size() == 1)
		return usable.front();
	if (usable.empty())
		throw DiscoveryError("this machine has no IPv4 address to announce but loopback: "
				     "configure the cluster network, or set discover-address");
	throw DiscoveryError(fmt::format("cannot tell which of this machine's IPv4 addresses ({}) "
					 "is on the cluster network{}: set discover-address",
					 names(usable), default_route ? "" : " (there is no default route)"));
}

Discovery::Discovery(ClusterKey key, DiscoverySelf self) : key_(std::move(key)), self_(self)
{
	if (!self_.address.is_v4() || self_.id == 0 || self_.prefix_len > 32)
		throw std::invalid_argument("Discovery: this node needs an IPv4 address and an id");
}

std::vector<std::uint8_t> Discovery::announcement(WallClock::time_point now) const
{
	std::vector<std::uint8_t> d(kDatagramSize);
	om_wire_hdr hdr{};
	hdr.magic = OM_WIRE_MAGIC;
	hdr.version = OM_WIRE_VERSION;
	hdr.type = OM_WT_ANNOUNCE;
	hdr.length = OM_WIRE_ANNOUNCE_LEN;
	om_wire_put_hdr(d.data(), &hdr);
	om_wire_announce a{};
	const auto addr = self_.address.bytes();
	std::copy(addr.begin(), addr.end(), a.addr);
	a.node_id = self_.id;
	a.prefix_len = static_cast<std::uint8_t>(self_.prefix_len);
	a.flags = self_.id_set ? OM_WA_ID_SET : 0;
	a.time_ms = epoch_ms(now);
	om_wire_put_announce(d.data() + OM_WIRE_HDR_LEN, &a);
	const Mac m = mac(d);
	std::copy(m.begin(), m.end(), d.begin() + kMaced);
	return d;
}

// Keyed BLAKE2b-256 of the label, the header and the payload up to the MAC.
Discovery::Mac Discovery::mac(std::span<const std::uint8_t> datagram) const
{
	std::array<std::uint8_t, kMacLabel.size() + kMaced> input{};
	const auto at = std::copy(kMacLabel.begin(), kMacLabel.end(), input.begin());
	std::copy_n(datagram.begin(), kMaced, at);
	Mac out{};
	const ClusterKey::Bytes key = key_.bytes();
	crypto_generichash(out.data(), out.size(), input.data(), input.size(), key.data(), key.size());
	return out;
}

Discovery::Received Discovery::dropped(Drop drop, std::string why, NodeId id)
{
	return {Received::What::Dropped, id, drop, std::move(why)};
}

Discovery::Received Discovery::receive(std::span<const std::uint8_t> datagram,
				       const Address &source, WallClock::time_point now)
{
	if (datagram.size() != kDatagramSize)
		return dropped(Drop::Malformed, fmt::format("{} bytes, where an announcement has {}",
							    datagram.size(), kDatagramSize));
	om_wire_hdr hdr{};
	if (const int err = om_wire_get_hdr(datagram.data(), datagram.size(), &hdr))
		return dropped(Drop::Malformed,
			       fmt::format("not an openMosix-NG frame ({})", om_wire_strerror(err)));
	if (hdr.type != OM_WT_ANNOUNCE)
		return dropped(Drop::Malformed, fmt::format("a frame of type {}, not an announcement",
							    hdr.type));
	// The header's rules give an announcement its one length: the MAC and
	// the payload are where they should be.
	const Mac expected = mac(datagram);
	if (sodium_memcmp(datagram.data() + kMaced, expected.data(), expected.size()) != 0)
		return dropped(Drop::Auth, "authentication failed: not this cluster's key");
	om_wire_announce a{};
	if (const int err = om_wire_get_announce(datagram.data() + OM_WIRE_HDR_LEN,
						 OM_WIRE_ANNOUNCE_LEN, &a))
		return dropped(Drop::Malformed, fmt::format("a malformed announcement ({})",
							    om_wire_strerror(err)));

	const Address address = *Address::from_bytes(std::span<const std::uint8_t>(a.addr));
	const Address from = source.unmapped().value_or(source);
	if (const auto why = address.unusable_reason())
		return dropped(Drop::Address, fmt::format("it announces {}, {}", address.to_string(),
							  *why), a.node_id);
	if (address != from)
		return dropped(Drop::Source, fmt::format("it announces {} but comes from {}",
							 address.to_string(), from.to_string()),
			       a.node_id);
	if (address == self_.address)
		return {Received::What::Own, a.node_id, Drop::Malformed, "this node's own announcement"};
	const std::uint64_t here = epoch_ms(now);
	const std::uint64_t skew = a.time_ms > here ? a.time_ms - here : here - a.time_ms;
	if (skew > static_cast<std::uint64_t>(std::chrono::milliseconds(kMaxSkew).count()))
		return dropped(Drop::Clock, fmt::format("its clock is {} s {} this node's, more than {} "
							"s apart: set the clocks (NTP)", skew / 1000,
							a.time_ms > here ? "ahead of" : "behind",
							kMaxSkew.count()), a.node_id);
	if (!(a.flags & OM_WA_ID_SET)) {
		const auto derived = node_id_from_address(address, a.prefix_len);
		if (const auto *why = std::get_if<std::string>(&derived))
			return dropped(Drop::Id, fmt::format("it announces node {} at {}, which gives no "
							     "id: {}", a.node_id,
							     with_prefix(address, a.prefix_len), *why),
				       a.node_id);
		if (std::get<NodeId>(derived) != a.node_id)
			return dropped(Drop::Id, fmt::format("it announces node {}, but {} gives node {}",
							     a.node_id, with_prefix(address, a.prefix_len),
							     std::get<NodeId>(derived)),
				       a.node_id);
	}
	return accept(a, address);
}

Discovery::Received Discovery::accept(const om_wire_announce &a, const Address &address)
{
	const NodeId id = a.node_id;
	const auto at = std::find_if(nodes_.begin(), nodes_.end(),
				     [&](const auto &n) { return n.second.address == address; });
	if (at != nodes_.end() && a.time_ms <= at->second.time_ms)
		return dropped(Drop::Stale, fmt::format("not newer than the last announcement from {}: "
							"replayed, or its clock went back",
							address.to_string()), id);
	if (id == self_.id)
		return dropped(Drop::Conflict, fmt::format("it announces node {} at {}, but that is this "
							   "node's id: set node-id on one of them",
							   id, address.to_string()), id);
	const auto same = nodes_.find(id);
	if (same != nodes_.end() && same->second.address != address)
		return dropped(Drop::Conflict, fmt::format("it announces node {} at {}, but node {} is "
							   "at {} already: set node-id on one of them",
							   id, address.to_string(), id,
							   same->second.address.to_string()), id);
	if (same != nodes_.end()) {
		same->second.time_ms = a.time_ms;
		return {Received::What::Known, id, Drop::Malformed, fmt::format("node {} again", id)};
	}
	if (at == nodes_.end() && nodes_.size() + 1 >= OM_MAP_MAX_NODES)
		return dropped(Drop::Full, fmt::format("it announces node {} at {}, but the map holds "
						       "{} nodes, the most it can", id,
						       address.to_string(), OM_MAP_MAX_NODES), id);
	Received r{Received::What::Added, id, Drop::Malformed,
		   fmt::format("node {} at {} joins the map", id, address.to_string())};
	if (at != nodes_.end()) {
		r = {Received::What::Moved, id, Drop::Malformed,
		     fmt::format("node {} at {} is now node {}", at->first, address.to_string(), id)};
		nodes_.erase(at);
	}
	nodes_.emplace(id, Known{address, a.time_ms});
	return r;
}

Map Discovery::map() const
{
	std::vector<Node> nodes{Node{self_.id, {self_.address}}};
	for (const auto &[id, known] : nodes_)
		nodes.push_back(Node{id, {known.address}});
	return Map(std::move(nodes));
}

AnnounceSchedule::AnnounceSchedule(Clock::time_point start, std::chrono::milliseconds interval)
	: start_(start), interval_(interval), due_(start)
{
}

void AnnounceSchedule::sent(Clock::time_point now)
{
	last_ = now;
	const bool young = now - start_ < kYoung;
	due_ = now + (young ? std::min<std::chrono::milliseconds>(interval_, kFast) : interval_);
}

void AnnounceSchedule::newcomer(Clock::time_point now)
{
	const Clock::time_point soon = last_ ? std::max(now, *last_ + kFast) : now;
	due_ = std::min(due_, soon);
}

DiscoveryAgent::DiscoveryAgent(const OmdConfig &config, const ClusterKey &key)
	: local_(choose_discovery_address(config, local_ipv4_addresses(), default_route_interface())),
	  group_(config.discover_group), port_(config.port),
	  discovery_(key, discovery_self(local_, config.node_id)),
	  schedule_(Clock::now(), config.interval), fd_(multicast_socket(local_, group_, port_))
{
	spdlog::info("discovery: node {} at {} on {}{}, announcing to {} every {} ms",
		     self().id, with_prefix(local_.address, local_.prefix_len), local_.interface,
		     self().id_set ? " (node-id set)" : "", endpoint(group_, port_),
		     config.interval.count());
}

bool DiscoveryAgent::on_readable()
{
	// A bounded batch, so that a flood cannot hold up the links; a flood's
	// datagrams are dropped after one BLAKE2b of 64 bytes each.
	constexpr int kBatch = 64;
	std::array<std::uint8_t, 512> buffer;
	bool changed = false;
	for (int i = 0; i < kBatch; ++i) {
		const std::optional<Datagram> d = receive_datagram(fd_.get(), buffer);
		if (!d)
			break;
		const Discovery::Received r = discovery_.receive(
			std::span(buffer).first(std::min(d->size, buffer.size())), d->from,
			Discovery::WallClock::now());
		log(r, d->from);
		if (r.what == Discovery::Received::What::Added)
			schedule_.newcomer(Clock::now());
		changed |= r.changed();
	}
	return changed;
}

void DiscoveryAgent::on_timer(Clock::time_point now)
{
	if (now < schedule_.due())
		return;
	const std::vector<std::uint8_t> d = discovery_.announcement(Discovery::WallClock::now());
	if (const int err = send_multicast(fd_.get(), d, local_, group_, port_)) {
		if (!send_failed_)
			spdlog::warn("discovery: cannot announce to {} on {}: {}; trying again every "
				     "interval", endpoint(group_, port_), local_.interface,
				     std::strerror(err));
		else
			spdlog::debug("discovery: cannot announce: {}", std::strerror(err));
		send_failed_ = true;
	} else if (send_failed_) {
		spdlog::info("discovery: announcing again to {}", endpoint(group_, port_));
		send_failed_ = false;
	}
	schedule_.sent(now);
}

// Each sender's drops are warned about once per reason, then logged at
// debug, until one of its announcements is accepted again.
void DiscoveryAgent::log(const Discovery::Received &r, const Address &source)
{
	using What = Discovery::Received::What;
	switch (r.what) {
	case What::Added:
	case What::Moved:
		spdlog::info("discovery: {}", r.why);
		break;
	case What::Own:
		spdlog::debug("discovery: {}", r.why);
		break;
	case What::Known:
		spdlog::trace("discovery: {}", r.why);
		break;
	case What::Dropped: {
		const bool first = r.drop != Discovery::Drop::Stale && warned_.size() < kMaxWarned &&
				   warned_.emplace(source, r.drop).second;
		if (first)
			spdlog::warn("discovery: dropped an announcement from {}: {}", source.to_string(),
				     r.why);
		else
			spdlog::debug("discovery: dropped an announcement from {}: {}",
				      source.to_string(), r.why);
		return;
	}
	}
	auto it = warned_.lower_bound({source, Discovery::Drop::Malformed});
	while (it != warned_.end() && it->first == source)
		it = warned_.erase(it);
}

} // namespace om::omd
