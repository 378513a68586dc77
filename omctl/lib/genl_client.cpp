#include "genl_client.hpp"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>

namespace om {

std::string_view to_string(SelfSource source) noexcept
{
	switch (source) {
	case SelfSource::None:
		return "none";
	case SelfSource::FromAddress:
		return "address";
	case SelfSource::Explicit:
		return "explicit";
	case SelfSource::Ambiguous:
		return "ambiguous";
	}
	return "unknown";
}

KernelError::KernelError(int error, std::string extack, const std::string &sentence)
	: std::runtime_error(sentence), error_(error), extack_(std::move(extack))
{
}

KernelError KernelError::refused(std::string_view action, int error, std::string extack,
				 std::string_view where)
{
	// Every state change is GENL_ADMIN_PERM, so EPERM only ever means this.
	if (error == EPERM)
		return {error, std::move(extack),
			fmt::format("permission denied: {} needs CAP_NET_ADMIN (run as root)", action)};
	std::string reason = extack.empty() ? std::strerror(error) : extack;
	if (!where.empty())
		reason += fmt::format(" (at {})", where);
	return {error, std::move(extack), fmt::format("{} failed: {}", action, reason)};
}

} // namespace om
