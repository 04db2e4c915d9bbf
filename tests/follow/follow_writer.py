"""Logs a run with the official wandb SDK slowly, for the follow tests and bench.

Usage: python follow_writer.py MODE RUN_ID STEPS SLEEP_S PAD_BYTES [KILL_AT_STEP] [RESUME]
MODE is offline or online (WANDB_BASE_URL/WANDB_API_KEY point at the test server). Each step
logs `loss`, `i`, a nested `eval` dict and `pad` (a string of PAD_BYTES, so wandb-core fills its
32 KiB blocks sooner), prints one console line, and prints `LOGGED <step> <unix time>` to stdout
right after `run.log` returns (the bench's send time). FOLLOW_FLUSH_S sets wandb-core's
`x_transaction_log_flush_interval` (default here 0.2 s; the SDK's own default is 15 s). With KILL_AT_STEP the process sends
SIGKILL to its whole process group (wandb-core included) after that step: a crash with no exit
record. RESUME=1 resumes RUN_ID (`resume="must"`) and starts the step count after its last step.
"""

import os
import signal
import sys
import time

import wandb


def main() -> None:
    mode, run_id, steps, sleep_s, pad = sys.argv[1:6]
    kill_at = int(sys.argv[6]) if len(sys.argv) > 6 and sys.argv[6] != "-" else None
    resume = len(sys.argv) > 7 and sys.argv[7] == "1"
    run = wandb.init(
        project="follow",
        id=run_id,
        resume="must" if resume else None,
        settings=wandb.Settings(
            mode=mode,
            x_stats_sampling_interval=0.5,
            # Whole seconds: wandb-core 0.31 ignores a fraction below 1 and keeps its 15 s default.
            x_file_stream_transmit_interval=float(os.environ.get("FOLLOW_TRANSMIT_S", "1")),
            # wandb-core flushes the .wandb file every 15 s by default (whole 32 KiB blocks in between).
            x_transaction_log_flush_interval=float(os.environ.get("FOLLOW_FLUSH_S", "0.2")),
            disable_git=True,
            disable_code=True,
            silent=True,
        ),
    )
    print("FOLDER", os.path.dirname(run.dir), flush=True)
    start = run.step if resume else 0
    for n in range(int(steps)):
        i = start + n
        run.log({"loss": 1.0 / (i + 1), "i": i, "eval": {"acc": i / 100}, "pad": "x" * int(pad)})
        sys.stdout.write(f"LOGGED {i} {time.time()}\n")
        sys.stdout.flush()
        sys.stderr.write(f"step {i} done\n")
        if kill_at is not None and i == kill_at:
            os.killpg(0, signal.SIGKILL)
        time.sleep(float(sleep_s))
    run.finish()
    print("DONE", flush=True)


if __name__ == "__main__":
    main()
