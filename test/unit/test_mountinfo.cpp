// Finding the mfs mount in /proc/self/mountinfo: fields, optional fields,
// octal escapes, which mount wins, and lines that are not mountinfo's.
#include <catch2/catch_test_macros.hpp>

#include "mountinfo.hpp"

using namespace om;

namespace {

// The head of a real mountinfo (Debian 12), without any mfs mount.
constexpr const char *kPlain =
	"22 27 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
	"23 27 0:22 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"
	"27 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw,errors=remount-ro\n"
	"41 27 0:37 / /tmp rw,nosuid,nodev shared:19 - tmpfs tmpfs rw,inode64\n";

} // namespace

TEST_CASE("mountinfo: no mfs mount, or no text at all", "[mountinfo]")
{
	CHECK_FALSE(find_mfs_mount(kPlain));
	CHECK_FALSE(find_mfs_mount(""));
	CHECK_FALSE(find_mfs_mount("\n\n"));
}

TEST_CASE("mountinfo: the mount point of the mfs mount", "[mountinfo]")
{
	const std::string text = std::string(kPlain) +
		"95 27 0:52 / /mfs rw,relatime shared:50 - mfs mfs_mnt "
		"rw,dfsa=1,timeo=8,cache=strict\n";
	CHECK(find_mfs_mount(text) == "/mfs");
	// Without optional fields, and as the last line without a newline.
	CHECK(find_mfs_mount("95 27 0:52 / /cluster rw,relatime - mfs mfs_mnt rw,dfsa=0") ==
	      "/cluster");
	// With several optional fields.
	CHECK(find_mfs_mount("95 27 0:52 / /mfs rw shared:50 master:3 propagate_from:2 - mfs "
			     "mfs_mnt rw\n") == "/mfs");
}

TEST_CASE("mountinfo: the type is the field after '-', exactly mfs", "[mountinfo]")
{
	// "mfs" elsewhere on the line: source, mount point, options.
	CHECK_FALSE(find_mfs_mount("95 27 0:52 / /mfs rw - tmpfs mfs rw\n"));
	CHECK_FALSE(find_mfs_mount("95 27 0:52 / /x rw,mfs - ext4 /dev/mfs rw\n"));
	// Other types that start or end like it.
	CHECK_FALSE(find_mfs_mount("95 27 0:52 / /a rw - mfsx mfs_mnt rw\n"
				   "96 27 0:53 / /b rw - fuse.mfs mfs_mnt rw\n"
				   "97 27 0:54 / /c rw - omfs mfs_mnt rw\n"));
	// A line cut before its type, or without the separator.
	CHECK_FALSE(find_mfs_mount("95 27 0:52 / /mfs rw -\n"));
	CHECK_FALSE(find_mfs_mount("95 27 0:52 / /mfs rw mfs mfs_mnt rw\n"));
	CHECK_FALSE(find_mfs_mount("- mfs\n"));
}

TEST_CASE("mountinfo: octal escapes in the mount point are decoded", "[mountinfo]")
{
	CHECK(find_mfs_mount("95 27 0:52 / /srv/cluster\\040files rw - mfs mfs_mnt rw\n") ==
	      "/srv/cluster files");
	CHECK(find_mfs_mount("95 27 0:52 / /a\\011b\\012c\\134d rw - mfs mfs_mnt rw\n") ==
	      "/a\tb\nc\\d");
	// A backslash that starts no escape stays.
	CHECK(find_mfs_mount("95 27 0:52 / /a\\b\\04 rw - mfs mfs_mnt rw\n") == "/a\\b\\04");
	CHECK(find_mfs_mount("95 27 0:52 / /a\\ rw - mfs mfs_mnt rw\n") == "/a\\");
}

TEST_CASE("mountinfo: the first mfs mount wins, a mount of its root first", "[mountinfo]")
{
	CHECK(find_mfs_mount("95 27 0:52 / /mfs rw - mfs mfs_mnt rw\n"
			     "96 27 0:53 / /mfs2 rw - mfs other rw\n") == "/mfs");
	CHECK(find_mfs_mount("96 27 0:53 / /mfs2 rw - mfs other rw\n"
			     "95 27 0:52 / /mfs rw - mfs mfs_mnt rw\n") == "/mfs2");
	// A bind mount of a directory below /mfs comes after a mount of /mfs.
	CHECK(find_mfs_mount("97 27 0:52 /1/home /home1 rw - mfs mfs_mnt rw\n"
			     "95 27 0:52 / /mfs rw - mfs mfs_mnt rw\n") == "/mfs");
	// But serves when there is nothing else.
	CHECK(find_mfs_mount("97 27 0:52 /1/home /home1 rw - mfs mfs_mnt rw\n") == "/home1");
}
