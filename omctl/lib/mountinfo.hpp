#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace om {

// The mount point of the mfs file system that TEXT, the content of
// /proc/self/mountinfo (proc(5)), lists first; nothing if it lists none.
// A mount of the file system's root (/mfs itself, not a bind mount of a
// directory below it) comes before the others. The kernel writes blanks,
// tabs, newlines and backslashes in paths as octal escapes (\040); they
// come back decoded. Lines that are not mountinfo lines are passed over.
std::optional<std::string> find_mfs_mount(std::string_view text);

} // namespace om
