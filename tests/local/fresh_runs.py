"""Logs fresh runs with the installed wandb SDK into the wbx test server, for wild_runs_fresh_test.

Usage: python fresh_runs.py OUT_DIR ENTITY PROJECT [legacy]
WANDB_BASE_URL / WANDB_API_KEY point at the test server. Online runs make the SDK write
files/config.yaml, files/wandb-summary.json and files/output.log beside the log, the ground truth
the test compares wbx's reading with. With `legacy`, the legacy Python writer is used
(`wandb.require("legacy-service")`, SDK < 0.21), offline: it asks the server for introspection
the test server does not answer, and offline it still writes files/wandb-summary.json.
Prints {run id: run folder} as JSON last.
"""

import json
import os
import sys
import time

import wandb

OUT, ENTITY, PROJECT = sys.argv[1], sys.argv[2], sys.argv[3]
LEGACY = len(sys.argv) > 4 and sys.argv[4] == "legacy"
if LEGACY:
    wandb.require("legacy-service")


def out(stream, text):
    """Writes to a stream and flushes, so each write is one console record."""
    stream.write(text)
    stream.flush()
    time.sleep(0.05)


def log_run(run_id: str, exit_code: int) -> str:
    run = wandb.init(
        entity=ENTITY,
        project=PROJECT,
        id=run_id,
        dir=OUT,
        config={"lr": 0.01, "opt": {"name": "adam", "betas": [0.9, 0.99]}, "layers": [64, 32]},
        mode="offline" if LEGACY else "online",
        settings=wandb.Settings(disable_git=True, disable_code=True, silent=True, x_disable_stats=True),
    )
    run.config.update({"batch": 32})
    run.define_metric("epoch")
    run.define_metric("val/*", step_metric="epoch", summary="max")
    run.define_metric("loss", summary="min")
    for i in range(5):
        run.log({"epoch": i, "loss": 1.0 / (i + 1), "val/acc": i * 0.1, "nested": {"a": i}})
    run.summary["best"] = 0.9
    # The example of wandb-core's line model, then trailing spaces, a spaces-only line,
    # a progress bar redrawn with \r, colour codes and a cursor-up rewrite.
    out(sys.stdout, "A\n\n")
    out(sys.stderr, "B\n")
    out(sys.stdout, "C\n")
    out(sys.stdout, "ab  \n   \n")
    for p in (10, 50, 100):
        out(sys.stderr, f"\r{p:3d}%|" + "#" * (p // 10) + " " * (10 - p // 10) + "|")
    out(sys.stderr, "\n")
    out(sys.stdout, "\x1b[32mgreen\x1b[0m\tdone\n")
    out(sys.stdout, "one\ntwo\n\x1b[A\x1b[AONE\n\n")
    out(sys.stdout, "x\n\n")
    run.finish(exit_code=exit_code)
    return run.dir.rsplit("/files", 1)[0] if run.dir.endswith("/files") else os.path.dirname(run.dir)


folders = {rid: log_run(rid, code) for rid, code in (("fresh-ok", 0), ("fresh-fail", 1))}
print(json.dumps(folders))
