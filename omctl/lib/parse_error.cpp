#include "parse_error.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace om {

std::string ParseError::to_string() const
{
	return fmt::format("{}:{}:{}: {}", file, line, column, message);
}

void ErrorList::add(std::size_t line, std::size_t column, std::string message)
{
	errors_.push_back({file_, line, column, std::move(message)});
}

std::string ErrorList::where(std::size_t line) const
{
	return fmt::format("{}:{}", file_, line);
}

std::vector<ParseError> ErrorList::take()
{
	std::stable_sort(errors_.begin(), errors_.end(), [](const auto &a, const auto &b) {
		return a.line != b.line ? a.line < b.line : a.column < b.column;
	});
	if (errors_.size() > kMaxParseErrors) {
		errors_.resize(kMaxParseErrors + 1);
		errors_.back().message = fmt::format(
			"too many errors, stopping after {}; fix these first", kMaxParseErrors);
	}
	return std::move(errors_);
}

} // namespace om
