#pragma once

#include "options.hpp"

namespace om::cli {

// The top-level commands, one file each; each dispatches its own table.
int cmd_map(const Invocation &inv, Context &ctx);
int cmd_status(const Invocation &inv, Context &ctx);
int cmd_set(const Invocation &inv, Context &ctx);
int cmd_keygen(const Invocation &inv, Context &ctx);
int cmd_nodes(const Invocation &inv, Context &ctx);
int cmd_whois(const Invocation &inv, Context &ctx);
int cmd_isup(const Invocation &inv, Context &ctx);
int cmd_select(const Invocation &inv, Context &ctx);

} // namespace om::cli
