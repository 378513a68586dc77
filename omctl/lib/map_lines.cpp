#include "map_lines.hpp"

#include <fmt/format.h>

namespace om {

namespace {

// '\r' counts as space so that files written on Windows parse the same.
bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

Line split_fields(std::string_view text, std::size_t number)
{
	Line line;
	line.number = number;
	text = text.substr(0, text.find('#'));
	std::size_t i = 0;
	while (i < text.size()) {
		if (is_space(text[i])) {
			++i;
			continue;
		}
		const std::size_t start = i;
		while (i < text.size() && !is_space(text[i]))
			++i;
		line.fields.push_back({text.substr(start, i - start), start + 1});
		line.end_column = i + 1;
	}
	return line;
}

} // namespace

std::vector<Line> split_lines(std::string_view text)
{
	std::vector<Line> lines;
	std::size_t number = 0;
	while (!text.empty()) {
		const std::size_t eol = text.find('\n');
		Line line = split_fields(text.substr(0, eol), ++number);
		if (!line.fields.empty())
			lines.push_back(std::move(line));
		if (eol == std::string_view::npos)
			break;
		text.remove_prefix(eol + 1);
	}
	return lines;
}

std::string quote(std::string_view text)
{
	constexpr std::size_t kShown = 40;
	std::string out = "'";
	for (const char c : text.substr(0, kShown)) {
		if (c >= 0x20 && c < 0x7f)
			out += c;
		else
			out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
	}
	if (text.size() > kShown)
		out += "...";
	return out + "'";
}

} // namespace om
