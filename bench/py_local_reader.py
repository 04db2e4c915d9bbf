"""Python baseline for the local-decode benchmark: read a `.wandb` file's history rows.

Usage: `python bench/py_local_reader.py <file.wandb>` prints one JSON line
`{"rows", "records", "bytes", "seconds"}`; `seconds` is measured inside Python and excludes
interpreter start-up and imports.

It reads the file the way a Python user of the released `wandb` package would: frame the
LevelDB-style log (wandb 0.31 ships no Python frame reader any more; the old
`wandb.sdk.internal.datastore` was removed, so the few lines below do what it did, CRC
check included), parse every record with the package's own protobuf class
`wandb_internal_pb2.Record`, and build each history row as a dict with `json.loads` of every
item's `value_json` (nested keys become nested dicts). Rows are streamed and dropped after
counting, as the TypeScript reader streams them, so memory stays flat.
"""

from __future__ import annotations

import json
import sys
import time
import zlib
from typing import Iterator

from wandb.proto import wandb_internal_pb2 as pb

BLOCK = 32768


def iter_rows(data: bytes, counts: dict[str, int]) -> Iterator[dict]:
    """Yield each history row of one `.wandb` byte string; count all records in counts["records"]."""
    if data[:6] != b":W&B\xe1\xbe":
        raise ValueError(f"bad .wandb header {data[:7].hex()}; is this a W&B transaction log?")
    view = memoryview(data)
    size = len(data)
    pos = 7
    pending: list[bytes] | None = None
    loads = json.loads
    parse = pb.Record.FromString
    while True:
        left = BLOCK - pos % BLOCK
        if left < 7:
            pos += left
            continue
        if pos + 7 > size:
            break
        length = data[pos + 4] | data[pos + 5] << 8
        kind = data[pos + 6]
        end = pos + 7 + length
        if end > size:
            break
        payload = view[pos + 7 : end]
        crc = int.from_bytes(view[pos : pos + 4], "little")
        if zlib.crc32(payload, zlib.crc32(bytes((kind,)))) != crc:
            raise ValueError(f"CRC mismatch in chunk at byte {pos}")
        pos = end
        if kind == 1:
            body: bytes | memoryview = payload
        elif kind == 2:
            pending = [bytes(payload)]
            continue
        elif kind == 3:
            if pending is not None:
                pending.append(bytes(payload))
            continue
        elif kind == 4:
            if pending is None:
                continue
            pending.append(bytes(payload))
            body = b"".join(pending)
            pending = None
        else:
            raise ValueError(f"unknown chunk type {kind} at byte {pos - 7 - length}")
        counts["records"] += 1
        # A fresh message per record: reusing one keeps growing its upb arena (10 GB RSS at 1M rows).
        record = parse(body)
        if record.WhichOneof("record_type") != "history":
            continue
        row: dict = {}
        for item in record.history.item:
            path = item.nested_key or [item.key]
            target = row
            for key in path[:-1]:
                target = target.setdefault(key, {})
            target[path[-1]] = loads(item.value_json)
        yield row


def main(argv: list[str]) -> int:
    """Time the decode of one file and print the result as JSON."""
    if len(argv) != 1:
        print("usage: py_local_reader.py <file.wandb>", file=sys.stderr)
        return 2
    started = time.perf_counter()
    with open(argv[0], "rb") as f:
        data = f.read()
    counts = {"records": 0}
    rows = 0
    for _row in iter_rows(data, counts):
        rows += 1
    seconds = time.perf_counter() - started
    print(json.dumps({"rows": rows, "records": counts["records"], "bytes": len(data), "seconds": seconds}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
