// 'omctl keygen' end to end, in a temporary directory: what it writes,
// what it refuses, its exit statuses; it never needs the kernel.
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <filesystem>
#include <fstream>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sstream>
#include <sys/stat.h>

#include "cli.hpp"
#include "cluster_key.hpp"
#include "fake_kernel.hpp"
#include "fake_resolver.hpp"
#include "temp_dir.hpp"

using namespace om;
using Catch::Matchers::ContainsSubstring;
using Catch::Matchers::StartsWith;

namespace {

struct Keygen {
	std::ostringstream out, err;
	std::shared_ptr<spdlog::logger> log = std::make_shared<spdlog::logger>(
		"keygen-test", std::make_shared<spdlog::sinks::ostream_sink_st>(err));
	test::FakeResolver resolver;
	test::FakeKernel kernel;
	int kernel_opens = 0;
	test::TempDir etc;
	cli::Context ctx{out, err, *log, resolver, {etc.path("openmosix.map")},
			 [this]() -> Kernel & {
				 ++kernel_opens;
				 return kernel;
			 }};

	Keygen() { log->set_pattern("omctl: %v"); }

	int operator()(std::vector<std::string> args)
	{
		out.str("");
		err.str("");
		args.insert(args.begin(), "keygen");
		return cli::run(args, ctx);
	}
};

std::string content(const std::string &path)
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

} // namespace

TEST_CASE("cli: keygen writes a new key, 0600, and never prints it", "[cli][keygen]")
{
	Keygen keygen;
	const std::string path = keygen.etc.path("openmosix/cluster.key");
	CHECK(keygen({path}) == cli::kSuccess);
	CHECK(keygen.out.str() == "wrote a new cluster key to " + path +
					  "; copy it to every node, keeping mode 0600\n");
	CHECK(keygen.err.str().empty());
	CHECK(mode_of(path) == 0600);
	CHECK(mode_of(keygen.etc.path("openmosix")) == 0755);
	const std::string text = content(path);
	REQUIRE(text.size() == 65);
	CHECK_THAT(keygen.out.str(), !ContainsSubstring(text.substr(0, 8)));
	CHECK_NOTHROW(ClusterKey::load(path));
	CHECK(keygen.kernel_opens == 0);
}

TEST_CASE("cli: keygen keeps an existing key; --force replaces it", "[cli][keygen]")
{
	Keygen keygen;
	const std::string path = keygen.etc.path("cluster.key");
	REQUIRE(keygen({path}) == cli::kSuccess);
	const std::string first = content(path);

	CHECK(keygen({path}) == cli::kFailure);
	CHECK(keygen.err.str() == "omctl: " + path + " exists already and is kept: every node needs "
						     "the same key; to replace it, run 'omctl keygen "
						     "--force " + path + "'\n");
	CHECK(keygen.out.str().empty());
	CHECK(content(path) == first);

	CHECK(keygen({"--force", path}) == cli::kSuccess);
	CHECK(content(path) != first);
	CHECK(mode_of(path) == 0600);
	CHECK(keygen({path, "--force"}) == cli::kSuccess);
	CHECK(keygen.kernel_opens == 0);
}

TEST_CASE("cli: keygen fails with exit 1 when it cannot write", "[cli][keygen]")
{
	Keygen keygen;
	keygen.etc.write("plain", "");
	const std::string path = keygen.etc.path("plain/cluster.key");
	CHECK(keygen({path}) == cli::kFailure);
	CHECK(keygen.err.str() == "omctl: cannot create " + path + ": Not a directory\n");
}

TEST_CASE("cli: keygen usage errors and --help", "[cli][keygen]")
{
	Keygen keygen;
	CHECK(keygen({"a", "b"}) == cli::kUsage);
	CHECK(keygen.err.str() == "omctl: keygen: too many positional options have been specified "
				  "on the command line\nomctl: try 'omctl keygen --help'\n");
	CHECK(keygen({"--forc", "a"}) == cli::kUsage);
	CHECK(keygen.err.str() == "omctl: keygen: unrecognised option '--forc'\n"
				  "omctl: try 'omctl keygen --help'\n");
	CHECK_FALSE(std::filesystem::exists("a"));

	CHECK(keygen({"--help"}) == cli::kSuccess);
	CHECK_THAT(keygen.out.str(), StartsWith("Usage: omctl keygen [--force] [FILE]\n") &&
					     ContainsSubstring("/etc/openmosix/cluster.key") &&
					     ContainsSubstring("--force"));
	CHECK(keygen.err.str().empty());

	keygen.out.str("");
	CHECK(cli::run(std::vector<std::string>{"--help"}, keygen.ctx) == cli::kSuccess);
	CHECK_THAT(keygen.out.str(), ContainsSubstring("  keygen  "));
	CHECK(keygen.kernel_opens == 0);
}
