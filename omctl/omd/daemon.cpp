#include "daemon.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <system_error>
#include <utility>

#include "map_file.hpp"
#include "net.hpp"
#include "signals.hpp"

namespace om::omd {

namespace {

// poll_set()'s fixed slots; the connections follow in their order.
enum Slot { kSignal, kListener, kEvents, kDiscovery, kFirstConnection };

} // namespace

Daemon::Daemon(OmdConfig config, ClusterKey key, Resolver &resolver, int signal_fd,
	       KernelConnector connector)
	: config_(std::move(config)), key_(std::move(key)), resolver_(resolver), signal_fd_(signal_fd),
	  connector_(std::move(connector)), load_(node_speed(config_.speed))
{
}

int Daemon::run()
{
	// At start every problem is fatal: the user is there to fix it. The
	// map comes first, so that its errors show with or without omcore.
	if (config_.discover)
		discovery_.emplace(config_, key_);
	else
		read_map();
	adopt(open_session(connector_, [this] { return discovery_ ? discovered_map() : *last_map_; },
			   config_.node_id));
	if (discovery_ && session_->self != discovery_->self().id)
		spdlog::warn("omcore takes this node for node {}, but discovery announces node {}",
			     session_->self, discovery_->self().id);
	listener_ = listen_on(config_.listen, config_.port);
	spdlog::info("node {} listening on {}; dialling {} of the {} nodes of {}", session_->self,
		     endpoint(config_.listen, config_.port), outgoing_.size(),
		     session_->map->nodes().size(),
		     discovery_ ? "the discovered map" : last_map_->path);
	while (!stop_)
		step();
	spdlog::info("stopped; the kernel keeps the links it has");
	return 0;
}

void Daemon::step()
{
	std::vector<pollfd> fds = poll_set();
	if (poll(fds.data(), fds.size(), poll_timeout()) < 0) {
		if (errno == EINTR)
			return;
		throw std::system_error(errno, std::generic_category(), "poll");
	}
	if (fds[kSignal].revents)
		on_signal();
	// Nothing below adds or removes connections before this loop is over.
	for (std::size_t i = 0; i < connections_.size(); ++i)
		if (const short revents = fds[kFirstConnection + i].revents)
			connections_[i]->on_ready(revents);
	settle_connections();
	if (session_ && fds[kEvents].revents)
		on_events();
	if (fds[kListener].revents)
		on_accept();
	if (fds[kDiscovery].revents)
		on_discovery();
	on_timers();
}

std::vector<pollfd> Daemon::poll_set() const
{
	std::vector<pollfd> fds(kFirstConnection);
	fds[kSignal] = {signal_fd_, POLLIN, 0};
	fds[kListener] = {listener_.get(), POLLIN, 0};
	// A negative fd is ignored by poll(): no events while omcore is away.
	fds[kEvents] = {session_ ? session_->events->fd() : -1, POLLIN, 0};
	fds[kDiscovery] = {discovery_ ? discovery_->fd() : -1, POLLIN, 0};
	for (const auto &c : connections_)
		fds.push_back({c->fd(), c->poll_events(), 0});
	return fds;
}

int Daemon::poll_timeout() const
{
	Clock::time_point until = std::min(next_check_, next_load_);
	for (const auto &[id, peer] : outgoing_)
		if (peer.retry_at)
			until = std::min(until, *peer.retry_at);
	for (const auto &c : connections_)
		until = std::min(until, c->deadline());
	if (discovery_)
		until = std::min(until, discovery_->due());
	const auto ms = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now()).count();
	return static_cast<int>(std::clamp<decltype(ms)>(ms, 0, 1000));
}

void Daemon::on_signal()
{
	if (const int sig = read_signal(signal_fd_)) {
		spdlog::info("{}: stopping", sigabbrev_np(sig) ? sigabbrev_np(sig) : "signal");
		stop_ = true;
	}
}

void Daemon::on_accept()
{
	while (auto a = accept_from(listener_.get())) {
		const std::string from = endpoint(a->from, a->port);
		if (!session_) {
			spdlog::debug("closed the connection from {}: omcore is away", from);
			continue;
		}
		const std::optional<NodeId> node = node_at(*session_->map, a->from);
		if (!node) {
			spdlog::warn("refused a connection from {}: the map gives that address to "
				     "no node", from);
			continue;
		}
		if (!accepts_from(session_->self, *node)) {
			spdlog::warn("refused a connection from node {} at {}: node {} dials the "
				     "nodes with higher ids, not the other way round", *node, from,
				     session_->self);
			continue;
		}
		Handshake hs = Handshake::responder(key_, session_->self,
						    map_peer_check(session_->map, a->from));
		connections_.push_back(std::make_unique<Connection>(
			std::move(a->fd), std::move(hs), false, std::nullopt,
			fmt::format("node {} at {}", *node, from), Clock::now() + kHandshakeTimeout));
	}
}

void Daemon::on_events()
{
	std::vector<Event> events;
	try {
		events = session_->events->read();
	} catch (const KernelError &e) {
		return kernel_lost(e.what());
	}
	for (const Event &event : events) {
		if (!session_)
			return;
		if (const auto *down = std::get_if<LinkDown>(&event))
			on_link_down(*down);
		else
			on_map_changed(std::get<MapChanged>(event));
	}
}

void Daemon::on_link_down(const LinkDown &down)
{
	spdlog::info("the link to node {} went down: {}", down.node, std::strerror(down.reason));
	if (down.reason == ESHUTDOWN)
		return kernel_lost("omcore is being unloaded");
	const auto it = outgoing_.find(down.node);
	// EEXIST: a newer link replaced it. A node with a lower id dials us.
	if (down.reason == EEXIST || it == outgoing_.end() || !it->second.linked)
		return;
	retry_later(down.node);
}

// Someone else (omctl map load) replaced the map: follow the kernel's, so
// that omd dials and accepts the nodes the kernel will take links to. An
// older generation is one omd installed before its latest.
void Daemon::on_map_changed(const MapChanged &changed)
{
	if (changed.generation <= session_->generation)
		return;
	try {
		MapSnapshot snapshot = session_->kernel->get_map();
		const Status status = session_->kernel->status();
		spdlog::info("the kernel's map was replaced (generation {}, {} nodes); following it",
			     snapshot.generation, snapshot.map.nodes().size());
		session_->map = std::make_shared<const Map>(std::move(snapshot.map));
		session_->generation = snapshot.generation;
		if (status.node_id)
			session_->self = *status.node_id;
		plan_peers();
	} catch (const KernelError &e) {
		if (kernel_gone(e))
			return kernel_lost(e.what());
		spdlog::warn("cannot read the kernel's new map: {}", e.what());
	}
}

void Daemon::on_timers()
{
	const auto now = Clock::now();
	if (now >= next_check_) {
		next_check_ = now + kKernelCheck;
		if (session_)
			check_kernel();
		else
			reopen_kernel();
	}
	if (now >= next_load_) {
		next_load_ = now + config_.interval;
		report_load();
	}
	if (discovery_)
		discovery_->on_timer(now);
	if (!session_)
		return;
	for (auto &[id, peer] : outgoing_)
		if (peer.retry_at && now >= *peer.retry_at)
			dial(id, peer);
}

void Daemon::settle_connections()
{
	const auto now = Clock::now();
	for (const auto &c : connections_) {
		const bool open = c->phase() == Connection::Phase::Connecting ||
				  c->phase() == Connection::Phase::Handshaking;
		if (open && now >= c->deadline())
			c->fail(fmt::format("no handshake within {} s", kHandshakeTimeout.count()));
	}
	const auto over = std::stable_partition(connections_.begin(), connections_.end(), [](const auto &c) {
		return c->phase() != Connection::Phase::Done && c->phase() != Connection::Phase::Failed;
	});
	std::vector<std::unique_ptr<Connection>> finished(std::make_move_iterator(over),
							   std::make_move_iterator(connections_.end()));
	connections_.erase(over, connections_.end());
	// Each one's fd is closed as FINISHED goes: the kernel holds its own.
	for (const auto &c : finished) {
		if (c->phase() == Connection::Phase::Done)
			hand_over(*c);
		else
			report_failure(*c);
	}
}

void Daemon::hand_over(Connection &c)
{
	if (!session_)
		return;
	make_blocking(c.fd());
	try {
		session_->kernel->link_add(c.peer(), c.fd());
	} catch (const KernelError &e) {
		if (kernel_gone(e))
			return kernel_lost(e.what());
		spdlog::warn("{}: {}", c.name(), e.what());
		if (c.dialled())
			retry_later(*c.dialled());
		return;
	}
	spdlog::info("linked to {}", c.name());
	const auto it = c.dialled() ? outgoing_.find(*c.dialled()) : outgoing_.end();
	if (it != outgoing_.end()) {
		it->second.backoff.reset();
		it->second.linked = true;
	}
}

void Daemon::report_failure(const Connection &c)
{
	if (c.failure().starts_with("cannot connect"))
		spdlog::info("{}: {}", c.name(), c.failure());	// omd is not up there yet
	else
		spdlog::warn("handshake with {} failed: {}", c.name(), c.failure());
	if (c.dialled())
		retry_later(*c.dialled());
}

void Daemon::dial(NodeId id, Outgoing &peer)
{
	peer.retry_at.reset();
	peer.linked = false;
	const std::string name = fmt::format("node {} at {}", id, endpoint(peer.addr, config_.port));
	const Node *self = session_->map->find(session_->self);
	const std::optional<Address> from =
		self ? std::optional(self->addresses.front()) : std::nullopt;
	try {
		UniqueFd fd = start_connect(peer.addr, config_.port, from);
		spdlog::debug("dialling {}", name);
		connections_.push_back(std::make_unique<Connection>(
			std::move(fd), Handshake::initiator(key_, session_->self, id), true, id, name,
			Clock::now() + kHandshakeTimeout));
	} catch (const std::system_error &e) {
		spdlog::info("{}: {}", name, e.what());
		retry_later(id);
	}
}

void Daemon::retry_later(NodeId id)
{
	const auto it = outgoing_.find(id);
	if (it == outgoing_.end())
		return;
	const auto delay = it->second.backoff.next();
	it->second.retry_at = Clock::now() + delay;
	it->second.linked = false;
	spdlog::debug("dialling node {} again in {} ms", id, delay.count());
}

void Daemon::adopt(Session session)
{
	session_ = std::move(session);
	outgoing_.clear();
	plan_peers();
	next_check_ = Clock::now() + kKernelCheck;
}

// The nodes to dial under the current map: those already known keep their
// state, new ones are dialled now.
void Daemon::plan_peers()
{
	std::map<NodeId, Outgoing> next;
	for (const NodeId id : peers_to_connect(*session_->map, session_->self)) {
		const Address addr = session_->map->find(id)->addresses.front();
		const auto it = outgoing_.find(id);
		if (it != outgoing_.end() && it->second.addr == addr)
			next.emplace(id, std::move(it->second));
		else
			next.emplace(id, Outgoing{addr, {}, Clock::now(), false});
	}
	outgoing_ = std::move(next);
}

// A status request tells whether the family is still the one omd set up:
// a reloaded omcore has another family id and starts at generation 0.
void Daemon::check_kernel()
{
	try {
		const Status status = session_->kernel->status();
		if (status.map_generation < session_->generation)
			kernel_lost("omcore was reloaded");
	} catch (const KernelError &e) {
		if (kernel_gone(e))
			kernel_lost(e.what());
		else
			spdlog::warn("reading omcore's status: {}", e.what());
	}
}

void Daemon::reopen_kernel()
{
	try {
		adopt(open_session(connector_, [this] { return discovery_ ? discovered_map() : read_map(); },
				   config_.node_id));
	} catch (const KernelError &e) {
		spdlog::debug("omcore is still away: {}", e.what());
		return;
	} catch (const SelfUnknown &e) {
		spdlog::warn("{}", e.what());
		return;
	}
	spdlog::info("omcore is back: installed the map (generation {}) as node {}",
		     session_->generation, session_->self);
}

void Daemon::kernel_lost(const std::string &why)
{
	if (!session_)
		return;
	spdlog::warn("lost omcore ({}); dropping {} connection(s), looking for it every {} s",
		     why, connections_.size(), kKernelCheck.count());
	connections_.clear();
	outgoing_.clear();
	session_.reset();
	next_check_ = Clock::now() + kKernelCheck;
}

// The load is sampled every interval, omcore or not, so that the average
// is current when it comes back; it is reported while omcore is there.
void Daemon::report_load()
{
	const LoadReport report = load_.sample();
	if (!session_)
		return;
	try {
		session_->kernel->set_load(report, config_.interval);
		load_refused_ = false;
	} catch (const KernelError &e) {
		if (kernel_gone(e))
			return kernel_lost(e.what());
		// Every interval would flood the log: once until a report goes through.
		if (!std::exchange(load_refused_, true))
			spdlog::warn("omcore refused this node's load report: {}", e.what());
	}
}

// The map file again (it may have been edited), or the last good one when
// it now has errors: omd keeps running on what worked.
MapFile Daemon::read_map()
{
	if (!last_map_)
		return *(last_map_ = load_map(config_, resolver_));
	try {
		last_map_ = load_map(config_, resolver_);
	} catch (const std::runtime_error &e) {
		spdlog::warn("{}; using the map read before", e.what());
	}
	return *last_map_;
}

MapFile Daemon::discovered_map() const
{
	return {discovery_->map(), "the discovered map"};
}

// Discovery's map replaces the kernel's whenever it changes; while omcore
// is away, open_session installs it when omcore is back.
void Daemon::on_discovery()
{
	if (!discovery_->on_readable() || !session_)
		return;
	Map map = discovery_->map();
	try {
		session_->generation = session_->kernel->set_map(map);
	} catch (const KernelError &e) {
		if (kernel_gone(e))
			return kernel_lost(e.what());
		spdlog::warn("omcore refused the discovered map: {}", e.what());
		return;
	}
	spdlog::info("installed the discovered map (generation {}, {} nodes)", session_->generation,
		     map.nodes().size());
	session_->map = std::make_shared<const Map>(std::move(map));
	plan_peers();
}

} // namespace om::omd
