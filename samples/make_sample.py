"""Writes samples/wandb/: the small offline run the README's first command exports.

A 300-step toy training loop logged with the released wandb package (pinned in
tests/fixtures/requirements.txt), offline, with config, tags, nested metrics, a NaN
spike, console output with a progress bar, and system metrics.

    python samples/make_sample.py
"""

import math
import os
import pathlib
import random
import shutil
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
os.environ.update(WANDB_MODE="offline", WANDB_SILENT="true", WANDB_DISABLE_GIT="true")

import wandb  # noqa: E402


def main() -> None:
    out = HERE / "wandb"
    shutil.rmtree(out, ignore_errors=True)
    random.seed(7)
    run = wandb.init(
        dir=str(HERE),
        id="wbxdemo1",
        project="wbx-demo",
        name="demo-sgd-300",
        tags=["demo", "sgd"],
        notes="Sample run bundled with wbx",
        config={"lr": 0.05, "batch_size": 64, "optimizer": {"name": "sgd", "momentum": 0.9}},
        settings=wandb.Settings(x_stats_sampling_interval=0.5, save_code=False),
    )
    for step in range(300):
        loss = 2.5 * math.exp(-step / 80) + random.uniform(0, 0.05)
        acc = 1 - loss / 3
        row = {"train": {"loss": loss, "acc": acc}, "lr": 0.05 * 0.99**step}
        if step == 150:
            row["train"]["loss"] = float("nan")
        if step % 50 == 0:
            row["val/loss"] = loss * 1.1
        run.log(row, step=step)
        if step % 30 == 0:
            sys.stdout.write(f"\rtraining {step // 3:3d}% step {step}")
            sys.stdout.flush()
        time.sleep(0.01)
    print("\rtraining 100% step 300")
    print("validation loss 0.052", file=sys.stderr)
    run.summary["best_val_loss"] = 0.052
    run.finish()
    for junk in ("logs", "tmp"):
        for path in out.glob(f"*/{junk}"):
            shutil.rmtree(path, ignore_errors=True)
    for path in out.glob("debug*.log"):
        path.unlink()
    for path in out.glob("*/files/requirements.txt"):
        path.write_text("wandb==%s\n" % wandb.__version__)


if __name__ == "__main__":
    main()
