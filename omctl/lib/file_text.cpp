#include "file_text.hpp"

#include <cerrno>
#include <cstdio>
#include <memory>

namespace om {

FileText read_file_text(const std::string &path, std::size_t max)
{
	struct Closer {
		void operator()(std::FILE *f) const noexcept { std::fclose(f); }
	};
	FileText result;
	const std::unique_ptr<std::FILE, Closer> f(std::fopen(path.c_str(), "rb"));
	if (!f) {
		result.error = errno;
		return result;
	}
	char buf[16 * 1024];
	std::size_t n;
	while ((n = std::fread(buf, 1, sizeof(buf), f.get())) > 0) {
		result.text.append(buf, n);
		if (result.text.size() > max) {
			result.too_large = true;
			return result;
		}
	}
	if (std::ferror(f.get()))
		result.error = errno;
	return result;
}

} // namespace om
