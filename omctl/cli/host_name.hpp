#pragma once

#include <optional>
#include <string>

#include "address.hpp"

namespace om::cli {

// ADDRESS's host name by reverse lookup (getnameinfo(3): /etc/hosts, DNS,
// whatever nsswitch.conf says), or nothing if it has none.
std::optional<std::string> lookup_host_name(const Address &address);

} // namespace om::cli
