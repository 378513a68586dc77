#include "cluster_key.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

#include "map_lines.hpp"
#include "parse_error.hpp"

namespace om {

namespace {

constexpr std::size_t kHexSize = 2 * ClusterKey::kSize;
// A key file is 65 bytes; anything much larger is the wrong file.
constexpr std::size_t kMaxKeyFile = 4096;

class Fd {
public:
	explicit Fd(int fd) noexcept : fd_(fd) {}
	~Fd()
	{
		if (fd_ >= 0)
			::close(fd_);
	}
	Fd(const Fd &) = delete;
	Fd &operator=(const Fd &) = delete;

	explicit operator bool() const noexcept { return fd_ >= 0; }
	int get() const noexcept { return fd_; }
	// Closes now, so that a write error reported by close is seen: 0 or -1.
	int close() noexcept { return ::close(std::exchange(fd_, -1)); }

private:
	int fd_;
};

// Wipes a buffer that held the key, in hex or not, when it goes.
template <typename Buffer>
class WipeOnExit {
public:
	explicit WipeOnExit(Buffer &buffer) noexcept : buffer_(buffer) {}
	~WipeOnExit() { sodium_memzero(buffer_.data(), buffer_.size()); }
	WipeOnExit(const WipeOnExit &) = delete;
	WipeOnExit &operator=(const WipeOnExit &) = delete;

private:
	Buffer &buffer_;
};

ClusterKeyError system_error(std::string_view what, const std::string &path, int error)
{
	return ClusterKeyError(fmt::format("cannot {} {}: {}", what, path, std::strerror(error)));
}

[[noreturn]] void malformed(std::string_view file, std::size_t line, std::size_t column,
			    std::string message)
{
	throw ClusterKeyError(ParseError{std::string(file), line, column, std::move(message)}.to_string());
}

bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

// After the 64 digits only blanks and empty lines may follow.
void check_rest(std::string_view rest, std::string_view file)
{
	std::size_t line = 1, column = kHexSize + 1;
	for (const char c : rest) {
		if (c == '\n') {
			++line;
			column = 1;
			continue;
		}
		if (!is_blank(c))
			malformed(file, line, column,
				  fmt::format("unexpected {} after the key: the file holds the key alone",
					      quote({&c, 1})));
		++column;
	}
}

void check_owner_and_mode(const std::string &path, const struct stat &st)
{
	const unsigned mode = st.st_mode & 07777;
	if (st.st_mode & (S_IRGRP | S_IROTH))
		throw ClusterKeyError(fmt::format("{}: mode {:04o} lets others read the cluster key; "
						  "chmod 600 {}", path, mode, path));
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		throw ClusterKeyError(fmt::format("{}: mode {:04o} lets others change the cluster key; "
						  "chmod 600 {}", path, mode, path));
	const uid_t me = ::geteuid();
	if (st.st_uid == 0 || st.st_uid == me)
		return;
	const std::string whom = me == 0 ? "root" : fmt::format("root or this user (uid {})", me);
	throw ClusterKeyError(fmt::format("{}: owned by uid {}, not by {}: that user can change the "
					  "cluster key; chown root {}", path, st.st_uid, whom, path));
}

// Up to kMaxKeyFile + 1 bytes of FD, so that a file that grew is noticed.
std::size_t read_key_file(const Fd &fd, const std::string &path, std::span<char> buf)
{
	std::size_t got = 0;
	while (got < buf.size()) {
		const ssize_t n = ::read(fd.get(), buf.data() + got, buf.size() - got);
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			throw system_error("read cluster key file", path, errno);
		}
		got += static_cast<std::size_t>(n);
	}
	return got;
}

ClusterKeyError too_long(const std::string &path, std::uintmax_t size)
{
	return ClusterKeyError(fmt::format("{} is {} bytes long: a cluster key file holds 64 hex "
					   "digits and a newline; is it the right file?", path, size));
}

// Creates the missing directories above PATH, each with mode 0755.
void make_parents(const std::string &path)
{
	const std::filesystem::path parent = std::filesystem::path(path).parent_path();
	std::filesystem::path at;
	for (const auto &part : parent) {
		at /= part;
		if (::mkdir(at.c_str(), 0755) == 0) {
			if (::chmod(at.c_str(), 0755) != 0)	// whatever the umask took away
				throw system_error("set the mode of directory", at.string(), errno);
		} else if (errno != EEXIST) {
			throw system_error("create directory", at.string(), errno);
		}
	}
}

void write_all(const Fd &fd, const std::string &path, std::span<const char> text)
{
	while (!text.empty()) {
		const ssize_t n = ::write(fd.get(), text.data(), text.size());
		if (n < 0) {
			if (errno == EINTR)
				continue;
			throw system_error("write", path, errno);
		}
		text = text.subspan(static_cast<std::size_t>(n));
	}
}

// Mode 0600 whatever the umask, the text, and on the disk before it counts.
void fill(Fd &fd, const std::string &path, std::span<const char> text)
{
	if (::fchmod(fd.get(), 0600) != 0)
		throw system_error("set the mode of", path, errno);
	write_all(fd, path, text);
	if (::fsync(fd.get()) != 0 || fd.close() != 0)
		throw system_error("write", path, errno);
}

// Best effort: the file is complete either way, this only makes its name
// survive a crash right after.
void sync_directory_of(const std::string &path)
{
	std::string dir = std::filesystem::path(path).parent_path();
	const Fd fd(::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	if (fd)
		::fsync(fd.get());
}

void write_new(const std::string &path, std::span<const char> text)
{
	Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
	if (!fd) {
		if (errno == EEXIST)
			throw ClusterKeyError(fmt::format(
				"{} exists already and is kept: every node needs the same key; to "
				"replace it, run 'omctl keygen --force {}'", path, path));
		throw system_error("create", path, errno);
	}
	try {
		fill(fd, path, text);
	} catch (...) {
		::unlink(path.c_str());
		throw;
	}
}

void write_replacing(const std::string &path, std::span<const char> text)
{
	const std::filesystem::path target(path);
	std::string temp = target.parent_path() / ("." + target.filename().string() + ".XXXXXX");
	Fd fd(::mkostemp(temp.data(), O_CLOEXEC));
	if (!fd)
		throw system_error("create a temporary file next to", path, errno);
	try {
		fill(fd, temp, text);
		if (::rename(temp.c_str(), path.c_str()) != 0)
			throw system_error("replace", path, errno);
	} catch (...) {
		::unlink(temp.c_str());
		throw;
	}
}

} // namespace

const std::string &default_cluster_key_path()
{
	static const std::string path = "/etc/openmosix/cluster.key";
	return path;
}

void init_sodium()
{
	if (sodium_init() < 0)
		throw ClusterKeyError("libsodium cannot be initialised");
}

ClusterKey ClusterKey::generate()
{
	init_sodium();
	ClusterKey key;
	randombytes_buf(key.bytes_.data(), key.bytes_.size());
	return key;
}

ClusterKey ClusterKey::from_bytes(Bytes bytes) noexcept
{
	ClusterKey key;
	std::copy(bytes.begin(), bytes.end(), key.bytes_.begin());
	return key;
}

ClusterKey ClusterKey::parse(std::string_view text, std::string_view file)
{
	if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
		malformed(file, 1, 1, "the file is empty: it should hold the cluster key, 64 hex "
				      "digits (write one with 'omctl keygen')");
	std::size_t n = 0;
	while (n < text.size() && n <= kHexSize && is_hex(text[n]))
		++n;
	if (n > kHexSize)
		malformed(file, 1, kHexSize + 1, "more than 64 hex digits: a cluster key is 64");
	if (n < kHexSize) {
		if (n == text.size() || text[n] == '\n' || text[n] == '\r')
			malformed(file, 1, n + 1,
				  fmt::format("the key ends after {} hex digits: a cluster key is 64", n));
		malformed(file, 1, n + 1,
			  fmt::format("{} is not a hex digit: a cluster key is 64 hex digits",
				      quote(text.substr(n, 1))));
	}
	check_rest(text.substr(kHexSize), file);
	ClusterKey key;
	if (sodium_hex2bin(key.bytes_.data(), key.bytes_.size(), text.data(), kHexSize, nullptr,
			   nullptr, nullptr) != 0)
		malformed(file, 1, 1, "the key is not 64 hex digits");	// checked above
	return key;
}

ClusterKey ClusterKey::load(const std::string &path)
{
	const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
	if (!fd) {
		const int error = errno;
		throw ClusterKeyError(fmt::format(
			"cannot read cluster key file {}: {}{}", path, std::strerror(error),
			error == ENOENT ? " (write one with 'omctl keygen' and copy it to every node)"
					: ""));
	}
	struct stat st {};
	if (::fstat(fd.get(), &st) != 0)
		throw system_error("read cluster key file", path, errno);
	if (!S_ISREG(st.st_mode))
		throw ClusterKeyError(fmt::format("cluster key file {} is not a regular file", path));
	check_owner_and_mode(path, st);
	if (static_cast<std::uintmax_t>(st.st_size) > kMaxKeyFile)
		throw too_long(path, static_cast<std::uintmax_t>(st.st_size));
	std::array<char, kMaxKeyFile + 1> buf;
	const WipeOnExit wipe(buf);
	const std::size_t got = read_key_file(fd, path, buf);
	if (got > kMaxKeyFile)
		throw too_long(path, got);
	return parse({buf.data(), got}, path);
}

void ClusterKey::save(const std::string &path, bool force) const
{
	std::array<char, kHexSize + 1> hex;	// sodium_bin2hex ends it with a NUL...
	const WipeOnExit wipe(hex);
	sodium_bin2hex(hex.data(), hex.size(), bytes_.data(), bytes_.size());
	hex[kHexSize] = '\n';			// ...which the file has as a newline
	make_parents(path);
	if (force)
		write_replacing(path, hex);
	else
		write_new(path, hex);
	sync_directory_of(path);
}

ClusterKey::ClusterKey(const ClusterKey &other) noexcept : bytes_(other.bytes_) {}

ClusterKey &ClusterKey::operator=(const ClusterKey &other) noexcept
{
	bytes_ = other.bytes_;
	return *this;
}

ClusterKey::~ClusterKey()
{
	sodium_memzero(bytes_.data(), bytes_.size());
}

bool ClusterKey::operator==(const ClusterKey &other) const noexcept
{
	return sodium_memcmp(bytes_.data(), other.bytes_.data(), kSize) == 0;
}

} // namespace om
