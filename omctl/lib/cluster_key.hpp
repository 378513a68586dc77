#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace om {

// A cluster key that cannot be made, read, parsed or written; the message
// names the file and says what to do.
class ClusterKeyError : public std::runtime_error {
public:
	using std::runtime_error::runtime_error;
};

// Where omd and 'omctl keygen' keep the key: /etc/openmosix/cluster.key.
const std::string &default_cluster_key_path();

// Makes libsodium ready for use (idempotent, thread-safe); throws
// ClusterKeyError if it cannot be.
void init_sodium();

// The secret every node of a cluster shares: 32 random bytes, which peers
// prove they hold during the handshake. On disk it is 64 hex digits and a
// newline, in a file only its owner may read. The bytes are wiped when a
// value goes away, and nothing formats or prints them.
class ClusterKey {
public:
	static constexpr std::size_t kSize = 32;
	using Bytes = std::span<const std::uint8_t, kSize>;

	// A new key from the system's random source.
	static ClusterKey generate();
	static ClusterKey from_bytes(Bytes bytes) noexcept;
	// The key in TEXT, the content of a key file that FILE names in
	// errors ("FILE:LINE:COL: ..."). Throws ClusterKeyError.
	static ClusterKey parse(std::string_view text, std::string_view file);
	// The key in PATH, which must be a regular file owned by root or by
	// this user and neither readable nor writable by anyone else.
	static ClusterKey load(const std::string &path);

	// Writes the key to PATH with mode 0600, creating its parent directory
	// (0755) if missing. An existing PATH is an error unless FORCE, which
	// replaces it atomically (a temporary file renamed over it).
	void save(const std::string &path, bool force) const;

	ClusterKey(const ClusterKey &other) noexcept;
	ClusterKey &operator=(const ClusterKey &other) noexcept;
	~ClusterKey();

	Bytes bytes() const noexcept { return Bytes(bytes_); }
	// In constant time.
	bool operator==(const ClusterKey &other) const noexcept;

private:
	ClusterKey() = default;

	std::array<std::uint8_t, kSize> bytes_{};
};

} // namespace om
