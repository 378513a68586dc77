// The omfs wire codec (include/openmosix/omfs_wire.h, modules/fs/wire.c):
// golden bytes written out by hand, a round trip of every struct, every
// length, reserved-field and flag rule, whole requests and answers by
// type, names, directory entries and the server's errno mapping.
//
// A hidden test case writes the valid requests and answers below as the
// fuzzer's seeds:
//   OMFS_WIRE_SEEDS=test/fuzz/corpus/omfs_wire omctl_unit_tests '[.omfs-seeds]'
#include <algorithm>
#include <catch2/catch_test_macros.hpp>
#include <cctype>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "openmosix/omfs_wire.h"

namespace {

using Bytes = std::vector<std::uint8_t>;

// The layouts of §6.4, as the C side asserts them too.
#define AT(type, field, off) static_assert(offsetof(type, field) == (off), #type "." #field)
static_assert(sizeof(omfs_wire_req) == OMFS_WIRE_REQ_LEN && OMFS_WIRE_REQ_LEN == 16);
static_assert(sizeof(omfs_wire_attr) == OMFS_WIRE_ATTR_LEN && OMFS_WIRE_ATTR_LEN == 128);
AT(omfs_wire_attr, atime_sec, 40);
AT(omfs_wire_attr, rdev, 72);
AT(omfs_wire_attr, atime_nsec, 80);
AT(omfs_wire_attr, mode, 96);
AT(omfs_wire_attr, uid, 104);
AT(omfs_wire_attr, blksize, 112);
AT(omfs_wire_attr, mask, 120);
AT(omfs_wire_attr, attributes, 124);
static_assert(sizeof(omfs_wire_attach) == 24 && sizeof(omfs_wire_attach_rsp) == 160);
AT(omfs_wire_attach, version_min, 16);
AT(omfs_wire_attach_rsp, version, 28);
AT(omfs_wire_attach_rsp, root, 32);
static_assert(sizeof(omfs_wire_cred) == 24 && sizeof(omfs_wire_clunk) == 8);
static_assert(sizeof(omfs_wire_lookup) == 16 && sizeof(omfs_wire_fid) == 8);
AT(omfs_wire_lookup, namelen, 8);
static_assert(sizeof(omfs_wire_setattr) == 56 && sizeof(omfs_wire_open) == 16);
AT(omfs_wire_setattr, fid, 24);
AT(omfs_wire_setattr, mtime_nsec, 52);
static_assert(sizeof(omfs_wire_create) == 32 && sizeof(omfs_wire_create_rsp) == 136);
AT(omfs_wire_create, namelen, 24);
AT(omfs_wire_create_rsp, attr, 8);
static_assert(sizeof(omfs_wire_io) == 24 && sizeof(omfs_wire_read_rsp) == 8);
static_assert(sizeof(omfs_wire_write_rsp) == 32 && sizeof(omfs_wire_fsync) == 24);
static_assert(sizeof(omfs_wire_lseek) == 16 && sizeof(omfs_wire_lseek_rsp) == 8);
static_assert(sizeof(omfs_wire_fallocate) == 24 && sizeof(omfs_wire_readdir) == 16);
AT(omfs_wire_dirent, type, 16);
AT(omfs_wire_dirent, namelen, OMFS_WIRE_DIRENT_LEN - 1);
static_assert(sizeof(omfs_wire_mkdir) == 24 && sizeof(omfs_wire_mknod) == 32);
AT(omfs_wire_mknod, namelen, 24);
static_assert(sizeof(omfs_wire_symlink) == 16 && sizeof(omfs_wire_link) == 16);
AT(omfs_wire_symlink, targetlen, 10);
static_assert(sizeof(omfs_wire_unlink) == 8 && sizeof(omfs_wire_rename) == 16);
AT(omfs_wire_rename, newlen, 14);
static_assert(sizeof(omfs_wire_statfs_rsp) == 72 && sizeof(omfs_wire_xattr) == 16);
AT(omfs_wire_statfs_rsp, flags, 68);
static_assert(sizeof(omfs_wire_len_rsp) == 8 && sizeof(omfs_wire_rmxattr) == 8);
static_assert(sizeof(omfs_wire_lock) == 40 && sizeof(omfs_wire_lock_rsp) == 32);
AT(omfs_wire_lock, cmd, 32);
AT(omfs_wire_lock, flags, 34);
AT(omfs_wire_lock_rsp, node, 20);
AT(omfs_wire_lock_rsp, reserved2, 24);
static_assert(sizeof(omfs_wire_lock_hint) == 16);
#undef AT

// TEXT as bytes: pairs of hex digits, white space anywhere. It throws
// (stoul) rather than fails a test: the golden bytes are made first.
Bytes hex(std::string_view text)
{
	std::string digits;
	std::copy_if(text.begin(), text.end(), std::back_inserter(digits),
		     [](char c) { return !std::isspace(static_cast<unsigned char>(c)); });
	if (digits.size() % 2)
		throw std::invalid_argument("odd number of hex digits");
	Bytes out;
	for (std::size_t i = 0; i < digits.size(); i += 2)
		out.push_back(static_cast<std::uint8_t>(std::stoul(digits.substr(i, 2), nullptr, 16)));
	return out;
}

// One of the tail rules, CHECK, on the bytes of S.
int rule(int (*check)(const __u8 *, std::size_t), std::string_view s)
{
	return check(reinterpret_cast<const __u8 *>(s.data()), s.size());
}

Bytes text(std::string_view s)
{
	return Bytes(s.begin(), s.end());
}

Bytes u32s(std::initializer_list<std::uint32_t> values)
{
	Bytes out(4 * values.size());
	std::size_t i = 0;
	for (const std::uint32_t v : values)
		omfs_wire_put_u32_at(out.data(), i++, v);
	return out;
}

Bytes operator+(Bytes a, const Bytes &b)
{
	a.insert(a.end(), b.begin(), b.end());
	return a;
}

// BASE with the bytes at AT replaced by TEXT (hex).
Bytes patch(Bytes base, std::size_t at, std::string_view text)
{
	const Bytes bytes = hex(text);
	REQUIRE(at + bytes.size() <= base.size());
	std::copy(bytes.begin(), bytes.end(), base.begin() + static_cast<long>(at));
	return base;
}

constexpr std::uint64_t kSession = 0x0123456789abcdef;
constexpr std::uint32_t kLimit = OMFS_MAX_IO_LIMIT;
constexpr std::uint64_t kS64Max = ~0ull >> 1;

// Distinct bytes in every field, so that a field at the wrong place shows.
omfs_wire_attr attr(std::uint32_t mode = 0100644)
{
	return {
		.dev = 0x0807060504030201,
		.ino = 0x1817161514131211,
		.size = 0x2827262524232221,
		.blocks = 0x3837363534333231,
		.change = 0x4847464544434241,
		.atime_sec = -2,
		.mtime_sec = 0x5857565554535251,
		.ctime_sec = 0x6867666564636261,
		.btime_sec = 0x7877767574737271,
		.rdev = 0x0102,
		.atime_nsec = 999999999,
		.mtime_nsec = 1,
		.ctime_nsec = 2,
		.btime_nsec = 3,
		.mode = mode,
		.nlink = 2,
		.uid = 1000,
		.gid = 100,
		.blksize = 4096,
		.generation = 0xdeadbeef,
		.mask = 0x7ff,
		.attributes = 0x20,
	};
}

const Bytes kAttr = hex("01 02 03 04 05 06 07 08"   // dev
			"11 12 13 14 15 16 17 18"   // ino
			"21 22 23 24 25 26 27 28"   // size
			"31 32 33 34 35 36 37 38"   // blocks
			"41 42 43 44 45 46 47 48"   // change
			"fe ff ff ff ff ff ff ff"   // atime_sec -2
			"51 52 53 54 55 56 57 58"   // mtime_sec
			"61 62 63 64 65 66 67 68"   // ctime_sec
			"71 72 73 74 75 76 77 78"   // btime_sec
			"02 01 00 00 00 00 00 00"   // rdev
			"ff c9 9a 3b 01 00 00 00"   // atime_nsec 999999999, mtime_nsec 1
			"02 00 00 00 03 00 00 00"   // ctime_nsec, btime_nsec
			"a4 81 00 00 02 00 00 00"   // mode 0100644, nlink
			"e8 03 00 00 64 00 00 00"   // uid 1000, gid 100
			"00 10 00 00 ef be ad de"   // blksize 4096, generation
			"ff 07 00 00 20 00 00 00"); // mask, attributes

// One struct's codec, whatever its type: a valid encoding of it, and a
// decoder that checks what every decoder must (output untouched on
// failure; on success, encoding the result gives back the bytes read).
struct AnyStruct {
	const char *name;
	std::size_t len;
	Bytes sample;
	std::function<int(const Bytes &)> get;
	bool decodes_to_sample;
};

template <class T>
AnyStruct any(const char *name, std::size_t len, void (*put)(__u8 *, const T *),
	      int (*get)(const __u8 *, std::size_t, T *), const T &value)
{
	AnyStruct a{name, len, Bytes(len), {}, false};
	put(a.sample.data(), &value);
	a.get = [put, get, len](const Bytes &bytes) {
		T m, before;
		std::memset(&m, 0x5a, sizeof(m));
		before = m;
		Bytes exact(bytes);	// no slack: a read past the end is a sanitizer's
		const int err = get(exact.data(), exact.size(), &m);
		if (err) {
			CHECK(std::memcmp(&m, &before, sizeof(m)) == 0);
		} else {
			Bytes again(len);
			put(again.data(), &m);
			CHECK(again == Bytes(bytes.begin(), bytes.begin() + static_cast<long>(len)));
		}
		return err;
	};
	T back;
	a.decodes_to_sample = get(a.sample.data(), len, &back) == 0 &&
			      std::memcmp(&back, &value, sizeof(T)) == 0;
	return a;
}

#define ANY(name, LEN, ...)                                                             \
	any<omfs_wire_##name>(#name, LEN, omfs_wire_put_##name, omfs_wire_get_##name, \
			      omfs_wire_##name __VA_ARGS__)

// Every struct, with a valid value whose fields all differ.
const std::vector<AnyStruct> &structs()
{
	static const std::vector<AnyStruct> all = {
		ANY(req, OMFS_WIRE_REQ_LEN, {kSession, 7, 0}),
		ANY(attr, OMFS_WIRE_ATTR_LEN, (attr())),
		ANY(attach, OMFS_WIRE_ATTACH_LEN, {0x1122334455667788, 1, 0, 1, 2, 0}),
		ANY(attach_rsp, OMFS_WIRE_ATTACH_RSP_LEN,
		    {kSession, OMFS_MAX_IO, OMFS_MAX_FIDS, OMFS_MAX_CREDS, OMFS_MAX_INFLIGHT,
		     OMFS_FEAT_XATTR | OMFS_FEAT_LOCKS, 1, 0, attr(040755)}),
		ANY(cred, OMFS_WIRE_CRED_LEN, {0x0000000100000003, 1, 1000, 1001, 2}),
		ANY(clunk, OMFS_WIRE_CLUNK_LEN, {2, 0}),
		ANY(lookup, OMFS_WIRE_LOOKUP_LEN, {1, 2, 4, 0, 0}),
		ANY(fid, OMFS_WIRE_FID_LEN, {3, 0x7ff}),
		ANY(setattr, OMFS_WIRE_SETATTR_LEN,
		    {10, -1, 0x123456789, 3, 4, OMFS_SA_MODE | OMFS_SA_SIZE | OMFS_SA_KILL_PRIV,
		     0100600, 1000, 100, 5, 999999999}),
		ANY(open, OMFS_WIRE_OPEN_LEN, {3, 4, OMFS_OF_RDWR | OMFS_OF_APPEND | OMFS_OF_DSYNC, 0}),
		ANY(create, OMFS_WIRE_CREATE_LEN,
		    {1, 5, 6, OMFS_OF_WRONLY | OMFS_OF_EXCL, 0644, 022, 3, 0, 0}),
		ANY(create_rsp, OMFS_WIRE_CREATE_RSP_LEN, {OMFS_CR_CREATED, 0, attr()}),
		ANY(io, OMFS_WIRE_IO_LEN, {0x0102030405, 4, 5, OMFS_IO_APPEND, 0}),
		ANY(read_rsp, OMFS_WIRE_READ_RSP_LEN, {5, OMFS_RD_EOF}),
		ANY(write_rsp, OMFS_WIRE_WRITE_RSP_LEN, {0x1005, 0x2005, 0x3005, 5, 0}),
		ANY(fsync, OMFS_WIRE_FSYNC_LEN, {0, kS64Max, 4, OMFS_FSYNC_DATASYNC}),
		ANY(lseek, OMFS_WIRE_LSEEK_LEN, {4096, 4, OMFS_SEEK_DATA}),
		ANY(lseek_rsp, OMFS_WIRE_LSEEK_RSP_LEN, {8192}),
		ANY(fallocate, OMFS_WIRE_FALLOCATE_LEN, {512, 4096, 4, OMFS_FA_KEEP_SIZE}),
		ANY(readdir, OMFS_WIRE_READDIR_LEN, {0x77, 4, 65536}),
		ANY(mkdir, OMFS_WIRE_MKDIR_LEN, {1, 8, 0755, 022, 3, 0, 0}),
		ANY(mknod, OMFS_WIRE_MKNOD_LEN, {0x0801, 1, 9, 0010600, 077, 4, 0, 0}),
		ANY(symlink, OMFS_WIRE_SYMLINK_LEN, {1, 10, 4, 11, 0}),
		ANY(link, OMFS_WIRE_LINK_LEN, {3, 1, 11, 4, 0}),
		ANY(unlink, OMFS_WIRE_UNLINK_LEN, {1, 4, 0}),
		ANY(rename, OMFS_WIRE_RENAME_LEN, {1, 2, OMFS_RENAME_NOREPLACE, 3, 5}),
		ANY(statfs_rsp, OMFS_WIRE_STATFS_RSP_LEN,
		    {0xef53, 1000, 500, 400, 100, 50, 0x1234, 4096, 4096, 255, 0x1026}),
		ANY(xattr, OMFS_WIRE_XATTR_LEN, {3, OMFS_XATTR_CREATE, 3, 10, 0}),
		ANY(len_rsp, OMFS_WIRE_LEN_RSP_LEN, {11, 0}),
		ANY(rmxattr, OMFS_WIRE_RMXATTR_LEN, {3, 10, 0}),
		ANY(lock, OMFS_WIRE_LOCK_LEN,
		    {0xabcdef, 0, 99, 4, 1234, OMFS_LK_SETLK, OMFS_LK_WR, OMFS_LK_OFD, 0}),
		ANY(lock_rsp, OMFS_WIRE_LOCK_RSP_LEN, {10, 20, 77, 2, OMFS_LK_RD, 0, 0}),
		ANY(lock_hint, OMFS_WIRE_LOCK_HINT_LEN, {kSession, 4, 0}),
	};
	return all;
}
#undef ANY

const AnyStruct &find(std::string_view name)
{
	for (const AnyStruct &s : structs())
		if (name == s.name)
			return s;
	FAIL("no struct " << name);
	std::abort();
}

// One change to a struct's valid encoding and the verdict it must get.
struct Change {
	const char *name;
	std::size_t at;
	const char *bytes;
	int err;
};

void check_changes(std::initializer_list<Change> changes)
{
	for (const Change &c : changes) {
		const AnyStruct &s = find(c.name);
		CAPTURE(c.name, c.at, c.bytes);
		CHECK(s.get(patch(s.sample, c.at, c.bytes)) == c.err);
	}
}

// A request: its type, omfs_wire_req, its fixed struct and its tails.
struct Request {
	std::uint8_t type;
	omfs_wire_req req;
	omfs_wire_args args;
	std::vector<Bytes> tails;

	Bytes bytes() const
	{
		Bytes out(OMFS_WIRE_REQ_LEN + sizeof(args));
		out.resize(omfs_wire_put_request(type, out.data(), &req, &args));
		for (const Bytes &t : tails)
			out = out + t;
		return out;
	}
};

template <class F> Request request(std::uint8_t type, F set, std::vector<Bytes> tails = {})
{
	Request r{type, {kSession, 7, 0}, {}, std::move(tails)};
	std::memset(&r.args, 0, sizeof(r.args));
	set(r.args);
	if (type == OMFS_WT_ATTACH)
		r.req = {0, 0, 0};
	else if (type == OMFS_WT_DETACH || type == OMFS_WT_CRED || type == OMFS_WT_CLUNK)
		r.req.cred = 0;
	return r;
}

// A valid request of every type (LOCK_HINT is none).
const std::vector<Request> &requests()
{
	using A = omfs_wire_args;
	static const std::vector<Request> all = {
		request(OMFS_WT_ATTACH, [](A &a) { a.attach = {0x1122334455667788, 1, 0, 1, 1, 0}; }),
		request(OMFS_WT_DETACH, [](A &) {}),
		request(OMFS_WT_CRED, [](A &a) { a.cred = {0x3, 1, 1000, 1000, 2}; },
			{u32s({100, 1000})}),
		request(OMFS_WT_CLUNK, [](A &a) { a.clunk = {2, 0}; }, {u32s({5, 6})}),
		request(OMFS_WT_LOOKUP, [](A &a) { a.lookup = {1, 2, 4, 0, 0}; }, {text("file")}),
		request(OMFS_WT_GETATTR, [](A &a) { a.fid = {1, 0x7ff}; }),
		request(OMFS_WT_SETATTR,
			[](A &a) { a.setattr = {10, 0, 0, 3, 4, OMFS_SA_SIZE, 0, 0, 0, 0, 0}; }),
		request(OMFS_WT_ACCESS, [](A &a) { a.fid = {3, OMFS_MAY_READ | OMFS_MAY_EXEC}; }),
		request(OMFS_WT_OPEN, [](A &a) { a.open = {3, 4, OMFS_OF_RDWR | OMFS_OF_TRUNC, 0}; }),
		request(OMFS_WT_CREATE,
			[](A &a) { a.create = {1, 5, 6, OMFS_OF_WRONLY | OMFS_OF_EXCL, 0644, 022, 3, 0, 0}; },
			{text("new")}),
		request(OMFS_WT_READ, [](A &a) { a.io = {4096, 4, 100, 0, 0}; }),
		request(OMFS_WT_WRITE, [](A &a) { a.io = {4096, 4, 5, OMFS_IO_APPEND, 0}; },
			{text("hello")}),
		request(OMFS_WT_FSYNC, [](A &a) { a.fsync = {0, kS64Max, 4, OMFS_FSYNC_DATASYNC}; }),
		request(OMFS_WT_LSEEK, [](A &a) { a.lseek = {0, 4, OMFS_SEEK_HOLE}; }),
		request(OMFS_WT_FALLOCATE, [](A &a) { a.fallocate = {0, 4096, 4, OMFS_FA_PUNCH_HOLE}; }),
		request(OMFS_WT_READDIR, [](A &a) { a.readdir = {0, 4, 65536}; }),
		request(OMFS_WT_READLINK, [](A &a) { a.fid = {7, 0}; }),
		request(OMFS_WT_MKDIR, [](A &a) { a.mkdir = {1, 8, 0755, 022, 3, 0, 0}; }, {text("dir")}),
		request(OMFS_WT_MKNOD, [](A &a) { a.mknod = {0, 1, 9, 0010600, 022, 4, 0, 0}; },
			{text("fifo")}),
		request(OMFS_WT_SYMLINK, [](A &a) { a.symlink = {1, 10, 4, 11, 0}; },
			{text("link"), text("/etc/passwd")}),
		request(OMFS_WT_LINK, [](A &a) { a.link = {3, 1, 11, 4, 0}; }, {text("hard")}),
		request(OMFS_WT_UNLINK, [](A &a) { a.unlink = {1, 4, 0}; }, {text("file")}),
		request(OMFS_WT_RMDIR, [](A &a) { a.unlink = {1, 3, 0}; }, {text("dir")}),
		request(OMFS_WT_RENAME, [](A &a) { a.rename = {1, 2, OMFS_RENAME_EXCHANGE, 3, 5}; },
			{text("old"), text("other")}),
		request(OMFS_WT_STATFS, [](A &a) { a.fid = {1, 0}; }),
		request(OMFS_WT_GETXATTR, [](A &a) { a.xattr = {3, 100, 0, 10, 0}; },
			{text("user.color")}),
		request(OMFS_WT_SETXATTR, [](A &a) { a.xattr = {3, OMFS_XATTR_REPLACE, 3, 10, 0}; },
			{text("user.color"), text("red")}),
		request(OMFS_WT_LISTXATTR, [](A &a) { a.fid = {3, 4096}; }),
		request(OMFS_WT_REMOVEXATTR, [](A &a) { a.rmxattr = {3, 10, 0}; },
			{text("user.color")}),
		request(OMFS_WT_LOCK,
			[](A &a) { a.lock = {0xabcdef, 0, 99, 4, 1234, OMFS_LK_GETLK, OMFS_LK_RD, 0, 0}; }),
		request(OMFS_WT_FLOCK, [](A &a) { a.fid = {4, OMFS_FL_EX}; }),
	};
	return all;
}

const Request &sample_request(std::uint8_t type)
{
	for (const Request &r : requests())
		if (r.type == type)
			return r;
	FAIL("no request of type " << int(type));
	std::abort();
}

// R with tail I replaced by T, and the field that gives its length set.
Request with_tail(Request r, std::size_t i, const Bytes &t)
{
	const auto n16 = static_cast<__u16>(t.size());
	const auto n32 = static_cast<__u32>(t.size());
	omfs_wire_args &a = r.args;
	switch (r.type) {
	case OMFS_WT_LOOKUP: a.lookup.namelen = n16; break;
	case OMFS_WT_CREATE: a.create.namelen = n16; break;
	case OMFS_WT_MKDIR: a.mkdir.namelen = n16; break;
	case OMFS_WT_MKNOD: a.mknod.namelen = n16; break;
	case OMFS_WT_SYMLINK: (i ? a.symlink.targetlen : a.symlink.namelen) = n16; break;
	case OMFS_WT_LINK: a.link.namelen = n16; break;
	case OMFS_WT_UNLINK:
	case OMFS_WT_RMDIR: a.unlink.namelen = n16; break;
	case OMFS_WT_RENAME: (i ? a.rename.newlen : a.rename.oldlen) = n16; break;
	case OMFS_WT_GETXATTR:
	case OMFS_WT_SETXATTR:
		if (i)
			a.xattr.valuelen = n32;
		else
			a.xattr.namelen = n16;
		break;
	case OMFS_WT_REMOVEXATTR: a.rmxattr.namelen = n16; break;
	case OMFS_WT_WRITE: a.io.count = n32; break;
	default: FAIL("type " << int(r.type) << " has no tails");
	}
	REQUIRE(i < r.tails.size());
	r.tails[i] = t;
	return r;
}

// What parsing BYTES as TYPE says; on failure the outputs must be untouched.
int parse(std::uint8_t type, const Bytes &bytes, omfs_wire_req *req = nullptr,
	  omfs_wire_args *args = nullptr, omfs_wire_tail *tails = nullptr)
{
	omfs_wire_req r;
	omfs_wire_args a;
	omfs_wire_tail t[OMFS_WIRE_TAILS];
	std::memset(&r, 0x5a, sizeof(r));
	std::memset(&a, 0x5a, sizeof(a));
	std::memset(t, 0x5a, sizeof(t));
	const Bytes exact(bytes);
	const int err = omfs_wire_parse_req(type, exact.data(), exact.size(), &r, &a, t);
	if (err) {
		CHECK(r.session == 0x5a5a5a5a5a5a5a5a);
		CHECK(a.lock.owner == 0x5a5a5a5a5a5a5a5a);
		CHECK(t[1].len == 0x5a5a5a5a);
		return err;
	}
	for (const omfs_wire_tail &tail : t)	// pointers into EXACT
		CHECK((tail.len ? tail.data != nullptr : tail.data == nullptr));
	if (req)
		*req = r;
	if (args)
		*args = a;
	if (tails)
		std::copy(t, t + OMFS_WIRE_TAILS, tails);
	return 0;
}

// An answer: its type, the fixed struct, the tail.
struct Response {
	std::uint8_t type;
	omfs_wire_rsp rsp;
	Bytes tail;

	Bytes bytes() const
	{
		Bytes out(sizeof(rsp));
		out.resize(omfs_wire_put_response(type, out.data(), &rsp));
		return out + tail;
	}
};

template <class F> Response response(std::uint8_t type, F set, Bytes tail = {})
{
	Response r{type, {}, std::move(tail)};
	std::memset(&r.rsp, 0, sizeof(r.rsp));
	set(r.rsp);
	return r;
}

// Three entries as a server packs them; the last one's next is the end.
Bytes dirents()
{
	Bytes out(3 * 32);
	std::size_t len = 0;
	const struct {
		omfs_wire_dirent d;
		const char *name;
	} entries[] = {{{2, 0, 4, 1}, "."}, {{1, 0, 4, 2}, ".."}, {{12, 0, 8, 4}, "file"}};
	for (const auto &e : entries) {
		if (len)	// the entry before continues here
			omfs_wire_set_dirent_next(out.data() + len - 24, 100 + len);
		omfs_wire_put_dirent(out.data() + len, &e.d, e.name);
		len += omfs_wire_dirent_size(e.d.namelen);
	}
	omfs_wire_set_dirent_next(out.data() + len - 24, 0x7fffffffffffffff);
	out.resize(len);
	return out;
}

// A valid answer of every type that has one, and LOCK_HINT.
const std::vector<Response> &responses()
{
	using R = omfs_wire_rsp;
	const auto attr_of = [](std::uint8_t type, std::uint32_t mode = 0100644) {
		return response(type, [mode](R &r) { r.attr = attr(mode); });
	};
	const auto empty = [](std::uint8_t type) { return response(type, [](R &) {}); };
	static const std::vector<Response> all = {
		response(OMFS_WT_ATTACH,
			 [](R &r) {
				 r.attach = {kSession, OMFS_MAX_IO, OMFS_MAX_FIDS, OMFS_MAX_CREDS,
					     OMFS_MAX_INFLIGHT, OMFS_FEAT_XATTR, 1, 0, attr(040755)};
			 }),
		empty(OMFS_WT_CRED),
		attr_of(OMFS_WT_LOOKUP, 040755),
		attr_of(OMFS_WT_GETATTR),
		attr_of(OMFS_WT_SETATTR),
		empty(OMFS_WT_ACCESS),
		attr_of(OMFS_WT_OPEN),
		response(OMFS_WT_CREATE, [](R &r) { r.create = {OMFS_CR_OPENED, 0, attr()}; }),
		response(OMFS_WT_READ, [](R &r) { r.read = {5, OMFS_RD_EOF}; }, text("hello")),
		response(OMFS_WT_WRITE, [](R &r) { r.write = {4101, 4101, 0x99, 5, 0}; }),
		empty(OMFS_WT_FSYNC),
		response(OMFS_WT_LSEEK, [](R &r) { r.lseek = {8192}; }),
		attr_of(OMFS_WT_FALLOCATE),
		response(OMFS_WT_READDIR, [](R &r) { r.len = {static_cast<__u32>(dirents().size()), 0}; },
			 dirents()),
		response(OMFS_WT_READLINK, [](R &r) { r.len = {11, 0}; }, text("/etc/passwd")),
		attr_of(OMFS_WT_MKDIR, 040755),
		attr_of(OMFS_WT_MKNOD, 0010600),
		attr_of(OMFS_WT_SYMLINK, 0120777),
		attr_of(OMFS_WT_LINK),
		empty(OMFS_WT_UNLINK),
		empty(OMFS_WT_RMDIR),
		empty(OMFS_WT_RENAME),
		response(OMFS_WT_STATFS, [](R &r) { r.statfs = {0xef53, 9, 8, 7, 6, 5, 4, 4096, 4096, 255, 0}; }),
		response(OMFS_WT_GETXATTR, [](R &r) { r.len = {3, 0}; }, text("red")),
		empty(OMFS_WT_SETXATTR),
		response(OMFS_WT_LISTXATTR, [](R &r) { r.len = {24, 0}; },
			 text(std::string_view("user.color\0user.shape\0", 22)) + text("a") + Bytes{0}),
		empty(OMFS_WT_REMOVEXATTR),
		response(OMFS_WT_LOCK, [](R &r) { r.lock = {0, kS64Max, 0, 3, OMFS_LK_UN, 0, 0}; }),
		empty(OMFS_WT_FLOCK),
		response(OMFS_WT_LOCK_HINT, [](R &r) { r.hint = {kSession, 4, 0}; }),
	};
	return all;
}

int parse_rsp(std::uint8_t type, const Bytes &bytes, omfs_wire_rsp *rsp = nullptr,
	      omfs_wire_tail *tail = nullptr)
{
	omfs_wire_rsp r;
	omfs_wire_tail t;
	std::memset(&r, 0x5a, sizeof(r));
	std::memset(&t, 0x5a, sizeof(t));
	const Bytes exact(bytes);
	const int err = omfs_wire_parse_rsp(type, exact.empty() ? nullptr : exact.data(),
					    exact.size(), &r, &t);
	if (err) {
		CHECK(r.attach.session == 0x5a5a5a5a5a5a5a5a);
		CHECK(t.len == 0x5a5a5a5a);
		return err;
	}
	CHECK((t.len ? t.data != nullptr : t.data == nullptr));
	if (rsp)
		*rsp = r;
	if (tail)
		*tail = t;
	return 0;
}

} // namespace

TEST_CASE("omfs wire: the fixed lengths of §6.3", "[omfs_wire]")
{
	// type: request struct after omfs_wire_req, answer struct; -1 none.
	const long table[][3] = {
		{OMFS_WT_ATTACH, 24, 160},    {OMFS_WT_DETACH, 0, -1},	    {OMFS_WT_CRED, 24, 0},
		{OMFS_WT_CLUNK, 8, -1},	      {OMFS_WT_LOOKUP, 16, 128},    {OMFS_WT_GETATTR, 8, 128},
		{OMFS_WT_SETATTR, 56, 128},   {OMFS_WT_ACCESS, 8, 0},	    {OMFS_WT_OPEN, 16, 128},
		{OMFS_WT_CREATE, 32, 136},    {OMFS_WT_READ, 24, 8},	    {OMFS_WT_WRITE, 24, 32},
		{OMFS_WT_FSYNC, 24, 0},	      {OMFS_WT_LSEEK, 16, 8},	    {OMFS_WT_FALLOCATE, 24, 128},
		{OMFS_WT_READDIR, 16, 8},     {OMFS_WT_READLINK, 8, 8},	    {OMFS_WT_MKDIR, 24, 128},
		{OMFS_WT_MKNOD, 32, 128},     {OMFS_WT_SYMLINK, 16, 128},   {OMFS_WT_LINK, 16, 128},
		{OMFS_WT_UNLINK, 8, 0},	      {OMFS_WT_RMDIR, 8, 0},	    {OMFS_WT_RENAME, 16, 0},
		{OMFS_WT_STATFS, 8, 72},      {OMFS_WT_GETXATTR, 16, 8},    {OMFS_WT_SETXATTR, 16, 0},
		{OMFS_WT_LISTXATTR, 8, 8},    {OMFS_WT_REMOVEXATTR, 8, 0},  {OMFS_WT_LOCK, 40, 32},
		{OMFS_WT_FLOCK, 8, 0},	      {OMFS_WT_LOCK_HINT, -1, 16},
	};
	REQUIRE(std::size(table) == OMFS_WT_LAST - OMFS_WT_FIRST + 1);
	for (const auto &row : table) {
		CAPTURE(row[0]);
		CHECK(omfs_wire_req_len(static_cast<__u8>(row[0])) == row[1]);
		CHECK(omfs_wire_rsp_len(static_cast<__u8>(row[0])) == row[2]);
	}
	for (const int type : {0, 31, 64, 255}) {
		CHECK(omfs_wire_req_len(static_cast<__u8>(type)) == -1);
		CHECK(omfs_wire_rsp_len(static_cast<__u8>(type)) == -1);
	}
	CHECK(int(OMFS_WT_FIRST) == int(OM_WT_FIRST_USER));
	CHECK(OMFS_MAX_IO_LIMIT == (1u << 20) - 4096);
	CHECK(omfs_wire_dirent_size(1) == 24);
	CHECK(omfs_wire_dirent_size(6) == 24);
	CHECK(omfs_wire_dirent_size(7) == 32);
	CHECK(omfs_wire_dirent_size(255) == 280);
}

TEST_CASE("omfs wire: golden vectors", "[omfs_wire]")
{
	const AnyStruct &a = find("attr");
	CHECK(a.sample == kAttr);

	CHECK(find("req").sample == hex("ef cd ab 89 67 45 23 01  07 00 00 00  00 00 00 00"));
	CHECK(find("lookup").sample == hex("01 00 00 00 02 00 00 00  04 00 00 00  00 00 00 00"));
	CHECK(find("lock").sample == hex("ef cd ab 00 00 00 00 00"  // owner
					 "00 00 00 00 00 00 00 00"  // start
					 "63 00 00 00 00 00 00 00"  // end 99
					 "04 00 00 00 d2 04 00 00"  // fid 4, pid 1234
					 "02 02 01 00 00 00 00 00")); // SETLK, WR, OFD; reserved
	CHECK(find("lock_rsp").sample == hex("0a 00 00 00 00 00 00 00  14 00 00 00 00 00 00 00"
					     "4d 00 00 00 02 00 01 00  00 00 00 00 00 00 00 00"));
	CHECK(find("attach_rsp").sample ==
	      hex("ef cd ab 89 67 45 23 01  00 00 08 00 00 40 00 00"
		  "00 04 00 00 80 00 00 00  05 00 00 00 01 00 00 00") +
		      patch(kAttr, 96, "ed 41"));	// the root: 040755

	// A whole LOOKUP of "file" in fid 1, as the client sends it.
	CHECK(sample_request(OMFS_WT_LOOKUP).bytes() ==
	      hex("ef cd ab 89 67 45 23 01 07 00 00 00 00 00 00 00"
		  "01 00 00 00 02 00 00 00 04 00 00 00 00 00 00 00"
		  "66 69 6c 65"));
	// ".", "..", "file": 24-byte entries, zero padded.
	CHECK(dirents() == hex("02 00 00 00 00 00 00 00  7c 00 00 00 00 00 00 00  04 01 2e 00 00 00 00 00"
			       "01 00 00 00 00 00 00 00  94 00 00 00 00 00 00 00  04 02 2e 2e 00 00 00 00"
			       "0c 00 00 00 00 00 00 00  ff ff ff ff ff ff ff 7f  08 04 66 69 6c 65 00 00"));
}

TEST_CASE("omfs wire: every struct round trips", "[omfs_wire]")
{
	for (const AnyStruct &s : structs()) {
		CAPTURE(s.name);
		CHECK(s.decodes_to_sample);
		CHECK(s.get(s.sample) == 0);
	}
}

TEST_CASE("omfs wire: a struct needs all its bytes and reads no more", "[omfs_wire]")
{
	for (const AnyStruct &s : structs()) {
		CAPTURE(s.name);
		for (std::size_t n = 0; n < s.len; ++n) {
			CAPTURE(n);
			CHECK(s.get(Bytes(s.sample.begin(), s.sample.begin() + static_cast<long>(n))) ==
			      -EPROTO);
		}
		CHECK(s.get(s.sample + hex("ee ee ee ee ee ee ee")) == 0);
	}
}

TEST_CASE("omfs wire: reserved fields must be 0", "[omfs_wire]")
{
	check_changes({
		{"attach", 20, "01", -EPROTO},	   {"attach", 23, "80", -EPROTO},
		{"attach_rsp", 30, "01", -EPROTO}, {"clunk", 4, "01", -EPROTO},
		{"lookup", 10, "01", -EPROTO},	   {"lookup", 12, "01", -EPROTO},
		{"lookup", 15, "80", -EPROTO},	   {"open", 12, "01", -EPROTO},
		{"create", 26, "01", -EPROTO},	   {"create", 28, "01", -EPROTO},
		{"create_rsp", 4, "01", -EPROTO},  {"io", 20, "01", -EPROTO},
		{"write_rsp", 28, "01", -EPROTO},  {"mkdir", 18, "01", -EPROTO},
		{"mkdir", 20, "01", -EPROTO},	   {"mknod", 26, "01", -EPROTO},
		{"mknod", 28, "01", -EPROTO},	   {"symlink", 12, "01", -EPROTO},
		{"link", 14, "01", -EPROTO},	   {"unlink", 6, "01", -EPROTO},
		{"xattr", 14, "01", -EPROTO},	   {"len_rsp", 4, "01", -EPROTO},
		{"rmxattr", 6, "01", -EPROTO},	   {"lock", 36, "01", -EPROTO},
		{"lock_rsp", 23, "01", -EPROTO},   {"lock_rsp", 24, "01", -EPROTO},
		{"lock_rsp", 31, "80", -EPROTO},   {"lock_hint", 12, "01", -EPROTO},
	});
}

TEST_CASE("omfs wire: what a newer client may ask for is EOPNOTSUPP", "[omfs_wire]")
{
	check_changes({
		{"req", 12, "01", -EOPNOTSUPP},
		{"req", 15, "80", -EOPNOTSUPP},
		{"attach", 12, "01", -EOPNOTSUPP},
		{"open", 8, "00 04", -EOPNOTSUPP},	// bit 10
		{"open", 8, "03 00", -EOPNOTSUPP},	// access mode 3
		{"create", 12, "00 04", -EOPNOTSUPP},
		{"create", 12, "13 00", -EOPNOTSUPP},	// EXCL with access mode 3
		{"setattr", 32, "00 10", -EOPNOTSUPP},	// bit 12
		{"io", 16, "08", -EOPNOTSUPP},
		{"fsync", 20, "02", -EOPNOTSUPP},
		{"lseek", 12, "00", -EOPNOTSUPP},	// SEEK_SET stays local
		{"lseek", 12, "01", -EOPNOTSUPP},
		{"lseek", 12, "05", -EOPNOTSUPP},
		{"fallocate", 16, "04 00 00 00 04", -EOPNOTSUPP}, // NO_HIDE_STALE
		{"fallocate", 20, "80", -EOPNOTSUPP},
		{"rename", 8, "08", -EOPNOTSUPP},
		{"lock", 32, "00", -EOPNOTSUPP},	// cmd
		{"lock", 32, "03", -EOPNOTSUPP},
		{"lock", 33, "00", -EOPNOTSUPP},	// type
		{"lock", 33, "04", -EOPNOTSUPP},
		{"lock", 34, "03 00", -EOPNOTSUPP},	// flags
		// Known flags where they belong are fine.
		{"open", 8, "ee 03", 0},		// all but EXCL, access mode RDWR
		{"create", 12, "fe 03", 0},
		{"setattr", 32, "ff 0f", 0},
		{"lock", 32, "01 03 01 00", 0},
		{"lseek", 12, "02", 0},
		{"fallocate", 20, "7b", 0},
	});
}

TEST_CASE("omfs wire: malformed structs are EPROTO", "[omfs_wire]")
{
	check_changes({
		{"attach", 8, "00 00 00 00", -EPROTO},		// root_fid
		{"attach", 16, "00 00", -EPROTO},		// version_min 0
		{"attach", 16, "03 00 02 00", -EPROTO},		// min > max
		{"cred", 8, "00 00 00 00", -EPROTO},		// id
		{"cred", 20, "01 00 01 00", -EPROTO},		// 65537 groups
		{"cred", 20, "00 00 01 00", 0},			// 65536
		{"clunk", 0, "00 00 00 00", -EPROTO},
		{"clunk", 0, "01 10 00 00", -EPROTO},		// 4097
		{"clunk", 0, "00 10 00 00", 0},			// 4096
		{"lookup", 0, "00 00 00 00", -EPROTO},		// dirfid
		{"lookup", 4, "00 00 00 00", 0},		// newfid 0: revalidate
		{"lookup", 8, "00 00", -EPROTO},		// namelen
		{"lookup", 8, "00 01", -EPROTO},
		{"lookup", 8, "ff 00", 0},
		{"fid", 0, "00 00 00 00", -EPROTO},
		{"setattr", 24, "00 00 00 00", -EPROTO},	// fid
		{"setattr", 28, "00 00 00 00", 0},		// openfid 0: none
		{"setattr", 36, "00 00 01 00", -EPROTO},	// mode past S_IFMT
		{"setattr", 48, "00 ca 9a 3b", -EPROTO},	// atime_nsec 10^9
		{"setattr", 52, "00 ca 9a 3b", -EPROTO},
		{"open", 0, "00 00 00 00", -EPROTO},
		{"open", 4, "00 00 00 00", -EPROTO},
		{"open", 8, "12 00 00 00", -EPROTO},		// EXCL
		{"create", 0, "00 00 00 00", -EPROTO},
		{"create", 4, "00 00 00 00", -EPROTO},
		{"create", 8, "00 00 00 00", -EPROTO},
		{"create", 16, "a4 81 00 00", -EPROTO},		// a file type in mode
		{"create", 20, "00 02 00 00", -EPROTO},		// umask 01000
		{"create", 24, "00 00", -EPROTO},
		{"io", 8, "00 00 00 00", -EPROTO},
		{"io", 12, "01 f0 0f 00", -EPROTO},		// count past the limit
		{"io", 12, "00 f0 0f 00", 0},
		{"fsync", 16, "00 00 00 00", -EPROTO},
		{"fsync", 0, "ff ff ff ff ff ff ff 7f 00 00 00 00 00 00 00 00", -EPROTO}, // start > end
		{"fsync", 8, "ff ff ff ff ff ff ff ff", -EPROTO},			// end > S64_MAX
		{"lseek", 8, "00 00 00 00", -EPROTO},
		{"fallocate", 16, "00 00 00 00", -EPROTO},
		{"readdir", 8, "00 00 00 00", -EPROTO},
		{"readdir", 12, "01 f0 0f 00", -EPROTO},
		{"mkdir", 0, "00 00 00 00", -EPROTO},
		{"mkdir", 4, "00 00 00 00", -EPROTO},
		{"mkdir", 8, "ed 41 00 00", -EPROTO},		// S_IFDIR in mode
		{"mkdir", 12, "00 02 00 00", -EPROTO},
		{"mkdir", 16, "00 00", -EPROTO},
		{"mknod", 16, "ed 41 00 00", -EPROTO},		// a directory
		{"mknod", 16, "ff a1 00 00", -EPROTO},		// a symlink
		{"mknod", 16, "80 01 00 00", -EPROTO},		// no type
		{"mknod", 16, "80 21 00 00", 0},		// a character device
		{"mknod", 16, "80 c1 00 00", 0},		// a socket
		{"mknod", 16, "80 81 00 00", 0},		// a regular file
		{"mknod", 8, "00 00 00 00", -EPROTO},
		{"mknod", 24, "00 01", -EPROTO},
		{"symlink", 0, "00 00 00 00", -EPROTO},
		{"symlink", 4, "00 00 00 00", -EPROTO},
		{"symlink", 10, "00 00", -EPROTO},		// targetlen
		{"symlink", 10, "00 10", -EPROTO},		// 4096
		{"symlink", 10, "ff 0f", 0},			// 4095
		{"link", 0, "00 00 00 00", -EPROTO},
		{"link", 4, "00 00 00 00", -EPROTO},
		{"link", 8, "00 00 00 00", -EPROTO},
		{"unlink", 0, "00 00 00 00", -EPROTO},
		{"unlink", 4, "00 00", -EPROTO},
		{"rename", 0, "00 00 00 00", -EPROTO},
		{"rename", 4, "00 00 00 00", -EPROTO},
		{"rename", 12, "00 00", -EPROTO},
		{"rename", 14, "00 01", -EPROTO},
		{"xattr", 0, "00 00 00 00", -EPROTO},
		{"xattr", 8, "01 00 01 00", -EPROTO},		// a value past 65536
		{"xattr", 8, "00 00 01 00", 0},
		{"xattr", 12, "00 00", -EPROTO},
		{"xattr", 12, "00 01", -EPROTO},
		{"rmxattr", 0, "00 00 00 00", -EPROTO},
		{"rmxattr", 4, "00 00", -EPROTO},
		{"rmxattr", 4, "00 01", -EPROTO},
		{"lock", 24, "00 00 00 00", -EPROTO},
		{"lock", 8, "64 00 00 00 00 00 00 00", -EPROTO},	// start > end
		{"lock", 16, "ff ff ff ff ff ff ff ff", -EPROTO},
		{"lock_hint", 0, "00 00 00 00 00 00 00 00", -EPROTO},
		{"lock_hint", 8, "00 00 00 00", -EPROTO},
	});
}

TEST_CASE("omfs wire: answers carry nothing unknown", "[omfs_wire]")
{
	check_changes({
		{"attr", 96, "a4 01 00 00", -EPROTO},		// no file type
		{"attr", 96, "a4 f1 00 00", -EPROTO},		// no such file type
		{"attr", 96, "a4 81 01 00", -EPROTO},		// a bit past S_IFMT
		{"attr", 80, "00 ca 9a 3b", -EPROTO},		// each nsec < 10^9
		{"attr", 84, "00 ca 9a 3b", -EPROTO},
		{"attr", 88, "00 ca 9a 3b", -EPROTO},
		{"attr", 92, "00 ca 9a 3b", -EPROTO},
		{"attr", 120, "ff ff ff ff ff ff ff ff", 0},	// STATX masks are Linux's
		{"attach_rsp", 0, "00 00 00 00 00 00 00 00", -EPROTO},	// session
		{"attach_rsp", 8, "ff 0f 00 00", -EPROTO},	// max_io 4095
		{"attach_rsp", 8, "00 10 00 00", 0},		// 4096
		{"attach_rsp", 8, "01 f0 0f 00", -EPROTO},	// past the limit
		{"attach_rsp", 8, "00 f0 0f 00", 0},
		{"attach_rsp", 12, "00 00 00 00", -EPROTO},	// max_fids
		{"attach_rsp", 16, "00 00 00 00", -EPROTO},	// max_creds
		{"attach_rsp", 20, "00 00 00 00", -EPROTO},	// max_inflight
		{"attach_rsp", 24, "08", -EPROTO},		// features
		{"attach_rsp", 28, "00 00", -EPROTO},		// version
		{"attach_rsp", 32 + 96, "a4 81", -EPROTO},	// a root that is no directory
		{"attach_rsp", 32 + 80, "00 ca 9a 3b", -EPROTO},
		{"create_rsp", 0, "00", -EPROTO},		// result
		{"create_rsp", 0, "04", -EPROTO},
		{"create_rsp", 0, "03", 0},
		{"create_rsp", 8 + 96, "00 00", -EPROTO},
		{"read_rsp", 4, "02", -EPROTO},
		{"read_rsp", 0, "01 f0 0f 00", -EPROTO},
		{"write_rsp", 24, "01 f0 0f 00", -EPROTO},
		{"lseek_rsp", 0, "ff ff ff ff ff ff ff ff", -EPROTO},
		{"lock_rsp", 22, "00", -EPROTO},		// type
		{"lock_rsp", 22, "04", -EPROTO},
		{"lock_rsp", 22, "03", 0},
		{"lock_rsp", 0, "15", -EPROTO},			// start > end
		{"statfs_rsp", 68, "ff ff ff ff", 0},		// ST_* are Linux's
	});
}

TEST_CASE("omfs wire: every request parses whole, and only whole", "[omfs_wire]")
{
	REQUIRE(requests().size() == OMFS_WT_LAST - OMFS_WT_FIRST);
	for (const Request &r : requests()) {
		CAPTURE(int(r.type));
		const Bytes bytes = r.bytes();
		omfs_wire_req req{};
		omfs_wire_args args{};
		omfs_wire_tail tails[OMFS_WIRE_TAILS]{};
		REQUIRE(parse(r.type, bytes, &req, &args, tails) == 0);
		CHECK(std::memcmp(&req, &r.req, sizeof(req)) == 0);
		CHECK(std::memcmp(&args, &r.args, sizeof(args)) == 0);
		std::size_t at = bytes.size();
		for (std::size_t i = 0; i < OMFS_WIRE_TAILS; ++i) {
			const Bytes want = i < r.tails.size() ? r.tails[i] : Bytes{};
			CHECK(tails[i].len == want.size());
			at -= want.size();
		}
		CHECK(at == OMFS_WIRE_REQ_LEN + static_cast<std::size_t>(omfs_wire_req_len(r.type)));

		for (std::size_t n = 0; n < bytes.size(); ++n) {
			CAPTURE(n);
			CHECK(parse(r.type, Bytes(bytes.begin(), bytes.begin() + static_cast<long>(n))) ==
			      -EPROTO);
		}
		CHECK(parse(r.type, bytes + Bytes{0}) == -EPROTO);
		CHECK(parse(r.type, bytes + text("xyz")) == -EPROTO);
	}
}

TEST_CASE("omfs wire: tails come back where they are", "[omfs_wire]")
{
	for (const std::uint8_t type : {OMFS_WT_SETXATTR, OMFS_WT_SYMLINK, OMFS_WT_RENAME, OMFS_WT_WRITE}) {
		CAPTURE(int(type));
		const Request &r = sample_request(type);
		const Bytes bytes = r.bytes();
		omfs_wire_req req{};
		omfs_wire_args args{};
		omfs_wire_tail t[OMFS_WIRE_TAILS]{};
		REQUIRE(omfs_wire_parse_req(type, bytes.data(), bytes.size(), &req, &args, t) == 0);
		const __u8 *at = bytes.data() + OMFS_WIRE_REQ_LEN + omfs_wire_req_len(type);
		for (std::size_t i = 0; i < r.tails.size(); ++i) {
			CHECK(t[i].data == at);
			CHECK(Bytes(t[i].data, t[i].data + t[i].len) == r.tails[i]);
			at += t[i].len;
		}
		CHECK(at == bytes.data() + bytes.size());
	}
}

TEST_CASE("omfs wire: sessions and creds by type", "[omfs_wire]")
{
	for (const Request &r : requests()) {
		CAPTURE(int(r.type));
		Request changed = r;
		changed.req.session = changed.req.session ? 0 : 1;
		CHECK(parse(r.type, changed.bytes()) == -EPROTO);
		changed = r;
		changed.req.cred = changed.req.cred ? 0 : 1;
		CHECK(parse(r.type, changed.bytes()) == -EPROTO);
	}
	for (const int type : {0, 31, int(OMFS_WT_LOCK_HINT), 64, 255})
		CHECK(parse(static_cast<std::uint8_t>(type), sample_request(OMFS_WT_DETACH).bytes()) ==
		      -EPROTO);
}

TEST_CASE("omfs wire: what depends on the type", "[omfs_wire]")
{
	const auto changed = [](std::uint8_t type, const std::function<void(Request &)> &change) {
		Request r = sample_request(type);
		change(r);
		return parse(type, r.bytes());
	};
	using R = Request;
	CHECK(changed(OMFS_WT_READ, [](R &r) { r.args.io.flags = OMFS_IO_APPEND; }) == -EPROTO);
	CHECK(changed(OMFS_WT_WRITE, [](R &r) { r.args.io.flags = OMFS_IO_DSYNC | OMFS_IO_SYNC; }) == 0);
	CHECK(changed(OMFS_WT_WRITE, [](R &r) { r.args.io.count = 4; }) == -EPROTO);
	CHECK(changed(OMFS_WT_WRITE, [](R &r) { r.args.io.count = 0, r.tails.clear(); }) == 0);
	CHECK(changed(OMFS_WT_ACCESS, [](R &r) { r.args.fid.arg = 8; }) == -EOPNOTSUPP);
	CHECK(changed(OMFS_WT_ACCESS, [](R &r) { r.args.fid.arg = 0; }) == 0);
	CHECK(changed(OMFS_WT_GETATTR, [](R &r) { r.args.fid.arg = ~0u; }) == 0);
	CHECK(changed(OMFS_WT_READLINK, [](R &r) { r.args.fid.arg = 1; }) == -EPROTO);
	CHECK(changed(OMFS_WT_STATFS, [](R &r) { r.args.fid.arg = 1; }) == -EPROTO);
	CHECK(changed(OMFS_WT_LISTXATTR, [](R &r) { r.args.fid.arg = 65537; }) == -EPROTO);
	CHECK(changed(OMFS_WT_LISTXATTR, [](R &r) { r.args.fid.arg = 65536; }) == 0);
	CHECK(changed(OMFS_WT_LISTXATTR, [](R &r) { r.args.fid.arg = 0; }) == 0);
	CHECK(changed(OMFS_WT_FLOCK, [](R &r) { r.args.fid.arg = 0; }) == -EOPNOTSUPP);
	CHECK(changed(OMFS_WT_FLOCK, [](R &r) { r.args.fid.arg = OMFS_FL_UN + 1; }) == -EOPNOTSUPP);
	CHECK(changed(OMFS_WT_FLOCK, [](R &r) { r.args.fid.arg = OMFS_FL_SH; }) == 0);
	CHECK(changed(OMFS_WT_GETXATTR, [](R &r) { r.args.xattr.size_or_flags = 65537; }) == -EPROTO);
	CHECK(changed(OMFS_WT_GETXATTR, [](R &r) { r.args.xattr.size_or_flags = 0; }) == 0);
	CHECK(changed(OMFS_WT_GETXATTR, [](R &r) {
		      r.args.xattr.valuelen = 3;
		      r.tails.push_back(text("red"));
	      }) == -EPROTO);
	CHECK(changed(OMFS_WT_SETXATTR, [](R &r) { r.args.xattr.size_or_flags = 4; }) == -EOPNOTSUPP);
	CHECK(changed(OMFS_WT_SETXATTR, [](R &r) { r.args.xattr.size_or_flags = 3; }) == 0);
	CHECK(changed(OMFS_WT_SETXATTR, [](R &r) {
		      r.args.xattr.valuelen = 0;
		      r.tails.pop_back();
	      }) == 0);
	CHECK(changed(OMFS_WT_SETXATTR, [](R &r) {
		      r.args.xattr.valuelen = OMFS_XATTR_SIZE_MAX;
		      r.tails.back() = Bytes(OMFS_XATTR_SIZE_MAX, 0);
	      }) == 0);
	CHECK(changed(OMFS_WT_CLUNK, [](R &r) { r.tails[0] = u32s({5, 0}); }) == -EPROTO);
	CHECK(changed(OMFS_WT_CRED, [](R &r) { r.tails[0] = u32s({0, 0}); }) == 0);
	CHECK(changed(OMFS_WT_CRED, [](R &r) { r.args.cred.ngroups = 0, r.tails.clear(); }) == 0);
	CHECK(changed(OMFS_WT_OPEN, [](R &r) { r.args.open.flags |= OMFS_OF_EXCL; }) == -EPROTO);
}

TEST_CASE("omfs wire: EOPNOTSUPP only for a request that is otherwise whole", "[omfs_wire]")
{
	Request r = sample_request(OMFS_WT_RENAME);
	r.args.rename.flags = 1u << 3;
	CHECK(parse(r.type, r.bytes()) == -EOPNOTSUPP);
	CHECK(parse(r.type, r.bytes() + Bytes{0}) == -EPROTO);
	r.tails[1] = text("a/b");
	r.args.rename.newlen = 3;
	CHECK(parse(r.type, r.bytes()) == -EPROTO);

	r = sample_request(OMFS_WT_OPEN);
	r.req.flags = 1;
	CHECK(parse(r.type, r.bytes()) == -EOPNOTSUPP);
	r.args.open.reserved = 1;
	CHECK(parse(r.type, r.bytes()) == -EPROTO);
	r.args.open.reserved = 0;
	r.req.session = 0;
	CHECK(parse(r.type, r.bytes()) == -EPROTO);
}

TEST_CASE("omfs wire: names", "[omfs_wire]")
{
	const auto check = std::bind_front(rule, omfs_wire_check_name);
	CHECK(check("") == -EPROTO);
	CHECK(check(".") == -EPROTO);
	CHECK(check("..") == -EPROTO);
	CHECK(check("a/b") == -EPROTO);
	CHECK(check("/") == -EPROTO);
	CHECK(check(std::string("a\0b", 3)) == -EPROTO);
	CHECK(check(std::string(1, '\0')) == -EPROTO);
	CHECK(check(std::string(256, 'x')) == -EPROTO);
	CHECK(check(std::string(255, 'x')) == 0);
	CHECK(check("...") == 0);
	CHECK(check(".a") == 0);
	CHECK(check("a.") == 0);
	CHECK(check("\xff\x01 ") == 0);

	// Every name of a request, each rule.
	struct Where {
		std::uint8_t type;
		std::size_t tail;
	};
	const Where wheres[] = {
		{OMFS_WT_LOOKUP, 0}, {OMFS_WT_CREATE, 0}, {OMFS_WT_MKDIR, 0},  {OMFS_WT_MKNOD, 0},
		{OMFS_WT_SYMLINK, 0}, {OMFS_WT_LINK, 0},  {OMFS_WT_UNLINK, 0}, {OMFS_WT_RMDIR, 0},
		{OMFS_WT_RENAME, 0}, {OMFS_WT_RENAME, 1},
	};
	for (const Where &w : wheres) {
		for (const std::string &bad : std::vector<std::string>{".", "..", "a/b", std::string("a\0b", 3),
								       std::string(256, 'n')}) {
			CAPTURE(int(w.type), w.tail, bad);
			const Request r = with_tail(sample_request(w.type), w.tail, text(bad));
			CHECK(parse(w.type, r.bytes()) == -EPROTO);
		}
		CHECK(parse(w.type, with_tail(sample_request(w.type), w.tail, text("...")).bytes()) == 0);
	}
}

TEST_CASE("omfs wire: symlink targets, xattr names and values", "[omfs_wire]")
{
	const auto target = std::bind_front(rule, omfs_wire_check_target);
	CHECK(target("") == -EPROTO);
	CHECK(target(std::string("a\0", 2)) == -EPROTO);
	CHECK(target(std::string(4096, 'x')) == -EPROTO);
	CHECK(target(std::string(4095, 'x')) == 0);
	CHECK(target("../../etc/./passwd") == 0);
	CHECK(target("/") == 0);
	CHECK(target(".") == 0);

	const auto xname = std::bind_front(rule, omfs_wire_check_xattr_name);
	CHECK(xname("") == -EPROTO);
	CHECK(xname(std::string("user.a\0", 7)) == -EPROTO);
	CHECK(xname(std::string(256, 'x')) == -EPROTO);
	CHECK(xname(std::string(255, 'x')) == 0);
	CHECK(xname("user.a/b") == 0);
	CHECK(omfs_wire_check_xattr_value(0) == 0);
	CHECK(omfs_wire_check_xattr_value(65536) == 0);
	CHECK(omfs_wire_check_xattr_value(65537) == -EPROTO);

	const auto changed = [](std::uint8_t type, std::size_t tail, std::string_view bytes) {
		return parse(type, with_tail(sample_request(type), tail, text(bytes)).bytes());
	};
	CHECK(changed(OMFS_WT_SYMLINK, 1, std::string_view("/etc\0", 5)) == -EPROTO);
	CHECK(changed(OMFS_WT_SYMLINK, 1, std::string(4096, 'x')) == -EPROTO);
	CHECK(changed(OMFS_WT_SYMLINK, 1, std::string(4095, 'x')) == 0);
	CHECK(changed(OMFS_WT_SYMLINK, 1, "") == -EPROTO);
	CHECK(changed(OMFS_WT_REMOVEXATTR, 0, std::string_view("user\0x", 6)) == -EPROTO);
	CHECK(changed(OMFS_WT_GETXATTR, 0, "") == -EPROTO);
	CHECK(changed(OMFS_WT_SETXATTR, 0, "user.a/b") == 0);
	CHECK(changed(OMFS_WT_SETXATTR, 0, std::string(256, 'x')) == -EPROTO);
	CHECK(changed(OMFS_WT_SETXATTR, 1, std::string(65537, 'v')) == -EPROTO);
	CHECK(changed(OMFS_WT_SETXATTR, 1, std::string_view("\0\0", 2)) == 0);	// values are bytes
}

TEST_CASE("omfs wire: xattr lists", "[omfs_wire]")
{
	const auto check = std::bind_front(rule, omfs_wire_check_xattr_list);
	using namespace std::string_view_literals;
	CHECK(check(""sv) == 0);
	CHECK(check("user.a\0"sv) == 0);
	CHECK(check("user.a\0security.selinux\0"sv) == 0);
	CHECK(check("user.a"sv) == -EPROTO);			// no NUL at the end
	CHECK(check("user.a\0user.b"sv) == -EPROTO);
	CHECK(check("\0"sv) == -EPROTO);			// an empty name
	CHECK(check("user.a\0\0"sv) == -EPROTO);
	const std::string longest = std::string(255, 'x') + '\0';
	CHECK(check(longest) == 0);
	CHECK(check(std::string(256, 'x') + '\0') == -EPROTO);
	std::string full;
	while (full.size() + longest.size() < 65536)
		full += longest;
	full += std::string(65536 - full.size() - 1, 'y') + '\0';
	CHECK(full.size() == 65536);
	CHECK(check(full) == 0);
	CHECK(check(full + std::string("z\0", 2)) == -EPROTO);
}

TEST_CASE("omfs wire: directory entries", "[omfs_wire]")
{
	const Bytes all = dirents();
	REQUIRE(all.size() == 72);
	CHECK(omfs_wire_check_dirents(all.data(), all.size()) == 0);

	std::vector<std::string> names;
	std::vector<std::uint64_t> nexts;
	omfs_wire_dirent_view d{};
	std::size_t pos = 0;
	while (omfs_wire_next_dirent(all.data(), all.size(), &pos, &d) > 0) {
		names.emplace_back(d.name, d.namelen);
		nexts.push_back(d.next);
	}
	CHECK(pos == all.size());
	CHECK(names == std::vector<std::string>{".", "..", "file"});
	CHECK(nexts == std::vector<std::uint64_t>{124, 148, 0x7fffffffffffffff});
	CHECK(omfs_wire_next_dirent(all.data(), all.size(), &pos, &d) == 0);

	// Cut anywhere: whole entries are fine, a piece of one is not.
	for (std::size_t n = 0; n <= all.size(); ++n) {
		CAPTURE(n);
		const Bytes cut(all.begin(), all.begin() + static_cast<long>(n));
		CHECK(omfs_wire_check_dirents(cut.data(), cut.size()) == (n % 24 ? -EPROTO : 0));
	}

	// A bad entry leaves the position where it was.
	const auto bad = [&](std::size_t entry, std::size_t at, std::string_view bytes) {
		const Bytes b = patch(all, entry + at, bytes);
		std::size_t p = entry;
		omfs_wire_dirent_view v{};
		const int err = omfs_wire_next_dirent(b.data(), b.size(), &p, &v);
		CHECK(p == entry);
		CHECK(v.name == nullptr);
		return err == -EPROTO && omfs_wire_check_dirents(b.data(), b.size()) == -EPROTO;
	};
	CHECK(bad(24, 21, "01"));		// padding not zero
	CHECK(bad(24, 23, "80"));
	CHECK(bad(24, 16, "03"));		// no such d_type
	CHECK(bad(24, 16, "10"));
	CHECK(bad(24, 17, "00"));		// namelen 0
	CHECK(bad(24, 17, "07"));		// longer than the entry's room
	CHECK(bad(24, 18, "2f"));		// '/'
	CHECK(bad(24, 18, "00"));		// NUL
	CHECK(bad(48, 17, "0b"));		// past the buffer
	CHECK(bad(0, 17, "00"));
	std::size_t past = all.size() + 8;
	CHECK(omfs_wire_next_dirent(all.data(), all.size(), &past, &d) == -EPROTO);

	// The longest name.
	Bytes one(omfs_wire_dirent_size(255));
	const std::string name(255, 'n');
	const omfs_wire_dirent longest{7, 8, 8, 255};
	omfs_wire_put_dirent(one.data(), &longest, name.c_str());
	REQUIRE(one.size() == 280);
	pos = 0;
	REQUIRE(omfs_wire_next_dirent(one.data(), one.size(), &pos, &d) == 1);
	CHECK(std::string(d.name, d.namelen) == name);
	CHECK((d.ino == 7 && d.next == 8 && d.type == 8));
}

TEST_CASE("omfs wire: every answer parses whole, and only whole", "[omfs_wire]")
{
	for (const Response &r : responses()) {
		CAPTURE(int(r.type));
		const Bytes bytes = r.bytes();
		omfs_wire_rsp rsp{};
		omfs_wire_tail tail{};
		REQUIRE(parse_rsp(r.type, bytes, &rsp, &tail) == 0);
		CHECK(std::memcmp(&rsp, &r.rsp, sizeof(rsp)) == 0);
		CHECK(tail.len == r.tail.size());
		for (std::size_t n = 0; n < bytes.size(); ++n) {
			CAPTURE(n);
			const Bytes cut(bytes.begin(), bytes.begin() + static_cast<long>(n));
			// Without their tails, GETXATTR's and LISTXATTR's are
			// the answers to a request for the length only.
			const bool length_only = (r.type == OMFS_WT_GETXATTR ||
						  r.type == OMFS_WT_LISTXATTR) &&
						 n == OMFS_WIRE_LEN_RSP_LEN;
			CHECK(parse_rsp(r.type, cut) == (length_only ? 0 : -EPROTO));
		}
		CHECK(parse_rsp(r.type, bytes + Bytes{0}) == -EPROTO);
	}
	for (const int type : {int(OMFS_WT_DETACH), int(OMFS_WT_CLUNK), 31, 64})
		CHECK(parse_rsp(static_cast<std::uint8_t>(type), Bytes{}) == -EPROTO);
}

TEST_CASE("omfs wire: answer tails", "[omfs_wire]")
{
	const auto rsp = [](std::uint8_t type, const Bytes &fixed, const Bytes &tail) {
		return parse_rsp(type, fixed + tail);
	};
	const Bytes len3 = hex("03 00 00 00 00 00 00 00");
	CHECK(rsp(OMFS_WT_GETXATTR, len3, {}) == 0);		// the length only
	CHECK(rsp(OMFS_WT_GETXATTR, len3, text("re")) == -EPROTO);
	CHECK(rsp(OMFS_WT_GETXATTR, hex("01 00 01 00 00 00 00 00"), {}) == -EPROTO);
	CHECK(rsp(OMFS_WT_LISTXATTR, len3, {}) == 0);
	CHECK(rsp(OMFS_WT_LISTXATTR, len3, text(std::string_view("a\0b", 3))) == -EPROTO);
	CHECK(rsp(OMFS_WT_LISTXATTR, len3, text(std::string_view("ab\0", 3))) == 0);
	CHECK(rsp(OMFS_WT_READLINK, len3, text(std::string_view("a\0b", 3))) == -EPROTO);
	CHECK(rsp(OMFS_WT_READLINK, hex("00 00 00 00 00 00 00 00"), {}) == -EPROTO);
	CHECK(rsp(OMFS_WT_READ, hex("00 00 00 00 01 00 00 00"), {}) == 0);	// EOF, nothing
	CHECK(rsp(OMFS_WT_READ, hex("03 00 00 00 00 00 00 00"), text("ab")) == -EPROTO);
	CHECK(rsp(OMFS_WT_READDIR, hex("00 00 00 00 00 00 00 00"), {}) == 0);	// the end
	const Bytes entries = dirents();
	CHECK(rsp(OMFS_WT_READDIR, hex("48 00 00 00 00 00 00 00"), patch(entries, 20, "01")) == -EPROTO);
	CHECK(rsp(OMFS_WT_READDIR, hex("30 00 00 00 00 00 00 00"),
		  Bytes(entries.begin(), entries.begin() + 48)) == 0);
	CHECK(rsp(OMFS_WT_READDIR, hex("30 00 00 00 01 00 00 00"),
		  Bytes(entries.begin(), entries.begin() + 48)) == -EPROTO);
	// Nothing follows a fixed answer, and an empty answer is empty.
	CHECK(rsp(OMFS_WT_GETATTR, find("attr").sample, Bytes{0}) == -EPROTO);
	CHECK(rsp(OMFS_WT_ACCESS, {}, Bytes{0}) == -EPROTO);
	CHECK(rsp(OMFS_WT_LOCK_HINT, find("lock_hint").sample, {}) == 0);
	CHECK(rsp(OMFS_WT_READ, hex("00 f0 0f 00 00 00 00 00"), Bytes(kLimit, 0)) == 0);
}

TEST_CASE("omfs wire: tails of __u32s", "[omfs_wire]")
{
	const Bytes b = u32s({1, 0x01020304, 0xffffffff});
	CHECK(b == hex("01 00 00 00 04 03 02 01 ff ff ff ff"));
	CHECK(omfs_wire_get_u32_at(b.data(), 1) == 0x01020304);
	CHECK(omfs_wire_get_u32_at(b.data(), 2) == 0xffffffff);
}

TEST_CASE("omfs wire: the errno a server sends", "[omfs_wire]")
{
	// Kernel-internal codes, by number: userspace has no names for them.
	const int table[][2] = {
		{0, 0},
		{-ENOENT, -ENOENT},
		{-EACCES, -EACCES},
		{-EOPNOTSUPP, -EOPNOTSUPP},
		{-EHWPOISON, -EHWPOISON},		// 133, the last of the uapi list
		{-512, -EINTR},				// ERESTARTSYS
		{-513, -EINTR},				// ERESTARTNOINTR
		{-514, -EINTR},				// ERESTARTNOHAND
		{-516, -EINTR},				// ERESTART_RESTARTBLOCK
		{-515, -ENOTTY},			// ENOIOCTLCMD
		{-518, -ESTALE},			// EOPENSTALE
		{-524, -EOPNOTSUPP},			// ENOTSUPP
		{-527, -EOPNOTSUPP},			// EBADTYPE
		{-517, -EIO},				// EPROBE_DEFER
		{-521, -EIO},				// EBADHANDLE
		{-4095, -EIO},
		{-4096, -EIO},
		{-100000, -EIO},
		{-EBADR, -EIO},				// the protocol's signals
		{-EBADFD, -EIO},
		{-ECONNREFUSED, -EIO},
		{-ENOPROTOOPT, -EIO},
		{-EPROTONOSUPPORT, -EIO},
		{-EPROTO, -EIO},
	};
	for (const auto &row : table) {
		CAPTURE(row[0]);
		CHECK(omfs_wire_errno(row[0]) == row[1]);
	}
}

TEST_CASE("omfs wire: the fuzzer's seeds", "[.omfs-seeds]")
{
	const char *dir = std::getenv("OMFS_WIRE_SEEDS");
	REQUIRE(dir);
	const auto write = [dir](const std::string &name, const Bytes &bytes) {
		std::ofstream out(std::string(dir) + "/" + name, std::ios::binary);
		out.write(reinterpret_cast<const char *>(bytes.data()), static_cast<long>(bytes.size()));
		REQUIRE(out);
	};
	std::vector<Bytes> written;
	const auto seed = [&](const char *kind, std::uint8_t type, const Bytes &bytes) {
		if (bytes.empty() || std::find(written.begin(), written.end(), bytes) != written.end())
			return;
		write(kind + std::to_string(type), bytes);
		written.push_back(bytes);
	};
	for (const Request &r : requests())
		seed("req-", r.type, r.bytes());
	for (const Response &r : responses())
		seed("rsp-", r.type, r.bytes());
}
