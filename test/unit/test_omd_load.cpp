// omd's load measurement: the decay, the parsers of /proc and /sys on real
// and broken text, the utilisation between two samples, the speed scale,
// and LoadMonitor over files a test writes.
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <cmath>
#include <filesystem>
#include <limits>
#include <memory>
#include <sstream>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "load.hpp"
#include "temp_dir.hpp"
#include "uapi/linux/openmosix.h"

using namespace om;
using namespace om::omd;
using Catch::Matchers::ContainsSubstring;

namespace {

constexpr std::uint32_t kU32Max = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint64_t kU64Max = std::numeric_limits<std::uint64_t>::max();

// /proc/stat of a two-CPU machine, trimmed.
constexpr const char *kStat =
	"cpu  1137092 9554 154946 787085 5594 0 1303 2542 0 0\n"
	"cpu0 555584 3552 74666 412504 885 0 437 1268 0 0\n"
	"cpu1 581508 6001 80280 374580 4709 0 866 1274 0 0\n"
	"intr 62001532 0 9 0 0 0 0 0 0 0 0 0 0 144 0 0 0 0 0 0\n"
	"ctxt 128227113\n"
	"btime 1700000000\n"
	"processes 561321\n"
	"procs_running 3\n"
	"procs_blocked 0\n"
	"softirq 23484236 2 7011239 31 1063427 0 0 18 7807711 0 7601808\n";

constexpr const char *kMeminfo =
	"MemTotal:       24684096 kB\n"
	"MemFree:        23839532 kB\n"
	"MemAvailable:   24226380 kB\n"
	"Buffers:            6248 kB\n"
	"Cached:           381216 kB\n"
	"HugePages_Total:       0\n";

template <typename T>
T value(const Parsed<T> &parsed)
{
	if (const auto *error = std::get_if<ProcError>(&parsed))
		FAIL("parse error: " << error->message);
	return std::get<T>(parsed);
}

template <typename T>
std::string error(const Parsed<T> &parsed)
{
	const auto *e = std::get_if<ProcError>(&parsed);
	REQUIRE(e);
	return e->message;
}

CpuTimes times(std::initializer_list<std::uint64_t> ticks)
{
	CpuTimes t;
	std::copy(ticks.begin(), ticks.end(), t.ticks.begin());
	return t;
}

std::string stat_with(std::uint32_t running, const std::string &cpu_line)
{
	return cpu_line + "\nintr 1 2 3\nprocs_running " + std::to_string(running) +
	       "\nprocs_blocked 0\n";
}

// What omd logs while it lives, instead of stderr.
class CapturedLog {
public:
	CapturedLog() : previous_(spdlog::default_logger())
	{
		auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(out_);
		auto logger = std::make_shared<spdlog::logger>("test", std::move(sink));
		logger->set_pattern("%l: %v");
		spdlog::set_default_logger(std::move(logger));
	}
	~CapturedLog() { spdlog::set_default_logger(previous_); }
	CapturedLog(const CapturedLog &) = delete;
	CapturedLog &operator=(const CapturedLog &) = delete;

	std::string text() const { return out_.str(); }

private:
	std::ostringstream out_;
	std::shared_ptr<spdlog::logger> previous_;
};

std::size_t count(const std::string &text, const std::string &what)
{
	std::size_t n = 0;
	for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
		++n;
	return n;
}

} // namespace

TEST_CASE("load: a steady sample stays where it is", "[omd][load]")
{
	for (const std::uint32_t x : {0u, 1u, 999u, 1000u, 64000u, kU32Max})
		CHECK(decay_load(x, x) == x);
}

TEST_CASE("load: rises by the fast factor, falls by the slow one", "[omd][load]")
{
	// The distance kept is rounded down: 1000 * 926 / 1000, then 926 * 0.926
	// = 857.476 -> 857 kept, so 143.
	std::vector<std::uint32_t> rise;
	for (std::uint32_t a = 0; rise.size() < 9;)
		rise.push_back(a = decay_load(a, 1000));
	CHECK(rise == std::vector<std::uint32_t>{74, 143, 207, 266, 321, 372, 419, 462, 502});
	std::vector<std::uint32_t> fall;
	for (std::uint32_t a = 1000; fall.size() < 4;)
		fall.push_back(a = decay_load(a, 0));
	CHECK(fall == std::vector<std::uint32_t>{975, 950, 926, 902});

	// Half the way: 9 intervals up, 27 down.
	std::uint32_t down = 1000;
	for (int i = 0; i < 26; ++i)
		down = decay_load(down, 0);
	CHECK(down > 500);
	CHECK(decay_load(down, 0) < 500);
	CHECK(kDecayFast < kDecaySlow);
}

TEST_CASE("load: the average reaches a steady sample exactly", "[omd][load]")
{
	const auto steps_to = [](std::uint32_t from, std::uint32_t sample) {
		int steps = 0;
		for (std::uint32_t a = from; a != sample; ++steps) {
			const std::uint32_t next = decay_load(a, sample);
			// Always toward the sample, never past it.
			REQUIRE((sample > a ? next > a && next <= sample : next < a && next >= sample));
			a = next;
			REQUIRE(steps < 1000);
		}
		return steps;
	};
	CHECK(steps_to(0, 3000) == 78);
	CHECK(steps_to(5000, 1000) == 205);
	CHECK(steps_to(1000, 1001) == 1);
	CHECK(steps_to(1001, 1000) == 1);
	// The far ends of the range do not overflow.
	CHECK(decay_load(0, kU32Max) == 317827580u);
	CHECK(decay_load(kU32Max, 0) == 4187593112u);
}

TEST_CASE("load: procs_running from /proc/stat", "[omd][load]")
{
	CHECK(value(parse_procs_running(kStat)) == 3u);
	CHECK(value(parse_procs_running("procs_running 0")) == 0u);
	CHECK(error(parse_procs_running("cpu 1 2 3 4\nprocs_blocked 1\n")) == "no procs_running line");
	CHECK(error(parse_procs_running("")) == "no procs_running line");
	// Only the whole word counts.
	CHECK(error(parse_procs_running("procs_running_x 4\n")) == "no procs_running line");
	CHECK(error(parse_procs_running("procs_running many\n")) ==
	      "procs_running is not a count: 'many'");
	CHECK(error(parse_procs_running("procs_running -1\n")) ==
	      "procs_running is not a count: '-1'");
	CHECK(error(parse_procs_running("procs_running 99999999999\n")) ==
	      "procs_running is not a count: '99999999999'");
	CHECK(error(parse_procs_running("procs_running\n")) == "procs_running is not a count: ''");
}

TEST_CASE("load: the cpu line of /proc/stat", "[omd][load]")
{
	// Guest time (the last two) is in user and nice already.
	CHECK(value(parse_cpu_times(kStat)) ==
	      times({1137092, 9554, 154946, 787085, 5594, 0, 1303, 2542}));
	// An old kernel's four fields.
	CHECK(value(parse_cpu_times("cpu 10 20 30 40\n")) == times({10, 20, 30, 40}));
	CHECK(error(parse_cpu_times("cpu0 1 2 3 4\n")) == "no cpu line");
	CHECK(error(parse_cpu_times("cpu 1 2 3\n")) ==
	      "the cpu line has 3 fields; user, nice, system and idle at least belong there");
	CHECK(error(parse_cpu_times("cpu 1 2 x 4 5\n")) ==
	      "the cpu line has 'x' where a count of ticks belongs");
	CHECK(error(parse_cpu_times("cpu 1 2 3 -4\n")) ==
	      "the cpu line has '-4' where a count of ticks belongs");
}

TEST_CASE("load: utilisation between two samples", "[omd][load]")
{
	const CpuTimes before = times({100, 0, 100, 800, 0, 0, 0, 0});
	// 300 user + 100 system busy, 500 idle + 100 iowait idle.
	CHECK(utilisation(before, times({400, 0, 200, 1300, 100, 0, 0, 0})) == 400u);
	CHECK(utilisation(before, times({200, 0, 100, 800, 0, 0, 0, 0})) == 1000u);
	CHECK(utilisation(before, times({100, 0, 100, 900, 50, 0, 0, 0})) == 0u);
	// Steal, irq and softirq are busy.
	CHECK(utilisation(before, times({100, 0, 100, 900, 0, 50, 25, 25})) == 500u);
	// Rounded to the nearest per mille.
	CHECK(utilisation(before, times({101, 0, 100, 802, 0, 0, 0, 0})) == 333u);
	CHECK(utilisation(before, times({102, 0, 100, 801, 0, 0, 0, 0})) == 667u);
	// No tick passed: no answer, rather than 0.
	CHECK(utilisation(before, before) == std::nullopt);
	CHECK(utilisation(CpuTimes{}, CpuTimes{}) == std::nullopt);
}

TEST_CASE("load: counters that go backwards or wrap give a sane value", "[omd][load]")
{
	// iowait can go backwards on a tickless kernel: it counts as still.
	CHECK(utilisation(times({100, 0, 100, 800, 500, 0, 0, 0}),
			  times({200, 0, 100, 900, 400, 0, 0, 0})) == 500u);
	// All went backwards (a counter reset): no answer.
	CHECK(utilisation(times({100, 100, 100, 100, 100, 100, 100, 100}), CpuTimes{}) ==
	      std::nullopt);
	// Wrapped past 2^64: that counter is left out of this interval.
	CHECK(utilisation(times({kU64Max - 5, 0, 0, 100, 0, 0, 0, 0}),
			  times({5, 0, 0, 200, 0, 0, 0, 0})) == 0u);
	// Jumps no interval could hold neither overflow nor leave 0..1000.
	CHECK(utilisation(CpuTimes{}, times({kU64Max, kU64Max, kU64Max, kU64Max, kU64Max, kU64Max,
					     kU64Max, kU64Max})) == std::nullopt);
	const auto mixed = utilisation(CpuTimes{}, times({kU64Max, 0, 10, kU64Max / 2, 0, 0, 0, 0}));
	REQUIRE(mixed);
	CHECK(*mixed == 1000u);
}

TEST_CASE("load: memory from /proc/meminfo, in bytes", "[omd][load]")
{
	CHECK(value(parse_meminfo(kMeminfo)) == Memory{24684096ull * 1024, 24226380ull * 1024});
	// Without MemAvailable (before Linux 3.14), MemFree.
	CHECK(value(parse_meminfo("MemTotal: 1000 kB\nMemFree: 200 kB\n")) ==
	      Memory{1024000, 204800});
	// Free is never above total.
	CHECK(value(parse_meminfo("MemTotal: 100 kB\nMemAvailable: 200 kB\n")) ==
	      Memory{102400, 102400});
	CHECK(error(parse_meminfo("MemFree: 200 kB\n")) == "no MemTotal line");
	CHECK(error(parse_meminfo("MemTotal: 1000 kB\nCached: 5 kB\n")) ==
	      "neither a MemAvailable nor a MemFree line");
	CHECK(error(parse_meminfo("MemTotal: lots kB\nMemFree: 1 kB\n")) ==
	      "MemTotal is not a number of kB: 'lots kB'");
	CHECK(error(parse_meminfo("MemTotal: 1000 MB\nMemFree: 1 kB\n")) ==
	      "MemTotal is not a number of kB: '1000 MB'");
	CHECK(error(parse_meminfo("MemTotal: 1000 kB\nMemAvailable: 1\n")) ==
	      "MemAvailable is not a number of kB: '1'");
	CHECK(error(parse_meminfo("MemTotal: 18014398509481984 kB\nMemFree: 1 kB\n")) ==
	      "MemTotal is not a number of kB: '18014398509481984 kB'");
	CHECK(error(parse_meminfo("")) == "no MemTotal line");
}

TEST_CASE("load: uptime from /proc/uptime", "[omd][load]")
{
	CHECK(value(parse_uptime("10543.37 7870.85\n")) == 10543u);
	CHECK(value(parse_uptime("0.99 0.50\n")) == 0u);
	CHECK(value(parse_uptime("12\n")) == 12u);
	CHECK(error(parse_uptime("")) == "expected seconds such as 1234.56, got ''");
	CHECK(error(parse_uptime("up 3 days\n")) == "expected seconds such as 1234.56, got 'up 3 days'");
	CHECK(error(parse_uptime("-5.00 1.00")).starts_with("expected seconds"));
	CHECK(error(parse_uptime("12.x 1.00")).starts_with("expected seconds"));
	CHECK(error(parse_uptime("12. 1.00")).starts_with("expected seconds"));
	CHECK(error(parse_uptime(".5 1.00")).starts_with("expected seconds"));
}

TEST_CASE("load: the online CPU list", "[omd][load]")
{
	CHECK(value(parse_cpu_list("0-1\n")) == 2u);
	CHECK(value(parse_cpu_list("0\n")) == 1u);
	CHECK(value(parse_cpu_list("0-3,6,8-9\n")) == 7u);
	CHECK(value(parse_cpu_list("0-65535")) == 65536u);
	CHECK(value(parse_cpu_list("0-99999")) == std::uint32_t{OM_LOAD_MAX_CPUS});
	CHECK(error(parse_cpu_list("\n")) == "no CPU is listed");
	for (const char *bad : {"3-1", "0-3,2", "1,1", "0,,1", "0-", "-3", "x", "0-3,", "0 1"})
		CHECK(error(parse_cpu_list(bad)) ==
		      std::string("expected CPU numbers and ranges such as 0-3,6, ascending, got '") +
			      bad + "'");
}

TEST_CASE("load: the speed scale", "[omd][load]")
{
	CHECK(speed_from_rate(kReferenceRate) == kSpeedReference);
	CHECK(speed_from_rate(kReferenceRate * 2.5) == 25000u);
	CHECK(speed_from_rate(kReferenceRate / 10000) == 1u);
	CHECK(speed_from_rate(0) == 1u);
	CHECK(speed_from_rate(-1) == 1u);
	CHECK(speed_from_rate(std::nan("")) == 1u);
	CHECK(speed_from_rate(kReferenceRate * 1e6) == std::uint32_t{OM_LOAD_MAX_SPEED});
	CHECK(speed_from_rate(HUGE_VAL) == std::uint32_t{OM_LOAD_MAX_SPEED});
}

TEST_CASE("load: the benchmark's loop is the work it claims", "[omd][load]")
{
	CHECK(speed_loop(7, 0) == 7u);
	CHECK(speed_loop(1, 1) == 1u * 1664525u + 1013904223u);
	// Split anywhere, the same chain.
	CHECK(speed_loop(speed_loop(3, 1000), 2345) == speed_loop(3, 3345));
	CHECK(speed_loop(3, 3345) != speed_loop(3, 3344));
}

TEST_CASE("load: the benchmark gives a speed in range", "[omd][load]")
{
	const std::uint32_t speed = measure_speed(std::chrono::milliseconds(20));
	CHECK(speed >= 1);
	CHECK(speed <= std::uint32_t{OM_LOAD_MAX_SPEED});
	// Any machine that runs these tests is faster than a 100 MHz Pentium III.
	CHECK(speed > kSpeedReference / 10);
	const CapturedLog log;
	CHECK(node_speed(4321u) == 4321u);
	CHECK_THAT(log.text(), ContainsSubstring("info: speed 4321, as configured"));
}

TEST_CASE("load: the monitor reads the files", "[omd][load]")
{
	const test::TempDir dir;
	const LoadFiles files{dir.write("stat", stat_with(3, "cpu 100 0 100 800 0 0 0 0 0 0")),
			      dir.write("meminfo", kMeminfo), dir.write("uptime", "10543.37 7870.85\n"),
			      dir.write("online", "0-3,6\n")};
	LoadMonitor monitor(12345, files);
	dir.write("stat", stat_with(3, "cpu 400 0 200 1300 100 0 0 0 0 0"));
	const LoadReport first = monitor.sample();
	// procs_running 3, less omd itself; the first sample is the average.
	CHECK(first.load == 2000u);
	CHECK(first.cpus == 5u);
	CHECK(first.speed == 12345u);
	CHECK(first.util == 400u);
	CHECK(first.mem_total == 24684096ull * 1024);
	CHECK(first.mem_free == 24226380ull * 1024);
	CHECK(first.uptime == 10543u);

	dir.write("stat", stat_with(1, "cpu 900 0 200 1800 100 0 0 0 0 0"));
	dir.write("uptime", "10544.40 7871.00\n");
	const LoadReport second = monitor.sample();
	CHECK(second.load == decay_load(2000, 0));
	CHECK(second.util == 500u);
	CHECK(second.uptime == 10544u);

	// The counters did not move: the utilisation stays; omd alone is no load.
	dir.write("stat", stat_with(0, "cpu 900 0 200 1800 100 0 0 0 0 0"));
	const LoadReport third = monitor.sample();
	CHECK(third.util == 500u);
	CHECK(third.load == decay_load(decay_load(2000, 0), 0));
}

TEST_CASE("load: broken files are said once, and the last values stay", "[omd][load]")
{
	const test::TempDir dir;
	const LoadFiles files{dir.write("stat", stat_with(2, "cpu 1 1 1 1")),
			      dir.write("meminfo", kMeminfo), dir.write("uptime", "77.0 1.0\n"),
			      dir.write("online", "0-1\n")};
	LoadMonitor monitor(10000, files);
	const LoadReport good = monitor.sample();
	CHECK(good.load == 1000u);

	const CapturedLog log;
	dir.write("stat", "garbage\n");
	dir.write("meminfo", "MemTotal: many\n");
	std::filesystem::remove(files.uptime);
	dir.write("online", "");
	LoadReport report;
	for (int i = 0; i < 3; ++i)
		report = monitor.sample();
	CHECK(report == good);
	const std::string text = log.text();
	CHECK(count(text, "warning: ") == 5);
	CHECK(count(text, files.stat + ": no procs_running line") == 1);
	CHECK(count(text, files.stat + ": no cpu line") == 1);
	CHECK(count(text, files.meminfo + ": MemTotal is not a number of kB: 'many'") == 1);
	CHECK(count(text, "cannot read " + files.uptime + ": No such file or directory") == 1);
	CHECK(count(text, files.cpus + ": no CPU is listed") == 1);
	CHECK_THAT(text, ContainsSubstring("the load reports keep the last run-queue load known"));
}

TEST_CASE("load: the monitor's report is one the kernel takes", "[omd][load]")
{
	const test::TempDir dir;
	// Nothing readable at all, and speeds out of range.
	const LoadFiles files{dir.path("stat"), dir.path("meminfo"), dir.path("uptime"),
			      dir.path("online")};
	const CapturedLog log;
	const LoadReport low = LoadMonitor(0, files).sample();
	CHECK(low.speed == 1u);
	CHECK(low.cpus >= 1u);
	CHECK(low.cpus <= std::uint32_t{OM_LOAD_MAX_CPUS});
	CHECK(low.mem_free <= low.mem_total);
	CHECK(low.util <= 1000u);
	CHECK(LoadMonitor(kU32Max, files).sample().speed == std::uint32_t{OM_LOAD_MAX_SPEED});
}
