#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_exception.hpp>

#include "map_file.hpp"
#include "temp_dir.hpp"

using namespace om;
using Catch::Matchers::Message;

TEST_CASE("the default search order is openMosix's", "[map_file]")
{
	CHECK(default_map_paths() ==
	      std::vector<std::string>{"/etc/openmosix.map", "/etc/mosix.map", "/etc/hpc.map"});
}

TEST_CASE("the first map file that exists is used", "[map_file]")
{
	const test::TempDir dir;
	const std::vector<std::string> paths{dir.path("openmosix.map"), dir.path("mosix.map"),
					     dir.path("hpc.map")};
	dir.write("hpc.map", "");
	CHECK(find_map_file(paths) == paths[2]);
	dir.write("mosix.map", "");
	CHECK(find_map_file(paths) == paths[1]);
	dir.write("openmosix.map", "");
	CHECK(find_map_file(paths) == paths[0]);
}

TEST_CASE("no map file names every place it looked", "[map_file]")
{
	const std::vector<std::string> paths{"/nonexistent/a.map", "/nonexistent/b.map",
					     "/nonexistent/c.map"};
	CHECK_THROWS_MATCHES(find_map_file(paths), MapFileError,
			     Message("no map file: looked for /nonexistent/a.map, "
				     "/nonexistent/b.map, /nonexistent/c.map; create "
				     "/nonexistent/a.map or name the file to use"));
}

TEST_CASE("a map file is read whole", "[map_file]")
{
	const test::TempDir dir;
	std::string text = "1 10.0.0.1 1\n";
	text += std::string(200000, '#') + "\n";
	CHECK(read_map_file(dir.write("big.map", text)) == text);
}

TEST_CASE("a map file that cannot be read says why", "[map_file]")
{
	const test::TempDir dir;
	CHECK_THROWS_MATCHES(read_map_file(dir.path("missing.map")), MapFileError,
			     Message("cannot read map file " + dir.path("missing.map") +
				     ": No such file or directory"));
	CHECK_THROWS_MATCHES(read_map_file(dir.path("")), MapFileError,
			     Message("cannot read map file " + dir.path("") + ": Is a directory"));
}
