// 'omctl select' against a fake of its system calls: which mount it opens,
// what it sets or reads back, what it runs, and how each failure reads.
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <set>

#include "omctl_harness.hpp"
#include "uapi/linux/omfs.h"

using namespace om;
using namespace om::test;
using Catch::Matchers::StartsWith;

namespace {

constexpr const char *kMfsMounted =
	"27 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
	"95 27 0:52 / /mfs rw,relatime shared:50 - mfs mfs_mnt rw,dfsa=1,timeo=8,cache=strict\n";

// The mfs module as one process sees it: its selection and the map.
struct FakeMfs {
	std::string mountinfo = kMfsMounted;
	std::set<std::uint32_t> map{1, 2, 3};
	std::uint32_t selected = 0;
	int ioctl_error = 0;		// what every ioctl fails with, if not 0
	int exec_error = ENOENT;	// what exec fails with: a fake never runs anything
	std::vector<std::string> opened;
	std::vector<std::vector<std::string>> runs;

	cli::SelectCalls calls()
	{
		cli::SelectCalls c;
		c.mountinfo = [this] { return mountinfo; };
		c.ioctl = [this](const std::string &mount, unsigned long request, std::uint32_t &value) {
			opened.push_back(mount);
			if (ioctl_error)
				return ioctl_error;
			if (request == OMFS_IOC_GET_SELECTED) {
				value = selected;
				return 0;
			}
			REQUIRE(request == OMFS_IOC_SET_SELECTED);
			if (value && !map.count(value))
				return ENOENT;
			selected = value;
			return 0;
		};
		c.exec = [this](const std::vector<std::string> &args) {
			runs.push_back(args);
			return exec_error;
		};
		return c;
	}
};

struct Select : Omctl {
	FakeMfs mfs;
	Select() { ctx.select = mfs.calls(); }
};

} // namespace

TEST_CASE("cli select: sets the node, then runs the command as given", "[cli][select]")
{
	Select omctl;
	omctl.mfs.exec_error = E2BIG;	// the one way to see what follows a fake exec
	CHECK(omctl({"select", "2", "--", "sh", "-c", "cat /mfs/selected/etc/hostname", "--"}) ==
	      cli::kCannotRun);
	CHECK(omctl.mfs.selected == 2);
	CHECK(omctl.mfs.opened == std::vector<std::string>{"/mfs"});
	REQUIRE(omctl.mfs.runs.size() == 1);
	CHECK(omctl.mfs.runs[0] ==
	      std::vector<std::string>{"sh", "-c", "cat /mfs/selected/etc/hostname", "--"});
	CHECK(omctl.err.str() == "omctl: cannot run 'sh': Argument list too long\n");
	CHECK(omctl.out.str().empty());
	CHECK(omctl.kernel_opens == 0);
}

TEST_CASE("cli select: home, none and 0 clear the selection", "[cli][select]")
{
	Select omctl;
	for (const char *id : {"home", "none", "0"}) {
		CAPTURE(id);
		omctl.mfs.selected = 3;
		omctl({"select", id, "--", "true"});
		CHECK(omctl.mfs.selected == 0);
		CHECK(omctl.mfs.runs.back() == std::vector<std::string>{"true"});
	}
}

TEST_CASE("cli select: a command that cannot run exits 127 or 126, like env", "[cli][select]")
{
	Select omctl;
	CHECK(omctl({"select", "1", "--", "no-such-command"}) == cli::kNotFound);
	CHECK(omctl.err.str() == "omctl: cannot run 'no-such-command': No such file or directory\n");
	omctl.mfs.exec_error = EACCES;
	CHECK(omctl({"select", "1", "--", "./data.txt"}) == cli::kCannotRun);
	CHECK(omctl.err.str() == "omctl: cannot run './data.txt': Permission denied\n");
}

TEST_CASE("cli select: without arguments, the selection read back", "[cli][select]")
{
	Select omctl;
	CHECK(omctl({"select"}) == cli::kSuccess);
	CHECK(omctl.out.str() == "none (selected is home)\n");
	CHECK(omctl({"select", "--json"}) == cli::kSuccess);
	CHECK(omctl.out.str() == "{\"selected\":null}\n");
	omctl.mfs.selected = 65535;
	CHECK(omctl({"select"}) == cli::kSuccess);
	CHECK(omctl.out.str() == "65535\n");
	CHECK(omctl({"select", "--json"}) == cli::kSuccess);
	CHECK(omctl.out.str() == "{\"selected\":65535}\n");
	CHECK(omctl.err.str().empty());
	CHECK(omctl.mfs.runs.empty());
}

TEST_CASE("cli select: no mfs mount, a node not in the map, not an mfs mount",
	  "[cli][select]")
{
	Select omctl;
	CHECK(omctl({"select", "4", "--", "sh"}) == cli::kFailure);
	CHECK(omctl.err.str() == "omctl: node 4 is not in the map\n");

	omctl.mfs.ioctl_error = ENOTTY;
	CHECK(omctl({"select", "2", "--", "sh"}) == cli::kFailure);
	CHECK(omctl.err.str() == "omctl: /mfs is not an mfs mount\n");
	CHECK(omctl({"select"}) == cli::kFailure);
	CHECK(omctl.err.str() == "omctl: /mfs is not an mfs mount\n");

	omctl.mfs.ioctl_error = EFAULT;
	CHECK(omctl({"select", "2", "--", "sh"}) == cli::kFailure);
	CHECK(omctl.err.str() == "omctl: setting the selected node through /mfs failed: Bad address\n");
	CHECK(omctl({"select"}) == cli::kFailure);
	CHECK(omctl.err.str() == "omctl: reading the selected node through /mfs failed: Bad address\n");

	omctl.mfs.mountinfo = "27 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n";
	for (const std::vector<std::string> &args :
	     {std::vector<std::string>{"select"}, {"select", "2", "--", "sh"}}) {
		CAPTURE(args);
		CHECK(omctl(args) == cli::kFailure);
		CHECK(omctl.err.str() ==
		      "omctl: no mfs file system is mounted (mount -t mfs mfs_mnt /mfs)\n");
	}
	CHECK(omctl.mfs.runs.empty());
	CHECK(omctl.out.str().empty());
}

TEST_CASE("cli select: the mount point comes from mountinfo", "[cli][select]")
{
	Select omctl;
	omctl.mfs.mountinfo = "95 27 0:52 / /srv/cluster\\040fs rw - mfs mfs_mnt rw\n";
	CHECK(omctl({"select"}) == cli::kSuccess);
	CHECK(omctl.mfs.opened == std::vector<std::string>{"/srv/cluster fs"});
}

TEST_CASE("cli select: --help", "[cli][select]")
{
	Select omctl;
	CHECK(omctl({"select", "--help"}) == cli::kSuccess);
	CHECK_THAT(omctl.out.str(), StartsWith("Usage: omctl select [ID -- COMMAND [ARGS...]]\n"));
	CHECK(omctl.mfs.opened.empty());
	// After "--", --help is the command's.
	omctl({"select", "2", "--", "ls", "--help"});
	CHECK(omctl.mfs.runs.back() == std::vector<std::string>{"ls", "--help"});
}

TEST_CASE("cli select: the real calls, where they fail without mfs", "[cli][select]")
{
	const cli::SelectCalls calls = cli::system_select_calls();
	CHECK_THAT(calls.mountinfo(), Catch::Matchers::ContainsSubstring(" - proc "));

	TempDir dir;
	std::uint32_t value = 7;
	CHECK(calls.ioctl(dir.path(""), OMFS_IOC_GET_SELECTED, value) == ENOTTY);
	CHECK_THROWS_WITH(calls.ioctl(dir.path("missing"), OMFS_IOC_GET_SELECTED, value),
			  "cannot open " + dir.path("missing") + ": No such file or directory");
	const std::string file = dir.write("file", "");
	CHECK_THROWS_WITH(calls.ioctl(file, OMFS_IOC_GET_SELECTED, value),
			  "cannot open " + file + ": Not a directory");

	// execvp returns only when it fails, and these must fail.
	CHECK(calls.exec({"omctl-test-no-such-command"}) == ENOENT);
	CHECK(calls.exec({file, "arg"}) == EACCES);	// mode 0644: not executable
}
