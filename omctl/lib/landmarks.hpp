#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace om {

// Where the parts of an encoded request start, so that the offset of an
// extended ack (NLMSGERR_ATTR_OFFS) can be told in the user's terms:
// "node 4 address 10.0.0.9" rather than "attribute at byte 1234".
class Landmarks {
public:
	// Marks must come in increasing OFFSET order, as encoding goes.
	void add(std::uint32_t offset, std::string what);
	// The last mark at or before OFFSET: the innermost part containing it
	// when marks are put at the start of nested parts. Empty if none.
	std::string_view find(std::uint32_t offset) const noexcept;

private:
	struct Mark {
		std::uint32_t offset;
		std::string what;
	};
	std::vector<Mark> marks_;
};

} // namespace om
