#!/usr/bin/env python3
"""Raw generic netlink client for the VM tests of omcore.

omctl only sends well-formed requests; this tool sends the malformed ones a
hostile or buggy client could send, and checks that the kernel refuses each
with the expected errno and extended-ack text. It also exercises the parts
of the interface omctl has no verb for: the event multicast group and a
dump left half-read.

  omnl.py cases            run every malformed-request case
  omnl.py events CMD...    run CMD while subscribed; print the events seen
  omnl.py hold-dump        start a map dump, read one chunk, wait for a line
                           on stdin, then read the rest; print a summary
  omnl.py link-listen N    accept N connections on port 4660; hand each to
                           the kernel as the link to the node the map gives
                           its source address (10.99.0.ID on the test bridge)
  omnl.py link-connect ID ADDR [CLAIM]
                           connect to ADDR:4660 and hand the socket over as
                           the link to node CLAIM (default ID)
  omnl.py link-fd-cases    LINK_ADD with fds that are not a usable link
  omnl.py links            the links, as JSON
  omnl.py ping ID SIZE     a round trip; prints the RTT in ns
  omnl.py wait-down ID S [REASON]
                           wait up to S seconds for node ID's link to go
                           down (for REASON, e.g. ETIMEDOUT); prints
                           {"reason": ERRNO, "seconds": T, "at": WALL_CLOCK}
  omnl.py garbage ADDR     connect to ADDR:4660, send bytes that are no frame
  omnl.py report LOAD CPUS SPEED UTIL MEM_TOTAL MEM_FREE UPTIME INTERVAL_MS
                           report this node's load, as omd does
  omnl.py policy FLAGS MASK [SPEED]
                           set the policy flags in MASK to FLAGS, and the speed
  omnl.py nodes            the cluster view, as JSON
  omnl.py status           GET_STATUS, as JSON
  omnl.py bulk ID BYTES    BYTES of discard frames then a ping; prints the ns
"""
import errno
import json
import os
import socket
import struct
import subprocess
import sys
import time

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
OM_CMD_LINK_ADD, OM_CMD_LINK_DEL, OM_CMD_GET_LINKS, OM_CMD_LINK_DOWN, OM_CMD_PING = 6, 7, 8, 9, 10
OM_A_VERSION, OM_A_NODE_ID, OM_A_MAP_GENERATION, OM_A_MAP_NODES = 1, 2, 4, 5
OM_A_NODE = 9
OM_A_LINK_FD, OM_A_LINK, OM_A_LINK_REASON, OM_A_PING_SIZE, OM_A_PING_RTT = 11, 12, 13, 14, 15
OM_CMD_SET_LOAD, OM_CMD_SET_POLICY, OM_CMD_GET_NODES = 11, 12, 13
OM_A_PING_BULK, OM_A_PEERS_UP, OM_A_POLICY, OM_A_POLICY_MASK, OM_A_SPEED = 16, 17, 18, 19, 20
OM_A_DAEMON_PID, OM_A_DAEMON_AGE_MS, OM_A_LOAD_INTERVAL_MS, OM_A_LOAD, OM_A_NODE_INFO = 21, 22, 23, 24, 25
LOAD_ATTRS = ["load", "cpus", "speed", "util", "mem_total", "mem_free", "uptime"]  # OM_LOAD_A_* from 1
INFO_ATTRS = ["id", "addr", "state", "self", "last_seen", "flags", "load", "load_age_ms"]  # OM_INFO_A_* from 1
OM_LINK_A_NODE_ID, OM_LINK_A_LAST_RX_MS, OM_LINK_A_RX_FRAMES, OM_LINK_A_TX_FRAMES = 1, 3, 4, 5
PORT = 4660
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


def u64(kind, value):
    return attr(kind, struct.pack("=Q", value))


def load_nest(load=1500, cpus=1, speed=10000, util=250, mem_total=1 << 30, mem_free=1 << 29,
              uptime=60, skip=()):
    values = [load, cpus, speed, util, mem_total, mem_free, uptime]
    return nest(OM_A_LOAD, *(u32(i + 1, v) if i < 4 else u64(i + 1, v)
                             for i, v in enumerate(values) if LOAD_ATTRS[i] not in skip))


def report(interval=1000, **load):
    return (OM_CMD_SET_LOAD, load_nest(**load) + u32(OM_A_LOAD_INTERVAL_MS, interval))


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
    "link without fd": ((OM_CMD_LINK_ADD, u32(OM_A_NODE_ID, 2)), errno.EINVAL, "a link needs OM_A_NODE_ID and OM_A_LINK_FD"),
    "link to node 0": ((OM_CMD_LINK_ADD, u32(OM_A_NODE_ID, 0) + u32(OM_A_LINK_FD, 0)), errno.ERANGE, "integer out of range"),
    "link with a map attribute": ((OM_CMD_LINK_ADD, u32(OM_A_MAP_NODES, 0)), errno.EINVAL, "Unsupported attribute"),
    "closing a link that is not there": ((OM_CMD_LINK_DEL, u32(OM_A_NODE_ID, 2)), errno.ENOENT, "no link to that node"),
    "links dump with an attribute": ((OM_CMD_GET_LINKS, u32(OM_A_NODE_ID, 1)), errno.EINVAL, "Unknown attribute type"),
    "ping too large": ((OM_CMD_PING, u32(OM_A_NODE_ID, 2) + u32(OM_A_PING_SIZE, 65537)), errno.ERANGE, "integer out of range"),
    "ping without a link": ((OM_CMD_PING, u32(OM_A_NODE_ID, 2)), errno.ENOTCONN, "no link to that node"),
    "bulk ping over 256 MiB": ((OM_CMD_PING, u32(OM_A_NODE_ID, 2) + u64(OM_A_PING_BULK, (1 << 28) + 1)), errno.ERANGE, "integer out of range"),
    "load report without load": ((OM_CMD_SET_LOAD, u32(OM_A_LOAD_INTERVAL_MS, 1000)), errno.EINVAL, "a load report needs OM_A_LOAD and OM_A_LOAD_INTERVAL_MS"),
    "load report without interval": ((OM_CMD_SET_LOAD, load_nest()), errno.EINVAL, "a load report needs OM_A_LOAD and OM_A_LOAD_INTERVAL_MS"),
    "load report missing memory": ((OM_CMD_SET_LOAD, load_nest(skip=("mem_free",)) + u32(OM_A_LOAD_INTERVAL_MS, 1000)), errno.EINVAL, "OM_A_LOAD needs every OM_LOAD_A_* attribute"),
    "load report with 0 CPUs": (report(cpus=0), errno.ERANGE, "integer out of range"),
    "load report with speed 0": (report(speed=0), errno.ERANGE, "integer out of range"),
    "load report with utilisation over 1000": (report(util=1001), errno.ERANGE, "integer out of range"),
    "load report with more free memory than total": (report(mem_free=2 << 30), errno.EINVAL, "free memory exceeds the total"),
    "load report every 50 ms": (report(interval=50), errno.ERANGE, "integer out of range"),
    "load report every 61 s": (report(interval=61000), errno.ERANGE, "integer out of range"),
    "load is not a nest": ((OM_CMD_SET_LOAD, u32(OM_A_LOAD, 1) + u32(OM_A_LOAD_INTERVAL_MS, 1000)), errno.EINVAL, "NLA_F_NESTED is missing"),
    "empty policy change": ((OM_CMD_SET_POLICY, b""), errno.EINVAL, "nothing to change: give OM_A_POLICY and OM_A_POLICY_MASK, or OM_A_SPEED"),
    "policy without mask": ((OM_CMD_SET_POLICY, u32(OM_A_POLICY, 1)), errno.EINVAL, "OM_A_POLICY and OM_A_POLICY_MASK go together"),
    "unknown policy flag": ((OM_CMD_SET_POLICY, u32(OM_A_POLICY, 8) + u32(OM_A_POLICY_MASK, 15)), errno.EINVAL, "reserved bit set"),
    "policy flag outside the mask": ((OM_CMD_SET_POLICY, u32(OM_A_POLICY, 1) + u32(OM_A_POLICY_MASK, 0)), errno.EINVAL, "OM_A_POLICY sets a flag that OM_A_POLICY_MASK leaves out"),
    "speed too high": ((OM_CMD_SET_POLICY, u32(OM_A_SPEED, 100000001)), errno.ERANGE, "integer out of range"),
    "nodes dump with an attribute": ((OM_CMD_GET_NODES, u32(OM_A_NODE_ID, 1)), errno.EINVAL, "Unknown attribute type"),
}


def run_cases(nl):
    before = nl.request(OM_CMD_GET_STATUS)[0][OM_A_MAP_GENERATION]
    failed = 0
    for name, ((cmd, payload), want_errno, want_msg) in CASES.items():
        try:
            nl.request(cmd, payload, dump=cmd in (OM_CMD_GET_MAP, OM_CMD_GET_LINKS, OM_CMD_GET_NODES))
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


def link_add(nl, node_id, sock):
    nl.request(OM_CMD_LINK_ADD, u32(OM_A_NODE_ID, node_id) + u32(OM_A_LINK_FD, sock.fileno()))


def run_link_listen(nl, count):
    srv = socket.create_server(("0.0.0.0", PORT))
    print(json.dumps({"listening": PORT}), flush=True)
    for _ in range(count):
        conn, (addr, _) = srv.accept()
        peer = int(addr.rsplit(".", 1)[1])
        link_add(nl, peer, conn)
        conn.close()            # the kernel holds its own reference
        print(json.dumps({"linked": peer}), flush=True)
    return 0


def run_link_connect(nl, node_id, addr, claim=None):
    sock = socket.create_connection((addr, PORT), timeout=10)
    link_add(nl, int(claim or node_id), sock)
    sock.close()
    return 0


def run_link_fd_cases(nl):
    """LINK_ADD with what is not a connected TCP socket to the claimed peer."""
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    fresh = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    local = socket.create_server(("127.0.0.1", 0))
    with open("/proc/self/stat") as f:
        cases = [
            ("a file", f.fileno(), 2, errno.ENOTSOCK, "OM_A_LINK_FD is not a socket of the caller"),
            ("no such fd", 999, 2, errno.EBADF, "OM_A_LINK_FD is not a socket of the caller"),
            ("a UDP socket", udp.fileno(), 2, errno.EINVAL, "OM_A_LINK_FD is not a TCP socket"),
            ("an unconnected TCP socket", fresh.fileno(), 2, errno.ENOTCONN, "OM_A_LINK_FD is not connected"),
        ]
        conn = socket.create_connection(local.getsockname(), timeout=10)
        own = nl.request(OM_CMD_GET_STATUS)[0][OM_A_NODE_ID]
        cases += [
            ("a socket to another host", conn.fileno(), 3, errno.EINVAL, "the socket's peer address is not one of that node's addresses in the map"),
            ("a node not in the map", conn.fileno(), 9, errno.EINVAL, "the peer's node id is not in the map"),
            ("this node itself", conn.fileno(), struct.unpack("=I", own)[0], errno.EINVAL, "the peer's node id is this node's"),
        ]
        failed = 0
        for name, fd, node_id, want_errno, want_msg in cases:
            try:
                nl.request(OM_CMD_LINK_ADD, u32(OM_A_NODE_ID, node_id) + u32(OM_A_LINK_FD, fd))
                got = "accepted"
            except NetlinkError as e:
                got = None if (e.errno, e.msg) == (want_errno, want_msg) else str(e)
            print(f"FAIL {name}: want {errno.errorcode[want_errno]}: {want_msg!r}, got {got}" if got else f"ok   {name}")
            failed += bool(got)
    return 1 if failed else 0


def run_links(nl):
    links = []
    for reply in nl.request(OM_CMD_GET_LINKS, dump=True):
        a = parse_attrs(reply[OM_A_LINK])
        links.append({"node": struct.unpack("=I", a[OM_LINK_A_NODE_ID])[0],
                      "last_rx_ms": struct.unpack("=I", a[OM_LINK_A_LAST_RX_MS])[0],
                      "rx_frames": struct.unpack("=Q", a[OM_LINK_A_RX_FRAMES])[0],
                      "tx_frames": struct.unpack("=Q", a[OM_LINK_A_TX_FRAMES])[0]})
    print(json.dumps(links))
    return 0


def run_ping(nl, node_id, size):
    reply = nl.request(OM_CMD_PING, u32(OM_A_NODE_ID, node_id) + u32(OM_A_PING_SIZE, size))
    print(struct.unpack("=Q", reply[0][OM_A_PING_RTT])[0])
    return 0


def run_wait_down(nl, node_id, seconds, want=None):
    nl.sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, nl.groups["events"])
    start = time.monotonic()
    nl.sock.settimeout(seconds)
    print(json.dumps({"waiting": node_id}), flush=True)
    try:
        while True:
            for kind, _, body in nl.recv_chunk():
                if kind != nl.family or body[0] != OM_CMD_LINK_DOWN:
                    continue
                a = parse_attrs(body[4:])
                reason = errno.errorcode.get(struct.unpack("=I", a[OM_A_LINK_REASON])[0])
                if struct.unpack("=I", a[OM_A_NODE_ID])[0] == node_id and want in (None, reason):
                    print(json.dumps({"reason": reason,
                                      "seconds": round(time.monotonic() - start, 1),
                                      "at": time.time()}))
                    return 0
    except socket.timeout:
        print(json.dumps({"reason": None, "seconds": seconds}))
        return 1


def run_garbage(addr):
    sock = socket.create_connection((addr, PORT), timeout=10)
    sock.sendall(b"GET / HTTP/1.0\r\n\r\n" + bytes(range(256)))
    time.sleep(1)
    return 0


def unpack_int(raw):
    return struct.unpack("=I" if len(raw) == 4 else "=Q", raw)[0]


def run_report(nl, values):
    load = dict(zip(LOAD_ATTRS, (int(v) for v in values[:7])))
    nl.request(*report(int(values[7]), **load))
    return 0


def run_policy(nl, flags, mask, speed=None):
    payload = u32(OM_A_POLICY, int(flags)) + u32(OM_A_POLICY_MASK, int(mask))
    if speed is not None:
        payload += u32(OM_A_SPEED, int(speed))
    nl.request(OM_CMD_SET_POLICY, payload)
    return 0


def run_nodes(nl):
    nodes = []
    for reply in nl.request(OM_CMD_GET_NODES, dump=True):
        info = {}
        for kind, raw in parse_attrs(reply[OM_A_NODE_INFO]).items():
            name = INFO_ATTRS[kind - 1]
            if name == "addr":
                info[name] = socket.inet_ntoa(parse_attrs(raw)[OM_ADDR_A_INET])
            elif name == "load":
                info[name] = {LOAD_ATTRS[k - 1]: unpack_int(v) for k, v in parse_attrs(raw).items()}
            elif name == "self":
                info[name] = True
            else:
                info[name] = unpack_int(raw)
        info["state"] = ["down", "up"][info["state"]]
        nodes.append(info)
    print(json.dumps(nodes))
    return 0


def run_status(nl):
    names = {OM_A_PEERS_UP: "peers_up", OM_A_POLICY: "policy", OM_A_SPEED: "speed",
             OM_A_DAEMON_PID: "daemon_pid", OM_A_DAEMON_AGE_MS: "daemon_age_ms",
             OM_A_LOAD_INTERVAL_MS: "interval_ms"}
    reply = nl.request(OM_CMD_GET_STATUS)[0]
    print(json.dumps({name: unpack_int(reply[k]) for k, name in names.items() if k in reply}))
    return 0


def run_bulk(nl, node_id, size):
    reply = nl.request(OM_CMD_PING, u32(OM_A_NODE_ID, node_id) + u64(OM_A_PING_BULK, size))
    print(struct.unpack("=Q", reply[0][OM_A_PING_RTT])[0])
    return 0


def main(argv):
    commands = {
        "cases": lambda nl: run_cases(nl),
        "events": lambda nl: run_events(nl, argv[2:]),
        "hold-dump": lambda nl: run_hold_dump(nl),
        "link-listen": lambda nl: run_link_listen(nl, int(argv[2])),
        "link-connect": lambda nl: run_link_connect(nl, *argv[2:5]),
        "link-fd-cases": lambda nl: run_link_fd_cases(nl),
        "links": lambda nl: run_links(nl),
        "ping": lambda nl: run_ping(nl, int(argv[2]), int(argv[3])),
        "wait-down": lambda nl: run_wait_down(nl, int(argv[2]), float(argv[3]), *argv[4:5]),
        "report": lambda nl: run_report(nl, argv[2:10]),
        "policy": lambda nl: run_policy(nl, *argv[2:5]),
        "nodes": lambda nl: run_nodes(nl),
        "status": lambda nl: run_status(nl),
        "bulk": lambda nl: run_bulk(nl, int(argv[2]), int(argv[3])),
    }
    if len(argv) >= 3 and argv[1] == "garbage":
        return run_garbage(argv[2])
    if len(argv) < 2 or argv[1] not in commands:
        print(__doc__, file=sys.stderr)
        return 2
    return commands[argv[1]](Genl())


if __name__ == "__main__":
    sys.exit(main(sys.argv))
