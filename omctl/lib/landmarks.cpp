#include "landmarks.hpp"

#include <algorithm>

namespace om {

void Landmarks::add(std::uint32_t offset, std::string what)
{
	marks_.push_back({offset, std::move(what)});
}

std::string_view Landmarks::find(std::uint32_t offset) const noexcept
{
	const auto after = std::upper_bound(marks_.begin(), marks_.end(), offset,
					    [](std::uint32_t o, const Mark &m) { return o < m.offset; });
	return after == marks_.begin() ? std::string_view{} : std::prev(after)->what;
}

} // namespace om
