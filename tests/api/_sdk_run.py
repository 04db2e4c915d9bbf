"""Reads one run through the installed wandb SDK and prints its attributes as JSON (referee for run_test.ts).

Usage: python _sdk_run.py <base_url> <api_key> <entity/project/run_id>
"""
import json
import math
import sys

import wandb


def safe(value):
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return {"$float": repr(value)}
    if isinstance(value, dict):
        return {k: safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [safe(v) for v in value]
    return value


base_url, api_key, path = sys.argv[1:4]
api = wandb.Api(api_key=api_key, overrides={"base_url": base_url}, timeout=30)
run = api.run(path)
out = {
    "id": run.id,
    "storage_id": run.storage_id,
    "name": run.name,
    "state": run.state,
    "entity": run.entity,
    "project": run.project,
    "path": run.path,
    "url": run.url,
    "tags": run.tags,
    "notes": run.notes,
    "group": run.group,
    "job_type": run.job_type,
    "created_at": run.created_at,
    "heartbeat_at": run.heartbeat_at,
    "read_only": run.read_only,
    "project_id": run.project_id,
    "user": {"name": run.user.name, "username": run.user.username},
    "sweep_name": run.sweep_name,
    "config": safe(run.config),
    "rawconfig": safe(run.rawconfig),
    "summary_metrics": safe(run.summary_metrics),
    "system_metrics": safe(run.system_metrics),
    "history_keys": safe(run.history_keys),
    "lastHistoryStep": run.lastHistoryStep,
    "metadata": safe(run.metadata),
    "html": run.to_html(),
    "html_hidden": run.to_html(height=300, hidden=True),
    "repr": repr(run),
    "files": [[f.name, f.size, f.md5] for f in run.files()],
    "logged_artifacts": [[a.name, a.type, a.version, a.aliases, a.digest, a.size] for a in run.logged_artifacts()],
    "used_artifacts": [[a.name, a.type, a.version, a.aliases] for a in run.used_artifacts()],
}
sys.stdout.write(json.dumps(out))
