// libFuzzer target for the peer-link codec (modules/core/wire.c). The bytes
// go to every decoder as they are, and once more as a frame: a header, then
// the payload its type names. Whatever a decoder accepts keeps every rule
// of include/openmosix/wire.h and encodes back to the bytes it came from:
// exactly, for the header, HELLO, LOAD and ANNOUNCE; for REJECT, up to and including
// the reason's first NUL, with NULs after it (the encoder pads the text).
// A decoder that refuses leaves its output untouched.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "openmosix/wire.h"

namespace {

void check(bool ok)
{
	if (!ok)
		std::abort();
}

template <class T> using Get = int (*)(const std::uint8_t *, std::size_t, T *);
template <class T> using Put = void (*)(std::uint8_t *, const T *);

// DATA decoded with GET; on success M holds the result, else M is unchanged.
template <class T>
int decode(Get<T> get, const std::uint8_t *data, std::size_t size, std::size_t len, T &m)
{
	T before;
	std::memset(&m, 0xa5, sizeof(m));
	std::memcpy(&before, &m, sizeof(m));
	const int err = get(data, size, &m);
	check(err <= 0 && err >= OM_WE_FIELD && om_wire_strerror(err)[0] != '\0');
	check(err != OM_WE_SHORT || size < len);
	check(size >= len || err == OM_WE_SHORT);
	if (err)
		check(std::memcmp(&m, &before, sizeof(m)) == 0);
	return err;
}

// M encoded, and decoded again to itself.
template <class T> void encode(Put<T> put, Get<T> get, const T &m, std::uint8_t *out, std::size_t len)
{
	put(out, &m);
	T again;
	check(get(out, len, &again) == 0 && std::memcmp(&again, &m, sizeof(m)) == 0);
}

void check_hdr(const std::uint8_t *data, const om_wire_hdr &h)
{
	check(h.magic == OM_WIRE_MAGIC && h.version == OM_WIRE_VERSION && h.type != 0);
	check(!(h.flags & ~__OM_WF_ALL) && h.flags != __OM_WF_ALL);
	check(h.length <= OM_WIRE_MAX_PAYLOAD);
	if (h.flags & OM_WF_RESPONSE)
		check(h.status <= 0 && h.status >= -4095);
	else
		check(h.status == 0);
	check(h.flags || h.id == 0);
	check(h.type != OM_WT_ANNOUNCE || (h.flags == 0 && h.length == OM_WIRE_ANNOUNCE_LEN));

	std::uint8_t out[OM_WIRE_HDR_LEN];
	encode<om_wire_hdr>(om_wire_put_hdr, om_wire_get_hdr, h, out, sizeof(out));
	check(std::memcmp(out, data, sizeof(out)) == 0);
}

void check_hello(const std::uint8_t *data, const om_wire_hello &m)
{
	check(m.min_version >= 1 && m.min_version <= m.max_version);
	check(m.node_id != 0 && m.peer_id != 0 && m.flags == 0);

	std::uint8_t out[OM_WIRE_HELLO_LEN];
	encode<om_wire_hello>(om_wire_put_hello, om_wire_get_hello, m, out, sizeof(out));
	check(std::memcmp(out, data, sizeof(out)) == 0);
}

void check_reject(const std::uint8_t *data, const om_wire_reject_msg &m)
{
	check(m.code >= OM_WR_VERSION && m.code <= OM_WR_PROTOCOL);
	const std::size_t n = strnlen(m.reason, OM_WIRE_REASON_LEN);
	check(n < OM_WIRE_REASON_LEN);
	for (std::size_t i = n; i < OM_WIRE_REASON_LEN; ++i)
		check(m.reason[i] == '\0');

	std::uint8_t out[OM_WIRE_REJECT_LEN];
	encode<om_wire_reject_msg>(om_wire_put_reject, om_wire_get_reject, m, out, sizeof(out));
	check(std::memcmp(out, data, 4 + n + 1) == 0);
	for (std::size_t i = 4 + n; i < sizeof(out); ++i)
		check(out[i] == 0);
}

void check_load(const std::uint8_t *data, const om_wire_load &m)
{
	check(!(m.flags & ~static_cast<std::uint32_t>(__OM_WL_ALL)) && m.reserved == 0);
	check(m.util <= 1000 && m.mem_free <= m.mem_total && m.cpus >= 1);

	std::uint8_t out[OM_WIRE_LOAD_LEN];
	encode<om_wire_load>(om_wire_put_load, om_wire_get_load, m, out, sizeof(out));
	check(std::memcmp(out, data, sizeof(out)) == 0);
}

void check_announce(const std::uint8_t *data, const om_wire_announce &m)
{
	check(!(m.flags & ~static_cast<std::uint8_t>(__OM_WA_ALL)));
	check(m.node_id != 0 && m.prefix_len <= 32);

	std::uint8_t out[OM_WIRE_ANNOUNCE_LEN];
	encode<om_wire_announce>(om_wire_put_announce, om_wire_get_announce, m, out, sizeof(out));
	check(std::memcmp(out, data, sizeof(out)) == 0);
}

void check_progress(const std::uint8_t *data, const om_wire_progress &m)
{
	for (const std::uint8_t b : m.reserved)
		check(b == 0);

	std::uint8_t out[OM_WIRE_PROGRESS_LEN];
	encode<om_wire_progress>(om_wire_put_progress, om_wire_get_progress, m, out, sizeof(out));
	check(std::memcmp(out, data, sizeof(out)) == 0);
}

// The payload at DATA, SIZE bytes, decoded as TYPE says.
void check_payload(std::uint8_t type, const std::uint8_t *data, std::size_t size)
{
	om_wire_hello hello;
	om_wire_reject_msg rej;
	om_wire_load load;
	om_wire_announce announce;
	om_wire_progress progress;

	switch (type) {
	case OM_WT_HELLO:
		if (!decode(Get<om_wire_hello>{om_wire_get_hello}, data, size, OM_WIRE_HELLO_LEN, hello))
			check_hello(data, hello);
		break;
	case OM_WT_REJECT:
		if (!decode(Get<om_wire_reject_msg>{om_wire_get_reject}, data, size, OM_WIRE_REJECT_LEN, rej))
			check_reject(data, rej);
		break;
	case OM_WT_LOAD:
		if (!decode(Get<om_wire_load>{om_wire_get_load}, data, size, OM_WIRE_LOAD_LEN, load))
			check_load(data, load);
		break;
	case OM_WT_ANNOUNCE:
		if (!decode(Get<om_wire_announce>{om_wire_get_announce}, data, size, OM_WIRE_ANNOUNCE_LEN,
			    announce))
			check_announce(data, announce);
		break;
	case OM_WT_PROGRESS:
		if (!decode(Get<om_wire_progress>{om_wire_get_progress}, data, size, OM_WIRE_PROGRESS_LEN,
			    progress))
			check_progress(data, progress);
		break;
	}
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	om_wire_hdr hdr;

	if (!decode<om_wire_hdr>(om_wire_get_hdr, data, size, OM_WIRE_HDR_LEN, hdr)) {
		check_hdr(data, hdr);
		const std::size_t rest = size - OM_WIRE_HDR_LEN;
		check_payload(hdr.type, data + OM_WIRE_HDR_LEN, hdr.length < rest ? hdr.length : rest);
	}
	check_payload(OM_WT_HELLO, data, size);
	check_payload(OM_WT_REJECT, data, size);
	check_payload(OM_WT_LOAD, data, size);
	check_payload(OM_WT_ANNOUNCE, data, size);
	return 0;
}
