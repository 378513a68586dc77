#include <fmt/format.h>
#include <ostream>

#include "cluster_key.hpp"
#include "commands.hpp"

namespace om::cli {

int cmd_keygen(const Invocation &inv, Context &ctx)
{
	Leaf leaf{"omctl keygen [--force] [FILE]",
		  "Write a new random cluster key, 64 hex digits, to FILE (by default\n" +
			  default_cluster_key_path() +
			  "), readable by its owner only: mode 0600. A missing\n"
			  "directory above it is created. Peers prove to each other that they hold\n"
			  "the same key before they link up, so generate the key once and copy the\n"
			  "file to every node. An existing FILE is kept unless --force is given,\n"
			  "which replaces it atomically. The key itself is never printed."};
	leaf.options.add_options()("force", "replace FILE if it exists");
	leaf.argument("file", "key file");
	const auto vm = parse_leaf(inv, leaf, ctx);
	if (!vm)
		return kSuccess;
	const std::string path =
		vm->count("file") ? (*vm)["file"].as<std::string>() : default_cluster_key_path();
	ClusterKey::generate().save(path, vm->count("force") > 0);
	ctx.out << fmt::format("wrote a new cluster key to {}; copy it to every node, keeping "
			       "mode 0600\n", path);
	return kSuccess;
}

} // namespace om::cli
