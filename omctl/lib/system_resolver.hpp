#pragma once

#include "resolver.hpp"

namespace om {

// getaddrinfo(3): /etc/hosts, DNS, whatever nsswitch.conf says. A node has
// one own address, so a name with several takes the first in the order
// getaddrinfo sorts them (RFC 6724, tunable in /etc/gai.conf); a map that
// cares writes the address instead.
class SystemResolver final : public Resolver {
public:
	Result resolve(const std::string &host) override;
};

} // namespace om
