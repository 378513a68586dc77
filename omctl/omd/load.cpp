#include "load.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <ctime>
#include <fmt/format.h>
#include <limits>
#include <spdlog/spdlog.h>
#include <system_error>
#include <unistd.h>

#include "file_text.hpp"
#include "map_lines.hpp"
#include "uapi/linux/openmosix.h"

namespace om::omd {

namespace {

// /proc/stat of a machine with thousands of CPUs and interrupts is large,
// but not this large.
constexpr std::size_t kMaxFile = 4u << 20;

std::string_view trim(std::string_view s)
{
	const auto first = s.find_first_not_of(" \t\n");
	if (first == std::string_view::npos)
		return {};
	return s.substr(first, s.find_last_not_of(" \t\n") - first + 1);
}

// The next whitespace-separated word of S, taken off its front.
std::string_view next_word(std::string_view &s)
{
	const auto start = s.find_first_not_of(" \t\n");
	if (start == std::string_view::npos) {
		s = {};
		return {};
	}
	s.remove_prefix(start);
	const auto end = std::min(s.find_first_of(" \t\n"), s.size());
	const std::string_view word = s.substr(0, end);
	s.remove_prefix(end);
	return word;
}

// The rest of the line of TEXT that starts with the word KEY.
std::optional<std::string_view> line_of(std::string_view text, std::string_view key)
{
	while (!text.empty()) {
		const auto eol = std::min(text.find('\n'), text.size());
		std::string_view line = text.substr(0, eol);
		if (next_word(line) == key)
			return line;
		text.remove_prefix(std::min(eol + 1, text.size()));
	}
	return std::nullopt;
}

template <typename T>
std::optional<T> number(std::string_view word)
{
	T n{};
	const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), n);
	if (ec != std::errc{} || end != word.data() + word.size())
		return std::nullopt;
	return n;
}

Parsed<std::string> read_file(const std::string &path)
{
	FileText file = read_file_text(path, kMaxFile);
	if (file.error)
		return ProcError{fmt::format("cannot read {}: {}", path, std::strerror(file.error))};
	if (file.too_large)
		return ProcError{fmt::format("{} is larger than {} MiB", path, kMaxFile >> 20)};
	return std::move(file.text);
}

// PARSE of TEXT, read from PATH; the error names the file.
template <typename Parse>
auto parse_file(const Parsed<std::string> &text, const std::string &path, Parse parse)
	-> decltype(parse(std::string_view{}))
{
	if (const auto *error = std::get_if<ProcError>(&text))
		return *error;
	auto parsed = parse(std::get<std::string>(text));
	if (auto *error = std::get_if<ProcError>(&parsed))
		error->message = fmt::format("{}: {}", path, error->message);
	return parsed;
}

std::chrono::nanoseconds thread_cpu_time()
{
	timespec ts{};
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		throw std::system_error(errno, std::generic_category(), "clock_gettime");
	return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

std::uint32_t online_cpus() noexcept
{
	const long n = sysconf(_SC_NPROCESSORS_ONLN);
	return static_cast<std::uint32_t>(std::clamp<long>(n, 1, OM_LOAD_MAX_CPUS));
}

// The line NAME of /proc/meminfo in bytes, or nothing if there is none.
// The kernel prints KiB and calls them kB.
std::optional<Parsed<std::uint64_t>> meminfo_bytes(std::string_view meminfo, std::string_view name)
{
	std::optional<std::string_view> rest = line_of(meminfo, fmt::format("{}:", name));
	if (!rest)
		return std::nullopt;
	const std::string_view value = trim(*rest);
	std::string_view words = value;
	const auto kib = number<std::uint64_t>(next_word(words));
	if (!kib || trim(words) != "kB" || *kib > std::numeric_limits<std::uint64_t>::max() / 1024)
		return ProcError{fmt::format("{} is not a number of kB: {}", name, quote(value))};
	return *kib * 1024;
}

// Keeps the loop's result alive.
volatile std::uint32_t benchmark_sink;

} // namespace

std::uint32_t decay_load(std::uint32_t average, std::uint32_t sample) noexcept
{
	// The distance kept is rounded down, so the average always moves, and
	// ends on a steady sample.
	if (sample >= average)
		return sample - static_cast<std::uint32_t>(std::uint64_t{sample - average} *
							   kDecayFast / 1000);
	return sample + static_cast<std::uint32_t>(std::uint64_t{average - sample} * kDecaySlow / 1000);
}

Parsed<std::uint32_t> parse_procs_running(std::string_view stat)
{
	std::optional<std::string_view> rest = line_of(stat, "procs_running");
	if (!rest)
		return ProcError{"no procs_running line"};
	const std::string_view value = trim(*rest);
	if (const auto n = number<std::uint32_t>(value))
		return *n;
	return ProcError{fmt::format("procs_running is not a count: {}", quote(value))};
}

Parsed<CpuTimes> parse_cpu_times(std::string_view stat)
{
	std::optional<std::string_view> rest = line_of(stat, "cpu");
	if (!rest)
		return ProcError{"no cpu line"};
	CpuTimes times;
	std::size_t fields = 0;
	for (std::string_view word = next_word(*rest); !word.empty() && fields < CpuTimes::kFields;
	     word = next_word(*rest)) {
		const auto n = number<std::uint64_t>(word);
		if (!n)
			return ProcError{fmt::format("the cpu line has {} where a count of ticks "
						     "belongs", quote(word))};
		times.ticks[fields++] = *n;
	}
	if (fields <= CpuTimes::kIdle)
		return ProcError{fmt::format("the cpu line has {} fields; user, nice, system and idle "
					     "at least belong there", fields)};
	return times;
}

std::optional<std::uint32_t> utilisation(const CpuTimes &before, const CpuTimes &after) noexcept
{
	std::uint64_t total = 0, idle = 0;
	for (std::size_t i = 0; i < CpuTimes::kFields; ++i) {
		const std::uint64_t delta =
			after.ticks[i] >= before.ticks[i] ? after.ticks[i] - before.ticks[i] : 0;
		// No interval has that many ticks (700,000 years' worth at 100 Hz): a
		// counter that was reset. Left out, the sums below cannot overflow.
		if (delta > std::numeric_limits<std::uint64_t>::max() / CpuTimes::kFields / 1000)
			continue;
		total += delta;
		if (i == CpuTimes::kIdle || i == CpuTimes::kIowait)
			idle += delta;
	}
	if (total == 0)
		return std::nullopt;
	return static_cast<std::uint32_t>(((total - idle) * 1000 + total / 2) / total);
}

Parsed<Memory> parse_meminfo(std::string_view meminfo)
{
	const auto total = meminfo_bytes(meminfo, "MemTotal");
	if (!total)
		return ProcError{"no MemTotal line"};
	if (const auto *error = std::get_if<ProcError>(&*total))
		return *error;
	auto free = meminfo_bytes(meminfo, "MemAvailable");
	if (!free)
		free = meminfo_bytes(meminfo, "MemFree");
	if (!free)
		return ProcError{"neither a MemAvailable nor a MemFree line"};
	if (const auto *error = std::get_if<ProcError>(&*free))
		return *error;
	const std::uint64_t t = std::get<std::uint64_t>(*total);
	return Memory{t, std::min(t, std::get<std::uint64_t>(*free))};
}

Parsed<std::uint64_t> parse_uptime(std::string_view uptime)
{
	std::string_view rest = uptime;
	const std::string_view word = next_word(rest);
	const std::string_view whole = word.substr(0, word.find('.'));
	const std::string_view fraction = word.substr(whole.size());
	const auto seconds = number<std::uint64_t>(whole);
	const bool digits = fraction.empty() || (fraction.size() > 1 &&
			    fraction.find_first_not_of("0123456789", 1) == std::string_view::npos);
	if (!seconds || !digits)
		return ProcError{fmt::format("expected seconds such as 1234.56, got {}",
					     quote(trim(uptime)))};
	return *seconds;
}

Parsed<std::uint32_t> parse_cpu_list(std::string_view list)
{
	const std::string_view text = trim(list);
	if (text.empty())
		return ProcError{"no CPU is listed"};
	std::uint64_t count = 0;
	std::optional<std::uint32_t> last;
	for (std::string_view rest = text;;) {
		const auto comma = rest.find(',');
		const std::string_view range = rest.substr(0, comma);
		const auto dash = range.find('-');
		const auto first = number<std::uint32_t>(range.substr(0, dash));
		const auto end = dash == std::string_view::npos ? first
								: number<std::uint32_t>(range.substr(dash + 1));
		// Ranges come in ascending order, none overlapping: anything else
		// is not a CPU list, and its count would be wrong.
		if (!first || !end || *end < *first || (last && *first <= *last))
			return ProcError{fmt::format("expected CPU numbers and ranges such as 0-3,6, "
						     "ascending, got {}", quote(text))};
		count += std::uint64_t{*end} - *first + 1;
		last = end;
		if (comma == std::string_view::npos)
			break;
		rest.remove_prefix(comma + 1);
	}
	return static_cast<std::uint32_t>(std::min<std::uint64_t>(count, OM_LOAD_MAX_CPUS));
}

std::uint32_t speed_loop(std::uint32_t x, std::uint64_t iterations) noexcept
{
	for (std::uint64_t i = 0; i < iterations; ++i) {
		x = x * 1664525u + 1013904223u;	// any odd multiplier would do
		// X must be in a register after every step: the compiler may not
		// merge steps, nor compute the result from a formula.
		asm volatile("" : "+r"(x));
	}
	return x;
}

std::uint32_t speed_from_rate(double rate) noexcept
{
	const double speed = rate / kReferenceRate * kSpeedReference;
	if (!(speed >= 1))	// NaN too
		return 1;
	return static_cast<std::uint32_t>(std::llround(std::min<double>(speed, OM_LOAD_MAX_SPEED)));
}

std::uint32_t measure_speed(std::chrono::milliseconds cpu_time)
{
	// About 1 ms on the reference machine: time is read rarely enough not
	// to count, often enough to stop close to CPU_TIME.
	constexpr std::uint64_t kBatch = 1u << 18;
	const auto wall_limit = std::chrono::steady_clock::now() + std::chrono::seconds(1);
	std::uint32_t x = 1;
	// An eighth more, not counted, lets the CPU's clock rise from idle.
	const auto warm = thread_cpu_time() + cpu_time / 8;
	while (thread_cpu_time() < warm && std::chrono::steady_clock::now() < wall_limit)
		x = speed_loop(x, kBatch);
	const auto start = thread_cpu_time();
	std::uint64_t done = 0;
	std::chrono::nanoseconds spent{0};
	do {
		x = speed_loop(x, kBatch);
		done += kBatch;
		spent = thread_cpu_time() - start;
	} while (spent < cpu_time && std::chrono::steady_clock::now() < wall_limit);
	benchmark_sink = x;
	const double seconds = std::chrono::duration<double>(spent).count();
	return speed_from_rate(seconds > 0 ? done / seconds : 0);
}

std::uint32_t node_speed(std::optional<std::uint32_t> configured)
{
	if (configured) {
		spdlog::info("speed {}, as configured ({} is a Pentium III at 1 GHz)", *configured,
			     kSpeedReference);
		return *configured;
	}
	const auto start = std::chrono::steady_clock::now();
	const std::uint32_t speed = measure_speed();
	const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
		std::chrono::steady_clock::now() - start);
	spdlog::info("speed {}, measured in {} ms ({} is a Pentium III at 1 GHz; set speed in "
		     "omd.conf to override)", speed, took.count(), kSpeedReference);
	return speed;
}

LoadMonitor::LoadMonitor(std::uint32_t speed, LoadFiles files) : files_(std::move(files))
{
	report_.speed = std::clamp<std::uint32_t>(speed, 1, OM_LOAD_MAX_SPEED);
	report_.cpus = online_cpus();
	// The first report's utilisation counts from here. Quietly: sample()
	// says what is wrong with the file.
	if (const auto times = parse_file(read_file(files_.stat), files_.stat, parse_cpu_times);
	    const auto *t = std::get_if<CpuTimes>(&times))
		cpu_times_ = *t;
}

template <typename T>
std::optional<T> LoadMonitor::take(Source source, Parsed<T> value)
{
	if (auto *v = std::get_if<T>(&value))
		return std::move(*v);
	static constexpr const char *kWhat[kSources] = {"run-queue load", "CPU utilisation",
							"memory", "uptime", "number of CPUs"};
	if (!std::exchange(warned_[source], true))
		spdlog::warn("{}; the load reports keep the last {} known (said once)",
			     std::get<ProcError>(value).message, kWhat[source]);
	return std::nullopt;
}

LoadReport LoadMonitor::sample()
{
	const Parsed<std::string> stat = read_file(files_.stat);
	if (const auto running = take(kRunQueue, parse_file(stat, files_.stat, parse_procs_running))) {
		// omd is running while it reads the file: it is no load.
		const std::uint64_t tasks = *running > 0 ? *running - 1 : 0;
		const auto sample = static_cast<std::uint32_t>(
			std::min<std::uint64_t>(tasks * 1000, std::numeric_limits<std::uint32_t>::max()));
		average_ = average_ ? decay_load(*average_, sample) : sample;
		report_.load = *average_;
	}
	if (const auto times = take(kCpuTimes, parse_file(stat, files_.stat, parse_cpu_times))) {
		if (cpu_times_)
			if (const auto util = utilisation(*cpu_times_, *times))
				report_.util = *util;
		cpu_times_ = times;
	}
	if (const auto memory = take(kMemory, parse_file(read_file(files_.meminfo), files_.meminfo,
							  parse_meminfo))) {
		report_.mem_total = memory->total;
		report_.mem_free = memory->free;
	}
	if (const auto uptime = take(kUptime, parse_file(read_file(files_.uptime), files_.uptime,
							  parse_uptime)))
		report_.uptime = *uptime;
	if (const auto cpus = take(kCpus, parse_file(read_file(files_.cpus), files_.cpus,
						      parse_cpu_list)))
		report_.cpus = std::clamp<std::uint32_t>(*cpus, 1, OM_LOAD_MAX_CPUS);
	return report_;
}

} // namespace om::omd
