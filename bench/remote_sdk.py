"""The official-SDK side of the remote benchmark: one case per process, one JSON line out.

Usage: python remote_sdk.py CASE BASE_URL API_KEY EXPORTED_RUN UNEXPORTED_RUN SCRATCH_DIR

CASE is one of sdk-rows, sdk-ndjson, sdk-csv, sdk-parquet (the exported run),
sdk-graphql-rows (the unexported run) or sdk-bulk (EXPORTED_RUN is then a project, whose
runs are exported one after another). The client is made and the run loaded first
(`wandb.Api(...)`, `api.run(path)`: this starts the wandb-core sidecar), then the scan and
export are timed. wandb 0.31 hands every public-API request to wandb-core, and scan_history
reads the Parquet exports in Go/Rust and sends each page to Python, so CPU time and peak RSS
are those of Python plus its wandb-core child (VmHWM and utime+stime from /proc).

Set WANDB_CACHE_DIR to an empty folder per process: scan_history caches the export files there
by run path and reuses them without any check.
"""

import json
import os
import re
import sys
import time


def children(pid):
    """Every descendant process id of pid (Linux /proc)."""
    out = []
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                kids = [int(c) for c in f.read().split()]
        except FileNotFoundError:
            continue
        for kid in kids:
            out.append(kid)
            out.extend(children(kid))
    return out


def cpu_seconds(pid):
    """User plus system CPU seconds of a process, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid):
    """Peak resident set (VmHWM) of a process in MB."""
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmHWM:\s+(\d+) kB", f.read()).group(1)) / 1024


def tree_cpu(pids):
    """CPU seconds of the processes still alive among pids."""
    total = 0.0
    for pid in pids:
        try:
            total += cpu_seconds(pid)
        except FileNotFoundError:
            pass
    return total


def plain(value):
    """A value pandas can put in a Parquet column: nested dicts and lists as JSON text."""
    return json.dumps(value) if isinstance(value, (dict, list)) else value


def bulk_case(api, project, out_dir):
    """The loop a user writes to export a project: each run's history, then a runs table."""
    import pandas as pd

    rows = 0
    table = []
    for run in api.runs(project):
        df = pd.DataFrame(list(run.scan_history()))
        df.to_parquet(os.path.join(out_dir, f"{run.id}.parquet"))
        rows += len(df)
        entry = {"id": run.id, "name": run.name, "state": run.state}
        entry.update({f"config.{k}": plain(v) for k, v in run.config.items()})
        entry.update({f"summary.{k}": plain(v) for k, v in run.summary_metrics.items()})
        table.append(entry)
    path = os.path.join(out_dir, "runs.parquet")
    pd.DataFrame(table).to_parquet(path)
    size = sum(os.path.getsize(os.path.join(out_dir, f)) for f in os.listdir(out_dir) if f.endswith(".parquet"))
    return rows, size


def run_case(case, run, out_dir):
    """Runs the measured part of a case; returns (rows, bytes written or None)."""
    if case in ("sdk-rows", "sdk-graphql-rows"):
        n = 0
        for _ in run.scan_history():
            n += 1
        return n, None
    if case == "sdk-ndjson":
        path = os.path.join(out_dir, "out.ndjson")
        n = 0
        with open(path, "w", encoding="utf-8") as f:
            for row in run.scan_history():
                f.write(json.dumps(row) + "\n")
                n += 1
        return n, os.path.getsize(path)
    import pandas as pd

    df = pd.DataFrame(list(run.scan_history()))
    if case == "sdk-csv":
        path = os.path.join(out_dir, "out.csv")
        df.to_csv(path, index=False)
    elif case == "sdk-parquet":
        path = os.path.join(out_dir, "out.parquet")
        df.to_parquet(path)
    else:
        raise SystemExit(f"Unknown SDK case {case!r}: use sdk-rows, sdk-ndjson, sdk-csv, sdk-parquet or sdk-graphql-rows")
    return len(df), os.path.getsize(path)


def versions():
    """Python, wandb, pandas and pyarrow versions."""
    import wandb

    parts = [sys.version.split()[0], f"wandb {wandb.__version__}"]
    for name in ("pandas", "pyarrow"):
        try:
            parts.append(f"{name} {__import__(name).__version__}")
        except ImportError:
            pass
    return ", ".join(parts)


def main(argv):
    """Loads the run, times the case, prints one JSON line."""
    case, base_url, api_key, exported, unexported, out_dir = argv
    if case in ("sdk-csv", "sdk-parquet", "sdk-bulk"):
        import pandas  # noqa: F401  (imported before the clock starts, as a user's script would)
    import wandb

    t0 = time.perf_counter()
    api = wandb.Api(overrides={"base_url": base_url}, api_key=api_key)
    if case == "sdk-bulk":
        api.viewer  # starts wandb-core before the clock, as api.run does for the other cases
        run = None
    else:
        run = api.run(unexported if case == "sdk-graphql-rows" else exported)
    setup = time.perf_counter() - t0
    me = os.getpid()
    helpers = children(me)
    cpu0 = time.process_time() + tree_cpu(helpers)
    t1 = time.perf_counter()
    if case == "sdk-bulk":
        export_dir = os.path.join(out_dir, "export")
        os.makedirs(export_dir)
        rows, out_bytes = bulk_case(api, exported, export_dir)
    else:
        rows, out_bytes = run_case(case, run, out_dir)
    seconds = time.perf_counter() - t1
    helpers = sorted(set(helpers + children(me)))
    cpu = time.process_time() + tree_cpu(helpers) - cpu0
    python_rss = peak_rss_mb(me)
    helper_rss = 0.0
    for pid in helpers:
        try:
            helper_rss += peak_rss_mb(pid)
        except FileNotFoundError:
            pass
    result = {
        "case": case,
        "runtime": "python",
        "version": versions(),
        "rows": rows,
        "ms": seconds * 1000,
        "cpuMs": cpu * 1000,
        "peakRssMb": python_rss + helper_rss,
        "pythonRssMb": python_rss,
        "setupMs": setup * 1000,
    }
    if out_bytes is not None:
        result["outBytes"] = out_bytes
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
