#pragma once

// This node's load as omd reports it to omcore (OM_CMD_SET_LOAD) every
// interval: pure parsers of the /proc and /sys files it comes from, the
// decay, the speed benchmark, and LoadMonitor, which reads the files.
//
// Run-queue load: once per interval, procs_running of /proc/stat minus one
// (omd itself, running while it reads the file), in thousandths of a task.
// It is averaged openMosix's way, with the two factors openMosix used per
// interval: while the sample is above the average, the average keeps
// kDecayFast = 926/1000 of its distance to the sample (moves 7.4% of the
// way); while it is below, kDecaySlow = 975/1000 (2.5%). So a node looks
// busy quickly and idle slowly, as MOSIX's load "given to the outside"
// did: a peer that sees a brief lull is not flooded with processes. Half
// the way takes about 9 intervals rising and 27 falling (9 s and 27 s at
// the default interval of 1 s). The distance is rounded down, so the average reaches a steady
// sample exactly instead of stopping a rounding step short. The first
// sample is taken as the average: a node that starts busy says so at once.
// The load is not divided by the CPUs or the speed: the report carries
// both, and whoever compares nodes normalises.
//
// Speed: kSpeedReference (10000) is openMosix's Pentium III at 1 GHz. omd
// times a loop whose every iteration depends on the last (a 32-bit multiply
// and add, speed_loop) on one CPU, by the thread's CPU time so that
// other load does not make the node look slow, and scales it so that a
// PIII at 1 GHz would score 10000. That rate, kReferenceRate, is estimated
// from the P6 core's latencies (imul r32 4 cycles, add 1: 5 cycles an
// iteration, 200 million a second at 1 GHz; Intel's and Agner Fog's
// instruction tables), not measured on such a machine. It measures one
// CPU's integer latency, the same for every node, so nodes compare fairly;
// code that gains from a wide modern core will find the gap larger.

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "genl_client.hpp"

namespace om::omd {

// Why a file gave no value: its path and what is wrong with it.
struct ProcError {
	std::string message;
};

template <typename T>
using Parsed = std::variant<T, ProcError>;

// The share of the distance to the sample the average keeps each interval,
// per mille: rising, falling.
constexpr std::uint32_t kDecayFast = 926;
constexpr std::uint32_t kDecaySlow = 975;

// The next average (x1000) after SAMPLE (x1000), as the header says.
std::uint32_t decay_load(std::uint32_t average, std::uint32_t sample) noexcept;

// The procs_running line of /proc/stat: runnable tasks, this reader included.
Parsed<std::uint32_t> parse_procs_running(std::string_view stat);

// The aggregate "cpu" line of /proc/stat, in clock ticks: user, nice,
// system, idle, iowait, irq, softirq, steal (guest time is part of user
// and nice already). Kernels that print fewer fields leave the rest 0.
struct CpuTimes {
	static constexpr std::size_t kFields = 8;
	static constexpr std::size_t kIdle = 3, kIowait = 4;
	std::array<std::uint64_t, kFields> ticks{};

	bool operator==(const CpuTimes &) const = default;
};

Parsed<CpuTimes> parse_cpu_times(std::string_view stat);

// Per mille of the CPU time between BEFORE and AFTER that was not idle
// (idle and iowait count as idle; steal as busy: the CPU was not this
// node's to use). A counter that went backwards (iowait can, and any can
// wrap) counts as not moving. Nothing when no tick passed.
std::optional<std::uint32_t> utilisation(const CpuTimes &before, const CpuTimes &after) noexcept;

// /proc/meminfo in bytes: MemTotal, and MemAvailable as the free memory
// (what can be had without swapping: page cache counts), or MemFree on a
// kernel without it. Free is never above total.
struct Memory {
	std::uint64_t total = 0;
	std::uint64_t free = 0;

	bool operator==(const Memory &) const = default;
};

Parsed<Memory> parse_meminfo(std::string_view meminfo);

// The whole seconds of /proc/uptime.
Parsed<std::uint64_t> parse_uptime(std::string_view uptime);

// How many CPUs a list such as /sys/devices/system/cpu/online names
// ("0-3,6,8-9\n": 7).
Parsed<std::uint32_t> parse_cpu_list(std::string_view list);

// The rate of speed_loop on a Pentium III at 1 GHz, iterations a second.
constexpr double kReferenceRate = 200e6;
constexpr std::uint32_t kSpeedReference = 10000;

// ITERATIONS of the loop from X: the benchmark's work, which no compiler
// can shorten.
std::uint32_t speed_loop(std::uint32_t x, std::uint64_t iterations) noexcept;

// The speed of a CPU that runs the loop RATE times a second, in
// 1..OM_LOAD_MAX_SPEED.
std::uint32_t speed_from_rate(double rate) noexcept;

// Runs the loop for about CPU_TIME of this thread's CPU time, after an
// eighth of that to warm up (at most 1 s of wall time in all on a busy
// node), and returns speed_from_rate of what it did.
std::uint32_t measure_speed(std::chrono::milliseconds cpu_time = std::chrono::milliseconds(150));

// CONFIGURED, or measure_speed(); logs which at info level.
std::uint32_t node_speed(std::optional<std::uint32_t> configured);

// Where LoadMonitor reads; tests point it elsewhere.
struct LoadFiles {
	std::string stat = "/proc/stat";
	std::string meminfo = "/proc/meminfo";
	std::string uptime = "/proc/uptime";
	std::string cpus = "/sys/devices/system/cpu/online";
};

// Reads this node's load, once an interval. A file that cannot be read or
// parsed is logged once, and the report keeps what that file gave last
// (the load average then stays where it was).
class LoadMonitor {
public:
	// SPEED: configured, or measure_speed()'s.
	explicit LoadMonitor(std::uint32_t speed, LoadFiles files = {});

	// Reads the files and folds this interval's run-queue sample into the
	// average: call it once an interval.
	LoadReport sample();

private:
	enum Source { kRunQueue, kCpuTimes, kMemory, kUptime, kCpus, kSources };

	// VALUE, or nothing after logging the first failure of SOURCE.
	template <typename T>
	std::optional<T> take(Source source, Parsed<T> value);

	LoadFiles files_;
	LoadReport report_;
	std::optional<std::uint32_t> average_;	// nothing before the first sample
	std::optional<CpuTimes> cpu_times_;	// the last good one
	std::array<bool, kSources> warned_{};
};

} // namespace om::omd
