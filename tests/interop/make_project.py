"""Log a small heterogeneous W&B project offline with the released `wandb` package.

Usage: `python make_project.py DIR PHASE` writes runs into `DIR/wandb/` and prints, as JSON, what
each run logged: `{run_id: {"history": [{key: value}], "config": {...}, "tags": [...]}}` with
NaN/±Infinity spelled "NaN"/"Infinity"/"-Infinity". Phase 1 logs runs `alpha`, `beta`, `gamma`;
phase 2 (an incremental rerun) adds `delta`, which brings a new key and widens a type.

Every run of phase 1 logs different keys: mixed ints and floats (`1.0` first, `0.5` later), NaN
and ±Infinity, a nested object, a histogram, unicode keys, booleans, and a key whose type changes
from number to string mid-run.
"""

import json
import math
import os
import sys

import wandb


def spell(value):
    """JSON-safe copy of a logged value (NaN/±Infinity as strings, histograms as their dict)."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {k: spell(v) for k, v in value.items()}
    if isinstance(value, list):
        return [spell(v) for v in value]
    return value


def alpha(step):
    row = {"loss": 1.0 / (1 + step), "mixed": 2 if step % 2 == 0 else 0.5 * step}
    if step == 0:
        row["loss"] = 1.0
    row["edge"] = [float("nan"), float("inf"), float("-inf"), 3.0][step % 4]
    row["eval"] = {"score": step / 10, "n": step}
    row["损失/loss"] = 2.0 - step / 100
    row["phase"] = step if step < 5 else f"late-{step}"
    if step % 5 == 0:
        row["hist"] = {"_type": "histogram", "values": [1, step], "bins": [0.0, 0.5, 1.0]}
    return row


def beta(step):
    row = {"loss": 0.25 * step, "val/acc": 0.5 + step / 40, "flag": step % 3 == 0}
    if step % 2:
        row["note"] = f"step {step} ✓"
    return row


def gamma(step):
    # `ramp` is 1.0 for the first 120 steps, then fractional: readers that infer a column's type
    # from its first 100 rows (polars) must see floats from the start.
    return {"loss": float(step), "count": step * 3, "ramp": 1.0 if step < 120 else step / 1000}


def delta(step):
    return {"loss": 1.0 - step / 20, "late/metric": step + 0.25, "phase": f"d{step}", "flag": True}


RUNS = {
    1: [("alpha", alpha, 12, ["base", "ünï"]), ("beta", beta, 9, []), ("gamma", gamma, 150, ["x"])],
    2: [("delta", delta, 7, ["new"])],
}


def main():
    out, phase = sys.argv[1], int(sys.argv[2])
    os.makedirs(out, exist_ok=True)
    logged = {}
    for run_id, make, steps, tags in RUNS[phase]:
        config = {"lr": 0.001 * len(run_id), "layers": len(run_id), "opt": {"name": run_id}}
        run = wandb.init(
            project="interop", id=run_id, dir=out, mode="offline", config=config, tags=tags,
            settings=wandb.Settings(disable_git=True, save_code=False, console="off"),
        )
        rows = []
        for step in range(steps):
            row = make(step)
            if "hist" in row:
                logged_row = dict(row)
                values = row["hist"]
                row = dict(row)
                row["hist"] = wandb.Histogram(np_histogram=(values["values"], values["bins"]))
                rows.append(logged_row)
            else:
                rows.append(dict(row))
            run.log(row, step=step)
        run.finish()
        logged[run_id] = {"history": [spell(r) for r in rows], "config": config, "tags": tags}
    print(json.dumps(logged))


if __name__ == "__main__":
    main()
