#pragma once

#include <map>
#include <string>

#include "resolver.hpp"

namespace om::test {

// Host names from a table, never from the network. Unknown names fail the
// way getaddrinfo fails them.
class FakeResolver final : public Resolver {
public:
	FakeResolver() = default;
	FakeResolver(std::initializer_list<std::pair<const std::string, std::string>> hosts)
	{
		for (const auto &[name, address] : hosts)
			add(name, address);
	}

	void add(const std::string &name, const std::string &address)
	{
		hosts_.insert_or_assign(name, Address::parse(address).value());
	}

	Result resolve(const std::string &host) override
	{
		++lookups;
		if (const auto it = hosts_.find(host); it != hosts_.end())
			return {it->second, {}};
		return {std::nullopt, "Name or service not known"};
	}

	int lookups = 0;

private:
	std::map<std::string, Address> hosts_;
};

} // namespace om::test
