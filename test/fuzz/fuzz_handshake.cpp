// libFuzzer target for the peer-link handshake (omctl/lib/handshake.cpp).
// The first byte picks what the rest drives:
//   0  a responder, fed the bytes in chunks whose sizes the input picks
//   1  an initiator after start(), fed the same way
//   2  a real initiator and responder talking, the input choosing the
//      chunk sizes and which bytes in flight to flip
// Whatever the bytes: no crash, no undefined behaviour; the input is taken
// whole while the handshake runs and not at all after; nothing buffered
// beyond one handshake frame; everything sent is whole, valid frames, a
// failure that says so ends with a REJECT; no peer without the key gets
// through; and two honest peers link up exactly when no byte was flipped.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <variant>
#include <vector>

#include "handshake.hpp"

namespace {

using Bytes = std::vector<std::uint8_t>;

void check(bool ok)
{
	if (!ok)
		std::abort();
}

// The fuzzer's bytes, taken from the front.
class Input {
public:
	Input(const std::uint8_t *data, std::size_t size) : data_(data), size_(size) {}
	bool empty() const { return pos_ == size_; }
	std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
	std::span<const std::uint8_t> take(std::size_t n)
	{
		n = std::min(n, size_ - pos_);
		const std::span<const std::uint8_t> s(data_ + pos_, n);
		pos_ += n;
		return s;
	}

private:
	const std::uint8_t *data_;
	std::size_t size_;
	std::size_t pos_ = 0;
};

om::ClusterKey fuzz_key()
{
	std::array<std::uint8_t, om::ClusterKey::kSize> bytes{};
	for (std::size_t i = 0; i < bytes.size(); ++i)
		bytes[i] = static_cast<std::uint8_t>(0xc0 + i);
	return om::ClusterKey::from_bytes(bytes);
}

om::NonceSource counting(std::uint8_t seed)
{
	return [n = seed](std::span<std::uint8_t, OM_WIRE_NONCE_LEN> nonce) mutable {
		std::fill(nonce.begin(), nonce.end(), n++);
	};
}

const char *const kSources[] = {"10.0.0.1", "10.0.0.2", "10.0.0.9", "192.168.0.1",
				"::ffff:10.0.0.1", "fd00::1"};

std::shared_ptr<const om::Map> fuzz_map()
{
	static const auto map = [] {
		const auto ip = [](const char *text) { return om::Address::parse(text).value(); };
		return std::make_shared<const om::Map>(std::vector<om::Node>{
			{1, {ip("10.0.0.1"), ip("192.168.0.1")}},
			{2, {ip("10.0.0.2")}},
			{3, {ip("10.0.0.3")}},
		});
	}();
	return map;
}

// A key the input cannot know, for a handshake the input plays the peer of:
// with the fixed one, a seed could carry a valid AUTH.
const om::ClusterKey &secret_key()
{
	static const om::ClusterKey key = om::ClusterKey::generate();
	return key;
}

om::Handshake responder(const char *source, const om::ClusterKey &key)
{
	return om::Handshake::responder(
		key, 2, om::map_peer_check(fuzz_map(), om::Address::parse(source).value()),
		counting(0x80));
}

bool over(const om::Handshake &h)
{
	return !std::holds_alternative<om::Handshake::InProgress>(h.state());
}

// SENT holds whole frames that decode; the step that fails ends with a
// REJECT if it says it sends one.
void check_sent(const om::Handshake::Step &step, bool was_over)
{
	std::size_t at = 0;
	std::uint8_t last = 0;
	while (at < step.send.size()) {
		om_wire_hdr h{};
		check(om_wire_get_hdr(step.send.data() + at, step.send.size() - at, &h) == 0);
		check(step.send.size() - at >= OM_WIRE_HDR_LEN + h.length);
		if (h.type == OM_WT_HELLO) {
			om_wire_hello m{};
			check(om_wire_get_hello(step.send.data() + at + OM_WIRE_HDR_LEN, h.length, &m) == 0);
		} else if (h.type == OM_WT_REJECT) {
			om_wire_reject_msg m{};
			check(om_wire_get_reject(step.send.data() + at + OM_WIRE_HDR_LEN, h.length, &m) == 0);
		} else {
			check(h.type == OM_WT_AUTH);
		}
		last = h.type;
		at += OM_WIRE_HDR_LEN + h.length;
	}
	const auto *failed = std::get_if<om::Handshake::Failed>(&step.state);
	check(was_over || !failed || failed->send_reject == (last == OM_WT_REJECT));
	check(!failed || !failed->reason.empty());
}

// Feeds BYTES to H and checks what comes back.
om::Handshake::Step feed(om::Handshake &h, std::span<const std::uint8_t> bytes)
{
	const bool was_over = over(h);
	const om::Handshake::State before = h.state();
	const om::Handshake::Step step = h.feed(bytes);
	check(step.consumed + step.leftover == bytes.size());
	check(step.state == h.state());
	check(over(h) || step.consumed == bytes.size());
	check(!was_over || (step.consumed == 0 && step.send.empty() && step.state == before));
	check(h.wanted() <= om::Handshake::kMaxFrame);
	check(!over(h) || h.wanted() == 0);
	check_sent(step, was_over);
	return step;
}

// A lone handshake fed whatever the input holds: it can fail or wait, but
// without the key no input can complete it.
void drive_alone(om::Handshake &h, Input &in)
{
	while (!in.empty()) {
		const std::size_t n = 1 + in.byte();
		feed(h, in.take(n));
		check(!std::holds_alternative<om::Handshake::Done>(h.state()));
	}
}

// Moves BUFFER's bytes to H in chunks, flipping some first; what H sends
// goes to OUT. Returns whether a byte was flipped.
bool deliver(om::Handshake &h, Bytes &buffer, Bytes &out, Input &in)
{
	bool flipped = false;
	const std::uint8_t op = in.byte();
	if (op >= 0xf0 && !buffer.empty()) {
		const std::uint8_t mask = in.byte();
		buffer[in.byte() % buffer.size()] ^= mask;
		flipped = mask != 0;
	}
	while (!buffer.empty() && !over(h)) {
		const std::size_t n = std::min<std::size_t>(buffer.size(), 1 + (op & 0x7f));
		const om::Handshake::Step step = feed(h, {buffer.data(), n});
		out.insert(out.end(), step.send.begin(), step.send.end());
		buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(step.consumed));
	}
	return flipped;
}

void drive_pair(Input &in)
{
	om::Handshake i = om::Handshake::initiator(fuzz_key(), 1, 2, counting(0x10));
	om::Handshake r = responder("10.0.0.1", fuzz_key());
	Bytes to_r = i.start(), to_i;
	bool flipped = false;
	for (int round = 0; round < 8 && (!to_r.empty() || !to_i.empty()); ++round) {
		flipped |= deliver(r, to_r, to_i, in);
		flipped |= deliver(i, to_i, to_r, in);
	}
	const auto *di = std::get_if<om::Handshake::Done>(&i.state());
	const auto *dr = std::get_if<om::Handshake::Done>(&r.state());
	check(!di || (di->peer == 2 && dr && dr->peer == 1));
	check(!dr || dr->peer == 1);
	// Every byte of the handshake counts: a flipped one always shows.
	check(flipped != (di && dr));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	Input in(data, size);
	switch (in.byte() % 3) {
	case 0: {
		om::Handshake r = responder(kSources[in.byte() % std::size(kSources)], secret_key());
		drive_alone(r, in);
		break;
	}
	case 1: {
		om::Handshake i = om::Handshake::initiator(secret_key(), 1, 2, counting(0x10));
		i.start();
		drive_alone(i, in);
		break;
	}
	default:
		drive_pair(in);
		break;
	}
	return 0;
}
