#pragma once

#include <optional>
#include <string>

#include "address.hpp"

namespace om {

// What a host name of the map stands for. The parser takes this interface
// so tests and the fuzzer can name hosts without touching the network.
class Resolver {
public:
	struct Result {
		std::optional<Address> address;
		std::string error;	// why there is no address, e.g. gai_strerror()
	};

	virtual ~Resolver() = default;
	virtual Result resolve(const std::string &host) = 0;
};

} // namespace om
