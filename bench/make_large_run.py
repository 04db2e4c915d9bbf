"""Log a large offline run with the released `wandb` SDK, for the local-decode benchmark.

Usage: `python bench/make_large_run.py --steps 100000 --metrics 20 --out bench/out/large`
writes `<out>/wandb/offline-run-*-<id>/run-<id>.wandb` and prints one JSON line with the
path, the byte size and the time the SDK took (init to finish). Output is not committed.
"""

from __future__ import annotations

import argparse
import glob
import json
import math
import os
import sys
import time


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Read the command-line options."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=100_000, help="history rows (default 100000)")
    p.add_argument("--metrics", type=int, default=20, help="float metrics per row (default 20)")
    p.add_argument("--out", required=True, help="directory to write the wandb/ folder into")
    p.add_argument("--id", default=None, help="run id (default wbxbench<steps>x<metrics>)")
    return p.parse_args(argv)


def main(argv: list[str]) -> int:
    """Log the run and report where it is and how long it took."""
    args = parse_args(argv)
    if args.steps < 1 or args.metrics < 1:
        raise SystemExit(f"--steps and --metrics must be positive, got {args.steps} and {args.metrics}")
    os.environ.setdefault("WANDB_SILENT", "true")
    os.environ["WANDB_MODE"] = "offline"
    os.environ.setdefault("WANDB_DISABLE_GIT", "true")
    os.environ.setdefault("WANDB_DISABLE_CODE", "true")
    os.makedirs(args.out, exist_ok=True)
    import wandb

    run_id = args.id or f"wbxbench{args.steps}x{args.metrics}"
    keys = [f"m{j:02d}" if args.metrics <= 100 else f"m{j}" for j in range(args.metrics)]
    started = time.perf_counter()
    run = wandb.init(
        mode="offline",
        dir=args.out,
        id=run_id,
        project="wbx-bench",
        config={"steps": args.steps, "metrics": args.metrics},
        settings=wandb.Settings(x_disable_stats=True, console="off", x_save_requirements=False),
    )
    for step in range(args.steps):
        # Deterministic, cheap, varied values: a decaying curve with a per-metric phase.
        run.log({k: math.exp(-step / args.steps) * math.sin(step * 0.01 + j) for j, k in enumerate(keys)})
    logged = time.perf_counter()
    run.finish()
    finished = time.perf_counter()
    matches = sorted(glob.glob(os.path.join(args.out, "wandb", f"*-{run_id}", f"run-{run_id}.wandb")))
    path = matches[-1]
    print(
        json.dumps(
            {
                "path": path,
                "bytes": os.path.getsize(path),
                "steps": args.steps,
                "metrics": args.metrics,
                "log_seconds": round(logged - started, 3),
                "total_seconds": round(finished - started, 3),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
