#pragma once

#include "unique_fd.hpp"

namespace om::omd {

// Blocks SIGTERM and SIGINT and returns a signalfd that reports them, so
// that a signal becomes one more fd in the poll loop instead of a handler
// racing with it. Throws std::system_error.
UniqueFd watch_stop_signals();

// The signal waiting on FD (from watch_stop_signals), or 0.
int read_signal(int fd);

} // namespace om::omd
