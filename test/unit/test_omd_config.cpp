// omd's configuration: omd.conf merged with the command line, and every
// error with the file, line and key to fix.
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include "map_file.hpp"
#include "omd_config.hpp"
#include "parse_error.hpp"
#include "temp_dir.hpp"

using namespace om;
using namespace std::chrono_literals;
using Catch::Matchers::ContainsSubstring;

namespace {

constexpr const char *kConf = "/etc/openmosix/omd.conf";

OmdConfig parse_ok(std::vector<std::string> args, const std::string &text)
{
	OmdConfigResult result = parse_omd_config(args, text, kConf);
	if (const auto *errors = std::get_if<std::vector<ConfigError>>(&result)) {
		for (const ConfigError &e : *errors)
			UNSCOPED_INFO(e.to_string());
		FAIL("the configuration did not parse");
	}
	return std::get<OmdConfig>(std::move(result));
}

std::vector<std::string> errors_of(std::vector<std::string> args, const std::string &text)
{
	OmdConfigResult result = parse_omd_config(args, text, kConf);
	const auto *errors = std::get_if<std::vector<ConfigError>>(&result);
	REQUIRE(errors);
	std::vector<std::string> lines;
	for (const ConfigError &e : *errors)
		lines.push_back(e.to_string());
	return lines;
}

Address ip(const char *text)
{
	return Address::parse(text).value();
}

} // namespace

TEST_CASE("omd: without a file or options, the defaults", "[omd_config]")
{
	const OmdConfig c = parse_ok({}, "");
	CHECK(c.config_path == kConf);
	CHECK_FALSE(c.map);
	CHECK(c.map_paths() == default_map_paths());
	CHECK(c.listen == ip("0.0.0.0"));
	CHECK(c.port == 4660);
	CHECK(c.key == "/etc/openmosix/cluster.key");
	CHECK_FALSE(c.node_id);
	CHECK(c.interval == 1s);
	CHECK_FALSE(c.speed);
	CHECK_FALSE(c.discover);
	CHECK_FALSE(c.help);
	CHECK_FALSE(c.version);
	CHECK_FALSE(c.verbose);
	CHECK(c == OmdConfig{});
	CHECK(default_omd_config_path() == kConf);
}

TEST_CASE("omd: every key of omd.conf", "[omd_config]")
{
	const OmdConfig c = parse_ok({}, "# omd.conf\n"
					 "map = /etc/cluster.map\n"
					 "listen=10.0.0.1   # the cluster network\n"
					 "\n"
					 "  port =  4661\n"
					 "key = /root/cluster.key\r\n"
					 "node-id = 7\n"
					 "\tinterval = 0.25\n"
					 "speed = 12500\n"
					 "discover = yes");
	CHECK(c.map == "/etc/cluster.map");
	CHECK(c.map_paths() == std::vector<std::string>{"/etc/cluster.map"});
	CHECK(c.listen == ip("10.0.0.1"));
	CHECK(c.port == 4661);
	CHECK(c.key == "/root/cluster.key");
	CHECK(c.node_id == NodeId{7});
	CHECK(c.interval == 250ms);
	CHECK(c.speed == 12500u);
	CHECK(c.discover);
}

TEST_CASE("omd: the command line wins over the file", "[omd_config]")
{
	const std::string file = "port = 4661\ninterval = 2\ndiscover = yes\nnode-id = 3\n"
				 "speed = 20000\n";
	const OmdConfig c = parse_ok({"--port", "5000", "--interval=0.5", "--discover=no",
				      "--node-id", "auto", "--listen", "fd00::1", "--map", "x.map",
				      "--key", "k", "--speed", "auto", "-v"},
				     file);
	CHECK(c.port == 5000);
	CHECK(c.interval == 500ms);
	CHECK_FALSE(c.discover);
	CHECK_FALSE(c.node_id);
	CHECK(c.listen == ip("fd00::1"));
	CHECK(c.map == "x.map");
	CHECK(c.key == "k");
	CHECK_FALSE(c.speed);
	CHECK(c.verbose);
	// What the command line leaves alone comes from the file.
	const OmdConfig d = parse_ok({"--discover"}, file);
	CHECK(d.discover);
	CHECK(d.port == 4661);
	CHECK(d.interval == 2s);
	CHECK(d.node_id == NodeId{3});
	CHECK(d.speed == 20000u);
	CHECK(parse_ok({"--speed=7000"}, file).speed == 7000u);
}

TEST_CASE("omd: values at and past their limits", "[omd_config]")
{
	CHECK(parse_ok({}, "interval = 0.1\n").interval == 100ms);
	CHECK(parse_ok({}, "interval = 60\n").interval == 60s);
	CHECK(parse_ok({}, "interval = .5\n").interval == 500ms);
	CHECK(parse_ok({}, "port = 1\n").port == 1);
	CHECK(parse_ok({}, "port = 65535\n").port == 65535);
	CHECK(parse_ok({}, "node-id = 65535\n").node_id == NodeId{65535});
	CHECK(parse_ok({}, "speed = 1\n").speed == 1u);
	CHECK(parse_ok({}, "speed = 100000000\n").speed == 100000000u);
	CHECK_FALSE(parse_ok({}, "speed = auto\n").speed);
	CHECK(parse_ok({}, "listen = ::\n").listen == ip("::"));
	for (const char *yes : {"yes", "true", "on", "1"})
		CHECK(parse_ok({}, std::string("discover = ") + yes).discover);
	for (const char *no : {"no", "false", "off", "0"})
		CHECK_FALSE(parse_ok({}, std::string("discover = ") + no + "\n# x").discover);

	CHECK(errors_of({}, "\n\n\n\n\n\ninterval = 0\n") ==
	      std::vector<std::string>{"/etc/openmosix/omd.conf:7: interval must be between 0.1 "
				       "and 60 seconds (got 0)"});
	CHECK(errors_of({}, "interval = 60.5\n") ==
	      std::vector<std::string>{"/etc/openmosix/omd.conf:1: interval must be between 0.1 "
				       "and 60 seconds (got 60.5)"});
	CHECK(errors_of({}, "interval = 0.09\n").size() == 1);
	CHECK(errors_of({}, "port = 0\nport2 = 1\n").front() ==
	      "/etc/openmosix/omd.conf:1: port must be between 1 and 65535 (got 0)");
	CHECK(errors_of({}, "port = 65536\n").front() ==
	      "/etc/openmosix/omd.conf:1: port must be between 1 and 65535 (got 65536)");
	CHECK(errors_of({}, "node-id = 0\n").front() ==
	      "/etc/openmosix/omd.conf:1: node-id must be between 1 and 65535 or auto (got 0)");
	CHECK(errors_of({}, "node-id = 70000\n").front() ==
	      "/etc/openmosix/omd.conf:1: node-id must be between 1 and 65535 or auto (got 70000)");
	CHECK(errors_of({}, "\nspeed = 0\n") ==
	      std::vector<std::string>{"/etc/openmosix/omd.conf:2: speed must be between 1 and "
				       "100000000 or auto (got 0)"});
	CHECK(errors_of({}, "speed = 100000001\n").front() ==
	      "/etc/openmosix/omd.conf:1: speed must be between 1 and 100000000 or auto (got "
	      "100000001)");
	CHECK(errors_of({}, "speed = 99999999999999999999999\n").size() == 1);
}

TEST_CASE("omd: values that are not what the key takes", "[omd_config]")
{
	CHECK(errors_of({}, "interval = fast\n"
			    "interval2 = 1\n"
			    "port = http\n"
			    "node-id = -1\n"
			    "listen = eth0\n"
			    "discover = maybe\n"
			    "map =\n"
			    "key = \n"
			    "[omd]\n"
			    "just words\n"
			    "speed = 1.5\n") ==
	      std::vector<std::string>{
		      "/etc/openmosix/omd.conf:1: interval must be a number of seconds between 0.1 "
		      "and 60 (got 'fast')",
		      "/etc/openmosix/omd.conf:2: unknown key 'interval2': omd.conf sets map, listen, "
		      "port, key, node-id, interval, speed, discover, discover-address, "
		      "discover-group",
		      "/etc/openmosix/omd.conf:3: port must be a number between 1 and 65535 (got 'http')",
		      "/etc/openmosix/omd.conf:4: node-id must be a node id, 1..65535, or auto (got '-1')",
		      "/etc/openmosix/omd.conf:5: listen must be an IP address such as 0.0.0.0 (any), "
		      ":: or 10.0.0.1 (got 'eth0')",
		      "/etc/openmosix/omd.conf:6: discover must be yes or no (got 'maybe')",
		      "/etc/openmosix/omd.conf:7: map must name a file (got '')",
		      "/etc/openmosix/omd.conf:8: key must name a file (got '')",
		      "/etc/openmosix/omd.conf:9: sections such as '[omd]' have no place in omd.conf: "
		      "it holds 'key = value' lines",
		      "/etc/openmosix/omd.conf:10: expected 'key = value', got 'just words'",
		      "/etc/openmosix/omd.conf:11: speed must be a number, 1..100000000, or auto "
		      "(got '1.5')",
	      });
	CHECK(errors_of({}, "interval = nan\ninterval2=inf\n").front() ==
	      "/etc/openmosix/omd.conf:1: interval must be a number of seconds between 0.1 and 60 "
	      "(got 'nan')");
	CHECK(errors_of({}, "interval = 1e1\n").size() == 1);
	CHECK(errors_of({}, "port = +80\n").size() == 1);
	CHECK(errors_of({}, "speed = -5\n").size() == 1);
	CHECK(errors_of({}, "speed = 10000 fast\n").size() == 1);
	CHECK(errors_of({}, "port = 80 80\n").size() == 1);
	CHECK(errors_of({}, "listen = 10.1\n").size() == 1);
}

TEST_CASE("omd: a key set twice in the file", "[omd_config]")
{
	CHECK(errors_of({}, "port = 1\n# again\nport = 2\n") ==
	      std::vector<std::string>{"/etc/openmosix/omd.conf:3: port is set again; line 1 set "
				       "it already"});
}

TEST_CASE("omd: command-line errors name the option", "[omd_config]")
{
	CHECK(errors_of({"--interval", "0"}, "") ==
	      std::vector<std::string>{"--interval must be between 0.1 and 60 seconds (got 0)"});
	CHECK(errors_of({"--port", "x"}, "") ==
	      std::vector<std::string>{"--port must be a number between 1 and 65535 (got 'x')"});
	CHECK(errors_of({"--speed", "0"}, "") ==
	      std::vector<std::string>{"--speed must be between 1 and 100000000 or auto (got 0)"});
	CHECK(errors_of({"--speed", "fast"}, "") ==
	      std::vector<std::string>{"--speed must be a number, 1..100000000, or auto (got 'fast')"});
	CHECK(errors_of({"--bogus"}, "") ==
	      std::vector<std::string>{"unrecognised option '--bogus'"});
	CHECK(errors_of({"--interv", "1"}, "") ==
	      std::vector<std::string>{"unrecognised option '--interv'"});
	CHECK(errors_of({"--port"}, "") ==
	      std::vector<std::string>{"the required argument for option '--port' is missing"});
	CHECK(errors_of({"--port", "1", "--port", "2"}, "") ==
	      std::vector<std::string>{"option '--port' cannot be specified more than once"});
	CHECK(errors_of({"extra"}, "") ==
	      std::vector<std::string>{"too many positional options have been specified on the "
				       "command line"});
	// Both places are checked, the command line first.
	CHECK(errors_of({"--port", "0"}, "port = 0\n") ==
	      std::vector<std::string>{"--port must be between 1 and 65535 (got 0)",
				       "/etc/openmosix/omd.conf:1: port must be between 1 and "
				       "65535 (got 0)"});
}

TEST_CASE("omd: --help, --version, and what the help shows", "[omd_config]")
{
	CHECK(parse_ok({"--help"}, "").help);
	CHECK(parse_ok({"-h"}, "").help);
	CHECK(parse_ok({"--version"}, "").version);
	// Whatever is wrong with the configuration.
	CHECK(parse_ok({"--help", "--port", "0"}, "bogus\n").help);
	CHECK(parse_ok({"--version"}, "port = 0\n").version);
	CHECK(errors_of({"--help", "--bogus"}, "").size() == 1);
	const std::vector<std::string> args{"--help", "--config", "/nonexistent/omd.conf"};
	const OmdConfigResult result = load_omd_config(args);
	REQUIRE(std::holds_alternative<OmdConfig>(result));
	CHECK(std::get<OmdConfig>(result).help);
	const std::string help = omd_options_help();
	for (const char *option : {"--config", "--map", "--listen", "--port", "--key", "--node-id",
				   "--interval", "--speed", "--discover", "--help", "--version",
				   "--verbose"})
		CHECK_THAT(help, ContainsSubstring(option));
}

TEST_CASE("omd: garbage in the file gives at most a screenful of errors", "[omd_config]")
{
	std::string text;
	for (int i = 0; i < 100; ++i)
		text += "\x01\x02 garbage\n";
	const auto errors = errors_of({}, text);
	REQUIRE(errors.size() == kMaxParseErrors + 1);
	CHECK(errors.front() == "/etc/openmosix/omd.conf:1: expected 'key = value', got "
				"'\\x01\\x02 garbage'");
	CHECK_THAT(errors.back(), ContainsSubstring("too many errors"));
}

TEST_CASE("omd: load_omd_config reads --config or the default file", "[omd_config]")
{
	const test::TempDir dir;
	const std::string path = dir.write("omd.conf", "port = 4700\n");
	const std::vector<std::string> args{"--config", path, "--interval", "3"};
	const OmdConfigResult result = load_omd_config(args);
	REQUIRE(std::holds_alternative<OmdConfig>(result));
	const OmdConfig &c = std::get<OmdConfig>(result);
	CHECK(c.config_path == path);
	CHECK(c.port == 4700);
	CHECK(c.interval == 3s);

	const std::string bad = dir.write("bad.conf", "port = 4700\nport = x\n");
	const std::vector<std::string> bad_args{"-c", bad};
	const OmdConfigResult errors = load_omd_config(bad_args);
	REQUIRE(std::holds_alternative<std::vector<ConfigError>>(errors));
	CHECK(std::get<std::vector<ConfigError>>(errors) ==
	      std::vector<ConfigError>{{bad, 2, "port is set again; line 1 set it already"}});

	const std::vector<std::string> missing{"--config", dir.path("missing.conf")};
	const OmdConfigResult none = load_omd_config(missing);
	REQUIRE(std::holds_alternative<std::vector<ConfigError>>(none));
	CHECK(std::get<std::vector<ConfigError>>(none).front().to_string() ==
	      "cannot read " + dir.path("missing.conf") + ": No such file or directory");
}
