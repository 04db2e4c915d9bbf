"""Reads one run from the wbx test server with the official wandb SDK and prints what it saw as JSON.

Usage: python sdk_check.py BASE_URL API_KEY ENTITY/PROJECT/RUN_ID OUT_DIR
Used by sdk_crosscheck_test.ts; the TypeScript side compares every value with the seeded run.
"""

import json
import os
import sys

import wandb


def main() -> None:
    base_url, api_key, path, out_dir = sys.argv[1:5]
    entity, project, _ = path.split("/")
    api = wandb.Api(overrides={"base_url": base_url}, api_key=api_key)
    run = api.run(path)
    out = {
        "attrs": {
            "id": run.id,
            "name": run.name,
            "state": run.state,
            "tags": run.tags,
            "created_at": run.created_at,
            "group": run.group,
            "job_type": run.job_type,
            "notes": run.notes,
            "config": run.config,
            "summary": run.summary_metrics,
            "path": run.path,
            "url": run.url,
            "storage_id": run.storage_id,
            "last_history_step": run.lastHistoryStep,
            "user": run.user.username,
        },
        "scan": list(run.scan_history()),
        "scan_loss": list(run.scan_history(keys=["loss"])),
        "history": run.history(pandas=False),
        "history_acc": run.history(keys=["acc"], pandas=False),
        "system": run.history(stream="system", pandas=False),
        "files": [[f.name, f.size, f.md5] for f in run.files()],
        "metadata": run.metadata,
        "logged_artifacts": [[a.name, a.type, a.version, sorted(a.aliases)] for a in run.logged_artifacts()],
        "runs": [r.id for r in api.runs(f"{entity}/{project}", filters={"state": "finished"}, order="-created_at")],
    }
    downloaded = run.file("output.log").download(root=out_dir, replace=True)
    downloaded.close()
    with open(os.path.join(out_dir, "output.log"), encoding="utf-8") as f:
        out["output_log"] = f.read()
    sys.stdout.write(json.dumps(out))


if __name__ == "__main__":
    main()
