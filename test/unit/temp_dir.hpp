#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace om::test {

// A fresh directory, removed with everything in it when the test is done.
class TempDir {
public:
	TempDir()
	{
		std::string pattern = (std::filesystem::temp_directory_path() / "omctl-test-XXXXXX");
		if (!mkdtemp(pattern.data()))
			throw std::runtime_error("mkdtemp failed");
		path_ = pattern;
	}
	~TempDir()
	{
		std::error_code ignored;
		std::filesystem::remove_all(path_, ignored);
	}
	TempDir(const TempDir &) = delete;
	TempDir &operator=(const TempDir &) = delete;

	// Writes TEXT to NAME in the directory; returns its path.
	std::string write(const std::string &name, const std::string &text) const
	{
		const auto path = path_ / name;
		std::ofstream(path, std::ios::binary) << text;
		return path;
	}
	std::string path(const std::string &name) const { return path_ / name; }

private:
	std::filesystem::path path_;
};

} // namespace om::test
