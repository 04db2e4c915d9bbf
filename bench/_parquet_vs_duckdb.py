"""The DuckDB side of parquet_vs_duckdb.bench.ts, one case per process.

Usage: python bench/_parquet_vs_duckdb.py <ndjson|rows> <input.ndjson> <out.parquet> <codec> <threads>
- ndjson: COPY (FROM read_json(input, the 21 columns declared)) TO out: parse and write.
- rows: the NDJSON is loaded into an in-memory table first (not timed); only COPY table TO out is timed.
- parts: as rows, one file per 1,000 rows (a COPY of each _step range).
- export: the input is a Parquet file shaped like a W&B history export; COPY (FROM read_parquet) TO.
- columns: that file is loaded into an in-memory table first (not timed); only COPY table TO is timed.
- make-export: writes that file from the NDJSON (snappy, row groups of 10,000 rows); not timed.
With WBX_BENCH_WARM=K in the environment, K unmeasured conversions run first; with
WBX_BENCH_MEASURE=M, the figures are the mean of M measured conversions (default 1).
Prints one JSON line {ms, cpuMs, bytes}: wall and CPU (user + system, all threads) of the COPY.
"""
import json
import os
import sys
import time

import duckdb

mode, inp, out, codec, threads = sys.argv[1:6]
con = duckdb.connect()
con.execute(f"SET threads={int(threads)}")
cols = "{'_step': 'BIGINT', " + ", ".join(f"'m{k}': 'DOUBLE'" for k in range(20)) + "}"
src = f"read_json('{inp}', format='newline_delimited', columns={cols})"
if mode == "make-export":
    con.execute(
        f"COPY (FROM {src}) TO '{out}' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 10000)"
    )
    raise SystemExit(0)
if mode == "export":
    src = f"read_parquet('{inp}')"
elif mode == "columns":
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_parquet('{inp}')")
    src = "t"
elif mode in ("rows", "parts"):
    con.execute(f"CREATE TABLE t AS SELECT * FROM {src}")
    src = "t"
elif mode != "ndjson":
    raise SystemExit(f'unknown mode "{mode}": use "ndjson", "rows", "parts", "export" or "columns"')


def convert():
    """One conversion of the input, as the mode says; returns the bytes written."""
    size = 0
    if mode == "parts":
        # One file per 1,000 rows, as wbx's parts mode writes them.
        rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
        for k in range(0, (rows + 999) // 1000):
            part = f"{out}.{k}"
            con.execute(
                f"COPY (SELECT * FROM t WHERE _step >= {k * 1000} AND _step < {(k + 1) * 1000}) "
                f"TO '{part}' (FORMAT parquet, COMPRESSION {codec})"
            )
            size += os.path.getsize(part)
            os.remove(part)
    else:
        con.execute(f"COPY (SELECT * FROM {src}) TO '{out}' (FORMAT parquet, COMPRESSION {codec})")
        size = os.path.getsize(out)
    return size


for _ in range(int(os.environ.get("WBX_BENCH_WARM", "0"))):
    convert()
measured = int(os.environ.get("WBX_BENCH_MEASURE", "1"))
c0 = os.times()
t0 = time.perf_counter()
for _ in range(measured):
    size = convert()
ms = (time.perf_counter() - t0) * 1000 / measured
c1 = os.times()
cpu = (c1.user - c0.user + c1.system - c0.system) * 1000 / measured
print(json.dumps({"ms": ms, "cpuMs": cpu, "bytes": size}))
