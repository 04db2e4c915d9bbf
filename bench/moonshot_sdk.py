"""The official SDK as the wandb/wandb#6951 user ran it: many threads over a project's runs.

Usage: python moonshot_sdk.py BASE_URL API_KEY ENTITY/PROJECT SAMPLE THREADS OUT_DIR

Lists the project, takes the first SAMPLE runs and exports each run's history to Parquet
(`pd.DataFrame(list(run.scan_history())).to_parquet(...)`) on a pool of THREADS threads; prints
one JSON line: runs, rows, wall ms, CPU ms and peak RSS MB (Python plus its wandb-core child,
from /proc, as remote_sdk.py measures them).
"""

import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from remote_sdk import children, peak_rss_mb, tree_cpu  # noqa: E402


def main(argv):
    base_url, api_key, project, sample, threads, out_dir = argv
    import pandas as pd
    import wandb

    api = wandb.Api(overrides={"base_url": base_url}, api_key=api_key)
    api.viewer  # starts wandb-core before the clock
    me = os.getpid()
    helpers = children(me)
    cpu0 = time.process_time() + tree_cpu(helpers)
    t0 = time.perf_counter()
    runs = []
    for run in api.runs(project):
        runs.append(run)
        if len(runs) >= int(sample):
            break

    def export(run):
        df = pd.DataFrame(list(run.scan_history()))
        df.to_parquet(os.path.join(out_dir, f"{run.id}.parquet"))
        return len(df)

    with ThreadPoolExecutor(max_workers=int(threads)) as pool:
        rows = sum(pool.map(export, runs))
    seconds = time.perf_counter() - t0
    helpers = sorted(set(helpers + children(me)))
    cpu = time.process_time() + tree_cpu(helpers) - cpu0
    rss = peak_rss_mb(me)
    for pid in helpers:
        try:
            rss += peak_rss_mb(pid)
        except FileNotFoundError:
            pass
    out = {"runs": len(runs), "rows": rows, "ms": seconds * 1000, "cpuMs": cpu * 1000, "peakRssMb": rss}
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
