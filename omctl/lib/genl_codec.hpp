#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "genl_client.hpp"
#include "landmarks.hpp"
#include "map.hpp"

struct nl_msg;
struct nlattr;
struct nlmsghdr;

namespace om {

// The attributes of the openmosix family, built and read exactly as the
// tree in uapi/linux/openmosix.h draws them. Readers are strict about what
// the contract requires and ignore attribute types they do not know, so a
// newer module can add some. A reply that breaks the contract throws
// KernelError with EPROTO.

// The bytes put_map() adds to a message.
std::size_t map_payload_size(const Map &map);

// Appends MAP to MSG as OM_CMD_SET_MAP carries it: OM_A_MAP_NODES, then one
// OM_A_NODE per node. MSG must have room for map_payload_size() more
// bytes. Returns where each node and address went.
Landmarks put_map(nl_msg *msg, const Map &map);

// An OM_A_NODE nest.
Node parse_node(nlattr *nest);

// The bytes put_load() and put_policy() add to a message.
std::size_t load_payload_size();
std::size_t policy_payload_size();

// Appends OM_CMD_SET_LOAD's attributes: OM_A_LOAD, OM_A_LOAD_INTERVAL_MS.
// The landmarks name each field with its value ("cpus 0").
Landmarks put_load(nl_msg *msg, const LoadReport &load, std::chrono::milliseconds interval);

// Appends OM_CMD_SET_POLICY's attributes: OM_A_POLICY and OM_A_POLICY_MASK
// if the mask is not empty, OM_A_SPEED if a speed is given.
Landmarks put_policy(nl_msg *msg, const PolicyChange &change);

// An OM_A_LOAD nest (OM_CMD_SET_LOAD, OM_INFO_A_LOAD).
LoadReport parse_load(nlattr *nest);

// An OM_A_NODE_INFO nest.
NodeInfo parse_node_info(nlattr *nest);

// The reply to OM_CMD_SET_MAP: the generation of the installed map.
std::uint64_t parse_set_map_reply(nlmsghdr *msg);

// The reply to OM_CMD_GET_STATUS.
Status parse_status(nlmsghdr *msg);

// One message of an OM_CMD_GET_MAP dump.
struct MapPart {
	std::uint64_t generation = 0;
	std::vector<Node> nodes;
};
MapPart parse_map_part(nlmsghdr *msg);

// One message of an OM_CMD_GET_NODES dump.
struct NodesPart {
	std::uint64_t generation = 0;
	std::vector<NodeInfo> nodes;
};
NodesPart parse_nodes_part(nlmsghdr *msg);

} // namespace om
