#!/usr/bin/env python3
"""Metadata benchmark of bench/omfs.sh (docs/design/omfs.md section 14).

    bench/fsmeta.py DIR [COUNT]

In DIR (which must exist and be empty of the names used), COUNT files
(default 5000) are created one by one with open(O_CREAT|O_EXCL|O_WRONLY)
and close, then each is stat()ed, then each is unlinked. Prints one JSON
object: the operations per second of each phase,
    {"count": 5000, "create": N, "stat": N, "unlink": N}
It works in DIR (chdir) with names of one component (f0 .. f4999), so
each operation is measured without the walk down DIR's path, which a
file system without a dentry cache (mfs, NFS with noac) would otherwise
repeat for every call.
"""
import json
import os
import sys
import time


def phase(names, op):
    start = time.perf_counter()
    for name in names:
        op(name)
    return len(names) / (time.perf_counter() - start)


def create(name):
    os.close(os.open(name, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__.split("\n\n")[1])
    top = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) == 3 else 5000
    os.chdir(top)
    names = ["f%d" % i for i in range(count)]
    result = {"count": count}
    result["create"] = phase(names, create)
    result["stat"] = phase(names, os.stat)
    result["unlink"] = phase(names, os.unlink)
    print(json.dumps({k: round(v, 1) if isinstance(v, float) else v
                      for k, v in result.items()}))


if __name__ == "__main__":
    main()
