#!/usr/bin/env python3
"""Feeds a peer's omfs server what no correct client sends, through the
test-only module omfs_inject (test/vm/modules/omfs_inject.c), and checks
that every request is answered and every malformed one with EPROTO.

    omfs_inject.py NODE CORPUS_DIR SEED COUNT

The requests start from the fuzz corpus (test/fuzz/corpus/omfs_wire/req-T,
one whole request payload of type T each), given a live session and an
identity (uid and gid 65534, no groups, no capabilities) attached for the
purpose. Then:
  - each request whole: answered, whatever the answer;
  - each cut short at every length, and each with a byte too many: EPROTO;
  - an unknown session: EBADR; no identity where one is needed: EPROTO;
  - COUNT mutations (bytes flipped, overwritten, cut, appended; the
    session and identity kept, so that they reach past the checks of the
    header): answered;
  - random bytes of every type up to the frame limit, and one-way DETACH
    and CLUNK of random bytes: answered, or sent.
Prints the answers counted by status; exits 1 on the first frame that is
not answered as it must be (a timeout included), naming it and the seed.
"""
import collections
import errno
import os
import random
import struct
import sys

CALL = "/sys/kernel/debug/omfs_inject/call"
WT_ATTACH, WT_DETACH, WT_CRED, WT_CLUNK, WT_LOCK_HINT = 32, 33, 34, 35, 63
ONEWAY = (WT_DETACH, WT_CLUNK)
OWN = (WT_DETACH, WT_CRED, WT_CLUNK)    # the session's own: no identity
REQ = struct.Struct("<QII")             # struct omfs_wire_req
ATTACH = struct.Struct("<QIIHHI")       # struct omfs_wire_attach
CRED = struct.Struct("<QIIII")          # struct omfs_wire_cred
MAX_PAYLOAD = 1 << 20                   # OM_WIRE_MAX_PAYLOAD
WT_PROGRESS = 8                         # omcore's OM_WT_PROGRESS
PROGRESS = struct.Struct("<QB7s")       # struct om_wire_progress
NOBODY = 65534
CRED_ID = 7


class Injector:
    def __init__(self, node):
        self.node = node
        self.fd = os.open(CALL, os.O_RDWR)
        self.count = collections.Counter()

    def call(self, wtype, payload, oneway=False, timeout_ms=10000):
        """(omcore's error, the peer's status, the answer's payload)."""
        os.write(self.fd, struct.pack("<HBBI", self.node, wtype, oneway,
                                      timeout_ms) + payload)
        out = os.pread(self.fd, 8 + MAX_PAYLOAD, 0)
        err, status = struct.unpack_from("<ii", out)
        self.count[errno.errorcode.get(-(err or status), "0")] += 1
        return err, status, out[8:]


def fail(what):
    print(f"omfs_inject: {what}", file=sys.stderr)
    sys.exit(1)


def name(status):
    return errno.errorcode.get(-status, str(status)) if status else "0"


def main():
    node, corpus, seed, count = (int(sys.argv[1]), sys.argv[2],
                                 int(sys.argv[3]), int(sys.argv[4]))
    rnd = random.Random(seed)
    inj = Injector(node)

    def expect(what, wtype, payload, want=None, oneway=False):
        err, status, _ = inj.call(wtype, payload, oneway)
        if err:
            fail(f"{what}: type {wtype}, {len(payload)} bytes: not answered "
                 f"({name(err)}); seed {seed}")
        if want is not None and status != -want:
            fail(f"{what}: type {wtype}, {len(payload)} bytes: "
                 f"{name(status)}, not {errno.errorcode[want]}; seed {seed}")
        if status > 0:
            fail(f"{what}: type {wtype}: status {status} > 0")
        return status

    # An omfs of another wire version is told so, not taken for no omfs.
    expect("ATTACH of another wire version", WT_ATTACH,
           REQ.pack(0, 0, 0) + ATTACH.pack(rnd.getrandbits(64), 1, 0, 99, 99, 0),
           errno.ENOPROTOOPT)

    # omcore's question about a silent request: asked about one this node
    # never sent, it says it holds none; a malformed question is EPROTO.
    expect("PROGRESS of a request never sent", WT_PROGRESS,
           PROGRESS.pack(rnd.getrandbits(64), WT_ATTACH, b""), errno.ENOENT)
    good = PROGRESS.pack(1, WT_ATTACH, b"")
    expect("PROGRESS cut short", WT_PROGRESS, good[:-1], errno.EPROTO)
    expect("PROGRESS a byte too long", WT_PROGRESS, good + b"\0", errno.EPROTO)
    expect("PROGRESS with a reserved byte set", WT_PROGRESS,
           PROGRESS.pack(1, WT_ATTACH, b"\0" * 6 + b"\1"), errno.EPROTO)

    # A session and an identity of our own, as mfs makes them.
    attach = ATTACH.pack(rnd.getrandbits(64), 1, 0, 1, 1, 0)
    err, status, rsp = inj.call(WT_ATTACH, REQ.pack(0, 0, 0) + attach)
    if err or status or len(rsp) < 8:
        fail(f"ATTACH: {name(err or status)}")
    session = struct.unpack_from("<Q", rsp)[0]
    err, status, _ = inj.call(WT_CRED, REQ.pack(session, 0, 0) +
                              CRED.pack(0, CRED_ID, NOBODY, NOBODY, 0))
    if err or status:
        fail(f"CRED: {name(err or status)}")

    def ours(wtype, payload):
        """@payload with our session and identity in its header."""
        cred = 0 if wtype in OWN else CRED_ID
        return REQ.pack(session, cred, 0) + payload[REQ.size:]

    reqs = {}
    for f in sorted(os.listdir(corpus)):
        if f.startswith("req-"):
            wtype = int(f[4:])
            with open(os.path.join(corpus, f), "rb") as fh:
                reqs[wtype] = fh.read()
    # Not ATTACH or DETACH: they would end the session.
    kinds = sorted(t for t in reqs if t not in (WT_ATTACH, WT_DETACH))
    if len(kinds) < 25:
        fail(f"{corpus}: only {len(kinds)} request types")

    for wtype in kinds:
        good = ours(wtype, reqs[wtype])
        if wtype not in ONEWAY:
            expect("whole", wtype, good)
        for cut in range(len(good)):
            expect("cut short", wtype, good[:cut], errno.EPROTO)
        expect("a byte too many", wtype, good + b"\0", errno.EPROTO)
        expect("unknown session", wtype,
               REQ.pack(session ^ 1, 0 if wtype in OWN else CRED_ID, 0) +
               good[REQ.size:], errno.EBADR)
        if wtype not in OWN:
            expect("no identity", wtype,
                   REQ.pack(session, 0, 0) + good[REQ.size:], errno.EPROTO)
            expect("an identity never made", wtype,
                   REQ.pack(session, CRED_ID + 1, 0) + good[REQ.size:],
                   errno.EPROTO)

    for i in range(count):
        wtype = rnd.choice(kinds)
        b = bytearray(ours(wtype, reqs[wtype]))
        for _ in range(rnd.randint(1, 4)):
            how = rnd.randrange(4)
            at = rnd.randrange(REQ.size - 4, len(b) + 1)
            if how == 0 and at < len(b):
                b[at] ^= 1 << rnd.randrange(8)
            elif how == 1 and at < len(b):
                b[at] = rnd.choice((0, 1, 0x7f, 0x80, 0xff))
            elif how == 2:
                del b[at:at + rnd.randint(1, 8)]
            else:
                b[at:at] = rnd.randbytes(rnd.randint(1, 8))
        expect(f"mutation {i}", wtype, bytes(b), oneway=wtype in ONEWAY)

    for wtype in range(WT_ATTACH, WT_LOCK_HINT + 1):
        for size in (0, 1, 15, 16, 40, 4096, 70000):
            expect("random", wtype, rnd.randbytes(size),
                   oneway=wtype in ONEWAY)
    expect("a whole frame of random bytes", WT_CRED,
           REQ.pack(session, 0, 0) + rnd.randbytes(MAX_PAYLOAD - REQ.size),
           errno.EPROTO)
    for wtype in ONEWAY:
        expect("random one-way", wtype,
               REQ.pack(session, 0, 0) + rnd.randbytes(64), oneway=True)

    # Still served: an ATTACH answers as it should.
    err, status, rsp = inj.call(WT_ATTACH, REQ.pack(0, 0, 0) + attach)
    if err or status or len(rsp) < 8:
        fail(f"ATTACH after it all: {name(err or status)}")
    print("omfs_inject: answers " + " ".join(
        f"{k}={v}" for k, v in sorted(inj.count.items())))


if __name__ == "__main__":
    main()
