#include "signals.hpp"

#include <cerrno>
#include <csignal>
#include <sys/signalfd.h>
#include <system_error>
#include <unistd.h>

namespace om::omd {

UniqueFd watch_stop_signals()
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, nullptr) < 0)
		throw std::system_error(errno, std::generic_category(), "sigprocmask");
	UniqueFd fd(signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
	if (!fd)
		throw std::system_error(errno, std::generic_category(), "signalfd");
	return fd;
}

int read_signal(int fd)
{
	signalfd_siginfo info{};
	if (read(fd, &info, sizeof(info)) != static_cast<ssize_t>(sizeof(info)))
		return 0;
	return static_cast<int>(info.ssi_signo);
}

} // namespace om::omd
