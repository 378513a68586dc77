// The cluster key: its file format, the checks on the file's owner and
// mode, and writing it (new, replaced, directories made on the way).
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_exception.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include "cluster_key.hpp"
#include "temp_dir.hpp"

using namespace om;
using Catch::Matchers::ContainsSubstring;
using Catch::Matchers::Message;

namespace {

constexpr const char *kHex = "000102030405060708090a0b0c0d0e0f"
			     "101112131415161718191a1b1c1d1e1f";

ClusterKey counting_key()
{
	std::array<std::uint8_t, ClusterKey::kSize> bytes{};
	for (std::size_t i = 0; i < bytes.size(); ++i)
		bytes[i] = static_cast<std::uint8_t>(i);
	return ClusterKey::from_bytes(bytes);
}

// The message ClusterKey::parse throws for TEXT.
std::string parse_error(const std::string &text)
{
	try {
		ClusterKey::parse(text, "k.key");
	} catch (const ClusterKeyError &e) {
		return e.what();
	}
	FAIL("no error for '" << text << "'");
	return {};
}

std::string read(const std::string &path)
{
	std::ifstream in(path, std::ios::binary);
	std::ostringstream s;
	s << in.rdbuf();
	return s.str();
}

unsigned mode_of(const std::string &path)
{
	struct stat st {};
	REQUIRE(::stat(path.c_str(), &st) == 0);
	return st.st_mode & 07777;
}

// A key file written by hand with MODE.
std::string key_file(const test::TempDir &dir, const std::string &name, const std::string &text,
		     mode_t mode)
{
	const std::string path = dir.write(name, text);
	REQUIRE(::chmod(path.c_str(), mode) == 0);
	return path;
}

} // namespace

TEST_CASE("a key file is 64 hex digits and a newline", "[cluster_key]")
{
	const ClusterKey expected = counting_key();
	CHECK(ClusterKey::parse(std::string(kHex) + "\n", "k.key") == expected);
	CHECK(ClusterKey::parse(kHex, "k.key") == expected);
	CHECK(ClusterKey::parse(std::string(kHex) + " \r\n\n\t\n", "k.key") == expected);
	std::string upper = kHex;
	for (char &c : upper)
		c = static_cast<char>(std::toupper(c));
	CHECK(ClusterKey::parse(upper, "k.key") == expected);
	CHECK_FALSE(ClusterKey::parse(std::string(63, '0') + "1", "k.key") == expected);
}

TEST_CASE("a malformed key file says where and why", "[cluster_key]")
{
	const std::string hex = kHex;
	CHECK(parse_error("") == "k.key:1:1: the file is empty: it should hold the cluster key, "
				 "64 hex digits (write one with 'omctl keygen')");
	CHECK(parse_error(" \n\n") == parse_error(""));
	CHECK(parse_error(hex.substr(0, 10) + "\n") ==
	      "k.key:1:11: the key ends after 10 hex digits: a cluster key is 64");
	CHECK(parse_error(hex.substr(0, 63)) ==
	      "k.key:1:64: the key ends after 63 hex digits: a cluster key is 64");
	CHECK(parse_error(hex + "0\n") == "k.key:1:65: more than 64 hex digits: a cluster key is 64");
	CHECK(parse_error(hex.substr(0, 20) + "g" + hex.substr(21)) ==
	      "k.key:1:21: 'g' is not a hex digit: a cluster key is 64 hex digits");
	CHECK(parse_error(" " + hex) ==
	      "k.key:1:1: ' ' is not a hex digit: a cluster key is 64 hex digits");
	CHECK(parse_error(std::string("\x01", 1) + hex) ==
	      "k.key:1:1: '\\x01' is not a hex digit: a cluster key is 64 hex digits");
	CHECK(parse_error(hex + " x\n") ==
	      "k.key:1:66: unexpected 'x' after the key: the file holds the key alone");
	CHECK(parse_error(hex + "\n\n  " + hex + "\n") ==
	      "k.key:3:3: unexpected '0' after the key: the file holds the key alone");
}

TEST_CASE("generated keys differ and survive a save and a load", "[cluster_key]")
{
	const test::TempDir dir;
	const ClusterKey a = ClusterKey::generate(), b = ClusterKey::generate();
	CHECK_FALSE(a == b);
	a.save(dir.path("a.key"), false);
	CHECK(ClusterKey::load(dir.path("a.key")) == a);
	const std::string text = read(dir.path("a.key"));
	CHECK(text.size() == 65);
	CHECK(text.back() == '\n');
	CHECK(text.find_first_not_of("0123456789abcdef") == 64);
}

TEST_CASE("a saved key is 0600 whatever the umask", "[cluster_key]")
{
	const test::TempDir dir;
	const mode_t old = ::umask(0);
	counting_key().save(dir.path("k.key"), false);
	::umask(0777);
	counting_key().save(dir.path("k2.key"), false);
	counting_key().save(dir.path("k2.key"), true);
	::umask(old);
	CHECK(mode_of(dir.path("k.key")) == 0600);
	CHECK(mode_of(dir.path("k2.key")) == 0600);
	CHECK(read(dir.path("k.key")) == std::string(kHex) + "\n");
}

TEST_CASE("save keeps an existing key unless forced", "[cluster_key]")
{
	const test::TempDir dir;
	const std::string path = dir.path("cluster.key");
	const ClusterKey first = ClusterKey::generate(), second = ClusterKey::generate();
	first.save(path, false);
	CHECK_THROWS_MATCHES(second.save(path, false), ClusterKeyError,
			     Message(path + " exists already and is kept: every node needs the same "
					    "key; to replace it, run 'omctl keygen --force " + path + "'"));
	CHECK(ClusterKey::load(path) == first);

	second.save(path, true);
	CHECK(ClusterKey::load(path) == second);
	CHECK(mode_of(path) == 0600);
	// Replaced through a temporary file, which is gone.
	CHECK(std::distance(std::filesystem::directory_iterator(dir.path("")),
			    std::filesystem::directory_iterator{}) == 1);
}

TEST_CASE("save refuses to write through a symbolic link", "[cluster_key]")
{
	const test::TempDir dir;
	std::filesystem::create_symlink(dir.path("target.key"), dir.path("link.key"));
	CHECK_THROWS_AS(counting_key().save(dir.path("link.key"), false), ClusterKeyError);
	CHECK_FALSE(std::filesystem::exists(dir.path("target.key")));
	// --force replaces the link itself, not what it points to.
	counting_key().save(dir.path("link.key"), true);
	CHECK_FALSE(std::filesystem::is_symlink(dir.path("link.key")));
	CHECK_FALSE(std::filesystem::exists(dir.path("target.key")));
}

TEST_CASE("save creates the missing directories, 0755", "[cluster_key]")
{
	const test::TempDir dir;
	const mode_t old = ::umask(077);
	counting_key().save(dir.path("etc/openmosix/cluster.key"), false);
	::umask(old);
	CHECK(mode_of(dir.path("etc")) == 0755);
	CHECK(mode_of(dir.path("etc/openmosix")) == 0755);
	CHECK(mode_of(dir.path("etc/openmosix/cluster.key")) == 0600);
}

TEST_CASE("save says what it could not do", "[cluster_key]")
{
	const test::TempDir dir;
	dir.write("file", "");
	CHECK_THROWS_MATCHES(counting_key().save(dir.path("file/cluster.key"), false),
			     ClusterKeyError,
			     Message("cannot create " + dir.path("file/cluster.key") +
				     ": Not a directory"));
	std::filesystem::create_directory(dir.path("dir.key"));
	CHECK_THROWS_MATCHES(counting_key().save(dir.path("dir.key"), true), ClusterKeyError,
			     Message("cannot replace " + dir.path("dir.key") + ": Is a directory"));
	CHECK(std::distance(std::filesystem::directory_iterator(dir.path("")),
			    std::filesystem::directory_iterator{}) == 2);
}

TEST_CASE("load refuses a key others may read or change", "[cluster_key]")
{
	const test::TempDir dir;
	const std::string text = std::string(kHex) + "\n";
	CHECK(ClusterKey::load(key_file(dir, "ok.key", text, 0600)) == counting_key());
	CHECK(ClusterKey::load(key_file(dir, "ro.key", text, 0400)) == counting_key());

	const std::string world = key_file(dir, "world.key", text, 0644);
	CHECK_THROWS_MATCHES(ClusterKey::load(world), ClusterKeyError,
			     Message(world + ": mode 0644 lets others read the cluster key; chmod 600 " +
				     world));
	const std::string group = key_file(dir, "group.key", text, 0640);
	CHECK_THROWS_MATCHES(ClusterKey::load(group), ClusterKeyError,
			     Message(group + ": mode 0640 lets others read the cluster key; chmod 600 " +
				     group));
	const std::string writable = key_file(dir, "w.key", text, 0602);
	CHECK_THROWS_MATCHES(ClusterKey::load(writable), ClusterKeyError,
			     Message(writable + ": mode 0602 lets others change the cluster key; "
						"chmod 600 " + writable));
}

TEST_CASE("load refuses a key owned by another user", "[cluster_key]")
{
	if (::geteuid() != 0)
		SKIP("only root can give a file away");
	const test::TempDir dir;
	const std::string path = key_file(dir, "k.key", std::string(kHex) + "\n", 0600);
	REQUIRE(::chown(path.c_str(), 4242, 4242) == 0);
	CHECK_THROWS_MATCHES(ClusterKey::load(path), ClusterKeyError,
			     Message(path + ": owned by uid 4242, not by root: that user can change "
					    "the cluster key; chown root " + path));
	REQUIRE(::chown(path.c_str(), 0, 4242) == 0);
	CHECK(ClusterKey::load(path) == counting_key());
}

TEST_CASE("load says what is wrong with the file", "[cluster_key]")
{
	const test::TempDir dir;
	CHECK_THROWS_MATCHES(ClusterKey::load(dir.path("missing.key")), ClusterKeyError,
			     Message("cannot read cluster key file " + dir.path("missing.key") +
				     ": No such file or directory (write one with 'omctl keygen' and "
				     "copy it to every node)"));
	std::filesystem::create_directory(dir.path("d"));
	CHECK_THROWS_MATCHES(ClusterKey::load(dir.path("d")), ClusterKeyError,
			     Message("cluster key file " + dir.path("d") + " is not a regular file"));
	const std::string big = key_file(dir, "big.key", std::string(5000, '0'), 0600);
	CHECK_THROWS_MATCHES(ClusterKey::load(big), ClusterKeyError,
			     Message(big + " is 5000 bytes long: a cluster key file holds 64 hex "
					   "digits and a newline; is it the right file?"));
	const std::string bad = key_file(dir, "bad.key", "abc\n", 0600);
	CHECK_THROWS_MATCHES(ClusterKey::load(bad), ClusterKeyError,
			     Message(bad + ":1:4: the key ends after 3 hex digits: a cluster key is 64"));
}

TEST_CASE("a key's copies compare equal and its bytes are its own", "[cluster_key]")
{
	const ClusterKey a = counting_key();
	ClusterKey b = ClusterKey::generate();
	CHECK_FALSE(a == b);
	b = a;
	CHECK(a == b);
	const ClusterKey c(b);
	CHECK(c == a);
	CHECK(c.bytes()[31] == 31);
	CHECK(c.bytes().data() != a.bytes().data());
}
