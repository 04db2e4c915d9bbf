"""Reads runs back with the official SDK's public API and prints what it saw as one JSON object.

Usage: python sdk_read.py BASE_URL API_KEY KEYS_JSON ENTITY/PROJECT/RUN_ID...
KEYS_JSON maps a run ID to the keys passed to `history(keys=...)`. Non-finite floats stay
bare NaN/Infinity in the output (the TypeScript side parses them with parseJson).
"""

import json
import os
import sys

import wandb


def read_run(api: "wandb.Api", path: str, keys: list) -> dict:
    """Attributes, histories, files and logged artifacts of one run."""
    run = api.run(path)
    return {
        "attrs": {
            "id": run.id,
            "name": run.name,
            "state": run.state,
            "tags": run.tags,
            "notes": run.notes,
            "group": run.group,
            "job_type": run.job_type,
            "config": run.config,
            "summary": run.summary_metrics,
            "last_history_step": run.lastHistoryStep,
            "history_line_count": run.historyLineCount if hasattr(run, "historyLineCount") else None,
        },
        "scan": list(run.scan_history()),
        "history_keys": run.history(keys=keys, pandas=False),
        "system": run.history(stream="system", pandas=False),
        "files": sorted([f.name, f.size, f.md5] for f in run.files()),
        "logged_artifacts": [artifact_view(a, download=True) for a in run.logged_artifacts()],
        "used_artifacts": [artifact_view(a, download=False) for a in run.used_artifacts()],
    }


def artifact_view(a: "wandb.Artifact", download: bool) -> dict:
    """Name, type, version, aliases, digest, size, manifest entries, files; downloaded if asked.

    Downloads go to ./sdk-download/<name:version> (the working folder the test gave).
    """
    root = None
    if download:
        root = a.download(root=os.path.join(os.getcwd(), "sdk-download", a.name))
    return {
        "name": a.name,
        "type": a.type,
        "version": a.version,
        "aliases": sorted(a.aliases),
        "digest": a.digest,
        "size": a.size,
        "file_count": a.file_count,
        "state": a.state,
        "description": a.description,
        "metadata": a.metadata,
        "entries": sorted(
            [path, e.digest, e.size] for path, e in a.manifest.entries.items()
        ),
        "files": sorted(f.name for f in a.files()),
        "download_root": root,
    }


def main() -> None:
    base_url, api_key, keys_json = sys.argv[1:4]
    keys = json.loads(keys_json)
    api = wandb.Api(overrides={"base_url": base_url}, api_key=api_key, timeout=30)
    out = {}
    for path in sys.argv[4:]:
        run_id = path.split("/")[-1]
        out[run_id] = read_run(api, path, keys.get(run_id, []))
    sys.stdout.write(json.dumps(out))


if __name__ == "__main__":
    main()
