#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace om {

// The lexical layer of a map file: whitespace-separated fields, '#'
// comments to the end of the line. Fields view the text they came from.
struct Field {
	std::string_view text;
	std::size_t column = 0;	// 1-based, in bytes
};

struct Line {
	std::size_t number = 0;		// 1-based
	std::vector<Field> fields;	// never empty
	std::size_t end_column = 0;	// just past the last field
};

// The lines of TEXT that have fields, in order.
std::vector<Line> split_lines(std::string_view text);

// TEXT in single quotes for a message: bytes that are not printable ASCII
// become \xNN and a long text is cut, so no input can garble a terminal.
std::string quote(std::string_view text);

} // namespace om
