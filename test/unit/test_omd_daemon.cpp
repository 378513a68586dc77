// omd's Daemon against a fake omcore: it installs the map, reports the load
// every interval, starts over when omcore goes away, and stops on SIGTERM.
// A one-node map: nothing is dialled, no packet leaves the machine.
#include <catch2/catch_test_macros.hpp>
#include <csignal>
#include <sys/signalfd.h>
#include <thread>
#include <unistd.h>

#include "daemon.hpp"
#include "fake_kernel.hpp"
#include "fake_resolver.hpp"
#include "temp_dir.hpp"
#include "test_util.hpp"
#include "unique_fd.hpp"

using namespace om;
using namespace om::omd;
using namespace std::chrono_literals;
using om::test::FakeKernel;

namespace {

// A Kernel that forwards to a FakeKernel the test keeps, so that what the
// daemon did can be read after it is done with the session.
class KernelProxy final : public Kernel {
public:
	explicit KernelProxy(FakeKernel &fake) : fake_(fake) {}
	Status status() override { return fake_.status(); }
	std::uint64_t set_map(const Map &map) override { return fake_.set_map(map); }
	MapSnapshot get_map() override { return fake_.get_map(); }
	void set_self(std::optional<NodeId> id) override { fake_.set_self(id); }
	void link_add(NodeId peer, int fd) override { fake_.link_add(peer, fd); }
	void set_load(const LoadReport &load, std::chrono::milliseconds interval) override
	{
		fake_.set_load(load, interval);
	}
	void set_policy(const PolicyChange &change) override { fake_.set_policy(change); }
	ClusterView get_nodes() override { return fake_.get_nodes(); }

private:
	FakeKernel &fake_;
};

// No events ever: the read end of a pipe nobody writes.
class QuietEvents final : public EventSource {
public:
	QuietEvents()
	{
		int fds[2];
		REQUIRE(pipe(fds) == 0);
		read_ = UniqueFd(fds[0]);
		write_ = UniqueFd(fds[1]);
	}
	int fd() const noexcept override { return read_.get(); }
	std::vector<Event> read() override { return {}; }

private:
	UniqueFd read_, write_;
};

// The kernels the daemon gets, one per session, in order; the last one
// again if it asks for more.
KernelConnector connector(std::vector<FakeKernel *> kernels, int &sessions)
{
	return {[kernels, &sessions]() -> std::unique_ptr<Kernel> {
			const std::size_t i = std::min<std::size_t>(sessions++, kernels.size() - 1);
			return std::make_unique<KernelProxy>(*kernels[i]);
		},
		[] { return std::make_unique<QuietEvents>(); }};
}

OmdConfig config(const test::TempDir &dir)
{
	OmdConfig c;
	c.map = dir.write("openmosix.map", "1 10.255.0.1 1\n");
	c.listen = Address::parse("127.0.0.1").value();
	c.port = 0;			// any free port
	c.node_id = 1;
	c.interval = 100ms;
	c.speed = 10000;		// no benchmark
	return c;
}

ClusterKey key()
{
	std::array<std::uint8_t, ClusterKey::kSize> bytes{};
	bytes.fill(7);
	return ClusterKey::from_bytes(bytes);
}

// Runs the daemon until AFTER has passed, then sends it what SIGTERM sends;
// ELAPSED is how long it really ran.
int run_for(Daemon &daemon, int signal_write, std::chrono::milliseconds after,
	    std::chrono::milliseconds *elapsed = nullptr)
{
	const auto start = std::chrono::steady_clock::now();
	std::thread stopper([=] {
		std::this_thread::sleep_for(after);
		signalfd_siginfo info{};
		info.ssi_signo = SIGTERM;
		REQUIRE(write(signal_write, &info, sizeof(info)) == sizeof(info));
	});
	const int rc = daemon.run();
	stopper.join();
	if (elapsed)
		*elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
			std::chrono::steady_clock::now() - start);
	return rc;
}

} // namespace

TEST_CASE("omd installs the map and reports the load every interval", "[omd][daemon]")
{
	test::TempDir dir;
	test::FakeResolver resolver;
	FakeKernel kernel;
	int sessions = 0, signals[2];
	REQUIRE(pipe(signals) == 0);
	UniqueFd signal_read(signals[0]), signal_write(signals[1]);

	Daemon daemon(config(dir), key(), resolver, signal_read.get(), connector({&kernel}, sessions));
	std::chrono::milliseconds ran;
	CHECK(run_for(daemon, signal_write.get(), 550ms, &ran) == 0);

	CHECK(sessions == 1);
	CHECK(kernel.set_map_calls == 1);
	CHECK(kernel.get_map().map.nodes().size() == 1);
	CHECK(kernel.status().node_id == NodeId{1});
	// At start, then every 100 ms: one more than the intervals it ran, give
	// or take one a late wake-up costs; never one a poll tick.
	CHECK(kernel.set_load_calls >= 3);
	CHECK(kernel.set_load_calls <= ran / 100ms + 2);
	CHECK(kernel.load_interval == 100ms);
	REQUIRE(kernel.load);
	CHECK(kernel.load->speed == 10000);
	CHECK(kernel.load->cpus >= 1);
	CHECK(kernel.load->mem_free <= kernel.load->mem_total);
	CHECK(kernel.links_added.empty());
}

TEST_CASE("omd starts over when omcore goes away and comes back", "[omd][daemon]")
{
	test::TempDir dir;
	test::FakeResolver resolver;
	FakeKernel first, second;
	first.gone_after_loads = 2;	// then omcore is unloaded
	int sessions = 0, signals[2];
	REQUIRE(pipe(signals) == 0);
	UniqueFd signal_read(signals[0]), signal_write(signals[1]);

	Daemon daemon(config(dir), key(), resolver, signal_read.get(),
		      connector({&first, &second}, sessions));
	// omd looks for omcore again a second (Daemon::kKernelCheck) after it left.
	CHECK(run_for(daemon, signal_write.get(), Daemon::kKernelCheck + 700ms) == 0);

	CHECK(sessions == 2);
	CHECK(first.set_load_calls == 2);
	// The new omcore got the map again, this node's id, and the reports.
	CHECK(second.set_map_calls == 1);
	CHECK(second.get_map().map.nodes().size() == 1);
	CHECK(second.status().node_id == NodeId{1});
	CHECK(second.set_load_calls >= 1);
}
