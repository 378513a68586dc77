// libFuzzer target for discovery's receiver (omctl/omd/discovery.cpp), node
// 1 at 10.0.0.1/24. The input is a run of datagrams, each a control byte
// and up to 72 bytes:
//   bit 0  sign it again with the cluster key, its time moved to this
//          node's clock plus the (signed) low 32 bits of its time field,
//          so that the checks behind the MAC are reached
//   bit 1  it comes from the address it announces (else from 10.0.0.9)
// Whatever the bytes: no crash, no undefined behaviour; the map always
// holds this node, within the kernel's limit, every node once with one
// usable IPv4 address of its own; it changes exactly when receive() says
// so; and nothing gets past the MAC check without a MAC made with the key.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <set>
#include <sodium.h>
#include <spdlog/spdlog.h>
#include <vector>

#include "discovery.hpp"
#include "uapi/linux/openmosix.h"

namespace {

using om::omd::Discovery;

constexpr std::size_t kMaced = OM_WIRE_HDR_LEN + OM_WIRE_ANNOUNCE_MACED;
constexpr std::size_t kTime = OM_WIRE_HDR_LEN + 8;
const Discovery::WallClock::time_point kNow{std::chrono::milliseconds(1700000000000)};

void check(bool ok)
{
	if (!ok)
		std::abort();
}

// 00 01 02 ... 1f, as the unit tests' golden datagram.
om::ClusterKey fuzz_key()
{
	std::array<std::uint8_t, om::ClusterKey::kSize> bytes{};
	for (std::size_t i = 0; i < bytes.size(); ++i)
		bytes[i] = static_cast<std::uint8_t>(i);
	return om::ClusterKey::from_bytes(bytes);
}

// The MAC of D as the format defines it, computed here on its own.
std::array<std::uint8_t, OM_WIRE_MAC_LEN> mac_of(const std::vector<std::uint8_t> &d,
						  const om::ClusterKey &key)
{
	std::vector<std::uint8_t> input(Discovery::kMacLabel.begin(), Discovery::kMacLabel.end());
	input.insert(input.end(), d.begin(), d.begin() + kMaced);
	std::array<std::uint8_t, OM_WIRE_MAC_LEN> mac{};
	crypto_generichash(mac.data(), mac.size(), input.data(), input.size(), key.bytes().data(),
			   key.bytes().size());
	return mac;
}

// The datagram's time made near kNow, and its MAC made with the key.
void sign(std::vector<std::uint8_t> &d, const om::ClusterKey &key)
{
	std::uint32_t offset = 0;
	std::memcpy(&offset, d.data() + kTime, sizeof(offset));
	const std::uint64_t ms = static_cast<std::uint64_t>(
		std::chrono::duration_cast<std::chrono::milliseconds>(kNow.time_since_epoch()).count() +
		static_cast<std::int32_t>(offset));
	for (std::size_t i = 0; i < 8; ++i)
		d[kTime + i] = static_cast<std::uint8_t>(ms >> (8 * i));
	const auto mac = mac_of(d, key);
	std::copy(mac.begin(), mac.end(), d.begin() + kMaced);
}

void check_map(const om::Map &map)
{
	check(!map.empty() && map.nodes().size() <= OM_MAP_MAX_NODES);
	const om::Node *self = map.find(1);
	check(self && self->addresses == std::vector{*om::Address::parse("10.0.0.1")});
	std::set<om::Address> seen;
	for (const om::Node &n : map.nodes()) {
		check(n.id != 0 && n.addresses.size() == 1);
		const om::Address &a = n.addresses.front();
		check(a.is_v4() && (n.id == 1 || !a.unusable_reason()));
		check(seen.insert(a).second);
	}
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
	spdlog::set_level(spdlog::level::off);
	check(sodium_init() >= 0);
	return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	const om::ClusterKey key = fuzz_key();
	Discovery d(key, {*om::Address::parse("10.0.0.1"), 24, 1, false});
	const om::Address elsewhere = *om::Address::parse("10.0.0.9");
	std::size_t pos = 0;
	while (pos < size) {
		const std::uint8_t control = data[pos++];
		const std::size_t n = std::min(Discovery::kDatagramSize, size - pos);
		std::vector<std::uint8_t> datagram(data + pos, data + pos + n);
		pos += n;
		const bool signed_here = (control & 1) && n == Discovery::kDatagramSize;
		if (signed_here)
			sign(datagram, key);
		om::Address source = elsewhere;
		if ((control & 2) && n >= OM_WIRE_HDR_LEN + 4)
			source = *om::Address::from_bytes(
				std::span<const std::uint8_t>(datagram).subspan(OM_WIRE_HDR_LEN, 4));

		const om::Map before = d.map();
		const Discovery::Received r = d.receive(datagram, source, kNow);
		const om::Map after = d.map();
		check_map(after);
		check(r.changed() == (before != after));
		if (r.what == Discovery::Received::What::Dropped)
			check(!r.why.empty());
		const bool authenticated = r.what != Discovery::Received::What::Dropped ||
					   (r.drop != Discovery::Drop::Malformed &&
					    r.drop != Discovery::Drop::Auth);
		if (authenticated) {
			const auto mac = mac_of(datagram, key);
			check(std::equal(mac.begin(), mac.end(), datagram.begin() + kMaced));
		}
	}
	return 0;
}
