#pragma once

#include <cstddef>
#include <string>

namespace om {

// A whole file read into memory, or why not.
struct FileText {
	std::string text;
	int error = 0;		// errno from opening or reading it; 0 if none
	bool too_large = false;	// it had more bytes than allowed: text is partial
};

// The content of the file PATH, read whole if it has at most MAX bytes;
// reading stops at the first byte past MAX. For the files omctl and omd
// read whole (the map, omd.conf, /proc's): a file beyond its MAX is the
// wrong file.
FileText read_file_text(const std::string &path, std::size_t max);

} // namespace om
