"""The official SDK's write side as a referee for write_sdk_test.ts.

Usage:
  python _sdk_write.py documents
      Prints {key: text} of the write documents the installed SDK sends (Python sources, the
      runtime-built UseArtifact/CreateArtifact documents, and the wandb-core binary's texts).
  python _sdk_write.py <mode> <base_url> <api_key> <entity/project/run_id> [args...]
      write   : sets tags, notes, name, a config key and summary keys, then run.update()
      delkey K: del run.summary[K]; run.update()
      read    : prints the run's tags, notes, name, group, config and summary
      create  : Run.create(api, run_id, project, entity, state="pending"); prints its path
      state S : run.update_state(S)
      upload F R : run.upload_file(F, root=R); prints the file's name, size and md5
      delete  : run.delete()
"""
import inspect
import json
import math
import os
import re
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


def doc_in(func, marker):
    src = inspect.getsource(func)
    for m in re.finditer(r'"""(.*?)"""', src, re.S):
        if marker in m.group(1):
            return m.group(1)
    raise SystemExit(f"no document with {marker!r} in {func.__qualname__}")


def core_document(start):
    """A document embedded in the wandb-core binary, from `start` to its closing brace."""
    path = os.path.join(os.path.dirname(wandb.__file__), "bin", "wandb-core")
    data = open(path, "rb").read()
    i = data.find(start.encode())
    if i < 0:
        raise SystemExit(f"{start!r} not in {path}")
    depth, j, opened = 0, i, False
    while True:
        c = data[j : j + 1]
        if c == b"{":
            depth += 1
            opened = True
        elif c == b"}":
            depth -= 1
        j += 1
        if opened and depth == 0:
            return data[i:j].decode() + "\n"


class Capture:
    """A stand-in ServiceApi that records what the SDK would execute."""

    def __init__(self, features, reply):
        self.features = features
        self.reply = reply
        self.sent = []

    def feature_enabled(self, feature, **_):
        return bool(self.features)

    def execute_graphql(self, query, variables=None):
        self.sent.append((query, variables))
        return self.reply


def documents():
    from wandb.apis.public import api as api_mod
    from wandb.apis.public import runs, summary
    from wandb.sdk.artifacts import _gqlutils

    delete_doc = doc_in(runs.Run.delete, "mutation DeleteRun")
    use_plain = Capture(False, {"useArtifact": {"artifact": None}})
    _gqlutils.record_artifact_use(
        use_plain, artifact_id="a", entity_name="e", project_name="p", run_name="r", use_as="x"
    )
    use_all = Capture(True, {"useArtifact": {"artifact": None}})
    _gqlutils.record_artifact_use(
        use_all, artifact_id="a", entity_name="e", project_name="p", run_name="r", use_as="x"
    )
    create = Capture(False, {"createArtifact": {"artifact": {"artifactSequence": {}}}})
    _gqlutils.create_artifact_version(
        create,
        artifact_type_name="dataset",
        artifact_collection_name="ds",
        digest="d",
        digest_algorithm="MANIFEST_MD5",
        entity_name="e",
        project_name="p",
        run_name="r",
        aliases=[{"artifactCollectionName": "ds", "alias": "best"}],
        tags=[{"tagName": "t"}],
    )
    return {
        "UPSERT_BUCKET_SUMMARY_MUTATION": doc_in(summary.HTTPSummary._write, "mutation UpsertBucket"),
        "UPSERT_BUCKET_CREATE_MUTATION": doc_in(api_mod.Api._create_run, "mutation UpsertBucket"),
        "deleteRunMutation(true)": delete_doc.format(
            "$deleteArtifacts: Boolean", "deleteArtifacts: $deleteArtifacts"
        ),
        "deleteRunMutation(false)": delete_doc.format("", ""),
        "useArtifactMutation(usedAs)": use_plain.sent[0][0],
        "useArtifactMutation(usedAs, artifactProject)": use_all.sent[0][0],
        "CREATE_ARTIFACT_MUTATION": create.sent[0][0],
        "createArtifactVariables": create.sent[0][1],
        "UPSERT_BUCKET_MUTATION": core_document("mutation UpsertBucket ($id: String, $name"),
        "STOP_RUN_MUTATION": core_document("mutation StopRun ("),
        "MARK_RUN_FILES_UPLOADED_MUTATION": core_document("mutation MarkRunFilesUploaded ("),
    }


def main():
    mode = sys.argv[1]
    if mode == "documents":
        sys.stdout.write(json.dumps(documents()))
        return
    base_url, api_key, path = sys.argv[2:5]
    extra = sys.argv[5:]
    api = wandb.Api(api_key=api_key, overrides={"base_url": base_url}, timeout=30)
    if mode == "create":
        entity, project, run_id = path.split("/")
        run = wandb.apis.public.Run.create(
            api, run_id=run_id, project=project, entity=entity, state="pending"
        )
        out = {"path": "/".join(run.path), "state": run.state}
    else:
        run = api.run(path)
        out = {}
        if mode == "write":
            run.tags = ["from-python", "sdk"]
            run.notes = "notes from python"
            run.name = "python name"
            run.config["py_key"] = {"depth": 2}
            run.summary["py_metric"] = 1.5
            run.summary["py_nested"] = {"a": 1}
            run.update()
        elif mode == "delkey":
            del run.summary[extra[0]]
            run.update()
        elif mode == "state":
            out["ok"] = run.update_state(extra[0])
        elif mode == "upload":
            f = run.upload_file(extra[0], root=extra[1])
            out = {"name": f.name, "size": f.size, "md5": f.md5}
        elif mode == "delete":
            run.delete()
        elif mode == "read":
            out = {
                "tags": run.tags,
                "notes": run.notes,
                "name": run.name,
                "group": run.group,
                "state": run.state,
                "config": safe(run.config),
                "rawconfig": safe(run.rawconfig),
                "summary": safe(dict(run.summary_metrics)),
            }
    sys.stdout.write(json.dumps(out))


main()
