"""Logs the peer-conformance runs with the official wandb SDK, from one process.

Usage: python log_runs.py OUT_DIR ENTITY PROJECT
WANDB_BASE_URL / WANDB_API_KEY point at the wbx test server. Logs `peer-rich` and `peer-sparse`
online (their local folders stay under OUT_DIR/wandb) and `peer-offline` offline, for
`wandb sync`. Prints {id: local run folder} as JSON on the last line of stdout.
"""

import glob
import json
import math
import os
import sys
import time

import numpy as np
import wandb


# The files of the `peer-data` artifact `peer-rich` logs (`peer-sparse` uses it); the test
# compares downloads byte for byte against OUT_DIR/artifact-src/<name>.
ARTIFACT_FILES = {
    "data.txt": b"hello artifact\n",
    "nested/values.bin": bytes(range(256)) * 3,
}


def settings(mode: str) -> "wandb.Settings":
    """Quiet, local-only settings with system metrics sampled every 0.2 s."""
    return wandb.Settings(
        mode=mode,
        x_stats_sampling_interval=0.2,
        disable_git=True,
        disable_code=True,
        silent=True,
    )


def log_rich(entity: str, project: str, out_dir: str) -> None:
    """Scalars, nested dicts, NaN/Inf, strings, bools, media, a table, console, an artifact."""
    run = wandb.init(
        entity=entity,
        project=project,
        id="peer-rich",
        name="rich run",
        config={"lr": 0.01, "layers": [64, 32], "opt": {"name": "adam", "beta": 0.9}},
        tags=["peer", "rich"],
        notes="a run with everything",
        group="peer-group",
        job_type="train",
        settings=settings("online"),
    )
    specials = {3: float("nan"), 4: float("inf"), 5: float("-inf")}
    for i in range(30):
        row = {
            "loss": specials.get(i, 1.0 / (i + 1)),
            "acc": i / 30,
            "eval": {"score": i * 0.5, "nested": {"depth": i}},
            "phase": "warmup" if i < 10 else "main",
            "flag": i % 2 == 0,
            "count": i * 3,
        }
        if i == 7:
            row["image"] = wandb.Image(np.full((4, 6, 3), 200, dtype=np.uint8), caption="gray")
        if i == 12:
            row["table"] = wandb.Table(columns=["a", "b"], data=[[1, "x"], [2, "y"]])
        run.log(row)
        if i % 10 == 0:
            print(f"step {i} done")
    sys.stderr.write("a warning on stderr\n")
    time.sleep(1.0)  # a few system-metric samples
    artifact = wandb.Artifact("peer-data", type="dataset", description="d", metadata={"k": 1})
    for name, content in ARTIFACT_FILES.items():
        path = os.path.join(out_dir, "artifact-src", name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(content)
        artifact.add_file(path, name=name)
    run.log_artifact(artifact, aliases=["best"]).wait()
    run.summary["best_acc"] = 0.97
    run.summary["loss"] = 0.001
    run.finish()


def log_sparse(entity: str, project: str) -> None:
    """Keys that come and go, explicit steps with gaps, commit=False rows; uses peer-data:best."""
    run = wandb.init(
        entity=entity, project=project, id="peer-sparse", config={"seed": 7},
        settings=settings("online"),
    )
    run.use_artifact("peer-data:best")
    for step in range(0, 60, 3):
        run.log({"a": step}, step=step, commit=False)
        if step % 2 == 0:
            run.log({"b": {"x": step * 0.25}}, step=step, commit=False)
        if step % 5 == 0:
            run.log({"c": -step, "text": f"s{step}"}, step=step)
    print("sparse done")
    time.sleep(0.6)  # at least one system-metric sample
    run.finish()


def log_offline(entity: str, project: str, out_dir: str) -> None:
    """A small offline run, synced with `wandb sync` afterwards; logs peer-data v1."""
    run = wandb.init(
        entity=entity, project=project, id="peer-offline", config={"mode": "offline"},
        tags=["offline"], settings=settings("offline"),
    )
    for i in range(12):
        run.log({"x": i, "y": math.sqrt(i), "z": {"w": -i}})
    path = os.path.join(out_dir, "artifact-src-v1", "data.txt")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(b"hello artifact v1\n")
    artifact = wandb.Artifact("peer-data", type="dataset")
    artifact.add_file(path, name="data.txt")
    run.log_artifact(artifact)
    print("offline done")
    time.sleep(0.6)  # at least one system-metric sample
    run.finish()


def main() -> None:
    out_dir, entity, project = sys.argv[1:4]
    log_rich(entity, project, out_dir)
    log_sparse(entity, project)
    log_offline(entity, project, out_dir)
    folders = {}
    for run_id in ("peer-rich", "peer-sparse", "peer-offline"):
        found = glob.glob(os.path.join(out_dir, "wandb", f"*run-*-{run_id}"))
        folders[run_id] = found[0] if found else None
    print(json.dumps(folders))


if __name__ == "__main__":
    main()
