#!/usr/bin/env python3
"""Raw generic netlink client for the VM tests of omcore.

omctl only sends well-formed requests; this tool sends the malformed ones a
hostile or buggy client could send, and checks that the kernel refuses each
with the expected errno and extended-ack text. It also exercises the parts
of the interface omctl has no verb for: the event multicast group and a
dump left half-read.

  omnl.py cases            run every malformed-request case
  omnl.py events CMD...    run CMD while subscribed; print the events seen
  omnl.py hold-dump N      start a map dump, read one chunk, wait for a line
                           on stdin, then read the rest; print a summary
"""
import errno
import json
import os
import socket
import struct
import subprocess
import sys

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_DUMP = 0x1, 0x2, 0x4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLA_F_NESTED = 0x8000
NLMSGERR_ATTR_MSG = 1
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_MCAST_GROUPS = 1, 2, 7
CTRL_ATTR_MCAST_GRP_NAME, CTRL_ATTR_MCAST_GRP_ID = 1, 2

# include/uapi/linux/openmosix.h
OM_CMD_GET_STATUS, OM_CMD_SET_MAP, OM_CMD_GET_MAP, OM_CMD_SET_SELF, OM_CMD_MAP_CHANGED = 1, 2, 3, 4, 5
OM_A_VERSION, OM_A_NODE_ID, OM_A_MAP_GENERATION, OM_A_MAP_NODES = 1, 2, 4, 5
OM_A_NODE = 9
OM_NODE_A_ID, OM_NODE_A_ADDRS = 1, 2
OM_ADDR_A_INET, OM_ADDR_A_INET6 = 1, 2
OM_MAP_MAX_NODES, OM_MAP_MAX_ADDRS, OM_NODE_MAX_ADDRS = 4096, 8192, 16


def attr(kind, payload):
    hdr = struct.pack("=HH", 4 + len(payload), kind)
    return hdr + payload + b"\0" * (-len(payload) % 4)


def nest(kind, *children):
    return attr(kind | NLA_F_NESTED, b"".join(children))


def u32(kind, value):
    return attr(kind, struct.pack("=I", value))


def parse_attrs(data):
    out = {}
    while len(data) >= 4:
        length, kind = struct.unpack_from("=HH", data)
        if length < 4:
            break
        out[kind & ~NLA_F_NESTED] = data[4:length]
        data = data[(length + 3) & ~3:]
    return out


def inet(a, b, c, d):
    return nest(0, attr(OM_ADDR_A_INET, bytes([a, b, c, d])))


def node(node_id, *addrs):
    return nest(OM_A_NODE, u32(OM_NODE_A_ID, node_id), nest(OM_NODE_A_ADDRS, *addrs))


def ip_of(i):
    """A distinct unicast address per index, in 10.0.0.0/8."""
    return inet(10, (i >> 16) & 255, (i >> 8) & 255, i & 255)


class NetlinkError(Exception):
    def __init__(self, err, msg):
        super().__init__(f"{errno.errorcode.get(err, err)}: {msg}")
        self.errno, self.msg = err, msg


class Genl:
    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
        self.sock.bind((0, 0))
        self.seq = 0
        self.family, self.groups = self._resolve("openmosix")

    def send(self, family, cmd, payload=b"", flags=NLM_F_REQUEST | NLM_F_ACK, reserved=0):
        self.seq += 1
        body = struct.pack("=BBH", cmd, 1, reserved) + payload
        self.sock.send(struct.pack("=IHHII", 16 + len(body), family, flags, self.seq, 0) + body)
        return self.seq

    def recv_chunk(self):
        """One datagram's messages as (type, flags, genl payload attrs) tuples."""
        data, msgs = self.sock.recv(1 << 20), []
        while len(data) >= 16:
            length, kind, flags, _, _ = struct.unpack_from("=IHHII", data)
            msgs.append((kind, flags, data[16:length]))
            data = data[(length + 3) & ~3:]
        return msgs

    def collect(self):
        """Replies up to the ack or DONE; raises NetlinkError on a refusal."""
        replies = []
        while True:
            for kind, _, body in self.recv_chunk():
                if kind == NLMSG_ERROR:
                    err = -struct.unpack_from("=i", body)[0]
                    if err:
                        tlv = parse_attrs(body[4 + 16:])
                        msg = tlv.get(NLMSGERR_ATTR_MSG, b"").rstrip(b"\0").decode()
                        raise NetlinkError(err, msg)
                    return replies
                if kind == NLMSG_DONE:
                    return replies
                replies.append(parse_attrs(body[4:]))

    def request(self, cmd, payload=b"", dump=False, **kw):
        flags = NLM_F_REQUEST | (NLM_F_DUMP if dump else NLM_F_ACK)
        self.send(self.family, cmd, payload, flags, **kw)
        return self.collect()

    def _resolve(self, name):
        self.send(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, attr(CTRL_ATTR_FAMILY_NAME, name.encode() + b"\0"))
        reply = self.collect()[0]
        family = struct.unpack("=H", reply[CTRL_ATTR_FAMILY_ID][:2])[0]
        groups = {}
        for grp in parse_attrs(reply.get(CTRL_ATTR_MCAST_GROUPS, b"")).values():
            g = parse_attrs(grp)
            groups[g[CTRL_ATTR_MCAST_GRP_NAME].rstrip(b"\0").decode()] = \
                struct.unpack("=I", g[CTRL_ATTR_MCAST_GRP_ID])[0]
        return family, groups


def set_map(*nodes, count=None):
    count = len(nodes) if count is None else count
    return (OM_CMD_SET_MAP, u32(OM_A_MAP_NODES, count) + b"".join(nodes))


def big_map(nodes, addrs_per_node=1):
    return set_map(*(node(i + 1, *(ip_of(i * addrs_per_node + j) for j in range(addrs_per_node)))
                     for i in range(nodes)))


UNREACHABLE = "not an address a peer can be reached at (0.0.0.0/8, multicast, broadcast, loopback, link-local, :: or IPv4-mapped)"

# name: (request, expected errno, expected extack text)
CASES = {
    "status with an attribute": ((OM_CMD_GET_STATUS, u32(OM_A_NODE_ID, 1)), errno.EINVAL, "Unknown attribute type"),
    "unknown top-level attribute": ((OM_CMD_SET_MAP, u32(OM_A_MAP_NODES, 0) + u32(200, 1)), errno.EINVAL, "Unknown attribute type"),
    "reply-only attribute in a request": ((OM_CMD_SET_MAP, u32(OM_A_MAP_NODES, 0) + u32(OM_A_VERSION, 1)), errno.EINVAL, "Unsupported attribute"),
    "node is not a nest": ((OM_CMD_SET_MAP, u32(OM_A_MAP_NODES, 1) + u32(OM_A_NODE, 1)), errno.EINVAL, "NLA_F_NESTED is missing"),
    "node count missing": ((OM_CMD_SET_MAP, node(1, inet(10, 0, 0, 1))), errno.EINVAL, "OM_A_MAP_NODES is missing (0 clears the map)"),
    "node count of the wrong size": ((OM_CMD_SET_MAP, attr(OM_A_MAP_NODES, b"\0")), errno.EINVAL, "invalid attribute length"),
    "node count larger than the nodes": (set_map(node(1, inet(10, 0, 0, 1)), count=2), errno.EINVAL, "OM_A_MAP_NODES differs from the number of OM_A_NODE attributes"),
    "node count smaller than the nodes": (set_map(node(1, inet(10, 0, 0, 1)), count=0), errno.EINVAL, "OM_A_MAP_NODES differs from the number of OM_A_NODE attributes"),
    "node id of the wrong size": (set_map(nest(OM_A_NODE, attr(OM_NODE_A_ID, b"\1\0"), nest(OM_NODE_A_ADDRS, inet(10, 0, 0, 1)))), errno.EINVAL, "invalid attribute length"),
    "node id 0": (set_map(node(0, inet(10, 0, 0, 1))), errno.ERANGE, "integer out of range"),
    "node id 65536": (set_map(node(65536, inet(10, 0, 0, 1))), errno.ERANGE, "integer out of range"),
    "IPv4 address of 5 bytes": (set_map(node(1, nest(0, attr(OM_ADDR_A_INET, b"\12\0\0\1\0")))), errno.ERANGE, "binary attribute size out of range"),
    "unknown node attribute": (set_map(nest(OM_A_NODE, u32(OM_NODE_A_ID, 1), u32(9, 1))), errno.EINVAL, "Unknown attribute type"),
    "node without id": (set_map(nest(OM_A_NODE, nest(OM_NODE_A_ADDRS, inet(10, 0, 0, 1)))), errno.EINVAL, "a node needs OM_NODE_A_ID and OM_NODE_A_ADDRS"),
    "address list is not a nest": (set_map(nest(OM_A_NODE, u32(OM_NODE_A_ID, 1), u32(OM_NODE_A_ADDRS, 1))), errno.EINVAL, "NLA_F_NESTED is missing"),
    "too many nodes, by count alone": (set_map(count=OM_MAP_MAX_NODES + 1), errno.E2BIG, "the map has more nodes than OM_MAP_MAX_NODES"),
    "node without addresses": (set_map(node(1)), errno.EINVAL, "a node needs at least one address"),
    "address with both families": (set_map(node(1, nest(0, attr(OM_ADDR_A_INET, bytes(4)), attr(OM_ADDR_A_INET6, bytes(16))))), errno.EINVAL, "an address needs exactly one of OM_ADDR_A_INET and OM_ADDR_A_INET6"),
    "address with no family": (set_map(node(1, nest(0))), errno.EINVAL, "an address needs exactly one of OM_ADDR_A_INET and OM_ADDR_A_INET6"),
    "multicast address": (set_map(node(1, inet(224, 0, 0, 1))), errno.EINVAL, UNREACHABLE),
    "loopback address": (set_map(node(1, inet(127, 0, 0, 1))), errno.EINVAL, UNREACHABLE),
    "IPv4 link-local address": (set_map(node(1, inet(169, 254, 0, 1))), errno.EINVAL, UNREACHABLE),
    "IPv6 link-local address": (set_map(node(1, nest(0, attr(OM_ADDR_A_INET6, bytes([0xfe, 0x80] + [0] * 13 + [1]))))), errno.EINVAL, UNREACHABLE),
    "IPv4-mapped address": (set_map(node(1, nest(0, attr(OM_ADDR_A_INET6, bytes([0] * 10 + [255, 255, 10, 0, 0, 1]))))), errno.EINVAL, UNREACHABLE),
    "node id given twice": (set_map(nest(OM_A_NODE, u32(OM_NODE_A_ID, 1), u32(OM_NODE_A_ID, 2), nest(OM_NODE_A_ADDRS, inet(10, 0, 0, 1)))), errno.EINVAL, "a node attribute appears twice"),
    "address list given twice": (set_map(nest(OM_A_NODE, u32(OM_NODE_A_ID, 1), nest(OM_NODE_A_ADDRS, inet(10, 0, 0, 1)), nest(OM_NODE_A_ADDRS, *(inet(10, 0, 1, i + 1) for i in range(OM_NODE_MAX_ADDRS))))), errno.EINVAL, "a node attribute appears twice"),
    "bytes after the last address": (set_map(nest(OM_A_NODE, u32(OM_NODE_A_ID, 1), nest(OM_NODE_A_ADDRS, inet(10, 0, 0, 1), b"\0\0\0\0"))), errno.EINVAL, "bytes left over after the last address"),
    "duplicate node id": (set_map(node(3, inet(10, 0, 0, 1)), node(3, inet(10, 0, 0, 2))), errno.EINVAL, "a node id appears twice in the map"),
    "address used by two nodes": (set_map(node(1, inet(10, 0, 0, 1)), node(2, inet(10, 0, 0, 1))), errno.EINVAL, "an address appears twice in the map"),
    "too many nodes": (big_map(OM_MAP_MAX_NODES + 1), errno.E2BIG, "the map has more nodes than OM_MAP_MAX_NODES"),
    "too many addresses": (big_map(OM_MAP_MAX_NODES, 3), errno.E2BIG, "the map has more addresses than OM_MAP_MAX_ADDRS"),
    "too many addresses on a node": (set_map(node(1, *(inet(10, 0, 1, i + 1) for i in range(OM_NODE_MAX_ADDRS + 1)))), errno.E2BIG, "too many addresses for one node (limit OM_NODE_MAX_ADDRS)"),
    "node id out of range for set-self": ((OM_CMD_SET_SELF, u32(OM_A_NODE_ID, 65536)), errno.ERANGE, "integer out of range"),
    "set-self without id": ((OM_CMD_SET_SELF, b""), errno.EINVAL, "OM_A_NODE_ID is missing (0 derives the id from local addresses)"),
    "dump with an attribute": ((OM_CMD_GET_MAP, u32(OM_A_NODE_ID, 1)), errno.EINVAL, "Unknown attribute type"),
}


def run_cases(nl):
    before = nl.request(OM_CMD_GET_STATUS)[0][OM_A_MAP_GENERATION]
    failed = 0
    for name, ((cmd, payload), want_errno, want_msg) in CASES.items():
        try:
            nl.request(cmd, payload, dump=cmd == OM_CMD_GET_MAP)
            got = "accepted"
        except NetlinkError as e:
            got = None if (e.errno, e.msg) == (want_errno, want_msg) else str(e)
        if got:
            failed += 1
            print(f"FAIL {name}: want {errno.errorcode[want_errno]}: {want_msg!r}, got {got}")
        else:
            print(f"ok   {name}")
    for name, kw in {"reserved header field": {"reserved": 1}}.items():
        try:
            nl.request(OM_CMD_GET_STATUS, **kw)
            print(f"FAIL {name}: accepted")
            failed += 1
        except NetlinkError as e:
            print(f"ok   {name} ({e})")
    if nl.request(OM_CMD_GET_STATUS)[0][OM_A_MAP_GENERATION] != before:
        print("FAIL a refused request changed the map generation")
        failed += 1
    return 1 if failed else 0


def run_events(nl, argv):
    nl.sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, nl.groups["events"])
    rc = subprocess.run(argv, stdout=subprocess.DEVNULL).returncode
    nl.sock.settimeout(2)
    events = []
    try:
        while True:
            for kind, _, body in nl.recv_chunk():
                if kind == nl.family and body[0] == OM_CMD_MAP_CHANGED:
                    a = parse_attrs(body[4:])
                    events.append({"generation": struct.unpack("=Q", a[OM_A_MAP_GENERATION])[0],
                                   "nodes": struct.unpack("=I", a[OM_A_MAP_NODES])[0]})
    except socket.timeout:
        pass
    print(json.dumps({"rc": rc, "events": events}))
    return rc


def run_hold_dump(nl):
    """Reads a dump in two halves around a pause, and reports what it saw."""
    nl.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    nl.send(nl.family, OM_CMD_GET_MAP, flags=NLM_F_REQUEST | NLM_F_DUMP)
    seen, gens, done = [], set(), False

    def take(msgs):
        nonlocal done
        for kind, _, body in msgs:
            if kind == NLMSG_DONE:
                done = True
            elif kind == nl.family:
                a = parse_attrs(body[4:])
                gens.add(struct.unpack("=Q", a[OM_A_MAP_GENERATION])[0])
                if OM_A_NODE in a:
                    seen.append(struct.unpack("=I", parse_attrs(a[OM_A_NODE])[OM_NODE_A_ID])[0])
    take(nl.recv_chunk())
    print(json.dumps({"first_chunk_nodes": len(seen)}), flush=True)
    sys.stdin.readline()
    while not done:
        take(nl.recv_chunk())
    print(json.dumps({"nodes": len(seen), "sorted": seen == sorted(set(seen)),
                      "generations": sorted(gens)}))
    return 0


def main(argv):
    if len(argv) < 2 or argv[1] not in ("cases", "events", "hold-dump"):
        print(__doc__, file=sys.stderr)
        return 2
    nl = Genl()
    if argv[1] == "cases":
        return run_cases(nl)
    if argv[1] == "events":
        return run_events(nl, argv[2:])
    return run_hold_dump(nl)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
