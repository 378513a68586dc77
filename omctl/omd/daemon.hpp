#pragma once

#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "cluster_key.hpp"
#include "connection.hpp"
#include "discovery.hpp"
#include "genl_events.hpp"
#include "load.hpp"
#include "omd_config.hpp"
#include "policy.hpp"
#include "resolver.hpp"
#include "session.hpp"
#include "unique_fd.hpp"

struct pollfd;

namespace om::omd {

// omd's peer links: installs the map, dials the nodes with higher ids,
// accepts the lower ones, runs the handshake and hands every authenticated
// socket to omcore, which owns the link from then on. Redials after a
// link-down, with backoff, and starts over when omcore is reloaded. Every
// interval it reports this node's load to omcore, which shares it.
class Daemon {
public:
	// How long a connection may take from connect() to the last AUTH.
	static constexpr std::chrono::seconds kHandshakeTimeout{5};
	// How often omd checks on omcore, or looks for it while it is away.
	static constexpr std::chrono::seconds kKernelCheck{1};

	// SIGNAL_FD reports the signals that stop omd (watch_stop_signals).
	// CONNECTOR reaches omcore (tests pass a fake one).
	Daemon(OmdConfig config, ClusterKey key, Resolver &resolver, int signal_fd,
	       KernelConnector connector = netlink_connector());

	// Runs until a stop signal: 0 then. Throws what keeps omd from
	// starting: MapError, MapFileError, KernelError, SelfUnknown,
	// std::system_error.
	int run();

private:
	// A node this one dials.
	struct Outgoing {
		Address addr;
		Backoff backoff;
		std::optional<Clock::time_point> retry_at;	// nothing: dialling or linked
		bool linked = false;
	};

	void step();
	std::vector<pollfd> poll_set() const;
	int poll_timeout() const;
	void on_signal();
	void on_accept();
	void on_events();
	void on_link_down(const LinkDown &down);
	void on_map_changed(const MapChanged &changed);
	void on_timers();
	void settle_connections();
	void hand_over(Connection &c);
	void report_failure(const Connection &c);
	void dial(NodeId id, Outgoing &peer);
	void retry_later(NodeId id);
	void adopt(Session session);
	void plan_peers();
	void check_kernel();
	void reopen_kernel();
	void kernel_lost(const std::string &why);
	void report_load();
	MapFile read_map();
	MapFile discovered_map() const;
	void on_discovery();

	OmdConfig config_;
	ClusterKey key_;
	Resolver &resolver_;
	int signal_fd_;
	KernelConnector connector_;
	std::optional<MapFile> last_map_;	// the last good map file
	std::optional<DiscoveryAgent> discovery_;	// with --discover: the map's source
	std::optional<Session> session_;	// nothing while omcore is away
	UniqueFd listener_;
	std::map<NodeId, Outgoing> outgoing_;
	std::vector<std::unique_ptr<Connection>> connections_;
	Clock::time_point next_check_;
	LoadMonitor load_;
	Clock::time_point next_load_;	// the next sample, and report while omcore is there
	bool load_refused_ = false;	// the last report was refused: said once
	bool stop_ = false;
};

} // namespace om::omd
