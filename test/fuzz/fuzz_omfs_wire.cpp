// libFuzzer target for the omfs wire codec (modules/fs/wire.c). The bytes
// go to every struct's decoder, to the request parser as every type, to
// the answer parser as every type, to the directory entry walker, and to
// the name, xattr list and errno checks. Whatever decodes encodes back to
// the bytes it came from, with its tails where the input had them; what
// is refused leaves every output untouched; the checks agree with the
// rules of include/openmosix/omfs_wire.h written again here.
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "openmosix/omfs_wire.h"

namespace {

void check(bool ok)
{
	if (!ok)
		std::abort();
}

// Poisoned before a call; still poisoned after a refusal.
template <class T> struct Out {
	T value, before;

	Out()
	{
		std::memset(&value, 0xa5, sizeof(value));
		std::memcpy(&before, &value, sizeof(value));
	}

	bool untouched() const { return std::memcmp(&value, &before, sizeof(value)) == 0; }
};

// A request may be refused as unknown; an answer only as malformed.
void check_verdict(int err, bool request)
{
	check(err == 0 || err == -EPROTO || (request && err == -EOPNOTSUPP));
}

template <class T>
void check_struct(void (*put)(__u8 *, const T *), int (*get)(const __u8 *, std::size_t, T *),
		  std::size_t len, bool request, const std::uint8_t *data, std::size_t size)
{
	Out<T> m;
	const int err = get(data, size, &m.value);
	check_verdict(err, request);
	check(size >= len || err == -EPROTO);
	if (err) {
		check(m.untouched());
		return;
	}
	std::uint8_t out[OMFS_WIRE_ATTACH_RSP_LEN];
	check(len <= sizeof(out));
	put(out, &m.value);
	check(std::memcmp(out, data, len) == 0);
}

#define CHECK_STRUCT(name, LEN, request)                                                   \
	check_struct<omfs_wire_##name>(omfs_wire_put_##name, omfs_wire_get_##name, LEN, request, \
				       data, size)

void check_structs(const std::uint8_t *data, std::size_t size)
{
	CHECK_STRUCT(req, OMFS_WIRE_REQ_LEN, true);
	CHECK_STRUCT(attr, OMFS_WIRE_ATTR_LEN, false);
	CHECK_STRUCT(attach, OMFS_WIRE_ATTACH_LEN, true);
	CHECK_STRUCT(attach_rsp, OMFS_WIRE_ATTACH_RSP_LEN, false);
	CHECK_STRUCT(cred, OMFS_WIRE_CRED_LEN, true);
	CHECK_STRUCT(clunk, OMFS_WIRE_CLUNK_LEN, true);
	CHECK_STRUCT(lookup, OMFS_WIRE_LOOKUP_LEN, true);
	CHECK_STRUCT(fid, OMFS_WIRE_FID_LEN, true);
	CHECK_STRUCT(setattr, OMFS_WIRE_SETATTR_LEN, true);
	CHECK_STRUCT(open, OMFS_WIRE_OPEN_LEN, true);
	CHECK_STRUCT(create, OMFS_WIRE_CREATE_LEN, true);
	CHECK_STRUCT(create_rsp, OMFS_WIRE_CREATE_RSP_LEN, false);
	CHECK_STRUCT(io, OMFS_WIRE_IO_LEN, true);
	CHECK_STRUCT(read_rsp, OMFS_WIRE_READ_RSP_LEN, false);
	CHECK_STRUCT(write_rsp, OMFS_WIRE_WRITE_RSP_LEN, false);
	CHECK_STRUCT(fsync, OMFS_WIRE_FSYNC_LEN, true);
	CHECK_STRUCT(lseek, OMFS_WIRE_LSEEK_LEN, true);
	CHECK_STRUCT(lseek_rsp, OMFS_WIRE_LSEEK_RSP_LEN, false);
	CHECK_STRUCT(fallocate, OMFS_WIRE_FALLOCATE_LEN, true);
	CHECK_STRUCT(readdir, OMFS_WIRE_READDIR_LEN, true);
	CHECK_STRUCT(mkdir, OMFS_WIRE_MKDIR_LEN, true);
	CHECK_STRUCT(mknod, OMFS_WIRE_MKNOD_LEN, true);
	CHECK_STRUCT(symlink, OMFS_WIRE_SYMLINK_LEN, true);
	CHECK_STRUCT(link, OMFS_WIRE_LINK_LEN, true);
	CHECK_STRUCT(unlink, OMFS_WIRE_UNLINK_LEN, true);
	CHECK_STRUCT(rename, OMFS_WIRE_RENAME_LEN, true);
	CHECK_STRUCT(statfs_rsp, OMFS_WIRE_STATFS_RSP_LEN, false);
	CHECK_STRUCT(xattr, OMFS_WIRE_XATTR_LEN, true);
	CHECK_STRUCT(len_rsp, OMFS_WIRE_LEN_RSP_LEN, false);
	CHECK_STRUCT(rmxattr, OMFS_WIRE_RMXATTR_LEN, true);
	CHECK_STRUCT(lock, OMFS_WIRE_LOCK_LEN, true);
	CHECK_STRUCT(lock_rsp, OMFS_WIRE_LOCK_RSP_LEN, false);
	CHECK_STRUCT(lock_hint, OMFS_WIRE_LOCK_HINT_LEN, false);
}

// Tails follow the fixed part in order, and end where the input does.
void check_tails(const omfs_wire_tail *tails, std::size_t n, const std::uint8_t *at,
		 const std::uint8_t *end)
{
	for (std::size_t i = 0; i < n; ++i) {
		check(tails[i].len ? tails[i].data == at : tails[i].data == nullptr);
		at += tails[i].len;
	}
	check(at == end);
}

void check_request(std::uint8_t type, const std::uint8_t *data, std::size_t size)
{
	Out<omfs_wire_req> req;
	Out<omfs_wire_args> args;
	Out<omfs_wire_tail[OMFS_WIRE_TAILS]> tails;
	const int err = omfs_wire_parse_req(type, data, size, &req.value, &args.value, tails.value);
	check_verdict(err, true);
	if (err) {
		check(req.untouched() && args.untouched() && tails.untouched());
		return;
	}
	const long fixed = omfs_wire_req_len(type);
	check(fixed >= 0);
	std::uint8_t out[OMFS_WIRE_REQ_LEN + sizeof(omfs_wire_args)];
	const std::size_t n = omfs_wire_put_request(type, out, &req.value, &args.value);
	check(n == OMFS_WIRE_REQ_LEN + static_cast<std::size_t>(fixed) && n <= size);
	check(std::memcmp(out, data, n) == 0);
	check_tails(tails.value, OMFS_WIRE_TAILS, data + n, data + size);
	check(req.value.session || type == OMFS_WT_ATTACH);
}

void check_response(std::uint8_t type, const std::uint8_t *data, std::size_t size)
{
	Out<omfs_wire_rsp> rsp;
	Out<omfs_wire_tail> tail;
	const int err = omfs_wire_parse_rsp(type, data, size, &rsp.value, &tail.value);
	check_verdict(err, false);
	if (err) {
		check(rsp.untouched() && tail.untouched());
		return;
	}
	const long fixed = omfs_wire_rsp_len(type);
	check(fixed >= 0);
	std::uint8_t out[sizeof(omfs_wire_rsp)];
	const std::size_t n = omfs_wire_put_response(type, out, &rsp.value);
	check(n == static_cast<std::size_t>(fixed) && n <= size);
	check(std::memcmp(out, data, n) == 0);
	check_tails(&tail.value, 1, data + n, data + size);
}

// The walk agrees with the whole check, and every entry encodes back.
void check_dirents(const std::uint8_t *data, std::size_t size)
{
	omfs_wire_dirent_view d;
	std::size_t pos = 0;
	int ret;

	while ((ret = omfs_wire_next_dirent(data, size, &pos, &d)) > 0) {
		const std::size_t len = omfs_wire_dirent_size(d.namelen);
		const std::uint8_t *entry = data + pos - len;
		check(len % 8 == 0 && pos <= size);
		check(d.name == reinterpret_cast<const char *>(entry) + OMFS_WIRE_DIRENT_LEN);
		std::uint8_t out[288];
		const omfs_wire_dirent e{d.ino, d.next, d.type, d.namelen};
		omfs_wire_put_dirent(out, &e, d.name);
		check(std::memcmp(out, entry, len) == 0);
	}
	check(ret == 0 || ret == -EPROTO);
	check(omfs_wire_check_dirents(data, size) == ret);
}

// The name rules, written again.
void check_names(const std::uint8_t *data, std::size_t size)
{
	const bool nul = std::memchr(data, '\0', size) != nullptr;
	const bool slash = std::memchr(data, '/', size) != nullptr;
	const bool dots = (size == 1 && data[0] == '.') ||
			  (size == 2 && data[0] == '.' && data[1] == '.');
	const bool name = size >= 1 && size <= 255 && !nul && !slash && !dots;
	const bool target = size >= 1 && size <= 4095 && !nul;
	const bool xattr = size >= 1 && size <= 255 && !nul;
	check(omfs_wire_check_name(data, size) == (name ? 0 : -EPROTO));
	check(omfs_wire_check_target(data, size) == (target ? 0 : -EPROTO));
	check(omfs_wire_check_xattr_name(data, size) == (xattr ? 0 : -EPROTO));

	bool list = size <= 65536 && (size == 0 || data[size - 1] == '\0');
	for (std::size_t start = 0, i = 0; list && i < size; ++i) {
		if (data[i])
			continue;
		list = i > start && i - start <= 255;
		start = i + 1;
	}
	check(omfs_wire_check_xattr_list(data, size) == (list ? 0 : -EPROTO));
}

// Whatever the server's file system says, the status sent is a plain
// errno that is not one of the protocol's signals.
void check_errno(const std::uint8_t *data, std::size_t size)
{
	std::int32_t err;
	if (size < sizeof(err))
		return;
	std::memcpy(&err, data, sizeof(err));
	const int sent = omfs_wire_errno(err);
	if (err >= 0) {
		check(sent == err);
		return;
	}
	check(sent < 0 && sent > -512);
	check(sent != -EBADR && sent != -EBADFD && sent != -ECONNREFUSED &&
	      sent != -EPROTONOSUPPORT && sent != -EPROTO);
	check(err < -511 || sent == err || sent == -EIO);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	check_structs(data, size);
	for (int type = OMFS_WT_FIRST - 1; type <= OMFS_WT_LAST + 1; ++type) {
		check_request(static_cast<std::uint8_t>(type), data, size);
		check_response(static_cast<std::uint8_t>(type), data, size);
	}
	check_dirents(data, size);
	check_names(data, size);
	check_errno(data, size);
	return 0;
}
