#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace om {

// One thing wrong in a map file, where the user has to fix it.
struct ParseError {
	std::string file;
	std::size_t line = 0;	// 1-based
	std::size_t column = 0;	// 1-based, in bytes
	std::string message;

	std::string to_string() const;	// FILE:LINE:COL: message
	bool operator==(const ParseError &) const = default;
};

// After this many errors the parser stops and says so in one more error.
inline constexpr std::size_t kMaxParseErrors = 20;

// Collects the errors of one file. Checks run phase by phase over the whole
// file, so errors arrive out of line order; take() hands them back sorted.
class ErrorList {
public:
	explicit ErrorList(std::string_view file) : file_(file) {}

	void add(std::size_t line, std::size_t column, std::string message);
	// "FILE:LINE", to point from one error at another line.
	std::string where(std::size_t line) const;

	bool empty() const noexcept { return errors_.empty(); }
	// Enough collected that going on would only produce more to cut.
	bool full() const noexcept { return errors_.size() > kMaxParseErrors; }
	// At most kMaxParseErrors in line order, then a note if more were found.
	std::vector<ParseError> take();

private:
	std::string file_;
	std::vector<ParseError> errors_;
};

} // namespace om
